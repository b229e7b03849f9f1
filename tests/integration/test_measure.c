// SPDX-License-Identifier: GPL-2.0-only
/*
 * `lkvm-sev measure` as a user runs it: exact digests for vectors from
 * ../shared/vectors, --json (valid for python3 -m json.tool, and what it
 * holds), every refusal's message and status 2, and --help.
 */
#include <cpuid.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "tests/hostsim/test_hostsim.h"
#include "tests/tests.h"

#define AMDSEV_SNP_1 "19358ba9a7615534a9a1e2f0dfc29384dcd4dcb7062ff9c6013b26869a5fc6ec" \
		     "abe033c48dd6f6db5d6d76e7c5df632d\n"
#define AMDSEV_OVMF_HASH "086e2e9149ebf45abdc3445fba5b2da8270bdbb04094d7a2c37faaa4b24af3aa" \
			 "16aff8c374c2a55c467a50da6d466b74\n"
#define AMDSEV_SEV_ES_4_KERNEL \
	"0dccbcaba8e90b261bd0d2e1863a2f9da714768b7b2a19363cd6ae35aa90de91\n"
#define DEBIAN_SEV "7b456907dd0786d415999e801a1ac4637b8ed4d7cf5378cfc6edbe5e574dd773\n"

static char dir[64], amdsev[4096], x64[4096], empty[128];

static void setup(void)
{
	int fd;

	test_dir_create(dir, sizeof(dir));
	snprintf(amdsev, sizeof(amdsev), "%s", hs_shared("vectors/ovmf_AmdSev_suffix.bin"));
	snprintf(x64, sizeof(x64), "%s", hs_shared("vectors/ovmf_OvmfX64_suffix.bin"));
	ck_assert_msg(!access(amdsev, R_OK) && !access(x64, R_OK), "%s: the vectors are missing",
		      amdsev);
	snprintf(empty, sizeof(empty), "%s/empty", dir);
	fd = open(empty, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	ck_assert_int_ge(fd, 0);
	close(fd);
}

static void teardown(void)
{
	test_dir_remove(dir);
}

/* Runs `lkvm-sev measure ARGS`: its status and whole stdout and stderr must be these. */
static void expect(const char *const *args, int status, const char *out, const char *err)
{
	const char *argv[40] = { "measure" };
	struct vmm_proc p;
	int n;

	for (n = 1; args[n - 1]; n++)
		argv[n] = args[n - 1];
	vmm_run(&p, argv, 20);
	ck_assert_msg(p.status == status, "status %d, stderr: %s", p.status, p.err);
	ck_assert_str_eq(p.err, err);
	ck_assert_str_eq(p.out, out);
}

#define DIGEST(out, ...) expect((const char *const[]){ __VA_ARGS__, NULL }, 0, out, "")

START_TEST(vector_digests)
{
	DIGEST(AMDSEV_SNP_1, "--sev-snp", "--firmware", amdsev, "--cpu", "EPYC-v4");
	DIGEST(AMDSEV_SNP_1, "--sev-snp", "--firmware", amdsev, "--cpu-sig", "800f12", "-c", "4",
	       "--direct-vmsa", "on");
	DIGEST(AMDSEV_OVMF_HASH, "--sev-snp", "--firmware", amdsev, "--firmware-digest-only");
	DIGEST(AMDSEV_SEV_ES_4_KERNEL, "--sev-es", "--firmware", amdsev, "-c", "4", "--cpu",
	       "EPYC-v4", "-k", empty, "-i", empty, "-p", "");
	DIGEST(DEBIAN_SEV, "--sev", "--firmware", "/usr/share/ovmf/OVMF.fd");
	DIGEST(DEBIAN_SEV, "--sev-es", "--firmware", "/usr/share/ovmf/OVMF.fd",
	       "--firmware-digest-only");
}
END_TEST

/* Runs measure with @args, expecting success; the output lands in DIR/out.json. */
static void json_run(const char *const *args, struct vmm_proc *p, char *path, size_t size)
{
	char cmd[512];
	FILE *f;

	vmm_run(p, args, 20);
	ck_assert_msg(p->status == 0, "status %d, stderr: %s", p->status, p->err);
	snprintf(path, size, "%s/out.json", dir);
	f = fopen(path, "w");
	ck_assert_ptr_nonnull(f);
	fwrite(p->out, 1, p->out_len, f);
	fclose(f);
	snprintf(cmd, sizeof(cmd), "python3 -m json.tool %s >/dev/null", path);
	ck_assert_msg(system(cmd) == 0, "not JSON: %s", p->out);
}

START_TEST(json_output)
{
	struct vmm_proc p;
	char path[256];

	json_run((const char *[]){ "measure", "--sev-snp", "--firmware", amdsev, "--cpu",
				   "EPYC-v4", "-c", "2", "--debug-swap", "-k", empty, "-p",
				   "quote\" tab\t", "--json", NULL }, &p, path, sizeof(path));
	ck_assert_ptr_nonnull(strstr(p.out, "\"mode\": \"SNP\""));
	ck_assert_ptr_nonnull(strstr(p.out, "\"algorithm\": \"sha384\""));
	/* KVM_SEV_INIT2's, as run --report gives them; the VMSAs' with SNP_ACTIVE. */
	ck_assert_ptr_nonnull(strstr(p.out, "\"vmsa_features\": \"0x20\""));
	ck_assert_ptr_nonnull(strstr(p.out, "\"sev_features\": \"0x21\""));
	ck_assert_ptr_nonnull(strstr(p.out, "\"cpu_sig\": \"0x800f12\""));
	ck_assert_ptr_nonnull(strstr(p.out, "\"cmdline\": \"quote\\\" tab\\t\""));
	ck_assert_uint_eq(count_substr(p.out, "\"gpa\""), 10);
	ck_assert_ptr_nonnull(strstr(p.out, "\"what\": \"SNP metadata section 5 (KERNEL_HASHES): "
				     "kernel hashes\""));
	/* Addresses are numbers (lkvm-sev(1), JSON OUTPUT): 0xfffffffff000. */
	ck_assert_uint_eq(count_substr(p.out, "\"gpa\": 281474976706560"), 2);

	json_run((const char *[]){ "measure", "--sev", "--firmware", x64, "--json", NULL },
		 &p, path, sizeof(path));
	ck_assert_ptr_nonnull(strstr(p.out, "\"digest\": \"b4c021e085fb83ceffe6571a3d357b4a"));
	/* INIT2 with none: SEV has no VMSA to carry them. */
	ck_assert_ptr_nonnull(strstr(p.out, "\"vmsa_features\": \"0x0\""));
	ck_assert_ptr_nonnull(strstr(p.out, "\"sev_features\": null"));
	ck_assert_ptr_nonnull(strstr(p.out, "\"command\": \"LAUNCH_UPDATE_DATA\""));
	ck_assert_uint_eq(count_substr(p.out, "\"gpa\""), 1);
}
END_TEST

#define REFUSED(msg, ...) expect((const char *const[]){ __VA_ARGS__, NULL }, 2, "", \
				 "lkvm-sev: " msg "\n")

START_TEST(refusals)
{
	char want[8192];

	/* As QEMU refuses it: an SNP digest of firmware without SNP metadata means nothing. */
	snprintf(want, sizeof(want), "lkvm-sev: --firmware %s: no SNP metadata (OVMF's SEV "
		 "metadata, GUID dc886566-984a-4798-a75e-5585a7bf67cc): it cannot launch an SNP "
		 "guest\n", guest("hello"));
	expect((const char *const[]){ "--sev-snp", "--firmware", guest("hello"), "--cpu", "EPYC",
				      NULL }, 2, "", want);

	REFUSED("measure needs the launch: --sev, --sev-es or --sev-snp", "--firmware", amdsev);
	REFUSED("measure needs --firmware FILE: the digest covers the firmware", "--sev");
	REFUSED("--sev-snp needs the vCPU model, whose signature is in every VMSA: --cpu MODEL "
		"or --cpu-sig HEX", "--sev-snp", "--firmware", amdsev);
	REFUSED("--legacy-vm-type cannot go with --debug-swap: KVM_SEV_INIT and "
		"KVM_SEV_ES_INIT take no VMSA features", "--sev-es", "--firmware", amdsev,
		"--cpu", "EPYC", "--legacy-vm-type", "--debug-swap");
	REFUSED("--direct-vmsa auto: measure cannot see a host: give on or off", "--sev-snp",
		"--firmware", amdsev, "--cpu", "EPYC", "--direct-vmsa", "auto");
	REFUSED("-i needs a kernel to go with it (-k)", "--sev", "--firmware", amdsev, "-i",
		empty);
	REFUSED("-c 256: not a vCPU count from 1 to 255", "--sev", "-c", "256");
	REFUSED("unknown option '--cpus-sig' (see lkvm-sev measure --help)", "--cpus-sig", "1");
	REFUSED("--firmware needs a value (see lkvm-sev measure --help)", "--sev", "--firmware");
	REFUSED("-k needs a value (see lkvm-sev measure --help)", "--sev", "-k");
	REFUSED("unexpected argument 'OVMF.fd' (see lkvm-sev measure --help)", "--sev",
		"OVMF.fd");
	REFUSED("--firmware: empty file name", "--sev", "--firmware", "");
	snprintf(want, sizeof(want), "lkvm-sev: %s has no SEV kernel-hash table (its GUID table "
		 "lacks 7255371f-3a3b-4b04-927b-1da6efa8d454): it cannot verify -k/-i/-p\n", x64);
	expect((const char *const[]){ "--sev-snp", "--firmware", x64, "--cpu", "EPYC", "-k",
				      empty, NULL }, 2, "", want);
}
END_TEST

/* --cpu host, as QEMU's -cpu host: this machine's CPUID leaf 1 signature, the same digest. */
START_TEST(cpu_host)
{
	struct vmm_proc host, sig;
	unsigned int eax, ebx, ecx, edx;
	char hex[16];

	__cpuid(1, eax, ebx, ecx, edx);
	(void)ebx, (void)ecx, (void)edx;
	snprintf(hex, sizeof(hex), "0x%x", eax);
	vmm_run(&host, (const char *[]){ "measure", "--sev-snp", "--firmware", amdsev, "--cpu",
					 "host", NULL }, 20);
	vmm_run(&sig, (const char *[]){ "measure", "--sev-snp", "--firmware", amdsev, "--cpu-sig",
					hex, NULL }, 20);
	ck_assert_msg(host.status == 0, "status %d: %s", host.status, host.err);
	ck_assert_uint_eq(strlen(host.out), 97);
	ck_assert_str_eq(host.out, sig.out);
}
END_TEST

/* QEMU's spellings get a line naming lkvm-sev's, never a parse gone wrong. */
START_TEST(qemu_habits)
{
	REFUSED("-kernel is QEMU's; lkvm-sev measure takes -k FILE (--kernel)", "--sev",
		"--firmware", amdsev, "-kernel", "bz");
	REFUSED("-append is QEMU's; lkvm-sev measure takes -p TEXT (--params)", "-append", "x");
	REFUSED("-smp is QEMU's; lkvm-sev measure takes -c N (--cpus)", "--sev", "-smp", "2");
	REFUSED("unknown option -x in '-xyz' (see lkvm-sev measure --help)", "-xyz");
}
END_TEST

START_TEST(refused_files)
{
	char want[512], path[256];
	int fd;

	snprintf(path, sizeof(path), "%s/missing", dir);
	snprintf(want, sizeof(want), "lkvm-sev: --firmware %s: no such file\n", path);
	expect((const char *const[]){ "--sev", "--firmware", path, NULL }, 2, "", want);
	snprintf(want, sizeof(want), "lkvm-sev: -k %s: no such file\n", path);
	expect((const char *const[]){ "--sev", "--firmware", amdsev, "-k", path, NULL }, 2, "",
	       want);
	snprintf(want, sizeof(want), "lkvm-sev: -i %s: not a regular file\n", dir);
	expect((const char *const[]){ "--sev", "--firmware", amdsev, "-k", empty, "-i", dir,
				      NULL }, 2, "", want);
	snprintf(path, sizeof(path), "%s/odd.fd", dir);
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	ck_assert_int_eq(write(fd, "0123456789", 10), 10);
	close(fd);
	snprintf(want, sizeof(want), "lkvm-sev: --firmware %s: size 10 bytes is not a multiple "
		 "of 4 KiB\n", path);
	expect((const char *const[]){ "--sev", "--firmware", path, NULL }, 2, "", want);
}
END_TEST

START_TEST(help)
{
	struct vmm_proc p;

	vmm_run(&p, (const char *[]){ "measure", "--help", NULL }, 10);
	ck_assert_int_eq(p.status, 0);
	ck_assert_str_eq(p.err, "");
	ck_assert_ptr_nonnull(strstr(p.out, "usage: lkvm-sev measure"));
	ck_assert_ptr_nonnull(strstr(p.out, "VMSA features each mode measures:"));
	ck_assert_ptr_nonnull(strstr(p.out, "SNP      SNP_ACTIVE (0x1)"));
	ck_assert_ptr_nonnull(strstr(p.out, "--legacy-vm-type"));
}
END_TEST

Suite *measure_suite(void)
{
	Suite *s = suite_create("measure");
	TCase *tc = tcase_create("measure");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, vector_digests);
	tcase_add_test(tc, json_output);
	tcase_add_test(tc, refusals);
	tcase_add_test(tc, cpu_host);
	tcase_add_test(tc, qemu_habits);
	tcase_add_test(tc, refused_files);
	tcase_add_test(tc, help);
	tcase_set_timeout(tc, 60);
	suite_add_tcase(s, tc);
	return s;
}
