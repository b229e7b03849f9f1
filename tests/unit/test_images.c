// SPDX-License-Identifier: GPL-2.0-only
/* Recognising images: bzImage headers, OVMF's footer and flash layout. */
#include <string.h>

#include "firmware/ovmf.h"
#include "machine/kernel.h"
#include "tests/tests.h"

static uint8_t img[64 * 1024];

static void bz_header(uint8_t setup_sects, uint16_t version)
{
	memset(img, 0, sizeof(img));
	img[BZ_SETUP_SECTS] = setup_sects;
	img[BZ_BOOT_FLAG] = 0x55;
	img[BZ_BOOT_FLAG + 1] = 0xaa;
	memcpy(img + BZ_HEADER, "HdrS", 4);
	img[BZ_VERSION] = (uint8_t)version;
	img[BZ_VERSION + 1] = (uint8_t)(version >> 8);
}

START_TEST(bzimage)
{
	const char *why = NULL;
	uint32_t setup;

	bz_header(27, 0x020f);
	ck_assert_int_eq(bzimage_setup_size(img, sizeof(img), &setup, &why), 0);
	ck_assert_uint_eq(setup, 28 * 512);
	/* setup_sects 0 means 4, for old kernels. */
	bz_header(0, 0x0206);
	ck_assert_int_eq(bzimage_setup_size(img, sizeof(img), &setup, &why), 0);
	ck_assert_uint_eq(setup, 5 * 512);

	bz_header(27, 0x0205);
	ck_assert_int_eq(bzimage_setup_size(img, sizeof(img), &setup, &why), -1);
	ck_assert_str_eq(why, "boot protocol older than 2.06");
	bz_header(27, 0x020f);
	img[BZ_HEADER] = 'X';
	ck_assert_int_eq(bzimage_setup_size(img, sizeof(img), &setup, &why), -1);
	ck_assert_str_eq(why, "no 'HdrS' header at offset 0x202");
	bz_header(27, 0x020f);
	img[BZ_BOOT_FLAG] = 0;
	ck_assert_int_eq(bzimage_setup_size(img, sizeof(img), &setup, &why), -1);
	ck_assert_str_eq(why, "no boot flag 0xaa55 at offset 0x1fe");
	bz_header(127, 0x020f);
	ck_assert_int_eq(bzimage_setup_size(img, 128 * 512, &setup, &why), -1);
	ck_assert_str_eq(why, "the setup code covers the whole file: no kernel after it");
	ck_assert_int_eq(bzimage_setup_size(img, 0x100, &setup, &why), -1);
	ck_assert_str_eq(why, "too small to hold a boot header");
}
END_TEST

START_TEST(ovmf_footer)
{
	static const uint8_t guid[16] = { 0xde, 0x82, 0xb5, 0x96, 0xb2, 0x1f, 0xf7, 0x45,
					  0xba, 0xea, 0xa3, 0x66, 0xc5, 0x5a, 0x08, 0x2d };

	memset(img, 0, sizeof(img));
	ck_assert(!ovmf_has_footer(img, sizeof(img)));
	memcpy(img + sizeof(img) - 48, guid, 16);
	ck_assert(ovmf_has_footer(img, sizeof(img)));
	ck_assert(!ovmf_has_footer(img, 40));
	/* Debian's images: 2M and 4M flash devices, and the combined 2M image. */
	ck_assert_uint_eq(ovmf_expected_vars_size(0x1e0000), 0x20000);
	ck_assert_uint_eq(ovmf_expected_vars_size(0x37c000), 0x84000);
	ck_assert_uint_eq(ovmf_expected_vars_size(0x200000), 0);
}
END_TEST

Suite *unit_images_suite(void)
{
	Suite *s = suite_create("images");
	TCase *tc = tcase_create("headers");

	tcase_add_test(tc, bzimage);
	tcase_add_test(tc, ovmf_footer);
	suite_add_tcase(s, tc);
	return s;
}
