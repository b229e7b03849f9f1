// SPDX-License-Identifier: GPL-2.0-only
/*
 * lkvm-sev: a small VMM for AMD confidential guests. This file owns the
 * command line: subcommands, help and version, and the one place where
 * errors are printed and become the exit status.
 */
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "commands.h"
#include "machine/machine.h"
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
"  help      this text, or a command's (lkvm-sev help run)\n"
"\n"
"  --version  print the version\n";

static int report(const struct lk_err *err)
{
	if (err->msg[0])
		fprintf(stderr, "lkvm-sev: %s\n", err->msg);
	if (err->detail[0])
		fputs(err->detail, stderr);
	return err->status;
}

static int cmd_run(int argc, char **argv)
{
	struct machine_cfg cfg;
	struct lk_err err = { 0 };
	int status;

	switch (cli_parse_run(argc, argv, &cfg, &err)) {
	case CLI_HELP:
		fputs(cli_run_usage, stdout);
		return 0;
	case CLI_ERROR:
		return report(&err);
	case CLI_OK:
		break;
	}
	status = machine_run(&cfg, &err);
	fflush(stdout);
	err.status = status;
	return report(&err);
}

static int cmd_help(int argc, char **argv)
{
	static const struct {
		const char *name;
		int (*fn)(int argc, char **argv);
	} cmds[] = {
		{ "measure", cmd_measure }, { "inspect", cmd_inspect }, { "caps", cmd_caps },
	};
	char help[] = "--help";
	unsigned int i;

	if (argc > 1 && !strcmp(argv[1], "run")) {
		fputs(cli_run_usage, stdout);
		return 0;
	}
	if (argc > 1 && (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h") ||
			 !strcmp(argv[1], "help")))
		argc = 1;	/* help about help: the overview */
	for (i = 0; argc > 1 && i < sizeof(cmds) / sizeof(cmds[0]); i++) {
		if (!strcmp(argv[1], cmds[i].name)) {
			char *args[] = { argv[1], help, NULL };

			return cmds[i].fn(2, args);
		}
	}
	if (argc > 1) {
		fprintf(stderr, "lkvm-sev: help: unknown command '%s'\n", argv[1]);
		return LK_EXIT_USAGE;
	}
	fputs(main_usage, stdout);
	return 0;
}

int main(int argc, char **argv)
{
	if (argc < 2) {
		fputs(main_usage, stderr);
		return LK_EXIT_USAGE;
	}
	if (!strcmp(argv[1], "run"))
		return cmd_run(argc - 1, argv + 1);
	if (!strcmp(argv[1], "measure"))
		return cmd_measure(argc - 1, argv + 1);
	if (!strcmp(argv[1], "inspect"))
		return cmd_inspect(argc - 1, argv + 1);
	if (!strcmp(argv[1], "caps"))
		return cmd_caps(argc - 1, argv + 1);
	if (!strcmp(argv[1], "help") || !strcmp(argv[1], "--help") || !strcmp(argv[1], "-h"))
		return cmd_help(argc - 1, argv + 1);
	if (!strcmp(argv[1], "--version")) {
		printf("lkvm-sev %s\n", LKVM_VERSION);
		return 0;
	}
	fprintf(stderr, "lkvm-sev: unknown command '%s' (see lkvm-sev --help)\n", argv[1]);
	return LK_EXIT_USAGE;
}
