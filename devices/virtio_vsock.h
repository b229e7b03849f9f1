/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * virtio-vsock (--vsock cid=N,socket=PATH): stream sockets between the
 * guest and host programs, served in lkvm-sev itself (no vhost-vsock) and
 * bridged to Unix sockets as Firecracker's hybrid vsock does: a guest's
 * connect() to CID 2, port P, reaches the Unix socket PATH_P; a host
 * program connects to PATH, writes "CONNECT P\n", reads "OK <port>\n" and
 * then talks to the guest's port P.
 */
#ifndef LKVM_DEVICES_VIRTIO_VSOCK_H
#define LKVM_DEVICES_VIRTIO_VSOCK_H

#include <stdint.h>

#include "devices/device.h"

/* Packet header (virtio 1.x, 5.10.6), 44 bytes, little-endian. */
#define VSOCK_HDR_LEN		44
#define VSOCK_TYPE_STREAM	1
enum vsock_op {
	VSOCK_OP_INVALID, VSOCK_OP_REQUEST, VSOCK_OP_RESPONSE, VSOCK_OP_RST,
	VSOCK_OP_SHUTDOWN, VSOCK_OP_RW, VSOCK_OP_CREDIT_UPDATE, VSOCK_OP_CREDIT_REQUEST,
};
#define VSOCK_SHUTDOWN_RCV	1	/* the sender will receive no more */
#define VSOCK_SHUTDOWN_SEND	2	/* the sender will send no more */
#define VSOCK_HOST_CID		2

/* What one connection buffers from the guest for a slow host reader: its credit. */
#define VSOCK_BUF_ALLOC		(64 * 1024)
/* Connections at once; each holds VSOCK_BUF_ALLOC bytes while it is open. */
#define VSOCK_MAX_CONNS		64

struct vsock_hdr {
	uint64_t src_cid, dst_cid;
	uint32_t src_port, dst_port, len;
	uint16_t type, op;
	uint32_t flags, buf_alloc, fwd_cnt;
};

void vsock_hdr_get(struct vsock_hdr *h, const uint8_t *b);
void vsock_hdr_put(uint8_t *b, const struct vsock_hdr *h);

struct virtio_vsock_opts {
	uint64_t cid;
	const char *path;
};

extern const struct device_type virtio_vsock_type;

#endif
