/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * virtio-blk (-d FILE[,ro]): a disk on a raw image file (virtio 1.x, 5.2).
 * The image is locked against a second writer (OFD locks, as QEMU does);
 * ",ro" opens it read-only and offers VIRTIO_BLK_F_RO; ",aio=sync" serves
 * requests one at a time on the I/O loop instead of through io_uring.
 */
#ifndef LKVM_DEVICES_VIRTIO_BLK_H
#define LKVM_DEVICES_VIRTIO_BLK_H

#include <stdbool.h>

#include "devices/device.h"

/* Requests a disk has in flight at once, through io_uring (more wait on the ring). */
#define VIRTIO_BLK_INFLIGHT	64

struct virtio_blk_opts {
	const char *path;
	bool ro;
	bool sync;		/* aio=sync: served one at a time, no io_uring */
	const char *opt;	/* how the user spelled it, for messages: "-d" */
};

extern const struct device_type virtio_blk_type;

#endif
