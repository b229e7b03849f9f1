/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The modern virtio-pci transport (virtio 1.x, 4.1), no legacy interface:
 * vendor 0x1af4, device 0x1040 + the virtio type. BAR1 holds the MSI-X
 * table and PBA, BAR4 (64-bit memory) the common configuration, the ISR,
 * the device configuration and the notification area, as on QEMU.
 *
 * Every device offers VIRTIO_F_VERSION_1 and VIRTIO_F_ACCESS_PLATFORM (an
 * SEV guest's Linux refuses a device without it; a plain guest does not
 * mind), indirect descriptors and the event index. Doorbells are
 * ioeventfds the I/O loop watches; a queue's work runs there, under the
 * transport's lock, and interrupts go out through MSI-X irqfds (INTx and
 * the ISR without MSI-X). The PCI configuration access capability reaches
 * BAR4's registers from configuration space too.
 */
#ifndef LKVM_DEVICES_VIRTIO_PCI_H
#define LKVM_DEVICES_VIRTIO_PCI_H

#include <pthread.h>

#include "devices/device.h"
#include "devices/msix.h"
#include "devices/virtq.h"
#include "kvm/ioeventfd.h"

#define VIRTIO_PCI_VENDOR	0x1af4
#define VIRTIO_PCI_DEVICE_BASE	0x1040
#define VIRTIO_MAX_QUEUES	4
#define VIRTIO_NO_VECTOR	0xffff

/* Feature bits (virtio 1.x, 6). */
#define VIRTIO_RING_F_INDIRECT_DESC	28
#define VIRTIO_RING_F_EVENT_IDX		29
#define VIRTIO_F_VERSION_1		32
#define VIRTIO_F_ACCESS_PLATFORM	33

/* Device status (2.1). */
#define VIRTIO_STATUS_ACKNOWLEDGE	0x01
#define VIRTIO_STATUS_DRIVER		0x02
#define VIRTIO_STATUS_DRIVER_OK		0x04
#define VIRTIO_STATUS_FEATURES_OK	0x08
#define VIRTIO_STATUS_NEEDS_RESET	0x40
#define VIRTIO_STATUS_FAILED		0x80

/* BAR4's regions. */
#define VIRTIO_PCI_COMMON		0x0000
#define VIRTIO_PCI_COMMON_LEN		0x38
#define VIRTIO_PCI_ISR			0x1000
#define VIRTIO_PCI_DEVICE_CFG		0x2000
#define VIRTIO_PCI_NOTIFY		0x3000
#define VIRTIO_PCI_NOTIFY_MULT		4
#define VIRTIO_PCI_BAR4_SIZE		0x4000
#define VIRTIO_PCI_MSIX_BAR_SIZE	0x1000

struct virtio_pci;

/* What a device adds to the transport. */
struct virtio_ops {
	const char *name;		/* "virtio-rng" */
	uint16_t type;			/* the virtio device ID: 4 for an entropy source */
	uint32_t class_code;
	uint64_t features;		/* its own; the transport adds its four */
	unsigned int nr_queues;
	uint16_t queue_size;		/* the largest each queue may be */
	uint32_t config_len;		/* device configuration, at most 0x1000 */
	/* The device configuration, under the transport's lock (with config_len). */
	void (*config_read)(void *dev, uint32_t off, uint8_t *data, uint32_t len);
	/* A queue's doorbell rang: on the I/O loop, under the transport's lock. */
	void (*queue_notify)(void *dev, struct virtio_pci *vp, unsigned int q);
	/* The driver reset the device (status 0), under the transport's lock; optional. */
	void (*reset)(void *dev);
};

struct virtio_queue_io {
	struct virtio_pci *vp;
	unsigned int index;
	int efd;			/* the doorbell's eventfd */
	struct ioeventfd ev;
	bool assigned;
	struct ioloop_src src;
	struct ioloop_poller poller;	/* the I/O loop looks at the ring itself */
};

struct virtio_pci {
	struct pci_func fn;
	struct msix msix;
	const struct virtio_ops *ops;
	void *dev;
	struct dev_services svc;
	pthread_mutex_t lock;		/* the transport's state and the queues */
	char name[24];
	uint64_t features;		/* the device's own offer: ops->features, or changed
					 * by the device after init, before the driver looks */
	uint64_t driver_features;
	uint32_t dfselect, gfselect;
	uint16_t queue_sel, config_vector;
	uint8_t status, isr, config_gen;
	uint8_t cfg_cap;		/* the PCI configuration access capability */
	bool intx_wanted;		/* ISR set without MSI-X: raise INTx after unlock */
	bool warned;			/* one warning for a broken device */
	struct virtq q[VIRTIO_MAX_QUEUES];
	struct virtio_queue_io qio[VIRTIO_MAX_QUEUES];
};

/* The PCI function in the next free slot, its BARs, capabilities, doorbells. */
int virtio_pci_init(struct virtio_pci *vp, const struct virtio_ops *ops, void *dev,
		    const struct dev_services *svc, struct lk_err *err);
void virtio_pci_destroy(struct virtio_pci *vp);

/* The transport's lock, for a device's work outside queue_notify (its own sources). */
void virtio_pci_lock(struct virtio_pci *vp);
void virtio_pci_unlock(struct virtio_pci *vp);
/* Whether the driver accepted feature @bit. */
bool virtio_pci_has(const struct virtio_pci *vp, unsigned int bit);
/* With the lock: whether queue @q may be served (DRIVER_OK, not broken, enabled). */
bool virtio_pci_live(const struct virtio_pci *vp, unsigned int q);
/*
 * From queue_notify: serves every request waiting on queue @q with @fn,
 * which returns the bytes it wrote to the guest, or -1 with @err for a
 * request the device cannot take (the queue is then broken); then one
 * interrupt, if the driver wants it.
 */
typedef int64_t (*virtio_serve_fn)(void *ctx, const struct virtq_elem *e, struct lk_err *err);
void virtio_pci_serve(struct virtio_pci *vp, unsigned int q, struct virtq_elem *e,
		      virtio_serve_fn fn, void *ctx);
/* From queue_notify, after pushing: an interrupt if the driver wants one. */
void virtio_pci_queue_interrupt(struct virtio_pci *vp, unsigned int q);
/* With the lock: the device configuration changed; the driver is told (4.1.4.3). */
void virtio_pci_config_changed(struct virtio_pci *vp);
/* From queue_notify: the queue is corrupt; NEEDS_RESET and one warning. */
void virtio_pci_broken(struct virtio_pci *vp, unsigned int q, const struct lk_err *why);

#endif
