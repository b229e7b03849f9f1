// SPDX-License-Identifier: GPL-2.0-only
/*
 * Bad input to the binary: each gives status 2, one line on stderr naming
 * what and where, nothing on stdout. None of these reach /dev/kvm.
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "tests/tests.h"

static char tmpdir[64];

static void setup(void)
{
	test_dir_create(tmpdir, sizeof(tmpdir));
}

static void teardown(void)
{
	test_dir_remove(tmpdir);
}

static const char *tmpfile_of(const char *name, size_t size)
{
	static char path[256];
	int fd;

	snprintf(path, sizeof(path), "%s/%s", tmpdir, name);
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(ftruncate(fd, (off_t)size), 0);
	close(fd);
	return path;
}

static void refused(const char *const *args, const char *msg)
{
	struct vmm_proc p;
	char want[1024];

	vmm_run(&p, args, 10);
	snprintf(want, sizeof(want), "lkvm-sev: %s\n", msg);
	ck_assert_msg(p.status == 2, "status %d for %s", p.status, msg);
	ck_assert_str_eq(p.err, want);
	ck_assert_str_eq(p.out, "");
}

START_TEST(bad_options)
{
	refused((const char *[]){ "run", "-kernel", "bzImage", NULL },
		"-kernel is QEMU's; lkvm-sev run takes -k FILE (--kernel)");
	refused((const char *[]){ "run", "-m", "1G", "-append", "console=ttyS0", NULL },
		"-append is QEMU's; lkvm-sev run takes -p TEXT (--params)");
	refused((const char *[]){ "run", "--append", "console=ttyS0", NULL },
		"--append is QEMU's; lkvm-sev run takes -p TEXT (--params)");
	refused((const char *[]){ "run", "-nographic", NULL },
		"-nographic is QEMU's; lkvm-sev run needs nothing of the kind: the serial console "
		"is on stdin and stdout already (--console none for neither)");
	refused((const char *[]){ "run", "-c", "2", "-xc", "1", NULL },
		"unknown option -x in '-xc' (see lkvm-sev run --help)");
	refused((const char *[]){ "run", "--io-poll", "1001", NULL },
		"--io-poll 1001: not a number of microseconds from 0 to 1000");
	refused((const char *[]){ "run", "--io-poll", "-1", NULL },
		"--io-poll -1: not a number of microseconds from 0 to 1000");
	refused((const char *[]){ "run", "--io-poll", "32us", NULL },
		"--io-poll 32us: not a number of microseconds from 0 to 1000");
	refused((const char *[]){ "run", "--apic-bus-ns", "0", NULL },
		"--apic-bus-ns 0: not a number of nanoseconds from 1 to 1000");
	refused((const char *[]){ "run", "--apic-bus-ns", "1001", NULL },
		"--apic-bus-ns 1001: not a number of nanoseconds from 1 to 1000");
	refused((const char *[]){ "run", "--apic-bus-ns", "20ns", NULL },
		"--apic-bus-ns 20ns: not a number of nanoseconds from 1 to 1000");
	refused((const char *[]){ "run", "-m", "0", NULL },
		"-m 0: not a memory size (e.g. 512M, 4G; a bare number is MiB)");
	refused((const char *[]){ "run", "-m", "lots", NULL },
		"-m lots: not a memory size (e.g. 512M, 4G; a bare number is MiB)");
	refused((const char *[]){ "run", "-m", "5T", NULL },
		"-m 5242880 MiB: more than lkvm-sev's limit of 1048576 MiB");
	refused((const char *[]){ "run", "-c", "0", NULL },
		"-c 0: not a vCPU count from 1 to 255");
	refused((const char *[]){ "run", "-c", "1000", NULL },
		"-c 1000: not a vCPU count from 1 to 255");
	refused((const char *[]){ "run", "--ro-mode", "never", NULL },
		"--ro-mode never: not one of auto, memslot, mprotect");
	refused((const char *[]){ "run", "--timeout", "soon", NULL },
		"--timeout soon: not a number of seconds");
	refused((const char *[]){ "run", "--frimware", "x", NULL },
		"unknown option '--frimware' (see lkvm-sev run --help)");
	refused((const char *[]){ "frobnicate", NULL },
		"unknown command 'frobnicate' (see lkvm-sev --help)");
}
END_TEST

/* --vsock: every way its argument can be wrong, one line and status 2 each. */
/*
 * `run FIRST_OPT FIRST LATER_OPT LATER` refused: LATER is FIRST, which
 * lkvm-sev would write (the files check lists inputs before outputs).
 */
static void same_file_refused(const char *later_opt, const char *later, const char *first_opt,
			      const char *first)
{
	char msg[1024];

	snprintf(msg, sizeof(msg), "%s %s: the same file as %s %s, which lkvm-sev would "
		 "overwrite", later_opt, later, first_opt, first);
	refused((const char *[]){ "run", first_opt, first, later_opt, later, NULL }, msg);
}

/* @path's bytes, as a sum that changes if any byte does. */
static unsigned long file_sum(const char *path, off_t *size)
{
	unsigned long sum = 0;
	unsigned char buf[4096];
	ssize_t n, i;
	int fd = open(path, O_RDONLY);

	ck_assert_int_ge(fd, 0);
	*size = 0;
	while ((n = read(fd, buf, sizeof(buf))) > 0)
		for (i = 0; i < n; i++, (*size)++)
			sum = sum * 31 + buf[i] + 1;
	close(fd);
	return sum;
}

/*
 * A file lkvm-sev writes (an output, the variable store, a writable disk)
 * may not be one it is given, whatever the name (a hard link, a symbolic
 * link, ./): refused with status 2 before anything is opened, and the
 * firmware keeps every byte. Two outputs may not be one new file either.
 */
START_TEST(outputs_never_inputs)
{
	char fw[256], link_path[256], sym[256], kernel[256], out[256], dot_out[256];
	unsigned long sum;
	off_t size, now;
	int fd;

	snprintf(fw, sizeof(fw), "%s", tmpfile_of("fw.fd", 0));
	fd = open(fw, O_WRONLY);
	ck_assert_int_ge(fd, 0);
	for (size = 0; size < 65536; size += 4)
		ck_assert_int_eq(write(fd, &size, 4), 4);
	close(fd);
	sum = file_sum(fw, &size);
	snprintf(link_path, sizeof(link_path), "%s/fw-link.fd", tmpdir);
	snprintf(sym, sizeof(sym), "%s/fw-sym.fd", tmpdir);
	unlink(link_path);
	unlink(sym);
	ck_assert_int_eq(link(fw, link_path), 0);
	ck_assert_int_eq(symlink(fw, sym), 0);
	snprintf(kernel, sizeof(kernel), "%s", tmpfile_of("bzImage", 4096));
	snprintf(out, sizeof(out), "%s/new-output", tmpdir);
	snprintf(dot_out, sizeof(dot_out), "%s/./new-output", tmpdir);
	unlink(out);

	same_file_refused("--serial-log", fw, "--firmware", fw);
	same_file_refused("--report", link_path, "--firmware", fw);
	same_file_refused("--vars", sym, "--firmware", fw);
	same_file_refused("--dump-dtb", fw, "--bios", link_path);
	same_file_refused("-d", kernel, "-k", kernel);
	same_file_refused("--debugcon", dot_out, "--trace", out);

	ck_assert_uint_eq(file_sum(fw, &now), sum);
	ck_assert_int_eq(now, size);
	ck_assert_int_eq(access(out, F_OK), -1);	/* nothing was opened for writing */
	unlink(link_path);
	unlink(sym);
}
END_TEST

/*
 * An SNP launch's inputs checked before the host is asked (status 2 on any
 * host, SNP or not): ID block and signature go together and have their
 * sizes, host data too; policies KVM would refuse; firmware without SNP
 * metadata, or whose metadata lies past the RAM given.
 */
START_TEST(bad_snp_inputs)
{
	char block[256], auth[256], host[256], msg[1024];
	const char *ovmf = "/usr/share/ovmf/OVMF.fd";

	snprintf(block, sizeof(block), "%s", tmpfile_of("id-block", 96));
	snprintf(auth, sizeof(auth), "%s", tmpfile_of("id-auth", 4096));
	snprintf(host, sizeof(host), "%s", tmpfile_of("host-data", 33));
	refused((const char *[]){ "run", "--sev-snp", "--bios", ovmf, "--id-block", block, NULL },
		"--id-block needs its signature, --id-auth: SNP_LAUNCH_FINISH takes an ID block "
		"only with it");
	snprintf(msg, sizeof(msg), "--id-auth %s: 96 bytes, but an ID authentication structure "
		 "is 4096", block);
	refused((const char *[]){ "run", "--sev-snp", "--bios", ovmf, "--id-block", block,
				  "--id-auth", block, NULL }, msg);
	snprintf(msg, sizeof(msg), "--host-data %s: 33 bytes, but host data is 32", host);
	refused((const char *[]){ "run", "--sev-snp", "--bios", ovmf, "--id-block", block,
				  "--id-auth", auth, "--host-data", host, NULL }, msg);
	refused((const char *[]){ "run", "--sev-snp", "--bios", ovmf, "--policy", "0x10000",
				  NULL },
		"--policy 0x10000: an SNP policy must set bit 17 (reserved, must be one; QEMU's "
		"default is 0x30000)");
	refused((const char *[]){ "run", "--sev-snp", "--bios", ovmf, "--policy", "0x130000",
				  NULL },
		"--policy 0x130000: bit 20 (SINGLE_SOCKET): KVM refuses SNP guests that ask for "
		"it");
	if (!tests_have_kvm()) {
		tests_skip("options bad_snp_inputs' firmware", "no /dev/kvm: run stops before the "
			   "firmware is read");
		return;
	}
	snprintf(msg, sizeof(msg), "--firmware %s: no SNP metadata (OVMF's SEV metadata, GUID "
		 "dc886566-984a-4798-a75e-5585a7bf67cc): it cannot launch an SNP guest",
		 guest("hello"));
	refused((const char *[]){ "run", "--sev-snp", "--bios", guest("hello"), NULL }, msg);
	snprintf(msg, sizeof(msg), "--firmware %s: its SNP metadata puts SEC_MEM pages at "
		 "0x800000-0x808fff, past the guest's RAM below 4 GiB (4 MiB): give -m more", ovmf);
	refused((const char *[]){ "run", "--sev-snp", "-m", "4M", "--bios", ovmf, NULL }, msg);
}
END_TEST

START_TEST(bad_vsock)
{
	static const char long_path[] = "/tmp/aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
					"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa";
	char arg[256], msg[512];
	const char *file;

	refused((const char *[]){ "run", "--vsock", "cid=2,socket=/tmp/v", NULL },
		"--vsock: 'cid=2' is not cid=N (3 to 4294967294) or socket=PATH");
	refused((const char *[]){ "run", "--vsock", "cid=4294967295,socket=/tmp/v", NULL },
		"--vsock: 'cid=4294967295' is not cid=N (3 to 4294967294) or socket=PATH");
	refused((const char *[]){ "run", "--vsock", "cid=3,port=9", NULL },
		"--vsock: 'port=9' is not cid=N (3 to 4294967294) or socket=PATH");
	refused((const char *[]){ "run", "--vsock", "cid=3", NULL },
		"--vsock: needs cid=N and socket=PATH");
	refused((const char *[]){ "run", "--vsock", "socket=/tmp/v", NULL },
		"--vsock: needs cid=N and socket=PATH");
	refused((const char *[]){ "run", "--vsock", "cid=3,socket=/tmp/a", "--vsock",
				  "cid=4,socket=/tmp/b", NULL },
		"--vsock: give it once (one device serves every port)");
	snprintf(arg, sizeof(arg), "cid=3,socket=%s", long_path);
	snprintf(msg, sizeof(msg), "--vsock socket=%s: longer than 96 bytes", long_path);
	refused((const char *[]){ "run", "--vsock", arg, NULL }, msg);
	if (!tests_have_kvm()) {
		tests_skip("options bad_vsock's busy socket", "no /dev/kvm: the device is not made");
		return;
	}
	/* A file of that name, not a socket: never removed, the run refused. */
	file = tmpfile_of("v.sock", 16);
	snprintf(arg, sizeof(arg), "cid=3,socket=%s", file);
	snprintf(msg, sizeof(msg), "--vsock socket=%s: in use (another lkvm-sev, or a file of "
		 "that name)", file);
	refused((const char *[]){ "run", "--vsock", arg, NULL }, msg);
	ck_assert_int_eq(access(file, F_OK), 0);
}
END_TEST

START_TEST(bad_firmware)
{
	char path[512], msg[1024];

	snprintf(path, sizeof(path), "%s/missing.fd", tmpdir);
	snprintf(msg, sizeof(msg), "--firmware %s: no such file", path);
	refused((const char *[]){ "run", "--firmware", path, NULL }, msg);

	snprintf(msg, sizeof(msg), "--firmware %s: not a regular file", tmpdir);
	refused((const char *[]){ "run", "--firmware", tmpdir, NULL }, msg);

	snprintf(path, sizeof(path), "%s/fifo", tmpdir);
	ck_assert_int_eq(mkfifo(path, 0644), 0);
	snprintf(msg, sizeof(msg), "--firmware %s: not a regular file", path);
	refused((const char *[]){ "run", "--firmware", path, NULL }, msg);

	snprintf(path, sizeof(path), "%s", tmpfile_of("empty.fd", 0));
	snprintf(msg, sizeof(msg), "--firmware %s: empty file", path);
	refused((const char *[]){ "run", "--firmware", path, NULL }, msg);

	snprintf(path, sizeof(path), "%s", tmpfile_of("odd.fd", 5000));
	snprintf(msg, sizeof(msg), "--firmware %s: size 5000 bytes is not a multiple of 4 KiB",
		 path);
	refused((const char *[]){ "run", "--firmware", path, NULL }, msg);

	snprintf(path, sizeof(path), "%s", tmpfile_of("huge.fd", (16 << 20) + 4096));
	snprintf(msg, sizeof(msg), "--firmware %s: 16781312 bytes is too large: firmware must "
		 "fit in the 16 MiB below 4 GiB", path);
	refused((const char *[]){ "run", "--firmware", path, NULL }, msg);
}
END_TEST

START_TEST(unreadable_firmware)
{
	struct vmm_proc p;
	char path[512], want[1024];

	snprintf(path, sizeof(path), "%s", tmpfile_of("secret.fd", 65536));
	ck_assert_int_eq(chmod(path, 0), 0);
	vmm_spawn_no_dac(&p, (const char *[]){ "run", "--firmware", path, NULL });
	ck_assert_int_eq(vmm_finish(&p, 10), 2);
	snprintf(want, sizeof(want), "lkvm-sev: --firmware %s: cannot open it: Permission "
		 "denied\n", path);
	ck_assert_str_eq(p.err, want);
}
END_TEST

START_TEST(bad_debugcon)
{
	char path[512], msg[1024];

	if (!tests_have_kvm()) {
		/* The debug console is opened after /dev/kvm. */
		tests_skip("options bad_debugcon", "/dev/kvm does not exist on this host");
		return;
	}
	snprintf(path, sizeof(path), "%s/no/such/dir/log", tmpdir);
	snprintf(msg, sizeof(msg), "--debugcon %s: No such file or directory", path);
	refused((const char *[]){ "run", "--debugcon", path, NULL }, msg);
}
END_TEST

START_TEST(help_and_version)
{
	struct vmm_proc p;

	vmm_run(&p, (const char *[]){ "--version", NULL }, 10);
	ck_assert_int_eq(p.status, 0);
	ck_assert_int_eq(strncmp(p.out, "lkvm-sev 0.1.0", 14), 0);
	vmm_run(&p, (const char *[]){ "run", "--help", NULL }, 10);
	ck_assert_int_eq(p.status, 0);
	ck_assert_int_eq(strncmp(p.out, "usage: lkvm-sev run [options]\n", 30), 0);
	ck_assert_ptr_nonnull(strstr(p.out, "  126  the guest crashed"));
	vmm_run(&p, (const char *[]){ NULL }, 10);
	ck_assert_int_eq(p.status, 2);
	ck_assert_int_eq(strncmp(p.err, "usage: lkvm-sev <command>", 25), 0);
}
END_TEST

Suite *options_suite(void)
{
	Suite *s = suite_create("options");
	TCase *tc = tcase_create("bad-input");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, bad_options);
	tcase_add_test(tc, bad_vsock);
	tcase_add_test(tc, outputs_never_inputs);
	tcase_add_test(tc, bad_snp_inputs);
	tcase_add_test(tc, bad_firmware);
	tcase_add_test(tc, unreadable_firmware);
	tcase_add_test(tc, bad_debugcon);
	tcase_add_test(tc, help_and_version);
	suite_add_tcase(s, tc);
	return s;
}
