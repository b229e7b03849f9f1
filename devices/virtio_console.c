// SPDX-License-Identifier: GPL-2.0-only
/*
 * virtio-console: transmitq to the machine's console sinks, stdin to the
 * receiveq. Input is read into a small buffer first and handed to the
 * guest as it posts receive buffers; while it has none, stdin is not
 * watched, so a guest that reads nothing costs nothing and loses nothing.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "devices/virtio_console.h"
#include "devices/virtio_pci.h"

#define VIRTIO_ID_CONSOLE	3
#define VIRTIO_CONSOLE_QSIZE	128
#define VIRTIO_CONSOLE_RXQ	0
#define VIRTIO_CONSOLE_TXQ	1
#define VIRTIO_CONSOLE_CFG_LEN	12	/* cols, rows, max_nr_ports, emerg_wr */

struct virtio_console {
	struct virtio_pci vp;
	struct virtq_elem elem;
	struct virtio_console_opts o;
	struct ioloop_src in_src;
	bool in_open;			/* @in_fd not at its end */
	uint8_t pend[4096];		/* read from @in_fd, not yet given to the guest */
	size_t pend_off, pend_len;
};

/* With the transport's lock: what is pending goes into the guest's buffers. */
static void con_deliver(struct virtio_console *c)
{
	struct virtio_pci *vp = &c->vp;
	struct virtq *q = &vp->q[VIRTIO_CONSOLE_RXQ];
	bool pushed = false;
	struct lk_err err;
	size_t n;
	int got = 0;

	while (c->pend_len > c->pend_off &&
	       (got = virtq_pop(q, &vp->svc.mem, &c->elem, &err)) == 1) {
		n = iov_from_buf(c->elem.in, c->elem.nr_in, c->pend + c->pend_off,
				 c->pend_len - c->pend_off);
		c->pend_off += n;
		if (virtq_push(q, &vp->svc.mem, c->elem.head, (uint32_t)n, &err)) {
			got = -1;
			break;
		}
		pushed = true;
	}
	if (got < 0)
		virtio_pci_broken(vp, VIRTIO_CONSOLE_RXQ, &err);
	else if (pushed)
		virtio_pci_queue_interrupt(vp, VIRTIO_CONSOLE_RXQ);
}

/* With the transport's lock: watch @in_fd only while there is room for its bytes. */
static void con_watch_input(struct virtio_console *c)
{
	struct lk_err err;
	bool want = c->in_open && c->pend_off == c->pend_len &&
		    (c->vp.status & VIRTIO_STATUS_DRIVER_OK);

	if (c->o.in_fd >= 0 && ioloop_enable(c->vp.svc.loop, &c->in_src, want, &err))
		warn("virtio-console: %s", err.msg);
}

/* The I/O loop: input is readable. */
static void con_input(void *ctx)
{
	struct virtio_console *c = ctx;
	ssize_t n;

	virtio_pci_lock(&c->vp);
	if (c->pend_off == c->pend_len) {
		n = read(c->o.in_fd, c->pend, sizeof(c->pend));
		if (n > 0) {
			c->pend_off = 0;
			c->pend_len = (size_t)n;
		} else if (n == 0 || (errno != EINTR && errno != EAGAIN)) {
			c->in_open = false;
		}
	}
	if (c->vp.status & VIRTIO_STATUS_DRIVER_OK)
		con_deliver(c);
	con_watch_input(c);
	virtio_pci_unlock(&c->vp);
}

static int64_t con_transmit(void *ctx, const struct virtq_elem *e, struct lk_err *err)
{
	struct virtio_console *c = ctx;
	unsigned int i;

	(void)err;
	for (i = 0; i < e->nr_out; i++)
		c->o.out(c->o.out_ctx, e->out[i].iov_base, e->out[i].iov_len);
	return 0;
}

static void con_queue_notify(void *dev, struct virtio_pci *vp, unsigned int qi)
{
	struct virtio_console *c = dev;

	if (qi == VIRTIO_CONSOLE_TXQ) {
		virtio_pci_serve(vp, qi, &c->elem, con_transmit, c);
		return;
	}
	/* New receive buffers: what is pending goes, and input is watched again. */
	con_deliver(c);
	con_watch_input(c);
}

static void con_config_read(void *dev, uint32_t off, uint8_t *data, uint32_t len)
{
	uint8_t cfg[VIRTIO_CONSOLE_CFG_LEN] = { 0 };

	(void)dev;
	bus_data_put(cfg + 4, 4, 1);	/* max_nr_ports: meaningful with MULTIPORT only */
	memcpy(data, cfg + off, len);
}

static void con_reset(void *dev)
{
	struct virtio_console *c = dev;

	/* Bytes read and not delivered stay for the next driver. */
	con_watch_input(c);
}

static const struct virtio_ops con_ops = {
	.name = "virtio-console",
	.type = VIRTIO_ID_CONSOLE,
	.class_code = 0x078000,		/* communication, other: as QEMU's */
	.nr_queues = 2,
	.queue_size = VIRTIO_CONSOLE_QSIZE,
	.config_len = VIRTIO_CONSOLE_CFG_LEN,
	.config_read = con_config_read,
	.queue_notify = con_queue_notify,
	.reset = con_reset,
};

static void con_destroy(void *dev)
{
	struct virtio_console *c = dev;

	if (c->vp.svc.loop)
		ioloop_del(c->vp.svc.loop, &c->in_src);
	virtio_pci_destroy(&c->vp);
	free(c);
}

static void *con_realize(const struct dev_services *svc, const void *opts, struct lk_err *err)
{
	struct virtio_console *c = calloc(1, sizeof(*c));

	if (!c) {
		err_sys(err, "virtio-console: allocating its state");
		return NULL;
	}
	c->o = *(const struct virtio_console_opts *)opts;
	c->in_src.fd = -1;
	c->in_open = c->o.in_fd >= 0;
	if (virtio_pci_init(&c->vp, &con_ops, c, svc, err) ||
	    (c->in_open && (ioloop_add(svc->loop, &c->in_src, c->o.in_fd, con_input, c, err) ||
			    ioloop_enable(svc->loop, &c->in_src, false, err)))) {
		con_destroy(c);
		return NULL;
	}
	return c;
}

const struct device_type virtio_console_type = {
	.name = "virtio-console",
	.realize = con_realize,
	.destroy = con_destroy,
};
