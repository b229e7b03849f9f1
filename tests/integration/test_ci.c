// SPDX-License-Identifier: GPL-2.0-only
/*
 * The scripted-CI features of lkvm-sev run on real /dev/kvm: serial
 * markers (--until, --until-re, --fail-on) against the lines guest, which
 * prints "line 1" to "line 50", "READY", "PANIC: oops" and then loops;
 * the serial log and a headless console; signals; --report for every kind
 * of end, checked against doc/report.schema.json; --trace.
 */
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "tests/json_check.h"
#include "tests/tests.h"

#define CI_TIMEOUT 30.0

/* @status -1: any. */
static void ci_run(struct vmm_proc *p, const char *const *args, int status)
{
	vmm_run(p, args, CI_TIMEOUT);
	if (status < 0)
		return;
	ck_assert_msg(p->status == status, "status %d, want %d; stderr: %s", p->status, status,
		      p->err);
}

/* Output ends exactly at the marker: the run stopped on the byte that completed it. */
START_TEST(until_early_late)
{
	struct vmm_proc p;

	ci_run(&p, (const char *[]){ "run", "--firmware", guest("lines"), "--until", "line 3",
				     "--timeout", "20", NULL }, 0);
	ck_assert_str_eq(p.out, "line 1\nline 2\nline 3");
	ck_assert_str_eq(p.err, "");
	ci_run(&p, (const char *[]){ "run", "--firmware", guest("lines"), "--until", "READY",
				     "--timeout", "20", NULL }, 0);
	ck_assert_uint_eq(count_substr(p.out, "line "), 50);
	ck_assert_ptr_nonnull(strstr(p.out, "line 50\nREADY"));
	ck_assert_ptr_null(strstr(p.out, "PANIC"));
}
END_TEST

/* Every byte is its own exit, and this marker also spans a line break. */
START_TEST(until_across_lines)
{
	struct vmm_proc p;

	ci_run(&p, (const char *[]){ "run", "--firmware", guest("lines"), "--until",
				     "9\nline 10\nli", NULL }, 0);
	ck_assert_ptr_nonnull(strstr(p.out, "line 9\nline 10\nli"));
	ck_assert_ptr_null(strstr(p.out, "line 11"));
	/* Of several markers, the first to appear wins. */
	ci_run(&p, (const char *[]){ "run", "--firmware", guest("lines"), "--until", "line 30",
				     "--until", "line 7", NULL }, 0);
	ck_assert_ptr_null(strstr(p.out, "line 8"));
}
END_TEST

START_TEST(until_never)
{
	struct vmm_proc p;

	ci_run(&p, (const char *[]){ "run", "--firmware", guest("lines"), "--until", "line 51",
				     "--timeout", "0.5", NULL }, 124);
	ck_assert_ptr_nonnull(strstr(p.out, "PANIC: oops\n"));
	ck_assert_ptr_nonnull(strstr(p.err, "timeout"));
}
END_TEST

START_TEST(fail_on)
{
	struct vmm_proc p;

	ci_run(&p, (const char *[]){ "run", "--firmware", guest("lines"), "--fail-on", "oops",
				     "--timeout", "20", NULL }, 6);
	ck_assert_str_eq(p.err, "lkvm-sev: guest printed failure marker 'oops'\n");
	ck_assert_ptr_nonnull(strstr(p.out, "READY\nPANIC: oops"));
	/* The success marker comes first. */
	ci_run(&p, (const char *[]){ "run", "--firmware", guest("lines"), "--fail-on", "PANIC",
				     "--until", "READY", NULL }, 0);
	ck_assert_ptr_null(strstr(p.out, "PANIC"));
	/* The failure marker comes first. */
	ci_run(&p, (const char *[]){ "run", "--firmware", guest("lines"), "--fail-on", "line 2",
				     "--until", "READY", NULL }, 6);
	ck_assert_str_eq(p.out, "line 1\nline 2");
}
END_TEST

START_TEST(until_re)
{
	struct vmm_proc p;

	ci_run(&p, (const char *[]){ "run", "--firmware", guest("lines"), "--until-re",
				     "^line 4[0-9]$", NULL }, 0);
	ck_assert_ptr_nonnull(strstr(p.out, "line 39\nline 40"));
	ck_assert_ptr_null(strstr(p.out, "line 41"));
	ci_run(&p, (const char *[]){ "run", "--firmware", guest("lines"), "--until-re",
				     "(READY|PANIC)", NULL }, 0);
	ck_assert_ptr_nonnull(strstr(p.out, "line 50\nREADY"));
	ck_assert_ptr_null(strstr(p.out, "PANIC"));
	/* A guest that powers off without the marker went away; it did not get there. */
	ci_run(&p, (const char *[]){ "run", "--firmware", guest("hello"), "--until-re", "x{3}",
				     NULL }, 8);
	ck_assert_str_eq(p.out, "Hello from the guest\n");
	ck_assert_str_eq(p.err, "lkvm-sev: the guest powered off without printing an --until "
			 "marker\n");
	ci_run(&p, (const char *[]){ "run", "--firmware", guest("hello"), "--until", "Goodbye",
				     NULL }, 8);
	ck_assert_str_eq(p.err, "lkvm-sev: the guest powered off without printing an --until "
			 "marker\n");
	/* Without a marker asked for, a power-off is a success. */
	ci_run(&p, (const char *[]){ "run", "--firmware", guest("hello"), "--fail-on", "x", NULL },
	       0);
	ck_assert_str_eq(p.err, "");
}
END_TEST

START_TEST(marker_options)
{
	struct vmm_proc p;

	ci_run(&p, (const char *[]){ "run", "--until", "", NULL }, 2);
	ck_assert_str_eq(p.err, "lkvm-sev: --until: empty marker\n");
	ci_run(&p, (const char *[]){ "run", "--fail-on", "", NULL }, 2);
	ck_assert_str_eq(p.err, "lkvm-sev: --fail-on: empty marker\n");
	ci_run(&p, (const char *[]){ "run", "--until-re", "(", NULL }, 2);
	ck_assert_ptr_nonnull(strstr(p.err, "lkvm-sev: --until-re '(': "));
	ci_run(&p, (const char *[]){ "run", "--until-re", "a", "--until-re", "b", NULL }, 2);
	ci_run(&p, (const char *[]){ "run", "--help", NULL }, 0);
	ck_assert_ptr_nonnull(strstr(p.out, "  6    the guest printed a --fail-on marker\n"));
	ck_assert_ptr_nonnull(strstr(p.out, "  8    the guest powered off without printing an "
				     "--until or --until-re\n"));
}
END_TEST

/* The whole file, NUL-terminated, into @buf. */
static size_t read_file(const char *path, char *buf, size_t size)
{
	FILE *f = fopen(path, "r");
	size_t n;

	ck_assert_msg(f != NULL, "%s: cannot open", path);
	n = fread(buf, 1, size - 1, f);
	buf[n] = '\0';
	fclose(f);
	return n;
}

static char ci_buf[VMM_OUT_MAX];

START_TEST(serial_log)
{
	char dir[64], log[128];
	struct vmm_proc p;

	test_dir_create(dir, sizeof(dir));
	snprintf(log, sizeof(log), "%s/serial.log", dir);
	ci_run(&p, (const char *[]){ "run", "--firmware", guest("lines"), "--serial-log", log,
				     "--until", "READY", NULL }, 0);
	read_file(log, ci_buf, sizeof(ci_buf));
	ck_assert_str_eq(ci_buf, p.out);
	ck_assert_uint_eq(count_substr(ci_buf, "line "), 50);
	/* Headless: nothing on stdout, the log has it all. */
	ci_run(&p, (const char *[]){ "run", "--firmware", guest("hello"), "--serial-log", log,
				     "--console", "none", NULL }, 0);
	ck_assert_str_eq(p.out, "");
	ck_assert_str_eq(p.err, "");
	read_file(log, ci_buf, sizeof(ci_buf));
	ck_assert_str_eq(ci_buf, "Hello from the guest\n");
	ci_run(&p, (const char *[]){ "run", "--firmware", guest("hello"), "--console", "none",
				     NULL }, 0);
	ck_assert_str_eq(p.out, "");
	/* A timeout and a failure marker leave the log complete too. */
	ci_run(&p, (const char *[]){ "run", "--firmware", guest("lines"), "--serial-log", log,
				     "--timeout", "0.5", NULL }, 124);
	read_file(log, ci_buf, sizeof(ci_buf));
	ck_assert_str_eq(ci_buf, p.out);
	ck_assert_ptr_nonnull(strstr(ci_buf, "PANIC: oops\n"));
	ci_run(&p, (const char *[]){ "run", "--firmware", guest("hello"), "--serial-log",
				     "/nonexistent/dir/log", NULL }, 2);
	ck_assert_ptr_nonnull(strstr(p.err, "--serial-log /nonexistent/dir/log: "));
	ci_run(&p, (const char *[]){ "run", "--console", "tty", NULL }, 2);
	ck_assert_str_eq(p.err, "lkvm-sev: --console tty: not one of none, serial, virtio\n");
	test_dir_remove(dir);
}
END_TEST

/* A signal mid-run: the log has what the guest printed before it. */
static void ci_signalled(int sig, int count, int status)
{
	char dir[64], log[128];
	struct vmm_proc p;
	int i;

	test_dir_create(dir, sizeof(dir));
	snprintf(log, sizeof(log), "%s/serial.log", dir);
	vmm_spawn(&p, (const char *[]){ "run", "--firmware", guest("spin"), "--serial-log", log,
					"--timeout", "20", NULL });
	ck_assert(vmm_wait_stdout(&p, "spinning\n", 10));
	for (i = 0; i < count; i++)
		kill(p.pid, sig);
	ck_assert_int_eq(vmm_finish(&p, 10), status);
	read_file(log, ci_buf, sizeof(ci_buf));
	ck_assert_str_eq(ci_buf, "spinning\n");
	test_dir_remove(dir);
}

START_TEST(signals)
{
	ci_signalled(SIGINT, 1, 130);
	ci_signalled(SIGTERM, 1, 143);
	/* The second SIGINT ends the process at once, with the same status. */
	ci_signalled(SIGINT, 2, 130);
}
END_TEST

/* Schema-valid (tests/report_check.py: draft-07 subset, ordered timeline). */
static void report_valid(const char *path)
{
	char cmd[512];

	snprintf(cmd, sizeof(cmd), "python3 %s/tests/report_check.py %s/doc/report.schema.json "
		 "'%s'", SRC_DIR, SRC_DIR, path);
	ck_assert_msg(system(cmd) == 0, "%s: not valid against the schema", path);
}

static void report_expect(const char *path, const char *key, const char *want)
{
	char got[256];

	ck_assert_msg(json_get(ci_buf, key, got, sizeof(got)), "%s: no %s", path, key);
	ck_assert_msg(!strcmp(got, want), "%s: %s is '%s', want '%s'", path, key, got, want);
}

static bool report_has(const char *key)
{
	char got[256];

	return json_get(ci_buf, key, got, sizeof(got));
}

static double report_num(const char *key)
{
	char got[64];

	ck_assert_msg(json_get(ci_buf, key, got, sizeof(got)), "report: no %s", key);
	return strtod(got, NULL);
}

/* Runs a guest with --report; returns the report in ci_buf, checked against the schema. */
static int report_run(const char *dir, const char *const *args, int status)
{
	const char *argv[32];
	char path[128], want[8];
	struct vmm_proc p;
	int i;

	snprintf(path, sizeof(path), "%s/report.json", dir);
	argv[0] = "run";
	argv[1] = "--report";
	argv[2] = path;
	for (i = 0; args[i]; i++)
		argv[i + 3] = args[i];
	argv[i + 3] = NULL;
	vmm_run(&p, argv, CI_TIMEOUT);
	read_file(path, ci_buf, sizeof(ci_buf));
	report_valid(path);
	snprintf(want, sizeof(want), "%d", status);
	if (status >= 0) {
		ck_assert_msg(p.status == status, "status %d, want %d: %s", p.status, status,
			      p.err);
		report_expect(path, "status", want);
	}
	return p.status;
}

/* sha256sum's digest of @path, into @hex (65 bytes). */
static void sha256sum(const char *path, char *hex)
{
	char cmd[512];
	FILE *f;

	snprintf(cmd, sizeof(cmd), "sha256sum '%s'", path);
	f = popen(cmd, "r");
	ck_assert_ptr_nonnull(f);
	ck_assert_int_eq(fscanf(f, "%64s", hex), 1);
	pclose(f);
}

/*
 * The firmware file truncated while the guest runs from it: the run goes
 * on to its timeout (no SIGBUS, no KVM fault), and the report hashes the
 * image that booted, not what the file holds at the end.
 */
START_TEST(firmware_truncated_during_run)
{
	char dir[64], fw[128], report[128], cmd[512], want[65];
	struct vmm_proc p;

	test_dir_create(dir, sizeof(dir));
	snprintf(fw, sizeof(fw), "%s/spin.fd", dir);
	snprintf(report, sizeof(report), "%s/report.json", dir);
	snprintf(cmd, sizeof(cmd), "cp '%s' '%s'", guest("spin"), fw);
	ck_assert_int_eq(system(cmd), 0);
	sha256sum(fw, want);
	vmm_spawn(&p, (const char *[]){ "run", "--firmware", fw, "--report", report, "--timeout",
					"1.5", NULL });
	ck_assert_msg(vmm_wait_stdout(&p, "spinning", CI_TIMEOUT), "no 'spinning': %s", p.err);
	ck_assert_int_eq(truncate(fw, 0), 0);
	vmm_finish(&p, CI_TIMEOUT);
	ck_assert_msg(p.status == 124, "status %d: %s", p.status, p.err);
	read_file(report, ci_buf, sizeof(ci_buf));
	report_expect(report, "firmware.sha256", want);
	report_expect(report, "firmware.size", "65536");
	test_dir_remove(dir);
}
END_TEST

/*
 * Outputs that cannot be written: a FIFO nobody reads is refused at once
 * (status 2, no wait for a reader that never comes); a full device
 * (/dev/full) gets one warning naming the file, and for --report a status
 * of its own, 10, saying the report is missing.
 */
START_TEST(outputs_unwritable)
{
	static const char *const opts[] = { "--serial-log", "--report", "--trace", "--debugcon",
					    "--dump-dtb" };
	static const char *const full[] = {
		"lkvm-sev: warning: --serial-log /dev/full: writing failed (No space left on "
		"device): the log stops there\n",
		"lkvm-sev: warning: --report /dev/full: writing failed (No space left on device): "
		"the run ended with status 0 (the guest powered off), but its report is missing\n",
		"lkvm-sev: warning: --trace /dev/full: writing failed (No space left on device): "
		"the trace is incomplete\n",
		"lkvm-sev: warning: --debugcon /dev/full: writing failed (No space left on device): "
		"the file stops there\n",
		"lkvm-sev: --dump-dtb /dev/full: No space left on device\n",
	};
	static const int full_status[] = { 0, 10, 0, 0, 2 };
	char dir[64], fifo[128], want[512];
	struct vmm_proc p;
	unsigned int i;

	test_dir_create(dir, sizeof(dir));
	snprintf(fifo, sizeof(fifo), "%s/fifo", dir);
	ck_assert_int_eq(mkfifo(fifo, 0600), 0);
	for (i = 0; i < sizeof(opts) / sizeof(opts[0]); i++) {
		ci_run(&p, (const char *[]){ "run", "--firmware", guest("hello"), opts[i], fifo,
					     "--timeout", "20", NULL }, 2);
		ck_assert_msg(p.secs < 5, "%s FIFO: %.1f s", opts[i], p.secs);
		snprintf(want, sizeof(want), "lkvm-sev: %s %s: a FIFO that nobody reads (lkvm-sev "
			 "would wait for a reader)\n", opts[i], fifo);
		ck_assert_str_eq(p.err, want);
		ci_run(&p, (const char *[]){ "run", "--firmware", guest("hello"), opts[i],
					     "/dev/full", "--timeout", "20", NULL }, full_status[i]);
		ck_assert_str_eq(p.err, full[i]);
	}
	test_dir_remove(dir);
}
END_TEST

/*
 * The I/O loop polls by default only where a CPU is left over for it: on
 * one CPU (this test's affinity, which lkvm-sev inherits) never, with more
 * CPUs than vCPUs up to 32 µs, and --io-poll decides when given.
 */
START_TEST(io_poll_default)
{
	cpu_set_t all, one;
	char dir[64];
	int cpu;

	ck_assert_int_eq(sched_getaffinity(0, sizeof(all), &all), 0);
	test_dir_create(dir, sizeof(dir));
	for (cpu = 0; !CPU_ISSET(cpu, &all); cpu++)
		;
	CPU_ZERO(&one);
	CPU_SET(cpu, &one);
	ck_assert_int_eq(sched_setaffinity(0, sizeof(one), &one), 0);
	report_run(dir, (const char *[]){ "--firmware", guest("hello"), NULL }, 0);
	report_expect(dir, "vm.io_poll_us", "0");
	report_run(dir, (const char *[]){ "--firmware", guest("hello"), "--io-poll", "7", NULL }, 0);
	report_expect(dir, "vm.io_poll_us", "7");
	ck_assert_int_eq(sched_setaffinity(0, sizeof(all), &all), 0);
	if (CPU_COUNT(&all) >= 2) {
		report_run(dir, (const char *[]){ "--firmware", guest("hello"), NULL }, 0);
		report_expect(dir, "vm.io_poll_us", "32");
		report_run(dir, (const char *[]){ "--firmware", guest("hello"), "-c",
						  CPU_COUNT(&all) >= 3 ? "3" : "2", NULL }, 0);
		report_expect(dir, "vm.io_poll_us", CPU_COUNT(&all) >= 4 ? "32" : "0");
	} else {
		tests_skip("ci io_poll_default", "one CPU: the default with CPUs to spare is not "
			   "seen");
	}
	test_dir_remove(dir);
}
END_TEST

START_TEST(report_kinds)
{
	char dir[64];

	test_dir_create(dir, sizeof(dir));
	report_run(dir, (const char *[]){ "--firmware", guest("hello"), NULL }, 0);
	report_expect(dir, "reason", "the guest powered off");
	report_expect(dir, "message", "null");
	report_expect(dir, "vm.mode", "plain");
	report_expect(dir, "vm.vcpus", "1");
	report_expect(dir, "vm.mem_bytes", "268435456");
	report_expect(dir, "vm.ro_protection.requested", "auto");
	ck_assert(report_has("vm.ro_protection.why"));
	report_expect(dir, "firmware.size", "65536");
	ck_assert(report_has("firmware.sha256"));
	report_expect(dir, "serial_tail.0", "Hello from the guest");
	ck_assert(!report_has("serial_tail.1"));
	/* 21 bytes to the UART, 15 to debugcon's absent port, the power-off write. */
	ck_assert_double_ge(report_num("exits.by_kind.io"), 21);
	ck_assert_double_eq(report_num("exits.by_kind.io"), report_num("exits.total"));
	ck_assert(report_has("timeline_ms.vm_created"));
	ck_assert(report_has("timeline_ms.firmware_mapped"));
	ck_assert(report_has("timeline_ms.first_guest_exit"));
	ck_assert(!report_has("timeline_ms.launch_finished"));
	ck_assert(!report_has("timeline_ms.marker_seen"));
	ck_assert_double_lt(report_num("timeline_ms.end"), CI_TIMEOUT * 1000);

	/* The PCI functions, a device asked for among them. */
	report_run(dir, (const char *[]){ "--firmware", guest("hello"), "--rng", NULL }, 0);
	report_expect(dir, "devices.0.pci", "00:00.0");
	report_expect(dir, "devices.0.name", "i440fx");
	report_expect(dir, "devices.2.pci", "00:01.3");
	report_expect(dir, "devices.3.pci", "00:02.0");
	report_expect(dir, "devices.3.name", "virtio-rng");
	report_expect(dir, "devices.3.vendor", "0x1af4");
	report_expect(dir, "devices.3.device", "0x1044");
	ck_assert(!report_has("devices.4"));

	report_run(dir, (const char *[]){ "--firmware", guest("exit-1"), "-c", "2", "-m", "1G",
					  NULL }, 3);
	report_expect(dir, "reason", "the guest wrote to the debug-exit port");
	report_expect(dir, "vm.vcpus", "2");
	report_expect(dir, "vm.mem_bytes", "1073741824");

	report_run(dir, (const char *[]){ "--firmware", guest("spin"), "--timeout", "0.3",
					  "--ro-mode", "mprotect", NULL }, 124);
	report_expect(dir, "reason", "--timeout expired");
	report_expect(dir, "vm.ro_protection.mode", "mprotect");
	report_expect(dir, "vm.ro_protection.why", "requested with --ro-mode mprotect");
	report_expect(dir, "serial_tail.0", "spinning");
	ck_assert_double_ge(report_num("timeline_ms.end"), 300);

	report_run(dir, (const char *[]){ "--firmware", guest("triple"), NULL }, 126);
	report_expect(dir, "reason", "the guest crashed");
	ck_assert_double_eq(report_num("exits.by_kind.shutdown"), 1);
	ck_assert(report_has("message"));

	/* Markers: which one, and when. */
	report_run(dir, (const char *[]){ "--firmware", guest("lines"), "--until", "READY",
					  NULL }, 0);
	report_expect(dir, "reason", "the guest printed an --until marker");
	report_expect(dir, "marker", "READY");
	ck_assert_double_ge(report_num("timeline_ms.marker_seen"),
			    report_num("timeline_ms.first_guest_exit"));
	ck_assert_double_le(report_num("timeline_ms.marker_seen"), report_num("timeline_ms.end"));
	report_expect(dir, "serial_tail.0", "line 31");
	report_expect(dir, "serial_tail.19", "line 50");
	report_expect(dir, "serial_tail.20", "READY");
	report_run(dir, (const char *[]){ "--firmware", guest("lines"), "--fail-on", "PANIC",
					  NULL }, 6);
	report_expect(dir, "reason", "the guest printed a --fail-on marker");
	report_expect(dir, "message", "guest printed failure marker 'PANIC'");
	report_expect(dir, "serial_tail.20", "PANIC");
	report_run(dir, (const char *[]){ "--firmware", guest("hello"), "--until", "Goodbye",
					  NULL }, 8);
	report_expect(dir, "reason", "the guest powered off without printing an --until marker");
	report_expect(dir, "message", "the guest powered off without printing an --until marker");
	ck_assert(!report_has("marker"));

	/* SEV on a host without it: the report says why, with no timeline but the end. */
	if (report_run(dir, (const char *[]){ "--sev", NULL }, -1) == 125) {
		report_expect(dir, "status", "125");
		report_expect(dir, "vm.mode", "SEV");
		report_expect(dir, "reason", "the host cannot run this VM, or a KVM call failed");
		report_expect(dir, "sev.measurement", "null");
		ck_assert(!report_has("timeline_ms.first_guest_exit"));
	}
	test_dir_remove(dir);
}
END_TEST

static void report_signalled(int sig, int status, const char *reason)
{
	char dir[64], path[128];
	struct vmm_proc p;

	test_dir_create(dir, sizeof(dir));
	snprintf(path, sizeof(path), "%s/report.json", dir);
	vmm_spawn(&p, (const char *[]){ "run", "--firmware", guest("spin"), "--report", path,
					"--timeout", "20", NULL });
	ck_assert(vmm_wait_stdout(&p, "spinning\n", 10));
	kill(p.pid, sig);
	ck_assert_int_eq(vmm_finish(&p, 10), status);
	read_file(path, ci_buf, sizeof(ci_buf));
	report_valid(path);
	report_expect(path, "reason", reason);
	report_expect(path, "serial_tail.0", "spinning");
	test_dir_remove(dir);
}

START_TEST(report_signals)
{
	report_signalled(SIGINT, 130, "stopped by SIGINT or from the console (Ctrl-A x)");
	report_signalled(SIGTERM, 143, "stopped by SIGTERM");
}
END_TEST

START_TEST(report_bad_path)
{
	struct vmm_proc p;

	ci_run(&p, (const char *[]){ "run", "--report", "/nonexistent/dir/r.json", NULL }, 2);
	ck_assert_ptr_nonnull(strstr(p.err, "lkvm-sev: --report /nonexistent/dir/r.json: "));
}
END_TEST

/* The hello guest's trace: the VM's ioctls, KVM_RUNs and the UART's bytes. */
START_TEST(trace_hello)
{
	static char trace[1 << 20];
	char dir[64], path[128], want[64];
	const char *hello = "Hello";
	struct vmm_proc p;
	const char *at;
	unsigned int i;

	test_dir_create(dir, sizeof(dir));
	snprintf(path, sizeof(path), "%s/trace.txt", dir);
	ci_run(&p, (const char *[]){ "run", "--firmware", guest("hello"), "--trace", path,
				     NULL }, 0);
	ck_assert_str_eq(p.out, "Hello from the guest\n");
	read_file(path, trace, sizeof(trace));
	ck_assert_ptr_nonnull(strstr(trace, " ioctl KVM_GET_API_VERSION(fd "));
	ck_assert_ptr_nonnull(strstr(trace, " ioctl KVM_CREATE_VM(fd "));
	ck_assert_ptr_nonnull(strstr(trace, " ioctl KVM_CREATE_VCPU(fd "));
	ck_assert_ptr_nonnull(strstr(trace, "slot 1 flags 0x2 gpa 0xffff0000 size 0x10000) = 0"));
	ck_assert_uint_ge(count_substr(trace, " ioctl KVM_RUN(fd "), 22);
	/* The kernel's names for what was asked, never kvm/uapi.h's LK_ spelling. */
	ck_assert_ptr_nonnull(strstr(trace, ", KVM_X86_DEFAULT_VM) = "));
	ck_assert_ptr_nonnull(strstr(trace, ", KVM_CAP_READONLY_MEM) = "));
	ck_assert_ptr_nonnull(strstr(trace, ", KVM_CAP_IRQCHIP) = "));
	ck_assert_ptr_null(strstr(trace, "LK_"));
	/* The bytes of "Hello", in order, as port 0x3f8 writes. */
	at = trace;
	for (i = 0; hello[i]; i++) {
		snprintf(want, sizeof(want), "io out port 0x3f8 size 1 count 1 data %02x\n",
			 hello[i]);
		at = strstr(at, want);
		ck_assert_msg(at != NULL, "no '%s' in order", want);
	}
	/* An `in` shows the value the guest got: LSR with the transmitter empty. */
	ck_assert_ptr_nonnull(strstr(trace, "io in port 0x3fd size 1 count 1 data 60\n"));
	ck_assert_ptr_nonnull(strstr(trace, "io out port 0xb004 size 2 count 1 data 0020\n"));
	/* Every line starts with a timestamp, non-decreasing. */
	{
		double last = 0, t;
		const char *line = trace;

		while (*line) {
			ck_assert_int_eq(sscanf(line, "%lf ", &t), 1);
			ck_assert_double_ge(t, last);
			last = t;
			line = strchr(line, '\n');
			ck_assert_ptr_nonnull(line);
			line++;
		}
	}
	/* A failing ioctl shows its errno (a host without SEV refuses the probe). */
	ci_run(&p, (const char *[]){ "run", "--trace", path, "--sev", NULL }, -1);
	read_file(path, trace, sizeof(trace));
	ck_assert_ptr_nonnull(strstr(trace, " ioctl KVM_GET_API_VERSION(fd "));
	if (p.status == 125 && strstr(p.err, "ENOTTY")) {
		ck_assert_ptr_nonnull(strstr(trace, " ioctl KVM_MEMORY_ENCRYPT_OP(fd "));
		ck_assert_ptr_nonnull(strstr(trace, ") = -1 errno 25 ("));
	}
	ci_run(&p, (const char *[]){ "run", "--trace", "/nonexistent/dir/t", NULL }, 2);
	ck_assert_ptr_nonnull(strstr(p.err, "lkvm-sev: --trace /nonexistent/dir/t: "));
	test_dir_remove(dir);
}
END_TEST

Suite *ci_suite(void)
{
	Suite *s = suite_create("ci");
	TCase *tc = tcase_create("markers");

	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, until_early_late);
	tcase_add_test(tc, until_across_lines);
	tcase_add_test(tc, until_never);
	tcase_add_test(tc, fail_on);
	tcase_add_test(tc, until_re);
	tcase_add_test(tc, marker_options);
	suite_add_tcase(s, tc);
	tc = tcase_create("console");
	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, serial_log);
	tcase_add_test(tc, signals);
	suite_add_tcase(s, tc);
	tc = tcase_create("report");
	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, report_kinds);
	tcase_add_test(tc, io_poll_default);
	tcase_add_test(tc, firmware_truncated_during_run);
	tcase_add_test(tc, outputs_unwritable);
	tcase_add_test(tc, report_signals);
	tcase_add_test(tc, report_bad_path);
	suite_add_tcase(s, tc);
	tc = tcase_create("trace");
	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, trace_hello);
	suite_add_tcase(s, tc);
	return s;
}
