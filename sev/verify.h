/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Offline verification of an SEV-SNP attestation report, check by check:
 * the report's format and signer; its signature with the VCEK's (or
 * VLEK's) key; the VCEK against the ASK and ARK (RSASSA-PSS), the ARK
 * against AMD's roots; the VCEK's hwID against the report's chip_id and
 * its SPL extensions against the reported TCB; then the measurement, host
 * data and policy against what the caller expects. Every check is run and
 * recorded, passed, failed (both values named) or skipped (its input not
 * given); `lkvm-sev verify` (cli/verify.c) prints them.
 */
#ifndef LKVM_SEV_VERIFY_H
#define LKVM_SEV_VERIFY_H

#include <stdbool.h>
#include <stdint.h>

#include "sev/attest_report.h"
#include "util/err.h"

enum check_status {
	CHECK_PASS,
	CHECK_FAIL,
	CHECK_SKIP,
};

struct check {
	const char *name;		/* "signature", "chain", ... */
	enum check_status status;
	char detail[768];		/* what passed, why it failed, why it was skipped */
};

#define VERIFY_MAX_CHECKS	8

struct verify_in {
	const char *report;		/* the report file */
	const char *vcek;		/* --vcek CERT (DER or PEM), or NULL */
	const char *chain;		/* --chain FILE: ASK then ARK, or NULL */
	const uint8_t *digest;		/* the expected measurement (48 bytes), or NULL */
	const char *digest_from;	/* where it came from: "--expect-digest", ... */
	const uint8_t *host_data;	/* 32 bytes, or NULL */
	bool policy_given;
	uint64_t policy;
};

struct verify_out {
	struct snp_report report;
	char product[64];		/* the VCEK's product name, "" without one */
	int nr_checks;
	struct check checks[VERIFY_MAX_CHECKS];
	bool pass;			/* no check failed */
};

/*
 * Runs every check. -1 with status 2 and one line when an input cannot be
 * read at all (a truncated report, a file that is no certificate); else 0,
 * with the verdicts in @out.
 */
int verify_report(const struct verify_in *in, struct verify_out *out, struct lk_err *err);

const char *check_status_name(enum check_status s);	/* "pass", "FAIL", "skipped" */

#endif
