// SPDX-License-Identifier: GPL-2.0-only
/*
 * caps without a host: verdicts from facts set up here (above all what the
 * simulated host cannot show: no /dev/kvm, a /dev/sev that does not open, a
 * VM type that cannot be created), kvm_amd's parameters from a directory
 * made here, the JSON writer, and the tests' own JSON reader; the JSON
 * outputs' rule for integers and mode names (lkvm-sev(1), JSON OUTPUT), and
 * --trace's names for ioctls, capabilities and SEV commands.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <linux/kvm.h>
#include <linux/psp-sev.h>

#include "cli/caps.h"
#include "kvm/trace.h"
#include "kvm/uapi.h"
#include "probe/caps.h"
#include "sev/plan.h"
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

/* The rule's checker and the reader's kinds: a number and a string of digits differ. */
START_TEST(json_rule_checker)
{
	static const char *const keep[] = {
		"{\"gpa\": 4096, \"mask\": \"0x0\", \"policy\": \"0x30000\"}",
		"{\"vms\": [{\"type\": 4}], \"cpu_sig\": null, \"what\": \"firmware\"}",
		"{\"devices\": [{\"vendor\": \"0x8086\", \"device\": \"0x1237\"}]}",
		"{\"parameters\": {\"sev\": \"Y\", \"nested\": \"1\"}}",
	};
	static const char *const break_it[] = {
		"{\"gpa\": \"0xffe00000\"}", "{\"steps\": [{\"gpa\": \"0x1000\"}]}",
		"{\"mask\": 8}", "{\"mask\": \"0x08\"}", "{\"policy\": \"0X1\"}",
		"{\"fw_error\": \"0x7\"}", "{\"size\": \"4096\"}", "{\"what\": \"0x10\"}",
	};
	char why[256], val[16];
	unsigned int i;

	for (i = 0; i < sizeof(keep) / sizeof(keep[0]); i++)
		ck_assert_msg(json_number_rule(keep[i], why, sizeof(why)), "%s: %s", keep[i], why);
	for (i = 0; i < sizeof(break_it) / sizeof(break_it[0]); i++)
		ck_assert_msg(!json_number_rule(break_it[i], why, sizeof(why)), "kept: %s",
			      break_it[i]);
	ck_assert_int_eq(json_kind_at("{\"a\": [1, \"1\", null, {}]}", "a.0"), JSON_NUMBER);
	ck_assert_int_eq(json_kind_at("{\"a\": [1, \"1\", null, {}]}", "a.1"), JSON_STRING);
	ck_assert_int_eq(json_kind_at("{\"a\": [1, \"1\", null, {}]}", "a.2"), JSON_NULL);
	ck_assert_int_eq(json_kind_at("{\"a\": [1, \"1\", null, {}]}", "a.3"), JSON_OBJECT);
	ck_assert_int_eq(json_kind_at("{\"a\": [1, \"1\", null, {}]}", "a"), JSON_ARRAY);
	ck_assert_int_eq(json_kind_at("{\"a\": [1, \"1\", null, {}]}", "a.4"), JSON_ABSENT);
	ck_assert(json_get("{\"a\": [1, \"1\"]}", "a.1", val, sizeof(val)));
	ck_assert_str_eq(val, "1");
}
END_TEST

/*
 * caps --json of a host whose /dev/sev answers SEV_PLATFORM_STATUS with a
 * firmware error (what the simulated host does not show): the status code
 * is a number, as the platform state beside it; masks and the TCB "0x...".
 */
START_TEST(caps_json_rule)
{
	static struct host_caps c;
	char *text = NULL, why[256];
	size_t size = 0;
	FILE *f = open_memstream(&text, &size);

	ck_assert_ptr_nonnull(f);
	full_host(&c);
	c.sev_dev.sev = (struct sev_status_query){ .err = EIO, .fw_error = 0x7 };
	c.sev_dev.snp = (struct sev_status_query){ .ok = true, .api_major = 1, .api_minor = 55,
						   .state = 1 };
	c.sev_dev.snp_tcb_version = 0xdb18000000000004ULL;
	caps_print_json(&c, f);
	fclose(f);
	ck_assert_msg(json_number_rule(text, why, sizeof(why)), "%s", why);
	ck_assert_int_eq(json_kind_at(text, "dev_sev.sev_platform_status.fw_error"), JSON_NUMBER);
	ck_assert_int_eq(json_kind_at(text, "dev_sev.snp_platform_status.state"), JSON_NUMBER);
	ck_assert_int_eq(json_kind_at(text, "dev_sev.snp_platform_status.tcb_version"),
			 JSON_STRING);
	ck_assert_int_eq(json_kind_at(text, "vm_types.mask"), JSON_STRING);
	ck_assert_int_eq(json_kind_at(text, "vms.4.type"), JSON_NUMBER);
	free(text);
}
END_TEST

/* run --report's and measure --json's mode is one of caps' modes[].mode. */
START_TEST(mode_names_as_caps)
{
	ck_assert_str_eq(sev_mode_name(SEV_MODE_NONE), caps_mode_name(CAPS_PLAIN));
	ck_assert_str_eq(sev_mode_name(SEV_MODE_SEV), caps_mode_name(CAPS_SEV));
	ck_assert_str_eq(sev_mode_name(SEV_MODE_SEV_ES), caps_mode_name(CAPS_SEV_ES));
	ck_assert_str_eq(sev_mode_name(SEV_MODE_SNP), caps_mode_name(CAPS_SNP));
}
END_TEST

/*
 * --trace's names are the kernel's, checked here against the kernel's
 * numbers (SEV-KVM-API.md §1.1, §1.2, §2.2, §8), written out rather than
 * taken from kvm/uapi.h; a number without a name stays a number.
 */
START_TEST(trace_names)
{
	static const struct {
		unsigned long req;
		const char *macro;	/* as kvm_ioctl() passes it */
		unsigned long long arg;	/* the capability, VM type or command */
		const char *want;
	} calls[] = {
		{ KVM_CHECK_EXTENSION, "KVM_CHECK_EXTENSION", 81,
		  "ioctl KVM_CHECK_EXTENSION(fd 3, KVM_CAP_READONLY_MEM) = 0\n" },
		{ KVM_CHECK_EXTENSION, "KVM_CHECK_EXTENSION", 201,
		  "ioctl KVM_CHECK_EXTENSION(fd 3, KVM_CAP_EXIT_HYPERCALL) = 0\n" },
		{ KVM_CHECK_EXTENSION, "KVM_CHECK_EXTENSION", 231,
		  "ioctl KVM_CHECK_EXTENSION(fd 3, KVM_CAP_USER_MEMORY2) = 0\n" },
		{ KVM_CHECK_EXTENSION, "KVM_CHECK_EXTENSION", 235,
		  "ioctl KVM_CHECK_EXTENSION(fd 3, KVM_CAP_VM_TYPES) = 0\n" },
		{ KVM_CHECK_EXTENSION, "KVM_CHECK_EXTENSION", 249,
		  "ioctl KVM_CHECK_EXTENSION(fd 3, KVM_CAP_SNP_DIRECT_VMSA) = 0\n" },
		{ KVM_CHECK_EXTENSION, "KVM_CHECK_EXTENSION", 9999,
		  "ioctl KVM_CHECK_EXTENSION(fd 3, 9999) = 0\n" },
		{ KVM_CREATE_VM, "KVM_CREATE_VM", 4,
		  "ioctl KVM_CREATE_VM(fd 3, KVM_X86_SNP_VM) = 0\n" },
		{ KVM_CREATE_VM, "KVM_CREATE_VM", 7, "ioctl KVM_CREATE_VM(fd 3, 7) = 0\n" },
		{ KVM_MEMORY_ENCRYPT_OP, "KVM_MEMORY_ENCRYPT_OP", 22,
		  "ioctl KVM_MEMORY_ENCRYPT_OP(fd 3, cmd KVM_SEV_INIT2) = 0\n" },
		{ KVM_MEMORY_ENCRYPT_OP, "KVM_MEMORY_ENCRYPT_OP", 3,
		  "ioctl KVM_MEMORY_ENCRYPT_OP(fd 3, cmd KVM_SEV_LAUNCH_UPDATE_DATA) = 0\n" },
		{ KVM_MEMORY_ENCRYPT_OP, "KVM_MEMORY_ENCRYPT_OP", 100,
		  "ioctl KVM_MEMORY_ENCRYPT_OP(fd 3, cmd KVM_SEV_SNP_LAUNCH_START) = 0\n" },
		{ KVM_MEMORY_ENCRYPT_OP, "KVM_MEMORY_ENCRYPT_OP", 101,
		  "ioctl KVM_MEMORY_ENCRYPT_OP(fd 3, cmd KVM_SEV_SNP_LAUNCH_UPDATE) = 0\n" },
		{ KVM_MEMORY_ENCRYPT_OP, "KVM_MEMORY_ENCRYPT_OP", 102,
		  "ioctl KVM_MEMORY_ENCRYPT_OP(fd 3, cmd KVM_SEV_SNP_LAUNCH_FINISH) = 0\n" },
		{ KVM_MEMORY_ENCRYPT_OP, "KVM_MEMORY_ENCRYPT_OP", 57,
		  "ioctl KVM_MEMORY_ENCRYPT_OP(fd 3, cmd 57) = 0\n" },
		{ SEV_ISSUE_CMD, "SEV_ISSUE_CMD", 9,
		  "ioctl SEV_ISSUE_CMD(fd 3, cmd SNP_PLATFORM_STATUS) = 0\n" },
		{ KVM_ENABLE_CAP, "KVM_ENABLE_CAP", 201,
		  "ioctl KVM_ENABLE_CAP(fd 3, cap KVM_CAP_EXIT_HYPERCALL args[0] 0x1000) = 0\n" },
		{ KVM_GET_DEVICE_ATTR, "KVM_GET_DEVICE_ATTR", 0, "ioctl KVM_GET_DEVICE_ATTR(fd 3, "
		  "group KVM_X86_GRP_SEV attr KVM_X86_SEV_VMSA_FEATURES) = 0\n" },
		{ LK_KVM_SET_USER_MEMORY_REGION2, "LK_KVM_SET_USER_MEMORY_REGION2", 0,
		  "ioctl KVM_SET_USER_MEMORY_REGION2(fd 3, slot 0 flags 0x4 gpa 0x0 size 0x1000) "
		  "= 0\n" },
		{ LK_KVM_CREATE_GUEST_MEMFD, "LK_KVM_CREATE_GUEST_MEMFD", 0,
		  "ioctl KVM_CREATE_GUEST_MEMFD(fd 3, " },
	};
	struct lk_kvm_userspace_memory_region2 region = { .flags = 4, .memory_size = 0x1000 };
	struct kvm_enable_cap cap = { .args = { 0x1000 } };
	struct lk_kvm_create_guest_memfd gmem = { .size = 0x1000 };
	struct kvm_device_attr attr = { .group = 1 };
	struct sev_issue_cmd psp = { 0 };
	struct kvm_sev_cmd sev = { 0 };
	char dir[64], path[128];
	struct lk_err err;
	unsigned int i;
	uintptr_t arg;
	char *trace;
	size_t size;

	test_dir_create(dir, sizeof(dir));
	snprintf(path, sizeof(path), "%s/trace.txt", dir);
	ck_assert_int_eq(kvm_trace_open(path, &err), 0);
	for (i = 0; i < sizeof(calls) / sizeof(calls[0]); i++) {
		unsigned long req = calls[i].req;

		arg = (uintptr_t)calls[i].arg;
		if (req == KVM_MEMORY_ENCRYPT_OP) {
			sev.id = (uint32_t)calls[i].arg;
			arg = (uintptr_t)&sev;
		} else if (req == SEV_ISSUE_CMD) {
			psp.cmd = (uint32_t)calls[i].arg;
			arg = (uintptr_t)&psp;
		} else if (req == KVM_ENABLE_CAP) {
			cap.cap = (uint32_t)calls[i].arg;
			arg = (uintptr_t)&cap;
		} else if (req == KVM_GET_DEVICE_ATTR) {
			attr.attr = calls[i].arg;
			arg = (uintptr_t)&attr;
		} else if (req == LK_KVM_SET_USER_MEMORY_REGION2) {
			arg = (uintptr_t)&region;
		} else if (req == LK_KVM_CREATE_GUEST_MEMFD) {
			arg = (uintptr_t)&gmem;
		}
		kvm_trace_ioctl(3, calls[i].macro, req, arg, 0);
	}
	kvm_trace_close();
	trace = test_read_file(path, &size);
	for (i = 0; i < sizeof(calls) / sizeof(calls[0]); i++)
		ck_assert_msg(strstr(trace, calls[i].want), "no '%s' in\n%s", calls[i].want, trace);
	ck_assert_msg(!strstr(trace, "LK_") && !strstr(trace, "lk_"), "%s", trace);
	free(trace);
	unlink(path);
	test_dir_remove(dir);
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
	tcase_add_test(tc, json_rule_checker);
	tcase_add_test(tc, caps_json_rule);
	tcase_add_test(tc, mode_names_as_caps);
	tcase_add_test(tc, trace_names);
	suite_add_tcase(s, tc);
	return s;
}
