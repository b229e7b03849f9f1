// SPDX-License-Identifier: GPL-2.0-only
/*
 * `lkvm-sev caps` on this machine's /dev/kvm and on the simulated SEV host.
 * On /dev/kvm the expected lines are built from facts this test reads with
 * its own ioctls (VM types, SEV probes, /dev/sev) and from its own timing
 * of the calibration guest, so a host of another kind fails only where caps
 * is wrong about it. Under tests/hostsim every narrowing of the simulated
 * host must give its exact verdict lines. --json must be valid and say what
 * the text says.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>
#include <linux/io_uring.h>

#include "kvm/uapi.h"
#include "probe/calibrate.h"
#include "probe/caps.h"
#include "tests/hostsim/test_hostsim.h"
#include "tests/json_check.h"
#include "tests/tests.h"

#define RUNS		"runs"
#define ES_MPROTECT	"runs with fallback: firmware kept read-only by mprotect (sev-es VMs " \
			"offer no read-only memory)"

/* Whether @text has @line as a whole line. */
static bool has_line(const char *text, const char *line)
{
	size_t n = strlen(line);
	const char *p;

	for (p = text; (p = strstr(p, line)); p++)
		if ((p == text || p[-1] == '\n') && (p[n] == '\n' || !p[n]))
			return true;
	return false;
}

static void assert_line(const char *text, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void assert_line(const char *text, const char *fmt, ...)
{
	char line[1200];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	ck_assert_msg(has_line(text, line), "no line\n%s\nin\n%s", line, text);
}

static void assert_fact(const char *text, const char *label, const char *value)
{
	assert_line(text, "%-28s %s", label, value);
}

static void assert_mode(const char *text, enum caps_mode m, const char *verdict)
{
	assert_line(text, "  %-19s  %s", caps_mode_name(m), verdict);
}

/* --json is valid, and its verdicts are the text's mode lines. */
static void assert_json_matches(const char *json, const char *text)
{
	char why[128], mode[64], verdict[64], detail[1024], path[32];
	int m;

	ck_assert_msg(json_check(json, why, sizeof(why)), "%s:\n%s", why, json);
	for (m = 0; m < CAPS_NR_MODES; m++) {
		snprintf(path, sizeof(path), "modes.%d.mode", m);
		ck_assert(json_get(json, path, mode, sizeof(mode)));
		ck_assert_str_eq(mode, caps_mode_name(m));
		snprintf(path, sizeof(path), "modes.%d.verdict", m);
		ck_assert(json_get(json, path, verdict, sizeof(verdict)));
		snprintf(path, sizeof(path), "modes.%d.detail", m);
		ck_assert(json_get(json, path, detail, sizeof(detail)));
		if (!strcmp(detail, "null"))
			assert_mode(text, m, verdict);
		else
			assert_line(text, "  %-19s  %s: %s", mode, verdict, detail);
	}
}

static void assert_json_field(const char *json, const char *path, const char *want)
{
	char val[512];

	ck_assert_msg(json_get(json, path, val, sizeof(val)), "no %s in\n%s", path, json);
	ck_assert_str_eq(val, want);
}

/* ---- this machine's /dev/kvm ---- */

/* What this test reads itself, with its own ioctls. */
struct own_facts {
	int api;
	uint32_t vm_types;
	bool default_ro;	/* KVM_CAP_READONLY_MEM asked on a default VM */
	int sev_probe_err;	/* KVM_MEMORY_ENCRYPT_OP without a command on it */
	int vmsa_attr_err;	/* KVM_GET_DEVICE_ATTR of KVM_X86_SEV_VMSA_FEATURES */
	bool direct_vmsa, user_memory2, exit_map_gpa;
	bool dev_sev;
	bool ioeventfd, irqfd, signal_msi;
	int gsi_routes;
	int io_uring_err;	/* io_uring_setup's errno, or 0 */
};

static void own_facts(struct own_facts *f)
{
	uint64_t val;
	struct kvm_device_attr a = { .group = LK_KVM_X86_GRP_SEV,
				     .attr = LK_KVM_X86_SEV_VMSA_FEATURES,
				     .addr = (uintptr_t)&val };
	int kvm = open("/dev/kvm", O_RDWR | O_CLOEXEC), vm, types, ring;
	struct io_uring_params params = { 0 };
	struct stat st;

	ck_assert_int_ge(kvm, 0);
	f->api = ioctl(kvm, KVM_GET_API_VERSION, 0);
	types = ioctl(kvm, KVM_CHECK_EXTENSION, KVM_CAP_VM_TYPES);
	f->vm_types = types > 0 ? (uint32_t)types : 1;
	f->vmsa_attr_err = ioctl(kvm, KVM_GET_DEVICE_ATTR, &a) ? errno : 0;
	f->direct_vmsa = ioctl(kvm, KVM_CHECK_EXTENSION, LK_KVM_CAP_SNP_DIRECT_VMSA) > 0;
	f->user_memory2 = ioctl(kvm, KVM_CHECK_EXTENSION, KVM_CAP_USER_MEMORY2) > 0;
	f->exit_map_gpa = ioctl(kvm, KVM_CHECK_EXTENSION, KVM_CAP_EXIT_HYPERCALL) & 0x1000;
	f->ioeventfd = ioctl(kvm, KVM_CHECK_EXTENSION, KVM_CAP_IOEVENTFD) > 0;
	f->irqfd = ioctl(kvm, KVM_CHECK_EXTENSION, KVM_CAP_IRQFD) > 0;
	f->signal_msi = ioctl(kvm, KVM_CHECK_EXTENSION, KVM_CAP_SIGNAL_MSI) > 0;
	f->gsi_routes = ioctl(kvm, KVM_CHECK_EXTENSION, KVM_CAP_IRQ_ROUTING);
	vm = ioctl(kvm, KVM_CREATE_VM, 0);
	ck_assert_int_ge(vm, 0);
	f->default_ro = ioctl(vm, KVM_CHECK_EXTENSION, KVM_CAP_READONLY_MEM) > 0;
	f->sev_probe_err = ioctl(vm, KVM_MEMORY_ENCRYPT_OP, NULL) ? errno : 0;
	close(vm);
	close(kvm);
	f->dev_sev = stat("/dev/sev", &st) == 0;
	ring = (int)syscall(__NR_io_uring_setup, 1, &params);
	f->io_uring_err = ring < 0 ? errno : 0;
	if (ring >= 0)
		close(ring);
}

/* A host like the build hosts: KVM without any SEV, and every other SNP need met. */
static bool sev_less_host(const struct own_facts *f)
{
	return !(f->vm_types & 0x1c) && f->sev_probe_err && f->vmsa_attr_err && !f->dev_sev &&
	       f->user_memory2 && f->exit_map_gpa;
}

static void assert_sev_less_modes(const char *out, const struct own_facts *f)
{
	const char *attr = caps_errno_name(f->vmsa_attr_err);
	const char *probe = caps_errno_name(f->sev_probe_err);
	char types[64];

	snprintf(types, sizeof(types), "cannot run: this host's KVM offers VM types 0x%x",
		 f->vm_types);
	assert_line(out, "  %-19s  %s: no SEV VM type; no legacy KVM_SEV_INIT either "
		    "(KVM_MEMORY_ENCRYPT_OP: %s); no /dev/sev", "SEV", types, probe);
	assert_line(out, "  %-19s  %s: no SEV-ES VM type; no legacy KVM_SEV_ES_INIT either "
		    "(KVM_MEMORY_ENCRYPT_OP: %s); no /dev/sev", "SEV-ES", types, probe);
	assert_line(out, "  %-19s  %s: no SEV-ES VM type; DEBUG_SWAP needs KVM_SEV_INIT2 "
		    "(KVM_X86_SEV_VMSA_FEATURES: %s); no /dev/sev", "SEV-ES + debug-swap", types,
		    attr);
	assert_line(out, "  %-19s  %s: no SNP VM type; no /dev/sev", "SNP", types);
	assert_line(out, "  %-19s  %s: no SNP VM type%s; no /dev/sev", "SNP + direct VMSA", types,
		    f->direct_vmsa ? "" : "; KVM_CAP_SNP_DIRECT_VMSA (249, a provisional number) "
		    "not offered");
}

START_TEST(caps_this_host)
{
	static struct vmm_proc p;
	struct own_facts f;
	char want[128];

	own_facts(&f);
	ck_assert_int_eq(vmm_run(&p, (const char *[]){ "caps", NULL }, 60), 0);
	ck_assert_str_eq(p.err, "");
	snprintf(want, sizeof(want), "API version %d", f.api);
	assert_fact(p.out, "/dev/kvm", want);
	if (!f.dev_sev)
		assert_fact(p.out, "/dev/sev", "absent");
	snprintf(want, sizeof(want), "irqfd %s, KVM_SIGNAL_MSI %s, %d GSI routes; ioeventfd %s",
		 f.irqfd ? "yes" : "no", f.signal_msi ? "yes" : "no", f.gsi_routes,
		 f.ioeventfd ? "yes" : "no");
	assert_fact(p.out, "device interrupts", want);
	if (f.io_uring_err)
		snprintf(want, sizeof(want), "one at a time: io_uring refused (%s)",
			 strerror(f.io_uring_err));
	else
		snprintf(want, sizeof(want), "io_uring, up to 64 in flight");
	assert_fact(p.out, "virtio-blk requests", want);
	assert_mode(p.out, CAPS_PLAIN, f.default_ro ? RUNS : "runs with fallback: firmware kept "
		    "read-only by mprotect (default VMs offer no read-only memory)");
	if (sev_less_host(&f))
		assert_sev_less_modes(p.out, &f);
	else
		printf("NOTE caps: this host has SEV support: only the plain mode line is "
		       "checked exactly\n");
	snprintf(want, sizeof(want), "\n%-28s %s: the calibration guest took ", "guest code",
		 host_runs_natively() ? "native" : "emulated");
	ck_assert_msg(strstr(p.out, want), "no line starting%s\nin\n%s", want, p.out);
}
END_TEST

START_TEST(caps_this_host_json)
{
	static struct vmm_proc text, json;
	struct own_facts f;
	char want[64], ms[32];

	own_facts(&f);
	ck_assert_int_eq(vmm_run(&text, (const char *[]){ "caps", NULL }, 60), 0);
	ck_assert_int_eq(vmm_run(&json, (const char *[]){ "caps", "--json", NULL }, 60), 0);
	assert_json_matches(json.out, text.out);
	snprintf(want, sizeof(want), "%d", f.api);
	assert_json_field(json.out, "kvm.api_version", want);
	snprintf(want, sizeof(want), "0x%x", f.vm_types);
	assert_json_field(json.out, "vm_types.mask", want);
	assert_json_field(json.out, "vms.0.readonly_mem", f.default_ro ? "true" : "false");
	assert_json_field(json.out, "dev_sev.present", f.dev_sev ? "true" : "false");
	assert_json_field(json.out, "init2", f.vmsa_attr_err ? "false" : "true");
	assert_json_field(json.out, "devices.irqfd", f.irqfd ? "true" : "false");
	assert_json_field(json.out, "devices.ioeventfd", f.ioeventfd ? "true" : "false");
	assert_json_field(json.out, "devices.io_uring", f.io_uring_err ? "false" : "true");
	snprintf(want, sizeof(want), "%d", f.gsi_routes);
	assert_json_field(json.out, "devices.gsi_routes", want);
	assert_json_field(json.out, "calibration.result",
			  host_runs_natively() ? "native" : "emulated");
	ck_assert(json_get(json.out, "calibration.ms", ms, sizeof(ms)));
	ck_assert_msg((atof(ms) < CALIB_NATIVE_MS) == host_runs_natively(), "calibration %s ms", ms);
}
END_TEST

/* A 4 KiB guest at the reset vector whose first bytes are @code. */
static void calib_page(uint8_t *page, const uint8_t *code, size_t len)
{
	static const uint8_t reset[] = { 0xe9, 0x0d, 0xf0 };	/* jmp 0xf000 */

	memset(page, 0xf4, 4096);				/* hlt */
	memcpy(page, code, len);
	memcpy(page + 0xff0, reset, sizeof(reset));
}

/* A guest that never reaches its write is stopped at the limit, still looping. */
START_TEST(calibrate_limits_and_exits)
{
	static const uint8_t spin[] = { 0xeb, 0xfe };			/* jmp . */
	static const uint8_t port80[] = { 0xb0, 0x00, 0xe6, 0x80 };	/* out %al, $0x80 */
	static uint8_t page[4096];
	struct calib_guest g = { .image = page, .size = sizeof(page), .exit_port = 0xf4,
				 .loop_ip = 0xf000, .exit_ip = 0xf002, .limit_ms = 300 };
	struct calibration c;
	struct kvm_host host;
	struct lk_err err;

	ck_assert_msg(kvm_host_open(&host, &err) == 0, "%s", err.msg);
	calib_page(page, spin, sizeof(spin));
	calibrate_guest(&host, &g, &c);
	ck_assert_msg(c.result == CALIB_EMULATED, "%d: %s", c.result, c.why);
	ck_assert_msg(!strncmp(c.why, "still in its loop after ", 24), "%s", c.why);
	ck_assert(c.ms >= 300 && c.ms < 5000);
	calib_page(page, port80, sizeof(port80));
	calibrate_guest(&host, &g, &c);
	ck_assert_int_eq(c.result, CALIB_UNKNOWN);
	ck_assert_str_eq(c.why, "the calibration guest's first exit was an I/O write of port "
			 "0x80, not its write to port 0xf4");
	kvm_host_close(&host);
}
END_TEST

Suite *caps_kvm_suite(void)
{
	Suite *s = suite_create("caps-kvm");
	TCase *tc = tcase_create("dev-kvm");

	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, caps_this_host);
	tcase_add_test(tc, caps_this_host_json);
	tcase_add_test(tc, calibrate_limits_and_exits);
	suite_add_tcase(s, tc);
	return s;
}

/* ---- the simulated host ---- */

struct hs_case {
	const char *env[3];
	const char *verdict[CAPS_NR_MODES];
};

static const struct hs_case hs_cases[] = {
	{ { NULL }, { RUNS, RUNS, ES_MPROTECT, ES_MPROTECT, RUNS, RUNS } },
	{ { "HOSTSIM_VMSA_FEATURES=0" }, { RUNS, RUNS, ES_MPROTECT,
	  "cannot run: DEBUG_SWAP not in KVM_X86_SEV_VMSA_FEATURES (0x0)", RUNS, RUNS } },
	{ { "HOSTSIM_DIRECT_VMSA=0" }, { RUNS, RUNS, ES_MPROTECT, ES_MPROTECT, RUNS,
	  "cannot run: KVM_CAP_SNP_DIRECT_VMSA (249, a provisional number) not offered" } },
	{ { "HOSTSIM_INIT2=0" }, { RUNS,
	  "runs with fallback: legacy KVM_SEV_INIT on a default VM (no KVM_SEV_INIT2)",
	  "runs with fallback: legacy KVM_SEV_ES_INIT on a default VM (no KVM_SEV_INIT2), "
	  "no debug-swap",
	  "cannot run: this host's KVM offers VM types 0x1: no SEV-ES VM type; DEBUG_SWAP "
	  "needs KVM_SEV_INIT2 (KVM_X86_SEV_VMSA_FEATURES: ENXIO)",
	  "cannot run: this host's KVM offers VM types 0x1: no SNP VM type",
	  "cannot run: this host's KVM offers VM types 0x1: no SNP VM type" } },
	{ { "HOSTSIM_READONLY_MEM=none" }, {
	  "runs with fallback: firmware kept read-only by mprotect (default VMs offer no "
	  "read-only memory)",
	  "runs with fallback: firmware kept read-only by mprotect (sev VMs offer no "
	  "read-only memory)", ES_MPROTECT, ES_MPROTECT, RUNS, RUNS } },
	{ { "HOSTSIM_READONLY_MEM=all" }, { RUNS, RUNS, RUNS, RUNS, RUNS, RUNS } },
	{ { "HOSTSIM_READONLY_MEM=mismatch" }, { RUNS, RUNS,
	  "runs with fallback: firmware kept read-only by mprotect (sev-es VMs claim "
	  "KVM_CAP_READONLY_MEM but refuse read-only slots with EINVAL: use --ro-mode mprotect)",
	  "runs with fallback: firmware kept read-only by mprotect (sev-es VMs claim "
	  "KVM_CAP_READONLY_MEM but refuse read-only slots with EINVAL: use --ro-mode mprotect)",
	  RUNS, RUNS } },
	{ { "HOSTSIM_DEV_SEV=0" }, { RUNS, "cannot run: no /dev/sev", "cannot run: no /dev/sev",
	  "cannot run: no /dev/sev", "cannot run: no /dev/sev", "cannot run: no /dev/sev" } },
	{ { "HOSTSIM_VM_TYPES=default,sev", "HOSTSIM_MEMORY_ATTRIBUTES=0" }, { RUNS, RUNS,
	  "runs with fallback: legacy KVM_SEV_ES_INIT on a default VM (no SEV-ES VM type), "
	  "no debug-swap",
	  "cannot run: this host's KVM offers VM types 0x5: no SEV-ES VM type",
	  "cannot run: this host's KVM offers VM types 0x5: no SNP VM type",
	  "cannot run: this host's KVM offers VM types 0x5: no SNP VM type" } },
	{ { "HOSTSIM_MEMORY_ATTRIBUTES=0", "HOSTSIM_EXIT_HYPERCALL=0" }, { RUNS, RUNS,
	  ES_MPROTECT, ES_MPROTECT,
	  "cannot run: SNP VMs offer no private memory attribute (KVM_CAP_MEMORY_ATTRIBUTES: "
	  "0x0); KVM_CAP_EXIT_HYPERCALL lacks KVM_HC_MAP_GPA_RANGE (0x0)",
	  "cannot run: SNP VMs offer no private memory attribute (KVM_CAP_MEMORY_ATTRIBUTES: "
	  "0x0); KVM_CAP_EXIT_HYPERCALL lacks KVM_HC_MAP_GPA_RANGE (0x0)" } },
};

static void hs_caps(struct hs_proc *p, const char *const *env, bool json)
{
	hs_spawn(p, LKVM_BIN "-dyn", env, json ? (const char *[]){ "caps", "--json", NULL } :
		 (const char *[]){ "caps", NULL });
	ck_assert_msg(p->status == 0, "status %d: %s", p->status, p->err);
}

START_TEST(caps_hostsim_modes)
{
	const struct hs_case *hc = &hs_cases[_i];
	static struct hs_proc p;
	int m;

	hs_caps(&p, hc->env, false);
	for (m = 0; m < CAPS_NR_MODES; m++)
		assert_mode(p.out, m, hc->verdict[m]);
	hs_done(&p);
}
END_TEST

/* The simulated host's facts, its /dev/sev status, and a calibration it cannot run. */
START_TEST(caps_hostsim_facts)
{
	static struct hs_proc p;

	hs_caps(&p, (const char *[]){ "HOSTSIM_PLATFORM_STATUS=api=1.52,build=4,state=2,"
				      "flags=0x1,snp_state=0,tcb=0x1234", NULL }, false);
	assert_fact(p.out, "VM types", "0x1f: default, sw-protected, sev, sev-es, snp");
	assert_fact(p.out, "  sev-es (3)", "read-only memory no; firmware: mprotect fallback");
	assert_fact(p.out, "KVM_X86_SEV_VMSA_FEATURES", "0x20: DEBUG_SWAP");
	assert_fact(p.out, "KVM_SEV_INIT2", "yes (KVM_X86_SEV_VMSA_FEATURES exists)");
	assert_fact(p.out, "memory attributes", "0x8: PRIVATE, asked on an SNP VM");
	assert_fact(p.out, "direct VMSA", "yes (KVM_CAP_SNP_DIRECT_VMSA: 249, a provisional "
		    "number)");
	assert_fact(p.out, "KVM_CAP_EXIT_HYPERCALL", "0x1000: KVM_HC_MAP_GPA_RANGE");
	assert_fact(p.out, "  SEV platform status", "API 1.52, build 4, state WORKING, "
		    "flags 0x1, 0 guest(s)");
	assert_fact(p.out, "  SNP platform status", "API 1.52, build 4, state UNINIT, "
		    "RMP initialized, TCB 0x0000000000001234, 0 guest(s)");
	assert_fact(p.out, "guest code", "unknown (the calibration guest's first exit was an "
		    "I/O write of port 0x3f8, not its write to port 0xf4)");
	hs_done(&p);
	hs_caps(&p, (const char *[]){ "HOSTSIM_SCRIPT=debug-exit:0",
				      "HOSTSIM_READONLY_MEM=mismatch", NULL }, false);
	assert_fact(p.out, "guest code", "unknown (the write to port 0xf4 did not come from "
		    "the calibration guest's code (IP 0xfff0, not 0xf00c))");
	assert_fact(p.out, "  sev-es (3)", "read-only memory claimed, but a read-only slot is "
		    "refused (EINVAL); firmware: mprotect fallback");
	hs_done(&p);
}
END_TEST

START_TEST(caps_hostsim_json)
{
	static struct hs_proc text, json;
	const char *const env[] = { "HOSTSIM_INIT2=0", NULL };

	hs_caps(&text, env, false);
	hs_caps(&json, env, true);
	assert_json_matches(json.out, text.out);
	assert_json_field(json.out, "vm_types.mask", "0x1");
	assert_json_field(json.out, "init2", "false");
	assert_json_field(json.out, "legacy_sev_init.available", "true");
	assert_json_field(json.out, "dev_sev.sev_platform_status.api_minor", "55");
	assert_json_field(json.out, "dev_sev.snp_platform_status.tcb_version",
			  "0xdb18000000000004");
	assert_json_field(json.out, "calibration.result", "unknown");
	assert_json_field(json.out, "calibration.native", "null");
	hs_done(&text);
	hs_done(&json);
}
END_TEST

/* Options are refused before anything is probed. */
START_TEST(caps_options)
{
	static struct vmm_proc p;

	ck_assert_int_eq(vmm_run(&p, (const char *[]){ "caps", "--help", NULL }, 10), 0);
	ck_assert(!strncmp(p.out, "usage: lkvm-sev caps [--json]\n", 30));
	ck_assert_int_eq(vmm_run(&p, (const char *[]){ "caps", "--jsn", NULL }, 10), 2);
	ck_assert_str_eq(p.err, "lkvm-sev: unknown option '--jsn' (see lkvm-sev caps --help)\n");
	ck_assert_int_eq(vmm_run(&p, (const char *[]){ "caps", "--json=1", NULL }, 10), 2);
	ck_assert_str_eq(p.err, "lkvm-sev: --json takes no value (see lkvm-sev caps --help)\n");
	ck_assert_int_eq(vmm_run(&p, (const char *[]){ "caps", "x", NULL }, 10), 2);
	ck_assert_str_eq(p.err, "lkvm-sev: unexpected argument 'x' (see lkvm-sev caps --help)\n");
	ck_assert_str_eq(p.out, "");
}
END_TEST

Suite *caps_suite(void)
{
	Suite *s = suite_create("caps");
	TCase *tc = tcase_create("simulated host");

	tcase_set_timeout(tc, 60);
	tcase_add_loop_test(tc, caps_hostsim_modes, 0, sizeof(hs_cases) / sizeof(hs_cases[0]));
	tcase_add_test(tc, caps_hostsim_facts);
	tcase_add_test(tc, caps_hostsim_json);
	suite_add_tcase(s, tc);
	tc = tcase_create("options");
	tcase_add_test(tc, caps_options);
	suite_add_tcase(s, tc);
	return s;
}
