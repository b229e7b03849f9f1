// SPDX-License-Identifier: GPL-2.0-only
/*
 * libFuzzer target: the command line. `run`'s whole parser (cli_parse_run():
 * the getopt loop and its messages, every option's value, -d, -n, --vsock,
 * the SEV options and their rules, the markers' checks and --until-re's
 * compilation, the files' identities); the SEV options as `measure` checks
 * them (a vCPU model required); and the value parsers on their own (sizes,
 * counts, seconds, -c, --policy, -n, --ro-mode).
 *
 * Input: a selector byte (0: run, 1: measure's SEV options, 2: values),
 * then words separated by NUL bytes: the arguments after the subcommand's
 * name, or for values a kind byte and the value. Every word is a writable
 * copy, as argv's are (-d and -n cut theirs up in place), allocated alone.
 */
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "devices/virtio_net.h"
#include "sev/options.h"
#include "tests/fuzz/fuzz.h"
#include "util/parse.h"

#define MAX_WORDS	64

static void parse_run(int argc, char **argv)
{
	struct machine_cfg cfg;
	struct lk_err err;

	cli_parse_run(argc, argv, &cfg, &err);
	marker_cfg_release(&cfg.markers);
}

static int sev_option(int opt, const char *arg, void *ctx, struct lk_err *err)
{
	return sev_opt_parse(opt, arg, ctx, err);
}

/* `measure`'s SEV options, with its rule: SEV-ES and SNP name the vCPU model. */
static void parse_sev(int argc, char **argv)
{
	static const struct option longopts[] = { SEV_LONG_OPTIONS, { NULL, 0, NULL, 0 } };
	static const struct cli_syntax syn = { "measure", "+h", longopts, "", SEV_OPT_FIRST };
	struct sev_opts o;
	struct lk_err err;

	sev_opts_init(&o, SEV_DIRECT_OFF);
	if (cli_getopt(argc, argv, &syn, sev_option, &o, &err) == CLI_OK &&
	    !sev_opts_check(&o, true, &err))
		(void)sev_opts_vmsa_features(&o);
}

/* One value: @w[0] says which parser, the rest is the value. */
static void parse_value(char *w)
{
	unsigned char kind = (unsigned char)w[0];
	struct sev_launch_opts l = { 0 };
	struct virtio_net_opts net;
	unsigned long ul;
	unsigned int cpus;
	enum ro_mode ro;
	struct lk_err err;
	uint64_t u64;
	double secs;

	if (!kind)
		return;
	w++;
	switch (kind % 8) {
	case 0:
		parse_size(w, 1ULL << (kind % 41), &u64);
		break;
	case 1:
		parse_uint(w, kind / 8, 1000, &ul);
		break;
	case 2:
		parse_seconds(w, &secs);
		break;
	case 3:
		cli_cpus(w, &cpus, &err);
		break;
	case 4:
		sev_policy_parse(w, &l, &err);
		break;
	case 5:
		virtio_net_parse(w, kind / 8, &net, &err);
		break;
	case 6:
		ro_mode_parse(w, &ro);
		break;
	case 7:
		if (parse_size(w, 1ULL << 20, &u64))
			layout_check_mem(u64, &err);
		break;
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *p = (const char *)data + 1, *end = (const char *)data + size;
	char *argv[MAX_WORDS + 2];
	unsigned int sel;
	int argc = 0, i;

	if (!size)
		return 0;
	sel = data[0] % 3;
	argv[argc++] = strdup(sel == 1 ? "measure" : "run");
	/* Each word in a buffer of its own, so that ASan sees a read past its NUL. */
	while (p < end && argc <= MAX_WORDS) {
		size_t n = strnlen(p, (size_t)(end - p));

		argv[argc] = malloc(n + 1);
		if (!argv[argc])
			abort();
		memcpy(argv[argc], p, n);
		argv[argc++][n] = '\0';
		p += n + 1;
	}
	argv[argc] = NULL;
	if (sel == 0)
		parse_run(argc, argv);
	else if (sel == 1)
		parse_sev(argc, argv);
	else
		for (i = 1; i < argc; i++)
			parse_value(argv[i]);
	for (i = 0; i < argc; i++)
		free(argv[i]);
	return 0;
}
