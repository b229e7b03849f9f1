// SPDX-License-Identifier: GPL-2.0-only
/*
 * `lkvm-sev run --sev | --sev-es | --sev-snp` (issue 6): on the simulated
 * SEV host, each launch's digest in the host's log must equal the one run
 * prints, the one `lkvm-sev measure` computes for the same options, and the
 * public vector where one applies, with no call of the launch rejected; the
 * run-loop exits of SNP and SEV-ES guests; refusals. On this machine's real
 * /dev/kvm each mode ends with 125 and the reason `caps` gives.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kvm/caps.h"
#include "tests/hostsim/test_hostsim.h"
#include "tests/tests.h"

#define OVMF		"/usr/share/ovmf/OVMF.fd"
#define V_SEV		"7b456907dd0786d415999e801a1ac4637b8ed4d7cf5378cfc6edbe5e574dd773"
#define V_SEVES_V4	"5bcbb5a45e7a9fa4699b6cc8f775382a810ff5a0186d3b90069ba28b1840b38f"
#define V_SNP_V4	"11570979c77a0adb515761a702527c8b9e11554e730552621d950988613a3a75c6ff" \
			"1703f540bd22a9beede8fe7a97e3"

struct launch_case {
	const char *env[4];
	const char *run[12];		/* after run --firmware OVMF */
	const char *measure[12];	/* after measure --firmware OVMF --cpu-sig 0xa00f11 */
	const char *vector;		/* NULL: none applies */
};

static const struct launch_case cases[] = {
	{ {}, { "--sev" }, { "--sev" }, V_SEV },
	{ { "HOSTSIM_INIT2=0" }, { "--sev" }, { "--sev" }, V_SEV },
	{ {}, { "--sev", "--legacy-vm-type", "--bios", OVMF }, { "--sev" }, V_SEV },
	{ {}, { "--sev-es", "--cpu", "EPYC-v4" }, { "--sev-es" }, V_SEVES_V4 },
	{ {}, { "--sev-es", "--debug-swap", "-c", "2" }, { "--sev-es", "--debug-swap", "-c", "2" } },
	{ { "HOSTSIM_READONLY_MEM=all" }, { "--sev-es", "-c", "4" }, { "--sev-es", "-c", "4" } },
	{ { "HOSTSIM_INIT2=0" }, { "--sev-es", "-c", "2" },
	  { "--sev-es", "-c", "2", "--legacy-vm-type" } },
	{ {}, { "--sev-es", "--legacy-vm-type" }, { "--sev-es", "--legacy-vm-type" } },
	{ {}, { "--sev-snp", "--cpu", "EPYC-v4" }, { "--sev-snp", "--direct-vmsa", "on" },
	  V_SNP_V4 },
	{ {}, { "--sev-snp", "--cpu", "EPYC-v4", "-c", "2" }, { "--sev-snp", "--direct-vmsa", "on" },
	  V_SNP_V4 },
	{ {}, { "--sev-snp", "--cpu", "EPYC-v4", "-c", "4" }, { "--sev-snp", "--direct-vmsa", "on" },
	  V_SNP_V4 },
	{ {}, { "--sev-snp", "--cpu", "EPYC-v4", "--direct-vmsa", "off" },
	  { "--sev-snp", "--direct-vmsa", "off" }, V_SNP_V4 },
	{ {}, { "--sev-snp", "-c", "4", "--direct-vmsa", "off" },
	  { "--sev-snp", "-c", "4", "--direct-vmsa", "off" } },
	{ { "HOSTSIM_DIRECT_VMSA=0" }, { "--sev-snp", "-c", "2" },
	  { "--sev-snp", "-c", "2", "--direct-vmsa", "off" } },
	{ {}, { "--sev-snp", "--debug-swap", "-c", "2" },
	  { "--sev-snp", "--debug-swap", "--direct-vmsa", "on" } },
};

/* The hex after @key in @text, into @out. */
static bool hex_after(const char *text, const char *key, char *out, size_t size)
{
	const char *p = strstr(text, key);
	size_t n;

	if (!p)
		return false;
	p += strlen(key);
	n = strspn(p, "0123456789abcdef");
	if (!n || n >= size)
		return false;
	memcpy(out, p, n);
	out[n] = '\0';
	return true;
}

static char *read_log(const char *path)
{
	FILE *f = fopen(path, "r");
	char *buf = calloc(1, 4 << 20);
	size_t n;

	ck_assert(f && buf);
	n = fread(buf, 1, (4 << 20) - 1, f);
	buf[n] = '\0';
	fclose(f);
	return buf;
}

/* The launched VM (the last summary) and whether any of its calls was refused. */
static void check_log(const char *path, char *digest, size_t size)
{
	char *log = read_log(path), *sum = strstr(log, "\"event\":\"summary\""), *next, obj[32];
	char *line;

	ck_assert_msg(sum, "no summary in the log");
	while ((next = strstr(sum + 1, "\"event\":\"summary\"")))
		sum = next;
	ck_assert(hex_after(sum, "\"digest\":\"", digest, size));
	line = strstr(sum - 60 > log ? sum - 60 : log, "\"obj\":\"");
	ck_assert(line && sscanf(line, "\"obj\":\"%31[^\"]", obj) == 1);
	for (line = strtok(log, "\n"); line; line = strtok(NULL, "\n")) {
		char tag[48];

		snprintf(tag, sizeof(tag), "\"obj\":\"%s", obj);
		if (!strstr(line, tag) || !strstr(line, "\"errno\""))
			continue;
		/* The measurement's length query, memory-fault exits, the stop's kick. */
		if ((strstr(line, "LAUNCH_MEASURE\"") && strstr(line, "\"len\":0}")) ||
		    strstr(line, "\"exit\":\"MEMORY_FAULT\""))
			continue;
		ck_assert_msg(strstr(line, "\"EINTR\""), "rejected call: %s", line);
	}
	free(log);
}

static void measure(const char *const *extra, char *digest, size_t size)
{
	const char *args[24] = { "measure", "--firmware", OVMF, "--cpu-sig", "0xa00f11" };
	static struct hs_proc p;
	int i, n = 5;

	for (i = 0; extra[i]; i++)
		args[n++] = extra[i];
	/* --cpu in the run: measure is told the model's signature the same way. */
	hs_spawn(&p, LKVM_BIN, NULL, args);
	ck_assert_msg(p.status == 0, "measure: %s", p.err);
	ck_assert(hex_after(p.out, "", digest, size));
	hs_done(&p);
}

START_TEST(sev_run_digests)
{
	const struct launch_case *c = &cases[_i];
	const char *args[24] = { "run", "--firmware", OVMF };
	const char *margs[16];
	char printed[128], logged[128], measured[128];
	static struct hs_proc p;
	int i, n = 3, m = 0;

	for (i = 0; c->run[i]; i++) {
		if (!strcmp(c->run[i], "--bios"))
			n = 1;	/* the image as plain memory instead of --firmware */
	}
	for (i = 0; c->run[i]; i++)
		args[n++] = c->run[i];
	for (i = 0; c->measure[i]; i++)
		margs[m++] = c->measure[i];
	margs[m] = NULL;
	hs_spawn(&p, LKVM_BIN "-dyn", c->env, args);
	ck_assert_msg(p.status == 0, "case %d: status %d\n%s", _i, p.status, p.err);
	ck_assert_msg(hex_after(p.err, "expected): ", printed, sizeof(printed)), "%s", p.err);
	check_log(p.log, logged, sizeof(logged));
	ck_assert_str_eq(printed, logged);
	if (c->vector)
		ck_assert_str_eq(logged, c->vector);
	else {
		measure(margs, measured, sizeof(measured));
		ck_assert_str_eq(logged, measured);
	}
	hs_done(&p);
}
END_TEST

struct exit_case {
	const char *mode;
	const char *script;
	int status;
	const char *says;	/* in stderr */
};

static const struct exit_case exit_cases[] = {
	{ "--sev-snp", "psc:shared:0x100000:16;psc:private:0x100000:16;psc:shared:0x200000:512:2m;"
	  "acpi-off", 0, NULL },
	{ "--sev-snp", "fault:shared:0x200000:0x1000;fault:private:0x200000:0x1000;acpi-off", 0,
	  NULL },
	{ "--sev-snp", "fault:shared:0xfffff000:0x1000", 126, "faulted on GPA 0xfffff000" },
	{ "--sev-snp", "psc:shared:0xfec00000:1", 126, "SEV termination request" },
	{ "--sev-snp", "sev-term:1:2", 126, "reason set 1, code 2" },
	{ "--sev-es", "sev-term:0:3", 126, "reason set 0, code 3" },
	/* seed 000: SEV-ES firmware under mprotect; a guest write stops the VM. */
	{ "--sev-es", "write:0xfffff000:0x90", 126,
	  "wrote to protected firmware at GPA 0xfffff000 (mprotect mode)" },
};

START_TEST(sev_run_exits)
{
	const struct exit_case *c = &exit_cases[_i];
	char script[512], digest[128];
	const char *env[] = { script, NULL };
	static struct hs_proc p;

	snprintf(script, sizeof(script), "HOSTSIM_SCRIPT=%s", c->script);
	hs_spawn(&p, LKVM_BIN "-dyn", env,
		 (const char *[]){ "run", c->mode, "--firmware", OVMF, NULL });
	ck_assert_msg(p.status == c->status, "%s: status %d\n%s", c->script, p.status, p.err);
	if (c->says)
		ck_assert_msg(strstr(p.err, c->says), "%s: no '%s' in\n%s", c->script, c->says,
			      p.err);
	if (!c->status)
		check_log(p.log, digest, sizeof(digest));
	hs_done(&p);
}
END_TEST

/*
 * The mprotect fallback: LAUNCH_UPDATE_DATA pins the firmware for write, so
 * it succeeds only while writable; the guest-write case is in exit_cases.
 */
START_TEST(sev_run_mprotect_window)
{
	static struct hs_proc p;
	char digest[128], *log;

	hs_spawn(&p, LKVM_BIN "-dyn", NULL,
		 (const char *[]){ "run", "--sev-es", "--debug-swap", "--firmware", OVMF, NULL });
	ck_assert_msg(p.status == 0, "%s", p.err);
	ck_assert(strstr(p.err, "protecting firmware with mprotect(PROT_READ)"));
	check_log(p.log, digest, sizeof(digest));
	log = read_log(p.log);
	ck_assert(strstr(log, "\"ro_mode\":\"mprotect\""));
	free(log);
	hs_done(&p);
}
END_TEST

struct refusal {
	const char *env[3];
	const char *args[12];
	int status;
	const char *says;
};

static const struct refusal refusals[] = {
	{ {}, { "--sev-snp", "--firmware", OVMF, "--vars", OVMF }, 2, "--vars with --sev-snp" },
	{ {}, { "--sev-es", "--legacy-vm-type", "--debug-swap", "--firmware", OVMF }, 2,
	  "--legacy-vm-type cannot go with --debug-swap" },
	{ {}, { "--sev", "--debug-swap", "--firmware", OVMF }, 2, "plain SEV has no VMSA" },
	{ {}, { "--sev-es", "--policy", "0x1", "--firmware", OVMF }, 2, "bit 2 (ES) must be set" },
	{ {}, { "--secret", OVMF, "--secret-header", OVMF, "--sev", "--firmware", OVMF }, 2,
	  "--secret needs the session" },
	{ { "HOSTSIM_DIRECT_VMSA=0" }, { "--sev-snp", "--direct-vmsa", "on", "--bios", OVMF }, 125,
	  "cannot run SNP + direct VMSA: KVM_CAP_SNP_DIRECT_VMSA (249" },
	{ { "HOSTSIM_VMSA_FEATURES=0" }, { "--sev-es", "--debug-swap", "--firmware", OVMF }, 125,
	  "cannot run SEV-ES + debug-swap: DEBUG_SWAP not in KVM_X86_SEV_VMSA_FEATURES" },
	{ { "HOSTSIM_INIT2=0" }, { "--sev-snp", "--bios", OVMF }, 125, "cannot run SNP:" },
};

START_TEST(sev_run_refusals)
{
	const struct refusal *r = &refusals[_i];
	const char *args[16] = { "run" };
	static struct hs_proc p;
	int i;

	for (i = 0; r->args[i]; i++)
		args[i + 1] = r->args[i];
	hs_spawn(&p, LKVM_BIN "-dyn", r->env, args);
	ck_assert_msg(p.status == r->status, "case %d: status %d\n%s", _i, p.status, p.err);
	ck_assert_msg(strstr(p.err, r->says), "no '%s' in\n%s", r->says, p.err);
	hs_done(&p);
}
END_TEST

/* This machine's /dev/kvm: the line caps gives for the mode, with status 125. */
START_TEST(sev_run_real_kvm)
{
	static const char *const modes[] = { "--sev", "--sev-es", "--sev-snp" };
	static const enum caps_mode cm[] = { CAPS_SEV, CAPS_SEV_ES, CAPS_SNP };
	static struct host_caps c;
	static struct vmm_proc p;
	struct caps_verdict v;
	char line[1200];

	host_caps_probe(&c, NULL);
	caps_verdict(&c, cm[_i], &v);
	if (v.kind != CAPS_CANNOT_RUN)
		return;		/* an SEV host: nothing to refuse */
	/* Not hs_spawn(): no simulated host preloaded, whatever the build links. */
	vmm_run(&p, (const char *[]){ "run", modes[_i], "--bios", OVMF, NULL }, 30);
	snprintf(line, sizeof(line), "lkvm-sev: cannot run %s: %s\n", caps_mode_name(cm[_i]),
		 v.text);
	ck_assert_int_eq(p.status, 125);
	ck_assert_msg(strstr(p.err, line), "no line\n%sin\n%s", line, p.err);
}
END_TEST

Suite *sev_run_suite(void)
{
	Suite *s = suite_create("sev-run");
	TCase *tc = tcase_create("simulated host");

	tcase_set_timeout(tc, 120);
	tcase_add_loop_test(tc, sev_run_digests, 0, sizeof(cases) / sizeof(cases[0]));
	tcase_add_loop_test(tc, sev_run_exits, 0, sizeof(exit_cases) / sizeof(exit_cases[0]));
	tcase_add_test(tc, sev_run_mprotect_window);
	tcase_add_loop_test(tc, sev_run_refusals, 0, sizeof(refusals) / sizeof(refusals[0]));
	suite_add_tcase(s, tc);
	tc = tcase_create("this host");
	tcase_set_timeout(tc, 60);
	tcase_add_loop_test(tc, sev_run_real_kvm, 0, 3);
	suite_add_tcase(s, tc);
	return s;
}
