// SPDX-License-Identifier: GPL-2.0-only
/*
 * Launch digests against the public vectors: every line of
 * ../shared/vectors/measure-vectors.tsv through the launch plan and digest
 * code (a missing file fails), the direct VMSA's independence of -c, and
 * the legacy SEV-ES digest the vectors' README derives.
 */
#include <stdio.h>
#include <string.h>

#include "sev/cpu.h"
#include "sev/digest.h"
#include "sev/hashes.h"
#include "sev/plan.h"
#include "tests/hostsim/test_hostsim.h"
#include "tests/tests.h"
#include "tests/unit/test_sev.h"

#define DEBIAN_SNP_1 "11570979c77a0adb515761a702527c8b9e11554e730552621d950988613a3a75" \
		     "c6ff1703f540bd22a9beede8fe7a97e3"
#define DEBIAN_SEV_ES_LEGACY "4f3747ba180ed949656ed604d894d59ce850b7c0bbbbc812e695e6225306a59a"

enum { V_ID, V_MODE, V_FIRMWARE, V_VCPUS, V_CPU, V_FEATURES, V_KERNEL, V_INITRD, V_APPEND,
       V_EXPECTED, V_FIELDS };

#define MAX_VECTORS 64

struct vector {
	char line[1024];
	char *f[V_FIELDS];
};

static struct vector vectors[MAX_VECTORS];
static int nr_vectors;

/* Splits @v->line on every tab (empty fields stay); false unless exactly V_FIELDS. */
static bool vector_split(struct vector *v)
{
	char *p = v->line;
	int i;

	v->line[strcspn(v->line, "\n")] = '\0';
	for (i = 0; p && i < V_FIELDS; i++) {
		v->f[i] = p;
		p = strchr(p, '\t');
		if (p)
			*p++ = '\0';
	}
	return i == V_FIELDS && !p;
}

/* Every vector line of the file; a malformed one counts, to fail in its test. */
static void vectors_load(void)
{
	FILE *f = fopen(hs_shared("vectors/measure-vectors.tsv"), "r");
	struct vector *v = &vectors[0];

	nr_vectors = 0;
	while (f && nr_vectors < MAX_VECTORS && fgets(v->line, sizeof(v->line), f)) {
		if (v->line[0] == '#' || v->line[0] == '\n')
			continue;
		if (!vector_split(v))
			v->f[V_ID] = NULL;
		v = &vectors[++nr_vectors];
	}
	if (f)
		fclose(f);
}

static enum sev_mode vector_mode(const char *mode)
{
	if (!strcmp(mode, "sev"))
		return SEV_MODE_SEV;
	if (!strcmp(mode, "seves"))
		return SEV_MODE_SEV_ES;
	ck_assert_msg(!strncmp(mode, "snp", 3), "unknown mode '%s'", mode);
	return SEV_MODE_SNP;
}

/* The README's kernel fields: "-" none, "empty" an empty file, append as it is. */
static void vector_hashes(const struct vector *v, struct sev_kernel_hashes *h)
{
	ck_assert_str_eq(v->f[V_KERNEL], "empty");
	ck_assert(!strcmp(v->f[V_INITRD], "empty") || !strcmp(v->f[V_INITRD], "-"));
	sev_hash_bytes(h->kernel, "", 0);
	sev_hash_bytes(h->initrd, "", 0);
	sev_hash_cmdline(h->cmdline, strcmp(v->f[V_APPEND], "-") ? v->f[V_APPEND] : NULL);
}

START_TEST(vector)
{
	char hex[2 * LAUNCH_DIGEST_MAX + 1];
	struct sev_kernel_hashes hashes;
	struct lk_err err = { 0 };
	struct launch_digest d;
	struct plan_config pc;
	struct sev_fw fw;
	struct plan plan;
	const struct vector *v;
	unsigned int features = 0;

	ck_assert_msg(_i < nr_vectors, "%s: missing or empty",
		      hs_shared("vectors/measure-vectors.tsv"));
	v = &vectors[_i];
	ck_assert_msg(v->f[V_ID], "vector %d: not %d tab-separated fields", _i, V_FIELDS);
	sev_fw_load(&fw, v->f[V_FIRMWARE]);
	pc = sev_fw_config(&fw, vector_mode(v->f[V_MODE]));
	if (strcmp(v->f[V_VCPUS], "-"))
		ck_assert_int_eq(sscanf(v->f[V_VCPUS], "%u", &pc.nr_cpus), 1);
	if (strcmp(v->f[V_CPU], "-"))
		ck_assert_msg(cpu_model_sig(v->f[V_CPU], &pc.cpu_sig), "cpu %s", v->f[V_CPU]);
	if (strcmp(v->f[V_FEATURES], "-"))
		ck_assert_int_eq(sscanf(v->f[V_FEATURES], "%x", &features), 1);
	pc.vmsa_features = features;
	if (strcmp(v->f[V_KERNEL], "-")) {
		vector_hashes(v, &hashes);
		pc.hashes = &hashes;
	}
	ck_assert_msg(!plan_build(&plan, &pc, &err), "%s: %s", v->f[V_ID], err.msg);
	plan_digest(&plan, strcmp(v->f[V_MODE], "snp:ovmf-hash") ? plan.nr_steps :
		    plan.nr_firmware_steps, &d);
	launch_digest_hex(&d, hex);
	ck_assert_msg(!strcmp(hex, v->f[V_EXPECTED]), "%s: %s, expected %s", v->f[V_ID], hex,
		      v->f[V_EXPECTED]);
	plan_free(&plan);
	sev_fw_free(&fw);
}
END_TEST

static const char *direct_digest(struct sev_fw *fw, unsigned int cpus, uint64_t gpa, char *buf)
{
	struct plan_config pc = sev_fw_config(fw, SEV_MODE_SNP);

	pc.nr_cpus = cpus;
	pc.direct_vmsa = true;
	pc.direct_vmsa_gpa = gpa;
	return sev_digest_hex(&pc, buf);
}

START_TEST(direct_vmsa_independent_of_cpus)
{
	static const unsigned int cpus[] = { 1, 2, 4, 8 };
	char one[100], other[100], classic[100];
	struct plan_config pc;
	struct sev_fw fw;
	size_t i;

	sev_fw_load(&fw, DEBIAN_OVMF);
	for (i = 0; i < sizeof(cpus) / sizeof(cpus[0]); i++)
		ck_assert_str_eq(direct_digest(&fw, cpus[i], SEV_DIRECT_VMSA_GPA, other),
				 DEBIAN_SNP_1);
	sev_fw_free(&fw);
	/* Elsewhere than KVM's VMSA address: still one digest, another than the classic. */
	sev_fw_load(&fw, "ovmf_AmdSev_suffix.bin");
	direct_digest(&fw, 1, 0x7ff000, one);
	for (i = 0; i < sizeof(cpus) / sizeof(cpus[0]); i++)
		ck_assert_str_eq(direct_digest(&fw, cpus[i], 0x7ff000, other), one);
	pc = sev_fw_config(&fw, SEV_MODE_SNP);
	ck_assert_str_ne(sev_digest_hex(&pc, classic), one);
	ck_assert_str_eq(direct_digest(&fw, 2, SEV_DIRECT_VMSA_GPA, other), classic);
	sev_fw_free(&fw);
}
END_TEST

START_TEST(legacy_sev_es)
{
	char hex[100];
	struct plan_config pc;
	struct sev_fw fw;

	sev_fw_load(&fw, DEBIAN_OVMF);
	pc = sev_fw_config(&fw, SEV_MODE_SEV_ES);
	pc.legacy_vm_type = true;
	ck_assert_str_eq(sev_digest_hex(&pc, hex), DEBIAN_SEV_ES_LEGACY);
	sev_fw_free(&fw);
}
END_TEST

Suite *sev_vectors_suite(void)
{
	Suite *s = suite_create("sev-vectors");
	TCase *tc = tcase_create("vectors");
	vectors_load();
	/* No vectors is a failure: test 0 then says the file is missing. */
	tcase_add_loop_test(tc, vector, 0, nr_vectors ? nr_vectors : 1);
	tcase_add_test(tc, direct_vmsa_independent_of_cpus);
	tcase_add_test(tc, legacy_sev_es);
	tcase_set_timeout(tc, 30);
	suite_add_tcase(s, tc);
	return s;
}
