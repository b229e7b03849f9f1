// SPDX-License-Identifier: GPL-2.0-only
/*
 * virtio-net through its real transport on a real KVM VM (tests/vdrv.h),
 * on a tap the device creates (lkvm-test-tapN): the host side of the tap
 * is an AF_PACKET socket bound to it. A frame the driver transmits
 * appears there byte for byte; a frame sent there arrives in a posted
 * receive chain with its header, spread over small chains with merged
 * buffers; while no chain is posted the tap is not read (its queue, two
 * frames long, drops the rest); malformed transmit chains break the
 * device with one warning. With passt (mode=user), an ARP request for the
 * gateway gets passt's reply. And lkvm-sev's own answers to bad options
 * (status 2), a missing CAP_NET_ADMIN and a missing passt (status 125).
 */
#include <arpa/inet.h>
#include <dirent.h>
#include <fcntl.h>
#include <linux/if_packet.h>
#include <net/ethernet.h>
#include <net/if.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include <sys/un.h>
#include <linux/capability.h>
#include <linux/ethtool.h>
#include <linux/sockios.h>

#include "devices/virtio_net.h"
#include "devices/virtio_pci.h"
#include "tests/tests.h"
#include "tests/vdrv.h"

#define BAR4		0xc0000000ULL
#define RAM_SIZE	(4ULL << 20)
#define RING_GPA	0x10000ULL	/* two queues' rings */
#define TX_GPA		0x40000ULL	/* up to 72 KiB */
#define RX_GPA		0x100000ULL
#define RXQ		0
#define TXQ		1
#define HDR		12
#define ETHERTYPE_TEST	0x88b5		/* IEEE 802 local experimental */

/* Feature bits (include/uapi/linux/virtio_net.h). */
#define F_CSUM		0
#define F_GUEST_CSUM	1
#define F_GUEST_TSO4	7
#define F_MTU		3
#define F_MAC		5
#define F_MRG_RXBUF	15
#define F_STATUS	16

static struct vrig rig;
static struct vdrv drv;
static struct virtio_net_opts opts;
static void *dev;
static char tap[IFNAMSIZ];
static int psock = -1;
static uint16_t next_desc[2];

/* A name no interface has yet: lkvm-test-tap0 to 99. */
static void tap_name(void)
{
	char path[64];
	struct stat st;
	int i;

	for (i = 0; i < 100; i++) {
		snprintf(tap, sizeof(tap), "lkvm-test-tap%d", i);
		snprintf(path, sizeof(path), "/sys/class/net/%s", tap);
		if (stat(path, &st))
			return;
	}
	ck_abort_msg("lkvm-test-tap0 to 99 all exist");
}

static void write_file(const char *path, const char *text)
{
	int fd = open(path, O_WRONLY);

	if (fd >= 0) {
		ck_assert_int_ge(write(fd, text, strlen(text)), 0);
		close(fd);
	}
}

/* The tap up, IPv6 off (no neighbour discovery frames), @qlen frames of queue. */
static void tap_up(int qlen)
{
	struct ifreq ifr = { 0 };
	char path[128];
	int s = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);

	ck_assert_int_ge(s, 0);
	snprintf(path, sizeof(path), "/proc/sys/net/ipv6/conf/%s/disable_ipv6", tap);
	write_file(path, "1");
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", tap);
	ifr.ifr_qlen = qlen;
	ck_assert_int_eq(ioctl(s, SIOCSIFTXQLEN, &ifr), 0);
	ck_assert_int_eq(ioctl(s, SIOCGIFFLAGS, &ifr), 0);
	ifr.ifr_flags |= IFF_UP;
	ck_assert_int_eq(ioctl(s, SIOCSIFFLAGS, &ifr), 0);
	close(s);
}

/* The host's side of the tap: a packet socket bound to it. */
static void packet_open(void)
{
	struct sockaddr_ll a = { .sll_family = AF_PACKET, .sll_protocol = htons(ETH_P_ALL),
				 .sll_ifindex = (int)if_nametoindex(tap) };

	psock = socket(AF_PACKET, SOCK_RAW | SOCK_CLOEXEC, htons(ETH_P_ALL));
	ck_assert_int_ge(psock, 0);
	ck_assert_int_eq(bind(psock, (struct sockaddr *)&a, sizeof(a)), 0);
}

/* Rig, device (@o), driver with @features and two queues. */
static void setup_dev(const struct virtio_net_opts *o, uint64_t features)
{
	struct lk_err err;

	ck_assert_msg(!vrig_init(&rig, RAM_SIZE, &err), "%s", err.msg);
	opts = *o;
	dev = virtio_net_type.realize(&rig.svc, &opts, &err);
	ck_assert_msg(dev, "%s", err.msg);
	drv = (struct vdrv){ .rig = &rig, .devfn = PCI_DEVFN(2, 0), .bar4 = BAR4,
			     .ring = RING_GPA, .nr_queues = 2, .features = features };
	next_desc[0] = next_desc[1] = 0;
	ck_assert_msg(!vrig_start(&rig, &err) && !vdrv_init(&drv, &err), "%s", err.msg);
}

static bool setup_tap(uint64_t features, int qlen)
{
	struct virtio_net_opts o = { .mode = VIRTIO_NET_TAP, .tapif = tap,
				     .mac = { 0x52, 0x54, 0x00, 0x12, 0x34, 0x56 } };

	if (access("/dev/net/tun", R_OK | W_OK)) {
		tests_skip("virtio-net tap", "/dev/net/tun cannot be opened here");
		return false;
	}
	tap_name();
	setup_dev(&o, features);
	tap_up(qlen);
	packet_open();
	return true;
}

static void teardown_dev(void)
{
	vrig_stop(&rig);
	if (dev)
		virtio_net_type.destroy(dev);
	dev = NULL;
	vrig_destroy(&rig);
	if (psock >= 0)
		close(psock);
	psock = -1;
}

/* A chain of @n buffers on @q, in the next free descriptors. */
static void post(unsigned int q, const struct vdrv_buf *b, unsigned int n)
{
	vdrv_post(&drv, q, next_desc[q], b, n);
	next_desc[q] = (uint16_t)((next_desc[q] + n) % VDRV_QUEUE_SIZE);
}

/* @n receive chains of @size bytes each, from RX_GPA on, published. */
static void post_rx(unsigned int n, uint32_t size)
{
	unsigned int i;

	for (i = 0; i < n; i++)
		post(RXQ, &(struct vdrv_buf){ RX_GPA + i * size, size, true }, 1);
	vdrv_kick_queue(&drv, RXQ);
}

/* The next used entry of @q within @secs: 1, or 0 on timeout. */
static int used_wait(unsigned int q, uint16_t *head, uint32_t *len, double secs)
{
	double end = now_sec() + secs;

	while (!vdrv_used(&drv, q, head, len))
		if (now_sec() > end)
			return 0;
		else
			usleep(200);
	return 1;
}

/* A test frame: broadcast, from @src, our ethertype, @seq, then a pattern; @len bytes. */
static void make_frame(uint8_t *f, size_t len, const uint8_t *src, uint8_t seq)
{
	size_t i;

	memset(f, 0xff, 6);
	memcpy(f + 6, src, 6);
	f[12] = ETHERTYPE_TEST >> 8;
	f[13] = ETHERTYPE_TEST & 0xff;
	f[14] = seq;
	for (i = 15; i < len; i++)
		f[i] = (uint8_t)(i * 7 + seq);
}

/* The next frame of our ethertype the tap passes to the host, within @secs; its length. */
static ssize_t packet_recv(uint8_t *buf, size_t size, double secs)
{
	double end = now_sec() + secs;
	struct sockaddr_ll from;
	socklen_t fl;
	ssize_t n;

	while (now_sec() < end) {
		struct pollfd p = { .fd = psock, .events = POLLIN };

		if (poll(&p, 1, 100) != 1)
			continue;
		fl = sizeof(from);
		n = recvfrom(psock, buf, size, 0, (struct sockaddr *)&from, &fl);
		if (n >= 14 && from.sll_pkttype != PACKET_OUTGOING &&
		    buf[12] == ETHERTYPE_TEST >> 8 && buf[13] == (ETHERTYPE_TEST & 0xff))
			return n;
	}
	return -1;
}

static void packet_send(const uint8_t *f, size_t len)
{
	ck_assert_int_eq(send(psock, f, len, 0), (ssize_t)len);
}

static uint64_t tap_stat(const char *name)
{
	char path[128];
	uint64_t v = 0;
	FILE *f;

	snprintf(path, sizeof(path), "/sys/class/net/%s/statistics/%s", tap, name);
	f = fopen(path, "r");
	ck_assert_ptr_nonnull(f);
	ck_assert_int_eq(fscanf(f, "%lu", &v), 1);
	fclose(f);
	return v;
}

START_TEST(offer_and_config)
{
	uint64_t f;
	uint8_t cfg[12];

	if (!setup_tap(0, 1000))
		return;
	f = vdrv_device_features(&drv);
	ck_assert_msg(f & 1ULL << F_MAC && f & 1ULL << F_STATUS && f & 1ULL << F_MRG_RXBUF &&
		      f & 1ULL << F_MTU, "features 0x%lx", f);
	ck_assert_msg(f & 1ULL << F_CSUM, "the tap takes TUNSETOFFLOAD: CSUM offered (0x%lx)", f);
	vdrv_config_read(&drv, 0, cfg, sizeof(cfg));
	ck_assert_mem_eq(cfg, opts.mac, 6);
	ck_assert_uint_eq(bus_data_get(cfg + 6, 2), 1);		/* LINK_UP */
	ck_assert_uint_eq(bus_data_get(cfg + 10, 2), 1500);	/* the tap's MTU */
	teardown_dev();
}
END_TEST

/* One of the tap's legacy ethtool flags (ETHTOOL_GTXCSUM, ETHTOOL_GTSO). */
static uint32_t tap_ethtool(uint32_t cmd)
{
	struct ethtool_value v = { .cmd = cmd };
	struct ifreq ifr = { .ifr_data = (char *)&v };
	int s = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);

	ck_assert_int_ge(s, 0);
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", tap);
	ck_assert_int_eq(ioctl(s, SIOCETHTOOL, &ifr), 0);
	close(s);
	return v.data;
}

/*
 * What the driver accepts reaches the tap (TUNSETOFFLOAD) by its first
 * doorbell: checksum and TSO4 offloads for a driver that takes
 * GUEST_CSUM and GUEST_TSO4, none for one that does not.
 */
static void offloads_follow_driver(uint64_t features, uint32_t want)
{
	double end;

	if (!setup_tap(features, 1000))
		return;
	post_rx(1, 2048);
	for (end = now_sec() + 2; tap_ethtool(ETHTOOL_GTXCSUM) != want && now_sec() < end;)
		usleep(1000);
	ck_assert_uint_eq(tap_ethtool(ETHTOOL_GTXCSUM), want);
	ck_assert_uint_eq(tap_ethtool(ETHTOOL_GTSO), want);
	teardown_dev();
}

START_TEST(offloads_taken)
{
	offloads_follow_driver(1ULL << F_GUEST_CSUM | 1ULL << F_GUEST_TSO4 | 1ULL << F_MRG_RXBUF, 1);
}
END_TEST

START_TEST(offloads_declined)
{
	offloads_follow_driver(1ULL << F_MRG_RXBUF, 0);
}
END_TEST

START_TEST(tx_reaches_tap)
{
	static uint8_t got[2048];
	uint8_t *ram;
	uint16_t head;
	uint32_t len;
	ssize_t n;

	if (!setup_tap(1ULL << F_MRG_RXBUF, 1000))
		return;
	ram = rig.ram;
	memset(ram + TX_GPA, 0, HDR);
	make_frame(ram + TX_GPA + HDR, 1000, opts.mac, 1);
	/* Header and frame in three buffers, split inside the frame too. */
	post(TXQ, (struct vdrv_buf[]){ { TX_GPA, HDR, false }, { TX_GPA + HDR, 100, false },
				       { TX_GPA + HDR + 100, 900, false } }, 3);
	vdrv_kick_queue(&drv, TXQ);
	ck_assert(used_wait(TXQ, &head, &len, 5));
	ck_assert_uint_eq(head, 0);
	n = packet_recv(got, sizeof(got), 5);
	ck_assert_int_eq(n, 1000);
	ck_assert_mem_eq(got, ram + TX_GPA + HDR, 1000);
	ck_assert_uint_eq(vdrv_status(&drv), 0x0f);
	teardown_dev();
}
END_TEST

/* A frame from the tap in one chain: a clean header, num_buffers 1, the bytes. */
static void rx_one(uint64_t features)
{
	uint8_t frame[300], *ram;
	uint16_t head;
	uint32_t len;

	if (!setup_tap(features, 1000))
		return;
	ram = rig.ram;
	post_rx(4, 2048);
	make_frame(frame, sizeof(frame), (const uint8_t[]){ 2, 0, 0, 0, 0, 1 }, 2);
	packet_send(frame, sizeof(frame));
	ck_assert(used_wait(RXQ, &head, &len, 5));
	ck_assert_uint_eq(head, 0);
	ck_assert_uint_eq(len, HDR + sizeof(frame));
	ck_assert_uint_eq(ram[RX_GPA], 0);		/* flags: no GUEST_CSUM, none */
	ck_assert_uint_eq(ram[RX_GPA + 1], 0);		/* gso_type NONE */
	ck_assert_uint_eq(bus_data_get(ram + RX_GPA + 10, 2), 1);	/* num_buffers */
	ck_assert_mem_eq(ram + RX_GPA + HDR, frame, sizeof(frame));
	ck_assert_uint_eq(vdrv_status(&drv), 0x0f);
	teardown_dev();
}

START_TEST(tap_reaches_rx)
{
	rx_one(1ULL << F_MRG_RXBUF);
}
END_TEST

START_TEST(tap_reaches_rx_no_mrg)
{
	rx_one(0);
}
END_TEST

/* A 1000-byte frame over 256-byte chains: four of them, all but the last full. */
START_TEST(merged_rx_buffers)
{
	static uint8_t frame[1000], got[HDR + sizeof(frame)];
	uint32_t len, lens[4] = { 256, 256, 256, HDR + sizeof(frame) - 768 };
	uint16_t head;
	unsigned int i;

	if (!setup_tap(1ULL << F_MRG_RXBUF, 1000))
		return;
	post_rx(8, 256);
	make_frame(frame, sizeof(frame), (const uint8_t[]){ 2, 0, 0, 0, 0, 1 }, 3);
	packet_send(frame, sizeof(frame));
	for (i = 0; i < 4; i++) {
		ck_assert_msg(used_wait(RXQ, &head, &len, 5), "chain %u not used", i);
		ck_assert_uint_eq(head, i);
		ck_assert_uint_eq(len, lens[i]);
		memcpy(got + 256 * i, rig.ram + RX_GPA + 256 * i, len);
	}
	ck_assert_uint_eq(bus_data_get(got + 10, 2), 4);	/* num_buffers */
	ck_assert_mem_eq(got + HDR, frame, sizeof(frame));
	ck_assert(!vdrv_used(&drv, RXQ, &head, &len));
	teardown_dev();
}
END_TEST

/*
 * No receive chain, so the tap is not read: of five frames its queue
 * (two long) keeps two and drops three. Posted chains then get those two.
 */
START_TEST(no_rx_buffers_no_read)
{
	uint8_t frame[200];
	uint64_t dropped;
	uint16_t head;
	uint32_t len;
	unsigned int i;

	if (!setup_tap(1ULL << F_MRG_RXBUF, 2))
		return;
	dropped = tap_stat("tx_dropped");
	for (i = 0; i < 5; i++) {
		make_frame(frame, sizeof(frame), (const uint8_t[]){ 2, 0, 0, 0, 0, 1 }, (uint8_t)i);
		packet_send(frame, sizeof(frame));
	}
	usleep(200 * 1000);
	ck_assert_uint_eq(tap_stat("tx_dropped") - dropped, 3);
	ck_assert_uint_eq(vdrv_used_idx(&drv), 0);
	post_rx(8, 2048);
	for (i = 0; i < 2; i++) {
		ck_assert(used_wait(RXQ, &head, &len, 5));
		ck_assert_uint_eq(len, HDR + sizeof(frame));
		ck_assert_uint_eq(rig.ram[RX_GPA + head * 2048 + HDR + 14], i);
	}
	usleep(100 * 1000);
	ck_assert(!vdrv_used(&drv, RXQ, &head, &len));
	teardown_dev();
}
END_TEST

static char errlog[64];
static int saved_stderr = -1;

/* Warnings (stderr) into a file while a test looks for them. */
static void capture_stderr(void)
{
	int fd;

	snprintf(errlog, sizeof(errlog), "/tmp/lkvm-vnet-err-XXXXXX");
	fd = mkstemp(errlog);
	ck_assert_int_ge(fd, 0);
	saved_stderr = dup(2);
	dup2(fd, 2);
	close(fd);
}

static char *captured(void)
{
	size_t size;
	char *text;

	dup2(saved_stderr, 2);
	close(saved_stderr);
	text = test_read_file(errlog, &size);
	unlink(errlog);
	return text;
}

/* Without merged buffers a frame too big for the chain is dropped; the chain stays. */
START_TEST(no_mrg_frame_too_big)
{
	uint8_t big[1000], small[100];
	uint16_t head;
	uint32_t len;
	char *text;

	if (!setup_tap(0, 1000))
		return;
	capture_stderr();
	post_rx(1, 256);
	make_frame(big, sizeof(big), (const uint8_t[]){ 2, 0, 0, 0, 0, 1 }, 1);
	make_frame(small, sizeof(small), (const uint8_t[]){ 2, 0, 0, 0, 0, 1 }, 2);
	packet_send(big, sizeof(big));
	packet_send(small, sizeof(small));
	ck_assert(used_wait(RXQ, &head, &len, 5));
	text = captured();
	ck_assert_uint_eq(len, HDR + sizeof(small));
	ck_assert_mem_eq(rig.ram + RX_GPA + HDR, small, sizeof(small));
	ck_assert_uint_eq(vdrv_status(&drv), 0x0f);
	ck_assert_str_eq(text, "lkvm-sev: warning: virtio-net: a 1000-byte frame does not fit "
			 "the guest's 256-byte receive buffer and the driver did not take "
			 "VIRTIO_NET_F_MRG_RXBUF: dropped\n");
	free(text);
	teardown_dev();
}
END_TEST

/* A transmit chain of @b breaks the device with @warning, once. */
static void tx_broken(const struct vdrv_buf *b, unsigned int n, const char *warning)
{
	double end = now_sec() + 5;
	char want[512], *text;
	struct lk_err err;

	ck_assert_msg(!vdrv_init(&drv, &err), "%s", err.msg);
	next_desc[0] = next_desc[1] = 0;
	capture_stderr();
	post(TXQ, b, n);
	vdrv_kick_queue(&drv, TXQ);
	while (!(vdrv_status(&drv) & VIRTIO_STATUS_NEEDS_RESET) && now_sec() < end)
		usleep(500);
	text = captured();
	ck_assert_uint_eq(vdrv_status(&drv), 0x4f);
	snprintf(want, sizeof(want), "lkvm-sev: warning: virtio-net (00:02.0): queue 1: %s; the "
		 "device needs a reset\n", warning);
	ck_assert_str_eq(text, want);
	free(text);
}

START_TEST(malformed_tx)
{
	if (!setup_tap(1ULL << F_MRG_RXBUF, 1000))
		return;
	tx_broken((struct vdrv_buf[]){ { TX_GPA, 4, false } }, 1,
		  "transmit chain 0: 4 bytes, no room for the 12-byte header");
	tx_broken((struct vdrv_buf[]){ { TX_GPA, HDR, false }, { TX_GPA + HDR, 70000, false } }, 2,
		  "transmit chain 0: a 70000-byte frame, longer than 65550 bytes");
	tx_broken((struct vdrv_buf[]){ { TX_GPA, HDR, false }, { RAM_SIZE + 0x1000, 64, false } },
		  2, "descriptor 1: buffer 0x401000+0x40 is not in RAM");
	tx_broken((struct vdrv_buf[]){ { TX_GPA, 64, false }, { TX_GPA + 64, 64, true } }, 2,
		  "transmit chain 0 has device-writable buffers");
	teardown_dev();
}
END_TEST

/* The host's IPv4 default gateway (/proc/net/route), as passt offers it; false if none. */
static bool default_gateway(uint8_t *ip)
{
	char line[256];
	unsigned int dst, gw;
	bool found = false;
	FILE *f = fopen("/proc/net/route", "r");

	if (!f)
		return false;
	while (!found && fgets(line, sizeof(line), f))
		found = sscanf(line, "%*s %x %x", &dst, &gw) == 2 && !dst && gw;
	fclose(f);
	if (found)
		memcpy(ip, &gw, 4);	/* the file's hex is the address in memory order */
	return found;
}

/* Whether a child of ours runs @comm, or @comm.* (passt.avx2), left behind or a zombie. */
static bool child_named(const char *comm)
{
	char path[300], stat[512], name[64];
	struct dirent *de;
	int ppid;
	bool found = false;
	DIR *d = opendir("/proc");
	FILE *f;

	while (d && !found && (de = readdir(d))) {
		snprintf(path, sizeof(path), "/proc/%s/stat", de->d_name);
		f = fopen(path, "r");
		if (!f)
			continue;
		if (fgets(stat, sizeof(stat), f) &&
		    sscanf(stat, "%*d (%63[^)]) %*c %d", name, &ppid) == 2)
			found = ppid == getpid() && !strncmp(name, comm, strlen(comm));
		fclose(f);
	}
	if (d)
		closedir(d);
	return found;
}

/* An ARP request for the gateway, from 0.0.0.0 (a probe), in a 60-byte frame. */
static void make_arp(uint8_t *f, const uint8_t *mac, const uint8_t *gw)
{
	memset(f, 0, 60);
	memset(f, 0xff, 6);
	memcpy(f + 6, mac, 6);
	f[12] = 0x08;
	f[13] = 0x06;
	memcpy(f + 14, (const uint8_t[]){ 0, 1, 8, 0, 6, 4, 0, 1 }, 8);
	memcpy(f + 22, mac, 6);
	memcpy(f + 38, gw, 4);
}

START_TEST(passt_answers_arp)
{
	struct virtio_net_opts o = { .mode = VIRTIO_NET_USER,
				     .mac = { 0x52, 0x54, 0x00, 0x12, 0x34, 0x56 } };
	uint8_t gw[4], *r;
	uint16_t head;
	uint32_t len;
	uint64_t f;

	if (!default_gateway(gw)) {
		tests_skip("virtio-net passt_answers_arp", "this host has no IPv4 default route");
		return;
	}
	if (system("command -v passt >/dev/null 2>&1")) {
		tests_skip("virtio-net passt_answers_arp", "passt is not installed (apt-get "
			   "install passt)");
		return;
	}
	setup_dev(&o, 1ULL << F_MRG_RXBUF);
	f = vdrv_device_features(&drv);
	ck_assert_msg(!(f & (1ULL << F_CSUM | 1ULL << F_MTU)), "no offloads, no MTU: 0x%lx", f);
	post_rx(4, 2048);
	make_arp(rig.ram + TX_GPA + HDR, o.mac, gw);
	memset(rig.ram + TX_GPA, 0, HDR);
	post(TXQ, &(struct vdrv_buf){ TX_GPA, HDR + 60, false }, 1);
	vdrv_kick_queue(&drv, TXQ);
	ck_assert_msg(used_wait(RXQ, &head, &len, 10), "no answer from passt in 10 s");
	r = rig.ram + RX_GPA + head * 2048 + HDR;
	ck_assert_uint_ge(len, HDR + 42);
	ck_assert_mem_eq(r, o.mac, 6);				/* to us */
	ck_assert_uint_eq(r[12] << 8 | r[13], 0x0806);		/* ARP */
	ck_assert_uint_eq(r[20] << 8 | r[21], 2);		/* a reply */
	ck_assert_mem_eq(r + 28, gw, 4);			/* for the gateway */
	ck_assert(child_named("passt"));
	teardown_dev();
	ck_assert_msg(!child_named("passt"), "passt is left behind");
}
END_TEST

/*
 * mode=user,socket=PATH to a "passt" (this test) that reads nothing at
 * first: frames go out until the socket is full, the one that fits only in
 * part waits whole in the device (never the I/O loop), later ones are
 * dropped as by a full queue; once read, every frame on the stream is
 * whole, in order, and the link is still up.
 */
#define BIG_FRAME	60000
#define BIG_FRAMES	12

START_TEST(stream_backpressure)
{
	static uint8_t f[BIG_FRAME], got[4 + BIG_FRAME];
	char dir[] = "/tmp/lkvm-net-XXXXXX", path[64];
	struct sockaddr_un a = { .sun_family = AF_UNIX };
	struct virtio_net_opts o = { .mode = VIRTIO_NET_USER, .socket = path,
				     .mac = { 0x52, 0x54, 0x00, 0x12, 0x34, 0x56 } };
	int lfd, fd, seen = -1, frames = 0;
	uint8_t cfg[8];
	uint16_t head;
	uint32_t len;
	unsigned int i;

	ck_assert_ptr_nonnull(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/p.sock", dir);
	snprintf(a.sun_path, sizeof(a.sun_path), "%s", path);
	lfd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	ck_assert_int_eq(bind(lfd, (struct sockaddr *)&a, sizeof(a)), 0);
	ck_assert_int_eq(listen(lfd, 1), 0);
	setup_dev(&o, 1ULL << F_STATUS);
	fd = accept(lfd, NULL, NULL);
	ck_assert_int_ge(fd, 0);
	for (i = 0; i < BIG_FRAMES; i++) {
		uint64_t gpa = TX_GPA + (i % 2) * 0x10000;

		make_frame(f, sizeof(f), o.mac, (uint8_t)i);
		memset(rig.ram + gpa, 0, HDR);
		memcpy(rig.ram + gpa + HDR, f, sizeof(f));
		post(TXQ, &(struct vdrv_buf){ gpa, HDR + BIG_FRAME, false }, 1);
		vdrv_kick_queue(&drv, TXQ);
		ck_assert_msg(used_wait(TXQ, &head, &len, 5), "frame %u not taken", i);
	}
	/* Now read: whole frames, in order, the stream at a frame's end. */
	for (;;) {
		struct pollfd p = { fd, POLLIN, 0 };
		size_t have = 0;
		uint32_t l;

		if (poll(&p, 1, 500) != 1)
			break;
		while (have < 4 + BIG_FRAME) {
			ssize_t r = read(fd, got + have, 4 + BIG_FRAME - have);

			ck_assert_msg(r > 0, "the stream ends inside a frame (%zu bytes)", have);
			have += (size_t)r;
			if (have >= 4)
				ck_assert_uint_eq(got[0] << 24 | got[1] << 16 | got[2] << 8 | got[3],
						  BIG_FRAME);
		}
		l = (uint32_t)(got[0] << 24 | got[1] << 16 | got[2] << 8 | got[3]);
		ck_assert_uint_eq(l, BIG_FRAME);
		ck_assert_int_gt(got[4 + 14], seen);
		seen = got[4 + 14];
		make_frame(f, sizeof(f), o.mac, (uint8_t)seen);
		ck_assert_msg(!memcmp(got + 4, f, sizeof(f)), "frame %d damaged", seen);
		frames++;
	}
	ck_assert_int_ge(frames, 2);
	vdrv_config_read(&drv, 6, cfg, 2);
	ck_assert_uint_eq(cfg[0] & 1, 1);			/* LINK_UP */
	ck_assert_uint_eq(vdrv_status(&drv) & VIRTIO_STATUS_NEEDS_RESET, 0);
	close(fd);
	close(lfd);
	teardown_dev();
	unlink(path);
	rmdir(dir);
}
END_TEST

/* lkvm-sev run with @args: @status and exactly @msg on stderr. */
static void refused(const char *const *args, int status, const char *msg)
{
	struct vmm_proc p;
	char want[1024];

	vmm_run(&p, args, 20);
	snprintf(want, sizeof(want), "lkvm-sev: %s\n", msg);
	ck_assert_msg(p.status == status, "status %d for %s", p.status, msg);
	ck_assert_str_eq(p.err, want);
}

START_TEST(bad_options)
{
	refused((const char *[]){ "run", "-n", "mode=tap", NULL }, 2,
		"-n mode=tap: needs tapif=NAME (the tap to open or create)");
	refused((const char *[]){ "run", "-n", "mode=bridge", NULL }, 2,
		"-n mode=bridge: not one of tap, user");
	refused((const char *[]){ "run", "--network", "mode=tap,tapif=t0,vhost=on", NULL }, 2,
		"-n vhost=on: unknown key (mode, tapif, guest_mac, socket)");
	refused((const char *[]){ "run", "-n", "mode=tap,tapif=t0,guest_mac=52:54:00:zz:00:01",
				  NULL }, 2, "-n guest_mac=52:54:00:zz:00:01: not a unicast MAC "
		"address (six hex bytes: 52:54:00:12:34:56)");
	refused((const char *[]){ "run", "-n", "mode=tap,tapif=t0,guest_mac=01:00:5e:00:00:01",
				  NULL }, 2, "-n guest_mac=01:00:5e:00:00:01: not a unicast MAC "
		"address (six hex bytes: 52:54:00:12:34:56)");
	refused((const char *[]){ "run", "-n", "mode=tap,tapif=a-name-too-long0", NULL }, 2,
		"-n tapif=a-name-too-long0: not an interface name (1 to 15 characters, no '/', "
		"':' or spaces)");
	refused((const char *[]){ "run", "-n", "tapif=t0", NULL }, 2,
		"-n tapif=t0: goes with mode=tap");
	refused((const char *[]){ "run", "-n", "mode=tap,tapif=t0,socket=/tmp/x", NULL }, 2,
		"-n socket=/tmp/x: goes with mode=user");
	refused((const char *[]){ "run", "-n", "tap", NULL }, 2,
		"-n tap: not KEY=VALUE (keys: mode, tapif, guest_mac, socket)");
	refused((const char *[]){ "run", "-n", NULL }, 2,
		"-n needs a value (see lkvm-sev run --help)");
}
END_TEST

/* Without CAP_NET_ADMIN (dropped from the bounding set, as for a user): 125 and the way out. */
START_TEST(tap_without_cap_net_admin)
{
	char want[512];
	int fds[2], ws;
	pid_t pid;

	if (getuid() != 0) {
		tests_skip("virtio-net tap_without_cap_net_admin", "not root");
		return;
	}
	tap_name();
	snprintf(want, sizeof(want), "-n tapif=%s: TUNSETIFF: Operation not permitted: this needs "
		 "CAP_NET_ADMIN, or create the tap beforehand with `ip tuntap add %s mode tap "
		 "user $USER`", tap, tap);
	ck_assert_int_eq(pipe(fds), 0);
	pid = fork();
	ck_assert_int_ge(pid, 0);
	if (!pid) {
		char arg[64];

		snprintf(arg, sizeof(arg), "mode=tap,tapif=%s", tap);
		if (prctl(PR_CAPBSET_DROP, CAP_NET_ADMIN, 0, 0, 0))
			_exit(1);
		refused((const char *[]){ "run", "-n", arg, "--console", "none", NULL }, 125,
			want);
		_exit(0);
	}
	ck_assert_int_eq(waitpid(pid, &ws, 0), pid);
	ck_assert_msg(WIFEXITED(ws) && !WEXITSTATUS(ws), "the unprivileged run's checks failed");
}
END_TEST

START_TEST(passt_missing)
{
	char *path = getenv("PATH") ? strdup(getenv("PATH")) : NULL;

	setenv("PATH", "/nonexistent", 1);
	refused((const char *[]){ "run", "-n", "mode=user", "--console", "none", NULL }, 125,
		"-n mode=user: passt is not installed (not in PATH): install the passt package");
	if (path)
		setenv("PATH", path, 1);
	free(path);
}
END_TEST

Suite *virtio_net_options_suite(void)
{
	Suite *s = suite_create("virtio-net-options");
	TCase *tc = tcase_create("options");

	tcase_add_test(tc, bad_options);
	suite_add_tcase(s, tc);
	return s;
}

Suite *virtio_net_suite(void)
{
	Suite *s = suite_create("virtio-net");
	TCase *tc = tcase_create("tap");
	TCase *user = tcase_create("user");

	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, offer_and_config);
	tcase_add_test(tc, stream_backpressure);
	tcase_add_test(tc, offloads_taken);
	tcase_add_test(tc, offloads_declined);
	tcase_add_test(tc, tx_reaches_tap);
	tcase_add_test(tc, tap_reaches_rx);
	tcase_add_test(tc, tap_reaches_rx_no_mrg);
	tcase_add_test(tc, merged_rx_buffers);
	tcase_add_test(tc, no_rx_buffers_no_read);
	tcase_add_test(tc, no_mrg_frame_too_big);
	tcase_add_test(tc, malformed_tx);
	tcase_add_test(tc, tap_without_cap_net_admin);
	suite_add_tcase(s, tc);
	tcase_set_timeout(user, 60);
	tcase_add_test(user, passt_answers_arp);
	tcase_add_test(user, passt_missing);
	suite_add_tcase(s, user);
	return s;
}
