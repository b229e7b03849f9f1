// SPDX-License-Identifier: GPL-2.0-only
/*
 * The ACPI tables and their table-loader script. The script runs here as
 * OVMF runs it (QemuFwCfgAcpi.c), then the tables are found from the RSDP
 * as an OS finds them, checked field by field against the ACPI layouts,
 * and given to ACPICA's disassembler (iasl, from acpica-tools).
 */
#include <ctype.h>
#include <dirent.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "machine/acpi.h"
#include "machine/layout.h"
#include "tests/tests.h"

/* QemuLoader.h */
#define CMD_LEN		128
#define FNAME_LEN	56
#define CMD_ALLOCATE	1
#define CMD_POINTER	2
#define CMD_CHECKSUM	3

/* Where the loaded blobs are put; both at 0 gives "pointers are offsets". */
struct loaded {
	uint8_t *blob[2];		/* [0] tables, [1] rsdp */
	size_t len[2];
	uint64_t base[2];
	bool allocated[2];
};

/* The tables found from the RSDP, in the loaded blobs. */
struct walk {
	const uint8_t *rsdp, *rsdt, *xsdt, *fadt, *madt, *facs, *dsdt;
};

static struct acpi_machine machine(unsigned int nr_cpus)
{
	return (struct acpi_machine){
		.nr_cpus = nr_cpus, .lapic_addr = 0xfee00000, .ioapic_addr = 0xfec00000,
		.ioapic_id = 0, .pm_base = 0xb000, .sci_irq = 9, .reset_port = 0xcf9,
		.reset_value = 0x06, .serial_port = 0x3f8, .serial_irq = 4,
		.pci_mmio_base = 0x10000000, .pci_mmio_end = 0xfec00000,
		.pci64_base = 0x800000000, .pci64_size = 0x7ff800000000,
	};
}

static uint64_t le(const uint8_t *p, unsigned int n)
{
	uint64_t v = 0;

	while (n--)
		v = v << 8 | p[n];
	return v;
}

static uint8_t sum8(const uint8_t *p, size_t n)
{
	uint8_t s = 0;

	while (n--)
		s += *p++;
	return s;
}

static const uint8_t *find_bytes(const uint8_t *hay, size_t len, const void *needle, size_t n)
{
	size_t i;

	for (i = 0; i + n <= len; i++)
		if (!memcmp(hay + i, needle, n))
			return hay + i;
	return NULL;
}

/* Which blob a command's file name (NUL-padded to 56) names. */
static int blob_index(const uint8_t *name)
{
	ck_assert_msg(memchr(name, 0, FNAME_LEN) != NULL, "file name not NUL-terminated");
	if (!strcmp((const char *)name, ACPI_FILE_TABLES))
		return 0;
	ck_assert_str_eq((const char *)name, ACPI_FILE_RSDP);
	return 1;
}

static void load_allocate(struct loaded *l, const uint8_t *u, size_t nr)
{
	int i = blob_index(u);
	uint32_t align = (uint32_t)le(u + FNAME_LEN, 4);

	ck_assert_msg(nr == (size_t)(l->allocated[0] + l->allocated[1]),
		      "ALLOCATE after other commands");
	ck_assert(!l->allocated[i]);
	ck_assert(align && !(align & (align - 1)) && align <= 4096);
	ck_assert_uint_eq(l->base[i] % align, 0);
	l->allocated[i] = true;
}

/* Adds the pointee blob's address to the field, as ProcessCmdAddPointer(). */
static void load_pointer(struct loaded *l, const uint8_t *u)
{
	int d = blob_index(u), s = blob_index(u + FNAME_LEN);
	uint32_t off = (uint32_t)le(u + 2 * FNAME_LEN, 4);
	uint8_t size = u[2 * FNAME_LEN + 4];
	uint64_t v;
	unsigned int i;

	ck_assert(l->allocated[d] && l->allocated[s]);
	ck_assert(size == 1 || size == 2 || size == 4 || size == 8);
	ck_assert_uint_le(off + size, l->len[d]);
	v = le(l->blob[d] + off, size);
	ck_assert_uint_lt(v, l->len[s]);
	v += l->base[s];
	ck_assert(size == 8 || v >> (8 * size) == 0);
	for (i = 0; i < size; i++)
		l->blob[d][off + i] = (uint8_t)(v >> (8 * i));
}

/*
 * Stores the two's complement of the range's sum, the checksum byte
 * included, as ProcessCmdAddChecksum() does: this only gives a valid
 * checksum when the byte was 0 before.
 */
static void load_checksum(struct loaded *l, const uint8_t *u)
{
	int f = blob_index(u);
	uint32_t res = (uint32_t)le(u + FNAME_LEN, 4), start = (uint32_t)le(u + FNAME_LEN + 4, 4);
	uint32_t len = (uint32_t)le(u + FNAME_LEN + 8, 4);

	ck_assert(l->allocated[f]);
	ck_assert_uint_lt(res, l->len[f]);
	ck_assert_uint_le((uint64_t)start + len, l->len[f]);
	l->blob[f][res] = (uint8_t)-sum8(l->blob[f] + start, len);
}

static void load(const struct acpi_blobs *b, uint64_t tables_base, uint64_t rsdp_base,
		 struct loaded *l)
{
	size_t i;

	*l = (struct loaded){ .len = { b->tables_len, b->rsdp_len },
			      .base = { tables_base, rsdp_base } };
	l->blob[0] = malloc(b->tables_len);
	l->blob[1] = malloc(b->rsdp_len);
	ck_assert(l->blob[0] && l->blob[1]);
	memcpy(l->blob[0], b->tables, b->tables_len);
	memcpy(l->blob[1], b->rsdp, b->rsdp_len);
	ck_assert_uint_eq(b->loader_len % CMD_LEN, 0);
	for (i = 0; i < b->loader_len / CMD_LEN; i++) {
		const uint8_t *c = b->loader + i * CMD_LEN;

		switch (le(c, 4)) {
		case CMD_ALLOCATE:
			load_allocate(l, c + 4, i);
			break;
		case CMD_POINTER:
			load_pointer(l, c + 4);
			break;
		case CMD_CHECKSUM:
			load_checksum(l, c + 4);
			break;
		default:
			ck_abort_msg("unknown loader command %llu", (unsigned long long)le(c, 4));
		}
	}
	ck_assert(l->allocated[0] && l->allocated[1]);
}

static void unload(struct loaded *l)
{
	free(l->blob[0]);
	free(l->blob[1]);
}

/* The table at guest address @addr, which must lie inside the tables blob. */
static const uint8_t *table_at(const struct loaded *l, uint64_t addr, const char *sig)
{
	const uint8_t *t;
	uint64_t off = addr - l->base[0];

	ck_assert_uint_ge(addr, l->base[0]);
	ck_assert_uint_le(off + 8, l->len[0]);
	t = l->blob[0] + off;
	ck_assert_msg(!memcmp(t, sig, 4), "expected %s at 0x%llx", sig, (unsigned long long)addr);
	ck_assert_uint_le(off + le(t + 4, 4), l->len[0]);
	return t;
}

/* A description header: ours, and summing to 0. */
static void check_header(const uint8_t *t, uint8_t rev)
{
	ck_assert_uint_eq(t[8], rev);
	ck_assert_mem_eq(t + 10, "LKVMSV", 6);
	ck_assert_mem_eq(t + 16, "LKVMSEV ", 8);
	ck_assert_uint_eq(le(t + 24, 4), 1);
	ck_assert_mem_eq(t + 28, "LKVM", 4);
	ck_assert_uint_eq(le(t + 32, 4), 1);
	ck_assert_msg(sum8(t, le(t + 4, 4)) == 0, "%.4s checksum", (const char *)t);
}

static void walk_sdts(const struct loaded *l, struct walk *w)
{
	w->rsdt = table_at(l, le(w->rsdp + 16, 4), "RSDT");
	w->xsdt = table_at(l, le(w->rsdp + 24, 8), "XSDT");
	ck_assert_uint_eq(le(w->rsdt + 4, 4), 36 + 2 * 4);
	ck_assert_uint_eq(le(w->xsdt + 4, 4), 36 + 2 * 8);
	check_header(w->rsdt, 1);
	check_header(w->xsdt, 1);
	w->fadt = table_at(l, le(w->rsdt + 36, 4), "FACP");
	w->madt = table_at(l, le(w->rsdt + 40, 4), "APIC");
	ck_assert_uint_eq(le(w->xsdt + 36, 8), le(w->rsdt + 36, 4));
	ck_assert_uint_eq(le(w->xsdt + 44, 8), le(w->rsdt + 40, 4));
}

/* From the RSDP down, as an OS does, checking each table's header and checksum. */
static void walk(const struct loaded *l, struct walk *w)
{
	*w = (struct walk){ .rsdp = l->blob[1] };
	ck_assert_uint_eq(l->len[1], 36);
	ck_assert_mem_eq(w->rsdp, "RSD PTR ", 8);
	ck_assert_uint_eq(sum8(w->rsdp, 20), 0);
	ck_assert_uint_eq(sum8(w->rsdp, 36), 0);
	walk_sdts(l, w);
	ck_assert_uint_eq(le(w->fadt + 4, 4), 244);
	check_header(w->fadt, 3);
	check_header(w->madt, 1);
	w->facs = table_at(l, le(w->fadt + 36, 4), "FACS");
	w->dsdt = table_at(l, le(w->fadt + 40, 4), "DSDT");
	ck_assert_uint_eq(le(w->fadt + 132, 8), le(w->fadt + 36, 4));	/* X_FIRMWARE_CTRL */
	ck_assert_uint_eq(le(w->fadt + 140, 8), le(w->fadt + 40, 4));	/* X_DSDT */
	ck_assert_uint_eq(le(w->facs + 4, 4), 64);
	ck_assert_uint_eq(le(w->fadt + 36, 4) % 64, 0);
	check_header(w->dsdt, 2);
}

static void build(const struct acpi_machine *m, struct acpi_blobs *b)
{
	struct lk_err err;

	ck_assert_int_eq(acpi_build(m, b, &err), 0);
	ck_assert(b->tables && b->rsdp && b->loader);
}

START_TEST(loaded_at_0)
{
	struct acpi_machine m = machine(2);
	struct acpi_blobs b;
	struct loaded l;
	struct walk w;

	build(&m, &b);
	load(&b, 0, 0, &l);
	walk(&l, &w);
	/* At 0, a pointer is the offset of its table in the blob. */
	ck_assert_uint_eq(le(w.fadt + 40, 4), (uint64_t)(w.dsdt - l.blob[0]));
	ck_assert_uint_eq(le(w.rsdp + 16, 4), (uint64_t)(w.rsdt - l.blob[0]));
	unload(&l);
	acpi_blobs_free(&b);
	ck_assert(!b.tables && !b.rsdp && !b.loader && !b.tables_len);
	acpi_blobs_free(&b);
}
END_TEST

START_TEST(loaded_elsewhere)
{
	struct acpi_machine m = machine(4);
	struct acpi_blobs b;
	struct loaded l;
	struct walk w;

	build(&m, &b);
	load(&b, 0x7fe1c000, 0xf5a40, &l);
	walk(&l, &w);
	ck_assert_uint_eq(le(w.fadt + 140, 8), 0x7fe1c000 + (uint64_t)(w.dsdt - l.blob[0]));
	unload(&l);
	acpi_blobs_free(&b);
}
END_TEST

/* The checksum command of the table at @t in the tables blob, and its index. */
static size_t checksum_cmd(const struct acpi_blobs *b, size_t t, size_t len)
{
	size_t i;

	for (i = 0; i < b->loader_len / CMD_LEN; i++) {
		const uint8_t *c = b->loader + i * CMD_LEN;

		if (le(c, 4) == CMD_CHECKSUM && !strcmp((const char *)c + 4, ACPI_FILE_TABLES) &&
		    le(c + 64, 4) == t)
			break;
	}
	ck_assert_msg(i < b->loader_len / CMD_LEN, "no checksum for table at %zu", t);
	ck_assert_uint_eq(le(b->loader + i * CMD_LEN + 60, 4), t + 9);
	ck_assert_uint_eq(le(b->loader + i * CMD_LEN + 68, 4), len);
	ck_assert_uint_eq(b->tables[t + 9], 0);		/* left for the firmware */
	return i;
}

/* The pointer command for field @off (@size bytes) of blob @file, and its index. */
static size_t pointer_cmd(const struct acpi_blobs *b, const char *file, size_t off, uint8_t size)
{
	size_t i;

	for (i = 0; i < b->loader_len / CMD_LEN; i++) {
		const uint8_t *c = b->loader + i * CMD_LEN;

		if (le(c, 4) == CMD_POINTER && !strcmp((const char *)c + 4, file) &&
		    le(c + 4 + 112, 4) == off) {
			ck_assert_str_eq((const char *)c + 4 + FNAME_LEN, ACPI_FILE_TABLES);
			ck_assert_uint_eq(c[4 + 116], size);
			return i;
		}
	}
	ck_abort_msg("no pointer command for %s+%zu", file, off);
	return 0;
}

static void check_allocate(const uint8_t *c, const char *file, uint32_t align, uint8_t zone)
{
	uint8_t name[FNAME_LEN] = { 0 };

	memcpy(name, file, strlen(file));
	ck_assert_uint_eq(le(c, 4), CMD_ALLOCATE);
	ck_assert_mem_eq(c + 4, name, FNAME_LEN);
	ck_assert_uint_eq(le(c + 60, 4), align);
	ck_assert_uint_eq(c[64], zone);
	ck_assert_uint_eq(sum8(c + 65, CMD_LEN - 65), 0);	/* the rest is padding */
}

START_TEST(loader_script)
{
	struct acpi_machine m = machine(2);
	struct acpi_blobs b;
	struct loaded l;
	struct walk w;
	size_t fadt, rsdt, xsdt, ck;

	build(&m, &b);
	ck_assert_uint_eq(b.loader_len, 19 * CMD_LEN);
	check_allocate(b.loader, ACPI_FILE_RSDP, 16, 2);		/* FSEG */
	check_allocate(b.loader + CMD_LEN, ACPI_FILE_TABLES, 64, 1);	/* HIGH */
	load(&b, 0, 0, &l);
	walk(&l, &w);
	fadt = (size_t)(w.fadt - l.blob[0]);
	rsdt = (size_t)(w.rsdt - l.blob[0]);
	xsdt = (size_t)(w.xsdt - l.blob[0]);
	checksum_cmd(&b, (size_t)(w.dsdt - l.blob[0]), le(w.dsdt + 4, 4));
	checksum_cmd(&b, (size_t)(w.madt - l.blob[0]), le(w.madt + 4, 4));
	/* A table's pointers are patched before it is summed. */
	ck = checksum_cmd(&b, fadt, 244);
	ck_assert_uint_lt(pointer_cmd(&b, ACPI_FILE_TABLES, fadt + 36, 4), ck);
	ck_assert_uint_lt(pointer_cmd(&b, ACPI_FILE_TABLES, fadt + 40, 4), ck);
	ck_assert_uint_lt(pointer_cmd(&b, ACPI_FILE_TABLES, fadt + 132, 8), ck);
	ck_assert_uint_lt(pointer_cmd(&b, ACPI_FILE_TABLES, fadt + 140, 8), ck);
	ck = checksum_cmd(&b, rsdt, 44);
	ck_assert_uint_lt(pointer_cmd(&b, ACPI_FILE_TABLES, rsdt + 36, 4), ck);
	ck_assert_uint_lt(pointer_cmd(&b, ACPI_FILE_TABLES, rsdt + 40, 4), ck);
	ck = checksum_cmd(&b, xsdt, 52);
	ck_assert_uint_lt(pointer_cmd(&b, ACPI_FILE_TABLES, xsdt + 36, 8), ck);
	ck_assert_uint_lt(pointer_cmd(&b, ACPI_FILE_TABLES, xsdt + 44, 8), ck);
	ck_assert_uint_lt(pointer_cmd(&b, ACPI_FILE_RSDP, 16, 4), 17);
	ck_assert_uint_lt(pointer_cmd(&b, ACPI_FILE_RSDP, 24, 8), 17);
	unload(&l);
	acpi_blobs_free(&b);
}
END_TEST

/* The RSDP's two checksums come last, the 20-byte one first: the other covers it. */
START_TEST(rsdp_fields)
{
	struct acpi_machine m = machine(1);
	struct acpi_blobs b;
	const uint8_t *c;

	build(&m, &b);
	ck_assert_uint_eq(b.rsdp_len, 36);
	ck_assert_mem_eq(b.rsdp, "RSD PTR ", 8);
	ck_assert_mem_eq(b.rsdp + 9, "LKVMSV", 6);
	ck_assert_uint_eq(b.rsdp[15], 2);
	ck_assert_uint_eq(le(b.rsdp + 20, 4), 36);
	ck_assert_uint_eq(b.rsdp[8], 0);
	ck_assert_uint_eq(b.rsdp[32], 0);
	ck_assert_uint_eq(le(b.rsdp + 33, 3), 0);
	c = b.loader + 17 * CMD_LEN;
	ck_assert_uint_eq(le(c, 4), CMD_CHECKSUM);
	ck_assert_str_eq((const char *)c + 4, ACPI_FILE_RSDP);
	ck_assert_uint_eq(le(c + 60, 4), 8);
	ck_assert_uint_eq(le(c + 64, 4), 0);
	ck_assert_uint_eq(le(c + 68, 4), 20);
	c += CMD_LEN;
	ck_assert_uint_eq(le(c, 4), CMD_CHECKSUM);
	ck_assert_str_eq((const char *)c + 4, ACPI_FILE_RSDP);
	ck_assert_uint_eq(le(c + 60, 4), 32);
	ck_assert_uint_eq(le(c + 64, 4), 0);
	ck_assert_uint_eq(le(c + 68, 4), 36);
	acpi_blobs_free(&b);
}
END_TEST

static void check_gas_io(const uint8_t *g, uint8_t bits, uint64_t port)
{
	ck_assert_uint_eq(g[0], 1);		/* system I/O */
	ck_assert_uint_eq(g[1], bits);
	ck_assert_uint_eq(g[2], 0);
	ck_assert_uint_eq(g[3], 0);
	ck_assert_uint_eq(le(g + 4, 8), port);
}

START_TEST(fadt_fields)
{
	struct acpi_machine m = machine(2);
	struct acpi_blobs b;
	struct loaded l;
	struct walk w;
	uint32_t flags;

	build(&m, &b);
	load(&b, 0, 0, &l);
	walk(&l, &w);
	ck_assert_uint_eq(le(w.fadt + 46, 2), 9);		/* SCI_INT */
	ck_assert_uint_eq(le(w.fadt + 48, 4), 0);		/* SMI_CMD */
	ck_assert_uint_eq(le(w.fadt + 56, 4), 0xb000);		/* PM1a_EVT_BLK */
	ck_assert_uint_eq(le(w.fadt + 64, 4), 0xb004);		/* PM1a_CNT_BLK */
	ck_assert_uint_eq(le(w.fadt + 76, 4), 0xb008);		/* PM_TMR_BLK */
	ck_assert_uint_eq(le(w.fadt + 80, 4), 0);		/* no GPE0 */
	ck_assert_uint_eq(w.fadt[88], 4);
	ck_assert_uint_eq(w.fadt[89], 2);
	ck_assert_uint_eq(w.fadt[91], 4);
	ck_assert_uint_eq(w.fadt[108], 0x32);			/* CENTURY */
	ck_assert_uint_eq(le(w.fadt + 109, 2), 0);		/* IAPC_BOOT_ARCH: no 8042 */
	flags = (uint32_t)le(w.fadt + 112, 4);
	ck_assert_uint_eq(flags, 1u << 0 | 1u << 2 | 1u << 5 | 1u << 7 | 1u << 10 | 1u << 15);
	ck_assert_uint_eq(flags & 1u << 8, 0);			/* TMR_VAL_EXT: 24 bits */
	check_gas_io(w.fadt + 116, 8, 0xcf9);			/* RESET_REG */
	ck_assert_uint_eq(w.fadt[128], 0x06);
	check_gas_io(w.fadt + 148, 32, 0xb000);
	check_gas_io(w.fadt + 172, 16, 0xb004);
	check_gas_io(w.fadt + 208, 32, 0xb008);
	ck_assert_uint_eq(sum8(w.fadt + 160, 12) | sum8(w.fadt + 184, 24), 0);	/* PM1b, PM2 */
	unload(&l);
	acpi_blobs_free(&b);
}
END_TEST

static void check_madt_entries(const uint8_t *t, unsigned int nr_cpus)
{
	size_t len = le(t + 4, 4), off = 44;
	unsigned int cpus = 0, ioapics = 0, overrides = 0, nmis = 0;

	for (; off + 2 <= len && t[off + 1] >= 2; off += t[off + 1]) {
		const uint8_t *e = t + off;

		if (e[0] == 0) {
			ck_assert_uint_eq(e[1], 8);
			ck_assert_uint_eq(e[2], cpus);		/* UID */
			ck_assert_uint_eq(e[3], cpus);		/* APIC ID */
			ck_assert_uint_eq(le(e + 4, 4), 1);	/* enabled */
			cpus++;
		} else if (e[0] == 1) {
			ck_assert_uint_eq(e[1], 12);
			ck_assert_uint_eq(e[2], 0);
			ck_assert_uint_eq(le(e + 4, 4), 0xfec00000);
			ck_assert_uint_eq(le(e + 8, 4), 0);
			ioapics++;
		} else if (e[0] == 2) {
			/* IRQ 0 to GSI 2; the SCI and PCI IRQs level, active-high (0x0d) */
			static const uint8_t want[5][8] = { { 0, 0, 2, 0, 0, 0, 0, 0 },
							    { 0, 5, 5, 0, 0, 0, 0x0d, 0 },
							    { 0, 9, 9, 0, 0, 0, 0x0d, 0 },
							    { 0, 10, 10, 0, 0, 0, 0x0d, 0 },
							    { 0, 11, 11, 0, 0, 0, 0x0d, 0 } };

			ck_assert_uint_lt(overrides, 5);
			ck_assert_uint_eq(e[1], 10);
			ck_assert_mem_eq(e + 2, want[overrides], 8);
			overrides++;
		} else {
			static const uint8_t want[6] = { 4, 6, 0xff, 0, 0, 1 };

			ck_assert_mem_eq(e, want, 6);
			nmis++;
		}
	}
	ck_assert_uint_eq(off, len);
	ck_assert_uint_eq(cpus, nr_cpus);
	ck_assert_uint_eq(ioapics + nmis, 2);
	ck_assert_uint_eq(overrides, 5);
}

static const unsigned int madt_cpus[] = { 1, 2, 64, 255 };

START_TEST(madt_entries)
{
	struct acpi_machine m = machine(madt_cpus[_i]);
	struct acpi_blobs b;
	struct loaded l;
	struct walk w;

	build(&m, &b);
	load(&b, 0, 0, &l);
	walk(&l, &w);
	ck_assert_uint_eq(le(w.madt + 4, 4), 44 + 8 * m.nr_cpus + 12 + 5 * 10 + 6);
	ck_assert_uint_eq(le(w.madt + 36, 4), 0xfee00000);
	ck_assert_uint_eq(le(w.madt + 40, 4), 1);		/* PCAT_COMPAT */
	check_madt_entries(w.madt, m.nr_cpus);
	/* Beyond 8 CPUs flat logical APIC mode does not fit: cluster mode, as QEMU. */
	ck_assert_uint_eq(!!(le(w.fadt + 112, 4) & 1u << 18), m.nr_cpus > 8);
	unload(&l);
	acpi_blobs_free(&b);
}
END_TEST

static void check_dsdt_has(const uint8_t *dsdt, const void *bytes, size_t n, bool want)
{
	bool found = find_bytes(dsdt, le(dsdt + 4, 4), bytes, n) != NULL;

	ck_assert_msg(found == want, "DSDT %s a %zu-byte sequence starting 0x%02x",
		      want ? "lacks" : "has", n, *(const uint8_t *)bytes);
}

START_TEST(dsdt_names)
{
	/* Name (\_S5, Package (4) { Zero, Zero, Zero, Zero }) */
	static const uint8_t s5[] = { 0x08, '\\', '_', 'S', '5', '_', 0x12, 6, 4, 0, 0, 0, 0 };
	static const uint8_t pnp0501[] = { 0x0c, 0x41, 0xd0, 0x05, 0x01 };
	static const uint8_t pnp0a03[] = { 0x0c, 0x41, 0xd0, 0x0a, 0x03 };
	/* IO (Decode16, 0x3f8, 0x3f8, 1, 8), IRQNoFlags () {4} */
	static const uint8_t com1_crs[] = { 0x47, 1, 0xf8, 3, 0xf8, 3, 1, 8, 0x22, 0x10, 0 };
	/* the MMIO window's minimum and maximum */
	static const uint8_t window[] = { 0, 0, 0, 0x10, 0xff, 0xff, 0xbf, 0xfe };
	/* QWordMemory, cacheable: granularity 0, from 32 GiB to 2^47 - 1 */
	static const uint8_t window64[] = { 0x8a, 0x2b, 0, 0, 0x0c, 0x03, 0, 0, 0, 0, 0, 0, 0, 0,
					    0, 0, 0, 0, 8, 0, 0, 0,
					    0xff, 0xff, 0xff, 0xff, 0xff, 0x7f, 0, 0 };
	struct acpi_machine m = machine(1);
	struct acpi_blobs b;
	struct loaded l;
	struct walk w;

	build(&m, &b);
	load(&b, 0, 0, &l);
	walk(&l, &w);
	ck_assert_uint_eq(le(&pnp0501[1], 4), 0x0105d041);
	check_dsdt_has(w.dsdt, s5, sizeof(s5), true);
	check_dsdt_has(w.dsdt, pnp0a03, sizeof(pnp0a03), true);
	check_dsdt_has(w.dsdt, pnp0501, sizeof(pnp0501), true);
	check_dsdt_has(w.dsdt, com1_crs, sizeof(com1_crs), true);
	check_dsdt_has(w.dsdt, window, sizeof(window), true);
	check_dsdt_has(w.dsdt, window64, sizeof(window64), true);
	unload(&l);
	acpi_blobs_free(&b);

	m.serial_port = 0;
	m.pci64_size = 0;
	build(&m, &b);
	load(&b, 0, 0, &l);
	walk(&l, &w);
	check_dsdt_has(w.dsdt, s5, sizeof(s5), true);
	check_dsdt_has(w.dsdt, pnp0501, sizeof(pnp0501), false);
	check_dsdt_has(w.dsdt, window64, 6, false);
	unload(&l);
	acpi_blobs_free(&b);
}
END_TEST

static void check_refused(const struct acpi_machine *m, const char *what)
{
	struct acpi_blobs b = { .tables = (uint8_t *)1 };
	struct lk_err err = { 0 };

	ck_assert_int_eq(acpi_build(m, &b, &err), -1);
	ck_assert_int_eq(err.status, LK_EXIT_HOST);
	ck_assert_msg(strstr(err.msg, what), "message \"%s\" lacks \"%s\"", err.msg, what);
	ck_assert(!b.tables && !b.rsdp && !b.loader && !b.tables_len);
}

START_TEST(refused)
{
	struct acpi_machine m = machine(0);

	check_refused(&m, "0 vCPUs");
	m.nr_cpus = 256;
	check_refused(&m, "256 vCPUs");
	m = machine(1);
	m.ioapic_id = 16;
	check_refused(&m, "IOAPIC ID 16");
	m = machine(1);
	m.pci_mmio_base = m.pci_mmio_end;
	check_refused(&m, "PCI MMIO window");
	m = machine(1);
	m.pci_mmio_end = (1ULL << 32) + 1;
	check_refused(&m, "PCI MMIO window");
	m = machine(1);
	m.sci_irq = 2;
	check_refused(&m, "SCI IRQ 2");
	m = machine(1);
	m.serial_irq = 9;
	check_refused(&m, "serial IRQ 9");
	m = machine(1);
	m.pm_base = 0;
	check_refused(&m, "PM block");
	/* The PCI links' IRQs are theirs alone. */
	m = machine(1);
	m.sci_irq = 10;
	check_refused(&m, "SCI IRQ 10");
	m = machine(1);
	m.serial_irq = 5;
	check_refused(&m, "serial IRQ 5");
	m = machine(1);
	m.pci64_base = 0xc0000000;
	check_refused(&m, "64-bit PCI MMIO window at 0xc0000000");
	m = machine(1);
	m.pci64_size = UINT64_MAX;
	check_refused(&m, "64-bit PCI MMIO window");
}
END_TEST

/* ---- ACPICA's disassembler ---- */

static bool have_iasl(void)
{
	const char *path = getenv("PATH");
	char *dirs, *dir, *save = NULL, exe[4096];
	bool found = false;

	dirs = strdup(path ? path : "/usr/bin:/bin");
	ck_assert(dirs);
	for (dir = strtok_r(dirs, ":", &save); dir && !found; dir = strtok_r(NULL, ":", &save)) {
		snprintf(exe, sizeof(exe), "%s/iasl", dir);
		found = !access(exe, X_OK);
	}
	free(dirs);
	return found;
}

/* Runs iasl in @dir, its output in @dir/iasl.log; returns its exit status. */
static int run_iasl(const char *dir, const char *a1, const char *a2, const char *a3,
		    const char *a4)
{
	int st, fd;
	pid_t pid = fork();

	ck_assert_int_ge(pid, 0);
	if (pid == 0) {
		fd = chdir(dir) ? -1 : open("iasl.log", O_WRONLY | O_CREAT | O_TRUNC, 0600);
		if (fd < 0 || dup2(fd, 1) < 0 || dup2(fd, 2) < 0)
			_exit(127);
		execlp("iasl", "iasl", a1, a2, a3, a4, (char *)NULL);
		_exit(127);
	}
	ck_assert_int_eq(waitpid(pid, &st, 0), pid);
	return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

static char *slurp(const char *dir, const char *name, size_t *len)
{
	char path[4096], *buf;
	FILE *f;
	long n;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	f = fopen(path, "rb");
	ck_assert_msg(f != NULL, "iasl wrote no %s", path);
	ck_assert_int_eq(fseek(f, 0, SEEK_END), 0);
	n = ftell(f);
	ck_assert_int_ge(n, 0);
	rewind(f);
	buf = malloc((size_t)n + 1);
	ck_assert(buf);
	ck_assert_uint_eq(fread(buf, 1, (size_t)n, f), (size_t)n);
	buf[n] = '\0';
	fclose(f);
	if (len)
		*len = (size_t)n;
	return buf;
}

/*
 * No line may report a problem, except the compiler warning 3073 that
 * @allow_3073 permits: PCI0 has both _HID and _ADR, as QEMU's does.
 */
static void check_clean(const char *text, const char *what, bool allow_3073)
{
	const char *line = text, *end;
	char buf[512], low[512];
	size_t i;

	for (; *line; line = *end ? end + 1 : end) {
		end = strchr(line, '\n');
		if (!end)
			end = line + strlen(line);
		snprintf(buf, sizeof(buf), "%.*s", (int)(end - line), line);
		for (i = 0; i < sizeof(low) && (!i || buf[i - 1]); i++)
			low[i] = (char)tolower((unsigned char)buf[i]);
		if (allow_3073 && (strstr(buf, " 3073 ") || strstr(buf, "Device (PCI0)") ||
				   strstr(buf, "0 Errors, 1 Warnings")))
			continue;
		ck_assert_msg(!strstr(low, "error") && !strstr(low, "warning") &&
			      !strstr(low, "incorrect") && !strstr(low, "invalid") &&
			      !strstr(buf, "****"), "%s: %s", what, buf);
	}
}

static void write_table(const char *dir, const uint8_t *t, size_t len, char *name)
{
	char path[4096];
	FILE *f;

	sprintf(name, "%.4s.dat", (const char *)t);
	snprintf(path, sizeof(path), "%s/%s", dir, name);
	f = fopen(path, "wb");
	ck_assert(f);
	ck_assert_uint_eq(fwrite(t, 1, len, f), len);
	ck_assert_int_eq(fclose(f), 0);
}

/*
 * iasl -d on one table: it succeeds, says nothing wrong, and the .dsl has
 * each string of @expect (NULL-terminated): what iasl decoded, not just
 * that it did not complain (a malformed resource template comes out as a
 * plain Buffer, silently).
 */
static void disassemble(const char *dir, const uint8_t *t, const char *const *expect)
{
	char name[16], dsl[16];
	char *log, *text;
	int rc;

	write_table(dir, t, le(t + 4, 4), name);
	rc = run_iasl(dir, "-d", name, NULL, NULL);
	log = slurp(dir, "iasl.log", NULL);
	ck_assert_msg(rc == 0, "iasl -d %s failed:\n%s", name, log);
	check_clean(log, name, false);
	sprintf(dsl, "%.4s.dsl", (const char *)t);
	text = slurp(dir, dsl, NULL);
	check_clean(text, dsl, false);
	for (; *expect; expect++)
		ck_assert_msg(strstr(text, *expect), "%s lacks \"%s\"", dsl, *expect);
	free(log);
	free(text);
}

/* The .dsl compiles back (unoptimized) to exactly our AML. */
static void recompile_dsdt(const char *dir, const uint8_t *dsdt)
{
	size_t len;
	char *log, *aml;

	ck_assert_int_eq(run_iasl(dir, "-oa", "-p", "round-trip", "DSDT.dsl"), 0);
	log = slurp(dir, "iasl.log", NULL);
	check_clean(log, "iasl DSDT.dsl", true);
	aml = slurp(dir, "round-trip.aml", &len);
	ck_assert_uint_eq(len, le(dsdt + 4, 4));
	ck_assert_mem_eq(aml + 36, dsdt + 36, len - 36);	/* the header names iasl */
	free(log);
	free(aml);
}

/*
 * The scratch directory lives in the runner's process (an unchecked
 * fixture), so that it is removed even when the test fails in its child.
 */
static char iasl_dir[] = "/tmp/lkvm-acpi-XXXXXX";

static void iasl_dir_make(void)
{
	ck_assert(mkdtemp(iasl_dir));
}

static void iasl_dir_remove(void)
{
	char path[4096];
	struct dirent *e;
	DIR *d = opendir(iasl_dir);

	if (!d)
		return;
	while ((e = readdir(d))) {
		if (e->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "%s/%s", iasl_dir, e->d_name);
		unlink(path);
	}
	closedir(d);
	rmdir(iasl_dir);
}

START_TEST(iasl_disassembles)
{
	static const char *const dsdt_asl[] = {
		"DefinitionBlock (\"\", \"DSDT\", 2, \"LKVMSV\", \"LKVMSEV \", 0x00000001)",
		"Scope (\\_SB)", "Device (PCI0)", "Name (_HID, EisaId (\"PNP0A03\")",
		"WordBusNumber (ResourceProducer, MinFixed, MaxFixed, PosDecode,",
		"WordIO (ResourceProducer, MinFixed, MaxFixed, PosDecode, EntireRange,",
		"DWordMemory (ResourceProducer, PosDecode, MinFixed, MaxFixed, NonCacheable, "
		"ReadWrite,", "0xFEBFFFFF,         // Range Maximum",
		"Device (ISA)", "Name (_ADR, 0x00010000)", "Device (COM1)",
		"Name (_HID, EisaId (\"PNP0501\")", "Name (_STA, 0x0F)", "IRQNoFlags ()",
		"{4}", "Name (\\_S5, Package (0x04)", NULL };
	static const char *const fadt_asl[] = {
		"PM1A Event Block Address : 0000B000", "PM1A Control Block Address : 0000B004",
		"PM Timer Block Address : 0000B008", "Address : 0000000000000CF9",
		"Value to cause reset : 06", "Reset Register Supported (V2) : 1", NULL };
	static const char *const madt_asl[] = {
		"Local Apic ID : 01", "[I/O APIC]", "Trigger Mode : 3",
		"Interrupt Input LINT : 01", NULL };
	static const char *const facs_asl[] = { "Signature : \"FACS\"", NULL };
	static const char *const rsdt_asl[] = { "Signature : \"RSDT\"", NULL };
	static const char *const xsdt_asl[] = { "Signature : \"XSDT\"", NULL };
	struct acpi_machine m = machine(2);
	const char *dir = iasl_dir;
	struct acpi_blobs b;
	struct loaded l;
	struct walk w;

	ck_assert_msg(have_iasl(), "iasl is not installed: install acpica-tools "
		      "(apt-get install acpica-tools) to check the ACPI tables");
	build(&m, &b);
	load(&b, 0, 0, &l);
	walk(&l, &w);
	disassemble(dir, w.dsdt, dsdt_asl);
	disassemble(dir, w.fadt, fadt_asl);
	disassemble(dir, w.madt, madt_asl);
	disassemble(dir, w.facs, facs_asl);
	disassemble(dir, w.rsdt, rsdt_asl);
	disassemble(dir, w.xsdt, xsdt_asl);
	recompile_dsdt(dir, w.dsdt);
	unload(&l);
	acpi_blobs_free(&b);
}
END_TEST

/*
 * The .dsl without comments or white space, so that what iasl decoded is
 * compared, not its layout: "Name(_UID,Zero)".
 */
static char *squeeze(const char *text)
{
	char *out = malloc(strlen(text) + 1), *o = out;
	const char *p = text;

	ck_assert(out);
	while (*p) {
		if (p[0] == '/' && p[1] == '*') {
			p = strstr(p + 2, "*/");
			ck_assert(p);
			p += 2;
		} else if (p[0] == '/' && p[1] == '/') {
			p += strcspn(p, "\n");
		} else if (isspace((unsigned char)*p)) {
			p++;
		} else {
			*o++ = *p++;
		}
	}
	*o = '\0';
	return out;
}

/* iasl -d of @t, clean, squeezed; free() it. */
static char *disassembled(const char *dir, const uint8_t *t)
{
	static const char *const nothing[] = { NULL };
	char dsl[16], *text, *sq;

	disassemble(dir, t, nothing);
	sprintf(dsl, "%.4s.dsl", (const char *)t);
	text = slurp(dir, dsl, NULL);
	sq = squeeze(text);
	free(text);
	return sq;
}

static void check_has(const char *sq, const char *want)
{
	ck_assert_msg(strstr(sq, want), "the disassembly lacks \"%.300s%s\"", want,
		      strlen(want) > 300 ? "..." : "");
}

/* The DSDT of a VM with @mem bytes of RAM, its windows from layout.c as platform.c passes them. */
static char *dsdt_for_mem(const char *dir, uint64_t mem)
{
	struct acpi_machine m = machine(1);
	struct acpi_blobs b;
	struct loaded l;
	struct walk w;
	struct layout lay;
	struct lk_err err;
	char *sq;

	ck_assert_int_eq(layout_compute(&lay, mem, SZ_1M, 0, &err), 0);
	m.pci_mmio_base = lay.pci_hole_base;
	m.pci64_base = lay.pci64_base;
	m.pci64_size = lay.pci64_size;
	build(&m, &b);
	load(&b, 0, 0, &l);
	walk(&l, &w);
	sq = disassembled(dir, w.dsdt);
	unload(&l);
	acpi_blobs_free(&b);
	return sq;
}

/*
 * All of _PRT, in order: slots 1 to 31, pins INTA to INTD, LNKA + (slot +
 * pin - 1) % 4, except slot 1's INTA: the PM function's SCI, LNKS.
 */
static void check_prt(const char *sq)
{
	static const char *const pins[] = { "Zero", "One", "0x02", "0x03" };
	char *want = malloc(124 * 64), *w = want;
	unsigned int slot, pin;

	ck_assert(want);
	w += sprintf(w, "Name(_PRT,Package(0x7C){");
	for (slot = 1; slot <= 31; slot++)
		for (pin = 0; pin < 4; pin++)
			w += sprintf(w, "%sPackage(0x04){0x%04XFFFF,%s,LNK%c,Zero}",
				     slot == 1 && pin == 0 ? "" : ",", slot, pins[pin],
				     slot == 1 && pin == 0 ? 'S' : 'A' + (slot + pin - 1) % 4);
	sprintf(w, "})");
	check_has(sq, want);
	free(want);
	/* A few by hand: slot 3 INTA is PIRQ (3 + 0 - 1) & 3 = 2, LNKC; ... */
	check_has(sq, "{0x0001FFFF,Zero,LNKS,Zero}");
	check_has(sq, "{0x0001FFFF,One,LNKB,Zero}");
	check_has(sq, "{0x0003FFFF,Zero,LNKC,Zero}");
	check_has(sq, "{0x0002FFFF,0x03,LNKA,Zero}");
	check_has(sq, "{0x0004FFFF,0x03,LNKC,Zero}");
	check_has(sq, "{0x001FFFFF,One,LNKD,Zero}");
	ck_assert_msg(!strstr(sq, "0x0000FFFF"), "a _PRT entry for the host bridge's slot 0");
}

/* Each link over its PIRQ register, with QEMU's _PRS {5, 10, 11}. */
static void check_links(const char *sq)
{
	static const char *const uid[] = { "Zero", "One", "0x02", "0x03" };
	char want[1024];
	unsigned int n;

	check_has(sq, "Device(ISA){Name(_ADR,0x00010000)"
		  "OperationRegion(P40C,PCI_Config,0x60,0x04)");
	/* After COM1, ISA and PCI0 close: in \_SB. */
	check_has(sq, "})}}}Field(PCI0.ISA.P40C,ByteAcc,NoLock,Preserve)"
		  "{PRQ0,8,PRQ1,8,PRQ2,8,PRQ3,8}");
	check_has(sq, "Method(IQST,1,NotSerialized){If((0x80&Arg0)){Return(0x09)}Return(0x0B)}");
	check_has(sq, "Method(IQCR,1,Serialized){Name(PRR0,ResourceTemplate(){"
		  "Interrupt(ResourceConsumer,Level,ActiveHigh,Shared,,,_Y00){0x00000000,}})"
		  "CreateDWordField(PRR0,\\_SB.IQCR._Y00._INT,PRRI)"
		  "If((Arg0<0x80)){PRRI=Arg0}Return(PRR0)}");
	for (n = 0; n < 4; n++) {
		snprintf(want, sizeof(want), "Device(LNK%c){Name(_HID,EisaId(\"PNP0C0F\"))"
			 "Name(_UID,%s)Name(_PRS,ResourceTemplate(){Interrupt(ResourceConsumer,"
			 "Level,ActiveHigh,Shared,,,){0x00000005,0x0000000A,0x0000000B,}})"
			 "Method(_STA,0,NotSerialized){Return(IQST(PRQ%u))}"
			 "Method(_DIS,0,NotSerialized){PRQ%u|=0x80}"
			 "Method(_CRS,0,NotSerialized){Return(IQCR(PRQ%u))}"
			 "Method(_SRS,1,Serialized){CreateDWordField(Arg0,0x05,PRRI)PRQ%u=PRRI}}",
			 'A' + n, uid[n], n, n, n, n);
		check_has(sq, want);
	}
	/* The SCI's own link: IRQ 9, fixed, as QEMU's LNKS. */
	check_has(sq, "Device(LNKS){Name(_HID,EisaId(\"PNP0C0F\"))Name(_UID,0x04)Name(_STA,0x0B)"
		  "Name(_PRS,ResourceTemplate(){Interrupt(ResourceConsumer,Level,ActiveHigh,Shared,,,)"
		  "{0x00000009,}})Name(_CRS,ResourceTemplate(){Interrupt(ResourceConsumer,Level,"
		  "ActiveHigh,Shared,,,){0x00000009,}})Method(_SRS,1,NotSerialized){}}");
}

#define QWORD_WINDOW(min, max, len) \
	"QWordMemory(ResourceProducer,PosDecode,MinFixed,MaxFixed,Cacheable,ReadWrite," \
	"0x0000000000000000," min "," max ",0x0000000000000000," len \
	",,,,AddressRangeMemory,TypeStatic)})"

START_TEST(iasl_pci_routing)
{
	char *sq;

	ck_assert_msg(have_iasl(), "iasl is not installed: install acpica-tools");
	/* -m 256M: RAM ends below 4 GiB, so OVMF's classic base is 32 GiB; up to 2^47. */
	sq = dsdt_for_mem(iasl_dir, 256 * SZ_1M);
	check_prt(sq);
	check_links(sq);
	check_has(sq, "0x80000000,0xFEBFFFFF,0x00000000,0x7EC00000,,,,AddressRangeMemory");
	check_has(sq, QWORD_WINDOW("0x0000000800000000", "0x00007FFFFFFFFFFF",
				   "0x00007FF800000000"));
	free(sq);
	/* -m 64G: RAM ends at 65 GiB, rounded up to 96 GiB; the 32-bit hole from 3 GiB. */
	sq = dsdt_for_mem(iasl_dir, 64 * SZ_1G);
	check_has(sq, "0xC0000000,0xFEBFFFFF,0x00000000,0x3EC00000,,,,AddressRangeMemory");
	check_has(sq, QWORD_WINDOW("0x0000001800000000", "0x00007FFFFFFFFFFF",
				   "0x00007FE800000000"));
	free(sq);
}
END_TEST

/* Value of the first " @label : HEX" at or after @p, and where it ends. */
static const char *madt_field(const char *p, const char *label, unsigned long *v)
{
	char key[64];

	snprintf(key, sizeof(key), " %s : ", label);
	p = strstr(p, key);
	ck_assert_msg(p, "APIC.dsl lacks \"%s\"", key);
	p += strlen(key);
	ck_assert(sscanf(p, "%lx", v) == 1);
	return p;
}

/* The overrides as iasl decodes them: IRQ 0 on pin 2, then 5, 9, 10, 11 level, active-high. */
START_TEST(iasl_madt_overrides)
{
	static const unsigned long want[5][3] = {
		{ 0, 2, 0x0000 }, { 5, 5, 0x000d }, { 9, 9, 0x000d }, { 10, 10, 0x000d },
		{ 11, 11, 0x000d } };
	struct acpi_machine m = machine(2);
	struct acpi_blobs b;
	struct loaded l;
	struct walk w;
	unsigned long irq, gsi, flags;
	const char *p;
	char *text;
	unsigned int n = 0;

	ck_assert_msg(have_iasl(), "iasl is not installed: install acpica-tools");
	build(&m, &b);
	load(&b, 0, 0, &l);
	walk(&l, &w);
	disassemble(iasl_dir, w.madt, (const char *const[]){ NULL });
	text = slurp(iasl_dir, "APIC.dsl", NULL);
	for (p = strstr(text, "[Interrupt Source Override]"); p;
	     p = strstr(p, "[Interrupt Source Override]"), n++) {
		ck_assert_uint_lt(n, 5);
		p = madt_field(p, "Source", &irq);
		p = madt_field(p, "Interrupt", &gsi);
		p = madt_field(p, "Flags (decoded below)", &flags);
		ck_assert_uint_eq(irq, want[n][0]);
		ck_assert_uint_eq(gsi, want[n][1]);
		ck_assert_uint_eq(flags, want[n][2]);
	}
	ck_assert_uint_eq(n, 5);
	free(text);
	unload(&l);
	acpi_blobs_free(&b);
}
END_TEST

Suite *unit_acpi_suite(void)
{
	Suite *s = suite_create("acpi");
	TCase *tc = tcase_create("tables"), *tc_iasl = tcase_create("iasl");

	tcase_add_test(tc, loaded_at_0);
	tcase_add_test(tc, loaded_elsewhere);
	tcase_add_test(tc, loader_script);
	tcase_add_test(tc, rsdp_fields);
	tcase_add_test(tc, fadt_fields);
	tcase_add_loop_test(tc, madt_entries, 0, sizeof(madt_cpus) / sizeof(madt_cpus[0]));
	tcase_add_test(tc, dsdt_names);
	tcase_add_test(tc, refused);
	suite_add_tcase(s, tc);
	tcase_add_unchecked_fixture(tc_iasl, iasl_dir_make, iasl_dir_remove);
	tcase_add_test(tc_iasl, iasl_disassembles);
	tcase_add_test(tc_iasl, iasl_pci_routing);
	tcase_add_test(tc_iasl, iasl_madt_overrides);
	suite_add_tcase(s, tc_iasl);
	return s;
}
