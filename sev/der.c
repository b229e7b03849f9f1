// SPDX-License-Identifier: GPL-2.0-only
/* DER objects from files (PEM through nettle's base64) and through libtasn1. */
#include <nettle/base64.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "sev/der.h"
#include "util/file.h"

/* sev/x509.asn, compiled by asn1Parser into $(O)sev/x509_asn1.c. */
extern const asn1_static_node lkvm_sev_asn1_tab[];

/*
 * The module's tree, built on first use and kept: it is read-only once
 * built, and decoding a certificate needs it a dozen times.
 */
static asn1_node der_definitions(void)
{
	static asn1_node defs;
	char why[ASN1_MAX_ERROR_DESCRIPTION_SIZE];

	if (!defs && asn1_array2tree(lkvm_sev_asn1_tab, &defs, why) != ASN1_SUCCESS)
		defs = NULL;
	return defs;
}

int der_new(const char *type, asn1_node *node)
{
	char name[64];
	asn1_node defs = der_definitions();

	*node = NULL;
	snprintf(name, sizeof(name), "LKVM-SEV.%s", type);
	return defs && asn1_create_element(defs, name, node) == ASN1_SUCCESS ? 0 : -1;
}

int der_decode(const char *type, const uint8_t *der, size_t len, asn1_node *node, char *why)
{
	char desc[ASN1_MAX_ERROR_DESCRIPTION_SIZE] = "";
	int used = (int)len, r;

	if (len > DER_FILE_MAX || der_new(type, node)) {
		snprintf(why, DER_WHY_MAX, "cannot decode a %s here", type);
		return -1;
	}
	r = asn1_der_decoding2(node, der, &used, ASN1_DECODE_FLAG_STRICT_DER, desc);
	if (r == ASN1_SUCCESS && (size_t)used == len)
		return 0;
	if (r == ASN1_SUCCESS)
		snprintf(why, DER_WHY_MAX, "%zu bytes after the %s", len - (size_t)used, type);
	else	/* libtasn1's description starts with the element's path, here empty */
		snprintf(why, DER_WHY_MAX, "not a DER %s (%s%s%s)", type, asn1_strerror(r),
			 desc[strspn(desc, ": ")] ? ": " : "", desc + strspn(desc, ": "));
	der_node_free(node);
	return -1;
}

void der_node_free(asn1_node *node)
{
	if (*node)
		asn1_delete_structure(node);
	*node = NULL;
}

long der_read(asn1_node node, const char *name, void *buf, size_t size)
{
	unsigned int type;
	int len = (int)size;

	if (asn1_read_value_type(node, name, buf, &len, &type) != ASN1_SUCCESS)
		return -1;
	if (type == ASN1_ETYPE_BIT_STRING) {	/* libtasn1 counts its length in bits */
		if (len % 8)
			return -1;
		len /= 8;
	}
	return len;
}

bool der_read_oid(asn1_node node, const char *name, char *oid, size_t size)
{
	int len = (int)size;

	if (asn1_read_value(node, name, oid, &len) != ASN1_SUCCESS || len <= 0 ||
	    (size_t)len > size)
		return false;
	oid[len < (int)size ? len : (int)size - 1] = '\0';
	return true;
}

long der_read_uint(asn1_node node, const char *name, uint8_t *buf, size_t size)
{
	uint8_t tmp[1024];
	long len = der_read(node, name, tmp, sizeof(tmp));
	long skip = 0;

	if (len <= 0 || tmp[0] & 0x80)	/* absent, or negative */
		return -1;
	while (skip < len - 1 && !tmp[skip])
		skip++;
	if ((size_t)(len - skip) > size)
		return -1;
	memcpy(buf, tmp + skip, (size_t)(len - skip));
	return len - skip;
}

bool der_read_small(asn1_node node, const char *name, unsigned long max, unsigned long *out)
{
	uint8_t b[sizeof(unsigned long)];
	unsigned long v = 0;
	long len = der_read_uint(node, name, b, sizeof(b)), i;

	if (len < 0)
		return false;
	for (i = 0; i < len; i++)
		v = v << 8 | b[i];
	if (v > max)
		return false;
	*out = v;
	return true;
}

bool der_range(asn1_node node, const uint8_t *der, size_t len, const char *name,
	       size_t *off, size_t *n)
{
	int start, end;

	if (asn1_der_decoding_startEnd(node, der, (int)len, name, &start, &end) != ASN1_SUCCESS ||
	    start < 0 || end < start || (size_t)end >= len)
		return false;
	*off = (size_t)start;
	*n = (size_t)(end - start + 1);
	return true;
}

/* ---- files: PEM blocks or one DER object ---- */

/* The line after @p (past its newline), or the end of @end. */
static const char *next_line(const char *p, const char *end)
{
	const char *nl = memchr(p, '\n', (size_t)(end - p));

	return nl ? nl + 1 : end;
}

/* Where @needle starts in [@p, @end), or NULL. */
static const char *find(const char *p, const char *end, const char *needle)
{
	return memmem(p, (size_t)(end - p), needle, strlen(needle));
}

/*
 * The base64 between a BEGIN line and its END line into @o. Header lines
 * ("Proc-Type: 4,ENCRYPTED") come only with OpenSSL's legacy encrypted
 * keys, which lkvm-sev cannot read.
 */
static int pem_body(const char *opt, const char *path, const char *p, const char *end,
		    struct der_obj *o, struct lk_err *err)
{
	struct base64_decode_ctx ctx;
	size_t out = 0;

	if (memchr(p, ':', (size_t)(end - p)))
		return err_set(err, LK_EXIT_USAGE, "%s %s: an encrypted PEM block (%s): give it "
			       "unencrypted (openssl pkey -in FILE -out PLAIN)", opt, path,
			       o->label);
	o->der = malloc(BASE64_DECODE_LENGTH((size_t)(end - p)) + 1);
	if (!o->der)
		return err_set(err, LK_EXIT_USAGE, "%s %s: out of memory", opt, path);
	base64_decode_init(&ctx);
	if (!base64_decode_update(&ctx, &out, o->der, (size_t)(end - p), p) ||
	    !base64_decode_final(&ctx) || !out)
		return err_set(err, LK_EXIT_USAGE, "%s %s: the PEM block %s is not base64", opt,
			       path, o->label);
	o->len = out;
	return 0;
}

/* Every "-----BEGIN LABEL-----" ... "-----END LABEL-----" block of [@p, @end). */
static int pem_blocks(const char *opt, const char *path, const char *p, const char *end,
		      struct der_file *f, struct lk_err *err)
{
	static const char begin[] = "-----BEGIN ";

	while ((p = find(p, end, begin))) {
		struct der_obj *o = &f->obj[f->nr];
		const char *label = p + strlen(begin), *dash, *body, *stop;
		char end_line[64];

		dash = find(label, end, "-----");
		if (!dash || dash - label >= (long)sizeof(o->label) || memchr(label, '\n',
									    (size_t)(dash - label)))
			return err_set(err, LK_EXIT_USAGE, "%s %s: a malformed PEM BEGIN line",
				       opt, path);
		if (f->nr == DER_MAX_OBJECTS)
			return err_set(err, LK_EXIT_USAGE, "%s %s: more than %d PEM blocks", opt,
				       path, DER_MAX_OBJECTS);
		memcpy(o->label, label, (size_t)(dash - label));
		o->label[dash - label] = '\0';
		body = next_line(dash, end);
		snprintf(end_line, sizeof(end_line), "-----END %s-----", o->label);
		stop = find(body, end, end_line);
		if (!stop)
			return err_set(err, LK_EXIT_USAGE, "%s %s: the PEM block %s has no END "
				       "line", opt, path, o->label);
		f->nr++;
		if (pem_body(opt, path, body, stop, o, err))
			return -1;
		p = stop + strlen(end_line);
	}
	return 0;
}

int der_file_read(const char *opt, const char *path, struct der_file *f, struct lk_err *err)
{
	size_t size;
	void *data;
	int r = 0;

	memset(f, 0, sizeof(*f));
	if (file_load(opt, path, PROT_READ | PROT_WRITE, &data, &size, err))
		return -1;
	if (size > DER_FILE_MAX) {
		r = err_set(err, LK_EXIT_USAGE, "%s %s: %zu bytes: too large for a certificate "
			    "or a key (at most %d)", opt, path, size, DER_FILE_MAX);
	} else if (find(data, (char *)data + size, "-----BEGIN ")) {
		r = pem_blocks(opt, path, data, (char *)data + size, f, err);
	} else {
		f->obj[0].der = malloc(size);
		if (f->obj[0].der) {
			memcpy(f->obj[0].der, data, size);
			f->obj[0].len = size;
			f->nr = 1;
		} else {
			r = err_set(err, LK_EXIT_USAGE, "%s %s: out of memory", opt, path);
		}
	}
	explicit_bzero(data, size);
	file_unload(data, size);
	if (r)
		der_file_free(f);
	return r;
}

void der_file_free(struct der_file *f)
{
	int i;

	for (i = 0; i < DER_MAX_OBJECTS; i++) {
		if (f->obj[i].der)
			explicit_bzero(f->obj[i].der, f->obj[i].len);
		free(f->obj[i].der);
	}
	memset(f, 0, sizeof(*f));
}
