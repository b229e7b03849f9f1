// SPDX-License-Identifier: GPL-2.0-only
/*
 * The PCI function model: BAR sizing, decoding and relocation, the
 * capability list, INTx through PIIX3's PIRQ routing, MSI-X's table, PBA
 * and masking, and the bus windows BARs decode through. Delivery through
 * KVM is the guest test's (tests/guests/pcidev.S).
 */
#include <string.h>

#include "devices/msix.h"
#include "devices/piix3.h"
#include "tests/tests.h"

static struct bus pio, mmio;
static struct pci_bus pci;
static struct piix3 isa;
static struct pci_func fn;

struct line_log {
	int n;
	unsigned int irq[8];
	bool level[8];
};

static struct line_log lines;

static void record_line(void *ctx, unsigned int irq, bool level)
{
	struct line_log *l = ctx;

	if (l->n < 8) {
		l->irq[l->n] = irq;
		l->level[l->n] = level;
	}
	l->n++;
}

struct bar_probe {
	uint64_t offset;
	int calls;
	unsigned int moved[PCI_NUM_BARS];
};

static struct bar_probe probe;

static void bar_io(void *opaque, uint64_t offset, uint8_t *data, uint32_t len, bool is_write)
{
	struct bar_probe *p = opaque;

	p->offset = offset;
	p->calls++;
	if (!is_write)
		memset(data, 0xa5, len);
}

static void bar_moved(struct pci_func *f, unsigned int bar)
{
	(void)f;
	probe.moved[bar]++;
}

static void setup(void)
{
	struct lk_err err;

	memset(&probe, 0, sizeof(probe));
	memset(&lines, 0, sizeof(lines));
	bus_init(&pio, "port");
	bus_init(&mmio, "mmio");
	ck_assert_int_eq(pci_bus_init(&pci, &pio, &mmio, &err), 0);
	ck_assert_int_eq(piix3_init(&isa, &pci, record_line, &lines, &err), 0);
	pci_func_init(&fn, "probe", PCI_DEVFN(3, 0), 0x1234, 0x5678, 0xff0000, 1);
	fn.bar_moved = bar_moved;
	pci_func_set_intx_pin(&fn, 2);	/* INTB */
	ck_assert_int_eq(pci_func_add_bar(&fn, 0, PCI_BAR_MEM32, false, 0x1000, bar_io, &probe,
					  &err), 0);
	ck_assert_int_eq(pci_func_add_bar(&fn, 1, PCI_BAR_IO, false, 0x20, bar_io, &probe,
					  &err), 0);
	ck_assert_int_eq(pci_func_add_bar(&fn, 2, PCI_BAR_MEM64, true, 0x4000, bar_io, &probe,
					  &err), 0);
}

static void teardown(void)
{
	pci_bus_destroy(&pci);
	bus_destroy(&pio);
	bus_destroy(&mmio);
}

static void cfg_write(const struct pci_func *f, unsigned int reg, uint32_t len, uint32_t v)
{
	uint8_t d[4];

	bus_data_put(d, 4, PCI_CONFIG_ENABLE | (uint32_t)f->devfn << 8 | (reg & 0xfc));
	bus_access(&pio, PCI_CONFIG_ADDRESS, d, 4, true);
	bus_data_put(d, len, v);
	bus_access(&pio, PCI_CONFIG_DATA + (reg & 3), d, len, true);
}

static uint32_t cfg_read(const struct pci_func *f, unsigned int reg, uint32_t len)
{
	uint8_t d[4];

	bus_data_put(d, 4, PCI_CONFIG_ENABLE | (uint32_t)f->devfn << 8 | (reg & 0xfc));
	bus_access(&pio, PCI_CONFIG_ADDRESS, d, 4, true);
	bus_access(&pio, PCI_CONFIG_DATA + (reg & 3), d, len, false);
	return bus_data_get(d, len);
}

static uint32_t mem_read(struct bus *b, uint64_t addr)
{
	uint8_t d[4];

	bus_access(b, addr, d, 4, false);
	return bus_data_get(d, 4);
}

static uint32_t bar_size_probe(unsigned int reg)
{
	uint32_t old = cfg_read(&fn, reg, 4), v;

	cfg_write(&fn, reg, 4, 0xffffffff);
	v = cfg_read(&fn, reg, 4);
	cfg_write(&fn, reg, 4, old);
	return v;
}

START_TEST(bar_sizing)
{
	struct lk_err err;

	ck_assert_int_eq(pci_bus_add(&pci, &fn, &err), 0);
	ck_assert_uint_eq(bar_size_probe(0x10), 0xfffff000);	/* 4 KiB memory */
	ck_assert_uint_eq(bar_size_probe(0x14), 0xffffffe1);	/* 32 bytes of I/O */
	ck_assert_uint_eq(bar_size_probe(0x18), 0xffffc00c);	/* 64-bit, prefetchable */
	ck_assert_uint_eq(bar_size_probe(0x1c), 0xffffffff);	/* its upper half */
	ck_assert_uint_eq(bar_size_probe(0x20), 0);		/* unimplemented */
	ck_assert_uint_eq(bar_size_probe(0x24), 0);
	/* Sizing with decoding on maps nothing: no window moved. */
	cfg_write(&fn, PCI_COMMAND, 2, PCI_COMMAND_IO | PCI_COMMAND_MEMORY);
	ck_assert_uint_eq(bar_size_probe(0x10), 0xfffff000);
	ck_assert_uint_eq(probe.moved[0] + probe.moved[1] + probe.moved[2], 0);
}
END_TEST

START_TEST(bar_decoding_follows_command_and_moves)
{
	struct lk_err err;

	ck_assert_int_eq(pci_bus_add(&pci, &fn, &err), 0);
	cfg_write(&fn, 0x10, 4, 0xe0000000);
	cfg_write(&fn, 0x14, 4, 0xc100);
	ck_assert_uint_eq(mem_read(&mmio, 0xe0000000), 0xffffffff);	/* memory off */
	ck_assert_uint_eq(probe.calls, 0);
	cfg_write(&fn, PCI_COMMAND, 2, PCI_COMMAND_MEMORY);
	ck_assert_uint_eq(probe.moved[0], 1);
	ck_assert_uint_eq(mem_read(&mmio, 0xe0000ffc), 0xa5a5a5a5);
	ck_assert_uint_eq(probe.offset, 0xffc);
	ck_assert_uint_eq(mem_read(&pio, 0xc100), 0xffffffff);		/* I/O still off */
	cfg_write(&fn, PCI_COMMAND, 2, PCI_COMMAND_MEMORY | PCI_COMMAND_IO);
	ck_assert_uint_eq(mem_read(&pio, 0xc104), 0xa5a5a5a5);
	ck_assert_uint_eq(probe.offset, 4);
	/* The guest moves BAR0: the old place reads all-ones, the new one decodes. */
	cfg_write(&fn, 0x10, 4, 0xe0200000);
	ck_assert_uint_eq(probe.moved[0], 2);
	ck_assert_uint_eq(mem_read(&mmio, 0xe0000000), 0xffffffff);
	ck_assert_uint_eq(mem_read(&mmio, 0xe0200010), 0xa5a5a5a5);
	ck_assert_uint_eq(probe.offset, 0x10);
	ck_assert_ptr_eq(fn.bar[0].win, mmio.w[0]);
	ck_assert_uint_eq(fn.bar[0].addr, 0xe0200000);
	/* A 64-bit BAR decodes above 4 GiB, once both halves are written. */
	cfg_write(&fn, 0x18, 4, 0x00000000);
	cfg_write(&fn, 0x1c, 4, 0x8);
	ck_assert(fn.bar[2].on);
	ck_assert_uint_eq(fn.bar[2].addr, 0x800000000ULL);
	ck_assert_uint_eq(mem_read(&mmio, 0x800003ffcULL), 0xa5a5a5a5);
	/* Beyond 2^52 it does not. */
	cfg_write(&fn, 0x1c, 4, 0x00100000);
	ck_assert(!fn.bar[2].on);
	/* Memory decoding off again: nothing answers. */
	cfg_write(&fn, PCI_COMMAND, 2, PCI_COMMAND_IO);
	ck_assert(!fn.bar[0].on);
	ck_assert_uint_eq(mem_read(&mmio, 0xe0200010), 0xffffffff);
}
END_TEST

START_TEST(bar_declarations_checked)
{
	struct pci_func f;
	struct lk_err err;

	pci_func_init(&f, "bad", PCI_DEVFN(4, 0), 0x1234, 1, 0, 0);
	ck_assert_int_eq(pci_func_add_bar(&f, 0, PCI_BAR_MEM32, false, 0x1800, bar_io, NULL,
					  &err), -1);
	ck_assert_str_eq(err.msg, "bad: BAR 0 of 0x1800 bytes: not a valid size");
	ck_assert_int_eq(pci_func_add_bar(&f, 5, PCI_BAR_MEM64, false, 0x1000, bar_io, NULL,
					  &err), -1);
	ck_assert_str_eq(err.msg, "bad: BAR 5 of 0x1000 bytes: no such BAR");
	ck_assert_int_eq(pci_func_add_bar(&f, 1, PCI_BAR_IO, false, 0x200, bar_io, NULL, &err),
			 -1);
	ck_assert_int_eq(pci_func_add_bar(&f, 0, PCI_BAR_MEM64, false, 0x1000, bar_io, NULL,
					  &err), 0);
	ck_assert_int_eq(pci_func_add_bar(&f, 1, PCI_BAR_IO, false, 0x10, bar_io, NULL, &err),
			 -1);
	ck_assert_str_eq(err.msg, "bad: BAR 1 of 0x10 bytes: already in use");
}
END_TEST

START_TEST(capability_list)
{
	struct lk_err err;
	struct pci_func f;

	pci_func_init(&f, "caps", PCI_DEVFN(4, 0), 0x1234, 1, 0, 0);
	ck_assert_int_eq(f.cfg[PCI_STATUS] & PCI_STATUS_CAP_LIST, 0);
	ck_assert_int_eq(pci_func_add_cap(&f, PCI_CAP_ID_VNDR, 6, &err), 0x40);
	ck_assert_int_eq(pci_func_add_cap(&f, PCI_CAP_ID_MSIX, 12, &err), 0x48);	/* aligned */
	ck_assert_int_eq(f.cfg[PCI_STATUS] & PCI_STATUS_CAP_LIST, PCI_STATUS_CAP_LIST);
	ck_assert_int_eq(f.cfg[PCI_CAPABILITY_LIST], 0x40);
	ck_assert_int_eq(f.cfg[0x40], PCI_CAP_ID_VNDR);
	ck_assert_int_eq(f.cfg[0x41], 0x48);
	ck_assert_int_eq(f.cfg[0x48], PCI_CAP_ID_MSIX);
	ck_assert_int_eq(f.cfg[0x49], 0);
	ck_assert_int_eq(pci_func_add_cap(&f, PCI_CAP_ID_VNDR, 0xb0, &err), -1);
	ck_assert_str_eq(err.msg, "caps: no room for a 176-byte capability 0x09");
}
END_TEST

/* A read hook refreshes config space before the guest sees it. */
static void count_reads(struct pci_func *f, unsigned int reg, unsigned int len)
{
	if (pci_cfg_hit(reg, len, 0x44, 4))
		pci_cfg_set(f, 0x44, 4, pci_cfg_get(f, 0x44, 4) + 1);
}

START_TEST(read_hook)
{
	struct lk_err err;

	fn.read_hook = count_reads;
	ck_assert_int_eq(pci_bus_add(&pci, &fn, &err), 0);
	ck_assert_uint_eq(cfg_read(&fn, 0x44, 4), 1);
	ck_assert_uint_eq(cfg_read(&fn, 0x46, 2), 0);	/* the upper half of 2 */
	ck_assert_uint_eq(cfg_read(&fn, 0x44, 1), 3);
	ck_assert_uint_eq(cfg_read(&fn, 0x40, 4), 0);	/* not its register */
	ck_assert_uint_eq(pci_cfg_get(&fn, 0x44, 4), 3);
}
END_TEST

START_TEST(intx_through_pirq_routing)
{
	struct lk_err err;

	ck_assert_int_eq(pci_bus_add(&pci, &fn, &err), 0);
	/* Slot 3, INTB: PIRQ (3 + 1 - 1) & 3 = 3, register 0x63, disabled at reset. */
	ck_assert_uint_eq(piix3_pirq(fn.devfn, 1), 3);
	ck_assert_uint_eq(piix3_pirq(PCI_DEVFN(1, 0), 0), 0);
	ck_assert_uint_eq(piix3_pirq(PCI_DEVFN(2, 0), 3), 0);
	pci_intx(&fn, true);
	ck_assert_int_eq(lines.n, 0);
	ck_assert_int_eq(cfg_read(&fn, PCI_STATUS, 2) & PCI_STATUS_INTERRUPT, PCI_STATUS_INTERRUPT);
	/* Routing the PIRQ raises the line; moving it lowers the old one first. */
	cfg_write(&isa.fn, 0x63, 1, 11);
	ck_assert_int_eq(lines.n, 1);
	ck_assert(lines.irq[0] == 11 && lines.level[0]);
	cfg_write(&isa.fn, 0x63, 1, 10);
	ck_assert_int_eq(lines.n, 3);
	ck_assert(lines.irq[1] == 11 && !lines.level[1]);
	ck_assert(lines.irq[2] == 10 && lines.level[2]);
	/* The function's INTx disable bit holds it low; the status bit stays. */
	cfg_write(&fn, PCI_COMMAND, 2, PCI_COMMAND_INTX_DISABLE);
	ck_assert_int_eq(lines.n, 4);
	ck_assert(lines.irq[3] == 10 && !lines.level[3]);
	ck_assert_int_eq(cfg_read(&fn, PCI_STATUS, 2) & PCI_STATUS_INTERRUPT, PCI_STATUS_INTERRUPT);
	cfg_write(&fn, PCI_COMMAND, 2, 0);
	ck_assert_int_eq(lines.n, 5);
	pci_intx(&fn, false);
	ck_assert_int_eq(lines.n, 6);
	ck_assert(lines.irq[5] == 10 && !lines.level[5]);
	ck_assert_int_eq(cfg_read(&fn, PCI_STATUS, 2) & PCI_STATUS_INTERRUPT, 0);
	/* IRQs 0-2 are not PCI's: a route there is no route. */
	cfg_write(&isa.fn, 0x63, 1, 2);
	pci_intx(&fn, true);
	ck_assert_int_eq(lines.n, 6);
}
END_TEST

/* Two functions on one PIRQ: the line stays up until both are down. */
START_TEST(intx_shared_line)
{
	struct pci_func g;
	struct lk_err err;

	pci_func_init(&g, "other", PCI_DEVFN(4, 0), 0x1234, 2, 0, 0);
	pci_func_set_intx_pin(&g, 1);	/* slot 4 INTA: PIRQ 3, as slot 3 INTB */
	ck_assert_int_eq(pci_bus_add(&pci, &fn, &err), 0);
	ck_assert_int_eq(pci_bus_add(&pci, &g, &err), 0);
	cfg_write(&isa.fn, 0x63, 1, 5);
	pci_intx(&fn, true);
	pci_intx(&g, true);
	ck_assert_int_eq(lines.n, 1);
	pci_intx(&fn, false);
	ck_assert_int_eq(lines.n, 1);
	pci_intx(&g, false);
	ck_assert_int_eq(lines.n, 2);
	ck_assert(lines.irq[1] == 5 && !lines.level[1]);
}
END_TEST

static uint64_t msix_io(struct msix *x, uint64_t off, uint32_t len, bool is_write, uint64_t v)
{
	uint8_t d[8];

	bus_data_put64(d, len, v);
	ck_assert(msix_bar_io(x, off, d, len, is_write));
	return bus_data_get64(d, len);
}

START_TEST(msix_table_pba_and_masking)
{
	struct msix x;
	struct lk_err err;
	int cap;

	ck_assert_int_eq(msix_init(&x, &fn, NULL, 3, 2, 0x0, 0x800, &err), 0);
	cap = (int)x.cap;
	ck_assert_int_eq(cap, 0x40);
	ck_assert_int_eq(pci_bus_add(&pci, &fn, &err), 0);
	ck_assert_uint_eq(cfg_read(&fn, cap, 4), 0x00020000 | PCI_CAP_ID_MSIX);	/* 3 vectors */
	ck_assert_uint_eq(cfg_read(&fn, cap + 4, 4), 0x0 | 2);
	ck_assert_uint_eq(cfg_read(&fn, cap + 8, 4), 0x800 | 2);
	/* Reset: every vector masked; an access beyond the table is not MSI-X's. */
	ck_assert_uint_eq(msix_io(&x, 0xc, 4, false, 0), MSIX_VECTOR_MASKED);
	ck_assert_uint_eq(msix_io(&x, 0x2c, 4, false, 0), MSIX_VECTOR_MASKED);
	ck_assert(!msix_bar_io(&x, 0x30, (uint8_t[4]){ 0 }, 4, false));
	ck_assert_int_eq(msix_notify(&x, 1), MSIX_OFF);
	/* INTx up (slot 3 INTB: PIRQ 3, routed to IRQ 11) ... */
	cfg_write(&isa.fn, 0x63, 1, 11);
	pci_intx(&fn, true);
	ck_assert_int_eq(lines.n, 1);
	/* ... and enabling MSI-X drops it (PCI 3.0, 6.8.3.3). Vector masked: pending. */
	fn.write_hook = NULL;
	cfg_write(&fn, cap + 2, 2, MSIX_CTRL_ENABLE);
	pthread_mutex_lock(&pci.lock);	/* as the config-write hook runs */
	msix_config_write(&x, cap + 2, 2);
	pthread_mutex_unlock(&pci.lock);
	ck_assert(msix_enabled(&x));
	ck_assert_int_eq(lines.n, 2);
	ck_assert(lines.irq[1] == 11 && !lines.level[1]);
	ck_assert_int_eq(cfg_read(&fn, PCI_STATUS, 2) & PCI_STATUS_INTERRUPT, 0);
	msix_io(&x, 0x10, 8, true, 0xfee00000ULL);	/* a 64-bit access */
	msix_io(&x, 0x18, 4, true, 0x41);
	ck_assert_uint_eq(msix_io(&x, 0x10, 4, false, 0), 0xfee00000);
	ck_assert_uint_eq(msix_io(&x, 0x14, 4, false, 0), 0);
	ck_assert_uint_eq(msix_io(&x, 0x18, 4, false, 0), 0x41);
	ck_assert_int_eq(msix_notify(&x, 1), MSIX_PENDING);
	ck_assert_int_eq(msix_notify(&x, 2), MSIX_PENDING);
	ck_assert_uint_eq(msix_io(&x, 0x800, 8, false, 0), 0x6);
	ck_assert_uint_eq(msix_io(&x, 0x800, 1, false, 0), 0x6);
	/* The PBA is read-only. */
	msix_io(&x, 0x800, 4, true, 0);
	ck_assert_uint_eq(msix_io(&x, 0x800, 4, false, 0), 0x6);
	/* Function mask: everything pending, whatever the vector says. */
	cfg_write(&fn, cap + 2, 2, MSIX_CTRL_ENABLE | MSIX_CTRL_MASKALL);
	pthread_mutex_lock(&pci.lock);
	msix_config_write(&x, cap + 2, 2);
	pthread_mutex_unlock(&pci.lock);
	ck_assert_int_eq(msix_notify(&x, 0), MSIX_PENDING);
	ck_assert_uint_eq(msix_io(&x, 0x800, 4, false, 0), 0x7);
	ck_assert_int_eq(msix_notify(&x, 3), MSIX_OFF);	/* no such vector */
	msix_reset(&x);
	ck_assert(!msix_enabled(&x));
	ck_assert_uint_eq(msix_io(&x, 0x800, 4, false, 0), 0);
	ck_assert_uint_eq(cfg_read(&fn, cap + 2, 2), 2);
	msix_destroy(&x);
}
END_TEST

START_TEST(msix_must_fit_its_bar)
{
	struct msix x;
	struct lk_err err;

	ck_assert_int_eq(msix_init(&x, &fn, NULL, 1024, 2, 0x0, 0x3ff8, &err), -1);
	ck_assert_str_eq(err.msg, "probe: MSI-X with 1024 vectors does not fit BAR 2");
	ck_assert_int_eq(msix_init(&x, &fn, NULL, 4, 1, 0x0, 0x800, &err), -1);
	ck_assert_str_eq(err.msg, "probe: MSI-X with 4 vectors does not fit BAR 1");
}
END_TEST

Suite *unit_pci_model_suite(void)
{
	Suite *s = suite_create("pci-model");
	TCase *tc = tcase_create("model");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, bar_sizing);
	tcase_add_test(tc, bar_decoding_follows_command_and_moves);
	tcase_add_test(tc, bar_declarations_checked);
	tcase_add_test(tc, capability_list);
	tcase_add_test(tc, read_hook);
	tcase_add_test(tc, intx_through_pirq_routing);
	tcase_add_test(tc, intx_shared_line);
	tcase_add_test(tc, msix_table_pba_and_masking);
	tcase_add_test(tc, msix_must_fit_its_bar);
	suite_add_tcase(s, tc);
	return s;
}
