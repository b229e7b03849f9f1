// SPDX-License-Identifier: GPL-2.0-only
/* The SEV kernel-hash table: hashing -k/-i/-p and laying out the table. */
#include <nettle/sha2.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>

#include "sev/hashes.h"
#include "util/file.h"

struct efi_guid {
	uint32_t d1;
	uint16_t d2, d3;
	uint8_t d4[8];
};
_Static_assert(sizeof(struct efi_guid) == 16, "EFI GUID size");
/* EFI's mixed-endian byte order is the struct's memory image on x86. */
_Static_assert(__BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__, "little-endian host");

/* Written as their canonical strings read: 9438d606-4f22-4cc9-b479-a793d411fd21. */
static const struct efi_guid guid_table = {
	0x9438d606, 0x4f22, 0x4cc9, { 0xb4, 0x79, 0xa7, 0x93, 0xd4, 0x11, 0xfd, 0x21 } };
static const struct efi_guid guid_cmdline = {
	0x97d02dd8, 0xbd20, 0x4c94, { 0xaa, 0x78, 0xe7, 0x71, 0x4d, 0x36, 0xab, 0x2a } };
static const struct efi_guid guid_initrd = {
	0x44baf731, 0x3a2f, 0x4bd7, { 0x9a, 0xf1, 0x41, 0xe2, 0x91, 0x69, 0x78, 0x1d } };
static const struct efi_guid guid_kernel = {
	0x4de79437, 0xabd2, 0x427f, { 0xb8, 0x35, 0xd5, 0xb1, 0x72, 0xd2, 0x04, 0x5b } };

void sev_hash_bytes(uint8_t out[SEV_HASH_LEN], const void *data, size_t size)
{
	struct sha256_ctx ctx;

	sha256_init(&ctx);
	sha256_update(&ctx, size, data);
	sha256_digest(&ctx, SEV_HASH_LEN, out);
}

void sev_hash_cmdline(uint8_t out[SEV_HASH_LEN], const char *cmdline)
{
	if (!cmdline)
		cmdline = "";
	sev_hash_bytes(out, cmdline, strlen(cmdline) + 1);
}

int sev_hash_file(const char *opt, const char *path, uint8_t out[SEV_HASH_LEN],
		  struct lk_err *err)
{
	struct stat st;
	size_t size;
	void *data;

	/* file_load() refuses empty files, which are fine here (an empty initrd). */
	if (!stat(path, &st) && S_ISREG(st.st_mode) && !st.st_size) {
		sev_hash_bytes(out, "", 0);
		return 0;
	}
	if (file_load(opt, path, PROT_READ, &data, &size, err))
		return -1;
	sev_hash_bytes(out, data, size);
	file_unload(data, size);
	return 0;
}

/* One {GUID, u16 length, hash} entry at @p; returns the byte after it. */
static uint8_t *put_entry(uint8_t *p, const struct efi_guid *guid, uint16_t len,
			  const uint8_t *hash)
{
	memcpy(p, guid, sizeof(*guid));
	memcpy(p + 16, &len, sizeof(len));
	if (hash)
		memcpy(p + 18, hash, SEV_HASH_LEN);
	return p + 18 + (hash ? SEV_HASH_LEN : 0);
}

void sev_hash_table(uint8_t table[SEV_HASH_TABLE_SIZE], const struct sev_kernel_hashes *h)
{
	uint8_t *p = table;

	memset(table, 0, SEV_HASH_TABLE_SIZE);
	p = put_entry(p, &guid_table, SEV_HASH_TABLE_LEN, NULL);
	p = put_entry(p, &guid_cmdline, SEV_HASH_ENTRY_LEN, h->cmdline);
	p = put_entry(p, &guid_initrd, SEV_HASH_ENTRY_LEN, h->initrd);
	put_entry(p, &guid_kernel, SEV_HASH_ENTRY_LEN, h->kernel);
}
