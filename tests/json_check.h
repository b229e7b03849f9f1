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

#endif
