// SPDX-License-Identifier: GPL-2.0-only
/*
 * `lkvm-sev verify`: an SEV-SNP attestation report checked offline, with
 * no /dev/kvm and no network: its signature, the VCEK's chain to AMD's
 * root, the VCEK's chip and TCB against the report's, and the
 * measurement, host data and policy against what the user expects. The
 * checks are sev/verify.h's; this file owns the options, the expected
 * digest from launch options (sev/expect.h: the plan `measure` hashes), and
 * the output, one line per check or JSON.
 */
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"
#include "cli/commands.h"
#include "sev/expect.h"
#include "sev/verify.h"
#include "util/hex.h"
#include "util/json.h"

static const char verify_usage[] =
"usage: lkvm-sev verify REPORT [options]\n"
"\n"
"Checks an SEV-SNP attestation report (1184 bytes, versions 2 to 5) offline\n"
"and prints one line per check: NAME: pass|FAIL|skipped: what was compared.\n"
"A check whose input is not given is skipped. Status 0 only when the\n"
"signature and the chain to AMD's root were checked and passed and no check\n"
"failed; 12 otherwise (a report not authenticated is not verified).\n"
"\n"
"options:\n"
"  --vcek CERT          the VCEK (or the VLEK, for a report it signed), DER or\n"
"                       PEM: checks the signature, the chip ID (its hwID) and\n"
"                       the reported TCB (its SPL extensions)\n"
"  --chain FILE         the ASK and the ARK (PEM, as AMD's KDS serves them):\n"
"                       checks the VCEK's RSA-PSS chain up to AMD's root\n"
"  --expect-digest HEX  the launch digest the measurement must be (96 digits)\n"
"  --host-data HEX      the host data the launch was given (64 digits)\n"
"  --policy HEX         the guest policy the report must carry\n"
"  --json               an object: the report's fields, the checks, pass\n"
"  -q, --quiet          no warnings\n"
"  -v, --verbose        what was chosen and why\n"
"  -h, --help           this text\n"
"\n"
"instead of --expect-digest, the launch as measure takes it (the same plan,\n"
"the same digest): --sev-snp (the default), --firmware FILE, -c, --cpus N,\n"
"--cpu MODEL, --cpu-sig HEX, --debug-swap, --vmsa-features HEX, --direct-vmsa\n"
"on|off, --direct-vmsa-gpa ADDR, -k, --kernel FILE, -i, --initrd FILE,\n"
"-p, --params TEXT (see lkvm-sev measure --help)\n"
"\n"
"exit status: 0 when no check failed, 12 when one did, 2 for bad options or\n"
"input files (a report that is not one, a certificate that cannot be read).\n";

enum {
	OPT_VCEK = 256,
	OPT_CHAIN,
	OPT_EXPECT_DIGEST,
	OPT_HOST_DATA,
	OPT_POLICY,
	OPT_JSON,
	OPT_FIRMWARE,
};

static const struct option verify_options[] = {
	{ "vcek", required_argument, NULL, OPT_VCEK },
	{ "chain", required_argument, NULL, OPT_CHAIN },
	{ "expect-digest", required_argument, NULL, OPT_EXPECT_DIGEST },
	{ "host-data", required_argument, NULL, OPT_HOST_DATA },
	{ "policy", required_argument, NULL, OPT_POLICY },
	{ "json", no_argument, NULL, OPT_JSON },
	{ "firmware", required_argument, NULL, OPT_FIRMWARE },
	{ "cpus", required_argument, NULL, 'c' },
	{ "kernel", required_argument, NULL, 'k' },
	{ "initrd", required_argument, NULL, 'i' },
	{ "params", required_argument, NULL, 'p' },
	{ "help", no_argument, NULL, 'h' },
	CLI_VERBOSITY_OPTIONS,
	SEV_LONG_OPTIONS,
	{ NULL, 0, NULL, 0 },
};

struct verify_cfg {
	struct verify_in in;
	uint8_t digest[48], host_data[32];
	const char *launch_first;	/* the first launch option given, or NULL */
	struct launch_spec launch;
	bool json;
};

/* A launch option: the expected digest comes from the plan. */
static int launch_option(int opt, const char *arg, struct verify_cfg *cfg, struct lk_err *err)
{
	struct launch_spec *l = &cfg->launch;

	if (opt >= SEV_OPT_FIRST && opt <= SEV_OPT_LAST) {
		if (sev_opt_parse(opt, arg, &l->sev, err))
			return -1;
		/* sev_opts names the first option after the mode. */
		if (!cfg->launch_first)
			cfg->launch_first = l->sev.first ? l->sev.first :
					    opt == SEV_OPT_SEV ? "--sev" :
					    opt == SEV_OPT_SEV_ES ? "--sev-es" : "--sev-snp";
		return 0;
	}
	if (!cfg->launch_first)
		cfg->launch_first = opt == OPT_FIRMWARE ? "--firmware" : opt == 'c' ? "-c" :
				    opt == 'k' ? "-k" : opt == 'i' ? "-i" : "-p";
	switch (opt) {
	case OPT_FIRMWARE:
		return cli_file(arg, "--firmware", &l->firmware, err);
	case 'c':
		return cli_cpus(arg, &l->nr_cpus, err);
	case 'k':
		return cli_file(arg, "-k", &l->kernel, err);
	case 'i':
		return cli_file(arg, "-i", &l->initrd, err);
	}
	l->cmdline = arg;	/* -p */
	return 0;
}

static int verify_option(int opt, const char *arg, void *ctx, struct lk_err *err)
{
	struct verify_cfg *cfg = ctx;
	struct sev_launch_opts policy = { .o.mode = SEV_MODE_SNP };

	switch (opt) {
	case 1:
		if (cfg->in.report)
			return err_set(err, LK_EXIT_USAGE, "verify takes one REPORT, not '%s' too",
				       arg);
		return cli_file(arg, "REPORT", &cfg->in.report, err);
	case OPT_VCEK:
		return cli_file(arg, "--vcek", &cfg->in.vcek, err);
	case OPT_CHAIN:
		return cli_file(arg, "--chain", &cfg->in.chain, err);
	case OPT_EXPECT_DIGEST:
		if (!hex_parse_bytes(arg, cfg->digest, sizeof(cfg->digest)))
			return err_set(err, LK_EXIT_USAGE, "--expect-digest %s: not an SNP launch "
				       "digest (48 bytes, 96 hex digits)", arg);
		cfg->in.digest = cfg->digest;
		cfg->in.digest_from = "--expect-digest";
		return 0;
	case OPT_HOST_DATA:
		if (!hex_parse_bytes(arg, cfg->host_data, sizeof(cfg->host_data)))
			return err_set(err, LK_EXIT_USAGE, "--host-data %s: not 32 bytes as 64 hex "
				       "digits", arg);
		cfg->in.host_data = cfg->host_data;
		return 0;
	case OPT_POLICY:
		if (sev_policy_parse(arg, &policy, err))
			return -1;
		cfg->in.policy_given = true;
		cfg->in.policy = policy.policy;
		return 0;
	case OPT_JSON:
		cfg->json = true;
		return 0;
	}
	return launch_option(opt, arg, cfg, err);
}

/* The launch options describe an SNP launch, and only they or --expect-digest give the digest. */
static int verify_check(struct verify_cfg *cfg, struct lk_err *err)
{
	struct launch_spec *l = &cfg->launch;

	if (!cfg->in.report)
		return err_set(err, LK_EXIT_USAGE, "verify needs the REPORT file (see lkvm-sev "
			       "verify --help)");
	if (!cfg->launch_first)
		return 0;
	if (cfg->in.digest)
		return err_set(err, LK_EXIT_USAGE, "--expect-digest and %s: give the digest or "
			       "the launch it comes from, not both", cfg->launch_first);
	if (l->sev.mode != SEV_MODE_NONE && l->sev.mode != SEV_MODE_SNP)
		return err_set(err, LK_EXIT_USAGE, "%s: an attestation report comes from an SNP "
			       "launch (--sev-snp)", l->sev.mode == SEV_MODE_SEV ? "--sev" :
			       "--sev-es");
	l->sev.mode = SEV_MODE_SNP;
	return launch_spec_check(l, err);
}

static enum cli_result verify_parse(int argc, char **argv, struct verify_cfg *cfg,
				    struct lk_err *err)
{
	static const struct cli_syntax syn = {
		"verify", "-c:k:i:p:hqv", verify_options, "ckip", OPT_VCEK,
	};
	enum cli_result r;

	*cfg = (struct verify_cfg){ .launch.nr_cpus = 1 };
	sev_opts_init(&cfg->launch.sev, SEV_DIRECT_OFF);
	r = cli_getopt(argc, argv, &syn, verify_option, cfg, err);
	if (r != CLI_OK)
		return r;
	return verify_check(cfg, err) ? CLI_ERROR : CLI_OK;
}

static void json_bytes(struct json *j, const char *key, const uint8_t *b, size_t n)
{
	char hex[2 * 64 + 1];

	hex_encode(hex, b, n);
	json_str(j, key, hex);
}

static void json_report(struct json *j, const char *path, const struct verify_out *o)
{
	const struct snp_report *r = &o->report;
	char name[16];

	json_obj_begin(j, "report");
	json_str(j, "file", path);
	json_int(j, "version", r->version);
	json_int(j, "guest_svn", r->guest_svn);
	json_hex(j, "policy", r->policy);
	json_int(j, "vmpl", r->vmpl);
	json_str(j, "signing_key", snp_signing_key_name(r->signing_key, name, sizeof(name)));
	json_bool(j, "author_key_en", r->author_key_en);
	json_bytes(j, "measurement", r->measurement, sizeof(r->measurement));
	json_bytes(j, "host_data", r->host_data, sizeof(r->host_data));
	json_bytes(j, "report_data", r->report_data, sizeof(r->report_data));
	json_bytes(j, "family_id", r->family_id, sizeof(r->family_id));
	json_bytes(j, "image_id", r->image_id, sizeof(r->image_id));
	json_bytes(j, "id_key_digest", r->id_key_digest, sizeof(r->id_key_digest));
	json_bytes(j, "author_key_digest", r->author_key_digest, sizeof(r->author_key_digest));
	json_bytes(j, "chip_id", r->chip_id, sizeof(r->chip_id));
	json_hex(j, "platform_info", r->platform_info);
	json_hex(j, "current_tcb", r->current_tcb);
	json_hex(j, "reported_tcb", r->reported_tcb);
	json_hex(j, "committed_tcb", r->committed_tcb);
	json_hex(j, "launch_tcb", r->launch_tcb);
	json_str(j, "product", o->product[0] ? o->product : NULL);
	json_obj_end(j);
}

static void verify_print(const struct verify_cfg *cfg, const struct verify_out *o)
{
	struct json j;
	int i;

	if (!cfg->json) {
		for (i = 0; i < o->nr_checks; i++)
			printf("%s: %s: %s\n", o->checks[i].name,
			       check_status_name(o->checks[i].status), o->checks[i].detail);
		return;
	}
	json_init(&j, stdout);
	json_obj_begin(&j, NULL);
	json_report(&j, cfg->in.report, o);
	json_arr_begin(&j, "checks");
	for (i = 0; i < o->nr_checks; i++) {
		json_obj_begin(&j, NULL);
		json_str(&j, "name", o->checks[i].name);
		json_str(&j, "result", check_status_name(o->checks[i].status));
		json_str(&j, "detail", o->checks[i].detail);
		json_obj_end(&j);
	}
	json_arr_end(&j);
	json_bool(&j, "pass", o->pass);
	json_obj_end(&j);
	json_finish(&j);
}

int cmd_verify(int argc, char **argv, struct lk_err *err)
{
	struct launch_digest d;
	struct verify_out out;
	struct verify_cfg cfg;
	enum cli_result r;

	r = verify_parse(argc, argv, &cfg, err);
	if (r != CLI_OK)
		return cli_stop(r, verify_usage);
	if (cfg.launch_first) {
		if (launch_spec_digest(&cfg.launch, &d, err))
			return -1;
		memcpy(cfg.digest, d.bytes, sizeof(cfg.digest));
		cfg.in.digest = cfg.digest;
		cfg.in.digest_from = "the launch options' digest";
	}
	if (verify_report(&cfg.in, &out, err))
		return -1;
	verify_print(&cfg, &out);
	return out.pass ? 0 : LK_EXIT_CHECK;
}
