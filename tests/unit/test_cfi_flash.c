// SPDX-License-Identifier: GPL-2.0-only
/* The CFI flash of --vars, driven through its MMIO handler as OVMF drives it. */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "devices/cfi_flash.h"
#include "tests/tests.h"

#define VARS_SIZE 0x84000	/* Debian's OVMF_VARS_4M.fd */
#define BLOCK CFI_FLASH_BLOCK_SIZE

static char dir[64], path[128];
static uint8_t *mem, *orig;
static struct cfi_flash flash;
static struct stop stop;
static int mode_ctx;		/* its address is the context */
static bool mode_calls[32];
static int n_mode_calls;
static bool mode_fail;

static int set_mode(void *ctx, bool array_mode, struct lk_err *err)
{
	ck_assert_ptr_eq(ctx, &mode_ctx);
	ck_assert_int_lt(n_mode_calls, 32);
	mode_calls[n_mode_calls++] = array_mode;
	if (mode_fail)
		return err_set(err, LK_EXIT_HOST,
			       "KVM_SET_USER_MEMORY_REGION (vars): Invalid argument");
	return 0;
}

static void assert_mode_calls(int n, const bool *want)
{
	int i;

	ck_assert_int_eq(n_mode_calls, n);
	for (i = 0; i < n; i++)
		ck_assert_msg(mode_calls[i] == want[i], "set_mode call %d: %d", i, mode_calls[i]);
}

static void write_file(const char *p, const void *buf, size_t len)
{
	int fd = open(p, O_WRONLY | O_CREAT | O_TRUNC, 0600);

	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(write(fd, buf, len), (ssize_t)len);
	close(fd);
}

/*
 * Block 0 starts with bytes OVMF's probe skips (0x00, 0x50, 0x70), as the
 * empirical first usable offset 0x10 shows; the rest is a pattern.
 */
static void setup(void)
{
	struct lk_err err;
	size_t i;

	strcpy(dir, "/tmp/lkvm-cfi-XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/vars.fd", dir);
	orig = malloc(VARS_SIZE);
	mem = aligned_alloc(4096, VARS_SIZE);
	ck_assert_ptr_nonnull(orig);
	ck_assert_ptr_nonnull(mem);
	for (i = 0; i < VARS_SIZE; i++)
		orig[i] = (uint8_t)(i * 7 + 3) | 0x01;	/* never 0x00, 0x50 or 0x70 */
	for (i = 0; i < 0x10; i++)
		orig[i] = (const uint8_t[]){ 0x00, 0x50, 0x70 }[i % 3];
	orig[0x10] = 0x5a;
	write_file(path, orig, VARS_SIZE);
	n_mode_calls = 0;
	mode_fail = false;
	ck_assert_int_eq(stop_init(&stop, &err), 0);
	ck_assert_int_eq(cfi_flash_open(&flash, path, 0xffc00000, mem, VARS_SIZE, set_mode,
					&mode_ctx, &stop, &err), 0);
	ck_assert_int_eq(memcmp(mem, orig, VARS_SIZE), 0);
}

static void teardown(void)
{
	char p[160];

	cfi_flash_close(&flash);
	stop_destroy(&stop);
	snprintf(p, sizeof(p), "%s/stderr", dir);
	unlink(p);
	unlink(path);
	rmdir(dir);
	free(mem);
	free(orig);
}

static uint64_t rdw(uint64_t off, uint32_t len)
{
	uint8_t d[8];
	uint64_t v = 0;

	cfi_flash_io(&flash, off, d, len, false);
	while (len--)
		v = v << 8 | d[len];
	return v;
}

static uint8_t rd(uint64_t off)
{
	return (uint8_t)rdw(off, 1);
}

static void wr(uint64_t off, uint8_t v)
{
	cfi_flash_io(&flash, off, &v, 1, true);
}

/* What the file holds now, read through a descriptor of its own. */
static void file_bytes(uint64_t off, void *buf, size_t len)
{
	int fd = open(path, O_RDONLY);

	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(pread(fd, buf, len, (off_t)off), (ssize_t)len);
	close(fd);
}

static uint8_t file_byte(uint64_t off)
{
	uint8_t b;

	file_bytes(off, &b, 1);
	return b;
}

/* Runs @fn's writes with stderr going to a file; returns what was written there. */
static const char *capture_stderr(void (*fn)(void))
{
	static char buf[2048];
	char p[160];
	int fd, saved;
	ssize_t n;

	snprintf(p, sizeof(p), "%s/stderr", dir);
	fd = open(p, O_RDWR | O_CREAT | O_TRUNC, 0600);
	ck_assert_int_ge(fd, 0);
	saved = dup(STDERR_FILENO);
	dup2(fd, STDERR_FILENO);
	fn();
	dup2(saved, STDERR_FILENO);
	close(saved);
	n = pread(fd, buf, sizeof(buf) - 1, 0);
	close(fd);
	buf[n > 0 ? n : 0] = '\0';
	return buf;
}

/* OvmfPkg/QemuFlashFvbServicesRuntimeDxe/QemuFlash.c, QemuFlashDetected(). */
START_TEST(ovmf_detects_flash)
{
	static const bool want[] = { false, true };
	uint8_t *now = malloc(VARS_SIZE);
	uint64_t off;
	uint8_t v;

	for (off = 0; off < BLOCK; off++) {
		v = rd(off);
		if (v != 0x50 && v != 0x70 && v != 0x00)
			break;
	}
	ck_assert_uint_eq(off, 0x10);
	ck_assert_uint_eq(rd(off), 0x5a);		/* OriginalUint8 */
	wr(off, 0x50);
	ck_assert_uint_eq(rd(off), 0x5a);		/* not 0x50: not RAM */
	ck_assert_int_eq(n_mode_calls, 0);		/* 0x50 stays in read array */
	wr(off, 0x70);
	ck_assert_uint_eq(rd(off), 0x00);		/* cleared status: FLASH */
	wr(off, 0xff);
	ck_assert_uint_eq(rd(off), 0x5a);
	assert_mode_calls(2, want);
	/* Probing wrote nothing. */
	file_bytes(0, now, VARS_SIZE);
	ck_assert_int_eq(memcmp(now, orig, VARS_SIZE), 0);
	ck_assert_int_eq(memcmp(mem, orig, VARS_SIZE), 0);
	ck_assert(!stop_requested(&stop));
	free(now);
}
END_TEST

START_TEST(program_byte)
{
	static const bool want[] = { false, true };

	wr(0x123, 0x10);
	wr(0x123, 0xa5);
	/* In the file before the guest can read the status. */
	ck_assert_uint_eq(file_byte(0x123), 0xa5);
	ck_assert_uint_eq(mem[0x123], 0xa5);
	/* QEMU stays in status mode after a program: reads return the status. */
	ck_assert_uint_eq(rd(0x123), 0x80);
	wr(0x123, 0x70);
	ck_assert_uint_eq(rd(0x123), 0x80);
	wr(0x123, 0xff);
	ck_assert_uint_eq(rd(0x123), 0xa5);
	ck_assert_uint_eq(rd(0x122), orig[0x122]);
	ck_assert_uint_eq(file_byte(0x124), orig[0x124]);
	assert_mode_calls(2, want);
}
END_TEST

/* Stored as written, as QEMU does: no AND with the old byte; 0x40 programs too. */
START_TEST(program_no_and)
{
	wr(0x200, 0x00);	/* QEMU's read-array alias: no mode change */
	ck_assert_int_eq(n_mode_calls, 0);
	wr(0x201, 0x40);
	wr(0x201, 0x0f);
	wr(0x201, 0x40);
	wr(0x201, 0xf0);
	wr(0x201, 0xff);
	ck_assert_uint_eq(rd(0x201), 0xf0);
	ck_assert_uint_eq(file_byte(0x201), 0xf0);
}
END_TEST

/* QemuFlashWrite(): 0x10 + data per byte, one 0xff at the end; no slot churn. */
START_TEST(ovmf_write_sequence)
{
	static const bool want[] = { false, true };
	const char msg[] = "VariableStore";
	uint8_t back[sizeof(msg)];
	size_t i;

	for (i = 0; i < sizeof(msg); i++) {
		wr(0x3000 + i, 0x10);
		wr(0x3000 + i, (uint8_t)msg[i]);
	}
	wr(0x3000 + sizeof(msg) - 1, 0xff);
	assert_mode_calls(2, want);
	file_bytes(0x3000, back, sizeof(back));
	ck_assert_str_eq((const char *)back, msg);
	for (i = 0; i < sizeof(msg); i++)
		ck_assert_uint_eq(rd(0x3000 + i), (uint8_t)msg[i]);
}
END_TEST

START_TEST(erase_block)
{
	static const bool want[] = { false, true };
	uint8_t *disk = malloc(BLOCK);
	int i;

	wr(0x1234, 0x20);
	wr(0x1234, 0xd0);
	for (i = 0; i < BLOCK; i++)
		ck_assert_uint_eq(mem[0x1000 + i], 0xff);
	file_bytes(0x1000, disk, BLOCK);
	for (i = 0; i < BLOCK; i++)
		ck_assert_uint_eq(disk[i], 0xff);
	ck_assert_uint_eq(file_byte(0xfff), orig[0xfff]);
	ck_assert_uint_eq(file_byte(0x2000), orig[0x2000]);
	ck_assert_uint_eq(mem[0x2000], orig[0x2000]);
	/* OVMF writes no 0xff after an erase: QEMU keeps returning status. */
	ck_assert_uint_eq(rd(0x1234), 0x80);
	ck_assert_uint_eq(rd(0x5000), 0x80);
	wr(0x1234, 0xff);
	ck_assert_uint_eq(rd(0x1234), 0xff);
	ck_assert_uint_eq(rd(0x2000), orig[0x2000]);
	assert_mode_calls(2, want);
	free(disk);
}
END_TEST

static void bad_confirm(void)
{
	wr(0x1000, 0x20);
	wr(0x1000, 0x55);
}

/* QEMU's error_flash: read array, no status bits. The block is kept. */
START_TEST(erase_bad_confirm)
{
	static const bool want[] = { false, true, false, true };
	char expect[512];
	const char *out = capture_stderr(bad_confirm);

	snprintf(expect, sizeof(expect), "lkvm-sev: warning: --vars %s: unsupported flash "
		 "command 0x55 after 0x20 at offset 0x1000: back to read-array mode (further "
		 "unsupported commands are not reported)\n", path);
	ck_assert_str_eq(out, expect);
	ck_assert_uint_eq(rd(0x1000), orig[0x1000]);
	ck_assert_uint_eq(file_byte(0x1000), orig[0x1000]);
	wr(0x1000, 0x70);
	ck_assert_uint_eq(rd(0x1000), 0x80);
	wr(0x1000, 0xff);
	assert_mode_calls(4, want);
	ck_assert(!stop_requested(&stop));
}
END_TEST

/* 0x20 then 0xff aborts the erase quietly. */
START_TEST(erase_aborted)
{
	wr(0x2000, 0x20);
	ck_assert_uint_eq(rd(0x2000), 0x80);
	wr(0x2000, 0xff);
	ck_assert_uint_eq(rd(0x2000), orig[0x2000]);
	ck_assert_uint_eq(file_byte(0x2000), orig[0x2000]);
}
END_TEST

/* pc's pflash: id0-id3 are 0, the old addressing (offset & 0xff). */
START_TEST(read_id)
{
	ck_assert_uint_ne(rd(0x100), 0);
	ck_assert_uint_ne(rd(0x101), 0);
	wr(0x100, 0x90);
	ck_assert_uint_eq(rd(0x100), 0x00);	/* manufacturer */
	ck_assert_uint_eq(rd(0x101), 0x00);	/* device */
	ck_assert_uint_eq(rd(0x102), 0x00);
	ck_assert_uint_eq(rdw(0x100, 4), 0);
	wr(0x100, 0xff);
	ck_assert_uint_eq(rd(0x100), orig[0x100]);
}
END_TEST

START_TEST(cfi_query)
{
	static const uint8_t want[][2] = {
		{ 0x10, 'Q' }, { 0x11, 'R' }, { 0x12, 'Y' }, { 0x13, 0x01 }, { 0x14, 0x00 },
		{ 0x15, 0x31 }, { 0x16, 0x00 }, { 0x1b, 0x45 }, { 0x1c, 0x55 }, { 0x1d, 0x00 },
		{ 0x1f, 0x07 }, { 0x20, 0x07 }, { 0x21, 0x0a }, { 0x22, 0x00 }, { 0x23, 0x04 },
		{ 0x24, 0x04 }, { 0x25, 0x04 }, { 0x26, 0x00 },
		{ 0x27, 14 },		/* ctz32(0x84000), as QEMU */
		{ 0x28, 0x02 }, { 0x29, 0x00 }, { 0x2a, 0x08 }, { 0x2b, 0x00 }, { 0x2c, 0x01 },
		{ 0x2d, 0x83 }, { 0x2e, 0x00 },	/* 0x84 blocks - 1 */
		{ 0x2f, 0x10 }, { 0x30, 0x00 },	/* 4 KiB / 256 */
		{ 0x31, 'P' }, { 0x32, 'R' }, { 0x33, 'I' }, { 0x34, '1' }, { 0x35, '0' },
		{ 0x3f, 0x01 }, { 0x51, 0x00 }, { 0x52, 0x00 }, { 0xff, 0x00 }, { 0x00, 0x00 },
	};
	static const bool calls[] = { false, true };
	size_t i;

	wr(0x55, 0x98);
	for (i = 0; i < sizeof(want) / sizeof(want[0]); i++)
		ck_assert_msg(rd(want[i][0]) == want[i][1], "query byte 0x%02x: 0x%02x",
			      want[i][0], rd(want[i][0]));
	ck_assert_uint_eq(rd(0x1110), 'Q');		/* repeats every 256 bytes */
	ck_assert_uint_eq(rdw(0x10, 2), 'Q');		/* one byte whatever the width */
	/* QEMU leaves query mode on 0xff only. */
	wr(0x10, 0x70);
	ck_assert_uint_eq(rd(0x10), 'Q');
	wr(0x10, 0xff);
	ck_assert_uint_eq(rd(0x10), 0x5a);
	assert_mode_calls(2, calls);
}
END_TEST

/* Without device-width, QEMU repeats the status in bits 16-23 of 4-byte reads. */
START_TEST(wide_status)
{
	wr(0x40, 0x70);
	ck_assert_uint_eq(rdw(0x40, 2), 0x0080);
	ck_assert_uint_eq(rdw(0x40, 4), 0x00800080);
	ck_assert_uint_eq(rdw(0x40, 8), 0x0080008000800080ULL);
	wr(0x40, 0xff);
	ck_assert_uint_eq(rdw(0x40, 4), (uint64_t)orig[0x40] | orig[0x41] << 8 |
			  orig[0x42] << 16 | (uint64_t)orig[0x43] << 24);
	/* An access straddling the end: the missing bytes read as all-ones. */
	ck_assert_uint_eq(rdw(VARS_SIZE - 2, 4), 0xffff0000ULL | orig[VARS_SIZE - 2] |
			  orig[VARS_SIZE - 1] << 8);
}
END_TEST

START_TEST(mode_switch_failure_stops)
{
	mode_fail = true;
	wr(0x10, 0x10);
	ck_assert(stop_requested(&stop));
	ck_assert_int_eq(atomic_load(&stop.status), LK_EXIT_HOST);
	ck_assert_str_eq(stop.err.msg, "KVM_SET_USER_MEMORY_REGION (vars): Invalid argument");
	/* The region may still be mapped read-only: the data is not stored. */
	wr(0x10, 0x11);
	ck_assert_uint_eq(mem[0x10], 0x5a);
	ck_assert_uint_eq(file_byte(0x10), 0x5a);
	ck_assert_uint_eq(rd(0x10), 0x90);		/* ready, program error */
}
END_TEST

/* A read-only descriptor in place of the device's makes pwrite fail (EBADF). */
static void break_fd(void)
{
	int ro = open(path, O_RDONLY);

	ck_assert_int_ge(ro, 0);
	ck_assert_int_eq(dup2(ro, flash.fd), flash.fd);
	close(ro);
}

START_TEST(pwrite_failure_stops)
{
	char expect[256];

	break_fd();
	wr(0x20, 0x10);
	wr(0x20, 0x33);
	ck_assert(stop_requested(&stop));
	ck_assert_int_eq(atomic_load(&stop.status), LK_EXIT_HOST);
	snprintf(expect, sizeof(expect), "--vars %s: pwrite at offset 0x20, length 1: "
		 "Bad file descriptor", path);
	ck_assert_str_eq(stop.err.msg, expect);
	ck_assert_uint_eq(rd(0x20), 0x90);		/* ready, program error */
}
END_TEST

START_TEST(erase_failure_stops)
{
	char expect[256];

	break_fd();
	wr(0x3000, 0x20);
	wr(0x3000, 0xd0);
	ck_assert_int_eq(atomic_load(&stop.status), LK_EXIT_HOST);
	snprintf(expect, sizeof(expect), "--vars %s: pwrite at offset 0x3000, length 4096: "
		 "Bad file descriptor", path);
	ck_assert_str_eq(stop.err.msg, expect);
	ck_assert_uint_eq(rd(0x3000), 0xa0);		/* ready, erase error */
}
END_TEST

static void two_unsupported(void)
{
	wr(0x300, 0xe8);	/* write to buffer: not emulated */
	wr(0x300, 0x70);
	wr(0x300, 0x60);	/* block lock: not emulated */
}

START_TEST(unsupported_warns_once)
{
	static const bool want[] = { false, true };
	char expect[512];
	const char *out = capture_stderr(two_unsupported);

	snprintf(expect, sizeof(expect), "lkvm-sev: warning: --vars %s: unsupported flash "
		 "command 0xe8 at offset 0x300: back to read-array mode (further unsupported "
		 "commands are not reported)\n", path);
	ck_assert_str_eq(out, expect);
	ck_assert_uint_eq(rd(0x300), orig[0x300]);
	assert_mode_calls(2, want);
	ck_assert(!stop_requested(&stop));
}
END_TEST

static void open_fails(const char *p, uint64_t size, const char *msg)
{
	struct cfi_flash f;
	struct lk_err err = { 0 };
	char expect[256];

	ck_assert_int_eq(cfi_flash_open(&f, p, 0, mem, size, set_mode, &mode_ctx, &stop, &err),
			 -1);
	ck_assert_int_eq(err.status, LK_EXIT_USAGE);
	snprintf(expect, sizeof(expect), "--vars %s: %s", p, msg);
	ck_assert_str_eq(err.msg, expect);
}

START_TEST(open_errors)
{
	char p[160];
	struct lk_err err;
	uint64_t size = 0;

	snprintf(p, sizeof(p), "%s/missing", dir);
	open_fails(p, VARS_SIZE, "no such file");
	open_fails(dir, VARS_SIZE, "not a regular file");
	snprintf(p, sizeof(p), "%s/small.fd", dir);
	write_file(p, orig, 8192);
	open_fails(p, VARS_SIZE, "size 8192 bytes, expected 540672");
	write_file(p, orig, 5000);
	open_fails(p, VARS_SIZE, "size 5000 bytes is not a multiple of 4 KiB");
	ck_assert_int_eq(cfi_flash_file_size(p, &size, &err), -1);
	ck_assert_int_eq(err.status, LK_EXIT_USAGE);
	write_file(p, orig, 0);
	open_fails(p, VARS_SIZE, "empty file");
	unlink(p);
	ck_assert_int_eq(cfi_flash_file_size(path, &size, &err), 0);
	ck_assert_uint_eq(size, VARS_SIZE);
	/* The fixture's flash holds the store: a second one may not write it too. */
	open_fails(path, VARS_SIZE, "locked by another user of the variable store (Resource "
		   "temporarily unavailable)");
}
END_TEST

Suite *unit_cfi_flash_suite(void)
{
	Suite *s = suite_create("cfi_flash");
	TCase *tc = tcase_create("pflash");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, ovmf_detects_flash);
	tcase_add_test(tc, program_byte);
	tcase_add_test(tc, program_no_and);
	tcase_add_test(tc, ovmf_write_sequence);
	tcase_add_test(tc, erase_block);
	tcase_add_test(tc, erase_bad_confirm);
	tcase_add_test(tc, erase_aborted);
	tcase_add_test(tc, read_id);
	tcase_add_test(tc, cfi_query);
	tcase_add_test(tc, wide_status);
	tcase_add_test(tc, mode_switch_failure_stops);
	tcase_add_test(tc, pwrite_failure_stops);
	tcase_add_test(tc, erase_failure_stops);
	tcase_add_test(tc, unsupported_warns_once);
	tcase_add_test(tc, open_errors);
	suite_add_tcase(s, tc);
	return s;
}
