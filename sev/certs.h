/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The certificates an SNP guest's extended report request gets (`run
 * --snp-certs`, served through Linux 7.0's KVM_EXIT_SNP_REQ_CERTS): the GHCB
 * certificate table, read once at start-up from a table file (as snphost and
 * sevctl write it) or built from a directory of vcek.der, ask.pem, ark.pem,
 * checked, and its files held under OFD read locks until released, as the
 * kernel's documentation asks of a VMM: a tool that updates them takes a
 * write lock, so it waits for the guest, and the guest never sees half of
 * an update.
 */
#ifndef LKVM_SEV_CERTS_H
#define LKVM_SEV_CERTS_H

#include <stddef.h>
#include <stdint.h>

#include "util/err.h"

/* The certificates the GHCB specification names, in the order a built table has them. */
enum snp_cert_kind {
	SNP_CERT_VCEK,
	SNP_CERT_VLEK,
	SNP_CERT_ASK,
	SNP_CERT_ARK,
	SNP_CERT_KINDS,
};

#define SNP_CERT_BIT(kind)	(1U << (kind))

/* An entry: the GUID (16 bytes, string order), offset from the table's start, length (LE). */
#define SNP_CERTS_ENTRY_SIZE	24
#define SNP_CERTS_GUID_SIZE	16
/* The most lkvm-sev reads: four certificates take a few KiB. */
#define SNP_CERTS_MAX_SIZE	(1U << 20)

struct snp_certs {
	uint8_t *table;		/* the table and its certificates, as a guest gets them */
	size_t len;
	uint64_t pages;		/* 4 KiB pages the guest's buffer needs for them */
	unsigned int kinds;	/* SNP_CERT_BIT()s of the certificates in it */
	int fd[SNP_CERT_KINDS];	/* the files read, each under an OFD read lock */
	unsigned int nr_fd;
};

const char *snp_cert_name(enum snp_cert_kind kind);
/* "VCEK, ASK, ARK" into @buf. */
const char *snp_certs_kinds_text(unsigned int kinds, char *buf, size_t size);

/*
 * Reads @path, named @opt in messages: a certificate table file, or a
 * directory holding vcek or vlek, and optionally ask and ark, each as NAME.der
 * or NAME.pem (one X.509 certificate, P-384 for VCEK and VLEK, RSA for ASK
 * and ARK). A table's structure is checked: entries in bounds and ending with
 * an all-zero one, known GUIDs each at most once, certificates after the
 * table, not empty, not overlapping, and a VCEK or a VLEK. Status 2 and one
 * line saying what is wrong, or that another process holds a write lock.
 */
int snp_certs_load(struct snp_certs *c, const char *opt, const char *path, struct lk_err *err);

/* Drops the locks and frees the table; @c is empty after it. */
void snp_certs_release(struct snp_certs *c);

#endif
