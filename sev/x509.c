// SPDX-License-Identifier: GPL-2.0-only
/*
 * AMD's certificates: fields through libtasn1 (sev/der.h), RSASSA-PSS
 * signatures through nettle's rsa_pss_sha384_verify_digest().
 */
#include <nettle/bignum.h>
#include <nettle/rsa.h>
#include <nettle/sha2.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sev/der.h"
#include "sev/x509.h"

#define OID_CN			"2.5.4.3"
#define OID_RSA			"1.2.840.113549.1.1.1"
#define OID_RSASSA_PSS		"1.2.840.113549.1.1.10"
#define OID_MGF1		"1.2.840.113549.1.1.8"
#define OID_SHA384		"2.16.840.1.101.3.4.2.2"
#define OID_EC_PUBLIC_KEY	"1.2.840.10045.2.1"
#define OID_SECP384R1		"1.3.132.0.34"
#define OID_AMD			"1.3.6.1.4.1.3704.1."	/* AMD's VCEK extensions */

#define TBS			"tbsCertificate."

/* A DirectoryString attribute value (CN) as text; "" if it is another type. */
static void name_value(const uint8_t *der, long len, char *out, size_t size)
{
	char why[DER_WHY_MAX], choice[32];
	asn1_node node;
	long n;

	out[0] = '\0';
	if (len <= 0 || der_decode("DirectoryString", der, (size_t)len, &node, why))
		return;
	n = der_read(node, "", choice, sizeof(choice) - 1);
	if (n > 0) {
		choice[n] = '\0';
		n = der_read(node, choice, out, size - 1);
		out[n > 0 ? n : 0] = '\0';
	}
	der_node_free(&node);
}

/* The common name in Name @name ("tbsCertificate.subject"), "" if none. */
static void name_cn(asn1_node node, const char *name, char *out, size_t size)
{
	char path[160], oid[X509_OID_MAX];
	uint8_t value[256];
	int i, j;

	out[0] = '\0';
	for (i = 1;; i++) {
		for (j = 1;; j++) {
			snprintf(path, sizeof(path), "%s.rdnSequence.?%d.?%d.type", name, i, j);
			if (!der_read_oid(node, path, oid, sizeof(oid)))
				break;
			if (strcmp(oid, OID_CN))
				continue;
			snprintf(path, sizeof(path), "%s.rdnSequence.?%d.?%d.value", name, i, j);
			name_value(value, der_read(node, path, value, sizeof(value)), out, size);
		}
		if (j == 1)
			return;
	}
}

/* An AlgorithmIdentifier inside the ANY @der: its OID, "" if it is not one. */
static void any_algorithm(const uint8_t *der, long len, char *oid, size_t size)
{
	char why[DER_WHY_MAX];
	asn1_node node;

	oid[0] = '\0';
	if (len <= 0 || der_decode("AlgorithmIdentifier", der, (size_t)len, &node, why))
		return;
	if (!der_read_oid(node, "algorithm", oid, size))
		oid[0] = '\0';
	der_node_free(&node);
}

/* RFC 4055's RSASSA-PSS-params, absent fields with their defaults (SHA-1, 20, 1). */
static int pss_params(struct x509_cert *c, asn1_node cert, const char *what,
		      struct lk_err *err)
{
	char why[DER_WHY_MAX];
	uint8_t any[256];
	asn1_node node;
	long n;

	c->pss_salt = 20;
	c->pss_trailer = 1;
	n = der_read(cert, "signatureAlgorithm.parameters", any, sizeof(any));
	if (n <= 0)
		return 0;	/* all defaults: SHA-1, refused when verifying */
	if (der_decode("RSASSA-PSS-params", any, (size_t)n, &node, why))
		return err_set(err, LK_EXIT_USAGE, "%s: RSASSA-PSS parameters: %s", what, why);
	if (!der_read_oid(node, "hashAlgorithm.algorithm", c->pss_hash, sizeof(c->pss_hash)))
		c->pss_hash[0] = '\0';
	if (der_read_oid(node, "maskGenAlgorithm.algorithm", c->pss_mgf, sizeof(c->pss_mgf))) {
		n = der_read(node, "maskGenAlgorithm.parameters", any, sizeof(any));
		any_algorithm(any, n, c->pss_mgf_hash, sizeof(c->pss_mgf_hash));
	}
	/* Present but unreadable: a value no check accepts. */
	if (der_read(node, "saltLength", any, sizeof(any)) >= 0 &&
	    !der_read_small(node, "saltLength", 1024, &c->pss_salt))
		c->pss_salt = ~0UL;
	if (der_read(node, "trailerField", any, sizeof(any)) >= 0 &&
	    !der_read_small(node, "trailerField", 255, &c->pss_trailer))
		c->pss_trailer = ~0UL;
	der_node_free(&node);
	return 0;
}

static int rsa_key(struct x509_cert *c, const uint8_t *bits, long n, const char *what,
		   struct lk_err *err)
{
	char why[DER_WHY_MAX];
	asn1_node node;
	long len;

	if (der_decode("RSAPublicKey", bits, (size_t)n, &node, why))
		return err_set(err, LK_EXIT_USAGE, "%s: its RSA key: %s", what, why);
	len = der_read_uint(node, "modulus", c->rsa_n, sizeof(c->rsa_n));
	c->rsa_n_len = len > 0 ? (size_t)len : 0;
	len = der_read_uint(node, "publicExponent", c->rsa_e, sizeof(c->rsa_e));
	c->rsa_e_len = len > 0 ? (size_t)len : 0;
	der_node_free(&node);
	if (!c->rsa_n_len || !c->rsa_e_len)
		return err_set(err, LK_EXIT_USAGE, "%s: an RSA key larger than %d bits or "
			       "without its exponent", what, X509_RSA_MAX * 8);
	c->key = X509_KEY_RSA;
	return 0;
}

/* The subject's key: RSA (ARK, ASK), P-384 (VCEK, VLEK); any other is kept as OTHER. */
static int public_key(struct x509_cert *c, asn1_node cert, const char *what,
		      struct lk_err *err)
{
	char oid[X509_OID_MAX], curve[X509_OID_MAX] = "", why[DER_WHY_MAX];
	uint8_t bits[X509_RSA_MAX + 64], any[64];
	asn1_node params;
	long n;

	if (!der_read_oid(cert, TBS "subjectPublicKeyInfo.algorithm.algorithm", oid, sizeof(oid)))
		return err_set(err, LK_EXIT_USAGE, "%s: no public key algorithm", what);
	n = der_read(cert, TBS "subjectPublicKeyInfo.subjectPublicKey", bits, sizeof(bits));
	if (!strcmp(oid, OID_RSA))
		return n > 0 ? rsa_key(c, bits, n, what, err) :
		       err_set(err, LK_EXIT_USAGE, "%s: an unreadable RSA key", what);
	if (strcmp(oid, OID_EC_PUBLIC_KEY))
		return 0;
	n = der_read(cert, TBS "subjectPublicKeyInfo.algorithm.parameters", any, sizeof(any));
	if (n > 0 && !der_decode("ECParameters", any, (size_t)n, &params, why)) {
		der_read_oid(params, "", curve, sizeof(curve));
		der_node_free(&params);
	}
	if (strcmp(curve, OID_SECP384R1))
		return 0;
	n = der_read(cert, TBS "subjectPublicKeyInfo.subjectPublicKey", bits, sizeof(bits));
	if (n != 97 || bits[0] != 0x04)	/* uncompressed: 04 | X | Y (RFC 5480 2.2) */
		return err_set(err, LK_EXIT_USAGE, "%s: a P-384 key that is not an uncompressed "
			       "point", what);
	memcpy(c->ec_x, bits + 1, 48);
	memcpy(c->ec_y, bits + 49, 48);
	c->key = X509_KEY_P384;
	return 0;
}

/* One of AMD's extensions (1.3.6.1.4.1.3704.1.@arc) with its value @v. */
static int amd_extension(struct x509_cert *c, const char *arc, const uint8_t *v, long n,
			 const char *what, struct lk_err *err)
{
	char why[DER_WHY_MAX];
	unsigned long spl;
	asn1_node node;
	int i;

	if (!strcmp(arc, "4")) {		/* hwID: the chip ID itself */
		if (n <= 0 || n > X509_HWID_MAX)
			return err_set(err, LK_EXIT_USAGE, "%s: a hwID of %ld bytes", what, n);
		memcpy(c->hwid, v, (size_t)n);
		c->hwid_len = (size_t)n;
	} else if (!strcmp(arc, "5")) {		/* cspID: a VLEK's */
		c->csp_id = true;
	} else if (!strcmp(arc, "2") && n > 0 &&
		   !der_decode("AmdProductName", v, (size_t)n, &node, why)) {
		n = der_read(node, "", c->product, sizeof(c->product) - 1);
		c->product[n > 0 ? n : 0] = '\0';
		der_node_free(&node);
	} else if (!strncmp(arc, "3.", 2) && arc[2] >= '1' && arc[2] <= '0' + AMD_SPL_MAX &&
		   !arc[3]) {
		i = arc[2] - '0';
		if (n <= 0 || der_decode("AmdSpl", v, (size_t)n, &node, why))
			return err_set(err, LK_EXIT_USAGE, "%s: extension %s3.%d: %s", what,
				       OID_AMD, i, n <= 0 ? "empty" : why);
		if (!der_read_small(node, "", 255, &spl)) {
			der_node_free(&node);
			return err_set(err, LK_EXIT_USAGE, "%s: extension %s3.%d: not a security "
				       "patch level from 0 to 255", what, OID_AMD, i);
		}
		der_node_free(&node);
		c->spl[i] = (uint8_t)spl;
		c->spl_mask |= 1U << i;
	}
	return 0;
}

static int extensions(struct x509_cert *c, asn1_node cert, const char *what,
		      struct lk_err *err)
{
	char path[64], oid[X509_OID_MAX];
	uint8_t value[256];
	int i;

	for (i = 1;; i++) {
		long n;

		snprintf(path, sizeof(path), TBS "extensions.?%d.extnID", i);
		if (!der_read_oid(cert, path, oid, sizeof(oid)))
			return 0;
		if (strncmp(oid, OID_AMD, strlen(OID_AMD)))
			continue;
		snprintf(path, sizeof(path), TBS "extensions.?%d.extnValue", i);
		n = der_read(cert, path, value, sizeof(value));
		if (amd_extension(c, oid + strlen(OID_AMD), value, n, what, err))
			return -1;
	}
}

/* Where the signed part, the names and the key lie, and whether both algorithm fields agree. */
static int ranges(struct x509_cert *c, asn1_node cert, const char *what, struct lk_err *err)
{
	size_t a_off, a_len, b_off, b_len;

	if (!der_range(cert, c->der, c->len, "tbsCertificate", &c->tbs_off, &c->tbs_len) ||
	    !der_range(cert, c->der, c->len, TBS "issuer", &c->issuer_off, &c->issuer_len) ||
	    !der_range(cert, c->der, c->len, TBS "subject", &c->subject_off, &c->subject_len) ||
	    !der_range(cert, c->der, c->len, TBS "subjectPublicKeyInfo", &c->spki_off,
		       &c->spki_len) ||
	    !der_range(cert, c->der, c->len, TBS "signature", &a_off, &a_len) ||
	    !der_range(cert, c->der, c->len, "signatureAlgorithm", &b_off, &b_len))
		return err_set(err, LK_EXIT_USAGE, "%s: its parts cannot be located", what);
	c->sig_alg_consistent = a_len == b_len && !memcmp(c->der + a_off, c->der + b_off, a_len);
	return 0;
}

static int decode_fields(struct x509_cert *c, asn1_node cert, const char *what,
			 struct lk_err *err)
{
	long n;

	if (ranges(c, cert, what, err))
		return -1;
	name_cn(cert, TBS "subject", c->subject_cn, sizeof(c->subject_cn));
	name_cn(cert, TBS "issuer", c->issuer_cn, sizeof(c->issuer_cn));
	if (!der_read_oid(cert, "signatureAlgorithm.algorithm", c->sig_oid, sizeof(c->sig_oid)))
		return err_set(err, LK_EXIT_USAGE, "%s: no signature algorithm", what);
	if (!strcmp(c->sig_oid, OID_RSASSA_PSS) && pss_params(c, cert, what, err))
		return -1;
	n = der_read(cert, "signature", c->sig, sizeof(c->sig));
	if (n <= 0)
		return err_set(err, LK_EXIT_USAGE, "%s: a signature of more than %d bytes, or "
			       "none", what, X509_RSA_MAX);
	c->sig_len = (size_t)n;
	return public_key(c, cert, what, err) || extensions(c, cert, what, err) ? -1 : 0;
}

int x509_decode(struct x509_cert *c, const uint8_t *der, size_t len, const char *what,
		struct lk_err *err)
{
	char why[DER_WHY_MAX];
	asn1_node cert;
	int r;

	memset(c, 0, sizeof(*c));
	if (der_decode("Certificate", der, len, &cert, why))
		return err_set(err, LK_EXIT_USAGE, "%s: %s", what, why);
	c->der = malloc(len);
	if (!c->der) {
		der_node_free(&cert);
		return err_set(err, LK_EXIT_USAGE, "%s: out of memory", what);
	}
	memcpy(c->der, der, len);
	c->len = len;
	r = decode_fields(c, cert, what, err);
	der_node_free(&cert);
	if (r)
		x509_free(c);
	return r;
}

int x509_read_file(const char *opt, const char *path, struct x509_cert *certs, int max,
		   int *nr, struct lk_err *err)
{
	char what[4200];
	struct der_file f;
	int i;

	*nr = 0;
	if (der_file_read(opt, path, &f, err))
		return -1;
	for (i = 0; i < f.nr; i++) {
		if (f.obj[i].label[0] && strcmp(f.obj[i].label, "CERTIFICATE"))
			continue;	/* a key or parameters beside it */
		if (*nr == max) {
			err_set(err, LK_EXIT_USAGE, "%s %s: more than %d certificates", opt, path,
				max);
			goto fail;
		}
		if (f.nr > 1)
			snprintf(what, sizeof(what), "%s %s (certificate %d)", opt, path, *nr + 1);
		else
			snprintf(what, sizeof(what), "%s %s", opt, path);
		if (x509_decode(&certs[*nr], f.obj[i].der, f.obj[i].len, what, err))
			goto fail;
		(*nr)++;
	}
	der_file_free(&f);
	if (!*nr)
		return err_set(err, LK_EXIT_USAGE, "%s %s: no certificate in it", opt, path);
	return 0;
fail:
	der_file_free(&f);
	while (*nr)
		x509_free(&certs[--*nr]);
	return -1;
}

void x509_free(struct x509_cert *c)
{
	free(c->der);
	memset(c, 0, sizeof(*c));
}

/* Whether @c's signature algorithm is AMD's: RSASSA-PSS, SHA-384, MGF1 SHA-384, trailer 1. */
static bool pss_sha384(const struct x509_cert *c, char *why, size_t size)
{
	if (strcmp(c->sig_oid, OID_RSASSA_PSS)) {
		snprintf(why, size, "'%s' is signed with %s, not RSASSA-PSS (%s)", c->subject_cn,
			 c->sig_oid, OID_RSASSA_PSS);
		return false;
	}
	if (strcmp(c->pss_hash, OID_SHA384) || strcmp(c->pss_mgf, OID_MGF1) ||
	    strcmp(c->pss_mgf_hash, OID_SHA384) || c->pss_trailer != 1) {
		snprintf(why, size, "'%s' is signed with RSASSA-PSS over %s, not SHA-384 with "
			 "MGF1 SHA-384", c->subject_cn, c->pss_hash[0] ? c->pss_hash : "SHA-1");
		return false;
	}
	if (!c->sig_alg_consistent) {
		snprintf(why, size, "'%s' names two different signature algorithms",
			 c->subject_cn);
		return false;
	}
	return true;
}

static bool rsa_pss_verify(const struct x509_cert *c, const struct x509_cert *issuer)
{
	uint8_t digest[SHA384_DIGEST_SIZE];
	struct rsa_public_key key;
	struct sha384_ctx ctx;
	bool ok = false;
	mpz_t sig;

	sha384_init(&ctx);
	sha384_update(&ctx, c->tbs_len, c->der + c->tbs_off);
	sha384_digest(&ctx, sizeof(digest), digest);
	rsa_public_key_init(&key);
	mpz_init(sig);
	nettle_mpz_set_str_256_u(key.n, issuer->rsa_n_len, issuer->rsa_n);
	nettle_mpz_set_str_256_u(key.e, issuer->rsa_e_len, issuer->rsa_e);
	nettle_mpz_set_str_256_u(sig, c->sig_len, c->sig);
	if (rsa_public_key_prepare(&key))
		ok = rsa_pss_sha384_verify_digest(&key, c->pss_salt, digest, sig);
	mpz_clear(sig);
	rsa_public_key_clear(&key);
	return ok;
}

bool x509_signed_by(const struct x509_cert *c, const struct x509_cert *issuer, char *why,
		    size_t size)
{
	if (c->issuer_len != issuer->subject_len ||
	    memcmp(c->der + c->issuer_off, issuer->der + issuer->subject_off, c->issuer_len)) {
		snprintf(why, size, "'%s' was issued by '%s', not by '%s'", c->subject_cn,
			 c->issuer_cn, issuer->subject_cn);
		return false;
	}
	if (!pss_sha384(c, why, size))
		return false;
	if (issuer->key != X509_KEY_RSA) {
		snprintf(why, size, "'%s' has no RSA key to check '%s' with", issuer->subject_cn,
			 c->subject_cn);
		return false;
	}
	if (!rsa_pss_verify(c, issuer)) {
		snprintf(why, size, "the signature of '%s' does not verify with the key of '%s'",
			 c->subject_cn, issuer->subject_cn);
		return false;
	}
	return true;
}

void x509_key_sha384(const struct x509_cert *c, uint8_t out[48])
{
	struct sha384_ctx ctx;

	sha384_init(&ctx);
	sha384_update(&ctx, c->spki_len, c->der + c->spki_off);
	sha384_digest(&ctx, SHA384_DIGEST_SIZE, out);
}
