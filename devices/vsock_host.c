// SPDX-License-Identifier: GPL-2.0-only
/*
 * virtio-vsock's host side: the connection table, the Unix sockets that
 * are each connection's host end, and the two ways a connection starts
 * (Firecracker's hybrid vsock): a guest connect() to the host's port P
 * connects to PATH_P; a host program connects to PATH and writes
 * "CONNECT P\n", lkvm-sev asks the guest's port P and answers "OK <port>\n"
 * once the guest accepts, or closes the connection if it refuses.
 *
 * Sockets are non-blocking and watched by the I/O loop only for what can
 * make progress now, so a stalled reader on either side costs nothing.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "devices/vsock_priv.h"

/* Credit is told the guest again once this much has been forwarded since. */
#define VSOCK_CREDIT_TELL	(VSOCK_BUF_ALLOC / 4)

static void vsock_host_ready(void *ctx);

struct vsock_conn *vsock_conn_new(struct virtio_vsock *v, enum vsock_state state, int fd)
{
	struct lk_err err;
	unsigned int i;

	for (i = 0; i < VSOCK_MAX_CONNS && v->conns[i].state != VSOCK_FREE; i++)
		;
	if (i == VSOCK_MAX_CONNS)
		return NULL;
	v->conns[i] = (struct vsock_conn){ .v = v, .state = state, .fd = -1, .src.fd = -1 };
	if (fd < 0)
		return &v->conns[i];
	v->conns[i].buf = malloc(VSOCK_BUF_ALLOC);
	if (!v->conns[i].buf || ioloop_add(v->loop, &v->conns[i].src, fd, vsock_host_ready,
					   &v->conns[i], &err)) {
		free(v->conns[i].buf);
		v->conns[i].state = VSOCK_FREE;
		return NULL;
	}
	v->conns[i].fd = fd;
	return &v->conns[i];
}

struct vsock_conn *vsock_conn_find(struct virtio_vsock *v, uint32_t local, uint32_t peer)
{
	unsigned int i;

	for (i = 0; i < VSOCK_MAX_CONNS; i++)
		if (v->conns[i].state != VSOCK_FREE && v->conns[i].local_port == local &&
		    v->conns[i].peer_port == peer)
			return &v->conns[i];
	return NULL;
}

void vsock_conn_close(struct vsock_conn *c)
{
	if (c->fd >= 0) {
		ioloop_forget(c->v->loop, &c->src);
		close(c->fd);
	}
	free(c->buf);
	*c = (struct vsock_conn){ .v = c->v, .state = VSOCK_FREE, .fd = -1, .src.fd = -1 };
}

/* The host end is gone or failed: an RST to the guest, then the slot is free. */
static void vsock_conn_reset(struct vsock_conn *c)
{
	struct vsock_conn keep = *c;

	c->buf = NULL;
	c->fd = -1;
	if (keep.fd >= 0) {
		ioloop_forget(c->v->loop, &c->src);
		close(keep.fd);
	}
	free(keep.buf);
	c->state = VSOCK_RESETTING;
	c->owed = 1u << VSOCK_OP_RST;
}

void vsock_host_gone(struct vsock_conn *c, bool eof)
{
	if (!eof) {
		vsock_conn_reset(c);
		return;
	}
	/* It sends no more; it may still read what the guest sends (a half close). */
	c->host_eof = true;
	c->shut_flags = VSOCK_SHUTDOWN_SEND;
	c->owed |= 1u << VSOCK_OP_SHUTDOWN;
}

/* Bytes forwarded: credit told the guest when enough has come free. */
static void vsock_forwarded(struct vsock_conn *c, uint32_t n)
{
	c->fwd_cnt += n;
	if (c->fwd_cnt - c->fwd_cnt_told >= VSOCK_CREDIT_TELL)
		c->owed |= 1u << VSOCK_OP_CREDIT_UPDATE;
}

/* The guest said it sends no more and everything is out: the host reads end of file. */
static void vsock_host_drained(struct vsock_conn *c)
{
	if (c->buf_len)
		return;
	if (c->guest_shut_send && c->guest_shut_rcv) {
		vsock_conn_reset(c);	/* as Linux: both shut, the receiver resets */
		return;
	}
	if (c->guest_shut_send)
		shutdown(c->fd, SHUT_WR);
}

/* The buffer to the socket, as much as it takes. */
static void vsock_host_drain(struct vsock_conn *c)
{
	uint32_t first = c->buf_len < VSOCK_BUF_ALLOC - c->buf_head ? c->buf_len :
			 VSOCK_BUF_ALLOC - c->buf_head;
	struct iovec iov[2] = { { c->buf + c->buf_head, first }, { c->buf, c->buf_len - first } };
	struct msghdr m = { .msg_iov = iov, .msg_iovlen = c->buf_len > first ? 2 : 1 };
	ssize_t r = sendmsg(c->fd, &m, MSG_NOSIGNAL | MSG_DONTWAIT);

	if (r < 0) {
		if (errno != EAGAIN && errno != EINTR)
			vsock_conn_reset(c);
		return;
	}
	c->buf_head = (c->buf_head + (uint32_t)r) % VSOCK_BUF_ALLOC;
	c->buf_len -= (uint32_t)r;
	vsock_forwarded(c, (uint32_t)r);
	vsock_host_drained(c);
}

/* @len bytes from @iov after @skip into the buffer (room is certain: the credit). */
static void vsock_buffer(struct vsock_conn *c, const struct iovec *iov, unsigned int n,
			 size_t skip, uint32_t len)
{
	unsigned int i;

	for (i = 0; i < n && len; i++) {
		const uint8_t *p = iov[i].iov_base;
		size_t l = iov[i].iov_len;

		if (skip >= l) {
			skip -= l;
			continue;
		}
		p += skip;
		l -= skip;
		skip = 0;
		while (l && len) {
			uint32_t at = (c->buf_head + c->buf_len) % VSOCK_BUF_ALLOC;
			uint32_t room = VSOCK_BUF_ALLOC - at, k = (uint32_t)(l < room ? l : room);

			memcpy(c->buf + at, p, k);
			c->buf_len += k;
			p += k;
			l -= k;
			len -= k;
		}
	}
}

void vsock_host_send(struct vsock_conn *c, const struct iovec *iov, unsigned int n,
		     uint32_t len)
{
	struct msghdr m = { .msg_iov = (struct iovec *)iov, .msg_iovlen = n };
	ssize_t r = 0;

	if (c->guest_shut_send)
		return;		/* data after its SHUTDOWN: dropped, as Linux drops it */
	if (!c->buf_len) {
		r = sendmsg(c->fd, &m, MSG_NOSIGNAL | MSG_DONTWAIT);
		if (r < 0 && errno != EAGAIN && errno != EINTR) {
			vsock_conn_reset(c);
			return;
		}
		r = r < 0 ? 0 : r;
		vsock_forwarded(c, (uint32_t)r);
	}
	vsock_buffer(c, iov, n, (size_t)r, len - (uint32_t)r);
}

void vsock_host_shutdown(struct vsock_conn *c, uint32_t flags)
{
	c->guest_shut_send |= !!(flags & VSOCK_SHUTDOWN_SEND);
	c->guest_shut_rcv |= !!(flags & VSOCK_SHUTDOWN_RCV);
	if (c->guest_shut_rcv)
		c->readable = false;
	vsock_host_drained(c);
}

void vsock_guest_connect(struct virtio_vsock *v, const struct vsock_hdr *h)
{
	struct sockaddr_un a = { .sun_family = AF_UNIX };
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	struct vsock_conn *c = NULL;

	snprintf(a.sun_path, sizeof(a.sun_path), "%s_%u", v->o.path, h->dst_port);
	if (fd >= 0 && !connect(fd, (struct sockaddr *)&a, sizeof(a)))
		c = vsock_conn_new(v, VSOCK_CONNECTED, fd);
	if (!c) {
		if (fd >= 0)
			close(fd);
		c = vsock_conn_new(v, VSOCK_RESETTING, -1);	/* nobody listens there */
		if (!c)
			return;
	}
	c->local_port = h->dst_port;
	c->peer_port = h->src_port;
	c->peer_buf_alloc = h->buf_alloc;
	c->peer_fwd_cnt = h->fwd_cnt;
	c->owed = 1u << (c->state == VSOCK_CONNECTED ? VSOCK_OP_RESPONSE : VSOCK_OP_RST);
}

void vsock_host_accepted(struct vsock_conn *c)
{
	char ok[24];
	int n;

	if (c->state != VSOCK_CONNECTING)
		return;
	c->state = VSOCK_CONNECTED;
	n = snprintf(ok, sizeof(ok), "OK %u\n", c->local_port);
	/* A fresh socket's buffer takes a line; if not, the program was not listening. */
	if (send(c->fd, ok, (size_t)n, MSG_NOSIGNAL | MSG_DONTWAIT) != n)
		vsock_conn_reset(c);
}

/* A host port no connection uses, for a host-initiated connection. */
static uint32_t vsock_host_port(struct virtio_vsock *v, uint32_t peer)
{
	while (vsock_conn_find(v, v->next_port, peer) || v->next_port < VSOCK_FIRST_HOST_PORT)
		v->next_port++;
	return v->next_port++;
}

/* "CONNECT P\n", read without taking a byte beyond it: then the guest is asked. */
static void vsock_host_line(struct vsock_conn *c)
{
	char *end, *nl;
	unsigned long port;
	ssize_t r = recv(c->fd, c->line + c->line_len, sizeof(c->line) - 1 - c->line_len,
			 MSG_PEEK | MSG_DONTWAIT);

	if (r <= 0) {
		if (r == 0 || (errno != EAGAIN && errno != EINTR))
			vsock_conn_close(c);
		return;
	}
	c->line[c->line_len + (size_t)r] = '\0';
	nl = strchr(c->line + c->line_len, '\n');
	r = nl ? nl - (c->line + c->line_len) + 1 : r;
	if (recv(c->fd, c->line + c->line_len, (size_t)r, MSG_DONTWAIT) != r) {
		vsock_conn_close(c);
		return;
	}
	c->line_len += (unsigned int)r;
	if (!nl) {
		if (c->line_len == sizeof(c->line) - 1)
			vsock_conn_close(c);	/* no line of this length is a CONNECT */
		return;
	}
	*nl = '\0';
	if (strncmp(c->line, "CONNECT ", 8) || c->line[8] < '0' || c->line[8] > '9') {
		vsock_conn_close(c);
		return;
	}
	errno = 0;
	port = strtoul(c->line + 8, &end, 10);
	if (errno || *end || port > UINT32_MAX) {
		vsock_conn_close(c);
		return;
	}
	c->state = VSOCK_CONNECTING;
	c->peer_port = (uint32_t)port;
	c->local_port = vsock_host_port(c->v, c->peer_port);
	c->owed = 1u << VSOCK_OP_REQUEST;
}

/* The I/O loop: a host end is readable or writable (or was, before it closed). */
static void vsock_host_ready(void *ctx)
{
	struct vsock_conn *c = ctx;
	struct virtio_vsock *v = c->v;

	virtio_pci_lock(&v->vp);
	if (c->fd >= 0 && c->state == VSOCK_HOST_LINE) {
		vsock_host_line(c);
	} else if (c->fd >= 0 && c->state == VSOCK_CONNECTED) {
		if (c->buf_len)
			vsock_host_drain(c);
		if (c->fd >= 0 && !c->host_eof && !c->guest_shut_rcv)
			c->readable = true;
	}
	vsock_rx_flush(v);
	virtio_pci_unlock(&v->vp);
}

static void vsock_host_watch(struct vsock_conn *c)
{
	bool in = c->state == VSOCK_HOST_LINE ||
		  (c->state == VSOCK_CONNECTED && !c->readable && !c->host_eof &&
		   !c->guest_shut_rcv && vsock_peer_credit(c));
	bool out = c->state == VSOCK_CONNECTED && c->buf_len;
	struct lk_err err;

	if (ioloop_watch(c->v->loop, &c->src, in, out, &err)) {
		warn("virtio-vsock: %s", err.msg);
		vsock_conn_reset(c);
	}
}

void vsock_host_watch_all(struct virtio_vsock *v)
{
	unsigned int i;

	for (i = 0; i < VSOCK_MAX_CONNS; i++)
		if (v->conns[i].fd >= 0)
			vsock_host_watch(&v->conns[i]);
}

/* The I/O loop: host programs connecting to PATH. */
static void vsock_host_accept(void *ctx)
{
	struct virtio_vsock *v = ctx;
	int fd;

	virtio_pci_lock(&v->vp);
	while ((fd = accept4(v->listen_fd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC)) >= 0)
		if (!vsock_conn_new(v, VSOCK_HOST_LINE, fd))
			close(fd);	/* the table is full: the program sees its end close */
	virtio_pci_unlock(&v->vp);
}

/* Whether a socket at @path is a leftover nobody listens on. */
static bool vsock_stale(const struct sockaddr_un *a)
{
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	bool stale = fd >= 0 && connect(fd, (const struct sockaddr *)a, sizeof(*a)) &&
		     errno == ECONNREFUSED;

	if (fd >= 0)
		close(fd);
	return stale;
}

int vsock_host_listen(struct virtio_vsock *v, const struct dev_services *svc,
		      struct lk_err *err)
{
	struct sockaddr_un a = { .sun_family = AF_UNIX };
	struct stat st;

	v->loop = svc->loop;
	snprintf(a.sun_path, sizeof(a.sun_path), "%s", v->o.path);
	v->listen_fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (v->listen_fd < 0)
		return err_sys(err, "--vsock socket=%s: socket", v->o.path);
	if (!lstat(v->o.path, &st) && S_ISSOCK(st.st_mode) && vsock_stale(&a))
		unlink(v->o.path);
	if (bind(v->listen_fd, (struct sockaddr *)&a, sizeof(a)))
		return err_set(err, LK_EXIT_USAGE, "--vsock socket=%s: %s", v->o.path,
			       errno == EADDRINUSE ? "in use (another lkvm-sev, or a file of "
			       "that name)" : strerror(errno));
	v->listening = true;
	if (listen(v->listen_fd, 16))
		return err_sys(err, "--vsock socket=%s: listen", v->o.path);
	return ioloop_add(v->loop, &v->listen_src, v->listen_fd, vsock_host_accept, v, err);
}

void vsock_host_destroy(struct virtio_vsock *v)
{
	if (v->listen_fd >= 0) {
		ioloop_del(v->loop, &v->listen_src);
		close(v->listen_fd);
	}
	if (v->listening)
		unlink(v->o.path);
}
