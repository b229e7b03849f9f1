// SPDX-License-Identifier: GPL-2.0-only
/*
 * The simulated SEV host's own tests: hs-drive run under LD_PRELOAD of the
 * library reproduces every launch vector of ../shared/vectors (SEV, SEV-ES,
 * SNP) and the reference BSP VMSA byte for byte; the log is one JSON object a
 * line ending with the summary; lkvm-sev-dyn boots on it. The rule tests are
 * in test_hostsim_rules.c. No /dev/kvm is needed: nothing here skips for it.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "tests/tests.h"
#include "tests/hostsim/test_hostsim.h"

extern char **environ;

const char *hs_shared(const char *rel)
{
	static char path[4096];
	const char *base = getenv("HOSTSIM_SHARED_DIR");

	snprintf(path, sizeof(path), "%s/%s", base ? base : HOSTSIM_SHARED, rel);
	return path;
}

const char *hs_snp_vector(const char *name)
{
	static char path[8][4200];
	static int next;
	char rel[256];

	snprintf(rel, sizeof(rel), "vectors/snp/%s", name);
	next = (next + 1) % 8;
	snprintf(path[next], sizeof(path[next]), "%s", hs_shared(rel));
	return path[next];
}

bool hs_have_snp_vectors(const char *what)
{
	if (!access(hs_snp_vector("report_milan.bin"), R_OK))
		return true;
	tests_skip(what, "%s is missing: ../shared (beside the clone) holds the SNP vectors",
		   hs_snp_vector(""));
	return false;
}

/* The child's environment: ours without HOSTSIM_*, then @env, the log, the preload. */
static void child_env(struct hs_proc *p, const char *const *env)
{
	static char preload[8192];
	char **e;
	int i;

	for (e = environ; *e;) {
		if (!strncmp(*e, "HOSTSIM_", 8)) {
			char name[256];

			snprintf(name, sizeof(name), "%.*s", (int)strcspn(*e, "="), *e);
			unsetenv(name);
		} else {
			e++;
		}
	}
	for (i = 0; env && env[i]; i++)
		putenv((char *)env[i]);
	if (!getenv("HOSTSIM_LOG"))
		setenv("HOSTSIM_LOG", p->log, 1);
	/* ASan must come first in a process it instruments (hostsim.mk). */
	snprintf(preload, sizeof(preload), "%s%s%s", HOSTSIM_ASAN_RT,
		 HOSTSIM_ASAN_RT[0] ? ":" : "", HOSTSIM_LIB);
	setenv("LD_PRELOAD", preload, 1);
}

/* Reads both streams to their end; false if the child stayed silent for a minute. */
static bool pump(struct hs_proc *p, int out, int err)
{
	struct pollfd fds[2] = { { .fd = out, .events = POLLIN }, { .fd = err, .events = POLLIN } };

	while (fds[0].fd >= 0 || fds[1].fd >= 0) {
		int i;

		if (poll(fds, 2, 60000) <= 0) {
			for (i = 0; i < 2; i++)
				if (fds[i].fd >= 0)
					close(fds[i].fd);
			return false;
		}
		for (i = 0; i < 2; i++) {
			char *buf = i ? p->err : p->out;
			size_t *len = i ? &p->err_len : &p->out_len;
			size_t cap = i ? sizeof(p->err) : sizeof(p->out);
			ssize_t n;

			if (fds[i].fd < 0 || !fds[i].revents)
				continue;
			n = read(fds[i].fd, buf + *len, cap - 1 - *len);
			if (n <= 0) {
				close(fds[i].fd);
				fds[i].fd = -1;
				continue;
			}
			*len += (size_t)n;
			buf[*len] = '\0';
		}
	}
	return true;
}

void hs_spawn(struct hs_proc *p, const char *prog, const char *const *env,
	      const char *const *args)
{
	const char *argv[64];
	int out[2], err[2], ws, i;
	pid_t pid;

	memset(p, 0, sizeof(*p));
	test_dir_create(p->dir, sizeof(p->dir));
	snprintf(p->log, sizeof(p->log), "%s/hostsim.log", p->dir);
	argv[0] = prog ? prog : HOSTSIM_DRIVE;
	for (i = 0; args[i] && i < 62; i++)
		argv[i + 1] = args[i];
	argv[i + 1] = NULL;
	ck_assert_int_eq(pipe2(out, O_CLOEXEC), 0);
	ck_assert_int_eq(pipe2(err, O_CLOEXEC), 0);
	pid = fork();
	ck_assert_int_ge(pid, 0);
	if (pid == 0) {
		dup2(out[1], 1);
		dup2(err[1], 2);
		if (chdir(p->dir))
			_exit(127);
		child_env(p, env);
		execv(argv[0], (char *const *)argv);
		_exit(127);
	}
	close(out[1]);
	close(err[1]);
	if (!pump(p, out[0], err[0]))
		kill(pid, SIGKILL);
	while (waitpid(pid, &ws, 0) < 0 && errno == EINTR)
		;
	p->status = WIFEXITED(ws) ? WEXITSTATUS(ws) : 128 + WTERMSIG(ws);
}

void hs_done(struct hs_proc *p)
{
	test_dir_remove(p->dir);
}

void hs_expect_rule(const char *name, const char *const *env, const char *expected)
{
	static struct hs_proc p;

	hs_spawn(&p, NULL, env, (const char *[]){ "rule", name, NULL });
	ck_assert_msg(p.status == 0, "rule %s: status %d, stderr: %s", name, p.status, p.err);
	ck_assert_str_eq(p.out, expected);
	hs_done(&p);
}

/* ---- the launch vectors (../shared/vectors/README.md) ---- */

struct vector {
	char line[1024];
	char *f[10];	/* id mode firmware vcpus cpu features kernel initrd append expected */
};

/* The vector on line @n of measure-vectors.tsv (comments skipped); false if none. */
static bool vector_at(int n, struct vector *v)
{
	FILE *f = fopen(hs_shared("vectors/measure-vectors.tsv"), "r");
	bool found = false;
	int i;

	while (f && !found && fgets(v->line, sizeof(v->line), f)) {
		char *p = v->line;

		if (v->line[0] == '#' || v->line[0] == '\n' || n-- > 0)
			continue;
		v->line[strcspn(v->line, "\n")] = '\0';
		for (i = 0; i < 10; i++) {	/* empty fields stay: split on each tab */
			v->f[i] = p;
			p = strchr(p, '\t');
			if (p)
				*p++ = '\0';
			else
				break;
		}
		found = i == 9;
	}
	if (f)
		fclose(f);
	return found;
}

static int vector_count(void)
{
	struct vector v;
	int n = 0;

	while (vector_at(n, &v))
		n++;
	return n;
}

static const char *cpu_sig(const char *cpu)
{
	if (!strcmp(cpu, "EPYC-Rome"))
		return "0x830f10";
	if (!strcmp(cpu, "EPYC-Milan"))
		return "0xa00f11";
	if (!strcmp(cpu, "EPYC-Genoa"))
		return "0xa10f10";
	if (!strcmp(cpu, "EPYC-Turin"))
		return "0xb00f00";
	return "0x800f12";	/* EPYC, EPYC-v1 .. v4 */
}

static const char *vector_file(const char *dir, const char *field, char *buf, size_t size)
{
	int fd;

	if (strcmp(field, "empty"))
		return field;
	snprintf(buf, size, "%s/empty", dir);
	fd = open(buf, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	ck_assert_int_ge(fd, 0);
	close(fd);
	return buf;
}

START_TEST(launch_vector)
{
	static struct hs_proc p;
	char firmware[4096], rel[512], dir[64], kernel[128], initrd[128], want[256];
	const char *args[32];
	struct vector v;
	int n = 0;

	ck_assert(vector_at(_i, &v));
	snprintf(rel, sizeof(rel), "vectors/%s", v.f[2]);
	snprintf(firmware, sizeof(firmware), "%s", v.f[2][0] == '/' ? v.f[2] : hs_shared(rel));
	if (access(firmware, R_OK)) {
		printf("SKIP hostsim vector %s: %s is not installed here\n", v.f[0], firmware);
		return;
	}
	test_dir_create(dir, sizeof(dir));
	args[n++] = "launch";
	args[n++] = strncmp(v.f[1], "snp", 3) ? v.f[1] : "snp";
	args[n++] = "--firmware";
	args[n++] = firmware;
	if (!strcmp(v.f[1], "snp:ovmf-hash"))
		args[n++] = "--only-firmware";
	if (strcmp(v.f[3], "-")) {
		args[n++] = "--vcpus";
		args[n++] = v.f[3];
	}
	args[n++] = "--cpu-sig";
	args[n++] = cpu_sig(v.f[4]);
	if (strcmp(v.f[5], "-")) {
		args[n++] = "--features";
		args[n++] = v.f[5];
	}
	if (strcmp(v.f[6], "-")) {
		args[n++] = "--kernel";
		args[n++] = vector_file(dir, v.f[6], kernel, sizeof(kernel));
		if (strcmp(v.f[7], "-")) {
			args[n++] = "--initrd";
			args[n++] = vector_file(dir, v.f[7], initrd, sizeof(initrd));
		}
		args[n++] = "--append";
		args[n++] = v.f[8];
	}
	args[n] = NULL;
	hs_spawn(&p, NULL, NULL, args);
	snprintf(want, sizeof(want), "digest %s\n", v.f[9]);
	ck_assert_msg(p.status == 0 && strstr(p.out, want),
		      "vector %s: status %d, expected %s\n got: %s%s", v.f[0], p.status,
		      v.f[9], p.out, p.err);
	if (!strncmp(v.f[1], "sev", 3))	/* the blob verifies with the test TIK */
		ck_assert_ptr_nonnull(strstr(p.out, "measure: hmac ok\n"));
	hs_done(&p);
	test_dir_remove(dir);
}
END_TEST

/* The digest line of hs-drive launch @args. */
static void launch_digest(const char *const *env, const char *const *args, char *out)
{
	static struct hs_proc p;
	const char *d;

	hs_spawn(&p, NULL, env, args);
	d = strstr(p.out, "digest ");
	ck_assert_msg(p.status == 0 && d, "status %d: %s%s", p.status, p.out, p.err);
	snprintf(out, 100, "%.*s", (int)strcspn(d + 7, "\n"), d + 7);
	hs_done(&p);
}

#define DEBIAN_OVMF "/usr/share/ovmf/OVMF.fd"

/* §5.3: the BSP VMSA KVM builds from QEMU's reset state, byte for byte. */
START_TEST(bsp_vmsa_matches_reference)
{
	static struct hs_proc p;
	static uint8_t got[4096], want[4096];
	char env_dir[300], path[256];
	FILE *f;

	if (access(DEBIAN_OVMF, R_OK)) {
		printf("SKIP hostsim BSP VMSA: %s is not installed here\n", DEBIAN_OVMF);
		return;
	}
	test_dir_create(path, sizeof(path));
	snprintf(env_dir, sizeof(env_dir), "HOSTSIM_VMSA_DIR=%s", path);
	hs_spawn(&p, NULL, (const char *[]){ env_dir, NULL },
		 (const char *[]){ "launch", "snp", "--firmware", DEBIAN_OVMF, "--features",
				   "0x1", NULL });
	ck_assert_int_eq(p.status, 0);
	strncat(path, "/vm0-vcpu0.bin", sizeof(path) - strlen(path) - 1);
	f = fopen(path, "rb");
	ck_assert_ptr_nonnull(f);
	ck_assert_int_eq(fread(got, 1, sizeof(got), f), 4096);
	fclose(f);
	f = fopen(hs_shared("vectors/vmsa_bsp_snp_epyc-v4.bin"), "rb");
	ck_assert_ptr_nonnull(f);
	ck_assert_int_eq(fread(want, 1, sizeof(want), f), 4096);
	fclose(f);
	ck_assert_mem_eq(got, want, 4096);
	path[strlen(path) - strlen("/vm0-vcpu0.bin")] = '\0';
	test_dir_remove(path);
	hs_done(&p);
}
END_TEST

/* ../shared/vectors/README.md: legacy KVM_SEV_ES_INIT leaves MXCSR and FCW 0. */
START_TEST(legacy_es_init_digest)
{
	char d[100];

	if (access(DEBIAN_OVMF, R_OK)) {
		tests_skip("hostsim legacy_es_init_digest", "%s is not installed here",
			   DEBIAN_OVMF);
		return;
	}
	launch_digest(NULL, (const char *[]){ "launch", "seves", "--legacy", "--firmware",
					       DEBIAN_OVMF, NULL }, d);
	ck_assert_str_eq(d, "4f3747ba180ed949656ed604d894d59ce850b7c0bbbbc812e695e6225306a59a");
}
END_TEST

#define AMDSEV_SNP_1 "19358ba9a7615534a9a1e2f0dfc29384dcd4dcb7062ff9c6013b26869a5fc6ecab" \
		     "e033c48dd6f6db5d6d76e7c5df632d"

/*
 * The VMSA follows the VMM's register state: KVM's own reset segments (never
 * set) give another digest; KVM's initial FPU state equals what QEMU sets.
 */
START_TEST(vmsa_follows_register_state)
{
	char fw[4096], d[100];

	snprintf(fw, sizeof(fw), "%s", hs_shared("vectors/ovmf_AmdSev_suffix.bin"));
	launch_digest(NULL, (const char *[]){ "launch", "snp", "--firmware", fw, "--features",
					       "0x1", "--no-fpu", NULL }, d);
	ck_assert_str_eq(d, AMDSEV_SNP_1);
	launch_digest(NULL, (const char *[]){ "launch", "snp", "--firmware", fw, "--features",
					       "0x1", "--no-sregs", NULL }, d);
	ck_assert_str_ne(d, AMDSEV_SNP_1);
	launch_digest(NULL, (const char *[]){ "launch", "snp", "--firmware", fw, "--features",
					       "0x1", "--cpu-sig", "0xa00f11", NULL }, d);
	ck_assert_str_ne(d, AMDSEV_SNP_1);
}
END_TEST

/* Seed 001: one direct VMSA; at 0xFFFFFFFFF000 it is the classic 1-vCPU digest. */
START_TEST(direct_vmsa_digest)
{
	char fw[4096], one[100], four[100];

	snprintf(fw, sizeof(fw), "%s", hs_shared("vectors/ovmf_AmdSev_suffix.bin"));
	launch_digest(NULL, (const char *[]){ "launch", "snp", "--firmware", fw, "--features",
					       "0x1", "--vcpus", "4", "--direct-vmsa",
					       "0xFFFFFFFFF000", NULL }, four);
	ck_assert_str_eq(four, AMDSEV_SNP_1);
	launch_digest(NULL, (const char *[]){ "launch", "snp", "--firmware", fw, "--features",
					       "0x1", "--vcpus", "1", "--direct-vmsa", "0x1ff000",
					       NULL }, one);
	launch_digest(NULL, (const char *[]){ "launch", "snp", "--firmware", fw, "--features",
					       "0x1", "--vcpus", "4", "--direct-vmsa", "0x1ff000",
					       NULL }, four);
	ck_assert_str_eq(one, four);
	ck_assert_str_ne(one, AMDSEV_SNP_1);
}
END_TEST

/* ---- the log: one JSON object a line, the summary last ---- */

/* Well-formed enough: one object, strings closed, braces balanced, no raw controls. */
static bool json_line_ok(const char *l)
{
	bool str = false, esc = false;
	int depth = 0;
	size_t i, n = strlen(l);

	if (n < 2 || l[0] != '{' || l[n - 1] != '}')
		return false;
	for (i = 0; i < n; i++) {
		char c = l[i];

		if ((unsigned char)c < 0x20)
			return false;
		if (str) {
			str = esc || c != '"';
			esc = !esc && c == '\\';
		} else if (c == '"') {
			str = true;
		} else if (c == '{') {
			depth++;
		} else if (c == '}' && --depth == 0 && i != n - 1) {
			return false;
		}
	}
	return !str && depth == 0;
}

/* Checks every line of @p's log; returns the text of the lines joined. */
static const char *read_log(const struct hs_proc *p)
{
	static char text[1 << 20];
	char line[16384];
	size_t len = 0;
	FILE *f = fopen(p->log, "r");
	int lines = 0;

	ck_assert_ptr_nonnull(f);
	while (fgets(line, sizeof(line), f)) {
		ck_assert_msg(line[strlen(line) - 1] == '\n', "unterminated line");
		line[strlen(line) - 1] = '\0';
		ck_assert_msg(json_line_ok(line), "not a JSON object: %s", line);
		ck_assert_msg(strstr(line, "{\"seq\":") == line &&
			      (strstr(line, "\"ioctl\":") || strstr(line, "\"event\":")),
			      "no seq, ioctl or event: %s", line);
		len += (size_t)snprintf(text + len, sizeof(text) - len, "%s\n", line);
		lines++;
	}
	fclose(f);
	ck_assert_int_gt(lines, 0);
	return text;
}

START_TEST(log_format)
{
	static struct hs_proc p;
	char fw[4096];
	const char *log, *summary;

	snprintf(fw, sizeof(fw), "%s", hs_shared("vectors/ovmf_AmdSev_suffix.bin"));
	hs_spawn(&p, NULL, NULL, (const char *[]){ "launch", "snp", "--firmware", fw,
						   "--features", "0x21", NULL });
	ck_assert_int_eq(p.status, 0);
	log = read_log(&p);
	ck_assert_ptr_nonnull(strstr(log, "\"ioctl\":\"KVM_CREATE_VM\",\"type\":4,\"ret\":"));
	ck_assert_ptr_nonnull(strstr(log, "\"cmd\":\"KVM_SEV_SNP_LAUNCH_START\""));
	ck_assert_ptr_nonnull(strstr(log, "\"args\":{\"policy\":\"0x30000\",\"flags\":\"0\"}"));
	summary = strstr(log, "\"event\":\"summary\"");
	ck_assert_ptr_nonnull(summary);
	ck_assert_str_eq(strchr(summary, '\n'), "\n");	/* the last line */
	ck_assert_ptr_nonnull(strstr(summary, "\"vm_type\":\"snp\",\"init\":\"KVM_SEV_INIT2\","
				     "\"vmsa_features\":\"0x21\""));
	ck_assert_ptr_nonnull(strstr(summary, "\"launch_state\":\"running\""));
	ck_assert_ptr_nonnull(strstr(summary, "\"ro_mode\":\"none\""));
	ck_assert_ptr_nonnull(strstr(summary, "\"digest_alg\":\"sha384\""));
	ck_assert_ptr_nonnull(strstr(summary, "\"digest\":\"e1e1ca029dd7973ab9513295be68198472dcd4"));
	hs_done(&p);
}
END_TEST

/* A refused call says why; the summary names the RO mode the VMM used. */
START_TEST(log_refusals_and_ro_mode)
{
	static struct hs_proc p;
	const char *log;

	hs_spawn(&p, NULL, NULL, (const char *[]){ "rule", "readonly", NULL });
	log = read_log(&p);
	ck_assert_ptr_nonnull(strstr(log, "\"ret\":-1,\"errno\":\"EINVAL\",\"why\":\"read-only "
				     "memslots are refused for SEV-ES and SNP VMs (\u00a71.4)\""));
	ck_assert_ptr_nonnull(strstr(log, "\"obj\":\"vm0\",\"event\":\"summary\",\"at\":\"close\","
				     "\"vm_type\":\"default\""));
	ck_assert_ptr_nonnull(strstr(log, "\"ro_mode\":\"memslot\""));
	hs_done(&p);
	hs_spawn(&p, NULL, (const char *[]){ "HOSTSIM_SCRIPT=acpi-off", NULL },
		 (const char *[]){ "rule", "run-sev", NULL });
	log = read_log(&p);
	ck_assert_ptr_nonnull(strstr(log, "\"vm_type\":\"sev-es\""));
	ck_assert_ptr_nonnull(strstr(log, "\"ro_mode\":\"mprotect\""));
	ck_assert_ptr_nonnull(strstr(log, "\"digest_alg\":\"sha256\""));
	hs_done(&p);
}
END_TEST

/* A real VMM on the simulated host: lkvm-sev-dyn runs the default script. */
START_TEST(lkvm_sev_dyn_runs)
{
	static struct hs_proc p;
	const char *bin = LKVM_BIN "-dyn";

	if (access(bin, X_OK)) {
		printf("SKIP hostsim lkvm-sev-dyn: %s was not built\n", bin);
		return;
	}
	hs_spawn(&p, bin, NULL, (const char *[]){ "run", NULL });
	ck_assert_msg(p.status == 0, "status %d: %s", p.status, p.err);
	ck_assert_str_eq(p.out, "hostsim: guest running\n");
	ck_assert_ptr_nonnull(strstr(read_log(&p), "\"ro_mode\":\"memslot\""));
	hs_done(&p);
}
END_TEST

/*
 * lkvm-sev's handling of guest writes to protected firmware, which this
 * build host cannot show (its KVM turns them into MMIO exits): on the
 * simulated host, as on hardware, a write to a page whose host mapping is
 * read-only makes KVM_RUN fail with EFAULT, with or without the
 * KVM_EXIT_MEMORY_FAULT details.
 */
static void lkvm_firmware_write(const char *mode, const char *ro_write, int status,
				const char *err_line)
{
	static struct hs_proc p;
	char ro_env[64];

	snprintf(ro_env, sizeof(ro_env), "HOSTSIM_RO_WRITE=%s", ro_write);
	hs_spawn(&p, LKVM_BIN "-dyn",
		 (const char *[]){ "HOSTSIM_SCRIPT=serial:w\\n;write:0xffff8000:0x55;acpi-off",
				   ro_env, NULL },
		 (const char *[]){ "run", "--ro-mode", mode, NULL });
	ck_assert_msg(p.status == status, "status %d: %s", p.status, p.err);
	ck_assert_str_eq(p.out, "w\n");
	ck_assert_msg(strstr(p.err, err_line), "stderr: %s", p.err);
	hs_done(&p);
}

START_TEST(lkvm_firmware_write_efault)
{
	lkvm_firmware_write("mprotect", "efault", 126,
			    "lkvm-sev: guest crashed: vCPU 0 wrote to protected firmware at GPA "
			    "0xffff8000 (mprotect mode): the VM is stopped\nvCPU 0 registers:\n");
	lkvm_firmware_write("mprotect", "efault-bare", 126,
			    "lkvm-sev: guest crashed: KVM_RUN on vCPU 0 failed with EFAULT and no "
			    "fault address (a guest write to protected firmware?)\n");
	/* A read-only memory slot: the write is an MMIO exit, dropped as a ROM drops it. */
	lkvm_firmware_write("memslot", "efault", 0,
			    "lkvm-sev: warning: guest wrote to read-only firmware at GPA 0xffff8000: "
			    "ignored");
}
END_TEST

Suite *hostsim_suite(void)
{
	Suite *s = suite_create("hostsim");
	TCase *tc;

	hostsim_add_rule_tests(s);
	if (access(hs_shared("vectors/measure-vectors.tsv"), R_OK)) {
		printf("SKIP hostsim launch digests and log: %s is missing (../shared beside "
		       "the clone)\n", hs_shared("vectors/measure-vectors.tsv"));
		return s;
	}
	tc = tcase_create("launch digests");
	tcase_set_timeout(tc, 120);
	tcase_add_loop_test(tc, launch_vector, 0, vector_count());
	tcase_add_test(tc, bsp_vmsa_matches_reference);
	tcase_add_test(tc, legacy_es_init_digest);
	tcase_add_test(tc, vmsa_follows_register_state);
	tcase_add_test(tc, direct_vmsa_digest);
	suite_add_tcase(s, tc);
	tc = tcase_create("log");
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, log_format);
	tcase_add_test(tc, log_refusals_and_ro_mode);
	tcase_add_test(tc, lkvm_sev_dyn_runs);
	tcase_add_test(tc, lkvm_firmware_write_efault);
	suite_add_tcase(s, tc);
	return s;
}
