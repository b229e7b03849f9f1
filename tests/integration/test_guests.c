// SPDX-License-Identifier: GPL-2.0-only
/*
 * lkvm-sev run on the real /dev/kvm with the small guests in tests/guests:
 * exact output, exit status, messages, and what the host really maps.
 */
#include <linux/magic.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/vfs.h>
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

/* Runs lkvm-sev with @args and --trace into a temporary file; returns the trace (free it). */
static char *run_traced(struct vmm_proc *p, const char *const *args)
{
	char trace[] = "/tmp/lkvm-test-trace-XXXXXX";
	const char *argv[24];
	unsigned int n = 0;
	size_t size;
	char *t;
	int fd = mkstemp(trace);

	ck_assert_int_ge(fd, 0);
	close(fd);
	while (args[n] && n < 20) {
		argv[n] = args[n];
		n++;
	}
	argv[n++] = "--trace";
	argv[n++] = trace;
	argv[n] = NULL;
	vmm_run(p, argv, RUN_TIMEOUT);
	t = test_read_file(trace, &size);
	unlink(trace);
	return t;
}

/*
 * --apic-bus-ns goes to KVM before the vCPUs exist; where KVM lacks the
 * capability (before Linux 6.11), status 125 says so.
 */
START_TEST(apic_bus_ns)
{
	struct vmm_proc p;
	char *t = run_traced(&p, (const char *[]){ "run", "--apic-bus-ns", "20", NULL });

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

/* The permissions of the child's private copy of the firmware (util/file.c names it). */
static void child_fw_perms(pid_t pid, char perms[5])
{
	static const char fw[] = "/memfd:lkvm-sev --firmware (deleted)";
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
	child_fw_perms(p.pid, perms);
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

/*
 * tests/guests/pcidev.S drives --pci-testdev as a driver would. Every value
 * follows from devices/pci_testdev.h and the PCI model:
 *  - bus 0: i440FX, PIIX3 (multi-function, so 01.1-01.7 are probed) with
 *    the PIIX4 PM function at 01.3, and the test device in the first free
 *    slot from 2;
 *  - class ff0000, revision 01, header type 00; COMMAND 0 at reset; STATUS
 *    0010 (capability list); INTA;
 *  - a vendor capability (4 bytes) at 0x40, then MSI-X at 0x44 (the next
 *    dword): 2 vectors (table size field 1), table at 0 and PBA at 0x800 of
 *    BAR2 (BIR 2);
 *  - sizing: BAR0 4 KiB memory, BAR1 64 bytes of I/O (bit 0), BAR2/3 16 KiB
 *    64-bit memory (type 10b), BAR4/5 unimplemented;
 *  - ID "LKVM" (4d564b4c) through both register BARs, which share SCRATCH
 *    and SCRATCH64 (0x5566778811223344: bytes 2-3 are 1122, byte 7 is 55);
 *  - doorbells: ioeventfds, so no exit; a DOORBELL_MATCH write of another
 *    value exits and counts in MISSES; a doorbell on a BAR that does not
 *    decode is not one; without MSI-X each doorbell asserts INTx (STATUS
 *    bit 3) until IRQ_ACK;
 *  - MSI-X: vectors masked at reset; a masked vector or function collects
 *    PBA bit 0 and unmasking delivers it;
 *  - INTx: slot 2's INTA is PIRQ (2 + 0 - 1) & 3 = 1 (PIIX3 register 0x61,
 *    the others 80: disabled); STATUS bit 3 follows the device's line
 *    whatever COMMAND bit 10 says, which only holds the pin down;
 *  - COUNT: 3 + 1 + 0 + 1 + 1 doorbells, 1 with memory off (the I/O BAR's),
 *    3 with MSI-X, 2 with INTx.
 */
static const char pcidev_bus[] = "00:00.0 8086:1237\n00:01.0 8086:7000\n00:01.3 8086:7113\n";
static const char pcidev_out[] =
	"00:02.0 1234:7e57\n"
	"testdev 00:02.0 class ff0000 rev 01 header 00\n"
	"command 0000 status 0010 pin 01\n"
	"cap 09 at 40\n"
	"cap 11 at 44\n"
	"msix control 0001 table 00000002 pba 00000802\n"
	"bar0 00000000 sized fffff000 restored 00000000\n"
	"bar1 00000001 sized ffffffc1 restored 00000001\n"
	"bar2 00000004 sized ffffc004 restored 00000004\n"
	"bar3 00000000 sized ffffffff restored 00000000\n"
	"bar4 00000000 sized 00000000 restored 00000000\n"
	"bar5 00000000 sized 00000000 restored 00000000\n"
	"bars e0000000 0000c101 e0100004 00000000\n"
	"decoding off: mmio ffffffff io ffffffff\n"
	"command 0007: id mmio 4d564b4c io 4d564b4c\n"
	"scratch mmio->io 12345678 io->mmio 9abcdef0\n"
	"scratch64 1122 55667788 55\n"
	"bar0 moved to e0200000: id 4d564b4c, old ffffffff\n"
	"doorbell x3: count 3, exits 0\n"
	"match doorbell: count 4, exits 0\n"
	"match miss: misses 1, count 4, exits 1\n"
	"io doorbell: count 5, exits 0\n"
	"io match doorbell: count 6, exits 0\n"
	"intx status 0018\n"
	"memory off: id ffffffff, count 7\n"
	"memory on: id 4d564b4c\n"
	"msix entry 0 control 00000001 pba 00000000\n"
	"msix entry 0 fee00000 00000000 00000040 00000000\n"
	"msix control 8001, status 0010\n"
	"msix irqs 1, count 8\n"
	"msix vector masked: pba 00000001, irqs 1\n"
	"msix vector unmasked: irqs 2, pba 00000000\n"
	"msix function masked: pba 00000001, irqs 2\n"
	"msix function unmasked: irqs 3, pba 00000000\n"
	"msix control 0001, intx acknowledged: status 0010\n"
	"intx pirq 1 routes 80800a80 line 0a\n"
	"ioapic pin 10 00008050\n"
	"intx raised: status 0018\n"
	"intx irqs 1, status 0010\n"
	"intx disabled: status 0018, irqs 1\n"
	"intx enabled: irqs 2, status 0010, count 12\n";

/*
 * A local APIC and IOAPIC deliver a level-triggered interrupt once when the
 * handler lowers the line before its EOI. kvm-pvm, the build machines' KVM,
 * which emulates guest code, enters the handler with the vector's ISR bit
 * clear and the vector already pending again (IRR set, IOAPIC remote IRR
 * set) while the line is still up: each INTx comes a second time, finds
 * the device's status bit clear and counts as spurious. Where its module
 * is loaded, it is taken to be the /dev/kvm under test.
 */
static bool host_is_kvm_pvm(void)
{
	return !access("/sys/module/kvm_pvm", F_OK);
}

START_TEST(pci_testdev)
{
	char want[4096];

	snprintf(want, sizeof(want), "%s%sintx spurious %d\ndone\n", pcidev_bus, pcidev_out,
		 host_is_kvm_pvm() ? 2 : 0);
	expect_run((const char *[]){ "run", "--pci-testdev", "--firmware", guest("pcidev"),
				     "--timeout", "30", NULL }, 0, want, "");
}
END_TEST

/* --trace decodes the interrupt and doorbell ioctls the test device causes. */
START_TEST(pci_testdev_trace)
{
	static const char *const lines[] = {
		/* Decoding on, BAR0 at 0xe0000000 and BAR1 at 0xc100: their doorbells. */
		"mmio 0xe0000010 len 4 fd ", "mmio 0xe0000014 len 4 fd ",
		"datamatch 0x5a5a5a5a) = 0\n", "port 0xc110 len 4 fd ",
		/* BAR0 moved to 0xe0200000: the old ones go, new ones come. */
		"mmio 0xe0000010 len 4 fd ", " deassign) = 0\n", "mmio 0xe0200010 len 4 fd ",
		/* MSI-X vector 0's first use: its route and irqfd. */
		"KVM_SET_GSI_ROUTING(fd ", ", 41 routes, 1 MSI) = 0\n",
		"KVM_IRQFD(fd ", ", gsi 24 fd ",
		/* INTx through PIRQB to IRQ 10. */
		"KVM_IRQ_LINE(fd ", ", irq 10 level 1) = 0\n", ", irq 10 level 0) = 0\n",
	};
	struct vmm_proc p;
	const char *at;
	size_t i;
	char *t = run_traced(&p, (const char *[]){ "run", "--pci-testdev", "--firmware",
						   guest("pcidev"), "--timeout", "30", NULL });

	ck_assert_msg(p.status == 0, "status %d: %s", p.status, p.err);
	/* In this order. */
	for (i = 0, at = t; i < sizeof(lines) / sizeof(lines[0]); i++) {
		const char *next = strstr(at, lines[i]);

		ck_assert_msg(next, "no '%s' after offset %zu of the trace", lines[i],
			      (size_t)(at - t));
		at = next + strlen(lines[i]);
	}
	free(t);
}
END_TEST

START_TEST(pci_testdev_absent)
{
	char want[256];

	snprintf(want, sizeof(want), "%sno test device\n", pcidev_bus);
	expect_run((const char *[]){ "run", "--firmware", guest("pcidev"), "--timeout", "30",
				     NULL }, 0, want, "");
}
END_TEST

/*
 * tests/guests/virtio.S drives --rng as a driver would. Every value follows
 * from devices/virtio_pci.h, devices/virtq.c and devices/virtio_rng.c:
 *  - 1af4:1044 (0x1040 + type 4) in the first free slot from 2, class
 *    ff0000, revision 01, subsystem 1af4:1100; COMMAND 0, STATUS 0010, INTA;
 *  - from 0x40, each capability at the next dword: common (16 bytes, BAR4 at
 *    0, 0x38 long), ISR (at 0x1000, 4), no device configuration (virtio-rng
 *    has none), notify (20 bytes, at 0x3000, one queue times the multiplier
 *    4), then MSI-X at 0x74: 2 vectors (one queue, one for configuration),
 *    table at 0 and PBA at 0x800 of BAR1, then the PCI configuration access
 *    capability (20 bytes, bar, offset and length 0 until the driver sets
 *    them);
 *  - sizing: BAR1 4 KiB 32-bit memory, BAR4/5 16 KiB 64-bit memory;
 *  - one queue of at most 64, no vectors (ffff), notify_off 0;
 *  - offered: INDIRECT_DESC, EVENT_IDX (bits 28, 29), VERSION_1,
 *    ACCESS_PLATFORM (32, 33); FEATURES_OK without VERSION_1 reads back
 *    clear; the guest takes INDIRECT_DESC the first time, not the second;
 *  - size 8 (a power of two below 64) is taken; each request's 16
 *    device-writable bytes come back filled, used length 16, and without
 *    MSI-X a used buffer sets ISR bit 0, which reading clears;
 *  - the loop (descriptors 0 and 1 chained to each other, 8 bytes each)
 *    is found when the walk passes the queue's 8 descriptors, at
 *    descriptor 0 again: NEEDS_RESET (0x40) on top of 0f, nothing used, ISR
 *    bit 1, configuration generation 1, and one warning;
 *  - a reset disables the queue and gives it back its maximum size, and
 *    the rings start again from 0;
 *  - the PCI configuration access window reads the status and the device
 *    features as BAR4 does, its write of queue_select shows in BAR4 (queue
 *    1 has size 0), its read of the ISR returns bit 0 of the last request
 *    and lowers INTx (the status register's bit 3) at once, its doorbell
 *    serves a request; a length of 3 or 8, a misaligned offset, the MSI-X
 *    BAR and an offset past the common configuration do nothing.
 */
static const char virtio_out[] =
	"virtio 00:02.0 1af4:1044\n"
	"class ff0000 rev 01 subsystem 1af4:1100\n"
	"command 0000 status 0010 pin 01\n"
	"cap 09 at 40: len 16 type 1 bar 4 offset 00000000 length 00000038\n"
	"cap 09 at 50: len 16 type 3 bar 4 offset 00001000 length 00000004\n"
	"cap 09 at 60: len 20 type 2 bar 4 offset 00003000 length 00000004\n"
	"notify multiplier 4\n"
	"cap 11 at 74: msix control 0001 table 00000001 pba 00000801\n"
	"cap 09 at 80: len 20 type 5 bar 0 offset 00000000 length 00000000\n"
	"sized: bar1 fffff000 bar4 ffffc004 bar5 ffffffff\n"
	"bar4 e0000004 bar5 00000000 command 0006\n"
	"num_queues 1, config msix ffff\n"
	"queue 0: size 64 notify_off 0 msix ffff\n"
	"reset: status 00\n"
	"acknowledge: status 01, driver: status 03\n"
	"device features 0000000330000000\n"
	"driver features 0000000200000000 (no version_1): status 03\n"
	"reset: status 00\n"
	"driver features 0000000310000000: status 0b\n"
	"queue 0: size 8 desc 0000000000010000 avail 0000000000010100\n"
	"queue 0: used 0000000000010200 enable 1\n"
	"driver ok: status 0f\n"
	"request: used idx 1, id 0 len 16, filled yes\n"
	"isr 01 then 00\n"
	"indirect: used idx 2, id 1 len 16, filled yes yes\n"
	"chain: used idx 3, id 2 len 16, filled yes yes\n"
	"isr 01\n"
	"loop: status 4f, used idx 3, isr 02, generation 1\n"
	"reset: status 00, queue 0 enable 0 size 64, isr 00\n"
	"driver features 0000000300000000: status 0b\n"
	"queue 0: size 8 desc 0000000000010000 avail 0000000000010100\n"
	"queue 0: used 0000000000010200 enable 1\n"
	"driver ok: status 0f\n"
	"request: used idx 1, id 0 len 16, filled yes\n"
	"window: status 0f (bar4 0f)\n"
	"window: device features hi 00000003 (bar4 00000003)\n"
	"window: queue_select 1: bar4 queue_select 1, size 0\n"
	"window: isr 01, pci status 0018 then 0010, isr 00\n"
	"window kick: used idx 2, id 0 len 16, filled yes\n"
	"window ignored: status 0f, data 12345678\n"
	"done\n";

START_TEST(virtio_rng)
{
	expect_run((const char *[]){ "run", "--rng", "--firmware", guest("virtio"), "--timeout",
				     "30", NULL }, 0, virtio_out,
		   "lkvm-sev: warning: virtio-rng (00:02.0): queue 0: descriptor 0: a chain of "
		   "more than 8 (a loop?); the device needs a reset\n");
}
END_TEST

/* --trace says what the I/O loop did with each doorbell: requests completed. */
START_TEST(virtio_rng_trace)
{
	struct vmm_proc p;
	char *t = run_traced(&p, (const char *[]){ "run", "--rng", "--firmware", guest("virtio"),
						   "--timeout", "30", NULL });

	ck_assert_msg(p.status == 0, "status %d: %s", p.status, p.err);
	/* DRIVER_OK looks at the queue (nothing yet), then one request per doorbell. */
	ck_assert_ptr_nonnull(strstr(t, " note virtio-rng 00:02.0 queue 0: doorbell, 0 completed\n"));
	ck_assert_ptr_nonnull(strstr(t, " note virtio-rng 00:02.0 queue 0: doorbell, 1 completed\n"));
	ck_assert_ptr_nonnull(strstr(t, " ioctl KVM_IOEVENTFD(fd "));
	free(t);
}
END_TEST

START_TEST(virtio_rng_absent)
{
	expect_run((const char *[]){ "run", "--firmware", guest("virtio"), "--timeout", "30",
				     NULL }, 0, "no virtio device\n", "");
}
END_TEST

/*
 * tests/guests/virtio-blk.S drives -d FILE[,ro][,aio=sync] as a driver would, on a
 * 64 KiB image this test makes. Every value follows from
 * devices/virtio_pci.h, devices/virtq.h and devices/virtio_blk.c:
 *  - 1af4:1042 (0x1040 + type 2) in the first free slot from 2; the device
 *    configuration capability points at BAR4 0x2000, 60 bytes;
 *  - offered: SEG_MAX, BLK_SIZE, FLUSH, DISCARD, WRITE_ZEROES (bits 2, 6,
 *    9, 13, 14: 6244) and the transport's INDIRECT_DESC, EVENT_IDX (28, 29),
 *    VERSION_1, ACCESS_PLATFORM (32, 33); with ,ro RO (bit 5) instead of
 *    DISCARD and WRITE_ZEROES: 0264. The guest takes the blk bits it knows
 *    with VERSION_1 and ACCESS_PLATFORM;
 *  - 128 sectors; seg_max VIRTQ_MAX_CHAIN - 2 = 510; blk_size 512; discard
 *    and write zeroes up to the whole disk, one segment, alignment 1, may
 *    unmap: the configuration is the same with ,ro;
 *  - one queue of at most 256; size 8 is taken;
 *  - the used length is what the device wrote, the status byte included:
 *    513 for a sector read, 21 for GET_ID (20 bytes), 1 otherwise;
 *  - GET_ID: the base name of the path given to -d, its first 20 bytes;
 *  - IOERR (01): sector 128 (the capacity), 100 bytes (not whole sectors),
 *    any write with ,ro; UNSUPP (02): type 99; FLUSH is fdatasync, which a
 *    read-only descriptor allows too;
 *  - the read over two 256-byte buffers puts sector 0 together in the
 *    chain's order (the halves differ).
 * Then the image must hold what the guest saw: its sector 1 and zeros in
 * sector 2, and with ,ro, whatever was there before.
 */
#define BLK_SECTOR	512
#define BLK_IMAGE_SIZE	(64 * 1024)

static const char virtio_blk_out[] =
	"virtio-blk 00:02.0 1af4:1042\n"
	"device config: offset 00002000 length 60\n"
	"device features 0000000330006244\n"
	"driver features 0000000300006244: status 0b\n"
	"capacity 0000000000000080 sectors, seg_max 510, blk_size 512\n"
	"discard: max_sectors 128 max_seg 1 alignment 1\n"
	"write zeroes: max_sectors 128 max_seg 1 may_unmap 1\n"
	"queue 0: max 256, size 8 enable 1\n"
	"driver ok: status 0f\n"
	"get id: status 00 len 21, id %s\n"
	"read sector 0: status 00 len 513: 01 04 07 0a 0d 10 13 16 19 1c 1f 22 25 28 2b 2e\n"
	"write sector 1: status 00 len 1\n"
	"flush: status 00 len 1\n"
	"read sector 1: status 00 len 513: lkvm-sev virtio-blk sector 1\n"
	"read sector 128 (capacity): status 01 len 1\n"
	"read 100 bytes: status 01 len 1\n"
	"write sector 2: status 00 len 1\n"
	"read sector 2: status 00 len 513, zero no\n"
	"write zeroes sector 2: status 00 len 1\n"
	"read sector 2: status 00 len 513, zero yes\n"
	"type 99: status 02 len 1\n"
	"read sector 0 in two buffers: status 00 len 513, same yes yes\n"
	"done\n";

static const char virtio_blk_ro_out[] =
	"virtio-blk 00:02.0 1af4:1042\n"
	"device config: offset 00002000 length 60\n"
	"device features 0000000330000264\n"
	"driver features 0000000300000264: status 0b\n"
	"read-only\n"
	"capacity 0000000000000080 sectors, seg_max 510, blk_size 512\n"
	"discard: max_sectors 128 max_seg 1 alignment 1\n"
	"write zeroes: max_sectors 128 max_seg 1 may_unmap 1\n"
	"queue 0: max 256, size 8 enable 1\n"
	"driver ok: status 0f\n"
	"get id: status 00 len 21, id %s\n"
	"read sector 0: status 00 len 513: 01 04 07 0a 0d 10 13 16 19 1c 1f 22 25 28 2b 2e\n"
	"write sector 1: status 01 len 1\n"
	"flush: status 00 len 1\n"
	"read sector 1: status 00 len 513: prepared sector 1, read-only\n"
	"read sector 128 (capacity): status 01 len 1\n"
	"read 100 bytes: status 01 len 1\n"
	"write sector 2: status 01 len 1\n"
	"read sector 2: status 00 len 513, zero no\n"
	"write zeroes: not negotiated\n"
	"read sector 2: status 00 len 513, zero no\n"
	"type 99: status 02 len 1\n"
	"read sector 0 in two buffers: status 00 len 513, same yes yes\n"
	"done\n";

/* Sector @n of the image, read or written whole. */
static void blk_sector_io(int fd, unsigned int n, void *buf, bool write)
{
	off_t off = (off_t)n * BLK_SECTOR;
	ssize_t r = write ? pwrite(fd, buf, BLK_SECTOR, off) : pread(fd, buf, BLK_SECTOR, off);

	ck_assert_int_eq(r, BLK_SECTOR);
}

/* A sector: @text, then @fill. */
static void blk_sector_text(uint8_t *s, const char *text, uint8_t fill)
{
	memset(s, fill, BLK_SECTOR);
	memcpy(s, text, strlen(text));
}

static void expect_sector(const uint8_t *got, const uint8_t *want, const char *what)
{
	unsigned int i;

	for (i = 0; i < BLK_SECTOR && got[i] == want[i]; i++)
		;
	ck_assert_msg(i == BLK_SECTOR, "%s: byte %u is %02x, want %02x", what, i, got[i],
		      want[i]);
}

/*
 * Both runs on an image in @dir, with @engine after the file name (",aio=sync"
 * or nothing: io_uring) and the I/O loop polling up to @io_poll µs, read back after each through the test's
 * own descriptor. The read-only run goes through a hard link with a longer
 * name, so that its ID is the link's name cut at 20 bytes. The runs and the
 * reads come before the assertions, so that the files go whatever fails.
 */
static void virtio_blk_in(const char *dir, const char *engine, const char *io_poll)
{
	char path[64], ro_path[80], rw_arg[96], ro_arg[112], id[21];
	static char want[4096];
	static struct vmm_proc rw, ro;
	uint8_t s0[BLK_SECTOR], s1[BLK_SECTOR], s2[BLK_SECTOR], zero[BLK_SECTOR] = { 0 };
	uint8_t rw_got[3][BLK_SECTOR], ro_got[3][BLK_SECTOR];
	struct stat st;
	unsigned int i;
	int fd;

	snprintf(path, sizeof(path), "%s/lkvm-blk-XXXXXX", dir);
	fd = mkstemp(path);
	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(ftruncate(fd, BLK_IMAGE_SIZE), 0);
	/* Sector 0's halves differ: byte i is (3i + 1) ^ (i / 256). */
	for (i = 0; i < BLK_SECTOR; i++)
		s0[i] = (uint8_t)((i * 3 + 1) ^ (i >> 8));
	blk_sector_io(fd, 0, s0, true);
	memset(s2, 0x5a, sizeof(s2));
	blk_sector_io(fd, 2, s2, true);
	snprintf(rw_arg, sizeof(rw_arg), "%s%s", path, engine);
	vmm_run(&rw, (const char *[]){ "run", "-d", rw_arg, "--firmware", guest("virtio-blk"),
				       "--io-poll", io_poll, "--timeout", "30", NULL }, RUN_TIMEOUT);
	for (i = 0; i < 3; i++)
		blk_sector_io(fd, i, rw_got[i], false);

	/* Read-only: sectors 1 and 2 made different first; neither may change. */
	blk_sector_text(s1, "prepared sector 1, read-only", 0x11);
	blk_sector_io(fd, 1, s1, true);
	blk_sector_io(fd, 2, s2, true);
	snprintf(ro_path, sizeof(ro_path), "%s-read-only", path);
	snprintf(ro_arg, sizeof(ro_arg), "%s%s,ro", ro_path, engine);
	ck_assert_int_eq(link(path, ro_path), 0);
	vmm_run(&ro, (const char *[]){ "run", "-d", ro_arg, "--firmware", guest("virtio-blk"),
				       "--io-poll", io_poll, "--timeout", "30", NULL }, RUN_TIMEOUT);
	for (i = 0; i < 3; i++)
		blk_sector_io(fd, i, ro_got[i], false);
	ck_assert_int_eq(fstat(fd, &st), 0);
	unlink(ro_path);
	unlink(path);
	close(fd);

	ck_assert_msg(rw.status == 0, "status %d; stderr: %s", rw.status, rw.err);
	snprintf(id, sizeof(id), "%.20s", strrchr(path, '/') + 1);
	snprintf(want, sizeof(want), virtio_blk_out, id);
	ck_assert_str_eq(rw.out, want);
	ck_assert_str_eq(rw.err, "");
	expect_sector(rw_got[0], s0, "sector 0 after the run");
	blk_sector_text(s1, "lkvm-sev virtio-blk sector 1", 0);
	expect_sector(rw_got[1], s1, "sector 1 after the run");
	expect_sector(rw_got[2], zero, "sector 2 after the run");

	ck_assert_msg(ro.status == 0, "status %d; stderr: %s", ro.status, ro.err);
	snprintf(id, sizeof(id), "%.20s", strrchr(ro_path, '/') + 1);
	snprintf(want, sizeof(want), virtio_blk_ro_out, id);
	ck_assert_str_eq(ro.out, want);
	ck_assert_str_eq(ro.err, "");
	expect_sector(ro_got[0], s0, "sector 0 after the read-only run");
	blk_sector_text(s1, "prepared sector 1, read-only", 0x11);
	expect_sector(ro_got[1], s1, "sector 1 after the read-only run");
	expect_sector(ro_got[2], s2, "sector 2 after the read-only run");
	ck_assert_int_eq(st.st_size, BLK_IMAGE_SIZE);
}

START_TEST(virtio_blk)
{
	virtio_blk_in("/tmp", "", "1000");
}
END_TEST

/*
 * tmpfs has no FALLOC_FL_ZERO_RANGE: write zeroes with unmap clear, which
 * the guest sends, is written out there. This run also takes the engine
 * without io_uring (aio=sync), after ,ro in the read-only run's argument,
 * and a loop that never polls (every request a doorbell and a wake-up).
 */
START_TEST(virtio_blk_tmpfs)
{
	struct statfs sf;

	if (statfs("/dev/shm", &sf) || sf.f_type != TMPFS_MAGIC) {
		tests_skip("guests virtio_blk_tmpfs", "/dev/shm is not a tmpfs");
		return;
	}
	virtio_blk_in("/dev/shm", ",aio=sync", "0");
}
END_TEST

START_TEST(virtio_blk_absent)
{
	expect_run((const char *[]){ "run", "--firmware", guest("virtio-blk"), "--timeout", "30",
				     NULL }, 0, "no virtio-blk device\n", "");
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
	tcase_add_test(tc, pci_testdev);
	tcase_add_test(tc, pci_testdev_trace);
	tcase_add_test(tc, pci_testdev_absent);
	tcase_add_test(tc, virtio_rng);
	tcase_add_test(tc, virtio_rng_trace);
	tcase_add_test(tc, virtio_rng_absent);
	tcase_add_test(tc, virtio_blk);
	tcase_add_test(tc, virtio_blk_tmpfs);
	tcase_add_test(tc, virtio_blk_absent);
	suite_add_tcase(s, tc);
	return s;
}
