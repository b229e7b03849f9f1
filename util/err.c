// SPDX-License-Identifier: GPL-2.0-only
/*
 * Error values, warnings and notes. Kept free of exit() so that every module
 * can be unit-tested and the caller decides what a failure means.
 */
#include <errno.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "util/err.h"

int err_vset(struct lk_err *e, int status, const char *fmt, va_list ap)
{
	e->status = status;
	vsnprintf(e->msg, sizeof(e->msg), fmt, ap);
	e->detail[0] = '\0';
	return -1;
}

int err_set(struct lk_err *e, int status, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	err_vset(e, status, fmt, ap);
	va_end(ap);
	return -1;
}

int err_sys(struct lk_err *e, const char *fmt, ...)
{
	int saved = errno;
	size_t n;
	va_list ap;

	va_start(ap, fmt);
	err_vset(e, LK_EXIT_HOST, fmt, ap);
	va_end(ap);
	n = strlen(e->msg);
	snprintf(e->msg + n, sizeof(e->msg) - n, ": %s", strerror(saved));
	errno = saved;
	return -1;
}

void err_detail(struct lk_err *e, const char *fmt, ...)
{
	size_t n = strlen(e->detail);
	va_list ap;

	if (n >= sizeof(e->detail) - 1)
		return;
	va_start(ap, fmt);
	vsnprintf(e->detail + n, sizeof(e->detail) - n, fmt, ap);
	va_end(ap);
	n = strlen(e->detail);
	if (n < sizeof(e->detail) - 1) {
		e->detail[n] = '\n';
		e->detail[n + 1] = '\0';
	}
}

static enum lk_verbosity err_verbosity = LK_NORMAL;
/* Warnings and notes held until the outcome is known (err_hold()). */
static pthread_mutex_t held_lock = PTHREAD_MUTEX_INITIALIZER;
static bool holding;
static char held[8192];
static size_t held_len;
static bool held_lost;

void err_set_verbosity(enum lk_verbosity v)
{
	err_verbosity = v;
}

enum lk_verbosity err_get_verbosity(void)
{
	return err_verbosity;
}

void err_hold(bool on)
{
	pthread_mutex_lock(&held_lock);
	holding = on;
	if (!on) {
		if (held_len && write(STDERR_FILENO, held, held_len) < 0)
			held_lost = true;
		if (held_lost)
			dprintf(STDERR_FILENO, "lkvm-sev: warning: more warnings than could be "
				"held were dropped\n");
		held_len = 0;
		held_lost = false;
	}
	pthread_mutex_unlock(&held_lock);
}

/* One write a line, so that lines from several threads do not interleave. */
static void err_line(const char *prefix, const char *fmt, va_list ap)
{
	char line[512];
	int n;

	n = snprintf(line, sizeof(line), "lkvm-sev: %s", prefix);
	n += vsnprintf(line + n, sizeof(line) - n, fmt, ap);
	if (n > (int)sizeof(line) - 2)
		n = sizeof(line) - 2;
	line[n++] = '\n';
	pthread_mutex_lock(&held_lock);
	if (!holding) {
		pthread_mutex_unlock(&held_lock);
		if (write(STDERR_FILENO, line, n) < 0)
			return;	/* stderr gone: nobody to tell */
		return;
	}
	if (held_len + (size_t)n <= sizeof(held)) {
		memcpy(held + held_len, line, (size_t)n);
		held_len += (size_t)n;
	} else {
		held_lost = true;
	}
	pthread_mutex_unlock(&held_lock);
}

void warn(const char *fmt, ...)
{
	va_list ap;

	if (err_verbosity == LK_QUIET)
		return;
	va_start(ap, fmt);
	err_line("warning: ", fmt, ap);
	va_end(ap);
}

void note(const char *fmt, ...)
{
	va_list ap;

	if (err_verbosity != LK_VERBOSE)
		return;
	va_start(ap, fmt);
	err_line("", fmt, ap);
	va_end(ap);
}
