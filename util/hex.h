/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Byte fields as hex: how users type a digest, an ID or host data on the
 * command line, and how lkvm-sev prints them (lower case, bytes in order).
 */
#ifndef LKVM_UTIL_HEX_H
#define LKVM_UTIL_HEX_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Exactly 2 * @n hex digits (an optional 0x before them) into @out. */
bool hex_parse_bytes(const char *s, uint8_t *out, size_t n);

/* @n bytes as 2 * @n lower-case hex digits and a NUL into @out. */
void hex_encode(char *out, const void *bytes, size_t n);

#endif
