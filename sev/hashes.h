/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * OVMF's SEV kernel-hash table (SEV-KVM-API.md §6.2): the SHA-256 of the
 * command line, initrd and kernel given with -p, -i and -k, in the layout
 * QEMU's build_kernel_loader_hashes() writes and OVMF checks before it
 * boots them. A launch measures the table, so the digest covers the kernel.
 */
#ifndef LKVM_SEV_HASHES_H
#define LKVM_SEV_HASHES_H

#include <stddef.h>
#include <stdint.h>

#include "util/err.h"

#define SEV_HASH_LEN		32	/* SHA-256 */
#define SEV_HASH_ENTRY_LEN	50	/* GUID, u16 length, hash */
#define SEV_HASH_TABLE_LEN	168	/* GUID, u16 length, three entries */
#define SEV_HASH_TABLE_SIZE	176	/* padded to 16 bytes: what is measured */

struct sev_kernel_hashes {
	uint8_t cmdline[SEV_HASH_LEN];
	uint8_t initrd[SEV_HASH_LEN];
	uint8_t kernel[SEV_HASH_LEN];
};

void sev_hash_bytes(uint8_t out[SEV_HASH_LEN], const void *data, size_t size);
/* The command line with its terminating NUL, as OVMF hashes it; NULL is "". */
void sev_hash_cmdline(uint8_t out[SEV_HASH_LEN], const char *cmdline);
/*
 * Hashes the file @path (named by option @opt in messages) as it is: an
 * empty file is fine. Status 2 and one line if it cannot be read.
 */
int sev_hash_file(const char *opt, const char *path, uint8_t out[SEV_HASH_LEN],
		  struct lk_err *err);

/* The table, zero-padded to SEV_HASH_TABLE_SIZE. */
void sev_hash_table(uint8_t table[SEV_HASH_TABLE_SIZE], const struct sev_kernel_hashes *h);

#endif
