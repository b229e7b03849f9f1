// SPDX-License-Identifier: GPL-2.0-only
/*
 * P-384 keys and ECDSA with SHA-384: the curve arithmetic is nettle's
 * (hogweed: ecdsa_sign, ecdsa_verify, ecc_point_mul_g), the key formats
 * libtasn1's decoding of sev/x509.asn.
 */
#include <errno.h>
#include <nettle/bignum.h>
#include <nettle/ecc-curve.h>
#include <nettle/ecdsa.h>
#include <nettle/sha2.h>
#include <string.h>
#include <sys/random.h>

#include "sev/der.h"
#include "sev/p384.h"

#define OID_EC_PUBLIC_KEY	"1.2.840.10045.2.1"
#define OID_SECP384R1		"1.3.132.0.34"
#define EC_POINT_BYTES		(1 + 2 * P384_BYTES)	/* 04 | X | Y */

static void key_init(struct p384_key *k)
{
	memset(k, 0, sizeof(*k));
	ecc_scalar_init(&k->d, nettle_get_secp_384r1());
	ecc_point_init(&k->q, nettle_get_secp_384r1());
}

void p384_key_free(struct p384_key *k)
{
	if (!k->d.ecc)		/* never initialised, or freed already */
		return;
	/* The scalar's limbs are freed as they are: zero them first. */
	memset(k->d.p, 0, (size_t)ecc_size(k->d.ecc) * sizeof(mp_limb_t));
	ecc_scalar_clear(&k->d);
	ecc_point_clear(&k->q);
	memset(k, 0, sizeof(*k));
}

/* mpz_clear() of a number that held a secret, zeroed first. */
static void mpz_clear_secret(mpz_t z)
{
	size_t n = mpz_size(z);

	if (n)
		memset(mpz_limbs_modify(z, (mp_size_t)n), 0, n * sizeof(mp_limb_t));
	mpz_clear(z);
}

static void mpz_from_be(mpz_t z, const uint8_t *b, size_t n)
{
	nettle_mpz_set_str_256_u(z, n, b);
}

bool p384_key_set_public(struct p384_key *k, const uint8_t x[P384_BYTES],
			 const uint8_t y[P384_BYTES])
{
	mpz_t mx, my;
	bool ok;

	key_init(k);
	mpz_init(mx);
	mpz_init(my);
	mpz_from_be(mx, x, P384_BYTES);
	mpz_from_be(my, y, P384_BYTES);
	ok = ecc_point_set(&k->q, mx, my);
	mpz_clear(mx);
	mpz_clear(my);
	if (!ok)
		p384_key_free(k);
	return ok;
}

void p384_public(const struct p384_key *k, uint8_t x[P384_BYTES], uint8_t y[P384_BYTES])
{
	mpz_t mx, my;

	mpz_init(mx);
	mpz_init(my);
	ecc_point_get(&k->q, mx, my);
	nettle_mpz_get_str_256(P384_BYTES, x, mx);
	nettle_mpz_get_str_256(P384_BYTES, y, my);
	mpz_clear(mx);
	mpz_clear(my);
}

/* The named curve in the ANY or [0] element @name of @node: "" when absent. */
static void curve_of(asn1_node node, const char *name, bool any, char *oid, size_t size)
{
	char why[DER_WHY_MAX];
	asn1_node params;
	uint8_t der[64];
	long n;

	oid[0] = '\0';
	if (!any) {
		if (!der_read_oid(node, name, oid, size))
			oid[0] = '\0';
		return;
	}
	n = der_read(node, name, der, sizeof(der));
	if (n > 0 && !der_decode("ECParameters", der, (size_t)n, &params, why)) {
		if (!der_read_oid(params, "", oid, size))
			oid[0] = '\0';
		der_node_free(&params);
	}
}

/*
 * The key pair of RFC 5915's ECPrivateKey @node, on the curve @curve named
 * outside it (PKCS#8) or "" (SEC1: it must name one itself).
 */
static int ec_private_key(asn1_node node, const char *curve, const char *what,
			  struct p384_key *k, struct lk_err *err)
{
	uint8_t d[P384_BYTES] = { 0 }, pub[EC_POINT_BYTES], x[P384_BYTES], y[P384_BYTES];
	char own[64];
	unsigned long version;
	long n, pub_len;
	mpz_t z;
	int ok;

	curve_of(node, "parameters", false, own, sizeof(own));
	if (own[0] && curve[0] && strcmp(own, curve))
		return err_set(err, LK_EXIT_USAGE, "%s: the key names two curves, %s and %s",
			       what, curve, own);
	if (!own[0])
		snprintf(own, sizeof(own), "%s", curve);
	if (strcmp(own, OID_SECP384R1))
		return err_set(err, LK_EXIT_USAGE, "%s: a key on %s, not P-384 (secp384r1, %s)",
			       what, own[0] ? own : "an unnamed curve", OID_SECP384R1);
	if (!der_read_small(node, "version", 255, &version) || version != 1)
		return err_set(err, LK_EXIT_USAGE, "%s: not an ECPrivateKey of version 1", what);
	n = der_read(node, "privateKey", d, sizeof(d));
	if (n <= 0)
		return err_set(err, LK_EXIT_USAGE, "%s: a P-384 private key of more than %d "
			       "bytes", what, P384_BYTES);
	key_init(k);
	mpz_init(z);
	mpz_from_be(z, d, (size_t)n);
	explicit_bzero(d, sizeof(d));
	ok = ecc_scalar_set(&k->d, z);
	mpz_clear_secret(z);
	if (!ok) {
		p384_key_free(k);
		return err_set(err, LK_EXIT_USAGE, "%s: the private key is out of range", what);
	}
	k->priv = true;
	ecc_point_mul_g(&k->q, &k->d);
	/* A public key stored beside it must be this one: a damaged file says so here. */
	pub_len = der_read(node, "publicKey", pub, sizeof(pub));
	if (pub_len < 0)
		return 0;
	p384_public(k, x, y);
	if (pub_len != EC_POINT_BYTES || pub[0] != 4 || memcmp(pub + 1, x, P384_BYTES) ||
	    memcmp(pub + 1 + P384_BYTES, y, P384_BYTES)) {
		p384_key_free(k);
		return err_set(err, LK_EXIT_USAGE, "%s: its public key does not belong to its "
			       "private key", what);
	}
	return 0;
}

/* Whether @der decodes as the module's @type. */
static bool der_is(const char *type, const uint8_t *der, size_t len)
{
	char why[DER_WHY_MAX];
	asn1_node node;

	if (der_decode(type, der, len, &node, why))
		return false;
	der_node_free(&node);
	return true;
}

static int sec1_key(const uint8_t *der, size_t len, const char *what, struct p384_key *k,
		    struct lk_err *err)
{
	char why[DER_WHY_MAX];
	asn1_node node;
	int r;

	if (der_decode("ECPrivateKey", der, len, &node, why))
		return err_set(err, LK_EXIT_USAGE, "%s: %s", what, why);
	r = ec_private_key(node, "", what, k, err);
	der_node_free(&node);
	return r;
}

static int pkcs8_key(const uint8_t *der, size_t len, const char *what, struct p384_key *k,
		     struct lk_err *err)
{
	char why[DER_WHY_MAX], oid[64], curve[64];
	uint8_t inner[512];
	asn1_node node, ec;
	long n;
	int r;

	if (der_decode("PrivateKeyInfo", der, len, &node, why))
		return err_set(err, LK_EXIT_USAGE, "%s: %s", what, why);
	if (!der_read_oid(node, "privateKeyAlgorithm.algorithm", oid, sizeof(oid)) ||
	    strcmp(oid, OID_EC_PUBLIC_KEY)) {
		der_node_free(&node);
		return err_set(err, LK_EXIT_USAGE, "%s: not an EC key (its algorithm is %s)",
			       what, oid);
	}
	curve_of(node, "privateKeyAlgorithm.parameters", true, curve, sizeof(curve));
	n = der_read(node, "privateKey", inner, sizeof(inner));
	der_node_free(&node);
	if (n <= 0 || der_decode("ECPrivateKey", inner, (size_t)n, &ec, why)) {
		explicit_bzero(inner, sizeof(inner));
		return err_set(err, LK_EXIT_USAGE, "%s: its private key: %s", what,
			       n <= 0 ? "unreadable" : why);
	}
	explicit_bzero(inner, sizeof(inner));
	r = ec_private_key(ec, curve, what, k, err);
	der_node_free(&ec);
	return r;
}

int p384_key_read(const char *opt, const char *path, struct p384_key *k, struct lk_err *err)
{
	char what[4200];
	struct der_file f;
	int i, r = 1;

	if (der_file_read(opt, path, &f, err))
		return -1;
	snprintf(what, sizeof(what), "%s %s", opt, path);
	for (i = 0; i < f.nr && r > 0; i++) {
		const struct der_obj *o = &f.obj[i];

		if (!strcmp(o->label, "PRIVATE KEY"))
			r = pkcs8_key(o->der, o->len, what, k, err);
		else if (!strcmp(o->label, "EC PRIVATE KEY"))
			r = sec1_key(o->der, o->len, what, k, err);
		else if (!strcmp(o->label, "ENCRYPTED PRIVATE KEY"))
			r = err_set(err, LK_EXIT_USAGE, "%s: an encrypted key: give it unencrypted "
				    "(openssl pkey -in FILE -out PLAIN)", what);
		else if (!o->label[0])	/* DER: whichever it decodes as */
			r = der_is("PrivateKeyInfo", o->der, o->len) ?
			    pkcs8_key(o->der, o->len, what, k, err) :
			    sec1_key(o->der, o->len, what, k, err);
	}
	der_file_free(&f);
	if (r > 0)
		return err_set(err, LK_EXIT_USAGE, "%s: no private key in it (a PEM block PRIVATE "
			       "KEY or EC PRIVATE KEY)", what);
	return r ? -1 : 0;
}

/* nettle's random source for ECDSA nonces: the kernel's, or a recorded failure. */
struct p384_random {
	bool failed;
};

static void p384_random_fill(void *ctx, size_t len, uint8_t *dst)
{
	struct p384_random *rnd = ctx;

	while (len) {
		ssize_t n = getrandom(dst, len, 0);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			rnd->failed = true;
			memset(dst, 0, len);
			return;
		}
		dst += n;
		len -= (size_t)n;
	}
}

int p384_sign(const struct p384_key *k, const void *data, size_t len, uint8_t r[P384_BYTES],
	      uint8_t s[P384_BYTES], struct lk_err *err)
{
	struct p384_random rnd = { false };
	uint8_t digest[SHA384_DIGEST_SIZE];
	struct dsa_signature sig;
	struct sha384_ctx ctx;

	if (!k->priv)
		return err_set(err, LK_EXIT_USAGE, "internal: signing with a public key");
	sha384_init(&ctx);
	sha384_update(&ctx, len, data);
	sha384_digest(&ctx, sizeof(digest), digest);
	dsa_signature_init(&sig);
	ecdsa_sign(&k->d, &rnd, p384_random_fill, sizeof(digest), digest, &sig);
	nettle_mpz_get_str_256(P384_BYTES, r, sig.r);
	nettle_mpz_get_str_256(P384_BYTES, s, sig.s);
	dsa_signature_clear(&sig);
	if (rnd.failed) {	/* a signature with a predictable nonce gives the key away */
		explicit_bzero(r, P384_BYTES);
		explicit_bzero(s, P384_BYTES);
		return err_set(err, LK_EXIT_USAGE, "getrandom: %s: no nonce for ECDSA",
			       strerror(errno));
	}
	return 0;
}

bool p384_verify_digest(const struct p384_key *k, const uint8_t digest[P384_BYTES],
			const uint8_t r[P384_BYTES], const uint8_t s[P384_BYTES])
{
	struct dsa_signature sig;
	bool ok;

	dsa_signature_init(&sig);
	mpz_from_be(sig.r, r, P384_BYTES);
	mpz_from_be(sig.s, s, P384_BYTES);
	ok = ecdsa_verify(&k->q, P384_BYTES, digest, &sig);
	dsa_signature_clear(&sig);
	return ok;
}

void sev_num_from_be(uint8_t out[SEV_NUM_BYTES], const uint8_t in[P384_BYTES])
{
	int i;

	memset(out, 0, SEV_NUM_BYTES);
	for (i = 0; i < P384_BYTES; i++)
		out[i] = in[P384_BYTES - 1 - i];
}

bool sev_num_to_be(uint8_t out[P384_BYTES], const uint8_t in[SEV_NUM_BYTES])
{
	int i;

	for (i = P384_BYTES; i < SEV_NUM_BYTES; i++)
		if (in[i])
			return false;
	for (i = 0; i < P384_BYTES; i++)
		out[i] = in[P384_BYTES - 1 - i];
	return true;
}
