// SPDX-License-Identifier: GPL-2.0-only
/*
 * virtio-blk with many requests at once, through its real transport on a
 * real KVM VM (tests/vdrv.h: the device as `run` realizes it, driven from
 * C without a guest): more requests than it holds in flight (BLK_INFLIGHT,
 * 64), reads and writes mixed, on io_uring and on the one-at-a-time engine
 * (aio=sync); and a reset while reads from a cold page cache are in flight,
 * after which the device must not touch the used ring again.
 */
#include <fcntl.h>
#include <pthread.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "devices/virtio_blk.h"
#include "devices/virtio_pci.h"
#include "tests/tests.h"
#include "tests/vdrv.h"

#define IMG_MIB		2
#define NR_REQS		80		/* more than BLK_INFLIGHT */
#define DATA_GPA	0x100000ULL
#define RESET_READS	48		/* 1 MiB each */
#define RESET_IMG_MIB	64
#define BAR4		0xc0000000ULL
#define VIRTIO_BLK_T_IN		0
#define VIRTIO_BLK_T_OUT	1

#define QD1_REQS	1000
#define QD1_PAUSED	200		/* after a pause longer than any poll window */

#ifdef __SANITIZE_ADDRESS__	/* gcc and clang, with -fsanitize=address */
#define SANITIZED 1
#else
#define SANITIZED 0
#endif

static struct vrig rig;
static unsigned int poll_us = IOLOOP_POLL_MAX_US;	/* the I/O loop's, for the next rig */
static struct vdrv drv;
static struct virtio_blk_opts opts;
static void *dev;
static char path[64];
static int fd = -1;

static void put_block(uint8_t *buf, uint64_t n, uint8_t fill)
{
	memset(buf, fill, 4096);
	memcpy(buf, &n, sizeof(n));
}

/* An image of @mib MiB (block n: n, then n's low byte), the rig, the device, its driver. */
static void setup_engine(bool sync, unsigned int mib)
{
	static uint8_t chunk[1 << 20];
	struct lk_err err;
	uint64_t n;

	snprintf(path, sizeof(path), "/tmp/lkvm-vblk-XXXXXX");
	fd = mkstemp(path);
	ck_assert_int_ge(fd, 0);
	for (n = 0; n < (uint64_t)mib * 256; n++) {
		put_block(chunk + n % 256 * 4096, n, (uint8_t)n);
		if (n % 256 == 255)
			ck_assert_int_eq(pwrite(fd, chunk, sizeof(chunk), (off_t)(n / 256) << 20),
					 sizeof(chunk));
	}
	ck_assert_int_eq(fdatasync(fd), 0);
	ck_assert_msg(!vrig_init(&rig, DATA_GPA + ((uint64_t)RESET_READS << 20), &err), "%s",
		      err.msg);
	ioloop_set_poll_max(&rig.loop, poll_us);
	opts = (struct virtio_blk_opts){ .path = path, .sync = sync, .opt = "-d" };
	dev = virtio_blk_type.realize(&rig.svc, &opts, &err);
	ck_assert_msg(dev, "%s", err.msg);
	drv = (struct vdrv){ .rig = &rig, .devfn = PCI_DEVFN(2, 0), .bar4 = BAR4 };
	ck_assert_msg(!vrig_start(&rig, &err) && !vdrv_init(&drv, &err), "%s", err.msg);
}

static void teardown_engine(void)
{
	vrig_stop(&rig);
	if (dev)
		virtio_blk_type.destroy(dev);
	dev = NULL;
	vrig_destroy(&rig);
	unlink(path);
	close(fd);
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

/* Request i: even ones read block 3i, odd ones write block 300 + i. */
static void post_mixed(unsigned int i)
{
	uint64_t gpa = DATA_GPA + i * 4096;

	if (i % 2) {
		put_block(rig.ram + gpa, 1000 + i, 0xee);
		vdrv_blk_post(&drv, i, VIRTIO_BLK_T_OUT, (300 + i) * 8, gpa, 4096, false);
	} else {
		memset(rig.ram + gpa, 0, 4096);
		vdrv_blk_post(&drv, i, VIRTIO_BLK_T_IN, 3 * i * 8, gpa, 4096, true);
	}
}

static void many_in_flight(bool sync)
{
	unsigned int i, slot, seen[NR_REQS] = { 0 }, done = 0;
	uint8_t want[4096], got[4096], status;
	double t0;
	uint32_t len;

	setup_engine(sync, IMG_MIB);
	for (i = 0; i < NR_REQS; i++)
		post_mixed(i);
	vdrv_kick(&drv);	/* one doorbell for all of them */
	for (t0 = now(); done < NR_REQS && now() - t0 < 10;) {
		if (!vdrv_blk_used(&drv, &slot, &len, &status)) {
			usleep(100);
			continue;
		}
		ck_assert_uint_lt(slot, NR_REQS);
		ck_assert_msg(status == 0, "request %u: status %u", slot, status);
		ck_assert_uint_eq(len, slot % 2 ? 1 : 4097);
		seen[slot]++;
		done++;
	}
	ck_assert_msg(done == NR_REQS, "%u of %d requests completed in 10 s", done, NR_REQS);
	for (i = 0; i < NR_REQS; i++) {
		ck_assert_msg(seen[i] == 1, "request %u completed %u times", i, seen[i]);
		if (i % 2) {
			put_block(want, 1000 + i, 0xee);
			ck_assert_int_eq(pread(fd, got, 4096, (off_t)((300 + i) * 4096)), 4096);
		} else {
			put_block(want, 3 * i, (uint8_t)(3 * i));
			memcpy(got, rig.ram + DATA_GPA + i * 4096, 4096);
		}
		ck_assert_msg(!memcmp(got, want, 4096), "request %u: wrong data", i);
	}
	ck_assert_uint_eq(vdrv_status(&drv), 0x0f);	/* not broken */
	teardown_engine();
}

START_TEST(many_in_flight_io_uring)
{
	many_in_flight(false);
}
END_TEST

START_TEST(many_in_flight_sync)
{
	many_in_flight(true);
}
END_TEST

/*
 * Reads of blocks the page cache does not hold wait for the disk in
 * io_uring: the 16 requests beyond the first 64 wait on the ring, and must
 * be taken as the first ones complete.
 */
START_TEST(more_reads_than_in_flight)
{
	unsigned int i, slot, done = 0;
	uint8_t status;
	uint32_t len;
	double t0;

	setup_engine(false, IMG_MIB);
	ck_assert_int_eq(posix_fadvise(fd, 0, 0, POSIX_FADV_DONTNEED), 0);
	for (i = 0; i < NR_REQS; i++)
		vdrv_blk_post(&drv, i, VIRTIO_BLK_T_IN, (uint64_t)i * 8, DATA_GPA + i * 4096, 4096,
			      true);
	vdrv_kick(&drv);
	for (t0 = now(); done < NR_REQS && now() - t0 < 5;)
		if (vdrv_blk_used(&drv, &slot, &len, &status))
			done++;
		else
			usleep(100);
	ck_assert_msg(done == NR_REQS, "%u of %d reads completed in 5 s", done, NR_REQS);
	for (i = 0; i < NR_REQS; i++)
		ck_assert_uint_eq(rig.ram[DATA_GPA + i * 4096], i);
	teardown_engine();
}
END_TEST

/*
 * 1 MiB reads of an image the page cache no longer has go to the disk, so
 * most are in flight when the driver resets the device 2 ms after ringing
 * (tens of milliseconds before the disk is done). Once the reset has returned the device owns nothing
 * of the driver's: neither the rings nor the buffers change after it. Then
 * the device works again after re-initialisation.
 */
START_TEST(reset_while_in_flight)
{
	static uint8_t before[DATA_GPA + RESET_READS * (1 << 20)];
	unsigned int i, slot;
	uint8_t status;
	uint32_t len;
	uint16_t used;
	double t0;

	setup_engine(false, RESET_IMG_MIB);
	ck_assert_int_eq(posix_fadvise(fd, 0, 0, POSIX_FADV_DONTNEED), 0);
	for (i = 0; i < RESET_READS; i++)
		vdrv_blk_post(&drv, i, VIRTIO_BLK_T_IN, (uint64_t)(i * 7 % RESET_IMG_MIB) * 2048,
			      DATA_GPA + ((uint64_t)i << 20), 1 << 20, true);
	vdrv_kick(&drv);
	usleep(2000);		/* taken off the ring and submitted, not read yet */
	used = vdrv_used_idx(&drv);
	vdrv_set_status(&drv, 0);
	ck_assert_uint_eq(vdrv_status(&drv), 0);
	if (used == RESET_READS)
		tests_skip("virtio-blk reset_while_in_flight", "the disk read %d MiB before the "
			   "reset: nothing was in flight", RESET_READS);
	memcpy(before, rig.ram, sizeof(before));
	usleep(300 * 1000);
	for (i = 0; i < sizeof(before) && before[i] == rig.ram[i]; i++)
		;
	ck_assert_msg(i == sizeof(before), "guest RAM at 0x%x changed after the reset", i);

	ck_assert_int_eq(vdrv_init(&drv, &(struct lk_err){ 0 }), 0);
	vdrv_blk_post(&drv, 0, VIRTIO_BLK_T_IN, 5 * 8, DATA_GPA, 4096, true);
	vdrv_kick(&drv);
	for (t0 = now(); !vdrv_blk_used(&drv, &slot, &len, &status) && now() - t0 < 10;)
		usleep(100);
	ck_assert_uint_eq(slot, 0);
	ck_assert_uint_eq(status, 0);
	ck_assert_uint_eq(rig.ram[DATA_GPA], 5);
	teardown_engine();
}
END_TEST

/* Request @i, a read of block @i % 512 into slot 0, posted and waited for as a spinning driver. */
/* Request @i, a read of block @i % 512 into slot 0, posted and waited for as a spinning driver. */
static void read_one(unsigned int i)
{
	unsigned int slot, spins = 0;
	uint8_t status;
	uint32_t len;
	double t0 = now();

	memset(rig.ram + DATA_GPA, 0xff, 8);
	vdrv_blk_post(&drv, 0, VIRTIO_BLK_T_IN, (uint64_t)(i % 512) * 8, DATA_GPA, 4096, true);
	vdrv_kick(&drv);
	while (!vdrv_blk_used(&drv, &slot, &len, &status)) {
		if (++spins % 1024 == 0)
			ck_assert_msg(now() - t0 < 5, "request %u: no completion in 5 s", i);
		__builtin_ia32_pause();
	}
	ck_assert_msg(status == 0 && len == 4097, "request %u: status %u, length %u", i, status,
		      len);
	ck_assert_msg(!memcmp(rig.ram + DATA_GPA, &(uint64_t){ i % 512 }, 8),
		      "request %u: wrong block", i);
}

/*
 * The driver (this thread) on one CPU and the I/O loop on another, or both
 * on the same one: where the scheduler puts them is what polling depends
 * on, so the tests choose. False (and a note) with fewer than two CPUs.
 */
static bool pin_threads(bool same_cpu)
{
	cpu_set_t all, one;
	int cpu[2], n = 0, c;

	ck_assert_int_eq(sched_getaffinity(0, sizeof(all), &all), 0);
	for (c = 0; c < CPU_SETSIZE && n < 2; c++)
		if (CPU_ISSET(c, &all))
			cpu[n++] = c;
	if (n < 2 && !same_cpu) {
		tests_skip("virtio-blk polling", "one CPU: the driver and the I/O loop cannot "
			   "run apart");
		return false;
	}
	CPU_ZERO(&one);
	CPU_SET(cpu[0], &one);
	ck_assert_int_eq(pthread_setaffinity_np(pthread_self(), sizeof(one), &one), 0);
	CPU_ZERO(&one);
	CPU_SET(cpu[same_cpu ? 0 : 1], &one);
	ck_assert_int_eq(pthread_setaffinity_np(rig.thread, sizeof(one), &one), 0);
	return true;
}

/*
 * One request at a time, as a guest that waits for each read: first back
 * to back (*@rung: the doorbells they rang), then with pauses longer than
 * any poll window, so that polling starts and stops each time. None may be
 * lost (a doorbell the device
 * switched off and never looked past hangs the driver).
 */
static bool one_at_a_time(unsigned int us, bool same_cpu, unsigned long *rung)
{
	unsigned int i;

	poll_us = us;
	setup_engine(false, IMG_MIB);
	poll_us = IOLOOP_POLL_MAX_US;
	if (!pin_threads(same_cpu))
		return false;
	for (i = 0; i < QD1_REQS; i++)
		read_one(i);
	*rung = drv.doorbells;
	for (i = 0; i < QD1_PAUSED; i++) {
		read_one(i);
		usleep(200);
	}
	vrig_stop(&rig);	/* the loop's counters are ours to read now */
	return true;
}

/*
 * On a CPU of its own, a polling device wants few doorbells back to back.
 * Not counted under the sanitizers: a driver several times slower misses
 * windows that a real one would not.
 */
START_TEST(one_at_a_time_polled)
{
	unsigned long rung = 0;

	if (one_at_a_time(IOLOOP_POLL_MAX_US, false, &rung) && !SANITIZED) {
		ck_assert_msg(rung < QD1_REQS / 2, "%lu doorbells for %d requests back to back, "
			      "with the device polling on a CPU of its own (%llu windows, %llu "
			      "found nothing)", rung, QD1_REQS, (unsigned long long)rig.loop.windows,
			      (unsigned long long)rig.loop.missed);
		ck_assert_uint_gt(rig.loop.polled, QD1_REQS / 2);
	}
	teardown_engine();
}
END_TEST

/* --io-poll 0: never polled, so a doorbell for (nearly) every request. */
START_TEST(one_at_a_time_not_polled)
{
	unsigned long rung = 0;

	if (one_at_a_time(0, false, &rung)) {
		ck_assert_uint_eq(rig.loop.windows, 0);
		ck_assert_uint_eq(rig.loop.polled, 0);
		ck_assert_msg(rung > QD1_REQS / 2, "%lu doorbells for %d requests", rung, QD1_REQS);
	}
	teardown_engine();
}
END_TEST

/*
 * Both on one CPU, the driver cannot post while the loop spins, so every
 * window is wasted: the loop must give up on them (without the back-off,
 * one a request), and still lose nothing.
 */
START_TEST(one_at_a_time_same_cpu)
{
	unsigned long rung = 0;

	ck_assert(one_at_a_time(IOLOOP_POLL_MAX_US, true, &rung));
	ck_assert_msg(rig.loop.windows < (QD1_REQS + QD1_PAUSED) / 8, "%llu poll windows for %d "
		      "requests on one CPU", (unsigned long long)rig.loop.windows,
		      QD1_REQS + QD1_PAUSED);
	teardown_engine();
}
END_TEST

Suite *virtio_blk_suite(void)
{
	Suite *s = suite_create("virtio-blk");
	TCase *tc = tcase_create("requests");

	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, many_in_flight_io_uring);
	tcase_add_test(tc, many_in_flight_sync);
	tcase_add_test(tc, more_reads_than_in_flight);
	tcase_add_test(tc, reset_while_in_flight);
	tcase_add_test(tc, one_at_a_time_polled);
	tcase_add_test(tc, one_at_a_time_not_polled);
	tcase_add_test(tc, one_at_a_time_same_cpu);
	suite_add_tcase(s, tc);
	return s;
}
