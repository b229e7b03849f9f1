// SPDX-License-Identifier: GPL-2.0-only
/*
 * The command line's one getopt loop, which every subcommand runs, and the
 * one wording of its mistakes; checks of values more than one subcommand
 * takes.
 */
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"
#include "util/parse.h"

/* The long option whose value is @val, or NULL. */
static const struct option *cli_long(const struct option *opts, int val)
{
	for (; opts->name; opts++)
		if (opts->val == val)
			return opts;
	return NULL;
}

/* getopt_long() returned '?' or ':': one line saying which option was wrong. */
static int cli_getopt_error(int argc, char **argv, const struct cli_syntax *syn,
			    struct lk_err *err)
{
	const char *bad = optind - 1 < argc ? argv[optind - 1] : "?";
	const struct option *o;

	if (optopt && optopt < syn->first_long && strchr(syn->short_values, optopt))
		return err_set(err, LK_EXIT_USAGE, "-%c needs a value (see lkvm-sev %s --help)",
			       optopt, syn->cmd);
	o = optopt ? cli_long(syn->longopts, optopt) : NULL;
	if (o && o->has_arg == no_argument && strchr(bad, '='))
		return err_set(err, LK_EXIT_USAGE, "--%s takes no value (see lkvm-sev %s "
			       "--help)", o->name, syn->cmd);
	if (optopt >= syn->first_long)
		return err_set(err, LK_EXIT_USAGE, "%s needs a value (see lkvm-sev %s --help)",
			       bad, syn->cmd);
	return err_set(err, LK_EXIT_USAGE, "unknown option '%s' (see lkvm-sev %s --help)",
		       bad, syn->cmd);
}

enum cli_result cli_getopt(int argc, char **argv, const struct cli_syntax *syn,
			   int (*fn)(int opt, const char *arg, void *ctx, struct lk_err *err),
			   void *ctx, struct lk_err *err)
{
	bool operands = syn->shortopts[0] == '-';
	int opt;

	optind = 0;	/* glibc: full re-initialisation */
	opterr = 0;
	while ((opt = getopt_long(argc, argv, syn->shortopts, syn->longopts, NULL)) != -1) {
		if (opt == 'h')
			return CLI_HELP;
		if (opt == '?' || opt == ':')
			return cli_getopt_error(argc, argv, syn, err);
		if (fn(opt, optarg, ctx, err))
			return CLI_ERROR;
	}
	for (; optind < argc; optind++) {	/* after "--", or with a leading '+' */
		if (!operands)
			return err_set(err, LK_EXIT_USAGE, "unexpected argument '%s' (see "
				       "lkvm-sev %s --help)", argv[optind], syn->cmd);
		if (fn(1, argv[optind], ctx, err))
			return CLI_ERROR;
	}
	return CLI_OK;
}

int cli_stop(enum cli_result r, const char *usage)
{
	if (r != CLI_HELP)
		return -1;
	fputs(usage, stdout);
	return 0;
}

int cli_file(const char *arg, const char *opt, const char **out, struct lk_err *err)
{
	if (!*arg)
		return err_set(err, LK_EXIT_USAGE, "%s: empty file name", opt);
	*out = arg;
	return 0;
}

int cli_cpus(const char *arg, unsigned int *out, struct lk_err *err)
{
	unsigned long n;

	if (!parse_uint(arg, 1, CLI_MAX_CPUS, &n))
		return err_set(err, LK_EXIT_USAGE, "-c %s: not a vCPU count from 1 to %d", arg,
			       CLI_MAX_CPUS);
	*out = (unsigned int)n;
	return 0;
}
