/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * A streaming JSON writer for the --json output of the subcommands and
 * run --report: one member or element per line, indented, strings escaped.
 * Values are written as they come; the writer only tracks nesting and
 * commas. @key is the member's name inside an object and NULL inside an
 * array or at the top.
 *
 * One rule for integers in every output (lkvm-sev(1), JSON OUTPUT): a
 * quantity or a code is a number (json_int), a bit pattern or a PCI ID is
 * a "0x..." string (json_hex), so that jq can add the first and compare
 * the second as the kernel and AMD's documents write it.
 */
#ifndef LKVM_UTIL_JSON_H
#define LKVM_UTIL_JSON_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#define JSON_MAX_DEPTH 16

struct json {
	FILE *f;
	int depth;
	bool has_items[JSON_MAX_DEPTH];	/* per open container: a comma before the next */
};

void json_init(struct json *j, FILE *f);
/* Ends the top-level value with a newline. */
void json_finish(struct json *j);

void json_obj_begin(struct json *j, const char *key);
void json_obj_end(struct json *j);
void json_arr_begin(struct json *j, const char *key);
void json_arr_end(struct json *j);

/* A NULL @val writes null. */
void json_str(struct json *j, const char *key, const char *val);
void json_strf(struct json *j, const char *key, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* Counts, sizes, lengths, offsets, addresses, versions, enumerated codes. */
void json_int(struct json *j, const char *key, long long val);
/*
 * Masks, flags, policies, VMSA features, CPUID signatures, TCB versions,
 * PCI IDs: lowercase, no leading zeros. A 64-bit policy would lose bits
 * as a JSON number (a double), and jq has no bit operations to need one.
 */
void json_hex(struct json *j, const char *key, uint64_t val);
void json_double(struct json *j, const char *key, double val);
void json_bool(struct json *j, const char *key, bool val);
void json_null(struct json *j, const char *key);

#endif
