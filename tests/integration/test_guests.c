// SPDX-License-Identifier: GPL-2.0-only
/*
 * lkvm-sev run on the real /dev/kvm with the small guests in tests/guests:
 * exact output, exit status, messages, and what the host really maps.
 */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "tests/tests.h"

#define RUN_TIMEOUT 30.0

static void expect_run(const char *const *args, int status, const char *out, const char *err)
{
	struct vmm_proc p;

	vmm_run(&p, args, RUN_TIMEOUT);
	ck_assert_msg(p.status == status, "status %d, want %d; stderr: %s", p.status, status,
		      p.err);
	if (out)
		ck_assert_str_eq(p.out, out);
	if (err)
		ck_assert_str_eq(p.err, err);
}

START_TEST(default_firmware)
{
	expect_run((const char *[]){ "run", NULL }, 0,
		   "lkvm-sev default firmware: 1 vCPU(s), 256 MiB of RAM; powering off\n", "");
	expect_run((const char *[]){ "run", "-c", "3", "-m", "5G", NULL }, 0,
		   "lkvm-sev default firmware: 3 vCPU(s), 5120 MiB of RAM; powering off\n", "");
	expect_run((const char *[]){ "run", "-m", "64G", NULL }, 0,
		   "lkvm-sev default firmware: 1 vCPU(s), 65536 MiB of RAM; powering off\n", "");
}
END_TEST

/*
 * --apic-bus-ns goes to KVM before the vCPUs exist; where KVM lacks the
 * capability (before Linux 6.11), status 125 says so.
 */
START_TEST(apic_bus_ns)
{
	char trace[] = "/tmp/lkvm-test-apicbus-XXXXXX";
	struct vmm_proc p;
	size_t size;
	char *t;
	int fd = mkstemp(trace);

	ck_assert_int_ge(fd, 0);
	close(fd);
	vmm_run(&p, (const char *[]){ "run", "--apic-bus-ns", "20", "--trace", trace, NULL },
		RUN_TIMEOUT);
	t = test_read_file(trace, &size);
	unlink(trace);
	if (p.status == 125) {
		ck_assert_str_eq(p.err, "lkvm-sev: --apic-bus-ns 20: this host's KVM does not "
				 "offer KVM_CAP_X86_APIC_BUS_CYCLES_NS (Linux 6.11 and later do)\n");
	} else {
		ck_assert_msg(p.status == 0, "status %d: %s", p.status, p.err);
		ck_assert_str_eq(p.out, "lkvm-sev default firmware: 1 vCPU(s), 256 MiB of RAM; "
				 "powering off\n");
		/* After the irqchip, before the first vCPU. */
		const char *irqchip = strstr(t, "KVM_CREATE_IRQCHIP");
		const char *cap = strstr(t, "KVM_ENABLE_CAP"), *vcpu = strstr(t, "KVM_CREATE_VCPU");

		ck_assert_msg(irqchip && cap && vcpu && irqchip < cap && cap < vcpu, "trace: %s", t);
	}
	free(t);
}
END_TEST

START_TEST(serial_hello_and_debugcon)
{
	char path[] = "/tmp/lkvm-test-debugcon-XXXXXX";
	char buf[64] = { 0 };
	FILE *f;
	int fd = mkstemp(path);

	ck_assert_int_ge(fd, 0);
	close(fd);
	expect_run((const char *[]){ "run", "--firmware", guest("hello"), "--debugcon", path,
				     NULL }, 0, "Hello from the guest\n", "");
	f = fopen(path, "r");
	ck_assert_ptr_nonnull(f);
	ck_assert_uint_eq(fread(buf, 1, sizeof(buf) - 1, f), 15);
	fclose(f);
	unlink(path);
	ck_assert_str_eq(buf, "debugcon hello\n");
	/* Without --debugcon, port 0x402 is simply absent. */
	expect_run((const char *[]){ "run", "--firmware", guest("hello"), NULL }, 0,
		   "Hello from the guest\n", "");
}
END_TEST

START_TEST(debug_exit_codes)
{
	static const struct { const char *name, *out; int status; } cases[] = {
		{ "exit-0", "exit 0\n", 1 },
		{ "exit-1", "exit 1\n", 3 },
		{ "exit-42", "exit 42\n", 85 },
		{ "exit-61", "exit 61\n", 123 },
	};
	unsigned int i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		expect_run((const char *[]){ "run", "--firmware", guest(cases[i].name), NULL },
			   cases[i].status, cases[i].out, "");
}
END_TEST

/*
 * --pit gives a guest without a kernel KVM's 8254 at ports 0x40-0x43
 * (pit.S): it reads back the mode it programmed and a count in range.
 * Without it the ports are unclaimed and read 0xff.
 */
START_TEST(pit_option)
{
	expect_run((const char *[]){ "run", "--firmware", guest("pit"), "--pit", NULL }, 105,
		   "pit: status 52, count in 1..4660\n", "");
	expect_run((const char *[]){ "run", "--firmware", guest("pit"), NULL }, 255,
		   "pit: status 63, count out of 1..4660\n", "");
}
END_TEST

START_TEST(guest_reset)
{
	expect_run((const char *[]){ "run", "--firmware", guest("reset-cf9"), NULL }, 4,
		   "resetting\n", "lkvm-sev: guest reset (0x06 written to port 0xcf9): "
		   "lkvm-sev stops instead of rebooting\n");
	expect_run((const char *[]){ "run", "--firmware", guest("reset-kbd"), NULL }, 4,
		   "resetting\n", "lkvm-sev: guest reset (0xfe written to port 0x64): "
		   "lkvm-sev stops instead of rebooting\n");
}
END_TEST

/* The permissions of the child's mapping of the firmware file. */
static void child_fw_perms(pid_t pid, const char *fw, char perms[5])
{
	char path[64], line[1024];
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%d/maps", (int)pid);
	f = fopen(path, "r");
	ck_assert_ptr_nonnull(f);
	strcpy(perms, "none");
	while (fgets(line, sizeof(line), f)) {
		line[strcspn(line, "\n")] = '\0';
		if (strlen(line) > strlen(fw) && !strcmp(line + strlen(line) - strlen(fw), fw)) {
			ck_assert_int_eq(sscanf(line, "%*x-%*x %4s", perms), 1);
			break;
		}
	}
	fclose(f);
}

static void rom_write(const char *mode, const char *want_perms, const char *want_warning)
{
	const char *fw = guest("rom-write");
	struct vmm_proc p;
	char perms[5];
	char fwpath[4096];

	snprintf(fwpath, sizeof(fwpath), "%s", fw);
	vmm_spawn(&p, (const char *[]){ "run", "--firmware", fwpath, "--ro-mode", mode,
					"--timeout", "20", NULL });
	ck_assert_msg(vmm_wait_stdout(&p, "rom: waiting\n", RUN_TIMEOUT), "no prompt: %s %s",
		      p.out, p.err);
	/* The guest waits for a byte: look at the live process's mappings now. */
	child_fw_perms(p.pid, fwpath, perms);
	ck_assert_str_eq(perms, want_perms);
	ck_assert_int_eq(write(p.in_fd, "x", 1), 1);
	ck_assert_int_eq(vmm_finish(&p, RUN_TIMEOUT), 0);
	ck_assert_str_eq(p.out, "rom: unchanged\nrom: waiting\nrom: got input\n");
	ck_assert_msg(strstr(p.err, want_warning), "stderr: %s", p.err);
	ck_assert_uint_eq(count_substr(p.err, "guest wrote to read-only firmware at GPA "
				       "0xfffff800: ignored"), 1);
}

START_TEST(rom_write_memslot)
{
	rom_write("memslot", "rw-p", "lkvm-sev: warning: guest wrote to read-only firmware "
		  "at GPA 0xfffff800: ignored, as a ROM ignores writes (further writes are "
		  "ignored silently)\n");
}
END_TEST

/*
 * Where KVM runs guest code, the write faults on the read-only host mapping
 * and the guest is stopped, the GPA named: from KVM_EXIT_MEMORY_FAULT, or,
 * where the kernel leaves it out (Linux 6.12), found by single-stepping the
 * write. Where KVM emulates every instruction, the write arrives as MMIO
 * and is dropped as a memslot drops it (HOST-NOTES.md).
 */
START_TEST(rom_write_mprotect)
{
	const char *warning = "lkvm-sev: warning: --ro-mode mprotect: firmware is "
			      "protected with mprotect(PROT_READ) instead of a read-only memory "
			      "slot; a guest write to it stops the VM on hardware KVM\n";
	struct vmm_proc p;

	if (!host_runs_natively()) {
		rom_write("mprotect", "r--p", warning);
		tests_skip("guests rom_write_mprotect's fault", "KVM emulates guest code on this "
			   "host: the write came as MMIO and was checked dropped instead");
		return;
	}
	vmm_run(&p, (const char *[]){ "run", "--firmware", guest("rom-write"), "--ro-mode",
				      "mprotect", "--timeout", "20", NULL }, RUN_TIMEOUT);
	ck_assert_int_eq(p.status, 126);
	ck_assert_str_eq(p.out, "");
	ck_assert_msg(strstr(p.err, warning), "stderr: %s", p.err);
	ck_assert_msg(strstr(p.err, "lkvm-sev: guest crashed: vCPU 0 wrote to protected "
			     "firmware at GPA 0xfffff800 (mprotect mode"), "stderr: %s", p.err);
	ck_assert_msg(strstr(p.err, "): the VM is stopped\n"), "stderr: %s", p.err);
}
END_TEST

static int cmp_lines(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static void smp(int n)
{
	char arg[8], want_last[32], *lines[64], *save = NULL, *l;
	struct vmm_proc p;
	int count = 0, i;

	snprintf(arg, sizeof(arg), "%d", n);
	vmm_run(&p, (const char *[]){ "run", "--firmware", guest("smp"), "-c", arg,
				      "--timeout", "20", NULL }, RUN_TIMEOUT);
	ck_assert_msg(p.status == 0, "status %d: %s", p.status, p.err);
	ck_assert_str_eq(p.err, "");
	for (l = strtok_r(p.out, "\n", &save); l && count < 64; l = strtok_r(NULL, "\n", &save))
		lines[count++] = l;
	ck_assert_int_eq(count, n + 1);
	snprintf(want_last, sizeof(want_last), "all %d cpus up", n);
	ck_assert_str_eq(lines[n], want_last);
	/* Any order, but each APIC ID exactly once. */
	qsort(lines, (size_t)n, sizeof(lines[0]), cmp_lines);
	for (i = 0; i < n; i++) {
		char want[32];

		snprintf(want, sizeof(want), "cpu %d up", i);
		ck_assert_str_eq(lines[i], want);
	}
}

START_TEST(smp_1_2_4)
{
	smp(1);
	smp(2);
	smp(4);
}
END_TEST

static bool starts_with(const char *s, const char *prefix)
{
	return !strncmp(s, prefix, strlen(prefix));
}

START_TEST(crash)
{
	struct vmm_proc p;

	vmm_run(&p, (const char *[]){ "run", "--firmware", guest("triple"), NULL }, RUN_TIMEOUT);
	ck_assert_int_eq(p.status, 126);
	ck_assert_str_eq(p.out, "triple: faulting\n");
	/* The one-line reason, then the registers. */
	ck_assert_msg(starts_with(p.err, "lkvm-sev: guest crashed: triple fault "
				  "(KVM_EXIT_SHUTDOWN) on vCPU 0\n"), "stderr: %s", p.err);
	ck_assert_ptr_nonnull(strstr(p.err, "\nvCPU 0 registers:\n  rip 0x"));
	ck_assert_ptr_nonnull(strstr(p.err, "\n  cs  sel 0x"));
}
END_TEST

START_TEST(timeout)
{
	struct vmm_proc p;

	vmm_run(&p, (const char *[]){ "run", "--firmware", guest("spin"), "--timeout", "2",
				      NULL }, RUN_TIMEOUT);
	ck_assert_int_eq(p.status, 124);
	ck_assert_str_eq(p.out, "spinning\n");
	ck_assert_str_eq(p.err, "lkvm-sev: timeout: the guest was still running after 2 s "
			 "(--timeout)\n");
	ck_assert_msg(p.secs >= 2.0 && p.secs < 3.0, "took %.3f s", p.secs);
}
END_TEST

static void signalled(int sig, int status, const char *msg)
{
	struct vmm_proc p;

	vmm_spawn(&p, (const char *[]){ "run", "--firmware", guest("spin"), "-c", "2",
					"--timeout", "20", NULL });
	ck_assert(vmm_wait_stdout(&p, "spinning\n", RUN_TIMEOUT));
	kill(p.pid, sig);
	ck_assert_int_eq(vmm_finish(&p, 5), status);
	ck_assert_str_eq(p.err, msg);
}

START_TEST(sigint_sigterm)
{
	signalled(SIGINT, 130, "lkvm-sev: stopped by SIGINT\n");
	signalled(SIGTERM, 143, "lkvm-sev: stopped by SIGTERM\n");
}
END_TEST

Suite *guest_suite(void)
{
	Suite *s = suite_create("guests");
	TCase *tc = tcase_create("run");

	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, default_firmware);
	tcase_add_test(tc, serial_hello_and_debugcon);
	tcase_add_test(tc, debug_exit_codes);
	tcase_add_test(tc, pit_option);
	tcase_add_test(tc, guest_reset);
	tcase_add_test(tc, apic_bus_ns);
	tcase_add_test(tc, rom_write_memslot);
	tcase_add_test(tc, rom_write_mprotect);
	tcase_add_test(tc, smp_1_2_4);
	tcase_add_test(tc, crash);
	tcase_add_test(tc, timeout);
	tcase_add_test(tc, sigint_sigterm);
	suite_add_tcase(s, tc);
	return s;
}
