/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * What the SEV unit tests share: firmware images from ../shared/vectors
 * (or an absolute path) read and parsed, and a plan configuration for them.
 * A missing file fails the test: the vectors are part of the project.
 */
#ifndef LKVM_TESTS_UNIT_TEST_SEV_H
#define LKVM_TESTS_UNIT_TEST_SEV_H

#include <stddef.h>
#include <stdint.h>

#include "firmware/ovmf.h"
#include "sev/plan.h"

#define DEBIAN_OVMF	"/usr/share/ovmf/OVMF.fd"
#define SIG_EPYC	0x800f12

struct sev_fw {
	char path[4096];
	uint8_t *data;
	size_t size;
	struct ovmf_info ovmf;
};

/* @name: a file in ../shared/vectors, or an absolute path. */
void sev_fw_load(struct sev_fw *fw, const char *name);
void sev_fw_free(struct sev_fw *fw);
/* A whole file into memory (free() it); fails the test if unreadable. */
uint8_t *sev_read_file(const char *path, size_t *size);

/* @mode's configuration for @fw: 1 vCPU, EPYC, no features, classic VMSAs, no kernel. */
struct plan_config sev_fw_config(const struct sev_fw *fw, enum sev_mode mode);
/* The launch digest of @pc in hex; fails the test if the plan is refused. */
const char *sev_digest_hex(const struct plan_config *pc, char *buf);

#endif
