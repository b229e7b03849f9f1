// SPDX-License-Identifier: GPL-2.0-only
/* Serial marker matching: a rolling window of recent output, checked per byte. */
#include <stdlib.h>
#include <string.h>

#include "util/marker.h"

bool marker_cfg_any(const struct marker_cfg *cfg)
{
	return cfg->nr_until || cfg->nr_fail_on || cfg->until_re;
}

/*
 * What compiling @re will cost, as glibc builds it: a bounded repetition
 * copies what it repeats (x{1,100} is a hundred x's), and nested ones
 * multiply. Counted in atoms, saturating at @limit + 1.
 */
static unsigned long marker_re_cost(const char *re, unsigned long limit)
{
	unsigned long sum[MARKER_RE_DEPTH] = { 0 }, last[MARKER_RE_DEPTH] = { 0 };
	unsigned int d = 0;
	const char *p;

	for (p = re; *p; p++) {
		unsigned long n, m, atom = 1;
		char *end;

		switch (*p) {
		case '\\':
			if (p[1])
				p++;
			break;
		case '[':	/* a bracket expression is one atom; ']' first is a member */
			p += p[1] == '^' ? 2 : 1;
			if (*p == ']')
				p++;
			while (*p && *p != ']')
				p++;
			if (!*p)
				return 0;	/* regcomp says what is wrong */
			break;
		case '(':
			if (d + 1 == MARKER_RE_DEPTH)
				return limit + 1;
			d++;
			sum[d] = last[d] = 0;
			continue;
		case ')':
			if (!d)
				return 0;
			atom = sum[d--];
			break;
		case '{':
			n = strtoul(p + 1, &end, 10);
			m = *end == ',' ? (end[1] == '}' ? n + 1 : strtoul(end + 1, &end, 10)) : n;
			if (*end == ',')
				end++;
			p = strchr(p, '}');
			if (!p)
				return 0;
			m = m > n ? m : n;
			if (m > 1 && last[d] > (limit + 1) / m)
				return limit + 1;
			sum[d] += last[d] * (m ? m - 1 : 0);
			last[d] *= m ? m : 1;
			if (sum[d] > limit)
				return limit + 1;
			continue;
		case '*': case '?': case '|':
			continue;
		case '+':	/* x+ is x x* */
			sum[d] += last[d];
			continue;
		}
		last[d] = atom;
		sum[d] += atom;
		if (sum[d] > limit)
			return limit + 1;
	}
	return sum[0];
}

int marker_cfg_check(struct marker_cfg *cfg, struct lk_err *err)
{
	unsigned int i;
	int r;

	for (i = 0; i < cfg->nr_until; i++)
		if (!cfg->until[i][0])
			return err_set(err, LK_EXIT_USAGE, "--until: empty marker");
	for (i = 0; i < cfg->nr_fail_on; i++)
		if (!cfg->fail_on[i][0])
			return err_set(err, LK_EXIT_USAGE, "--fail-on: empty marker");
	if (!cfg->until_re || cfg->re_ready)
		return 0;
	if (marker_re_cost(cfg->until_re, MARKER_RE_COST_MAX) > MARKER_RE_COST_MAX)
		return err_set(err, LK_EXIT_USAGE, "--until-re '%s': its repetitions expand to more "
			       "than %d atoms (or nest deeper than %d groups), too costly to "
			       "compile", cfg->until_re, MARKER_RE_COST_MAX, MARKER_RE_DEPTH - 1);
	r = regcomp(&cfg->re, cfg->until_re, REG_EXTENDED | REG_NOSUB);
	if (r) {
		char why[128];

		regerror(r, &cfg->re, why, sizeof(why));
		return err_set(err, LK_EXIT_USAGE, "--until-re '%s': %s", cfg->until_re, why);
	}
	cfg->re_ready = true;
	return 0;
}

void marker_cfg_release(struct marker_cfg *cfg)
{
	if (cfg->re_ready)
		regfree(&cfg->re);
	cfg->re_ready = false;
}

int marker_init(struct marker *m, const struct marker_cfg *cfg, struct stop *stop,
		struct lk_err *err)
{
	unsigned int i;

	memset(m, 0, sizeof(*m));
	m->cfg = cfg;
	m->stop = stop;
	for (i = 0; i < cfg->nr_until; i++) {
		m->until_len[i] = strlen(cfg->until[i]);
		if (m->until_len[i] > m->max_len)
			m->max_len = m->until_len[i];
	}
	for (i = 0; i < cfg->nr_fail_on; i++) {
		m->fail_len[i] = strlen(cfg->fail_on[i]);
		if (m->fail_len[i] > m->max_len)
			m->max_len = m->fail_len[i];
	}
	/* Twice the longest marker: the window slides once per max_len bytes. */
	m->win = malloc(2 * m->max_len + 1);
	if (!m->win)
		return err_sys(err, "allocating the marker window");
	if (cfg->until_re) {
		if (!cfg->re_ready)	/* marker_cfg_check() compiles it, once */
			return err_set(err, LK_EXIT_USAGE, "--until-re '%s': not checked",
				       cfg->until_re);
		m->re = &cfg->re;
		m->line = malloc(MARKER_LINE_MAX + 1);
		if (!m->line)
			return err_sys(err, "allocating the marker line");
		m->line[0] = '\0';
	}
	return 0;
}

void marker_destroy(struct marker *m)
{
	free(m->win);
	free(m->line);
	m->win = m->line = NULL;
	m->re = NULL;
}

static bool marker_tail_is(const struct marker *m, const char *s, size_t len)
{
	return len <= m->win_len && m->win[m->win_len - 1] == s[len - 1] &&
	       !memcmp(m->win + m->win_len - len, s, len);
}

static void marker_hit(struct marker *m, const char *text, bool fail)
{
	m->seen = true;
	m->seen_text = text;
	m->seen_fail = fail;
	clock_gettime(CLOCK_MONOTONIC, &m->seen_at);
	if (fail)
		stop_request(m->stop, LK_EXIT_FAIL_MARKER,
			     "guest printed failure marker '%s'", text);
	else
		stop_request_quiet(m->stop, LK_EXIT_POWEROFF);
}

static void marker_feed_line(struct marker *m, uint8_t c)
{
	if (c == '\n') {
		m->line_len = 0;
		m->line[0] = '\0';
		return;
	}
	/* A very long line: keep its newer half. */
	if (m->line_len == MARKER_LINE_MAX) {
		memmove(m->line, m->line + MARKER_LINE_MAX / 2, MARKER_LINE_MAX / 2);
		m->line_len = MARKER_LINE_MAX / 2;
	}
	/* A NUL would end the string early for regexec: seen as a space. */
	m->line[m->line_len++] = c ? (char)c : ' ';
	m->line[m->line_len] = '\0';
	if (!regexec(m->re, m->line, 0, NULL, 0))
		marker_hit(m, m->cfg->until_re, false);
}

/*
 * Runs under the serial device's lock: the window needs no lock of its own.
 * Literal markers cost a compare of the last byte per marker; --until-re
 * runs regexec on the current line, which glibc may allocate in.
 */
void marker_feed(void *ctx, uint8_t c)
{
	struct marker *m = ctx;
	unsigned int i;

	if (m->seen)
		return;
	if (m->max_len) {
		if (m->win_len == 2 * m->max_len) {
			memmove(m->win, m->win + m->max_len + 1, m->max_len - 1);
			m->win_len = m->max_len - 1;
		}
		m->win[m->win_len++] = (char)c;
		/* Failure first: a byte that completes both is a failure. */
		for (i = 0; i < m->cfg->nr_fail_on; i++) {
			if (marker_tail_is(m, m->cfg->fail_on[i], m->fail_len[i])) {
				marker_hit(m, m->cfg->fail_on[i], true);
				return;
			}
		}
		for (i = 0; i < m->cfg->nr_until; i++) {
			if (marker_tail_is(m, m->cfg->until[i], m->until_len[i])) {
				marker_hit(m, m->cfg->until[i], false);
				return;
			}
		}
	}
	if (m->re)
		marker_feed_line(m, c);
}
