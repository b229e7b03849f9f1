/* SPDX-License-Identifier: GPL-2.0-only */
/* The command line of `lkvm-sev run`, parsed into a machine configuration. */
#ifndef LKVM_CLI_H
#define LKVM_CLI_H

#include <getopt.h>

#include "machine/machine.h"
#include "util/err.h"

#define CLI_MAX_CPUS 255	/* xAPIC IDs 0-254; 255 is the broadcast ID */
#define CLI_MAX_APIC_BUS_NS 1000	/* a 1 MHz APIC bus: slower helps nobody */

enum cli_result {
	CLI_ERROR = -1,		/* @err says why (status 2) */
	CLI_OK = 0,
	CLI_HELP = 1,		/* --help was given */
};

/* @argv[0] is the subcommand name; getopt state is reset on every call. */
enum cli_result cli_parse_run(int argc, char **argv, struct machine_cfg *cfg,
			      struct lk_err *err);

extern const char cli_run_usage[];

/*
 * getopt_long() returned '?' or ':': one line saying which option of
 * subcommand @cmd was wrong. @short_values are the short options that take
 * a value; long-only options have values from @first_long up.
 */
int cli_getopt_error(int argc, char **argv, const char *cmd, const char *short_values,
		     int first_long, struct lk_err *err);

/* One subcommand's option syntax: getopt_long's tables and what takes a value. */
struct cli_syntax {
	const char *cmd;		/* for messages: "run", "measure" */
	const char *shortopts;		/* with a leading '+' and 'h' */
	const struct option *longopts;
	const char *short_values;	/* short options that take a value */
	int first_long;			/* long-only options have values from here up */
};

/*
 * The getopt loop every subcommand runs: -h gives CLI_HELP, a bad option its
 * message, and each good one goes to @fn; leftover arguments are refused.
 */
enum cli_result cli_getopt(int argc, char **argv, const struct cli_syntax *syn,
			   int (*fn)(int opt, const char *arg, void *ctx, struct lk_err *err),
			   void *ctx, struct lk_err *err);

#endif
