// SPDX-License-Identifier: GPL-2.0-only
/* Building, signing and checking the SNP ID block and its ID authentication structure. */
#include <nettle/sha2.h>
#include <stdio.h>
#include <string.h>

#include "sev/id_block.h"

/* The ID block's fields (SEV-SNP ABI, ID_BLOCK). */
#define ID_BLOCK_DIGEST		0x00
#define ID_BLOCK_FAMILY_ID	0x30
#define ID_BLOCK_IMAGE_ID	0x40
#define ID_BLOCK_VERSION_OFF	0x50
#define ID_BLOCK_GUEST_SVN	0x54
#define ID_BLOCK_POLICY		0x58

/* A signature structure: r, s, then reserved bytes; a public key: curve, qx, qy. */
#define SEV_SIG_R		0x00
#define SEV_SIG_S		0x48
#define SEV_PUBKEY_CURVE	0x00
#define SEV_PUBKEY_QX		0x04
#define SEV_PUBKEY_QY		0x4c

static void put_le32(uint8_t *p, uint32_t v)
{
	int i;

	for (i = 0; i < 4; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}

static void put_le64(uint8_t *p, uint64_t v)
{
	int i;

	for (i = 0; i < 8; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}

static uint32_t get_le32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
	       (uint32_t)p[3] << 24;
}

void id_block_build(uint8_t out[ID_BLOCK_SIZE], const struct id_block_fields *f)
{
	memset(out, 0, ID_BLOCK_SIZE);
	memcpy(out + ID_BLOCK_DIGEST, f->digest, ID_DIGEST_SIZE);
	memcpy(out + ID_BLOCK_FAMILY_ID, f->family_id, ID_FAMILY_ID_SIZE);
	memcpy(out + ID_BLOCK_IMAGE_ID, f->image_id, ID_IMAGE_ID_SIZE);
	put_le32(out + ID_BLOCK_VERSION_OFF, ID_BLOCK_VERSION);
	put_le32(out + ID_BLOCK_GUEST_SVN, f->guest_svn);
	put_le64(out + ID_BLOCK_POLICY, f->policy);
}

void sev_pubkey_build(uint8_t out[SEV_PUBKEY_SIZE], const struct p384_key *k)
{
	uint8_t x[P384_BYTES], y[P384_BYTES];

	memset(out, 0, SEV_PUBKEY_SIZE);
	p384_public(k, x, y);
	put_le32(out + SEV_PUBKEY_CURVE, SEV_CURVE_P384);
	sev_num_from_be(out + SEV_PUBKEY_QX, x);
	sev_num_from_be(out + SEV_PUBKEY_QY, y);
}

void sev_pubkey_digest(uint8_t out[ID_DIGEST_SIZE], const struct p384_key *k)
{
	uint8_t key[SEV_PUBKEY_SIZE];
	struct sha384_ctx ctx;

	sev_pubkey_build(key, k);
	sha384_init(&ctx);
	sha384_update(&ctx, sizeof(key), key);
	sha384_digest(&ctx, ID_DIGEST_SIZE, out);
}

/* @k's signature of @data into the signature structure at @out. */
static int sev_sign(uint8_t *out, const struct p384_key *k, const void *data, size_t len,
		    struct lk_err *err)
{
	uint8_t r[P384_BYTES], s[P384_BYTES];

	if (p384_sign(k, data, len, r, s, err))
		return -1;
	memset(out, 0, SEV_SIG_SIZE);
	sev_num_from_be(out + SEV_SIG_R, r);
	sev_num_from_be(out + SEV_SIG_S, s);
	return 0;
}

int id_auth_build(uint8_t out[ID_AUTH_SIZE], const uint8_t block[ID_BLOCK_SIZE],
		  const struct p384_key *id_key, const struct p384_key *author_key,
		  struct lk_err *err)
{
	memset(out, 0, ID_AUTH_SIZE);
	put_le32(out + ID_AUTH_ID_KEY_ALGO, SEV_SIG_ALGO_ECDSA_P384_SHA384);
	sev_pubkey_build(out + ID_AUTH_ID_KEY, id_key);
	if (sev_sign(out + ID_AUTH_ID_BLOCK_SIG, id_key, block, ID_BLOCK_SIZE, err))
		return -1;
	if (!author_key)
		return 0;
	put_le32(out + ID_AUTH_AUTHOR_KEY_ALGO, SEV_SIG_ALGO_ECDSA_P384_SHA384);
	sev_pubkey_build(out + ID_AUTH_AUTHOR_KEY, author_key);
	return sev_sign(out + ID_AUTH_ID_KEY_SIG, author_key, out + ID_AUTH_ID_KEY,
			SEV_PUBKEY_SIZE, err);
}

bool id_auth_has_author_key(const uint8_t auth[ID_AUTH_SIZE])
{
	return get_le32(auth + ID_AUTH_AUTHOR_KEY_ALGO) ||
	       get_le32(auth + ID_AUTH_AUTHOR_KEY + SEV_PUBKEY_CURVE);
}

/* The key in the public-key structure @pub; false with @why if it is none. */
static bool sev_pubkey_parse(struct p384_key *k, const uint8_t *pub, const char *name,
			     char *why, size_t size)
{
	uint8_t x[P384_BYTES], y[P384_BYTES];
	uint32_t curve = get_le32(pub + SEV_PUBKEY_CURVE);

	if (curve != SEV_CURVE_P384) {
		snprintf(why, size, "the %s's curve is %u, not 2 (P-384)", name, curve);
		return false;
	}
	if (!sev_num_to_be(x, pub + SEV_PUBKEY_QX) || !sev_num_to_be(y, pub + SEV_PUBKEY_QY) ||
	    !p384_key_set_public(k, x, y)) {
		snprintf(why, size, "the %s is not a point on P-384", name);
		return false;
	}
	return true;
}

/* Whether the signature structure @sig by the key structure @pub signs @data. */
static bool sev_verify(const uint8_t *pub, const uint8_t *sig, const void *data, size_t len,
		       const char *key_name, const char *what, char *why, size_t size)
{
	uint8_t digest[SHA384_DIGEST_SIZE], r[P384_BYTES], s[P384_BYTES];
	struct sha384_ctx ctx;
	struct p384_key k;
	bool ok;

	if (!sev_pubkey_parse(&k, pub, key_name, why, size))
		return false;
	sha384_init(&ctx);
	sha384_update(&ctx, len, data);
	sha384_digest(&ctx, sizeof(digest), digest);
	ok = sev_num_to_be(r, sig + SEV_SIG_R) && sev_num_to_be(s, sig + SEV_SIG_S) &&
	     p384_verify_digest(&k, digest, r, s);
	p384_key_free(&k);
	if (!ok)
		snprintf(why, size, "the %s's signature of the %s does not verify", key_name, what);
	return ok;
}

bool id_auth_check(const uint8_t block[ID_BLOCK_SIZE], const uint8_t auth[ID_AUTH_SIZE],
		   char *why, size_t size)
{
	if (get_le32(auth + ID_AUTH_ID_KEY_ALGO) != SEV_SIG_ALGO_ECDSA_P384_SHA384) {
		snprintf(why, size, "the ID key's algorithm is %u, not 1 (ECDSA P-384 with "
			 "SHA-384)", get_le32(auth + ID_AUTH_ID_KEY_ALGO));
		return false;
	}
	if (!sev_verify(auth + ID_AUTH_ID_KEY, auth + ID_AUTH_ID_BLOCK_SIG, block, ID_BLOCK_SIZE,
			"ID key", "ID block", why, size))
		return false;
	if (!id_auth_has_author_key(auth))
		return true;
	if (get_le32(auth + ID_AUTH_AUTHOR_KEY_ALGO) != SEV_SIG_ALGO_ECDSA_P384_SHA384) {
		snprintf(why, size, "the author key's algorithm is %u, not 1 (ECDSA P-384 with "
			 "SHA-384)", get_le32(auth + ID_AUTH_AUTHOR_KEY_ALGO));
		return false;
	}
	return sev_verify(auth + ID_AUTH_AUTHOR_KEY, auth + ID_AUTH_ID_KEY_SIG,
			  auth + ID_AUTH_ID_KEY, SEV_PUBKEY_SIZE, "author key", "ID key", why,
			  size);
}
