// SPDX-License-Identifier: GPL-2.0-only
/*
 * What lkvm-sev says on stderr, and in which order: -q takes the warnings
 * away, -v adds what was chosen and why, and a warning given while a run
 * starts up never stands before the line that says why it failed.
 */
#include <string.h>

#include "tests/tests.h"

#define MSG_TIMEOUT 30.0

static const char ro_warning[] = "lkvm-sev: warning: --ro-mode mprotect: firmware is protected "
				 "with mprotect(PROT_READ)";
static const char dtb_error[] = "lkvm-sev: --dump-dtb /nonexistent/lkvm-sev.dtb: No such file "
				"or directory\n";

/* Start-up warns (--ro-mode mprotect), then fails (--dump-dtb): the failure comes first. */
START_TEST(failure_line_first)
{
	struct vmm_proc p;

	vmm_run(&p, (const char *[]){ "run", "--firmware", guest("hello"), "--ro-mode", "mprotect",
				      "--dump-dtb", "/nonexistent/lkvm-sev.dtb", NULL }, MSG_TIMEOUT);
	ck_assert_int_eq(p.status, 2);
	ck_assert_msg(!strncmp(p.err, dtb_error, strlen(dtb_error)), "stderr: %s", p.err);
	ck_assert_msg(strstr(p.err, ro_warning), "the warning is lost: %s", p.err);
	ck_assert_int_eq(count_substr(p.err, "\n"), 2);
}
END_TEST

START_TEST(quiet_keeps_errors_only)
{
	struct vmm_proc p;

	vmm_run(&p, (const char *[]){ "run", "-q", "--firmware", guest("hello"), "--ro-mode",
				      "mprotect", "--dump-dtb", "/nonexistent/lkvm-sev.dtb", NULL },
		MSG_TIMEOUT);
	ck_assert_int_eq(p.status, 2);
	ck_assert_str_eq(p.err, dtb_error);
	vmm_run(&p, (const char *[]){ "run", "--quiet", "--firmware", guest("hello"),
				      "--ro-mode", "mprotect", NULL }, MSG_TIMEOUT);
	ck_assert_int_eq(p.status, 0);
	ck_assert_str_eq(p.err, "");
	ck_assert_str_eq(p.out, "Hello from the guest\n");
}
END_TEST

/* A run that starts: its warnings print once the guest runs, before the guest's output ends. */
START_TEST(warning_of_a_good_run)
{
	struct vmm_proc p;

	vmm_run(&p, (const char *[]){ "run", "--firmware", guest("hello"), "--ro-mode",
				      "mprotect", NULL }, MSG_TIMEOUT);
	ck_assert_int_eq(p.status, 0);
	ck_assert_msg(!strncmp(p.err, ro_warning, strlen(ro_warning)), "stderr: %s", p.err);
	ck_assert_int_eq(count_substr(p.err, "\n"), 1);
}
END_TEST

START_TEST(verbose_says_why)
{
	static const char *const lines[] = {
		"lkvm-sev: firmware: ", "as a read-only flash\n",
		"lkvm-sev: memory: 256 MiB, 256 MiB below the PCI hole at 0x80000000 and 0 MiB "
		"from 4 GiB\n",
		"lkvm-sev: firmware read-only by mprotect: requested with --ro-mode mprotect\n",
		"lkvm-sev: mode: plain (no --sev, --sev-es or --sev-snp)\n",
		"lkvm-sev: vCPUs: 1; I/O loop polls up to 7 us (--io-poll)\n",
		"lkvm-sev: console: stdin's bytes to the guest as they are (not a terminal)\n",
	};
	struct vmm_proc p;
	unsigned int i;

	vmm_run(&p, (const char *[]){ "run", "-v", "--firmware", guest("hello"), "--ro-mode",
				      "mprotect", "-q", "-v", "--io-poll", "7", NULL }, MSG_TIMEOUT);
	ck_assert_int_eq(p.status, 0);
	for (i = 0; i < sizeof(lines) / sizeof(lines[0]); i++)
		ck_assert_msg(strstr(p.err, lines[i]), "no '%s' in: %s", lines[i], p.err);
	ck_assert_msg(strstr(p.err, ro_warning), "-v hid a warning: %s", p.err);
	/* The last of -q and -v counts. */
	vmm_run(&p, (const char *[]){ "run", "-v", "--firmware", guest("hello"), "-q", NULL },
		MSG_TIMEOUT);
	ck_assert_int_eq(p.status, 0);
	ck_assert_str_eq(p.err, "");
}
END_TEST

/* Every command takes -q and -v. */
START_TEST(every_command_takes_them)
{
	static const char *const cmds[][3] = {
		{ "caps", "-q", NULL }, { "caps", "--verbose", NULL },
		{ "inspect", "-v", NULL }, { "measure", "--quiet", NULL },
	};
	struct vmm_proc p;
	unsigned int i;

	for (i = 0; i < sizeof(cmds) / sizeof(cmds[0]); i++) {
		const char *args[5] = { cmds[i][0], cmds[i][1], "--help", NULL };

		vmm_run(&p, args, MSG_TIMEOUT);
		ck_assert_msg(p.status == 0, "%s %s --help: status %d: %s", args[0], args[1],
			      p.status, p.err);
		ck_assert_msg(strstr(p.out, "-q, --quiet") && strstr(p.out, "-v, --verbose"),
			      "%s --help does not list -q and -v", args[0]);
	}
}
END_TEST

Suite *messages_suite(void)
{
	Suite *s = suite_create("messages");
	TCase *tc = tcase_create("stderr");

	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, failure_line_first);
	tcase_add_test(tc, quiet_keeps_errors_only);
	tcase_add_test(tc, warning_of_a_good_run);
	tcase_add_test(tc, verbose_says_why);
	tcase_add_test(tc, every_command_takes_them);
	suite_add_tcase(s, tc);
	return s;
}
