// SPDX-License-Identifier: GPL-2.0-only
/*
 * vsockpipe - one stream connection, both directions at once, for the
 * nested bed's vsock scenarios: the L2 guest uses AF_VSOCK, the L1 host
 * AF_UNIX (lkvm-sev's hybrid vsock). Static, with no library but libc.
 *
 *   vsockpipe connect-vsock CID PORT [--send N]
 *   vsockpipe listen-vsock PORT [--send N]
 *   vsockpipe connect-unix PATH [--connect PORT] [--send N]
 *   vsockpipe listen-unix PATH [--send N]
 *   vsockpipe connect-tcp ADDR PORT [--send N]
 *   vsockpipe listen-tcp PORT [--send N]
 *   vsockpipe hash N
 *
 * It sends N bytes of a fixed pattern (none without --send), then shuts
 * its side down, reads until the peer does, and prints "received BYTES
 * HASH" (FNV-1a, 64 bits, in hex). `hash N` prints what N bytes of the
 * pattern hash to. --connect does the hybrid vsock handshake first:
 * "CONNECT PORT\n" out, the "OK ..." line back, printed to stderr.
 *
 * For the peer-io benchmark, any mode also takes:
 *   --hold        shut the sending side down only after the peer's EOF
 *                 (a receiver: the sender, reading until then, knows that
 *                 all its bytes arrived)
 *   --time        add " ns NS" to the line: from the connection (accept,
 *                 connect and handshake) to the end, CLOCK_MONOTONIC
 *   --echo        send back every byte that comes, until EOF; prints
 *                 "echoed BYTES"
 *   --pingpong N  N round trips of one byte each way, one at a time;
 *                 prints "pingpong N ns NS"
 */
#include <errno.h>
#include <poll.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <linux/vm_sockets.h>

#define FNV_OFFSET	0xcbf29ce484222325ULL
#define FNV_PRIME	0x100000001b3ULL

static uint8_t pattern(uint64_t i)
{
	return (uint8_t)(i * 131 + (i >> 12));
}

static uint64_t fnv(uint64_t h, const uint8_t *p, size_t n)
{
	while (n--)
		h = (h ^ *p++) * FNV_PRIME;
	return h;
}

static void __attribute__((noreturn)) die(const char *what)
{
	fprintf(stderr, "vsockpipe: %s: %s\n", what, strerror(errno));
	exit(1);
}

static int sock_vsock(bool listen_it, unsigned int cid, unsigned int port)
{
	struct sockaddr_vm a = { .svm_family = AF_VSOCK, .svm_cid = cid, .svm_port = port };
	int fd = socket(AF_VSOCK, SOCK_STREAM, 0), c;

	if (fd < 0)
		die("socket(AF_VSOCK)");
	if (!listen_it) {
		if (connect(fd, (struct sockaddr *)&a, sizeof(a)))
			die("connect");
		return fd;
	}
	a.svm_cid = VMADDR_CID_ANY;
	if (bind(fd, (struct sockaddr *)&a, sizeof(a)) || listen(fd, 1))
		die("bind/listen");
	printf("listening on vsock port %u\n", port);
	fflush(stdout);
	c = accept(fd, NULL, NULL);
	if (c < 0)
		die("accept");
	close(fd);
	return c;
}

static int sock_unix(bool listen_it, const char *path)
{
	struct sockaddr_un a = { .sun_family = AF_UNIX };
	int fd = socket(AF_UNIX, SOCK_STREAM, 0), c;

	snprintf(a.sun_path, sizeof(a.sun_path), "%s", path);
	if (fd < 0)
		die("socket(AF_UNIX)");
	if (!listen_it) {
		if (connect(fd, (struct sockaddr *)&a, sizeof(a)))
			die(path);
		return fd;
	}
	unlink(path);
	if (bind(fd, (struct sockaddr *)&a, sizeof(a)) || listen(fd, 1))
		die(path);
	c = accept(fd, NULL, NULL);
	if (c < 0)
		die("accept");
	close(fd);
	unlink(path);
	return c;
}

static int sock_tcp(bool listen_it, const char *addr, unsigned int port)
{
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = htons(port) };
	int fd = socket(AF_INET, SOCK_STREAM, 0), c, one = 1;

	if (fd < 0)
		die("socket(AF_INET)");
	if (!listen_it) {
		if (inet_pton(AF_INET, addr, &a.sin_addr) != 1) {
			fprintf(stderr, "vsockpipe: bad address %s\n", addr);
			exit(2);
		}
		if (connect(fd, (struct sockaddr *)&a, sizeof(a)))
			die("connect");
		return fd;
	}
	a.sin_addr.s_addr = htonl(INADDR_ANY);
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (bind(fd, (struct sockaddr *)&a, sizeof(a)) || listen(fd, 1))
		die("bind/listen");
	c = accept(fd, NULL, NULL);
	if (c < 0)
		die("accept");
	close(fd);
	return c;
}

static uint64_t now_ns(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (uint64_t)t.tv_sec * 1000000000ULL + (uint64_t)t.tv_nsec;
}

/* Every byte that comes goes back, until EOF. */
static uint64_t echo(int fd)
{
	static uint8_t buf[65536];
	uint64_t n = 0;
	ssize_t r, w, off;

	while ((r = read(fd, buf, sizeof(buf))) > 0) {
		for (off = 0; off < r; off += w) {
			w = send(fd, buf + off, (size_t)(r - off), MSG_NOSIGNAL);
			if (w < 0)
				die("send");
		}
		n += (uint64_t)r;
	}
	if (r < 0)
		die("read");
	shutdown(fd, SHUT_WR);
	return n;
}

/* @count round trips of one byte, then the peer's EOF. */
static void pingpong(int fd, uint64_t count)
{
	uint64_t i;
	uint8_t b = 0;

	for (i = 0; i < count; i++) {
		if (send(fd, &b, 1, MSG_NOSIGNAL) != 1)
			die("send");
		if (read(fd, &b, 1) != 1)
			die("read");
	}
	shutdown(fd, SHUT_WR);
	while (read(fd, &b, 1) > 0)
		;
}

/* "CONNECT PORT\n", then the reply line, byte by byte so nothing after it is taken. */
static void handshake(int fd, const char *port)
{
	char line[64], c;
	size_t n = 0;

	snprintf(line, sizeof(line), "CONNECT %s\n", port);
	if (write(fd, line, strlen(line)) != (ssize_t)strlen(line))
		die("write CONNECT");
	while (n < sizeof(line) - 1 && read(fd, &c, 1) == 1 && c != '\n')
		line[n++] = c;
	line[n] = '\0';
	fprintf(stderr, "%s\n", line);
	if (strncmp(line, "OK ", 3)) {
		fprintf(stderr, "vsockpipe: no OK from lkvm-sev\n");
		exit(1);
	}
}

/* Sends @total bytes of the pattern and takes what comes, both at once. */
static void pipe_both(int fd, uint64_t total, bool hold, uint64_t t0)
{
	static uint8_t buf[65536];
	uint64_t sent = 0, got = 0, h = FNV_OFFSET;
	bool rd = true, wr = true;

	if (!total && !hold) {
		shutdown(fd, SHUT_WR);
		wr = false;
	}
	while (rd || wr) {
		struct pollfd p = { fd, (rd ? POLLIN : 0) | (wr && sent < total ? POLLOUT : 0), 0 };
		ssize_t r;

		if (poll(&p, 1, -1) < 0 && errno != EINTR)
			die("poll");
		if (wr && (p.revents & POLLOUT)) {
			size_t n = total - sent < sizeof(buf) ? total - sent : sizeof(buf), i;

			for (i = 0; i < n; i++)
				buf[i] = pattern(sent + i);
			r = send(fd, buf, n, MSG_DONTWAIT | MSG_NOSIGNAL);
			if (r < 0 && errno != EAGAIN)
				die("send");
			sent += r > 0 ? (uint64_t)r : 0;
			if (sent == total && (!hold || !rd)) {
				shutdown(fd, SHUT_WR);
				wr = false;
			}
		}
		if (rd && (p.revents & (POLLIN | POLLHUP | POLLERR))) {
			r = recv(fd, buf, sizeof(buf), MSG_DONTWAIT);
			if (r < 0 && errno != EAGAIN)
				die("recv");
			if (r == 0)
				rd = false;
			got += r > 0 ? (uint64_t)r : 0;
			h = r > 0 ? fnv(h, buf, (size_t)r) : h;
		}
		if (wr && hold && !rd && sent == total) {
			shutdown(fd, SHUT_WR);
			wr = false;
		}
	}
	printf("received %llu %016llx", (unsigned long long)got, (unsigned long long)h);
	if (t0)
		printf(" ns %llu", (unsigned long long)(now_ns() - t0));
	printf("\n");
}

int main(int argc, char **argv)
{
	uint64_t total = 0, i, h = FNV_OFFSET, pings = 0, t0;
	const char *connect_port = NULL;
	bool hold = false, timed = false, echo_it = false;
	int a, fd;

	if (argc == 3 && !strcmp(argv[1], "hash")) {
		total = strtoull(argv[2], NULL, 0);
		for (i = 0; i < total; i++) {
			uint8_t b = pattern(i);

			h = fnv(h, &b, 1);
		}
		printf("received %llu %016llx\n", (unsigned long long)total,
		       (unsigned long long)h);
		return 0;
	}
	for (a = 3; a < argc; a++) {
		if (!strcmp(argv[a], "--send") && a + 1 < argc)
			total = strtoull(argv[++a], NULL, 0);
		else if (!strcmp(argv[a], "--connect") && a + 1 < argc)
			connect_port = argv[++a];
		else if (!strcmp(argv[a], "--pingpong") && a + 1 < argc)
			pings = strtoull(argv[++a], NULL, 0);
		else if (!strcmp(argv[a], "--hold"))
			hold = true;
		else if (!strcmp(argv[a], "--time"))
			timed = true;
		else if (!strcmp(argv[a], "--echo"))
			echo_it = true;
		else if ((!strcmp(argv[1], "connect-vsock") || !strcmp(argv[1], "connect-tcp")) &&
			 a == 3)
			continue;	/* PORT */
		else
			break;
	}
	if (argc < 3 || a < argc) {
		fprintf(stderr, "usage: see the comment at the top of tests/nested/vsockpipe.c\n");
		return 2;
	}
	if (!strcmp(argv[1], "connect-vsock") && argc >= 4)
		fd = sock_vsock(false, (unsigned int)atoi(argv[2]), (unsigned int)atoi(argv[3]));
	else if (!strcmp(argv[1], "listen-vsock"))
		fd = sock_vsock(true, 0, (unsigned int)atoi(argv[2]));
	else if (!strcmp(argv[1], "connect-unix"))
		fd = sock_unix(false, argv[2]);
	else if (!strcmp(argv[1], "listen-unix"))
		fd = sock_unix(true, argv[2]);
	else if (!strcmp(argv[1], "connect-tcp") && argc >= 4)
		fd = sock_tcp(false, argv[2], (unsigned int)atoi(argv[3]));
	else if (!strcmp(argv[1], "listen-tcp"))
		fd = sock_tcp(true, NULL, (unsigned int)atoi(argv[2]));
	else
		return 2;
	if (connect_port)
		handshake(fd, connect_port);
	t0 = now_ns();
	if (echo_it) {
		printf("echoed %llu\n", (unsigned long long)echo(fd));
	} else if (pings) {
		pingpong(fd, pings);
		printf("pingpong %llu ns %llu\n", (unsigned long long)pings,
		       (unsigned long long)(now_ns() - t0));
	} else {
		pipe_both(fd, total, hold, timed ? t0 : 0);
	}
	return 0;
}
