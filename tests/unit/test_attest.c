// SPDX-License-Identifier: GPL-2.0-only
/*
 * The attestation code against ../shared/vectors/snp: the Milan report's
 * fields, AMD's certificates and their RSA-PSS chain, the ID block byte for
 * byte, the ID authentication structure's public keys byte for byte and its
 * signatures (ours and virtee's) verified by our verifier and by `openssl
 * dgst -verify`, keys in PKCS#8 and SEC1, a report signed by another key.
 * Without ../shared/vectors/snp every test says SKIP, naming it.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "sev/attest_report.h"
#include "sev/der.h"
#include "sev/id_block.h"
#include "sev/p384.h"
#include "sev/verify.h"
#include "sev/x509.h"
#include "tests/hostsim/test_hostsim.h"
#include "tests/tests.h"

#define ID_KEY_DIGEST "59fb2c686dfa4fef49f38339aa775c90051c28d57383ddc3baf3b5eb4b1496df" \
		      "3b0dbbdcbae5fe27677a644820773fe2"
#define AUTHOR_KEY_DIGEST "eed81169fb0cb5e0ec34794f128fd4e0c4a46f67c65a1adfa81fcb24bcc088c2" \
			  "72369b7ffc3eb2b6af6a4284a1b36c5f"

static char dir[64];

/* Whether the vectors are here; if not, a SKIP line that names ../shared. */
static bool have_vectors(const char *test)
{
	char what[128];

	snprintf(what, sizeof(what), "attest %s", test);
	return hs_have_snp_vectors(what);
}

static bool have_openssl(const char *test)
{
	char what[128];

	if (!system("command -v openssl >/dev/null 2>&1"))
		return true;
	snprintf(what, sizeof(what), "attest %s", test);
	tests_skip(what, "the openssl command is not installed");
	return false;
}

static void setup(void)
{
	test_dir_create(dir, sizeof(dir));
}

static void teardown(void)
{
	test_dir_remove(dir);
}

static const char *tmp(const char *name)
{
	static char path[8][128];
	static int next;

	next = (next + 1) % 8;
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

static void *vector(const char *name, size_t want)
{
	size_t size;
	void *data = test_read_file(hs_snp_vector(name), &size);

	ck_assert_msg(size == want, "%s: %zu bytes, not %zu", name, size, want);
	return data;
}

static void hex(char *out, const uint8_t *b, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		sprintf(out + 2 * i, "%02x", b[i]);
}

static void read_key(const char *path, struct p384_key *k)
{
	struct lk_err err = { 0 };

	ck_assert_msg(!p384_key_read("--id-key", path, k, &err), "%s: %s", path, err.msg);
}

START_TEST(report_fields)
{
	struct lk_err err = { 0 };
	struct snp_report r;
	struct snp_tcb t;
	char text[128], m[97];

	if (!have_vectors("report_fields"))
		return;
	ck_assert_msg(!snp_report_read(hs_snp_vector("report_milan.bin"), &r, &err), "%s", err.msg);
	ck_assert_uint_eq(r.version, 2);
	ck_assert_uint_eq(r.policy, 0x30000);
	ck_assert_uint_eq(r.vmpl, 0);
	ck_assert_uint_eq(r.sig_algo, SNP_SIG_ALGO_ECDSA_P384_SHA384);
	ck_assert_uint_eq(r.signing_key, SNP_SIGNING_VCEK);
	ck_assert(!r.has_cpuid);
	hex(m, r.measurement, sizeof(r.measurement));
	ck_assert_str_eq(m, "7a1e5c266c0108dbc9bb94fa926951320940915d0aafb42464bd88b579ea158d"
			 "3e1a0dc39b2c60bd95b9c480cd81841f");
	ck_assert_uint_eq(r.reported_tcb, 0x7308000000000003ULL);
	/* Version 2 has no CPUID: the VCEK's product, or the 64-byte chip ID, says Milan. */
	ck_assert_int_eq(snp_report_tcb_layout(&r, "Milan-B0"), SNP_TCB_FAMILY_19H);
	ck_assert_int_eq(snp_report_tcb_layout(&r, NULL), SNP_TCB_FAMILY_19H);
	ck_assert_int_eq(snp_report_tcb_layout(&r, "Turin-A0"), SNP_TCB_FAMILY_1AH);
	snp_tcb_decode(r.reported_tcb, SNP_TCB_FAMILY_19H, &t);
	snp_tcb_format(&t, text, sizeof(text));
	ck_assert_str_eq(text, "bootloader 3, tee 0, snp 8, microcode 115");
	/* Turin: FMC, bootloader, TEE, SNP in bytes 0-3, microcode in byte 7. */
	snp_tcb_decode(0x1b00000005040302ULL, SNP_TCB_FAMILY_1AH, &t);
	snp_tcb_format(&t, text, sizeof(text));
	ck_assert_str_eq(text, "fmc 2, bootloader 3, tee 4, snp 5, microcode 27");
}
END_TEST

START_TEST(report_refused)
{
	uint8_t *raw;
	struct lk_err err = { 0 };
	struct snp_report r;

	if (!have_vectors("report_refused"))
		return;
	raw = vector("report_milan.bin", SNP_REPORT_SIZE);
	ck_assert_int_eq(snp_report_parse(&r, raw, SNP_REPORT_SIZE - 1, "R", &err), -1);
	ck_assert_int_eq(err.status, LK_EXIT_USAGE);
	ck_assert_str_eq(err.msg, "R: 1183 bytes, but an SNP attestation report is 1184");
	raw[0] = 1;
	ck_assert_int_eq(snp_report_parse(&r, raw, SNP_REPORT_SIZE, "R", &err), -1);
	ck_assert_str_eq(err.msg, "R: report version 1: lkvm-sev reads versions 2 to 5");
	raw[0] = 6;
	ck_assert_int_eq(snp_report_parse(&r, raw, SNP_REPORT_SIZE, "R", &err), -1);
	ck_assert_str_eq(err.msg, "R: report version 6: lkvm-sev reads versions 2 to 5");
	raw[0] = 5;	/* the newest: parsed, with its CPUID fields */
	ck_assert_int_eq(snp_report_parse(&r, raw, SNP_REPORT_SIZE, "R", &err), 0);
	ck_assert(r.has_cpuid);
	free(raw);
}
END_TEST

START_TEST(vcek_fields)
{
	struct lk_err err = { 0 };
	struct x509_cert v;
	uint8_t *report;
	int n;

	if (!have_vectors("vcek_fields"))
		return;
	ck_assert_msg(!x509_read_file("--vcek", hs_snp_vector("vcek_milan.der"), &v, 1, &n, &err), "%s",
		      err.msg);
	ck_assert_int_eq(n, 1);
	ck_assert_str_eq(v.subject_cn, "SEV-VCEK");
	ck_assert_str_eq(v.issuer_cn, "SEV-Milan");
	ck_assert_str_eq(v.product, "Milan-B0");
	ck_assert_int_eq(v.key, X509_KEY_P384);
	ck_assert(!v.csp_id);
	ck_assert_uint_eq(v.spl_mask, 1U << 1 | 1U << 2 | 1U << 3 | 1U << 4 | 1U << 5 | 1U << 6 |
			  1U << 7 | 1U << 8);
	ck_assert_uint_eq(v.spl[AMD_SPL_BOOTLOADER], 3);
	ck_assert_uint_eq(v.spl[AMD_SPL_TEE], 0);
	ck_assert_uint_eq(v.spl[AMD_SPL_SNP], 8);
	ck_assert_uint_eq(v.spl[AMD_SPL_MICROCODE], 115);
	/* The hwID is the chip ID the report carries. */
	report = vector("report_milan.bin", SNP_REPORT_SIZE);
	ck_assert_uint_eq(v.hwid_len, 64);
	ck_assert(!memcmp(v.hwid, report + SNP_REPORT_CHIP_ID, 64));
	free(report);
	x509_free(&v);
}
END_TEST

START_TEST(chain_signatures)
{
	struct x509_cert vcek, chain[2];
	struct lk_err err = { 0 };
	char why[512];
	int n;

	if (!have_vectors("chain_signatures"))
		return;
	ck_assert(!x509_read_file("--vcek", hs_snp_vector("vcek_milan.der"), &vcek, 1, &n, &err));
	ck_assert_msg(!x509_read_file("--chain", hs_snp_vector("cert_chain_milan.pem"), chain, 2, &n, &err),
		      "%s", err.msg);
	ck_assert_int_eq(n, 2);
	ck_assert_str_eq(chain[0].subject_cn, "SEV-Milan");
	ck_assert_str_eq(chain[1].subject_cn, "ARK-Milan");
	ck_assert_int_eq(chain[1].key, X509_KEY_RSA);
	ck_assert_uint_eq(chain[1].rsa_n_len, 512);
	ck_assert_uint_eq(chain[1].pss_salt, 48);
	ck_assert_msg(x509_signed_by(&vcek, &chain[0], why, sizeof(why)), "%s", why);
	ck_assert_msg(x509_signed_by(&chain[0], &chain[1], why, sizeof(why)), "%s", why);
	ck_assert_msg(x509_signed_by(&chain[1], &chain[1], why, sizeof(why)), "%s", why);
	ck_assert(!x509_signed_by(&vcek, &chain[1], why, sizeof(why)));
	ck_assert_str_eq(why, "'SEV-VCEK' was issued by 'SEV-Milan', not by 'ARK-Milan'");
	/* One bit of the VCEK's signature. */
	vcek.sig[100] ^= 1;
	ck_assert(!x509_signed_by(&vcek, &chain[0], why, sizeof(why)));
	ck_assert_str_eq(why, "the signature of 'SEV-VCEK' does not verify with the key of "
			 "'SEV-Milan'");
	x509_free(&vcek);
	x509_free(&chain[0]);
	x509_free(&chain[1]);
}
END_TEST

/* The vector's ID block (virtee/sev's test): its digest, zero IDs, SVN 0, policy 0x30000. */
START_TEST(id_block_matches_vector)
{
	struct id_block_fields f = { .policy = 0x30000 };
	uint8_t *want, block[ID_BLOCK_SIZE];

	if (!have_vectors("id_block_matches_vector"))
		return;
	want = vector("id_block_expected.bin", ID_BLOCK_SIZE);
	memcpy(f.digest, want, sizeof(f.digest));
	id_block_build(block, &f);
	ck_assert(!memcmp(block, want, ID_BLOCK_SIZE));
	free(want);
}
END_TEST

START_TEST(id_auth_matches_vector)
{
	uint8_t *block, *want, auth[ID_AUTH_SIZE], digest[ID_DIGEST_SIZE];
	struct p384_key id, author;
	struct lk_err err = { 0 };
	char why[256], text[97];

	if (!have_vectors("id_auth_matches_vector"))
		return;
	block = vector("id_block_expected.bin", ID_BLOCK_SIZE);
	want = vector("id_auth_expected.bin", ID_AUTH_SIZE);
	read_key(hs_snp_vector("test_id_key.pem"), &id);
	read_key(hs_snp_vector("test_author_key.pem"), &author);
	ck_assert_msg(!id_auth_build(auth, block, &id, &author, &err), "%s", err.msg);
	/* The algorithms and both public-key structures, byte for byte. */
	ck_assert(!memcmp(auth, want, 8));
	ck_assert(!memcmp(auth + ID_AUTH_ID_KEY, want + ID_AUTH_ID_KEY, SEV_PUBKEY_SIZE));
	ck_assert(!memcmp(auth + ID_AUTH_AUTHOR_KEY, want + ID_AUTH_AUTHOR_KEY, SEV_PUBKEY_SIZE));
	ck_assert(id_auth_has_author_key(auth));
	/* ECDSA is randomised: the signatures differ, and both ours and virtee's verify. */
	ck_assert_msg(id_auth_check(block, auth, why, sizeof(why)), "ours: %s", why);
	ck_assert_msg(id_auth_check(block, want, why, sizeof(why)), "virtee's: %s", why);
	/* What the report will carry: the README's digests. */
	sev_pubkey_digest(digest, &id);
	hex(text, digest, sizeof(digest));
	ck_assert_str_eq(text, ID_KEY_DIGEST);
	sev_pubkey_digest(digest, &author);
	hex(text, digest, sizeof(digest));
	ck_assert_str_eq(text, AUTHOR_KEY_DIGEST);
	p384_key_free(&id);
	p384_key_free(&author);
	free(block);
	free(want);
}
END_TEST

START_TEST(id_auth_check_refuses)
{
	uint8_t *block, *auth;
	char why[256];

	if (!have_vectors("id_auth_check_refuses"))
		return;
	block = vector("id_block_expected.bin", ID_BLOCK_SIZE);
	auth = vector("id_auth_expected.bin", ID_AUTH_SIZE);
	block[0x58] ^= 4;	/* the policy */
	ck_assert(!id_auth_check(block, auth, why, sizeof(why)));
	ck_assert_str_eq(why, "the ID key's signature of the ID block does not verify");
	block[0x58] ^= 4;
	auth[ID_AUTH_ID_KEY_SIG + 10] ^= 1;
	ck_assert(!id_auth_check(block, auth, why, sizeof(why)));
	ck_assert_str_eq(why, "the author key's signature of the ID key does not verify");
	auth[ID_AUTH_ID_KEY_SIG + 10] ^= 1;
	auth[ID_AUTH_ID_KEY] = 3;	/* curve 3 */
	ck_assert(!id_auth_check(block, auth, why, sizeof(why)));
	ck_assert_str_eq(why, "the ID key's curve is 3, not 2 (P-384)");
	free(block);
	free(auth);
}
END_TEST

/* Without an author key: the author fields stay zero, and AUTHOR_KEY_EN must be clear. */
START_TEST(id_auth_without_author)
{
	uint8_t block[ID_BLOCK_SIZE] = { 1, 2, 3 }, auth[ID_AUTH_SIZE];
	uint8_t zero[SEV_PUBKEY_SIZE] = { 0 };
	struct lk_err err = { 0 };
	struct p384_key id;
	char why[256];

	if (!have_vectors("id_auth_without_author"))
		return;
	read_key(hs_snp_vector("test_id_key.pem"), &id);
	ck_assert(!id_auth_build(auth, block, &id, NULL, &err));
	ck_assert(!id_auth_has_author_key(auth));
	ck_assert(!memcmp(auth + ID_AUTH_AUTHOR_KEY, zero, SEV_PUBKEY_SIZE));
	ck_assert(!memcmp(auth + ID_AUTH_ID_KEY_SIG, zero, SEV_SIG_SIZE));
	ck_assert_msg(id_auth_check(block, auth, why, sizeof(why)), "%s", why);
	p384_key_free(&id);
}
END_TEST

static int sh(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

static int sh(const char *fmt, ...)
{
	char cmd[16384];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(cmd, sizeof(cmd), fmt, ap);
	va_end(ap);
	return system(cmd);
}

/* PKCS#8 (the vectors' form) and SEC1, PEM and DER, converted by openssl: one key. */
START_TEST(key_formats)
{
	static const char *const forms[] = { "sec1.pem", "sec1.der", "pkcs8.pem", "pkcs8.der" };
	uint8_t want[SEV_PUBKEY_SIZE], got[SEV_PUBKEY_SIZE];
	struct lk_err err = { 0 };
	struct p384_key k;
	size_t i;

	if (!have_vectors("key_formats") || !have_openssl("key_formats"))
		return;
	read_key(hs_snp_vector("test_id_key.pem"), &k);
	sev_pubkey_build(want, &k);
	p384_key_free(&k);
	ck_assert_int_eq(sh("openssl ec -in '%s' -out '%s' 2>/dev/null", hs_snp_vector("test_id_key.pem"),
			    tmp("sec1.pem")), 0);
	ck_assert_int_eq(sh("openssl ec -in '%s' -outform der -out '%s' 2>/dev/null",
			    hs_snp_vector("test_id_key.pem"), tmp("sec1.der")), 0);
	ck_assert_int_eq(sh("openssl pkcs8 -topk8 -nocrypt -in '%s' -out '%s'", tmp("sec1.pem"),
			    tmp("pkcs8.pem")), 0);
	ck_assert_int_eq(sh("openssl pkcs8 -topk8 -nocrypt -in '%s' -outform der -out '%s'",
			    tmp("sec1.pem"), tmp("pkcs8.der")), 0);
	ck_assert_int_eq(sh("grep -q 'BEGIN EC PRIVATE KEY' '%s'", tmp("sec1.pem")), 0);
	for (i = 0; i < sizeof(forms) / sizeof(forms[0]); i++) {
		read_key(tmp(forms[i]), &k);
		sev_pubkey_build(got, &k);
		ck_assert_msg(!memcmp(got, want, sizeof(got)), "%s: another key", forms[i]);
		p384_key_free(&k);
	}
	/* Another curve, and a key that is not one. */
	ck_assert_int_eq(sh("openssl ecparam -name prime256v1 -genkey -noout -out '%s'",
			    tmp("p256.pem")), 0);
	ck_assert_int_eq(p384_key_read("--id-key", tmp("p256.pem"), &k, &err), -1);
	ck_assert_msg(strstr(err.msg, "a key on 1.2.840.10045.3.1.7, not P-384 (secp384r1, "
			     "1.3.132.0.34)"), "%s", err.msg);
	ck_assert_int_eq(p384_key_read("--id-key", hs_snp_vector("ark_milan.pem"), &k, &err), -1);
	ck_assert_msg(strstr(err.msg, "no private key in it"), "%s", err.msg);
}
END_TEST

/* A signature structure at @sig as DER ECDSA-Sig-Value, for openssl. */
static void sig_to_der(const uint8_t *sig, const char *path)
{
	uint8_t be[2][1 + P384_BYTES], der[256];
	char why[ASN1_MAX_ERROR_DESCRIPTION_SIZE];
	asn1_node node;
	int i, len = sizeof(der);

	ck_assert_int_eq(der_new("ECDSA-Sig-Value", &node), 0);
	for (i = 0; i < 2; i++) {
		be[i][0] = 0;	/* a leading zero keeps the INTEGER positive */
		ck_assert(sev_num_to_be(be[i] + 1, sig + i * SEV_NUM_BYTES));
		ck_assert_int_eq(asn1_write_value(node, i ? "s" : "r", be[i], sizeof(be[i])),
				 ASN1_SUCCESS);
	}
	ck_assert_int_eq(asn1_der_coding(node, "", der, &len, why), ASN1_SUCCESS);
	der_node_free(&node);
	write_bytes(path, der, (size_t)len);
}

/* `openssl dgst -sha384 -verify` agrees: our ID-auth signatures, the report's. */
START_TEST(openssl_verifies)
{
	uint8_t *block, auth[ID_AUTH_SIZE];
	struct p384_key id, author;
	struct lk_err err = { 0 };

	if (!have_vectors("openssl_verifies") || !have_openssl("openssl_verifies"))
		return;
	block = vector("id_block_expected.bin", ID_BLOCK_SIZE);
	read_key(hs_snp_vector("test_id_key.pem"), &id);
	read_key(hs_snp_vector("test_author_key.pem"), &author);
	ck_assert(!id_auth_build(auth, block, &id, &author, &err));
	write_bytes(tmp("block"), block, ID_BLOCK_SIZE);
	write_bytes(tmp("idkey"), auth + ID_AUTH_ID_KEY, SEV_PUBKEY_SIZE);
	sig_to_der(auth + ID_AUTH_ID_BLOCK_SIG, tmp("block.sig"));
	sig_to_der(auth + ID_AUTH_ID_KEY_SIG, tmp("idkey.sig"));
	ck_assert_int_eq(sh("openssl pkey -in '%s' -pubout -out '%s'", hs_snp_vector("test_id_key.pem"),
			    tmp("id.pub")), 0);
	ck_assert_int_eq(sh("openssl pkey -in '%s' -pubout -out '%s'",
			    hs_snp_vector("test_author_key.pem"), tmp("author.pub")), 0);
	ck_assert_int_eq(sh("openssl dgst -sha384 -verify '%s' -signature '%s' '%s' >/dev/null",
			    tmp("id.pub"), tmp("block.sig"), tmp("block")), 0);
	ck_assert_int_eq(sh("openssl dgst -sha384 -verify '%s' -signature '%s' '%s' >/dev/null",
			    tmp("author.pub"), tmp("idkey.sig"), tmp("idkey")), 0);
	/* And a signature that does not verify does not, for openssl either. */
	ck_assert_int_ne(sh("openssl dgst -sha384 -verify '%s' -signature '%s' '%s' >/dev/null",
			    tmp("author.pub"), tmp("block.sig"), tmp("block")), 0);
	/* The report's signature, as our verifier reads it, with the VCEK's key. */
	free(block);
	block = vector("report_milan.bin", SNP_REPORT_SIZE);
	write_bytes(tmp("signed"), block, SNP_REPORT_SIGNED_LEN);
	sig_to_der(block + SNP_REPORT_SIG_R, tmp("report.sig"));
	ck_assert_int_eq(sh("openssl x509 -inform der -in '%s' -pubkey -noout > '%s'",
			    hs_snp_vector("vcek_milan.der"), tmp("vcek.pub")), 0);
	ck_assert_int_eq(sh("openssl dgst -sha384 -verify '%s' -signature '%s' '%s' >/dev/null",
			    tmp("vcek.pub"), tmp("report.sig"), tmp("signed")), 0);
	p384_key_free(&id);
	p384_key_free(&author);
	free(block);
}
END_TEST

/* The report signed again with another P-384 key: the VCEK's check fails, only that. */
START_TEST(report_signed_by_another_key)
{
	uint8_t *raw, r[P384_BYTES], s[P384_BYTES];
	struct verify_in in = { 0 };
	struct lk_err err = { 0 };
	struct verify_out out;
	struct p384_key k;
	int i;

	if (!have_vectors("report_signed_by_another_key"))
		return;
	raw = vector("report_milan.bin", SNP_REPORT_SIZE);
	read_key(hs_snp_vector("test_id_key.pem"), &k);
	ck_assert(!p384_sign(&k, raw, SNP_REPORT_SIGNED_LEN, r, s, &err));
	sev_num_from_be(raw + SNP_REPORT_SIG_R, r);
	sev_num_from_be(raw + SNP_REPORT_SIG_S, s);
	write_bytes(tmp("report"), raw, SNP_REPORT_SIZE);
	in.report = tmp("report");
	in.vcek = hs_snp_vector("vcek_milan.der");
	in.chain = hs_snp_vector("cert_chain_milan.pem");
	ck_assert_msg(!verify_report(&in, &out, &err), "%s", err.msg);
	ck_assert(!out.pass);
	for (i = 0; i < out.nr_checks; i++)
		ck_assert_msg(out.checks[i].status == (strcmp(out.checks[i].name, "signature") ?
			      (i < 5 ? CHECK_PASS : CHECK_SKIP) : CHECK_FAIL), "%s: %s",
			      out.checks[i].name, out.checks[i].detail);
	p384_key_free(&k);
	free(raw);
}
END_TEST

Suite *unit_attest_suite(void)
{
	Suite *s = suite_create("attest");
	TCase *tc = tcase_create("report");

	tcase_add_test(tc, report_fields);
	tcase_add_test(tc, report_refused);
	tcase_add_test(tc, vcek_fields);
	tcase_add_test(tc, chain_signatures);
	suite_add_tcase(s, tc);

	tc = tcase_create("id_block");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 30);
	tcase_add_test(tc, id_block_matches_vector);
	tcase_add_test(tc, id_auth_matches_vector);
	tcase_add_test(tc, id_auth_check_refuses);
	tcase_add_test(tc, id_auth_without_author);
	tcase_add_test(tc, key_formats);
	tcase_add_test(tc, openssl_verifies);
	tcase_add_test(tc, report_signed_by_another_key);
	suite_add_tcase(s, tc);
	return s;
}
