// SPDX-License-Identifier: GPL-2.0-only
/*
 * hs-drive's rule scenarios: each breaks (or probes) one rule of the kernel
 * or firmware interface in SEV-KVM-API.md and prints every step's result, so
 * that a test can hold the simulated host to the errno and firmware error the
 * real one gives. "hs-drive rule NAME"; the names are in the table at the end.
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#include "tests/hostsim/drive.h"

#define R(name, expr) drv_report(d, name, (expr))

static uint8_t page[2][4096] __attribute__((aligned(4096)));

void drv_check(int fd, const char *name, long cap)
{
	printf("%s: %#lx\n", name, (long)ioctl(fd, KVM_CHECK_EXTENSION, cap));
}

/* A VM of @type, initialised with KVM_SEV_INIT2 (@features). */
int drv_vm_with_init(struct drv *d, unsigned long type, uint64_t features)
{
	if (drv_open(d) || R("KVM_CREATE_VM", drv_create_vm(d, type)))
		return -1;
	return (int)R("KVM_SEV_INIT2", drv_sev_init(d, features));
}

/* SNP VM with 32 MiB of private guest_memfd RAM, one vCPU, SNP_LAUNCH_START done. */
int drv_snp_ready(struct drv *d, int vcpus)
{
	struct hs_snp_launch_start s = { .policy = 0x30000 };
	int i;

	d->low = mmap(NULL, DRV_LOW_SIZE, PROT_READ | PROT_WRITE,
		      MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (drv_vm_with_init(d, HS_VM_SNP, 0) ||
	    R("guest_memfd slot", drv_slot(d, 0, DRV_LOW_SIZE, d->low, true)) ||
	    R("private", drv_private(d, 0, DRV_LOW_SIZE)) ||
	    R("KVM_CREATE_IRQCHIP", drv_irqchip(d)) || drv_vcpus(d, vcpus))
		return -1;
	for (i = 0; i < vcpus; i++)
		if (drv_reset_state(d, i, i ? 0x80b004 : 0))
			return -1;
	return (int)(R("KVM_ENABLE_CAP hypercalls", drv_enable_hypercalls(d)) ||
		     R("SNP_LAUNCH_START", drv_sev(d, HS_SEV_SNP_LAUNCH_START, &s)));
}

/* SEV or SEV-ES VM with 32 MiB of registered RAM, one vCPU, LAUNCH_START done. */
int drv_sev_ready(struct drv *d, unsigned long type, bool start)
{
	struct kvm_sev_launch_start s = { .policy = type == HS_VM_SEV ? 0x1 : 0x5 };
	struct kvm_enc_region reg;

	d->low = mmap(NULL, DRV_LOW_SIZE, PROT_READ | PROT_WRITE,
		      MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	reg = (struct kvm_enc_region){ (uintptr_t)d->low, DRV_LOW_SIZE };
	if (drv_vm_with_init(d, type, 0) || R("slot", drv_slot(d, 0, DRV_LOW_SIZE, d->low, false)) ||
	    R("KVM_MEMORY_ENCRYPT_REG_REGION",
	      ioctl(d->vm, KVM_MEMORY_ENCRYPT_REG_REGION, &reg)) ||
	    R("KVM_CREATE_IRQCHIP", drv_irqchip(d)) || drv_vcpus(d, 1) ||
	    drv_reset_state(d, 0, 0))
		return -1;
	return start ? (int)R("LAUNCH_START", drv_sev(d, KVM_SEV_LAUNCH_START, &s)) : 0;
}

long drv_update_data(struct drv *d, void *p, uint32_t len)
{
	struct kvm_sev_launch_update_data u = { (uintptr_t)p, len };

	return drv_sev(d, KVM_SEV_LAUNCH_UPDATE_DATA, &u);
}

long drv_measure(struct drv *d, void *blob, uint32_t len, uint32_t *out_len)
{
	struct kvm_sev_launch_measure m = { (uintptr_t)blob, len };
	long r = drv_sev(d, KVM_SEV_LAUNCH_MEASURE, &m);

	*out_len = m.len;
	return r;
}

long drv_snp_update_page(struct drv *d, uint64_t gpa, void *src, uint64_t len, uint8_t type,
			 uint16_t flags, uint64_t *left)
{
	struct hs_snp_launch_update u = { .gfn_start = gpa >> 12, .uaddr = (uintptr_t)src,
					  .len = len, .type = type, .flags = flags };
	long r = drv_sev(d, HS_SEV_SNP_LAUNCH_UPDATE, &u);

	if (left)
		*left = u.len;
	return r;
}

/* ---- §1: VM types, INIT2, capabilities, read-only memory ---- */

static int rule_init2(struct drv *d)
{
	struct hs_sev_init bad[] = { { .vmsa_features = 0x40 }, { .flags = 1 },
				     { .ghcb_version = 3 } };
	struct hs_sev_init ok = { .vmsa_features = HS_SEV_FEAT_DEBUG_SWAP };
	unsigned int i;

	if (drv_open(d) || R("KVM_CREATE_VM snp", drv_create_vm(d, HS_VM_SNP)))
		return -1;
	for (i = 0; i < 3; i++)
		R("KVM_SEV_INIT2 bad", drv_sev(d, HS_SEV_INIT2, &bad[i]));
	R("KVM_SEV_INIT2 DEBUG_SWAP", drv_sev(d, HS_SEV_INIT2, &ok));
	R("KVM_SEV_INIT2 again", drv_sev(d, HS_SEV_INIT2, &ok));
	R("KVM_SEV_INIT on snp", drv_sev(d, KVM_SEV_INIT, NULL));
	drv_close_vm(d);
	R("KVM_CREATE_VM sev", drv_create_vm(d, HS_VM_SEV));
	R("KVM_SEV_INIT2 sev with features", drv_sev(d, HS_SEV_INIT2, &ok));
	R("KVM_SEV_INIT2 sev with ghcb_version", drv_sev(d, HS_SEV_INIT2, &bad[2]));
	drv_close_vm(d);
	R("KVM_CREATE_VM default", drv_create_vm(d, HS_VM_DEFAULT));
	R("KVM_SEV_INIT2 on default", drv_sev(d, HS_SEV_INIT2, &ok));
	R("KVM_SEV_ES_INIT on default", drv_sev(d, KVM_SEV_ES_INIT, NULL));
	return 0;
}

static int rule_init2_after_vcpu(struct drv *d)
{
	if (drv_open(d) || R("KVM_CREATE_VM", drv_create_vm(d, HS_VM_SNP)))
		return -1;
	R("KVM_CREATE_VCPU", ioctl(d->vm, KVM_CREATE_VCPU, 0UL));
	R("KVM_SEV_INIT2", drv_sev_init(d, 0));
	return 0;
}

static int rule_caps(struct drv *d)
{
	uint64_t val = 0;
	struct kvm_device_attr a = { .group = HS_X86_GRP_SEV, .addr = (uintptr_t)&val };
	unsigned long t;

	if (drv_open(d))
		return -1;
	drv_check(d->kvm, "KVM_CAP_VM_TYPES", HS_CAP_VM_TYPES);
	drv_check(d->kvm, "KVM_CAP_GUEST_MEMFD", HS_CAP_GUEST_MEMFD);
	drv_check(d->kvm, "KVM_CAP_MEMORY_ATTRIBUTES", HS_CAP_MEMORY_ATTRIBUTES);
	drv_check(d->kvm, "KVM_CAP_EXIT_HYPERCALL", HS_CAP_EXIT_HYPERCALL);
	drv_check(d->kvm, "KVM_CAP_SNP_DIRECT_VMSA (249)", 249);
	drv_check(d->kvm, "KVM_CAP_READONLY_MEM", HS_CAP_READONLY_MEM);
	for (a.attr = 0; a.attr < 3; a.attr++) {
		val = 0;
		if (ioctl(d->kvm, KVM_GET_DEVICE_ATTR, &a))
			printf("KVM_GET_DEVICE_ATTR SEV/%llu: %s\n", a.attr, drv_errno(errno));
		else
			printf("KVM_GET_DEVICE_ATTR SEV/%llu: %#llx\n", a.attr,
			       (unsigned long long)val);
	}
	for (t = 0; t <= 5; t++) {
		int vm = ioctl(d->kvm, KVM_CREATE_VM, t);

		printf("KVM_CREATE_VM %lu: %s\n", t, vm < 0 ? drv_errno(errno) : "ok");
		if (vm >= 0)
			close(vm);
	}
	printf("KVM_MEMORY_ENCRYPT_OP probe: %s\n",
	       drv_create_vm(d, 0) || ioctl(d->vm, KVM_MEMORY_ENCRYPT_OP, NULL) ?
	       drv_errno(errno) : "ok");
	return 0;
}

/* §1.4: READONLY_MEM asked on each VM fd, and a read-only slot tried. */
static int rule_readonly(struct drv *d)
{
	static const unsigned long types[] = { HS_VM_DEFAULT, HS_VM_SEV, HS_VM_SEV_ES, HS_VM_SNP };
	static const char *const names[] = { "default", "sev", "sev-es", "snp", "default+es" };
	struct kvm_userspace_memory_region m = { .flags = KVM_MEM_READONLY,
						 .guest_phys_addr = 0xfff00000,
						 .memory_size = DRV_PAGE };
	unsigned int i;

	if (drv_open(d))
		return -1;
	m.userspace_addr = (uintptr_t)page[0];
	for (i = 0; i < 5; i++) {
		long cap;
		int r;

		if (drv_create_vm(d, i < 4 ? types[i] : HS_VM_DEFAULT))
			return -1;
		if (i == 4)	/* legacy SEV-ES on the default type (seed 000) */
			drv_sev(d, KVM_SEV_ES_INIT, NULL);
		else if (i)
			drv_sev_init(d, 0);
		cap = ioctl(d->vm, KVM_CHECK_EXTENSION, (long)HS_CAP_READONLY_MEM);
		r = ioctl(d->vm, KVM_SET_USER_MEMORY_REGION, &m);
		printf("%s: KVM_CAP_READONLY_MEM=%ld read-only slot: %s\n", names[i], cap,
		       r ? drv_errno(errno) : "ok");
		drv_close_vm(d);
	}
	return 0;
}

/* ---- §2: the command state machine and its refusals ---- */

static int rule_command_types(struct drv *d)
{
	struct kvm_sev_launch_start s = { .policy = 1 };
	struct hs_snp_launch_start ss = { .policy = 0x30000 };
	struct hs_snp_launch_update su = { .len = DRV_PAGE, .type = 1 };

	if (drv_vm_with_init(d, HS_VM_SNP, 0))
		return -1;
	R("LAUNCH_START on snp", drv_sev(d, KVM_SEV_LAUNCH_START, &s));
	R("GUEST_STATUS on snp", drv_sev(d, KVM_SEV_GUEST_STATUS, page[0]));
	drv_close_vm(d);
	R("KVM_CREATE_VM sev", drv_create_vm(d, HS_VM_SEV));
	R("LAUNCH_START before INIT2", drv_sev(d, KVM_SEV_LAUNCH_START, &s));
	R("KVM_SEV_INIT2", drv_sev_init(d, 0));
	R("SNP_LAUNCH_START on sev", drv_sev(d, HS_SEV_SNP_LAUNCH_START, &ss));
	R("SNP_LAUNCH_UPDATE on sev", drv_sev(d, HS_SEV_SNP_LAUNCH_UPDATE, &su));
	R("LAUNCH_UPDATE_VMSA on sev", drv_sev(d, KVM_SEV_LAUNCH_UPDATE_VMSA, NULL));
	R("command 99", drv_sev(d, 99, NULL));
	return 0;
}

static int rule_run_before_init(struct drv *d)
{
	if (drv_open(d) || R("KVM_CREATE_VM sev-es", drv_create_vm(d, HS_VM_SEV_ES)) ||
	    drv_vcpus(d, 1))
		return -1;
	R("KVM_RUN before INIT2", ioctl(d->vcpu[0], KVM_RUN, 0));
	return 0;
}

/* §4.1: START -> UPDATE_DATA -> MEASURE -> (SECRET) -> FINISH, with firmware errors. */
static int rule_sev_states(struct drv *d)
{
	uint8_t blob[48];
	uint32_t len;
	struct kvm_sev_guest_status st;

	if (drv_sev_ready(d, HS_VM_SEV, false))
		return -1;
	R("LAUNCH_UPDATE_DATA before LAUNCH_START", drv_update_data(d, d->low, 4096));
	R("LAUNCH_START", drv_sev(d, KVM_SEV_LAUNCH_START,
				  &(struct kvm_sev_launch_start){ .policy = 1 }));
	R("LAUNCH_START again", drv_sev(d, KVM_SEV_LAUNCH_START,
					&(struct kvm_sev_launch_start){ .policy = 1 }));
	R("LAUNCH_FINISH before LAUNCH_MEASURE", drv_sev(d, KVM_SEV_LAUNCH_FINISH, NULL));
	R("LAUNCH_UPDATE_DATA", drv_update_data(d, d->low, 4096));
	R("LAUNCH_UPDATE_DATA 15 bytes", drv_update_data(d, d->low, 15));
	R("LAUNCH_UPDATE_DATA unaligned", drv_update_data(d, d->low + 8, 16));
	R("LAUNCH_MEASURE length query", drv_measure(d, NULL, 0, &len));
	printf("length: %u\n", len);
	R("LAUNCH_MEASURE 16 bytes", drv_measure(d, blob, 16, &len));
	R("LAUNCH_MEASURE", drv_measure(d, blob, sizeof(blob), &len));
	R("LAUNCH_MEASURE again", drv_measure(d, blob, sizeof(blob), &len));
	R("GUEST_STATUS", drv_sev(d, KVM_SEV_GUEST_STATUS, &st));
	printf("state: %u policy: %#x\n", st.state, st.policy);
	R("LAUNCH_UPDATE_DATA after LAUNCH_MEASURE", drv_update_data(d, d->low, 4096));
	R("LAUNCH_FINISH", drv_sev(d, KVM_SEV_LAUNCH_FINISH, NULL));
	R("LAUNCH_FINISH again", drv_sev(d, KVM_SEV_LAUNCH_FINISH, NULL));
	return 0;
}

/* §2.4: LAUNCH_UPDATE_DATA pins for write: read-only memory gives ENOMEM. */
static int rule_update_readonly(struct drv *d)
{
	if (drv_sev_ready(d, HS_VM_SEV, true))
		return -1;
	mprotect(d->low, 2 * DRV_PAGE, PROT_READ);
	R("LAUNCH_UPDATE_DATA read-only", drv_update_data(d, d->low, 2 * DRV_PAGE));
	R("LAUNCH_UPDATE_DATA half read-only", drv_update_data(d, d->low + DRV_PAGE, 2 * DRV_PAGE));
	R("LAUNCH_UPDATE_DATA unmapped", drv_update_data(d, NULL, 4096));
	mprotect(d->low, 2 * DRV_PAGE, PROT_READ | PROT_WRITE);
	R("LAUNCH_UPDATE_DATA writable again", drv_update_data(d, d->low, 2 * DRV_PAGE));
	return 0;
}

/* Simulator rule: SEV memory is registered before launch updates touch it. */
static int rule_update_unregistered(struct drv *d)
{
	uint8_t *p = mmap(NULL, 2 * DRV_PAGE, PROT_READ | PROT_WRITE,
			  MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	struct kvm_enc_region reg = { (uintptr_t)p, DRV_PAGE };

	if (drv_sev_ready(d, HS_VM_SEV_ES, true))
		return -1;
	R("LAUNCH_UPDATE_DATA unregistered", drv_update_data(d, p, 2 * DRV_PAGE));
	R("KVM_MEMORY_ENCRYPT_REG_REGION one page", ioctl(d->vm, KVM_MEMORY_ENCRYPT_REG_REGION,
							  &reg));
	R("LAUNCH_UPDATE_DATA half registered", drv_update_data(d, p, 2 * DRV_PAGE));
	R("LAUNCH_UPDATE_DATA registered", drv_update_data(d, p, DRV_PAGE));
	reg.size = 2 * DRV_PAGE;
	R("KVM_MEMORY_ENCRYPT_UNREG_REGION wrong size", ioctl(d->vm,
							       KVM_MEMORY_ENCRYPT_UNREG_REGION,
							       &reg));
	mprotect(p, DRV_PAGE, PROT_READ);
	R("KVM_MEMORY_ENCRYPT_REG_REGION read-only", ioctl(d->vm, KVM_MEMORY_ENCRYPT_REG_REGION,
							   &reg));
	drv_close_vm(d);
	R("KVM_CREATE_VM default", drv_create_vm(d, HS_VM_DEFAULT));
	R("KVM_MEMORY_ENCRYPT_REG_REGION without SEV", ioctl(d->vm,
							      KVM_MEMORY_ENCRYPT_REG_REGION, &reg));
	return 0;
}

/* §2.1: the firmware needs an open /dev/sev; SNP context creation fails without. */
static int rule_sev_fd(struct drv *d)
{
	struct kvm_sev_launch_start s = { .policy = 1 };
	struct hs_snp_launch_start ss = { .policy = 0x30000 };

	if (drv_sev_ready(d, HS_VM_SEV, false))
		return -1;
	R("LAUNCH_START with the /dev/kvm fd", drv_sev_fd(d, KVM_SEV_LAUNCH_START, &s, d->kvm));
	R("LAUNCH_START with fd -1", drv_sev_fd(d, KVM_SEV_LAUNCH_START, &s, -1));
	R("LAUNCH_START", drv_sev(d, KVM_SEV_LAUNCH_START, &s));
	close(d->sev);
	R("LAUNCH_UPDATE_DATA after closing /dev/sev", drv_update_data(d, d->low, 4096));
	drv_close_vm(d);
	d->sev = open("/dev/sev", O_RDWR | O_CLOEXEC);
	d->next_slot = 0;
	if (drv_snp_ready(d, 1))
		return -1;
	drv_close_vm(d);
	R("KVM_CREATE_VM snp", drv_create_vm(d, HS_VM_SNP));
	R("KVM_SEV_INIT2", drv_sev_init(d, 0));
	R("SNP_LAUNCH_START with the /dev/kvm fd",
	  drv_sev_fd(d, HS_SEV_SNP_LAUNCH_START, &ss, d->kvm));
	return 0;
}

/* §1.1, §4.2: protected state after the VMSA is encrypted; DR7 and guest debug. */
static int rule_protected(struct drv *d)
{
	struct kvm_debugregs dr = { .dr6 = 0xffff0ff0, .dr7 = 0x401 };
	struct kvm_guest_debug dbg = { .control = KVM_GUESTDBG_ENABLE };
	struct kvm_regs regs;

	if (drv_sev_ready(d, HS_VM_SEV_ES, true))
		return -1;
	R("KVM_SET_DEBUGREGS dr7=0x401", ioctl(d->vcpu[0], KVM_SET_DEBUGREGS, &dr));
	R("LAUNCH_UPDATE_VMSA", drv_sev(d, KVM_SEV_LAUNCH_UPDATE_VMSA, NULL));
	dr.dr7 = 0x400;
	R("KVM_SET_DEBUGREGS dr7=0x400", ioctl(d->vcpu[0], KVM_SET_DEBUGREGS, &dr));
	R("KVM_SET_GUEST_DEBUG", ioctl(d->vcpu[0], KVM_SET_GUEST_DEBUG, &dbg));
	R("LAUNCH_UPDATE_VMSA", drv_sev(d, KVM_SEV_LAUNCH_UPDATE_VMSA, NULL));
	dbg.control = 0;
	R("KVM_SET_GUEST_DEBUG off", ioctl(d->vcpu[0], KVM_SET_GUEST_DEBUG, &dbg));
	R("LAUNCH_UPDATE_VMSA", drv_sev(d, KVM_SEV_LAUNCH_UPDATE_VMSA, NULL));
	R("KVM_GET_REGS", ioctl(d->vcpu[0], KVM_GET_REGS, &regs));
	R("KVM_SET_REGS", ioctl(d->vcpu[0], KVM_SET_REGS, &regs));
	drv_close_vm(d);
	d->o.legacy = true;
	d->next_slot = 0;
	if (R("KVM_CREATE_VM default", drv_create_vm(d, HS_VM_DEFAULT)))
		return -1;
	d->es = true;
	R("KVM_SEV_ES_INIT", drv_sev_init(d, 0));
	drv_vcpus(d, 1);
	R("LAUNCH_START", drv_sev(d, KVM_SEV_LAUNCH_START,
				  &(struct kvm_sev_launch_start){ .policy = 5 }));
	R("LAUNCH_UPDATE_VMSA", drv_sev(d, KVM_SEV_LAUNCH_UPDATE_VMSA, NULL));
	R("KVM_GET_REGS legacy", ioctl(d->vcpu[0], KVM_GET_REGS, &regs));
	R("KVM_SET_REGS legacy", ioctl(d->vcpu[0], KVM_SET_REGS, &regs));
	return 0;
}

/* §2.3: DH certificate and session optional; LAUNCH_SECRET needs the session. */
static int rule_secret(struct drv *d)
{
	static uint8_t dh[2084], session[128], hdr[52], payload[64] = "launch secret";
	struct kvm_sev_launch_start s = { .policy = 1, .dh_uaddr = (uintptr_t)dh,
					  .dh_len = sizeof(dh), .session_uaddr = (uintptr_t)session,
					  .session_len = sizeof(session) };
	struct kvm_sev_launch_secret sec = { .hdr_uaddr = (uintptr_t)hdr, .hdr_len = sizeof(hdr),
					     .trans_uaddr = (uintptr_t)payload,
					     .trans_len = sizeof(payload), .guest_len = 64 };
	uint8_t blob[48];
	uint32_t len;

	if (drv_sev_ready(d, HS_VM_SEV, false))
		return -1;
	sec.guest_uaddr = (uintptr_t)d->low + 0x810000;
	s.dh_len = 0;
	R("LAUNCH_START empty DH certificate", drv_sev(d, KVM_SEV_LAUNCH_START, &s));
	s.dh_len = sizeof(dh);
	R("LAUNCH_START with DH certificate and session", drv_sev(d, KVM_SEV_LAUNCH_START, &s));
	R("LAUNCH_SECRET before LAUNCH_MEASURE", drv_sev(d, KVM_SEV_LAUNCH_SECRET, &sec));
	R("LAUNCH_MEASURE", drv_measure(d, blob, sizeof(blob), &len));
	sec.guest_uaddr += 4064;
	R("LAUNCH_SECRET across two pages", drv_sev(d, KVM_SEV_LAUNCH_SECRET, &sec));
	sec.guest_uaddr -= 4064;
	R("LAUNCH_SECRET", drv_sev(d, KVM_SEV_LAUNCH_SECRET, &sec));
	printf("payload at the GPA: %s\n", memcmp(d->low + 0x810000, payload, 64) ? "no" : "yes");
	drv_close_vm(d);
	d->next_slot = 0;
	if (drv_sev_ready(d, HS_VM_SEV, true))
		return -1;
	R("LAUNCH_MEASURE", drv_measure(d, blob, sizeof(blob), &len));
	sec.guest_uaddr = (uintptr_t)d->low + 0x810000;
	R("LAUNCH_SECRET without a session", drv_sev(d, KVM_SEV_LAUNCH_SECRET, &sec));
	return 0;
}

const struct drv_rule_entry drv_sev_rules[] = {
	{ "init2", rule_init2 },
	{ "init2-after-vcpu", rule_init2_after_vcpu },
	{ "caps", rule_caps },
	{ "readonly", rule_readonly },
	{ "command-types", rule_command_types },
	{ "run-before-init", rule_run_before_init },
	{ "sev-states", rule_sev_states },
	{ "update-readonly", rule_update_readonly },
	{ "update-unregistered", rule_update_unregistered },
	{ "sev-fd", rule_sev_fd },
	{ "protected", rule_protected },
	{ "secret", rule_secret },
	{ NULL, NULL },
};

int drv_rule(struct drv *d, const char *name)
{
	const struct drv_rule_entry *const tables[] = { drv_sev_rules, drv_snp_rules,
							drv_run_rules };
	const struct drv_rule_entry *e;
	size_t i;

	for (i = 0; i < sizeof(tables) / sizeof(tables[0]); i++)
		for (e = tables[i]; e->name; e++)
			if (!strcmp(e->name, name))
				return e->fn(d);
	fprintf(stderr, "hs-drive: no rule %s\n", name);
	return -1;
}
