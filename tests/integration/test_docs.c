// SPDX-License-Identifier: GPL-2.0-only
/*
 * What ships beside the binary: the man page agrees with every subcommand's
 * --help (each option the help lists, each exit status of run's table), the
 * bash completion completes what the help lists (tests/integration/
 * completion.sh), `make install` puts the three files where PREFIX and
 * DESTDIR say with the right modes, and examples/ci-boot.sh boots the test
 * firmware where /dev/kvm exists.
 */
#include <libgen.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "tests/tests.h"

#define MAN_MAX (256 * 1024)
#define CMD_OUT_MAX (64 * 1024)

static char tmpdir[64];

static void setup(void)
{
	test_dir_create(tmpdir, sizeof(tmpdir));
}

static void teardown(void)
{
	test_dir_remove(tmpdir);
}

/* Runs @cmd under sh; its stdout and stderr in @out, its exit status returned. */
static int sh(const char *cmd, char *out, size_t size)
{
	char full[8192];
	size_t len = 0, n;
	FILE *f;
	int st;

	snprintf(full, sizeof(full), "(%s) 2>&1", cmd);
	f = popen(full, "r");
	ck_assert_ptr_nonnull(f);
	while (len < size - 1 && (n = fread(out + len, 1, size - 1 - len, f)) > 0)
		len += n;
	out[len] = '\0';
	st = pclose(f);
	return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}

/* The man page's text with troff's escapes for '-', '\' and fonts undone. */
static char *man_text(void)
{
	static char text[MAN_MAX];
	char path[4200], line[1024];
	size_t len = 0;
	FILE *f;

	snprintf(path, sizeof(path), "%s/doc/lkvm-sev.1", SRC_DIR);
	f = fopen(path, "r");
	ck_assert_ptr_nonnull(f);
	while (fgets(line, sizeof(line), f)) {
		const char *s = line;

		if (!strncmp(line, ".\\\"", 3))
			continue;
		while (*s && len < sizeof(text) - 1) {
			if (s[0] == '\\' && s[1] == '-') {
				text[len++] = '-';
				s += 2;
			} else if (s[0] == '\\' && s[1] == 'e') {
				text[len++] = '\\';
				s += 2;
			} else if (s[0] == '\\' && s[1] == 'f' && s[2]) {
				s += 3;
			} else {
				text[len++] = *s++;
			}
		}
	}
	fclose(f);
	text[len] = '\0';
	return text;
}

static bool word_char(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
	       c == '-' || c == '_';
}

/* Whether @hay contains @word with no word character on either side. */
static bool has_word(const char *hay, const char *word)
{
	size_t n = strlen(word);
	const char *p = hay;

	while ((p = strstr(p, word))) {
		if ((p == hay || !word_char(p[-1])) && !word_char(p[n]))
			return true;
		p++;
	}
	return false;
}

/* The help of @cmd ("help" for the command list), with status 0. */
static void help_of(struct vmm_proc *p, const char *cmd)
{
	if (!strcmp(cmd, "help"))
		vmm_run(p, (const char *[]){ "help", NULL }, 10);
	else
		vmm_run(p, (const char *[]){ cmd, "--help", NULL }, 10);
	ck_assert_msg(p->status == 0, "%s --help: status %d: %s", cmd, p->status, p->err);
	ck_assert_msg(p->out_len > 0, "%s --help printed nothing", cmd);
}

/*
 * Each token starting with '-' on @help's option lines (those starting
 * "  -"), trailing punctuation dropped, must be a word of @man. Returns
 * how many were checked.
 */
static int options_in_man(const char *cmd, const char *help, const char *man)
{
	char buf[VMM_OUT_MAX], missing[4096] = "";
	char *line, *save_line;
	int checked = 0;

	snprintf(buf, sizeof(buf), "%s", help);
	for (line = strtok_r(buf, "\n", &save_line); line;
	     line = strtok_r(NULL, "\n", &save_line)) {
		char *tok, *save_tok;

		if (strncmp(line, "  -", 3))
			continue;
		for (tok = strtok_r(line, " \t", &save_tok); tok;
		     tok = strtok_r(NULL, " \t", &save_tok)) {
			size_t n = strlen(tok);

			if (tok[0] != '-')
				continue;
			while (n && !word_char(tok[n - 1]))
				tok[--n] = '\0';
			if (n < 2)
				continue;
			checked++;
			if (!has_word(man, tok) && !strstr(missing, tok)) {
				strncat(missing, " ", sizeof(missing) - strlen(missing) - 1);
				strncat(missing, tok, sizeof(missing) - strlen(missing) - 1);
			}
		}
	}
	ck_assert_msg(!missing[0], "doc/lkvm-sev.1 lacks options of `%s --help`:%s", cmd,
		      missing);
	return checked;
}

START_TEST(man_lists_every_option)
{
	static const struct {
		const char *cmd;
		int min;	/* fewer tokens than this: the parsing is broken */
	} cmds[] = {
		{ "run", 30 }, { "measure", 15 }, { "inspect", 2 }, { "caps", 2 }, { "help", 1 },
		{ "verify", 8 },
	};
	const char *man = man_text();
	struct vmm_proc p;
	unsigned int i;

	for (i = 0; i < sizeof(cmds) / sizeof(cmds[0]); i++) {
		int n;

		help_of(&p, cmds[i].cmd);
		n = options_in_man(cmds[i].cmd, p.out, man);
		ck_assert_msg(n >= cmds[i].min, "%s --help: only %d option tokens", cmds[i].cmd,
			      n);
	}
}
END_TEST

START_TEST(man_lists_every_exit_status)
{
	const char *man = man_text(), *start, *end;
	char section[16384], buf[VMM_OUT_MAX], missing[1024] = "";
	char *line, *save;
	struct vmm_proc p;
	bool in_table = false;
	int checked = 0;

	start = strstr(man, "\n.SH EXIT STATUS");
	ck_assert_msg(start, "doc/lkvm-sev.1 has no EXIT STATUS section");
	end = strstr(start + 1, "\n.SH ");
	snprintf(section, sizeof(section), "%.*s",
		 (int)(end ? (size_t)(end - start) : strlen(start)), start);

	help_of(&p, "run");
	snprintf(buf, sizeof(buf), "%s", p.out);
	for (line = strtok_r(buf, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		char *s = line + 2, *e;

		if (!strncmp(line, "exit status", 11)) {
			in_table = true;
			continue;
		}
		if (!in_table || strncmp(line, "  ", 2) || *s < '0' || *s > '9')
			continue;
		/* "  130, 143  stopped by ...": the numbers before the description */
		while (*s >= '0' && *s <= '9') {
			long v = strtol(s, &e, 10);
			char num[16];

			snprintf(num, sizeof(num), "%ld", v);
			checked++;
			if (!has_word(section, num)) {
				strncat(missing, " ", sizeof(missing) - strlen(missing) - 1);
				strncat(missing, num, sizeof(missing) - strlen(missing) - 1);
			}
			s = e;
			if (s[0] != ',' || s[1] != ' ')
				break;
			s += 2;
		}
	}
	ck_assert_msg(checked >= 8, "run --help's exit status table: only %d statuses", checked);
	ck_assert_msg(!missing[0], "doc/lkvm-sev.1's EXIT STATUS lacks:%s", missing);
}
END_TEST

START_TEST(man_page_renders_cleanly)
{
	char cmd[8192], out[CMD_OUT_MAX];
	int st;

	if (system("command -v man >/dev/null 2>&1")) {
		printf("SKIP man page rendering: man is not installed\n");
		return;
	}
	snprintf(cmd, sizeof(cmd), "MANWIDTH=80 man --warnings -l '%s/doc/lkvm-sev.1' "
		 ">/dev/null", SRC_DIR);
	st = sh(cmd, out, sizeof(out));
	ck_assert_msg(st == 0 && !out[0], "man --warnings: status %d: %s", st, out);
}
END_TEST

START_TEST(completion_completes)
{
	char cmd[8192], out[CMD_OUT_MAX];
	int st;

	snprintf(cmd, sizeof(cmd), "cd '%s' && LKVM='%s' bash tests/integration/completion.sh",
		 SRC_DIR, LKVM_BIN);
	st = sh(cmd, out, sizeof(out));
	ck_assert_msg(st == 0, "completion.sh: status %d:\n%s", st, out);
}
END_TEST

/* @rel, under tmpdir/dest, is a non-empty regular file with @mode. */
static void assert_installed(const char *rel, mode_t mode)
{
	char path[4200];
	struct stat st;

	snprintf(path, sizeof(path), "%s/dest%s", tmpdir, rel);
	ck_assert_msg(!stat(path, &st), "%s was not installed", rel);
	ck_assert_msg(S_ISREG(st.st_mode), "%s is not a regular file", rel);
	ck_assert_msg((st.st_mode & 07777) == mode, "%s: mode %o, not %o", rel,
		      st.st_mode & 07777, mode);
	ck_assert_msg(st.st_size > 0, "%s is empty", rel);
}

START_TEST(make_install_and_uninstall)
{
	char bin[4096], obj[4200], cmd[16384], out[CMD_OUT_MAX];
	int st;

	/* Install the binary this runner tests (O= its build), without rebuilding it (-o). */
	snprintf(bin, sizeof(bin), "%s", LKVM_BIN);
	snprintf(obj, sizeof(obj), "%s/", dirname(bin));
	snprintf(cmd, sizeof(cmd), "cd '%s' && env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL "
		 "make -s -o '%slkvm-sev' O='%s' DESTDIR='%s/dest' PREFIX=/usr install && "
		 "cd '%s/dest' && find . -type f | sort", SRC_DIR, obj, obj, tmpdir, tmpdir);
	st = sh(cmd, out, sizeof(out));
	ck_assert_msg(st == 0, "make install: status %d:\n%s", st, out);
	ck_assert_str_eq(out, "./usr/bin/lkvm-sev\n"
			 "./usr/share/bash-completion/completions/lkvm-sev\n"
			 "./usr/share/doc/lkvm-sev/report.schema.json\n"
			 "./usr/share/man/man1/lkvm-sev.1\n");
	assert_installed("/usr/bin/lkvm-sev", 0755);
	assert_installed("/usr/share/man/man1/lkvm-sev.1", 0644);
	assert_installed("/usr/share/bash-completion/completions/lkvm-sev", 0644);
	/* The report's schema, where run --help says it is. */
	assert_installed("/usr/share/doc/lkvm-sev/report.schema.json", 0644);

	snprintf(cmd, sizeof(cmd), "'%s/dest/usr/bin/lkvm-sev' --version", tmpdir);
	st = sh(cmd, out, sizeof(out));
	ck_assert_msg(st == 0 && !strncmp(out, "lkvm-sev ", 9), "installed --version: %d: %s",
		      st, out);

	snprintf(cmd, sizeof(cmd), "cd '%s' && env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL "
		 "make -s DESTDIR='%s/dest' PREFIX=/usr uninstall && "
		 "cd '%s/dest' && find . -type f", SRC_DIR, tmpdir, tmpdir);
	st = sh(cmd, out, sizeof(out));
	ck_assert_msg(st == 0, "make uninstall: status %d:\n%s", st, out);
	ck_assert_msg(!out[0], "make uninstall left:\n%s", out);
}
END_TEST

/* The CI example on the test firmware: plain boots, SEV modes as this host has them. */
START_TEST(ci_boot_script)
{
	char cmd[16384], out[CMD_OUT_MAX];
	int st;

	snprintf(cmd, sizeof(cmd), "cd '%s' && LKVM='%s' sh examples/ci-boot.sh '%s' '%s/reports'",
		 SRC_DIR, LKVM_BIN, guest("hello"), tmpdir);
	st = sh(cmd, out, sizeof(out));
	ck_assert_msg(st == 0, "ci-boot.sh: status %d:\n%s", st, out);
	ck_assert_msg(strstr(out, "\nplain ") && strstr(out, " pass "),
		      "ci-boot.sh: no passing plain row:\n%s", out);
}
END_TEST

/* Without DIR: a new directory under $TMPDIR, nothing written in the tree it runs from. */
START_TEST(ci_boot_default_dir)
{
	char cmd[16384], out[CMD_OUT_MAX], want[PATH_MAX + 64], *at;
	struct stat sb;
	int st;

	snprintf(cmd, sizeof(cmd), "cd '%s' && ls -a > '%s/before' && LKVM='%s' TMPDIR='%s' "
		 "sh examples/ci-boot.sh '%s' && ls -a | diff '%s/before' -",
		 SRC_DIR, tmpdir, LKVM_BIN, tmpdir, guest("hello"), tmpdir);
	st = sh(cmd, out, sizeof(out));
	ck_assert_msg(st == 0, "ci-boot.sh: status %d:\n%s", st, out);
	snprintf(want, sizeof(want), "ci-boot: outputs and reports in %s/ci-boot.", tmpdir);
	at = strstr(out, want);
	ck_assert_msg(at, "ci-boot.sh: no '%s':\n%s", want, out);
	at += strlen("ci-boot: outputs and reports in ");
	*strchr(at, '\n') = '\0';
	snprintf(cmd, sizeof(cmd), "%splain.out", at);
	ck_assert_msg(!stat(cmd, &sb) && S_ISREG(sb.st_mode), "no %s", cmd);
}
END_TEST

Suite *docs_suite(void)
{
	Suite *s = suite_create("docs");
	TCase *tc = tcase_create("man");

	tcase_add_test(tc, man_lists_every_option);
	tcase_add_test(tc, man_lists_every_exit_status);
	tcase_add_test(tc, man_page_renders_cleanly);
	suite_add_tcase(s, tc);

	tc = tcase_create("completion");
	tcase_set_timeout(tc, 30);
	tcase_add_test(tc, completion_completes);
	suite_add_tcase(s, tc);

	tc = tcase_create("install");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, make_install_and_uninstall);
	suite_add_tcase(s, tc);

	if (tests_have_kvm()) {
		tc = tcase_create("ci-boot");
		tcase_add_checked_fixture(tc, setup, teardown);
		tcase_set_timeout(tc, 120);
		tcase_add_test(tc, ci_boot_script);
		tcase_add_test(tc, ci_boot_default_dir);
		suite_add_tcase(s, tc);
	} else {
		printf("SKIP docs ci-boot: /dev/kvm does not exist on this host\n");
	}
	return s;
}
