// SPDX-License-Identifier: GPL-2.0-only
/*
 * Split virtqueues on fake guest memory: requests taken and returned, the
 * event index, and every way a guest can corrupt a queue, each of which
 * must be refused with its reason and never read outside guest memory.
 */
#include <endian.h>
#include <string.h>

#include "devices/virtq.h"
#include "tests/tests.h"

#define RAM_SIZE	0x40000
#define QSIZE		8
#define DESC		0x1000
#define AVAIL		0x2000
#define USED		0x3000
#define BUF		0x10000
/* A 16 GiB region above RAM the device may "map" but never touches here. */
#define BIG		0x100000000ULL
#define BIG_SIZE	(16ULL << 30)

static uint8_t ram[RAM_SIZE] __attribute__((aligned(4096)));
static uint64_t private_from, private_to;	/* an SNP guest's private range */

static void *fake_hva(void *ctx, uint64_t gpa, uint64_t len)
{
	(void)ctx;
	if (gpa < RAM_SIZE && len <= RAM_SIZE - gpa)
		return ram + gpa;
	if (gpa >= BIG && gpa - BIG < BIG_SIZE && len <= BIG_SIZE - (gpa - BIG))
		return ram;	/* stands in; these tests never touch it */
	return NULL;
}

static bool fake_shared(void *ctx, uint64_t gpa, uint64_t len)
{
	(void)ctx;
	return gpa + len <= private_from || gpa >= private_to;
}

static const struct guest_mem mem = { .hva = fake_hva, .shared = fake_shared };
static struct virtq q;
static struct virtq_elem e;

static void desc(unsigned int table, unsigned int i, uint64_t addr, uint32_t len,
		 uint16_t flags, uint16_t next)
{
	uint8_t *d = ram + table + 16 * i;

	addr = htole64(addr);
	len = htole32(len);
	flags = htole16(flags);
	next = htole16(next);
	memcpy(d, &addr, 8);
	memcpy(d + 8, &len, 4);
	memcpy(d + 12, &flags, 2);
	memcpy(d + 14, &next, 2);
}

static void put16(uint64_t gpa, uint16_t v)
{
	v = htole16(v);
	memcpy(ram + gpa, &v, 2);
}

static uint16_t get16(uint64_t gpa)
{
	uint16_t v;

	memcpy(&v, ram + gpa, 2);
	return le16toh(v);
}

/* Makes @head the next available entry. */
static void offer(uint16_t head)
{
	uint16_t idx = get16(AVAIL + 2);

	put16(AVAIL + 4 + 2 * (idx % QSIZE), head);
	put16(AVAIL + 2, (uint16_t)(idx + 1));
}

static void setup(void)
{
	memset(ram, 0, sizeof(ram));
	private_from = private_to = 0;
	virtq_reset(&q, QSIZE);
	q.desc = DESC;
	q.avail = AVAIL;
	q.used = USED;
	q.enabled = true;
}

static void expect_broken(const char *why)
{
	struct lk_err err;

	ck_assert_int_eq(virtq_pop(&q, &mem, &e, &err), -1);
	ck_assert_str_eq(err.msg, why);
}

START_TEST(request_and_completion)
{
	struct lk_err err;

	/* A header to read, then two buffers to write: head 3, through 5 and 1. */
	desc(DESC, 3, BUF, 16, VIRTQ_DESC_F_NEXT, 5);
	desc(DESC, 5, BUF + 0x100, 512, VIRTQ_DESC_F_NEXT | VIRTQ_DESC_F_WRITE, 1);
	desc(DESC, 1, BUF + 0x400, 1, VIRTQ_DESC_F_WRITE, 0);
	ck_assert_int_eq(virtq_pop(&q, &mem, &e, &err), 0);	/* nothing yet */
	offer(3);
	ck_assert_int_eq(virtq_pop(&q, &mem, &e, &err), 1);
	ck_assert_uint_eq(e.head, 3);
	ck_assert_uint_eq(e.nr_out, 1);
	ck_assert_uint_eq(e.nr_in, 2);
	ck_assert_ptr_eq(e.out[0].iov_base, ram + BUF);
	ck_assert_ptr_eq(e.in[1].iov_base, ram + BUF + 0x400);
	ck_assert_uint_eq(e.out_len, 16);
	ck_assert_uint_eq(e.in_len, 513);
	ck_assert_int_eq(virtq_pop(&q, &mem, &e, &err), 0);
	ck_assert_int_eq(virtq_push(&q, &mem, 3, 513, &err), 0);
	ck_assert_uint_eq(get16(USED + 2), 1);
	ck_assert_uint_eq(le32toh(*(uint32_t *)(ram + USED + 4)), 3);
	ck_assert_uint_eq(le32toh(*(uint32_t *)(ram + USED + 8)), 513);
	/* Without the event index, the driver's flag decides. */
	ck_assert(virtq_should_interrupt(&q, &mem));
	put16(AVAIL, VIRTQ_AVAIL_F_NO_INTERRUPT);
	ck_assert(!virtq_should_interrupt(&q, &mem));
}
END_TEST

START_TEST(indirect_table)
{
	struct lk_err err;

	desc(DESC, 0, BUF + 0x800, 3 * 16, VIRTQ_DESC_F_INDIRECT, 0);
	desc(BUF + 0x800, 0, BUF, 16, VIRTQ_DESC_F_NEXT, 2);
	desc(BUF + 0x800, 2, BUF + 0x100, 8, VIRTQ_DESC_F_NEXT, 1);
	desc(BUF + 0x800, 1, BUF + 0x200, 64, VIRTQ_DESC_F_WRITE, 0);
	offer(0);
	ck_assert_int_eq(virtq_pop(&q, &mem, &e, &err), 1);
	ck_assert_uint_eq(e.nr_out, 2);
	ck_assert_uint_eq(e.nr_in, 1);
	ck_assert_uint_eq(e.out_len, 24);
	ck_assert_uint_eq(e.in_len, 64);
}
END_TEST

START_TEST(event_index)
{
	struct lk_err err;

	q.event_idx = true;
	desc(DESC, 0, BUF, 8, VIRTQ_DESC_F_WRITE, 0);
	/* An empty queue asks to be notified at the next entry. */
	ck_assert_int_eq(virtq_pop(&q, &mem, &e, &err), 0);
	ck_assert_uint_eq(get16(USED + 4 + 8 * QSIZE), 0);
	offer(0);
	offer(0);
	ck_assert_int_eq(virtq_pop(&q, &mem, &e, &err), 1);
	ck_assert_uint_eq(get16(USED + 4 + 8 * QSIZE), 1);	/* avail_event */
	ck_assert_int_eq(virtq_pop(&q, &mem, &e, &err), 1);
	ck_assert_uint_eq(get16(USED + 4 + 8 * QSIZE), 2);
	/* used_event 1: an interrupt once the used index passes 1, not before. */
	put16(AVAIL + 4 + 2 * QSIZE, 1);
	ck_assert_int_eq(virtq_push(&q, &mem, 0, 8, &err), 0);
	ck_assert(virtq_should_interrupt(&q, &mem));	/* the first always does */
	ck_assert_int_eq(virtq_push(&q, &mem, 0, 8, &err), 0);
	ck_assert(virtq_should_interrupt(&q, &mem));	/* 1 -> 2 passes 1 */
	ck_assert_int_eq(virtq_push(&q, &mem, 0, 8, &err), 0);
	ck_assert(!virtq_should_interrupt(&q, &mem));	/* 2 -> 3 does not */
}
END_TEST

START_TEST(loop)
{
	desc(DESC, 0, BUF, 8, VIRTQ_DESC_F_NEXT, 1);
	desc(DESC, 1, BUF, 8, VIRTQ_DESC_F_NEXT, 0);
	offer(0);
	expect_broken("descriptor 0: a chain of more than 8 (a loop?)");
}
END_TEST

START_TEST(indices_out_of_range)
{
	offer(QSIZE);
	expect_broken("available entry 0: head 8 is out of the table");
	setup();
	desc(DESC, 0, BUF, 8, VIRTQ_DESC_F_NEXT, QSIZE + 3);
	offer(0);
	expect_broken("descriptor 0: next 11 is out of the table");
	setup();
	put16(AVAIL + 2, QSIZE + 1);
	expect_broken("the available index moved 9 entries, past the queue's 8");
}
END_TEST

START_TEST(buffers_outside_guest_memory)
{
	desc(DESC, 0, RAM_SIZE - 8, 16, 0, 0);
	offer(0);
	expect_broken("descriptor 0: buffer 0x3fff8+0x10 is not in RAM");
	setup();
	desc(DESC, 0, 0xfffffffffffffff0ULL, 0x20, 0, 0);
	offer(0);
	expect_broken("descriptor 0: buffer 0xfffffffffffffff0+0x20 is not in RAM");
	setup();
	q.desc = RAM_SIZE - 16;
	offer(0);
	expect_broken("descriptor table 0x3fff0+0x80 is not in RAM");
	setup();
	q.used = RAM_SIZE;
	offer(0);
	expect_broken("used ring 0x40000+0x46 is not in RAM");
}
END_TEST

START_TEST(lengths_that_overflow)
{
	desc(DESC, 0, BIG, 0xffffffff, VIRTQ_DESC_F_NEXT | VIRTQ_DESC_F_WRITE, 1);
	desc(DESC, 1, BIG, 0x2, VIRTQ_DESC_F_WRITE, 0);
	offer(0);
	expect_broken("descriptor 1: the chain's length passes 4 GiB (2 buffers)");
}
END_TEST

START_TEST(bad_indirect_tables)
{
	desc(DESC, 0, BUF, 24, VIRTQ_DESC_F_INDIRECT, 0);
	offer(0);
	expect_broken("descriptor 0: a bad indirect table of 24 bytes");
	setup();
	desc(DESC, 0, BUF, 32, VIRTQ_DESC_F_INDIRECT | VIRTQ_DESC_F_NEXT, 1);
	offer(0);
	expect_broken("descriptor 0: a bad indirect table of 32 bytes");
	setup();
	desc(DESC, 0, BUF, 16, VIRTQ_DESC_F_INDIRECT, 0);
	desc(BUF, 0, BUF + 0x100, 16, VIRTQ_DESC_F_INDIRECT, 0);
	offer(0);
	expect_broken("descriptor 0: a bad indirect table of 16 bytes");
	setup();
	desc(DESC, 0, BUF, 16, VIRTQ_DESC_F_INDIRECT, 0);
	desc(BUF, 0, BUF + 0x100, 16, VIRTQ_DESC_F_NEXT, 1);
	offer(0);
	expect_broken("descriptor 0: next 1 is out of the table");
	/* A loop inside an indirect table: caught at the table's own size. */
	setup();
	desc(DESC, 0, BUF, 32, VIRTQ_DESC_F_INDIRECT, 0);
	desc(BUF, 0, BUF + 0x100, 16, VIRTQ_DESC_F_NEXT, 1);
	desc(BUF, 1, BUF + 0x100, 16, VIRTQ_DESC_F_NEXT, 0);
	offer(0);
	expect_broken("descriptor 0: a chain of more than 2 (a loop?)");
}
END_TEST

START_TEST(readable_after_writable)
{
	desc(DESC, 0, BUF, 8, VIRTQ_DESC_F_NEXT | VIRTQ_DESC_F_WRITE, 1);
	desc(DESC, 1, BUF, 8, 0, 0);
	offer(0);
	expect_broken("descriptor 1: device-readable after 1 device-writable buffers");
}
END_TEST

/* SNP: a buffer in memory the guest has not shared is refused. */
START_TEST(private_pages_refused)
{
	struct lk_err err;

	private_from = BUF + 0x1000;
	private_to = BUF + 0x2000;
	desc(DESC, 0, BUF + 0xff0, 0x20, VIRTQ_DESC_F_WRITE, 0);
	offer(0);
	expect_broken("descriptor 0: buffer 0x10ff0+0x20 is private to the guest");
	setup();
	private_from = BUF + 0x1000;
	private_to = BUF + 0x2000;
	desc(DESC, 0, BUF + 0x2000, 0x20, VIRTQ_DESC_F_WRITE, 0);
	offer(0);
	ck_assert_int_eq(virtq_pop(&q, &mem, &e, &err), 1);
	/* The rings themselves go through the accessor too, each named. */
	setup();
	private_from = DESC;
	private_to = DESC + 0x1000;
	offer(0);
	expect_broken("descriptor table 0x1000+0x80 is private to the guest");
	setup();
	private_from = AVAIL;
	private_to = USED + 0x1000;
	expect_broken("available ring 0x2000+0x16 is private to the guest");
	private_from = USED;
	expect_broken("used ring 0x3000+0x46 is private to the guest");
}
END_TEST

Suite *unit_virtq_suite(void)
{
	Suite *s = suite_create("virtq");
	TCase *tc = tcase_create("split");

	tcase_add_checked_fixture(tc, setup, NULL);
	tcase_add_test(tc, request_and_completion);
	tcase_add_test(tc, indirect_table);
	tcase_add_test(tc, event_index);
	tcase_add_test(tc, loop);
	tcase_add_test(tc, indices_out_of_range);
	tcase_add_test(tc, buffers_outside_guest_memory);
	tcase_add_test(tc, lengths_that_overflow);
	tcase_add_test(tc, bad_indirect_tables);
	tcase_add_test(tc, readable_after_writable);
	tcase_add_test(tc, private_pages_refused);
	suite_add_tcase(s, tc);
	return s;
}
