/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The subcommands besides `run`: each parses its own options, does its
 * work, prints, and returns the exit status (errors as one line on stderr).
 * @argv[0] is the subcommand's name.
 */
#ifndef LKVM_COMMANDS_H
#define LKVM_COMMANDS_H

int cmd_measure(int argc, char **argv);	/* cli_measure.c */
int cmd_inspect(int argc, char **argv);	/* cli_inspect.c */
int cmd_caps(int argc, char **argv);	/* cli_caps.c */

#endif
