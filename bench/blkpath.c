// SPDX-License-Identifier: GPL-2.0-only
/*
 * blkpath.c - virtio-blk request throughput against its floor.
 *
 * The floor is the same read pattern (4 KiB at random 4 KiB-aligned
 * offsets, or 1 MiB sequentially) issued with preadv by this program on
 * one thread, into the same buffers. The device is lkvm-sev's own
 * virtio-blk, realized from the library exactly as `run` realizes it (PCI
 * bus, BAR4, ioeventfd on a real KVM VM, the I/O loop on its own thread);
 * this program is its driver, as a guest's would be: it programs the
 * function through configuration space and BAR4, posts requests on the
 * ring with interrupts suppressed (VIRTQ_AVAIL_F_NO_INTERRUPT), rings the
 * doorbell where the device wants it and polls the used ring, keeping QD
 * requests in flight.
 *
 * What it leaves out is the guest: no vCPU, no exit on the doorbell (the
 * eventfd KVM would signal is written directly), no interrupt. Those cost
 * the same whatever the device does; this measures the device's path.
 *
 *   blkpath IMAGE SIZE_MIB PATTERN QD SECONDS REPS
 *
 * PATTERN is rand4k, seq1m, or rand4k-cold: random 4 KiB reads with the
 * image dropped from the page cache before each run, from the disk under
 * IMAGE's file system, where several requests in flight pay off. IMAGE is (re)written first, each 4 KiB block
 * starting with its own number, which every completed read is checked for.
 * The device runs twice, as `-d IMAGE,ro` (io_uring) and `-d
 * IMAGE,ro,aio=sync`, the engine lkvm-sev falls back to. Prints one line:
 * the pattern, QD, the floor's MB/s and each engine's, with its ratio to
 * the floor (medians of REPS alternating runs), how many allocations
 * all the device runs made (malloc, calloc, realloc, counted by wrapping
 * them at link time: lkvm-sev's code and liburing's are counted), each
 * engine's doorbells a request (the driver rings only when the device
 * asks: it suppresses them while it polls or reads the ring anyway), and
 * the hand-off floor: one cache line to another thread and back.
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/uio.h>
#include <time.h>
#include <unistd.h>

#include "devices/virtio_blk.h"
#include "tests/vdrv.h"

#define DRV_SPAN	0x8000ULL	/* a driver's rings; the next one's above */
#define DATA_GPA	0x100000ULL
#define MAX_QD		64
#define BAR4_BASE	0xc0000000ULL	/* the next device's 1 MiB above */
#define BLOCK		4096ULL

struct bench {
	int fd;
	uint64_t blocks;		/* 4 KiB blocks in the image */
	bool random;
	bool cold;			/* the image out of the page cache before each run */
	uint32_t io_len;
	unsigned int qd;
	uint8_t *ram;
	uint64_t ram_size;
	uint64_t seq, rng;		/* the offset generator's state */
	uint64_t off[MAX_QD];		/* each slot's request */
};

static void __attribute__((noreturn)) die(const char *what)
{
	fprintf(stderr, "blkpath: %s: %s\n", what, strerror(errno));
	exit(1);
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

/* The next offset of the pattern, the same sequence for floor and device. */
static uint64_t next_off(struct bench *b)
{
	if (b->random) {
		b->rng = b->rng * 6364136223846793005ULL + 1442695040888963407ULL;
		return ((b->rng >> 33) % b->blocks) * BLOCK;
	}
	if ((b->seq + 1) * b->io_len > b->blocks * BLOCK)
		b->seq = 0;
	return b->seq++ * b->io_len;
}

static void reset_pattern(struct bench *b)
{
	b->seq = 0;
	b->rng = 42;
	if (b->cold && posix_fadvise(b->fd, 0, 0, POSIX_FADV_DONTNEED))
		die("posix_fadvise");
}

static void check_block(const uint8_t *buf, uint64_t off)
{
	uint64_t got;

	memcpy(&got, buf, sizeof(got));
	if (got != off / BLOCK) {
		fprintf(stderr, "blkpath: block at %llu reads %llu\n",
			(unsigned long long)off, (unsigned long long)got);
		exit(1);
	}
}

static void write_image(struct bench *b, const char *path, uint64_t mib)
{
	static uint8_t blk[1 << 20];
	uint64_t i, j;

	b->fd = open(path, O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (b->fd < 0)
		die(path);
	for (i = 0; i < mib; i++) {
		for (j = 0; j < sizeof(blk) / BLOCK; j++) {
			uint64_t n = i * (sizeof(blk) / BLOCK) + j;

			memcpy(blk + j * BLOCK, &n, sizeof(n));
		}
		if (pwrite(b->fd, blk, sizeof(blk), (off_t)(i << 20)) != sizeof(blk))
			die(path);
	}
	b->blocks = mib << 20 >> 12;
}

/* The floor: the pattern with preadv, one request at a time. Returns MB/s. */
static double run_floor(struct bench *b, double secs)
{
	uint64_t n = 0;
	double t0 = now(), t;

	reset_pattern(b);
	do {
		for (unsigned int i = 0; i < 64; i++, n++) {
			uint8_t *buf = b->ram + DATA_GPA + (n % b->qd) * b->io_len;
			struct iovec iov = { buf, b->io_len };
			uint64_t off = next_off(b);

			if (preadv(b->fd, &iov, 1, (off_t)off) != (ssize_t)b->io_len)
				die("preadv");
			check_block(buf, off);
		}
		t = now() - t0;
	} while (t < secs);
	return (double)n * b->io_len / t / 1e6;
}

/*
 * Every malloc, calloc and realloc of the program, lkvm-sev's code and
 * liburing included (linked with --wrap): none may happen per request.
 */
static unsigned long allocations;
void *__real_malloc(size_t n);
void *__real_calloc(size_t n, size_t size);
void *__real_realloc(void *p, size_t n);
void *__wrap_malloc(size_t n);
void *__wrap_calloc(size_t n, size_t size);
void *__wrap_realloc(void *p, size_t n);

void *__wrap_malloc(size_t n)
{
	__atomic_fetch_add(&allocations, 1, __ATOMIC_RELAXED);
	return __real_malloc(n);
}

void *__wrap_calloc(size_t n, size_t size)
{
	__atomic_fetch_add(&allocations, 1, __ATOMIC_RELAXED);
	return __real_calloc(n, size);
}

void *__wrap_realloc(void *p, size_t n)
{
	__atomic_fetch_add(&allocations, 1, __ATOMIC_RELAXED);
	return __real_realloc(p, n);
}

/* Request @slot of @d reads the next block of the pattern into its buffer. */
static void post(struct bench *b, struct vdrv *d, unsigned int slot)
{
	b->off[slot] = next_off(b);
	vdrv_blk_post(d, slot, 0 /* VIRTIO_BLK_T_IN */, b->off[slot] / 512,
		      DATA_GPA + slot * b->io_len, b->io_len, true);
}

/* The used entries since the last look: checked, and posted again while @more. */
static unsigned int reap(struct bench *b, struct vdrv *d, bool more)
{
	unsigned int n = 0, slot;
	uint32_t len;
	uint8_t status;

	for (; vdrv_blk_used(d, &slot, &len, &status); n++) {
		if (status != 0 || len != b->io_len + 1) {
			fprintf(stderr, "blkpath: request %u: status %u, %u bytes\n", slot,
				status, len);
			exit(1);
		}
		check_block(b->ram + DATA_GPA + slot * b->io_len, b->off[slot]);
		if (more)
			post(b, d, slot);
	}
	return n;
}

/*
 * Waits as a polling guest driver would: spinning a while (the device's
 * thread has a CPU of its own), yielding only after that, so that on two
 * CPUs the device is not starved of one.
 */
static void idle(unsigned int *spins)
{
	if (++*spins < 2000) {
		__builtin_ia32_pause();
		return;
	}
	*spins = 0;
	sched_yield();
}

/* Requests the device completed, each engine's over all its runs. */
static uint64_t requests[2];

/* The device: QD requests in flight for @secs. Returns MB/s. */
static double run_device(struct bench *b, struct vdrv *d, double secs, uint64_t *done)
{
	uint64_t n = 0;
	unsigned int i, out, spins = 0;
	double t0 = now(), t = 0;

	reset_pattern(b);
	for (i = 0; i < b->qd; i++)
		post(b, d, i);
	vdrv_kick(d);
	do {
		unsigned int got = reap(b, d, true);

		if (!got) {
			idle(&spins);
			if (!spins)	/* it yielded: a device that stopped must not hang us */
				t = now() - t0;
			continue;
		}
		spins = 0;
		vdrv_kick(d);
		/* The clock at most every 64 requests: it is not free either. */
		if ((n + got) / 64 != n / 64)
			t = now() - t0;
		n += got;
	} while (t < secs);
	t = now() - t0;
	for (out = b->qd; out; out -= reap(b, d, false))
		idle(&spins);
	*done += n + b->qd;
	return (double)n * b->io_len / t / 1e6;
}

/*
 * What any hand-off between two threads costs here: one cache line passed
 * to another thread and back (ns), both spinning. A request at QD 1 moves
 * several lines each way (ring, descriptors, header, status, data).
 */
static volatile uint64_t ping __attribute__((aligned(64)));
static volatile uint64_t pong __attribute__((aligned(64)));
#define HANDOFFS 200000

static void *handoff_peer(void *arg)
{
	uint64_t i;

	(void)arg;
	for (i = 1; i <= HANDOFFS; i++) {
		while (ping != i)
			__builtin_ia32_pause();
		pong = i;
	}
	return NULL;
}

static double handoff_ns(void)
{
	pthread_t t;
	uint64_t i;
	double t0;

	ping = pong = 0;
	if (pthread_create(&t, NULL, handoff_peer, NULL))
		die("pthread_create");
	t0 = now();
	for (i = 1; i <= HANDOFFS; i++) {
		ping = i;
		while (pong != i)
			__builtin_ia32_pause();
	}
	t0 = now() - t0;
	pthread_join(t, NULL);
	return t0 / HANDOFFS * 1e9;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

static double median(double *v, unsigned int n)
{
	qsort(v, n, sizeof(*v), cmp_double);
	return v[n / 2];
}

/* The engines compared: io_uring (the default) and one request at a time. */
#define NR_ENGINES 2
static const char *const engine_name[NR_ENGINES] = { "io_uring", "sync" };

int main(int argc, char **argv)
{
	static struct vrig rig;
	static struct virtio_blk_opts o[NR_ENGINES];
	static struct vdrv d[NR_ENGINES];
	double floor_mbs[16], dev_mbs[NR_ENGINES][16], handoff[16], secs, fl;
	unsigned long allocs = 0, before;
	void *dev[NR_ENGINES] = { NULL };
	struct bench b = { 0 };
	struct lk_err err;
	unsigned int reps, i, e;

	if (argc != 7) {
		fprintf(stderr, "usage: blkpath IMAGE SIZE_MIB rand4k|rand4k-cold|seq1m QD SECONDS "
			"REPS\n");
		return 2;
	}
	b.random = !strncmp(argv[3], "rand4k", 6);
	b.cold = !strcmp(argv[3], "rand4k-cold");
	b.io_len = b.random ? 4096 : 1 << 20;
	b.qd = (unsigned int)atoi(argv[4]);
	secs = atof(argv[5]);
	reps = (unsigned int)atoi(argv[6]);
	if (b.qd < 1 || b.qd > MAX_QD || reps < 1 || reps > 16 || secs <= 0) {
		fprintf(stderr, "blkpath: QD 1..%d, REPS 1..16, SECONDS > 0\n", MAX_QD);
		return 2;
	}
	write_image(&b, argv[1], strtoull(argv[2], NULL, 0));
	if (b.cold && fdatasync(b.fd))	/* clean pages, which the kernel can drop */
		die("fdatasync");
	if (vrig_init(&rig, DATA_GPA + (uint64_t)MAX_QD * b.io_len, &err))
		goto fail;
	b.ram = rig.ram;
	/* Read-only, so that both may open the image (shared locks). */
	for (e = 0; e < NR_ENGINES; e++) {
		o[e] = (struct virtio_blk_opts){ .path = argv[1], .ro = true, .sync = e == 1,
						 .opt = "-d" };
		d[e] = (struct vdrv){ .rig = &rig, .devfn = PCI_DEVFN(2 + e, 0),
				      .bar4 = BAR4_BASE + ((uint64_t)e << 20),
				      .ring = e * DRV_SPAN };
		dev[e] = virtio_blk_type.realize(&rig.svc, &o[e], &err);
		if (!dev[e])
			goto fail;
	}
	if (vrig_start(&rig, &err) || vdrv_init(&d[0], &err) || vdrv_init(&d[1], &err))
		goto fail;

	run_floor(&b, secs / 4);	/* the image into the page cache, the CPU awake */
	for (i = 0; i < reps; i++) {
		floor_mbs[i] = run_floor(&b, secs);
		handoff[i] = handoff_ns();
		for (e = 0; e < NR_ENGINES; e++) {
			before = __atomic_load_n(&allocations, __ATOMIC_RELAXED);
			dev_mbs[e][i] = run_device(&b, &d[e], secs, &requests[e]);
			allocs += __atomic_load_n(&allocations, __ATOMIC_RELAXED) - before;
		}
	}
	fl = median(floor_mbs, reps);
	printf("%-11s QD %-2u  floor %7.0f MB/s", argv[3], b.qd, fl);
	for (e = 0; e < NR_ENGINES; e++) {
		double m = median(dev_mbs[e], reps);

		printf("  %s %7.0f MB/s %.3fx", engine_name[e], m, m / fl);
	}
	printf("  allocations %lu  doorbells a request", allocs);
	for (e = 0; e < NR_ENGINES; e++)
		printf(" %.3f", (double)d[e].doorbells / (double)requests[e]);
	printf("  handoff %.0f ns\n", median(handoff, reps));

	vrig_stop(&rig);
	for (e = 0; e < NR_ENGINES; e++)
		virtio_blk_type.destroy(dev[e]);
	vrig_destroy(&rig);
	unlink(argv[1]);
	return 0;
fail:
	fprintf(stderr, "blkpath: %s\n", err.msg);
	unlink(argv[1]);
	return 1;
}
