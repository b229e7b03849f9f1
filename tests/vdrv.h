/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * A virtio-blk driver in C for tests and benchmarks, over lkvm-sev's own
 * device stack without a guest: a rig of the buses, the PCI bus, a real
 * KVM VM (no vCPU: it holds the ioeventfds and interrupt routes the
 * transport asks for), the I/O loop on a thread of its own and guest RAM
 * in an anonymous mapping; and a driver that brings a function up through
 * configuration space and BAR4, posts requests with interrupts suppressed
 * (VIRTQ_AVAIL_F_NO_INTERRUPT) and polls the used ring, as a polling guest
 * driver would. Doorbells are the BAR4 writes a vCPU's exit would make.
 */
#ifndef LKVM_TESTS_VDRV_H
#define LKVM_TESTS_VDRV_H

#include <pthread.h>

#include "devices/device.h"
#include "kvm/host.h"

struct vrig {
	struct bus pio, mmio;
	struct pci_bus pci;
	struct kvm_host host;
	struct vm vm;
	struct irq_routes irq;
	struct ioloop loop;
	struct stop stop;
	struct dev_services svc;
	uint8_t *ram;
	uint64_t ram_size;
	pthread_t thread;
	bool running;
};

/* Everything but the I/O loop's thread; devices are realized after this. */
int vrig_init(struct vrig *r, uint64_t ram_size, struct lk_err *err);
/* The buses frozen and the I/O loop running. */
int vrig_start(struct vrig *r, struct lk_err *err);
/* The I/O loop stopped (devices are destroyed after this), then the rest. */
void vrig_stop(struct vrig *r);
void vrig_destroy(struct vrig *r);

#define VDRV_QUEUE_SIZE	256	/* the most a driver asks */
/* Requests a driver can have posted at once: three descriptors each. */
#define VDRV_MAX_SLOTS	(VDRV_QUEUE_SIZE / 3)

#define VDRV_MAX_QUEUES	4
/* Queue q's rings (and, for queue 0, virtio-blk's request headers) at ring + q * this. */
#define VDRV_QUEUE_SPAN	0x8000

/* One function's driver; its queues use VDRV_QUEUE_SPAN bytes of RAM each from @ring. */
struct vdrv {
	struct vrig *rig;
	uint8_t devfn;
	uint64_t bar4, ring;
	unsigned int nr_queues;		/* 0: 1 */
	uint16_t avail_idx[VDRV_MAX_QUEUES], used_seen[VDRV_MAX_QUEUES];
	uint16_t published[VDRV_MAX_QUEUES];	/* the avail index the device was shown */
	unsigned long doorbells;	/* rung; a kick the device did not want rings none */
	uint16_t qsize[VDRV_MAX_QUEUES];	/* VDRV_QUEUE_SIZE, or less if the device says */
	uint64_t features;		/* the device's to accept too (vdrv_init); 0: none */
};

/* Reset, features (VERSION_1, ACCESS_PLATFORM), the queues, DRIVER_OK. */
int vdrv_init(struct vdrv *d, struct lk_err *err);
/* The status register, as a driver reads it back. */
uint8_t vdrv_status(struct vdrv *d);
void vdrv_set_status(struct vdrv *d, uint8_t status);
/*
 * Request @slot: @type at @sector with @len bytes at @buf (written by the
 * device when @to_guest), into the avail ring; published by vdrv_kick().
 */
void vdrv_blk_post(struct vdrv *d, unsigned int slot, uint32_t type, uint64_t sector,
		   uint64_t buf, uint32_t len, bool to_guest);
void vdrv_kick(struct vdrv *d);
/* The next used entry: 1 with its slot, used length and status byte, or 0. */
int vdrv_blk_used(struct vdrv *d, unsigned int *slot, uint32_t *len, uint8_t *status);
/* Queue 0's used index as the device last wrote it. */
uint16_t vdrv_used_idx(const struct vdrv *d);

/* A buffer of a chain: @len bytes at guest-physical @gpa, written by the device if @in. */
struct vdrv_buf {
	uint64_t gpa;
	uint32_t len;
	bool in;
};

/* A chain of @n buffers in descriptors @first.. of queue @q, into its avail ring. */
void vdrv_post(struct vdrv *d, unsigned int q, uint16_t first, const struct vdrv_buf *b,
	       unsigned int n);
/*
 * Queue @q's avail index published and its doorbell rung, unless the
 * device asked for none (VIRTQ_USED_F_NO_NOTIFY, or with event index, an
 * avail_event not passed), as Linux's driver decides.
 */
void vdrv_kick_queue(struct vdrv *d, unsigned int q);
/* Queue @q's next used entry: 1 with its head and length, or 0. */
int vdrv_used(struct vdrv *d, unsigned int q, uint16_t *head, uint32_t *len);

/* The device's feature bits, both words, as it offers them. */
uint64_t vdrv_device_features(struct vdrv *d);
/* @len bytes of the device configuration from @off, as the driver reads them. */
void vdrv_config_read(struct vdrv *d, uint32_t off, uint8_t *buf, uint32_t len);

#endif
