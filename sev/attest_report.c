// SPDX-License-Identifier: GPL-2.0-only
/* Parsing an SEV-SNP attestation report, field by field at its offsets. */
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>

#include "sev/attest_report.h"
#include "util/file.h"

static uint32_t le32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
	       (uint32_t)p[3] << 24;
}

static uint64_t le64(const uint8_t *p)
{
	return (uint64_t)le32(p) | (uint64_t)le32(p + 4) << 32;
}

#define FIELD(r, name, off)	memcpy((r)->name, (r)->raw + (off), sizeof((r)->name))

int snp_report_parse(struct snp_report *r, const uint8_t *buf, size_t len, const char *what,
		     struct lk_err *err)
{
	uint32_t key_info;

	memset(r, 0, sizeof(*r));
	if (len != SNP_REPORT_SIZE)
		return err_set(err, LK_EXIT_USAGE, "%s: %zu bytes, but an SNP attestation report "
			       "is %d", what, len, SNP_REPORT_SIZE);
	memcpy(r->raw, buf, SNP_REPORT_SIZE);
	r->version = le32(buf + SNP_REPORT_VERSION);
	if (r->version < SNP_REPORT_MIN_VERSION || r->version > SNP_REPORT_MAX_VERSION)
		return err_set(err, LK_EXIT_USAGE, "%s: report version %u: lkvm-sev reads "
			       "versions %d to %d", what, r->version, SNP_REPORT_MIN_VERSION,
			       SNP_REPORT_MAX_VERSION);
	r->guest_svn = le32(buf + SNP_REPORT_GUEST_SVN);
	r->policy = le64(buf + SNP_REPORT_POLICY);
	r->vmpl = le32(buf + SNP_REPORT_VMPL);
	r->sig_algo = le32(buf + SNP_REPORT_SIG_ALGO);
	r->current_tcb = le64(buf + SNP_REPORT_CURRENT_TCB);
	r->platform_info = le64(buf + SNP_REPORT_PLATFORM_INFO);
	key_info = le32(buf + SNP_REPORT_KEY_INFO);
	r->author_key_en = key_info & 1;
	r->mask_chip_key = key_info >> 1 & 1;
	r->signing_key = key_info >> 2 & 7;
	r->reported_tcb = le64(buf + SNP_REPORT_REPORTED_TCB);
	r->committed_tcb = le64(buf + SNP_REPORT_COMMITTED_TCB);
	r->launch_tcb = le64(buf + SNP_REPORT_LAUNCH_TCB);
	r->has_cpuid = r->version >= 3;
	if (r->has_cpuid) {
		r->cpuid_family = buf[SNP_REPORT_CPUID_FAM_ID];
		r->cpuid_model = buf[SNP_REPORT_CPUID_MOD_ID];
		r->cpuid_stepping = buf[SNP_REPORT_CPUID_STEP];
	}
	FIELD(r, family_id, SNP_REPORT_FAMILY_ID);
	FIELD(r, image_id, SNP_REPORT_IMAGE_ID);
	FIELD(r, report_data, SNP_REPORT_REPORT_DATA);
	FIELD(r, measurement, SNP_REPORT_MEASUREMENT);
	FIELD(r, host_data, SNP_REPORT_HOST_DATA);
	FIELD(r, id_key_digest, SNP_REPORT_ID_KEY_DIGEST);
	FIELD(r, author_key_digest, SNP_REPORT_AUTHOR_KEY_DIGEST);
	FIELD(r, report_id, SNP_REPORT_REPORT_ID);
	FIELD(r, chip_id, SNP_REPORT_CHIP_ID);
	return 0;
}

int snp_report_read(const char *path, struct snp_report *r, struct lk_err *err)
{
	char what[4200];
	size_t size;
	void *data;
	int ret;

	if (file_load("REPORT", path, PROT_READ, &data, &size, err))
		return -1;
	snprintf(what, sizeof(what), "REPORT %s", path);
	ret = snp_report_parse(r, data, size, what, err);
	file_unload(data, size);
	return ret;
}

static bool all_zero(const uint8_t *p, size_t n)
{
	while (n--)
		if (*p++)
			return false;
	return true;
}

enum snp_tcb_layout snp_report_tcb_layout(const struct snp_report *r, const char *product)
{
	if (r->has_cpuid && r->cpuid_family == 0x19)
		return SNP_TCB_FAMILY_19H;
	if (r->has_cpuid && r->cpuid_family == 0x1a)	/* Turin, Venice */
		return SNP_TCB_FAMILY_1AH;
	if (product && (!strncmp(product, "Milan", 5) || !strncmp(product, "Genoa", 5)))
		return SNP_TCB_FAMILY_19H;
	if (product && !strncmp(product, "Turin", 5))
		return SNP_TCB_FAMILY_1AH;
	/* Version 2 without a VCEK to ask: Turin's chip ID is its first 8 bytes. */
	if (all_zero(r->chip_id, sizeof(r->chip_id)))
		return SNP_TCB_UNKNOWN;
	return all_zero(r->chip_id + 8, sizeof(r->chip_id) - 8) ? SNP_TCB_FAMILY_1AH :
	       SNP_TCB_FAMILY_19H;
}

void snp_tcb_decode(uint64_t raw, enum snp_tcb_layout layout, struct snp_tcb *t)
{
	uint8_t b[8];
	int i;

	for (i = 0; i < 8; i++)
		b[i] = (uint8_t)(raw >> (8 * i));
	memset(t, 0, sizeof(*t));
	if (layout == SNP_TCB_FAMILY_1AH) {
		*t = (struct snp_tcb){ .has_fmc = true, .fmc = b[0], .bootloader = b[1],
				       .tee = b[2], .snp = b[3], .microcode = b[7] };
		return;
	}
	*t = (struct snp_tcb){ .bootloader = b[0], .tee = b[1], .snp = b[6], .microcode = b[7] };
}

void snp_tcb_format(const struct snp_tcb *t, char *out, size_t size)
{
	char fmc[16] = "";

	if (t->has_fmc)
		snprintf(fmc, sizeof(fmc), "fmc %u, ", t->fmc);
	snprintf(out, size, "%sbootloader %u, tee %u, snp %u, microcode %u", fmc, t->bootloader,
		 t->tee, t->snp, t->microcode);
}

const char *snp_signing_key_name(unsigned int key, char *buf, size_t size)
{
	switch (key) {
	case SNP_SIGNING_VCEK:
		return "VCEK";
	case SNP_SIGNING_VLEK:
		return "VLEK";
	case SNP_SIGNING_NONE:
		return "none";
	}
	snprintf(buf, size, "key %u", key);
	return buf;
}
