/* SPDX-License-Identifier: GPL-2.0-only */
/* Parsing of numbers the user types: sizes with suffixes, counts, seconds. */
#ifndef LKVM_UTIL_PARSE_H
#define LKVM_UTIL_PARSE_H

#include <stdbool.h>
#include <stdint.h>

/*
 * "256", "256M", "1G", "512K", "2T" (binary units, optional "B" or "iB").
 * A bare number is in @default_unit bytes (QEMU and kvmtool read -m in MiB).
 * Returns false on anything else, on overflow, and on a zero size.
 */
bool parse_size(const char *s, uint64_t default_unit, uint64_t *out);

/* A decimal integer in [min, max], nothing else. */
bool parse_uint(const char *s, unsigned long min, unsigned long max, unsigned long *out);

/* Non-negative seconds, fractions allowed ("2", "0.5"). */
bool parse_seconds(const char *s, double *out);

#endif
