/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * How a running VM ends. Any thread (a vCPU on a power-off write, the main
 * thread on a timeout, a signal handler) asks for a stop with a status; the
 * first request wins and wakes the main thread through an eventfd. This is
 * the only state the vCPU threads share on their way out.
 */
#ifndef LKVM_UTIL_STOP_H
#define LKVM_UTIL_STOP_H

#include <stdatomic.h>
#include <stdbool.h>

#include "util/err.h"

struct stop {
	atomic_int status;	/* -1 while running */
	atomic_bool claimed;	/* set by the request that won */
	int efd;		/* eventfd the main thread polls */
	struct lk_err err;	/* the winner's message (empty for quiet stops) */
};

int stop_init(struct stop *s, struct lk_err *err);
void stop_destroy(struct stop *s);

/* First caller wins; returns whether this call decided the outcome. */
bool stop_request(struct stop *s, int status, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* The same with a prepared error (message and detail lines). */
bool stop_request_err(struct stop *s, const struct lk_err *e);
/* Async-signal-safe form: no message. */
bool stop_request_quiet(struct stop *s, int status);

static inline bool stop_requested(struct stop *s)
{
	return atomic_load_explicit(&s->status, memory_order_acquire) >= 0;
}

#endif
