/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * ECDSA on NIST P-384 with SHA-384, the one signature of SEV-SNP's guest
 * side (reports, ID blocks, ID keys), on nettle's secp384r1: private keys
 * read from PEM or DER (SEC1's ECPrivateKey, RFC 5915; PKCS#8's
 * PrivateKeyInfo, RFC 5208, through libtasn1), signing with getrandom()'s
 * nonces, verifying; and the firmware's encoding of numbers: 72 bytes,
 * little-endian (SEV-SNP ABI, ECDSA public key and signature formats).
 */
#ifndef LKVM_SEV_P384_H
#define LKVM_SEV_P384_H

#include <nettle/ecc.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "util/err.h"

#define P384_BYTES	48	/* a coordinate, a scalar, r, s: big-endian */
#define SEV_NUM_BYTES	72	/* the same numbers as the firmware stores them */

struct p384_key {
	bool priv;		/* @d is set: the key can sign */
	struct ecc_scalar d;
	struct ecc_point q;
};

/*
 * A private key from @path (option @opt): PEM ("PRIVATE KEY": PKCS#8;
 * "EC PRIVATE KEY": SEC1) or DER (either). Status 2 and one line for
 * another curve, an encrypted key, a key whose public half does not match.
 */
int p384_key_read(const char *opt, const char *path, struct p384_key *k, struct lk_err *err);
/* The public key (@x, @y big-endian); false (@k unset) when it is not on the curve. */
bool p384_key_set_public(struct p384_key *k, const uint8_t x[P384_BYTES],
			 const uint8_t y[P384_BYTES]);
/* Either kind, once p384_key_read() or p384_key_set_public() initialised it. */
void p384_key_free(struct p384_key *k);

void p384_public(const struct p384_key *k, uint8_t x[P384_BYTES], uint8_t y[P384_BYTES]);

/* Signs the SHA-384 of @data: (r, s) big-endian. Status 2 if no randomness. */
int p384_sign(const struct p384_key *k, const void *data, size_t len, uint8_t r[P384_BYTES],
	      uint8_t s[P384_BYTES], struct lk_err *err);
/* Whether (r, s) signs the SHA-384 digest @digest for @k. */
bool p384_verify_digest(const struct p384_key *k, const uint8_t digest[P384_BYTES],
			const uint8_t r[P384_BYTES], const uint8_t s[P384_BYTES]);

/* 48 bytes big-endian into the firmware's 72 little-endian. */
void sev_num_from_be(uint8_t out[SEV_NUM_BYTES], const uint8_t in[P384_BYTES]);
/* Back; false when the number does not fit 48 bytes (its top 24 are not zero). */
bool sev_num_to_be(uint8_t out[P384_BYTES], const uint8_t in[SEV_NUM_BYTES]);

#endif
