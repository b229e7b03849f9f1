// SPDX-License-Identifier: GPL-2.0-only
/*
 * hs-drive's SNP and memory rule scenarios: the SNP commands' checks (§2.3),
 * the CPUID page (§7), seed 001's direct VMSA (§4.4), memory slots,
 * guest_memfd, attributes and hypercall exits (§3). See drive-rules.c.
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

/* ---- §2.3, §4.3: SNP ---- */

static int rule_snp_states(struct drv *d)
{
	struct hs_snp_launch_start s = { .policy = 0x30000 };
	struct hs_snp_launch_finish f = { 0 };

	d->low = mmap(NULL, DRV_LOW_SIZE, PROT_READ | PROT_WRITE,
		      MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (drv_vm_with_init(d, HS_VM_SNP, 0) || drv_slot(d, 0, DRV_LOW_SIZE, d->low, true) ||
	    drv_private(d, 0, DRV_LOW_SIZE) || drv_vcpus(d, 1) || drv_reset_state(d, 0, 0))
		return -1;
	R("SNP_LAUNCH_UPDATE before SNP_LAUNCH_START",
	  drv_snp_update_page(d, 0, page[0], DRV_PAGE, 1, 0, NULL));
	R("SNP_LAUNCH_FINISH before SNP_LAUNCH_START", drv_sev(d, HS_SEV_SNP_LAUNCH_FINISH, &f));
	R("KVM_RUN before SNP_LAUNCH_START", ioctl(d->vcpu[0], KVM_RUN, 0));
	printf("exit_reason: %u\n", ((struct kvm_run *)d->run[0])->exit_reason);
	R("SNP_LAUNCH_START", drv_sev(d, HS_SEV_SNP_LAUNCH_START, &s));
	R("SNP_LAUNCH_START again", drv_sev(d, HS_SEV_SNP_LAUNCH_START, &s));
	R("SNP_LAUNCH_UPDATE", drv_snp_update_page(d, 0, page[0], DRV_PAGE, 1, 0, NULL));
	f.flags = 1;
	R("SNP_LAUNCH_FINISH flags", drv_sev(d, HS_SEV_SNP_LAUNCH_FINISH, &f));
	f.flags = 0;
	R("SNP_LAUNCH_FINISH", drv_sev(d, HS_SEV_SNP_LAUNCH_FINISH, &f));
	R("SNP_LAUNCH_UPDATE after SNP_LAUNCH_FINISH",
	  drv_snp_update_page(d, 0x1000, page[0], DRV_PAGE, 1, 0, NULL));
	R("SNP_LAUNCH_FINISH again", drv_sev(d, HS_SEV_SNP_LAUNCH_FINISH, &f));
	R("KVM_GET_REGS after SNP_LAUNCH_FINISH",
	  ioctl(d->vcpu[0], KVM_GET_REGS, &(struct kvm_regs){ 0 }));
	return 0;
}

static int rule_snp_policy(struct drv *d)
{
	static const uint64_t policies[] = { 0x20000, 0x10000, 0x130000, 0x1030000, 0x30000 };
	static const char *const names[] = { "without SMT", "without RSVD_MBO",
					     "SINGLE_SOCKET", "unknown bit 24", "0x30000" };
	struct hs_snp_launch_start s = { .flags = 1, .policy = 0x30000 };
	unsigned int i;

	if (drv_vm_with_init(d, HS_VM_SNP, 0))
		return -1;
	R("SNP_LAUNCH_START flags", drv_sev(d, HS_SEV_SNP_LAUNCH_START, &s));
	s.flags = 0;
	for (i = 0; i < 5; i++) {
		char name[64];

		s.policy = policies[i];
		snprintf(name, sizeof(name), "SNP_LAUNCH_START %s", names[i]);
		if (!R(name, drv_sev(d, HS_SEV_SNP_LAUNCH_START, &s)))
			break;
	}
	return 0;
}

/* §2.3: length, flags, type and source checks; slot and attribute preconditions. */
static int rule_snp_update(struct drv *d)
{
	uint8_t *plain = mmap(NULL, DRV_PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS,
			      -1, 0);
	uint64_t left;

	if (drv_snp_ready(d, 1))
		return -1;
	R("len 0", drv_snp_update_page(d, 0, page[0], 0, 1, 0, NULL));
	R("len 0x800", drv_snp_update_page(d, 0, page[0], 0x800, 1, 0, NULL));
	R("flags 1", drv_snp_update_page(d, 0, page[0], DRV_PAGE, 1, 1, NULL));
	R("type 7", drv_snp_update_page(d, 0, page[0], DRV_PAGE, 7, 0, NULL));
	R("source not page-aligned", drv_snp_update_page(d, 0, page[0] + 16, DRV_PAGE, 1, 0, NULL));
	R("ZERO with an unaligned source", drv_snp_update_page(d, 0, page[0] + 16, DRV_PAGE, 3, 0, NULL));
	R("gfn outside any slot", drv_snp_update_page(d, 0x80000000, page[0], DRV_PAGE, 1, 0, NULL));
	R("plain slot", drv_slot(d, 0x40000000, DRV_PAGE, plain, false));
	R("gfn in a slot without guest_memfd",
	  drv_snp_update_page(d, 0x40000000, page[0], DRV_PAGE, 1, 0, NULL));
	R("shared again", ioctl(d->vm, HS_SET_MEMORY_ATTRIBUTES, &(struct hs_memory_attributes){
		.address = 0x100000, .size = DRV_PAGE }));
	R("gfn not private", drv_snp_update_page(d, 0x100000, page[0], DRV_PAGE, 1, 0, NULL));
	R("NORMAL page", drv_snp_update_page(d, 0x200000, page[0], DRV_PAGE, 1, 0, NULL));
	R("the same gfn again", drv_snp_update_page(d, 0x200000, page[0], DRV_PAGE, 1, 0, NULL));
	R("two pages, the second populated", drv_snp_update_page(d, 0x1ff000, page[0], 2 * DRV_PAGE, 1, 0,
							&left));
	printf("len left: %#llx\n", (unsigned long long)left);
	R("the rest", drv_snp_update_page(d, 0x200000, page[1], left, 1, 0, NULL));
	R("ZERO, UNMEASURED, SECRETS", drv_snp_update_page(d, 0x300000, NULL, DRV_PAGE, 3, 0, NULL) ||
	  drv_snp_update_page(d, 0x301000, page[0], DRV_PAGE, 4, 0, NULL) ||
	  drv_snp_update_page(d, 0x302000, page[0], DRV_PAGE, 5, 0, NULL));
	R("unreadable source", drv_snp_update_page(d, 0x303000, (void *)4096, DRV_PAGE, 1, 0, NULL));
	R("past the slot's end", drv_snp_update_page(d, DRV_LOW_SIZE - DRV_PAGE, page[0], 2 * DRV_PAGE, 1,
					    0, &left));
	printf("len left: %#llx\n", (unsigned long long)left);
	return 0;
}

/*
 * HOSTSIM_SNP_UPDATE_PAGES and HOSTSIM_SNP_UPDATE_EAGAIN: a caller that
 * follows the written-back progress and repeats EAGAIN covers every page once.
 */
static int rule_snp_update_retry(struct drv *d)
{
	struct hs_snp_launch_update u = { .gfn_start = 0x200, .uaddr = (uintptr_t)page[0],
					  .len = 2 * DRV_PAGE, .type = 1 };
	int i;

	if (drv_snp_ready(d, 1))
		return -1;
	for (i = 0; i < 3; i++) {
		R("SNP_LAUNCH_UPDATE", drv_sev(d, HS_SEV_SNP_LAUNCH_UPDATE, &u));
		printf("gfn_start %#llx, uaddr +%#llx, len %#llx\n",
		       (unsigned long long)u.gfn_start,
		       (unsigned long long)(u.uaddr - (uintptr_t)page[0]),
		       (unsigned long long)u.len);
	}
	return 0;
}

/* §7.1, §7.3: a well-formed table is taken; firmware corrects and refuses others. */
static int rule_cpuid_page(struct drv *d)
{
	struct hs_snp_cpuid_table *t = (struct hs_snp_cpuid_table *)page[0];
	uint32_t ecx;

	if (drv_snp_ready(d, 1))
		return -1;
	drv_cpuid_page(d, page[0]);
	t->count = 65;
	R("CPUID page with 65 entries", drv_snp_update_page(d, 0x80e000, page[0], DRV_PAGE, 6, 0, NULL));
	printf("count written back: %u\n", t->count);
	t->reserved2 = 1;
	R("CPUID page with a reserved field set",
	  drv_snp_update_page(d, 0x80e000, page[0], DRV_PAGE, 6, 0, NULL));
	drv_cpuid_page(d, page[0]);
	t->fn[1].ecx |= 1U << 24;	/* leaf 1: TSC_DEADLINE */
	R("CPUID page with TSC_DEADLINE", drv_snp_update_page(d, 0x80e000, page[0], DRV_PAGE, 6, 0, NULL));
	memcpy(&ecx, &t->fn[1].ecx, 4);
	printf("leaf %#x ecx bit 24 after: %u\n", t->fn[1].eax_in, (ecx >> 24) & 1);
	R("CPUID page retried", drv_snp_update_page(d, 0x80e000, page[0], DRV_PAGE, 6, 0, NULL));
	return 0;
}

/* Seed 001: the direct VMSA page type, its checks, and APs without a VMSA (§4.4). */
static int rule_direct_vmsa(struct drv *d)
{
	struct hs_vmsa *v = (struct hs_vmsa *)page[0];
	struct kvm_mp_state mp = { KVM_MP_STATE_RUNNABLE };
	struct hs_snp_launch_finish f = { 0 };
	struct kvm_run *ap;

	if (drv_snp_ready(d, 2))
		return -1;
	drv_bsp_vmsa(d, page[0], HS_SEV_FEAT_SNP_ACTIVE);
	R("VMSA len 8192", drv_snp_update_page(d, 0x1ff000, page[0], 2 * DRV_PAGE, 2, 0, NULL));
	v->vmpl = 1;
	R("VMSA with vmpl 1", drv_snp_update_page(d, 0x1ff000, page[0], DRV_PAGE, 2, 0, NULL));
	v->vmpl = 0;
	v->sev_features = 0x21;
	R("VMSA with sev_features 0x21", drv_snp_update_page(d, 0x1ff000, page[0], DRV_PAGE, 2, 0, NULL));
	v->sev_features = 0x1;
	R("VMSA", drv_snp_update_page(d, 0x1ff000, page[0], DRV_PAGE, 2, 0, NULL));
	R("second VMSA", drv_snp_update_page(d, 0x3ff000, page[0], DRV_PAGE, 2, 0, NULL));
	R("SNP_LAUNCH_FINISH", drv_sev(d, HS_SEV_SNP_LAUNCH_FINISH, &f));
	ap = d->run[1];
	ap->immediate_exit = 1;
	R("AP KVM_RUN, waiting for its creation", ioctl(d->vcpu[1], KVM_RUN, 0));
	ap->immediate_exit = 0;
	R("AP made runnable", ioctl(d->vcpu[1], KVM_SET_MP_STATE, &mp));
	R("AP KVM_RUN without a VMSA", ioctl(d->vcpu[1], KVM_RUN, 0));
	R("BSP KVM_RUN", ioctl(d->vcpu[0], KVM_RUN, 0));
	printf("BSP exit_reason: %u\n", ((struct kvm_run *)d->run[0])->exit_reason);
	return 0;
}

/*
 * HOSTSIM_DIRECT_VMSA=refuse: the capability says yes, the page type is
 * refused with EINVAL, and the launch goes on without it (KVM's VMSAs).
 */
static int rule_direct_vmsa_refuse(struct drv *d)
{
	struct hs_snp_launch_finish f = { 0 };

	if (drv_snp_ready(d, 1))
		return -1;
	drv_check(d->kvm, "KVM_CAP_SNP_DIRECT_VMSA (249)", HS_CAP_SNP_DIRECT_VMSA_DEFAULT);
	drv_check(d->vm, "KVM_CAP_SNP_DIRECT_VMSA (249) on the VM", HS_CAP_SNP_DIRECT_VMSA_DEFAULT);
	drv_bsp_vmsa(d, page[0], HS_SEV_FEAT_SNP_ACTIVE);
	R("VMSA", drv_snp_update_page(d, 0x1ff000, page[0], DRV_PAGE, 2, 0, NULL));
	memset(page[1], 0x90, DRV_PAGE);
	R("NORMAL page", drv_snp_update_page(d, 0x100000, page[1], DRV_PAGE, 1, 0, NULL));
	R("SNP_LAUNCH_FINISH", drv_sev(d, HS_SEV_SNP_LAUNCH_FINISH, &f));
	return 0;
}

/* ---- §3: memory slots, guest_memfd, attributes, hypercall exits ---- */

static long region2(struct drv *d, uint32_t slot, uint32_t flags, uint64_t gpa, uint64_t size,
		     void *hva, int gmem, uint64_t off)
{
	struct hs_userspace_memory_region2 m = { .slot = slot, .flags = flags,
						 .guest_phys_addr = gpa, .memory_size = size,
						 .userspace_addr = (uintptr_t)hva,
						 .guest_memfd_offset = off,
						 .guest_memfd = (uint32_t)gmem };

	return ioctl(d->vm, HS_SET_USER_MEMORY_REGION2, &m);
}

static int gmem(struct drv *d, uint64_t size, uint64_t flags)
{
	struct hs_create_guest_memfd g = { .size = size, .flags = flags };

	return ioctl(d->vm, HS_CREATE_GUEST_MEMFD, &g);
}

static int rule_memslots(struct drv *d)
{
	uint8_t *m = mmap(NULL, 4 * DRV_PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS,
			  -1, 0);
	int g, other;

	if (drv_vm_with_init(d, HS_VM_SEV_ES, 0))
		return -1;
	g = gmem(d, 4 * DRV_PAGE, 0);
	R("guest_memfd slot on sev-es", region2(d, 0, HS_MEM_GUEST_MEMFD, 0, DRV_PAGE, m, g, 0));
	drv_close_vm(d);
	if (drv_vm_with_init(d, HS_VM_SNP, 0))
		return -1;
	g = gmem(d, 4 * DRV_PAGE, 0);
	R("v1 slot with GUEST_MEMFD", ioctl(d->vm, KVM_SET_USER_MEMORY_REGION,
		&(struct kvm_userspace_memory_region){ .flags = HS_MEM_GUEST_MEMFD,
		.memory_size = DRV_PAGE, .userspace_addr = (uintptr_t)m }));
	R("unaligned size", region2(d, 0, HS_MEM_GUEST_MEMFD, 0, 100, m, g, 0));
	R("unaligned host address", region2(d, 0, 0, 0, DRV_PAGE, m + 8, -1, 0));
	R("GUEST_MEMFD with READONLY", region2(d, 0, HS_MEM_GUEST_MEMFD | HS_MEM_READONLY, 0,
					       DRV_PAGE, m, g, 0));
	R("guest_memfd fd not open", region2(d, 0, HS_MEM_GUEST_MEMFD, 0, DRV_PAGE, m, 999, 0));
	R("guest_memfd fd not a guest_memfd", region2(d, 0, HS_MEM_GUEST_MEMFD, 0, DRV_PAGE, m,
						      d->kvm, 0));
	R("range past the guest_memfd", region2(d, 0, HS_MEM_GUEST_MEMFD, 0, 2 * DRV_PAGE, m, g,
						3 * DRV_PAGE));
	R("guest_memfd slot", region2(d, 0, HS_MEM_GUEST_MEMFD, 0, 2 * DRV_PAGE, m, g, 0));
	R("overlapping slot", region2(d, 1, 0, DRV_PAGE, DRV_PAGE, m, -1, 0));
	R("same guest_memfd range twice", region2(d, 1, HS_MEM_GUEST_MEMFD, 0x10000, DRV_PAGE,
						  m, g, 0));
	R("changing a guest_memfd slot", region2(d, 0, HS_MEM_GUEST_MEMFD, 0x20000,
						 2 * DRV_PAGE, m, g, 0));
	other = d->vm;
	if (drv_create_vm(d, HS_VM_SNP))
		return -1;
	R("another VM's guest_memfd", region2(d, 0, HS_MEM_GUEST_MEMFD, 0, DRV_PAGE, m, g,
					      2 * DRV_PAGE));
	close(other);
	return 0;
}

static int rule_guest_memfd(struct drv *d)
{
	int g;

	if (drv_vm_with_init(d, HS_VM_SNP, 0))
		return -1;
	R("size 0", gmem(d, 0, 0));
	R("size 100", gmem(d, 100, 0));
	R("MMAP flag on snp", gmem(d, DRV_PAGE, HS_GUEST_MEMFD_FLAG_MMAP));
	g = gmem(d, 4 * DRV_PAGE, 0);
	R("KVM_CREATE_GUEST_MEMFD", g);
	R("mmap", mmap(NULL, DRV_PAGE, PROT_READ, MAP_SHARED, g, 0) == MAP_FAILED ? -1 : 0);
	R("fallocate without KEEP_SIZE", fallocate(g, 0, 0, DRV_PAGE));
	R("fallocate unaligned", fallocate(g, FALLOC_FL_KEEP_SIZE | FALLOC_FL_PUNCH_HOLE, 8,
					   DRV_PAGE));
	R("punch a hole", fallocate(g, FALLOC_FL_KEEP_SIZE | FALLOC_FL_PUNCH_HOLE, 0, DRV_PAGE));
	R("mmap of the VM fd", mmap(NULL, DRV_PAGE, PROT_READ, MAP_SHARED, d->vm, 0) ==
	  MAP_FAILED ? -1 : 0);
	return 0;
}

/* A punched guest_memfd page is freed: its gfn may be populated again. */
static int rule_punch_hole(struct drv *d)
{
	uint8_t *m = mmap(NULL, DRV_PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS,
			  -1, 0);
	int g;

	if (drv_snp_ready(d, 1))
		return -1;
	g = gmem(d, DRV_PAGE, 0);
	R("slot", region2(d, 5, HS_MEM_GUEST_MEMFD, 0x40000000, DRV_PAGE, m, g, 0));
	R("private", drv_private(d, 0x40000000, DRV_PAGE));
	R("populate", drv_snp_update_page(d, 0x40000000, page[0], DRV_PAGE, 1, 0, NULL));
	R("populate again", drv_snp_update_page(d, 0x40000000, page[0], DRV_PAGE, 1, 0, NULL));
	R("punch the page", fallocate(g, FALLOC_FL_KEEP_SIZE | FALLOC_FL_PUNCH_HOLE, 0,
				      DRV_PAGE));
	R("populate after the hole", drv_snp_update_page(d, 0x40000000, page[0], DRV_PAGE, 1, 0, NULL));
	close(g);
	R("populate after closing the guest_memfd",
	  drv_snp_update_page(d, 0x40000000, page[0], DRV_PAGE, 1, 0, NULL));
	return 0;
}

static int rule_attributes(struct drv *d)
{
	struct hs_memory_attributes a = { .address = 0, .size = DRV_PAGE,
					  .attributes = HS_MEMORY_ATTRIBUTE_PRIVATE };

	if (drv_vm_with_init(d, HS_VM_SNP, 0))
		return -1;
	drv_check(d->vm, "KVM_CAP_MEMORY_ATTRIBUTES on snp", HS_CAP_MEMORY_ATTRIBUTES);
	a.flags = 1;
	R("flags 1", ioctl(d->vm, HS_SET_MEMORY_ATTRIBUTES, &a));
	a.flags = 0;
	a.address = 8;
	R("unaligned address", ioctl(d->vm, HS_SET_MEMORY_ATTRIBUTES, &a));
	a.address = 0;
	a.size = 0;
	R("size 0", ioctl(d->vm, HS_SET_MEMORY_ATTRIBUTES, &a));
	a.size = DRV_PAGE;
	a.attributes = 1;
	R("unknown attribute", ioctl(d->vm, HS_SET_MEMORY_ATTRIBUTES, &a));
	a.attributes = HS_MEMORY_ATTRIBUTE_PRIVATE;
	R("PRIVATE", ioctl(d->vm, HS_SET_MEMORY_ATTRIBUTES, &a));
	drv_close_vm(d);
	if (drv_vm_with_init(d, HS_VM_SEV, 0))
		return -1;
	drv_check(d->vm, "KVM_CAP_MEMORY_ATTRIBUTES on sev", HS_CAP_MEMORY_ATTRIBUTES);
	R("PRIVATE on sev", ioctl(d->vm, HS_SET_MEMORY_ATTRIBUTES, &a));
	return 0;
}

static int rule_hypercall_cap(struct drv *d)
{
	struct kvm_enable_cap c = { .cap = HS_CAP_EXIT_HYPERCALL, .args = { 0x1001 } };

	if (drv_vm_with_init(d, HS_VM_SNP, 0))
		return -1;
	drv_check(d->vm, "KVM_CAP_EXIT_HYPERCALL", HS_CAP_EXIT_HYPERCALL);
	R("KVM_ENABLE_CAP 0x1001", ioctl(d->vm, KVM_ENABLE_CAP, &c));
	c.args[0] = 0x1000;
	c.flags = 1;
	R("KVM_ENABLE_CAP flags 1", ioctl(d->vm, KVM_ENABLE_CAP, &c));
	c.flags = 0;
	R("KVM_ENABLE_CAP 0x1000", ioctl(d->vm, KVM_ENABLE_CAP, &c));
	return 0;
}

const struct drv_rule_entry drv_snp_rules[] = {
	{ "snp-states", rule_snp_states },
	{ "snp-policy", rule_snp_policy },
	{ "snp-update", rule_snp_update },
	{ "snp-update-retry", rule_snp_update_retry },
	{ "cpuid-page", rule_cpuid_page },
	{ "direct-vmsa", rule_direct_vmsa },
	{ "direct-vmsa-refuse", rule_direct_vmsa_refuse },
	{ "memslots", rule_memslots },
	{ "guest-memfd", rule_guest_memfd },
	{ "punch-hole", rule_punch_hole },
	{ "attributes", rule_attributes },
	{ "hypercall-cap", rule_hypercall_cap },
	{ NULL, NULL },
};
