/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The launch plan: the ordered list of what an SEV, SEV-ES or SNP launch
 * measures (SEV-KVM-API.md §4), with each step's GPA, length, page type and
 * contents. One data structure for both users: `lkvm-sev measure` hashes it
 * into the expected launch digest (sev/digest.h), `lkvm-sev run` executes
 * it through KVM_MEMORY_ENCRYPT_OP, step by step in this order, so the
 * digest printed is the digest of the launch performed.
 */
#ifndef LKVM_SEV_PLAN_H
#define LKVM_SEV_PLAN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "firmware/ovmf.h"
#include "sev/hashes.h"
#include "util/err.h"

enum sev_mode {
	SEV_MODE_NONE = 0,
	SEV_MODE_SEV,
	SEV_MODE_SEV_ES,
	SEV_MODE_SNP,
};

/*
 * SNP page types: the firmware's PAGE_INFO values, which KVM's
 * KVM_SEV_SNP_PAGE_TYPE_* keep (VMSA = 2 only with the direct-VMSA patch).
 */
enum snp_page_type {
	SNP_PAGE_NONE = 0,		/* not an SNP step */
	SNP_PAGE_NORMAL = 1,
	SNP_PAGE_VMSA = 2,
	SNP_PAGE_ZERO = 3,
	SNP_PAGE_UNMEASURED = 4,
	SNP_PAGE_SECRETS = 5,
	SNP_PAGE_CPUID = 6,
};

enum plan_kind {
	/* SEV, SEV-ES: KVM_SEV_LAUNCH_UPDATE_DATA of [gpa, gpa + len), encrypted in place. */
	PLAN_SEV_DATA,
	/*
	 * SEV-ES: KVM_SEV_LAUNCH_UPDATE_VMSA (one call for all vCPUs, after the
	 * data). KVM builds each page from the vCPU's registers; @data is the page
	 * the registers must produce, for the digest and for run's cross-check.
	 */
	PLAN_SEV_ES_VMSA,
	/* SNP: KVM_SEV_SNP_LAUNCH_UPDATE of whole pages of one @snp_type (the direct VMSA too). */
	PLAN_SNP_UPDATE,
	/*
	 * SNP, classic flow: SNP_LAUNCH_FINISH measures each vCPU's KVM-built
	 * VMSA at SNP_KVM_VMSA_GPA; @data is the page it must be, as above.
	 */
	PLAN_SNP_KVM_VMSA,
};

/* Where the firmware records the VMSAs KVM creates: GPA (u64)-1, page-aligned, bits 51+ clear. */
#define SNP_KVM_VMSA_GPA	0xFFFFFFFFF000ULL

/*
 * The default GPA of the direct VMSA (seed 001), for measure and run alike:
 * KVM's own VMSA address. A 4 KiB page that is not 2 MiB-aligned (the SNP
 * erratum KVM enforces for VMSAs); the last page of a 48-bit guest physical
 * space (EPYC's width), so above any RAM lkvm-sev lays out (-m is at most
 * 1 TiB) and far from the firmware below 4 GiB, whatever -m and -c; no
 * launch populates it otherwise. The BSP's measured PAGE_INFO is then the
 * classic flow's, so the direct digest equals the classic 1-vCPU digest
 * (the vectors' README): an attester who knows that digest needs no other.
 */
#define SEV_DIRECT_VMSA_GPA	SNP_KVM_VMSA_GPA

struct plan_step {
	enum plan_kind kind;
	enum snp_page_type snp_type;	/* SNP_PAGE_NONE for SEV and SEV-ES steps */
	uint64_t gpa;
	uint64_t len;			/* bytes; whole 4 KiB pages for SNP steps */
	/*
	 * The bytes measured: into plan_config.firmware, or a buffer the plan
	 * owns (4 KiB-aligned: SNP_LAUNCH_UPDATE wants an aligned source). NULL
	 * for ZERO, SECRETS, CPUID and UNMEASURED, whose contents are not
	 * measured (run fills the CPUID page from KVM itself, §7.2). SEV and
	 * SEV-ES encrypt in place: run copies a data step's bytes to the guest
	 * memory at @gpa first (the hash table; the firmware is already there).
	 */
	const uint8_t *data;
	int vcpu;			/* VMSA steps: the vCPU index; -1 otherwise */
	char what[64];			/* "firmware", "VMSA vCPU 1", ... */
};

/* What shapes a launch: the options `run` and `measure` share. */
struct plan_config {
	enum sev_mode mode;
	const char *firmware_path;	/* for messages */
	const uint8_t *firmware;	/* the image (run: the guest memory holding it) */
	uint64_t firmware_size;
	const struct ovmf_info *ovmf;	/* ovmf_parse() of the same image */
	unsigned int nr_cpus;
	uint32_t cpu_sig;		/* CPUID 1 EAX: RDX of every VMSA */
	uint64_t vmsa_features;		/* KVM_SEV_INIT2's; SNP_ACTIVE is added for SNP */
	bool legacy_vm_type;		/* KVM_SEV_INIT / KVM_SEV_ES_INIT: no x87/MXCSR */
	bool direct_vmsa;		/* SNP: one BSP VMSA at direct_vmsa_gpa, none for APs */
	uint64_t direct_vmsa_gpa;
	const struct sev_kernel_hashes *hashes;	/* -k/-i/-p given; NULL otherwise */
};

struct plan {
	enum sev_mode mode;
	uint64_t vmsa_features;		/* as the VMSAs carry them */
	int nr_steps;
	int nr_firmware_steps;		/* the leading steps that load the firmware */
	struct plan_step *steps;
	/* Owned buffers the steps point into. */
	uint8_t *hashes;		/* SEV/SEV-ES: the padded table; SNP: its section's pages */
	size_t hashes_size;
	uint8_t *vmsa_bsp;		/* VMSA_PAGE_SIZE each, 4 KiB-aligned */
	uint8_t *vmsa_ap;
};

/*
 * Builds the plan for @cfg. Status 2 and one line for a launch that cannot
 * be done: a kernel for a firmware without a hash table, APs without a
 * reset address, metadata sections that overlap or are not whole pages.
 * The rules between options (legacy VM type and features, direct VMSA only
 * for SNP, ...) are sev_opts_check()'s (sev/options.h): @cfg obeys them.
 */
int plan_build(struct plan *plan, const struct plan_config *cfg, struct lk_err *err);
/*
 * What an SNP launch needs of the firmware @o (named @path): its metadata
 * (QEMU refuses an image without it), with every section inside the
 * @ram_low bytes of RAM at GPA 0 (0: not checked). Status 2 and one line.
 */
int plan_snp_firmware_check(const struct ovmf_info *o, const char *path, uint64_t ram_low,
			    struct lk_err *err);
/* Frees what plan_build() allocated, zeroing the VMSA pages first. */
void plan_free(struct plan *plan);

/* "plain", "SEV", "SEV-ES", "SNP"; "NORMAL", "VMSA", ...; "LAUNCH_UPDATE_DATA", ... */
const char *sev_mode_name(enum sev_mode mode);
const char *snp_page_type_name(enum snp_page_type type);
const char *plan_kind_name(enum plan_kind kind);

#endif
