// SPDX-License-Identifier: GPL-2.0-only
/* Loading and checking a bzImage, its initrd and command line. */
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "machine/kernel.h"
#include "util/file.h"

static uint32_t le(const uint8_t *p, unsigned int n)
{
	uint32_t v = 0;

	while (n--)
		v = (v << 8) | p[n];
	return v;
}

int bzimage_setup_size(const uint8_t *d, size_t size, uint32_t *setup_size, const char **why)
{
	uint32_t sects;

	if (size < BZ_VERSION + 2) {
		*why = "too small to hold a boot header";
		return -1;
	}
	if (le(d + BZ_BOOT_FLAG, 2) != BZ_BOOT_FLAG_VALUE) {
		*why = "no boot flag 0xaa55 at offset 0x1fe";
		return -1;
	}
	if (le(d + BZ_HEADER, 4) != BZ_HEADER_MAGIC) {
		*why = "no 'HdrS' header at offset 0x202";
		return -1;
	}
	/* 2.06 brought cmdline_size, which the firmware's loader relies on. */
	if (le(d + BZ_VERSION, 2) < 0x0206) {
		*why = "boot protocol older than 2.06";
		return -1;
	}
	sects = d[BZ_SETUP_SECTS] ? d[BZ_SETUP_SECTS] : 4;
	*setup_size = (sects + 1) * 512;
	if (*setup_size >= size) {
		*why = "the setup code covers the whole file: no kernel after it";
		return -1;
	}
	return 0;
}

static int kernel_map(const char *opt, const char *path, void **data, size_t *size,
		      struct lk_err *err)
{
	if (file_load(opt, path, PROT_READ, data, size, err))
		return -1;
	/* fw_cfg sizes are 32-bit. */
	if (*size > UINT32_MAX)
		return err_set(err, LK_EXIT_USAGE, "%s %s: larger than 4 GiB", opt, path);
	return 0;
}

int kernel_load(struct kernel_image *k, const char *kernel, const char *initrd,
		const char *cmdline, struct lk_err *err)
{
	const char *why;

	memset(k, 0, sizeof(*k));
	if (kernel_map("-k", kernel, &k->file, &k->file_size, err))
		return -1;
	if (bzimage_setup_size(k->file, k->file_size, &k->setup_size, &why))
		return err_set(err, LK_EXIT_USAGE, "-k %s: not a bzImage: %s", kernel, why);
	if (initrd && kernel_map("-i", initrd, &k->initrd, &k->initrd_size, err))
		return -1;
	k->cmdline = strdup(cmdline ? cmdline : "");
	if (!k->cmdline)
		return err_sys(err, "strdup");
	k->cmdline_size = (uint32_t)strlen(k->cmdline) + 1;
	return 0;
}

void kernel_unload(struct kernel_image *k)
{
	file_unload(k->file, k->file_size);
	file_unload(k->initrd, k->initrd_size);
	free(k->cmdline);
	memset(k, 0, sizeof(*k));
}
