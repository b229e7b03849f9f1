// SPDX-License-Identifier: GPL-2.0-only
/*
 * What the fuzz targets (tests/fuzz/) found, each input replayed through
 * the code that failed on it, with the behaviour it has now. The inputs
 * themselves stay in the targets' corpora (tests/fuzz/corpus/TARGET/
 * regress-*), where fuzzing starts from them too.
 *
 * fuzz_marker: --until-re expressions that glibc's regcomp() took minutes
 * or gigabytes to compile, although marker_cfg_check() is there to refuse
 * such ones before the VM starts: x+ copies x, so x++++ doubles it four
 * times; an unmatched ')' is a literal, not the end of the expression;
 * a repetition of a part that may match nothing ((x?)+, x????++++++++,
 * ($|y)+: an anchor matches nothing) costs glibc's closures time
 * exponential in the nesting; and a run of such parts (x?x?x?...) costs
 * memory with the square of its length.
 */
#include <stdio.h>
#include <string.h>

#include "tests/tests.h"
#include "util/marker.h"

#define TOO_MANY_ATOMS	"its repetitions expand to more than 20000 atoms (or nest deeper " \
			"than 31 groups), too costly to compile"
#define EMPTY_REPEATED	"it repeats a part that may match nothing ((x?)*, x?+, (a|)+), too " \
			"costly to compile: write it without (x*, (a|b)*, x{0,9})"
#define EMPTY_RUN	"too many parts that may match nothing in a row (x?x?x?...), too " \
			"costly to compile"

/* @head, @n times @c, then @tail: an expression as the fuzzer wrote it. */
static const char *re_of(char *buf, size_t size, const char *head, char c, size_t n,
			 const char *tail)
{
	size_t h = strlen(head);

	ck_assert_uint_lt(h + n + strlen(tail), size);
	memcpy(buf, head, h);
	memset(buf + h, c, n);
	strcpy(buf + h + n, tail);
	return buf;
}

static void refused(const char *re, const char *why)
{
	struct marker_cfg cfg = { .until_re = re };
	struct lk_err err = { 0 };
	char want[sizeof(err.msg)];

	ck_assert_int_eq(marker_cfg_check(&cfg, &err), -1);
	ck_assert_int_eq(err.status, LK_EXIT_USAGE);
	ck_assert(!cfg.re_ready);
	snprintf(want, sizeof(want), "--until-re '%s': %s", re, why);
	ck_assert_str_eq(err.msg, want);
}

static void accepted(const char *re)
{
	struct marker_cfg cfg = { .until_re = re };
	struct lk_err err = { 0 };

	ck_assert_msg(!marker_cfg_check(&cfg, &err), "%s: %s", re, err.msg);
	ck_assert(cfg.re_ready);
	marker_cfg_release(&cfg);
}

/* corpus/fuzz_marker/regress-plus-doubles: 96 x '+' made 2^96 copies (out of memory). */
START_TEST(marker_plus_doubles)
{
	char re[256];

	refused(re_of(re, sizeof(re), "\x88" "A\xd0#\x18\x18\x18", '+', 96, ""), TOO_MANY_ATOMS);
	accepted(re_of(re, sizeof(re), "a", '+', 14, ""));	/* 16384 copies */
	refused(re_of(re, sizeof(re), "a", '+', 15, ""), TOO_MANY_ATOMS);
}
END_TEST

/* corpus/fuzz_marker/regress-unmatched-paren: the '+'s after a ')' were not counted. */
START_TEST(marker_unmatched_paren)
{
	char a[64], b[128], re[256];

	re_of(a, sizeof(a), "|||||\x88\x88\x88\x88\x88|\x88||||\x88|||\xff\xff", '\xf2', 12,
	      "\xff\xff\xff\xff\xff\xff\xff\xff)");
	re_of(b, sizeof(b), a, '\xff', 55, "");
	refused(re_of(re, sizeof(re), b, '+', 24, "`,"), TOO_MANY_ATOMS);
	accepted("a)b");
	accepted("(a))+");
}
END_TEST

/* corpus/fuzz_marker/regress-empty-repeated-{1,2}: each took glibc minutes to compile. */
START_TEST(marker_empty_repeated)
{
	refused("\x7f?%\xb0?+++++++++++\xab++++++", EMPTY_REPEATED);
	refused("\xd5\xd4\xd4\xd4\xd4\xd4\xc0\xa3__????++++++++\x06\xf9+\x08", EMPTY_REPEATED);
	refused("(x?)*", EMPTY_REPEATED);
	refused("(a|)+", EMPTY_REPEATED);
	refused("(a*){2}", EMPTY_REPEATED);
	refused("x{0,3}+", EMPTY_REPEATED);
	accepted("x*");
	accepted("(a|b)*c(d|e)+");
	accepted("x{0,9}");
	accepted("(\r?\n)+");
	accepted("^Linux version [0-9.]+ .*$");
	accepted("(a{1,100}){1,100}x");
}
END_TEST

/*
 * corpus/fuzz_marker/regress-anchor-repeated: an anchor matches nothing
 * too, so ($|yz)+ repeats a part that may; glibc took minutes on this one.
 */
START_TEST(marker_anchor_repeated)
{
	refused("\\x\ng(log/n+($|yz)+{024}*\x06&\xc0g\n|yz)+{012}*\x06^l\xd0\xff\xff\xff++\x08",
		EMPTY_REPEATED);
	refused("($|yz)+", EMPTY_REPEATED);
	refused("(a|\\<)*", EMPTY_REPEATED);
	refused("(a\\1?)*(\\1)+", EMPTY_REPEATED);
	accepted("^login: *$");
	accepted("(^a|b$)+");
}
END_TEST

/*
 * corpus/fuzz_marker/regress-empty-first-branch (CI's 60 s run): an empty
 * first branch, (|a), was not seen to match nothing; (|a)+{543} took glibc
 * 2 s to compile (7 under ASan), longer ones more.
 */
START_TEST(marker_empty_first_branch)
{
	refused("(|a)+", EMPTY_REPEATED);
	refused("(|$lo+nyz)+{543}", EMPTY_REPEATED);
	refused("(b||a)*", EMPTY_REPEATED);
	refused("x(|a){2}", EMPTY_REPEATED);
	accepted("(|a)");
	accepted("(a|b)+{543}");
	accepted("|a");
}
END_TEST

/* A run of optional parts: 3000 in a row is 4.5 million closure entries (70 MB). */
START_TEST(marker_optional_run)
{
	char re[8192];
	size_t i;

	for (i = 0; i < 3000; i++)
		memcpy(re + 2 * i, "a?", 2);
	re[6000] = '\0';
	refused(re, EMPTY_RUN);
	re[2000] = '\0';	/* 1000: half a million */
	accepted(re);
}
END_TEST

Suite *unit_fuzz_regress_suite(void)
{
	Suite *s = suite_create("fuzz-regress");
	TCase *tc = tcase_create("marker");

	tcase_add_test(tc, marker_plus_doubles);
	tcase_add_test(tc, marker_unmatched_paren);
	tcase_add_test(tc, marker_empty_repeated);
	tcase_add_test(tc, marker_anchor_repeated);
	tcase_add_test(tc, marker_empty_first_branch);
	tcase_add_test(tc, marker_optional_run);
	suite_add_tcase(s, tc);
	return s;
}
