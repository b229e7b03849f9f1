/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The subcommands, which main.c dispatches to. Each parses its options
 * (cli_getopt()), does its work and prints its output; --help prints its
 * usage. It returns its exit status, or -1 with @err filled. Whatever @err
 * holds, main.c prints ("lkvm-sev: <msg>", then any detail lines): only
 * main.c prints errors. @argv[0] is the subcommand's name.
 */
#ifndef LKVM_CLI_COMMANDS_H
#define LKVM_CLI_COMMANDS_H

#include "util/err.h"

int cmd_run(int argc, char **argv, struct lk_err *err);		/* cli/run.c */
int cmd_measure(int argc, char **argv, struct lk_err *err);	/* cli/measure.c */
int cmd_inspect(int argc, char **argv, struct lk_err *err);	/* cli/inspect.c */
int cmd_caps(int argc, char **argv, struct lk_err *err);	/* cli/caps.c */
int cmd_verify(int argc, char **argv, struct lk_err *err);	/* cli/verify.c */

#endif
