// SPDX-License-Identifier: GPL-2.0-only
/* The port-I/O/MMIO range registry. */
#include <string.h>

#include "devices/bus.h"
#include "tests/tests.h"

struct probe {
	uint64_t offset;
	uint32_t len;
	bool is_write;
	uint8_t last;
	int calls;
};

static void probe_io(void *opaque, uint64_t offset, uint8_t *data, uint32_t len,
		     bool is_write)
{
	struct probe *p = opaque;

	p->offset = offset;
	p->len = len;
	p->is_write = is_write;
	p->calls++;
	if (is_write)
		p->last = data[0];
	else
		memset(data, 0x5a, len);
}

START_TEST(dispatch)
{
	struct bus bus;
	struct probe a = { 0 }, b = { 0 };
	struct lk_err err;
	uint8_t data[4] = { 0x11, 0, 0, 0 };

	bus_init(&bus, "port");
	/* Registered out of order: the registry keeps them sorted. */
	ck_assert_int_eq(bus_register(&bus, 0x3f8, 8, probe_io, &b, "serial", &err), 0);
	ck_assert_int_eq(bus_register(&bus, 0x70, 2, probe_io, &a, "cmos", &err), 0);
	ck_assert_int_eq(bus_register(&bus, 0x402, 1, probe_io, &a, "debugcon", &err), 0);
	ck_assert_uint_eq(bus.r[0].base, 0x70);
	ck_assert_uint_eq(bus.r[1].base, 0x3f8);
	ck_assert_uint_eq(bus.r[2].base, 0x402);

	ck_assert(bus_access(&bus, 0x3fd, data, 1, false));
	ck_assert_int_eq(b.calls, 1);
	ck_assert_uint_eq(b.offset, 5);
	ck_assert_uint_eq(data[0], 0x5a);
	ck_assert(bus_access(&bus, 0x3f8, (uint8_t[]){ 'A' }, 1, true));
	ck_assert(b.is_write);
	ck_assert_uint_eq(b.last, 'A');
	ck_assert(bus_access(&bus, 0x71, data, 1, false));
	ck_assert_uint_eq(a.offset, 1);
	/* Range edges: one past the end belongs to nobody. */
	ck_assert_ptr_null(bus_find(&bus, 0x3f7));
	ck_assert_ptr_null(bus_find(&bus, 0x400));
	ck_assert_ptr_nonnull(bus_find(&bus, 0x3ff));
	ck_assert_ptr_null(bus_find(&bus, 0x6f));
	ck_assert_ptr_null(bus_find(&bus, 0x72));
}
END_TEST

START_TEST(unclaimed_reads_all_ones)
{
	struct bus bus;
	uint8_t data[4] = { 0 };

	bus_init(&bus, "port");
	ck_assert(!bus_access(&bus, 0xaf00, data, 4, false));
	ck_assert_uint_eq(bus_data_get(data, 4), 0xffffffff);
	ck_assert(!bus_access(&bus, 0x2ff, data, 1, true));
}
END_TEST

/* A 4-byte register that answers only for its own bytes, as pci-data does. */
static void partial_io(void *opaque, uint64_t offset, uint8_t *data, uint32_t len,
		       bool is_write)
{
	struct probe *p = opaque;

	p->offset = offset;
	p->len = len;
	p->calls++;
	if (!is_write && offset < 4)
		memset(data, 0x5a, len < 4 - offset ? len : 4 - offset);
}

/*
 * A 32-bit read at 0xcfe: the register answers for its two bytes; the
 * other two read all-ones, not what an earlier exit left in the buffer.
 */
START_TEST(reads_past_a_register_all_ones)
{
	struct bus bus;
	struct probe p = { 0 };
	struct lk_err err;
	uint8_t data[4];

	bus_init(&bus, "port");
	ck_assert_int_eq(bus_register(&bus, 0xcfc, 4, partial_io, &p, "pci-data", &err), 0);
	memset(data, 0xaa, sizeof(data));
	ck_assert(bus_access(&bus, 0xcfe, data, 4, false));
	ck_assert_uint_eq(p.offset, 2);
	ck_assert_mem_eq(data, ((uint8_t[]){ 0x5a, 0x5a, 0xff, 0xff }), 4);
	memset(data, 0xaa, sizeof(data));
	ck_assert(bus_access(&bus, 0xcfc, data, 4, false));
	ck_assert_mem_eq(data, ((uint8_t[]){ 0x5a, 0x5a, 0x5a, 0x5a }), 4);
}
END_TEST

START_TEST(overlaps_refused)
{
	struct bus bus;
	struct probe p = { 0 };
	struct lk_err err;

	bus_init(&bus, "port");
	ck_assert_int_eq(bus_register(&bus, 0x3f8, 8, probe_io, &p, "serial", &err), 0);
	ck_assert_int_eq(bus_register(&bus, 0x3ff, 1, probe_io, &p, "late", &err), -1);
	ck_assert_str_eq(err.msg, "late: port range 0x3ff-0x3ff overlaps serial at 0x3f8-0x3ff");
	ck_assert_int_eq(bus_register(&bus, 0x3f0, 9, probe_io, &p, "early", &err), -1);
	ck_assert_str_eq(err.msg, "early: port range 0x3f0-0x3f8 overlaps serial at 0x3f8-0x3ff");
	ck_assert_int_eq(bus_register(&bus, 0x3f0, 8, probe_io, &p, "adjacent", &err), 0);
	ck_assert_int_eq(bus_register(&bus, 0x400, 0, probe_io, &p, "empty", &err), -1);
	bus_freeze(&bus);
	ck_assert_int_eq(bus_register(&bus, 0x500, 1, probe_io, &p, "late", &err), -1);
	ck_assert_str_eq(err.msg, "late: port bus registry is frozen");
}
END_TEST

START_TEST(full)
{
	struct bus bus;
	struct probe p = { 0 };
	struct lk_err err;
	int i;

	bus_init(&bus, "mmio");
	for (i = 0; i < BUS_MAX_RANGES; i++)
		ck_assert_int_eq(bus_register(&bus, (uint64_t)i * 16, 16, probe_io, &p, "r",
					      &err), 0);
	ck_assert_int_eq(bus_register(&bus, 0x100000, 1, probe_io, &p, "one-more", &err), -1);
	ck_assert_str_eq(err.msg, "one-more: mmio bus is full");
	for (i = 0; i < BUS_MAX_RANGES; i++)
		ck_assert_uint_eq(bus_find(&bus, (uint64_t)i * 16 + 15)->base, (uint64_t)i * 16);
}
END_TEST

START_TEST(data_helpers)
{
	uint8_t d[8];

	bus_data_put(d, 4, 0x11223344);
	ck_assert_uint_eq(d[0], 0x44);
	ck_assert_uint_eq(d[3], 0x11);
	ck_assert_uint_eq(bus_data_get(d, 2), 0x3344);
	ck_assert_uint_eq(bus_data_get(d, 4), 0x11223344);
	/* 8-byte MMIO: the full width both ways; a 32-bit register reads zeros above. */
	bus_data_put64(d, 8, 0x8877665544332211ULL);
	ck_assert_uint_eq(bus_data_get64(d, 8), 0x8877665544332211ULL);
	ck_assert_uint_eq(d[7], 0x88);
	bus_data_put(d, 8, 0xaabbccdd);
	ck_assert_uint_eq(bus_data_get64(d, 8), 0xaabbccddULL);
}
END_TEST

/* Windows: as many as the machine needs, moved at run time, checked when added. */
START_TEST(windows)
{
	struct bus bus;
	struct probe p[40] = { 0 };
	struct bus_window *w[40];
	struct lk_err err;
	uint8_t data[4];
	int i;

	bus_init(&bus, "mmio");
	ck_assert_int_eq(bus_register(&bus, 0x1000, 0x100, probe_io, &p[0], "fixed", &err), 0);
	for (i = 0; i < 40; i++) {
		w[i] = bus_add_window(&bus, 0x10000 + (uint64_t)i * 0x100, i % 2, 0x100, probe_io,
				      &p[i], "w", &err);
		ck_assert_ptr_nonnull(w[i]);
	}
	ck_assert_int_eq(bus.nr_windows, 40);
	ck_assert(bus_access(&bus, 0x10000 + 39 * 0x100 + 4, data, 4, false));
	ck_assert_int_eq(p[39].calls, 1);
	ck_assert_uint_eq(p[39].offset, 4);
	ck_assert(!bus_access(&bus, 0x10000 + 38 * 0x100, data, 4, false));	/* off */
	/* An enabled window may not land on a range or another enabled window. */
	ck_assert_ptr_null(bus_add_window(&bus, 0x10f0, true, 0x20, probe_io, &p[0], "bar",
					  &err));
	ck_assert_str_eq(err.msg, "bar: mmio window 0x10f0-0x110f overlaps fixed at 0x1000-0x10ff");
	ck_assert_ptr_null(bus_add_window(&bus, 0x10100, true, 0x10, probe_io, &p[0], "bar2",
					  &err));
	ck_assert_str_eq(err.msg, "bar2: mmio window 0x10100-0x1010f overlaps w at "
			 "0x10100-0x101ff");
	ck_assert_ptr_nonnull(bus_add_window(&bus, 0x10000, false, 0x10, probe_io, &p[0], "off",
					     &err));
	/* Moved: the new place answers, the old one does not. */
	bus_window_move(w[1], 0x90000, true);
	ck_assert(!bus_access(&bus, 0x10100, data, 4, false));
	ck_assert(bus_access(&bus, 0x90008, data, 4, false));
	ck_assert_uint_eq(p[1].offset, 8);
	bus_freeze(&bus);
	ck_assert_ptr_null(bus_add_window(&bus, 0xa0000, false, 0x10, probe_io, &p[0], "late",
					  &err));
	ck_assert_str_eq(err.msg, "late: cannot add a mmio bus window: the registry is frozen");
	bus_destroy(&bus);
}
END_TEST

Suite *unit_bus_suite(void)
{
	Suite *s = suite_create("bus");
	TCase *tc = tcase_create("registry");

	tcase_add_test(tc, dispatch);
	tcase_add_test(tc, unclaimed_reads_all_ones);
	tcase_add_test(tc, reads_past_a_register_all_ones);
	tcase_add_test(tc, overlaps_refused);
	tcase_add_test(tc, full);
	tcase_add_test(tc, data_helpers);
	tcase_add_test(tc, windows);
	suite_add_tcase(s, tc);
	return s;
}
