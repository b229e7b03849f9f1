// SPDX-License-Identifier: GPL-2.0-only
/*
 * Building the launch plan from a configuration: which regions, pages and
 * VMSAs a launch measures, in the order SEV-KVM-API.md §4 and the vectors'
 * README give, with the contents the plan owns (hash table, VMSA pages).
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kvm/uapi.h"
#include "sev/plan.h"
#include "sev/vmsa.h"

#define PAGE_SIZE		4096ULL
/* A kernel-hash section is zeros around a 176-byte table: more than this is a broken image. */
#define HASH_SECTION_MAX	(1ULL << 20)

const char *sev_mode_name(enum sev_mode mode)
{
	/* caps_mode_name()'s words: a report's vm.mode is found among caps' modes. */
	static const char *const names[] = { "plain", "SEV", "SEV-ES", "SNP" };

	return (unsigned int)mode < 4 ? names[mode] : "?";
}

const char *snp_page_type_name(enum snp_page_type type)
{
	static const char *const names[] = {
		"none", "NORMAL", "VMSA", "ZERO", "UNMEASURED", "SECRETS", "CPUID",
	};

	return (unsigned int)type < 7 ? names[type] : "?";
}

const char *plan_kind_name(enum plan_kind kind)
{
	switch (kind) {
	case PLAN_SEV_DATA:
		return "LAUNCH_UPDATE_DATA";
	case PLAN_SEV_ES_VMSA:
		return "LAUNCH_UPDATE_VMSA";
	case PLAN_SNP_UPDATE:
		return "SNP_LAUNCH_UPDATE";
	case PLAN_SNP_KVM_VMSA:
		return "SNP_LAUNCH_FINISH";
	}
	return "?";
}

static struct plan_step *plan_add(struct plan *plan, enum plan_kind kind,
				  enum snp_page_type type, uint64_t gpa, uint64_t len,
				  const uint8_t *data, const char *fmt, ...)
	__attribute__((format(printf, 7, 8)));

static struct plan_step *plan_add(struct plan *plan, enum plan_kind kind,
				  enum snp_page_type type, uint64_t gpa, uint64_t len,
				  const uint8_t *data, const char *fmt, ...)
{
	struct plan_step *s = &plan->steps[plan->nr_steps++];
	va_list ap;

	*s = (struct plan_step){ .kind = kind, .snp_type = type, .gpa = gpa, .len = len,
				 .data = data, .vcpu = -1 };
	va_start(ap, fmt);
	vsnprintf(s->what, sizeof(s->what), fmt, ap);
	va_end(ap);
	return s;
}

static void *page_alloc(size_t size)
{
	void *p = aligned_alloc(PAGE_SIZE, size);

	if (p)
		memset(p, 0, size);
	return p;
}

/* The rules a kernel and the firmware's hash table must meet, in every mode (§6.2). */
static int check_hash_table(const struct plan_config *cfg, struct lk_err *err)
{
	const struct ovmf_info *o = cfg->ovmf;

	if (!o->has_hash_table)
		return err_set(err, LK_EXIT_USAGE, "%s has no SEV kernel-hash table (its GUID "
			       "table lacks 7255371f-3a3b-4b04-927b-1da6efa8d454): it cannot "
			       "verify -k/-i/-p", cfg->firmware_path);
	if (o->hash_size < SEV_HASH_TABLE_SIZE)
		return err_set(err, LK_EXIT_USAGE, "%s: its kernel-hash area at 0x%x is %u bytes, "
			       "too small for the %d-byte table", cfg->firmware_path,
			       o->hash_gpa, o->hash_size, SEV_HASH_TABLE_SIZE);
	return 0;
}

/* SEV-ES and SNP: the BSP page, and the AP page (APs start at the SEV-ES reset address). */
static int plan_vmsas(struct plan *plan, const struct plan_config *cfg, bool aps,
		      struct lk_err *err)
{
	struct vmsa_params vp = {
		.eip = VMSA_BSP_EIP,
		.cpu_sig = cfg->cpu_sig,
		.sev_features = plan->vmsa_features,
		.x87_state = !cfg->legacy_vm_type,
	};

	if (aps && !cfg->ovmf->has_sev_info)
		return err_set(err, LK_EXIT_USAGE, "%s has no SEV-ES reset block (its GUID table "
			       "lacks 00f771de-1a7e-4fcb-890e-68c77e2fb44e): APs have no start "
			       "address, so -c %u cannot launch", cfg->firmware_path,
			       cfg->nr_cpus);
	plan->vmsa_bsp = page_alloc(VMSA_PAGE_SIZE);
	plan->vmsa_ap = aps ? page_alloc(VMSA_PAGE_SIZE) : NULL;
	if (!plan->vmsa_bsp || (aps && !plan->vmsa_ap))
		return err_set(err, LK_EXIT_HOST, "out of memory for VMSA pages");
	vmsa_build(plan->vmsa_bsp, &vp);
	if (aps) {
		vp.eip = cfg->ovmf->sev_es_reset;
		vmsa_build(plan->vmsa_ap, &vp);
	}
	return 0;
}

/* One VMSA step per vCPU, BSP first: LAUNCH_UPDATE_VMSA, or SNP_LAUNCH_FINISH's. */
static void plan_vcpu_vmsas(struct plan *plan, const struct plan_config *cfg)
{
	bool snp = plan->mode == SEV_MODE_SNP;
	unsigned int i;

	for (i = 0; i < cfg->nr_cpus; i++) {
		struct plan_step *s = plan_add(plan, snp ? PLAN_SNP_KVM_VMSA : PLAN_SEV_ES_VMSA,
					       snp ? SNP_PAGE_VMSA : SNP_PAGE_NONE,
					       snp ? SNP_KVM_VMSA_GPA : 0, VMSA_PAGE_SIZE,
					       i ? plan->vmsa_ap : plan->vmsa_bsp,
					       "VMSA vCPU %u%s", i, i ? "" : " (BSP)");
		s->vcpu = (int)i;
	}
}

/* SEV and SEV-ES (§4.1, §4.2): firmware, the padded hash table, then (ES) the VMSAs. */
static int plan_sev(struct plan *plan, const struct plan_config *cfg, struct lk_err *err)
{
	const struct ovmf_info *o = cfg->ovmf;

	plan_add(plan, PLAN_SEV_DATA, SNP_PAGE_NONE, o->load_gpa, cfg->firmware_size,
		 cfg->firmware, "firmware");
	plan->nr_firmware_steps = 1;
	if (cfg->hashes) {
		plan->hashes = page_alloc(PAGE_SIZE);
		if (!plan->hashes)
			return err_set(err, LK_EXIT_HOST, "out of memory for the kernel hashes");
		plan->hashes_size = SEV_HASH_TABLE_SIZE;
		sev_hash_table(plan->hashes, cfg->hashes);
		plan_add(plan, PLAN_SEV_DATA, SNP_PAGE_NONE, o->hash_gpa, SEV_HASH_TABLE_SIZE,
			 plan->hashes, "kernel hashes");
	}
	if (plan->mode != SEV_MODE_SEV_ES)
		return 0;
	if (plan_vmsas(plan, cfg, cfg->nr_cpus > 1, err))
		return -1;
	plan_vcpu_vmsas(plan, cfg);
	return 0;
}

/*
 * The kernel-hash section with a kernel (§6.4): NORMAL pages holding zeros
 * and the table at its GPA, which must lie in the section.
 */
static int plan_snp_hashes(struct plan *plan, const struct plan_config *cfg, int n,
			   const struct ovmf_section *sec, struct lk_err *err)
{
	uint64_t off = (uint64_t)cfg->ovmf->hash_gpa - sec->gpa;

	if (sec->size > HASH_SECTION_MAX)
		return err_set(err, LK_EXIT_USAGE, "%s: SNP metadata section %d (KERNEL_HASHES) is "
			       "0x%x bytes, more than the 1 MiB a hash table needs",
			       cfg->firmware_path, n, sec->size);
	plan->hashes = page_alloc(sec->size);
	if (!plan->hashes)
		return err_set(err, LK_EXIT_HOST, "out of memory for the kernel hashes");
	plan->hashes_size = sec->size;
	sev_hash_table(plan->hashes + off, cfg->hashes);
	plan_add(plan, PLAN_SNP_UPDATE, SNP_PAGE_NORMAL, sec->gpa, sec->size, plan->hashes,
		 "SNP metadata section %d (KERNEL_HASHES): kernel hashes", n);
	return 0;
}

/* Whether the kernel-hash table lies whole inside @sec. */
static bool holds_hash_table(const struct ovmf_info *o, const struct ovmf_section *sec)
{
	return o->hash_gpa >= sec->gpa &&
	       (uint64_t)o->hash_gpa + SEV_HASH_TABLE_SIZE <= (uint64_t)sec->gpa + sec->size;
}

/* QEMU's snp_metadata_desc_to_page_type(): unknown types, SVSM_CAA included, are ZERO. */
static enum snp_page_type section_page_type(uint32_t type)
{
	switch (type) {
	case OVMF_SECTION_SNP_SECRETS:
		return SNP_PAGE_SECRETS;
	case OVMF_SECTION_CPUID:
		return SNP_PAGE_CPUID;
	}
	return SNP_PAGE_ZERO;
}

/* The OVMF SNP metadata sections in table order (§6.4). */
static int plan_snp_sections(struct plan *plan, const struct plan_config *cfg,
			     struct lk_err *err)
{
	const struct ovmf_info *o = cfg->ovmf;
	bool hashed = false;
	int i;

	for (i = 0; i < o->nr_sections; i++) {
		const struct ovmf_section *sec = &o->sections[i];
		const char *name = ovmf_section_name(sec->type);
		char type[32];

		if (sec->gpa % PAGE_SIZE || sec->size % PAGE_SIZE || !sec->size)
			return err_set(err, LK_EXIT_USAGE, "%s: SNP metadata section %d at 0x%x, "
				       "0x%x bytes: not whole 4 KiB pages", cfg->firmware_path, i,
				       sec->gpa, sec->size);
		if (sec->type == OVMF_SECTION_KERNEL_HASHES && cfg->hashes &&
		    holds_hash_table(o, sec) && !hashed) {
			if (plan_snp_hashes(plan, cfg, i, sec, err))
				return -1;
			hashed = true;
			continue;
		}
		if (name)
			snprintf(type, sizeof(type), "%s", name);
		else
			snprintf(type, sizeof(type), "type 0x%x", sec->type);
		plan_add(plan, PLAN_SNP_UPDATE, section_page_type(sec->type), sec->gpa, sec->size,
			 NULL, "SNP metadata section %d (%s)", i, type);
	}
	if (cfg->hashes && !hashed)
		return err_set(err, LK_EXIT_USAGE, "%s: no SNP metadata section of type "
			       "KERNEL_HASHES holds its kernel-hash table at 0x%x: an SNP launch "
			       "cannot measure -k/-i/-p", cfg->firmware_path, o->hash_gpa);
	return 0;
}

/* A page can be populated once (KVM: -EEXIST): no two SNP_LAUNCH_UPDATE ranges may overlap. */
static int check_snp_overlaps(const struct plan *plan, const char *path, struct lk_err *err)
{
	int i, j;

	for (i = 0; i < plan->nr_steps; i++) {
		const struct plan_step *a = &plan->steps[i];

		for (j = 0; a->kind == PLAN_SNP_UPDATE && j < i; j++) {
			const struct plan_step *b = &plan->steps[j];

			if (b->kind == PLAN_SNP_UPDATE && a->gpa < b->gpa + b->len &&
			    b->gpa < a->gpa + a->len)
				return err_set(err, LK_EXIT_USAGE, "%s: %s at 0x%llx overlaps %s "
					       "at 0x%llx: an SNP launch populates a page once",
					       path, a->what, (unsigned long long)a->gpa, b->what,
					       (unsigned long long)b->gpa);
		}
	}
	return 0;
}

/* SNP (§4.3, §4.4): firmware pages, metadata sections, then the VMSA(s). */
static int plan_snp(struct plan *plan, const struct plan_config *cfg, struct lk_err *err)
{
	plan_add(plan, PLAN_SNP_UPDATE, SNP_PAGE_NORMAL, cfg->ovmf->load_gpa, cfg->firmware_size,
		 cfg->firmware, "firmware");
	plan->nr_firmware_steps = 1;
	if (plan_snp_sections(plan, cfg, err))
		return -1;
	/* The direct VMSA is the BSP's alone: APs get none and need no reset address. */
	if (plan_vmsas(plan, cfg, !cfg->direct_vmsa && cfg->nr_cpus > 1, err))
		return -1;
	if (cfg->direct_vmsa)
		plan_add(plan, PLAN_SNP_UPDATE, SNP_PAGE_VMSA, cfg->direct_vmsa_gpa,
			 VMSA_PAGE_SIZE, plan->vmsa_bsp, "direct VMSA (BSP)")->vcpu = 0;
	else
		plan_vcpu_vmsas(plan, cfg);
	return check_snp_overlaps(plan, cfg->firmware_path, err);
}

int plan_snp_firmware_check(const struct ovmf_info *o, const char *path, uint64_t ram_low,
			    struct lk_err *err)
{
	int i;

	/* QEMU refuses it too ("Failed to locate SEV metadata header"). */
	if (!o->has_metadata)
		return err_set(err, LK_EXIT_USAGE, "--firmware %s: no SNP metadata (OVMF's SEV "
			       "metadata, GUID dc886566-984a-4798-a75e-5585a7bf67cc): it cannot "
			       "launch an SNP guest", path);
	for (i = 0; ram_low && i < o->nr_sections; i++) {
		const struct ovmf_section *s = &o->sections[i];
		const char *name = ovmf_section_name(s->type);

		if ((uint64_t)s->gpa + s->size > ram_low)
			return err_set(err, LK_EXIT_USAGE, "--firmware %s: its SNP metadata puts %s "
				       "pages at 0x%x-0x%llx, past the guest's RAM below 4 GiB "
				       "(%llu MiB): give -m more", path, name ? name : "unknown",
				       s->gpa, (unsigned long long)s->gpa + s->size - 1,
				       (unsigned long long)(ram_low >> 20));
	}
	return 0;
}

int plan_build(struct plan *plan, const struct plan_config *cfg, struct lk_err *err)
{
	int max_steps = 2 + cfg->ovmf->nr_sections + (int)cfg->nr_cpus;
	int ret;

	*plan = (struct plan){ .mode = cfg->mode, .vmsa_features = cfg->vmsa_features };
	if (cfg->mode == SEV_MODE_NONE || !cfg->nr_cpus)
		return err_set(err, LK_EXIT_USAGE,
			       "internal: a launch plan needs a mode and vCPUs");
	if (cfg->mode == SEV_MODE_SNP && plan_snp_firmware_check(cfg->ovmf, cfg->firmware_path, 0,
								 err))
		return -1;
	if (cfg->mode == SEV_MODE_SNP)
		plan->vmsa_features |= LK_SVM_SEV_FEAT_SNP_ACTIVE;
	if (cfg->hashes && check_hash_table(cfg, err))
		return -1;
	plan->steps = calloc((size_t)max_steps, sizeof(*plan->steps));
	if (!plan->steps)
		return err_set(err, LK_EXIT_HOST, "out of memory for the launch plan");
	ret = cfg->mode == SEV_MODE_SNP ? plan_snp(plan, cfg, err) : plan_sev(plan, cfg, err);
	if (ret)
		plan_free(plan);
	return ret;
}

void plan_free(struct plan *plan)
{
	/* VMSA contents must not outlive their use (issue 6). */
	if (plan->vmsa_bsp)
		explicit_bzero(plan->vmsa_bsp, VMSA_PAGE_SIZE);
	if (plan->vmsa_ap)
		explicit_bzero(plan->vmsa_ap, VMSA_PAGE_SIZE);
	free(plan->vmsa_bsp);
	free(plan->vmsa_ap);
	free(plan->hashes);
	free(plan->steps);
	*plan = (struct plan){ 0 };
}
