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

/*
 * QEMU's spellings that users bring along, with lkvm-sev's: a hint instead
 * of a parse that goes wrong (-kernel would be -k with the value "ernel").
 */
static const struct {
	const char *qemu;
	const char *ours;
} cli_qemu_words[] = {
	{ "-kernel", "-k FILE (--kernel)" },
	{ "-initrd", "-i FILE (--initrd)" },
	{ "-append", "-p TEXT (--params)" },
	{ "--append", "-p TEXT (--params)" },
	{ "-smp", "-c N (--cpus)" },
	{ "--smp", "-c N (--cpus)" },
	{ "-bios", "--bios FILE" },
	{ "-drive", "-d FILE[,ro] (--disk)" },
	{ "-hda", "-d FILE[,ro] (--disk)" },
	{ "-cpu", "--cpu MODEL (host, or a model of --help)" },
	{ "-nographic", "nothing: the serial console is on stdin and stdout already "
			"(--console none for neither)" },
	{ "-serial", "--console serial|virtio|none and --serial-log FILE" },
	{ "-enable-kvm", "nothing: lkvm-sev always runs on KVM" },
	{ "-accel", "nothing: lkvm-sev always runs on KVM" },
	{ "-machine", "nothing: lkvm-sev has one machine, a cut-down i440FX pc" },
	{ "-M", "nothing: lkvm-sev has one machine, a cut-down i440FX pc" },
	{ "-device", "--rng, -d, -n, --vsock or --pci-testdev" },
	{ "-netdev", "-n mode=tap,tapif=NAME or -n mode=user (--network)" },
	{ "-nic", "-n mode=tap,tapif=NAME or -n mode=user (--network)" },
	{ "-no-reboot", "nothing: a guest that resets ends the run (status 4)" },
	{ "-display", "nothing: lkvm-sev has no display" },
	{ "-monitor", "nothing: lkvm-sev has no monitor" },
};

/* @word is one of QEMU's options: a hint naming lkvm-sev's, status 2. */
static int cli_qemu_hint(const char *word, const struct cli_syntax *syn, struct lk_err *err)
{
	size_t i;

	for (i = 0; i < sizeof(cli_qemu_words) / sizeof(cli_qemu_words[0]); i++)
		if (!strcmp(word, cli_qemu_words[i].qemu)) {
			const char *ours = cli_qemu_words[i].ours;

			if (!strncmp(ours, "nothing: ", 9))
				return err_set(err, LK_EXIT_USAGE, "%s is QEMU's; lkvm-sev %s needs "
					       "nothing of the kind: %s", word, syn->cmd, ours + 9);
			return err_set(err, LK_EXIT_USAGE, "%s is QEMU's; lkvm-sev %s takes %s",
				       word, syn->cmd, ours);
		}
	return 0;
}

/* getopt_long() returned '?' or ':': one line saying which option was wrong. */
static int cli_getopt_error(int argc, char **argv, int at, const struct cli_syntax *syn,
			    struct lk_err *err)
{
	/* Still inside a cluster of short options (-xyz), optind has not moved on. */
	const char *bad = optind > at ? argv[optind - 1] : at < argc ? argv[at] : "?";
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
	if (cli_qemu_hint(bad, syn, err))
		return -1;
	if (optopt && optopt < syn->first_long && bad[0] == '-' && bad[1] != '-' && bad[2])
		return err_set(err, LK_EXIT_USAGE, "unknown option -%c in '%s' (see lkvm-sev %s "
			       "--help)", optopt, bad, syn->cmd);
	return err_set(err, LK_EXIT_USAGE, "unknown option '%s' (see lkvm-sev %s --help)",
		       bad, syn->cmd);
}

enum cli_result cli_getopt(int argc, char **argv, const struct cli_syntax *syn,
			   int (*fn)(int opt, const char *arg, void *ctx, struct lk_err *err),
			   void *ctx, struct lk_err *err)
{
	bool operands = syn->shortopts[0] == '-';
	int opt, at = 1, looked = 0;

	optind = 0;	/* glibc: full re-initialisation */
	opterr = 0;
	for (;;) {
		/* A word getopt is about to start on: QEMU's, it gets a hint, not a parse. */
		at = optind ? optind : 1;
		if (at < argc && at != looked) {
			looked = at;
			if (cli_qemu_hint(argv[at], syn, err))
				return CLI_ERROR;
		}
		opt = getopt_long(argc, argv, syn->shortopts, syn->longopts, NULL);
		if (opt == -1)
			break;
		if (opt == 'h')
			return CLI_HELP;
		if (opt == 'q' || opt == 'v') {	/* every command's: the last one counts */
			err_set_verbosity(opt == 'q' ? LK_QUIET : LK_VERBOSE);
			continue;
		}
		if (opt == '?' || opt == ':')
			return cli_getopt_error(argc, argv, at, syn, err);
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
