/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Serial markers (--until, --until-re, --fail-on): watches the bytes the
 * guest transmits and asks for a stop when one appears. The serial device
 * feeds it one byte at a time through its output hook; a rolling window as
 * long as the longest marker makes a match independent of how the output
 * was split between exits and lines. Everything is allocated at start-up.
 */
#ifndef LKVM_UTIL_MARKER_H
#define LKVM_UTIL_MARKER_H

#include <regex.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "util/err.h"
#include "util/stop.h"

#define MARKER_MAX	16	/* --until and --fail-on, each */
#define MARKER_LINE_MAX	1024	/* --until-re sees at most the last this many bytes of a line */
/*
 * --until-re's compiled size: glibc copies bounded repetitions, 20,000
 * atoms cost it about 25 MB and 20 ms; (a{1,255}){1,255} (65,025) 150 MB,
 * and deeper nests gigabytes and seconds before the VM starts.
 */
#define MARKER_RE_COST_MAX	20000
/*
 * And its epsilon closures: a run of n parts that may match nothing
 * (x?x?..., (x?){n}) stores about n * n / 2 entries of 16 bytes; 4 million
 * cost it about 64 MB and 50 ms, (x?){8000} 500 MB, x?+++++++++++++ 3.5 GB.
 */
#define MARKER_RE_CLOSURE_MAX	4000000
#define MARKER_RE_DEPTH		32	/* groups nested, plus the top level */

struct marker_cfg {
	const char *until[MARKER_MAX];
	unsigned int nr_until;
	const char *fail_on[MARKER_MAX];
	unsigned int nr_fail_on;
	const char *until_re;	/* POSIX extended; NULL: none */
	regex_t re;		/* @until_re, compiled once by marker_cfg_check() */
	bool re_ready;
};

struct marker {
	const struct marker_cfg *cfg;
	struct stop *stop;
	size_t until_len[MARKER_MAX], fail_len[MARKER_MAX];
	char *win;		/* the last bytes, at most 2 * max_len before sliding */
	size_t win_len, max_len;
	const regex_t *re;	/* the configuration's, or NULL */
	char *line;		/* --until-re: the current line, NUL-terminated */
	size_t line_len;
	bool seen;		/* a marker matched (the first one decided) */
	const char *seen_text;	/* which: a cfg string */
	bool seen_fail;
	struct timespec seen_at;	/* CLOCK_MONOTONIC */
};

/*
 * Checks @cfg (empty markers, a bad regex, one too costly to compile) and
 * compiles --until-re, once: status 2 with the reason.
 */
int marker_cfg_check(struct marker_cfg *cfg, struct lk_err *err);
/* The compiled --until-re freed, once no marker uses @cfg any more. */
void marker_cfg_release(struct marker_cfg *cfg);
/* Whether any marker is set: without one, no hook is installed at all. */
bool marker_cfg_any(const struct marker_cfg *cfg);

int marker_init(struct marker *m, const struct marker_cfg *cfg, struct stop *stop,
		struct lk_err *err);
void marker_destroy(struct marker *m);

/* The serial output hook: one transmitted byte. No allocation, no lock of its own. */
void marker_feed(void *ctx, uint8_t c);

#endif
