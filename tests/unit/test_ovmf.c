// SPDX-License-Identifier: GPL-2.0-only
/*
 * ovmf_parse(): the real images (the two edk2 fixtures in ../shared/vectors,
 * Debian's OVMF.fd), images built here that break the format in every way
 * it can break, and random mutations of a fixture. Every built image lives
 * in a malloc'd buffer of exactly its size, so that under AddressSanitizer
 * a read past either end fails the test.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "firmware/ovmf.h"
#include "tests/hostsim/test_hostsim.h"
#include "tests/tests.h"
#include "util/file.h"

/* GUIDs in image byte order, as SEV-KVM-API.md §6 lists them. */
static const uint8_t g_footer[16] = { 0xde, 0x82, 0xb5, 0x96, 0xb2, 0x1f, 0xf7, 0x45,
				      0xba, 0xea, 0xa3, 0x66, 0xc5, 0x5a, 0x08, 0x2d };
static const uint8_t g_sev[16] = { 0xde, 0x71, 0xf7, 0x00, 0x7e, 0x1a, 0xcb, 0x4f,
				   0x89, 0x0e, 0x68, 0xc7, 0x7e, 0x2f, 0xb4, 0x4e };
static const uint8_t g_meta[16] = { 0x66, 0x65, 0x88, 0xdc, 0x4a, 0x98, 0x98, 0x47,
				    0xa7, 0x5e, 0x55, 0x85, 0xa7, 0xbf, 0x67, 0xcc };
static const uint8_t g_other[16] = { 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16 };

static const char amdsev_decode[] =
	"mov eax, cr0; test al, 0x1; jz 0xfffffffc (taken); jmp 0xffffff10";

/* An image being built: entries go backwards from the footer, as they are read. */
struct img {
	uint8_t *p;
	size_t size;
	size_t pos;	/* where the next entry ends */
};

static void put16(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
}

static void put32(uint8_t *p, uint32_t v)
{
	put16(p, v);
	put16(p + 2, v >> 16);
}

static void img_new(struct img *b, size_t size, bool footer)
{
	b->p = calloc(1, size);
	ck_assert_ptr_nonnull(b->p);
	b->size = size;
	b->pos = size - 50;
	if (footer)
		memcpy(b->p + size - 48, g_footer, 16);
}

/* An entry with @dlen bytes of data (@data or zeros) and length field @len. */
static void img_entry_len(struct img *b, const uint8_t *guid, const void *data, size_t dlen,
			  uint32_t len)
{
	memcpy(b->p + b->pos - 16, guid, 16);
	put16(b->p + b->pos - 18, len);
	if (data)
		memcpy(b->p + b->pos - 18 - dlen, data, dlen);
	b->pos -= 18 + dlen;
}

static void img_entry32(struct img *b, const uint8_t *guid, uint32_t v)
{
	uint8_t data[4];

	put32(data, v);
	img_entry_len(b, guid, data, 4, 22);
}

/* Writes the footer's total length: the entries so far, or @total if not 0. */
static void img_close(struct img *b, uint32_t total)
{
	put16(b->p + b->size - 50, total ? total : (uint32_t)(b->size - 32 - b->pos));
}

/* SEV info block (0x80b004) and metadata at end - 0x554 with two sections. */
static void img_good(struct img *b)
{
	uint8_t *h;

	img_new(b, 4096, true);
	img_entry32(b, g_sev, 0x80b004);
	img_entry32(b, g_meta, 0x554);
	img_close(b, 0);
	h = b->p + 4096 - 0x554;
	memcpy(h, "ASEV", 4);
	put32(h + 4, 16 + 2 * 12);
	put32(h + 8, 1);
	put32(h + 12, 2);
	put32(h + 16, 0x800000);
	put32(h + 20, 0x9000);
	put32(h + 24, 1);
	put32(h + 28, 0x80d000);
	put32(h + 32, 0x1000);
	put32(h + 36, 2);
}

static void refused(struct img *b, const char *msg)
{
	struct ovmf_info info;
	struct lk_err err = { 0 };

	ck_assert_int_eq(ovmf_parse("T", b->p, b->size, &info, &err), -1);
	ck_assert_int_eq(err.status, LK_EXIT_USAGE);
	ck_assert_str_eq(err.msg, msg);
	free(b->p);
}

static void parsed(struct img *b, struct ovmf_info *info)
{
	struct lk_err err = { 0 };

	ck_assert_msg(!ovmf_parse("T", b->p, b->size, info, &err), "%s", err.msg);
	free(b->p);
}

/* A fixture from ../shared/vectors, in a buffer of exactly its size. */
static uint8_t *fixture(const char *name, size_t *size)
{
	const char *path = hs_shared(name);
	FILE *f = fopen(path, "rb");
	uint8_t *p;
	long n;

	ck_assert_msg(f, "%s is missing: ../shared (beside the clone) must hold the vectors",
		      path);
	ck_assert_int_eq(fseek(f, 0, SEEK_END), 0);
	n = ftell(f);
	ck_assert_int_gt(n, 0);
	rewind(f);
	p = malloc((size_t)n);
	ck_assert_ptr_nonnull(p);
	ck_assert_uint_eq(fread(p, 1, (size_t)n, f), (size_t)n);
	fclose(f);
	*size = (size_t)n;
	return p;
}

static void parse_fixture(const char *name, struct ovmf_info *info)
{
	struct lk_err err = { 0 };
	size_t size;
	uint8_t *p = fixture(name, &size);

	ck_assert_msg(!ovmf_parse(name, p, size, info, &err), "%s", err.msg);
	free(p);
}

static void check_entry(const struct ovmf_info *info, int i, uint64_t off, unsigned int len,
			const char *guid, const char *name)
{
	char s[OVMF_GUID_STR_LEN];

	ovmf_guid_str(info->entries[i].guid, s);
	ck_assert_str_eq(s, guid);
	ck_assert_str_eq(info->entries[i].name, name);
	ck_assert_uint_eq(info->entries[i].data_offset, off);
	ck_assert_uint_eq(info->entries[i].data_len, len - 18);
}

/* The five entries both edk2-stable202405 fixtures and Debian's build have. */
static void check_edk2_table(const struct ovmf_info *info, uint64_t end)
{
	ck_assert(info->has_table);
	ck_assert_uint_eq(info->table_len, 136);
	ck_assert_uint_eq(info->table_offset, end - 32 - 136);
	ck_assert_uint_eq(info->table_unused, 0);
	ck_assert_int_eq(info->nr_entries, 5);
	check_entry(info, 0, end - 0x48, 22, "00f771de-1a7e-4fcb-890e-68c77e2fb44e",
		    "SEV info block");
	check_entry(info, 1, end - 0x62, 26, "4c2eb361-7d9b-4cc3-8081-127c90d3d294",
		    "SEV secret area");
	check_entry(info, 2, end - 0x7c, 26, "7255371f-3a3b-4b04-927b-1da6efa8d454",
		    "SEV hash table");
	check_entry(info, 3, end - 0x92, 22, "dc886566-984a-4798-a75e-5585a7bf67cc",
		    "SNP metadata");
	check_entry(info, 4, end - 0xa8, 22, "e47a6535-984a-4798-865e-4685a7bf8ec2",
		    "TDX metadata");
	ck_assert(info->has_sev_info);
	ck_assert(!info->sev_info_legacy);
	ck_assert_uint_eq(info->sev_es_reset, 0x80b004);
	ck_assert_uint_eq(info->sev_info_offset, end - 0x48);
	ck_assert(info->has_metadata);
	ck_assert_uint_eq(info->metadata_version, 1);
}

static void check_section(const struct ovmf_info *info, int i, uint32_t gpa, uint32_t size,
			  uint32_t type)
{
	ck_assert_uint_eq(info->sections[i].gpa, gpa);
	ck_assert_uint_eq(info->sections[i].size, size);
	ck_assert_uint_eq(info->sections[i].type, type);
}

/* The first five sections are the same in every build here. */
static void check_first_sections(const struct ovmf_info *info)
{
	check_section(info, 0, 0x800000, 0x9000, OVMF_SECTION_SNP_SEC_MEM);
	check_section(info, 1, 0x80a000, 0x3000, OVMF_SECTION_SNP_SEC_MEM);
	check_section(info, 2, 0x80d000, 0x1000, OVMF_SECTION_SNP_SECRETS);
	check_section(info, 3, 0x80e000, 0x1000, OVMF_SECTION_CPUID);
}

START_TEST(amdsev_fixture)
{
	static const uint8_t rv[16] = { 0x0f, 0x20, 0xc0, 0xa8, 0x01, 0x74, 0x05, 0xe9,
					0x2c, 0xff, 0xff, 0xff, 0xe9, 0x11, 0xff, 0x90 };
	struct ovmf_info info;

	parse_fixture("vectors/ovmf_AmdSev_suffix.bin", &info);
	ck_assert_uint_eq(info.size, 4096);
	ck_assert_uint_eq(info.load_gpa, 0xfffff000);
	check_edk2_table(&info, 4096);
	ck_assert(info.has_secret);
	ck_assert_uint_eq(info.secret_gpa, 0x810000);
	ck_assert_uint_eq(info.secret_size, 0xc00);
	ck_assert(info.has_hash_table);
	ck_assert_uint_eq(info.hash_gpa, 0x810c00);
	ck_assert_uint_eq(info.hash_size, 0x400);
	ck_assert_uint_eq(info.metadata_offset, 0x554);
	ck_assert_uint_eq(info.metadata_len, 100);
	ck_assert_int_eq(info.nr_sections, 7);
	check_first_sections(&info);
	check_section(&info, 4, 0x80f000, 0x1000, OVMF_SECTION_SVSM_CAA);
	check_section(&info, 5, 0x810000, 0x1000, OVMF_SECTION_KERNEL_HASHES);
	check_section(&info, 6, 0x811000, 0xf000, OVMF_SECTION_SNP_SEC_MEM);
	ck_assert_mem_eq(info.reset_vector, rv, 16);
	ck_assert_str_eq(info.reset_decode, amdsev_decode);
	ck_assert(info.reset_jumps);
	ck_assert_uint_eq(info.reset_target, 0xffffff10);
}
END_TEST

START_TEST(ovmfx64_fixture)
{
	struct ovmf_info info;

	parse_fixture("vectors/ovmf_OvmfX64_suffix.bin", &info);
	check_edk2_table(&info, 4096);
	/* The entries are there, zeroed: no secret area, no hash table. */
	ck_assert(!info.has_secret);
	ck_assert(!info.has_hash_table);
	ck_assert_uint_eq(info.hash_gpa, 0);
	ck_assert_uint_eq(info.metadata_offset, 0x548);
	ck_assert_uint_eq(info.metadata_len, 16 + 6 * 12);
	ck_assert_int_eq(info.nr_sections, 6);
	check_first_sections(&info);
	check_section(&info, 4, 0x80f000, 0x1000, OVMF_SECTION_SVSM_CAA);
	check_section(&info, 5, 0x810000, 0x10000, OVMF_SECTION_SNP_SEC_MEM);
	ck_assert_str_eq(info.reset_decode, amdsev_decode);
	ck_assert_uint_eq(info.reset_target, 0xffffff10);
}
END_TEST

/*
 * Debian 12's ovmf 2022.11: the same table as the fixtures (SEV info block,
 * zeroed secret and hash entries, metadata at end - 0x52c, TDX metadata) and
 * five sections, the last SEC_MEM covering what the fixtures split.
 */
START_TEST(debian_ovmf)
{
	const char *path = "/usr/share/ovmf/OVMF.fd";
	struct lk_err err = { 0 };
	struct ovmf_info info;
	size_t size;
	void *p;

	ck_assert_msg(!access(path, R_OK), "%s is missing: install Debian's ovmf package "
		      "(./dev.sh does)", path);
	ck_assert_msg(!file_load("--firmware", path, PROT_READ, &p, &size, &err), "%s",
		      err.msg);
	ck_assert_msg(!ovmf_parse(path, p, size, &info, &err), "%s", err.msg);
	file_unload(p, size);
	ck_assert_uint_eq(info.size, 2 << 20);
	ck_assert_uint_eq(info.load_gpa, 0xffe00000);
	check_edk2_table(&info, 2 << 20);
	ck_assert(!info.has_secret);
	ck_assert(!info.has_hash_table);
	ck_assert_uint_eq(info.metadata_offset, 0x52c);
	ck_assert_int_eq(info.nr_sections, 5);
	check_first_sections(&info);
	check_section(&info, 4, 0x80f000, 0x11000, OVMF_SECTION_SNP_SEC_MEM);
	ck_assert_str_eq(info.reset_decode,
			 "mov eax, cr0; test al, 0x1; jz 0xfffffffc (taken); jmp 0xffffff08");
	ck_assert_uint_eq(info.reset_target, 0xffffff08);
}
END_TEST

START_TEST(built_image)
{
	struct ovmf_info info;
	struct img b;

	img_good(&b);
	parsed(&b, &info);
	ck_assert_uint_eq(info.table_len, 62);
	ck_assert_int_eq(info.nr_entries, 2);
	ck_assert_str_eq(info.entries[0].name, "SEV info block");
	ck_assert_uint_eq(info.sev_es_reset, 0x80b004);
	ck_assert_int_eq(info.nr_sections, 2);
	check_section(&info, 1, 0x80d000, 0x1000, OVMF_SECTION_SNP_SECRETS);

	/* Bytes too few for an entry at the table's start: QEMU stops there too. */
	img_new(&b, 4096, true);
	img_entry32(&b, g_other, 7);
	img_close(&b, 22 + 18 + 17);
	parsed(&b, &info);
	ck_assert_int_eq(info.nr_entries, 1);
	ck_assert_ptr_null(info.entries[0].name);
	ck_assert_uint_eq(info.table_unused, 17);
	ck_assert(!info.has_sev_info && !info.has_metadata);

	/* The same GUID twice: the entry nearest the footer counts, as in QEMU. */
	img_new(&b, 4096, true);
	img_entry32(&b, g_sev, 0x1234);
	img_entry32(&b, g_sev, 0);
	img_close(&b, 0);
	parsed(&b, &info);
	ck_assert_uint_eq(info.sev_es_reset, 0x1234);

	/* Exactly OVMF_MAX_ENTRIES entries are fine. */
	img_new(&b, 4096, true);
	while (b.pos > 4096 - 50 - OVMF_MAX_ENTRIES * 18)
		img_entry_len(&b, g_other, NULL, 0, 18);
	img_close(&b, 0);
	parsed(&b, &info);
	ck_assert_int_eq(info.nr_entries, OVMF_MAX_ENTRIES);
}
END_TEST

START_TEST(no_table)
{
	struct ovmf_info info;
	struct img b;

	img_new(&b, 65536, false);
	memcpy(b.p + 65536 - 16, "\x90\x90\xe9\x0b\x80", 5);
	parsed(&b, &info);
	ck_assert(!info.has_table && !info.has_sev_info && !info.has_metadata);
	ck_assert_uint_eq(info.load_gpa, 0xffff0000);
	ck_assert_str_eq(info.reset_decode, "nop; nop; jmp 0xffff8000");
	ck_assert_uint_eq(info.reset_target, 0xffff8000);

	/* Under 4 KiB QEMU does not look for the table: neither does ovmf_parse. */
	img_new(&b, 4095, true);
	img_close(&b, 0xffff);
	parsed(&b, &info);
	ck_assert(!info.has_table);

	/* QEMU's legacy place for the SEV info block: its GUID at end - 48. */
	img_new(&b, 4096, false);
	memcpy(b.p + 4096 - 48, g_sev, 16);
	put16(b.p + 4096 - 50, 22);
	put32(b.p + 4096 - 54, 0x80b004);
	parsed(&b, &info);
	ck_assert(!info.has_table);
	ck_assert(info.has_sev_info && info.sev_info_legacy);
	ck_assert_uint_eq(info.sev_es_reset, 0x80b004);
	ck_assert_uint_eq(info.sev_info_offset, 4096 - 54);
}
END_TEST

START_TEST(bad_image_size)
{
	static uint8_t one[16];
	struct ovmf_info info;
	struct lk_err err = { 0 };
	struct img b;

	img_new(&b, 15, false);
	b.pos = 0;
	refused(&b, "T: image at offset 0x0: 15 bytes cannot hold the 16-byte reset vector");
	/* Refused on the size alone, before anything is read. */
	ck_assert_int_eq(ovmf_parse("T", one, (1ULL << 32) + 1, &info, &err), -1);
	ck_assert_str_eq(err.msg, "T: image at offset 0x0: 4294967297 bytes do not fit below "
			 "4 GiB");
}
END_TEST

/* One SEV info entry with length field @len; @total in the footer (0: the real one). */
static void table_refused(uint32_t total, uint32_t len, const char *what, const char *why)
{
	char msg[512];
	struct img b;

	img_new(&b, 4096, true);
	img_entry_len(&b, g_sev, NULL, 4, len);
	img_close(&b, total);
	snprintf(msg, sizeof(msg), "T: %s: %s", what, why);
	refused(&b, msg);
}

START_TEST(bad_table)
{
	const char *foot = "GUID table footer at offset 0xfce", *entry = "GUID table entry at "
		"offset 0xfbc";
	struct img b;

	table_refused(4065, 22, foot, "table length 4065 does not fit in the 4096-byte image");
	table_refused(10, 22, foot, "table length 10 is less than the footer's own 18 bytes");
	/* A naive walk spins on a length of 0. */
	table_refused(0, 0, entry, "length 0 is less than the 18 bytes of its length and GUID");
	table_refused(0, 17, entry, "length 17 is less than the 18 bytes of its length and GUID");
	/* A negative step if read as signed: the walk would go forward, past the footer. */
	table_refused(0, 0xfffe, entry, "length 65534 is more than the 22 bytes left in the "
		      "table");
	img_new(&b, 4096, true);
	img_entry32(&b, g_sev, 0x80b004);
	img_entry_len(&b, g_other, NULL, 4, 23);
	img_close(&b, 0);
	refused(&b, "T: GUID table entry at offset 0xfa6: length 23 is more than the 22 bytes "
		"left in the table");
}
END_TEST

START_TEST(too_many_entries)
{
	struct img b;

	img_new(&b, 4096, true);
	while (b.pos > 4096 - 50 - (OVMF_MAX_ENTRIES + 1) * 18)
		img_entry_len(&b, g_other, NULL, 0, 18);
	img_close(&b, 0);
	refused(&b, "T: GUID table entry at offset 0xd7c: more than 32 entries");
	/* The longest table, one 18-byte entry after another: stopped at 33, not 224. */
	img_new(&b, 4096, true);
	while (b.pos >= 18)
		img_entry_len(&b, g_other, NULL, 0, 18);
	img_close(&b, 0);
	refused(&b, "T: GUID table entry at offset 0xd7c: more than 32 entries");
}
END_TEST

/* No table; the SEV info block's GUID at end - 48, @len before it, reset address 0. */
static void legacy_refused(uint32_t len, const char *msg)
{
	struct img b;

	img_new(&b, 4096, false);
	memcpy(b.p + 4096 - 48, g_sev, 16);
	put16(b.p + 4096 - 50, len);
	refused(&b, msg);
}

START_TEST(bad_entries)
{
	struct img b;

	img_good(&b);
	put32(b.p + 0xfb8, 0);
	refused(&b, "T: SEV info block at offset 0xfb8: the SEV-ES AP reset address is 0");
	img_new(&b, 4096, true);
	img_entry_len(&b, g_sev, "\x04\xb0", 2, 20);
	img_close(&b, 0);
	refused(&b, "T: SEV info block at offset 0xfba: 2 bytes of data, 4 needed");
	legacy_refused(22, "T: SEV info block (legacy, without a GUID table) at offset 0xfca: "
		       "the SEV-ES AP reset address is 0");
	legacy_refused(21, "T: SEV info block (legacy, without a GUID table) at offset 0xfce: "
		       "length 21 is less than the 22 bytes of a reset address, length and GUID");
	legacy_refused(4065, "T: SEV info block (legacy, without a GUID table) at offset "
		       "0xfce: length 4065 reaches before the start of the image");
}
END_TEST

START_TEST(bad_metadata_offset)
{
	struct img b;

	img_good(&b);
	put32(b.p + 0xfa2, 4097);
	refused(&b, "T: SNP metadata at offset 0xfa2: offset 0x1001 from the end points before "
		"the start of the 4096-byte image");
	img_good(&b);
	put32(b.p + 0xfa2, 15);
	refused(&b, "T: SNP metadata at offset 0xfa2: offset 0xf from the end leaves no room "
		"for the 16-byte header");
	/* QEMU's check against the bytes before the header: 200 > 0x60. */
	img_good(&b);
	put32(b.p + 0xfa2, 4096 - 0x60);
	memcpy(b.p + 0x60, "ASEV", 4);
	put32(b.p + 0x64, 200);
	refused(&b, "T: SNP metadata header at offset 0x60: length 200 is more than the 96 "
		"bytes before it (QEMU refuses this)");
}
END_TEST

/* The built image with the header's u32 at @field set to @value. */
static void header_refused(unsigned int field, uint32_t value, const char *why)
{
	char msg[512];
	struct img b;

	img_good(&b);
	put32(b.p + 0xaac + field, value);
	snprintf(msg, sizeof(msg), "T: SNP metadata header at offset 0xaac: %s", why);
	refused(&b, msg);
}

START_TEST(bad_metadata_header)
{
	struct img b;

	header_refused(0, 0x57455341, "signature 41 53 45 57 is not \"ASEV\"");
	header_refused(4, 15, "length 15 is less than its 16 bytes");
	header_refused(4, 0x555, "length 1365 runs past the end of the image (1364 bytes left)");
	header_refused(8, 2, "version 2, only version 1 is known");
	header_refused(12, 3, "3 sections of 12 bytes do not fit in its length 40");
	/* 12 * n overflows 32 bits */
	header_refused(12, 0xffffffff, "4294967295 sections of 12 bytes do not fit in its "
		       "length 40");
	img_good(&b);
	put32(b.p + 0xaac + 4, 16 + 33 * 12);
	put32(b.p + 0xaac + 12, 33);
	refused(&b, "T: SNP metadata header at offset 0xaac: 33 sections, more than the 32 "
		"lkvm-sev takes");
}
END_TEST

static void decodes(const char *bytes, const char *text, bool jumps, uint32_t target)
{
	struct ovmf_info info;
	struct img b;

	img_new(&b, 4096, false);
	memcpy(b.p + 4096 - 16, bytes, 16);
	parsed(&b, &info);
	ck_assert_str_eq(info.reset_decode, text);
	ck_assert_int_eq(info.reset_jumps, jumps);
	if (jumps)
		ck_assert_uint_eq(info.reset_target, target);
}

START_TEST(reset_vector)
{
	decodes("\xea\x5b\xe0\x00\xf0" "0123456789a", "jmp far 0xf000:0xe05b", true, 0xfe05b);
	decodes("\xeb\x02" "xx" "\xe9\x00\x80" "123456789", "jmp 0xfffffff4; jmp 0xffff7ff7",
		true, 0xffff7ff7);
	decodes("\xeb\xfe" "0123456789abcd", "jmp 0xfffffff0; jmp 0xfffffff0; jmp 0xfffffff0; "
		"jmp 0xfffffff0; jmp 0xfffffff0; jmp 0xfffffff0; jmp 0xfffffff0; "
		"jmp 0xfffffff0; ...", false, 0);
	decodes("\x74\x00\xf4" "0123456789abc", "jz 0xfffffff2 (not followed)", false, 0);
	decodes("\x0f\x20\xc0\xa8\x01\x75\x02" "xx\xcc" "012345",
		"mov eax, cr0; test al, 0x1; jnz 0xfffffff9 (not taken); "
		"(byte 0x78: not decoded)", false, 0);
	decodes("\x0f\x21\xc0" "0123456789abc", "(byte 0x0f: not decoded)", false, 0);
	decodes("0123456789abcd\x90\xe9", "(byte 0x30: not decoded)", false, 0);
	decodes("\xeb\x0c" "0123456789ab" "\x90\xe9", "jmp 0xfffffffe; nop; "
		"(byte 0xe9: instruction runs past 4 GiB)", false, 0);
}
END_TEST

START_TEST(names)
{
	char s[OVMF_GUID_STR_LEN];

	ck_assert_str_eq(ovmf_section_name(1), "SEC_MEM");
	ck_assert_str_eq(ovmf_section_name(2), "SECRETS");
	ck_assert_str_eq(ovmf_section_name(3), "CPUID");
	ck_assert_str_eq(ovmf_section_name(4), "SVSM_CAA");
	ck_assert_str_eq(ovmf_section_name(0x10), "KERNEL_HASHES");
	ck_assert_ptr_null(ovmf_section_name(0));
	ck_assert_ptr_null(ovmf_section_name(5));
	ovmf_guid_str(g_footer, s);
	ck_assert_str_eq(s, "96b582de-1fb2-45f7-baea-a366c55a082d");
}
END_TEST

static uint32_t fuzz_rand(uint32_t *x)
{
	*x ^= *x << 13;
	*x ^= *x >> 17;
	*x ^= *x << 5;
	return *x;
}

/* One mutation: a random byte, or a length-like field set to an extreme. */
static void fuzz_mutate(uint8_t *p, size_t size, uint32_t *x)
{
	static const uint32_t extremes[] = { 0, 1, 17, 18, 0x7fff, 0x8000, 0xffff, 0xffffffff };
	size_t at = size - 1 - fuzz_rand(x) % (size < 0x600 ? size : 0x600);

	if (fuzz_rand(x) & 1) {
		p[at] = (uint8_t)fuzz_rand(x);
	} else if (at + 4 <= size) {
		put32(p + at, extremes[fuzz_rand(x) % 8]);
	}
}

/* 2000 mutations of the AmdSev fixture (fixed seed): a result or an error, never a crash. */
START_TEST(fuzz)
{
	uint32_t x = 0x5eed1234;
	size_t size, len;
	uint8_t *fix = fixture("vectors/ovmf_AmdSev_suffix.bin", &size);
	int i, j, ok = 0, refused_n = 0;

	for (i = 0; i < 2000; i++) {
		struct lk_err err = { 0 };
		struct ovmf_info info;
		uint8_t *p;

		len = i % 4 ? size : 1 + fuzz_rand(&x) % size;	/* some get a shorter suffix */
		p = malloc(len);
		ck_assert_ptr_nonnull(p);
		memcpy(p, fix + size - len, len);
		for (j = 1 + (int)(fuzz_rand(&x) % 6); j > 0; j--)
			fuzz_mutate(p, len, &x);
		if (ovmf_parse("F", p, len, &info, &err)) {
			ck_assert_int_eq(err.status, LK_EXIT_USAGE);
			ck_assert_msg(!strncmp(err.msg, "F: ", 3) &&
				      strstr(err.msg, " at offset 0x"), "%s", err.msg);
			refused_n++;
		} else {
			ck_assert_int_le(info.nr_entries, OVMF_MAX_ENTRIES);
			ck_assert_int_le(info.nr_sections, OVMF_MAX_SECTIONS);
			ok++;
		}
		free(p);
	}
	free(fix);
	ck_assert_int_gt(ok, 100);
	ck_assert_int_gt(refused_n, 100);
}
END_TEST

Suite *unit_ovmf_suite(void)
{
	Suite *s = suite_create("unit-ovmf");
	TCase *tc = tcase_create("ovmf");

	tcase_add_test(tc, amdsev_fixture);
	tcase_add_test(tc, ovmfx64_fixture);
	tcase_add_test(tc, debian_ovmf);
	tcase_add_test(tc, built_image);
	tcase_add_test(tc, no_table);
	tcase_add_test(tc, bad_image_size);
	tcase_add_test(tc, bad_table);
	tcase_add_test(tc, too_many_entries);
	tcase_add_test(tc, bad_entries);
	tcase_add_test(tc, bad_metadata_offset);
	tcase_add_test(tc, bad_metadata_header);
	tcase_add_test(tc, reset_vector);
	tcase_add_test(tc, names);
	tcase_add_test(tc, fuzz);
	suite_add_tcase(s, tc);
	return s;
}
