// SPDX-License-Identifier: GPL-2.0-only
/* Strict number parsing: a value is either exactly understood or refused. */
#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "util/parse.h"

static bool parse_digits(const char *s, const char **end, uint64_t *out)
{
	uint64_t v = 0;

	if (!isdigit((unsigned char)*s))
		return false;
	for (; isdigit((unsigned char)*s); s++) {
		if (v > (UINT64_MAX - 9) / 10)
			return false;
		v = v * 10 + (uint64_t)(*s - '0');
	}
	*end = s;
	*out = v;
	return true;
}

static int unit_shift(char c)
{
	switch (toupper((unsigned char)c)) {
	case 'K': return 10;
	case 'M': return 20;
	case 'G': return 30;
	case 'T': return 40;
	default: return -1;
	}
}

bool parse_size(const char *s, uint64_t default_unit, uint64_t *out)
{
	const char *p;
	uint64_t v, unit = default_unit;
	int shift;

	if (!s || !parse_digits(s, &p, &v))
		return false;
	if (*p) {
		shift = unit_shift(*p);
		if (shift < 0)
			return false;
		unit = 1ULL << shift;
		p++;
		if (!strcasecmp(p, "iB"))
			p += 2;
		else if (!strcasecmp(p, "B"))
			p++;
		if (*p)
			return false;
	}
	if (v == 0 || v > UINT64_MAX / unit)
		return false;
	*out = v * unit;
	return true;
}

bool parse_uint(const char *s, unsigned long min, unsigned long max, unsigned long *out)
{
	const char *p;
	uint64_t v;

	if (!s || !parse_digits(s, &p, &v) || *p || v < min || v > max)
		return false;
	*out = (unsigned long)v;
	return true;
}

bool parse_seconds(const char *s, double *out)
{
	char *end;
	double v;

	if (!s || !*s || isspace((unsigned char)*s) || *s == '-' || *s == '+')
		return false;
	errno = 0;
	v = strtod(s, &end);
	if (errno || *end || !isfinite(v) || v < 0 || v > 1e9)
		return false;
	*out = v;
	return true;
}
