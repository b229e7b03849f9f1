/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * What lkvm-sev recognises of an OVMF image so far: the footer GUID that
 * marks OVMF's GUIDed table (SEV-KVM-API.md §6.1), and the flash layout
 * that follows from the code size. The full table parser comes with
 * `lkvm-sev inspect`.
 */
#ifndef LKVM_FIRMWARE_OVMF_H
#define LKVM_FIRMWARE_OVMF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* 96b582de-1fb2-45f7-baea-a366c55a082d, at end - 48 (EFI byte order). */
bool ovmf_has_footer(const uint8_t *image, size_t size);

/*
 * OVMF's flash device is a power of two: VARS directly below CODE fill it
 * (2 MiB: 0x20000 + 0x1e0000; 4 MiB: 0x84000 + 0x37c000). The variable
 * store size that the code expects.
 */
uint64_t ovmf_expected_vars_size(uint64_t code_size);

#endif
