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

Suite *unit_ioloop_suite(void)
{
	Suite *s = suite_create("ioloop");
	TCase *tc = tcase_create("loop");

	tcase_add_test(tc, eventfd_then_timer_stop);
	tcase_add_test(tc, pause_and_resume);
	tcase_add_test(tc, regular_file_always_ready);
	suite_add_tcase(s, tc);
	return s;
}
