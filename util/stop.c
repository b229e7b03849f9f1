// SPDX-License-Identifier: GPL-2.0-only
/* First-wins stop requests shared by vCPU threads, signals and timers. */
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include "util/stop.h"

int stop_init(struct stop *s, struct lk_err *err)
{
	atomic_init(&s->status, -1);
	atomic_init(&s->claimed, false);
	memset(&s->err, 0, sizeof(s->err));
	s->efd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	if (s->efd < 0)
		return err_sys(err, "eventfd");
	return 0;
}

void stop_destroy(struct stop *s)
{
	if (s->efd >= 0)
		close(s->efd);
	s->efd = -1;
}

static void stop_wake(struct stop *s)
{
	uint64_t one = 1;

	if (write(s->efd, &one, sizeof(one)) < 0)
		return;	/* counter saturated: the main thread is awake anyway */
}

/*
 * The winner writes its message before publishing the status, so a reader
 * that sees status >= 0 also sees the message.
 */
static bool stop_claim(struct stop *s)
{
	bool expected = false;

	return atomic_compare_exchange_strong(&s->claimed, &expected, true);
}

static void stop_publish(struct stop *s, int status)
{
	atomic_store_explicit(&s->status, status, memory_order_release);
	stop_wake(s);
}

bool stop_request(struct stop *s, int status, const char *fmt, ...)
{
	va_list ap;

	if (!stop_claim(s))
		return false;
	va_start(ap, fmt);
	err_vset(&s->err, status, fmt, ap);
	va_end(ap);
	stop_publish(s, status);
	return true;
}

bool stop_request_err(struct stop *s, const struct lk_err *e)
{
	if (!stop_claim(s))
		return false;
	s->err = *e;
	stop_publish(s, e->status);
	return true;
}

bool stop_request_quiet(struct stop *s, int status)
{
	if (!stop_claim(s))
		return false;
	s->err.status = status;
	s->err.msg[0] = '\0';
	stop_publish(s, status);
	return true;
}
