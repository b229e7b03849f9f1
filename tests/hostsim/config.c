// SPDX-License-Identifier: GPL-2.0-only
/*
 * The simulated host's configuration, read once from HOSTSIM_* environment
 * variables (README.md lists them). The default is a fully featured SNP host;
 * each variable narrows it or picks one of the behaviours SEV-KVM-API.md
 * could not establish for certain ([B] and [I] facts).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "tests/hostsim/hostsim.h"

struct hs_config hs_cfg;

static const char *env(const char *name)
{
	const char *v = getenv(name);

	return v && *v ? v : NULL;
}

static uint64_t env_u64(const char *name, uint64_t def)
{
	const char *v = env(name);
	char *end;
	uint64_t x;

	if (!v)
		return def;
	x = strtoull(v, &end, 0);
	if (*end) {
		fprintf(stderr, "hostsim: %s=%s: not a number, using %#llx\n", name, v,
			(unsigned long long)def);
		return def;
	}
	return x;
}

static bool env_bool(const char *name, bool def)
{
	return env_u64(name, def) != 0;
}

/* "default,sev,seves,snp,sw" or a bitmap such as 0x1d. */
static uint32_t parse_vm_types(const char *v)
{
	static const char *const names[] = { "default", "sw", "sev", "seves", "snp" };
	char buf[128], *tok, *save;
	uint32_t bits = 0;
	unsigned int i;

	if (v[0] >= '0' && v[0] <= '9')
		return (uint32_t)strtoul(v, NULL, 0);
	snprintf(buf, sizeof(buf), "%s", v);
	for (tok = strtok_r(buf, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
		for (i = 0; i < sizeof(names) / sizeof(names[0]); i++)
			if (!strcasecmp(tok, names[i]))
				bits |= 1U << i;
	}
	return bits;
}

static enum hs_ro_model parse_ro_model(const char *v)
{
	if (!v || !strcmp(v, "per-vm"))
		return HS_RO_PER_VM;
	if (!strcmp(v, "all"))
		return HS_RO_ALL;
	if (!strcmp(v, "mismatch"))
		return HS_RO_MISMATCH;
	if (!strcmp(v, "none"))
		return HS_RO_NONE;
	fprintf(stderr, "hostsim: HOSTSIM_READONLY_MEM=%s: not per-vm, all, mismatch or none\n",
		v);
	return HS_RO_PER_VM;
}

static enum hs_ro_write parse_ro_write(const char *v)
{
	if (!v || !strcmp(v, "efault"))
		return HS_ROW_EFAULT;
	if (!strcmp(v, "efault-bare"))
		return HS_ROW_EFAULT_BARE;
	if (!strcmp(v, "mmio"))
		return HS_ROW_MMIO;
	fprintf(stderr, "hostsim: HOSTSIM_RO_WRITE=%s: not efault, efault-bare or mmio\n", v);
	return HS_ROW_EFAULT;
}

static int reg_index(const char *r)
{
	static const char *const regs[] = { "eax", "ebx", "ecx", "edx" };
	int i;

	for (i = 0; i < 4; i++)
		if (!strcasecmp(r, regs[i]))
			return i;
	return -1;
}

static void add_reject(uint32_t leaf, long sub, int reg, uint32_t mask)
{
	struct hs_cpuid_reject *r;

	if (hs_cfg.n_cpuid_reject >= (int)(sizeof(hs_cfg.cpuid_reject) /
					   sizeof(hs_cfg.cpuid_reject[0])))
		return;
	r = &hs_cfg.cpuid_reject[hs_cfg.n_cpuid_reject++];
	*r = (struct hs_cpuid_reject){ .leaf = leaf, .subleaf = sub < 0 ? 0 : (uint32_t)sub,
				       .any_subleaf = sub < 0, .reg = reg, .mask = mask };
}

/*
 * LEAF[.SUB]:REG:MASK,... or "qemu-masks": the bits QEMU clears before an
 * SNP launch because firmware refuses them (SEV-KVM-API.md §7.2).
 */
static void parse_cpuid_reject(const char *v)
{
	char buf[512], *tok, *save, *p;

	if (!strcmp(v, "qemu-masks")) {
		add_reject(0x1, -1, 2, 1U << 24);		/* TSC_DEADLINE */
		add_reject(0x7, 0, 1, 1U << 1);			/* TSC_ADJUST */
		add_reject(0x7, 0, 3, (1U << 26) | (1U << 27) | (1U << 28) | (1U << 29) |
			   (1U << 30) | (1U << 31));		/* SPEC_CTRL .. SSBD */
		add_reject(0x80000008, -1, 1, 1U << 25);	/* VIRT_SSBD */
		return;
	}
	snprintf(buf, sizeof(buf), "%s", v);
	for (tok = strtok_r(buf, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
		uint32_t leaf = (uint32_t)strtoul(tok, &p, 0);
		long sub = -1;
		char *reg;

		if (*p == '.')
			sub = strtol(p + 1, &p, 0);
		if (*p != ':')
			continue;
		reg = p + 1;
		p = strchr(reg, ':');
		if (!p)
			continue;
		*p++ = '\0';
		if (reg_index(reg) >= 0)
			add_reject(leaf, sub, reg_index(reg), (uint32_t)strtoul(p, NULL, 0));
	}
}

/* api=1.55,build=21,state=2,flags=0x100,snp_state=1,tcb=0x... */
static void parse_platform_status(const char *v)
{
	char buf[256], *tok, *save, *val;

	snprintf(buf, sizeof(buf), "%s", v);
	for (tok = strtok_r(buf, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
		val = strchr(tok, '=');
		if (!val)
			continue;
		*val++ = '\0';
		if (!strcmp(tok, "api")) {
			hs_cfg.api_major = (uint8_t)strtoul(val, &val, 10);
			if (*val == '.')
				hs_cfg.api_minor = (uint8_t)strtoul(val + 1, NULL, 10);
		} else if (!strcmp(tok, "build")) {
			hs_cfg.build = (uint8_t)strtoul(val, NULL, 0);
		} else if (!strcmp(tok, "state")) {
			hs_cfg.sev_state = (uint8_t)strtoul(val, NULL, 0);
		} else if (!strcmp(tok, "flags")) {
			hs_cfg.sev_flags = (uint32_t)strtoul(val, NULL, 0);
		} else if (!strcmp(tok, "snp_state")) {
			hs_cfg.snp_state = (uint8_t)strtoul(val, NULL, 0);
		} else if (!strcmp(tok, "tcb")) {
			hs_cfg.tcb_version = strtoull(val, NULL, 0);
		}
	}
}

static void load_memory_model(void)
{
	const char *v = env("HOSTSIM_MEMORY_ATTRIBUTES");

	hs_cfg.guest_memfd = env_bool("HOSTSIM_GUEST_MEMFD", true);
	hs_cfg.mem_attrs = 1;
	if (v && !strcmp(v, "all"))
		hs_cfg.mem_attrs = 2;
	else if (v && !strcmp(v, "per-vm"))
		hs_cfg.mem_attrs = 1;
	else if (v)
		hs_cfg.mem_attrs = env_bool("HOSTSIM_MEMORY_ATTRIBUTES", true) ? 1 : 0;
	hs_cfg.ro_model = parse_ro_model(env("HOSTSIM_READONLY_MEM"));
	hs_cfg.ro_write = parse_ro_write(env("HOSTSIM_RO_WRITE"));
	hs_cfg.require_reg_region = env_bool("HOSTSIM_REQUIRE_REG_REGION", true);
	hs_cfg.encrypt_in_place = env_bool("HOSTSIM_ENCRYPT_IN_PLACE", true);
	hs_cfg.memlock_limit = env_u64("HOSTSIM_MEMLOCK_LIMIT", 0);
}

static void load_sev_model(void)
{
	const char *v = env("HOSTSIM_VM_TYPES");

	hs_cfg.sev = env_bool("HOSTSIM_SEV", true);
	hs_cfg.init2 = env_bool("HOSTSIM_INIT2", true) && hs_cfg.sev;
	hs_cfg.vm_types = v ? parse_vm_types(v) : 0x1f;
	if (!hs_cfg.init2)	/* the VM types came with INIT2 (v6.10) */
		hs_cfg.vm_types &= 1U << HS_VM_DEFAULT;
	hs_cfg.vm_types |= 1U << HS_VM_DEFAULT;
	hs_cfg.vmsa_features = env_u64("HOSTSIM_VMSA_FEATURES", HS_SEV_FEAT_DEBUG_SWAP);
	hs_cfg.snp_policy_bits = env_bool("HOSTSIM_SNP_POLICY_BITS", true);
	hs_cfg.snp_require_smt = env_bool("HOSTSIM_SNP_REQUIRE_SMT", true);
	hs_cfg.snp_req_certs = env_bool("HOSTSIM_SNP_REQ_CERTS", true) && hs_cfg.init2;
	v = env("HOSTSIM_DIRECT_VMSA");
	/* "refuse": the capability is there, the page type is not (a kernel that disagrees). */
	hs_cfg.direct_vmsa_refuse = v && !strcmp(v, "refuse");
	hs_cfg.direct_vmsa = hs_cfg.direct_vmsa_refuse || env_bool("HOSTSIM_DIRECT_VMSA", true);
	hs_cfg.direct_vmsa_cap = (long)env_u64("HOSTSIM_DIRECT_VMSA_CAP",
					       HS_CAP_SNP_DIRECT_VMSA_DEFAULT);
	hs_cfg.direct_vmsa_limits = env_bool("HOSTSIM_DIRECT_VMSA_LIMITS", true);
	hs_cfg.exit_hypercall = env_bool("HOSTSIM_EXIT_HYPERCALL", true);
	hs_cfg.populate_inner_errno = env_bool("HOSTSIM_POPULATE_ERRNO", false);
	hs_cfg.snp_update_pages = env_u64("HOSTSIM_SNP_UPDATE_PAGES", 0);
	hs_cfg.snp_update_eagain = env_u64("HOSTSIM_SNP_UPDATE_EAGAIN", 0);
	hs_cfg.cpuid_retry = env_bool("HOSTSIM_CPUID_RETRY", true);
	hs_cfg.dev_sev = env_bool("HOSTSIM_DEV_SEV", true);
	hs_cfg.cpuid_signature = (uint32_t)env_u64("HOSTSIM_CPUID_SIGNATURE", 0x00a00f11);
	if (env("HOSTSIM_CPUID_REJECT"))
		parse_cpuid_reject(env("HOSTSIM_CPUID_REJECT"));
}

void hs_config_load(void)
{
	memset(&hs_cfg, 0, sizeof(hs_cfg));
	load_sev_model();
	load_memory_model();
	hs_cfg.api_major = 1;
	hs_cfg.api_minor = 55;
	hs_cfg.build = 21;
	hs_cfg.sev_state = 1;		/* INIT: KVM initialises the platform */
	hs_cfg.sev_flags = 0x100;	/* SEV_STATUS_FLAGS_CONFIG_ES */
	hs_cfg.snp_state = 1;
	hs_cfg.tcb_version = 0xdb18000000000004ULL;
	if (env("HOSTSIM_PLATFORM_STATUS"))
		parse_platform_status(env("HOSTSIM_PLATFORM_STATUS"));
	hs_cfg.log_path = env("HOSTSIM_LOG");
	hs_cfg.vmsa_dir = env("HOSTSIM_VMSA_DIR");
	hs_cfg.script = env("HOSTSIM_SCRIPT");
	hs_cfg.ap_script = env("HOSTSIM_AP_SCRIPT");
}
