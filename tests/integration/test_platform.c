// SPDX-License-Identifier: GPL-2.0-only
/*
 * The PC platform on the real /dev/kvm: the machine description, the
 * variable store and kernel options, stock OVMF as far as this host runs
 * it, and the guests that probe fw_cfg, PCI, the PM block and the flash.
 */
#include <fcntl.h>
#include <signal.h>
#include <libfdt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "tests/tests.h"
#include "util/file.h"

#define OVMF_COMBINED	"/usr/share/ovmf/OVMF.fd"
#define OVMF_CODE_4M	"/usr/share/OVMF/OVMF_CODE_4M.fd"
#define OVMF_VARS_4M	"/usr/share/OVMF/OVMF_VARS_4M.fd"
#define OVMF_VARS_2M	"/usr/share/OVMF/OVMF_VARS.fd"

static char tmpdir[64];

static void setup(void)
{
	test_dir_create(tmpdir, sizeof(tmpdir));
}

static void teardown(void)
{
	test_dir_remove(tmpdir);
}

static void need_file(const char *path, const char *package)
{
	ck_assert_msg(access(path, R_OK) == 0, "%s is missing: install Debian's %s (./dev.sh "
		      "test does)", path, package);
}

static void expect_refusal(const char *const *args, const char *msg)
{
	struct vmm_proc p;
	char want[1024];

	vmm_run(&p, args, 20);
	snprintf(want, sizeof(want), "lkvm-sev: %s\n", msg);
	ck_assert_msg(p.status == 2, "status %d: %s", p.status, p.err);
	ck_assert_str_eq(p.err, want);
}

static void expect_guest(const char *const *args, int status, const char *out)
{
	struct vmm_proc p;

	vmm_run(&p, args, 60);
	ck_assert_msg(p.status == status, "status %d, want %d: %s", p.status, status, p.err);
	ck_assert_str_eq(p.out, out);
}

static void expect_reg(const void *fdt, const char *path, uint64_t base, uint64_t size)
{
	int node = fdt_path_offset(fdt, path), len;
	const void *prop;
	fdt64_t reg[2];

	ck_assert_msg(node >= 0, "%s: %s", path, fdt_strerror(node));
	prop = fdt_getprop(fdt, node, "reg", &len);
	ck_assert_ptr_nonnull(prop);
	ck_assert_int_eq(len, 16);
	/* Properties are only 4-byte aligned in the blob. */
	memcpy(reg, prop, sizeof(reg));
	ck_assert_uint_eq(fdt64_to_cpu(reg[0]), base);
	ck_assert_uint_eq(fdt64_to_cpu(reg[1]), size);
}

START_TEST(dump_dtb)
{
	char path[256];
	struct vmm_proc p;
	const char *mode;
	size_t size;
	void *fdt;
	int cpus, node, n = 0;

	snprintf(path, sizeof(path), "%s/machine.dtb", tmpdir);
	vmm_run(&p, (const char *[]){ "run", "-c", "2", "-m", "5G", "--dump-dtb", path, NULL },
		30);
	ck_assert_msg(p.status == 0, "status %d: %s", p.status, p.err);
	fdt = test_read_file(path, &size);
	ck_assert_int_eq(fdt_check_header(fdt), 0);
	ck_assert_uint_eq(fdt_totalsize(fdt), size);
	ck_assert_str_eq(fdt_getprop(fdt, 0, "compatible", NULL), "lkvm-sev,pc-i440fx");
	cpus = fdt_path_offset(fdt, "/cpus");
	ck_assert_int_ge(cpus, 0);
	fdt_for_each_subnode(node, fdt, cpus)
		n++;
	ck_assert_int_eq(n, 2);
	expect_reg(fdt, "/memory@0", 0, 3ULL << 30);
	expect_reg(fdt, "/memory@100000000", 4ULL << 30, 2ULL << 30);
	expect_reg(fdt, "/firmware@ffff0000", 0xffff0000, 0x10000);
	mode = fdt_getprop(fdt, fdt_path_offset(fdt, "/firmware@ffff0000"), "lkvm,ro-mode", NULL);
	ck_assert_str_eq(mode, "memslot");
	expect_reg(fdt, "/ioports/serial@3f8", 0x3f8, 8);
	expect_reg(fdt, "/ioports/acpi-pm@b000", 0xb000, 0x40);
	expect_reg(fdt, "/ioports/cmos@70", 0x70, 2);
	expect_reg(fdt, "/lapic@fee00000", 0xfee00000, 0x100000);
	expect_reg(fdt, "/mmio/firmware@ffff0000", 0xffff0000, 0x10000);
	free(fdt);
}
END_TEST

/*
 * dtc, the device tree compiler, reads the description of a machine with
 * every kind of device back without an error or a warning (node names
 * only of the characters a node name may have; windows the guest has not
 * placed without a unit address).
 */
START_TEST(dump_dtb_dtc_clean)
{
	char dtb[256], img[256], sock[256], cmd[1024], out[4096];
	struct vmm_proc p;
	FILE *f;
	size_t n;
	int st;

	snprintf(dtb, sizeof(dtb), "%s/all.dtb", tmpdir);
	snprintf(img, sizeof(img), "%s/all.img", tmpdir);
	snprintf(sock, sizeof(sock), "%s/all.sock", tmpdir);
	f = fopen(img, "w");
	ck_assert_ptr_nonnull(f);
	ck_assert_int_eq(ftruncate(fileno(f), 1 << 20), 0);
	fclose(f);
	snprintf(cmd, sizeof(cmd), "cid=3,socket=%s", sock);
	vmm_run(&p, (const char *[]){ "run", "--rng", "-d", img, "--pci-testdev", "--vsock", cmd,
				      "--dump-dtb", dtb, NULL }, 30);
	ck_assert_msg(p.status == 0, "status %d: %s", p.status, p.err);
	snprintf(cmd, sizeof(cmd), "dtc -I dtb -O dts -o /dev/null '%s' 2>&1", dtb);
	f = popen(cmd, "r");
	ck_assert_ptr_nonnull(f);
	n = fread(out, 1, sizeof(out) - 1, f);
	out[n] = '\0';
	st = pclose(f);
	ck_assert_msg(st == 0 && n == 0, "dtc (status %d; is device-tree-compiler installed? "
		      "./dev.sh test installs it): %s", st, out);
	unlink(img);
}
END_TEST

static void expect_cell(const void *fdt, const char *path, const char *prop, uint32_t want)
{
	int node = fdt_path_offset(fdt, path), len;
	const fdt32_t *v;

	ck_assert_msg(node >= 0, "%s: %s", path, fdt_strerror(node));
	v = fdt_getprop(fdt, node, prop, &len);
	ck_assert_msg(v && len == 4, "%s: no cell %s", path, prop);
	ck_assert_uint_eq(fdt32_to_cpu(*v), want);
}

/*
 * A device's BARs are windows the guest places: described, disabled and
 * without an address (no unit address, no reg: the size apart) until then.
 */
START_TEST(dump_dtb_pci_bars)
{
	static const char *const bars[] = {
		"/mmio/pci-testdev-02.0-bar0", "/ioports/pci-testdev-02.0-bar1",
		"/mmio/pci-testdev-02.0-bar2",
	};
	static const uint64_t sizes[] = { 0x1000, 0x40, 0x4000 };
	char path[256];
	struct vmm_proc p;
	size_t size;
	void *fdt;
	int i;

	snprintf(path, sizeof(path), "%s/testdev.dtb", tmpdir);
	vmm_run(&p, (const char *[]){ "run", "--pci-testdev", "--dump-dtb", path, NULL }, 30);
	ck_assert_msg(p.status == 0, "status %d: %s", p.status, p.err);
	fdt = test_read_file(path, &size);
	for (i = 0; i < 3; i++) {
		int node = fdt_path_offset(fdt, bars[i]), len;
		const void *size_prop;
		fdt64_t size_be;	/* properties are only 4-byte aligned */

		ck_assert_msg(node >= 0, "no %s", bars[i]);
		ck_assert_ptr_null(fdt_getprop(fdt, node, "reg", NULL));
		size_prop = fdt_getprop(fdt, node, "lkvm,size", &len);
		ck_assert_msg(size_prop && len == 8, "%s: no lkvm,size", bars[i]);
		memcpy(&size_be, size_prop, sizeof(size_be));
		ck_assert_uint_eq(fdt64_to_cpu(size_be), sizes[i]);
		ck_assert_str_eq(fdt_getprop(fdt, node, "status", NULL), "disabled");
		ck_assert_str_eq(fdt_getprop(fdt, node, "lkvm,placement", NULL),
				 "guest-programmed");
	}
	/* And the functions of bus 0, the test device at 00:02.0. */
	expect_cell(fdt, "/pci/i440fx@0,0", "vendor-id", 0x8086);
	expect_cell(fdt, "/pci/piix4-pm@1,3", "device-id", 0x7113);
	expect_cell(fdt, "/pci/pci-testdev@2,0", "device-id", 0x7e57);
	expect_cell(fdt, "/pci/pci-testdev@2,0", "reg", 0x1000);
	free(fdt);
}
END_TEST

START_TEST(vars_refused)
{
	char path[256], msg[1024];

	need_file(OVMF_CODE_4M, "ovmf");
	expect_refusal((const char *[]){ "run", "--vars", OVMF_VARS_4M, NULL },
		       "--vars needs the firmware it belongs to (--firmware)");
	snprintf(path, sizeof(path), "%s/none.fd", tmpdir);
	snprintf(msg, sizeof(msg), "--vars %s: no such file", path);
	expect_refusal((const char *[]){ "run", "--firmware", OVMF_CODE_4M, "--vars", path,
					 NULL }, msg);
	expect_refusal((const char *[]){ "run", "--firmware", OVMF_CODE_4M, "--vars",
					 OVMF_VARS_2M, NULL },
		       "--vars " OVMF_VARS_2M ": 131072 bytes, but " OVMF_CODE_4M
		       " (3653632 bytes) expects a variable store of 540672 bytes below it");
	expect_refusal((const char *[]){ "run", "--firmware", OVMF_COMBINED, "--vars",
					 OVMF_VARS_2M, NULL },
		       "--vars " OVMF_VARS_2M ": " OVMF_COMBINED " holds its own variable store; "
		       "use an OVMF_CODE image with --vars");
	expect_refusal((const char *[]){ "run", "--firmware", OVMF_CODE_4M, NULL },
		       "--firmware " OVMF_CODE_4M ": this OVMF code image expects a 540672-byte "
		       "variable store below it: add --vars FILE (a copy of the matching "
		       "OVMF_VARS file)");
}
END_TEST

/* A file of @size bytes in the test's directory; returns its fd, open read-write. */
static int make_file(char *path, size_t len, const char *name, off_t size)
{
	int fd;

	snprintf(path, len, "%s/%s", tmpdir, name);
	fd = open(path, O_RDWR | O_CREAT | O_TRUNC, 0644);
	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(ftruncate(fd, size), 0);
	return fd;
}

/*
 * Images and variable stores are locked as QEMU locks them (OFD locks): a
 * writer excludes everyone, readers share. The test holds the other side.
 */
START_TEST(image_locks)
{
	char img[256], vars[256], msg[1024];
	int fd = make_file(img, sizeof(img), "disk.img", 65536), vfd;

	ck_assert_int_eq(file_lock(fd, true), 0);
	snprintf(msg, sizeof(msg), "-d %s: locked by another user of the image (Resource "
		 "temporarily unavailable)", img);
	expect_refusal((const char *[]){ "run", "-d", img, NULL }, msg);
	snprintf(msg, sizeof(msg), "-d %s: locked by another writer of the image (Resource "
		 "temporarily unavailable)", img);
	strcat(img, ",ro");
	expect_refusal((const char *[]){ "run", "-d", img, NULL }, msg);
	/* A reader here: another reader may share the image, a writer may not. */
	ck_assert_int_eq(file_lock(fd, false), 0);
	expect_guest((const char *[]){ "run", "-d", img, NULL }, 0,
		     "lkvm-sev default firmware: 1 vCPU(s), 256 MiB of RAM; powering off\n");
	close(fd);
	need_file(OVMF_CODE_4M, "ovmf");
	vfd = make_file(vars, sizeof(vars), "vars.fd", 540672);
	ck_assert_int_eq(file_lock(vfd, false), 0);
	snprintf(msg, sizeof(msg), "--vars %s: locked by another user of the variable store "
		 "(Resource temporarily unavailable)", vars);
	expect_refusal((const char *[]){ "run", "--firmware", OVMF_CODE_4M, "--vars", vars,
					 NULL }, msg);
	close(vfd);
}
END_TEST

START_TEST(pit_on_request)
{
	/* KVM_CREATE_PIT2 succeeds and the guest still powers off. */
	expect_guest((const char *[]){ "run", "--pit", NULL }, 0,
		     "lkvm-sev default firmware: 1 vCPU(s), 256 MiB of RAM; powering off\n");
}
END_TEST

static void write_bytes(const char *path, const void *data, size_t size)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);

	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(write(fd, data, size), (ssize_t)size);
	close(fd);
}

/*
 * A minimal bzImage (header only: 3 setup sectors after the boot sector,
 * then "KERN") and an initrd: fw_cfg must serve them split and unmodified.
 */
START_TEST(kernel_items)
{
	static uint8_t bz[16384], initrd[100];
	char kpath[256], ipath[256];

	memcpy(bz, "SETU", 4);
	bz[0x1f1] = 3;
	bz[0x1fe] = 0x55;
	bz[0x1ff] = 0xaa;
	memcpy(bz + 0x202, "HdrS", 4);
	bz[0x206] = 0x0f;
	bz[0x207] = 0x02;
	memcpy(bz + 4 * 512, "KERN", 4);
	memcpy(initrd, "INIT", 4);
	snprintf(kpath, sizeof(kpath), "%s/bzImage", tmpdir);
	snprintf(ipath, sizeof(ipath), "%s/initrd", tmpdir);
	write_bytes(kpath, bz, sizeof(bz));
	write_bytes(ipath, initrd, sizeof(initrd));
	/* debug-exit 0x16: status 45. */
	expect_guest((const char *[]){ "run", "--firmware", guest("fwcfg-kernel"), "-k", kpath,
				       "-i", ipath, "-p", "console=ttyS0 quiet", "--timeout",
				       "30", NULL }, 45,
		     "kernel: setup 2048\nkernel: size 14336\nkernel: initrd 100\n"
		     "kernel: cmdline 20\nkernel: setup bytes 53455455\n"
		     "kernel: kernel bytes 4b45524e\nkernel: initrd bytes 494e4954\n"
		     "cmdline: console=ttyS0 quiet\n");
	expect_guest((const char *[]){ "run", "--firmware", guest("fwcfg-kernel"), "--timeout",
				       "30", NULL }, 45,
		     "kernel: setup 0\nkernel: size 0\nkernel: initrd 0\nkernel: cmdline 0\n"
		     "kernel: setup bytes 00000000\nkernel: kernel bytes 00000000\n"
		     "kernel: initrd bytes 00000000\ncmdline: \n");
}
END_TEST

START_TEST(kernel_refused)
{
	char msg[1024];

	expect_refusal((const char *[]){ "run", "-i", guest("tiny"), NULL },
		       "-i needs a kernel to go with it (-k)");
	expect_refusal((const char *[]){ "run", "-p", "console=ttyS0", NULL },
		       "-p needs a kernel to go with it (-k)");
	snprintf(msg, sizeof(msg), "-k %s: not a bzImage: no boot flag 0xaa55 at offset 0x1fe",
		 guest("tiny"));
	expect_refusal((const char *[]){ "run", "-k", guest("tiny"), NULL }, msg);
}
END_TEST

/*
 * This host's KVM emulates guest instructions and stops OVMF in SEC at
 * `fwait; fninit` (HOST-NOTES.md), exactly where QEMU stops here. On a host
 * that runs guests natively, OVMF goes on: the hardware boot test covers it.
 */
START_TEST(ovmf_sec_phase)
{
	struct vmm_proc p;

	need_file(OVMF_COMBINED, "ovmf");
	if (host_runs_natively()) {
		printf("SKIP ovmf-sec-phase: KVM runs guests natively here (make check-hw "
		       "boots OVMF instead)\n");
		return;
	}
	vmm_run(&p, (const char *[]){ "run", "--firmware", OVMF_COMBINED, "--timeout", "60",
				      NULL }, 90);
	/* Not the guest's fault: the host's status, and why (the calibration, as caps). */
	ck_assert_int_eq(p.status, 125);
	ck_assert_msg(strstr(p.err, "lkvm-sev: warning: no --vars: OVMF finds its variable "
			     "store read-only and keeps variables in RAM: they will not persist\n"
			     "lkvm-sev: the guest stopped where KVM could not emulate an "
			     "instruction, and this host's KVM emulates all guest code (the caps "
			     "calibration guest took "), "stderr: %s", p.err);
	ck_assert_msg(strstr(p.err, " ms; natively about 1 ms): firmware such as OVMF needs a "
			     "KVM that runs it natively (lkvm-sev caps)\ninstruction bytes: "
			     "9b db e3"), "stderr: %s", p.err);
	ck_assert_msg(strstr(p.err, "  rip 0x00000000fffd27d4 "), "stderr: %s", p.err);
}
END_TEST

START_TEST(fw_cfg_by_port_and_dma)
{
	static const char want_64m[] =
		"fw_cfg: QEMU\nfw_cfg: id 3\nfw_cfg: cpus 2\nfw_cfg: files 4\n"
		"e820: 0000000000000000 0000000004000000 1\n"
		"e820: 00000000feffc000 0000000000004000 2\n"
		"fw_cfg: done\n";
	static const char want_5g[] =
		"fw_cfg: QEMU\nfw_cfg: id 3\nfw_cfg: cpus 1\nfw_cfg: files 4\n"
		"e820: 0000000000000000 00000000c0000000 1\n"
		"e820: 00000000feffc000 0000000000004000 2\n"
		"e820: 0000000100000000 0000000080000000 1\n"
		"fw_cfg: done\n";

	/* debug-exit 0x10 after "done": status 33. */
	expect_guest((const char *[]){ "run", "--firmware", guest("fwcfg"), "-m", "64M",
				       "-c", "2", "--timeout", "30", NULL }, 33, want_64m);
	expect_guest((const char *[]){ "run", "--firmware", guest("fwcfg-dma"), "-m", "64M",
				       "-c", "2", "--timeout", "30", NULL }, 33, want_64m);
	expect_guest((const char *[]){ "run", "--firmware", guest("fwcfg-dma"), "-m", "5G",
				       "--timeout", "30", NULL }, 33, want_5g);
}
END_TEST

START_TEST(pci_and_pm_block)
{
	expect_guest((const char *[]){ "run", "--firmware", guest("pci"), "--timeout", "30",
				       NULL }, 0,
		     "pci 00:00.0 8086:1237\npci 00:01.0 class 060100\npci 00:01.3 8086:7113\n"
		     "pci 00:05.0 ffff\ncf8 80000000\npmtimer moved: ok\n"
		     "old pm base: ffffffff\n");
}
END_TEST

START_TEST(pm_timer_delay)
{
	struct vmm_proc p;
	unsigned long ticks;

	vmm_run(&p, (const char *[]){ "run", "--firmware", guest("pmtimer"), "--timeout", "30",
				      NULL }, 60);
	ck_assert_int_eq(p.status, 0);
	ck_assert_int_eq(sscanf(p.out, "pmtimer: waited %lu ticks\n", &ticks), 1);
	/* 10 ms is 35795 ticks; one slow poll of the emulated loop may add a few hundred. */
	ck_assert_uint_ge(ticks, 35795);
	ck_assert_uint_le(ticks, 35795 * 2);
}
END_TEST

#define VARS_SIZE 0x20000

static void make_vars(const char *path)
{
	uint8_t *buf = malloc(VARS_SIZE);
	int fd, i;

	memset(buf, 0xff, VARS_SIZE);
	for (i = 0x1000; i < 0x2000; i++)
		buf[i] = (uint8_t)i;	/* block 1: a pattern the erase must wipe */
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(write(fd, buf, VARS_SIZE), VARS_SIZE);
	close(fd);
	free(buf);
}

static void vars_check(const char *path, bool erased)
{
	size_t size;
	uint8_t *d = test_read_file(path, &size);
	int i;

	ck_assert_uint_eq(size, VARS_SIZE);
	ck_assert_uint_eq(d[0x100], 0x5a);
	ck_assert_uint_eq(d[0x101], 0xa5);
	for (i = 0x1000; i < 0x2000; i++)
		ck_assert_uint_eq(d[i], erased ? 0xff : (uint8_t)i);
	for (i = 0; i < VARS_SIZE; i++)
		if (i != 0x100 && i != 0x101 && (i < 0x1000 || i >= 0x2000))
			ck_assert_uint_eq(d[i], 0xff);
	free(d);
}

static void flash(const char *mode, bool kill_early)
{
	struct vmm_proc p;
	char vars[256];

	snprintf(vars, sizeof(vars), "%s/vars-%s.fd", tmpdir, mode);
	make_vars(vars);
	vmm_spawn(&p, (const char *[]){ "run", "--firmware", guest("flash"), "--vars", vars,
					"--ro-mode", mode, "--timeout", "30", NULL });
	ck_assert_msg(vmm_wait_stdout(&p, "flash: waiting\n", 30), "%s %s", p.out, p.err);
	if (kill_early) {
		/* Programmed, not yet erased: the program must be on disk already. */
		kill(p.pid, SIGKILL);
		ck_assert_int_eq(vmm_finish(&p, 10), 128 + SIGKILL);
		vars_check(vars, false);
		return;
	}
	ck_assert_int_eq(write(p.in_fd, "x", 1), 1);
	ck_assert_int_eq(vmm_finish(&p, 30), 0);
	ck_assert_str_eq(p.out, "flash: probe ff ff 00\nflash: programmed 5a a5\n"
			 "flash: waiting\nflash: erase status 80\nflash: erased ff ff\n");
	vars_check(vars, true);
}

START_TEST(flash_memslot)
{
	flash("memslot", false);
}
END_TEST

/*
 * Where KVM runs guest code, the flash's command writes fault on the
 * read-only host mapping like any write to protected memory: the first one,
 * OVMF's probe at base + 0x10, stops the guest (the SEV-ES guests this mode
 * exists for write their flash through the GHCB instead). Where KVM
 * emulates, the writes arrive as MMIO and the flash works.
 */
START_TEST(flash_mprotect)
{
	struct vmm_proc p;
	char vars[256];
	uint8_t *d;
	size_t size;

	if (!host_runs_natively()) {
		flash("mprotect", false);
		tests_skip("platform flash_mprotect's fault", "KVM emulates guest code on this "
			   "host: the flash commands came as MMIO and were checked working "
			   "instead");
		return;
	}
	snprintf(vars, sizeof(vars), "%s/vars-mprotect.fd", tmpdir);
	make_vars(vars);
	vmm_run(&p, (const char *[]){ "run", "--firmware", guest("flash"), "--vars", vars,
				      "--ro-mode", "mprotect", "--timeout", "30", NULL }, 60);
	ck_assert_int_eq(p.status, 126);
	ck_assert_str_eq(p.out, "");
	ck_assert_msg(strstr(p.err, "lkvm-sev: guest crashed: vCPU 0 wrote to protected variable "
			     "store at GPA 0xfffd0010 (mprotect mode"), "stderr: %s", p.err);
	/* Nothing programmed: the file is as the test wrote it. */
	d = test_read_file(vars, &size);
	ck_assert_uint_eq(size, VARS_SIZE);
	ck_assert_uint_eq(d[0x100], 0xff);
	ck_assert_uint_eq(d[0x1abc], 0xbc);
	free(d);
}
END_TEST

START_TEST(flash_killed)
{
	flash("memslot", true);
}
END_TEST

Suite *platform_suite(void)
{
	Suite *s = suite_create("platform");
	TCase *tc = tcase_create("pc");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 180);
	tcase_add_test(tc, dump_dtb);
	tcase_add_test(tc, dump_dtb_pci_bars);
	tcase_add_test(tc, dump_dtb_dtc_clean);
	tcase_add_test(tc, image_locks);
	tcase_add_test(tc, vars_refused);
	tcase_add_test(tc, pit_on_request);
	tcase_add_test(tc, kernel_items);
	tcase_add_test(tc, kernel_refused);
	tcase_add_test(tc, ovmf_sec_phase);
	tcase_add_test(tc, fw_cfg_by_port_and_dma);
	tcase_add_test(tc, pci_and_pm_block);
	tcase_add_test(tc, pm_timer_delay);
	tcase_add_test(tc, flash_memslot);
	tcase_add_test(tc, flash_mprotect);
	tcase_add_test(tc, flash_killed);
	suite_add_tcase(s, tc);
	return s;
}
