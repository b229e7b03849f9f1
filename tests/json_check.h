/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Reading the --json output of the subcommands in tests: a strict RFC 8259
 * check (no python needed on the test host) and the value at a path.
 */
#ifndef LKVM_TESTS_JSON_CHECK_H
#define LKVM_TESTS_JSON_CHECK_H

#include <stdbool.h>
#include <stddef.h>

/* Whether @doc is exactly one JSON value; @why (may be NULL) says where it breaks. */
bool json_check(const char *doc, char *why, size_t size);

/*
 * The value at @path ("modes.0.verdict": object keys and array indices
 * joined by dots) in @doc: a string without its quotes and escapes, any
 * other value as written. False when @doc is not JSON or has no such value.
 */
bool json_get(const char *doc, const char *path, char *out, size_t size);

enum json_kind {
	JSON_ABSENT,		/* not JSON, or no such value */
	JSON_NULL,
	JSON_BOOL,
	JSON_NUMBER,
	JSON_STRING,
	JSON_OBJECT,
	JSON_ARRAY,
};

/* The kind of the value at @path: a number and a string of the same digits differ. */
enum json_kind json_kind_at(const char *doc, const char *path);

/*
 * Calls @visit for every scalar in @doc (null, boolean, number, string),
 * with its path as json_get() takes it and its text as json_get() gives
 * it (strings of 1 KiB and more cut). False when @doc is not JSON.
 */
bool json_walk(const char *doc,
	       void (*visit)(void *ctx, const char *path, enum json_kind kind, const char *val),
	       void *ctx);

/*
 * Whether @doc, an lkvm-sev JSON output, writes integers by lkvm-sev(1)'s
 * JSON OUTPUT rule: bit patterns and IDs as "0x..." strings (lowercase, no
 * leading zeros) and nothing else so; quantities and codes as numbers.
 * The members are known by name. @why (may be NULL) names the first value
 * that breaks it.
 */
bool json_number_rule(const char *doc, char *why, size_t size);

#endif
