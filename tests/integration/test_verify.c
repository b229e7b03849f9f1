// SPDX-License-Identifier: GPL-2.0-only
/*
 * `lkvm-sev verify` and `measure --id-key` as a user runs them, on
 * ../shared/vectors/snp: the Milan report passes every check (each line
 * exact); each field corrupted one at a time fails its check with both
 * values; a truncated report, a report signed by another key, a wrong
 * chain, a digest that is not the report's (given, or computed from launch
 * options through measure's plan); --json; the refusals. Then the ID files
 * measure signs: sizes, the ID block's fields, the public keys of the
 * vectors, the signatures checked as the firmware will, and run taking them
 * under the simulated SNP host (tests/hostsim).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "sev/attest_report.h"
#include "sev/id_block.h"
#include "sev/p384.h"
#include "tests/hostsim/test_hostsim.h"
#include "tests/tests.h"

/* The report's measurement, 7a then the rest (a test changes its first byte). */
#define MEASUREMENT_REST "1e5c266c0108dbc9bb94fa926951320940915d0aafb42464bd88b579ea158d" \
			 "3e1a0dc39b2c60bd95b9c480cd81841f"
#define MEASUREMENT "7a" MEASUREMENT_REST
#define CHIP_ID "d49554ec717f4e5b0fe6b143bcf0405bd7ae304727edf46603f2a76aef6a3abc" \
		"15d7af38db757039029f0efacfd08e244324884738c72b082e2f87a44d541eb6"
#define HOST_DATA_REST "00000000000000000000000000000000000000000000000000000000000000"
#define HOST_DATA "00" HOST_DATA_REST
/* measure --sev-snp of the AmdSev fixture with --cpu EPYC-v4 (test_measure.c's). */
#define AMDSEV_SNP_1 "19358ba9a7615534a9a1e2f0dfc29384dcd4dcb7062ff9c6013b26869a5fc6ec" \
		     "abe033c48dd6f6db5d6d76e7c5df632d"
#define ID_KEY_DIGEST "59fb2c686dfa4fef49f38339aa775c90051c28d57383ddc3baf3b5eb4b1496df" \
		      "3b0dbbdcbae5fe27677a644820773fe2"
#define AUTHOR_KEY_DIGEST "eed81169fb0cb5e0ec34794f128fd4e0c4a46f67c65a1adfa81fcb24bcc088c2" \
			  "72369b7ffc3eb2b6af6a4284a1b36c5f"

#define LINE_REPORT "report: pass: version 2, VMPL 0, signed by the VCEK with ECDSA P-384 " \
		    "and SHA-384\n"
#define LINE_SIGNATURE "signature: pass: ECDSA P-384 with SHA-384 over bytes 0x000-0x29f " \
		       "verifies with the key of 'SEV-VCEK', Milan-B0\n"
#define LINE_CHAIN "chain: pass: 'SEV-VCEK' signed by 'SEV-Milan', 'SEV-Milan' by " \
		   "'ARK-Milan', 'ARK-Milan' by itself (RSASSA-PSS with SHA-384): AMD's root " \
		   "for Milan\n"
#define LINE_CHIP_ID "chip_id: pass: " CHIP_ID ", the VCEK's hwID\n"
#define LINE_TCB "reported_tcb: pass: 0x7308000000000003: bootloader 3, tee 0, snp 8, " \
		 "microcode 115, the VCEK's SPLs\n"
#define LINE_MEASUREMENT "measurement: pass: " MEASUREMENT " (--expect-digest)\n"
#define LINE_HOST_DATA "host_data: pass: " HOST_DATA " (--host-data)\n"
#define LINE_POLICY "policy: pass: 0x30000 (--policy)\n"
#define SIGNATURE_FAIL "signature: FAIL: bytes 0x000-0x29f and r, s at 0x2a0 do not verify " \
		       "with the key of 'SEV-VCEK', Milan-B0: the report was changed, or " \
		       "another key signed it\n"

static char dir[64], report[4200], vcek[4200], chain[4200], amdsev[4200];

/* Whether the vectors are here; if not, a SKIP line that names ../shared. */
static bool have_vectors(const char *test)
{
	char what[128];

	snprintf(what, sizeof(what), "verify %s", test);
	return hs_have_snp_vectors(what);
}

static void setup(void)
{
	test_dir_create(dir, sizeof(dir));
	snprintf(report, sizeof(report), "%s", hs_snp_vector("report_milan.bin"));
	snprintf(vcek, sizeof(vcek), "%s", hs_snp_vector("vcek_milan.der"));
	snprintf(chain, sizeof(chain), "%s", hs_snp_vector("cert_chain_milan.pem"));
	snprintf(amdsev, sizeof(amdsev), "%s", hs_shared("vectors/ovmf_AmdSev_suffix.bin"));
}

static void teardown(void)
{
	test_dir_remove(dir);
}

static const char *tmp(const char *name)
{
	static char path[4][128];
	static int next;

	next = (next + 1) % 4;
	snprintf(path[next], sizeof(path[next]), "%s/%s", dir, name);
	return path[next];
}

static void write_bytes(const char *path, const void *data, size_t len)
{
	FILE *f = fopen(path, "wb");

	ck_assert_ptr_nonnull(f);
	ck_assert_uint_eq(fwrite(data, 1, len, f), len);
	ck_assert_int_eq(fclose(f), 0);
}

/* Runs lkvm-sev with @args; its status and whole stderr must be these; stdout in @p. */
static void run(struct vmm_proc *p, const char *const *args, int status, const char *err)
{
	vmm_run(p, args, 30);
	ck_assert_msg(p->status == status, "status %d, not %d; stdout:\n%s\nstderr:\n%s",
		      p->status, status, p->out, p->err);
	ck_assert_str_eq(p->err, err);
}

/* verify REPORT with every input of a full check, the Milan report's own values. */
static void verify_all(struct vmm_proc *p, const char *rep, int status)
{
	run(p, (const char *[]){ "verify", rep, "--vcek", vcek, "--chain", chain,
				 "--expect-digest", MEASUREMENT, "--host-data", HOST_DATA,
				 "--policy", "0x30000", NULL }, status, "");
}

START_TEST(milan_report_verifies)
{
	struct vmm_proc p;

	if (!have_vectors("milan_report_verifies"))
		return;
	verify_all(&p, report, 0);
	ck_assert_str_eq(p.out, LINE_REPORT LINE_SIGNATURE LINE_CHAIN LINE_CHIP_ID LINE_TCB
			 LINE_MEASUREMENT LINE_HOST_DATA LINE_POLICY);
}
END_TEST

/*
 * Without the optional inputs each check says what it lacks; nothing fails,
 * but a report whose signature and chain were not checked is not verified
 * (12), and the skipped lines say so.
 */
START_TEST(checks_skipped)
{
	struct vmm_proc p;

	if (!have_vectors("checks_skipped"))
		return;
	run(&p, (const char *[]){ "verify", report, NULL }, 12, "");
	ck_assert_str_eq(p.out, LINE_REPORT
			 "signature: skipped: no --vcek: the report is not authenticated "
			 "(status 12)\n"
			 "chain: skipped: no --vcek\n"
			 "chip_id: skipped: no --vcek\n"
			 "reported_tcb: skipped: no --vcek\n"
			 "measurement: skipped: no --expect-digest or launch options\n"
			 "host_data: skipped: no --host-data\n"
			 "policy: skipped: no --policy\n");
	run(&p, (const char *[]){ "verify", "--vcek", vcek, report, NULL }, 12, "");
	ck_assert_ptr_nonnull(strstr(p.out, "chain: skipped: no --chain: the VCEK is not checked "
				     "against AMD's keys, so the report is not authenticated "
				     "(status 12)\n"));
}
END_TEST

/* The report with byte @off XORed with @mask, in DIR/report. */
static const char *corrupted(size_t off, uint8_t mask)
{
	size_t size;
	uint8_t *raw = test_read_file(report, &size);

	ck_assert_uint_eq(size, SNP_REPORT_SIZE);
	raw[off] ^= mask;
	write_bytes(tmp("report"), raw, size);
	free(raw);
	return tmp("report");
}

static const struct {
	const char *field;
	size_t off;
	uint8_t mask;
	const char *line;	/* the other failing line besides the signature's, or NULL */
} fields[] = {
	{ "measurement", SNP_REPORT_MEASUREMENT, 0x01,
	  "measurement: FAIL: report 7b" MEASUREMENT_REST ", expected " MEASUREMENT
	  " (--expect-digest)\n" },
	{ "chip_id", SNP_REPORT_CHIP_ID + 63, 0x80,
	  "chip_id: FAIL: report d49554ec717f4e5b0fe6b143bcf0405bd7ae304727edf46603f2a76aef6a3abc"
	  "15d7af38db757039029f0efacfd08e244324884738c72b082e2f87a44d541e36, VCEK hwID " CHIP_ID
	  "\n" },
	{ "reported_tcb", SNP_REPORT_REPORTED_TCB + 6, 0x01,
	  "reported_tcb: FAIL: report 0x7309000000000003 (bootloader 3, tee 0, snp 9, microcode "
	  "115), VCEK bootloader 3, tee 0, snp 8, microcode 115\n" },
	{ "host_data", SNP_REPORT_HOST_DATA, 0xff,
	  "host_data: FAIL: report ff" HOST_DATA_REST ", expected " HOST_DATA " (--host-data)\n" },
	{ "policy", SNP_REPORT_POLICY, 0x04,
	  "policy: FAIL: report 0x30004, expected 0x30000 (--policy)\n" },
	{ "version", SNP_REPORT_VERSION, 0x01, NULL },
	{ "guest_svn", SNP_REPORT_GUEST_SVN, 0x01, NULL },
	{ "report_data", SNP_REPORT_REPORT_DATA + 10, 0x10, NULL },
	{ "signature r", SNP_REPORT_SIG_R, 0x01, NULL },
	{ "signature s", SNP_REPORT_SIG_S + 47, 0x01, NULL },
};

START_TEST(field_corrupted)
{
	struct vmm_proc p;
	const char *line = fields[_i].line;

	if (!have_vectors("field_corrupted"))
		return;
	verify_all(&p, corrupted(fields[_i].off, fields[_i].mask), LK_EXIT_CHECK);
	/* The signature covers every field; then the field's own check, if it has one. */
	ck_assert_msg(strstr(p.out, SIGNATURE_FAIL), "%s: %s", fields[_i].field, p.out);
	if (line) {
		ck_assert_msg(strstr(p.out, line), "%s: no line\n%s\nin\n%s", fields[_i].field,
			      line, p.out);
		ck_assert_uint_eq(count_substr(p.out, ": FAIL: "), 2);
	} else if (fields[_i].off == SNP_REPORT_VERSION) {
		/* Version 3 reads the CPUID family (0 here); the VCEK's product says Milan. */
		ck_assert_ptr_nonnull(strstr(p.out, "report: pass: version 3, VMPL 0,"));
		ck_assert_uint_eq(count_substr(p.out, ": FAIL: "), 1);
	} else {
		ck_assert_uint_eq(count_substr(p.out, ": FAIL: "), 1);
	}
	ck_assert_msg(strstr(p.out, LINE_CHAIN), "%s: the chain must still pass:\n%s",
		      fields[_i].field, p.out);
}
END_TEST

/* The signer fields: a VLEK named, or no signature at all. */
START_TEST(signer_corrupted)
{
	struct vmm_proc p;
	char want[8192];

	if (!have_vectors("signer_corrupted"))
		return;
	verify_all(&p, corrupted(SNP_REPORT_KEY_INFO, 1 << 2), LK_EXIT_CHECK);
	snprintf(want, sizeof(want), "signature: FAIL: the report was signed by the VLEK, but "
		 "--vcek %s is a VCEK ('SEV-VCEK')\n", vcek);
	ck_assert_msg(strstr(p.out, want), "%s", p.out);
	/* The chip ID is the certificate's to match, and this one's matches. */
	ck_assert_ptr_nonnull(strstr(p.out, LINE_CHIP_ID));
	verify_all(&p, corrupted(SNP_REPORT_KEY_INFO, 7 << 2), LK_EXIT_CHECK);
	ck_assert_ptr_nonnull(strstr(p.out, "report: FAIL: signing key none: neither the VCEK "
				     "(0) nor the VLEK (1) signed it\n"));
	verify_all(&p, corrupted(SNP_REPORT_SIG_ALGO, 2), LK_EXIT_CHECK);
	ck_assert_ptr_nonnull(strstr(p.out, "report: FAIL: signature algorithm 3, not 1 (ECDSA "
				     "P-384 with SHA-384)\n"));
	ck_assert_ptr_nonnull(strstr(p.out, "signature: FAIL: signature algorithm 3 is not ECDSA "
				     "P-384 with SHA-384\n"));
}
END_TEST

START_TEST(truncated_report)
{
	char want[8192];
	struct vmm_proc p;
	size_t size;
	uint8_t *raw;

	if (!have_vectors("truncated_report"))
		return;
	raw = test_read_file(report, &size);
	write_bytes(tmp("short"), raw, 1000);
	snprintf(want, sizeof(want), "lkvm-sev: REPORT %s: 1000 bytes, but an SNP attestation "
		 "report is 1184\n", tmp("short"));
	run(&p, (const char *[]){ "verify", tmp("short"), "--vcek", vcek, NULL }, 2, want);
	ck_assert_str_eq(p.out, "");
	free(raw);
}
END_TEST

/* The report signed again with the test ID key: only the signature fails. */
START_TEST(signed_by_another_key)
{
	uint8_t r[P384_BYTES], s[P384_BYTES], *raw;
	struct lk_err err = { 0 };
	struct vmm_proc p;
	struct p384_key k;
	size_t size;

	if (!have_vectors("signed_by_another_key"))
		return;
	raw = test_read_file(report, &size);
	ck_assert_msg(!p384_key_read("--id-key", hs_snp_vector("test_id_key.pem"), &k, &err), "%s", err.msg);
	ck_assert(!p384_sign(&k, raw, SNP_REPORT_SIGNED_LEN, r, s, &err));
	p384_key_free(&k);
	sev_num_from_be(raw + SNP_REPORT_SIG_R, r);
	sev_num_from_be(raw + SNP_REPORT_SIG_S, s);
	write_bytes(tmp("resigned"), raw, size);
	free(raw);
	verify_all(&p, tmp("resigned"), LK_EXIT_CHECK);
	ck_assert_str_eq(p.out, LINE_REPORT SIGNATURE_FAIL LINE_CHAIN LINE_CHIP_ID LINE_TCB
			 LINE_MEASUREMENT LINE_HOST_DATA LINE_POLICY);
}
END_TEST

/* Copies @src to DIR/@name with the @nth-from-last base64 line's 10th character changed. */
static const char *pem_with_bad_signature(const char *src, const char *name)
{
	size_t size;
	char *pem = test_read_file(src, &size), *end = strstr(pem, "-----END"), *line;
	int n;

	ck_assert_ptr_nonnull(end);
	/* Three lines up from END: inside the signature, the last 512 bytes. */
	for (line = end - 1, n = 0; line > pem && n < 3; line--)
		if (line[-1] == '\n')
			n++;
	line[9] = line[9] == 'A' ? 'B' : 'A';
	write_bytes(tmp(name), pem, size);
	free(pem);
	return tmp(name);
}

START_TEST(wrong_chain)
{
	char bad[4200], cmd[16384];
	struct vmm_proc p;

	if (!have_vectors("wrong_chain"))
		return;
	/* The ARK twice: the VCEK's issuer is missing. */
	snprintf(cmd, sizeof(cmd), "cat '%s' '%s' > '%s'", hs_snp_vector("ark_milan.pem"),
		 hs_snp_vector("ark_milan.pem"), tmp("arkark.pem"));
	ck_assert_int_eq(system(cmd), 0);
	run(&p, (const char *[]){ "verify", report, "--vcek", vcek, "--chain", tmp("arkark.pem"),
				  NULL }, LK_EXIT_CHECK, "");
	ck_assert_msg(strstr(p.out, "\nchain: FAIL: 'SEV-VCEK' was issued by 'SEV-Milan', not by "
			     "'ARK-Milan'\n"), "%s", p.out);
	/* An ASK whose signature was changed: the ARK did not sign it. */
	snprintf(bad, sizeof(bad), "%s", pem_with_bad_signature(hs_snp_vector("ask_milan.pem"), "ask.pem"));
	snprintf(cmd, sizeof(cmd), "cat '%s' '%s' > '%s'", bad, hs_snp_vector("ark_milan.pem"),
		 tmp("badask.pem"));
	ck_assert_int_eq(system(cmd), 0);
	run(&p, (const char *[]){ "verify", report, "--vcek", vcek, "--chain", tmp("badask.pem"),
				  NULL }, LK_EXIT_CHECK, "");
	ck_assert_msg(strstr(p.out, "\nchain: FAIL: the signature of 'SEV-Milan' does not verify "
			     "with the key of 'ARK-Milan'\n"), "%s", p.out);
	ck_assert_ptr_nonnull(strstr(p.out, LINE_SIGNATURE));
	/* ARK then ASK: the order is found; the ASK alone is not a chain. */
	snprintf(cmd, sizeof(cmd), "cat '%s' '%s' > '%s'", hs_snp_vector("ark_milan.pem"),
		 hs_snp_vector("ask_milan.pem"), tmp("arkask.pem"));
	ck_assert_int_eq(system(cmd), 0);
	run(&p, (const char *[]){ "verify", report, "--vcek", vcek, "--chain", tmp("arkask.pem"),
				  NULL }, 0, "");
	ck_assert_ptr_nonnull(strstr(p.out, LINE_CHAIN));
	snprintf(cmd, sizeof(cmd), "lkvm-sev: --chain %s: 1 certificate, but a chain is the ASK "
		 "and the ARK\n", hs_snp_vector("ask_milan.pem"));
	run(&p, (const char *[]){ "verify", report, "--vcek", vcek, "--chain",
				  hs_snp_vector("ask_milan.pem"), NULL }, 2, cmd);
}
END_TEST

START_TEST(digest_mismatch)
{
	struct vmm_proc p;

	if (!have_vectors("digest_mismatch"))
		return;
	run(&p, (const char *[]){ "verify", report, "--expect-digest", AMDSEV_SNP_1, NULL },
	    LK_EXIT_CHECK, "");
	ck_assert_ptr_nonnull(strstr(p.out, "measurement: FAIL: report " MEASUREMENT ", expected "
				     AMDSEV_SNP_1 " (--expect-digest)\n"));
	/* From launch options: measure's digest of that launch, which is not the report's. */
	run(&p, (const char *[]){ "verify", report, "--firmware", amdsev, "--cpu", "EPYC-v4",
				  NULL }, LK_EXIT_CHECK, "");
	ck_assert_ptr_nonnull(strstr(p.out, "measurement: FAIL: report " MEASUREMENT ", expected "
				     AMDSEV_SNP_1 " (the launch options' digest)\n"));
	ck_assert_uint_eq(count_substr(p.out, ": FAIL: "), 1);
	run(&p, (const char *[]){ "verify", report, "--sev-snp", "--firmware", amdsev, "--cpu-sig",
				  "800f12", "-c", "4", "--direct-vmsa", "on", NULL },
	    LK_EXIT_CHECK, "");
	ck_assert_ptr_nonnull(strstr(p.out, "expected " AMDSEV_SNP_1));
}
END_TEST

START_TEST(json_output)
{
	char cmd[512];
	struct vmm_proc p;

	if (!have_vectors("json_output"))
		return;
	run(&p, (const char *[]){ "verify", report, "--vcek", vcek, "--chain", chain, "--json",
				  NULL }, 0, "");
	write_bytes(tmp("out.json"), p.out, p.out_len);
	snprintf(cmd, sizeof(cmd), "python3 -m json.tool %s >/dev/null", tmp("out.json"));
	ck_assert_msg(system(cmd) == 0, "not JSON: %s", p.out);
	ck_assert_ptr_nonnull(strstr(p.out, "\"measurement\": \"" MEASUREMENT "\""));
	ck_assert_ptr_nonnull(strstr(p.out, "\"reported_tcb\": \"0x7308000000000003\""));
	ck_assert_ptr_nonnull(strstr(p.out, "\"product\": \"Milan-B0\""));
	ck_assert_uint_eq(count_substr(p.out, "\"result\": \"pass\""), 5);
	ck_assert_uint_eq(count_substr(p.out, "\"result\": \"skipped\""), 3);
	ck_assert_ptr_nonnull(strstr(p.out, "\"pass\": true\n}"));
	run(&p, (const char *[]){ "verify", corrupted(SNP_REPORT_MEASUREMENT, 1), "--vcek", vcek,
				  "--json", NULL }, LK_EXIT_CHECK, "");
	ck_assert_ptr_nonnull(strstr(p.out, "\"result\": \"FAIL\""));
	ck_assert_ptr_nonnull(strstr(p.out, "\"pass\": false\n}"));
}
END_TEST

#define REFUSED(msg, ...) run(&p, (const char *[]){ "verify", __VA_ARGS__, NULL }, 2, \
			      "lkvm-sev: " msg "\n")

START_TEST(refusals)
{
	char want[8192];
	struct vmm_proc p;

	if (!have_vectors("refusals"))
		return;
	run(&p, (const char *[]){ "verify", NULL }, 2, "lkvm-sev: verify needs the REPORT file "
	    "(see lkvm-sev verify --help)\n");
	REFUSED("verify takes one REPORT, not 'x' too", report, "x");
	REFUSED("--expect-digest 1234: not an SNP launch digest (48 bytes, 96 hex digits)", report,
		"--expect-digest", "1234");
	REFUSED("--host-data zz: not 32 bytes as 64 hex digits", report, "--host-data", "zz");
	REFUSED("--expect-digest and --firmware: give the digest or the launch it comes from, "
		"not both", report, "--firmware", amdsev, "--expect-digest", MEASUREMENT);
	REFUSED("--sev-es: an attestation report comes from an SNP launch (--sev-snp)", report,
		"--sev-es", "--firmware", amdsev, "--cpu", "EPYC");
	REFUSED("--sev-snp needs the vCPU model, whose signature is in every VMSA: --cpu MODEL or "
		"--cpu-sig HEX", report, "--firmware", amdsev);
	REFUSED("the launch options need --firmware FILE: the digest covers the firmware", report,
		"--cpu", "EPYC");
	snprintf(want, sizeof(want), "lkvm-sev: --vcek %s: not a DER Certificate (TAG_ERROR: tag "
		 "error near element 'ROOT')\n", report);
	run(&p, (const char *[]){ "verify", report, "--vcek", report, NULL }, 2, want);
	snprintf(want, sizeof(want), "lkvm-sev: --vcek %s: no certificate in it\n",
		 hs_snp_vector("test_id_key.pem"));
	run(&p, (const char *[]){ "verify", report, "--vcek", hs_snp_vector("test_id_key.pem"), NULL }, 2,
	    want);
}
END_TEST

/* measure --id-key: the files run --id-block and --id-auth take, and the digests printed. */
START_TEST(measure_signs_id_block)
{
	uint8_t *block, *auth, *want;
	size_t block_size, auth_size;
	struct vmm_proc p;
	char why[256];

	if (!have_vectors("measure_signs_id_block"))
		return;
	run(&p, (const char *[]){ "measure", "--sev-snp", "--firmware", amdsev, "--cpu", "EPYC-v4",
				  "--id-key", hs_snp_vector("test_id_key.pem"), "--author-key",
				  hs_snp_vector("test_author_key.pem"), "--family-id",
				  "00112233445566778899aabbccddeeff", "--guest-svn", "7",
				  "--id-block-out", tmp("block"), "--id-auth-out", tmp("auth"),
				  NULL }, 0, "");
	ck_assert_str_eq(p.out, AMDSEV_SNP_1 "\nid_key_digest: " ID_KEY_DIGEST
			 "\nauthor_key_digest: " AUTHOR_KEY_DIGEST "\n");
	block = test_read_file(tmp("block"), &block_size);
	auth = test_read_file(tmp("auth"), &auth_size);
	ck_assert_uint_eq(block_size, ID_BLOCK_SIZE);
	ck_assert_uint_eq(auth_size, ID_AUTH_SIZE);
	/* Digest, family ID, image ID 0, version 1, SVN 7, policy 0x30000. */
	ck_assert_uint_eq(block[0], 0x19);
	ck_assert_uint_eq(block[0x2f], 0x2d);
	ck_assert_uint_eq(block[0x30], 0x00);
	ck_assert_uint_eq(block[0x3f], 0xff);
	ck_assert_uint_eq(block[0x50], 1);
	ck_assert_uint_eq(block[0x54], 7);
	ck_assert_uint_eq(block[0x5a], 3);
	want = test_read_file(hs_snp_vector("id_auth_expected.bin"), &auth_size);
	ck_assert(!memcmp(auth + ID_AUTH_ID_KEY, want + ID_AUTH_ID_KEY, SEV_PUBKEY_SIZE));
	ck_assert(!memcmp(auth + ID_AUTH_AUTHOR_KEY, want + ID_AUTH_AUTHOR_KEY, SEV_PUBKEY_SIZE));
	ck_assert_msg(id_auth_check(block, auth, why, sizeof(why)), "%s", why);
	free(want);
	free(block);
	free(auth);

	/* Without an author key: no author fields, and no author_key_digest. */
	run(&p, (const char *[]){ "measure", "--sev-snp", "--firmware", amdsev, "--cpu", "EPYC-v4",
				  "--id-key", hs_snp_vector("test_id_key.pem"), "--id-block-out",
				  tmp("block"), "--id-auth-out", tmp("auth"), "--json", NULL },
	    0, "");
	ck_assert_ptr_nonnull(strstr(p.out, "\"id_key_digest\": \"" ID_KEY_DIGEST "\""));
	ck_assert_ptr_nonnull(strstr(p.out, "\"author_key_digest\": null"));
	auth = test_read_file(tmp("auth"), &auth_size);
	ck_assert(!id_auth_has_author_key(auth));
	free(auth);
}
END_TEST

/*
 * run takes measure's files as they are, under the simulated SNP host: the
 * ID block carries the digest run launches with, and AUTHOR_KEY_EN is set
 * only for a structure with an author key.
 */
START_TEST(run_takes_id_files)
{
	static const char ovmf[] = "/usr/share/ovmf/OVMF.fd";
	static struct hs_proc p;
	char want[256], hex[2 * 48 + 1];
	struct vmm_proc m;
	size_t size;
	uint8_t *block;
	char *log;
	int with_author, i;

	if (!have_vectors("run_takes_id_files"))
		return;
	if (access(ovmf, R_OK)) {
		tests_skip("verify run_takes_id_files", "%s is not installed here", ovmf);
		return;
	}
	for (with_author = 0; with_author < 2; with_author++) {
		/* Without an author, the NULL ends the arguments before --author-key's. */
		run(&m, (const char *[]){ "measure", "--sev-snp", "--firmware", ovmf, "--cpu",
					  "EPYC-v4", "--id-key", hs_snp_vector("test_id_key.pem"),
					  "--id-block-out", tmp("block"), "--id-auth-out", tmp("auth"),
					  with_author ? "--author-key" : NULL,
					  hs_snp_vector("test_author_key.pem"), NULL }, 0, "");
		hs_spawn(&p, LKVM_BIN "-dyn", NULL, (const char *[]){ "run", "--sev-snp",
			 "--firmware", ovmf, "--cpu", "EPYC-v4", "--id-block", tmp("block"),
			 "--id-auth", tmp("auth"), "--timeout", "30", NULL });
		ck_assert_msg(p.status == 0, "status %d: %s", p.status, p.err);
		block = test_read_file(tmp("block"), &size);
		for (i = 0; i < 48; i++)
			sprintf(hex + 2 * i, "%02x", block[i]);
		free(block);
		snprintf(want, sizeof(want), "SNP launch digest (sha384, expected): %s\n", hex);
		ck_assert_msg(strstr(p.err, want), "no '%s' in:\n%s", want, p.err);
		log = test_read_file(p.log, &size);
		snprintf(want, sizeof(want), "\"id_block_en\":1,\"auth_key_en\":%d,", with_author);
		ck_assert_msg(strstr(log, want), "no %s in the host's log", want);
		free(log);
		hs_done(&p);
	}
}
END_TEST

#define MEASURE_REFUSED(msg, ...) \
	run(&p, (const char *[]){ "measure", "--sev-snp", "--firmware", amdsev, "--cpu", "EPYC", \
				  __VA_ARGS__, NULL }, 2, "lkvm-sev: " msg "\n")

START_TEST(measure_id_refusals)
{
	char want[8192];
	struct vmm_proc p;

	if (!have_vectors("measure_id_refusals"))
		return;
	MEASURE_REFUSED("--family-id needs --id-key KEY.pem: it is part of the ID block that key "
			"signs", "--family-id", "00112233445566778899aabbccddeeff");
	MEASURE_REFUSED("--image-id 12: not 16 bytes as 32 hex digits", "--image-id", "12");
	MEASURE_REFUSED("--guest-svn -1: not a number from 0 to 4294967295", "--guest-svn", "-1");
	MEASURE_REFUSED("--id-key needs --id-block-out FILE and --id-auth-out FILE: where the ID "
			"block and its signature go", "--id-key", hs_snp_vector("test_id_key.pem"));
	MEASURE_REFUSED("--policy 0x1: an SNP policy must set bit 17 (reserved, must be one; "
			"QEMU's default is 0x30000)", "--id-key", hs_snp_vector("test_id_key.pem"),
			"--id-block-out", tmp("b"), "--id-auth-out", tmp("a"), "--policy", "0x1");
	MEASURE_REFUSED("--id-key cannot go with --firmware-digest-only: the ID block carries the "
			"whole launch's digest", "--id-key", hs_snp_vector("test_id_key.pem"),
			"--id-block-out", tmp("b"), "--id-auth-out", tmp("a"),
			"--firmware-digest-only");
	run(&p, (const char *[]){ "measure", "--sev", "--firmware", amdsev, "--id-key",
				  hs_snp_vector("test_id_key.pem"), "--id-block-out", tmp("b"),
				  "--id-auth-out", tmp("a"), NULL }, 2,
	    "lkvm-sev: --id-key: an ID block is for an SNP launch (--sev-snp)\n");
	snprintf(want, sizeof(want), "lkvm-sev: --id-key %s: no private key in it (a PEM block "
		 "PRIVATE KEY or EC PRIVATE KEY)\n", hs_snp_vector("ark_milan.pem"));
	run(&p, (const char *[]){ "measure", "--sev-snp", "--firmware", amdsev, "--cpu", "EPYC",
				  "--id-key", hs_snp_vector("ark_milan.pem"), "--id-block-out", tmp("b"),
				  "--id-auth-out", tmp("a"), NULL }, 2, want);
	ck_assert_int_ne(access(tmp("b"), F_OK), 0);	/* nothing written */
}
END_TEST

Suite *verify_suite(void)
{
	Suite *s = suite_create("verify");
	TCase *tc = tcase_create("verify");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, milan_report_verifies);
	tcase_add_test(tc, checks_skipped);
	tcase_add_loop_test(tc, field_corrupted, 0, sizeof(fields) / sizeof(fields[0]));
	tcase_add_test(tc, signer_corrupted);
	tcase_add_test(tc, truncated_report);
	tcase_add_test(tc, signed_by_another_key);
	tcase_add_test(tc, wrong_chain);
	tcase_add_test(tc, digest_mismatch);
	tcase_add_test(tc, json_output);
	tcase_add_test(tc, refusals);
	suite_add_tcase(s, tc);

	tc = tcase_create("measure");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, measure_signs_id_block);
	tcase_add_test(tc, measure_id_refusals);
	tcase_add_test(tc, run_takes_id_files);
	suite_add_tcase(s, tc);
	return s;
}
