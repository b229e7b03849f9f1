// SPDX-License-Identifier: GPL-2.0-only
/*
 * virtio-rng (--rng): an entropy source for the guest (virtio 1.x, 5.4),
 * one request queue whose device-writable buffers are filled from
 * getrandom(). No configuration, no features of its own.
 */
#include <errno.h>
#include <stdlib.h>
#include <sys/random.h>

#include "devices/virtio_rng.h"
#include "devices/virtio_pci.h"

#define VIRTIO_ID_RNG		4
#define VIRTIO_RNG_QUEUE_SIZE	64

struct virtio_rng {
	struct virtio_pci vp;
	struct virtq_elem elem;
};

/* Fills what the guest offered; short only if the host's pool fails us. */
static uint32_t rng_fill(const struct virtq_elem *e)
{
	uint32_t done = 0;
	unsigned int i;

	for (i = 0; i < e->nr_in; i++) {
		size_t at = 0;

		while (at < e->in[i].iov_len) {
			ssize_t n = getrandom((uint8_t *)e->in[i].iov_base + at,
					      e->in[i].iov_len - at, GRND_NONBLOCK);

			if (n < 0 && errno == EINTR)
				continue;
			if (n <= 0)
				return done;
			at += (size_t)n;
			done += (uint32_t)n;
		}
	}
	return done;
}

static int64_t rng_serve(void *ctx, const struct virtq_elem *e, struct lk_err *err)
{
	(void)ctx;
	(void)err;
	return rng_fill(e);
}

static void rng_queue_notify(void *dev, struct virtio_pci *vp, unsigned int qi)
{
	struct virtio_rng *r = dev;

	virtio_pci_serve(vp, qi, &r->elem, rng_serve, r);
}

static const struct virtio_ops rng_ops = {
	.name = "virtio-rng",
	.type = VIRTIO_ID_RNG,
	.class_code = 0xff0000,		/* "other", as QEMU's */
	.nr_queues = 1,
	.queue_size = VIRTIO_RNG_QUEUE_SIZE,
	.queue_notify = rng_queue_notify,
};

static void rng_destroy(void *dev)
{
	struct virtio_rng *r = dev;

	virtio_pci_destroy(&r->vp);
	free(r);
}

static void *rng_realize(const struct dev_services *svc, const void *opts, struct lk_err *err)
{
	struct virtio_rng *r = calloc(1, sizeof(*r));

	(void)opts;
	if (!r) {
		err_sys(err, "virtio-rng: allocating its state");
		return NULL;
	}
	if (virtio_pci_init(&r->vp, &rng_ops, r, svc, err)) {
		rng_destroy(r);
		return NULL;
	}
	return r;
}

const struct device_type virtio_rng_type = {
	.name = "virtio-rng",
	.realize = rng_realize,
	.destroy = rng_destroy,
};
