// SPDX-License-Identifier: GPL-2.0-only
/* Hashing a launch plan into its launch digest (nettle's SHA-256 and SHA-384). */
#include <nettle/sha2.h>
#include <string.h>

#include "sev/digest.h"

#define PAGE_SIZE	4096
#define PAGE_INFO_LEN	0x70

/*
 * One SNP_LAUNCH_UPDATE page into the chain: the new digest is the SHA-384
 * of PAGE_INFO = digest (48) | contents (48) | u16 length 0x70 | u8 page
 * type | u8 IMI 0 | VMPL3, VMPL2, VMPL1 permissions 0 | reserved 0 | u64 GPA.
 */
static void snp_page_info(uint8_t ld[SHA384_DIGEST_SIZE], const uint8_t *contents,
			  uint8_t type, uint64_t gpa)
{
	uint8_t info[PAGE_INFO_LEN] = { 0 };
	struct sha384_ctx ctx;

	memcpy(info, ld, SHA384_DIGEST_SIZE);
	memcpy(info + 48, contents, SHA384_DIGEST_SIZE);
	info[96] = PAGE_INFO_LEN;
	info[98] = type;
	memcpy(info + 104, &gpa, sizeof(gpa));	/* little-endian host */
	sha384_init(&ctx);
	sha384_update(&ctx, sizeof(info), info);
	sha384_digest(&ctx, SHA384_DIGEST_SIZE, ld);
}

/* NORMAL and VMSA pages are measured by their SHA-384; the other types by zeros. */
static void snp_step(uint8_t ld[SHA384_DIGEST_SIZE], const struct plan_step *s)
{
	static const uint8_t zeros[SHA384_DIGEST_SIZE];
	bool measured = s->snp_type == SNP_PAGE_NORMAL || s->snp_type == SNP_PAGE_VMSA;
	uint8_t contents[SHA384_DIGEST_SIZE];
	struct sha384_ctx ctx;
	uint64_t off;

	for (off = 0; off < s->len; off += PAGE_SIZE) {
		if (measured) {
			sha384_init(&ctx);
			sha384_update(&ctx, PAGE_SIZE, s->data + off);
			sha384_digest(&ctx, SHA384_DIGEST_SIZE, contents);
		}
		snp_page_info(ld, measured ? contents : zeros, (uint8_t)s->snp_type, s->gpa + off);
	}
}

void plan_digest(const struct plan *plan, int nr_steps, struct launch_digest *d)
{
	struct sha256_ctx ctx;
	int i;

	memset(d, 0, sizeof(*d));
	if (plan->mode == SEV_MODE_SNP) {
		d->algorithm = "sha384";
		d->len = SHA384_DIGEST_SIZE;
		for (i = 0; i < nr_steps; i++)
			snp_step(d->bytes, &plan->steps[i]);
		return;
	}
	/* LAUNCH_UPDATE_DATA and LAUNCH_UPDATE_VMSA extend one SHA-256 stream. */
	d->algorithm = "sha256";
	d->len = SHA256_DIGEST_SIZE;
	sha256_init(&ctx);
	for (i = 0; i < nr_steps; i++)
		sha256_update(&ctx, plan->steps[i].len, plan->steps[i].data);
	sha256_digest(&ctx, SHA256_DIGEST_SIZE, d->bytes);
}

void launch_digest_hex(const struct launch_digest *d, char *out)
{
	static const char hex[] = "0123456789abcdef";
	size_t i;

	for (i = 0; i < d->len; i++) {
		out[2 * i] = hex[d->bytes[i] >> 4];
		out[2 * i + 1] = hex[d->bytes[i] & 0xf];
	}
	out[2 * d->len] = '\0';
}
