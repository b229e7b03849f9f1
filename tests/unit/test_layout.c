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
	suite_add_tcase(s, tc);
	return s;
}
