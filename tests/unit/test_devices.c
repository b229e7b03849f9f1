// SPDX-License-Identifier: GPL-2.0-only
/* CMOS, ACPI PM, debug-exit, reset and stop requests, through their buses. */
#include <string.h>
#include <unistd.h>

#include "devices/acpi_pm.h"
#include "devices/cmos.h"
#include "devices/debug_exit.h"
#include "devices/reset.h"
#include "tests/tests.h"
#include "util/stop.h"

#define MiB (1ULL << 20)
#define GiB (1ULL << 30)

START_TEST(cmos_memory_and_cpus)
{
	struct cmos c;

	cmos_init(&c, 256 * MiB, 0, 4);
	ck_assert_uint_eq(cmos_read_reg(&c, 0x15, 0) | cmos_read_reg(&c, 0x16, 0) << 8, 640);
	/* 0x30/0x31: KiB above 1 MiB, saturating at 0xffff. */
	ck_assert_uint_eq(cmos_read_reg(&c, 0x30, 0) | cmos_read_reg(&c, 0x31, 0) << 8, 0xffff);
	/* 0x34/0x35: 64 KiB units above 16 MiB: (256 - 16) * 16. */
	ck_assert_uint_eq(cmos_read_reg(&c, 0x34, 0) | cmos_read_reg(&c, 0x35, 0) << 8, 3840);
	ck_assert_uint_eq(cmos_read_reg(&c, 0x5b, 0), 0);
	ck_assert_uint_eq(cmos_read_reg(&c, 0x5f, 0), 3);
	cmos_destroy(&c);

	cmos_init(&c, 3 * GiB, 2 * GiB, 1);
	ck_assert_uint_eq(cmos_read_reg(&c, 0x34, 0) | cmos_read_reg(&c, 0x35, 0) << 8,
			  (3 * 1024 - 16) * 16);
	/* 2 GiB above 4 GiB = 0x8000 units of 64 KiB. */
	ck_assert_uint_eq(cmos_read_reg(&c, 0x5b, 0), 0x00);
	ck_assert_uint_eq(cmos_read_reg(&c, 0x5c, 0), 0x80);
	ck_assert_uint_eq(cmos_read_reg(&c, 0x5d, 0), 0x00);
	ck_assert_uint_eq(cmos_read_reg(&c, 0x5f, 0), 0);
	cmos_destroy(&c);

	cmos_init(&c, 8 * MiB, 0, 1);
	ck_assert_uint_eq(cmos_read_reg(&c, 0x30, 0) | cmos_read_reg(&c, 0x31, 0) << 8, 7168);
	ck_assert_uint_eq(cmos_read_reg(&c, 0x34, 0) | cmos_read_reg(&c, 0x35, 0) << 8, 0);
	cmos_destroy(&c);
}
END_TEST

START_TEST(cmos_clock)
{
	/* 2026-11-23 17:56:40 UTC, a Monday. */
	const int64_t t = 1795456600;
	struct cmos c;

	cmos_init(&c, 64 * MiB, 0, 1);
	ck_assert_uint_eq(cmos_read_reg(&c, 0x0a, t) & 0x80, 0);	/* UIP clear */
	ck_assert_uint_eq(cmos_read_reg(&c, 0x0d, t), 0x80);		/* VRT */
	ck_assert_uint_eq(cmos_read_reg(&c, 0x00, t), 0x40);
	ck_assert_uint_eq(cmos_read_reg(&c, 0x02, t), 0x56);
	ck_assert_uint_eq(cmos_read_reg(&c, 0x04, t), 0x17);
	ck_assert_uint_eq(cmos_read_reg(&c, 0x06, t), 0x02);	/* Sunday is 1 */
	ck_assert_uint_eq(cmos_read_reg(&c, 0x07, t), 0x23);
	ck_assert_uint_eq(cmos_read_reg(&c, 0x08, t), 0x11);
	ck_assert_uint_eq(cmos_read_reg(&c, 0x09, t), 0x26);
	ck_assert_uint_eq(cmos_read_reg(&c, 0x32, t), 0x20);
	/* Binary mode (register B bit 2). */
	c.ram[CMOS_REG_B] |= CMOS_B_BINARY;
	ck_assert_uint_eq(cmos_read_reg(&c, 0x04, t), 17);
	ck_assert_uint_eq(cmos_read_reg(&c, 0x09, t), 26);
	/* 1970-01-01 was a Thursday; 2000-02-29 existed. */
	ck_assert_uint_eq(cmos_read_reg(&c, 0x06, 0), 5);
	ck_assert_uint_eq(cmos_read_reg(&c, 0x08, 951782400), 2);
	ck_assert_uint_eq(cmos_read_reg(&c, 0x07, 951782400), 29);
	cmos_destroy(&c);
}
END_TEST

START_TEST(cmos_ports)
{
	struct bus pio;
	struct cmos c;
	struct lk_err err;
	uint8_t v;

	bus_init(&pio, "port");
	cmos_init(&c, 64 * MiB, 0, 2);
	ck_assert_int_eq(cmos_register(&c, &pio, &err), 0);
	/* Index with the NMI-disable bit set still selects register 0x5f. */
	bus_access(&pio, 0x70, (uint8_t[]){ 0x80 | 0x5f }, 1, true);
	bus_access(&pio, 0x71, &v, 1, false);
	ck_assert_uint_eq(v, 1);
	/* NVRAM is writable (OVMF clears the S3 flag at 0x0f). */
	bus_access(&pio, 0x70, (uint8_t[]){ 0x0f }, 1, true);
	bus_access(&pio, 0x71, (uint8_t[]){ 0xaa }, 1, true);
	bus_access(&pio, 0x71, &v, 1, false);
	ck_assert_uint_eq(v, 0xaa);
	cmos_destroy(&c);
}
END_TEST

START_TEST(pm_timer)
{
	ck_assert_uint_eq(acpi_pm_timer_at(0), 0);
	ck_assert_uint_eq(acpi_pm_timer_at(1000000000ULL), 3579545 & 0xffffff);
	ck_assert_uint_eq(acpi_pm_timer_at(1000ULL), 3);
	/* 24 bits wrap after 2^24 / 3579545 s = 4.687 s. */
	ck_assert_uint_eq(acpi_pm_timer_at(5000000000ULL), (5 * 3579545ULL) & 0xffffff);
	/* Ten hours in: no overflow of the 64-bit intermediate. */
	ck_assert_uint_eq(acpi_pm_timer_at(36000ULL * 1000000000ULL),
			  (36000ULL * 3579545ULL) & 0xffffff);
}
END_TEST

START_TEST(pm_poweroff)
{
	struct bus pio;
	struct acpi_pm pm;
	struct stop st;
	struct lk_err err;
	uint8_t d[4];
	uint32_t t1, t2;

	bus_init(&pio, "port");
	ck_assert_int_eq(stop_init(&st, &err), 0);
	ck_assert_int_eq(acpi_pm_init(&pm, &st, &pio, &err), 0);
	bus_access(&pio, ACPI_PM_BASE + ACPI_PM_TMR, d, 4, false);
	t1 = bus_data_get(d, 4);
	usleep(20000);
	bus_access(&pio, ACPI_PM_BASE + ACPI_PM_TMR, d, 4, false);
	t2 = bus_data_get(d, 4);
	ck_assert_uint_le(t1, 0xffffff);
	ck_assert_uint_le(t2, 0xffffff);
	/* 20 ms is 71591 ticks; allow for a slow scheduler, not for a stopped clock. */
	ck_assert_uint_ge((t2 - t1) & 0xffffff, 71000);
	ck_assert_uint_le((t2 - t1) & 0xffffff, 71591 * 50);
	/* SCI_EN alone: stored, no stop. */
	bus_data_put(d, 2, ACPI_PM1_CNT_SCI_EN);
	bus_access(&pio, ACPI_PM_BASE + ACPI_PM1_CNT, d, 2, true);
	bus_access(&pio, ACPI_PM_BASE + ACPI_PM1_CNT, d, 2, false);
	ck_assert_uint_eq(bus_data_get(d, 2), ACPI_PM1_CNT_SCI_EN);
	ck_assert(!stop_requested(&st));
	/* S3 (type 1 here) is not offered: ignored. */
	bus_data_put(d, 2, ACPI_PM1_CNT_SLP_EN | (1 << 10));
	bus_access(&pio, ACPI_PM_BASE + ACPI_PM1_CNT, d, 2, true);
	ck_assert(!stop_requested(&st));
	bus_data_put(d, 2, ACPI_PM1_CNT_SLP_EN);
	bus_access(&pio, ACPI_PM_BASE + ACPI_PM1_CNT, d, 2, true);
	ck_assert(stop_requested(&st));
	ck_assert_int_eq(atomic_load(&st.status), 0);
	stop_destroy(&st);
	bus_destroy(&pio);
}
END_TEST

START_TEST(debug_exit_and_reset)
{
	struct bus pio;
	struct stop st;
	struct reset_dev r;
	struct lk_err err;
	uint8_t v;

	ck_assert_int_eq(debug_exit_status(0), 1);
	ck_assert_int_eq(debug_exit_status(42), 85);
	ck_assert_int_eq(debug_exit_status(61), 123);
	ck_assert_int_eq(debug_exit_status(62), 125);	/* the documented collision */
	ck_assert_int_eq(debug_exit_status(200), (401 & 0xff));

	bus_init(&pio, "port");
	ck_assert_int_eq(stop_init(&st, &err), 0);
	ck_assert_int_eq(debug_exit_init(&st, &pio, &err), 0);
	ck_assert_int_eq(reset_init(&r, &st, &pio, &err), 0);
	/* 0xcf9 without the reset bit only stores. */
	bus_access(&pio, 0xcf9, (uint8_t[]){ 0x02 }, 1, true);
	bus_access(&pio, 0xcf9, &v, 1, false);
	ck_assert_uint_eq(v, 0x02);
	bus_access(&pio, 0x64, (uint8_t[]){ 0xd1 }, 1, true);
	ck_assert(!stop_requested(&st));
	bus_access(&pio, 0xcf9, (uint8_t[]){ 0x06 }, 1, true);
	ck_assert_int_eq(atomic_load(&st.status), LK_EXIT_RESET);
	ck_assert_str_eq(st.err.msg, "guest reset (0x06 written to port 0xcf9): lkvm-sev "
			 "stops instead of rebooting");
	/* The first stop wins: a later debug-exit changes nothing. */
	bus_access(&pio, 0xf4, (uint8_t[]){ 3 }, 1, true);
	ck_assert_int_eq(atomic_load(&st.status), LK_EXIT_RESET);
	stop_destroy(&st);

	ck_assert_int_eq(stop_init(&st, &err), 0);
	ck_assert(stop_request_quiet(&st, 7));
	ck_assert(!stop_request(&st, 4, "late"));
	ck_assert_int_eq(atomic_load(&st.status), 7);
	ck_assert_str_eq(st.err.msg, "");
	stop_destroy(&st);
}
END_TEST

Suite *unit_devices_suite(void)
{
	Suite *s = suite_create("devices");
	TCase *tc = tcase_create("platform");

	tcase_add_test(tc, cmos_memory_and_cpus);
	tcase_add_test(tc, cmos_clock);
	tcase_add_test(tc, cmos_ports);
	tcase_add_test(tc, pm_timer);
	tcase_add_test(tc, pm_poweroff);
	tcase_add_test(tc, debug_exit_and_reset);
	suite_add_tcase(s, tc);
	return s;
}
