/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The SEV-SNP attestation report (SEV-SNP ABI, ATTESTATION_REPORT; the
 * layout as virtee/sev's AttestationReport decodes it): 1184 bytes,
 * versions 2 to 5, little-endian, signed over bytes 0x000-0x29f with ECDSA
 * P-384 and SHA-384 by the VCEK or VLEK. Version 3 added the CPUID family,
 * model and stepping at 0x188, version 5 the mitigation vectors at 0x1f8.
 * The TCB versions' byte order depends on the processor generation: Milan
 * and Genoa (family 19h) put the bootloader, TEE, SNP and microcode SPLs in
 * bytes 0, 1, 6, 7; Turin and later (family 1Ah) the FMC, bootloader, TEE,
 * SNP and microcode in bytes 0, 1, 2, 3, 7.
 */
#ifndef LKVM_SEV_ATTEST_REPORT_H
#define LKVM_SEV_ATTEST_REPORT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "util/err.h"

#define SNP_REPORT_SIZE		1184
#define SNP_REPORT_SIGNED_LEN	0x2a0		/* the bytes the signature covers */
#define SNP_REPORT_MIN_VERSION	2
#define SNP_REPORT_MAX_VERSION	5
#define SNP_SIG_ALGO_ECDSA_P384_SHA384	1

/* Where each field lies (offsets used by the parser and by the tests that corrupt them). */
enum snp_report_offset {
	SNP_REPORT_VERSION = 0x000,
	SNP_REPORT_GUEST_SVN = 0x004,
	SNP_REPORT_POLICY = 0x008,
	SNP_REPORT_FAMILY_ID = 0x010,
	SNP_REPORT_IMAGE_ID = 0x020,
	SNP_REPORT_VMPL = 0x030,
	SNP_REPORT_SIG_ALGO = 0x034,
	SNP_REPORT_CURRENT_TCB = 0x038,
	SNP_REPORT_PLATFORM_INFO = 0x040,
	/* KEY_INFO: bit 0 AUTHOR_KEY_EN, bit 1 MASK_CHIP_KEY, bits 4:2 SIGNING_KEY. */
	SNP_REPORT_KEY_INFO = 0x048,
	SNP_REPORT_REPORT_DATA = 0x050,
	SNP_REPORT_MEASUREMENT = 0x090,
	SNP_REPORT_HOST_DATA = 0x0c0,
	SNP_REPORT_ID_KEY_DIGEST = 0x0e0,
	SNP_REPORT_AUTHOR_KEY_DIGEST = 0x110,
	SNP_REPORT_REPORT_ID = 0x140,
	SNP_REPORT_REPORT_ID_MA = 0x160,
	SNP_REPORT_REPORTED_TCB = 0x180,
	SNP_REPORT_CPUID_FAM_ID = 0x188,	/* version 3 and later */
	SNP_REPORT_CPUID_MOD_ID = 0x189,
	SNP_REPORT_CPUID_STEP = 0x18a,
	SNP_REPORT_CHIP_ID = 0x1a0,
	SNP_REPORT_COMMITTED_TCB = 0x1e0,
	SNP_REPORT_CURRENT_VERSION = 0x1e8,	/* build, minor, major */
	SNP_REPORT_COMMITTED_VERSION = 0x1ec,
	SNP_REPORT_LAUNCH_TCB = 0x1f0,
	SNP_REPORT_SIG_R = 0x2a0,		/* 72 bytes, little-endian */
	SNP_REPORT_SIG_S = 0x2e8,
};

/* KEY_INFO's SIGNING_KEY: which key signed the report. */
enum snp_signing_key {
	SNP_SIGNING_VCEK = 0,
	SNP_SIGNING_VLEK = 1,
	SNP_SIGNING_NONE = 7,
};

/* How a TCB version's bytes are laid out: by processor generation. */
enum snp_tcb_layout {
	SNP_TCB_UNKNOWN,
	SNP_TCB_FAMILY_19H,	/* Milan, Genoa */
	SNP_TCB_FAMILY_1AH,	/* Turin and later: with an FMC SPL */
};

struct snp_tcb {
	bool has_fmc;
	uint8_t fmc, bootloader, tee, snp, microcode;
};

struct snp_report {
	uint8_t raw[SNP_REPORT_SIZE];
	uint32_t version, guest_svn, vmpl, sig_algo;
	uint64_t policy, platform_info;
	bool author_key_en, mask_chip_key;
	unsigned int signing_key;		/* enum snp_signing_key, or another value */
	uint64_t current_tcb, reported_tcb, committed_tcb, launch_tcb;
	bool has_cpuid;				/* version 3 and later */
	uint8_t cpuid_family, cpuid_model, cpuid_stepping;
	uint8_t family_id[16], image_id[16], report_data[64], measurement[48], host_data[32];
	uint8_t id_key_digest[48], author_key_digest[48], report_id[32], chip_id[64];
};

/*
 * Reads and parses the report in @path. Status 2 and one line for a file
 * that is not a report: another size, an unknown version.
 */
int snp_report_read(const char *path, struct snp_report *r, struct lk_err *err);
/* The same for @len bytes at @buf (named @what in messages). */
int snp_report_parse(struct snp_report *r, const uint8_t *buf, size_t len, const char *what,
		     struct lk_err *err);

/*
 * The layout of @r's TCB versions: from its CPUID family (version 3 and
 * later) where that is an SNP one, else from the VCEK's product name
 * @product ("Milan-B0"; NULL or "" when unknown), else from the chip ID
 * (Turin's is 8 bytes, the rest 0).
 */
enum snp_tcb_layout snp_report_tcb_layout(const struct snp_report *r, const char *product);
void snp_tcb_decode(uint64_t raw, enum snp_tcb_layout layout, struct snp_tcb *t);
/* "bootloader 3, tee 0, snp 8, microcode 115" (an FMC first where there is one). */
void snp_tcb_format(const struct snp_tcb *t, char *out, size_t size);

/* "VCEK", "VLEK", "none", "key 3". */
const char *snp_signing_key_name(unsigned int key, char *buf, size_t size);

#endif
