/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * What every subcommand's command line shares (cli/getopt.c): the getopt
 * loop, its messages, and the checks of a file name and a vCPU count; and
 * the parser of `lkvm-sev run` (cli/run.c), which the unit tests call.
 */
#ifndef LKVM_CLI_CLI_H
#define LKVM_CLI_CLI_H

#include <getopt.h>

#include "machine/machine.h"
#include "util/err.h"

#define CLI_MAX_CPUS 255	/* xAPIC IDs 0-254; 255 is the broadcast ID */
#define CLI_MAX_APIC_BUS_NS 1000	/* a 1 MHz APIC bus: slower helps nobody */
#define CLI_MAX_IO_POLL_US 1000	/* past a millisecond, sleeping is cheaper */

enum cli_result {
	CLI_ERROR = -1,		/* @err says why (status 2) */
	CLI_OK = 0,
	CLI_HELP = 1,		/* --help was given */
};

/* -q and -v, which cli_getopt() handles for every subcommand (shortopts "qv"). */
#define CLI_VERBOSITY_OPTIONS \
	{ "quiet", no_argument, NULL, 'q' }, { "verbose", no_argument, NULL, 'v' }

/* One subcommand's option syntax: getopt_long's tables and what takes a value. */
struct cli_syntax {
	const char *cmd;		/* for messages: "run", "measure" */
	/*
	 * 'h' and the short options, after a leading '+' (operands are
	 * refused) or '-' (each operand goes to the option function as
	 * option 1, in order, also those after "--").
	 */
	const char *shortopts;
	const struct option *longopts;
	const char *short_values;	/* short options that take a value */
	int first_long;			/* long-only options have values from here up */
};

/*
 * The getopt loop every subcommand runs: -h gives CLI_HELP, a bad option its
 * message, and each good one goes to @fn. @argv[0] is the subcommand name;
 * getopt's state is reset on every call.
 */
enum cli_result cli_getopt(int argc, char **argv, const struct cli_syntax *syn,
			   int (*fn)(int opt, const char *arg, void *ctx, struct lk_err *err),
			   void *ctx, struct lk_err *err);

/*
 * What a subcommand returns when @r (not CLI_OK) stops it: 0 after printing
 * @usage for --help, else -1 (an error, in the caller's struct lk_err).
 */
int cli_stop(enum cli_result r, const char *usage);

/* @arg as the file of option @opt (refused when empty: "OPT: empty file name"). */
int cli_file(const char *arg, const char *opt, const char **out, struct lk_err *err);
/*
 * `run`'s files (cli/files.c): one that lkvm-sev writes may not be another
 * it is given, by device and inode.
 */
int cli_check_files(const struct machine_cfg *cfg, struct lk_err *err);
/* -c: a vCPU count from 1 to CLI_MAX_CPUS. */
int cli_cpus(const char *arg, unsigned int *out, struct lk_err *err);

/* `lkvm-sev run`'s options into @cfg. */
enum cli_result cli_parse_run(int argc, char **argv, struct machine_cfg *cfg,
			      struct lk_err *err);

#endif
