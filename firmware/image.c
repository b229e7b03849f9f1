// SPDX-License-Identifier: GPL-2.0-only
/* Loading and validating firmware images. */
#include <string.h>
#include <sys/mman.h>

#include "firmware/image.h"
#include "firmware/ovmf.h"
#include "util/file.h"

/* Assembled from firmware/default.S at build time (firmware/default_blob.S). */
extern const unsigned char lkvm_default_firmware[];
extern const unsigned char lkvm_default_firmware_end[];

static int fw_check_size(struct lk_err *err, const char *path, uint64_t size)
{
	if (size == 0)
		return err_set(err, LK_EXIT_USAGE, "--firmware %s: empty file", path);
	if (size % FIRMWARE_ALIGN)
		return err_set(err, LK_EXIT_USAGE,
			       "--firmware %s: size %llu bytes is not a multiple of 4 KiB",
			       path, (unsigned long long)size);
	if (size > FIRMWARE_MAX_SIZE)
		return err_set(err, LK_EXIT_USAGE,
			       "--firmware %s: %llu bytes is too large: firmware must fit "
			       "in the 16 MiB below 4 GiB", path, (unsigned long long)size);
	return 0;
}

int fw_image_open(struct fw_image *fw, const char *path, struct lk_err *err)
{
	size_t size;
	void *p;

	*fw = (struct fw_image){ .path = path };
	/*
	 * A private, writable copy: KVM may need to write the pages (SEV
	 * launch updates encrypt in place), the file stays intact, and the
	 * image that boots (and is hashed for the report) is the one read now,
	 * whatever happens to the file during the run.
	 */
	if (file_load("--firmware", path, PROT_READ | PROT_WRITE, &p, &size, err))
		return -1;
	if (fw_check_size(err, path, size)) {
		file_unload(p, size);
		return -1;
	}
	if (ovmf_not_firmware(p, size)) {
		err_set(err, LK_EXIT_USAGE, "--firmware %s: %s", path, ovmf_not_firmware(p, size));
		file_unload(p, size);
		return -1;
	}
	fw->size = size;
	fw->data = p;
	return 0;
}

int fw_image_embedded(struct fw_image *fw, struct lk_err *err)
{
	size_t size = (size_t)(lkvm_default_firmware_end - lkvm_default_firmware);
	void *p;

	*fw = (struct fw_image){ .path = "(embedded default firmware)" };
	if (fw_check_size(err, fw->path, size))
		return -1;
	p = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (p == MAP_FAILED)
		return err_sys(err, "mmap for the default firmware");
	memcpy(p, lkvm_default_firmware, size);
	fw->size = size;
	fw->data = p;
	return 0;
}

void fw_image_close(struct fw_image *fw)
{
	if (fw->data)
		munmap(fw->data, fw->size);
	fw->data = NULL;
}
