// SPDX-License-Identifier: GPL-2.0-only
/* The machine's epoll loop: eventfds, host descriptors and timers. */
#include <errno.h>
#include <stdint.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/timerfd.h>
#include <time.h>
#include <unistd.h>

#include "util/ioloop.h"

#define IOLOOP_EVENTS	16

static void ioloop_stop_seen(void *ctx)
{
	(void)ctx;	/* the eventfd stays readable: the loop checks the stop itself */
}

int ioloop_init(struct ioloop *l, struct stop *stop, struct lk_err *err)
{
	memset(l, 0, sizeof(*l));
	l->stop = stop;
	l->poll_max_ns = IOLOOP_POLL_MAX_US * 1000LL;
	l->epfd = epoll_create1(EPOLL_CLOEXEC);
	if (l->epfd < 0)
		return err_sys(err, "epoll_create1");
	return ioloop_add(l, &l->stop_src, stop->efd, ioloop_stop_seen, NULL, err);
}

void ioloop_destroy(struct ioloop *l)
{
	if (l->epfd >= 0)
		close(l->epfd);
	l->epfd = -1;
}

static int ioloop_ctl(struct ioloop *l, struct ioloop_src *s, int op)
{
	struct epoll_event ev = { .events = (s->no_in ? 0 : EPOLLIN) | (s->out ? EPOLLOUT : 0),
				  .data.ptr = s };

	return epoll_ctl(l->epfd, op, s->fd, &ev);
}

int ioloop_add(struct ioloop *l, struct ioloop_src *s, int fd, ioloop_fn fn, void *ctx,
	       struct lk_err *err)
{
	*s = (struct ioloop_src){ .fd = fd, .fn = fn, .ctx = ctx, .on = true };
	if (!ioloop_ctl(l, s, EPOLL_CTL_ADD))
		return 0;
	/* Regular files (stdin from a file) cannot be watched; they never block. */
	if (errno != EPERM || l->nr_always == IOLOOP_MAX_ALWAYS)
		return err_sys(err, "epoll_ctl (add fd %d)", fd);
	s->always = true;
	l->always[l->nr_always++] = s;
	return 0;
}

int ioloop_enable(struct ioloop *l, struct ioloop_src *s, bool on, struct lk_err *err)
{
	if (s->on == on)
		return 0;
	s->on = on;
	/* Out of the set, not masked: a hang-up would be reported even with no events. */
	if (!s->always && ioloop_ctl(l, s, on ? EPOLL_CTL_ADD : EPOLL_CTL_DEL))
		return err_sys(err, "epoll_ctl (%s fd %d)", on ? "resume" : "pause", s->fd);
	return 0;
}

int ioloop_watch(struct ioloop *l, struct ioloop_src *s, bool in, bool out, struct lk_err *err)
{
	bool on = in || out, was = s->on;

	if (s->no_in == !in && s->out == out)
		return 0;
	s->no_in = !in;
	s->out = out;
	s->on = on;
	if (s->always || (!on && !was))
		return 0;
	if (ioloop_ctl(l, s, !on ? EPOLL_CTL_DEL : was ? EPOLL_CTL_MOD : EPOLL_CTL_ADD))
		return err_sys(err, "epoll_ctl (watch fd %d:%s%s)", s->fd, in ? " in" : "",
			       out ? " out" : "");
	return 0;
}

void ioloop_forget(struct ioloop *l, struct ioloop_src *s)
{
	if (s->fd >= 0 && s->on && !s->always)
		epoll_ctl(l->epfd, EPOLL_CTL_DEL, s->fd, NULL);
	s->on = false;
}

static void ioloop_timer_fired(void *ctx)
{
	struct ioloop_src *s = ctx;
	uint64_t n;

	if (read(s->fd, &n, sizeof(n)) == sizeof(n) || errno == EAGAIN)
		s->fn(s->ctx);
}

int ioloop_add_timer(struct ioloop *l, struct ioloop_src *s, ioloop_fn fn, void *ctx,
		     struct lk_err *err)
{
	int fd = timerfd_create(CLOCK_MONOTONIC, TFD_CLOEXEC | TFD_NONBLOCK);

	if (fd < 0)
		return err_sys(err, "timerfd_create");
	if (ioloop_add(l, s, fd, ioloop_timer_fired, s, err)) {
		close(fd);
		return -1;
	}
	s->fn = fn;	/* ioloop_timer_fired reads the expiry count first */
	s->ctx = ctx;
	s->owned = true;
	return 0;
}

int ioloop_timer_arm(struct ioloop_src *s, int64_t ms, struct lk_err *err)
{
	struct itimerspec its = {
		.it_value = { .tv_sec = ms / 1000, .tv_nsec = (ms % 1000) * 1000000 },
	};

	if (timerfd_settime(s->fd, 0, &its, NULL))
		return err_sys(err, "timerfd_settime (%lld ms)", (long long)ms);
	return 0;
}

void ioloop_del(struct ioloop *l, struct ioloop_src *s)
{
	unsigned int i;

	if (s->fd < 0)
		return;
	if (!s->always && s->on)
		epoll_ctl(l->epfd, EPOLL_CTL_DEL, s->fd, NULL);
	for (i = 0; i < l->nr_always; i++)
		if (l->always[i] == s)
			l->always[i] = l->always[--l->nr_always];
	if (s->owned)
		close(s->fd);
	s->fd = -1;
}

/* An enabled always-ready source turns the wait into a poll. */
static bool ioloop_always_due(struct ioloop *l)
{
	unsigned int i;
	bool due = false;

	for (i = 0; i < l->nr_always; i++)
		due |= l->always[i]->on;
	return due;
}

int ioloop_add_poller(struct ioloop *l, struct ioloop_poller *p, struct lk_err *err)
{
	if (l->nr_pollers == IOLOOP_MAX_POLLERS)
		return err_set(err, LK_EXIT_USAGE, "more than %d virtqueues to poll",
			       IOLOOP_MAX_POLLERS);
	l->pollers[l->nr_pollers++] = p;
	return 0;
}

void ioloop_set_poll_max(struct ioloop *l, unsigned int us)
{
	l->poll_max_ns = us * 1000LL;
	l->poll_ns = 0;
}

static int64_t ioloop_now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

static bool ioloop_poll_once(struct ioloop *l)
{
	bool found = false;
	unsigned int i;

	for (i = 0; i < l->nr_pollers; i++)
		if (l->pollers[i]->poll(l->pollers[i]->ctx)) {
			found = true;
			l->polled++;
		}
	return found;
}

static void ioloop_notify(struct ioloop *l, bool on)
{
	unsigned int i;

	l->polling = !on;
	for (i = 0; i < l->nr_pollers; i++)
		l->pollers[i]->notify(l->pollers[i]->ctx, on);
}

/* Doorbells back on, and one more look for work that came in between. */
static bool ioloop_poll_end(struct ioloop *l)
{
	ioloop_notify(l, true);
	return ioloop_poll_once(l);
}

/*
 * A window that found nothing. A short one may just be too short (it
 * grows). But where the other side shares this thread's CPU (a vCPU thread
 * the scheduler put here), it cannot post while we spin, and even the
 * longest window is wasted: so each of those in a row doubles the wake-ups
 * that go by without polling, up to 1 << IOLOOP_POLL_BACKOFF.
 */
static void ioloop_poll_missed(struct ioloop *l)
{
	l->missed++;
	if (l->poll_ns < l->poll_max_ns)
		return;
	if (l->poll_misses < IOLOOP_POLL_BACKOFF)
		l->poll_misses++;
	l->poll_skip = 1u << l->poll_misses;
}

/*
 * Polls for up to the current window, doorbells off; true as soon as a
 * poller found work. When none did, the doorbells are back on and the
 * pollers looked at once more.
 */
static bool ioloop_poll(struct ioloop *l)
{
	int64_t end;

	if (!l->poll_ns || l->poll_skip) {
		if (l->poll_skip)
			l->poll_skip--;
		return l->polling && ioloop_poll_end(l);
	}
	if (!l->polling)
		ioloop_notify(l, false);
	l->windows++;
	end = ioloop_now_ns() + l->poll_ns;
	do {
		if (ioloop_poll_once(l)) {
			l->poll_misses = 0;
			return true;
		}
		__builtin_ia32_pause();
	} while (ioloop_now_ns() < end && !stop_requested(l->stop));
	ioloop_poll_missed(l);
	return ioloop_poll_end(l);
}

/* QEMU's rule: grow while events come within the limit, drop once they do not. */
static void ioloop_adapt(struct ioloop *l, int64_t waited_ns)
{
	if (waited_ns <= l->poll_ns)
		return;
	if (waited_ns > l->poll_max_ns)
		l->poll_ns = 0;
	else if (l->poll_ns < l->poll_max_ns)
		l->poll_ns = l->poll_ns ? l->poll_ns * 2 : IOLOOP_POLL_FIRST_NS;
	if (l->poll_ns > l->poll_max_ns)
		l->poll_ns = l->poll_max_ns;
}

void ioloop_run(struct ioloop *l)
{
	struct epoll_event ev[IOLOOP_EVENTS];
	unsigned int i;
	int n, j;

	while (!stop_requested(l->stop)) {
		bool due = ioloop_always_due(l);
		int64_t t0 = ioloop_now_ns();

		if (!due && l->poll_max_ns && ioloop_poll(l))
			due = true;
		n = epoll_wait(l->epfd, ev, IOLOOP_EVENTS, due ? 0 : -1);
		if (!due && l->poll_max_ns)
			ioloop_adapt(l, ioloop_now_ns() - t0);
		for (j = 0; j < n && !stop_requested(l->stop); j++) {
			struct ioloop_src *s = ev[j].data.ptr;

			s->fn(s->ctx);
		}
		for (i = 0; i < l->nr_always && !stop_requested(l->stop); i++)
			if (l->always[i]->on)
				l->always[i]->fn(l->always[i]->ctx);
	}
	if (l->polling)
		ioloop_notify(l, true);
}
