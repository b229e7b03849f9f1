/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * What a VMM reads from an OVMF image (SEV-KVM-API.md §6): the footer GUID
 * table at the end of the flash, the SEV info block (the SEV-ES AP reset
 * address), the SNP metadata sections ("ASEV"), the kernel-hash table and
 * secret area locations, and the reset vector. Parsing never reads outside
 * the image; a malformed image gives status 2 and where the format breaks.
 */
#ifndef LKVM_FIRMWARE_OVMF_H
#define LKVM_FIRMWARE_OVMF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "util/err.h"

#define OVMF_MAX_ENTRIES	32
#define OVMF_MAX_SECTIONS	32
/* QEMU reads the GUID table only from images of at least one page. */
#define OVMF_TABLE_MIN_IMAGE	4096
#define OVMF_GUID_STR_LEN	37	/* "xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx" and NUL */

/* SNP metadata section types (§6.4). */
enum ovmf_section_type {
	OVMF_SECTION_SNP_SEC_MEM = 1,
	OVMF_SECTION_SNP_SECRETS = 2,
	OVMF_SECTION_CPUID = 3,
	OVMF_SECTION_SVSM_CAA = 4,
	OVMF_SECTION_KERNEL_HASHES = 0x10,
};

struct ovmf_guid_entry {
	uint8_t guid[16];	/* as in the image (EFI mixed-endian) */
	const char *name;	/* a known GUID's name, NULL otherwise */
	uint64_t data_offset;	/* of the entry's data, from the start of the image */
	uint16_t data_len;
};

struct ovmf_section {
	uint32_t gpa;
	uint32_t size;
	uint32_t type;		/* enum ovmf_section_type, or unknown values as found */
};

struct ovmf_info {
	uint64_t size;
	uint64_t load_gpa;		/* 4 GiB - size */
	uint8_t reset_vector[16];	/* the last 16 bytes */
	/*
	 * The reset vector as the BSP runs it (real mode, CS base 0xffff0000,
	 * IP 0xfff0, CR0.PE clear): "mov eax, cr0; ...; jmp 0xffffff10".
	 * reset_jumps: it leaves the last 16 bytes, to reset_target.
	 */
	char reset_decode[160];
	bool reset_jumps;
	uint32_t reset_target;

	bool has_table;			/* footer GUID present (and image >= 4 KiB) */
	uint16_t table_len;		/* the footer's total length, with its 18 bytes */
	uint64_t table_offset;		/* size - 32 - table_len */
	unsigned int table_unused;	/* bytes at its start too few for an entry (ignored) */
	int nr_entries;
	struct ovmf_guid_entry entries[OVMF_MAX_ENTRIES];

	bool has_sev_info;
	uint32_t sev_es_reset;		/* AP reset CS:IP = addr & 0xffff0000 : addr & 0xffff */
	bool sev_info_legacy;		/* found by QEMU's fallback: no table, GUID at end - 48 */
	uint64_t sev_info_offset;	/* of the reset address in the image */

	/* An entry whose base is 0 (OvmfPkgX64 has zeroed ones) counts as absent. */
	bool has_hash_table;
	uint32_t hash_gpa, hash_size;
	bool has_secret;
	uint32_t secret_gpa, secret_size;

	bool has_metadata;
	uint32_t metadata_offset;	/* from the end of the image */
	uint32_t metadata_version;
	uint32_t metadata_len;		/* the header's length field */
	int nr_sections;
	struct ovmf_section sections[OVMF_MAX_SECTIONS];
};

/* 96b582de-1fb2-45f7-baea-a366c55a082d, at end - 48 (EFI byte order). */
bool ovmf_has_footer(const uint8_t *image, size_t size);

/*
 * OVMF's flash device is a power of two: VARS directly below CODE fill it
 * (2 MiB: 0x20000 + 0x1e0000; 4 MiB: 0x84000 + 0x37c000). The variable
 * store size that the code expects.
 */
uint64_t ovmf_expected_vars_size(uint64_t code_size);

/*
 * Parses @image (named @path in messages) as QEMU does (SEV-KVM-API.md
 * §6): the table walked backwards from the footer, known entries taken from
 * their first occurrence, and the legacy SEV info block (GUID at end - 48)
 * where the table has none. An image without the footer is not an error
 * (has_table false); a table that is there but broken is: status 2, "PATH:
 * <what> at offset 0x...: <why>". So are images under 16 bytes or over
 * 4 GiB. Nothing outside [image, image + size) is read.
 */
int ovmf_parse(const char *path, const uint8_t *image, size_t size, struct ovmf_info *info,
	       struct lk_err *err);

/*
 * Whether @image is a UEFI variable store (OVMF_VARS): one firmware volume
 * ("_FVH") of EFI_SYSTEM_NV_DATA_FV_GUID that fills the file; data, not
 * code. (OVMF.fd starts with one too, and its code follows.)
 */
bool ovmf_is_varstore(const uint8_t *image, size_t size);
/*
 * Why @image cannot be firmware at all, or NULL: a variable store, a size
 * that is not whole 4 KiB pages, nothing at the reset vector (its last 16
 * bytes all 0x00 or all 0xff). For "PATH: <why>" messages.
 */
const char *ovmf_not_firmware(const uint8_t *image, size_t size);

/* "SEC_MEM", "SECRETS", "CPUID", "SVSM_CAA", "KERNEL_HASHES", or NULL. */
const char *ovmf_section_name(uint32_t type);

/* @guid (EFI byte order) as text, lower case, into @buf[OVMF_GUID_STR_LEN]. */
void ovmf_guid_str(const uint8_t guid[16], char *buf);

#endif
