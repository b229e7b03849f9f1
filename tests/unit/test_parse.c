// SPDX-License-Identifier: GPL-2.0-only
/* Number parsing: sizes, counts, seconds. */
#include "tests/tests.h"
#include "util/parse.h"

#define MiB (1ULL << 20)

START_TEST(size_units)
{
	uint64_t v;

	ck_assert(parse_size("256", MiB, &v));
	ck_assert_uint_eq(v, 256 * MiB);
	ck_assert(parse_size("512K", MiB, &v));
	ck_assert_uint_eq(v, 512 << 10);
	ck_assert(parse_size("1G", MiB, &v));
	ck_assert_uint_eq(v, 1ULL << 30);
	ck_assert(parse_size("64g", MiB, &v));
	ck_assert_uint_eq(v, 64ULL << 30);
	ck_assert(parse_size("2T", MiB, &v));
	ck_assert_uint_eq(v, 2ULL << 40);
	ck_assert(parse_size("4GiB", MiB, &v));
	ck_assert_uint_eq(v, 4ULL << 30);
	ck_assert(parse_size("3MB", MiB, &v));
	ck_assert_uint_eq(v, 3 * MiB);
	ck_assert(parse_size("4096", 1, &v));
	ck_assert_uint_eq(v, 4096);
}
END_TEST

START_TEST(size_refused)
{
	static const char *const bad[] = {
		"", "abc", "0", "0G", "-1", "1.5G", "1X", "1GG", "1Gi", " 1G", "1G ",
		"99999999999999999999", "17179869184G", "G",
	};
	uint64_t v = 42;
	unsigned int i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		ck_assert_msg(!parse_size(bad[i], MiB, &v), "accepted '%s'", bad[i]);
		ck_assert_uint_eq(v, 42);
	}
	ck_assert(!parse_size(NULL, MiB, &v));
}
END_TEST

START_TEST(uint_range)
{
	unsigned long v;

	ck_assert(parse_uint("1", 1, 255, &v));
	ck_assert_uint_eq(v, 1);
	ck_assert(parse_uint("255", 1, 255, &v));
	ck_assert_uint_eq(v, 255);
	ck_assert(!parse_uint("0", 1, 255, &v));
	ck_assert(!parse_uint("256", 1, 255, &v));
	ck_assert(!parse_uint("4x", 1, 255, &v));
	ck_assert(!parse_uint("-4", 1, 255, &v));
	ck_assert(!parse_uint("", 1, 255, &v));
}
END_TEST

START_TEST(seconds)
{
	double v;

	ck_assert(parse_seconds("2", &v));
	ck_assert(v == 2.0);
	ck_assert(parse_seconds("0.5", &v));
	ck_assert(v == 0.5);
	ck_assert(parse_seconds("0", &v));
	ck_assert(v == 0.0);
	ck_assert(!parse_seconds("-1", &v));
	ck_assert(!parse_seconds("+1", &v));
	ck_assert(!parse_seconds("inf", &v));
	ck_assert(!parse_seconds("nan", &v));
	ck_assert(!parse_seconds("2s", &v));
	ck_assert(!parse_seconds("", &v));
	ck_assert(!parse_seconds(" 2", &v));
}
END_TEST

Suite *unit_parse_suite(void)
{
	Suite *s = suite_create("parse");
	TCase *tc = tcase_create("numbers");

	tcase_add_test(tc, size_units);
	tcase_add_test(tc, size_refused);
	tcase_add_test(tc, uint_range);
	tcase_add_test(tc, seconds);
	suite_add_tcase(s, tc);
	return s;
}
