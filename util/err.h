/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Errors as values. Library code fills a struct lk_err and returns -1; only
 * main.c prints it and turns it into the process exit status. The exit
 * status contract (README, --help) lives here so every module uses the same
 * numbers: even statuses are the VMM's, odd ones the guest's.
 */
#ifndef LKVM_UTIL_ERR_H
#define LKVM_UTIL_ERR_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>

enum lk_status {
	LK_EXIT_POWEROFF = 0,	/* guest powered off */
	LK_EXIT_USAGE = 2,	/* bad options or input files */
	LK_EXIT_RESET = 4,	/* guest asked for a reset */
	LK_EXIT_FAIL_MARKER = 6,	/* the guest printed a --fail-on marker */
	LK_EXIT_NO_MARKER = 8,	/* powered off without the --until marker */
	LK_EXIT_NO_REPORT = 10,	/* the run ended, but --report could not be written */
	LK_EXIT_CHECK = 12,	/* verify: a check failed */
	LK_EXIT_TIMEOUT = 124,	/* --timeout expired */
	LK_EXIT_HOST = 125,	/* host cannot run the VM, or a KVM call failed */
	LK_EXIT_CRASH = 126,	/* guest crashed */
	LK_EXIT_SIGINT = 130,
	LK_EXIT_SIGTERM = 143,
};

struct lk_err {
	int status;
	char msg[512];		/* one line: what and where */
	char detail[2048];	/* optional further lines (register dump) */
};

/* Records a one-line message and status; returns -1 for "return err_set()". */
int err_set(struct lk_err *e, int status, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
int err_vset(struct lk_err *e, int status, const char *fmt, va_list ap);

/* A failed system or KVM call: status 125, "CALL: strerror(errno)". */
int err_sys(struct lk_err *e, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* Appends a line to the detail block. */
void err_detail(struct lk_err *e, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* -q, default, -v: warnings off; warnings; warnings and notes. */
enum lk_verbosity {
	LK_QUIET,
	LK_NORMAL,
	LK_VERBOSE,
};

void err_set_verbosity(enum lk_verbosity v);
enum lk_verbosity err_get_verbosity(void);

/*
 * Warnings do not change the outcome, so they never stand before the line
 * that says why a command failed: while held (main() holds them from the
 * start, `run` lets them go once its guest runs) they wait, and
 * err_hold(false) prints them, after that line where there is one.
 */
void err_hold(bool on);

/* "lkvm-sev: warning: ...", unless -q. */
void warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* With -v: "lkvm-sev: ...", what was chosen and why. */
void note(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif
