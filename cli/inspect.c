// SPDX-License-Identifier: GPL-2.0-only
/*
 * `lkvm-sev inspect FILE [--json]`: what a VMM reads from an OVMF image,
 * as text for people or one JSON object for scripts. The facts come from
 * ovmf_parse(); this file only words them.
 */
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>

#include "cli/cli.h"
#include "cli/commands.h"
#include "firmware/ovmf.h"
#include "util/file.h"
#include "util/json.h"

static const char inspect_usage[] =
"usage: lkvm-sev inspect FILE [--json]\n"
"\n"
"Shows what a VMM reads from an OVMF image: its size and where it loads (it\n"
"ends at 4 GiB), the footer GUID table's entries, the SEV info block (the\n"
"SEV-ES AP reset address), the kernel-hash table and secret area, the SNP\n"
"metadata sections and what an SNP launch does with each, and the reset\n"
"vector. An image without the table is shown too (status 0).\n"
"\n"
"options:\n"
"  --json      one JSON object with the same facts\n"
"  -q, --quiet    no warnings\n"
"  -v, --verbose  what was chosen and why\n"
"  -h, --help     this text\n"
"\n"
"exit status: 0 shown; 2 bad options, a file that cannot be read, or a\n"
"malformed table (one line on stderr says where the format breaks)\n";

enum {
	OPT_JSON = 256,
};

static const struct option inspect_options[] = {
	{ "json", no_argument, NULL, OPT_JSON },
	{ "help", no_argument, NULL, 'h' },
	CLI_VERBOSITY_OPTIONS,
	{ NULL, 0, NULL, 0 },
};

struct inspect_cfg {
	const char *file;
	bool json;
};

/* What an SNP launch (QEMU's, and lkvm-sev's) does with a metadata section. */
static const char *section_launch(uint32_t type)
{
	switch (type) {
	case OVMF_SECTION_SNP_SEC_MEM:
		return "SNP: ZERO pages (pre-validated, measured as zeros)";
	case OVMF_SECTION_SNP_SECRETS:
		return "SNP: SECRETS page";
	case OVMF_SECTION_CPUID:
		return "SNP: CPUID page (the VMM's CPUID table)";
	case OVMF_SECTION_SVSM_CAA:
		return "SNP: ZERO";
	case OVMF_SECTION_KERNEL_HASHES:
		return "SNP: NORMAL page with the kernel hash table when a kernel is given, "
		       "else ZERO";
	}
	return "SNP: ZERO (QEMU's default for a type it does not know)";
}

static const char *no_table_reason(const uint8_t *img, size_t size)
{
	if (ovmf_has_footer(img, size))
		return "the footer GUID is there, but QEMU reads the table only from images "
		       "of at least 4 KiB";
	return "no footer GUID 96b582de-1fb2-45f7-baea-a366c55a082d at end - 48: not an "
	       "OVMF image with a GUID table";
}

static void text_table(const struct ovmf_info *in, const uint8_t *img)
{
	char guid[OVMF_GUID_STR_LEN];
	int i;

	if (!in->has_table) {
		printf("GUID table: none (%s)\n", no_table_reason(img, in->size));
		return;
	}
	printf("GUID table: %u bytes at offset 0x%" PRIx64 "-0x%" PRIx64 " (footer at 0x%"
	       PRIx64 "), %d entries\n", in->table_len, in->table_offset,
	       in->size - 33, in->size - 50, in->nr_entries);
	if (in->nr_entries)
		printf("  %-9s %6s  %-36s  %s\n", "offset", "length", "GUID", "name");
	for (i = 0; i < in->nr_entries; i++) {
		const struct ovmf_guid_entry *e = &in->entries[i];

		ovmf_guid_str(e->guid, guid);
		printf("  0x%-7" PRIx64 " %6u  %s  %s\n", e->data_offset, e->data_len + 18u, guid,
		       e->name ? e->name : "unknown");
	}
	if (in->table_unused)
		printf("  (%u bytes at the table's start are too few for an entry: ignored, "
		       "as QEMU does)\n", in->table_unused);
}

static void text_area(const char *what, bool has, uint32_t gpa, uint32_t size,
		      const char *none)
{
	if (has)
		printf("%s: GPA 0x%" PRIx32 ", 0x%" PRIx32 " bytes\n", what, gpa, size);
	else
		printf("%s: none%s\n", what, none);
}

static void text_sev(const struct ovmf_info *in)
{
	if (in->has_sev_info)
		printf("SEV info block: SEV-ES AP reset address 0x%" PRIx32 ": CS:IP 0x%" PRIx32
		       ":0x%" PRIx32 " (CS base, IP)%s\n", in->sev_es_reset,
		       in->sev_es_reset & 0xffff0000u, in->sev_es_reset & 0xffffu,
		       in->sev_info_legacy ? " (legacy place: GUID at end - 48)" : "");
	else
		printf("SEV info block: none (SEV-ES and SNP launches need it for the APs)\n");
	text_area("kernel hashes", in->has_hash_table, in->hash_gpa, in->hash_size,
		  " (this firmware cannot verify kernel hashes)");
	text_area("secret area", in->has_secret, in->secret_gpa, in->secret_size, "");
}

static void text_metadata(const struct ovmf_info *in)
{
	int i;

	if (!in->has_metadata) {
		printf("SNP metadata: none (an SNP launch needs it)\n");
		return;
	}
	printf("SNP metadata: at offset 0x%" PRIx64 " (end - 0x%" PRIx32 "), version %" PRIu32
	       ", %" PRIu32 " bytes, %d sections\n", in->size - in->metadata_offset,
	       in->metadata_offset, in->metadata_version, in->metadata_len, in->nr_sections);
	if (in->nr_sections)
		printf("  %-21s  %-10s  %-13s  %s\n", "GPA range", "size", "type", "launch");
	for (i = 0; i < in->nr_sections; i++) {
		const struct ovmf_section *s = &in->sections[i];
		const char *name = ovmf_section_name(s->type);
		char range[32], type[24];

		if (s->size)
			snprintf(range, sizeof(range), "0x%" PRIx32 "-0x%" PRIx64, s->gpa,
				 (uint64_t)s->gpa + s->size - 1);
		else
			snprintf(range, sizeof(range), "0x%" PRIx32 " (empty)", s->gpa);
		if (name)
			snprintf(type, sizeof(type), "%s", name);
		else
			snprintf(type, sizeof(type), "unknown (0x%" PRIx32 ")", s->type);
		printf("  %-21s  0x%-8" PRIx32 "  %-13s  %s\n", range, s->size, type,
		       section_launch(s->type));
	}
}

static void text_reset(const struct ovmf_info *in)
{
	int i;

	printf("reset vector: at GPA 0xfffffff0:");
	for (i = 0; i < 16; i++)
		printf(" %02x", in->reset_vector[i]);
	printf("\n  real mode, as at reset: %s\n", in->reset_decode);
	if (in->reset_jumps)
		printf("  jumps to 0x%" PRIx32 "\n", in->reset_target);
}

static void print_text(const char *path, const struct ovmf_info *in, const uint8_t *img)
{
	printf("file: %s\n", path);
	printf("size: %" PRIu64 " bytes (0x%" PRIx64 ")\n", in->size, in->size);
	printf("loads at: GPA 0x%" PRIx64 "-0xffffffff (the image ends at 4 GiB)\n",
	       in->load_gpa);
	text_table(in, img);
	text_sev(in);
	text_metadata(in);
	text_reset(in);
}

static void json_area(struct json *j, const char *key, bool has, uint32_t gpa, uint32_t size)
{
	if (!has) {
		json_null(j, key);
		return;
	}
	json_obj_begin(j, key);
	json_int(j, "gpa", gpa);
	json_int(j, "size", size);
	json_obj_end(j);
}

static void json_table(struct json *j, const struct ovmf_info *in)
{
	char guid[OVMF_GUID_STR_LEN];
	int i;

	if (!in->has_table) {
		json_null(j, "table");
		return;
	}
	json_obj_begin(j, "table");
	json_int(j, "offset", (long long)in->table_offset);
	json_int(j, "length", in->table_len);
	json_int(j, "unused", in->table_unused);
	json_arr_begin(j, "entries");
	for (i = 0; i < in->nr_entries; i++) {
		const struct ovmf_guid_entry *e = &in->entries[i];

		ovmf_guid_str(e->guid, guid);
		json_obj_begin(j, NULL);
		json_int(j, "offset", (long long)e->data_offset);
		json_int(j, "length", e->data_len + 18);
		json_str(j, "guid", guid);
		json_str(j, "name", e->name);
		json_obj_end(j);
	}
	json_arr_end(j);
	json_obj_end(j);
}

static void json_sev(struct json *j, const struct ovmf_info *in)
{
	if (in->has_sev_info) {
		json_obj_begin(j, "sev_info");
		json_int(j, "offset", (long long)in->sev_info_offset);
		json_int(j, "reset_addr", in->sev_es_reset);
		json_int(j, "cs_base", in->sev_es_reset & 0xffff0000u);
		json_int(j, "ip", in->sev_es_reset & 0xffffu);
		json_bool(j, "legacy", in->sev_info_legacy);
		json_obj_end(j);
	} else {
		json_null(j, "sev_info");
	}
	json_area(j, "kernel_hashes", in->has_hash_table, in->hash_gpa, in->hash_size);
	json_area(j, "secret_area", in->has_secret, in->secret_gpa, in->secret_size);
}

static void json_metadata(struct json *j, const struct ovmf_info *in)
{
	int i;

	if (!in->has_metadata) {
		json_null(j, "snp_metadata");
		return;
	}
	json_obj_begin(j, "snp_metadata");
	json_int(j, "offset", (long long)(in->size - in->metadata_offset));
	json_int(j, "offset_from_end", in->metadata_offset);
	json_int(j, "version", in->metadata_version);
	json_int(j, "length", in->metadata_len);
	json_arr_begin(j, "sections");
	for (i = 0; i < in->nr_sections; i++) {
		const struct ovmf_section *s = &in->sections[i];

		json_obj_begin(j, NULL);
		json_int(j, "gpa", s->gpa);
		json_int(j, "size", s->size);
		json_int(j, "type", s->type);
		json_str(j, "type_name", ovmf_section_name(s->type));
		json_str(j, "launch", section_launch(s->type));
		json_obj_end(j);
	}
	json_arr_end(j);
	json_obj_end(j);
}

static void json_reset(struct json *j, const struct ovmf_info *in)
{
	char hex[33];
	int i;

	for (i = 0; i < 16; i++)
		snprintf(hex + 2 * i, 3, "%02x", in->reset_vector[i]);
	json_obj_begin(j, "reset_vector");
	json_int(j, "gpa", 0xfffffff0u);
	json_str(j, "bytes", hex);
	json_str(j, "decode", in->reset_decode);
	if (in->reset_jumps)
		json_int(j, "target", in->reset_target);
	else
		json_null(j, "target");
	json_obj_end(j);
}

static void print_json(const char *path, const struct ovmf_info *in)
{
	struct json j;

	json_init(&j, stdout);
	json_obj_begin(&j, NULL);
	json_str(&j, "file", path);
	json_int(&j, "size", (long long)in->size);
	json_int(&j, "load_gpa", (long long)in->load_gpa);
	json_table(&j, in);
	json_sev(&j, in);
	json_metadata(&j, in);
	json_reset(&j, in);
	json_obj_end(&j);
	json_finish(&j);
}

/* --json, and FILE (option 1), given once, before or after the options. */
static int inspect_option(int opt, const char *arg, void *ctx, struct lk_err *err)
{
	struct inspect_cfg *cfg = ctx;

	if (opt == OPT_JSON) {
		cfg->json = true;
		return 0;
	}
	if (cfg->file)
		return err_set(err, LK_EXIT_USAGE, "unexpected argument '%s' (see lkvm-sev "
			       "inspect --help)", arg);
	return cli_file(arg, "inspect", &cfg->file, err);
}

static enum cli_result inspect_parse(int argc, char **argv, struct inspect_cfg *cfg,
				     struct lk_err *err)
{
	static const struct cli_syntax syn = {
		"inspect", "-hqv", inspect_options, "", OPT_JSON,
	};
	enum cli_result r;

	*cfg = (struct inspect_cfg){ 0 };
	r = cli_getopt(argc, argv, &syn, inspect_option, cfg, err);
	if (r == CLI_OK && !cfg->file)
		return err_set(err, LK_EXIT_USAGE, "inspect needs a FILE (see lkvm-sev inspect "
			       "--help)");
	return r;
}

int cmd_inspect(int argc, char **argv, struct lk_err *err)
{
	struct inspect_cfg cfg;
	struct ovmf_info info;
	size_t size;
	void *data;
	int r;

	r = inspect_parse(argc, argv, &cfg, err);
	if (r != CLI_OK)
		return cli_stop(r, inspect_usage);
	if (file_load("inspect", cfg.file, PROT_READ, &data, &size, err))
		return -1;
	if (size >= 16 && ovmf_not_firmware(data, size))
		r = err_set(err, LK_EXIT_USAGE, "inspect %s: %s", cfg.file,
			    ovmf_not_firmware(data, size));
	else
		r = ovmf_parse(cfg.file, data, size, &info, err);
	if (!r && cfg.json)
		print_json(cfg.file, &info);
	else if (!r)
		print_text(cfg.file, &info, data);
	file_unload(data, size);
	return r ? -1 : 0;
}
