// SPDX-License-Identifier: GPL-2.0-only
/* QEMU fw_cfg through the port bus, as OVMF's QemuFwCfgLib drives it. */
#include <stdio.h>
#include <string.h>

#include "devices/fw_cfg.h"
#include "tests/tests.h"

#define RAM_SIZE	0x10000
#define DESC		0x100	/* FWCfgDmaAccess */
#define BUF		0x1000	/* DMA target */

static uint8_t ram[RAM_SIZE];
static struct fw_cfg fw;
static struct bus pio;

static const char file_a[] = "0123456789";	/* 11 bytes with the NUL */
static const char boot[] = "/rom@genroms/linuxboot_dma.bin";
static uint8_t file_b[300];

static void *ram_hva(void *ctx, uint64_t gpa, uint64_t len)
{
	(void)ctx;
	if (gpa >= RAM_SIZE || len > RAM_SIZE - gpa)
		return NULL;
	return ram + gpa;
}

static const struct guest_mem ram_mem = { .hva = ram_hva };

static void setup(void)
{
	struct lk_err err;
	int i;

	memset(ram, 0, sizeof(ram));
	for (i = 0; i < (int)sizeof(file_b); i++)
		file_b[i] = (uint8_t)(i * 7 + 1);
	fw_cfg_init(&fw, &ram_mem);
	bus_init(&pio, "port");
	/* Added out of name order: the directory sorts them. */
	ck_assert_int_eq(fw_cfg_add_file(&fw, "etc/b", file_b, sizeof(file_b), &err), 0);
	ck_assert_int_eq(fw_cfg_add_file(&fw, "bootorder", boot, sizeof(boot), &err), 0);
	ck_assert_int_eq(fw_cfg_add_file(&fw, "etc/a", file_a, sizeof(file_a), &err), 0);
	ck_assert_int_eq(fw_cfg_add_u16(&fw, FW_CFG_NB_CPUS, 4, &err), 0);
	ck_assert_int_eq(fw_cfg_add_u32(&fw, FW_CFG_ARCH_LOCAL | 3, 0xa1b2c3d4, &err), 0);
	ck_assert_int_eq(fw_cfg_register(&fw, &pio, &err), 0);
	bus_freeze(&pio);
}

static void teardown(void)
{
	fw_cfg_destroy(&fw);
}

/* Port accesses as the CPU makes them: @v little-endian, @len bytes. */
static void out(uint16_t port, uint32_t v, uint32_t len)
{
	uint8_t d[4];

	bus_data_put(d, len, v);
	ck_assert(bus_access(&pio, port, d, len, true));
}

static uint32_t in(uint16_t port, uint32_t len)
{
	uint8_t d[4];

	bus_access(&pio, port, d, len, false);
	return bus_data_get(d, len);
}

static void sel(uint16_t key)
{
	out(FW_CFG_PORT_SEL, key, 2);
}

static void read_port(void *buf, uint32_t n)
{
	uint8_t *p = buf;

	while (n--)
		*p++ = (uint8_t)in(FW_CFG_PORT_DATA, 1);
}

static uint32_t be32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static void put_be32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24);
	p[1] = (uint8_t)(v >> 16);
	p[2] = (uint8_t)(v >> 8);
	p[3] = (uint8_t)v;
}

/* OVMF writes SwapBytes32() of each half, high half first. */
static void dma_kick_high(uint32_t high)
{
	out(FW_CFG_PORT_DMA, __builtin_bswap32(high), 4);
}

static void dma_kick_low(uint32_t low)
{
	out(FW_CFG_PORT_DMA + 4, __builtin_bswap32(low), 4);
}

/* Writes a FWCfgDmaAccess at @gpa, runs it, returns the control word left there. */
static uint32_t dma_at(uint64_t gpa, uint32_t control, uint32_t length, uint64_t addr)
{
	put_be32(ram + gpa, control);
	put_be32(ram + gpa + 4, length);
	put_be32(ram + gpa + 8, (uint32_t)(addr >> 32));
	put_be32(ram + gpa + 12, (uint32_t)addr);
	dma_kick_high(0);
	dma_kick_low((uint32_t)gpa);
	return be32(ram + gpa);
}

static uint32_t dma(uint32_t control, uint32_t length, uint64_t addr)
{
	return dma_at(DESC, control, length, addr);
}

static uint32_t sel_read(uint16_t key)
{
	return (uint32_t)key << 16 | FW_CFG_DMA_CTL_SELECT | FW_CFG_DMA_CTL_READ;
}

START_TEST(signature_by_port)
{
	char sig[5] = { 0 };

	/* Reset state: the signature is selected before any write to 0x510. */
	read_port(sig, 4);
	ck_assert_str_eq(sig, "QEMU");
	sel(FW_CFG_SIGNATURE);
	memset(sig, 0, sizeof(sig));
	read_port(sig, 4);
	ck_assert_str_eq(sig, "QEMU");
}
END_TEST

START_TEST(id_and_numbers)
{
	sel(FW_CFG_ID);
	ck_assert_uint_eq(in(FW_CFG_PORT_DATA, 1) | in(FW_CFG_PORT_DATA, 1) << 8 |
			  in(FW_CFG_PORT_DATA, 1) << 16 | in(FW_CFG_PORT_DATA, 1) << 24, 3);
	sel(FW_CFG_NB_CPUS);
	ck_assert_uint_eq(in(FW_CFG_PORT_DATA, 1), 4);
	ck_assert_uint_eq(in(FW_CFG_PORT_DATA, 1), 0);
	sel(FW_CFG_ARCH_LOCAL | 3);
	ck_assert_uint_eq(in(FW_CFG_PORT_DATA, 1), 0xd4);
}
END_TEST

START_TEST(select_resets_offset)
{
	sel(FW_CFG_SIGNATURE);
	ck_assert_uint_eq(in(FW_CFG_PORT_DATA, 1), 'Q');
	ck_assert_uint_eq(in(FW_CFG_PORT_DATA, 1), 'E');
	sel(FW_CFG_SIGNATURE);
	ck_assert_uint_eq(in(FW_CFG_PORT_DATA, 1), 'Q');
}
END_TEST

START_TEST(past_end_reads_zero)
{
	uint8_t b[8];
	int i;

	sel(FW_CFG_SIGNATURE);
	read_port(b, 8);
	ck_assert_mem_eq(b, "QEMU\0\0\0\0", 8);
	/* Unused keys, keys past the table and empty arch-local keys: nothing. */
	for (i = 0; i < 3; i++) {
		static const uint16_t keys[] = { 0x10, 0x3000, FW_CFG_ARCH_LOCAL };

		sel(keys[i]);
		ck_assert_uint_eq(in(FW_CFG_PORT_DATA, 1), 0);
	}
	/* Bit 14 (the old write channel) is ignored: the item reads as usual. */
	sel(FW_CFG_WRITE_CHANNEL | FW_CFG_SIGNATURE);
	ck_assert_uint_eq(in(FW_CFG_PORT_DATA, 1), 'Q');
	/* Data port writes are ignored. */
	out(FW_CFG_PORT_DATA, 0x55, 1);
	ck_assert_uint_eq(in(FW_CFG_PORT_DATA, 1), 'E');
}
END_TEST

/* QemuFwCfgFindFile: walks the directory on the data port. */
static bool find_file(const char *name, uint16_t *key, uint32_t *size)
{
	uint8_t e[FW_CFG_DIRENT_SIZE], c[4];
	uint32_t n;

	sel(FW_CFG_FILE_DIR);
	read_port(c, 4);
	for (n = be32(c); n; n--) {
		read_port(e, sizeof(e));
		if (!strcmp((char *)e + 8, name)) {
			*size = be32(e);
			*key = (uint16_t)(e[4] << 8 | e[5]);
			return true;
		}
	}
	return false;
}

START_TEST(file_dir)
{
	static const char *const names[] = { "bootorder", "etc/a", "etc/b" };
	static const uint32_t sizes[] = { sizeof(boot), sizeof(file_a), sizeof(file_b) };
	uint8_t d[4 + 3 * FW_CFG_DIRENT_SIZE + 1];
	int i;

	sel(FW_CFG_FILE_DIR);
	read_port(d, sizeof(d));
	ck_assert_uint_eq(be32(d), 3);
	for (i = 0; i < 3; i++) {
		const uint8_t *e = d + 4 + i * FW_CFG_DIRENT_SIZE;

		ck_assert_uint_eq(be32(e), sizes[i]);
		ck_assert_uint_eq(e[4] << 8 | e[5], FW_CFG_FILE_FIRST + i);
		ck_assert_uint_eq(e[6] | e[7], 0);
		ck_assert_str_eq((const char *)e + 8, names[i]);
	}
	/* The item ends after the last entry. */
	ck_assert_uint_eq(d[sizeof(d) - 1], 0);
}
END_TEST

START_TEST(file_by_port)
{
	uint8_t b[sizeof(file_b)];
	uint32_t size;
	uint16_t key;

	ck_assert(find_file("etc/b", &key, &size));
	ck_assert_uint_eq(key, 0x22);
	ck_assert_uint_eq(size, sizeof(file_b));
	ck_assert(!find_file("etc/c", &key, &size));
	sel(0x22);
	read_port(b, sizeof(b));
	ck_assert_mem_eq(b, file_b, sizeof(b));
	ck_assert_uint_eq(in(FW_CFG_PORT_DATA, 1), 0);
}
END_TEST

START_TEST(file_by_dma)
{
	/* Select and read in one operation. */
	ck_assert_uint_eq(dma(sel_read(0x22), sizeof(file_b), BUF), 0);
	ck_assert_mem_eq(ram + BUF, file_b, sizeof(file_b));

	/* Two operations: the second goes on where the first stopped. */
	memset(ram + BUF, 0, sizeof(file_b));
	ck_assert_uint_eq(dma(sel_read(0x22), 100, BUF), 0);
	ck_assert_uint_eq(dma(FW_CFG_DMA_CTL_READ, 200, BUF + 100), 0);
	ck_assert_mem_eq(ram + BUF, file_b, sizeof(file_b));

	/* Skip, then read. */
	memset(ram + BUF, 0, sizeof(file_b));
	ck_assert_uint_eq(dma(0x22 << 16 | FW_CFG_DMA_CTL_SELECT | FW_CFG_DMA_CTL_SKIP, 250,
			      BUF), 0);
	ck_assert_uint_eq(ram[BUF], 0);
	ck_assert_uint_eq(dma(FW_CFG_DMA_CTL_READ, 50, BUF), 0);
	ck_assert_mem_eq(ram + BUF, file_b + 250, 50);

	/* Port and DMA share the offset. */
	sel(0x21);
	ck_assert_uint_eq(dma(FW_CFG_DMA_CTL_READ, 3, BUF), 0);
	ck_assert_mem_eq(ram + BUF, "012", 3);
	ck_assert_uint_eq(in(FW_CFG_PORT_DATA, 1), '3');

	/* No operation bit: nothing moves. */
	ck_assert_uint_eq(dma(0, 5, BUF), 0);
	ck_assert_uint_eq(in(FW_CFG_PORT_DATA, 1), '4');
}
END_TEST

START_TEST(dma_past_end)
{
	memset(ram + BUF, 0xaa, 400);
	/* QEMU fills the part past the end with zeros and reports success. */
	ck_assert_uint_eq(dma(sel_read(0x22), 320, BUF), 0);
	ck_assert_mem_eq(ram + BUF, file_b, sizeof(file_b));
	ck_assert_uint_eq(ram[BUF + 300], 0);
	ck_assert_uint_eq(ram[BUF + 319], 0);
	ck_assert_uint_eq(ram[BUF + 320], 0xaa);
	ck_assert_uint_eq(dma(FW_CFG_DMA_CTL_READ, 5, BUF + 320), 0);
	ck_assert_uint_eq(ram[BUF + 324], 0);
	ck_assert_uint_eq(dma(FW_CFG_DMA_CTL_SKIP, 1000, 0), 0);
	/* Keys with no item read as zeros too. */
	ck_assert_uint_eq(dma(sel_read(0x3000), 4, BUF), 0);
	ck_assert_uint_eq(be32(ram + BUF), 0);
}
END_TEST

START_TEST(dma_bad_address)
{
	/* The item's part ends past RAM, or wraps past 2^64. */
	ck_assert_uint_eq(dma(sel_read(0x22), sizeof(file_b), RAM_SIZE - 10),
			  FW_CFG_DMA_CTL_ERROR);
	ck_assert_uint_eq(dma(sel_read(0x22), sizeof(file_b), ~0ull - 16), FW_CFG_DMA_CTL_ERROR);
	/* After an error nothing more is written, not even the zeros past the end. */
	memset(ram, 0xaa, 20);
	ck_assert_uint_eq(dma(sel_read(0x22), sizeof(file_b) + 20, -(uint64_t)sizeof(file_b)),
			  FW_CFG_DMA_CTL_ERROR);
	ck_assert_uint_eq(ram[0], 0xaa);
	/* Only the zero fill leaves RAM: the huge length stops there. */
	memset(ram + BUF, 0xaa, 16);
	ck_assert_uint_eq(dma(sel_read(0x21), 0xffffffff, BUF), FW_CFG_DMA_CTL_ERROR);
	ck_assert_mem_eq(ram + BUF, file_a, sizeof(file_a));
	ck_assert_uint_eq(ram[BUF + 15], 0xaa);

	/* A descriptor straddling the end of RAM: the error lands in its control word. */
	put_be32(ram + RAM_SIZE - 8, sel_read(0x21));
	dma_kick_high(0);
	dma_kick_low(RAM_SIZE - 8);
	ck_assert_uint_eq(be32(ram + RAM_SIZE - 8), FW_CFG_DMA_CTL_ERROR);
	/* Wholly outside RAM: nothing to report it in, and nothing breaks. */
	dma_kick_low(RAM_SIZE + 0x1000);
	dma_kick_high(0xffffffff);
	dma_kick_low(0xfffffff8);
	ck_assert_uint_eq(dma(sel_read(0x21), 1, BUF), 0);
}
END_TEST

START_TEST(dma_write_fails)
{
	memcpy(ram + BUF, "XXXX", 4);
	ck_assert_uint_eq(dma(0x21 << 16 | FW_CFG_DMA_CTL_SELECT | FW_CFG_DMA_CTL_WRITE, 4, BUF),
			  FW_CFG_DMA_CTL_ERROR);
	ck_assert_str_eq(file_a, "0123456789");
	/* As in QEMU, the refused write still moves the offset. */
	ck_assert_uint_eq(in(FW_CFG_PORT_DATA, 1), '4');
	/* Past the end too, and with no length there is nothing to refuse. */
	ck_assert_uint_eq(dma(0x21 << 16 | FW_CFG_DMA_CTL_SELECT | FW_CFG_DMA_CTL_SKIP, 100, 0),
			  0);
	ck_assert_uint_eq(dma(FW_CFG_DMA_CTL_WRITE, 1, BUF), FW_CFG_DMA_CTL_ERROR);
	ck_assert_uint_eq(dma(FW_CFG_DMA_CTL_WRITE, 0, BUF), 0);
}
END_TEST

START_TEST(dma_address_halves)
{
	put_be32(ram + DESC, sel_read(0x21));
	put_be32(ram + DESC + 4, 4);
	put_be32(ram + DESC + 12, BUF);
	/* High half 1: the descriptor is at 4 GiB + DESC, not in RAM. */
	dma_kick_high(1);
	dma_kick_low(DESC);
	ck_assert_uint_eq(be32(ram + DESC), sel_read(0x21));
	/* The address register went back to 0: a lone low half is a 32-bit address. */
	dma_kick_low(DESC);
	ck_assert_uint_eq(be32(ram + DESC), 0);
	ck_assert_mem_eq(ram + BUF, "0123", 4);
	/* Only aligned 32-bit writes count. */
	put_be32(ram + DESC, sel_read(0x21));
	out(FW_CFG_PORT_DMA + 4, __builtin_bswap32(DESC) & 0xffff, 2);
	out(FW_CFG_PORT_DMA + 6, __builtin_bswap32(DESC) >> 16, 2);
	out(FW_CFG_PORT_DMA + 2, 0, 4);
	ck_assert_uint_eq(be32(ram + DESC), sel_read(0x21));
}
END_TEST

START_TEST(dma_register_reads_signature)
{
	uint8_t b[8];
	int i;

	ck_assert_uint_eq(in(FW_CFG_PORT_DMA, 4), 0x554d4551);	/* "QEMU" */
	ck_assert_uint_eq(in(FW_CFG_PORT_DMA + 4, 4), 0x47464320);	/* " CFG" */
	for (i = 0; i < 8; i++)
		b[i] = (uint8_t)in(FW_CFG_PORT_DMA + i, 1);
	ck_assert_mem_eq(b, "QEMU CFG", 8);
	ck_assert_uint_eq(in(FW_CFG_PORT_DMA + 2, 2), 0x554d);		/* "MU" */
	ck_assert_uint_eq(in(FW_CFG_PORT_DMA + 2, 4), 0x4320554d);	/* "MU C" */
	/* Past 0x51b nothing decodes. */
	ck_assert_uint_eq(in(FW_CFG_PORT_DMA + 6, 4), 0xffff4746);
}
END_TEST

/* Each value here was read from QEMU 7.2's pc machine (qtest inb/inw/inl, the path KVM uses). */
START_TEST(wide_data_port)
{
	sel(0x21);
	/* inw 0x511: one data byte, then 0x512 where nothing decodes. */
	ck_assert_uint_eq(in(FW_CFG_PORT_DATA, 2), 0xff00 | '0');
	ck_assert_uint_eq(in(FW_CFG_PORT_DATA, 1), '1');
	/* inw and inl 0x510 are refused whole: 0, and the offset stays. */
	ck_assert_uint_eq(in(FW_CFG_PORT_SEL, 2), 0);
	ck_assert_uint_eq(in(FW_CFG_PORT_SEL, 4), 0);
	ck_assert_uint_eq(in(FW_CFG_PORT_DATA, 1), '2');
	/* inl 0x511 reaches 0x514: the first byte of the DMA signature. */
	ck_assert_uint_eq(in(FW_CFG_PORT_DATA, 4), (uint32_t)'Q' << 24 | 0xffff00 | '3');
	/* inb 0x510 reads data as well. */
	ck_assert_uint_eq(in(FW_CFG_PORT_SEL, 1), '4');
	/* Only outw 0x510 selects: not outl 0x510, outb, or outw 0x511. */
	out(FW_CFG_PORT_SEL, FW_CFG_SIGNATURE, 4);
	out(FW_CFG_PORT_SEL, FW_CFG_SIGNATURE, 1);
	out(FW_CFG_PORT_DATA, FW_CFG_SIGNATURE, 2);
	ck_assert_uint_eq(in(FW_CFG_PORT_DATA, 1), '5');
}
END_TEST

START_TEST(add_errors)
{
	static struct fw_cfg f;
	static char names[FW_CFG_MAX_FILES][8];
	char long_name[FW_CFG_NAME_SIZE + 1];
	struct lk_err err;
	struct bus b;
	int i;

	fw_cfg_init(&f, &ram_mem);
	bus_init(&b, "port");
	ck_assert_int_eq(fw_cfg_add_file(&f, "etc/a", file_a, sizeof(file_a), &err), 0);
	ck_assert_int_eq(fw_cfg_add_file(&f, "etc/a", file_b, 1, &err), -1);
	ck_assert_int_eq(err.status, LK_EXIT_USAGE);
	ck_assert_str_eq(err.msg, "fw_cfg: duplicate file etc/a");

	memset(long_name, 'n', sizeof(long_name));
	long_name[FW_CFG_NAME_SIZE] = '\0';
	ck_assert_int_eq(fw_cfg_add_file(&f, long_name, file_a, 1, &err), -1);
	ck_assert_ptr_nonnull(strstr(err.msg, "must be 1 to 55 characters"));
	ck_assert_int_eq(fw_cfg_add_file(&f, "", file_a, 1, &err), -1);
	ck_assert_int_eq(fw_cfg_add_file(&f, long_name + 1, file_a, 1, &err), 0);

	for (i = 2; i < FW_CFG_MAX_FILES; i++) {
		snprintf(names[i], sizeof(names[i]), "f/%02d", FW_CFG_MAX_FILES - i);
		ck_assert_int_eq(fw_cfg_add_file(&f, names[i], NULL, 0, &err), 0);
	}
	ck_assert_int_eq(fw_cfg_add_file(&f, "one/more", file_a, 1, &err), -1);
	ck_assert_str_eq(err.msg, "fw_cfg: too many files (at most 64): one/more");

	ck_assert_int_eq(fw_cfg_add_u16(&f, FW_CFG_NB_CPUS, 1, &err), 0);
	ck_assert_int_eq(fw_cfg_add_u32(&f, FW_CFG_NB_CPUS, 1, &err), -1);
	ck_assert_str_eq(err.msg, "fw_cfg: duplicate key 0x5");
	ck_assert_int_eq(fw_cfg_add_item(&f, FW_CFG_SIGNATURE, "ABCD", 4, &err), -1);
	ck_assert_str_eq(err.msg, "fw_cfg: key 0x0 is the device's own");
	ck_assert_int_eq(fw_cfg_add_item(&f, FW_CFG_FILE_FIRST, "ABCD", 4, &err), -1);
	ck_assert_str_eq(err.msg, "fw_cfg: key 0x20 is not an item key (files get keys from 0x20)");
	ck_assert_int_eq(fw_cfg_add_item(&f, FW_CFG_WRITE_CHANNEL | 2, "ABCD", 4, &err), -1);
	ck_assert_int_eq(fw_cfg_add_item(&f, FW_CFG_ARCH_LOCAL | FW_CFG_MAX_ENTRY, "A", 1, &err),
			 -1);

	ck_assert_int_eq(fw_cfg_register(&f, &b, &err), 0);
	ck_assert_int_eq(fw_cfg_register(&f, &b, &err), -1);
	ck_assert_int_eq(fw_cfg_add_file(&f, "late", file_a, 1, &err), -1);
	ck_assert_int_eq(fw_cfg_add_u16(&f, 0x10, 1, &err), -1);
	ck_assert_ptr_nonnull(strstr(err.msg, "after the ports were registered"));
	/* All 64 in name order, whatever order they came in. */
	ck_assert_uint_eq(be32(f.dir), FW_CFG_MAX_FILES);
	ck_assert_str_eq((char *)f.dir + 4 + 8, "etc/a");
	ck_assert_str_eq((char *)f.dir + 4 + FW_CFG_DIRENT_SIZE + 8, "f/01");
	ck_assert_str_eq((char *)f.dir + 4 + (FW_CFG_MAX_FILES - 1) * FW_CFG_DIRENT_SIZE + 8,
			 long_name + 1);
	fw_cfg_destroy(&f);
}
END_TEST

START_TEST(no_dma_without_gpa_fn)
{
	static struct fw_cfg f;
	struct lk_err err;
	struct bus b;
	uint8_t id[4];
	int i;

	fw_cfg_init(&f, NULL);
	bus_init(&b, "port");
	ck_assert_int_eq(fw_cfg_register(&f, &b, &err), 0);
	ck_assert_ptr_null(bus_find(&b, FW_CFG_PORT_DMA));
	bus_access(&b, FW_CFG_PORT_SEL, (uint8_t[]){ FW_CFG_ID, 0 }, 2, true);
	for (i = 0; i < 4; i++)
		bus_access(&b, FW_CFG_PORT_DATA, &id[i], 1, false);
	ck_assert_uint_eq(bus_data_get(id, 4), FW_CFG_ID_TRADITIONAL);
	fw_cfg_destroy(&f);
}
END_TEST

Suite *unit_fw_cfg_suite(void)
{
	Suite *s = suite_create("fw_cfg");
	TCase *tc = tcase_create("ports");
	TCase *dma_tc = tcase_create("dma");
	TCase *cfg = tcase_create("items");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, signature_by_port);
	tcase_add_test(tc, id_and_numbers);
	tcase_add_test(tc, select_resets_offset);
	tcase_add_test(tc, past_end_reads_zero);
	tcase_add_test(tc, file_dir);
	tcase_add_test(tc, file_by_port);
	tcase_add_test(tc, wide_data_port);
	suite_add_tcase(s, tc);

	tcase_add_checked_fixture(dma_tc, setup, teardown);
	tcase_add_test(dma_tc, file_by_dma);
	tcase_add_test(dma_tc, dma_past_end);
	tcase_add_test(dma_tc, dma_bad_address);
	tcase_add_test(dma_tc, dma_write_fails);
	tcase_add_test(dma_tc, dma_address_halves);
	tcase_add_test(dma_tc, dma_register_reads_signature);
	suite_add_tcase(s, dma_tc);

	tcase_add_test(cfg, add_errors);
	tcase_add_test(cfg, no_dma_without_gpa_fn);
	suite_add_tcase(s, cfg);
	return s;
}
