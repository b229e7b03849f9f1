/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The SNP ID block and its ID authentication structure, which
 * SNP_LAUNCH_FINISH takes (SEV-KVM-API.md §2.3; SEV-SNP ABI, ID_BLOCK and
 * ID_AUTH_INFO; the layout as virtee/sev's idblock_types.rs writes it):
 * the 96-byte block says which launch digest, family, image, SVN and
 * policy the guest owner accepts; the 4096-byte structure carries the ID
 * key's ECDSA P-384 signature of it, the ID key, and optionally the author
 * key's signature of the ID key with the author key. The report then
 * carries SHA-384 of each key's structure (id_key_digest,
 * author_key_digest).
 */
#ifndef LKVM_SEV_ID_BLOCK_H
#define LKVM_SEV_ID_BLOCK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "sev/p384.h"
#include "util/err.h"

#define ID_BLOCK_SIZE		96
#define ID_AUTH_SIZE		4096
#define ID_BLOCK_VERSION	1
#define ID_FAMILY_ID_SIZE	16
#define ID_IMAGE_ID_SIZE	16
#define ID_DIGEST_SIZE		48

/* ID_AUTH_INFO: offsets of its parts. */
#define ID_AUTH_ID_KEY_ALGO	0x000	/* u32: 1 = ECDSA P-384 with SHA-384 */
#define ID_AUTH_AUTHOR_KEY_ALGO	0x004
#define ID_AUTH_ID_BLOCK_SIG	0x040	/* the ID key's signature of the ID block */
#define ID_AUTH_ID_KEY		0x240	/* the ID key (a public-key structure) */
#define ID_AUTH_ID_KEY_SIG	0x680	/* the author key's signature of the ID key */
#define ID_AUTH_AUTHOR_KEY	0x880	/* the author key */

#define SEV_SIG_ALGO_ECDSA_P384_SHA384	1
#define SEV_CURVE_P384			2
#define SEV_PUBKEY_SIZE			0x404	/* u32 curve, qx[72], qy[72], reserved */
#define SEV_SIG_SIZE			0x200	/* r[72], s[72], reserved */

struct id_block_fields {
	uint8_t digest[ID_DIGEST_SIZE];		/* the launch digest */
	uint8_t family_id[ID_FAMILY_ID_SIZE];
	uint8_t image_id[ID_IMAGE_ID_SIZE];
	uint32_t guest_svn;
	uint64_t policy;
};

/* The 96 bytes: digest, family ID, image ID, version 1, guest SVN, policy. */
void id_block_build(uint8_t out[ID_BLOCK_SIZE], const struct id_block_fields *f);

/* A public key as the firmware stores it: curve 2, qx and qy little-endian. */
void sev_pubkey_build(uint8_t out[SEV_PUBKEY_SIZE], const struct p384_key *k);
/* SHA-384 of that structure: the report's id_key_digest or author_key_digest. */
void sev_pubkey_digest(uint8_t out[ID_DIGEST_SIZE], const struct p384_key *k);

/*
 * The ID authentication structure for @block: signed by @id_key, and, with
 * an @author_key (NULL: none), the ID key signed by it. Without one the
 * author fields stay zero, and SNP_LAUNCH_FINISH must not set AUTHOR_KEY_EN
 * (id_auth_has_author_key() says which).
 */
int id_auth_build(uint8_t out[ID_AUTH_SIZE], const uint8_t block[ID_BLOCK_SIZE],
		  const struct p384_key *id_key, const struct p384_key *author_key,
		  struct lk_err *err);

/* Whether @auth carries an author key: its algorithm or curve is set. */
bool id_auth_has_author_key(const uint8_t auth[ID_AUTH_SIZE]);

/*
 * Checks @auth against @block as the firmware does: the ID key's signature
 * of the block, and (with an author key) the author key's signature of the
 * ID key. False with the reason in @why.
 */
bool id_auth_check(const uint8_t block[ID_BLOCK_SIZE], const uint8_t auth[ID_AUTH_SIZE],
		   char *why, size_t size);

#endif
