// SPDX-License-Identifier: GPL-2.0-only
/*
 * The modern virtio-pci transport: capabilities, the common configuration,
 * the ISR, doorbells (ioeventfds the I/O loop watches) and interrupts.
 * Lock order: the PCI bus lock, then the transport's, then MSI-X's. The
 * bus lock comes first because the PCI configuration access capability
 * reaches BAR4 from configuration space, where the bus lock is held; so
 * nothing may take the bus lock while holding the transport's: INTx is
 * driven after the transport's lock is released (vp_update_intx), or, from
 * the window, with pci_intx_locked(). A device's reset hook runs with both
 * held and must not wait for a thread that may be about to drive INTx.
 * INTx is set from the ISR's value read under the bus lock, so that two
 * updates apply in the order they read it.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include "devices/virtio_pci.h"
#include "kvm/trace.h"

/* virtio_pci_cap's cfg_type (4.1.4). */
#define VIRTIO_PCI_CAP_COMMON_CFG	1
#define VIRTIO_PCI_CAP_NOTIFY_CFG	2
#define VIRTIO_PCI_CAP_ISR_CFG		3
#define VIRTIO_PCI_CAP_DEVICE_CFG	4
#define VIRTIO_PCI_CAP_PCI_CFG		5

/* virtio_pci_cap's fields, and virtio_pci_cfg_cap's window (4.1.4.9). */
#define VCAP_BAR			4
#define VCAP_OFFSET			8
#define VCAP_LENGTH			12
#define VCAP_CFG_DATA			16
#define VCAP_CFG_LEN			20

#define VIRTIO_PCI_SUBSYSTEM_ID		0x1100	/* as QEMU's: 0x40 or more for modern */
#define VIRTIO_PCI_MSIX_BAR		1
#define VIRTIO_PCI_BAR			4
#define VIRTIO_ISR_QUEUE		0x1
#define VIRTIO_ISR_CONFIG		0x2

/* The common configuration's fields (4.1.4.3), by offset. */
enum {
	CC_DFSELECT = 0x00, CC_DF = 0x04, CC_GFSELECT = 0x08, CC_GF = 0x0c,
	CC_MSIX_CONFIG = 0x10, CC_NUM_QUEUES = 0x12, CC_STATUS = 0x14, CC_CFG_GEN = 0x15,
	CC_Q_SELECT = 0x16, CC_Q_SIZE = 0x18, CC_Q_MSIX = 0x1a, CC_Q_ENABLE = 0x1c,
	CC_Q_NOTIFY_OFF = 0x1e, CC_Q_DESC = 0x20, CC_Q_AVAIL = 0x28, CC_Q_USED = 0x30,
};

static uint64_t vp_offered(const struct virtio_pci *vp)
{
	return vp->features | 1ULL << VIRTIO_F_VERSION_1 | 1ULL << VIRTIO_F_ACCESS_PLATFORM |
	       1ULL << VIRTIO_RING_F_INDIRECT_DESC | 1ULL << VIRTIO_RING_F_EVENT_IDX;
}

bool virtio_pci_has(const struct virtio_pci *vp, unsigned int bit)
{
	return vp->driver_features & (1ULL << bit);
}

bool virtio_pci_live(const struct virtio_pci *vp, unsigned int q)
{
	return (vp->status & (VIRTIO_STATUS_DRIVER_OK | VIRTIO_STATUS_NEEDS_RESET)) ==
	       VIRTIO_STATUS_DRIVER_OK && vp->q[q].enabled;
}

/* With the bus lock: INTx follows the ISR, any bit set holds the line up (no MSI-X). */
static void vp_update_intx_locked(struct virtio_pci *vp)
{
	pci_intx_locked(&vp->fn, __atomic_load_n(&vp->isr, __ATOMIC_ACQUIRE) != 0);
}

/* Without the transport's lock; the ISR is read under the bus lock (see the top). */
static void vp_update_intx(struct virtio_pci *vp)
{
	pthread_mutex_lock(&vp->fn.bus->lock);
	vp_update_intx_locked(vp);
	pthread_mutex_unlock(&vp->fn.bus->lock);
}

/* With the lock: an interrupt on @vector, or the ISR bit and INTx without MSI-X. */
static void vp_raise(struct virtio_pci *vp, uint16_t vector, uint8_t isr_bit)
{
	if (msix_enabled(&vp->msix)) {
		if (vector != VIRTIO_NO_VECTOR)
			msix_notify(&vp->msix, vector);
		return;
	}
	__atomic_fetch_or(&vp->isr, isr_bit, __ATOMIC_RELEASE);
	vp->intx_wanted = true;
}

void virtio_pci_lock(struct virtio_pci *vp)
{
	pthread_mutex_lock(&vp->lock);
}

/* After the lock is released: INTx, if something asked for it. */
void virtio_pci_unlock(struct virtio_pci *vp)
{
	bool intx = vp->intx_wanted;

	vp->intx_wanted = false;
	pthread_mutex_unlock(&vp->lock);
	if (intx)
		vp_update_intx(vp);
}

void virtio_pci_queue_interrupt(struct virtio_pci *vp, unsigned int q)
{
	if (virtq_should_interrupt(&vp->q[q], &vp->svc.mem))
		vp_raise(vp, vp->q[q].msix_vector, VIRTIO_ISR_QUEUE);
}

void virtio_pci_serve(struct virtio_pci *vp, unsigned int q, struct virtq_elem *e,
		      virtio_serve_fn fn, void *ctx)
{
	struct virtq *vq = &vp->q[q];
	struct lk_err err;
	bool pushed = false;
	int64_t len = 0;
	int got;

	while ((got = virtq_pop(vq, &vp->svc.mem, e, &err)) == 1) {
		len = fn(ctx, e, &err);
		if (len < 0 || virtq_push(vq, &vp->svc.mem, e->head, (uint32_t)len, &err)) {
			got = -1;
			break;
		}
		pushed = true;
	}
	if (got < 0)
		virtio_pci_broken(vp, q, &err);
	else if (pushed)
		virtio_pci_queue_interrupt(vp, q);
}

void virtio_pci_config_changed(struct virtio_pci *vp)
{
	vp->config_gen++;
	vp_raise(vp, vp->config_vector, VIRTIO_ISR_CONFIG);
}

void virtio_pci_broken(struct virtio_pci *vp, unsigned int q, const struct lk_err *why)
{
	if (!vp->warned)
		warn("%s (00:%02x.0): queue %u: %s; the device needs a reset", vp->name,
		     PCI_SLOT(vp->fn.devfn), q, why->msg);
	vp->warned = true;
	vp->status |= VIRTIO_STATUS_NEEDS_RESET;
	virtio_pci_config_changed(vp);
}

/* With the lock: the driver wrote 0 to the status. */
static void vp_reset(struct virtio_pci *vp)
{
	unsigned int i;

	if (vp->ops->reset)
		vp->ops->reset(vp->dev);
	vp->driver_features = 0;
	vp->dfselect = vp->gfselect = 0;
	vp->queue_sel = 0;
	vp->config_vector = VIRTIO_NO_VECTOR;
	vp->status = 0;
	vp->warned = false;
	__atomic_store_n(&vp->isr, 0, __ATOMIC_RELEASE);
	vp->intx_wanted = true;		/* lowers INTx */
	for (i = 0; i < vp->ops->nr_queues; i++)
		virtq_reset(&vp->q[i], vp->ops->queue_size);
}

/* Rings queue @i's doorbell from here: the I/O loop will look at the queue. */
static void vp_kick(struct virtio_pci *vp, unsigned int i)
{
	uint64_t one = 1;

	if (write(vp->qio[i].efd, &one, sizeof(one)) < 0 && errno != EAGAIN)
		warn("%s: doorbell %u: %s", vp->name, i, strerror(errno));
}

static void vp_set_status(struct virtio_pci *vp, uint8_t status)
{
	unsigned int i;

	if (!status) {
		vp_reset(vp);
		return;
	}
	/* FEATURES_OK only for a subset of the offer that includes VERSION_1 (3.1.1). */
	if ((status & VIRTIO_STATUS_FEATURES_OK) && !(vp->status & VIRTIO_STATUS_FEATURES_OK) &&
	    ((vp->driver_features & ~vp_offered(vp)) || !virtio_pci_has(vp, VIRTIO_F_VERSION_1)))
		status &= (uint8_t)~VIRTIO_STATUS_FEATURES_OK;
	if ((status & VIRTIO_STATUS_DRIVER_OK) && !(vp->status & VIRTIO_STATUS_DRIVER_OK))
		for (i = 0; i < vp->ops->nr_queues; i++) {
			vp->q[i].event_idx = virtio_pci_has(vp, VIRTIO_RING_F_EVENT_IDX);
			/* Buffers a driver posted before DRIVER_OK: look at them now. */
			vp_kick(vp, i);
		}
	vp->status = status | (vp->status & VIRTIO_STATUS_NEEDS_RESET);
}

/* The common configuration as the driver reads it now. */
static void vp_common_snapshot(const struct virtio_pci *vp, uint8_t *c)
{
	const struct virtq *q = vp->queue_sel < vp->ops->nr_queues ? &vp->q[vp->queue_sel] : NULL;
	uint64_t f = vp_offered(vp);

	memset(c, 0, VIRTIO_PCI_COMMON_LEN);
	bus_data_put(c + CC_DFSELECT, 4, vp->dfselect);
	bus_data_put(c + CC_DF, 4, vp->dfselect < 2 ? (uint32_t)(f >> (32 * vp->dfselect)) : 0);
	bus_data_put(c + CC_GFSELECT, 4, vp->gfselect);
	bus_data_put(c + CC_GF, 4, vp->gfselect < 2 ?
		     (uint32_t)(vp->driver_features >> (32 * vp->gfselect)) : 0);
	bus_data_put(c + CC_MSIX_CONFIG, 2, vp->config_vector);
	bus_data_put(c + CC_NUM_QUEUES, 2, vp->ops->nr_queues);
	c[CC_STATUS] = vp->status;
	c[CC_CFG_GEN] = vp->config_gen;
	bus_data_put(c + CC_Q_SELECT, 2, vp->queue_sel);
	if (!q)
		return;		/* a queue that does not exist has size 0 */
	bus_data_put(c + CC_Q_SIZE, 2, q->size);
	bus_data_put(c + CC_Q_MSIX, 2, q->msix_vector);
	bus_data_put(c + CC_Q_ENABLE, 2, q->enabled);
	bus_data_put(c + CC_Q_NOTIFY_OFF, 2, vp->queue_sel);
	bus_data_put64(c + CC_Q_DESC, 8, q->desc);
	bus_data_put64(c + CC_Q_AVAIL, 8, q->avail);
	bus_data_put64(c + CC_Q_USED, 8, q->used);
}

/* A vector the device has, or NO_VECTOR: the driver reads back which (4.1.5.1.2). */
static uint16_t vp_vector(const struct virtio_pci *vp, uint16_t v)
{
	return v < vp->msix.nr ? v : VIRTIO_NO_VECTOR;
}

/* The selected queue's fields; only while it is disabled (4.1.4.3.2). */
static void vp_queue_write(struct virtio_pci *vp, const uint8_t *c, unsigned int off,
			   unsigned int len)
{
	uint16_t size = (uint16_t)bus_data_get(c + CC_Q_SIZE, 2);
	struct virtq *q;

	if (vp->queue_sel >= vp->ops->nr_queues)
		return;
	q = &vp->q[vp->queue_sel];
	if (pci_cfg_hit(off, len, CC_Q_MSIX, 2))
		q->msix_vector = vp_vector(vp, (uint16_t)bus_data_get(c + CC_Q_MSIX, 2));
	if (q->enabled)
		return;
	/* A power of two no larger than offered; anything else keeps the old size. */
	if (pci_cfg_hit(off, len, CC_Q_SIZE, 2) && size && size <= vp->ops->queue_size &&
	    !(size & (size - 1)))
		q->size = size;
	q->desc = bus_data_get64(c + CC_Q_DESC, 8);
	q->avail = bus_data_get64(c + CC_Q_AVAIL, 8);
	q->used = bus_data_get64(c + CC_Q_USED, 8);
	if (pci_cfg_hit(off, len, CC_Q_ENABLE, 2) && bus_data_get(c + CC_Q_ENABLE, 2) == 1)
		q->enabled = true;
}

static void vp_common_write(struct virtio_pci *vp, unsigned int off, const uint8_t *data,
			    unsigned int len)
{
	uint8_t c[VIRTIO_PCI_COMMON_LEN];
	uint64_t half;

	vp_common_snapshot(vp, c);
	memcpy(c + off, data, len);
	if (pci_cfg_hit(off, len, CC_DFSELECT, 4))
		vp->dfselect = bus_data_get(c + CC_DFSELECT, 4);
	if (pci_cfg_hit(off, len, CC_GFSELECT, 4))
		vp->gfselect = bus_data_get(c + CC_GFSELECT, 4);
	if (pci_cfg_hit(off, len, CC_GF, 4) && vp->gfselect < 2 &&
	    !(vp->status & VIRTIO_STATUS_FEATURES_OK)) {
		half = (uint64_t)bus_data_get(c + CC_GF, 4) << (32 * vp->gfselect);
		vp->driver_features = (vp->driver_features &
				       ~(0xffffffffULL << (32 * vp->gfselect))) | half;
	}
	if (pci_cfg_hit(off, len, CC_MSIX_CONFIG, 2))
		vp->config_vector = vp_vector(vp, (uint16_t)bus_data_get(c + CC_MSIX_CONFIG, 2));
	if (pci_cfg_hit(off, len, CC_Q_SELECT, 2))
		vp->queue_sel = (uint16_t)bus_data_get(c + CC_Q_SELECT, 2);
	else if (off >= CC_Q_SIZE)
		vp_queue_write(vp, c, off, len);
	if (pci_cfg_hit(off, len, CC_STATUS, 1))
		vp_set_status(vp, c[CC_STATUS]);
}

/*
 * BAR4: the common configuration, the ISR, the device configuration,
 * doorbells. Returns whether INTx must follow the ISR, which the caller
 * does once the transport's lock is released: from the BAR or the window.
 */
static bool vp_bar4_access(struct virtio_pci *vp, uint64_t off, uint8_t *data, uint32_t len,
			   bool is_write)
{
	uint8_t c[VIRTIO_PCI_COMMON_LEN];
	bool isr_read = false, intx;
	uint64_t n;

	if (!is_write)
		memset(data, 0, len);
	if (off >= VIRTIO_PCI_NOTIFY) {
		/* A doorbell KVM did not match (another width), or the window: the same eventfd. */
		n = (off - VIRTIO_PCI_NOTIFY) / VIRTIO_PCI_NOTIFY_MULT;
		if (is_write && n < vp->ops->nr_queues)
			vp_kick(vp, (unsigned int)n);
		return false;
	}
	pthread_mutex_lock(&vp->lock);
	if (off + len <= VIRTIO_PCI_COMMON_LEN) {
		if (is_write) {
			vp_common_write(vp, (unsigned int)off, data, len);
		} else {
			vp_common_snapshot(vp, c);
			memcpy(data, c + off, len);
		}
	} else if (off == VIRTIO_PCI_ISR && !is_write) {
		/* Reading clears it, and lowers INTx (4.1.4.5). */
		data[0] = __atomic_exchange_n(&vp->isr, 0, __ATOMIC_ACQ_REL);
		isr_read = true;
	} else if (off >= VIRTIO_PCI_DEVICE_CFG && off + len <= VIRTIO_PCI_DEVICE_CFG +
		   vp->ops->config_len && !is_write) {
		vp->ops->config_read(vp->dev, (uint32_t)(off - VIRTIO_PCI_DEVICE_CFG), data, len);
	}
	intx = vp->intx_wanted || isr_read;
	vp->intx_wanted = false;
	pthread_mutex_unlock(&vp->lock);
	return intx;
}

static void vp_bar_io(void *opaque, uint64_t off, uint8_t *data, uint32_t len, bool is_write)
{
	struct virtio_pci *vp = opaque;

	if (vp_bar4_access(vp, off, data, len, is_write))
		vp_update_intx(vp);
}

static void vp_msix_bar_io(void *opaque, uint64_t off, uint8_t *data, uint32_t len,
			   bool is_write)
{
	struct virtio_pci *vp = opaque;

	if (!msix_bar_io(&vp->msix, off, data, len, is_write) && !is_write)
		memset(data, 0, len);
}

/*
 * Whether the window may reach [off, off + len) of BAR4: 1, 2 or 4 bytes,
 * aligned (4.1.4.9.2), inside a structure another capability describes.
 */
static bool vp_window_ok(const struct virtio_pci *vp, uint32_t off, uint32_t len)
{
	const struct { uint32_t at, n; } r[] = {
		{ VIRTIO_PCI_COMMON, VIRTIO_PCI_COMMON_LEN },
		{ VIRTIO_PCI_ISR, 4 },
		{ VIRTIO_PCI_DEVICE_CFG, vp->ops->config_len },
		{ VIRTIO_PCI_NOTIFY, vp->ops->nr_queues * VIRTIO_PCI_NOTIFY_MULT },
	};
	unsigned int i;

	if ((len != 1 && len != 2 && len != 4) || off % len)
		return false;
	for (i = 0; i < sizeof(r) / sizeof(r[0]); i++)
		if (off >= r[i].at && off - r[i].at < r[i].n && len <= r[i].n - (off - r[i].at))
			return true;
	return false;
}

/*
 * With the bus lock: the PCI configuration access capability (4.1.4.9).
 * Touching pci_cfg_data performs the access cap.bar, cap.offset and
 * cap.length select, on its first cap.length bytes, whether BAR4 decodes
 * or not (as QEMU). A length other than 1, 2 or 4 does nothing, as in
 * QEMU; so do another BAR and an offset the driver must not use
 * (4.1.4.9.2), which QEMU would pass on (any BAR) or round down.
 */
static void vp_cfg_window(struct virtio_pci *vp, unsigned int reg, unsigned int len,
			  bool is_write)
{
	struct pci_func *fn = &vp->fn;
	unsigned int at = vp->cfg_cap;
	uint32_t off = pci_cfg_get(fn, at + VCAP_OFFSET, 4);
	uint32_t n = pci_cfg_get(fn, at + VCAP_LENGTH, 4);

	if (!pci_cfg_hit(reg, len, at + VCAP_CFG_DATA, 4) || fn->cfg[at + VCAP_BAR] !=
	    VIRTIO_PCI_BAR || !vp_window_ok(vp, off, n))
		return;
	/* We hold the bus lock, which vp_update_intx() would take again. */
	if (vp_bar4_access(vp, off, fn->cfg + at + VCAP_CFG_DATA, n, is_write))
		vp_update_intx_locked(vp);
}

static void vp_config_write(struct pci_func *fn, unsigned int reg, unsigned int len)
{
	struct virtio_pci *vp = fn->ctx;

	msix_config_write(&vp->msix, reg, len);
	vp_cfg_window(vp, reg, len, true);
}

static void vp_config_read(struct pci_func *fn, unsigned int reg, unsigned int len)
{
	vp_cfg_window(fn->ctx, reg, len, false);
}

/* With the bus lock: the doorbells follow BAR4. */
static void vp_bar_moved(struct pci_func *fn, unsigned int bar)
{
	struct virtio_pci *vp = fn->ctx;
	struct lk_err err;
	unsigned int i;

	if (bar != VIRTIO_PCI_BAR)
		return;
	for (i = 0; i < vp->ops->nr_queues; i++) {
		struct virtio_queue_io *io = &vp->qio[i];

		if (io->assigned && !ioeventfd_deassign(vp->svc.vm, &io->ev, &err))
			io->assigned = false;
		io->ev.addr = fn->bar[bar].addr + VIRTIO_PCI_NOTIFY + i * VIRTIO_PCI_NOTIFY_MULT;
		if (!fn->bar[bar].on)
			continue;
		/* Without it, doorbells still work: they exit, and vp_bar_io signals. */
		if (ioeventfd_assign(vp->svc.vm, &io->ev, &err))
			warn("%s: %s", vp->name, err.msg);
		else
			io->assigned = true;
	}
}

/*
 * Under the lock: queue @qi served until its driver stops adding to it.
 * Meanwhile the driver is asked not to ring (as QEMU's devices do): a
 * doorbell for a ring the device is reading anyway is a wasted exit. The
 * poller (vp_queue_poll) keeps them off for longer.
 */
static void vp_queue_serve(struct virtio_pci *vp, unsigned int qi)
{
	struct virtq *q = &vp->q[qi];
	bool polling = q->no_notify;

	do {
		if (!polling)
			virtq_set_notify(q, &vp->svc.mem, false);
		vp->ops->queue_notify(vp->dev, vp, qi);
		if (!polling && virtio_pci_live(vp, qi))
			virtq_set_notify(q, &vp->svc.mem, true);
	} while (virtio_pci_live(vp, qi) && virtq_avail_moved(q, &vp->svc.mem));
}

/* --trace, under the lock: queue @io served (@how), with what completed since @before. */
static void vp_queue_trace(const struct virtio_queue_io *io, const char *how, uint16_t before)
{
	const struct virtio_pci *vp = io->vp;

	if (kvm_trace_fp)
		kvm_trace_note("%s 00:%02x.0 queue %u: %s, %u completed", vp->name,
			       PCI_SLOT(vp->fn.devfn), io->index, how,
			       (uint16_t)(vp->q[io->index].used_idx - before));
}

/* The I/O loop: queue @io's doorbell rang. */
static void vp_queue_kick(void *ctx)
{
	struct virtio_queue_io *io = ctx;
	struct virtio_pci *vp = io->vp;
	uint16_t before;
	uint64_t n;

	if (read(io->efd, &n, sizeof(n)) != sizeof(n))
		return;
	pthread_mutex_lock(&vp->lock);
	before = vp->q[io->index].used_idx;
	if (virtio_pci_live(vp, io->index)) {
		virtq_avail_moved(&vp->q[io->index], &vp->svc.mem);
		vp_queue_serve(vp, io->index);
	}
	vp_queue_trace(io, "doorbell", before);
	virtio_pci_unlock(vp);
}

/* The I/O loop, polling: queue @ctx's driver posted more, as a doorbell would say. */
static bool vp_queue_poll(void *ctx)
{
	struct virtio_queue_io *io = ctx;
	struct virtio_pci *vp = io->vp;
	uint16_t before;
	bool moved;

	pthread_mutex_lock(&vp->lock);
	before = vp->q[io->index].used_idx;
	moved = virtio_pci_live(vp, io->index) && virtq_avail_moved(&vp->q[io->index],
								    &vp->svc.mem);
	if (moved) {
		vp_queue_serve(vp, io->index);
		vp_queue_trace(io, "polled", before);
	}
	virtio_pci_unlock(vp);
	return moved;
}

/* The I/O loop starts (!@on) or stops polling queue @ctx. */
static void vp_queue_notify_wanted(void *ctx, bool on)
{
	struct virtio_queue_io *io = ctx;
	struct virtio_pci *vp = io->vp;

	pthread_mutex_lock(&vp->lock);
	if (virtio_pci_live(vp, io->index))
		virtq_set_notify(&vp->q[io->index], &vp->svc.mem, on);
	pthread_mutex_unlock(&vp->lock);
}

/* A vendor-specific capability pointing into BAR4 (4.1.4). */
static int vp_cap(struct virtio_pci *vp, uint8_t type, uint32_t off, uint32_t len,
		  struct lk_err *err)
{
	unsigned int size = type == VIRTIO_PCI_CAP_NOTIFY_CFG ? 20 : 16;
	int at = pci_func_add_cap(&vp->fn, PCI_CAP_ID_VNDR, size, err);

	if (at < 0)
		return -1;
	vp->fn.cfg[at + 2] = (uint8_t)size;
	vp->fn.cfg[at + 3] = type;
	vp->fn.cfg[at + 4] = VIRTIO_PCI_BAR;
	pci_cfg_set(&vp->fn, at + 8, 4, off);
	pci_cfg_set(&vp->fn, at + 12, 4, len);
	if (type == VIRTIO_PCI_CAP_NOTIFY_CFG)
		pci_cfg_set(&vp->fn, at + 16, 4, VIRTIO_PCI_NOTIFY_MULT);
	return 0;
}

/*
 * The PCI configuration access capability, last: the others keep their
 * offsets. The driver sets bar, offset and length, then goes through
 * pci_cfg_data (vp_cfg_window).
 */
static int vp_cfg_cap(struct virtio_pci *vp, struct lk_err *err)
{
	struct pci_func *fn = &vp->fn;
	int at = pci_func_add_cap(fn, PCI_CAP_ID_VNDR, VCAP_CFG_LEN, err);

	if (at < 0)
		return -1;
	fn->cfg[at + 2] = VCAP_CFG_LEN;
	fn->cfg[at + 3] = VIRTIO_PCI_CAP_PCI_CFG;
	fn->wmask[at + VCAP_BAR] = 0xff;
	memset(fn->wmask + at + VCAP_OFFSET, 0xff, VCAP_CFG_LEN - VCAP_OFFSET);
	vp->cfg_cap = (uint8_t)at;
	return 0;
}

static int vp_function(struct virtio_pci *vp, const struct dev_services *svc,
		       struct lk_err *err)
{
	const struct virtio_ops *ops = vp->ops;
	struct pci_func *fn = &vp->fn;
	int slot = pci_bus_free_slot(svc->pci, 2);

	if (slot < 0)
		return err_set(err, LK_EXIT_USAGE, "%s: no free PCI slot on bus 0", ops->name);
	pci_func_init(fn, vp->name, PCI_DEVFN(slot, 0), VIRTIO_PCI_VENDOR,
		      VIRTIO_PCI_DEVICE_BASE + ops->type, ops->class_code, 1);
	pci_cfg_set(fn, PCI_SUBSYSTEM_VENDOR_ID, 2, VIRTIO_PCI_VENDOR);
	pci_cfg_set(fn, PCI_SUBSYSTEM_ID, 2, VIRTIO_PCI_SUBSYSTEM_ID);
	fn->ctx = vp;
	fn->write_hook = vp_config_write;
	fn->read_hook = vp_config_read;
	fn->bar_moved = vp_bar_moved;
	pci_func_set_intx_pin(fn, 1);
	if (pci_func_add_bar(fn, VIRTIO_PCI_MSIX_BAR, PCI_BAR_MEM32, false,
			     VIRTIO_PCI_MSIX_BAR_SIZE, vp_msix_bar_io, vp, err) ||
	    pci_func_add_bar(fn, VIRTIO_PCI_BAR, PCI_BAR_MEM64, false, VIRTIO_PCI_BAR4_SIZE,
			     vp_bar_io, vp, err) ||
	    vp_cap(vp, VIRTIO_PCI_CAP_COMMON_CFG, VIRTIO_PCI_COMMON, VIRTIO_PCI_COMMON_LEN, err) ||
	    vp_cap(vp, VIRTIO_PCI_CAP_ISR_CFG, VIRTIO_PCI_ISR, 4, err) ||
	    (ops->config_len &&
	     vp_cap(vp, VIRTIO_PCI_CAP_DEVICE_CFG, VIRTIO_PCI_DEVICE_CFG, ops->config_len, err)) ||
	    vp_cap(vp, VIRTIO_PCI_CAP_NOTIFY_CFG, VIRTIO_PCI_NOTIFY,
		   ops->nr_queues * VIRTIO_PCI_NOTIFY_MULT, err))
		return -1;
	/* A vector per queue and one for configuration changes. */
	if (msix_init(&vp->msix, fn, svc->irq, ops->nr_queues + 1, VIRTIO_PCI_MSIX_BAR, 0,
		      VIRTIO_PCI_MSIX_BAR_SIZE / 2, err))
		return -1;
	return vp_cfg_cap(vp, err);
}

int virtio_pci_init(struct virtio_pci *vp, const struct virtio_ops *ops, void *dev,
		    const struct dev_services *svc, struct lk_err *err)
{
	unsigned int i;

	memset(vp, 0, sizeof(*vp));
	vp->ops = ops;
	vp->dev = dev;
	vp->features = ops->features;
	vp->svc = *svc;
	snprintf(vp->name, sizeof(vp->name), "%s", ops->name);
	pthread_mutex_init(&vp->lock, NULL);
	for (i = 0; i < VIRTIO_MAX_QUEUES; i++) {
		vp->qio[i].efd = -1;
		vp->qio[i].src.fd = -1;
	}
	if (ops->nr_queues > VIRTIO_MAX_QUEUES || ops->queue_size > VIRTQ_MAX_SIZE)
		return err_set(err, LK_EXIT_HOST, "%s: too many or too large queues", ops->name);
	for (i = 0; i < ops->nr_queues; i++) {
		struct virtio_queue_io *io = &vp->qio[i];

		io->vp = vp;
		io->index = i;
		io->efd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
		if (io->efd < 0)
			return err_sys(err, "%s: eventfd", ops->name);
		io->ev = (struct ioeventfd){ .len = 2, .fd = io->efd };
		io->poller = (struct ioloop_poller){ .poll = vp_queue_poll,
						     .notify = vp_queue_notify_wanted, .ctx = io };
		if (ioloop_add(svc->loop, &io->src, io->efd, vp_queue_kick, io, err) ||
		    ioloop_add_poller(svc->loop, &io->poller, err))
			return -1;
		virtq_reset(&vp->q[i], ops->queue_size);
	}
	vp->config_vector = VIRTIO_NO_VECTOR;
	return vp_function(vp, svc, err) || pci_bus_add(svc->pci, &vp->fn, err) ? -1 : 0;
}

void virtio_pci_destroy(struct virtio_pci *vp)
{
	unsigned int i;

	if (!vp->ops)
		return;		/* virtio_pci_init() never ran */
	for (i = 0; i < VIRTIO_MAX_QUEUES; i++) {
		ioloop_del(vp->svc.loop, &vp->qio[i].src);
		if (vp->qio[i].efd >= 0)
			close(vp->qio[i].efd);
	}
	msix_destroy(&vp->msix);
	pthread_mutex_destroy(&vp->lock);
}
