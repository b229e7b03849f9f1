/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Firmware images: a file given with --firmware, or the default firmware
 * embedded in the binary. Either way the result is page-aligned, private,
 * writable host memory holding the image (the file itself is never
 * written), ready to be mapped so that it ends at 4 GiB.
 */
#ifndef LKVM_FIRMWARE_IMAGE_H
#define LKVM_FIRMWARE_IMAGE_H

#include <stdbool.h>
#include <stdint.h>

#include "util/err.h"

#define FIRMWARE_MAX_SIZE	(16ULL << 20)
#define FIRMWARE_ALIGN		4096ULL

struct fw_image {
	const char *path;	/* "(embedded)" for the default */
	uint64_t size;
	void *data;
};

/* Refuses (status 2, one line) what cannot be firmware. */
int fw_image_open(struct fw_image *fw, const char *path, struct lk_err *err);
int fw_image_embedded(struct fw_image *fw, struct lk_err *err);
void fw_image_close(struct fw_image *fw);

#endif
