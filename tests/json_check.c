// SPDX-License-Identifier: GPL-2.0-only
/*
 * A recursive-descent JSON reader for tests: it checks the grammar of
 * RFC 8259 (strings, numbers, literals, nesting, nothing after the value)
 * and, while doing so, copies out the value at one path.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tests/json_check.h"

#define JSON_CHECK_DEPTH 64

struct jparse {
	const char *p;		/* the cursor */
	const char *err;	/* what is wrong at the cursor */
	char *out;		/* where the value at the path goes */
	size_t out_size;
	bool found;
};

static bool jfail(struct jparse *j, const char *what)
{
	if (!j->err)
		j->err = what;
	return false;
}

static void jspace(struct jparse *j)
{
	while (*j->p == ' ' || *j->p == '\t' || *j->p == '\n' || *j->p == '\r')
		j->p++;
}

static bool jhex4(const char *s)
{
	int i;

	for (i = 0; i < 4; i++)
		if (!s[i] || !strchr("0123456789abcdefABCDEF", s[i]))
			return false;
	return true;
}

/* One escape after the backslash: the byte it stands for, '?' past ASCII, -1 if bad. */
static int jescape(struct jparse *j)
{
	static const char from[] = "\"\\/bfnrt", to[] = "\"\\/\b\f\n\r\t";
	const char *e = *j->p ? strchr(from, *j->p) : NULL;
	unsigned long code;

	if (e) {
		j->p++;
		return to[e - from];
	}
	if (*j->p != 'u' || !jhex4(j->p + 1))
		return jfail(j, "a bad escape in a string"), -1;
	code = strtoul((char[5]){ j->p[1], j->p[2], j->p[3], j->p[4], '\0' }, NULL, 16);
	j->p += 5;
	return code < 0x80 ? (int)code : '?';
}

/* A string at the cursor, decoded into @buf when it is not NULL. */
static bool jstring(struct jparse *j, char *buf, size_t size)
{
	size_t n = 0;
	int c;

	if (*j->p != '"')
		return jfail(j, "a string expected");
	for (j->p++; *j->p != '"'; ) {
		c = (unsigned char)*j->p;
		if (!c)
			return jfail(j, "an unterminated string");
		if (c < 0x20)
			return jfail(j, "a control character in a string");
		j->p++;
		if (c == '\\' && (c = jescape(j)) < 0)
			return false;
		if (buf && n + 1 < size)
			buf[n++] = (char)c;
	}
	j->p++;
	if (buf && size)
		buf[n] = '\0';
	return true;
}

static bool jdigits(struct jparse *j)
{
	const char *start = j->p;

	while (*j->p >= '0' && *j->p <= '9')
		j->p++;
	return j->p > start || jfail(j, "a digit expected");
}

static bool jnumber(struct jparse *j)
{
	if (*j->p == '-')
		j->p++;
	if (*j->p == '0')
		j->p++;
	else if (!jdigits(j))
		return false;
	if (*j->p == '.' && (j->p++, !jdigits(j)))
		return false;
	if (*j->p == 'e' || *j->p == 'E') {
		j->p++;
		if (*j->p == '+' || *j->p == '-')
			j->p++;
		return jdigits(j);
	}
	return true;
}

/* The rest of @path below member or element @key, or NULL when @key is off the path. */
static const char *jpath_below(const char *path, const char *key)
{
	size_t n;

	if (!path || !*path)
		return NULL;
	n = strcspn(path, ".");
	if (strlen(key) != n || strncmp(path, key, n))
		return NULL;
	return path[n] ? path + n + 1 : "";
}

static bool jvalue(struct jparse *j, const char *path, int depth);

/* Object members or array elements up to @close; @keyed: objects. */
static bool jcontainer(struct jparse *j, const char *path, int depth, bool keyed, char close)
{
	char key[128];
	int index = 0;

	j->p++;
	jspace(j);
	if (*j->p == close) {
		j->p++;
		return true;
	}
	for (;; index++) {
		jspace(j);
		if (!keyed)
			snprintf(key, sizeof(key), "%d", index);
		else if (!jstring(j, key, sizeof(key)))
			return false;
		jspace(j);
		if (keyed && *j->p != ':')
			return jfail(j, "':' expected");
		j->p += keyed;
		if (!jvalue(j, jpath_below(path, key), depth + 1))
			return false;
		jspace(j);
		if (*j->p == close) {
			j->p++;
			return true;
		}
		if (*j->p != ',')
			return jfail(j, keyed ? "',' or '}' expected" : "',' or ']' expected");
		j->p++;
	}
}

static bool jliteral(struct jparse *j)
{
	static const char *const words[] = { "true", "false", "null" };
	unsigned int i;

	for (i = 0; i < 3; i++)
		if (!strncmp(j->p, words[i], strlen(words[i]))) {
			j->p += strlen(words[i]);
			return true;
		}
	return jnumber(j);
}

/* A value; @path is "" when this is the wanted one, NULL when it is off the path. */
static bool jvalue(struct jparse *j, const char *path, int depth)
{
	bool target = path && !*path;
	const char *start;
	size_t n;

	jspace(j);
	start = j->p;
	if (depth > JSON_CHECK_DEPTH)
		return jfail(j, "nesting too deep");
	if (*j->p == '{' || *j->p == '[') {
		if (!jcontainer(j, path, depth, *j->p == '{', *j->p == '{' ? '}' : ']'))
			return false;
	} else if (*j->p == '"') {
		if (!jstring(j, target ? j->out : NULL, j->out_size))
			return false;
		j->found |= target;
		return true;
	} else if (!jliteral(j)) {
		return false;
	}
	if (target && j->out_size) {
		n = (size_t)(j->p - start);
		if (n > j->out_size - 1)
			n = j->out_size - 1;
		memcpy(j->out, start, n);
		j->out[n] = '\0';
		j->found = true;
	}
	return true;
}

static bool jdocument(struct jparse *j, const char *doc, const char *path)
{
	j->p = doc;
	if (!jvalue(j, path, 0))
		return false;
	jspace(j);
	return !*j->p || jfail(j, "text after the value");
}

bool json_check(const char *doc, char *why, size_t size)
{
	struct jparse j = { 0 };

	if (jdocument(&j, doc, NULL))
		return true;
	if (why)
		snprintf(why, size, "%s at offset %zu", j.err, (size_t)(j.p - doc));
	return false;
}

bool json_get(const char *doc, const char *path, char *out, size_t size)
{
	struct jparse j = { .out = out, .out_size = size };

	return jdocument(&j, doc, path) && j.found;
}
