// SPDX-License-Identifier: GPL-2.0-only
/* Parsing and checking the SEV options that `run` and `measure` share. */
#include <cpuid.h>
#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "kvm/uapi.h"
#include "sev/cpu.h"
#include "sev/options.h"

#define SZ_2M	(2ULL << 20)

void sev_opts_init(struct sev_opts *o, enum sev_direct direct_default)
{
	*o = (struct sev_opts){ .direct_vmsa = direct_default,
				.direct_vmsa_gpa = SEV_DIRECT_VMSA_GPA };
}

/* Hexadecimal, with or without 0x, nothing else; at most @max. */
static bool parse_hex(const char *s, uint64_t max, uint64_t *out)
{
	unsigned long long v;
	char *end;

	if (!strncmp(s, "0x", 2) || !strncmp(s, "0X", 2))
		s += 2;
	if (!isxdigit((unsigned char)*s))
		return false;
	errno = 0;
	v = strtoull(s, &end, 16);
	if (errno || *end || v > max)
		return false;
	*out = v;
	return true;
}

static int parse_mode(enum sev_mode mode, const char *name, struct sev_opts *o,
		      struct lk_err *err)
{
	if (o->mode != SEV_MODE_NONE && o->mode != mode)
		return err_set(err, LK_EXIT_USAGE,
			       "%s: give only one of --sev, --sev-es, --sev-snp", name);
	o->mode = mode;
	return 0;
}

static int parse_cpu(int opt, const char *arg, struct sev_opts *o, struct lk_err *err)
{
	uint64_t v;

	/* Either again: the last counts; the two mixed: which one was meant? */
	if (o->have_cpu_sig && o->cpu_sig_given != (opt == SEV_OPT_CPU_SIG))
		return err_set(err, LK_EXIT_USAGE, "--cpu and --cpu-sig: give one of them");
	o->cpu_model = NULL;
	if (opt == SEV_OPT_CPU && !strcmp(arg, "host")) {
		unsigned int eax, ebx, ecx, edx;

		/* QEMU's -cpu host: this machine's signature, CPUID leaf 1, as KVM reports it. */
		__cpuid(1, eax, ebx, ecx, edx);
		(void)ebx, (void)ecx, (void)edx;
		o->cpu_sig = eax;
		o->cpu_model = arg;
	} else if (opt == SEV_OPT_CPU) {
		if (!cpu_model_sig(arg, &o->cpu_sig))
			return err_set(err, LK_EXIT_USAGE, "--cpu %s: unknown CPU model (known: "
				       "%s; or give --cpu-sig HEX)", arg, cpu_model_names());
		o->cpu_model = arg;
	} else {
		if (!parse_hex(arg, UINT32_MAX, &v) || !v)
			return err_set(err, LK_EXIT_USAGE, "--cpu-sig %s: not a CPUID signature "
				       "(32-bit hex, e.g. 0xa00f11)", arg);
		o->cpu_sig = (uint32_t)v;
		o->cpu_sig_given = true;
	}
	o->have_cpu_sig = true;
	return 0;
}

static int parse_direct(int opt, const char *arg, struct sev_opts *o, struct lk_err *err)
{
	uint64_t gpa;

	if (opt == SEV_OPT_DIRECT_VMSA) {
		if (!strcmp(arg, "auto"))
			o->direct_vmsa = SEV_DIRECT_AUTO;
		else if (!strcmp(arg, "on"))
			o->direct_vmsa = SEV_DIRECT_ON;
		else if (!strcmp(arg, "off"))
			o->direct_vmsa = SEV_DIRECT_OFF;
		else
			return err_set(err, LK_EXIT_USAGE,
				       "--direct-vmsa %s: not one of auto, on, off", arg);
		return 0;
	}
	if (!parse_hex(arg, UINT64_MAX, &gpa))
		return err_set(err, LK_EXIT_USAGE, "--direct-vmsa-gpa %s: not an address "
			       "(hex, e.g. 0xfffffffff000)", arg);
	if (gpa % 4096)
		return err_set(err, LK_EXIT_USAGE, "--direct-vmsa-gpa %s: not 4 KiB-aligned", arg);
	if (gpa % SZ_2M == 0)
		return err_set(err, LK_EXIT_USAGE, "--direct-vmsa-gpa %s: 2 MiB-aligned, which an "
			       "SNP erratum forbids for a VMSA", arg);
	if (gpa > SNP_KVM_VMSA_GPA)
		return err_set(err, LK_EXIT_USAGE, "--direct-vmsa-gpa %s: above 0xfffffffff000, "
			       "the last page of a 48-bit guest physical space", arg);
	o->direct_vmsa_gpa = gpa;
	o->direct_vmsa_gpa_given = true;
	return 0;
}

int sev_opt_parse(int opt, const char *arg, struct sev_opts *o, struct lk_err *err)
{
	static const char *const names[] = {
		"--sev", "--sev-es", "--sev-snp", "--cpu", "--cpu-sig", "--debug-swap",
		"--vmsa-features", "--legacy-vm-type", "--direct-vmsa", "--direct-vmsa-gpa",
	};

	if (opt < SEV_OPT_FIRST || opt > SEV_OPT_LAST)
		return err_set(err, LK_EXIT_USAGE, "internal: option %d is not an SEV option", opt);
	if (!o->first && opt > SEV_OPT_SNP)
		o->first = names[opt - SEV_OPT_FIRST];
	switch (opt) {
	case SEV_OPT_SEV:
		return parse_mode(SEV_MODE_SEV, "--sev", o, err);
	case SEV_OPT_SEV_ES:
		return parse_mode(SEV_MODE_SEV_ES, "--sev-es", o, err);
	case SEV_OPT_SNP:
		return parse_mode(SEV_MODE_SNP, "--sev-snp", o, err);
	case SEV_OPT_CPU:
	case SEV_OPT_CPU_SIG:
		return parse_cpu(opt, arg, o, err);
	case SEV_OPT_DEBUG_SWAP:
		o->debug_swap = true;
		return 0;
	case SEV_OPT_VMSA_FEATURES:
		if (!parse_hex(arg, UINT64_MAX, &o->vmsa_features))
			return err_set(err, LK_EXIT_USAGE, "--vmsa-features %s: not a 64-bit hex "
				       "value (e.g. 0x20 for DEBUG_SWAP)", arg);
		return 0;
	case SEV_OPT_LEGACY_VM_TYPE:
		o->legacy_vm_type = true;
		return 0;
	}
	return parse_direct(opt, arg, o, err);
}

uint64_t sev_opts_vmsa_features(const struct sev_opts *o)
{
	return o->vmsa_features | (o->debug_swap ? LK_SVM_SEV_FEAT_DEBUG_SWAP : 0);
}

uint64_t sev_opts_init2_features(const struct sev_opts *o)
{
	/* SNP_ACTIVE is KVM's to add (SEV-KVM-API.md §2.3): INIT2 takes the rest. */
	return sev_opts_vmsa_features(o) & ~LK_SVM_SEV_FEAT_SNP_ACTIVE;
}

/* --legacy-vm-type: KVM_SEV_INIT/KVM_SEV_ES_INIT have no vmsa_features and no SNP. */
static int check_legacy(const struct sev_opts *o, struct lk_err *err)
{
	if (o->mode == SEV_MODE_SNP)
		return err_set(err, LK_EXIT_USAGE, "--legacy-vm-type: SNP has no legacy launch "
			       "(only KVM_SEV_INIT2)");
	if (o->debug_swap)
		return err_set(err, LK_EXIT_USAGE, "--legacy-vm-type cannot go with --debug-swap: "
			       "KVM_SEV_INIT and KVM_SEV_ES_INIT take no VMSA features");
	if (o->vmsa_features)
		return err_set(err, LK_EXIT_USAGE, "--legacy-vm-type cannot go with "
			       "--vmsa-features 0x%llx: KVM_SEV_INIT and KVM_SEV_ES_INIT take "
			       "no VMSA features", (unsigned long long)o->vmsa_features);
	return 0;
}

static int check_features(const struct sev_opts *o, struct lk_err *err)
{
	if (o->mode == SEV_MODE_SEV && sev_opts_vmsa_features(o))
		return err_set(err, LK_EXIT_USAGE, "%s: plain SEV has no VMSA to carry features "
			       "(use --sev-es or --sev-snp)",
			       o->debug_swap ? "--debug-swap" : "--vmsa-features");
	if (o->mode == SEV_MODE_SEV_ES && (o->vmsa_features & LK_SVM_SEV_FEAT_SNP_ACTIVE))
		return err_set(err, LK_EXIT_USAGE, "--vmsa-features 0x%llx: bit 0 (SNP_ACTIVE) is "
			       "for --sev-snp only", (unsigned long long)o->vmsa_features);
	return 0;
}

static int check_direct(const struct sev_opts *o, struct lk_err *err)
{
	if (o->mode != SEV_MODE_SNP && o->direct_vmsa == SEV_DIRECT_ON)
		return err_set(err, LK_EXIT_USAGE, "--direct-vmsa on: only an SNP launch "
			       "(--sev-snp) has a direct VMSA");
	if (o->direct_vmsa_gpa_given && (o->mode != SEV_MODE_SNP ||
					 o->direct_vmsa == SEV_DIRECT_OFF))
		return err_set(err, LK_EXIT_USAGE, "--direct-vmsa-gpa needs a direct VMSA "
			       "(--sev-snp --direct-vmsa on)");
	return 0;
}

int sev_opts_check(const struct sev_opts *o, bool need_cpu, struct lk_err *err)
{
	bool has_vmsa = o->mode == SEV_MODE_SEV_ES || o->mode == SEV_MODE_SNP;

	if (o->mode == SEV_MODE_NONE && o->first)
		return err_set(err, LK_EXIT_USAGE, "%s needs an SEV mode (--sev, --sev-es or "
			       "--sev-snp)", o->first);
	if (o->legacy_vm_type && check_legacy(o, err))
		return -1;
	if (check_features(o, err) || check_direct(o, err))
		return -1;
	if (need_cpu && has_vmsa && !o->have_cpu_sig)
		return err_set(err, LK_EXIT_USAGE, "%s needs the vCPU model, whose signature is "
			       "in every VMSA: --cpu MODEL or --cpu-sig HEX",
			       o->mode == SEV_MODE_SNP ? "--sev-snp" : "--sev-es");
	return 0;
}

uint64_t sev_default_policy(enum sev_mode mode)
{
	switch (mode) {
	case SEV_MODE_SEV:
		return 0x1;
	case SEV_MODE_SEV_ES:
		return 0x5;
	case SEV_MODE_SNP:
		return 0x30000;
	case SEV_MODE_NONE:
		break;
	}
	return 0;
}

/*
 * §2.4: what KVM refuses of an SNP policy, whatever its version: bit 17
 * clear (reserved, must be one), bit 20 (SINGLE_SOCKET) set. Bits it may
 * not know yet are for it to say (KVM_X86_SNP_POLICY_BITS).
 */
static int check_snp_policy(uint64_t policy, struct lk_err *err)
{
	if (!(policy & SNP_POLICY_RSVD_MBO))
		return err_set(err, LK_EXIT_USAGE, "--policy 0x%llx: an SNP policy must set bit 17 "
			       "(reserved, must be one; QEMU's default is 0x30000)",
			       (unsigned long long)policy);
	if (policy & SNP_POLICY_SINGLE_SOCKET)
		return err_set(err, LK_EXIT_USAGE, "--policy 0x%llx: bit 20 (SINGLE_SOCKET): KVM "
			       "refuses SNP guests that ask for it", (unsigned long long)policy);
	return 0;
}

/* §2.5: bit 2 (ES) selects SEV-ES, so it must match the mode; 32 bits outside SNP. */
static int check_policy(const struct sev_launch_opts *l, struct lk_err *err)
{
	bool es = l->policy & 0x4;

	if (!l->policy_given)
		return 0;
	if (l->o.mode == SEV_MODE_SNP)
		return check_snp_policy(l->policy, err);
	if (l->policy > UINT32_MAX)
		return err_set(err, LK_EXIT_USAGE, "--policy 0x%llx: an SEV policy has 32 bits",
			       (unsigned long long)l->policy);
	if (es != (l->o.mode == SEV_MODE_SEV_ES))
		return err_set(err, LK_EXIT_USAGE, "--policy 0x%llx: bit 2 (ES) must be %s for %s",
			       (unsigned long long)l->policy, es ? "clear" : "set",
			       l->o.mode == SEV_MODE_SEV_ES ? "--sev-es" : "--sev");
	return 0;
}

/* SNP_LAUNCH_FINISH's inputs have one size each: the file's, named, before KVM is asked. */
static int check_owner_size(const char *opt, const char *path, long long want,
			    const char *what, struct lk_err *err)
{
	struct stat st;

	if (!path || stat(path, &st) || !S_ISREG(st.st_mode))
		return 0;	/* reading it says what is wrong */
	if (st.st_size != want)
		return err_set(err, LK_EXIT_USAGE, "%s %s: %lld bytes, but %s is %lld", opt, path,
			       (long long)st.st_size, what, want);
	return 0;
}

static int check_owner_inputs(const struct sev_launch_opts *l, struct lk_err *err)
{
	bool snp = l->o.mode == SEV_MODE_SNP;

	if (snp && (l->dh_cert || l->session || l->secret || l->secret_header))
		return err_set(err, LK_EXIT_USAGE, "%s: an SNP launch has no LAUNCH_START "
			       "session or LAUNCH_SECRET (--sev or --sev-es only)",
			       l->dh_cert ? "--dh-cert" : l->session ? "--session" :
			       l->secret ? "--secret" : "--secret-header");
	if (!snp && l->snp_certs)
		return err_set(err, LK_EXIT_USAGE, "--snp-certs: only SNP guests ask the host for "
			       "certificates (--sev-snp)");
	if (!snp && (l->id_block || l->id_auth || l->host_data))
		return err_set(err, LK_EXIT_USAGE, "%s: only SNP_LAUNCH_FINISH takes it "
			       "(--sev-snp)", l->id_block ? "--id-block" :
			       l->id_auth ? "--id-auth" : "--host-data");
	if (!l->dh_cert != !l->session)
		return err_set(err, LK_EXIT_USAGE, "--dh-cert and --session come together: the "
			       "guest owner's session needs both");
	if (!l->secret != !l->secret_header)
		return err_set(err, LK_EXIT_USAGE, "--secret and --secret-header come together");
	if (l->secret && !l->session)
		return err_set(err, LK_EXIT_USAGE, "--secret needs the session it is wrapped "
			       "for (--dh-cert FILE --session FILE)");
	if (l->id_auth && !l->id_block)
		return err_set(err, LK_EXIT_USAGE, "--id-auth needs the --id-block it signs");
	if (l->id_block && !l->id_auth)
		return err_set(err, LK_EXIT_USAGE, "--id-block needs its signature, --id-auth: "
			       "SNP_LAUNCH_FINISH takes an ID block only with it");
	return check_owner_size("--id-block", l->id_block, LK_KVM_SEV_SNP_ID_BLOCK_SIZE,
				"an ID block", err) ||
	       check_owner_size("--id-auth", l->id_auth, LK_KVM_SEV_SNP_ID_AUTH_SIZE,
				"an ID authentication structure", err) ||
	       check_owner_size("--host-data", l->host_data, LK_KVM_SEV_SNP_FINISH_DATA_SIZE,
				"host data", err) ? -1 : 0;
}

int sev_launch_opts_check(const struct sev_launch_opts *l, struct lk_err *err)
{
	bool any = l->policy_given || l->dh_cert || l->session || l->secret ||
		   l->secret_header || l->id_block || l->id_auth || l->host_data;

	if (l->o.mode == SEV_MODE_NONE && any)
		return err_set(err, LK_EXIT_USAGE, "SEV launch options need an SEV mode (--sev, "
			       "--sev-es or --sev-snp)");
	if (sev_opts_check(&l->o, false, err))
		return -1;
	return check_policy(l, err) || check_owner_inputs(l, err) ? -1 : 0;
}

int sev_policy_parse(const char *arg, struct sev_launch_opts *l, struct lk_err *err)
{
	if (!parse_hex(arg, UINT64_MAX, &l->policy))
		return err_set(err, LK_EXIT_USAGE, "--policy %s: not a hex policy (e.g. 0x1 for "
			       "SEV, 0x5 for SEV-ES, 0x30000 for SNP)", arg);
	l->policy_given = true;
	return 0;
}
