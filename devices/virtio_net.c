// SPDX-License-Identifier: GPL-2.0-only
/*
 * virtio-net: frames between the guest's receive (0) and transmit (1)
 * queues and a back-end, on the I/O loop. No control queue.
 *
 * A tap (/dev/net/tun, IFF_TAP | IFF_NO_PI | IFF_VNET_HDR) carries the
 * 12-byte virtio_net_hdr_v1 itself (TUNSETVNETHDRSZ), so a transmitted
 * chain goes to it as it is, with one writev straight from guest memory;
 * the checksum and segmentation offloads are offered only where the tap
 * takes TUNSETOFFLOAD, and the tap is told what the driver accepted. passt
 * speaks QEMU's stream protocol instead: each frame behind its length, 4
 * bytes big-endian, and no header (so no offloads).
 *
 * Received frames are read into one buffer made at realize, then copied
 * into the guest's chains: with VIRTIO_NET_F_MRG_RXBUF a frame spreads
 * over as many chains as it needs (the chains taken are held until it is
 * all in, then pushed together with num_buffers); without it, a frame
 * that does not fit the chain is dropped, as QEMU drops it. The back-end
 * is read only while a receive chain is in hand: when the guest has none,
 * its descriptor is out of the I/O loop until the receive doorbell rings,
 * so nothing is buffered without bound and nothing spins.
 */
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/if_tun.h>
#include <net/if.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include "devices/virtio_net.h"
#include "devices/virtio_pci.h"

#define VIRTIO_ID_NET		1
#define NET_QSIZE		256
#define NET_RXQ			0
#define NET_TXQ			1
#define NET_HDR_LEN		12	/* virtio_net_hdr_v1, num_buffers included */
#define NET_MAX_FRAME		65550	/* a 65535-byte MTU's frame, with room to spare */
#define NET_RX_BATCH		64	/* frames a call before other sources get a turn */
#define NET_CFG_LEN		12	/* mac, status, max_virtqueue_pairs, mtu */
#define NET_STREAM_BUF		(2 * (4 + NET_MAX_FRAME))

/* Feature bits (include/uapi/linux/virtio_net.h; virtio 1.x, 5.1.3). */
#define VIRTIO_NET_F_CSUM		0
#define VIRTIO_NET_F_GUEST_CSUM		1
#define VIRTIO_NET_F_MTU		3
#define VIRTIO_NET_F_MAC		5
#define VIRTIO_NET_F_GUEST_TSO4		7
#define VIRTIO_NET_F_GUEST_TSO6		8
#define VIRTIO_NET_F_HOST_TSO4		11
#define VIRTIO_NET_F_HOST_TSO6		12
#define VIRTIO_NET_F_MRG_RXBUF		15
#define VIRTIO_NET_F_STATUS		16
#define VIRTIO_NET_S_LINK_UP		1

/* virtio_net_hdr_v1 (5.1.6): flags, gso_type, ..., num_buffers at 10. */
#define NET_HDR_NUM_BUFFERS		10
#define VIRTIO_NET_HDR_F_NEEDS_CSUM	1
#define VIRTIO_NET_HDR_F_DATA_VALID	2
#define VIRTIO_NET_HDR_GSO_NONE		0
#define VIRTIO_NET_HDR_GSO_TCPV4	1
#define VIRTIO_NET_HDR_GSO_TCPV6	4

#define NET_OFFLOADS	(1ULL << VIRTIO_NET_F_CSUM | 1ULL << VIRTIO_NET_F_GUEST_CSUM | \
			 1ULL << VIRTIO_NET_F_HOST_TSO4 | 1ULL << VIRTIO_NET_F_HOST_TSO6 | \
			 1ULL << VIRTIO_NET_F_GUEST_TSO4 | 1ULL << VIRTIO_NET_F_GUEST_TSO6)

/* A receive chain taken for the frame on its way: pushed once all of it is in. */
struct net_held {
	uint16_t head;
	uint32_t len;
};

struct virtio_net {
	struct virtio_pci vp;
	struct virtio_net_opts o;
	int fd;				/* the tap, or the stream to passt */
	bool stream;			/* passt's framing, no header */
	pid_t passt;			/* the passt we started, or 0 */
	bool offloads;			/* the tap takes TUNSETOFFLOAD: offered */
	uint8_t config[NET_CFG_LEN];
	struct ioloop_src src;
	/* Under the transport's lock. */
	bool offloads_set;		/* the driver's choice is the tap's, since its reset */
	bool down;			/* the back-end is gone: never read again */
	bool warned_fit;
	struct virtq_elem tx;
	struct iovec txv[VIRTQ_MAX_CHAIN + 1];	/* a stream frame: its length, its bytes */
	uint8_t txlen[4];
	struct virtq_elem rx;		/* the receive chain being filled */
	bool pending;			/* rxbuf holds a frame for the guest */
	size_t rx_len, done, coff;	/* its length (header included), bytes given, in @rx */
	struct net_held held[NET_QSIZE];
	unsigned int nheld;
	struct iovec hdr_iov[NET_HDR_LEN];	/* where the first chain takes the header */
	unsigned int nhdr_iov;
	uint8_t rxbuf[NET_HDR_LEN + NET_MAX_FRAME];
	uint8_t sbuf[NET_STREAM_BUF];	/* passt's bytes, not yet taken as frames */
	size_t s_off, s_len;
	/* The rest of a frame passt took only part of: out before any other. */
	uint8_t tbuf[4 + NET_MAX_FRAME];
	size_t t_off, t_len;
	bool watch_in;			/* the back-end watched for frames to receive */
};

/*
 * With the lock: the back-end's descriptor watched for frames (@on), and
 * for room while the rest of a frame waits to go to passt.
 */
static void net_watch(struct virtio_net *n, bool on)
{
	struct lk_err err;

	n->watch_in = on;
	if (ioloop_watch(n->vp.svc.loop, &n->src, on, n->t_len > 0, &err))
		warn("%s: %s", n->vp.name, err.msg);
}

/* With the lock: the back-end failed for good; the link goes down, once, with a warning. */
static void net_down(struct virtio_net *n, const char *why)
{
	int ws;

	if (n->down)
		return;
	n->down = true;
	bus_data_put(n->config + 6, 2, 0);
	virtio_pci_config_changed(&n->vp);
	if (n->passt > 0 && waitpid(n->passt, &ws, WNOHANG) == n->passt) {
		n->passt = 0;
		warn("%s: %s (passt exited with status %d); the link is down", n->vp.name, why,
		     WIFEXITED(ws) ? WEXITSTATUS(ws) : 128 + WTERMSIG(ws));
		return;
	}
	warn("%s: %s; the link is down", n->vp.name, why);
}

/* Copies up to @len bytes into the iovecs from byte @off of them on; returns how many. */
static size_t iov_to_at(const struct iovec *iov, unsigned int nr, size_t off, const uint8_t *src,
			size_t len)
{
	size_t done = 0, k;
	unsigned int i;

	for (i = 0; i < nr && done < len; i++) {
		if (off >= iov[i].iov_len) {
			off -= iov[i].iov_len;
			continue;
		}
		k = iov[i].iov_len - off < len - done ? iov[i].iov_len - off : len - done;
		memcpy((uint8_t *)iov[i].iov_base + off, src + done, k);
		done += k;
		off = 0;
	}
	return done;
}

/* ---- Transmit ---- */

static int net_tx_check(const struct virtq_elem *e, struct lk_err *err)
{
	if (e->nr_in)
		return err_set(err, LK_EXIT_CRASH, "transmit chain %u has device-writable buffers",
			       e->head);
	if (e->out_len < NET_HDR_LEN)
		return err_set(err, LK_EXIT_CRASH, "transmit chain %u: %u bytes, no room for the "
			       "%d-byte header", e->head, e->out_len, NET_HDR_LEN);
	if (e->out_len - NET_HDR_LEN > NET_MAX_FRAME)
		return err_set(err, LK_EXIT_CRASH, "transmit chain %u: a %u-byte frame, longer "
			       "than %d bytes", e->head, e->out_len - NET_HDR_LEN, NET_MAX_FRAME);
	return 0;
}

/* The rest of the frame passt took part of, as far as it takes it now. */
static void net_stream_flush(struct virtio_net *n)
{
	ssize_t r;

	if (!n->t_len || n->down)
		return;
	r = send(n->fd, n->tbuf + n->t_off, n->t_len, MSG_DONTWAIT | MSG_NOSIGNAL);
	if (r < 0 && errno != EAGAIN && errno != EINTR) {
		net_down(n, "sending to passt failed");
		n->t_len = 0;
	} else if (r > 0) {
		n->t_off += (size_t)r;
		n->t_len -= (size_t)r;
	}
	if (!n->t_len)
		net_watch(n, n->watch_in);	/* no more waiting for room */
}

/*
 * Half a frame is on the stream: the rest must follow before anything
 * else, or the stream is lost. It waits in tbuf until passt has room,
 * watched by the I/O loop; frames sent meanwhile are dropped, as a full
 * queue drops them.
 */
static void net_stream_rest(struct virtio_net *n, const struct iovec *iov, unsigned int nr,
			    size_t sent)
{
	unsigned int i;

	n->t_off = n->t_len = 0;
	for (i = 0; i < nr; i++) {
		size_t skip = sent < iov[i].iov_len ? sent : iov[i].iov_len;

		sent -= skip;
		memcpy(n->tbuf + n->t_len, (uint8_t *)iov[i].iov_base + skip, iov[i].iov_len - skip);
		n->t_len += iov[i].iov_len - skip;
	}
	net_watch(n, n->watch_in);
}

/* A frame to passt: its length, then the chain after the header. */
static void net_tx_stream(struct virtio_net *n, const struct virtq_elem *e)
{
	uint32_t len = e->out_len - NET_HDR_LEN;
	struct msghdr mh = { .msg_iov = n->txv };
	size_t skip = NET_HDR_LEN;
	unsigned int i, k = 1;
	ssize_t sent;

	if (n->down || n->t_len)
		return;		/* passt is behind: dropped */
	n->txlen[0] = (uint8_t)(len >> 24);
	n->txlen[1] = (uint8_t)(len >> 16);
	n->txlen[2] = (uint8_t)(len >> 8);
	n->txlen[3] = (uint8_t)len;
	n->txv[0] = (struct iovec){ n->txlen, 4 };
	for (i = 0; i < e->nr_out; i++) {
		if (skip >= e->out[i].iov_len) {
			skip -= e->out[i].iov_len;
			continue;
		}
		n->txv[k++] = (struct iovec){ (uint8_t *)e->out[i].iov_base + skip,
					      e->out[i].iov_len - skip };
		skip = 0;
	}
	mh.msg_iovlen = k;
	sent = sendmsg(n->fd, &mh, MSG_DONTWAIT | MSG_NOSIGNAL);
	if (sent < 0 && (errno == EAGAIN || errno == EINTR || errno == ENOBUFS))
		return;		/* dropped as a full queue drops it: none of it went */
	if (sent < 0)
		net_down(n, "sending to passt failed");
	else if ((size_t)sent < 4 + (size_t)len)
		net_stream_rest(n, n->txv, k, (size_t)sent);
}

static int64_t net_tx(void *ctx, const struct virtq_elem *e, struct lk_err *err)
{
	struct virtio_net *n = ctx;

	if (net_tx_check(e, err))
		return -1;
	if (n->stream)
		net_tx_stream(n, e);
	else if (writev(n->fd, e->out, (int)e->nr_out) < 0 && errno == EBADFD)
		net_down(n, "the tap is gone");
	/* Other failures (the interface is down, a header the tap refuses) drop the frame. */
	return 0;
}

/* ---- Receive ---- */

/* With the lock, once after DRIVER_OK: the tap gives what the driver accepted. */
static void net_offloads(struct virtio_net *n)
{
	unsigned int f = 0;

	if (n->offloads_set || !n->offloads)
		return;
	n->offloads_set = true;
	if (virtio_pci_has(&n->vp, VIRTIO_NET_F_GUEST_CSUM)) {
		f |= TUN_F_CSUM;
		if (virtio_pci_has(&n->vp, VIRTIO_NET_F_GUEST_TSO4))
			f |= TUN_F_TSO4;
		if (virtio_pci_has(&n->vp, VIRTIO_NET_F_GUEST_TSO6))
			f |= TUN_F_TSO6;
	}
	if (ioctl(n->fd, TUNSETOFFLOAD, f))
		warn("%s: TUNSETOFFLOAD 0x%x: %s", n->vp.name, f, strerror(errno));
}

/*
 * One frame from the tap into rxbuf: 1, 0 when it has none (or @may_read
 * is false: this turn's share is used), -1 when it is gone.
 */
static int net_read_tap(struct virtio_net *n, bool may_read)
{
	ssize_t r = may_read ? read(n->fd, n->rxbuf, sizeof(n->rxbuf)) : -1;

	if (r > 0) {
		n->rx_len = (size_t)r;
		return 1;
	}
	if (!may_read || errno == EAGAIN || errno == EINTR)
		return 0;
	net_down(n, r ? "reading the tap failed" : "the tap reported its end");
	return -1;
}

/*
 * The next frame of passt's stream into rxbuf, behind an empty header: as
 * above; what is buffered already is taken whatever @may_read says, since
 * no event would come for it.
 */
static int net_read_stream(struct virtio_net *n, bool may_read)
{
	for (;;) {
		size_t have = n->s_len - n->s_off;
		uint8_t *p = n->sbuf + n->s_off;
		uint32_t len = have >= 4 ? (uint32_t)p[0] << 24 | p[1] << 16 | p[2] << 8 | p[3] : 0;
		ssize_t r;

		if (have >= 4 && (!len || len > NET_MAX_FRAME)) {
			net_down(n, "passt sent a frame length out of range");
			return -1;
		}
		if (have >= 4 && have - 4 >= len) {
			memset(n->rxbuf, 0, NET_HDR_LEN);
			memcpy(n->rxbuf + NET_HDR_LEN, p + 4, len);
			n->s_off += 4 + len;
			n->rx_len = NET_HDR_LEN + len;
			return 1;
		}
		memmove(n->sbuf, p, have);
		n->s_off = 0;
		n->s_len = have;
		if (!may_read)
			return 0;
		r = read(n->fd, n->sbuf + have, sizeof(n->sbuf) - have);
		if (r > 0)
			n->s_len += (size_t)r;
		else if (r < 0 && (errno == EAGAIN || errno == EINTR))
			return 0;
		else {
			net_down(n, r ? "reading from passt failed" :
				 "passt closed the connection");
			return -1;
		}
	}
}

/*
 * Whether the frame's header suits the driver: what it did not accept
 * (a partial checksum, segmentation) is dropped, as a frame the tap had
 * queued before the driver's choice reached it may carry it (5.1.6.4).
 */
static bool net_rx_hdr_ok(struct virtio_net *n)
{
	uint8_t *h = n->rxbuf;

	if (!virtio_pci_has(&n->vp, VIRTIO_NET_F_GUEST_CSUM)) {
		h[0] &= (uint8_t)~VIRTIO_NET_HDR_F_DATA_VALID;
		if (h[0] & VIRTIO_NET_HDR_F_NEEDS_CSUM)
			return false;
	}
	switch (h[1]) {
	case VIRTIO_NET_HDR_GSO_NONE:
		return true;
	case VIRTIO_NET_HDR_GSO_TCPV4:
		return virtio_pci_has(&n->vp, VIRTIO_NET_F_GUEST_TSO4);
	case VIRTIO_NET_HDR_GSO_TCPV6:
		return virtio_pci_has(&n->vp, VIRTIO_NET_F_GUEST_TSO6);
	}
	return false;
}

/* Whether the frame read can go to the guest; without merged buffers it must fit @rx. */
static bool net_rx_accept(struct virtio_net *n)
{
	if (n->rx_len <= NET_HDR_LEN || !net_rx_hdr_ok(n))
		return false;		/* no frame behind the header, or one it cannot take */
	if (virtio_pci_has(&n->vp, VIRTIO_NET_F_MRG_RXBUF) || n->rx.in_len >= n->rx_len)
		return true;
	if (!n->warned_fit)
		warn("%s: a %zu-byte frame does not fit the guest's %u-byte receive buffer and the "
		     "driver did not take VIRTIO_NET_F_MRG_RXBUF: dropped", n->vp.name,
		     n->rx_len - NET_HDR_LEN, n->rx.in_len);
	n->warned_fit = true;
	return false;
}

/* The first chain's buffers that the header goes to. */
static void net_hdr_iov(struct virtio_net *n)
{
	size_t left = NET_HDR_LEN, k;
	unsigned int i;

	n->nhdr_iov = 0;
	for (i = 0; i < n->rx.nr_in && left; i++) {
		k = n->rx.in[i].iov_len < left ? n->rx.in[i].iov_len : left;
		if (!k)
			continue;
		n->hdr_iov[n->nhdr_iov++] = (struct iovec){ n->rx.in[i].iov_base, k };
		left -= k;
	}
}

/* One more receive chain: 1, 0 when the driver has none, -1 with @err when it is broken. */
static int net_rx_take(struct virtio_net *n, struct lk_err *err)
{
	int r;

	if (n->nheld == NET_QSIZE)
		return err_set(err, LK_EXIT_CRASH, "one frame took %d receive chains", NET_QSIZE);
	r = virtq_pop(&n->vp.q[NET_RXQ], &n->vp.svc.mem, &n->rx, err);
	if (r <= 0)
		return r;
	if (n->rx.nr_out || n->rx.in_len < NET_HDR_LEN)
		return err_set(err, LK_EXIT_CRASH, "receive chain %u: %u device-writable bytes and "
			       "%u device-readable; it needs %d writable and no readable ones",
			       n->rx.head, n->rx.in_len, n->rx.out_len, NET_HDR_LEN);
	n->held[n->nheld++] = (struct net_held){ n->rx.head, 0 };
	n->coff = 0;
	if (n->nheld == 1)
		net_hdr_iov(n);
	return 1;
}

/* The pending frame into the guest's chains: 1 once it is all in, 0 when they ran out, -1. */
static int net_rx_fill(struct virtio_net *n, struct lk_err *err)
{
	while (n->done < n->rx_len) {
		size_t k;

		if (!n->nheld || n->coff == n->rx.in_len) {
			int r = net_rx_take(n, err);

			if (r <= 0)
				return r;
		}
		k = iov_to_at(n->rx.in, n->rx.nr_in, n->coff, n->rxbuf + n->done,
			      n->rx_len - n->done);
		n->coff += k;
		n->done += k;
		n->held[n->nheld - 1].len = (uint32_t)n->coff;
	}
	return 1;
}

/* The frame is in: num_buffers into its header, its chains to the driver. */
static int net_rx_publish(struct virtio_net *n, struct lk_err *err)
{
	unsigned int i;

	bus_data_put(n->rxbuf + NET_HDR_NUM_BUFFERS, 2, n->nheld);
	iov_from_buf(n->hdr_iov, n->nhdr_iov, n->rxbuf, NET_HDR_LEN);
	n->pending = false;
	for (i = 0; i < n->nheld; i++)
		if (virtq_push(&n->vp.q[NET_RXQ], &n->vp.svc.mem, n->held[i].head, n->held[i].len,
			       err))
			return -1;
	n->nheld = 0;
	return 0;
}

/*
 * One step: a frame from the back-end, once a chain is in hand, into the
 * guest, while *@budget lasts. 1 when one was pushed, 0 to wait (*@watch:
 * for the back-end, else for the doorbell), -1 with @err for a broken queue.
 */
static int net_rx_one(struct virtio_net *n, unsigned int *budget, bool *watch,
		      struct lk_err *err)
{
	int r;

	*watch = false;
	while (!n->pending) {
		if (!n->nheld && (r = net_rx_take(n, err)) <= 0)
			return r;
		r = n->stream ? net_read_stream(n, *budget > 0) : net_read_tap(n, *budget > 0);
		if (r <= 0) {
			*watch = !r;
			return 0;
		}
		*budget -= *budget > 0;
		n->pending = net_rx_accept(n);
		n->done = 0;
	}
	r = net_rx_fill(n, err);
	if (r <= 0)
		return r;
	return net_rx_publish(n, err) ? -1 : 1;
}

/* With the lock: frames into the guest while both sides have some; then who wakes us. */
static void net_rx(struct virtio_net *n)
{
	unsigned int frames = 0, budget = NET_RX_BATCH;
	bool watch = false;
	struct lk_err err;
	int r;

	if (n->down || !virtio_pci_live(&n->vp, NET_RXQ)) {
		net_watch(n, false);
		return;
	}
	net_offloads(n);
	/* A turn ends where the budget does: epoll says again if the back-end has more. */
	while ((r = net_rx_one(n, &budget, &watch, &err)) > 0)
		frames++;
	if (r < 0)
		virtio_pci_broken(&n->vp, NET_RXQ, &err);
	else if (frames)
		virtio_pci_queue_interrupt(&n->vp, NET_RXQ);
	net_watch(n, r >= 0 && watch);
}

/* The I/O loop: the back-end has a frame (or hung up). */
static void net_ready(void *ctx)
{
	struct virtio_net *n = ctx;

	virtio_pci_lock(&n->vp);
	net_stream_flush(n);
	net_rx(n);
	virtio_pci_unlock(&n->vp);
}

/* ---- The device ---- */

static void net_queue_notify(void *dev, struct virtio_pci *vp, unsigned int q)
{
	struct virtio_net *n = dev;

	if (q == NET_TXQ)
		virtio_pci_serve(vp, q, &n->tx, net_tx, n);
	else
		net_rx(n);	/* new receive chains */
}

static void net_config_read(void *dev, uint32_t off, uint8_t *data, uint32_t len)
{
	struct virtio_net *n = dev;

	memcpy(data, n->config + off, len);
}

static void net_reset(void *dev)
{
	struct virtio_net *n = dev;

	/* The chains held are the driver's again; a frame half given is lost, as on a NIC. */
	n->pending = false;
	n->nheld = 0;
	n->offloads_set = false;
	net_watch(n, false);
}

static const struct virtio_ops net_ops = {
	.name = "virtio-net",
	.type = VIRTIO_ID_NET,
	.class_code = 0x020000,		/* network, Ethernet */
	.nr_queues = 2,
	.queue_size = NET_QSIZE,
	.config_len = NET_CFG_LEN,
	.config_read = net_config_read,
	.queue_notify = net_queue_notify,
	.reset = net_reset,
};

/* ---- Back-ends ---- */

/* A refused /dev/net/tun or TUNSETIFF, with what to do about it. */
static int net_tun_err(const char *name, const char *what, struct lk_err *err)
{
	int e = errno;

	if (e == EPERM || e == EACCES)
		return err_set(err, LK_EXIT_HOST, "-n tapif=%s: %s: %s: this needs CAP_NET_ADMIN, "
			       "or create the tap beforehand with `ip tuntap add %s mode tap user "
			       "$USER`", name, what, strerror(e), name);
	if (e == ENOENT)
		return err_set(err, LK_EXIT_HOST, "-n tapif=%s: /dev/net/tun does not exist (the "
			       "tun module: modprobe tun)", name);
	return err_set(err, LK_EXIT_HOST, "-n tapif=%s: %s: %s%s", name, what, strerror(e),
		       e == EBUSY ? " (another process has the tap open)" :
		       e == EINVAL ? " (is it an interface other than a tap?)" : "");
}

/* The tap's MTU, for the driver (VIRTIO_NET_F_MTU). */
static int net_tap_mtu(const char *name, uint16_t *mtu, struct lk_err *err)
{
	struct ifreq ifr = { 0 };
	int s = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0), r;

	if (s < 0)
		return err_sys(err, "-n tapif=%s: socket", name);
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", name);
	r = ioctl(s, SIOCGIFMTU, &ifr);
	close(s);
	if (r)
		return err_sys(err, "-n tapif=%s: SIOCGIFMTU", name);
	*mtu = ifr.ifr_mtu > 0xffff ? 0xffff : (uint16_t)ifr.ifr_mtu;
	return 0;
}

/* mode=tap: the interface opened, or created; the offloads it takes, its MTU. */
static int net_tap_open(struct virtio_net *n, uint16_t *mtu, struct lk_err *err)
{
	const char *name = n->o.tapif;
	struct ifreq ifr = { .ifr_flags = IFF_TAP | IFF_NO_PI | IFF_VNET_HDR };
	int hdr = NET_HDR_LEN;

	n->fd = open("/dev/net/tun", O_RDWR | O_NONBLOCK | O_CLOEXEC);
	if (n->fd < 0)
		return net_tun_err(name, "/dev/net/tun", err);
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", name);
	if (ioctl(n->fd, TUNSETIFF, &ifr))
		return net_tun_err(name, "TUNSETIFF", err);
	if (ioctl(n->fd, TUNSETVNETHDRSZ, &hdr))
		return err_sys(err, "-n tapif=%s: TUNSETVNETHDRSZ %d", name, hdr);
	/* Offered only if the tap takes them; off until the driver says what it takes. */
	n->offloads = !ioctl(n->fd, TUNSETOFFLOAD, TUN_F_CSUM | TUN_F_TSO4 | TUN_F_TSO6);
	if (n->offloads && ioctl(n->fd, TUNSETOFFLOAD, 0))
		return err_sys(err, "-n tapif=%s: TUNSETOFFLOAD 0", name);
	return net_tap_mtu(name, mtu, err);
}

/* mode=user,socket=PATH: a passt that is running already. */
static int net_passt_connect(struct virtio_net *n, struct lk_err *err)
{
	struct sockaddr_un a = { .sun_family = AF_UNIX };

	snprintf(a.sun_path, sizeof(a.sun_path), "%s", n->o.socket);
	n->fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (n->fd < 0)
		return err_sys(err, "-n socket=%s: socket", n->o.socket);
	if (connect(n->fd, (struct sockaddr *)&a, sizeof(a)))
		return err_set(err, LK_EXIT_USAGE, "-n socket=%s: %s (is passt listening there? "
			       "passt --socket %s)", n->o.socket, strerror(errno), n->o.socket);
	return 0;
}

/*
 * mode=user: passt in the foreground on one end of a socket pair (--fd,
 * which also makes it quit once lkvm-sev closes the other end), in a
 * process group of its own so that Ctrl-C reaches lkvm-sev alone, with
 * default signals and its chatter (it writes to stderr even with -q) in
 * /dev/null: lkvm-sev's stderr is one line a failure.
 */
static int net_passt_start(struct virtio_net *n, struct lk_err *err)
{
	posix_spawn_file_actions_t fa;
	posix_spawnattr_t at;
	sigset_t none, dfl;
	char fdarg[16];
	char *argv[] = { (char *)"passt", (char *)"-f", (char *)"-q", (char *)"--fd", fdarg, NULL };
	int sv[2], r;

	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv))
		return err_sys(err, "-n mode=user: socketpair");
	snprintf(fdarg, sizeof(fdarg), "%d", sv[1]);
	sigemptyset(&none);
	sigemptyset(&dfl);
	sigaddset(&dfl, SIGINT);
	sigaddset(&dfl, SIGTERM);
	sigaddset(&dfl, SIGPIPE);
	sigaddset(&dfl, SIGHUP);
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_adddup2(&fa, sv[1], sv[1]);	/* clears close-on-exec */
	posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
	posix_spawn_file_actions_addopen(&fa, 1, "/dev/null", O_WRONLY, 0);
	posix_spawn_file_actions_addopen(&fa, 2, "/dev/null", O_WRONLY, 0);
	posix_spawnattr_init(&at);
	posix_spawnattr_setsigmask(&at, &none);
	posix_spawnattr_setsigdefault(&at, &dfl);
	posix_spawnattr_setpgroup(&at, 0);
	posix_spawnattr_setflags(&at, POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF |
				 POSIX_SPAWN_SETPGROUP);
	r = posix_spawnp(&n->passt, "passt", &fa, &at, argv, environ);
	posix_spawn_file_actions_destroy(&fa);
	posix_spawnattr_destroy(&at);
	close(sv[1]);
	n->fd = sv[0];
	if (!r)
		return 0;
	n->passt = 0;
	if (r == ENOENT)
		return err_set(err, LK_EXIT_HOST, "-n mode=user: passt is not installed (not in "
			       "PATH): install the passt package");
	return err_set(err, LK_EXIT_HOST, "-n mode=user: starting passt: %s", strerror(r));
}

/* The back-end the options name, non-blocking; @mtu is 0 where it has none to offer. */
static int net_backend(struct virtio_net *n, uint16_t *mtu, struct lk_err *err)
{
	int r;

	*mtu = 0;
	if (n->o.mode == VIRTIO_NET_TAP)
		return net_tap_open(n, mtu, err);
	n->stream = true;
	r = n->o.socket ? net_passt_connect(n, err) : net_passt_start(n, err);
	if (!r && fcntl(n->fd, F_SETFL, O_NONBLOCK))
		return err_sys(err, "-n mode=user: O_NONBLOCK");
	return r;
}

static void net_destroy(void *dev)
{
	struct virtio_net *n = dev;

	if (n->vp.svc.loop)
		ioloop_del(n->vp.svc.loop, &n->src);
	virtio_pci_destroy(&n->vp);
	if (n->fd >= 0)
		close(n->fd);	/* passt quits when its end closes (--fd) */
	if (n->passt > 0) {
		kill(n->passt, SIGTERM);
		while (waitpid(n->passt, NULL, 0) < 0 && errno == EINTR)
			;
	}
	free(n);
}

static void *net_realize(const struct dev_services *svc, const void *opts, struct lk_err *err)
{
	struct virtio_net *n = calloc(1, sizeof(*n));
	uint16_t mtu;

	if (!n) {
		err_sys(err, "virtio-net: allocating its state");
		return NULL;
	}
	n->o = *(const struct virtio_net_opts *)opts;
	n->fd = -1;
	n->src.fd = -1;
	if (virtio_pci_init(&n->vp, &net_ops, n, svc, err) || net_backend(n, &mtu, err) ||
	    ioloop_add(svc->loop, &n->src, n->fd, net_ready, n, err) ||
	    ioloop_enable(svc->loop, &n->src, false, err)) {
		net_destroy(n);
		return NULL;
	}
	n->vp.features = 1ULL << VIRTIO_NET_F_MAC | 1ULL << VIRTIO_NET_F_STATUS |
			 1ULL << VIRTIO_NET_F_MRG_RXBUF | (mtu ? 1ULL << VIRTIO_NET_F_MTU : 0) |
			 (n->offloads ? NET_OFFLOADS : 0);
	memcpy(n->config, n->o.mac, 6);
	bus_data_put(n->config + 6, 2, VIRTIO_NET_S_LINK_UP);
	bus_data_put(n->config + 8, 2, 1);		/* max_virtqueue_pairs */
	bus_data_put(n->config + 10, 2, mtu);
	return n;
}

const struct device_type virtio_net_type = {
	.name = "virtio-net",
	.realize = net_realize,
	.destroy = net_destroy,
};

/* ---- Options ---- */

/* Six hex bytes with colons, a unicast address other than zero. */
static bool net_parse_mac(const char *s, uint8_t *mac)
{
	unsigned int i;
	char hex[3] = { 0 };

	if (strlen(s) != 17)
		return false;
	for (i = 0; i < 6; i++) {
		if (!isxdigit((unsigned char)s[3 * i]) || !isxdigit((unsigned char)s[3 * i + 1]) ||
		    (i < 5 && s[3 * i + 2] != ':'))
			return false;
		memcpy(hex, s + 3 * i, 2);
		mac[i] = (uint8_t)strtoul(hex, NULL, 16);
	}
	return !(mac[0] & 1) && (mac[0] | mac[1] | mac[2] | mac[3] | mac[4] | mac[5]);
}

/* What Linux takes as an interface name (dev_valid_name). */
static bool net_ifname_ok(const char *s)
{
	return *s && strlen(s) < IFNAMSIZ && strcmp(s, ".") && strcmp(s, "..") &&
	       !strpbrk(s, "/: \t\n");
}

static int net_opt(struct virtio_net_opts *o, const char *key, const char *val,
		   struct lk_err *err)
{
	if (!strcmp(key, "mode")) {
		if (strcmp(val, "tap") && strcmp(val, "user"))
			return err_set(err, LK_EXIT_USAGE, "-n mode=%s: not one of tap, user", val);
		o->mode = strcmp(val, "tap") ? VIRTIO_NET_USER : VIRTIO_NET_TAP;
	} else if (!strcmp(key, "tapif")) {
		if (!net_ifname_ok(val))
			return err_set(err, LK_EXIT_USAGE, "-n tapif=%s: not an interface name "
				       "(1 to %d characters, no '/', ':' or spaces)", val,
				       IFNAMSIZ - 1);
		o->tapif = val;
	} else if (!strcmp(key, "guest_mac")) {
		if (!net_parse_mac(val, o->mac))
			return err_set(err, LK_EXIT_USAGE, "-n guest_mac=%s: not a unicast MAC "
				       "address (six hex bytes: 52:54:00:12:34:56)", val);
	} else if (!strcmp(key, "socket")) {
		if (!*val || strlen(val) >= sizeof(((struct sockaddr_un *)0)->sun_path))
			return err_set(err, LK_EXIT_USAGE, "-n socket=%s: not a Unix socket path "
				       "(1 to 107 characters)", val);
		o->socket = val;
	} else {
		return err_set(err, LK_EXIT_USAGE, "-n %s=%s: unknown key (mode, tapif, guest_mac, "
			       "socket)", key, val);
	}
	return 0;
}

int virtio_net_parse(char *arg, unsigned int index, struct virtio_net_opts *o,
		     struct lk_err *err)
{
	char *key, *val, *save = NULL;

	*o = (struct virtio_net_opts){ .mode = VIRTIO_NET_USER,
				       .mac = { 0x52, 0x54, 0x00, 0x12, 0x34,
						(uint8_t)(0x56 + index) } };
	for (key = strtok_r(arg, ",", &save); key; key = strtok_r(NULL, ",", &save)) {
		val = strchr(key, '=');
		if (!val)
			return err_set(err, LK_EXIT_USAGE, "-n %s: not KEY=VALUE (keys: mode, "
				       "tapif, guest_mac, socket)", key);
		*val++ = '\0';
		if (net_opt(o, key, val, err))
			return -1;
	}
	if (o->mode == VIRTIO_NET_TAP && !o->tapif)
		return err_set(err, LK_EXIT_USAGE, "-n mode=tap: needs tapif=NAME (the tap to open "
			       "or create)");
	if (o->mode == VIRTIO_NET_USER && o->tapif)
		return err_set(err, LK_EXIT_USAGE, "-n tapif=%s: goes with mode=tap", o->tapif);
	if (o->mode == VIRTIO_NET_TAP && o->socket)
		return err_set(err, LK_EXIT_USAGE, "-n socket=%s: goes with mode=user", o->socket);
	return 0;
}
