// SPDX-License-Identifier: GPL-2.0-only
/*
 * caps without a host: verdicts from facts set up here (above all what the
 * simulated host cannot show: no /dev/kvm, a /dev/sev that does not open, a
 * VM type that cannot be created), kvm_amd's parameters from a directory
 * made here, the JSON writer, and the tests' own JSON reader.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "probe/caps.h"
#include "tests/json_check.h"
#include "tests/tests.h"
#include "util/json.h"

#define ES_MPROTECT "runs with fallback: firmware kept read-only by mprotect (sev-es VMs " \
		    "offer no read-only memory)"

/* Everything a fully featured SNP host offers (what hostsim's default models). */
static void full_host(struct host_caps *c)
{
	unsigned int t;

	memset(c, 0, sizeof(*c));
	c->kvm = true;
	c->api_version = 12;
	c->vm_types = 0x1f;
	c->vm_types_cap = true;
	for (t = 0; t < 5; t++) {
		bool ro = t != 3 && t != 4;	/* SEV-ES and SNP refuse read-only memory */

		c->vm[t] = (struct caps_vm){ .created = true, .readonly_cap = ro };
		c->vm[t].readonly_slot = ro;
		c->vm[t].readonly_slot_err = ro ? 0 : EINVAL;
	}
	c->vm[4].guest_memfd = true;
	c->vm[4].mem_attrs = 0x8;
	c->vmsa_features_attr = true;
	c->vmsa_features = 0x20;
	c->sev_enabled = true;
	c->user_memory2 = true;
	c->guest_memfd = true;
	c->exit_hypercall = 0x1000;
	c->direct_vmsa = 1;
	c->sev_dev.present = true;
}

static const char *verdict(const struct host_caps *c, enum caps_mode m)
{
	static char line[1100];
	struct caps_verdict v;

	caps_verdict(c, m, &v);
	snprintf(line, sizeof(line), "%s%s%s", caps_verdict_kind_name(v.kind),
		 v.text[0] ? ": " : "", v.text);
	return line;
}

START_TEST(verdicts_full_host)
{
	static struct host_caps c;

	full_host(&c);
	ck_assert_str_eq(verdict(&c, CAPS_PLAIN), "runs");
	ck_assert_str_eq(verdict(&c, CAPS_SEV), "runs");
	ck_assert_str_eq(verdict(&c, CAPS_SEV_ES), ES_MPROTECT);
	ck_assert_str_eq(verdict(&c, CAPS_SEV_ES_DEBUG_SWAP), ES_MPROTECT);
	ck_assert_str_eq(verdict(&c, CAPS_SNP), "runs");
	ck_assert_str_eq(verdict(&c, CAPS_SNP_DIRECT_VMSA), "runs");
	ck_assert_str_eq(caps_mode_name(CAPS_SEV_ES_DEBUG_SWAP), "SEV-ES + debug-swap");
}
END_TEST

START_TEST(verdicts_without_kvm)
{
	static struct host_caps c;
	int m;

	full_host(&c);
	c.kvm = false;
	snprintf(c.kvm_why, sizeof(c.kvm_why), "/dev/kvm does not exist: this host has no KVM");
	for (m = 0; m < CAPS_NR_MODES; m++)
		ck_assert_str_eq(verdict(&c, m),
				 "cannot run: /dev/kvm does not exist: this host has no KVM");
}
END_TEST

START_TEST(verdicts_dev_sev_unopenable)
{
	static struct host_caps c;

	full_host(&c);
	c.sev_dev.open_err = EACCES;
	ck_assert_str_eq(verdict(&c, CAPS_PLAIN), "runs");
	ck_assert_str_eq(verdict(&c, CAPS_SEV), "cannot run: cannot open /dev/sev (EACCES)");
	ck_assert_str_eq(verdict(&c, CAPS_SNP), "cannot run: cannot open /dev/sev (EACCES)");
}
END_TEST

START_TEST(verdicts_vm_type_fails)
{
	static struct host_caps c;

	full_host(&c);
	c.vm[3] = (struct caps_vm){ .create_err = ENOMEM };
	c.vm[4] = (struct caps_vm){ .create_err = ENOMEM };
	ck_assert_str_eq(verdict(&c, CAPS_SEV_ES),
			 "runs with fallback: legacy KVM_SEV_ES_INIT on a default VM "
			 "(KVM_CREATE_VM of the SEV-ES VM type fails: ENOMEM), no debug-swap");
	ck_assert_str_eq(verdict(&c, CAPS_SEV_ES_DEBUG_SWAP),
			 "cannot run: KVM_CREATE_VM of the SEV-ES VM type fails: ENOMEM");
	ck_assert_str_eq(verdict(&c, CAPS_SNP),
			 "cannot run: KVM_CREATE_VM of the SNP VM type fails: ENOMEM");
}
END_TEST

/* VM types without KVM_SEV_INIT2 and without SEV in KVM: nothing to fall back on. */
START_TEST(verdicts_types_without_init2)
{
	static struct host_caps c;

	full_host(&c);
	c.vmsa_features_attr = false;
	c.vmsa_features_err = ENXIO;
	c.vmsa_features = 0;
	c.sev_enabled = false;
	c.sev_enabled_err = ENOTTY;
	ck_assert_str_eq(verdict(&c, CAPS_SEV), "cannot run: no KVM_SEV_INIT2 "
			 "(KVM_X86_SEV_VMSA_FEATURES: ENXIO); no legacy KVM_SEV_INIT either "
			 "(KVM_MEMORY_ENCRYPT_OP: ENOTTY)");
	ck_assert_str_eq(verdict(&c, CAPS_SEV_ES_DEBUG_SWAP), "cannot run: DEBUG_SWAP needs "
			 "KVM_SEV_INIT2 (KVM_X86_SEV_VMSA_FEATURES: ENXIO)");
	ck_assert_str_eq(verdict(&c, CAPS_SNP), "cannot run: no KVM_SEV_INIT2 "
			 "(KVM_X86_SEV_VMSA_FEATURES: ENXIO)");
}
END_TEST

static void write_file(const char *dir, const char *name, const char *text)
{
	char path[512];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	f = fopen(path, "w");
	ck_assert_ptr_nonnull(f);
	fputs(text, f);
	fclose(f);
}

START_TEST(modparams_from_sysfs)
{
	static const char *const names[] = { "sev", "sev_es", "sev_snp", "debug_swap", NULL };
	struct modparams mp;
	char dir[64], path[512];

	test_dir_create(dir, sizeof(dir));
	snprintf(path, sizeof(path), "%s/kvm_amd", dir);
	ck_assert_int_eq(mkdir(path, 0755), 0);
	modparams_read(&mp, dir, "kvm_amd", names);
	ck_assert(!mp.loaded);	/* a module without parameters is not kvm_amd loaded */
	strcat(path, "/parameters");
	ck_assert_int_eq(mkdir(path, 0755), 0);
	write_file(path, "sev", "Y\n");
	write_file(path, "sev_es", "N\n");
	write_file(path, "debug_swap", "Y\n");
	snprintf(path, sizeof(path), "%s/kvm_intel", dir);
	ck_assert_int_eq(mkdir(path, 0755), 0);
	snprintf(path, sizeof(path), "%s/kvm", dir);
	ck_assert_int_eq(mkdir(path, 0755), 0);
	modparams_read(&mp, dir, "kvm_amd", names);
	ck_assert(mp.loaded);
	ck_assert_uint_eq(mp.n, 3);
	ck_assert_str_eq(mp.p[0].name, "sev");
	ck_assert_str_eq(mp.p[0].value, "Y");
	ck_assert_str_eq(mp.p[1].name, "sev_es");
	ck_assert_str_eq(mp.p[1].value, "N");
	ck_assert_str_eq(mp.p[2].name, "debug_swap");
	ck_assert_str_eq(mp.others, "kvm_intel");
	test_dir_remove(dir);
}
END_TEST

START_TEST(json_writer)
{
	char *text = NULL, val[64];
	size_t size = 0;
	FILE *f = open_memstream(&text, &size);
	struct json j;

	ck_assert_ptr_nonnull(f);
	json_init(&j, f);
	json_obj_begin(&j, NULL);
	json_str(&j, "s", "a \"quoted\"\\ line\n\x01");
	json_arr_begin(&j, "empty");
	json_arr_end(&j);
	json_arr_begin(&j, "list");
	json_int(&j, NULL, -3);
	json_bool(&j, NULL, true);
	json_null(&j, NULL);
	json_obj_begin(&j, NULL);
	json_hex(&j, "mask", 0xdb18000000000004ULL);
	json_obj_end(&j);
	json_arr_end(&j);
	json_double(&j, "ms", 1.5);
	json_obj_end(&j);
	json_finish(&j);
	fclose(f);
	ck_assert_msg(json_check(text, val, sizeof(val)), "%s: %s", val, text);
	ck_assert(json_get(text, "s", val, sizeof(val)));
	ck_assert_str_eq(val, "a \"quoted\"\\ line\n\x01");
	ck_assert(json_get(text, "list.3.mask", val, sizeof(val)));
	ck_assert_str_eq(val, "0xdb18000000000004");
	ck_assert(json_get(text, "empty", val, sizeof(val)));
	ck_assert_str_eq(val, "[]");
	ck_assert(json_get(text, "ms", val, sizeof(val)));
	ck_assert_str_eq(val, "1.500");
	ck_assert(!json_get(text, "list.4", val, sizeof(val)));
	ck_assert_str_eq(text, "{\n  \"s\": \"a \\\"quoted\\\"\\\\ line\\n\\u0001\",\n"
			 "  \"empty\": [],\n  \"list\": [\n    -3,\n    true,\n    null,\n"
			 "    {\n      \"mask\": \"0xdb18000000000004\"\n    }\n  ],\n"
			 "  \"ms\": 1.500\n}\n");
	free(text);
}
END_TEST

START_TEST(json_reader)
{
	static const char *const good[] = {
		"0", "-1.5e+3", " [] ", "{\"a\": [true, false, null, \"\\u00e9\\/\"]}", "\"\"",
	};
	static const char *const bad[] = {
		"", "{", "{\"a\" 1}", "[1,]", "01", "\"\\x\"", "{} x", "\"a\nb\"", "tru",
		"[1 2]", "{\"a\":}", "-", "1.", "\"\\u12\"",
	};
	unsigned int i;

	for (i = 0; i < sizeof(good) / sizeof(good[0]); i++)
		ck_assert_msg(json_check(good[i], NULL, 0), "refused: %s", good[i]);
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		ck_assert_msg(!json_check(bad[i], NULL, 0), "accepted: %s", bad[i]);
}
END_TEST

Suite *unit_caps_suite(void)
{
	Suite *s = suite_create("unit-caps");
	TCase *tc = tcase_create("verdicts");

	tcase_add_test(tc, verdicts_full_host);
	tcase_add_test(tc, verdicts_without_kvm);
	tcase_add_test(tc, verdicts_dev_sev_unopenable);
	tcase_add_test(tc, verdicts_vm_type_fails);
	tcase_add_test(tc, verdicts_types_without_init2);
	suite_add_tcase(s, tc);
	tc = tcase_create("host files and json");
	tcase_add_test(tc, modparams_from_sysfs);
	tcase_add_test(tc, json_writer);
	tcase_add_test(tc, json_reader);
	suite_add_tcase(s, tc);
	return s;
}
