/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * DER objects for the attestation code: read from a file (each PEM block's
 * base64, decoded with nettle, or the whole file as one DER object) and
 * decoded against the ASN.1 module sev/x509.asn with libtasn1, whose tree
 * asn1Parser compiled at build time (lkvm_sev_asn1_tab). No ASN.1 is
 * parsed by hand anywhere: certificates (sev/x509.c) and keys (sev/p384.c)
 * read their fields through here.
 */
#ifndef LKVM_SEV_DER_H
#define LKVM_SEV_DER_H

#include <libtasn1.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "util/err.h"

#define DER_MAX_OBJECTS	8		/* PEM blocks in one file: a chain has two */
#define DER_FILE_MAX	(1 << 20)	/* certificates and keys are a few KiB */
#define DER_WHY_MAX	(ASN1_MAX_ERROR_DESCRIPTION_SIZE + 64)

struct der_obj {
	char label[40];		/* the PEM label ("CERTIFICATE"); "" for a DER file */
	uint8_t *der;
	size_t len;
};

struct der_file {
	int nr;
	struct der_obj obj[DER_MAX_OBJECTS];
};

/*
 * Reads @path (of option @opt, for messages): its PEM blocks in order, or,
 * without any "-----BEGIN", the whole file as one DER object. Status 2 and
 * one line for an unreadable file, a block without its END line, bad
 * base64, an encrypted PEM key.
 */
int der_file_read(const char *opt, const char *path, struct der_file *f, struct lk_err *err);
/* Frees @f's objects, zeroing them first: they may hold a private key. */
void der_file_free(struct der_file *f);

/*
 * Decodes @der (all of it, strict DER) as the module's type @type
 * ("Certificate", "ECPrivateKey", ...): 0, or -1 with libtasn1's reason in
 * @why (DER_WHY_MAX bytes).
 */
int der_decode(const char *type, const uint8_t *der, size_t len, asn1_node *node, char *why);
void der_node_free(asn1_node *node);
/*
 * An empty @type's element, to be filled with asn1_write_value() and
 * encoded with asn1_der_coding() (the tests build ECDSA-Sig-Value so).
 */
int der_new(const char *type, asn1_node *node);

/*
 * The value of element @name (libtasn1's path, "tbsCertificate.version"):
 * its bytes into @buf, returning their number; -1 when it is absent or
 * longer than @size. A BIT STRING's unused bits must be none.
 */
long der_read(asn1_node node, const char *name, void *buf, size_t size);
/* An OBJECT IDENTIFIER as dotted text ("1.3.132.0.34"); false when absent. */
bool der_read_oid(asn1_node node, const char *name, char *oid, size_t size);
/*
 * A non-negative INTEGER as big-endian bytes without leading zeros (at
 * least one byte); -1 when absent, negative or longer than @size.
 */
long der_read_uint(asn1_node node, const char *name, uint8_t *buf, size_t size);
/* The same, as a number that fits in @max. */
bool der_read_small(asn1_node node, const char *name, unsigned long max, unsigned long *out);
/* Where element @name's whole encoding (tag to end) lies in @der. */
bool der_range(asn1_node node, const uint8_t *der, size_t len, const char *name,
	       size_t *off, size_t *n);

#endif
