// SPDX-License-Identifier: GPL-2.0-only
/* The guest-physical memory map. */
#include "machine/layout.h"
#include "tests/tests.h"

START_TEST(small_vm)
{
	struct layout l;
	struct lk_err err;

	ck_assert_int_eq(layout_compute(&l, 256 * SZ_1M, 64 * SZ_1K, &err), 0);
	ck_assert_uint_eq(l.ram_low_size, 256 * SZ_1M);
	ck_assert_uint_eq(l.ram_high_size, 0);
	ck_assert_uint_eq(l.fw_base, 0xffff0000ULL);
	ck_assert_uint_eq(l.fw_size, 0x10000);
}
END_TEST

START_TEST(split_at_3g)
{
	struct layout l;
	struct lk_err err;

	ck_assert_int_eq(layout_compute(&l, 3 * SZ_1G, 2 * SZ_1M, &err), 0);
	ck_assert_uint_eq(l.ram_low_size, 0xc0000000ULL);
	ck_assert_uint_eq(l.ram_high_size, 0);
	ck_assert_uint_eq(l.fw_base, 0xffe00000ULL);

	ck_assert_int_eq(layout_compute(&l, 64 * SZ_1G, 16 * SZ_1M, &err), 0);
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

	ck_assert_int_eq(layout_compute(&l, SZ_1M / 2, SZ_4K, &err), -1);
	ck_assert_int_eq(err.status, LK_EXIT_USAGE);
	ck_assert_int_eq(layout_compute(&l, SZ_1M + SZ_4K, SZ_4K, &err), -1);
	ck_assert_int_eq(layout_compute(&l, 2 * SZ_1T, SZ_4K, &err), -1);
	ck_assert_int_eq(layout_compute(&l, SZ_1G, 0, &err), -1);
	ck_assert_int_eq(layout_compute(&l, SZ_1G, 100, &err), -1);
	ck_assert_int_eq(layout_compute(&l, SZ_1G, 16 * SZ_1M + SZ_4K, &err), -1);
	ck_assert_int_eq(err.status, LK_EXIT_USAGE);
	ck_assert_int_eq(layout_compute(&l, SZ_1M, 16 * SZ_1M, &err), 0);
}
END_TEST

Suite *unit_layout_suite(void)
{
	Suite *s = suite_create("layout");
	TCase *tc = tcase_create("memory-map");

	tcase_add_test(tc, small_vm);
	tcase_add_test(tc, split_at_3g);
	tcase_add_test(tc, refused);
	suite_add_tcase(s, tc);
	return s;
}
