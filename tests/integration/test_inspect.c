// SPDX-License-Identifier: GPL-2.0-only
/*
 * `lkvm-sev inspect` as users run it: the edk2 fixtures (exact text, JSON
 * checked by Python's parser), Debian's OVMF.fd, a malformed image, an image
 * without the GUID table, files that cannot be read, and bad options.
 */
#include <endian.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "tests/hostsim/test_hostsim.h"
#include "tests/tests.h"

#define DEBIAN_OVMF "/usr/share/ovmf/OVMF.fd"

static char tmpdir[64];

static void setup(void)
{
	test_dir_create(tmpdir, sizeof(tmpdir));
}

static void teardown(void)
{
	test_dir_remove(tmpdir);
}

static const char *vector(const char *name)
{
	static char path[4096];

	snprintf(path, sizeof(path), "%s", hs_shared(name));
	ck_assert_msg(!access(path, R_OK), "%s is missing: ../shared (beside the clone) must "
		      "hold the vectors", path);
	return path;
}

/* Runs lkvm-sev @args: @status, and on stderr nothing or "lkvm-sev: @msg" alone. */
static void run_args(struct vmm_proc *p, const char *const *args, int status, const char *msg)
{
	char want[1024] = "";

	vmm_run(p, args, 10);
	ck_assert_msg(p->status == status, "status %d: %s", p->status, p->err);
	if (msg) {
		snprintf(want, sizeof(want), "lkvm-sev: %s\n", msg);
		ck_assert_str_eq(p->out, "");
	}
	ck_assert_str_eq(p->err, want);
}

static void inspect(struct vmm_proc *p, const char *file, const char *opt, int status)
{
	run_args(p, (const char *[]){ "inspect", file, opt, NULL }, status, NULL);
}

static void refused(const char *const *args, const char *msg)
{
	struct vmm_proc p;

	run_args(&p, args, 2, msg);
}

/* Python's JSON parser reads @json; print(@expr) over it must give @want. */
static void json_is(const char *json, const char *expr, const char *want)
{
	char path[128], cmd[1024], out[4096] = "";
	FILE *f;
	size_t n;

	snprintf(path, sizeof(path), "%s/out.json", tmpdir);
	f = fopen(path, "w");
	ck_assert_ptr_nonnull(f);
	fputs(json, f);
	fclose(f);
	snprintf(cmd, sizeof(cmd), "python3 -m json.tool %s >/dev/null && python3 -c 'import "
		 "json, sys; d = json.load(open(sys.argv[1])); print(%s)' %s", path, expr, path);
	f = popen(cmd, "r");
	ck_assert_ptr_nonnull(f);
	n = fread(out, 1, sizeof(out) - 1, f);
	out[n] = '\0';
	ck_assert_msg(pclose(f) == 0, "not valid JSON, or no python3:\n%s", json);
	out[strcspn(out, "\n")] = '\0';
	ck_assert_str_eq(out, want);
}

static const char amdsev_text[] =
"size: 4096 bytes (0x1000)\n"
"loads at: GPA 0xfffff000-0xffffffff (the image ends at 4 GiB)\n"
"GUID table: 136 bytes at offset 0xf58-0xfdf (footer at 0xfce), 5 entries\n"
"  offset    length  GUID                                  name\n"
"  0xfb8         22  00f771de-1a7e-4fcb-890e-68c77e2fb44e  SEV info block\n"
"  0xf9e         26  4c2eb361-7d9b-4cc3-8081-127c90d3d294  SEV secret area\n"
"  0xf84         26  7255371f-3a3b-4b04-927b-1da6efa8d454  SEV hash table\n"
"  0xf6e         22  dc886566-984a-4798-a75e-5585a7bf67cc  SNP metadata\n"
"  0xf58         22  e47a6535-984a-4798-865e-4685a7bf8ec2  TDX metadata\n"
"SEV info block: SEV-ES AP reset address 0x80b004: CS:IP 0x800000:0xb004 (CS base, IP)\n"
"kernel hashes: GPA 0x810c00, 0x400 bytes\n"
"secret area: GPA 0x810000, 0xc00 bytes\n"
"SNP metadata: at offset 0xaac (end - 0x554), version 1, 100 bytes, 7 sections\n"
"  GPA range              size        type           launch\n"
"  0x800000-0x808fff      0x9000      SEC_MEM        SNP: ZERO pages (pre-validated, "
"measured as zeros)\n"
"  0x80a000-0x80cfff      0x3000      SEC_MEM        SNP: ZERO pages (pre-validated, "
"measured as zeros)\n"
"  0x80d000-0x80dfff      0x1000      SECRETS        SNP: SECRETS page\n"
"  0x80e000-0x80efff      0x1000      CPUID          SNP: CPUID page (the VMM's CPUID "
"table)\n"
"  0x80f000-0x80ffff      0x1000      SVSM_CAA       SNP: ZERO\n"
"  0x810000-0x810fff      0x1000      KERNEL_HASHES  SNP: NORMAL page with the kernel "
"hash table when a kernel is given, else ZERO\n"
"  0x811000-0x81ffff      0xf000      SEC_MEM        SNP: ZERO pages (pre-validated, "
"measured as zeros)\n"
"reset vector: at GPA 0xfffffff0: 0f 20 c0 a8 01 74 05 e9 2c ff ff ff e9 11 ff 90\n"
"  real mode, as at reset: mov eax, cr0; test al, 0x1; jz 0xfffffffc (taken); "
"jmp 0xffffff10\n"
"  jumps to 0xffffff10\n";

START_TEST(amdsev_text_output)
{
	const char *path = vector("vectors/ovmf_AmdSev_suffix.bin");
	char want[4096];
	struct vmm_proc p;

	inspect(&p, path, NULL, 0);
	snprintf(want, sizeof(want), "file: %s\n%s", path, amdsev_text);
	ck_assert_str_eq(p.out, want);
}
END_TEST

START_TEST(fixtures_json)
{
	struct vmm_proc p;

	inspect(&p, vector("vectors/ovmf_AmdSev_suffix.bin"), "--json", 0);
	json_is(p.out, "d[\"size\"], d[\"load_gpa\"], d[\"table\"][\"length\"], "
		"[e[\"name\"] for e in d[\"table\"][\"entries\"]]",
		"4096 4294963200 136 ['SEV info block', 'SEV secret area', 'SEV hash table', "
		"'SNP metadata', 'TDX metadata']");
	json_is(p.out, "hex(d[\"sev_info\"][\"reset_addr\"]), hex(d[\"sev_info\"][\"cs_base\"]), "
		"hex(d[\"sev_info\"][\"ip\"]), d[\"kernel_hashes\"], d[\"secret_area\"]",
		"0x80b004 0x800000 0xb004 {'gpa': 8457216, 'size': 1024} "
		"{'gpa': 8454144, 'size': 3072}");
	json_is(p.out, "d[\"snp_metadata\"][\"offset_from_end\"], d[\"snp_metadata\"][\"version\"],"
		" [(hex(s[\"gpa\"]), hex(s[\"size\"]), s[\"type_name\"]) for s in "
		"d[\"snp_metadata\"][\"sections\"]][4:], hex(d[\"reset_vector\"][\"target\"])",
		"1364 1 [('0x80f000', '0x1000', 'SVSM_CAA'), ('0x810000', '0x1000', "
		"'KERNEL_HASHES'), ('0x811000', '0xf000', 'SEC_MEM')] 0xffffff10");
	inspect(&p, vector("vectors/ovmf_OvmfX64_suffix.bin"), "--json", 0);
	json_is(p.out, "d[\"kernel_hashes\"], d[\"secret_area\"], "
		"hex(d[\"sev_info\"][\"reset_addr\"]), len(d[\"snp_metadata\"][\"sections\"]), "
		"d[\"snp_metadata\"][\"sections\"][5]",
		"None None 0x80b004 6 {'gpa': 8454144, 'size': 65536, 'type': 1, 'type_name': "
		"'SEC_MEM', 'launch': 'SNP: ZERO pages (pre-validated, measured as zeros)'}");
}
END_TEST

START_TEST(debian_ovmf)
{
	struct vmm_proc p;

	ck_assert_msg(!access(DEBIAN_OVMF, R_OK), "%s is missing: install Debian's ovmf "
		      "package (./dev.sh does)", DEBIAN_OVMF);
	inspect(&p, DEBIAN_OVMF, NULL, 0);
	ck_assert_ptr_nonnull(strstr(p.out, "\nloads at: GPA 0xffe00000-0xffffffff (the image "
				     "ends at 4 GiB)\n"));
	ck_assert_ptr_nonnull(strstr(p.out, "\nGUID table: 136 bytes at offset "
				     "0x1fff58-0x1fffdf (footer at 0x1fffce), 5 entries\n"));
	ck_assert_ptr_nonnull(strstr(p.out, "\nkernel hashes: none (this firmware cannot "
				     "verify kernel hashes)\nsecret area: none\n"));
	ck_assert_ptr_nonnull(strstr(p.out, "\nSNP metadata: at offset 0x1ffad4 (end - 0x52c), "
				     "version 1, 76 bytes, 5 sections\n"));
	ck_assert_ptr_nonnull(strstr(p.out, "\n  0x80f000-0x81ffff      0x11000     SEC_MEM "));
	ck_assert_ptr_nonnull(strstr(p.out, "\n  jumps to 0xffffff08\n"));
	inspect(&p, "--json", DEBIAN_OVMF, 0);
	json_is(p.out, "d[\"size\"], hex(d[\"sev_info\"][\"reset_addr\"]), d[\"kernel_hashes\"], "
		"d[\"snp_metadata\"][\"offset_from_end\"], len(d[\"snp_metadata\"][\"sections\"])",
		"2097152 0x80b004 None 1324 5");
}
END_TEST

static const char *write_file(const char *name, const void *data, size_t size)
{
	static char path[256];
	int fd;

	snprintf(path, sizeof(path), "%s/%s", tmpdir, name);
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(write(fd, data, size), (ssize_t)size);
	close(fd);
	return path;
}

/* A footer whose one entry has length 0: a walk that trusts it never ends. */
START_TEST(malformed)
{
	static uint8_t img[4096];
	static const uint8_t footer[16] = { 0xde, 0x82, 0xb5, 0x96, 0xb2, 0x1f, 0xf7, 0x45,
					    0xba, 0xea, 0xa3, 0x66, 0xc5, 0x5a, 0x08, 0x2d };
	const char *path;
	char msg[1024];

	memcpy(img + 4096 - 48, footer, 16);
	img[4096 - 50] = 40;
	img[4096 - 16] = 0xeb;		/* jmp: something at the reset vector */
	path = write_file("bad.fd", img, sizeof(img));
	snprintf(msg, sizeof(msg), "%s: GUID table entry at offset 0xfbc: length 0 is less "
		 "than the 18 bytes of its length and GUID", path);
	refused((const char *[]){ "inspect", path, NULL }, msg);
	refused((const char *[]){ "inspect", path, "--json", NULL }, msg);
}
END_TEST

START_TEST(not_ovmf)
{
	struct vmm_proc p;

	inspect(&p, guest("tiny"), NULL, 0);
	ck_assert_ptr_nonnull(strstr(p.out, "\nsize: 65536 bytes (0x10000)\nloads at: GPA "
				     "0xffff0000-0xffffffff (the image ends at 4 GiB)\n"
				     "GUID table: none (no footer GUID "
				     "96b582de-1fb2-45f7-baea-a366c55a082d at end - 48: not an "
				     "OVMF image with a GUID table)\n"));
	ck_assert_ptr_nonnull(strstr(p.out, "\nSNP metadata: none (an SNP launch needs it)\n"));
	ck_assert_ptr_nonnull(strstr(p.out, "\n  real mode, as at reset: jmp 0xffff8000\n"
				     "  jumps to 0xffff8000\n"));
	inspect(&p, guest("tiny"), "--json", 0);
	json_is(p.out, "d[\"table\"], d[\"sev_info\"], d[\"snp_metadata\"], "
		"hex(d[\"reset_vector\"][\"target\"])", "None None None 0xffff8000");
}
END_TEST

START_TEST(bad_files)
{
	char path[512], msg[1024];
	struct vmm_proc p;

	snprintf(path, sizeof(path), "%s/missing.fd", tmpdir);
	snprintf(msg, sizeof(msg), "inspect %s: no such file", path);
	refused((const char *[]){ "inspect", path, NULL }, msg);
	snprintf(msg, sizeof(msg), "inspect %s: not a regular file", tmpdir);
	refused((const char *[]){ "inspect", tmpdir, NULL }, msg);
	snprintf(path, sizeof(path), "%s", write_file("empty.fd", "", 0));
	snprintf(msg, sizeof(msg), "inspect %s: empty file", path);
	refused((const char *[]){ "inspect", path, "--json", NULL }, msg);

	snprintf(path, sizeof(path), "%s", write_file("secret.fd", "0123456789abcdef", 16));
	ck_assert_int_eq(chmod(path, 0), 0);
	vmm_spawn_no_dac(&p, (const char *[]){ "inspect", path, NULL });
	ck_assert_int_eq(vmm_finish(&p, 10), 2);
	snprintf(msg, sizeof(msg), "lkvm-sev: inspect %s: cannot open it: Permission denied\n",
		 path);
	ck_assert_str_eq(p.err, msg);
}
END_TEST

/*
 * Files that cannot be firmware, for inspect and run alike: a variable
 * store (OVMF_VARS, which belongs to --vars), a size that is not whole
 * pages, nothing at the reset vector. Combined images (OVMF.fd) start with
 * a variable store and are firmware.
 */
START_TEST(not_firmware)
{
	static uint8_t img[8192];
	char path[512], msg[1024];
	uint64_t fv_len = htole64(sizeof(img));

	/* EFI_SYSTEM_NV_DATA_FV_GUID at 16, the volume's length at 32, "_FVH" at 40. */
	memcpy(img + 16, "\x8d\x2b\xf1\xff\x96\x76\x8b\x4c\xa9\x85\x27\x47\x07\x5b\x4f\x50", 16);
	memcpy(img + 32, &fv_len, 8);
	memcpy(img + 40, "_FVH", 4);
	img[sizeof(img) - 16] = 0xeb;
	snprintf(path, sizeof(path), "%s", write_file("vars.fd", img, sizeof(img)));
	snprintf(msg, sizeof(msg), "inspect %s: a UEFI variable store (OVMF_VARS), not firmware: "
		 "it goes to --vars, the firmware (OVMF_CODE) to --firmware", path);
	refused((const char *[]){ "inspect", path, NULL }, msg);
	snprintf(msg, sizeof(msg), "--firmware %s: a UEFI variable store (OVMF_VARS), not "
		 "firmware: it goes to --vars, the firmware (OVMF_CODE) to --firmware", path);
	refused((const char *[]){ "run", "--firmware", path, NULL }, msg);

	fv_len = htole64(4096);		/* a store, then code: OVMF.fd's shape */
	memcpy(img + 32, &fv_len, 8);
	snprintf(path, sizeof(path), "%s", write_file("combined.fd", img, sizeof(img)));
	inspect(&(struct vmm_proc){ 0 }, path, NULL, 0);

	img[sizeof(img) - 16] = 0;
	snprintf(path, sizeof(path), "%s", write_file("blank.fd", img, sizeof(img)));
	snprintf(msg, sizeof(msg), "inspect %s: nothing at the reset vector (its last 16 bytes "
		 "are all 0x00): not a firmware image", path);
	refused((const char *[]){ "inspect", path, NULL }, msg);
	memset(img, 0xff, sizeof(img));
	snprintf(path, sizeof(path), "%s", write_file("erased.fd", img, sizeof(img)));
	snprintf(msg, sizeof(msg), "--firmware %s: nothing at the reset vector (its last 16 "
		 "bytes are all 0xff): not a firmware image", path);
	refused((const char *[]){ "run", "--firmware", path, NULL }, msg);
	snprintf(path, sizeof(path), "%s", write_file("odd.fd", img, 5000));
	snprintf(msg, sizeof(msg), "inspect %s: not whole 4 KiB pages: not a firmware image",
		 path);
	refused((const char *[]){ "inspect", path, NULL }, msg);
}
END_TEST

START_TEST(options)
{
	struct vmm_proc p;

	vmm_run(&p, (const char *[]){ "inspect", "--help", NULL }, 10);
	ck_assert_int_eq(p.status, 0);
	ck_assert_int_eq(strncmp(p.out, "usage: lkvm-sev inspect FILE [--json]\n", 38), 0);
	refused((const char *[]){ "inspect", NULL },
		"inspect needs a FILE (see lkvm-sev inspect --help)");
	refused((const char *[]){ "inspect", "--jsn", "x", NULL },
		"unknown option '--jsn' (see lkvm-sev inspect --help)");
	refused((const char *[]){ "inspect", "a", "b", NULL },
		"unexpected argument 'b' (see lkvm-sev inspect --help)");
	refused((const char *[]){ "inspect", "", NULL }, "inspect: empty file name");
}
END_TEST

Suite *inspect_suite(void)
{
	Suite *s = suite_create("inspect");
	TCase *tc = tcase_create("inspect");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, amdsev_text_output);
	tcase_add_test(tc, fixtures_json);
	tcase_add_test(tc, debian_ovmf);
	tcase_add_test(tc, malformed);
	tcase_add_test(tc, not_ovmf);
	tcase_add_test(tc, bad_files);
	tcase_add_test(tc, not_firmware);
	tcase_add_test(tc, options);
	suite_add_tcase(s, tc);
	return s;
}
