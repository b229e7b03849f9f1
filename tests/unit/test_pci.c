// SPDX-License-Identifier: GPL-2.0-only
/* PCI configuration mechanism #1 and the i440FX/PIIX functions behind it. */
#include "devices/acpi_pm.h"
#include "devices/i440fx.h"
#include "devices/piix3.h"
#include "devices/piix4_pm.h"
#include "devices/reset.h"
#include "tests/tests.h"
#include "util/stop.h"

static struct bus pio;
static struct pci_bus pci;
static struct pci_func hb, pmf;
static struct piix3 isa;
static struct acpi_pm pm;
static struct reset_dev rst;
static struct stop st;

static void setup(void)
{
	struct lk_err err;

	bus_init(&pio, "port");
	ck_assert_int_eq(stop_init(&st, &err), 0);
	ck_assert_int_eq(acpi_pm_init(&pm, &st, &pio, &err), 0);
	ck_assert_int_eq(reset_init(&rst, &st, &pio, &err), 0);
	ck_assert_int_eq(pci_bus_init(&pci, &pio, NULL, &err), 0);
	ck_assert_int_eq(i440fx_init(&hb, &pci, &err), 0);
	ck_assert_int_eq(piix3_init(&isa, &pci, NULL, NULL, &err), 0);
	ck_assert_int_eq(piix4_pm_init(&pmf, &pm, 9, &pci, &err), 0);
	bus_freeze(&pio);
}

static void teardown(void)
{
	pci_bus_destroy(&pci);
	bus_destroy(&pio);
	stop_destroy(&st);
}

static uint32_t in(uint16_t port, uint32_t len)
{
	uint8_t d[4];

	bus_access(&pio, port, d, len, false);
	return bus_data_get(d, len);
}

static void out(uint16_t port, uint32_t len, uint32_t v)
{
	uint8_t d[4];

	bus_data_put(d, len, v);
	bus_access(&pio, port, d, len, true);
}

static uint32_t cfg_read(unsigned int dev, unsigned int fn, unsigned int reg, uint32_t len)
{
	out(0xcf8, 4, 0x80000000u | dev << 11 | fn << 8 | (reg & 0xfc));
	return in((uint16_t)(0xcfc + (reg & 3)), len);
}

static void cfg_write(unsigned int dev, unsigned int fn, unsigned int reg, uint32_t len,
		      uint32_t v)
{
	out(0xcf8, 4, 0x80000000u | dev << 11 | fn << 8 | (reg & 0xfc));
	out((uint16_t)(0xcfc + (reg & 3)), len, v);
}

START_TEST(identities)
{
	ck_assert_uint_eq(cfg_read(0, 0, 0, 4), 0x12378086);
	ck_assert_uint_eq(cfg_read(0, 0, 2, 2), 0x1237);	/* OVMF's 16-bit read at 0xcfe */
	ck_assert_uint_eq(cfg_read(1, 0, 0x08, 4) >> 8, 0x060100);
	ck_assert_uint_eq(cfg_read(1, 0, 0x0e, 1), 0x80);
	ck_assert_uint_eq(cfg_read(1, 3, 0, 4), 0x71138086);
	ck_assert_uint_eq(cfg_read(1, 3, 0x3d, 1), 1);
	ck_assert_uint_eq(cfg_read(1, 3, 0x3c, 1), 9);
	/* Absent functions and other buses read all-ones. */
	ck_assert_uint_eq(cfg_read(5, 0, 0, 4), 0xffffffff);
	ck_assert_uint_eq(cfg_read(1, 1, 0, 2), 0xffff);
	out(0xcf8, 4, 0x80010000);
	ck_assert_uint_eq(in(0xcfc, 4), 0xffffffff);
	/* Disabled configuration cycles read all-ones too. */
	out(0xcf8, 4, 0x00000000);
	ck_assert_uint_eq(in(0xcfc, 4), 0xffffffff);
}
END_TEST

START_TEST(address_register)
{
	out(0xcf8, 4, 0x80000803);
	ck_assert_uint_eq(in(0xcf8, 4), 0x80000800);	/* low two bits are not address bits */
	/* A byte at 0xcf9 is the reset control register, not the address. */
	out(0xcf9, 1, 0x02);
	ck_assert_uint_eq(in(0xcf8, 4), 0x80000800);
	ck_assert_uint_eq(in(0xcf9, 1), 0x02);
	ck_assert(!stop_requested(&st));
}
END_TEST

START_TEST(read_only_bits)
{
	cfg_write(0, 0, 0, 4, 0);
	ck_assert_uint_eq(cfg_read(0, 0, 0, 4), 0x12378086);
	cfg_write(0, 0, 4, 2, 0xffff);
	ck_assert_uint_eq(cfg_read(0, 0, 4, 2), 0x0007);
	cfg_write(1, 0, 0x60, 4, 0x0b0a0b0a);
	ck_assert_uint_eq(cfg_read(1, 0, 0x60, 4), 0x0b0a0b0a);
}
END_TEST

START_TEST(pm_block_moves)
{
	uint32_t t;

	/* Enabled at 0xb000 from the start. */
	ck_assert_uint_eq(cfg_read(1, 3, 0x40, 4), 0xb001);
	ck_assert_uint_eq(cfg_read(1, 3, 0x80, 1), 1);
	t = in(0xb008, 4);
	ck_assert_uint_le(t, 0xffffff);
	/* OVMF's sequence, to another base. */
	cfg_write(1, 3, 0x40, 4, 0xc001);
	ck_assert_uint_eq(cfg_read(1, 3, 0x40, 4), 0xc001);
	ck_assert_uint_eq(in(0xb008, 4), 0xffffffff);
	ck_assert_uint_le(in(0xc008, 4), 0xffffff);
	/* PMREGMISC bit 0 off: the block is gone. */
	cfg_write(1, 3, 0x80, 1, 0);
	ck_assert_uint_eq(in(0xc008, 4), 0xffffffff);
	cfg_write(1, 3, 0x80, 1, 1);
	/* Power-off through the new base. */
	out(0xc004, 2, 0x2000);
	ck_assert(stop_requested(&st));
	ck_assert_int_eq(atomic_load(&st.status), 0);
}
END_TEST

Suite *unit_pci_suite(void)
{
	Suite *s = suite_create("pci");
	TCase *tc = tcase_create("conf1");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, identities);
	tcase_add_test(tc, address_register);
	tcase_add_test(tc, read_only_bits);
	tcase_add_test(tc, pm_block_moves);
	suite_add_tcase(s, tc);
	return s;
}
