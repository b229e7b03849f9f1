// SPDX-License-Identifier: GPL-2.0-only
/* A virtio-blk driver and a guest-less device rig for tests and benchmarks (tests/vdrv.h). */
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

uint8_t vdrv_status(struct vdrv *d)
{
	uint8_t data[1];

	bus_access(&d->rig->mmio, d->bar4 + CC_STATUS, data, 1, false);
	return data[0];
}

void vdrv_set_status(struct vdrv *d, uint8_t status)
{
	bar_write(d, CC_STATUS, status, 1);
}

int vdrv_init(struct vdrv *d, struct lk_err *err)
{
	uint8_t *ring = d->rig->ram + d->ring;

	memset(ring, 0, STATUS_OFF + VDRV_MAX_SLOTS);
	bus_data_put(ring + AVAIL_OFF, 2, VIRTQ_AVAIL_F_NO_INTERRUPT);
	d->avail_idx = d->used_seen = 0;
	cfg_write(d, 0x20, (uint32_t)d->bar4, 4);	/* BAR4, 64-bit */
	cfg_write(d, 0x24, (uint32_t)(d->bar4 >> 32), 4);
	cfg_write(d, 0x04, 0x2, 2);			/* memory space on */
	vdrv_set_status(d, 0);
	vdrv_set_status(d, VIRTIO_STATUS_ACKNOWLEDGE | VIRTIO_STATUS_DRIVER);
	bar_write(d, CC_GFSELECT, 1, 4);
	bar_write(d, CC_GF, 1 << (VIRTIO_F_VERSION_1 - 32) | 1 << (VIRTIO_F_ACCESS_PLATFORM - 32),
		  4);
	vdrv_set_status(d, VIRTIO_STATUS_ACKNOWLEDGE | VIRTIO_STATUS_DRIVER |
			VIRTIO_STATUS_FEATURES_OK);
	if (!(vdrv_status(d) & VIRTIO_STATUS_FEATURES_OK))
		return err_set(err, LK_EXIT_CRASH, "00:%02x.0: FEATURES_OK refused",
			       PCI_SLOT(d->devfn));
	bar_write(d, CC_Q_SELECT, 0, 2);
	bar_write(d, CC_Q_SIZE, VDRV_QUEUE_SIZE, 2);
	bar_write(d, CC_Q_DESC, d->ring, 8);
	bar_write(d, CC_Q_AVAIL, d->ring + AVAIL_OFF, 8);
	bar_write(d, CC_Q_USED, d->ring + USED_OFF, 8);
	bar_write(d, CC_Q_ENABLE, 1, 2);
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
	bus_data_put(ram + d->ring + AVAIL_OFF + 4 + (d->avail_idx % VDRV_QUEUE_SIZE) * 2, 2,
		     head);
	d->avail_idx++;
}

void vdrv_kick(struct vdrv *d)
{
	uint16_t *idx = (uint16_t *)(d->rig->ram + d->ring + AVAIL_OFF + 2);

	__atomic_store_n(idx, d->avail_idx, __ATOMIC_RELEASE);
	bar_write(d, VIRTIO_PCI_NOTIFY, 0, 2);
}

uint16_t vdrv_used_idx(const struct vdrv *d)
{
	return __atomic_load_n((uint16_t *)(d->rig->ram + d->ring + USED_OFF + 2),
			       __ATOMIC_ACQUIRE);
}

int vdrv_blk_used(struct vdrv *d, unsigned int *slot, uint32_t *len, uint8_t *status)
{
	uint8_t *e = d->rig->ram + d->ring + USED_OFF + 4 + (d->used_seen % VDRV_QUEUE_SIZE) * 8;

	if (vdrv_used_idx(d) == d->used_seen)
		return 0;
	*slot = bus_data_get(e, 4) / 3;
	*len = bus_data_get(e + 4, 4);
	*status = d->rig->ram[d->ring + STATUS_OFF + *slot % VDRV_MAX_SLOTS];
	d->used_seen++;
	return 1;
}
