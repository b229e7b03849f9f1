// SPDX-License-Identifier: GPL-2.0-only
/*
 * virtio-vsock's device side: the three queues (rx 0, tx 1, event 2), the
 * packets, and the per-connection protocol with its credit-based flow
 * control (virtio 1.x, 5.10.6). The host ends are Unix sockets
 * (devices/vsock_host.c); everything runs on the I/O loop under the
 * transport's lock.
 *
 * Flow control both ways, so that nothing is buffered without bound:
 * guest to host, the guest sends no more than VSOCK_BUF_ALLOC bytes the
 * socket has not taken (our credit), held in the connection's buffer until
 * the socket takes them; host to guest, a socket is read only while the
 * guest has credit and receive buffers, else it is not watched.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "devices/vsock_priv.h"

#define VIRTIO_ID_VSOCK		19
#define VSOCK_QUEUE_SIZE	128
#define VSOCK_CFG_LEN		8	/* guest_cid */
/* A packet's payload, at most: Linux sends up to 64 KiB. */
#define VSOCK_MAX_PAYLOAD	(64 * 1024)

void vsock_hdr_get(struct vsock_hdr *h, const uint8_t *b)
{
	h->src_cid = bus_data_get64(b, 8);
	h->dst_cid = bus_data_get64(b + 8, 8);
	h->src_port = bus_data_get(b + 16, 4);
	h->dst_port = bus_data_get(b + 20, 4);
	h->len = bus_data_get(b + 24, 4);
	h->type = (uint16_t)bus_data_get(b + 28, 2);
	h->op = (uint16_t)bus_data_get(b + 30, 2);
	h->flags = bus_data_get(b + 32, 4);
	h->buf_alloc = bus_data_get(b + 36, 4);
	h->fwd_cnt = bus_data_get(b + 40, 4);
}

void vsock_hdr_put(uint8_t *b, const struct vsock_hdr *h)
{
	bus_data_put64(b, 8, h->src_cid);
	bus_data_put64(b + 8, 8, h->dst_cid);
	bus_data_put(b + 16, 4, h->src_port);
	bus_data_put(b + 20, 4, h->dst_port);
	bus_data_put(b + 24, 4, h->len);
	bus_data_put(b + 28, 2, h->type);
	bus_data_put(b + 30, 2, h->op);
	bus_data_put(b + 32, 4, h->flags);
	bus_data_put(b + 36, 4, h->buf_alloc);
	bus_data_put(b + 40, 4, h->fwd_cnt);
}

/* The first @len bytes of @iov, from byte @skip, into the device's scratch array. */
static unsigned int vsock_slice(struct virtio_vsock *v, const struct iovec *iov, unsigned int n,
				size_t skip, size_t len)
{
	unsigned int i, k = 0;

	for (i = 0; i < n && len; i++) {
		size_t l = iov[i].iov_len;

		if (skip >= l) {
			skip -= l;
			continue;
		}
		l -= skip;
		if (l > len)
			l = len;
		v->scratch[k++] = (struct iovec){ (uint8_t *)iov[i].iov_base + skip, l };
		len -= l;
		skip = 0;
	}
	return k;
}

/* A receive buffer for the next packet: popped once, kept until used. */
static int vsock_rx_buffer(struct virtio_vsock *v, struct lk_err *err)
{
	struct virtio_pci *vp = &v->vp;
	int got;

	if (v->rx_have)
		return 1;
	got = virtq_pop(&vp->q[VSOCK_RXQ], &vp->svc.mem, &v->rx_elem, err);
	if (got == 1 && v->rx_elem.in_len < VSOCK_HDR_LEN)
		return err_set(err, LK_EXIT_CRASH, "receive buffer %u holds %u bytes, less than "
			       "a header", v->rx_elem.head, v->rx_elem.in_len);
	v->rx_have = got == 1;
	return got;
}

/* @c's packet @op with @len payload bytes already in the buffer, to the guest. */
static int vsock_rx_push(struct virtio_vsock *v, struct vsock_conn *c, uint16_t op,
			 uint32_t flags, uint32_t len, struct lk_err *err)
{
	struct virtio_pci *vp = &v->vp;
	struct vsock_hdr h = {
		.src_cid = VSOCK_HOST_CID, .dst_cid = v->o.cid, .src_port = c->local_port,
		.dst_port = c->peer_port, .len = len, .type = VSOCK_TYPE_STREAM, .op = op,
		.flags = flags, .buf_alloc = VSOCK_BUF_ALLOC, .fwd_cnt = c->fwd_cnt,
	};
	uint8_t b[VSOCK_HDR_LEN];

	vsock_hdr_put(b, &h);
	iov_from_buf(v->rx_elem.in, v->rx_elem.nr_in, b, sizeof(b));
	c->fwd_cnt_told = c->fwd_cnt;
	c->tx_cnt += len;
	v->rx_have = false;
	v->rx_pushed = true;
	return virtq_push(&vp->q[VSOCK_RXQ], &vp->svc.mem, v->rx_elem.head, VSOCK_HDR_LEN + len,
			  err);
}

/* The control packet @c owes with the lowest op, if a buffer is there: 1 sent, 0 none. */
static int vsock_rx_control(struct virtio_vsock *v, struct vsock_conn *c, struct lk_err *err)
{
	uint16_t op = (uint16_t)__builtin_ctz(c->owed);
	int got = vsock_rx_buffer(v, err);

	if (got <= 0)
		return got;
	c->owed &= ~(1u << op);
	if (vsock_rx_push(v, c, op, op == VSOCK_OP_SHUTDOWN ? c->shut_flags : 0, 0, err))
		return -1;
	if (op == VSOCK_OP_RST)
		vsock_conn_close(c);
	return 1;
}

/* Data from @c's socket into one receive buffer: 1 sent (or news owed), 0 nothing to move. */
static int vsock_rx_data(struct virtio_vsock *v, struct vsock_conn *c, struct lk_err *err)
{
	uint32_t want = vsock_peer_credit(c);
	unsigned int n;
	ssize_t r;
	int got;

	if (!want)
		return 0;	/* the guest's CREDIT_UPDATE brings it back */
	got = vsock_rx_buffer(v, err);
	if (got <= 0)
		return got;	/* its rx doorbell brings it back */
	if (want > v->rx_elem.in_len - VSOCK_HDR_LEN)
		want = v->rx_elem.in_len - VSOCK_HDR_LEN;
	n = vsock_slice(v, v->rx_elem.in, v->rx_elem.nr_in, VSOCK_HDR_LEN, want);
	r = readv(c->fd, v->scratch, (int)n);
	if (r > 0)
		return vsock_rx_push(v, c, VSOCK_OP_RW, 0, (uint32_t)r, err) ? -1 : 1;
	c->readable = false;
	if (r < 0 && (errno == EAGAIN || errno == EINTR))
		return 0;
	vsock_host_gone(c, r == 0);
	return 1;	/* it owes the guest a SHUTDOWN or an RST now */
}

/*
 * With the lock: what the connections owe the guest, control packets
 * first, then data, while it has receive buffers; one interrupt after.
 */
void vsock_rx_flush(struct virtio_vsock *v)
{
	struct virtio_pci *vp = &v->vp;
	struct lk_err err;
	bool more = virtio_pci_live(vp, VSOCK_RXQ);	/* a queue the driver gave us */
	unsigned int i;
	int r = 0;

	while (more && r >= 0) {
		more = false;
		for (i = 0; i < VSOCK_MAX_CONNS && r >= 0; i++) {
			struct vsock_conn *c = &v->conns[i];

			if (c->state == VSOCK_FREE)
				continue;
			if (c->owed)
				r = vsock_rx_control(v, c, &err);
			else if (c->readable && c->state == VSOCK_CONNECTED)
				r = vsock_rx_data(v, c, &err);
			else
				continue;
			more |= r > 0;
		}
	}
	if (r < 0)
		virtio_pci_broken(vp, VSOCK_RXQ, &err);
	vsock_host_watch_all(v);
	if (v->rx_pushed)
		virtio_pci_queue_interrupt(vp, VSOCK_RXQ);
	v->rx_pushed = false;
}

/* A packet for a connection that does not exist: RST, unless it is one. */
static void vsock_refuse(struct virtio_vsock *v, const struct vsock_hdr *h)
{
	struct vsock_conn *c;

	if (h->op == VSOCK_OP_RST)
		return;
	c = vsock_conn_new(v, VSOCK_RESETTING, -1);
	if (!c)
		return;		/* no slot: the guest's connect times out */
	c->local_port = h->dst_port;
	c->peer_port = h->src_port;
	c->owed = 1u << VSOCK_OP_RST;
}

/* RW: the payload to the socket, or what it does not take into the buffer. */
static int vsock_tx_data(struct virtio_vsock *v, struct vsock_conn *c, const struct virtq_elem *e,
			 uint32_t len, struct lk_err *err)
{
	unsigned int n = vsock_slice(v, e->out, e->nr_out, VSOCK_HDR_LEN, len);

	if (c->rx_cnt - c->fwd_cnt + len > VSOCK_BUF_ALLOC)
		return err_set(err, LK_EXIT_CRASH, "port %u: %u bytes beyond the credit given",
			       c->peer_port, c->rx_cnt - c->fwd_cnt + len - VSOCK_BUF_ALLOC);
	c->rx_cnt += len;
	vsock_host_send(c, v->scratch, n, len);
	return 0;
}

/* One packet from the guest, its header checked. */
static int vsock_tx_packet(struct virtio_vsock *v, const struct vsock_hdr *h,
			   const struct virtq_elem *e, struct lk_err *err)
{
	struct vsock_conn *c = vsock_conn_find(v, h->dst_port, h->src_port);

	if (h->type != VSOCK_TYPE_STREAM) {
		vsock_refuse(v, h);	/* SEQPACKET was not offered */
		return 0;
	}
	if (h->op == VSOCK_OP_REQUEST && !c) {
		vsock_guest_connect(v, h);
		return 0;
	}
	if (!c || c->state == VSOCK_RESETTING || c->state == VSOCK_HOST_LINE ||
	    (c->state == VSOCK_CONNECTING && h->op != VSOCK_OP_RESPONSE &&
	     h->op != VSOCK_OP_RST)) {
		vsock_refuse(v, h);
		return 0;
	}
	c->peer_buf_alloc = h->buf_alloc;
	c->peer_fwd_cnt = h->fwd_cnt;
	switch (h->op) {
	case VSOCK_OP_RESPONSE:
		vsock_host_accepted(c);
		break;
	case VSOCK_OP_RST:
		vsock_conn_close(c);
		break;
	case VSOCK_OP_SHUTDOWN:
		vsock_host_shutdown(c, h->flags);
		break;
	case VSOCK_OP_RW:
		return vsock_tx_data(v, c, e, h->len, err);
	case VSOCK_OP_CREDIT_REQUEST:
		c->owed |= 1u << VSOCK_OP_CREDIT_UPDATE;
		break;
	default:	/* CREDIT_UPDATE: taken above; REQUEST on an open connection */
		break;
	}
	return 0;
}

/* The header of @e, checked: a guest that breaks these rules breaks the device. */
static int vsock_tx_header(struct virtio_vsock *v, const struct virtq_elem *e,
			   struct vsock_hdr *h, struct lk_err *err)
{
	uint8_t b[VSOCK_HDR_LEN];
	unsigned int n = vsock_slice(v, e->out, e->nr_out, 0, VSOCK_HDR_LEN), i;
	size_t got = 0;

	for (i = 0; i < n; i++) {
		memcpy(b + got, v->scratch[i].iov_base, v->scratch[i].iov_len);
		got += v->scratch[i].iov_len;
	}
	if (got < VSOCK_HDR_LEN)
		return err_set(err, LK_EXIT_CRASH, "packet %u: %zu bytes, less than a header",
			       e->head, got);
	vsock_hdr_get(h, b);
	if (h->src_cid != v->o.cid || h->dst_cid != VSOCK_HOST_CID)
		return err_set(err, LK_EXIT_CRASH, "packet %u: from CID %llu to %llu, not from "
			       "%llu to the host (2)", e->head, (unsigned long long)h->src_cid,
			       (unsigned long long)h->dst_cid, (unsigned long long)v->o.cid);
	if (h->op == VSOCK_OP_INVALID || h->op > VSOCK_OP_CREDIT_REQUEST)
		return err_set(err, LK_EXIT_CRASH, "packet %u: operation %u", e->head, h->op);
	if (h->len > VSOCK_MAX_PAYLOAD)
		return err_set(err, LK_EXIT_CRASH, "packet %u: %u payload bytes, more than %u",
			       e->head, h->len, VSOCK_MAX_PAYLOAD);
	if (h->len != e->out_len - VSOCK_HDR_LEN)
		return err_set(err, LK_EXIT_CRASH, "packet %u: header says %u payload bytes, the "
			       "buffers hold %u", e->head, h->len, e->out_len - VSOCK_HDR_LEN);
	if (h->len && h->op != VSOCK_OP_RW)
		return err_set(err, LK_EXIT_CRASH, "packet %u: operation %u with %u payload bytes",
			       e->head, h->op, h->len);
	return 0;
}

static void vsock_tx(struct virtio_vsock *v)
{
	struct virtio_pci *vp = &v->vp;
	struct virtq *q = &vp->q[VSOCK_TXQ];
	struct vsock_hdr h;
	struct lk_err err;
	bool pushed = false;
	int got;

	while ((got = virtq_pop(q, &vp->svc.mem, &v->tx_elem, &err)) == 1) {
		if (vsock_tx_header(v, &v->tx_elem, &h, &err) ||
		    vsock_tx_packet(v, &h, &v->tx_elem, &err) ||
		    virtq_push(q, &vp->svc.mem, v->tx_elem.head, 0, &err)) {
			got = -1;
			break;
		}
		pushed = true;
	}
	if (got < 0)
		virtio_pci_broken(vp, VSOCK_TXQ, &err);
	else if (pushed)
		virtio_pci_queue_interrupt(vp, VSOCK_TXQ);
}

static void vsock_queue_notify(void *dev, struct virtio_pci *vp, unsigned int q)
{
	struct virtio_vsock *v = dev;

	(void)vp;
	if (q == VSOCK_TXQ)
		vsock_tx(v);
	/* Replies the packets owe, and data waiting for buffers the rx doorbell brought. */
	if (q != VSOCK_EVTQ)
		vsock_rx_flush(v);
}

static void vsock_config_read(void *dev, uint32_t off, uint8_t *data, uint32_t len)
{
	struct virtio_vsock *v = dev;
	uint8_t c[VSOCK_CFG_LEN];

	bus_data_put64(c, 8, v->o.cid);
	memcpy(data, c + off, len);
}

/* The driver reset the device: every connection goes, each host end closed. */
static void vsock_reset(void *dev)
{
	struct virtio_vsock *v = dev;
	unsigned int i;

	for (i = 0; i < VSOCK_MAX_CONNS; i++)
		if (v->conns[i].state != VSOCK_FREE)
			vsock_conn_close(&v->conns[i]);
	v->rx_have = false;
}

static const struct virtio_ops vsock_ops = {
	.name = "virtio-vsock",
	.type = VIRTIO_ID_VSOCK,
	.class_code = 0x078000,		/* communication, other: as QEMU's */
	.nr_queues = 3,
	.queue_size = VSOCK_QUEUE_SIZE,
	.config_len = VSOCK_CFG_LEN,
	.config_read = vsock_config_read,
	.queue_notify = vsock_queue_notify,
	.reset = vsock_reset,
};

static void vsock_destroy(void *dev)
{
	struct virtio_vsock *v = dev;

	vsock_reset(v);
	vsock_host_destroy(v);
	virtio_pci_destroy(&v->vp);
	free(v);
}

static void *vsock_realize(const struct dev_services *svc, const void *opts, struct lk_err *err)
{
	struct virtio_vsock *v = calloc(1, sizeof(*v));
	unsigned int i;

	if (!v) {
		err_sys(err, "virtio-vsock: allocating its state");
		return NULL;
	}
	v->o = *(const struct virtio_vsock_opts *)opts;
	v->listen_fd = -1;
	v->listen_src.fd = -1;
	v->next_port = VSOCK_FIRST_HOST_PORT;
	for (i = 0; i < VSOCK_MAX_CONNS; i++)
		v->conns[i] = (struct vsock_conn){ .v = v, .fd = -1, .src.fd = -1 };
	if (vsock_host_listen(v, svc, err) || virtio_pci_init(&v->vp, &vsock_ops, v, svc, err)) {
		vsock_destroy(v);
		return NULL;
	}
	return v;
}

const struct device_type virtio_vsock_type = {
	.name = "virtio-vsock",
	.realize = vsock_realize,
	.destroy = vsock_destroy,
};
