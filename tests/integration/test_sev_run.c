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
#include <unistd.h>

#include "probe/caps.h"
#include "tests/hostsim/test_hostsim.h"
#include "tests/json_check.h"
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
	/* --bios in every mode: the image as plain (SNP: private) memory. */
	{ {}, { "--sev-es", "--cpu", "EPYC-v4", "--bios", OVMF }, { "--sev-es" }, V_SEVES_V4 },
	{ {}, { "--sev-snp", "--cpu", "EPYC-v4", "--bios", OVMF }, { "--sev-snp" }, V_SNP_V4 },
	{ {}, { "--sev-es", "--debug-swap", "-c", "2" }, { "--sev-es", "--debug-swap", "-c", "2" } },
	{ { "HOSTSIM_READONLY_MEM=all" }, { "--sev-es", "-c", "4" }, { "--sev-es", "-c", "4" } },
	{ { "HOSTSIM_INIT2=0" }, { "--sev-es", "-c", "2" },
	  { "--sev-es", "-c", "2", "--legacy-vm-type" } },
	{ {}, { "--sev-es", "--legacy-vm-type" }, { "--sev-es", "--legacy-vm-type" } },
	{ {}, { "--sev-snp", "--cpu", "EPYC-v4", "--direct-vmsa", "on" },
	  { "--sev-snp", "--direct-vmsa", "on" }, V_SNP_V4 },
	{ {}, { "--sev-snp", "--cpu", "EPYC-v4", "-c", "2", "--direct-vmsa", "auto" },
	  { "--sev-snp", "--direct-vmsa", "on" }, V_SNP_V4 },
	{ {}, { "--sev-snp", "--cpu", "EPYC-v4", "-c", "4", "--direct-vmsa", "on" },
	  { "--sev-snp", "--direct-vmsa", "on" }, V_SNP_V4 },
	/* The defaults: the same options give run's digest and measure's (README). */
	{ {}, { "--sev-snp", "-c", "2" }, { "--sev-snp", "-c", "2" } },
	{ {}, { "--sev-snp", "--cpu", "EPYC-v4", "--direct-vmsa", "off" },
	  { "--sev-snp", "--direct-vmsa", "off" }, V_SNP_V4 },
	{ {}, { "--sev-snp", "-c", "4", "--direct-vmsa", "off" },
	  { "--sev-snp", "-c", "4", "--direct-vmsa", "off" } },
	{ { "HOSTSIM_DIRECT_VMSA=0" }, { "--sev-snp", "-c", "2" },
	  { "--sev-snp", "-c", "2", "--direct-vmsa", "off" } },
	{ {}, { "--sev-snp", "--debug-swap", "-c", "2", "--direct-vmsa", "on" },
	  { "--sev-snp", "--debug-swap", "--direct-vmsa", "on" } },
	/* The direct VMSA in low RAM (reserved in the e820, not populated as RAM). */
	{ {}, { "-m", "256M", "--sev-snp", "-c", "2", "--direct-vmsa", "on", "--direct-vmsa-gpa",
		"0x7ff000" },
	  { "--sev-snp", "--direct-vmsa", "on", "--direct-vmsa-gpa", "0x7ff000" } },
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

/*
 * The launched VM (the last summary) and whether any of its calls was
 * refused; a line containing @allow (if not NULL) is an expected refusal.
 */
static void check_log_allow(const char *path, const char *allow, char *digest, size_t size)
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
		if (allow && strstr(line, allow))
			continue;
		ck_assert_msg(strstr(line, "\"EINTR\""), "rejected call: %s", line);
	}
	free(log);
}

static void check_log(const char *path, char *digest, size_t size)
{
	check_log_allow(path, NULL, digest, size);
}

static void measure_fw(const char *fw, const char *const *extra, char *digest, size_t size)
{
	const char *args[24] = { "measure", "--firmware", fw, "--cpu-sig", "0xa00f11" };
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

static void measure(const char *const *extra, char *digest, size_t size)
{
	measure_fw(OVMF, extra, digest, size);
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

/* --report of a launched guest: the digest and measurement it printed, the launch's time. */
struct report_case {
	const char *mode;
	const char *policy;
	bool measured;		/* SEV and SEV-ES: LAUNCH_MEASURE */
};

static const struct report_case report_cases[] = {
	{ "--sev", "0x1", true }, { "--sev-es", "0x5", true }, { "--sev-snp", "0x30000", false },
};

static void report_get(const char *doc, const char *key, char *out, size_t size)
{
	ck_assert_msg(json_get(doc, key, out, size), "report: no %s", key);
}

START_TEST(sev_run_report)
{
	const struct report_case *c = &report_cases[_i];
	char path[128], cmd[512], got[1024], printed[1024];
	double mapped, launched, end;
	static struct hs_proc p;
	char *doc;

	snprintf(path, sizeof(path), "/tmp/lkvm-sev-report-%d-%d.json", (int)getpid(), _i);
	hs_spawn(&p, LKVM_BIN "-dyn", NULL, (const char *[]){ "run", c->mode, "--bios", OVMF,
							       "--report", path, NULL });
	ck_assert_msg(p.status == 0, "%s: status %d\n%s", c->mode, p.status, p.err);
	snprintf(cmd, sizeof(cmd), "python3 %s/tests/report_check.py "
		 "%s/doc/report.schema.json %s", SRC_DIR, SRC_DIR, path);
	ck_assert_msg(system(cmd) == 0, "%s: report not valid", c->mode);
	doc = read_log(path);
	unlink(path);
	ck_assert(hex_after(p.err, "expected): ", printed, sizeof(printed)));
	report_get(doc, "sev.expected_digest", got, sizeof(got));
	ck_assert_str_eq(got, printed);
	report_get(doc, "sev.measurement", got, sizeof(got));
	if (c->measured) {
		ck_assert(hex_after(p.err, "LAUNCH_MEASURE: ", printed, sizeof(printed)));
		ck_assert_str_eq(got, printed);
	} else {
		ck_assert_str_eq(got, "null");
	}
	report_get(doc, "vm.features.policy", got, sizeof(got));
	ck_assert_str_eq(got, c->policy);
	report_get(doc, "timeline_ms.firmware_mapped", got, sizeof(got));
	mapped = strtod(got, NULL);
	report_get(doc, "timeline_ms.launch_finished", got, sizeof(got));
	launched = strtod(got, NULL);
	report_get(doc, "timeline_ms.end", got, sizeof(got));
	end = strtod(got, NULL);
	ck_assert(mapped <= launched && launched <= end);
	free(doc);
	hs_done(&p);
}
END_TEST

/* --trace of an SEV launch on the simulated host: the launch commands by name. */
START_TEST(sev_run_trace)
{
	static struct hs_proc p;
	char path[128];
	char *trace;

	snprintf(path, sizeof(path), "/tmp/lkvm-sev-trace-%d.txt", (int)getpid());
	hs_spawn(&p, LKVM_BIN "-dyn", NULL, (const char *[]){ "run", "--sev", "--bios", OVMF,
							       "--trace", path, NULL });
	ck_assert_msg(p.status == 0, "status %d\n%s", p.status, p.err);
	trace = read_log(path);
	unlink(path);
	ck_assert_ptr_nonnull(strstr(trace, " ioctl KVM_CREATE_VM(fd "));
	ck_assert_ptr_nonnull(strstr(trace, " ioctl KVM_MEMORY_ENCRYPT_OP(fd "));
	ck_assert_ptr_nonnull(strstr(trace, ", cmd KVM_SEV_LAUNCH_START) = 0\n"));
	ck_assert_ptr_nonnull(strstr(trace, ", cmd KVM_SEV_LAUNCH_UPDATE_DATA) = 0\n"));
	ck_assert_ptr_nonnull(strstr(trace, ", cmd KVM_SEV_LAUNCH_FINISH) = 0\n"));
	ck_assert_ptr_nonnull(strstr(trace, " ioctl KVM_RUN(fd "));
	ck_assert_ptr_nonnull(strstr(trace, " exit vcpu 0 "));
	free(trace);
	hs_done(&p);
}
END_TEST

/*
 * --trace names what it decodes as the kernel does (SEV-KVM-API.md §1,
 * §2.2, §3.1): ioctls, capabilities, VM types, SEV and /dev/sev commands;
 * never kvm/uapi.h's LK_ spelling, and every capability and command lkvm-sev
 * uses has its name.
 */
struct trace_case {
	const char *mode;
	const char *names[12];
};

static const struct trace_case trace_cases[] = {
	{ "--sev", { "KVM_CREATE_VM(fd %d, KVM_X86_SEV_VM) = ", "cmd KVM_SEV_INIT2) = 0\n",
		     "cmd KVM_SEV_LAUNCH_START) = 0\n", "cmd KVM_SEV_LAUNCH_UPDATE_DATA) = 0\n",
		     "cmd KVM_SEV_LAUNCH_MEASURE) = ", "cmd KVM_SEV_LAUNCH_FINISH) = 0\n",
		     "ioctl KVM_MEMORY_ENCRYPT_REG_REGION(fd " } },
	{ "--sev-es", { "KVM_CREATE_VM(fd %d, KVM_X86_SEV_ES_VM) = ", "cmd KVM_SEV_INIT2) = 0\n",
			"cmd KVM_SEV_LAUNCH_UPDATE_VMSA) = 0\n",
			"cmd KVM_SEV_LAUNCH_FINISH) = 0\n" } },
	{ "--sev-snp", { "KVM_CREATE_VM(fd %d, KVM_X86_SNP_VM) = ", "cmd KVM_SEV_INIT2) = 0\n",
			 "cmd KVM_SEV_SNP_LAUNCH_START) = 0\n",
			 "cmd KVM_SEV_SNP_LAUNCH_UPDATE) = 0\n",
			 "cmd KVM_SEV_SNP_LAUNCH_FINISH) = 0\n",
			 "ioctl KVM_SET_USER_MEMORY_REGION2(fd ",
			 "ioctl KVM_CREATE_GUEST_MEMFD(fd ", "ioctl KVM_SET_MEMORY_ATTRIBUTES(fd ",
			 "KVM_ENABLE_CAP(fd %d, cap KVM_CAP_EXIT_HYPERCALL args[0] 0x1000) = 0\n",
			 "KVM_CHECK_EXTENSION(fd %d, KVM_CAP_SNP_DIRECT_VMSA) = 1\n" } },
};

/* Every "(fd N, " in @t as "(fd %d, ": fd numbers vary, the names are what is looked for. */
static void trace_without_fds(char *t)
{
	char *at = t, *end;

	while ((at = strstr(at, "(fd "))) {
		at += 4;
		strtoul(at, &end, 10);
		if (end > at) {
			memmove(at + 2, end, strlen(end) + 1);
			memcpy(at, "%d", 2);
		}
	}
}

/* What follows each @call in @trace is a name, not a number. */
static void assert_named(const char *trace, const char *call, const char *mode)
{
	const char *at;

	for (at = trace; (at = strstr(at, call)); at += strlen(call))
		ck_assert_msg(at[strlen(call)] < '0' || at[strlen(call)] > '9', "%s: %.70s", mode,
			      at);
}

START_TEST(sev_run_trace_names)
{
	static const char *const always[] = {
		"KVM_CHECK_EXTENSION(fd %d, KVM_CAP_VM_TYPES) = 31\n",
		"KVM_CHECK_EXTENSION(fd %d, KVM_CAP_USER_MEMORY2) = 1\n",
		"KVM_CHECK_EXTENSION(fd %d, KVM_CAP_READONLY_MEM) = ",
		"KVM_CHECK_EXTENSION(fd %d, KVM_CAP_IRQCHIP) = 1\n",
		"KVM_GET_DEVICE_ATTR(fd %d, group KVM_X86_GRP_SEV attr KVM_X86_SEV_VMSA_FEATURES) "
		"= 0\n",
		"SEV_ISSUE_CMD(fd %d, cmd SEV_PLATFORM_STATUS) = 0\n",
		"SEV_ISSUE_CMD(fd %d, cmd SNP_PLATFORM_STATUS) = 0\n",
		"KVM_CREATE_VM(fd %d, KVM_X86_DEFAULT_VM) = ",
	};
	static const char *const named[] = {
		"KVM_CHECK_EXTENSION(fd %d, ", "KVM_CREATE_VM(fd %d, ",
		"KVM_MEMORY_ENCRYPT_OP(fd %d, cmd ", "SEV_ISSUE_CMD(fd %d, cmd ",
		"KVM_ENABLE_CAP(fd %d, cap ", "KVM_GET_DEVICE_ATTR(fd %d, group ",
	};
	const struct trace_case *c = &trace_cases[_i];
	static struct hs_proc p;
	char path[128];
	char *trace;
	size_t i;

	snprintf(path, sizeof(path), "/tmp/lkvm-sev-trace-%d-%d.txt", (int)getpid(), _i);
	hs_spawn(&p, LKVM_BIN "-dyn", NULL, (const char *[]){ "run", c->mode, "--bios", OVMF,
							       "--trace", path, NULL });
	ck_assert_msg(p.status == 0, "%s: status %d\n%s", c->mode, p.status, p.err);
	trace = read_log(path);
	unlink(path);
	trace_without_fds(trace);
	for (i = 0; i < sizeof(always) / sizeof(always[0]); i++)
		ck_assert_msg(strstr(trace, always[i]), "%s: no '%s' in the trace", c->mode,
			      always[i]);
	for (i = 0; i < sizeof(c->names) / sizeof(c->names[0]) && c->names[i]; i++)
		ck_assert_msg(strstr(trace, c->names[i]), "%s: no '%s' in the trace", c->mode,
			      c->names[i]);
	ck_assert_msg(!strstr(trace, "LK_") && !strstr(trace, "lk_"), "%s: an internal name",
		      c->mode);
	/* Names for all: no capability, VM type or command lkvm-sev uses is left a number. */
	for (i = 0; i < sizeof(named) / sizeof(named[0]); i++)
		assert_named(trace, named[i], c->mode);
	free(trace);
	hs_done(&p);
}
END_TEST

/* The --report of a run under the simulated host, valid for the schema; @run empty: plain. */
static char *report_of(struct hs_proc *p, const char *const *env, const char *const *run)
{
	const char *args[24] = { "run", "--bios", OVMF, "--report" };
	char path[128], cmd[512];
	char *doc;
	int i, n = 5;

	snprintf(path, sizeof(path), "/tmp/lkvm-sev-report-%d.json", (int)getpid());
	args[4] = path;
	for (i = 0; run[i]; i++)
		args[n++] = run[i];
	hs_spawn(p, LKVM_BIN "-dyn", env, args);
	ck_assert_msg(p->status == 0, "%s: status %d\n%s", run[0] ? run[0] : "plain",
		      p->status, p->err);
	snprintf(cmd, sizeof(cmd), "python3 %s/tests/report_check.py "
		 "%s/doc/report.schema.json %s", SRC_DIR, SRC_DIR, path);
	ck_assert_msg(system(cmd) == 0, "%s: report not valid", run[0] ? run[0] : "plain");
	doc = read_log(path);
	unlink(path);
	return doc;
}

/* vm.mode names the launch as `caps --json` names the same mode. */
START_TEST(sev_run_report_mode_as_caps)
{
	static const char *const modes[] = { NULL, "--sev", "--sev-es", "--sev-snp" };
	static struct hs_proc caps, p;
	char key[32], mode[64], want[64];
	char *doc;

	hs_spawn(&caps, LKVM_BIN "-dyn", NULL, (const char *[]){ "caps", "--json", NULL });
	ck_assert_int_eq(caps.status, 0);
	/* caps' rows, in order: plain, SEV, SEV-ES, SEV-ES + debug-swap, SNP, ... */
	snprintf(key, sizeof(key), "modes.%d.mode", _i == 3 ? 4 : _i);
	ck_assert(json_get(caps.out, key, want, sizeof(want)));
	doc = report_of(&p, NULL, (const char *[]){ modes[_i], NULL });
	ck_assert(json_get(doc, "vm.mode", mode, sizeof(mode)));
	ck_assert_str_eq(mode, want);
	free(doc);
	hs_done(&p);
	hs_done(&caps);
}
END_TEST

/*
 * vmsa_features in the report is what the host received in KVM_SEV_INIT2
 * (the simulated host logs it), null where no INIT2 was made, and what
 * `measure --json` says for the same options.
 */
struct features_case {
	const char *env[2];
	const char *run[6];
	const char *measure[8];	/* after measure --firmware OVMF --cpu-sig 0xa00f11 */
};

static const struct features_case features_cases[] = {
	{ {}, { "--sev" }, { "--sev" } },
	{ {}, { "--sev-es", "--debug-swap" }, { "--sev-es", "--debug-swap" } },
	{ {}, { "--sev-snp" }, { "--sev-snp" } },
	{ {}, { "--sev-snp", "--debug-swap", "--direct-vmsa", "on" },
	  { "--sev-snp", "--debug-swap", "--direct-vmsa", "on" } },
	{ {}, { "--sev-es", "--legacy-vm-type" }, { "--sev-es", "--legacy-vm-type" } },
	{ { "HOSTSIM_INIT2=0" }, { "--sev-es" }, { "--sev-es", "--legacy-vm-type" } },
};

/* KVM_SEV_INIT2's vmsa_features in the simulated host's log, "0x.." or "null". */
static void logged_init2_features(const char *log_path, char *out, size_t size)
{
	char *log = read_log(log_path), *at = strstr(log, "\"cmd\":\"KVM_SEV_INIT2\"");
	unsigned long long v;

	snprintf(out, size, "null");
	if (at) {
		at = strstr(at, "\"vmsa_features\":\"");
		ck_assert_ptr_nonnull(at);
		v = strtoull(at + strlen("\"vmsa_features\":\""), NULL, 16);
		snprintf(out, size, "0x%llx", v);
	}
	free(log);
}

START_TEST(sev_run_report_vmsa_features)
{
	const struct features_case *c = &features_cases[_i];
	const char *margs[16] = { "measure", "--firmware", OVMF, "--cpu-sig", "0xa00f11" };
	static struct hs_proc p, m;
	char got[64], logged[64], measured[64];
	int i, n = 5;
	char *doc;

	doc = report_of(&p, c->env, c->run);
	ck_assert(json_get(doc, "vm.features.vmsa_features", got, sizeof(got)));
	logged_init2_features(p.log, logged, sizeof(logged));
	ck_assert_msg(!strcmp(got, logged), "case %d: the report says %s, KVM_SEV_INIT2 got %s",
		      _i, got, logged);
	for (i = 0; c->measure[i]; i++)
		margs[n++] = c->measure[i];
	margs[n++] = "--json";
	hs_spawn(&m, LKVM_BIN, NULL, margs);
	ck_assert_msg(m.status == 0, "measure: %s", m.err);
	ck_assert(json_get(m.out, "options.vmsa_features", measured, sizeof(measured)));
	ck_assert_msg(!strcmp(got, measured), "case %d: the report says %s, measure %s", _i,
		      got, measured);
	free(doc);
	hs_done(&m);
	hs_done(&p);
}
END_TEST

/* One rule for integers in all four JSON outputs (lkvm-sev(1), JSON OUTPUT). */
START_TEST(sev_run_json_rule)
{
	static struct hs_proc p;
	char why[512];
	char *doc;

	hs_spawn(&p, LKVM_BIN "-dyn", NULL, (const char *[]){ "caps", "--json", NULL });
	ck_assert_int_eq(p.status, 0);
	ck_assert_msg(json_number_rule(p.out, why, sizeof(why)), "caps --json: %s", why);
	ck_assert_int_eq(json_kind_at(p.out, "dev_sev.snp_platform_status.tcb_version"),
			 JSON_STRING);
	hs_done(&p);
	hs_spawn(&p, LKVM_BIN, NULL, (const char *[]){ "inspect", "--json", OVMF, NULL });
	ck_assert_int_eq(p.status, 0);
	ck_assert_msg(json_number_rule(p.out, why, sizeof(why)), "inspect --json: %s", why);
	ck_assert_int_eq(json_kind_at(p.out, "snp_metadata.sections.0.gpa"), JSON_NUMBER);
	hs_done(&p);
	hs_spawn(&p, LKVM_BIN, NULL, (const char *[]){ "measure", "--sev-snp", "--firmware", OVMF,
							"--cpu", "EPYC-v4", "--direct-vmsa", "on",
							"--json", NULL });
	ck_assert_int_eq(p.status, 0);
	ck_assert_msg(json_number_rule(p.out, why, sizeof(why)), "measure --json: %s", why);
	ck_assert_int_eq(json_kind_at(p.out, "steps.0.gpa"), JSON_NUMBER);
	ck_assert_int_eq(json_kind_at(p.out, "options.direct_vmsa_gpa"), JSON_NUMBER);
	ck_assert_int_eq(json_kind_at(p.out, "options.cpu_sig"), JSON_STRING);
	hs_done(&p);
	doc = report_of(&p, NULL, (const char *[]){ "--sev-snp", "--rng", NULL });
	ck_assert_msg(json_number_rule(doc, why, sizeof(why)), "run --report: %s", why);
	ck_assert_int_eq(json_kind_at(doc, "vm.features.policy"), JSON_STRING);
	ck_assert_int_eq(json_kind_at(doc, "devices.0.vendor"), JSON_STRING);
	ck_assert_int_eq(json_kind_at(doc, "vm.mem_bytes"), JSON_NUMBER);
	free(doc);
	hs_done(&p);
}
END_TEST

struct exit_case {
	const char *mode;
	const char *script;
	int status;
	const char *says;	/* in stderr */
	const char *env;	/* another setting of the simulated host, or NULL */
	const char *never;	/* not in stderr */
};

static const struct exit_case exit_cases[] = {
	{ "--sev-snp", "psc:shared:0x100000:16;psc:private:0x100000:16;psc:shared:0x200000:512:2m;"
	  "acpi-off", 0, NULL },
	{ "--sev-snp", "fault:shared:0x200000:0x1000;fault:private:0x200000:0x1000;acpi-off", 0,
	  NULL },
	{ "--sev-snp", "fault:shared:0xfffff000:0x1000", 126, "faulted on GPA 0xfffff000" },
	{ "--sev-snp", "psc:shared:0xfec00000:1", 126, "SEV termination request" },
	/*
	 * Pages the guest may not share: the launch's secrets and CPUID pages
	 * (Debian's OVMF: 0x80d000, 0x80e000), the firmware, the direct VMSA;
	 * and a page count whose size wraps past 2^64 (2^52 + 1 pages would be
	 * one page) is refused, not wrapped. Each refusal makes the guest give
	 * up. Private again is no change for the secrets page, and allowed.
	 */
	{ "--sev-snp", "psc:shared:0x80d000:1", 126, "SEV termination request" },
	{ "--sev-snp", "psc:shared:0x80c000:3", 126, "SEV termination request" },
	{ "--sev-snp", "psc:private:0x80d000:2;acpi-off", 0, NULL },
	{ "--sev-snp", "psc:shared:0xffe00000:1", 126, "SEV termination request" },
	{ "--sev-snp", "psc:shared:0xfffffffff000:1", 126, "SEV termination request" },
	{ "--sev-snp", "psc:shared:0x100000:0x10000000000001", 126, "SEV termination request" },
	{ "--sev-snp", "sev-term:1:2", 126, "reason set 1, code 2" },
	/*
	 * Devices touch only what an SNP guest shared: a fw_cfg DMA descriptor
	 * at 0x10000 (the low half of its address, big-endian, at 0x518) is
	 * refused while private and read once the page is shared.
	 */
	{ "--sev-snp", "out:0x518:4:0x100;acpi-off", 0,
	  "lkvm-sev: warning: fw_cfg: guest DMA at 0x10000+0x10 is private to the guest "
	  "(warned once)\n" },
	{ "--sev-snp", "psc:shared:0x10000:1;out:0x518:4:0x100;acpi-off", 0, NULL, NULL,
	  "fw_cfg" },
	{ "--sev-es", "sev-term:0:3", 126, "reason set 0, code 3" },
	/* seed 000: SEV-ES firmware under mprotect; a guest write stops the VM. */
	{ "--sev-es", "write:0xfffff000:0x90", 126,
	  "wrote to protected firmware at GPA 0xfffff000 (mprotect mode)" },
	/*
	 * A kernel that gives no KVM_EXIT_MEMORY_FAULT for it (6.1, 6.12): an
	 * SEV-ES guest cannot be single-stepped to find the address.
	 */
	{ "--sev-es", "write:0xfffff000:0x90", 126,
	  "lkvm-sev: guest crashed: KVM_RUN on vCPU 0 failed with EFAULT and no fault address "
	  "(a guest write to protected firmware?)\n", "HOSTSIM_RO_WRITE=efault-bare" },
};

START_TEST(sev_run_exits)
{
	const struct exit_case *c = &exit_cases[_i];
	char script[512], digest[128];
	const char *env[] = { script, c->env, NULL };
	static struct hs_proc p;

	snprintf(script, sizeof(script), "HOSTSIM_SCRIPT=%s", c->script);
	hs_spawn(&p, LKVM_BIN "-dyn", env,
		 (const char *[]){ "run", c->mode, "--firmware", OVMF, NULL });
	ck_assert_msg(p.status == c->status, "%s: status %d\n%s", c->script, p.status, p.err);
	if (c->says)
		ck_assert_msg(strstr(p.err, c->says), "%s: no '%s' in\n%s", c->script, c->says,
			      p.err);
	if (c->never)
		ck_assert_msg(!strstr(p.err, c->never), "%s: '%s' in\n%s", c->script, c->never,
			      p.err);
	if (!c->status)
		check_log(p.log, digest, sizeof(digest));
	hs_done(&p);
}
END_TEST

/*
 * A virtio device in an SNP guest touches only pages the guest shared. The
 * script plays a driver: BAR4 of the virtio-rng at 00:02.0 to 0xe0000000,
 * VERSION_1 | ACCESS_PLATFORM, queue 0 (8 entries) with its rings at
 * 0x10000, 0x10100 and 0x10200, DRIVER_OK (after which the device looks at
 * the queue). Private rings: refused, NEEDS_RESET and one warning. Shared
 * (the guest's stores convert the pages), a request for 16 bytes at
 * 0x11000 is served: --trace's note counts it.
 */
#define VIRTIO_SNP_SETUP(q) \
	"out:0xcf8:4:0x80001020;out:0xcfc:4:0xe0000000;out:0xcf8:4:0x80001024;" \
	"out:0xcfc:4:0;out:0xcf8:4:0x80001004;out:0xcfc:2:6;" \
	"mmio-write:0xe0000014:1:1;mmio-write:0xe0000014:1:3;mmio-write:0xe0000008:4:1;" \
	"mmio-write:0xe000000c:4:3;mmio-write:0xe0000014:1:11;mmio-write:0xe0000016:2:" #q ";" \
	"mmio-write:0xe0000018:2:8;mmio-write:0xe0000020:4:0x10000;" \
	"mmio-write:0xe0000028:4:0x10100;mmio-write:0xe0000030:4:0x10200;" \
	"mmio-write:0xe000001c:2:1;"
/* rng: descriptor 0, 16 device-writable bytes at 0x11000; avail idx 1; queue 0's doorbell. */
#define RNG_SNP_REQUEST \
	"write:0x10000:0x00:shared;write:0x10001:0x10:shared;write:0x10002:0x01:shared;" \
	"write:0x10008:0x10:shared;write:0x1000c:0x02:shared;write:0x10200:0:shared;" \
	"write:0x11000:0:shared;write:0x10102:1:shared;mmio-write:0xe0003000:2:0;"
/* vsock: descriptor 0, a 44-byte REQUEST from CID 3 port 40000 to the host's port 5000. */
#define VSOCK_SNP_REQUEST \
	"write:0x10001:0x10:shared;write:0x10002:0x01:shared;write:0x10008:44:shared;" \
	"write:0x11000:3:shared;write:0x11008:2:shared;write:0x11010:0x40:shared;" \
	"write:0x11011:0x9c:shared;write:0x11014:0x88:shared;write:0x11015:0x13:shared;" \
	"write:0x1101c:1:shared;write:0x1101e:1:shared;write:0x10102:1:shared;" \
	"mmio-write:0xe0003004:2:1;"
/* net: descriptor 0, a 60-byte frame behind its 12-byte header. */
#define NET_SNP_FRAME \
	"write:0x10001:0x10:shared;write:0x10002:0x01:shared;write:0x10008:72:shared;" \
	"write:0x1100c:0xff:shared;write:0x11018:0x08:shared;write:0x10102:1:shared;" \
	"mmio-write:0xe0003004:2:1;"

/*
 * An SNP guest's driver sets up queue @q of the virtio device @name (at
 * 00:02.0, made by @opt and @arg) with its rings in private memory: the
 * device refuses them, NEEDS_RESET and the one warning, which the driver
 * waits for. Then, with @setup's rings shared, @request (a buffer made
 * available, the doorbell) is served: the trace says so, and nothing is
 * warned. The same transport registers serve every device.
 */
static void snp_private_then_shared(const char *setup, const char *request, const char *name,
				    unsigned int q, const char *opt, const char *arg)
{
	char trace[] = "/tmp/lkvm-test-snpvirtio-XXXXXX", script[2048], want[256];
	const char *env[2] = { script, NULL };
	static struct hs_proc p;
	size_t size;
	char *t;
	int fd = mkstemp(trace);

	ck_assert_int_ge(fd, 0);
	close(fd);
	snprintf(script, sizeof(script), "HOSTSIM_SCRIPT=%smmio-write:0xe0000014:1:15;"
		 "mmio-poll:0xe0000014:1:0x40;acpi-off", setup);
	hs_spawn(&p, LKVM_BIN "-dyn", env, (const char *[]){ "run", "--sev-snp", "--firmware",
							      OVMF, opt, arg, NULL });
	ck_assert_msg(p.status == 0, "status %d\n%s", p.status, p.err);
	snprintf(want, sizeof(want), "lkvm-sev: warning: %s (00:02.0): queue %u: available "
		 "ring 0x10100+0x16 is private to the guest; the device needs a reset\n", name, q);
	ck_assert_msg(strstr(p.err, want), "%s", p.err);
	hs_done(&p);
	/* The driver waits for the served request's ISR bit. */
	snprintf(script, sizeof(script), "HOSTSIM_SCRIPT=%spsc:shared:0x10000:2;"
		 "mmio-write:0xe0000014:1:15;%smmio-poll:0xe0001000:1:1;acpi-off", setup, request);
	/* --trace first: the device's option may have no argument (a NULL @arg ends the list). */
	hs_spawn(&p, LKVM_BIN "-dyn", env, (const char *[]){ "run", "--sev-snp", "--firmware",
							      OVMF, "--trace", trace, opt, arg,
							      NULL });
	t = test_read_file(trace, &size);
	unlink(trace);
	ck_assert_msg(p.status == 0, "status %d\n%s", p.status, p.err);
	ck_assert_msg(!strstr(p.err, name), "%s", p.err);
	snprintf(want, sizeof(want), " note %s 00:02.0 queue %u: doorbell, 1 completed\n", name,
		 q);
	ck_assert_msg(strstr(t, want), "no completed request in the trace");
	free(t);
	hs_done(&p);
}

START_TEST(sev_run_snp_virtio_private)
{
	snp_private_then_shared(VIRTIO_SNP_SETUP(0), RNG_SNP_REQUEST, "virtio-rng", 0, "--rng",
				NULL);
}
END_TEST

/* --vsock's transmit queue: once shared, a REQUEST to a port nobody listens on is taken. */
START_TEST(sev_run_snp_vsock_private)
{
	char dir[] = "/tmp/lkvm-snpvsock-XXXXXX", opt[96];

	ck_assert_ptr_nonnull(mkdtemp(dir));
	snprintf(opt, sizeof(opt), "cid=3,socket=%s/v.sock", dir);
	snp_private_then_shared(VIRTIO_SNP_SETUP(1), VSOCK_SNP_REQUEST, "virtio-vsock", 1,
				"--vsock", opt);
	ck_assert_int_eq(rmdir(dir), 0);	/* the socket went with lkvm-sev */
}
END_TEST

/* -n's transmit queue, on a tap lkvm-sev makes: once shared, the frame goes out. */
START_TEST(sev_run_snp_net_private)
{
	if (access("/dev/net/tun", R_OK | W_OK)) {
		tests_skip("sev-run snp_net_private", "no /dev/net/tun to make a tap with");
		return;
	}
	snp_private_then_shared(VIRTIO_SNP_SETUP(1), NET_SNP_FRAME, "virtio-net", 1, "-n",
				"mode=tap,tapif=lkvmsnp0");
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

/*
 * SNP_LAUNCH_UPDATE's loop (§2.3): the host populates 7 pages a call and
 * says EAGAIN to every third; each gfn is taken once (else EIO), so the
 * digest is the vector's only if run follows the written-back progress.
 */
START_TEST(sev_run_snp_update_retry)
{
	const char *env[] = { "HOSTSIM_SNP_UPDATE_PAGES=7", "HOSTSIM_SNP_UPDATE_EAGAIN=3", NULL };
	static struct hs_proc p;
	char digest[128], *log;

	hs_spawn(&p, LKVM_BIN "-dyn", env,
		 (const char *[]){ "run", "--sev-snp", "--cpu", "EPYC-v4", "--firmware", OVMF,
				   NULL });
	ck_assert_msg(p.status == 0, "%s", p.err);
	check_log_allow(p.log, "\"errno\":\"EAGAIN\"", digest, sizeof(digest));
	ck_assert_str_eq(digest, V_SNP_V4);
	log = read_log(p.log);
	ck_assert_msg(strstr(log, "\"errno\":\"EAGAIN\""), "the host never said EAGAIN");
	free(log);
	hs_done(&p);
}
END_TEST

/*
 * A direct VMSA with APs: run warns and caps notes why stock OVMF's APs
 * will not start on KVM (no VMSAs for them, no GHCB APIC-ID list).
 */
START_TEST(sev_run_direct_vmsa_aps)
{
	static const char why[] = "KVM creates no VMSAs for the APs; a guest must create them "
		"(GHCB AP creation), and stock OVMF does that only where the hypervisor offers "
		"the GHCB APIC-ID list, which KVM does not";
	static struct hs_proc p;

	hs_spawn(&p, LKVM_BIN "-dyn", NULL, (const char *[]){ "run", "--sev-snp", "-c", "2",
							"--direct-vmsa", "on", "--firmware",
							OVMF, NULL });
	ck_assert_msg(p.status == 0, "status %d\n%s", p.status, p.err);
	ck_assert_msg(strstr(p.err, "lkvm-sev: warning: direct VMSA with -c 2: with a direct "
			     "VMSA") && strstr(p.err, why), "%s", p.err);
	hs_done(&p);
	hs_spawn(&p, LKVM_BIN "-dyn", NULL, (const char *[]){ "run", "--sev-snp", "-c", "2",
							"--firmware", OVMF, NULL });
	ck_assert_msg(p.status == 0 && !strstr(p.err, why), "default run: %d\n%s", p.status,
		      p.err);
	hs_done(&p);
	hs_spawn(&p, LKVM_BIN "-dyn", NULL, (const char *[]){ "caps", NULL });
	ck_assert_msg(p.status == 0 && strstr(p.out, "\nnote: with a direct VMSA") &&
		      strstr(p.out, why), "caps: %d\n%s", p.status, p.out);
	hs_done(&p);
}
END_TEST

/*
 * A host that offers the direct-VMSA capability but refuses page type 2
 * with EINVAL: auto mode goes on with the classic launch (seed 001), whose
 * digest is measure's with --direct-vmsa off; the refusal is the only
 * rejected call. --direct-vmsa on there is in refusals.
 */
START_TEST(sev_run_direct_vmsa_refused)
{
	const char *env[] = { "HOSTSIM_DIRECT_VMSA=refuse", NULL };
	static struct hs_proc p;
	char printed[128], logged[128], measured[128], *log, *sum;

	hs_spawn(&p, LKVM_BIN "-dyn", env,
		 (const char *[]){ "run", "--sev-snp", "-c", "2", "--direct-vmsa", "auto",
				   "--firmware", OVMF, NULL });
	ck_assert_msg(p.status == 0, "status %d\n%s", p.status, p.err);
	ck_assert_msg(strstr(p.err, "lkvm-sev: warning: direct VMSA refused "
			     "(KVM_SEV_SNP_LAUNCH_UPDATE failed: EINVAL (Invalid argument)): the "
			     "VMSAs of all 2 vCPUs are KVM's, measured by SNP_LAUNCH_FINISH "
			     "(classic launch)\n"), "%s", p.err);
	ck_assert(!strstr(p.err, "is the direct VMSA page"));
	ck_assert_msg(hex_after(p.err, "expected): ", printed, sizeof(printed)), "%s", p.err);
	check_log_allow(p.log, "\"why\":\"HOSTSIM_DIRECT_VMSA=refuse", logged, sizeof(logged));
	ck_assert_str_eq(printed, logged);
	measure((const char *[]){ "--sev-snp", "-c", "2", "--direct-vmsa", "off", NULL },
		measured, sizeof(measured));
	ck_assert_str_eq(logged, measured);
	log = read_log(p.log);
	ck_assert_msg(strstr(log, "\"type\":2},\"ret\":-1,\"errno\":\"EINVAL\""),
		      "the host never refused the VMSA page");
	sum = strstr(log, "\"event\":\"summary\"");
	ck_assert_msg(sum && !strstr(sum, "direct_vmsa_gpa"), "a direct VMSA in the summary");
	free(log);
	hs_done(&p);
}
END_TEST

struct ro_case {
	const char *env;
	const char *mode;
	const char *says;	/* in stderr; NULL: no warning */
	const char *allow;	/* the expected refusal in the log */
	const char *ro_mode;	/* the launched VM's summary */
};

#define RO_NONE_WARNING "lkvm-sev: warning: KVM does not offer read-only memory for this VM " \
	"(KVM_CAP_READONLY_MEM is 0 on the VM fd): protecting firmware with mprotect(PROT_READ) " \
	"instead; a guest write to it stops the VM\n"

static const struct ro_case ro_cases[] = {
	{ "HOSTSIM_READONLY_MEM=none", "--sev", RO_NONE_WARNING, NULL, "mprotect" },
	{ "HOSTSIM_READONLY_MEM=none", "--sev-es", RO_NONE_WARNING, NULL, "mprotect" },
	{ "HOSTSIM_READONLY_MEM=mismatch", "--sev", NULL, NULL, "memslot" },
	{ "HOSTSIM_READONLY_MEM=mismatch", "--sev-es", "lkvm-sev: warning: KVM_CAP_READONLY_MEM is "
	  "1 on the VM fd but KVM refused the read-only slot for firmware with EINVAL: protecting "
	  "it with mprotect(PROT_READ) instead; a guest write to it stops the VM\n",
	  "\"flags\":\"0x2\",\"gpa\":\"0xffe00000\"", "mprotect" },
};

/*
 * Read-only memory variations (hostsim README, seed 000): a host with none
 * at all, and one whose VM fd says yes while refusing KVM_MEM_READONLY for
 * SEV-ES (auto mode falls back to mprotect). The digest does not depend on it.
 */
START_TEST(sev_run_readonly_hosts)
{
	const struct ro_case *c = &ro_cases[_i];
	const char *env[] = { c->env, NULL };
	char logged[128], measured[128], want[64], *log, *sum, *next;
	static struct hs_proc p;

	hs_spawn(&p, LKVM_BIN "-dyn", env, (const char *[]){ "run", c->mode, "--firmware", OVMF,
							      NULL });
	ck_assert_msg(p.status == 0, "%s %s: status %d\n%s", c->env, c->mode, p.status, p.err);
	if (c->says)
		ck_assert_msg(strstr(p.err, c->says), "no '%s' in\n%s", c->says, p.err);
	else
		ck_assert_msg(!strstr(p.err, "mprotect"), "%s", p.err);
	check_log_allow(p.log, c->allow, logged, sizeof(logged));
	measure((const char *[]){ c->mode, NULL }, measured, sizeof(measured));
	ck_assert_str_eq(logged, measured);
	log = read_log(p.log);
	if (c->allow)
		ck_assert_msg(strstr(log, c->allow), "no refused read-only slot in the log");
	sum = strstr(log, "\"event\":\"summary\"");
	while (sum && (next = strstr(sum + 1, "\"event\":\"summary\"")))
		sum = next;
	snprintf(want, sizeof(want), "\"ro_mode\":\"%s\"", c->ro_mode);
	ck_assert_msg(sum && strstr(sum, want), "no %s in the last summary", want);
	free(log);
	hs_done(&p);
}
END_TEST

/* The smallest file run takes as a bzImage (boot protocol 2.15, one setup sector). */
static void write_bzimage(const char *path)
{
	uint8_t bz[8192] = { 0 };
	FILE *f = fopen(path, "wb");

	bz[0x1f1] = 1;
	bz[0x1fe] = 0x55, bz[0x1ff] = 0xaa;
	memcpy(bz + 0x202, "HdrS", 4);
	bz[0x206] = 0x0f, bz[0x207] = 0x02;
	memcpy(bz + 4096, "kernel", 6);
	ck_assert(f && fwrite(bz, sizeof(bz), 1, f) == 1);
	fclose(f);
}

/*
 * -k/-i/-p with a firmware that has the kernel-hash table: the last 4 KiB
 * of an AmdSev OVMF (its metadata sections lie in RAM at 0x800000..). run
 * serves the kernel through fw_cfg split at its setup header, so it takes
 * a bzImage only, where measure hashes any file: the public vectors' empty
 * kernel is measure's (test_measure.c); here run's digest equals measure's
 * for the same files.
 */
#define HASHLESS	"lkvm-sev: " OVMF " has no SEV kernel-hash table (its GUID table lacks " \
			"7255371f-3a3b-4b04-927b-1da6efa8d454): it cannot verify -k/-i/-p\n"

static const char *const hash_modes[][6] = {
	{ "--sev" }, { "--sev-es", "-c", "2" }, { "--sev-snp", "-c", "2" },
};

START_TEST(sev_run_kernel_hashes)
{
	const char *const *mode = hash_modes[_i];
	char dir[256], bz[300], initrd[300], fw[4096], logged[128], measured[128];
	const char *args[24] = { "run", "--firmware", fw, "-m", "256M", "-k", bz, "-i", initrd,
				 "-p", "console=ttyS0 loglevel=7" };
	const char *margs[16];
	static struct hs_proc p;
	FILE *f;
	int i, n = 11, m = 0;

	snprintf(fw, sizeof(fw), "%s", hs_shared("vectors/ovmf_AmdSev_suffix.bin"));
	test_dir_create(dir, sizeof(dir));
	snprintf(bz, sizeof(bz), "%s/bzImage", dir);
	snprintf(initrd, sizeof(initrd), "%s/initrd", dir);
	write_bzimage(bz);
	f = fopen(initrd, "w");
	ck_assert(f && fputs("initrd\n", f) >= 0);
	fclose(f);
	for (i = 0; mode[i]; i++)
		args[n++] = margs[m++] = mode[i];
	for (i = 5; i < 11; i++)
		margs[m++] = args[i];
	margs[m] = NULL;
	hs_spawn(&p, LKVM_BIN "-dyn", NULL, args);
	ck_assert_msg(p.status == 0, "%s: status %d\n%s", mode[0], p.status, p.err);
	check_log(p.log, logged, sizeof(logged));
	measure_fw(fw, margs, measured, sizeof(measured));
	ck_assert_str_eq(logged, measured);
	hs_done(&p);
	/* Without -k the public vector applies (EPYC-v4, SNP_ACTIVE, 1 vCPU). */
	if (!strcmp(mode[0], "--sev-snp")) {
		hs_spawn(&p, LKVM_BIN "-dyn", NULL, (const char *[]){ "run", "--sev-snp", "--cpu",
				"EPYC-v4", "--firmware", fw, "-m", "256M", NULL });
		ck_assert_msg(p.status == 0, "%s", p.err);
		check_log(p.log, logged, sizeof(logged));
		ck_assert_str_eq(logged, "19358ba9a7615534a9a1e2f0dfc29384dcd4dcb7062ff9c6013b26"
				 "869a5fc6ecabe033c48dd6f6db5d6d76e7c5df632d");
		hs_done(&p);
	}
	/* A firmware without the table: status 2 and measure's line, word for word. */
	args[2] = OVMF;
	hs_spawn(&p, LKVM_BIN "-dyn", NULL, args);
	ck_assert_msg(p.status == 2, "%s: status %d\n%s", mode[0], p.status, p.err);
	ck_assert_msg(strstr(p.err, HASHLESS), "%s", p.err);
	hs_done(&p);
	hs_spawn(&p, LKVM_BIN, NULL, (const char *[]){ "measure", mode[0], "--cpu-sig",
			"0xa00f11", "--firmware", OVMF, "-k", bz, NULL });
	ck_assert_msg(p.status == 2 && strstr(p.err, HASHLESS), "%s", p.err);
	hs_done(&p);
	unlink(bz);
	unlink(initrd);
	test_dir_remove(dir);
}
END_TEST

/* @dir/@name holding @len bytes of @data (repeated); the path into @path. */
static void write_file(const char *dir, const char *name, const char *data, size_t len,
		       char *path, size_t size)
{
	FILE *f;
	size_t i, n = strlen(data);

	snprintf(path, size, "%s/%s", dir, name);
	f = fopen(path, "wb");
	ck_assert(f);
	for (i = 0; i < len; i++)
		ck_assert(fputc(data[i % n], f) != EOF);
	fclose(f);
}

/* @bytes as lowercase hex, into @hex. */
static void to_hex(const char *bytes, size_t len, char *hex)
{
	size_t i;

	for (i = 0; i < len; i++)
		sprintf(hex + 2 * i, "%02x", (unsigned char)bytes[i]);
}

/*
 * LAUNCH_SECRET (§2.3) after a guest owner's session: the simulated host
 * writes the payload as sent at the firmware's secret area (the AmdSev
 * build's, GPA 0x810000) and logs header and payload; Debian's OVMF has no
 * secret area: status 2.
 */
START_TEST(sev_run_secret)
{
	static const char *const modes[] = { "--sev", "--sev-es" };
	static const char hdr[] = "HDR-0123456789abcdef0123456789abcdef0123456789abcdef";
	static const char sec[] = "the-secret-payload-0123456789abcdef0123456789ab";
	char dir[256], dh[300], ses[300], hp[300], sp[300], fw[4096], digest[128];
	char want[512], hex[256], *log;
	static struct hs_proc p;
	const char *args[] = { "run", modes[_i], "--firmware", fw, "--dh-cert", dh, "--session",
			       ses, "--secret-header", hp, "--secret", sp, NULL };

	snprintf(fw, sizeof(fw), "%s", hs_shared("vectors/ovmf_AmdSev_suffix.bin"));
	test_dir_create(dir, sizeof(dir));
	write_file(dir, "dh", "dhcert-bytes", 12, dh, sizeof(dh));
	write_file(dir, "session", "session-bytes", 13, ses, sizeof(ses));
	write_file(dir, "hdr", hdr, sizeof(hdr) - 1, hp, sizeof(hp));
	write_file(dir, "secret", sec, sizeof(sec) - 1, sp, sizeof(sp));
	hs_spawn(&p, LKVM_BIN "-dyn", NULL, args);
	ck_assert_msg(p.status == 0, "%s: status %d\n%s", modes[_i], p.status, p.err);
	check_log(p.log, digest, sizeof(digest));
	log = read_log(p.log);
	ck_assert(strstr(log, "\"dh_len\":12,\"session_len\":13}"));
	snprintf(want, sizeof(want), "\"gpa\":\"0x810000\",\"hdr_len\":%zu,\"trans_len\":%zu}",
		 sizeof(hdr) - 1, sizeof(sec) - 1);
	ck_assert_msg(strstr(log, want), "no %s in the log", want);
	to_hex(sec, sizeof(sec) - 1, hex);
	snprintf(want, sizeof(want), "\"payload\":\"%s\",\"ret\":0}", hex);
	ck_assert_msg(strstr(log, want), "no %s in the log", want);
	to_hex(hdr, sizeof(hdr) - 1, hex);
	ck_assert(strstr(log, hex));
	free(log);
	hs_done(&p);
	args[3] = OVMF;
	hs_spawn(&p, LKVM_BIN "-dyn", NULL, args);
	ck_assert_int_eq(p.status, 2);
	ck_assert_msg(strstr(p.err, "--secret: " OVMF " has no SEV secret area"), "%s", p.err);
	hs_done(&p);
	test_dir_remove(dir);
}
END_TEST

/* SNP_LAUNCH_FINISH's inputs reach the host as given (its log shows them). */
START_TEST(sev_run_snp_id_block)
{
	char dir[256], idb[300], ida[300], hd[300], digest[128], want[512], hex[256], *log;
	static struct hs_proc p;

	test_dir_create(dir, sizeof(dir));
	write_file(dir, "id-block", "I", 96, idb, sizeof(idb));
	write_file(dir, "id-auth", "auth", 4096, ida, sizeof(ida));
	write_file(dir, "host-data", "host-data-0123456789abcdef012345", 32, hd, sizeof(hd));
	hs_spawn(&p, LKVM_BIN "-dyn", NULL, (const char *[]){ "run", "--sev-snp", "--firmware",
			OVMF, "--id-block", idb, "--id-auth", ida, "--host-data", hd, NULL });
	ck_assert_msg(p.status == 0, "%s", p.err);
	check_log(p.log, digest, sizeof(digest));
	log = read_log(p.log);
	to_hex("host-data-0123456789abcdef012345", 32, hex);
	snprintf(want, sizeof(want), "\"id_block_en\":1,\"auth_key_en\":1,\"host_data\":\"%s\"",
		 hex);
	ck_assert_msg(strstr(log, want), "no %s in the log", want);
	memset(want, 'I', 64);
	to_hex(want, 64, hex);
	ck_assert_msg(strstr(log, hex), "no ID block in the log");
	to_hex("authauthauthauth", 16, hex);
	ck_assert_msg(strstr(log, hex), "no ID auth in the log");
	free(log);
	hs_done(&p);
	test_dir_remove(dir);
}
END_TEST

struct refusal {
	const char *env[3];
	const char *args[12];
	int status;
	const char *says;
};

static const struct refusal refusals[] = {
	{ {}, { "--sev-snp", "--firmware", OVMF, "--vars",
	    "/usr/share/OVMF/OVMF_VARS_4M.fd" }, 2, "--vars with --sev-snp" },
	{ {}, { "--sev-es", "--legacy-vm-type", "--debug-swap", "--firmware", OVMF }, 2,
	  "--legacy-vm-type cannot go with --debug-swap" },
	{ {}, { "--sev", "--debug-swap", "--firmware", OVMF }, 2, "plain SEV has no VMSA" },
	{ {}, { "--sev-es", "--policy", "0x1", "--firmware", OVMF }, 2, "bit 2 (ES) must be set" },
	{ {}, { "--secret", OVMF, "--secret-header", OVMF, "--sev", "--firmware", OVMF }, 2,
	  "--secret needs the session" },
	{ { "HOSTSIM_DIRECT_VMSA=0" }, { "--sev-snp", "--direct-vmsa", "on", "--bios", OVMF }, 125,
	  "cannot run SNP + direct VMSA: KVM_CAP_SNP_DIRECT_VMSA (249" },
	{ { "HOSTSIM_DIRECT_VMSA=refuse" }, { "--sev-snp", "--direct-vmsa", "on", "--bios", OVMF },
	  125, "lkvm-sev: --direct-vmsa on: KVM offers KVM_CAP_SNP_DIRECT_VMSA (249) but refused "
	  "the VMSA page at GPA 0xfffffffff000 (KVM_SEV_SNP_LAUNCH_UPDATE failed: EINVAL" },
	{ { "HOSTSIM_READONLY_MEM=none" }, { "--sev", "--ro-mode", "memslot", "--firmware", OVMF },
	  125, "lkvm-sev: --ro-mode memslot: KVM does not offer read-only memory for this VM "
	  "(KVM_CAP_READONLY_MEM is 0 on the VM fd)\n" },
	{ { "HOSTSIM_READONLY_MEM=mismatch" },
	  { "--sev-es", "--ro-mode", "memslot", "--firmware", OVMF }, 125,
	  "lkvm-sev: --ro-mode memslot: KVM refused the read-only slot for firmware "
	  "(KVM_SET_USER_MEMORY_REGION2 (firmware at GPA 0xffe00000, 2097152 bytes, flags 0x2): "
	  "Invalid argument) although KVM_CAP_READONLY_MEM is 1 on the VM fd\n" },
	/* §2.3 sev_pin_memory(): the limit counts every registered region of the VM. */
	{ { "HOSTSIM_MEMLOCK_LIMIT=0x100000" }, { "--sev", "-m", "256M", "--firmware", OVMF }, 125,
	  "lkvm-sev: KVM_MEMORY_ENCRYPT_REG_REGION (guest RAM, 262144 KiB) failed: ENOMEM: KVM "
	  "pins it against the locked-memory limit (RLIMIT_MEMLOCK, ulimit -l), which must allow "
	  "at least 262144 KiB for the guest, plus the firmware again while launch updates pin it "
	  "(or run with CAP_IPC_LOCK)\n" },
	{ { "HOSTSIM_MEMLOCK_LIMIT=0x10100000" }, { "--sev-es", "-m", "256M", "--firmware", OVMF },
	  125, "lkvm-sev: KVM_MEMORY_ENCRYPT_REG_REGION (firmware, 2048 KiB) failed: ENOMEM: KVM "
	  "pins it against the locked-memory limit (RLIMIT_MEMLOCK, ulimit -l), which must allow "
	  "at least 264192 KiB for the guest, plus the firmware again while launch updates pin it "
	  "(or run with CAP_IPC_LOCK)\n" },
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
	if (v.kind != CAPS_CANNOT_RUN) {
		tests_skip("sev-run sev_run_real_kvm", "this host can run %s guests: nothing to "
			   "refuse", caps_mode_name(cm[_i]));
		return;
	}
	/* Not hs_spawn(): no simulated host preloaded, whatever the build links. */
	vmm_run(&p, (const char *[]){ "run", modes[_i], "--bios", OVMF, NULL }, 30);
	snprintf(line, sizeof(line), "lkvm-sev: cannot run %s: %s\n", caps_mode_name(cm[_i]),
		 v.text);
	ck_assert_int_eq(p.status, 125);
	ck_assert_msg(strstr(p.err, line), "no line\n%sin\n%s", line, p.err);
}
END_TEST

/*
 * SEV-ES and the variable store (seed 000): the flash stays unencrypted and
 * the guest's GHCB MMIO requests reach the flash device, under the mprotect
 * fallback (SEV-ES VM type) and with a read-only memslot (legacy init on a
 * default VM); a GHCB write to the code is a ROM write, ignored with a warning.
 */
static void sev_es_flash(const char *init2)
{
	const char *code = "/usr/share/OVMF/OVMF_CODE_4M.fd";
	char vars[128], cmd[300];
	const char *env[] = { init2, "HOSTSIM_SCRIPT=mmio-write:0xffc00100:1:0x10;"
			      "mmio-write:0xffc00100:1:0x5a;mmio-write:0xffc00100:1:0xff;"
			      "mmio-write:0xfffff000:1:0x90;acpi-off", NULL };
	static struct hs_proc p;
	unsigned char b[2];
	char dir[64], digest[128];
	FILE *f;

	test_dir_create(dir, sizeof(dir));
	snprintf(vars, sizeof(vars), "%s/vars.fd", dir);
	snprintf(cmd, sizeof(cmd), "cp /usr/share/OVMF/OVMF_VARS_4M.fd '%s'", vars);
	ck_assert_int_eq(system(cmd), 0);
	hs_spawn(&p, LKVM_BIN "-dyn", env,
		 (const char *[]){ "run", "--sev-es", "--firmware", code, "--vars", vars, NULL });
	ck_assert_msg(p.status == 0, "%s", p.err);
	ck_assert_msg(strstr(p.err, "lkvm-sev: warning: guest wrote to read-only firmware at GPA "
			     "0xfffff000: ignored"), "%s", p.err);
	check_log(p.log, digest, sizeof(digest));
	hs_done(&p);
	f = fopen(vars, "rb");
	ck_assert_ptr_nonnull(f);
	ck_assert_int_eq(fseek(f, 0x100, SEEK_SET), 0);
	ck_assert_uint_eq(fread(b, 1, 2, f), 2);
	fclose(f);
	ck_assert_uint_eq(b[0], 0x5a);
	ck_assert_uint_eq(b[1], 0xff);
	test_dir_remove(dir);
}

START_TEST(sev_run_es_flash_mprotect)
{
	sev_es_flash("HOSTSIM_INIT2=1");
}
END_TEST

START_TEST(sev_run_es_flash_memslot)
{
	sev_es_flash("HOSTSIM_INIT2=0");
}
END_TEST

/* §7.3: a CPUID page the firmware refuses; run names the leaves that differ. */
START_TEST(sev_run_cpuid_rejected)
{
	const char *env[] = { "HOSTSIM_CPUID_REJECT=0x1:ecx:0x80000000", NULL };
	static struct hs_proc p;

	hs_spawn(&p, LKVM_BIN "-dyn", env,
		 (const char *[]){ "run", "--sev-snp", "--bios", OVMF, NULL });
	ck_assert_int_eq(p.status, 125);
	ck_assert_msg(strstr(p.err, "lkvm-sev: KVM_SEV_SNP_LAUNCH_UPDATE (CPUID page at 0x80e000): "
			     "the firmware refused these leaves: leaf 0x1.0: "), "%s", p.err);
	ck_assert_msg(strstr(p.err, " 76d83203 178bfbff\n"), "%s", p.err);
	hs_done(&p);
}
END_TEST

Suite *sev_run_suite(void)
{
	Suite *s = suite_create("sev-run");
	TCase *tc = tcase_create("simulated host");

	tcase_set_timeout(tc, 120);
	tcase_add_loop_test(tc, sev_run_digests, 0, sizeof(cases) / sizeof(cases[0]));
	tcase_add_loop_test(tc, sev_run_exits, 0, sizeof(exit_cases) / sizeof(exit_cases[0]));
	tcase_add_test(tc, sev_run_snp_virtio_private);
	tcase_add_test(tc, sev_run_snp_vsock_private);
	tcase_add_test(tc, sev_run_snp_net_private);
	tcase_add_test(tc, sev_run_mprotect_window);
	tcase_add_test(tc, sev_run_snp_update_retry);
	tcase_add_test(tc, sev_run_direct_vmsa_refused);
	tcase_add_test(tc, sev_run_direct_vmsa_aps);
	tcase_add_loop_test(tc, sev_run_readonly_hosts, 0, sizeof(ro_cases) / sizeof(ro_cases[0]));
	tcase_add_loop_test(tc, sev_run_kernel_hashes, 0, 3);
	tcase_add_loop_test(tc, sev_run_secret, 0, 2);
	tcase_add_test(tc, sev_run_snp_id_block);
	tcase_add_loop_test(tc, sev_run_report, 0, 3);
	tcase_add_test(tc, sev_run_trace);
	tcase_add_loop_test(tc, sev_run_trace_names, 0,
			    sizeof(trace_cases) / sizeof(trace_cases[0]));
	tcase_add_loop_test(tc, sev_run_report_mode_as_caps, 0, 4);
	tcase_add_loop_test(tc, sev_run_report_vmsa_features, 0,
			    sizeof(features_cases) / sizeof(features_cases[0]));
	tcase_add_test(tc, sev_run_json_rule);
	tcase_add_test(tc, sev_run_es_flash_mprotect);
	tcase_add_test(tc, sev_run_es_flash_memslot);
	tcase_add_test(tc, sev_run_cpuid_rejected);
	tcase_add_loop_test(tc, sev_run_refusals, 0, sizeof(refusals) / sizeof(refusals[0]));
	suite_add_tcase(s, tc);
	tc = tcase_create("this host");
	tcase_set_timeout(tc, 60);
	tcase_add_loop_test(tc, sev_run_real_kvm, 0, 3);
	suite_add_tcase(s, tc);
	return s;
}
