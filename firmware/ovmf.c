// SPDX-License-Identifier: GPL-2.0-only
/*
 * OVMF image recognition and parsing (SEV-KVM-API.md §6): the footer GUID
 * table, the entries QEMU reads from it, the SNP metadata ("ASEV") and the
 * reset vector. Every length is checked against what is left before it is
 * used, and every loop is bounded, so a malformed image cannot make the
 * parser read outside it or spin.
 */
#include <endian.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "firmware/ovmf.h"

#define SZ_4G		(1ULL << 32)
#define ENTRY_TAIL	18	/* u16 length + GUID, after an entry's data */
#define FOOTER_AT	48	/* the footer GUID, from the end */
#define META_HDR	16	/* "ASEV", len, version, num_desc */
#define META_DESC	12	/* base, len, type */

static const char ovmf_footer_guid[] = "96b582de-1fb2-45f7-baea-a366c55a082d";

enum ovmf_known_id {
	KNOWN_SEV_INFO,
	KNOWN_HASHES,
	KNOWN_SECRET,
	KNOWN_METADATA,
	KNOWN_TDX,
	KNOWN_SVSM,
	KNOWN_COUNT,
};

/* The entries QEMU and the SVSM tooling read from the table: GUID, name. */
static const char *const ovmf_known[KNOWN_COUNT][2] = {
	[KNOWN_SEV_INFO] = { "00f771de-1a7e-4fcb-890e-68c77e2fb44e", "SEV info block" },
	[KNOWN_HASHES] = { "7255371f-3a3b-4b04-927b-1da6efa8d454", "SEV hash table" },
	[KNOWN_SECRET] = { "4c2eb361-7d9b-4cc3-8081-127c90d3d294", "SEV secret area" },
	[KNOWN_METADATA] = { "dc886566-984a-4798-a75e-5585a7bf67cc", "SNP metadata" },
	[KNOWN_TDX] = { "e47a6535-984a-4798-865e-4685a7bf8ec2", "TDX metadata" },
	[KNOWN_SVSM] = { "a789a612-0597-4c4b-a49f-cbb1fe9d1ddd", "SVSM info" },
};

/* One parse: the image and where results and errors go. */
struct ovmf_ctx {
	const char *path;
	const uint8_t *img;
	size_t size;
	struct ovmf_info *info;
	struct lk_err *err;
};

static uint32_t get_le16(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8;
}

static uint32_t get_le32(const uint8_t *p)
{
	return get_le16(p) | get_le16(p + 2) << 16;
}

static bool guid_is(const uint8_t *guid, const char *text)
{
	char s[OVMF_GUID_STR_LEN];

	ovmf_guid_str(guid, s);
	return !strcmp(s, text);
}

/* "PATH: WHAT at offset 0xOFF: WHY", status 2. */
static int __attribute__((format(printf, 4, 5)))
bad(struct ovmf_ctx *c, const char *what, uint64_t off, const char *fmt, ...)
{
	char why[256];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(why, sizeof(why), fmt, ap);
	va_end(ap);
	return err_set(c->err, LK_EXIT_USAGE, "%s: %s at offset 0x%" PRIx64 ": %s", c->path, what,
		       off, why);
}

bool ovmf_has_footer(const uint8_t *image, size_t size)
{
	return size >= FOOTER_AT && guid_is(image + size - FOOTER_AT, ovmf_footer_guid);
}

uint64_t ovmf_expected_vars_size(uint64_t code_size)
{
	uint64_t flash = 1;

	while (flash < code_size)
		flash <<= 1;
	return flash - code_size;
}

void ovmf_guid_str(const uint8_t guid[16], char *buf)
{
	snprintf(buf, OVMF_GUID_STR_LEN,
		 "%08" PRIx32 "-%04" PRIx32 "-%04" PRIx32 "-%02x%02x-%02x%02x%02x%02x%02x%02x",
		 get_le32(guid), get_le16(guid + 4), get_le16(guid + 6), guid[8], guid[9],
		 guid[10], guid[11], guid[12], guid[13], guid[14], guid[15]);
}

const char *ovmf_section_name(uint32_t type)
{
	switch (type) {
	case OVMF_SECTION_SNP_SEC_MEM:
		return "SEC_MEM";
	case OVMF_SECTION_SNP_SECRETS:
		return "SECRETS";
	case OVMF_SECTION_CPUID:
		return "CPUID";
	case OVMF_SECTION_SVSM_CAA:
		return "SVSM_CAA";
	case OVMF_SECTION_KERNEL_HASHES:
		return "KERNEL_HASHES";
	}
	return NULL;
}

static const char *known_name(const uint8_t *guid)
{
	int i;

	for (i = 0; i < KNOWN_COUNT; i++)
		if (guid_is(guid, ovmf_known[i][0]))
			return ovmf_known[i][1];
	return NULL;
}

/* The first entry with this GUID, walking from the footer: the one QEMU finds. */
static const struct ovmf_guid_entry *known_entry(const struct ovmf_info *info,
						 enum ovmf_known_id id)
{
	int i;

	for (i = 0; i < info->nr_entries; i++)
		if (info->entries[i].name == ovmf_known[id][1])
			return &info->entries[i];
	return NULL;
}

/*
 * [data][u16 len][GUID] entries, backwards from the footer; len counts all
 * three, so each step moves at least 18 bytes towards the table's start.
 */
static int walk_table(struct ovmf_ctx *c)
{
	struct ovmf_info *info = c->info;
	uint64_t foot = c->size - FOOTER_AT - 2, pos = foot, left;
	uint32_t total = get_le16(c->img + foot), len;

	if (total < ENTRY_TAIL)
		return bad(c, "GUID table footer", foot, "table length %" PRIu32
			   " is less than the footer's own 18 bytes", total);
	if (total - ENTRY_TAIL > foot)
		return bad(c, "GUID table footer", foot,
			   "table length %" PRIu32 " does not fit in the %zu-byte image", total,
			   c->size);
	info->has_table = true;
	info->table_len = (uint16_t)total;
	info->table_offset = foot - (total - ENTRY_TAIL);
	for (left = total - ENTRY_TAIL; left >= ENTRY_TAIL; pos -= len, left -= len) {
		struct ovmf_guid_entry *e;

		len = get_le16(c->img + pos - ENTRY_TAIL);
		if (len < ENTRY_TAIL)
			return bad(c, "GUID table entry", pos - ENTRY_TAIL, "length %" PRIu32
				   " is less than the 18 bytes of its length and GUID", len);
		if (len > left)
			return bad(c, "GUID table entry", pos - ENTRY_TAIL, "length %" PRIu32 " is "
				   "more than the %" PRIu64 " bytes left in the table", len, left);
		if (info->nr_entries == OVMF_MAX_ENTRIES)
			return bad(c, "GUID table entry", pos - ENTRY_TAIL,
				   "more than %d entries", OVMF_MAX_ENTRIES);
		e = &info->entries[info->nr_entries++];
		memcpy(e->guid, c->img + pos - 16, 16);
		e->name = known_name(e->guid);
		e->data_offset = pos - len;
		e->data_len = (uint16_t)(len - ENTRY_TAIL);
	}
	info->table_unused = (unsigned int)left;
	return 0;
}

static int need_data(struct ovmf_ctx *c, const struct ovmf_guid_entry *e, unsigned int n)
{
	if (e->data_len >= n)
		return 0;
	return bad(c, e->name, e->data_offset, "%u bytes of data, %u needed", e->data_len, n);
}

static int sev_info_at(struct ovmf_ctx *c, const char *what, uint64_t off)
{
	uint32_t addr = get_le32(c->img + off);

	if (!addr)
		return bad(c, what, off, "the SEV-ES AP reset address is 0");
	c->info->has_sev_info = true;
	c->info->sev_es_reset = addr;
	c->info->sev_info_offset = off;
	return 0;
}

/* QEMU's fallback where the table has no SEV info block: its GUID at end - 48. */
static int legacy_sev_info(struct ovmf_ctx *c)
{
	const char *what = "SEV info block (legacy, without a GUID table)";
	uint64_t foot = c->size - FOOTER_AT - 2;
	uint32_t len;

	if (c->size < FOOTER_AT + 2 ||
	    !guid_is(c->img + c->size - FOOTER_AT, ovmf_known[KNOWN_SEV_INFO][0]))
		return 0;
	len = get_le16(c->img + foot);
	if (len < ENTRY_TAIL + 4)
		return bad(c, what, foot, "length %" PRIu32 " is less than the 22 bytes of a "
			   "reset address, length and GUID", len);
	if (len > c->size - 32)
		return bad(c, what, foot, "length %" PRIu32 " reaches before the start of the "
			   "image", len);
	c->info->sev_info_legacy = true;
	return sev_info_at(c, what, c->size - 32 - len);
}

/* {u32 base, u32 size}; a zero base is how builds without the area say so. */
static int area(struct ovmf_ctx *c, enum ovmf_known_id id, bool *has, uint32_t *gpa,
		uint32_t *size)
{
	const struct ovmf_guid_entry *e = known_entry(c->info, id);

	if (!e)
		return 0;
	if (need_data(c, e, 8))
		return -1;
	*gpa = get_le32(c->img + e->data_offset);
	*size = get_le32(c->img + e->data_offset + 4);
	*has = *gpa != 0;
	return 0;
}

static int metadata_header(struct ovmf_ctx *c, uint32_t off)
{
	struct ovmf_info *info = c->info;
	const char *what = "SNP metadata header";
	uint64_t at = c->size - off;
	const uint8_t *h = c->img + at;
	uint32_t len = get_le32(h + 4), ver = get_le32(h + 8), n = get_le32(h + 12), i;

	if (memcmp(h, "ASEV", 4))
		return bad(c, what, at, "signature %02x %02x %02x %02x is not \"ASEV\"",
			   h[0], h[1], h[2], h[3]);
	if (len < META_HDR)
		return bad(c, what, at, "length %" PRIu32 " is less than its 16 bytes", len);
	if (len > off)
		return bad(c, what, at, "length %" PRIu32 " runs past the end of the image "
			   "(%" PRIu32 " bytes left)", len, off);
	if (len > at)	/* QEMU's check: len <= flash size - offset */
		return bad(c, what, at, "length %" PRIu32 " is more than the %" PRIu64
			   " bytes before it (QEMU refuses this)", len, at);
	if (ver != 1)
		return bad(c, what, at, "version %" PRIu32 ", only version 1 is known", ver);
	if (META_HDR + (uint64_t)META_DESC * n > len)
		return bad(c, what, at, "%" PRIu32 " sections of 12 bytes do not fit in its "
			   "length %" PRIu32, n, len);
	if (n > OVMF_MAX_SECTIONS)
		return bad(c, what, at, "%" PRIu32 " sections, more than the %d lkvm-sev takes",
			   n, OVMF_MAX_SECTIONS);
	for (i = 0; i < n; i++) {
		const uint8_t *d = h + META_HDR + META_DESC * i;

		info->sections[i] = (struct ovmf_section){ .gpa = get_le32(d),
			.size = get_le32(d + 4), .type = get_le32(d + 8) };
	}
	info->nr_sections = (int)n;
	info->metadata_version = ver;
	info->metadata_len = len;
	info->has_metadata = true;
	return 0;
}

static int metadata(struct ovmf_ctx *c)
{
	const struct ovmf_guid_entry *e = known_entry(c->info, KNOWN_METADATA);
	uint32_t off;

	if (!e)
		return 0;
	if (need_data(c, e, 4))
		return -1;
	off = get_le32(c->img + e->data_offset);
	if (off > c->size)
		return bad(c, e->name, e->data_offset, "offset 0x%" PRIx32 " from the end points "
			   "before the start of the %zu-byte image", off, c->size);
	if (off < META_HDR)
		return bad(c, e->name, e->data_offset, "offset 0x%" PRIx32 " from the end leaves "
			   "no room for the 16-byte header", off);
	c->info->metadata_offset = off;
	return metadata_header(c, off);
}

static int known_entries(struct ovmf_ctx *c)
{
	struct ovmf_info *info = c->info;
	const struct ovmf_guid_entry *e = known_entry(info, KNOWN_SEV_INFO);

	if (e && (need_data(c, e, 4) || sev_info_at(c, e->name, e->data_offset)))
		return -1;
	if (area(c, KNOWN_HASHES, &info->has_hash_table, &info->hash_gpa, &info->hash_size) ||
	    area(c, KNOWN_SECRET, &info->has_secret, &info->secret_gpa, &info->secret_size))
		return -1;
	return metadata(c);
}

/* The real-mode walk of the last 16 bytes that the reset vector decode does. */
struct rv_walk {
	struct ovmf_info *info;
	uint32_t ip;		/* CS base 0xffff0000 */
	int al, zf;		/* -1: unknown */
};

static void rv_emit(struct ovmf_info *info, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void rv_emit(struct ovmf_info *info, const char *fmt, ...)
{
	size_t n = strlen(info->reset_decode), room = sizeof(info->reset_decode) - n;
	va_list ap;

	if (n && room > 2) {
		memcpy(info->reset_decode + n, "; ", 3);
		n += 2;
		room -= 2;
	}
	va_start(ap, fmt);
	vsnprintf(info->reset_decode + n, room, fmt, ap);
	va_end(ap);
}

static uint32_t rv_lin(uint32_t ip)
{
	return 0xffff0000u + (ip & 0xffff);
}

/* A jz/jnz (0x74/0x75): followed only where the flag is known. */
static bool rv_jcc(struct rv_walk *w, uint8_t op, int8_t rel)
{
	uint32_t next = w->ip + 2, target = (next + (uint32_t)rel) & 0xffff;
	int taken = w->zf < 0 ? -1 : (op == 0x74) == (w->zf == 1);

	rv_emit(w->info, "%s 0x%" PRIx32 " (%s)", op == 0x74 ? "jz" : "jnz", rv_lin(target),
		taken < 0 ? "not followed" : taken ? "taken" : "not taken");
	w->ip = taken ? target : next;
	return taken >= 0;
}

/* Decodes one instruction at w->ip; false where the walk stops. */
static bool rv_step(struct rv_walk *w)
{
	const uint8_t *p = w->info->reset_vector + (w->ip - 0xfff0);
	uint32_t room = 0x10000 - w->ip;
	static const uint8_t len_of[256] = { [0x90] = 1, [0x0f] = 3, [0xa8] = 2, [0x74] = 2,
					     [0x75] = 2, [0xeb] = 2, [0xe9] = 3, [0xea] = 5 };
	uint8_t len = len_of[p[0]];

	if (!len || (p[0] == 0x0f && room >= 3 && (p[1] != 0x20 || p[2] != 0xc0))) {
		rv_emit(w->info, "(byte 0x%02x: not decoded)", p[0]);
		return false;
	}
	if (len > room) {
		rv_emit(w->info, "(byte 0x%02x: instruction runs past 4 GiB)", p[0]);
		return false;
	}
	switch (p[0]) {
	case 0x90:
		rv_emit(w->info, "nop");
		break;
	case 0x0f:
		rv_emit(w->info, "mov eax, cr0");
		w->al = 0x10;	/* CR0 at reset: 0x60000010 */
		break;
	case 0xa8:
		rv_emit(w->info, "test al, 0x%x", p[1]);
		w->zf = w->al < 0 ? -1 : !(w->al & p[1]);
		break;
	case 0x74:
	case 0x75:
		return rv_jcc(w, p[0], (int8_t)p[1]);
	case 0xea:
		rv_emit(w->info, "jmp far 0x%04" PRIx32 ":0x%04" PRIx32, get_le16(p + 3),
			get_le16(p + 1));
		w->info->reset_jumps = true;
		w->info->reset_target = get_le16(p + 3) * 16 + get_le16(p + 1);
		return false;
	default:	/* 0xeb rel8, 0xe9 rel16 */
		w->ip = (w->ip + len + (p[0] == 0xeb ? (uint32_t)(int8_t)p[1] : get_le16(p + 1)))
			& 0xffff;
		rv_emit(w->info, "jmp 0x%" PRIx32, rv_lin(w->ip));
		return true;
	}
	w->ip += len;
	return true;
}

static void decode_reset(struct ovmf_info *info)
{
	struct rv_walk w = { .info = info, .ip = 0xfff0, .al = -1, .zf = -1 };
	int steps;

	for (steps = 0; steps < 8; steps++) {
		if (w.ip < 0xfff0) {
			info->reset_jumps = true;
			info->reset_target = rv_lin(w.ip);
			return;
		}
		if (!rv_step(&w))
			return;
	}
	rv_emit(info, "...");
}

bool ovmf_is_varstore(const uint8_t *image, size_t size)
{
	/* fff12b8d-7696-4c8b-a985-2747075b4f50 in EFI byte order, at offset 16. */
	static const uint8_t nv_data_fv[16] = { 0x8d, 0x2b, 0xf1, 0xff, 0x96, 0x76, 0x8b, 0x4c,
						0xa9, 0x85, 0x27, 0x47, 0x07, 0x5b, 0x4f, 0x50 };

	uint64_t fv_len;

	if (size < 44 || memcmp(image + 16, nv_data_fv, 16) || memcmp(image + 40, "_FVH", 4))
		return false;
	/* The volume is the whole file; OVMF.fd has the store first and the code after it. */
	memcpy(&fv_len, image + 32, sizeof(fv_len));
	return le64toh(fv_len) == size;
}

const char *ovmf_not_firmware(const uint8_t *image, size_t size)
{
	size_t i;
	bool zeros = true, ones = true;

	if (ovmf_is_varstore(image, size))
		return "a UEFI variable store (OVMF_VARS), not firmware: it goes to --vars, the "
		       "firmware (OVMF_CODE) to --firmware";
	if (size % 4096)
		return "not whole 4 KiB pages: not a firmware image";
	for (i = size - 16; i < size; i++) {
		zeros &= !image[i];
		ones &= image[i] == 0xff;
	}
	if (zeros || ones)
		return ones ? "nothing at the reset vector (its last 16 bytes are all 0xff): not a "
			      "firmware image" :
			      "nothing at the reset vector (its last 16 bytes are all 0x00): not a "
			      "firmware image";
	return NULL;
}

int ovmf_parse(const char *path, const uint8_t *image, size_t size, struct ovmf_info *info,
	       struct lk_err *err)
{
	struct ovmf_ctx c = { .path = path, .img = image, .size = size, .info = info,
			      .err = err };

	memset(info, 0, sizeof(*info));
	info->size = size;
	if (size < 16)
		return bad(&c, "image", 0, "%zu bytes cannot hold the 16-byte reset vector",
			   size);
	if (size > SZ_4G)
		return bad(&c, "image", 0, "%zu bytes do not fit below 4 GiB", size);
	info->load_gpa = SZ_4G - size;
	memcpy(info->reset_vector, image + size - 16, 16);
	decode_reset(info);
	if (size >= OVMF_TABLE_MIN_IMAGE && ovmf_has_footer(image, size) &&
	    (walk_table(&c) || known_entries(&c)))
		return -1;
	return info->has_sev_info ? 0 : legacy_sev_info(&c);
}
