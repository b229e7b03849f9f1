// SPDX-License-Identifier: GPL-2.0-only
/* `measure`'s ID-block options and the two files they make. */
#include <errno.h>
#include <string.h>
#include <unistd.h>

#include "sev/id_opts.h"
#include "sev/options.h"
#include "util/file.h"
#include "util/hex.h"
#include "util/parse.h"

void id_opts_init(struct id_opts *o)
{
	*o = (struct id_opts){ .f.policy = 0x30000 };	/* QEMU's SNP default, as run's */
}

static const char *id_opt_name(int opt)
{
	static const char *const names[] = {
		"--id-key", "--author-key", "--family-id", "--image-id", "--guest-svn",
		"--policy", "--id-block-out", "--id-auth-out",
	};

	return names[opt - ID_OPT_FIRST];
}

/* A file name: refused when empty, as every command's. */
static int file_arg(const char *arg, const char *opt, const char **out, struct lk_err *err)
{
	if (!*arg)
		return err_set(err, LK_EXIT_USAGE, "%s: empty file name", opt);
	*out = arg;
	return 0;
}

/* --family-id, --image-id: 16 bytes, as 32 hex digits in byte order. */
static int parse_id(const char *opt, const char *arg, uint8_t out[16], struct lk_err *err)
{
	if (!hex_parse_bytes(arg, out, 16))
		return err_set(err, LK_EXIT_USAGE, "%s %s: not 16 bytes as 32 hex digits", opt,
			       arg);
	return 0;
}

int id_opt_parse(int opt, const char *arg, struct id_opts *o, struct lk_err *err)
{
	struct sev_launch_opts l = { .o.mode = SEV_MODE_SNP };
	unsigned long svn;

	if (!o->first)
		o->first = id_opt_name(opt);
	switch (opt) {
	case ID_OPT_ID_KEY:
		return file_arg(arg, "--id-key", &o->id_key, err);
	case ID_OPT_AUTHOR_KEY:
		return file_arg(arg, "--author-key", &o->author_key, err);
	case ID_OPT_BLOCK_OUT:
		return file_arg(arg, "--id-block-out", &o->block_out, err);
	case ID_OPT_AUTH_OUT:
		return file_arg(arg, "--id-auth-out", &o->auth_out, err);
	case ID_OPT_FAMILY_ID:
		return parse_id("--family-id", arg, o->f.family_id, err);
	case ID_OPT_IMAGE_ID:
		return parse_id("--image-id", arg, o->f.image_id, err);
	case ID_OPT_GUEST_SVN:
		if (!parse_uint(arg, 0, UINT32_MAX, &svn))
			return err_set(err, LK_EXIT_USAGE, "--guest-svn %s: not a number from 0 "
				       "to %u", arg, UINT32_MAX);
		o->f.guest_svn = (uint32_t)svn;
		return 0;
	case ID_OPT_POLICY:
		if (sev_policy_parse(arg, &l, err))
			return -1;
		o->f.policy = l.policy;
		return 0;
	}
	return err_set(err, LK_EXIT_USAGE, "internal: unhandled ID option %d", opt);
}

int id_opts_check(const struct id_opts *o, enum sev_mode mode, bool firmware_only,
		  struct lk_err *err)
{
	struct sev_launch_opts l = { .policy_given = true, .policy = o->f.policy };

	if (!o->first)
		return 0;
	if (!o->id_key)
		return err_set(err, LK_EXIT_USAGE, "%s needs --id-key KEY.pem: it is part of the "
			       "ID block that key signs", o->first);
	if (mode != SEV_MODE_SNP)
		return err_set(err, LK_EXIT_USAGE, "--id-key: an ID block is for an SNP launch "
			       "(--sev-snp)");
	if (firmware_only)
		return err_set(err, LK_EXIT_USAGE, "--id-key cannot go with "
			       "--firmware-digest-only: the ID block carries the whole launch's "
			       "digest");
	if (!o->block_out || !o->auth_out)
		return err_set(err, LK_EXIT_USAGE, "--id-key needs --id-block-out FILE and "
			       "--id-auth-out FILE: where the ID block and its signature go");
	if (!strcmp(o->block_out, o->auth_out))
		return err_set(err, LK_EXIT_USAGE, "--id-block-out and --id-auth-out are both %s",
			       o->block_out);
	/* The policy run launches with: the same rules as run's --policy. */
	sev_opts_init(&l.o, SEV_DIRECT_AUTO);
	l.o.mode = SEV_MODE_SNP;
	return sev_launch_opts_check(&l, err);
}

/* All of @data into the new file @path of option @opt. */
static int write_file(const char *opt, const char *path, const void *data, size_t len,
		      struct lk_err *err)
{
	const char *p = data;
	int fd = file_create(opt, path, err);

	if (fd < 0)
		return -1;
	while (len) {
		ssize_t n = write(fd, p, len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			err_sys(err, "%s %s: cannot write it", opt, path);
			err->status = LK_EXIT_USAGE;
			close(fd);
			return -1;
		}
		p += n;
		len -= (size_t)n;
	}
	if (close(fd)) {
		err_sys(err, "%s %s: cannot write it", opt, path);
		err->status = LK_EXIT_USAGE;
		return -1;
	}
	return 0;
}

/* Signs with the keys; checks what it made as the firmware will check it. */
static int id_sign(const struct id_opts *o, const uint8_t block[ID_BLOCK_SIZE],
		   uint8_t auth[ID_AUTH_SIZE], struct id_result *res, struct lk_err *err)
{
	struct p384_key id_key, author_key;
	uint8_t digest[ID_DIGEST_SIZE];
	char why[256];
	int r = -1;

	if (p384_key_read("--id-key", o->id_key, &id_key, err))
		return -1;
	if (o->author_key && p384_key_read("--author-key", o->author_key, &author_key, err))
		goto out_id;
	if (id_auth_build(auth, block, &id_key, o->author_key ? &author_key : NULL, err))
		goto out;
	if (!id_auth_check(block, auth, why, sizeof(why))) {
		err_set(err, LK_EXIT_USAGE, "internal: the ID authentication made does not "
			"check: %s", why);
		goto out;
	}
	sev_pubkey_digest(digest, &id_key);
	hex_encode(res->id_key_digest, digest, sizeof(digest));
	res->author_key_digest[0] = '\0';
	if (o->author_key) {
		sev_pubkey_digest(digest, &author_key);
		hex_encode(res->author_key_digest, digest, sizeof(digest));
	}
	r = 0;
out:
	if (o->author_key)
		p384_key_free(&author_key);
out_id:
	p384_key_free(&id_key);
	return r;
}

int id_files_write(const struct id_opts *o, const struct launch_digest *d,
		   struct id_result *res, struct lk_err *err)
{
	uint8_t block[ID_BLOCK_SIZE], auth[ID_AUTH_SIZE];
	struct id_block_fields f = o->f;

	if (d->len != ID_DIGEST_SIZE)
		return err_set(err, LK_EXIT_USAGE, "--id-key: an ID block is for an SNP launch");
	memcpy(f.digest, d->bytes, ID_DIGEST_SIZE);
	id_block_build(block, &f);
	if (id_sign(o, block, auth, res, err))
		return -1;
	return write_file("--id-block-out", o->block_out, block, sizeof(block), err) ||
	       write_file("--id-auth-out", o->auth_out, auth, sizeof(auth), err) ? -1 : 0;
}

void id_result_print(FILE *f, const struct id_result *res)
{
	fprintf(f, "id_key_digest: %s\n", res->id_key_digest);
	if (res->author_key_digest[0])
		fprintf(f, "author_key_digest: %s\n", res->author_key_digest);
}

void id_result_json(struct json *j, const struct id_result *res)
{
	json_str(j, "id_key_digest", res->id_key_digest);
	json_str(j, "author_key_digest", res->author_key_digest[0] ? res->author_key_digest :
		 NULL);
}
