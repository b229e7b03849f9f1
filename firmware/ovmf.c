// SPDX-License-Identifier: GPL-2.0-only
/* OVMF image recognition. */
#include <string.h>

#include "firmware/ovmf.h"

static const uint8_t ovmf_footer_guid[16] = {
	0xde, 0x82, 0xb5, 0x96, 0xb2, 0x1f, 0xf7, 0x45,
	0xba, 0xea, 0xa3, 0x66, 0xc5, 0x5a, 0x08, 0x2d,
};

bool ovmf_has_footer(const uint8_t *image, size_t size)
{
	return size >= 48 && !memcmp(image + size - 48, ovmf_footer_guid, 16);
}

uint64_t ovmf_expected_vars_size(uint64_t code_size)
{
	uint64_t flash = 1;

	while (flash < code_size)
		flash <<= 1;
	return flash - code_size;
}
