// SPDX-License-Identifier: GPL-2.0-only
/*
 * The SNP launch (SEV-KVM-API.md §4.3, §4.4): page-state exits enabled,
 * SNP_LAUNCH_START, SNP_LAUNCH_UPDATE of the plan's ranges (the CPUID page
 * built from KVM's CPUID, §7.2), the direct VMSA where chosen (seed 001),
 * SNP_LAUNCH_FINISH.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kvm/uapi.h"
#include "kvm/vm.h"
#include "sev/cpuid.h"
#include "sev/id_block.h"
#include "sev/launch_common.h"
#include "sev/launch_snp.h"

#define PAGE_SIZE	4096ULL

/* The CPUID page; on the firmware's refusal, which leaves it wanted otherwise (§7.3). */
static int snp_cpuid(struct sev_launch *l, struct vm *vm, const struct plan_step *s,
		     struct lk_err *err)
{
	uint8_t *page = aligned_alloc(PAGE_SIZE, PAGE_SIZE);
	uint8_t *given = malloc(PAGE_SIZE);
	char diff[768];
	int r = -1;

	if (!page || !given) {
		err_sys(err, "allocating the CPUID page");
		goto out;
	}
	if (sev_cpuid_page(vm->cpuid, page, err))
		goto out;
	memcpy(given, page, PAGE_SIZE);
	r = kvm_snp_launch_update(&l->kvm, s->gpa, page, PAGE_SIZE, SNP_PAGE_CPUID, err);
	if (r && l->kvm.last_fw_error == 0x16) {
		/* KVM copied the firmware's corrected page back (§2.3). */
		sev_cpuid_diff(given, page, diff, sizeof(diff));
		err_set(err, LK_EXIT_HOST, "KVM_SEV_SNP_LAUNCH_UPDATE (CPUID page at 0x%llx): "
			"the firmware refused these leaves:%s", (unsigned long long)s->gpa, diff);
	}
out:
	free(page);
	free(given);
	return r;
}

/* One coalesced range; sources the plan leaves open come from the guest's shared side. */
static int snp_update(struct sev_launch *l, struct vm *vm, const struct sev_launch_mem *mem,
		      const struct plan_step *s, uint64_t len, struct lk_err *err)
{
	const void *src = s->data;

	if (s->snp_type == SNP_PAGE_CPUID && len == PAGE_SIZE)
		return snp_cpuid(l, vm, s, err);
	if (!src)
		src = mem->hva(mem->ctx, s->gpa, len);
	if (!src)
		return err_set(err, LK_EXIT_USAGE, "%s at GPA 0x%llx (%llu bytes) is not in guest "
			       "memory", s->what, (unsigned long long)s->gpa,
			       (unsigned long long)len);
	return kvm_snp_launch_update(&l->kvm, s->gpa, src, len, (uint8_t)s->snp_type, err);
}

/*
 * The direct VMSA page (seed 001). In auto mode an EINVAL on that page
 * type means a kernel without the patch: the classic plan (KVM's VMSAs,
 * measured by SNP_LAUNCH_FINISH) takes over; 1 is returned then.
 */
static int snp_direct(struct sev_launch *l, const struct plan_step *s, unsigned int nr_cpus,
		      const struct sev_kernel_hashes *hashes, struct lk_err *err)
{
	bool auto_mode = l->opts->o.direct_vmsa == SEV_DIRECT_AUTO;
	struct lk_err why;

	if (!kvm_snp_launch_update(&l->kvm, s->gpa, s->data, PAGE_SIZE, SNP_PAGE_VMSA, &why)) {
		fprintf(stderr, "lkvm-sev: the BSP's VMSA is the direct VMSA page at GPA 0x%llx\n",
			(unsigned long long)s->gpa);
		return 0;
	}
	if (l->kvm.last_errno != EINVAL) {
		*err = why;
		return -1;
	}
	/* The capability said yes (the probe checked it), the page type says no. */
	if (!auto_mode)
		return err_set(err, LK_EXIT_HOST, "--direct-vmsa on: KVM offers "
			       "KVM_CAP_SNP_DIRECT_VMSA (%d) but refused the VMSA page at GPA "
			       "0x%llx (%s)", LK_KVM_CAP_SNP_DIRECT_VMSA,
			       (unsigned long long)s->gpa, why.msg);
	warn("direct VMSA refused (%s): the VMSAs of all %u vCPUs are KVM's, measured by "
	     "SNP_LAUNCH_FINISH (classic launch)", why.msg, nr_cpus);
	l->direct = false;
	return launch_plan(l, nr_cpus, false, hashes, err) ? -1 : 1;
}

static int snp_finish(struct sev_launch *l, struct lk_err *err)
{
	const struct sev_launch_opts *o = l->opts;
	struct owner_file id, auth, host;
	uint8_t host_data[LK_KVM_SEV_SNP_FINISH_DATA_SIZE] = { 0 };
	int r = -1;

	if (launch_owner_map("--id-block", o->id_block, &id, err))
		return -1;
	if (launch_owner_map("--id-auth", o->id_auth, &auth, err))
		goto out_id;
	if (launch_owner_map("--host-data", o->host_data, &host, err))
		goto out_auth;
	if ((id.data && id.size != LK_KVM_SEV_SNP_ID_BLOCK_SIZE) ||
	    (auth.data && auth.size != LK_KVM_SEV_SNP_ID_AUTH_SIZE) ||
	    (host.data && host.size != sizeof(host_data))) {
		err_set(err, LK_EXIT_USAGE, "--id-block is %d bytes, --id-auth %d, --host-data "
			"%zu", LK_KVM_SEV_SNP_ID_BLOCK_SIZE, LK_KVM_SEV_SNP_ID_AUTH_SIZE,
			sizeof(host_data));
	} else {
		if (host.data)
			memcpy(host_data, host.data, sizeof(host_data));
		/* An ID key signed by no author: AUTHOR_KEY_EN clear, or the firmware refuses it. */
		r = kvm_snp_launch_finish(&l->kvm, id.data, auth.data,
					  auth.data && id_auth_has_author_key(auth.data), host_data,
					  err);
	}
	launch_owner_unmap(&host);
out_auth:
	launch_owner_unmap(&auth);
out_id:
	launch_owner_unmap(&id);
	return r;
}

int launch_snp(struct sev_launch *l, struct vm *vm, const struct sev_launch_mem *mem,
	       unsigned int nr_cpus, const struct sev_kernel_hashes *hashes, struct lk_err *err)
{
	uint64_t len;
	int i, next, r;

	/* Without it KVM fails every guest page-state change (§3.4); QEMU's order. */
	if (vm_enable_cap(vm, KVM_CAP_EXIT_HYPERCALL, LK_KVM_EXIT_HYPERCALL_MASK, err) ||
	    kvm_snp_launch_start(&l->kvm, l->policy, err))
		return -1;
	for (i = 0; i < l->plan.nr_steps; i = next) {
		const struct plan_step *s = &l->plan.steps[i];

		next = launch_coalesce(&l->plan, i, mem, &len);
		if (s->kind == PLAN_SNP_KVM_VMSA)
			continue;	/* SNP_LAUNCH_FINISH measures KVM's VMSAs */
		if (s->snp_type == SNP_PAGE_VMSA) {
			r = snp_direct(l, s, nr_cpus, hashes, err);
			if (r < 0)
				return -1;
			if (r > 0)
				next = i;	/* the classic plan's VMSA steps from here */
			continue;
		}
		if (snp_update(l, vm, mem, s, len, err))
			return -1;
	}
	if (snp_finish(l, err))
		return -1;
	launch_print(l);
	return 0;
}
