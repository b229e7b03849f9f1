/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The launch digest of a plan, as the PSP computes it: SEV and SEV-ES hash
 * every measured byte with SHA-256; SNP chains SHA-384 over one PAGE_INFO
 * per 4 KiB page (SEV-KVM-API.md §4.3; SNP ABI, PAGE_INFO).
 */
#ifndef LKVM_SEV_DIGEST_H
#define LKVM_SEV_DIGEST_H

#include <stddef.h>
#include <stdint.h>

#include "sev/plan.h"

#define LAUNCH_DIGEST_MAX	48	/* SHA-384 */

struct launch_digest {
	const char *algorithm;		/* "sha256" or "sha384" */
	size_t len;
	uint8_t bytes[LAUNCH_DIGEST_MAX];
};

/*
 * The digest after the first @nr_steps steps of @plan: plan->nr_steps for
 * the launch, plan->nr_firmware_steps for the firmware alone.
 */
void plan_digest(const struct plan *plan, int nr_steps, struct launch_digest *d);

/* Lower-case hex into @out (2 * LAUNCH_DIGEST_MAX + 1 bytes). */
void launch_digest_hex(const struct launch_digest *d, char *out);

#endif
