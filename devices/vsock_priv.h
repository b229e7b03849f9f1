/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * virtio-vsock's insides, shared by the device (devices/virtio_vsock.c:
 * queues, packets, credit) and the host side (devices/vsock_host.c: Unix
 * sockets, the CONNECT handshake). All of it runs on the I/O loop, under
 * the transport's lock.
 */
#ifndef LKVM_DEVICES_VSOCK_PRIV_H
#define LKVM_DEVICES_VSOCK_PRIV_H

#include <sys/uio.h>

#include "devices/virtio_pci.h"
#include "devices/virtio_vsock.h"

#define VSOCK_RXQ		0
#define VSOCK_TXQ		1
#define VSOCK_EVTQ		2
/* The host ports lkvm-sev gives host-initiated connections, counting up. */
#define VSOCK_FIRST_HOST_PORT	1024

enum vsock_state {
	VSOCK_FREE,
	VSOCK_HOST_LINE,	/* a host program connected; its "CONNECT P\n" is coming */
	VSOCK_CONNECTING,	/* REQUEST sent to the guest, its RESPONSE awaited */
	VSOCK_CONNECTED,
	VSOCK_RESETTING,	/* an RST owed to the guest, then free (no host end) */
};

struct virtio_vsock;

struct vsock_conn {
	struct virtio_vsock *v;
	enum vsock_state state;
	int fd;				/* the host end, or -1 */
	struct ioloop_src src;
	uint32_t local_port, peer_port;	/* the host's port, the guest's */
	unsigned int owed;		/* control packets owed to the guest: 1 << op */
	uint32_t shut_flags;		/* those of an owed SHUTDOWN */
	/* Host to guest: what the guest said of its buffer, what we sent. */
	uint32_t peer_buf_alloc, peer_fwd_cnt, tx_cnt;
	bool readable;			/* the socket has bytes the guest has not taken */
	bool host_eof;			/* the host sends no more */
	/* Guest to host: bytes received, forwarded to the socket, last told the guest. */
	uint32_t rx_cnt, fwd_cnt, fwd_cnt_told;
	uint8_t *buf;			/* VSOCK_BUF_ALLOC bytes: received, not yet forwarded */
	uint32_t buf_head, buf_len;
	bool guest_shut_send, guest_shut_rcv;
	char line[24];			/* the CONNECT line so far */
	unsigned int line_len;
};

struct virtio_vsock {
	struct virtio_pci vp;
	struct virtio_vsock_opts o;
	struct ioloop *loop;
	int listen_fd;
	struct ioloop_src listen_src;
	bool listening;			/* o.path is ours to remove */
	uint32_t next_port;
	struct virtq_elem rx_elem, tx_elem;
	bool rx_have;			/* rx_elem popped, not yet used */
	bool rx_pushed;			/* since the last interrupt */
	struct iovec scratch[VIRTQ_MAX_CHAIN];
	struct vsock_conn conns[VSOCK_MAX_CONNS];
};

/* Bytes the guest can take from @c now: its buffer less what is in flight to it. */
static inline uint32_t vsock_peer_credit(const struct vsock_conn *c)
{
	uint32_t in_flight = c->tx_cnt - c->peer_fwd_cnt;

	return in_flight < c->peer_buf_alloc ? c->peer_buf_alloc - in_flight : 0;
}

/* devices/virtio_vsock.c */
void vsock_rx_flush(struct virtio_vsock *v);

/* devices/vsock_host.c */
struct vsock_conn *vsock_conn_new(struct virtio_vsock *v, enum vsock_state state, int fd);
struct vsock_conn *vsock_conn_find(struct virtio_vsock *v, uint32_t local, uint32_t peer);
void vsock_conn_close(struct vsock_conn *c);
/* The guest's REQUEST to the host's port: a connection to PATH_PORT, or an RST. */
void vsock_guest_connect(struct virtio_vsock *v, const struct vsock_hdr *h);
/* The guest's RESPONSE to a host program's CONNECT: "OK <port>\n" to it. */
void vsock_host_accepted(struct vsock_conn *c);
void vsock_host_shutdown(struct vsock_conn *c, uint32_t flags);
/* The guest's @len bytes in @iov to the socket; what it does not take, into the buffer. */
void vsock_host_send(struct vsock_conn *c, const struct iovec *iov, unsigned int n,
		     uint32_t len);
/* The socket said end of file (@eof) or failed. */
void vsock_host_gone(struct vsock_conn *c, bool eof);
/* Every host end watched for what it can do now. */
void vsock_host_watch_all(struct virtio_vsock *v);
int vsock_host_listen(struct virtio_vsock *v, const struct dev_services *svc,
		      struct lk_err *err);
void vsock_host_destroy(struct virtio_vsock *v);

#endif
