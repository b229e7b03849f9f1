// SPDX-License-Identifier: GPL-2.0-only
/* The streaming JSON writer: nesting, commas, indentation and string escapes. */
#include <inttypes.h>
#include <stdarg.h>
#include <string.h>

#include "util/json.h"

void json_init(struct json *j, FILE *f)
{
	memset(j, 0, sizeof(*j));
	j->f = f;
}

void json_finish(struct json *j)
{
	fputc('\n', j->f);
}

static void json_escaped(FILE *f, const char *s)
{
	fputc('"', f);
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;

		if (c == '"' || c == '\\')
			fprintf(f, "\\%c", c);
		else if (c == '\n')
			fputs("\\n", f);
		else if (c == '\t')
			fputs("\\t", f);
		else if (c < 0x20)
			fprintf(f, "\\u%04x", c);
		else
			fputc(c, f);
	}
	fputc('"', f);
}

/* The comma, newline and indentation before a member, then its name. */
static void json_member(struct json *j, const char *key)
{
	if (j->depth > 0) {
		fputs(j->has_items[j->depth - 1] ? ",\n" : "\n", j->f);
		j->has_items[j->depth - 1] = true;
		fprintf(j->f, "%*s", 2 * j->depth, "");
	}
	if (key) {
		json_escaped(j->f, key);
		fputs(": ", j->f);
	}
}

static void json_open(struct json *j, const char *key, char c)
{
	json_member(j, key);
	fputc(c, j->f);
	if (j->depth < JSON_MAX_DEPTH)
		j->has_items[j->depth] = false;
	j->depth++;
}

static void json_close(struct json *j, char c)
{
	bool items = j->depth <= JSON_MAX_DEPTH && j->has_items[j->depth - 1];

	j->depth--;
	if (items)
		fprintf(j->f, "\n%*s", 2 * j->depth, "");
	fputc(c, j->f);
}

void json_obj_begin(struct json *j, const char *key)
{
	json_open(j, key, '{');
}

void json_obj_end(struct json *j)
{
	json_close(j, '}');
}

void json_arr_begin(struct json *j, const char *key)
{
	json_open(j, key, '[');
}

void json_arr_end(struct json *j)
{
	json_close(j, ']');
}

void json_str(struct json *j, const char *key, const char *val)
{
	json_member(j, key);
	if (val)
		json_escaped(j->f, val);
	else
		fputs("null", j->f);
}

void json_strf(struct json *j, const char *key, const char *fmt, ...)
{
	char buf[1024];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	json_str(j, key, buf);
}

void json_int(struct json *j, const char *key, long long val)
{
	json_member(j, key);
	fprintf(j->f, "%lld", val);
}

void json_hex(struct json *j, const char *key, uint64_t val)
{
	json_member(j, key);
	fprintf(j->f, "\"0x%" PRIx64 "\"", val);
}

void json_double(struct json *j, const char *key, double val)
{
	json_member(j, key);
	fprintf(j->f, "%.3f", val);
}

void json_bool(struct json *j, const char *key, bool val)
{
	json_member(j, key);
	fputs(val ? "true" : "false", j->f);
}

void json_null(struct json *j, const char *key)
{
	json_member(j, key);
	fputs("null", j->f);
}
