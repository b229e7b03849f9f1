// SPDX-License-Identifier: GPL-2.0-only
/*
 * The launch's steps as machine/machine.c calls them: which VM type and init
 * command the host gives this mode (the verdicts of `lkvm-sev caps`, so that
 * run refuses with the same reason caps prints), the vCPU model, each vCPU's
 * reset state, and then the launch itself: the plan executed by
 * sev/launch_sev.c (SEV, SEV-ES: SEV-KVM-API.md §4.1, §4.2) or
 * sev/launch_snp.c (§4.3, §4.4).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kvm/uapi.h"
#include "kvm/vcpu.h"
#include "kvm/vm.h"
#include "probe/caps.h"
#include "sev/cpuid.h"
#include "sev/launch.h"
#include "sev/launch_common.h"
#include "sev/launch_sev.h"
#include "sev/launch_snp.h"

static const unsigned long mode_vm_type[] = {
	[SEV_MODE_SEV] = LK_KVM_X86_SEV_VM,
	[SEV_MODE_SEV_ES] = LK_KVM_X86_SEV_ES_VM,
	[SEV_MODE_SNP] = LK_KVM_X86_SNP_VM,
};

static enum caps_mode launch_caps_mode(const struct sev_opts *o)
{
	switch (o->mode) {
	case SEV_MODE_SEV_ES:
		return o->debug_swap ? CAPS_SEV_ES_DEBUG_SWAP : CAPS_SEV_ES;
	case SEV_MODE_SNP:
		return o->direct_vmsa == SEV_DIRECT_ON ? CAPS_SNP_DIRECT_VMSA : CAPS_SNP;
	default:
		return CAPS_SEV;
	}
}

/* INIT2 on the mode's own VM type where KVM has both (§1.1), else the legacy init. */
static int launch_pick_init(struct sev_launch *l, struct lk_err *err)
{
	const struct host_caps *c = l->caps;
	unsigned long type = mode_vm_type[l->mode];
	bool has_type = (c->vm_types & (1u << type)) && c->vm[type].created;

	l->init2 = !l->opts->o.legacy_vm_type && has_type && c->vmsa_features_attr;
	l->vm_type = l->init2 ? type : LK_KVM_X86_DEFAULT_VM;
	if (!l->init2 && !c->sev_enabled)
		return err_set(err, LK_EXIT_HOST, "cannot run %s: --legacy-vm-type: no legacy "
			       "%s on a default VM (KVM_MEMORY_ENCRYPT_OP: %s)",
			       sev_mode_name(l->mode),
			       l->mode == SEV_MODE_SEV ? "KVM_SEV_INIT" : "KVM_SEV_ES_INIT",
			       caps_errno_name(c->sev_enabled_err));
	l->init_features = sev_opts_init2_features(&l->opts->o);
	if (!l->init2 && l->init_features)
		return err_set(err, LK_EXIT_HOST, "cannot run %s: VMSA features 0x%llx need "
			       "KVM_SEV_INIT2, which this host's KVM lacks",
			       sev_mode_name(l->mode), (unsigned long long)l->init_features);
	if (l->init_features & ~c->vmsa_features)
		return err_set(err, LK_EXIT_HOST, "cannot run %s: VMSA features 0x%llx not all "
			       "in KVM_X86_SEV_VMSA_FEATURES (0x%llx)", sev_mode_name(l->mode),
			       (unsigned long long)l->init_features,
			       (unsigned long long)c->vmsa_features);
	return 0;
}

/*
 * What a direct VMSA means for the APs, as caps, run and the docs say it.
 * OVMF's MpInitLib (CanUseSevSnpCreateAP) creates AP VMSAs itself only once
 * the APIC-ID list HOB exists, which needs the hypervisor's GHCB APIC-ID
 * service; KVM advertises AP creation but not that (GHCB_HV_FT_SUPPORTED),
 * as Tom Lendacky pointed out in review of the KVM patch (June 2026).
 */
const char sev_direct_vmsa_aps_note[] =
	"with a direct VMSA (--direct-vmsa on|auto, SNP) KVM creates no VMSAs for the APs; "
	"a guest must create them (GHCB AP creation), and stock OVMF does that only where "
	"the hypervisor offers the GHCB APIC-ID list, which KVM does not: it wakes its APs by "
	"INIT-SIPI instead, which cannot start a vCPU without a VMSA, so with -c 2 or more "
	"expect OVMF to wait for APs that never start";

/* Seed 001: auto uses the direct VMSA where the host has the capability. */
static void launch_pick_direct(struct sev_launch *l, unsigned int nr_cpus)
{
	const struct sev_opts *o = &l->opts->o;

	l->direct = l->mode == SEV_MODE_SNP &&
		    (o->direct_vmsa == SEV_DIRECT_ON ||
		     (o->direct_vmsa == SEV_DIRECT_AUTO && l->caps->direct_vmsa > 0));
	if (l->direct && nr_cpus > 1)
		warn("direct VMSA with -c %u: %s", nr_cpus, sev_direct_vmsa_aps_note);
}

/* --snp-certs: the host forwards extended report requests (Linux 7.0), or 125 and caps' why. */
static int launch_check_certs(struct sev_launch *l, struct lk_err *err)
{
	char why[sizeof(l->caps->kvm_why)];

	if (!l->opts->snp_certs || !caps_snp_certs_why(l->caps, why, sizeof(why)))
		return 0;
	return err_set(err, LK_EXIT_HOST, "cannot serve --snp-certs %s: %s", l->opts->snp_certs,
		       why);
}

int sev_launch_choose(struct sev_launch *l, const struct sev_launch_opts *o,
		      unsigned int nr_cpus, struct lk_err *err)
{
	enum caps_mode cm = launch_caps_mode(&o->o);
	struct caps_verdict v;

	*l = (struct sev_launch){ .opts = o, .mode = o->o.mode, .kvm = { .sev_fd = -1 } };
	l->caps = calloc(1, sizeof(*l->caps));
	if (!l->caps)
		return err_sys(err, "allocating the host capabilities");
	host_caps_probe(l->caps, NULL);
	caps_verdict(l->caps, cm, &v);
	if (v.kind == CAPS_CANNOT_RUN)
		return err_set(err, LK_EXIT_HOST, "cannot run %s: %s", caps_mode_name(cm),
			       v.text);
	if (launch_pick_init(l, err) || launch_check_certs(l, err))
		return -1;
	launch_pick_direct(l, nr_cpus);
	l->policy = o->policy_given ? o->policy : sev_default_policy(l->mode);
	return 0;
}

int sev_launch_firmware(struct sev_launch *l, const char *path, const void *fw, uint64_t size,
			struct lk_err *err)
{
	l->fw_path = path;
	l->fw = fw;
	l->fw_size = size;
	return ovmf_parse(path, fw, size, &l->ovmf, err);
}

int sev_launch_init(struct sev_launch *l, struct vm *vm, struct lk_err *err)
{
	if (kvm_sev_open(&l->kvm, vm->fd, err))
		return -1;
	if (!l->init2)
		return kvm_sev_init_legacy(&l->kvm, l->mode == SEV_MODE_SEV_ES, err);
	if (kvm_sev_init2(&l->kvm, l->init_features, err))
		return -1;
	/* An SNP VM, and no vCPU yet: KVM takes it only then. */
	return l->opts->snp_certs ? kvm_snp_enable_req_certs(&l->kvm, err) : 0;
}

int sev_launch_cpuid(struct sev_launch *l, struct vm *vm, struct lk_err *err)
{
	struct kvm_cpuid2 *c = vm_supported_cpuid(vm, err);
	const struct sev_opts *o = &l->opts->o;
	uint32_t host;

	if (!c)
		return -1;
	host = sev_cpuid_signature(c);
	l->cpu_sig = o->have_cpu_sig ? o->cpu_sig : host;
	/* The signature is RDX of every VMSA: the guest's CPUID must say the same. */
	sev_cpuid_adjust(c, l->cpu_sig, l->mode == SEV_MODE_SNP);
	fprintf(stderr, "lkvm-sev: %s guest, vCPU signature 0x%x (%s)\n", sev_mode_name(l->mode),
		l->cpu_sig, o->cpu_model ? o->cpu_model : o->have_cpu_sig ? "--cpu-sig" :
		"the host's");
	return 0;
}

int sev_launch_vcpu(struct sev_launch *l, struct vcpu *v, struct lk_err *err)
{
	uint32_t reset = 0;

	/* Plain SEV: APs start through INIT/SIPI as in any VM; only the BSP is set. */
	if (v->id && l->mode == SEV_MODE_SEV)
		return 0;
	if (v->id) {
		if (!l->ovmf.has_sev_info)
			return 0;	/* plan_build() refuses APs without a reset address */
		reset = l->ovmf.sev_es_reset;
	}
	/* KVM copies the FPU into the VMSA only for INIT2 VM types (§4.2). */
	return vcpu_sev_reset_state(v, reset, l->cpu_sig, l->init2, err);
}

int sev_launch_run(struct sev_launch *l, struct vm *vm, const struct sev_launch_mem *mem,
		   unsigned int nr_cpus, const struct sev_kernel_hashes *hashes,
		   struct lk_err *err)
{
	int r;

	if (launch_plan(l, nr_cpus, l->direct, hashes, err))
		return -1;
	r = l->mode == SEV_MODE_SNP ? launch_snp(l, vm, mem, nr_cpus, hashes, err) :
				      launch_sev(l, mem, err);
	/* The VMSA pages (zeroed by plan_free()) do not outlive the launch. */
	plan_free(&l->plan);
	return r;
}

void sev_launch_destroy(struct sev_launch *l)
{
	plan_free(&l->plan);
	kvm_sev_close(&l->kvm);
	free(l->caps);
	l->caps = NULL;
}
