// SPDX-License-Identifier: GPL-2.0-only
/*
 * `lkvm-sev measure`: the launch digest an SEV, SEV-ES or SNP launch will
 * produce, without /dev/kvm. It builds the launch plan `run` executes
 * (sev/plan.h) and hashes it (sev/digest.h); this file owns the options
 * and the output, plain or JSON.
 */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"
#include "cli/commands.h"
#include "firmware/image.h"
#include "firmware/ovmf.h"
#include "sev/digest.h"
#include "sev/id_opts.h"
#include "sev/options.h"
#include "sev/plan.h"
#include "util/json.h"

static const char measure_usage[] =
"usage: lkvm-sev measure --sev | --sev-es | --sev-snp --firmware FILE [options]\n"
"\n"
"Prints the launch digest (hex) that an SEV, SEV-ES or SNP launch of FILE by\n"
"lkvm-sev run will produce: the same launch plan, hashed as the PSP does.\n"
"No /dev/kvm is needed.\n"
"\n"
"options (spelled and meaning as in run):\n"
"  --sev, --sev-es, --sev-snp  the launch: SHA-256 (SEV, SEV-ES) or SHA-384 (SNP)\n"
"  --firmware FILE      the firmware image (OVMF)\n"
"  -c, --cpus N         vCPUs, 1 to 255 (default 1): one VMSA each (SEV-ES; SNP\n"
"                       without a direct VMSA)\n"
"  --cpu MODEL          vCPU model, whose CPUID signature is in every VMSA:\n"
"                       EPYC, EPYC-v1..v4, EPYC-IBPB (0x800f12), EPYC-Rome\n"
"                       (0x830f10), EPYC-Milan (0xa00f11), EPYC-Genoa\n"
"                       (0xa10f10), EPYC-Turin (0xb00f00), with their -vN\n"
"                       versions; host: this machine's own (QEMU's -cpu host)\n"
"  --cpu-sig HEX        the signature itself; one of the two is required for\n"
"                       SEV-ES and SNP\n"
"  --debug-swap         the VM's VMSA features include DEBUG_SWAP (0x20)\n"
"  --vmsa-features HEX  KVM_SEV_INIT2's vmsa_features (DEBUG_SWAP and others)\n"
"  --legacy-vm-type     KVM_SEV_INIT / KVM_SEV_ES_INIT instead of INIT2: VMSAs\n"
"                       without x87 FCW and MXCSR; no VMSA features, no SNP\n"
"  --direct-vmsa on|off SNP: one BSP VMSA placed by lkvm-sev and measured at\n"
"                       its GPA, none for APs: the digest does not depend on -c\n"
"                       (default off, as run's: measure cannot see a host;\n"
"                       run's auto prints which it used)\n"
"  --direct-vmsa-gpa ADDR  where (hex; default 0xfffffffff000, KVM's VMSA\n"
"                       address: then the digest equals the classic -c 1 one)\n"
"  -k, --kernel FILE    a kernel for the firmware to verify: the launch measures\n"
"                       OVMF's kernel-hash table (SHA-256 of -k, -i, -p)\n"
"  -i, --initrd FILE    its initrd\n"
"  -p, --params TEXT    its command line (hashed with its terminating NUL)\n"
"  --firmware-digest-only  the digest after the firmware alone (SNP: its pages;\n"
"                       SEV, SEV-ES: the SHA-256 of the file)\n"
"  --json               an object: mode, digest, algorithm, options, plan steps\n"
"  --id-key KEY.pem     SNP: an ID block for this digest, signed with this P-384\n"
"                       key (PEM or DER, PKCS#8 or SEC1); prints the\n"
"                       id_key_digest the report will carry\n"
"  --author-key KEY.pem the author key, which signs the ID key; prints the\n"
"                       author_key_digest\n"
"  --family-id HEX      the ID block's family ID (16 bytes, 32 digits; default 0)\n"
"  --image-id HEX       its image ID (the same)\n"
"  --guest-svn N        its guest SVN (default 0)\n"
"  --policy HEX         its policy, the one run must launch with (default 0x30000)\n"
"  --id-block-out FILE  where the 96-byte ID block goes, for run's\n"
"                       --id-block FILE\n"
"  --id-auth-out FILE   where its 4096-byte signature goes, for run's\n"
"                       --id-auth FILE\n"
"  -q, --quiet          no warnings\n"
"  -v, --verbose        what was chosen and why (the last of -q and -v counts)\n"
"  -h, --help           this text\n"
"\n"
"VMSA features each mode measures:\n"
"  SEV      none: no VMSA is measured (--debug-swap, --vmsa-features refused)\n"
"  SEV-ES   --vmsa-features | DEBUG_SWAP with --debug-swap (default 0); with\n"
"           --legacy-vm-type always 0, and FCW and MXCSR 0\n"
"  SNP      SNP_ACTIVE (0x1) | --vmsa-features | DEBUG_SWAP with --debug-swap\n"
"\n"
"exit status: 0, or 2 for bad options or input files (one line on stderr).\n";

enum {
	OPT_FIRMWARE = 256,
	OPT_FIRMWARE_ONLY,
	OPT_JSON,
};

static const struct option measure_options[] = {
	{ "firmware", required_argument, NULL, OPT_FIRMWARE },
	{ "cpus", required_argument, NULL, 'c' },
	{ "kernel", required_argument, NULL, 'k' },
	{ "initrd", required_argument, NULL, 'i' },
	{ "params", required_argument, NULL, 'p' },
	{ "firmware-digest-only", no_argument, NULL, OPT_FIRMWARE_ONLY },
	{ "json", no_argument, NULL, OPT_JSON },
	{ "help", no_argument, NULL, 'h' },
	CLI_VERBOSITY_OPTIONS,
	SEV_LONG_OPTIONS,
	ID_LONG_OPTIONS,
	{ NULL, 0, NULL, 0 },
};

struct measure_cfg {
	struct sev_opts sev;
	const char *firmware;
	unsigned int nr_cpus;
	const char *kernel, *initrd, *cmdline;
	bool firmware_only;
	bool json;
	struct id_opts id;
};

static int measure_option(int opt, const char *arg, void *ctx, struct lk_err *err)
{
	struct measure_cfg *cfg = ctx;

	if (opt >= SEV_OPT_FIRST && opt <= SEV_OPT_LAST)
		return sev_opt_parse(opt, arg, &cfg->sev, err);
	if (opt >= ID_OPT_FIRST && opt <= ID_OPT_LAST)
		return id_opt_parse(opt, arg, &cfg->id, err);
	switch (opt) {
	case 'c':
		return cli_cpus(arg, &cfg->nr_cpus, err);
	case OPT_FIRMWARE:
		return cli_file(arg, "--firmware", &cfg->firmware, err);
	case 'k':
		return cli_file(arg, "-k", &cfg->kernel, err);
	case 'i':
		return cli_file(arg, "-i", &cfg->initrd, err);
	case 'p':
		cfg->cmdline = arg;
		return 0;
	case OPT_FIRMWARE_ONLY:
		cfg->firmware_only = true;
		return 0;
	case OPT_JSON:
		cfg->json = true;
		return 0;
	}
	return err_set(err, LK_EXIT_USAGE, "internal: unhandled option %d", opt);
}

/* What only measure asks: a mode, a firmware, and no host to decide for it. */
static int measure_check(const struct measure_cfg *cfg, struct lk_err *err)
{
	if (cfg->sev.mode == SEV_MODE_NONE)
		return err_set(err, LK_EXIT_USAGE,
			       "measure needs the launch: --sev, --sev-es or --sev-snp");
	if (!cfg->firmware)
		return err_set(err, LK_EXIT_USAGE,
			       "measure needs --firmware FILE: the digest covers the firmware");
	if (cfg->sev.direct_vmsa == SEV_DIRECT_AUTO)
		return err_set(err, LK_EXIT_USAGE,
			       "--direct-vmsa auto: measure cannot see a host: give on or off");
	if ((cfg->initrd || cfg->cmdline) && !cfg->kernel)
		return err_set(err, LK_EXIT_USAGE, "%s needs a kernel to go with it (-k)",
			       cfg->initrd ? "-i" : "-p");
	if (id_opts_check(&cfg->id, cfg->sev.mode, cfg->firmware_only, err))
		return -1;
	return sev_opts_check(&cfg->sev, !cfg->firmware_only, err);
}


static enum cli_result measure_parse(int argc, char **argv, struct measure_cfg *cfg,
				     struct lk_err *err)
{
	static const struct cli_syntax syn = {
		"measure", "+c:k:i:p:hqv", measure_options, "ckip", OPT_FIRMWARE,
	};
	enum cli_result r;

	*cfg = (struct measure_cfg){ .nr_cpus = 1 };
	sev_opts_init(&cfg->sev, SEV_DIRECT_OFF);
	id_opts_init(&cfg->id);
	r = cli_getopt(argc, argv, &syn, measure_option, cfg, err);
	if (r != CLI_OK)
		return r;
	return measure_check(cfg, err) ? CLI_ERROR : CLI_OK;
}

/* The kernel-hash table's inputs: files hashed as they are, an absent initrd as empty. */
static int measure_hashes(const struct measure_cfg *cfg, struct sev_kernel_hashes *h,
			  struct lk_err *err)
{
	if (sev_hash_file("-k", cfg->kernel, h->kernel, err))
		return -1;
	if (cfg->initrd && sev_hash_file("-i", cfg->initrd, h->initrd, err))
		return -1;
	if (!cfg->initrd)
		sev_hash_bytes(h->initrd, "", 0);
	sev_hash_cmdline(h->cmdline, cfg->cmdline);
	return 0;
}

static void json_options(struct json *j, const struct measure_cfg *cfg,
			 const struct plan *plan, uint64_t fw_size)
{
	bool direct = cfg->sev.direct_vmsa == SEV_DIRECT_ON;

	json_obj_begin(j, "options");
	json_str(j, "firmware", cfg->firmware);
	json_int(j, "firmware_size", (long long)fw_size);
	json_int(j, "vcpus", cfg->nr_cpus);
	json_str(j, "cpu", cfg->sev.cpu_model);
	if (cfg->sev.have_cpu_sig)
		json_hex(j, "cpu_sig", cfg->sev.cpu_sig);
	else
		json_null(j, "cpu_sig");
	/* As run --report says it: KVM_SEV_INIT2's, none for the legacy init. */
	if (cfg->sev.legacy_vm_type)
		json_null(j, "vmsa_features");
	else
		json_hex(j, "vmsa_features", sev_opts_init2_features(&cfg->sev));
	/* What the measured VMSAs carry: SNP_ACTIVE too for SNP. */
	if (plan->mode != SEV_MODE_SEV)
		json_hex(j, "sev_features", plan->vmsa_features);
	else
		json_null(j, "sev_features");
	json_bool(j, "legacy_vm_type", cfg->sev.legacy_vm_type);
	json_bool(j, "direct_vmsa", direct);
	if (direct)
		json_int(j, "direct_vmsa_gpa", (long long)cfg->sev.direct_vmsa_gpa);
	json_str(j, "kernel", cfg->kernel);
	json_str(j, "initrd", cfg->initrd);
	json_str(j, "cmdline", cfg->kernel && !cfg->cmdline ? "" : cfg->cmdline);
	json_bool(j, "firmware_digest_only", cfg->firmware_only);
	json_obj_end(j);
}

static void json_steps(struct json *j, const struct plan *plan, int nr_steps)
{
	int i;

	json_arr_begin(j, "steps");
	for (i = 0; i < nr_steps; i++) {
		const struct plan_step *s = &plan->steps[i];

		json_obj_begin(j, NULL);
		json_int(j, "gpa", (long long)s->gpa);
		json_int(j, "length", (long long)s->len);
		json_str(j, "command", plan_kind_name(s->kind));
		json_str(j, "type", s->snp_type ? snp_page_type_name(s->snp_type) : NULL);
		json_str(j, "what", s->what);
		json_obj_end(j);
	}
	json_arr_end(j);
}

static void measure_print(const struct measure_cfg *cfg, const struct plan *plan,
			  uint64_t fw_size, const struct id_result *id)
{
	int nr_steps = cfg->firmware_only ? plan->nr_firmware_steps : plan->nr_steps;
	char hex[2 * LAUNCH_DIGEST_MAX + 1];
	struct launch_digest d;
	struct json j;

	plan_digest(plan, nr_steps, &d);
	launch_digest_hex(&d, hex);
	if (!cfg->json) {
		puts(hex);
		if (id)
			id_result_print(stdout, id);
		return;
	}
	json_init(&j, stdout);
	json_obj_begin(&j, NULL);
	json_str(&j, "mode", sev_mode_name(plan->mode));
	json_str(&j, "digest", hex);
	if (id)
		id_result_json(&j, id);
	json_str(&j, "algorithm", d.algorithm);
	json_options(&j, cfg, plan, fw_size);
	json_steps(&j, plan, nr_steps);
	json_obj_end(&j);
	json_finish(&j);
}

static int measure(const struct measure_cfg *cfg, struct lk_err *err)
{
	struct plan_config pc = {
		.mode = cfg->sev.mode,
		.firmware_path = cfg->firmware,
		.nr_cpus = cfg->nr_cpus,
		.cpu_sig = cfg->sev.cpu_sig,
		.vmsa_features = sev_opts_vmsa_features(&cfg->sev),
		.legacy_vm_type = cfg->sev.legacy_vm_type,
		.direct_vmsa = cfg->sev.direct_vmsa == SEV_DIRECT_ON,
		.direct_vmsa_gpa = cfg->sev.direct_vmsa_gpa,
	};
	struct sev_kernel_hashes hashes;
	struct id_result id;
	struct launch_digest d;
	struct ovmf_info ovmf;
	struct fw_image fw;
	struct plan plan;
	int ret = -1;

	if (fw_image_open(&fw, cfg->firmware, err))
		return -1;
	pc.firmware = fw.data;
	pc.firmware_size = fw.size;
	pc.ovmf = &ovmf;
	if (ovmf_parse(cfg->firmware, fw.data, fw.size, &ovmf, err))
		goto out;
	if (cfg->kernel) {
		if (measure_hashes(cfg, &hashes, err))
			goto out;
		pc.hashes = &hashes;
	}
	if (plan_build(&plan, &pc, err))
		goto out;
	/* The ID block signs the whole launch's digest (measure_print() hashes it again). */
	if (cfg->id.id_key)
		plan_digest(&plan, plan.nr_steps, &d);
	if (!cfg->id.id_key || !id_files_write(&cfg->id, &d, &id, err)) {
		measure_print(cfg, &plan, fw.size, cfg->id.id_key ? &id : NULL);
		ret = 0;
	}
	plan_free(&plan);
out:
	fw_image_close(&fw);
	return ret;
}

int cmd_measure(int argc, char **argv, struct lk_err *err)
{
	struct measure_cfg cfg;
	enum cli_result r;

	r = measure_parse(argc, argv, &cfg, err);
	if (r != CLI_OK)
		return cli_stop(r, measure_usage);
	return measure(&cfg, err);
}
