/* SPDX-License-Identifier: GPL-2.0-only */
/* The command line of `lkvm-sev run`, parsed into a machine configuration. */
#ifndef LKVM_CLI_H
#define LKVM_CLI_H

#include "machine/machine.h"
#include "util/err.h"

#define CLI_MAX_CPUS 255	/* xAPIC IDs 0-254; 255 is the broadcast ID */

enum cli_result {
	CLI_ERROR = -1,		/* @err says why (status 2) */
	CLI_OK = 0,
	CLI_HELP = 1,		/* --help was given */
};

/* @argv[0] is the subcommand name; getopt state is reset on every call. */
enum cli_result cli_parse_run(int argc, char **argv, struct machine_cfg *cfg,
			      struct lk_err *err);

extern const char cli_run_usage[];

#endif
