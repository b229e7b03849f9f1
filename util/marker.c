// SPDX-License-Identifier: GPL-2.0-only
/* Serial marker matching: a rolling window of recent output, checked per byte. */
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "util/marker.h"

bool marker_cfg_any(const struct marker_cfg *cfg)
{
	return cfg->nr_until || cfg->nr_fail_on || cfg->until_re;
}

/*
 * What part of a regex costs glibc's regcomp(). Its atoms: a repetition
 * copies what it repeats (x{1,100} is a hundred x's, x+ is x x*), and
 * nested ones multiply. And the epsilon closures it keeps for every node,
 * which grow with the square of a run of parts that may match nothing
 * (x?x?x?..., (x?){100}): each node of the run reaches all those after it
 * (about 16 bytes each). Numbers saturate at ULONG_MAX.
 */
struct re_part {
	unsigned long atoms;
	unsigned long closure;		/* closure entries, roughly */
	unsigned long head, tail;	/* its nodes that reach past its start, its end */
	bool empty;			/* it may match nothing */
	bool set;			/* a part at all (none before the first atom) */
};

static unsigned long re_add(unsigned long a, unsigned long b)
{
	return a + b < a ? ULONG_MAX : a + b;
}

static unsigned long re_mul(unsigned long a, unsigned long b)
{
	return b && a > ULONG_MAX / b ? ULONG_MAX : a * b;
}

/* @s then @e: the end of @s reaches the start of @e. */
static struct re_part re_cat(struct re_part s, struct re_part e)
{
	if (!s.set)
		return e;
	if (!e.set)
		return s;
	return (struct re_part){
		.atoms = re_add(s.atoms, e.atoms),
		.closure = re_add(re_add(s.closure, e.closure), re_mul(s.tail, e.head)),
		.head = s.empty ? re_add(s.head, e.head) : s.head,
		.tail = e.empty ? re_add(s.tail, e.tail) : e.tail,
		.empty = s.empty && e.empty, .set = true,
	};
}

/* @a|@b: one node reaching both. */
static struct re_part re_alt(struct re_part a, struct re_part b)
{
	if (!a.set)
		return b;
	return (struct re_part){
		.atoms = re_add(a.atoms, b.atoms), .closure = re_add(re_add(a.closure, b.closure),
								     re_add(a.head, b.head)),
		.head = re_add(re_add(a.head, b.head), 1), .tail = re_add(a.tail, b.tail),
		.empty = a.empty || !b.set || b.empty, .set = true,
	};
}

/* x?: a node that may skip x, which cannot match nothing (see RE_EMPTY_REPEATED). */
static struct re_part re_opt(struct re_part e)
{
	e.closure = re_add(e.closure, re_add(e.head, 1));
	e.head = re_add(e.head, 1);
	e.tail = re_add(e.tail, 1);
	e.empty = true;
	return e;
}

/* x*: x? whose end reaches its start again. */
static struct re_part re_star(struct re_part e)
{
	struct re_part r = re_opt(e);

	r.closure = re_add(r.closure, re_mul(e.tail, e.head));
	return r;
}

/* @k >= 1 copies of @e in a row: each one's end reaches the next one's start. */
static struct re_part re_rep(struct re_part e, unsigned long k)
{
	e.closure = re_add(re_mul(e.closure, k), re_mul(re_mul(e.tail, e.head), k - 1));
	e.atoms = re_mul(e.atoms, k);
	return e;
}

/* @j optional copies of @e, nested as glibc builds x{0,j}: (x(x(x)?)?)?. */
static struct re_part re_nested_opt(struct re_part e, unsigned long j)
{
	return (struct re_part){
		.atoms = re_mul(e.atoms, j),
		.closure = re_mul(re_add(e.closure, re_add(e.head, 1)), j),
		.head = re_add(e.head, 1), .tail = re_add(j, e.tail), .empty = true, .set = true,
	};
}

/* x{n,m}, x{n} or (@open) x{n,}: n copies, then the rest optional. */
static struct re_part re_brace(struct re_part e, unsigned long n, unsigned long m, bool open)
{
	struct re_part r = { 0 };

	if (open)
		return n ? re_cat(re_rep(e, n), re_star(e)) : re_star(e);
	if (!m) {	/* glibc drops x{0}: counted as one x, matching nothing */
		e.empty = true;
		return e;
	}
	if (n)
		r = re_rep(e, n);
	if (m > n)
		r = re_cat(r, re_nested_opt(e, m - n));
	return r;
}

enum re_verdict { RE_OK, RE_ATOMS, RE_CLOSURE, RE_EMPTY_REPEATED };

/*
 * Whether compiling @re costs too much: more than @limit atoms or groups
 * nested too deep (RE_ATOMS), more than @climit closure entries
 * (RE_CLOSURE), or a repetition of a part that may match nothing
 * (RE_EMPTY_REPEATED: (x?)*, x?+, (a|)+, (x*){9}), for which glibc's
 * closures take time exponential in the nesting (x????++++++++: 25 s),
 * and which always has a cheap equivalent (x*, (a|b)*, x{0,9}). A
 * malformed @re is left to regcomp, which says what is wrong.
 */
static enum re_verdict marker_re_cost(const char *re, unsigned long limit, unsigned long climit)
{
	struct re_part alt[MARKER_RE_DEPTH] = { 0 }, seq[MARKER_RE_DEPTH] = { 0 };
	struct re_part last[MARKER_RE_DEPTH] = { 0 }, now;
	static const struct re_part atom = { .atoms = 1, .set = true };
	/* An anchor or a back-reference: one node, which may match nothing. */
	static const struct re_part zero_width = { .atoms = 1, .closure = 1, .head = 1,
						   .tail = 1, .empty = true, .set = true };
	unsigned int d = 0;
	const char *p;

	for (p = re; *p; p++) {
		struct re_part part = atom;
		unsigned long n = 0, m = 0;
		bool open = false;
		char *end;

		switch (*p) {
		case '\\':
			if (p[1] && strchr("bB<>`'123456789", p[1]))
				part = zero_width;
			if (p[1])
				p++;
			break;
		case '^':
		case '$':
			part = zero_width;
			break;
		case '[':	/* a bracket expression is one atom; ']' first is a member */
			p += p[1] == '^' ? 2 : 1;
			if (*p == ']')
				p++;
			while (*p && *p != ']')
				p++;
			if (!*p)
				return RE_OK;
			break;
		case '(':
			if (d + 1 == MARKER_RE_DEPTH)
				return RE_ATOMS;
			d++;
			alt[d] = seq[d] = last[d] = (struct re_part){ 0 };
			continue;
		case ')':
			if (!d)
				break;	/* glibc's ERE takes an unmatched ')' literally */
			part = re_alt(alt[d], re_cat(seq[d], last[d]));
			if (!part.set)	/* () */
				part = (struct re_part){ .empty = true, .set = true };
			d--;
			break;
		case '|':
			now = re_cat(seq[d], last[d]);
			if (!now.set)	/* an empty branch, (|a): the level may match nothing */
				now = (struct re_part){ .empty = true, .set = true };
			alt[d] = re_alt(alt[d], now);
			seq[d] = last[d] = (struct re_part){ 0 };
			continue;
		case '{':
		case '*':
		case '?':
		case '+':	/* x+ is x x*: two copies, which a repetition after it copies */
			if (*p == '{') {
				n = strtoul(p + 1, &end, 10);
				open = *end == ',' && end[1] == '}';
				m = *end == ',' ? (open ? n + 1 : strtoul(end + 1, &end, 10)) : n;
				p = strchr(p, '}');
				if (!p)
					return RE_OK;
			}
			if (!last[d].set)
				continue;	/* a literal, or regcomp's error */
			if (last[d].empty)
				return RE_EMPTY_REPEATED;
			if (*p == '}')
				last[d] = re_brace(last[d], n, m > n ? m : n, open);
			else if (*p == '+')
				last[d] = re_cat(last[d], re_star(last[d]));
			else
				last[d] = *p == '*' ? re_star(last[d]) : re_opt(last[d]);
			goto check;
		}
		seq[d] = re_cat(seq[d], last[d]);
		last[d] = part;
check:
		/* A level's own cost, so far, is part of the whole. */
		now = re_alt(alt[d], re_cat(seq[d], last[d]));
		if (now.atoms > limit)
			return RE_ATOMS;
		if (now.closure > climit)
			return RE_CLOSURE;
	}
	return RE_OK;
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
	switch (marker_re_cost(cfg->until_re, MARKER_RE_COST_MAX, MARKER_RE_CLOSURE_MAX)) {
	case RE_OK:
		break;
	case RE_ATOMS:
		return err_set(err, LK_EXIT_USAGE, "--until-re '%s': its repetitions expand to more "
			       "than %d atoms (or nest deeper than %d groups), too costly to "
			       "compile", cfg->until_re, MARKER_RE_COST_MAX, MARKER_RE_DEPTH - 1);
	case RE_CLOSURE:
		return err_set(err, LK_EXIT_USAGE, "--until-re '%s': too many parts that may match "
			       "nothing in a row (x?x?x?...), too costly to compile",
			       cfg->until_re);
	case RE_EMPTY_REPEATED:
		return err_set(err, LK_EXIT_USAGE, "--until-re '%s': it repeats a part that may "
			       "match nothing ((x?)*, x?+, (a|)+), too costly to compile: write it "
			       "without (x*, (a|b)*, x{0,9})", cfg->until_re);
	}
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
