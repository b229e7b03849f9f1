// SPDX-License-Identifier: GPL-2.0-only
/* The I/O loop: eventfds, timers, regular files, pausing, and stopping. */
#include <fcntl.h>
#include <stdlib.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include "util/ioloop.h"
#include "tests/tests.h"

struct counter {
	struct ioloop *loop;
	struct ioloop_src *src;
	int fd;
	int calls;
	int stop_after;
	uint64_t sum;
};

static void count_eventfd(void *ctx)
{
	struct counter *c = ctx;
	uint64_t n;

	if (read(c->fd, &n, sizeof(n)) == sizeof(n))
		c->sum += n;
	if (++c->calls == c->stop_after)
		stop_request_quiet(c->loop->stop, 7);
}

static void count_and_stop(void *ctx)
{
	struct counter *c = ctx;

	if (++c->calls == c->stop_after)
		stop_request(c->loop->stop, 9, "stopped after %d calls", c->calls);
}

START_TEST(eventfd_then_timer_stop)
{
	struct stop st;
	struct ioloop l;
	struct ioloop_src ev, tm;
	struct counter c = { .loop = &l, .stop_after = 100 }, t = { .loop = &l, .stop_after = 1 };
	struct lk_err err;
	uint64_t three = 3;

	ck_assert_int_eq(stop_init(&st, &err), 0);
	ck_assert_int_eq(ioloop_init(&l, &st, &err), 0);
	c.fd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
	ck_assert_int_eq(ioloop_add(&l, &ev, c.fd, count_eventfd, &c, &err), 0);
	ck_assert_int_eq(ioloop_add_timer(&l, &tm, count_and_stop, &t, &err), 0);
	ck_assert_int_eq(write(c.fd, &three, sizeof(three)), sizeof(three));
	ck_assert_int_eq(ioloop_timer_arm(&tm, 50, &err), 0);
	ioloop_run(&l);
	ck_assert_int_eq(atomic_load(&st.status), 9);
	ck_assert_str_eq(st.err.msg, "stopped after 1 calls");
	ck_assert_int_eq(c.calls, 1);		/* one wake-up ... */
	ck_assert_uint_eq(c.sum, 3);		/* ... for all three signals */
	ck_assert_int_eq(t.calls, 1);
	ioloop_del(&l, &ev);
	ioloop_del(&l, &tm);
	ck_assert_int_eq(tm.fd, -1);
	ioloop_destroy(&l);
	close(c.fd);
	stop_destroy(&st);
}
END_TEST

/* A paused source is not called, even with data waiting; resumed, it is. */
START_TEST(pause_and_resume)
{
	struct stop st;
	struct ioloop l;
	struct ioloop_src ev, tm;
	struct counter c = { .loop = &l, .stop_after = 1 }, t = { .loop = &l, .stop_after = 1 };
	struct lk_err err;
	uint64_t one = 1;

	ck_assert_int_eq(stop_init(&st, &err), 0);
	ck_assert_int_eq(ioloop_init(&l, &st, &err), 0);
	c.fd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
	ck_assert_int_eq(ioloop_add(&l, &ev, c.fd, count_eventfd, &c, &err), 0);
	ck_assert_int_eq(ioloop_enable(&l, &ev, false, &err), 0);
	ck_assert_int_eq(write(c.fd, &one, sizeof(one)), sizeof(one));
	ck_assert_int_eq(ioloop_add_timer(&l, &tm, count_and_stop, &t, &err), 0);
	ck_assert_int_eq(ioloop_timer_arm(&tm, 30, &err), 0);
	ioloop_run(&l);
	ck_assert_int_eq(c.calls, 0);
	ck_assert_int_eq(atomic_load(&st.status), 9);
	stop_destroy(&st);
	ck_assert_int_eq(stop_init(&st, &err), 0);
	l.stop = &st;
	ck_assert_int_eq(ioloop_enable(&l, &ev, true, &err), 0);
	ioloop_del(&l, &l.stop_src);
	ck_assert_int_eq(ioloop_add(&l, &l.stop_src, st.efd, count_and_stop, &t, &err), 0);
	ioloop_run(&l);
	ck_assert_int_eq(c.calls, 1);
	ck_assert_int_eq(atomic_load(&st.status), 7);
	ioloop_del(&l, &ev);
	ioloop_del(&l, &tm);
	ioloop_destroy(&l);
	close(c.fd);
	stop_destroy(&st);
}
END_TEST

/* epoll refuses regular files (stdin from a file): they are polled instead. */
START_TEST(regular_file_always_ready)
{
	char path[] = "/tmp/lkvm-test-ioloop-XXXXXX";
	int fd = mkstemp(path);
	struct stop st;
	struct ioloop l;
	struct ioloop_src src;
	struct counter c = { .loop = &l, .stop_after = 3 };
	struct lk_err err;

	ck_assert_int_ge(fd, 0);
	unlink(path);
	ck_assert_int_eq(stop_init(&st, &err), 0);
	ck_assert_int_eq(ioloop_init(&l, &st, &err), 0);
	c.fd = fd;
	ck_assert_int_eq(ioloop_add(&l, &src, fd, count_and_stop, &c, &err), 0);
	ck_assert(src.always);
	ioloop_run(&l);
	ck_assert_int_eq(c.calls, 3);
	ioloop_del(&l, &src);
	ck_assert_uint_eq(l.nr_always, 0);
	ioloop_destroy(&l);
	close(fd);
	stop_destroy(&st);
}
END_TEST

/*
 * A poller as a virtqueue would be: work appears (set by the eventfd
 * handler), the doorbell is on or off as the loop asks.
 */
struct fake_queue {
	struct ioloop *loop;
	int fd;
	int kicks;		/* eventfd handler calls */
	int work;		/* requests waiting for the poller */
	bool doorbell;		/* the driver may ring */
	int polls, polls_ringing, offs, ons;
};

static bool fake_poll(void *ctx)
{
	struct fake_queue *q = ctx;

	q->polls++;
	q->polls_ringing += q->doorbell;
	if (!q->work)
		return false;
	q->work--;
	return true;
}

static void fake_notify(void *ctx, bool on)
{
	struct fake_queue *q = ctx;

	ck_assert_int_ne(q->doorbell, on);	/* only changes are asked for */
	q->doorbell = on;
	on ? q->ons++ : q->offs++;
}

/* Kicks that come back to back: the loop starts polling; from the 3rd, work waits. */
static void fake_kick(void *ctx)
{
	struct fake_queue *q = ctx;
	uint64_t n = 1;

	ck_assert_int_eq(read(q->fd, &n, sizeof(n)), sizeof(n));
	if (++q->kicks == 3)
		q->work = 3;
	if (q->kicks == 30)
		stop_request_quiet(q->loop->stop, 5);
	else
		ck_assert_int_eq(write(q->fd, &n, sizeof(n)), sizeof(n));
}

static void run_fake_queue(struct fake_queue *q, unsigned int poll_us)
{
	struct stop st;
	struct ioloop l;
	struct ioloop_src ev;
	struct ioloop_poller p = { .poll = fake_poll, .notify = fake_notify, .ctx = q };
	struct lk_err err;
	uint64_t one = 1;

	*q = (struct fake_queue){ .loop = &l, .doorbell = true };
	ck_assert_int_eq(stop_init(&st, &err), 0);
	ck_assert_int_eq(ioloop_init(&l, &st, &err), 0);
	ioloop_set_poll_max(&l, poll_us);
	q->fd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
	ck_assert_int_eq(ioloop_add(&l, &ev, q->fd, fake_kick, q, &err), 0);
	ck_assert_int_eq(ioloop_add_poller(&l, &p, &err), 0);
	ck_assert_int_eq(write(q->fd, &one, sizeof(one)), sizeof(one));
	ioloop_run(&l);
	ck_assert_int_eq(atomic_load(&st.status), 5);
	ck_assert_uint_eq(l.polled, (uint64_t)(3 - q->work));
	ck_assert(q->doorbell);		/* back on once the loop returns */
	ioloop_del(&l, &ev);
	ioloop_destroy(&l);
	close(q->fd);
	stop_destroy(&st);
}

/*
 * Events close together open poll windows, with the doorbell off; the
 * work is found by polling, and the only look with the doorbell on is the
 * one right after it is back on (for what came in between).
 */
START_TEST(polls_with_doorbells_off)
{
	struct fake_queue q;

	run_fake_queue(&q, 1000);
	ck_assert_int_eq(q.work, 0);
	ck_assert_int_gt(q.offs, 0);
	ck_assert_int_eq(q.offs, q.ons);
	ck_assert_int_le(q.polls_ringing, q.ons);
}
END_TEST

/* --io-poll 0: the pollers are never asked, the work stays for the doorbell. */
START_TEST(poll_max_zero_never_polls)
{
	struct fake_queue q;

	run_fake_queue(&q, 0);
	ck_assert_int_eq(q.polls, 0);
	ck_assert_int_eq(q.offs + q.ons, 0);
	ck_assert_int_eq(q.work, 3);
}
END_TEST

Suite *unit_ioloop_suite(void)
{
	Suite *s = suite_create("ioloop");
	TCase *tc = tcase_create("loop");

	tcase_add_test(tc, eventfd_then_timer_stop);
	tcase_add_test(tc, pause_and_resume);
	tcase_add_test(tc, regular_file_always_ready);
	tcase_add_test(tc, polls_with_doorbells_off);
	tcase_add_test(tc, poll_max_zero_never_polls);
	suite_add_tcase(s, tc);
	return s;
}
