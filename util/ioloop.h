/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The machine's I/O loop: one epoll set for eventfds (ioeventfd doorbells,
 * the stop request), host file descriptors (stdin, sockets, files) and
 * timers, run by the main thread while the vCPU threads run. Device
 * back-ends run here, never on a vCPU thread, unless a device says why.
 *
 * Sources are the caller's memory (nothing is allocated per event) and are
 * added before or while the loop runs; they are removed only after it has
 * returned, so a handler never sees a source vanish under it. The loop
 * returns once a stop is requested, whoever asked.
 *
 * Waking a sleeping thread costs tens of microseconds, more than a request
 * served from the page cache. So, as QEMU's iothreads do, the loop polls
 * before it sleeps: pollers (virtqueues) look for work without a syscall,
 * with their doorbells switched off meanwhile, for an adaptive time: it
 * grows while events keep coming sooner than the limit, and drops to
 * nothing once they do not, so an idle machine never spins; and windows
 * that keep finding nothing (the other side cannot run while we spin) are
 * opened ever more rarely.
 */
#ifndef LKVM_UTIL_IOLOOP_H
#define LKVM_UTIL_IOLOOP_H

#include <stdbool.h>
#include <stdint.h>

#include "util/err.h"
#include "util/stop.h"

typedef void (*ioloop_fn)(void *ctx);

struct ioloop_src {
	int fd;
	ioloop_fn fn;
	void *ctx;
	bool owned;	/* the loop made @fd (a timer) and closes it */
	bool always;	/* a regular file, which epoll refuses: always ready */
	bool on;	/* wanted now (ioloop_enable) */
	bool no_in;	/* not when @fd is readable (ioloop_watch) */
	bool out;	/* when @fd is writable (ioloop_watch) */
};

#define IOLOOP_MAX_ALWAYS 4

/*
 * Work the loop can look for without a syscall. @poll does what it finds
 * and says whether it found any; @notify(ctx, false) asks the other side
 * not to ring the doorbell while the loop polls, (ctx, true) to ring it
 * again. Both run on the loop's thread.
 */
struct ioloop_poller {
	bool (*poll)(void *ctx);
	void (*notify)(void *ctx, bool on);
	void *ctx;
};

#define IOLOOP_MAX_POLLERS	128
#define IOLOOP_POLL_MAX_US	32	/* QEMU's iothread default, poll-max-ns 32768 */
#define IOLOOP_POLL_FIRST_NS	4000	/* the first window once events come close */
#define IOLOOP_POLL_BACKOFF	6	/* after misses in a row, up to 64 wake-ups unpolled */

struct ioloop {
	int epfd;
	struct stop *stop;
	struct ioloop_src stop_src;
	struct ioloop_src *always[IOLOOP_MAX_ALWAYS];
	unsigned int nr_always;
	struct ioloop_poller *pollers[IOLOOP_MAX_POLLERS];
	unsigned int nr_pollers;
	int64_t poll_max_ns;		/* 0: never poll */
	int64_t poll_ns;		/* the current window, adapted */
	bool polling;			/* doorbells are off */
	unsigned int poll_misses;	/* windows in a row that found nothing */
	unsigned int poll_skip;		/* wake-ups to go before the next window */
	uint64_t windows;		/* poll windows opened */
	uint64_t missed;		/* windows that found nothing */
	uint64_t polled;		/* pollers that found work: how often polling paid */
};

int ioloop_init(struct ioloop *l, struct stop *stop, struct lk_err *err);
void ioloop_destroy(struct ioloop *l);

/* Calls @fn(@ctx) whenever @fd is readable (or hung up), while enabled. */
int ioloop_add(struct ioloop *l, struct ioloop_src *s, int fd, ioloop_fn fn, void *ctx,
	       struct lk_err *err);
/* Stops or resumes watching @s without removing it. */
int ioloop_enable(struct ioloop *l, struct ioloop_src *s, bool on, struct lk_err *err);
/*
 * Calls @s's handler when its descriptor is readable (@in), writable
 * (@out), either, or neither (as ioloop_enable(false)).
 */
int ioloop_watch(struct ioloop *l, struct ioloop_src *s, bool in, bool out, struct lk_err *err);
/*
 * From the loop's own thread while it runs: stops watching @s for good.
 * An event already taken may still call its handler once, so @s must stay
 * valid until the loop returns and its handler must expect a closed
 * descriptor (-1) or a spurious call.
 */
void ioloop_forget(struct ioloop *l, struct ioloop_src *s);
/* A timer source, disarmed; ioloop_timer_arm() starts it. */
int ioloop_add_timer(struct ioloop *l, struct ioloop_src *s, ioloop_fn fn, void *ctx,
		     struct lk_err *err);
/* Fires once after @ms milliseconds (0: disarms); the handler must be quick. */
int ioloop_timer_arm(struct ioloop_src *s, int64_t ms, struct lk_err *err);
/* Only once the loop has returned (or before it runs). */
void ioloop_del(struct ioloop *l, struct ioloop_src *s);
/* Before the loop runs: @p is polled from now on; it is never removed. */
int ioloop_add_poller(struct ioloop *l, struct ioloop_poller *p, struct lk_err *err);
/* Before the loop runs: the longest poll window, in microseconds (0: never). */
void ioloop_set_poll_max(struct ioloop *l, unsigned int us);

/* Runs until a stop is requested. */
void ioloop_run(struct ioloop *l);

#endif
