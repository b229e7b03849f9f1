// SPDX-License-Identifier: GPL-2.0-only
/*
 * virtio-vsock through its real transport on a real KVM VM, the test as
 * the guest's driver (tests/vdrv.h) and as the host's programs (Unix
 * sockets): connections both ways, data both ways and intact, refusals,
 * shutdown and reset, credit in both directions with a stalled reader on
 * each side, many connections at once, and headers that break the device.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "devices/virtio_pci.h"
#include "devices/virtio_vsock.h"
#include "tests/tests.h"
#include "tests/vdrv.h"

#define GUEST_CID	3
#define RXQ		0
#define TXQ		1
#define NR_RX		32
#define RX_BUF		(VSOCK_HDR_LEN + 4096)
#define RX_GPA		0x100000ULL	/* NR_RX buffers of 8 KiB */
#define TX_GPA		0x200000ULL	/* 64 KiB + a header a slot */
#define TX_SLOT		0x11000ULL
#define NR_TX		16
#define WAIT_S		5

static struct vrig rig;
static struct vdrv drv;
static struct virtio_vsock_opts opts;
static void *dev;
static char dir[64], path[96];
static unsigned int tx_next;

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

static void post_rx(unsigned int i)
{
	struct vdrv_buf b = { RX_GPA + i * 0x2000, RX_BUF, true };

	vdrv_post(&drv, RXQ, (uint16_t)i, &b, 1);
}

static void setup(void)
{
	struct lk_err err;
	unsigned int i;

	snprintf(dir, sizeof(dir), "/tmp/lkvm-vsock-XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/v.sock", dir);
	ck_assert_msg(!vrig_init(&rig, TX_GPA + NR_TX * TX_SLOT, &err), "%s", err.msg);
	opts = (struct virtio_vsock_opts){ .cid = GUEST_CID, .path = path };
	dev = virtio_vsock_type.realize(&rig.svc, &opts, &err);
	ck_assert_msg(dev, "%s", err.msg);
	drv = (struct vdrv){ .rig = &rig, .devfn = PCI_DEVFN(2, 0), .bar4 = 0xc0000000ULL,
			     .nr_queues = 3 };
	ck_assert_msg(!vrig_start(&rig, &err) && !vdrv_init(&drv, &err), "%s", err.msg);
	for (i = 0; i < NR_RX; i++)
		post_rx(i);
	vdrv_kick_queue(&drv, RXQ);
	tx_next = 0;
}

/* The host programs' listening sockets, removed by teardown(). */
static char listened[8][128];
static unsigned int nr_listened;

static void teardown(void)
{
	vrig_stop(&rig);
	virtio_vsock_type.destroy(dev);
	vrig_destroy(&rig);
	while (nr_listened)
		unlink(listened[--nr_listened]);
	ck_assert_msg(access(path, F_OK), "%s is still there after the device went", path);
	ck_assert_int_eq(rmdir(dir), 0);
}

/* A packet from the guest: @op between the guest's port @gport and the host's @hport. */
static void guest_send(uint32_t gport, uint32_t hport, uint16_t op, uint32_t flags,
		       const void *data, uint32_t len, uint32_t buf_alloc, uint32_t fwd_cnt)
{
	unsigned int slot = tx_next++ % NR_TX;
	uint64_t gpa = TX_GPA + slot * TX_SLOT;
	struct vsock_hdr h = { .src_cid = GUEST_CID, .dst_cid = VSOCK_HOST_CID, .src_port = gport,
			       .dst_port = hport, .len = len, .type = VSOCK_TYPE_STREAM, .op = op,
			       .flags = flags, .buf_alloc = buf_alloc, .fwd_cnt = fwd_cnt };
	struct vdrv_buf b[2] = { { gpa, VSOCK_HDR_LEN, false },
				 { gpa + VSOCK_HDR_LEN, len, false } };
	uint16_t head;
	uint32_t used;
	double t0;

	vsock_hdr_put(rig.ram + gpa, &h);
	if (len)
		memcpy(rig.ram + gpa + VSOCK_HDR_LEN, data, len);
	vdrv_post(&drv, TXQ, (uint16_t)(slot * 2), b, len ? 2 : 1);
	vdrv_kick_queue(&drv, TXQ);
	for (t0 = now(); !vdrv_used(&drv, TXQ, &head, &used); usleep(50))
		ck_assert_msg(now() - t0 < WAIT_S, "packet %u (op %u) not taken; status %02x",
			      slot * 2, op, vdrv_status(&drv));
	ck_assert_uint_eq(head, slot * 2);
}

#define GUEST_BUF	(256 * 1024)	/* the guest's buf_alloc, unless a test says */

static void guest_simple(uint32_t gport, uint32_t hport, uint16_t op, uint32_t flags)
{
	guest_send(gport, hport, op, flags, NULL, 0, GUEST_BUF, 0);
}

/* The next packet the device gives the guest, its buffer posted again; false if none. */
static bool guest_recv(struct vsock_hdr *h, uint8_t *data, double wait)
{
	uint16_t head;
	uint32_t len;
	double t0;

	for (t0 = now(); !vdrv_used(&drv, RXQ, &head, &len); usleep(50))
		if (now() - t0 > wait)
			return false;
	ck_assert_uint_lt(head, NR_RX);
	ck_assert_uint_ge(len, VSOCK_HDR_LEN);
	vsock_hdr_get(h, rig.ram + RX_GPA + head * 0x2000);
	ck_assert_uint_eq(h->len, len - VSOCK_HDR_LEN);
	ck_assert_uint_eq(h->src_cid, VSOCK_HOST_CID);
	ck_assert_uint_eq(h->dst_cid, GUEST_CID);
	ck_assert_uint_eq(h->type, VSOCK_TYPE_STREAM);
	if (data)
		memcpy(data, rig.ram + RX_GPA + head * 0x2000 + VSOCK_HDR_LEN, h->len);
	post_rx(head);
	vdrv_kick_queue(&drv, RXQ);
	return true;
}

static void expect_op(uint16_t op, uint32_t src_port, uint32_t dst_port, struct vsock_hdr *h)
{
	ck_assert_msg(guest_recv(h, NULL, WAIT_S), "no packet (op %u expected)", op);
	ck_assert_uint_eq(h->op, op);
	ck_assert_uint_eq(h->src_port, src_port);
	ck_assert_uint_eq(h->dst_port, dst_port);
}

static int listen_at(uint32_t port)
{
	struct sockaddr_un a = { .sun_family = AF_UNIX };
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);

	snprintf(a.sun_path, sizeof(a.sun_path), "%s_%u", path, port);
	ck_assert_int_eq(bind(fd, (struct sockaddr *)&a, sizeof(a)), 0);
	snprintf(listened[nr_listened++ % 8], sizeof(listened[0]), "%s", a.sun_path);
	ck_assert_int_eq(listen(fd, 16), 0);
	return fd;
}

static int accept_within(int lfd)
{
	struct pollfd p = { lfd, POLLIN, 0 };

	ck_assert_int_eq(poll(&p, 1, WAIT_S * 1000), 1);
	return accept4(lfd, NULL, NULL, SOCK_CLOEXEC);
}

/* Exactly @len bytes from @fd within the wait, or a failed test. */
static void read_all(int fd, uint8_t *buf, size_t len)
{
	struct pollfd p = { fd, POLLIN, 0 };
	size_t got = 0;

	while (got < len) {
		ssize_t r;

		ck_assert_msg(poll(&p, 1, WAIT_S * 1000) == 1, "%zu of %zu bytes", got, len);
		r = read(fd, buf + got, len - got);
		ck_assert_msg(r > 0, "read: %zd after %zu of %zu bytes", r, got, len);
		got += (size_t)r;
	}
}

/* The guest's connection to the host's port @hport, accepted by @lfd: the host's end. */
static int guest_connects(uint32_t gport, uint32_t hport, int lfd)
{
	struct vsock_hdr h;

	guest_simple(gport, hport, VSOCK_OP_REQUEST, 0);
	expect_op(VSOCK_OP_RESPONSE, hport, gport, &h);
	ck_assert_uint_eq(h.buf_alloc, VSOCK_BUF_ALLOC);
	return accept_within(lfd);
}

START_TEST(vsock_guest_connect_refused)
{
	struct vsock_hdr h;

	setup();
	guest_simple(40000, 5000, VSOCK_OP_REQUEST, 0);
	expect_op(VSOCK_OP_RST, 5000, 40000, &h);
	/* Data for a connection that does not exist: an RST too. */
	guest_send(40001, 5000, VSOCK_OP_RW, 0, "x", 1, GUEST_BUF, 0);
	expect_op(VSOCK_OP_RST, 5000, 40001, &h);
	ck_assert_uint_eq(vdrv_status(&drv), 0x0f);
	teardown();
}
END_TEST

/*
 * The guest connects to port 5000; 1 MiB goes each way, checked byte for
 * byte; then the guest shuts down both ways and the device resets, and the
 * host program reads end of file.
 */
START_TEST(vsock_guest_connect_data)
{
	static uint8_t out[1 << 20], in[1 << 20], pkt[4096];
	int lfd, fd, i;
	uint32_t got = 0, sent = 0, fwd = 0, host_fwd = 0;
	struct vsock_hdr h;
	char c;

	setup();
	for (i = 0; i < (int)sizeof(out); i++)
		out[i] = (uint8_t)(i * 7 + i / 4096);
	lfd = listen_at(5000);
	fd = guest_connects(40000, 5000, lfd);
	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(fcntl(fd, F_SETFL, O_NONBLOCK), 0);
	/* Guest to host, in 4 KiB packets, within the credit the device gives. */
	while (sent < sizeof(out) || got < sizeof(out)) {
		uint32_t n = sizeof(out) - sent < 4096 ? sizeof(out) - sent : 4096;
		ssize_t r = read(fd, in + got, sizeof(in) - got);

		got += r > 0 ? (uint32_t)r : 0;
		if (!n)
			continue;
		if (sent + n - host_fwd > VSOCK_BUF_ALLOC) {
			if (guest_recv(&h, NULL, 0.01)) {
				ck_assert_uint_eq(h.op, VSOCK_OP_CREDIT_UPDATE);
				host_fwd = h.fwd_cnt;
			}
			continue;
		}
		guest_send(40000, 5000, VSOCK_OP_RW, 0, out + sent, n, GUEST_BUF, fwd);
		sent += n;
	}
	ck_assert_int_eq(memcmp(in, out, sizeof(out)), 0);
	/* Host to guest. */
	while (guest_recv(&h, NULL, 0.05))	/* the last credit updates */
		ck_assert_uint_eq(h.op, VSOCK_OP_CREDIT_UPDATE);
	memset(in, 0, sizeof(in));
	got = 0;
	sent = 0;
	while (got < sizeof(out)) {
		ssize_t w = sent < sizeof(out) ? write(fd, out + sent, sizeof(out) - sent) : 0;

		sent += w > 0 ? (uint32_t)w : 0;
		if (!guest_recv(&h, pkt, 0.01))
			continue;
		if (h.op == VSOCK_OP_CREDIT_UPDATE)
			continue;
		ck_assert_uint_eq(h.op, VSOCK_OP_RW);
		memcpy(in + got, pkt, h.len);
		got += h.len;
		fwd += h.len;
		if (fwd % (64 * 1024) < h.len)	/* the guest's reader consumed it */
			guest_send(40000, 5000, VSOCK_OP_CREDIT_UPDATE, 0, NULL, 0, GUEST_BUF, fwd);
	}
	ck_assert_int_eq(memcmp(in, out, sizeof(out)), 0);
	guest_simple(40000, 5000, VSOCK_OP_SHUTDOWN, VSOCK_SHUTDOWN_RCV | VSOCK_SHUTDOWN_SEND);
	do
		ck_assert(guest_recv(&h, NULL, WAIT_S));
	while (h.op == VSOCK_OP_CREDIT_UPDATE);
	ck_assert_uint_eq(h.op, VSOCK_OP_RST);
	ck_assert_int_eq(fcntl(fd, F_SETFL, 0), 0);
	ck_assert_int_eq(read(fd, &c, 1), 0);
	close(fd);
	close(lfd);
	teardown();
}
END_TEST

/*
 * As Linux and tests/nested/vsockpipe do it: the host program sends 1 MiB
 * and reads at once, the guest sends 1 MiB in packets of up to 64 KiB as
 * its credit allows, shuts its sending side, reads to the host's end, then
 * closes (SHUTDOWN both) and waits for the RST. The program must have read
 * all of it, in order, before it sees the end.
 */
START_TEST(vsock_both_ways_then_close)
{
	static uint8_t pat[1 << 20], in[1 << 20];
	uint32_t sent = 0, got = 0, host_fwd = 0, fwd = 0, total = sizeof(pat);
	bool host_eof = false, shut = false;
	char prog[256], out[128] = "", want[128];
	struct vsock_hdr h;
	int pipefd[2], i;
	pid_t pid;
	ssize_t n;

	setup();
	for (i = 0; i < (int)total; i++)
		pat[i] = (uint8_t)(i * 131 + (i >> 12));	/* vsockpipe's pattern */
	snprintf(prog, sizeof(prog), "%.*s/tests/nested/vsockpipe",
		 (int)(strrchr(LKVM_BIN, '/') - LKVM_BIN), LKVM_BIN);
	snprintf(listened[nr_listened++ % 8], sizeof(listened[0]), "%s_5000", path);
	ck_assert_int_eq(pipe(pipefd), 0);
	pid = fork();
	if (!pid) {
		dup2(pipefd[1], 1);
		execl(prog, prog, "listen-unix", listened[nr_listened - 1], "--send", "1048576",
		      NULL);
		_exit(127);
	}
	close(pipefd[1]);
	for (i = 0; i < 200 && access(listened[nr_listened - 1], F_OK); i++)
		usleep(10000);
	guest_simple(40010, 5000, VSOCK_OP_REQUEST, 0);
	expect_op(VSOCK_OP_RESPONSE, 5000, 40010, &h);
	while (!host_eof || got < total || !shut) {
		uint32_t credit = VSOCK_BUF_ALLOC - (sent - host_fwd), len = total - sent;

		len = len < credit ? len : credit;
		len = len < 65536 ? len : 65536;
		if (len) {
			guest_send(40010, 5000, VSOCK_OP_RW, 0, pat + sent, len, GUEST_BUF, fwd);
			sent += len;
		} else if (sent == total && !shut) {
			guest_simple(40010, 5000, VSOCK_OP_SHUTDOWN, VSOCK_SHUTDOWN_SEND);
			shut = true;
		}
		while (guest_recv(&h, in + got, len ? 0 : 0.05)) {
			host_fwd = h.fwd_cnt;
			if (h.op == VSOCK_OP_SHUTDOWN)
				host_eof = true;
			if (h.op != VSOCK_OP_RW)
				continue;
			got += h.len;
			fwd += h.len;
			ck_assert_uint_le(got, total);
			if (fwd % (64 * 1024) < h.len)
				guest_send(40010, 5000, VSOCK_OP_CREDIT_UPDATE, 0, NULL, 0, GUEST_BUF,
					   fwd);
		}
	}
	ck_assert_int_eq(memcmp(in, pat, total), 0);
	guest_simple(40010, 5000, VSOCK_OP_SHUTDOWN, VSOCK_SHUTDOWN_RCV | VSOCK_SHUTDOWN_SEND);
	do
		ck_assert_msg(guest_recv(&h, NULL, WAIT_S), "no RST");
	while (h.op == VSOCK_OP_CREDIT_UPDATE);
	ck_assert_uint_eq(h.op, VSOCK_OP_RST);
	n = read(pipefd[0], out, sizeof(out) - 1);
	out[n > 0 ? n : 0] = '\0';
	close(pipefd[0]);
	waitpid(pid, NULL, 0);
	snprintf(want, sizeof(want), "received 1048576 a4a4adfb98c0a325\n");
	ck_assert_str_eq(out, want);
	teardown();
}
END_TEST

/* A host program's CONNECT: the guest asked, its answer relayed. */
static int host_connects(uint32_t gport, bool accept, uint32_t *hport)
{
	struct sockaddr_un a = { .sun_family = AF_UNIX };
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	struct vsock_hdr h;
	char line[32] = "", want[32];

	snprintf(a.sun_path, sizeof(a.sun_path), "%s", path);
	ck_assert_int_eq(connect(fd, (struct sockaddr *)&a, sizeof(a)), 0);
	snprintf(line, sizeof(line), "CONNECT %u\n", gport);
	ck_assert_int_eq(write(fd, line, strlen(line)), (ssize_t)strlen(line));
	ck_assert_msg(guest_recv(&h, NULL, WAIT_S), "no REQUEST");
	ck_assert_uint_eq(h.op, VSOCK_OP_REQUEST);
	ck_assert_uint_eq(h.dst_port, gport);
	ck_assert_uint_ge(h.src_port, 1024);
	*hport = h.src_port;
	guest_simple(gport, h.src_port, accept ? VSOCK_OP_RESPONSE : VSOCK_OP_RST, 0);
	if (!accept)
		return fd;
	snprintf(want, sizeof(want), "OK %u\n", h.src_port);
	memset(line, 0, sizeof(line));
	read_all(fd, (uint8_t *)line, strlen(want));
	ck_assert_str_eq(line, want);
	return fd;
}

START_TEST(vsock_host_connect)
{
	uint8_t pkt[4096];
	uint32_t hport, hport2;
	struct vsock_hdr h;
	char c[8] = "";
	int fd, fd2;

	setup();
	fd = host_connects(7000, true, &hport);
	ck_assert_int_eq(write(fd, "ping", 4), 4);
	ck_assert(guest_recv(&h, pkt, WAIT_S));
	ck_assert_uint_eq(h.op, VSOCK_OP_RW);
	ck_assert_uint_eq(h.len, 4);
	ck_assert_int_eq(memcmp(pkt, "ping", 4), 0);
	guest_send(7000, hport, VSOCK_OP_RW, 0, "pong", 4, GUEST_BUF, 4);
	read_all(fd, (uint8_t *)c, 4);
	ck_assert_str_eq(c, "pong");
	/* The host program closes: the guest hears SHUTDOWN, then its RST ends it. */
	close(fd);
	expect_op(VSOCK_OP_SHUTDOWN, hport, 7000, &h);
	ck_assert_uint_eq(h.flags, VSOCK_SHUTDOWN_SEND);
	guest_simple(7000, hport, VSOCK_OP_RST, 0);
	/* A guest port nobody listens on: the program's connection is closed. */
	fd2 = host_connects(7001, false, &hport2);
	ck_assert_uint_ne(hport2, 0);
	ck_assert_int_eq(read(fd2, c, 1), 0);
	close(fd2);
	/* Not a CONNECT line: closed at once. */
	fd2 = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	{
		struct sockaddr_un a = { .sun_family = AF_UNIX };

		snprintf(a.sun_path, sizeof(a.sun_path), "%s", path);
		ck_assert_int_eq(connect(fd2, (struct sockaddr *)&a, sizeof(a)), 0);
	}
	ck_assert_int_eq(write(fd2, "HELLO 7000\n", 11), 11);
	ck_assert_int_eq(read(fd2, c, 1), 0);
	close(fd2);
	ck_assert(!guest_recv(&h, NULL, 0.1));	/* and the guest heard nothing of it */
	teardown();
}
END_TEST

/*
 * A host program that does not read: the device takes what its socket
 * takes, then buffers up to the credit it gave, and gives no more; the
 * guest waits. Once the program reads, credit comes back and all arrives.
 */
START_TEST(vsock_stalled_host_reader)
{
	static uint8_t chunk[4096], all[4 << 20];
	uint32_t sent = 0, host_fwd = 0, total;
	struct vsock_hdr h;
	int lfd, fd;

	setup();
	lfd = listen_at(5001);
	fd = guest_connects(40002, 5001, lfd);
	for (;;) {
		memset(chunk, (uint8_t)(sent / 4096), sizeof(chunk));
		while (sent + sizeof(chunk) - host_fwd > VSOCK_BUF_ALLOC &&
		       guest_recv(&h, NULL, 0.2)) {
			ck_assert_uint_eq(h.op, VSOCK_OP_CREDIT_UPDATE);
			host_fwd = h.fwd_cnt;
		}
		if (sent + sizeof(chunk) - host_fwd > VSOCK_BUF_ALLOC)
			break;	/* no credit, nothing read: the guest must wait */
		guest_send(40002, 5001, VSOCK_OP_RW, 0, chunk, sizeof(chunk), GUEST_BUF, 0);
		sent += sizeof(chunk);
		ck_assert_uint_lt(sent, sizeof(all));
	}
	/* The guest used its credit and got no more: the device holds the rest. */
	ck_assert_uint_gt(sent - host_fwd, VSOCK_BUF_ALLOC - 4096);
	ck_assert_uint_le(sent - host_fwd, VSOCK_BUF_ALLOC);
	total = sent;
	read_all(fd, all, total);
	for (sent = 0; sent < total; sent += 4096)
		ck_assert_uint_eq(all[sent], (uint8_t)(sent / 4096));
	/* Read, it is forwarded, and the guest is told. */
	while (host_fwd != total) {
		ck_assert_msg(guest_recv(&h, NULL, WAIT_S), "credit told: %u of %u", host_fwd,
			      total);
		ck_assert_uint_eq(h.op, VSOCK_OP_CREDIT_UPDATE);
		host_fwd = h.fwd_cnt;
	}
	close(fd);
	close(lfd);
	teardown();
}
END_TEST

/*
 * A guest that reads nothing: it said 8 KiB of buffer; the device sends 8
 * KiB and stops, though the host wrote 64 KiB; a credit update brings the
 * next 8 KiB.
 */
START_TEST(vsock_stalled_guest_reader)
{
	static uint8_t data[64 * 1024], pkt[4096];
	uint32_t got = 0, fwd = 0;
	struct vsock_hdr h;
	int lfd, fd;

	setup();
	lfd = listen_at(5002);
	guest_send(40003, 5002, VSOCK_OP_REQUEST, 0, NULL, 0, 8192, 0);
	expect_op(VSOCK_OP_RESPONSE, 5002, 40003, &h);
	fd = accept_within(lfd);
	ck_assert_int_eq(write(fd, data, sizeof(data)), (ssize_t)sizeof(data));
	while (guest_recv(&h, pkt, 0.3)) {
		ck_assert_uint_eq(h.op, VSOCK_OP_RW);
		got += h.len;
	}
	ck_assert_uint_eq(got, 8192);
	fwd = 8192;
	guest_send(40003, 5002, VSOCK_OP_CREDIT_UPDATE, 0, NULL, 0, 8192, fwd);
	while (guest_recv(&h, pkt, 0.3))
		got += h.len;
	ck_assert_uint_eq(got, 16384);
	close(fd);
	close(lfd);
	teardown();
}
END_TEST

/* Twenty connections at once, each with its own bytes both ways. */
START_TEST(vsock_many_connections)
{
	int lfd, fd[20], i;
	struct vsock_hdr h;
	uint8_t pkt[4096];
	char msg[16], got[16];
	unsigned int seen = 0;

	setup();
	lfd = listen_at(5003);
	for (i = 0; i < 20; i++)
		fd[i] = guest_connects(41000 + i, 5003, lfd);
	for (i = 0; i < 20; i++) {
		snprintf(msg, sizeof(msg), "guest %02d", i);
		guest_send(41000 + i, 5003, VSOCK_OP_RW, 0, msg, 8, GUEST_BUF, 0);
	}
	for (i = 0; i < 20; i++) {
		snprintf(msg, sizeof(msg), "guest %02d", i);
		memset(got, 0, sizeof(got));
		read_all(fd[i], (uint8_t *)got, 8);
		ck_assert_str_eq(got, msg);
		snprintf(msg, sizeof(msg), "host %02d", i);
		ck_assert_int_eq(write(fd[i], msg, 7), 7);
	}
	while (seen != (1u << 20) - 1 && guest_recv(&h, pkt, WAIT_S)) {
		ck_assert_uint_eq(h.op, VSOCK_OP_RW);
		i = (int)(h.dst_port - 41000);
		ck_assert(i >= 0 && i < 20);
		snprintf(msg, sizeof(msg), "host %02d", i);
		ck_assert_int_eq(memcmp(pkt, msg, 7), 0);
		seen |= 1u << i;
	}
	ck_assert_uint_eq(seen, (1u << 20) - 1);
	for (i = 0; i < 20; i++)
		close(fd[i]);
	close(lfd);
	teardown();
}
END_TEST

/* Headers a driver must not send: each breaks the device (NEEDS_RESET). */
static const struct bad_header {
	const char *why;	/* the warning, after "queue 1: packet 0: " */
	uint64_t src_cid, dst_cid;
	uint16_t op;
	uint32_t len, payload;
} bad_headers[] = {
	{ "from CID 4 to 2, not from 3 to the host (2)", 4, VSOCK_HOST_CID, VSOCK_OP_REQUEST,
	  0, 0 },
	{ "from CID 3 to 1, not from 3 to the host (2)", GUEST_CID, 1, VSOCK_OP_REQUEST, 0, 0 },
	{ "operation 0", GUEST_CID, VSOCK_HOST_CID, VSOCK_OP_INVALID, 0, 0 },
	{ "operation 9", GUEST_CID, VSOCK_HOST_CID, 9, 0, 0 },
	{ "header says 100 payload bytes, the buffers hold 10", GUEST_CID, VSOCK_HOST_CID,
	  VSOCK_OP_RW, 100, 10 },
	{ "header says 4 payload bytes, the buffers hold 10", GUEST_CID, VSOCK_HOST_CID,
	  VSOCK_OP_RW, 4, 10 },
	{ "operation 1 with 10 payload bytes", GUEST_CID, VSOCK_HOST_CID, VSOCK_OP_REQUEST,
	  10, 10 },
	{ "65537 payload bytes, more than 65536", GUEST_CID, VSOCK_HOST_CID, VSOCK_OP_RW,
	  65537, 65537 },
	{ "20 bytes, less than a header", 0, 0, 0, 0, 0 },	/* 20 bytes of header */
};

/* Posts what @b describes, waits for NEEDS_RESET; returns what was warned (stderr). */
static void break_device(const struct bad_header *b, char *warned, size_t size)
{
	struct vsock_hdr h = { .src_cid = b->src_cid, .dst_cid = b->dst_cid, .src_port = 40000,
			       .dst_port = 5000, .len = b->len, .type = VSOCK_TYPE_STREAM,
			       .op = b->op };
	struct vdrv_buf buf[2] = { { TX_GPA, b->src_cid ? VSOCK_HDR_LEN : 20, false },
				   { TX_GPA + VSOCK_HDR_LEN, b->payload, false } };
	int pipefd[2], saved = dup(2);
	ssize_t n;
	double t0;

	ck_assert_int_eq(pipe2(pipefd, O_NONBLOCK | O_CLOEXEC), 0);
	fflush(stderr);
	dup2(pipefd[1], 2);
	vsock_hdr_put(rig.ram + TX_GPA, &h);
	vdrv_post(&drv, TXQ, 0, buf, b->payload ? 2 : 1);
	vdrv_kick_queue(&drv, TXQ);
	for (t0 = now(); !(vdrv_status(&drv) & VIRTIO_STATUS_NEEDS_RESET) && now() - t0 < WAIT_S;)
		usleep(100);
	fflush(stderr);
	dup2(saved, 2);
	close(saved);
	n = read(pipefd[0], warned, size - 1);
	warned[n > 0 ? n : 0] = '\0';
	close(pipefd[0]);
	close(pipefd[1]);
}

START_TEST(vsock_bad_header)
{
	const struct bad_header *b = &bad_headers[_i];
	char warned[512], want[256];

	setup();
	break_device(b, warned, sizeof(warned));
	ck_assert_msg(vdrv_status(&drv) & VIRTIO_STATUS_NEEDS_RESET, "%s: not broken", b->why);
	snprintf(want, sizeof(want), "lkvm-sev: warning: virtio-vsock (00:02.0): queue 1: "
		 "packet 0: %s; the device needs a reset\n", b->why);
	ck_assert_str_eq(warned, want);
	/* Once: the guest's next packets add nothing. */
	break_device(b, warned, sizeof(warned));
	ck_assert_str_eq(warned, "");
	teardown();
}
END_TEST

Suite *virtio_vsock_suite(void)
{
	Suite *s = suite_create("virtio-vsock");
	TCase *tc = tcase_create("device");

	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, vsock_guest_connect_refused);
	tcase_add_test(tc, vsock_guest_connect_data);
	tcase_add_test(tc, vsock_host_connect);
	tcase_add_test(tc, vsock_both_ways_then_close);
	tcase_add_test(tc, vsock_stalled_host_reader);
	tcase_add_test(tc, vsock_stalled_guest_reader);
	tcase_add_test(tc, vsock_many_connections);
	tcase_add_loop_test(tc, vsock_bad_header, 0, sizeof(bad_headers) / sizeof(bad_headers[0]));
	suite_add_tcase(s, tc);
	return s;
}
