// SPDX-License-Identifier: GPL-2.0-only
/*
 * pci-testdev: registers, doorbells and interrupts for the PCI model's
 * guest test. A doorbell write never leaves KVM: the ioeventfd wakes the
 * I/O loop, which counts it and raises MSI-X vector 0 (INTx without MSI-X).
 */
#include <errno.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include "devices/msix.h"
#include "devices/pci_testdev.h"
#include "kvm/ioeventfd.h"

/* A doorbell register of one BAR: an eventfd KVM signals while the BAR decodes. */
struct testdev_bell {
	struct ioeventfd ev;
	bool assigned;
};

struct testdev {
	struct pci_func fn;
	struct msix msix;
	struct vm *vm;
	int efd;			/* every doorbell signals this one */
	struct ioloop_src src;
	struct ioloop *loop;
	struct testdev_bell bell[2][2];	/* [BAR0, BAR1][DOORBELL, DOORBELL_MATCH] */
	uint32_t scratch;
	uint64_t scratch64;
	atomic_uint count, misses, exits;
	pthread_mutex_t lock;		/* scratch registers: any vCPU */
};

static uint32_t testdev_reg(struct testdev *t, unsigned int reg)
{
	switch (reg) {
	case TESTDEV_ID:
		return TESTDEV_MAGIC;
	case TESTDEV_SCRATCH:
		return t->scratch;
	case TESTDEV_COUNT:
		return atomic_load(&t->count);
	case TESTDEV_MISSES:
		return atomic_load(&t->misses);
	case TESTDEV_EXITS:
		return atomic_load(&t->exits);
	default:
		return 0;
	}
}

/* BAR0 and BAR1: the same registers, aligned accesses within one register. */
static void testdev_regs_io(void *opaque, uint64_t off, uint8_t *data, uint32_t len,
			    bool is_write)
{
	struct testdev *t = opaque;
	uint32_t v = bus_data_get(data, len);

	atomic_fetch_add(&t->exits, 1);
	pthread_mutex_lock(&t->lock);
	if (off >= TESTDEV_SCRATCH64 && off + len <= TESTDEV_SCRATCH64 + 8) {
		unsigned int shift = (unsigned int)(off - TESTDEV_SCRATCH64) * 8;
		uint64_t mask = (len == 8 ? ~0ULL : ((1ULL << (len * 8)) - 1)) << shift;

		if (is_write)
			t->scratch64 = (t->scratch64 & ~mask) |
				       (bus_data_get64(data, len) << shift & mask);
		else
			bus_data_put64(data, len, t->scratch64 >> shift);
	} else if (!is_write) {
		bus_data_put(data, len, testdev_reg(t, (unsigned int)off & ~3u) >> (off & 3) * 8);
	} else if (off == TESTDEV_SCRATCH && len == 4) {
		t->scratch = v;
	} else if (off == TESTDEV_DOORBELL_MATCH) {
		atomic_fetch_add(&t->misses, 1);	/* KVM matched the others */
	} else if (off == TESTDEV_IRQ_ACK) {
		pthread_mutex_unlock(&t->lock);
		pci_intx(&t->fn, false);
		return;
	}
	pthread_mutex_unlock(&t->lock);
}

static void testdev_bar2_io(void *opaque, uint64_t off, uint8_t *data, uint32_t len,
			    bool is_write)
{
	struct testdev *t = opaque;

	atomic_fetch_add(&t->exits, 1);
	if (!msix_bar_io(&t->msix, off, data, len, is_write) && !is_write)
		memset(data, 0, len);
}

/* The I/O loop: doorbells rang (eventfd counts add up); raise the interrupt. */
static void testdev_doorbell(void *ctx)
{
	struct testdev *t = ctx;
	uint64_t n;

	if (read(t->efd, &n, sizeof(n)) != sizeof(n))
		return;
	atomic_fetch_add(&t->count, (unsigned int)n);
	if (msix_notify(&t->msix, 0) == MSIX_OFF)
		pci_intx(&t->fn, true);
}

/* With the bus lock: the doorbells follow their BAR. */
static void testdev_bar_moved(struct pci_func *fn, unsigned int bar)
{
	struct testdev *t = fn->ctx;
	struct lk_err err;
	unsigned int i;

	if (bar > 1)
		return;
	for (i = 0; i < 2; i++) {
		struct testdev_bell *b = &t->bell[bar][i];

		if (b->assigned && !ioeventfd_deassign(t->vm, &b->ev, &err))
			b->assigned = false;
		b->ev.addr = fn->bar[bar].addr + (i ? TESTDEV_DOORBELL_MATCH : TESTDEV_DOORBELL);
		if (fn->bar[bar].on && !ioeventfd_assign(t->vm, &b->ev, &err))
			b->assigned = true;
		else if (fn->bar[bar].on)
			warn("pci-testdev: %s", err.msg);
	}
}

static void testdev_config_write(struct pci_func *fn, unsigned int reg, unsigned int len)
{
	struct testdev *t = fn->ctx;

	msix_config_write(&t->msix, reg, len);
}

static void testdev_destroy(void *dev)
{
	struct testdev *t = dev;

	ioloop_del(t->loop, &t->src);
	msix_destroy(&t->msix);
	if (t->efd >= 0)
		close(t->efd);
	pthread_mutex_destroy(&t->lock);
	free(t);
}

static int testdev_bars(struct testdev *t, const struct dev_services *svc, struct lk_err *err)
{
	struct pci_func *fn = &t->fn;
	int slot = pci_bus_free_slot(svc->pci, TESTDEV_FIRST_SLOT), cap;
	unsigned int bar, i;

	if (slot < 0)
		return err_set(err, LK_EXIT_USAGE, "pci-testdev: no free PCI slot on bus 0");
	pci_func_init(fn, "pci-testdev", PCI_DEVFN(slot, 0), TESTDEV_VENDOR_ID,
		      TESTDEV_DEVICE_ID, TESTDEV_CLASS, 0x01);
	fn->ctx = t;
	fn->write_hook = testdev_config_write;
	fn->bar_moved = testdev_bar_moved;
	pci_func_set_intx_pin(fn, 1);
	for (bar = 0; bar < 2; bar++)
		for (i = 0; i < 2; i++)
			t->bell[bar][i].ev = (struct ioeventfd){
				.len = 4, .pio = bar == 1, .match = i == 1,
				.datamatch = TESTDEV_MATCH_VALUE, .fd = t->efd,
			};
	/* A vendor-specific capability first, so the list has two entries. */
	cap = pci_func_add_cap(fn, PCI_CAP_ID_VNDR, 4, err);
	if (cap < 0)
		return -1;
	fn->cfg[cap + 2] = 4;
	return pci_func_add_bar(fn, 0, PCI_BAR_MEM32, false, TESTDEV_BAR0_SIZE, testdev_regs_io,
				t, err) ||
	       pci_func_add_bar(fn, 1, PCI_BAR_IO, false, TESTDEV_BAR1_SIZE, testdev_regs_io, t,
				err) ||
	       pci_func_add_bar(fn, 2, PCI_BAR_MEM64, false, TESTDEV_BAR2_SIZE, testdev_bar2_io,
				t, err) ||
	       msix_init(&t->msix, fn, svc->irq, TESTDEV_MSIX_VECTORS, 2, TESTDEV_MSIX_TABLE,
			 TESTDEV_MSIX_PBA, err) ||
	       pci_bus_add(svc->pci, fn, err) ? -1 : 0;
}

static void *testdev_realize(const struct dev_services *svc, const void *opts,
			     struct lk_err *err)
{
	struct testdev *t = calloc(1, sizeof(*t));

	(void)opts;
	if (!t) {
		err_sys(err, "pci-testdev: allocating its state");
		return NULL;
	}
	pthread_mutex_init(&t->lock, NULL);
	t->vm = svc->vm;
	t->loop = svc->loop;
	t->src.fd = -1;
	t->efd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	if (t->efd < 0) {
		err_sys(err, "pci-testdev: eventfd");
	} else if (!testdev_bars(t, svc, err) &&
		   !ioloop_add(svc->loop, &t->src, t->efd, testdev_doorbell, t, err)) {
		return t;
	}
	testdev_destroy(t);
	return NULL;
}

static void testdev_reset(void *dev)
{
	struct testdev *t = dev;

	msix_reset(&t->msix);
	t->scratch = 0;
	t->scratch64 = 0;
}

const struct device_type pci_testdev_type = {
	.name = "pci-testdev",
	.realize = testdev_realize,
	.reset = testdev_reset,
	.destroy = testdev_destroy,
};
