// SPDX-License-Identifier: GPL-2.0-only
/*
 * The SNP commands on a simulated VM: SNP_LAUNCH_START (policy checks),
 * SNP_LAUNCH_UPDATE (kvm_gmem_populate() and sev_gmem_post_populate(): a
 * guest_memfd slot, private gfns, each gfn once, page types, the CPUID page's
 * validation and write-back, and seed 001's direct VMSA page) and
 * SNP_LAUNCH_FINISH (every vCPU's VMSA measured at 0xFFFFFFFFF000 first,
 * unless a direct VMSA was given). SEV-KVM-API.md §2.3, §4.3, §4.4, §7.
 */
#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tests/hostsim/hostsim.h"

/* eax, ebx, ecx, edx of a (packed) table entry, by number. */
static uint32_t cpuid_get(const struct hs_snp_cpuid_fn *f, int reg)
{
	uint32_t v;

	memcpy(&v, (const uint8_t *)f + offsetof(struct hs_snp_cpuid_fn, eax) + 4 * reg, 4);
	return v;
}

static void cpuid_set(struct hs_snp_cpuid_fn *f, int reg, uint32_t v)
{
	memcpy((uint8_t *)f + offsetof(struct hs_snp_cpuid_fn, eax) + 4 * reg, &v, 4);
}

/*
 * §7.1, §7.3: at most 64 entries, reserved fields zero, and the leaves the
 * configuration rejects. On failure the page holds what firmware expects.
 */
static bool cpuid_page_ok(uint8_t page[4096])
{
	struct hs_snp_cpuid_table *t = (struct hs_snp_cpuid_table *)page;
	bool ok = true;
	uint32_t i, count = t->count;
	int k;

	if (count > HS_SNP_CPUID_COUNT_MAX) {
		t->count = count = HS_SNP_CPUID_COUNT_MAX;
		ok = false;
	}
	if (t->reserved1 || t->reserved2) {
		t->reserved1 = 0;
		t->reserved2 = 0;
		ok = false;
	}
	for (i = 0; i < count; i++) {
		struct hs_snp_cpuid_fn *f = &t->fn[i];

		if (f->reserved) {
			f->reserved = 0;
			ok = false;
		}
		for (k = 0; k < hs_cfg.n_cpuid_reject; k++) {
			const struct hs_cpuid_reject *rj = &hs_cfg.cpuid_reject[k];
			uint32_t reg = cpuid_get(f, rj->reg);

			if (f->eax_in != rj->leaf || (!rj->any_subleaf && f->ecx_in != rj->subleaf))
				continue;
			if (reg & rj->mask) {
				cpuid_set(f, rj->reg, reg & ~rj->mask);
				ok = false;
			}
		}
	}
	return ok;
}

/* §2.3 snp_launch_start(). */
static long launch_start(struct hs_vm *vm, struct kvm_sev_cmd *c, struct hs_json *j,
			 const char **why)
{
	struct hs_snp_launch_start p;

	if (hs_copy_from_user(&p, c->data, sizeof(p)))
		return -EFAULT;
	hs_json_obj(j, "args");
	hs_json_hex(j, "policy", p.policy);
	hs_json_hex(j, "flags", p.flags);
	hs_json_end_obj(j);
	*why = "only one SNP context per VM";
	if (vm->snp_context)
		return -EINVAL;
	*why = "flags must be 0; policy within KVM's mask, with RSVD_MBO (bit 17) and SMT "
	       "(bit 16, where required), without SINGLE_SOCKET (§2.3)";
	if (p.flags || (p.policy & ~HS_SNP_POLICY_VALID) ||
	    !(p.policy & HS_SNP_POLICY_RSVD_MBO) ||
	    (hs_cfg.snp_require_smt && !(p.policy & HS_SNP_POLICY_SMT)) ||
	    (p.policy & HS_SNP_POLICY_SINGLE_SOCKET))
		return -EINVAL;
	if (hs_fw_fd(c->sev_fd, why)) {
		*why = "sev_fd is not /dev/sev: SNP_GCTX_CREATE fails (§2.4)";
		return -ENOTTY;
	}
	c->error = 0;
	vm->snp_context = true;
	vm->snp_policy = p.policy;
	vm->sev_fd = c->sev_fd;
	vm->state = HS_GUEST_LUPDATE;
	vm->counted = true;
	hs_sev_guest_count_add(1);
	return 0;
}

/* Seed 001 snp_check_launch_vmsa(): features equal to the VM's, VMPL 0. */
static bool direct_vmsa_ok(const struct hs_vm *vm, const uint8_t page[4096])
{
	const struct hs_vmsa *s = (const struct hs_vmsa *)page;

	return s->sev_features == vm->vmsa_features && s->vmpl == 0;
}

struct populate {
	struct hs_vm *vm;
	struct kvm_sev_cmd *c;
	const struct hs_slot *slot;
	uint8_t type;
	uint64_t src;
	const char *why;
	int err;		/* kvm_gmem_populate()'s own error, before KVM maps it */
};

/* sev_gmem_post_populate() for one page; 0 or -errno (EIO: c->error set). */
static int populate_page(struct populate *p, uint64_t gpa, uint64_t src)
{
	struct hs_vm *vm = p->vm;
	uint8_t page[4096] = { 0 };

	if (hs_rs_any(&vm->populated, gpa, gpa + HS_PAGE_SIZE)) {
		p->why = "gfn already populated: a gfn can be LAUNCH_UPDATE'd once (§4.4)";
		return -EEXIST;
	}
	if (!hs_rs_all(&vm->private_gpa, gpa, gpa + HS_PAGE_SIZE)) {
		p->why = "gfn is not private: KVM_SET_MEMORY_ATTRIBUTES(PRIVATE) first (§2.3)";
		return -EINVAL;
	}
	if (!p->slot->gmem) {
		p->why = "the slot's guest_memfd was closed";
		return -EFAULT;
	}
	if (src && hs_copy_from_user(page, src, sizeof(page))) {
		p->why = "source page unreadable";
		return -EFAULT;
	}
	if (p->type == HS_SNP_PAGE_VMSA && !direct_vmsa_ok(vm, page)) {
		p->why = "VMSA page: sev_features must equal the VM's vmsa_features and vmpl "
			 "must be 0 (seed 001)";
		return -EINVAL;
	}
	if (hs_fw_fd(p->c->sev_fd, &p->why))
		return -EBADF;
	if (vm->state != HS_GUEST_LUPDATE)
		return hs_fw_error(p->c, HS_FW_INVALID_GUEST_STATE, &p->why,
				   "the launch is finished [I]");
	if (p->type == HS_SNP_PAGE_CPUID && !cpuid_page_ok(page)) {
		/* KVM reclaims the page and copies firmware's version back (§7.3). */
		hs_copy_to_user(src, page, sizeof(page));
		if (!hs_cfg.cpuid_retry)
			hs_rs_add(&vm->populated, gpa, gpa + HS_PAGE_SIZE);
		return hs_fw_error(p->c, HS_FW_INVALID_PARAM, &p->why,
				   "CPUID page rejected: firmware's values were copied back (§7.3)");
	}
	p->c->error = 0;
	hs_measure_snp_page(vm, page, p->type, gpa);
	hs_rs_add(&vm->populated, gpa, gpa + HS_PAGE_SIZE);
	if (p->type == HS_SNP_PAGE_VMSA) {
		vm->direct_vmsa_gpa = gpa;
		hs_vmsa_dump(vm, "direct", page);
	}
	return 0;
}

/* kvm_gmem_populate(): stops at the slot's end; a later page's error ends early. */
static long populate(struct populate *p, uint64_t gfn, uint64_t npages, uint64_t *done)
{
	uint64_t first = (gfn << 12) - p->slot->gpa, i;
	int r = 0;

	if (npages > (p->slot->size - first) >> 12)
		npages = (p->slot->size - first) >> 12;
	for (i = 0; i < npages; i++) {
		r = populate_page(p, (gfn + i) << 12, p->src ? p->src + (i << 12) : 0);
		if (r)
			break;
	}
	*done = i;
	if (!r || i)
		return 0;
	p->err = r;
	/* snp_launch_update() reports every populate failure as EIO (SEV-KVM-API.md
	 * §2.3 names the inner errno; the kernel read maps it, see README). */
	return hs_cfg.populate_inner_errno || r == -EIO ? r : -EIO;
}

static bool page_type_ok(uint8_t type)
{
	return (type >= HS_SNP_PAGE_NORMAL && type <= HS_SNP_PAGE_CPUID &&
		type != HS_SNP_PAGE_VMSA) || (type == HS_SNP_PAGE_VMSA && hs_cfg.direct_vmsa);
}

/* §2.3 snp_launch_update() with seed 001's VMSA type (§4.4). */
static long update_checks(struct hs_vm *vm, const struct hs_snp_launch_update *p,
			  const char **why)
{
	*why = "len must be non-zero and page-aligned, flags 0, the type one of 1, 3, 4, 5, 6 "
	       "(and 2 with the direct-VMSA capability) (§2.3)";
	if (!p->len || !HS_PAGE_ALIGNED(p->len) || p->flags || !page_type_ok(p->type))
		return -EINVAL;
	if (p->type == HS_SNP_PAGE_VMSA && hs_cfg.direct_vmsa_refuse) {
		*why = "HOSTSIM_DIRECT_VMSA=refuse: the direct-VMSA capability is advertised but "
		       "page type 2 is refused";
		return -EINVAL;
	}
	if (p->type == HS_SNP_PAGE_VMSA && hs_cfg.direct_vmsa_limits) {
		*why = "only one VMSA page may be given (seed 001)";
		if (vm->direct_vmsa_gpa != ~0ULL)
			return -EBUSY;
		*why = "a VMSA page update must be exactly 4096 bytes (seed 001)";
		if (p->len != HS_PAGE_SIZE)
			return -EINVAL;
	}
	*why = "the source must be page-aligned";
	if (p->type != HS_SNP_PAGE_ZERO && !HS_PAGE_ALIGNED(p->uaddr))
		return -EINVAL;
	*why = NULL;
	return 0;
}

static long launch_update(struct hs_vm *vm, struct kvm_sev_cmd *c, struct hs_json *j,
			  const char **why)
{
	struct populate pop = { .vm = vm, .c = c };
	struct hs_snp_launch_update p;
	uint64_t done = 0, npages;
	long r;

	*why = "SNP_LAUNCH_START first";
	if (!vm->snp_context)
		return -EINVAL;
	if (hs_copy_from_user(&p, c->data, sizeof(p)))
		return -EFAULT;
	hs_json_obj(j, "args");
	hs_json_hex(j, "gfn_start", p.gfn_start);
	hs_json_hex(j, "uaddr", p.uaddr);
	hs_json_hex(j, "len", p.len);
	hs_json_int(j, "type", p.type);
	hs_json_end_obj(j);
	r = update_checks(vm, &p, why);
	if (r)
		return r;
	pop.slot = hs_slot_at(vm, p.gfn_start << 12);
	if (!pop.slot || !(pop.slot->flags & HS_MEM_GUEST_MEMFD)) {
		*why = "the gfn is not in a guest_memfd slot (§2.3, §3.5)";
		return -EINVAL;
	}
	/* Simulator settings: a call the caller must repeat, or only part of the range. */
	if (hs_cfg.snp_update_eagain && ++vm->snp_updates % hs_cfg.snp_update_eagain == 0) {
		*why = "HOSTSIM_SNP_UPDATE_EAGAIN: nothing done, try again (QEMU loops, §2.3)";
		return -EAGAIN;
	}
	npages = p.len >> 12;
	if (hs_cfg.snp_update_pages && npages > hs_cfg.snp_update_pages)
		npages = hs_cfg.snp_update_pages;
	pop.type = p.type;
	pop.src = p.type == HS_SNP_PAGE_ZERO ? 0 : p.uaddr;
	r = populate(&pop, p.gfn_start, npages, &done);
	*why = pop.why;
	hs_json_hex(j, "pages_done", done);
	if (r)
		return r;
	p.gfn_start += done;
	p.len -= done << 12;
	if (p.type != HS_SNP_PAGE_ZERO)
		p.uaddr += done << 12;
	return hs_copy_to_user(c->data, &p, sizeof(p));
}

/* §4.3 snp_launch_update_vmsa(): each vCPU's VMSA, built by KVM, at 0xFFFFFFFFF000. */
static long measure_vmsas(struct hs_vm *vm, struct kvm_sev_cmd *c, const char **why)
{
	bool direct = vm->direct_vmsa_gpa != ~0ULL;
	uint8_t page[4096];
	char name[16];
	unsigned int i;

	for (i = 0; i < vm->nvcpus; i++) {
		struct hs_vcpu *v = vm->vcpus[i];

		if (direct) {	/* seed 001: the BSP runs the guest's page, APs get none */
			v->has_vmsa = v->index == 0;
			v->protected = true;
			continue;
		}
		if (hs_vmsa_sync_check(v)) {
			*why = "guest debug is on, or DR7 is not 0x400 (§4.2)";
			return -EINVAL;
		}
		if (hs_fw_fd(c->sev_fd, why))
			return -EBADF;
		hs_vmsa_build(v, page);
		hs_measure_snp_page(vm, page, HS_SNP_PAGE_VMSA, HS_INITIAL_VMSA_GPA);
		snprintf(name, sizeof(name), "vcpu%u", v->index);
		hs_vmsa_dump(vm, name, page);
		v->protected = true;
	}
	return 0;
}

/* §2.3 snp_launch_finish(). */
static long launch_finish(struct hs_vm *vm, struct kvm_sev_cmd *c, struct hs_json *j,
			  const char **why)
{
	struct hs_snp_launch_finish p;
	uint8_t *id_block = NULL, *id_auth = NULL;
	char hex[97];
	long r;

	*why = "SNP_LAUNCH_START first";
	if (!vm->snp_context)
		return -EINVAL;
	if (hs_copy_from_user(&p, c->data, sizeof(p)))
		return -EFAULT;
	hs_json_obj(j, "args");
	hs_json_int(j, "id_block_en", p.id_block_en);
	hs_json_int(j, "auth_key_en", p.auth_key_en);
	hs_json_bytes(j, "host_data", p.host_data, sizeof(p.host_data));
	hs_json_hex(j, "flags", p.flags);
	hs_json_end_obj(j);
	*why = "flags must be 0";
	if (p.flags)
		return -EINVAL;
	*why = NULL;
	if (vm->state != HS_GUEST_LUPDATE)
		return hs_fw_error(c, HS_FW_INVALID_GUEST_STATE, why, "launch already finished");
	r = measure_vmsas(vm, c, why);
	if (!r && p.id_block_en &&
	    (hs_user_blob(p.id_block_uaddr, HS_SNP_ID_BLOCK_SIZE, &id_block) ||
	     hs_user_blob(p.id_auth_uaddr, HS_SNP_ID_AUTH_SIZE, &id_auth))) {
		*why = "ID block or ID auth unreadable";
		r = -EINVAL;
	}
	if (id_block && id_auth) {
		/* As the VMM sent them, not verified: the first 64 bytes of each. */
		hs_json_bytes(j, "id_block_head", id_block, 64);
		hs_json_bytes(j, "id_auth_head", id_auth, 64);
	}
	free(id_block);
	free(id_auth);
	if (!r)
		r = hs_fw_fd(vm->sev_fd, why);
	if (r)
		return r;
	c->error = 0;
	vm->state = HS_GUEST_RUNNING;
	hs_vm_observe_ro(vm);
	hs_measure_hex(vm, hex);
	hs_json_str(j, "digest", hex);
	return 0;
}

/* Linux 7.0 snp_enable_certs(): only on an SNP VM, only before its first vCPU. */
static long enable_req_certs(struct hs_vm *vm, const char **why)
{
	if (!vm->snp || vm->nvcpus) {
		*why = vm->snp ? "KVM_SEV_SNP_ENABLE_REQ_CERTS after a vCPU was created" :
		       "KVM_SEV_SNP_ENABLE_REQ_CERTS on a VM that is not SNP";
		return -EINVAL;
	}
	vm->certs_enabled = true;
	return 0;
}

long hs_snp_command(struct hs_vm *vm, struct kvm_sev_cmd *c, struct hs_json *j,
		    const char **why)
{
	if (c->id == HS_SEV_SNP_ENABLE_REQ_CERTS)
		return enable_req_certs(vm, why);
	if (c->id == HS_SEV_SNP_LAUNCH_UPDATE && !vm->snp) {
		*why = "SNP_LAUNCH_UPDATE on a VM that is not SNP (§2.3)";
		return -EINVAL;
	}
	if (!vm->snp) {
		*why = "SNP command on a VM that is not SNP (§2.4)";
		return -ENOTTY;
	}
	switch (c->id) {
	case HS_SEV_SNP_LAUNCH_START:
		return launch_start(vm, c, j, why);
	case HS_SEV_SNP_LAUNCH_UPDATE:
		return launch_update(vm, c, j, why);
	default:
		return launch_finish(vm, c, j, why);
	}
}
