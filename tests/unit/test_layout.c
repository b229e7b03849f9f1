// SPDX-License-Identifier: GPL-2.0-only
/* The guest-physical memory map. */
#include "machine/layout.h"
#include "tests/tests.h"

START_TEST(small_vm)
{
	struct layout l;
	struct lk_err err;

	ck_assert_int_eq(layout_compute(&l, 256 * SZ_1M, 64 * SZ_1K, 0, &err), 0);
	ck_assert_uint_eq(l.ram_low_size, 256 * SZ_1M);
	ck_assert_uint_eq(l.ram_high_size, 0);
	ck_assert_uint_eq(l.fw_base, 0xffff0000ULL);
	ck_assert_uint_eq(l.fw_size, 0x10000);
	/* OVMF's formula: 4G - 2^floor(log2(4G - 256M)) = 2 GiB. */
	ck_assert_uint_eq(l.pci_hole_base, 0x80000000ULL);
}
END_TEST

START_TEST(split_at_3g)
{
	struct layout l;
	struct lk_err err;

	ck_assert_int_eq(layout_compute(&l, 3 * SZ_1G, 2 * SZ_1M, 0, &err), 0);
	ck_assert_uint_eq(l.ram_low_size, 0xc0000000ULL);
	ck_assert_uint_eq(l.ram_high_size, 0);
	ck_assert_uint_eq(l.fw_base, 0xffe00000ULL);

	ck_assert_int_eq(layout_compute(&l, 64 * SZ_1G, 16 * SZ_1M, 0, &err), 0);
	ck_assert_uint_eq(l.ram_low_size, 0xc0000000ULL);
	ck_assert_uint_eq(l.ram_high_size, 61 * SZ_1G);
	ck_assert_uint_eq(l.fw_base, 0xff000000ULL);
	/* Firmware and low RAM never meet: the hole holds the devices. */
	ck_assert_uint_lt(l.ram_low_size, l.fw_base);
}
END_TEST

START_TEST(refused)
{
	struct layout l;
	struct lk_err err;

	ck_assert_int_eq(layout_compute(&l, SZ_1M / 2, SZ_4K, 0, &err), -1);
	ck_assert_int_eq(err.status, LK_EXIT_USAGE);
	ck_assert_int_eq(layout_compute(&l, SZ_1M + SZ_4K, SZ_4K, 0, &err), -1);
	ck_assert_int_eq(layout_compute(&l, 2 * SZ_1T, SZ_4K, 0, &err), -1);
	ck_assert_int_eq(layout_compute(&l, SZ_1G, 0, 0, &err), -1);
	ck_assert_int_eq(layout_compute(&l, SZ_1G, 100, 0, &err), -1);
	ck_assert_int_eq(layout_compute(&l, SZ_1G, 16 * SZ_1M + SZ_4K, 0, &err), -1);
	ck_assert_int_eq(err.status, LK_EXIT_USAGE);
	ck_assert_int_eq(layout_compute(&l, SZ_1M, 16 * SZ_1M, 0, &err), 0);
}
END_TEST

START_TEST(with_vars)
{
	struct layout l;
	struct lk_err err;

	/* Debian's 4M split images: VARS 0x84000 at 0xffc00000, CODE 0x37c000 above. */
	ck_assert_int_eq(layout_compute(&l, SZ_1G, 0x37c000, 0x84000, &err), 0);
	ck_assert_uint_eq(l.fw_base, 0xffc84000ULL);
	ck_assert_uint_eq(l.vars_base, 0xffc00000ULL);
	ck_assert_uint_eq(l.pci_hole_base, 0x80000000ULL);
	ck_assert_int_eq(layout_compute(&l, 4 * SZ_1G, 0x37c000, 0x84000, &err), 0);
	ck_assert_uint_eq(l.pci_hole_base, 0xc0000000ULL);
	ck_assert_int_eq(layout_compute(&l, SZ_1G, 15 * SZ_1M, 2 * SZ_1M, &err), -1);
	ck_assert_int_eq(err.status, LK_EXIT_USAGE);
	ck_assert_int_eq(layout_compute(&l, SZ_1G, SZ_1M, 1000, &err), -1);
}
END_TEST

START_TEST(e820)
{
	struct e820_entry e[E820_MAX];
	struct layout l;
	struct lk_err err;

	ck_assert_uint_eq(sizeof(e[0]), 20);
	ck_assert_int_eq(layout_compute(&l, 256 * SZ_1M, SZ_1M, 0, &err), 0);
	ck_assert_int_eq(layout_e820(&l, e, E820_MAX), 2);
	ck_assert_uint_eq(e[0].addr, 0);
	ck_assert_uint_eq(e[0].size, 256 * SZ_1M);
	ck_assert_uint_eq(e[0].type, E820_RAM);
	ck_assert_uint_eq(e[1].addr, 0xfeffc000ULL);
	ck_assert_uint_eq(e[1].size, 0x4000);
	ck_assert_uint_eq(e[1].type, E820_RESERVED);
	ck_assert_int_eq(layout_compute(&l, 5 * SZ_1G, SZ_1M, 0, &err), 0);
	ck_assert_int_eq(layout_e820(&l, e, E820_MAX), 3);
	ck_assert_uint_eq(e[0].size, 3 * SZ_1G);
	ck_assert_uint_eq(e[2].addr, 4 * SZ_1G);
	ck_assert_uint_eq(e[2].size, 2 * SZ_1G);
}
END_TEST

/* SNP's direct VMSA page in RAM: reserved, RAM split around it, low and high. */
START_TEST(e820_reserved_page)
{
	struct e820_entry e[E820_MAX];
	struct layout l;
	struct lk_err err;

	ck_assert_int_eq(layout_compute(&l, 256 * SZ_1M, SZ_4K, 0, &err), 0);
	l.reserved_page = 0x7ff000;
	ck_assert_int_eq(layout_e820(&l, e, E820_MAX), 4);
	ck_assert(e[0].addr == 0 && e[0].size == 0x7ff000 && e[0].type == E820_RAM);
	ck_assert(e[1].addr == 0x7ff000 && e[1].size == SZ_4K && e[1].type == E820_RESERVED);
	ck_assert(e[2].addr == 0x800000 && e[2].size == 256 * SZ_1M - 0x800000 &&
		  e[2].type == E820_RAM);
	ck_assert(e[3].addr == 0xfeffc000ULL && e[3].type == E820_RESERVED);
	/* The last page of low RAM: nothing after it. */
	l.reserved_page = 256 * SZ_1M - SZ_4K;
	ck_assert_int_eq(layout_e820(&l, e, E820_MAX), 3);
	ck_assert(e[0].size == 256 * SZ_1M - SZ_4K && e[1].addr == 256 * SZ_1M - SZ_4K);
	/* In high RAM; outside RAM (the default 0xfffffffff000) it changes nothing. */
	ck_assert_int_eq(layout_compute(&l, 5 * SZ_1G, SZ_4K, 0, &err), 0);
	l.reserved_page = 4 * SZ_1G + 0x1000;
	ck_assert_int_eq(layout_e820(&l, e, E820_MAX), 5);
	ck_assert(e[2].addr == 4 * SZ_1G && e[2].size == 0x1000 && e[2].type == E820_RAM);
	ck_assert(e[3].addr == 4 * SZ_1G + 0x1000 && e[3].type == E820_RESERVED);
	ck_assert(e[4].addr == 4 * SZ_1G + 0x2000 && e[4].size == 2 * SZ_1G - 0x2000);
	l.reserved_page = 0xfffffffff000ULL;
	ck_assert_int_eq(layout_e820(&l, e, E820_MAX), 3);
}
END_TEST

/* The 64-bit PCI window: OVMF's classic base above RAM, up to 2^47, for -m 1 MiB to 1 TiB. */
START_TEST(pci64_window)
{
	static const struct { uint64_t mem, base; } want[] = {
		{ SZ_1M, 0x800000000ULL },		/* no RAM above 4 GiB: 4G up to 32G */
		{ 256 * SZ_1M, 0x800000000ULL },
		{ 3 * SZ_1G, 0x800000000ULL },
		{ 4 * SZ_1G, 0x800000000ULL },		/* RAM ends at 5 GiB */
		{ 31 * SZ_1G, 0x800000000ULL },		/* ends at exactly 32 GiB */
		{ 32 * SZ_1G, 0x1000000000ULL },	/* 33 GiB: up to 64 GiB */
		{ 64 * SZ_1G, 0x1800000000ULL },	/* 65 GiB: up to 96 GiB */
		{ SZ_1T, 0x10800000000ULL },		/* 1 TiB + 1 GiB: to 1 TiB + 32 GiB */
	};
	struct layout l;
	struct lk_err err;
	unsigned int i;

	for (i = 0; i < sizeof(want) / sizeof(want[0]); i++) {
		ck_assert_int_eq(layout_compute(&l, want[i].mem, SZ_1M, 0, &err), 0);
		ck_assert_uint_eq(l.pci64_base, want[i].base);
		ck_assert_uint_eq(l.pci64_base + l.pci64_size, 0x800000000000ULL);
	}
	ck_assert_uint_eq(l.pci64_size, 0x7ef800000000ULL);
}
END_TEST

/*
 * OVMF's 64-bit aperture as MemDetect.c places it, for RAM ending at
 * @ram_end: classic (@bits 0: CPUID not trusted), or dynamic for a
 * trusted width @bits clamped to @max_bits, 2^(bits - @shift) bytes.
 */
static void ovmf_pci64(uint64_t ram_end, unsigned int bits, unsigned int max_bits,
		       unsigned int shift, uint64_t *base, uint64_t *size)
{
	uint64_t first = ram_end > 4 * SZ_1G ? ram_end : 4 * SZ_1G, space, mmio;

	*size = 32 * SZ_1G;
	*base = (first + SZ_1G - 1) / SZ_1G * SZ_1G;
	*base = (*base + *size - 1) / *size * *size;
	if (!bits)
		return;
	bits = bits > max_bits ? max_bits : bits;
	space = 1ULL << bits;
	mmio = 1ULL << (bits - shift);
	if (*size < mmio && *base + mmio < space) {
		*size = mmio;
		*base = space - mmio;
	}
}

/* Whatever OVMF version and CPUID width, the aperture lies inside the window. */
START_TEST(pci64_contains_ovmf)
{
	static const uint64_t mems[] = { SZ_1M, 256 * SZ_1M, 3 * SZ_1G, 4 * SZ_1G, 31 * SZ_1G,
					 33 * SZ_1G, 64 * SZ_1G, 255 * SZ_1G, 512 * SZ_1G,
					 1021 * SZ_1G, SZ_1T };
	unsigned int i, bits, max_bits, shift;
	uint64_t base, size;
	struct layout l;
	struct lk_err err;

	for (i = 0; i < sizeof(mems) / sizeof(mems[0]); i++) {
		ck_assert_int_eq(layout_compute(&l, mems[i], SZ_1M, 0, &err), 0);
		for (bits = 0; bits <= 52; bits = bits ? bits + 1 : 36)
			for (max_bits = 46; max_bits <= 47; max_bits++)
				for (shift = 2; shift <= 3; shift++) {
					ovmf_pci64(4 * SZ_1G + l.ram_high_size, bits, max_bits,
						   shift, &base, &size);
					ck_assert_uint_ge(base, l.pci64_base);
					ck_assert_uint_le(base + size, l.pci64_base + l.pci64_size);
				}
	}
}
END_TEST

Suite *unit_layout_suite(void)
{
	Suite *s = suite_create("layout");
	TCase *tc = tcase_create("memory-map");

	tcase_add_test(tc, small_vm);
	tcase_add_test(tc, split_at_3g);
	tcase_add_test(tc, refused);
	tcase_add_test(tc, with_vars);
	tcase_add_test(tc, e820);
	tcase_add_test(tc, e820_reserved_page);
	tcase_add_test(tc, pci64_window);
	tcase_add_test(tc, pci64_contains_ovmf);
	suite_add_tcase(s, tc);
	return s;
}
