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

static struct vrig rig;
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

Suite *virtio_blk_suite(void)
{
	Suite *s = suite_create("virtio-blk");
	TCase *tc = tcase_create("requests");

	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, many_in_flight_io_uring);
	tcase_add_test(tc, many_in_flight_sync);
	tcase_add_test(tc, more_reads_than_in_flight);
	tcase_add_test(tc, reset_while_in_flight);
	suite_add_tcase(s, tc);
	return s;
}
