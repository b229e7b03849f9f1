// SPDX-License-Identifier: GPL-2.0-only
/*
 * Error values and warnings. Kept free of exit() so that every module can be
 * unit-tested and the caller decides what a failure means.
 */
#include <errno.h>
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

void warn(const char *fmt, ...)
{
	char line[512];
	int n;
	va_list ap;

	n = snprintf(line, sizeof(line), "lkvm-sev: warning: ");
	va_start(ap, fmt);
	n += vsnprintf(line + n, sizeof(line) - n, fmt, ap);
	va_end(ap);
	if (n > (int)sizeof(line) - 2)
		n = sizeof(line) - 2;
	line[n++] = '\n';
	/* One write so that lines from several vCPU threads do not interleave. */
	if (write(STDERR_FILENO, line, n) < 0)
		return;
}
