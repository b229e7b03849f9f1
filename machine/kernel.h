/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Direct kernel boot: the bzImage, initrd and command line given with -k,
 * -i and -p, split and served through fw_cfg the way OVMF's kernel loader
 * (QemuKernelLoaderFsDxe) reads them. The kernel is served exactly as the
 * file holds it, without patching its setup header, so that the hash a
 * firmware checks (SEV kernel hashes) is the file's.
 */
#ifndef LKVM_MACHINE_KERNEL_H
#define LKVM_MACHINE_KERNEL_H

#include <stddef.h>
#include <stdint.h>

#include "util/err.h"

/* Offsets in the bzImage header (Documentation/arch/x86/boot.rst). */
#define BZ_SETUP_SECTS	0x1f1
#define BZ_BOOT_FLAG	0x1fe
#define BZ_HEADER	0x202
#define BZ_VERSION	0x206
#define BZ_BOOT_FLAG_VALUE	0xaa55
#define BZ_HEADER_MAGIC	0x53726448	/* "HdrS" */

struct kernel_image {
	void *file;		/* the whole bzImage, mapped read-only */
	size_t file_size;
	uint32_t setup_size;	/* the real-mode part: (setup_sects + 1) * 512 */
	void *initrd;
	size_t initrd_size;
	char *cmdline;		/* with its NUL, which is part of what is hashed */
	uint32_t cmdline_size;
};

/* Where a bzImage splits into setup and kernel; -1 and @why if it is not one. */
int bzimage_setup_size(const uint8_t *d, size_t size, uint32_t *setup_size, const char **why);

/* @initrd and @cmdline may be NULL. Status 2 with the reason for bad input. */
int kernel_load(struct kernel_image *k, const char *kernel, const char *initrd,
		const char *cmdline, struct lk_err *err);
void kernel_unload(struct kernel_image *k);

#endif
