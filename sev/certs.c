// SPDX-License-Identifier: GPL-2.0-only
/*
 * --snp-certs: the GHCB certificate table (GHCB specification, "SNP
 * Extended Guest Request"), read once and checked, or built from a
 * directory; the files stay open under OFD read locks while the guest runs
 * (certs.h says why). Everything is decided here at start-up, so that the
 * exit path only copies bytes.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "sev/certs.h"
#include "sev/x509.h"
#include "util/file.h"

static const struct {
	const char *name;
	const char *file;	/* in a --snp-certs directory, .der or .pem */
	uint8_t guid[SNP_CERTS_GUID_SIZE];
} certs_known[SNP_CERT_KINDS] = {
	/* 63da758d-e664-4564-adc5-f4b93be8accd */
	[SNP_CERT_VCEK] = { "VCEK", "vcek", { 0x63, 0xda, 0x75, 0x8d, 0xe6, 0x64, 0x45, 0x64,
					      0xad, 0xc5, 0xf4, 0xb9, 0x3b, 0xe8, 0xac, 0xcd } },
	/* a8074bc2-a25a-483e-aae6-39c045a0b8a1 */
	[SNP_CERT_VLEK] = { "VLEK", "vlek", { 0xa8, 0x07, 0x4b, 0xc2, 0xa2, 0x5a, 0x48, 0x3e,
					      0xaa, 0xe6, 0x39, 0xc0, 0x45, 0xa0, 0xb8, 0xa1 } },
	/* 4ab7b379-bbac-4fe4-a02f-05aef327c782 */
	[SNP_CERT_ASK] = { "ASK", "ask", { 0x4a, 0xb7, 0xb3, 0x79, 0xbb, 0xac, 0x4f, 0xe4,
					   0xa0, 0x2f, 0x05, 0xae, 0xf3, 0x27, 0xc7, 0x82 } },
	/* c0b406a4-a803-4952-9743-3fb6014cd0ae */
	[SNP_CERT_ARK] = { "ARK", "ark", { 0xc0, 0xb4, 0x06, 0xa4, 0xa8, 0x03, 0x49, 0x52,
					   0x97, 0x43, 0x3f, 0xb6, 0x01, 0x4c, 0xd0, 0xae } },
};

const char *snp_cert_name(enum snp_cert_kind kind)
{
	return certs_known[kind].name;
}

const char *snp_certs_kinds_text(unsigned int kinds, char *buf, size_t size)
{
	size_t n = 0;
	int k;

	buf[0] = '\0';
	for (k = 0; k < SNP_CERT_KINDS && n < size; k++)
		if (kinds & SNP_CERT_BIT(k))
			n += (size_t)snprintf(buf + n, size - n, "%s%s", n ? ", " : "",
					      certs_known[k].name);
	return buf;
}

static uint32_t le32(const uint8_t *p)
{
	return p[0] | p[1] << 8 | p[2] << 16 | (uint32_t)p[3] << 24;
}

static void put_le32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
	p[2] = (uint8_t)(v >> 16);
	p[3] = (uint8_t)(v >> 24);
}

/* ---- the table's structure ---- */

struct certs_entry {
	enum snp_cert_kind kind;
	uint32_t off, len;
};

static int guid_kind(const uint8_t *g)
{
	int k;

	for (k = 0; k < SNP_CERT_KINDS; k++)
		if (!memcmp(g, certs_known[k].guid, SNP_CERTS_GUID_SIZE))
			return k;
	return -1;
}

static bool all_zero(const uint8_t *p, size_t n)
{
	while (n--)
		if (*p++)
			return false;
	return true;
}

/* An unknown GUID as it is written (the bytes in string order). */
static void guid_text(const uint8_t *g, char out[37])
{
	size_t i, n = 0;

	for (i = 0; i < SNP_CERTS_GUID_SIZE; i++)
		n += (size_t)snprintf(out + n, 37 - n, "%s%02x",
				      i == 4 || i == 6 || i == 8 || i == 10 ? "-" : "", g[i]);
}

/* The entries before the all-zero one; none past the end, unknown or repeated. */
static int certs_entries(const uint8_t *t, size_t len, const char *what,
			 struct certs_entry *e, size_t *n, unsigned int *kinds, struct lk_err *err)
{
	char guid[37];
	size_t i;

	*kinds = 0;
	for (i = 0;; i++) {
		const uint8_t *p = t + i * SNP_CERTS_ENTRY_SIZE;
		int k;

		if (len / SNP_CERTS_ENTRY_SIZE < i + 1)
			return err_set(err, LK_EXIT_USAGE, "%s: no all-zero entry ends the "
				       "certificate table in its %zu bytes (24-byte entries: "
				       "truncated, or not a certificate table?)", what, len);
		if (all_zero(p, SNP_CERTS_ENTRY_SIZE))
			break;
		k = guid_kind(p);
		if (k < 0) {
			guid_text(p, guid);
			return err_set(err, LK_EXIT_USAGE, "%s: entry %zu has an unknown GUID %s "
				       "(known: VCEK, VLEK, ASK, ARK)", what, i, guid);
		}
		if (*kinds & SNP_CERT_BIT(k))
			return err_set(err, LK_EXIT_USAGE, "%s: entry %zu is a second %s", what, i,
				       certs_known[k].name);
		*kinds |= SNP_CERT_BIT(k);
		/* Each kind at most once: at most SNP_CERT_KINDS entries get here. */
		e[i] = (struct certs_entry){ k, le32(p + 16), le32(p + 20) };
	}
	*n = i;
	return 0;
}

/* Each certificate after the table, inside the file, apart from the others. */
static int certs_placement(const struct certs_entry *e, size_t n, size_t len, const char *what,
			   struct lk_err *err)
{
	uint64_t end = (n + 1) * SNP_CERTS_ENTRY_SIZE;
	size_t i, j;

	for (i = 0; i < n; i++) {
		const char *name = certs_known[e[i].kind].name;

		if (!e[i].len)
			return err_set(err, LK_EXIT_USAGE, "%s: entry %zu (%s) has length 0", what,
				       i, name);
		if (e[i].off < end)
			return err_set(err, LK_EXIT_USAGE, "%s: entry %zu (%s) is at offset %u, "
				       "inside the table, which ends at %llu", what, i, name,
				       e[i].off, (unsigned long long)end);
		if ((uint64_t)e[i].off + e[i].len > len)
			return err_set(err, LK_EXIT_USAGE, "%s: entry %zu (%s), %u bytes at "
				       "offset %u, reaches past the end of the file (%zu bytes): "
				       "truncated?", what, i, name, e[i].len, e[i].off, len);
		for (j = 0; j < i; j++)
			if (e[i].off < (uint64_t)e[j].off + e[j].len &&
			    e[j].off < (uint64_t)e[i].off + e[i].len)
				return err_set(err, LK_EXIT_USAGE, "%s: entries %zu (%s) and %zu "
					       "(%s) overlap", what, j, certs_known[e[j].kind].name,
					       i, name);
	}
	return 0;
}

/* A table's structure (snp_certs_load() lists the rules); @what starts each message. */
static int certs_check(const uint8_t *t, size_t len, const char *what, unsigned int *kinds,
		       struct lk_err *err)
{
	struct certs_entry e[SNP_CERT_KINDS];
	size_t n = 0;

	if (certs_entries(t, len, what, e, &n, kinds, err) ||
	    certs_placement(e, n, len, what, err))
		return -1;
	if (!(*kinds & (SNP_CERT_BIT(SNP_CERT_VCEK) | SNP_CERT_BIT(SNP_CERT_VLEK))))
		return err_set(err, LK_EXIT_USAGE, "%s: no VCEK or VLEK entry: a guest checks its "
			       "report's signature with one of them", what);
	return 0;
}

/* ---- reading files under the lock ---- */

static int certs_open_err(const char *opt, const char *path, int e, struct lk_err *err)
{
	if (e == ENOENT)
		return err_set(err, LK_EXIT_USAGE, "%s %s: no such file or directory", opt, path);
	return err_set(err, LK_EXIT_USAGE, "%s %s: cannot open it (%s)", opt, path, strerror(e));
}

static int certs_lock(int fd, const char *opt, const char *path, struct lk_err *err)
{
	if (!file_lock(fd, false))
		return 0;
	if (errno == EAGAIN || errno == EACCES)
		return err_set(err, LK_EXIT_USAGE, "%s %s: another process holds a write lock on "
			       "it, as a tool updating the certificates does: run again once the "
			       "update is done", opt, path);
	return err_set(err, LK_EXIT_USAGE, "%s %s: cannot take a read lock on it (%s)", opt,
		       path, strerror(errno));
}

/*
 * Opens @path and takes its OFD read lock, before anything of it is read:
 * the descriptor stays in @c, open and locked, until snp_certs_release().
 */
static int certs_hold(struct snp_certs *c, const char *opt, const char *path, int *fd,
		      struct lk_err *err)
{
	struct stat st;

	*fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
	if (*fd < 0)
		return certs_open_err(opt, path, errno, err);
	c->fd[c->nr_fd++] = *fd;
	if (fstat(*fd, &st) || !S_ISREG(st.st_mode))
		return err_set(err, LK_EXIT_USAGE, "%s %s: not a regular file or a directory",
			       opt, path);
	return certs_lock(*fd, opt, path, err);
}

/* The whole of @path, under its lock. */
static int certs_read(struct snp_certs *c, const char *opt, const char *path, uint8_t **data,
		      size_t *len, struct lk_err *err)
{
	struct stat st;
	int fd;

	/* Sized after the lock: a writer that locks has finished by then. */
	if (certs_hold(c, opt, path, &fd, err) || fstat(fd, &st))
		return -1;
	if (!st.st_size)
		return err_set(err, LK_EXIT_USAGE, "%s %s: empty file", opt, path);
	if (st.st_size > SNP_CERTS_MAX_SIZE)
		return err_set(err, LK_EXIT_USAGE, "%s %s: %lld bytes, more than the %u KiB "
			       "lkvm-sev takes for certificates", opt, path,
			       (long long)st.st_size, SNP_CERTS_MAX_SIZE >> 10);
	*data = malloc((size_t)st.st_size);
	if (!*data)
		return err_sys(err, "%s %s: %lld bytes", opt, path, (long long)st.st_size);
	*len = (size_t)st.st_size;
	if (file_read_exact(fd, *data, *len))
		return 0;
	free(*data);
	*data = NULL;
	return err_set(err, LK_EXIT_USAGE, "%s %s: it could not be read whole (it changed size, "
		       "or a read failed)", opt, path);
}

/* ---- a table file ---- */

static int certs_from_table(struct snp_certs *c, const char *opt, const char *path,
			    struct lk_err *err)
{
	char what[PATH_MAX + 32];

	if (certs_read(c, opt, path, &c->table, &c->len, err))
		return -1;
	snprintf(what, sizeof(what), "%s %s", opt, path);
	return certs_check(c->table, c->len, what, &c->kinds, err);
}

/* ---- a directory ---- */

static const char *key_name(enum x509_key_type k)
{
	return k == X509_KEY_P384 ? "P-384" : k == X509_KEY_RSA ? "RSA" : "neither P-384 nor RSA";
}

/* The key a certificate of @kind has: P-384 signs reports, RSA the keys above (a swap?). */
static int certs_key_check(const struct x509_cert *x, int kind, const char *opt,
			   const char *path, struct lk_err *err)
{
	bool report_key = kind == SNP_CERT_VCEK || kind == SNP_CERT_VLEK;
	enum x509_key_type want = report_key ? X509_KEY_P384 : X509_KEY_RSA;

	if (x->key == want)
		return 0;
	return err_set(err, LK_EXIT_USAGE, "%s %s: its key is %s (subject %s), but a%s %s's is %s",
		       opt, path, key_name(x->key), x->subject_cn, report_key ? "" : "n",
		       certs_known[kind].name, key_name(want));
}

/*
 * NAME.der or NAME.pem of @kind in @dir, read under its lock (sev/x509.h
 * decodes either form, one certificate), as DER into *@der; or neither
 * (*@der stays NULL). Both is a mistake.
 */
static int certs_dir_one(struct snp_certs *c, const char *opt, const char *dir, int kind,
			 uint8_t **der, size_t *der_len, struct lk_err *err)
{
	const char *name = certs_known[kind].file;
	char path[2][PATH_MAX];
	struct x509_cert x[2];
	int i, fd, nr;

	for (i = 0; i < 2; i++)
		if (snprintf(path[i], PATH_MAX, "%s/%s.%s", dir, name, i ? "pem" : "der") >=
		    PATH_MAX)
			return err_set(err, LK_EXIT_USAGE, "%s %s: too long a path", opt, dir);
	if (!access(path[0], F_OK) && !access(path[1], F_OK))
		return err_set(err, LK_EXIT_USAGE, "%s %s: both %s.der and %s.pem: give one", opt,
			       dir, name, name);
	i = access(path[0], F_OK) ? 1 : 0;
	if (i && access(path[1], F_OK))
		return 0;
	if (certs_hold(c, opt, path[i], &fd, err) ||
	    x509_read_file(opt, path[i], x, 2, &nr, err))
		return -1;
	if (nr > 1)
		err_set(err, LK_EXIT_USAGE, "%s %s: %d certificates in it: give one a file (a "
			"chain's ASK in ask.pem, its ARK in ark.pem)", opt, path[i], nr);
	else if (!certs_key_check(&x[0], kind, opt, path[i], err)) {
		*der = x[0].der;	/* ours now */
		*der_len = x[0].len;
		x[0].der = NULL;
	}
	while (nr)
		x509_free(&x[--nr]);
	return *der ? 0 : -1;
}

/* The table for the certificates in @der, in enum order, each after the last. */
static int certs_build(struct snp_certs *c, uint8_t *const *der, const size_t *der_len,
		       struct lk_err *err)
{
	size_t n = 0, len, off, e = 0;
	int k;

	for (k = 0; k < SNP_CERT_KINDS; k++)
		n += der[k] != NULL;
	len = off = (n + 1) * SNP_CERTS_ENTRY_SIZE;
	for (k = 0; k < SNP_CERT_KINDS; k++)
		len += der[k] ? der_len[k] : 0;
	c->table = calloc(1, len);
	if (!c->table)
		return err_sys(err, "the certificate table (%zu bytes)", len);
	for (k = 0; k < SNP_CERT_KINDS; k++) {
		uint8_t *p = c->table + e * SNP_CERTS_ENTRY_SIZE;

		if (!der[k])
			continue;
		e++;
		memcpy(p, certs_known[k].guid, SNP_CERTS_GUID_SIZE);
		put_le32(p + 16, (uint32_t)off);
		put_le32(p + 20, (uint32_t)der_len[k]);
		memcpy(c->table + off, der[k], der_len[k]);
		off += der_len[k];
		c->kinds |= SNP_CERT_BIT(k);
	}
	c->len = len;
	return 0;
}

static int certs_from_dir(struct snp_certs *c, const char *opt, const char *dir,
			  struct lk_err *err)
{
	uint8_t *der[SNP_CERT_KINDS] = { NULL };
	size_t der_len[SNP_CERT_KINDS] = { 0 };
	int k, r = -1;

	for (k = 0; k < SNP_CERT_KINDS; k++)
		if (certs_dir_one(c, opt, dir, k, &der[k], &der_len[k], err))
			goto out;
	if (!der[SNP_CERT_VCEK] && !der[SNP_CERT_VLEK])
		err_set(err, LK_EXIT_USAGE, "%s %s: no vcek.der or vlek.der (nor .pem) in it: a "
			"guest checks its report's signature with one of them", opt, dir);
	else
		r = certs_build(c, der, der_len, err);
out:
	for (k = 0; k < SNP_CERT_KINDS; k++)
		free(der[k]);
	return r;
}

int snp_certs_load(struct snp_certs *c, const char *opt, const char *path, struct lk_err *err)
{
	struct stat st;
	int r;

	*c = (struct snp_certs){ .nr_fd = 0 };
	if (stat(path, &st))
		return certs_open_err(opt, path, errno, err);
	r = S_ISDIR(st.st_mode) ? certs_from_dir(c, opt, path, err)
				: certs_from_table(c, opt, path, err);
	if (r) {
		snp_certs_release(c);
		return -1;
	}
	c->pages = (c->len + 4095) / 4096;
	return 0;
}

void snp_certs_release(struct snp_certs *c)
{
	unsigned int i;

	/* Closing the last descriptor of each file drops its lock. */
	for (i = 0; i < c->nr_fd; i++)
		close(c->fd[i]);
	free(c->table);
	*c = (struct snp_certs){ .nr_fd = 0 };
}
