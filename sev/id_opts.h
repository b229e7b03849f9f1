/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * `measure`'s ID-block options: --id-key, --author-key, --family-id,
 * --image-id, --guest-svn, --policy, --id-block-out, --id-auth-out. A
 * command splices ID_LONG_OPTIONS into its getopt table, hands every
 * option id from ID_OPT_FIRST to ID_OPT_LAST to id_opt_parse(), and once
 * it has the launch digest, id_files_write() signs and writes the two files
 * `run --id-block FILE --id-auth FILE` takes as they are.
 */
#ifndef LKVM_SEV_ID_OPTS_H
#define LKVM_SEV_ID_OPTS_H

#include <getopt.h>
#include <stdbool.h>
#include <stdio.h>

#include "sev/digest.h"
#include "sev/id_block.h"
#include "sev/plan.h"
#include "util/err.h"
#include "util/json.h"

struct id_opts {
	const char *first;		/* the first ID option given, for messages */
	const char *id_key, *author_key;	/* PEM (or DER) private keys */
	const char *block_out, *auth_out;
	struct id_block_fields f;	/* all but the digest; policy 0x30000 by default */
};

/* Option ids above SEV_OPT_LAST (sev/options.h) and any command's own. */
enum {
	ID_OPT_FIRST = 0x480,
	ID_OPT_ID_KEY = ID_OPT_FIRST,
	ID_OPT_AUTHOR_KEY,
	ID_OPT_FAMILY_ID,
	ID_OPT_IMAGE_ID,
	ID_OPT_GUEST_SVN,
	ID_OPT_POLICY,
	ID_OPT_BLOCK_OUT,
	ID_OPT_AUTH_OUT,
	ID_OPT_LAST = ID_OPT_AUTH_OUT,
};

#define ID_LONG_OPTIONS \
	{ "id-key", required_argument, NULL, ID_OPT_ID_KEY }, \
	{ "author-key", required_argument, NULL, ID_OPT_AUTHOR_KEY }, \
	{ "family-id", required_argument, NULL, ID_OPT_FAMILY_ID }, \
	{ "image-id", required_argument, NULL, ID_OPT_IMAGE_ID }, \
	{ "guest-svn", required_argument, NULL, ID_OPT_GUEST_SVN }, \
	{ "policy", required_argument, NULL, ID_OPT_POLICY }, \
	{ "id-block-out", required_argument, NULL, ID_OPT_BLOCK_OUT }, \
	{ "id-auth-out", required_argument, NULL, ID_OPT_AUTH_OUT }

/* What the report of a launch with these files will carry, in hex. */
struct id_result {
	char id_key_digest[2 * ID_DIGEST_SIZE + 1];
	char author_key_digest[2 * ID_DIGEST_SIZE + 1];	/* "" without --author-key */
};

void id_opts_init(struct id_opts *o);
/* One option: status 2 and one line for a bad value. */
int id_opt_parse(int opt, const char *arg, struct id_opts *o, struct lk_err *err);
/*
 * The rules between them, once all are parsed: --id-key with both output
 * files, for an SNP launch (@mode) and its whole digest (not
 * @firmware_only); the others only with --id-key; an SNP policy.
 */
int id_opts_check(const struct id_opts *o, enum sev_mode mode, bool firmware_only,
		  struct lk_err *err);

/*
 * The ID block for digest @d signed with the keys, checked as the firmware
 * will, written to --id-block-out and --id-auth-out; the digests in @res.
 */
int id_files_write(const struct id_opts *o, const struct launch_digest *d,
		   struct id_result *res, struct lk_err *err);

/* measure's output: "id_key_digest: HEX" and, with an author key, "author_key_digest: HEX". */
void id_result_print(FILE *f, const struct id_result *res);
/* The same as members of the JSON object being written (author_key_digest null without one). */
void id_result_json(struct json *j, const struct id_result *res);

#endif
