// SPDX-License-Identifier: GPL-2.0-only
/*
 * hs-drive: runs SEV, SEV-ES and SNP launch sequences (and the rule scenarios
 * of drive-rules.c) with plain ioctls, as a VMM would, and prints what
 * happened one line at a time; the simulated host underneath comes from
 * LD_PRELOAD. The launch digest it prints is the one the simulated secure
 * processor computed (read back from $HOSTSIM_LOG); for SEV and SEV-ES the
 * LAUNCH_MEASURE blob is checked against it with the simulator's test key.
 *
 *   hs-drive launch sev|seves|snp --firmware F [--vcpus N] [--cpu-sig X]
 *            [--features X] [--kernel K --initrd I --append A] [--legacy]
 *            [--direct-vmsa GPA] [--only-firmware] [--no-sregs] [--no-fpu]
 *            [--no-reg-region] [--secret] [--run] [--policy X] [--verbose]
 *   hs-drive rule NAME [options as above]
 */
#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>
#include <nettle/hmac.h>

#include "tests/hostsim/drive.h"

static bool verbose;

const char *drv_errno(int err)
{
	static const struct {
		int err;
		const char *name;
	} names[] = {
		{ EPERM, "EPERM" }, { ENOENT, "ENOENT" }, { EINTR, "EINTR" }, { EIO, "EIO" },
		{ E2BIG, "E2BIG" }, { EBADF, "EBADF" }, { EAGAIN, "EAGAIN" },
		{ ENOMEM, "ENOMEM" }, { EFAULT, "EFAULT" }, { EBUSY, "EBUSY" },
		{ EEXIST, "EEXIST" }, { ENODEV, "ENODEV" }, { EINVAL, "EINVAL" },
		{ ENOTTY, "ENOTTY" }, { ENXIO, "ENXIO" }, { EOPNOTSUPP, "EOPNOTSUPP" },
	};
	size_t i;

	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (names[i].err == err)
			return names[i].name;
	return "E?";
}

long drv_report(struct drv *d, const char *name, long r)
{
	int err = errno;

	if (r < 0 && d->fw_error)
		printf("%s: %s fw=%#x\n", name, drv_errno(err), d->fw_error);
	else if (r < 0)
		printf("%s: %s\n", name, drv_errno(err));
	else if (verbose)
		printf("%s: ok\n", name);
	d->fw_error = 0;
	errno = err;
	return r;
}

/* ---- the launch flows (SEV-KVM-API.md §4.1-§4.4) ---- */

static int snp_section(struct drv *d, const struct ovmf_desc *s)
{
	uint8_t *hva = drv_hva(d, s->base), ht[176];
	uint8_t type = HS_SNP_PAGE_ZERO;

	if (!hva) {
		fprintf(stderr, "hs-drive: section at %#x is outside guest memory\n", s->base);
		return -1;
	}
	if (s->type == 2)
		type = HS_SNP_PAGE_SECRETS;
	if (s->type == 3) {
		drv_cpuid_page(d, hva);
		type = HS_SNP_PAGE_CPUID;
	}
	if (s->type == 0x10 && d->o.kernel) {
		memset(hva, 0, s->len);
		drv_hash_table(&d->o, ht);
		memcpy(hva + (d->ovmf.hash_base & 0xfff), ht, sizeof(ht));
		type = HS_SNP_PAGE_NORMAL;
	}
	return (int)drv_report(d, "SNP_LAUNCH_UPDATE section",
			       drv_snp_update(d, s->base, hva, s->len, type));
}

static int direct_vmsa(struct drv *d)
{
	uint64_t gpa = d->o.direct_vmsa_gpa;
	uint8_t *page;

	if (gpa == HS_INITIAL_VMSA_GPA) {
		d->top = mmap(NULL, DRV_PAGE, PROT_READ | PROT_WRITE,
			      MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		if (drv_report(d, "VMSA slot", drv_slot(d, gpa, DRV_PAGE, d->top, true)) ||
		    drv_report(d, "private VMSA page", drv_private(d, gpa, DRV_PAGE)))
			return -1;
	}
	page = drv_hva(d, gpa);
	if (!page)
		return -1;
	drv_bsp_vmsa(d, page, d->o.features);
	return (int)drv_report(d, "SNP_LAUNCH_UPDATE VMSA",
			       drv_snp_update(d, gpa, page, DRV_PAGE, HS_SNP_PAGE_VMSA));
}

static int launch_snp(struct drv *d)
{
	struct hs_snp_launch_start start = { .policy = d->o.snp_policy };
	struct hs_snp_launch_finish finish = { 0 };
	int i;

	if (drv_report(d, "KVM_ENABLE_CAP hypercalls", drv_enable_hypercalls(d)) ||
	    drv_report(d, "SNP_LAUNCH_START", drv_sev(d, HS_SEV_SNP_LAUNCH_START, &start)) ||
	    drv_report(d, "SNP_LAUNCH_UPDATE firmware",
		       drv_snp_update(d, d->fw_gpa, d->fw, d->fw_size, HS_SNP_PAGE_NORMAL)))
		return -1;
	if (d->o.only_firmware)
		return 0;
	for (i = 0; i < d->ovmf.ndesc; i++)
		if (snp_section(d, &d->ovmf.desc[i]))
			return -1;
	if (d->o.direct_vmsa_gpa != ~0ULL && direct_vmsa(d))
		return -1;
	return (int)drv_report(d, "SNP_LAUNCH_FINISH",
			       drv_sev(d, HS_SEV_SNP_LAUNCH_FINISH, &finish));
}

static uint8_t measure_blob[48];

static int sev_secret(struct drv *d)
{
	static uint8_t hdr[52], payload[32] = "hostsim secret payload";
	struct kvm_sev_launch_secret s = {
		.hdr_uaddr = (uintptr_t)hdr, .hdr_len = sizeof(hdr),
		.guest_uaddr = (uintptr_t)drv_hva(d, d->ovmf.secret_base),
		.guest_len = sizeof(payload),
		.trans_uaddr = (uintptr_t)payload, .trans_len = sizeof(payload),
	};

	return (int)drv_report(d, "LAUNCH_SECRET", drv_sev(d, KVM_SEV_LAUNCH_SECRET, &s));
}

static int launch_sev(struct drv *d)
{
	static uint8_t dh[2084], session[128];
	struct kvm_sev_launch_start start = { .policy = d->o.policy };
	struct kvm_sev_launch_update_data up = { (uintptr_t)d->fw, (uint32_t)d->fw_size };
	struct kvm_sev_launch_measure m = { 0 };
	uint8_t *ht = drv_hva(d, d->ovmf.hash_base);

	if (d->o.secret) {
		start.dh_uaddr = (uintptr_t)dh;
		start.dh_len = sizeof(dh);
		start.session_uaddr = (uintptr_t)session;
		start.session_len = sizeof(session);
	}
	if (drv_report(d, "LAUNCH_START", drv_sev(d, KVM_SEV_LAUNCH_START, &start)) ||
	    drv_report(d, "LAUNCH_UPDATE_DATA firmware",
		       drv_sev(d, KVM_SEV_LAUNCH_UPDATE_DATA, &up)))
		return -1;
	if (d->o.kernel) {
		up = (struct kvm_sev_launch_update_data){ (uintptr_t)ht, 176 };
		drv_hash_table(&d->o, ht);
		if (drv_report(d, "LAUNCH_UPDATE_DATA hashes",
			       drv_sev(d, KVM_SEV_LAUNCH_UPDATE_DATA, &up)))
			return -1;
	}
	if (d->es && drv_report(d, "LAUNCH_UPDATE_VMSA",
				drv_sev(d, KVM_SEV_LAUNCH_UPDATE_VMSA, NULL)))
		return -1;
	/* The length query fails with INVALID_LEN and says 48 (§4.1 step 8). */
	if (!drv_sev(d, KVM_SEV_LAUNCH_MEASURE, &m) || d->fw_error != 4 || m.len != 48)
		printf("LAUNCH_MEASURE length query: unexpected (fw=%#x len=%u)\n",
		       d->fw_error, m.len);
	d->fw_error = 0;
	m = (struct kvm_sev_launch_measure){ (uintptr_t)measure_blob, sizeof(measure_blob) };
	if (drv_report(d, "LAUNCH_MEASURE", drv_sev(d, KVM_SEV_LAUNCH_MEASURE, &m)) ||
	    (d->o.secret && sev_secret(d)))
		return -1;
	return (int)drv_report(d, "LAUNCH_FINISH", drv_sev(d, KVM_SEV_LAUNCH_FINISH, NULL));
}

/* The guest owner's check of the blob, with the simulator's documented test TIK. */
static void check_measure(struct drv *d, const char *hex)
{
	struct sev_user_data_status st = { 0 };
	struct sev_issue_cmd c = { .cmd = SEV_PLATFORM_STATUS, .data = (uintptr_t)&st };
	struct hmac_sha256_ctx h;
	uint8_t hdr[8], digest[32], mac[32];
	int i;

	if (ioctl(d->sev, SEV_ISSUE_CMD, &c)) {
		printf("SEV_PLATFORM_STATUS: %s\n", drv_errno(errno));
		return;
	}
	for (i = 0; i < 32; i++)
		sscanf(hex + 2 * i, "%2hhx", &digest[i]);
	hdr[0] = 0x04;
	hdr[1] = st.api_major;
	hdr[2] = st.api_minor;
	hdr[3] = st.build;
	memcpy(hdr + 4, &d->o.policy, 4);
	hmac_sha256_set_key(&h, 16, (const uint8_t *)"hostsim-test-tik");
	hmac_sha256_update(&h, sizeof(hdr), hdr);
	hmac_sha256_update(&h, sizeof(digest), digest);
	hmac_sha256_update(&h, 16, measure_blob + 32);
	hmac_sha256_digest(&h, sizeof(mac), mac);
	printf("measure: %s\n", memcmp(mac, measure_blob, 32) ? "HMAC MISMATCH" : "hmac ok");
}

static unsigned long vm_type(const struct drv *d)
{
	if (d->o.legacy)
		return HS_VM_DEFAULT;
	if (!strcmp(d->o.mode, "snp"))
		return HS_VM_SNP;
	return strcmp(d->o.mode, "seves") ? HS_VM_SEV : HS_VM_SEV_ES;
}

/* VM, INIT, memory, irqchip, vCPUs with their reset state: §4.1-§4.3 steps 1-7. */
static int set_up(struct drv *d)
{
	int i;

	if (drv_load_firmware(d, d->o.firmware) || drv_open(d) ||
	    drv_report(d, "KVM_CREATE_VM", drv_create_vm(d, vm_type(d))))
		return -1;
	if (d->o.legacy)
		d->es = !!strcmp(d->o.mode, "sev");
	if (!d->o.policy)
		d->o.policy = d->es ? 0x5 : 0x1;
	if (drv_report(d, "INIT", drv_sev_init(d, d->es ? d->o.features & ~1ULL : 0)) ||
	    drv_memory(d) || drv_report(d, "KVM_CREATE_IRQCHIP", drv_irqchip(d)) ||
	    drv_vcpus(d, d->o.vcpus))
		return -1;
	if (d->o.vcpus > 1 && d->es && !d->ovmf.reset_addr) {
		fprintf(stderr, "hs-drive: no SEV-ES reset block for the APs\n");
		return -1;
	}
	for (i = 0; i < d->nvcpus; i++)
		if (drv_report(d, "vCPU reset state",
			       drv_reset_state(d, i, i ? d->ovmf.reset_addr : 0)))
			return -1;
	return 0;
}

int drv_launch(struct drv *d)
{
	char hex[128];
	int r = set_up(d);

	if (!r)
		r = d->snp ? launch_snp(d) : launch_sev(d);
	if (!r && d->o.run)
		r = drv_run_bsp(d, 4096);
	drv_close_vm(d);
	if (!drv_log_digest(hex, sizeof(hex))) {
		printf("digest: none in $HOSTSIM_LOG\n");
		return 1;
	}
	printf("digest %s\n", hex);
	if (!r && !d->snp && !d->o.only_firmware)
		check_measure(d, hex);
	return r ? 1 : 0;
}

/* ---- running the BSP: the exits a VMM's run loop sees (§4.6) ---- */

static char serial[1024];
static size_t serial_len;

static void flush_serial(void)
{
	size_t i;

	if (!serial_len)
		return;
	printf("serial: ");
	for (i = 0; i < serial_len; i++) {
		if (serial[i] == '\n')
			fputs("\\n", stdout);
		else
			putchar(serial[i]);
	}
	putchar('\n');
	serial_len = 0;
}

static int convert(struct drv *d, uint64_t gpa, uint64_t size, bool priv, const char *what)
{
	struct hs_memory_attributes a = { .address = gpa, .size = size,
					  .attributes = priv ? HS_MEMORY_ATTRIBUTE_PRIVATE : 0 };
	int r = ioctl(d->vm, HS_SET_MEMORY_ATTRIBUTES, &a);

	printf("%s %s %#llx+%#llx: %s\n", what, priv ? "private" : "shared",
	       (unsigned long long)gpa, (unsigned long long)size, r ? drv_errno(errno) : "ok");
	return r;
}

/* One exit; 1 to enter again, 0 when the guest stopped, -1 on an error. */
static int handle_exit(struct drv *d, struct kvm_run *run)
{
	uint64_t v = 0;

	if (run->exit_reason == KVM_EXIT_IO && run->io.direction == KVM_EXIT_IO_OUT) {
		memcpy(&v, (uint8_t *)run + run->io.data_offset, run->io.size);
		if (run->io.port == 0x3f8 && serial_len < sizeof(serial)) {
			serial[serial_len++] = (char)v;
			return 1;
		}
		flush_serial();
		if (run->io.port == 0xb004 && run->io.size == 2 && v == 0x2000) {
			printf("poweroff\n");
			return 0;
		}
		if (run->io.port == 0xf4) {
			printf("debug-exit %#llx\n", (unsigned long long)v);
			return 0;
		}
		printf("out %#x/%u %#llx\n", run->io.port, run->io.size, (unsigned long long)v);
		return 1;
	}
	flush_serial();
	switch (run->exit_reason) {
	case KVM_EXIT_IO:
		memset((uint8_t *)run + run->io.data_offset, 0x5a, run->io.size);
		printf("in %#x/%u\n", run->io.port, run->io.size);
		return 1;
	case KVM_EXIT_MMIO:
		printf("mmio %s %#llx/%u\n", run->mmio.is_write ? "write" : "read",
		       (unsigned long long)run->mmio.phys_addr, run->mmio.len);
		if (!run->mmio.is_write)
			memset(run->mmio.data, 0xa5, sizeof(run->mmio.data));
		return 1;
	case KVM_EXIT_HYPERCALL:
		run->hypercall.ret = 0;
		return convert(d, run->hypercall.args[0], run->hypercall.args[1] * DRV_PAGE,
			       run->hypercall.args[2] & HS_MAP_GPA_RANGE_ENCRYPTED, "psc") ? -1 : 1;
	case KVM_EXIT_SYSTEM_EVENT:
		printf("system-event type=%u data0=%#llx\n", run->system_event.type,
		       (unsigned long long)run->system_event.data[0]);
		return 0;
	case KVM_EXIT_SHUTDOWN:
		printf("shutdown\n");
		return 0;
	case KVM_EXIT_FAIL_ENTRY:
		printf("fail-entry %#llx\n",
		       (unsigned long long)run->fail_entry.hardware_entry_failure_reason);
		return 0;
	default:
		printf("exit %u\n", run->exit_reason);
		return 0;
	}
}

/* EFAULT with KVM_EXIT_MEMORY_FAULT: convert private/shared, or stop the guest. */
static int memory_fault(struct drv *d, struct kvm_run *run)
{
	uint64_t f[3];

	memcpy(f, &run->mmio, sizeof(f));
	flush_serial();
	printf("memory-fault flags=%#llx gpa=%#llx size=%#llx\n", (unsigned long long)f[0],
	       (unsigned long long)f[1], (unsigned long long)f[2]);
	if (!d->snp) {	/* nothing to convert: a write KVM could not complete */
		printf("stop: guest wrote protected memory\n");
		return 0;
	}
	return convert(d, f[1], f[2], f[0] & HS_MEMORY_EXIT_FLAG_PRIVATE, "convert") ? -1 : 1;
}

int drv_run_bsp(struct drv *d, int max_exits)
{
	struct kvm_run *run = d->run[0];
	int n, r = 1;

	for (n = 0; n < max_exits && r > 0; n++) {
		if (!ioctl(d->vcpu[0], KVM_RUN, 0))
			r = handle_exit(d, run);
		else if (errno == EFAULT && run->exit_reason == HS_EXIT_MEMORY_FAULT)
			r = memory_fault(d, run);
		else if (errno == EINTR || errno == EAGAIN)
			printf("KVM_RUN: %s\n", drv_errno(errno));
		else
			r = drv_report(d, "KVM_RUN", -1);
	}
	flush_serial();
	return r < 0 ? -1 : 0;
}

/* ---- the command line ---- */

static int parse_opt(struct drv_opts *o, const char *opt, const char *val)
{
	if (!strcmp(opt, "--firmware"))
		o->firmware = val;
	else if (!strcmp(opt, "--kernel"))
		o->kernel = val;
	else if (!strcmp(opt, "--initrd"))
		o->initrd = val;
	else if (!strcmp(opt, "--append"))
		o->append = val;
	else if (!strcmp(opt, "--vcpus"))
		o->vcpus = atoi(val);
	else if (!strcmp(opt, "--cpu-sig"))
		o->cpu_sig = (uint32_t)strtoul(val, NULL, 0);
	else if (!strcmp(opt, "--features"))
		o->features = strtoull(val, NULL, 0);
	else if (!strcmp(opt, "--policy"))
		o->policy = (uint32_t)strtoul(val, NULL, 0);
	else if (!strcmp(opt, "--snp-policy"))
		o->snp_policy = strtoull(val, NULL, 0);
	else if (!strcmp(opt, "--direct-vmsa"))
		o->direct_vmsa_gpa = strtoull(val, NULL, 0);
	else
		return -1;
	return 0;
}

static int parse_flag(struct drv_opts *o, const char *opt)
{
	static const struct {
		const char *name;
		size_t off;
	} flags[] = {
		{ "--legacy", offsetof(struct drv_opts, legacy) },
		{ "--only-firmware", offsetof(struct drv_opts, only_firmware) },
		{ "--no-sregs", offsetof(struct drv_opts, no_sregs) },
		{ "--no-fpu", offsetof(struct drv_opts, no_fpu) },
		{ "--no-reg-region", offsetof(struct drv_opts, no_reg_region) },
		{ "--secret", offsetof(struct drv_opts, secret) },
		{ "--run", offsetof(struct drv_opts, run) },
	};
	size_t i;

	if (!strcmp(opt, "--verbose")) {
		verbose = true;
		return 0;
	}
	for (i = 0; i < sizeof(flags) / sizeof(flags[0]); i++)
		if (!strcmp(opt, flags[i].name)) {
			*(bool *)((char *)o + flags[i].off) = true;
			return 0;
		}
	return -1;
}

int main(int argc, char **argv)
{
	struct drv d;
	int i;

	setvbuf(stdout, NULL, _IOLBF, 0);
	drv_init(&d);
	if (argc < 3)
		goto usage;
	d.o.mode = argv[2];
	for (i = 3; i < argc; i++) {
		if (!parse_flag(&d.o, argv[i]))
			continue;
		if (i + 1 >= argc || parse_opt(&d.o, argv[i], argv[i + 1]))
			goto usage;
		i++;
	}
	if (!strcmp(argv[1], "rule")) {
		verbose = true;
		return drv_rule(&d, argv[2]) ? 1 : 0;
	}
	if (!strcmp(argv[1], "launch") && d.o.firmware && (!strcmp(d.o.mode, "sev") ||
	    !strcmp(d.o.mode, "seves") || !strcmp(d.o.mode, "snp")))
		return drv_launch(&d);
usage:
	fprintf(stderr, "usage: hs-drive launch sev|seves|snp --firmware F [options]\n"
		"       hs-drive rule NAME [options]\n");
	return 2;
}
