/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Split virtqueues (virtio 1.x, 2.7): the device's side. Descriptor chains
 * are walked and checked before a device sees them; every buffer is mapped
 * through the guest-memory accessor (devices/device.h), so an SNP guest's
 * private pages are never touched. A queue the guest has corrupted (a loop,
 * an index out of range, a buffer outside RAM, lengths that overflow, an
 * indirect table inside an indirect table) is reported as broken: the
 * transport marks the device NEEDS_RESET and says so once.
 *
 * Nothing here allocates: an element's buffers go into arrays sized for the
 * largest chain a queue allows.
 */
#ifndef LKVM_DEVICES_VIRTQ_H
#define LKVM_DEVICES_VIRTQ_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/uio.h>

#include "devices/device.h"

#define VIRTQ_MAX_SIZE		256	/* the largest queue a device offers */
/* A chain longer than this is a loop, whatever the queue size says. */
#define VIRTQ_MAX_CHAIN		(2 * VIRTQ_MAX_SIZE)

#define VIRTQ_DESC_F_NEXT	1
#define VIRTQ_DESC_F_WRITE	2
#define VIRTQ_DESC_F_INDIRECT	4
#define VIRTQ_USED_F_NO_NOTIFY	1
#define VIRTQ_AVAIL_F_NO_INTERRUPT 1

struct virtq {
	/* What the driver programmed (common configuration). */
	uint16_t size;
	bool enabled;
	uint64_t desc, avail, used;	/* guest-physical */
	uint16_t msix_vector;
	/* The device's progress. */
	uint16_t last_avail;		/* the next avail entry to take */
	uint16_t used_idx;		/* the next used entry to fill */
	uint16_t signalled_used;	/* used_idx at the last interrupt (event index) */
	bool signalled_valid;
	bool event_idx;			/* VIRTIO_RING_F_EVENT_IDX negotiated */
	bool no_notify;			/* the device polls: no doorbells wanted */
	uint16_t avail_seen;		/* the available index the device last acted on */
};

/* One request: the chain's device-readable, then device-writable buffers. */
struct virtq_elem {
	uint16_t head;
	unsigned int nr_out, nr_in;
	uint32_t out_len, in_len;	/* their total sizes */
	struct iovec out[VIRTQ_MAX_CHAIN];
	struct iovec in[VIRTQ_MAX_CHAIN];
};

/* Back to the state of a reset device; @size is the offered maximum. */
void virtq_reset(struct virtq *q, uint16_t size);

/*
 * The next request: 1 with @e filled, 0 when the driver has none, -1 when
 * the queue is broken (@err says why, naming the descriptor).
 */
int virtq_pop(struct virtq *q, const struct guest_mem *gm, struct virtq_elem *e,
	      struct lk_err *err);
/* Returns @head to the driver with @len bytes written; -1 when the used ring is gone. */
int virtq_push(struct virtq *q, const struct guest_mem *gm, uint16_t head, uint32_t len,
	       struct lk_err *err);
/*
 * Asks the driver to ring the doorbell for new requests again (@on), or not
 * to while the device polls (VIRTQ_USED_F_NO_NOTIFY, or with event index,
 * an avail_event left behind). A driver may still ring once after (!@on).
 */
void virtq_set_notify(struct virtq *q, const struct guest_mem *gm, bool on);
/*
 * Whether the available index moved since the device last acted on it;
 * records the new one. A moved index is what a doorbell says.
 */
bool virtq_avail_moved(struct virtq *q, const struct guest_mem *gm);
/* Whether the driver wants an interrupt for what was pushed since the last one. */
bool virtq_should_interrupt(struct virtq *q, const struct guest_mem *gm);

/* Copies up to @len bytes into the iovecs; returns how many. */
size_t iov_from_buf(const struct iovec *iov, unsigned int n, const void *buf, size_t len);

#endif
