/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * X.509 certificates of AMD's SEV-SNP key hierarchy: ARK (root, self-
 * signed), ASK (intermediate), VCEK or VLEK (the key that signs reports).
 * Decoded with libtasn1 (sev/der.h) into the fields the verifier needs:
 * the names, the public key (RSA for ARK and ASK, P-384 for VCEK and
 * VLEK), the signature and its RSASSA-PSS parameters, and AMD's extensions
 * (1.3.6.1.4.1.3704.1.*: product name, the security patch levels the key
 * was derived for, the chip's hwID). Signatures are checked with nettle.
 */
#ifndef LKVM_SEV_X509_H
#define LKVM_SEV_X509_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "util/err.h"

#define X509_NAME_MAX	64
#define X509_OID_MAX	64
#define X509_RSA_MAX	512		/* bytes of a modulus: RSA-4096, as AMD's */
#define X509_HWID_MAX	64

/* The last arc of AMD's SPL extensions, 1.3.6.1.4.1.3704.1.3.N. */
enum amd_spl {
	AMD_SPL_BOOTLOADER = 1,
	AMD_SPL_TEE = 2,
	AMD_SPL_SNP = 3,
	AMD_SPL_MICROCODE = 8,
	AMD_SPL_FMC = 9,		/* Turin and later */
	AMD_SPL_MAX = 9,
};

enum x509_key_type {
	X509_KEY_OTHER,
	X509_KEY_RSA,
	X509_KEY_P384,
};

struct x509_cert {
	uint8_t *der;			/* the certificate, owned */
	size_t len;
	/* Where the signed part, the names and the key info lie in @der. */
	size_t tbs_off, tbs_len;
	size_t issuer_off, issuer_len;
	size_t subject_off, subject_len;
	size_t spki_off, spki_len;
	char subject_cn[X509_NAME_MAX];	/* "SEV-VCEK", "SEV-Milan", "ARK-Milan" */
	char issuer_cn[X509_NAME_MAX];

	char sig_oid[X509_OID_MAX];	/* signatureAlgorithm */
	bool sig_alg_consistent;	/* the same AlgorithmIdentifier inside tbsCertificate */
	/* RSASSA-PSS: hash and MGF1 hash OIDs ("" when absent: SHA-1), salt, trailer. */
	char pss_hash[X509_OID_MAX], pss_mgf[X509_OID_MAX], pss_mgf_hash[X509_OID_MAX];
	unsigned long pss_salt, pss_trailer;
	uint8_t sig[X509_RSA_MAX];
	size_t sig_len;

	enum x509_key_type key;
	uint8_t ec_x[48], ec_y[48];	/* P-384, big-endian */
	uint8_t rsa_n[X509_RSA_MAX], rsa_e[8];
	size_t rsa_n_len, rsa_e_len;

	/* AMD's extensions: bit N of spl_mask says spl[N] is present. */
	unsigned int spl_mask;
	uint8_t spl[AMD_SPL_MAX + 1];
	uint8_t hwid[X509_HWID_MAX];
	size_t hwid_len;		/* 0: no hwID (a VLEK, or not AMD's) */
	char product[X509_NAME_MAX];	/* productName, "Milan-B0" */
	bool csp_id;			/* a VLEK's cspID */
};

/*
 * Decodes @der (@what names it in messages: "--vcek FILE"). Status 2 and
 * one line for anything that is not a certificate lkvm-sev can read.
 */
int x509_decode(struct x509_cert *c, const uint8_t *der, size_t len, const char *what,
		struct lk_err *err);
/*
 * The certificates of file @path (option @opt): its CERTIFICATE PEM blocks
 * in order, or one DER certificate; at most @max, at least one.
 */
int x509_read_file(const char *opt, const char *path, struct x509_cert *certs, int max,
		   int *nr, struct lk_err *err);
void x509_free(struct x509_cert *c);

/*
 * Whether @issuer signed @c: @c names @issuer's subject as its issuer, and
 * its signature, RSASSA-PSS with SHA-384 and MGF1 SHA-384 (what AMD uses
 * throughout), verifies with @issuer's RSA key. If not, @why says why.
 */
bool x509_signed_by(const struct x509_cert *c, const struct x509_cert *issuer, char *why,
		    size_t size);

/* SHA-384 of @c's SubjectPublicKeyInfo: what identifies a root key. */
void x509_key_sha384(const struct x509_cert *c, uint8_t out[48]);

#endif
