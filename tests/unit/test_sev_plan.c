// SPDX-License-Identifier: GPL-2.0-only
/*
 * The SEV launch plan and what it is made of: CPU models, VMSA pages
 * (against the reference page in ../shared/vectors), the kernel-hash
 * table, the plan of each mode for the AmdSev fixture, the SEV options'
 * rules, and every refusal.
 */
#include <getopt.h>
#include <nettle/sha2.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sev/cpu.h"
#include "sev/digest.h"
#include "sev/hashes.h"
#include "sev/options.h"
#include "sev/plan.h"
#include "sev/vmsa.h"
#include "tests/hostsim/test_hostsim.h"
#include "tests/tests.h"
#include "tests/unit/test_sev.h"

#define AMDSEV		"ovmf_AmdSev_suffix.bin"
#define OVMFX64		"ovmf_OvmfX64_suffix.bin"
#define AMDSEV_RESET	0x0080b004U

uint8_t *sev_read_file(const char *path, size_t *size)
{
	FILE *f = fopen(path, "rb");
	uint8_t *data;
	long n;

	ck_assert_msg(f, "%s: cannot open it (the vectors are part of the project)", path);
	ck_assert_int_eq(fseek(f, 0, SEEK_END), 0);
	n = ftell(f);
	rewind(f);
	data = malloc((size_t)n + 1);
	ck_assert_ptr_nonnull(data);
	ck_assert_int_eq(fread(data, 1, (size_t)n, f), (size_t)n);
	fclose(f);
	*size = (size_t)n;
	return data;
}

void sev_fw_load(struct sev_fw *fw, const char *name)
{
	char rel[256];
	struct lk_err err = { 0 };

	snprintf(rel, sizeof(rel), "vectors/%s", name);
	snprintf(fw->path, sizeof(fw->path), "%s", name[0] == '/' ? name : hs_shared(rel));
	fw->data = sev_read_file(fw->path, &fw->size);
	ck_assert_msg(!ovmf_parse(fw->path, fw->data, fw->size, &fw->ovmf, &err), "%s", err.msg);
}

void sev_fw_free(struct sev_fw *fw)
{
	free(fw->data);
	fw->data = NULL;
}

struct plan_config sev_fw_config(const struct sev_fw *fw, enum sev_mode mode)
{
	return (struct plan_config){
		.mode = mode, .firmware_path = fw->path, .firmware = fw->data,
		.firmware_size = fw->size, .ovmf = &fw->ovmf, .nr_cpus = 1,
		.cpu_sig = SIG_EPYC, .direct_vmsa_gpa = SEV_DIRECT_VMSA_GPA,
	};
}

const char *sev_digest_hex(const struct plan_config *pc, char *buf)
{
	struct lk_err err = { 0 };
	struct launch_digest d;
	struct plan plan;

	ck_assert_msg(!plan_build(&plan, pc, &err), "plan refused: %s", err.msg);
	plan_digest(&plan, plan.nr_steps, &d);
	launch_digest_hex(&d, buf);
	plan_free(&plan);
	return buf;
}

/* ---- CPU models ---- */

START_TEST(cpu_models)
{
	static const struct { const char *name; uint32_t sig; } want[] = {
		{ "EPYC", 0x800f12 }, { "EPYC-v4", 0x800f12 }, { "EPYC-Rome", 0x830f10 },
		{ "EPYC-Milan", 0xa00f11 }, { "EPYC-Genoa", 0xa10f10 }, { "EPYC-Turin", 0xb00f00 },
	};
	uint32_t sig;
	size_t i;

	for (i = 0; i < sizeof(want) / sizeof(want[0]); i++) {
		ck_assert_msg(cpu_model_sig(want[i].name, &sig), "%s unknown", want[i].name);
		ck_assert_uint_eq(sig, want[i].sig);
	}
	ck_assert(!cpu_model_sig("EPYC-v5", &sig));
	ck_assert(!cpu_model_sig("epyc", &sig));
}
END_TEST

/* ---- VMSA pages ---- */

static void vmsa(uint8_t *page, uint32_t eip, uint64_t features, bool x87)
{
	struct vmsa_params p = { .eip = eip, .cpu_sig = SIG_EPYC, .sev_features = features,
				 .x87_state = x87 };

	vmsa_build(page, &p);
}

START_TEST(vmsa_bsp_is_reference)
{
	uint8_t page[VMSA_PAGE_SIZE];
	size_t size, i;
	uint8_t *ref = sev_read_file(hs_shared("vectors/vmsa_bsp_snp_epyc-v4.bin"), &size);

	ck_assert_uint_eq(size, VMSA_PAGE_SIZE);
	vmsa(page, VMSA_BSP_EIP, 0x1, true);
	for (i = 0; i < VMSA_PAGE_SIZE; i++)
		ck_assert_msg(page[i] == ref[i], "byte 0x%03zx: 0x%02x, reference 0x%02x", i,
			      page[i], ref[i]);
	free(ref);
}
END_TEST

/* The offsets where two pages differ must all lie in [lo[k], hi[k]) for some k. */
static void differ_only_in(const uint8_t *a, const uint8_t *b, const size_t *lo,
			   const size_t *hi, int n)
{
	size_t i;
	int k;

	for (i = 0; i < VMSA_PAGE_SIZE; i++) {
		bool allowed = false;

		for (k = 0; k < n; k++)
			allowed |= i >= lo[k] && i < hi[k];
		ck_assert_msg(a[i] == b[i] || allowed, "byte 0x%03zx differs", i);
	}
}

START_TEST(vmsa_ap_differs_in_cs_and_rip)
{
	uint8_t bsp[VMSA_PAGE_SIZE], ap[VMSA_PAGE_SIZE];
	struct sev_es_save_area sa;
	static const size_t lo[] = { 0x18, 0x178 }, hi[] = { 0x20, 0x180 };

	vmsa(bsp, VMSA_BSP_EIP, 0x1, true);
	vmsa(ap, AMDSEV_RESET, 0x1, true);
	differ_only_in(bsp, ap, lo, hi, 2);
	memcpy(&sa, ap, sizeof(sa));
	ck_assert_uint_eq(sa.cs.base, 0x800000);
	ck_assert_uint_eq(sa.cs.selector, 0xf000);
	ck_assert_uint_eq(sa.rip, 0xb004);
}
END_TEST

START_TEST(vmsa_legacy_and_features)
{
	uint8_t init2[VMSA_PAGE_SIZE], legacy[VMSA_PAGE_SIZE];
	struct sev_es_save_area sa;
	static const size_t lo[] = { 0x3b0, 0x408, 0x410 }, hi[] = { 0x3b8, 0x40c, 0x412 };

	vmsa(init2, VMSA_BSP_EIP, 0x1, true);
	vmsa(legacy, VMSA_BSP_EIP, 0x20, false);
	differ_only_in(init2, legacy, lo, hi, 3);
	memcpy(&sa, legacy, sizeof(sa));
	ck_assert_uint_eq(sa.mxcsr, 0);
	ck_assert_uint_eq(sa.x87_fcw, 0);
	ck_assert_uint_eq(sa.sev_features, 0x20);
	ck_assert_uint_eq(sa.vmpl, 0);
}
END_TEST

/* ---- the kernel-hash table ---- */

/* "9438d606-4f22-..." in EFI byte order: the first three fields little-endian. */
static void guid_le(const char *s, uint8_t out[16])
{
	static const int order[16] = { 3, 2, 1, 0, 5, 4, 7, 6, 8, 9, 10, 11, 12, 13, 14, 15 };
	uint8_t be[16];
	int i, n = 0;

	for (i = 0; s[i] && n < 16; i++) {
		if (s[i] == '-')
			continue;
		ck_assert_int_eq(sscanf(s + i, "%2hhx", &be[n++]), 1);
		i++;
	}
	ck_assert_int_eq(n, 16);
	for (i = 0; i < 16; i++)
		out[i] = be[order[i]];
}

static void sha256_of(const void *data, size_t len, uint8_t out[32])
{
	struct sha256_ctx c;

	sha256_init(&c);
	sha256_update(&c, len, data);
	sha256_digest(&c, 32, out);
}

static void check_entry(const uint8_t *p, const char *guid, uint16_t len, const uint8_t *hash)
{
	uint8_t g[16];
	uint16_t l;

	guid_le(guid, g);
	ck_assert_mem_eq(p, g, 16);
	memcpy(&l, p + 16, 2);
	ck_assert_uint_eq(l, len);
	if (hash)
		ck_assert_mem_eq(p + 18, hash, 32);
}

START_TEST(hash_table_layout)
{
	static const char kernel[] = "MZ not really a kernel", initrd[] = "initrd bytes";
	uint8_t table[SEV_HASH_TABLE_SIZE], want_k[32], want_i[32], want_c[32];
	static const uint8_t zeros[8];
	struct sev_kernel_hashes h;

	sev_hash_bytes(h.kernel, kernel, strlen(kernel));
	sev_hash_bytes(h.initrd, initrd, strlen(initrd));
	sev_hash_cmdline(h.cmdline, "console=ttyS0");
	sev_hash_table(table, &h);
	sha256_of(kernel, strlen(kernel), want_k);
	sha256_of(initrd, strlen(initrd), want_i);
	sha256_of("console=ttyS0", sizeof("console=ttyS0"), want_c);	/* with the NUL */
	check_entry(table, "9438d606-4f22-4cc9-b479-a793d411fd21", 168, NULL);
	check_entry(table + 18, "97d02dd8-bd20-4c94-aa78-e7714d36ab2a", 50, want_c);
	check_entry(table + 68, "44baf731-3a2f-4bd7-9af1-41e29169781d", 50, want_i);
	check_entry(table + 118, "4de79437-abd2-427f-b835-d5b172d2045b", 50, want_k);
	ck_assert_mem_eq(table + 168, zeros, 8);
}
END_TEST

START_TEST(hash_cmdline_none_is_nul)
{
	uint8_t got[32], want[32];

	sev_hash_cmdline(got, NULL);
	sha256_of("", 1, want);
	ck_assert_mem_eq(got, want, 32);
	sev_hash_cmdline(got, "");
	ck_assert_mem_eq(got, want, 32);
}
END_TEST

/* ---- plans for the AmdSev fixture ---- */

static struct sev_fw amdsev;
static struct sev_kernel_hashes some_hashes;

static void amdsev_setup(void)
{
	sev_fw_load(&amdsev, AMDSEV);
	memset(&some_hashes, 0xab, sizeof(some_hashes));
}

static void amdsev_teardown(void)
{
	sev_fw_free(&amdsev);
}

static void check_step(const struct plan_step *s, enum plan_kind kind,
		       enum snp_page_type type, uint64_t gpa, uint64_t len)
{
	ck_assert_msg(s->kind == kind && s->snp_type == type && s->gpa == gpa && s->len == len,
		      "step '%s': kind %d type %d gpa 0x%llx len 0x%llx", s->what, s->kind,
		      s->snp_type, (unsigned long long)s->gpa, (unsigned long long)s->len);
}

static void build(struct plan *plan, const struct plan_config *pc)
{
	struct lk_err err = { 0 };

	ck_assert_msg(!plan_build(plan, pc, &err), "plan refused: %s", err.msg);
}

START_TEST(plan_sev)
{
	struct plan_config pc = sev_fw_config(&amdsev, SEV_MODE_SEV);
	struct plan plan;
	uint8_t table[SEV_HASH_TABLE_SIZE];

	build(&plan, &pc);
	ck_assert_int_eq(plan.nr_steps, 1);
	check_step(&plan.steps[0], PLAN_SEV_DATA, SNP_PAGE_NONE, 0xfffff000, 4096);
	ck_assert_ptr_eq(plan.steps[0].data, amdsev.data);
	plan_free(&plan);

	pc.hashes = &some_hashes;
	build(&plan, &pc);
	ck_assert_int_eq(plan.nr_steps, 2);
	ck_assert_int_eq(plan.nr_firmware_steps, 1);
	check_step(&plan.steps[1], PLAN_SEV_DATA, SNP_PAGE_NONE, 0x810c00, 176);
	sev_hash_table(table, &some_hashes);
	ck_assert_mem_eq(plan.steps[1].data, table, sizeof(table));
	plan_free(&plan);
}
END_TEST

START_TEST(plan_sev_es)
{
	struct plan_config pc = sev_fw_config(&amdsev, SEV_MODE_SEV_ES);
	struct plan plan;
	int i;

	pc.nr_cpus = 4;
	pc.hashes = &some_hashes;
	build(&plan, &pc);
	ck_assert_int_eq(plan.nr_steps, 6);
	check_step(&plan.steps[0], PLAN_SEV_DATA, SNP_PAGE_NONE, 0xfffff000, 4096);
	check_step(&plan.steps[1], PLAN_SEV_DATA, SNP_PAGE_NONE, 0x810c00, 176);
	for (i = 0; i < 4; i++) {
		check_step(&plan.steps[2 + i], PLAN_SEV_ES_VMSA, SNP_PAGE_NONE, 0, 4096);
		ck_assert_int_eq(plan.steps[2 + i].vcpu, i);
		ck_assert_ptr_eq(plan.steps[2 + i].data, i ? plan.vmsa_ap : plan.vmsa_bsp);
	}
	ck_assert_str_eq(plan.steps[3].what, "VMSA vCPU 1");
	plan_free(&plan);
}
END_TEST

/* AmdSev's seven metadata sections (SEV-KVM-API.md §6.5), hash page with a kernel. */
static void check_snp_sections(const struct plan *plan, bool kernel)
{
	static const struct { uint64_t gpa, len; enum snp_page_type type; } sec[] = {
		{ 0x800000, 0x9000, SNP_PAGE_ZERO }, { 0x80a000, 0x3000, SNP_PAGE_ZERO },
		{ 0x80d000, 0x1000, SNP_PAGE_SECRETS }, { 0x80e000, 0x1000, SNP_PAGE_CPUID },
		{ 0x80f000, 0x1000, SNP_PAGE_ZERO }, { 0x810000, 0x1000, SNP_PAGE_ZERO },
		{ 0x811000, 0xf000, SNP_PAGE_ZERO },
	};
	int i;

	check_step(&plan->steps[0], PLAN_SNP_UPDATE, SNP_PAGE_NORMAL, 0xfffff000, 4096);
	for (i = 0; i < 7; i++) {
		enum snp_page_type t = kernel && i == 5 ? SNP_PAGE_NORMAL : sec[i].type;

		check_step(&plan->steps[1 + i], PLAN_SNP_UPDATE, t, sec[i].gpa, sec[i].len);
		ck_assert(plan->steps[1 + i].data == NULL || (kernel && i == 5));
	}
	ck_assert_str_eq(plan->steps[3].what, "SNP metadata section 2 (SECRETS)");
}

START_TEST(plan_snp_classic)
{
	struct plan_config pc = sev_fw_config(&amdsev, SEV_MODE_SNP);
	uint8_t table[SEV_HASH_TABLE_SIZE], zeros[0xc00] = { 0 };
	struct plan plan;

	pc.nr_cpus = 2;
	pc.hashes = &some_hashes;
	build(&plan, &pc);
	ck_assert_int_eq(plan.nr_steps, 10);
	check_snp_sections(&plan, true);
	/* The hash page: the table at 0x810c00 & 0xfff, zeros elsewhere. */
	sev_hash_table(table, &some_hashes);
	ck_assert_mem_eq(plan.steps[6].data, zeros, sizeof(zeros));
	ck_assert_mem_eq(plan.steps[6].data + 0xc00, table, sizeof(table));
	ck_assert_mem_eq(plan.steps[6].data + 0xc00 + 176, zeros, 0x400 - 176);
	check_step(&plan.steps[8], PLAN_SNP_KVM_VMSA, SNP_PAGE_VMSA, 0xfffffffff000, 4096);
	check_step(&plan.steps[9], PLAN_SNP_KVM_VMSA, SNP_PAGE_VMSA, 0xfffffffff000, 4096);
	ck_assert_ptr_eq(plan.steps[9].data, plan.vmsa_ap);
	plan_free(&plan);

	pc.hashes = NULL;
	build(&plan, &pc);
	check_snp_sections(&plan, false);
	plan_free(&plan);
}
END_TEST

START_TEST(plan_snp_direct)
{
	struct plan_config pc = sev_fw_config(&amdsev, SEV_MODE_SNP);
	struct sev_es_save_area sa;
	struct plan plan;

	pc.nr_cpus = 4;
	pc.vmsa_features = 0x20;
	pc.direct_vmsa = true;
	pc.direct_vmsa_gpa = 0x7ff000;
	build(&plan, &pc);
	ck_assert_int_eq(plan.nr_steps, 9);
	check_snp_sections(&plan, false);
	check_step(&plan.steps[8], PLAN_SNP_UPDATE, SNP_PAGE_VMSA, 0x7ff000, 4096);
	ck_assert_int_eq(plan.steps[8].vcpu, 0);
	ck_assert_ptr_null(plan.vmsa_ap);
	/* KVM accepts it only with the VM's features (SNP_ACTIVE included) and VMPL 0. */
	ck_assert_uint_eq(plan.vmsa_features, 0x21);
	memcpy(&sa, plan.steps[8].data, sizeof(sa));
	ck_assert_uint_eq(sa.sev_features, 0x21);
	ck_assert_uint_eq(sa.vmpl, 0);
	plan_free(&plan);
}
END_TEST

/* ---- refusals ---- */

static void refused(const struct plan_config *pc, const char *msg)
{
	struct lk_err err = { 0 };
	struct plan plan;

	ck_assert_int_eq(plan_build(&plan, pc, &err), -1);
	ck_assert_int_eq(err.status, LK_EXIT_USAGE);
	ck_assert_str_eq(err.msg, msg);
}

START_TEST(refuse_kernel_without_hash_table)
{
	struct sev_fw x64;
	struct plan_config pc;
	char msg[8192];
	int mode;

	sev_fw_load(&x64, OVMFX64);
	snprintf(msg, sizeof(msg), "%s has no SEV kernel-hash table (its GUID table lacks "
		 "7255371f-3a3b-4b04-927b-1da6efa8d454): it cannot verify -k/-i/-p", x64.path);
	for (mode = SEV_MODE_SEV; mode <= SEV_MODE_SNP; mode++) {
		pc = sev_fw_config(&x64, mode);
		pc.hashes = &some_hashes;
		refused(&pc, msg);
	}
	sev_fw_free(&x64);
}
END_TEST

START_TEST(refuse_misplaced_hash_table)
{
	struct sev_fw fw = amdsev;
	struct plan_config pc;
	char msg[8192];

	fw.ovmf.hash_size = 100;
	pc = sev_fw_config(&fw, SEV_MODE_SEV);
	pc.hashes = &some_hashes;
	snprintf(msg, sizeof(msg), "%s: its kernel-hash area at 0x810c00 is 100 bytes, too small "
		 "for the 176-byte table", fw.path);
	refused(&pc, msg);
	fw = amdsev;
	fw.ovmf.sections[5].type = OVMF_SECTION_SNP_SEC_MEM;
	pc = sev_fw_config(&fw, SEV_MODE_SNP);
	pc.hashes = &some_hashes;
	snprintf(msg, sizeof(msg), "%s: no SNP metadata section of type KERNEL_HASHES holds its "
		 "kernel-hash table at 0x810c00: an SNP launch cannot measure -k/-i/-p", fw.path);
	refused(&pc, msg);
}
END_TEST

START_TEST(refuse_aps_without_reset_block)
{
	static uint8_t blank[4096];
	struct sev_fw fw = { .path = "blank.fd", .data = blank, .size = sizeof(blank) };
	struct lk_err err = { 0 };
	struct plan_config pc;
	struct plan plan;

	ck_assert(!ovmf_parse(fw.path, blank, sizeof(blank), &fw.ovmf, &err));
	pc = sev_fw_config(&fw, SEV_MODE_SEV_ES);
	build(&plan, &pc);	/* one vCPU needs no AP start address */
	plan_free(&plan);
	pc.nr_cpus = 2;
	refused(&pc, "blank.fd has no SEV-ES reset block (its GUID table lacks "
		"00f771de-1a7e-4fcb-890e-68c77e2fb44e): APs have no start address, so -c 2 "
		"cannot launch");
	/* No SNP launch at all without the metadata, as QEMU refuses it. */
	pc.mode = SEV_MODE_SNP;
	pc.direct_vmsa = true;
	refused(&pc, "--firmware blank.fd: no SNP metadata (OVMF's SEV metadata, GUID "
		"dc886566-984a-4798-a75e-5585a7bf67cc): it cannot launch an SNP guest");
}
END_TEST

START_TEST(refuse_overlapping_direct_vmsa)
{
	struct plan_config pc = sev_fw_config(&amdsev, SEV_MODE_SNP);
	char msg[8192];

	pc.direct_vmsa = true;
	pc.direct_vmsa_gpa = 0x80d000;
	snprintf(msg, sizeof(msg), "%s: direct VMSA (BSP) at 0x80d000 overlaps SNP metadata "
		 "section 2 (SECRETS) at 0x80d000: an SNP launch populates a page once",
		 amdsev.path);
	refused(&pc, msg);
}
END_TEST

/* ---- the shared SEV options ---- */

/* Parses @args (SEV options only) and checks them; returns the error message or "". */
static const char *sev_args(const char *const *args, bool need_cpu, struct sev_opts *o)
{
	static const struct option opts[] = { SEV_LONG_OPTIONS, { NULL, 0, NULL, 0 } };
	static struct lk_err err;
	char *argv[32] = { "measure" };
	int argc, opt;

	for (argc = 1; args[argc - 1]; argc++)
		argv[argc] = (char *)args[argc - 1];
	memset(&err, 0, sizeof(err));
	sev_opts_init(o, SEV_DIRECT_OFF);
	optind = 0;
	opterr = 0;
	while ((opt = getopt_long(argc, argv, "+", opts, NULL)) != -1) {
		ck_assert_int_ge(opt, SEV_OPT_FIRST);
		if (sev_opt_parse(opt, optarg, o, &err))
			return err.msg;
	}
	if (sev_opts_check(o, need_cpu, &err))
		return err.msg;
	ck_assert_int_eq(err.status, 0);
	return "";
}

#define SEV_ARGS(need_cpu, ...) sev_args((const char *const[]){ __VA_ARGS__, NULL }, need_cpu, &o)

START_TEST(options_accepted)
{
	struct sev_opts o;

	ck_assert_str_eq(SEV_ARGS(true, "--sev-snp", "--cpu", "EPYC-Milan", "--debug-swap"), "");
	ck_assert_uint_eq(o.cpu_sig, 0xa00f11);
	ck_assert_uint_eq(sev_opts_vmsa_features(&o), 0x20);
	ck_assert_str_eq(SEV_ARGS(true, "--sev-es", "--cpu-sig", "0xb00f00", "--vmsa-features",
				  "40", "--debug-swap"), "");
	ck_assert_uint_eq(o.cpu_sig, 0xb00f00);
	ck_assert_uint_eq(sev_opts_vmsa_features(&o), 0x60);
	ck_assert_str_eq(SEV_ARGS(false, "--sev-snp", "--direct-vmsa", "on",
				  "--direct-vmsa-gpa", "0x7ff000"), "");
	ck_assert_uint_eq(o.direct_vmsa_gpa, 0x7ff000);
	ck_assert_str_eq(SEV_ARGS(true, "--sev", "--legacy-vm-type"), "");
	ck_assert_uint_eq(SEV_DIRECT_VMSA_GPA % (2 << 20), 0x1ff000);
}
END_TEST

START_TEST(options_refused)
{
	struct sev_opts o;

	ck_assert_str_eq(SEV_ARGS(true, "--sev-snp"), "--sev-snp needs the vCPU model, whose "
			 "signature is in every VMSA: --cpu MODEL or --cpu-sig HEX");
	ck_assert_str_eq(SEV_ARGS(true, "--sev-es"), "--sev-es needs the vCPU model, whose "
			 "signature is in every VMSA: --cpu MODEL or --cpu-sig HEX");
	ck_assert_str_eq(SEV_ARGS(false, "--sev-es", "--legacy-vm-type", "--debug-swap"),
			 "--legacy-vm-type cannot go with --debug-swap: KVM_SEV_INIT and "
			 "KVM_SEV_ES_INIT take no VMSA features");
	ck_assert_str_eq(SEV_ARGS(false, "--sev-es", "--legacy-vm-type", "--vmsa-features",
				  "0x20"), "--legacy-vm-type cannot go with --vmsa-features 0x20: "
			 "KVM_SEV_INIT and KVM_SEV_ES_INIT take no VMSA features");
	ck_assert_str_eq(SEV_ARGS(false, "--sev-snp", "--legacy-vm-type"),
			 "--legacy-vm-type: SNP has no legacy launch (only KVM_SEV_INIT2)");
	ck_assert_str_eq(SEV_ARGS(false, "--sev", "--sev-snp"),
			 "--sev-snp: give only one of --sev, --sev-es, --sev-snp");
	ck_assert_str_eq(SEV_ARGS(false, "--sev", "--debug-swap"), "--debug-swap: plain SEV has "
			 "no VMSA to carry features (use --sev-es or --sev-snp)");
	ck_assert_str_eq(SEV_ARGS(false, "--sev-es", "--vmsa-features", "0x21"),
			 "--vmsa-features 0x21: bit 0 (SNP_ACTIVE) is for --sev-snp only");
	ck_assert_str_eq(SEV_ARGS(false, "--sev-es", "--direct-vmsa", "on"),
			 "--direct-vmsa on: only an SNP launch (--sev-snp) has a direct VMSA");
	ck_assert_str_eq(SEV_ARGS(false, "--sev-snp", "--direct-vmsa-gpa", "0x7ff000"),
			 "--direct-vmsa-gpa needs a direct VMSA (--sev-snp --direct-vmsa on)");
	ck_assert_str_eq(SEV_ARGS(false, "--debug-swap"),
			 "--debug-swap needs an SEV mode (--sev, --sev-es or --sev-snp)");
	ck_assert_str_eq(SEV_ARGS(false, "--cpu", "EPYC", "--cpu-sig", "1"),
			 "--cpu and --cpu-sig: give one of them");
}
END_TEST

START_TEST(options_bad_values)
{
	struct sev_opts o;

	ck_assert_str_eq(SEV_ARGS(false, "--cpu", "EPYC-v9"), "--cpu EPYC-v9: unknown CPU model "
			 "(known: EPYC, EPYC-v1..v4, EPYC-IBPB, EPYC-Rome(-v1..v4), "
			 "EPYC-Milan(-v1, -v2), EPYC-Genoa(-v1), EPYC-Turin; "
			 "or give --cpu-sig HEX)");
	ck_assert_str_eq(SEV_ARGS(false, "--cpu-sig", "0x1ffffffff"), "--cpu-sig 0x1ffffffff: "
			 "not a CPUID signature (32-bit hex, e.g. 0xa00f11)");
	ck_assert_str_eq(SEV_ARGS(false, "--vmsa-features", "0xg"), "--vmsa-features 0xg: not a "
			 "64-bit hex value (e.g. 0x20 for DEBUG_SWAP)");
	ck_assert_str_eq(SEV_ARGS(false, "--direct-vmsa", "maybe"),
			 "--direct-vmsa maybe: not one of auto, on, off");
	ck_assert_str_eq(SEV_ARGS(false, "--direct-vmsa-gpa", "0x800"),
			 "--direct-vmsa-gpa 0x800: not 4 KiB-aligned");
	ck_assert_str_eq(SEV_ARGS(false, "--direct-vmsa-gpa", "0x200000"), "--direct-vmsa-gpa "
			 "0x200000: 2 MiB-aligned, which an SNP erratum forbids for a VMSA");
	ck_assert_str_eq(SEV_ARGS(false, "--direct-vmsa-gpa", "0x1000000001000"),
			 "--direct-vmsa-gpa 0x1000000001000: above 0xfffffffff000, the last page "
			 "of a 48-bit guest physical space");
}
END_TEST

Suite *unit_sev_suite(void)
{
	Suite *s = suite_create("sev");
	TCase *tc = tcase_create("parts");
	TCase *plans = tcase_create("plans");

	tcase_add_test(tc, cpu_models);
	tcase_add_test(tc, vmsa_bsp_is_reference);
	tcase_add_test(tc, vmsa_ap_differs_in_cs_and_rip);
	tcase_add_test(tc, vmsa_legacy_and_features);
	tcase_add_test(tc, hash_table_layout);
	tcase_add_test(tc, hash_cmdline_none_is_nul);
	tcase_add_test(tc, options_accepted);
	tcase_add_test(tc, options_refused);
	tcase_add_test(tc, options_bad_values);
	suite_add_tcase(s, tc);
	tcase_add_checked_fixture(plans, amdsev_setup, amdsev_teardown);
	tcase_add_test(plans, plan_sev);
	tcase_add_test(plans, plan_sev_es);
	tcase_add_test(plans, plan_snp_classic);
	tcase_add_test(plans, plan_snp_direct);
	tcase_add_test(plans, refuse_kernel_without_hash_table);
	tcase_add_test(plans, refuse_misplaced_hash_table);
	tcase_add_test(plans, refuse_aps_without_reset_block);
	tcase_add_test(plans, refuse_overlapping_direct_vmsa);
	suite_add_tcase(s, plans);
	return s;
}
