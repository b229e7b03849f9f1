// SPDX-License-Identifier: GPL-2.0-only
/*
 * The JSON-lines log (HOSTSIM_LOG): one object per modelled call or event,
 * written with a single write() in append mode so that lines from several
 * threads or processes never interleave. Large numbers are hex strings
 * because JSON readers lose precision above 2^53.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "tests/hostsim/hostsim.h"

static unsigned long seq;

const char *hs_name_of(const struct hs_name *t, size_t n, unsigned long val, const char *dflt)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (t[i].val == val)
			return t[i].name;
	return dflt;
}

const char *hs_errno_name(int err)
{
	static const struct hs_name names[] = {
		{ 0, "0" }, HS_NAME(EPERM), HS_NAME(ENOENT), HS_NAME(EINTR), HS_NAME(EIO),
		HS_NAME(E2BIG), HS_NAME(EBADF), HS_NAME(EAGAIN), HS_NAME(ENOMEM),
		HS_NAME(EFAULT), HS_NAME(EBUSY), HS_NAME(EEXIST), HS_NAME(ENODEV),
		HS_NAME(EINVAL), HS_NAME(ENOSPC), HS_NAME(ENOTTY), HS_NAME(ENXIO),
		HS_NAME(EOPNOTSUPP),
	};

	return HS_NAME_OF(names, (unsigned long)err, "E?");
}

void hs_hex(char *out, const uint8_t *p, size_t n)
{
	static const char digits[] = "0123456789abcdef";
	size_t i;

	for (i = 0; i < n; i++) {
		out[2 * i] = digits[p[i] >> 4];
		out[2 * i + 1] = digits[p[i] & 15];
	}
	out[2 * n] = '\0';
}

static void put(struct hs_json *j, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void put(struct hs_json *j, const char *fmt, ...)
{
	va_list ap;
	int n;

	/* Keep room for the closing braces; a line too long is replaced at emit. */
	if (j->overflow)
		return;
	va_start(ap, fmt);
	n = vsnprintf(j->buf + j->len, sizeof(j->buf) - 16 - j->len, fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= sizeof(j->buf) - 16 - j->len)
		j->overflow = true;
	else
		j->len += (size_t)n;
}

static void key(struct hs_json *j, const char *k)
{
	put(j, "%s\"%s\":", j->first ? "" : ",", k);
	j->first = false;
}

/* Strings are ours (UTF-8) or short VMM text; escape what JSON requires. */
static void put_str(struct hs_json *j, const char *s)
{
	put(j, "\"");
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;

		if (c == '"' || c == '\\')
			put(j, "\\%c", c);
		else if (c < 0x20 || c == 0x7f)
			put(j, "\\u%04x", c);
		else
			put(j, "%c", c);
	}
	put(j, "\"");
}

void hs_json_begin(struct hs_json *j, const char *obj, const char *kind, const char *name)
{
	j->len = 0;
	j->first = true;
	j->overflow = false;
	j->depth = 0;
	put(j, "{");
	hs_json_int(j, "seq", (long long)++seq);
	hs_json_int(j, "pid", getpid());
	if (obj)
		hs_json_str(j, "obj", obj);
	hs_json_str(j, kind, name);
}

void hs_json_obj(struct hs_json *j, const char *k)
{
	key(j, k);
	put(j, "{");
	j->first = true;
	j->depth++;
}

void hs_json_end_obj(struct hs_json *j)
{
	put(j, "}");
	j->first = false;
	j->depth--;
}

void hs_json_str(struct hs_json *j, const char *k, const char *val)
{
	key(j, k);
	put_str(j, val);
}

void hs_json_int(struct hs_json *j, const char *k, long long val)
{
	key(j, k);
	put(j, "%lld", val);
}

void hs_json_hex(struct hs_json *j, const char *k, uint64_t val)
{
	key(j, k);
	put(j, "\"%#llx\"", (unsigned long long)val);
}

void hs_json_bytes(struct hs_json *j, const char *k, const uint8_t *p, size_t n)
{
	char hex[2 * 64 + 1];

	if (n > 64)
		n = 64;
	hs_hex(hex, p, n);
	hs_json_str(j, k, hex);
}

void hs_json_result(struct hs_json *j, int ret, int err, int fw_error, const char *why)
{
	while (j->depth > 0)
		hs_json_end_obj(j);
	hs_json_int(j, "ret", ret);
	if (ret < 0)
		hs_json_str(j, "errno", hs_errno_name(err));
	if (fw_error)
		hs_json_hex(j, "fw_error", (uint32_t)fw_error);
	if (why)
		hs_json_str(j, "why", why);
}

static int log_fd(void)
{
	static int fd = -2;

	if (fd == -2) {
		fd = -1;
		if (hs_cfg.log_path)
			fd = open(hs_cfg.log_path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC,
				  0644);
	}
	return fd;
}

void hs_json_emit(struct hs_json *j)
{
	int fd = log_fd();
	int saved = errno;

	if (j->overflow) {
		j->len = (size_t)snprintf(j->buf, sizeof(j->buf),
					  "{\"seq\":%lu,\"error\":\"log line too long\"", seq);
		j->depth = 0;
	}
	for (; j->depth > 0; j->depth--)
		j->buf[j->len++] = '}';
	memcpy(j->buf + j->len, "}\n", 2);
	j->len += 2;
	if (fd >= 0 && write(fd, j->buf, j->len) < 0)
		fd = -1;
	errno = saved;
}
