// SPDX-License-Identifier: GPL-2.0-only
/*
 * A recursive-descent JSON reader for tests: it checks the grammar of
 * RFC 8259 (strings, numbers, literals, nesting, nothing after the value)
 * and, while doing so, copies out the value at one path, or shows every
 * scalar to a visitor.
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
	enum json_kind kind;	/* of the value found */
	/* json_walk(): the visitor, and the path of the value being read. */
	void (*visit)(void *ctx, const char *path, enum json_kind kind, const char *val);
	void *ctx;
	char path[512];
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
		size_t plen = strlen(j->path);

		jspace(j);
		if (!keyed)
			snprintf(key, sizeof(key), "%d", index);
		else if (!jstring(j, key, sizeof(key)))
			return false;
		jspace(j);
		if (keyed && *j->p != ':')
			return jfail(j, "':' expected");
		j->p += keyed;
		snprintf(j->path + plen, sizeof(j->path) - plen, "%s%s", plen ? "." : "", key);
		if (!jvalue(j, jpath_below(path, key), depth + 1))
			return false;
		j->path[plen] = '\0';
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

static enum json_kind jkind(char c)
{
	switch (c) {
	case '{':
		return JSON_OBJECT;
	case '[':
		return JSON_ARRAY;
	case '"':
		return JSON_STRING;
	case 'n':
		return JSON_NULL;
	case 't':
	case 'f':
		return JSON_BOOL;
	}
	return JSON_NUMBER;
}

/* A string, for the visitor too when there is one. */
static bool jstring_value(struct jparse *j, bool target)
{
	const char *start = j->p;
	char val[1024];

	if (!jstring(j, target ? j->out : NULL, j->out_size))
		return false;
	if (j->visit) {
		j->p = start;
		jstring(j, val, sizeof(val));
		j->visit(j->ctx, j->path, JSON_STRING, val);
	}
	return true;
}

/* A value; @path is "" when this is the wanted one, NULL when it is off the path. */
static bool jvalue(struct jparse *j, const char *path, int depth)
{
	bool target = path && !*path;
	enum json_kind kind;
	const char *start;
	char val[64];
	size_t n;

	jspace(j);
	start = j->p;
	kind = jkind(*j->p);
	if (target)
		j->kind = kind;
	if (depth > JSON_CHECK_DEPTH)
		return jfail(j, "nesting too deep");
	if (*j->p == '{' || *j->p == '[') {
		if (!jcontainer(j, path, depth, *j->p == '{', *j->p == '{' ? '}' : ']'))
			return false;
	} else if (*j->p == '"') {
		if (!jstring_value(j, target))
			return false;
		j->found |= target;
		return true;
	} else if (!jliteral(j)) {
		return false;
	} else if (j->visit) {
		n = (size_t)(j->p - start) < sizeof(val) - 1 ? (size_t)(j->p - start)
							       : sizeof(val) - 1;
		memcpy(val, start, n);
		val[n] = '\0';
		j->visit(j->ctx, j->path, kind, val);
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

enum json_kind json_kind_at(const char *doc, const char *path)
{
	char out[2];
	struct jparse j = { .out = out, .out_size = sizeof(out) };

	return jdocument(&j, doc, path) && j.found ? j.kind : JSON_ABSENT;
}

/* lkvm-sev(1), JSON OUTPUT: the members whose values are bit patterns or IDs... */
static const char *const json_hex_keys[] = {
	"mask", "policy", "vmsa_features", "sev_features", "cpu_sig", "flags", "tcb_version",
	"vendor", "device", NULL,
};

/* ... and those that are quantities or codes, in any of the four outputs. */
static const char *const json_number_keys[] = {
	"gpa", "load_gpa", "direct_vmsa_gpa", "reset_addr", "cs_base", "ip", "target",
	"size", "firmware_size", "mem_bytes", "length", "offset", "offset_from_end", "unused",
	"version", "api_version", "api_major", "api_minor", "build", "state", "guest_count",
	"fw_error", "cap", "status", "vcpus", "gsi_routes", "total", "io_poll_us", "ms",
	"threshold_ms", NULL,
};

struct json_rule {
	char *why;
	size_t size;
	bool broken;
};

static bool json_key_in(const char *key, const char *const *keys)
{
	for (; *keys; keys++)
		if (!strcmp(key, *keys))
			return true;
	return false;
}

static bool json_hex_string(const char *s, bool strict)
{
	const char *digits = strict ? "0123456789abcdef" : "0123456789abcdefABCDEF";

	if (strncmp(s, "0x", 2) && (strict || strncmp(s, "0X", 2)))
		return false;
	if (!s[2] || strspn(s + 2, digits) != strlen(s + 2))
		return false;
	return !strict || s[2] != '0' || !s[3];
}

/* The member a value belongs to: an array's elements go by their array's. */
static void json_member_name(const char *path, char *name, size_t size)
{
	char buf[512], *part, *save;
	const char *last = "";

	snprintf(buf, sizeof(buf), "%s", path);
	for (part = strtok_r(buf, ".", &save); part; part = strtok_r(NULL, ".", &save))
		if (strspn(part, "0123456789") != strlen(part))
			last = part;
	snprintf(name, size, "%s", last);
}

static void json_rule_visit(void *ctx, const char *path, enum json_kind kind, const char *val)
{
	struct json_rule *r = ctx;
	const char *why = NULL;
	bool hex, number;
	char name[128];

	json_member_name(path, name, sizeof(name));
	hex = json_key_in(name, json_hex_keys);
	number = json_key_in(name, json_number_keys);
	if (hex && kind != JSON_NULL && (kind != JSON_STRING || !json_hex_string(val, true)))
		why = "a bit pattern or ID not written \"0x...\" (lowercase, no leading zeros)";
	else if (number && kind != JSON_NULL && kind != JSON_NUMBER)
		why = "a quantity or code not written as a number";
	else if (!hex && kind == JSON_STRING && json_hex_string(val, false))
		why = "a \"0x...\" string that is not a bit pattern or ID";
	if (!why || r->broken)
		return;
	r->broken = true;
	if (r->why)
		snprintf(r->why, r->size, "%s: %s (%s)", path, val, why);
}

bool json_number_rule(const char *doc, char *why, size_t size)
{
	struct json_rule r = { .why = why, .size = size };

	if (!json_walk(doc, json_rule_visit, &r)) {
		if (why)
			json_check(doc, why, size);
		return false;
	}
	return !r.broken;
}

bool json_walk(const char *doc,
	       void (*visit)(void *ctx, const char *path, enum json_kind kind, const char *val),
	       void *ctx)
{
	struct jparse j = { .visit = visit, .ctx = ctx };

	return jdocument(&j, doc, NULL);
}
