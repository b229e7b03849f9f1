// SPDX-License-Identifier: GPL-2.0-only
/* A virtio-blk driver and a guest-less device rig for tests and benchmarks (tests/vdrv.h). */
#include <endian.h>
#include <string.h>
#include <sys/mman.h>

#include "devices/virtio_pci.h"
#include "tests/vdrv.h"

#define AVAIL_OFF	0x1000
#define USED_OFF	0x2000
#define HDR_OFF		0x4000	/* 16 bytes a slot */
#define STATUS_OFF	0x5000	/* a byte a slot */

/* Common configuration offsets (virtio 1.x, 4.1.4.3). */
#define CC_GFSELECT	0x08
#define CC_GF		0x0c
#define CC_STATUS	0x14
#define CC_Q_SELECT	0x16
#define CC_Q_SIZE	0x18
#define CC_Q_ENABLE	0x1c
#define CC_Q_DESC	0x20
#define CC_Q_AVAIL	0x28
#define CC_Q_USED	0x30

static void *vrig_hva(void *ctx, uint64_t gpa, uint64_t len)
{
	struct vrig *r = ctx;

	return gpa < r->ram_size && len <= r->ram_size - gpa ? r->ram + gpa : NULL;
}

int vrig_init(struct vrig *r, uint64_t ram_size, struct lk_err *err)
{
	memset(r, 0, sizeof(*r));
	r->ram_size = ram_size;
	r->ram = mmap(NULL, ram_size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (r->ram == MAP_FAILED)
		return err_sys(err, "guest RAM");
	bus_init(&r->pio, "port");
	bus_init(&r->mmio, "mmio");
	r->svc = (struct dev_services){ .pio = &r->pio, .mmio = &r->mmio, .pci = &r->pci,
					.vm = &r->vm, .irq = &r->irq, .loop = &r->loop,
					.stop = &r->stop,
					.mem = { .hva = vrig_hva, .ctx = r } };
	if (stop_init(&r->stop, err) || ioloop_init(&r->loop, &r->stop, err) ||
	    kvm_host_open(&r->host, err) || vm_create(&r->vm, &r->host, 0, err) ||
	    vm_create_irqchip(&r->vm, err) || irq_routes_init(&r->irq, &r->vm, err))
		return -1;
	return pci_bus_init(&r->pci, &r->pio, &r->mmio, err);
}

static void *vrig_loop(void *arg)
{
	ioloop_run(arg);
	return NULL;
}

int vrig_start(struct vrig *r, struct lk_err *err)
{
	bus_freeze(&r->pio);
	bus_freeze(&r->mmio);
	if (pthread_create(&r->thread, NULL, vrig_loop, &r->loop))
		return err_set(err, LK_EXIT_HOST, "the I/O loop's thread");
	r->running = true;
	return 0;
}

void vrig_stop(struct vrig *r)
{
	if (!r->running)
		return;
	stop_request_quiet(&r->stop, 0);
	pthread_join(r->thread, NULL);
	r->running = false;
}

void vrig_destroy(struct vrig *r)
{
	vrig_stop(r);
	pci_bus_destroy(&r->pci);
	irq_routes_destroy(&r->irq);
	vm_destroy(&r->vm);
	kvm_host_close(&r->host);
	ioloop_destroy(&r->loop);
	stop_destroy(&r->stop);
	bus_destroy(&r->pio);
	bus_destroy(&r->mmio);
	munmap(r->ram, r->ram_size);
}

static void cfg_write(struct vdrv *d, unsigned int reg, uint32_t v, uint32_t len)
{
	uint8_t data[4];

	bus_data_put(data, 4, 0x80000000u | (uint32_t)d->devfn << 8 | (reg & 0xfc));
	bus_access(&d->rig->pio, 0xcf8, data, 4, true);
	bus_data_put(data, len, v);
	bus_access(&d->rig->pio, 0xcfc + (reg & 3), data, len, true);
}

static void bar_write(struct vdrv *d, uint64_t off, uint64_t v, uint32_t len)
{
	uint8_t data[8];

	bus_data_put64(data, len, v);
	bus_access(&d->rig->mmio, d->bar4 + off, data, len, true);
}

static uint32_t bar_read(struct vdrv *d, uint64_t off, uint32_t len)
{
	uint8_t data[8];

	bus_access(&d->rig->mmio, d->bar4 + off, data, len, false);
	return bus_data_get(data, len);
}

uint8_t vdrv_status(struct vdrv *d)
{
	return (uint8_t)bar_read(d, CC_STATUS, 1);
}

void vdrv_set_status(struct vdrv *d, uint8_t status)
{
	bar_write(d, CC_STATUS, status, 1);
}

/* Queue @q's rings, as the driver gives them to the device. */
static void vdrv_queue(struct vdrv *d, unsigned int q)
{
	uint64_t ring = d->ring + q * VDRV_QUEUE_SPAN;

	memset(d->rig->ram + ring, 0, STATUS_OFF + VDRV_MAX_SLOTS);
	bus_data_put(d->rig->ram + ring + AVAIL_OFF, 2, VIRTQ_AVAIL_F_NO_INTERRUPT);
	d->avail_idx[q] = d->used_seen[q] = d->published[q] = 0;
	bar_write(d, CC_Q_SELECT, q, 2);
	d->qsize[q] = (uint16_t)bar_read(d, CC_Q_SIZE, 2);	/* the device's most */
	if (d->qsize[q] > VDRV_QUEUE_SIZE)
		d->qsize[q] = VDRV_QUEUE_SIZE;
	bar_write(d, CC_Q_SIZE, d->qsize[q], 2);
	bar_write(d, CC_Q_DESC, ring, 8);
	bar_write(d, CC_Q_AVAIL, ring + AVAIL_OFF, 8);
	bar_write(d, CC_Q_USED, ring + USED_OFF, 8);
	bar_write(d, CC_Q_ENABLE, 1, 2);
}

int vdrv_init(struct vdrv *d, struct lk_err *err)
{
	unsigned int q;

	cfg_write(d, 0x20, (uint32_t)d->bar4, 4);	/* BAR4, 64-bit */
	cfg_write(d, 0x24, (uint32_t)(d->bar4 >> 32), 4);
	cfg_write(d, 0x04, 0x2, 2);			/* memory space on */
	vdrv_set_status(d, 0);
	vdrv_set_status(d, VIRTIO_STATUS_ACKNOWLEDGE | VIRTIO_STATUS_DRIVER);
	bar_write(d, CC_GFSELECT, 0, 4);
	bar_write(d, CC_GF, (uint32_t)d->features, 4);
	bar_write(d, CC_GFSELECT, 1, 4);
	bar_write(d, CC_GF, 1 << (VIRTIO_F_VERSION_1 - 32) | 1 << (VIRTIO_F_ACCESS_PLATFORM - 32) |
		  (uint32_t)(d->features >> 32), 4);
	vdrv_set_status(d, VIRTIO_STATUS_ACKNOWLEDGE | VIRTIO_STATUS_DRIVER |
			VIRTIO_STATUS_FEATURES_OK);
	if (!(vdrv_status(d) & VIRTIO_STATUS_FEATURES_OK))
		return err_set(err, LK_EXIT_CRASH, "00:%02x.0: FEATURES_OK refused",
			       PCI_SLOT(d->devfn));
	for (q = 0; q < (d->nr_queues ? d->nr_queues : 1); q++)
		vdrv_queue(d, q);
	vdrv_set_status(d, VIRTIO_STATUS_ACKNOWLEDGE | VIRTIO_STATUS_DRIVER |
			VIRTIO_STATUS_FEATURES_OK | VIRTIO_STATUS_DRIVER_OK);
	return 0;
}

static void put_desc(uint8_t *desc, uint64_t addr, uint32_t len, uint16_t flags, uint16_t next)
{
	bus_data_put64(desc, 8, addr);
	bus_data_put(desc + 8, 4, len);
	bus_data_put(desc + 12, 2, flags);
	bus_data_put(desc + 14, 2, next);
}

void vdrv_blk_post(struct vdrv *d, unsigned int slot, uint32_t type, uint64_t sector,
		   uint64_t buf, uint32_t len, bool to_guest)
{
	uint8_t *ram = d->rig->ram, *desc = ram + d->ring + slot * 3 * 16;
	uint64_t hdr = d->ring + HDR_OFF + slot * 16, status = d->ring + STATUS_OFF + slot;
	uint16_t head = (uint16_t)(slot * 3);

	bus_data_put(ram + hdr, 4, type);
	bus_data_put(ram + hdr + 4, 4, 0);
	bus_data_put64(ram + hdr + 8, 8, sector);
	ram[status] = 0xff;
	put_desc(desc, hdr, 16, VIRTQ_DESC_F_NEXT, head + 1);
	put_desc(desc + 16, buf, len, VIRTQ_DESC_F_NEXT | (to_guest ? VIRTQ_DESC_F_WRITE : 0),
		 head + 2);
	put_desc(desc + 32, status, 1, VIRTQ_DESC_F_WRITE, 0);
	bus_data_put(ram + d->ring + AVAIL_OFF + 4 + (d->avail_idx[0] % d->qsize[0]) * 2, 2,
		     head);
	d->avail_idx[0]++;
}

static uint16_t ring_load16(const uint8_t *p)
{
	return le16toh(__atomic_load_n((const uint16_t *)p, __ATOMIC_ACQUIRE));
}

void vdrv_kick_queue(struct vdrv *d, unsigned int q)
{
	uint8_t *ring = d->rig->ram + d->ring + q * VDRV_QUEUE_SPAN;
	uint16_t old = d->published[q], new = d->avail_idx[q];
	bool wanted;

	__atomic_store_n((uint16_t *)(ring + AVAIL_OFF + 2), htole16(new), __ATOMIC_RELEASE);
	d->published[q] = new;
	/* The index is out before the device's wish is read (Linux: virtio_mb). */
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	if (d->features & 1ULL << VIRTIO_RING_F_EVENT_IDX) {
		uint16_t event = ring_load16(ring + USED_OFF + 4 + 8 * d->qsize[q]);

		wanted = (uint16_t)(new - event - 1) < (uint16_t)(new - old);
	} else {
		wanted = !(ring_load16(ring + USED_OFF) & VIRTQ_USED_F_NO_NOTIFY);
	}
	if (!wanted)
		return;
	d->doorbells++;
	bar_write(d, VIRTIO_PCI_NOTIFY + q * VIRTIO_PCI_NOTIFY_MULT, q, 2);
}

void vdrv_kick(struct vdrv *d)
{
	vdrv_kick_queue(d, 0);
}

void vdrv_post(struct vdrv *d, unsigned int q, uint16_t first, const struct vdrv_buf *b,
	       unsigned int n)
{
	uint64_t ring = d->ring + q * VDRV_QUEUE_SPAN;
	uint8_t *ram = d->rig->ram;
	unsigned int i;

	for (i = 0; i < n; i++)
		put_desc(ram + ring + (first + i) % d->qsize[q] * 16, b[i].gpa, b[i].len,
			 (i + 1 < n ? VIRTQ_DESC_F_NEXT : 0) | (b[i].in ? VIRTQ_DESC_F_WRITE : 0),
			 (uint16_t)((first + i + 1) % d->qsize[q]));
	bus_data_put(ram + ring + AVAIL_OFF + 4 + (d->avail_idx[q] % d->qsize[q]) * 2, 2,
		     first);
	d->avail_idx[q]++;
}

int vdrv_used(struct vdrv *d, unsigned int q, uint16_t *head, uint32_t *len)
{
	uint64_t ring = d->ring + q * VDRV_QUEUE_SPAN;
	uint8_t *e = d->rig->ram + ring + USED_OFF + 4 + (d->used_seen[q] % d->qsize[q]) * 8;
	uint16_t idx = __atomic_load_n((uint16_t *)(d->rig->ram + ring + USED_OFF + 2),
				       __ATOMIC_ACQUIRE);

	if (idx == d->used_seen[q])
		return 0;
	*head = (uint16_t)bus_data_get(e, 4);
	*len = bus_data_get(e + 4, 4);
	d->used_seen[q]++;
	return 1;
}

uint16_t vdrv_used_idx(const struct vdrv *d)
{
	return __atomic_load_n((uint16_t *)(d->rig->ram + d->ring + USED_OFF + 2),
			       __ATOMIC_ACQUIRE);
}

int vdrv_blk_used(struct vdrv *d, unsigned int *slot, uint32_t *len, uint8_t *status)
{
	uint16_t head;

	if (!vdrv_used(d, 0, &head, len))
		return 0;
	*slot = head / 3u;
	*status = d->rig->ram[d->ring + STATUS_OFF + *slot % VDRV_MAX_SLOTS];
	return 1;
}

uint64_t vdrv_device_features(struct vdrv *d)
{
	uint64_t f;

	bar_write(d, 0x00, 1, 4);	/* device_feature_select */
	f = (uint64_t)bar_read(d, 0x04, 4) << 32;
	bar_write(d, 0x00, 0, 4);
	return f | bar_read(d, 0x04, 4);
}

void vdrv_config_read(struct vdrv *d, uint32_t off, uint8_t *buf, uint32_t len)
{
	uint32_t i;

	for (i = 0; i < len; i++)
		buf[i] = (uint8_t)bar_read(d, VIRTIO_PCI_DEVICE_CFG + off + i, 1);
}
