// SPDX-License-Identifier: GPL-2.0-only
/*
 * lkvm-sev: a small VMM for AMD confidential guests. This file owns the
 * top of the command line: which subcommand runs (cli/), help and version,
 * and the one place where errors are printed and become the exit status.
 */
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "cli/commands.h"
#include "util/err.h"

#ifndef LKVM_VERSION
#define LKVM_VERSION "unknown"
#endif

static const char main_usage[] =
"usage: lkvm-sev <command> [options]\n"
"\n"
"commands:\n"
"  run       run a VM from a firmware image (lkvm-sev run --help)\n"
"  measure   the launch digest an SEV, SEV-ES or SNP launch will produce\n"
"  inspect   what a VMM reads from an OVMF image\n"
"  caps      what this host can run, and how\n"
"  verify    check an SNP attestation report offline: signature, AMD chain,\n"
"            chip, TCB, measurement\n"
"  help      this text, or a command's (lkvm-sev help run)\n"
"\n"
"  --version  print the version\n"
"\n"
"every command takes -q, --quiet (no warnings) and -v, --verbose (what was\n"
"chosen and why); the last one given counts\n";

typedef int (*command_fn)(int argc, char **argv, struct lk_err *err);

static const struct {
	const char *name;
	command_fn fn;
} commands[] = {
	{ "run", cmd_run }, { "measure", cmd_measure }, { "inspect", cmd_inspect },
	{ "caps", cmd_caps }, { "verify", cmd_verify },
};

static command_fn command(const char *name)
{
	unsigned int i;

	for (i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		if (!strcmp(name, commands[i].name))
			return commands[i].fn;
	return NULL;
}

static bool is_help(const char *arg)
{
	return !strcmp(arg, "help") || !strcmp(arg, "--help") || !strcmp(arg, "-h");
}

/* `lkvm-sev help [COMMAND]`: the overview, or COMMAND --help. */
static int cmd_help(int argc, char **argv, struct lk_err *err)
{
	char help[] = "--help";
	command_fn fn;

	if (argc < 2 || is_help(argv[1])) {	/* help about help: the overview */
		fputs(main_usage, stdout);
		return 0;
	}
	fn = command(argv[1]);
	if (!fn)
		return err_set(err, LK_EXIT_USAGE, "help: unknown command '%s'", argv[1]);
	return fn(2, (char *[]){ argv[1], help, NULL }, err);
}

/* A subcommand's status (-1: @err's), after what @err has to say. */
static int report(const struct lk_err *err, int status)
{
	if (err->msg[0])
		fprintf(stderr, "lkvm-sev: %s\n", err->msg);
	if (err->detail[0])
		fputs(err->detail, stderr);
	fflush(stderr);
	err_hold(false);
	return status < 0 ? err->status : status;
}

int main(int argc, char **argv)
{
	struct lk_err err = { 0 };
	command_fn fn;

	err_hold(true);
	if (argc < 2) {
		fputs(main_usage, stderr);
		return LK_EXIT_USAGE;
	}
	if (!strcmp(argv[1], "--version")) {
		printf("lkvm-sev %s\n", LKVM_VERSION);
		return 0;
	}
	fn = is_help(argv[1]) ? cmd_help : command(argv[1]);
	if (!fn) {
		err_set(&err, LK_EXIT_USAGE, "unknown command '%s' (see lkvm-sev --help)",
			argv[1]);
		return report(&err, -1);
	}
	return report(&err, fn(argc - 1, argv + 1, &err));
}
