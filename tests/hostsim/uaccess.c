// SPDX-License-Identifier: GPL-2.0-only
/*
 * User memory as the kernel sees it: copies that fail with EFAULT instead of
 * crashing (process_vm_readv/writev on ourselves), whether a range is mapped
 * and writable as pin_user_pages would find it (/proc/self/maps), and sets
 * of address ranges (private GPAs, populated gfns).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/uio.h>
#include <unistd.h>

#include "tests/hostsim/hostsim.h"

/* ---- range sets: sorted, disjoint, merged [start, end) ---- */

static int range_cmp(const void *a, const void *b)
{
	const struct hs_range *x = a, *y = b;

	return x->start < y->start ? -1 : x->start > y->start;
}

static void rs_normalise(struct hs_rangeset *rs)
{
	size_t i, out = 0;

	qsort(rs->r, rs->n, sizeof(rs->r[0]), range_cmp);
	for (i = 0; i < rs->n; i++) {
		if (out && rs->r[i].start <= rs->r[out - 1].end) {
			if (rs->r[i].end > rs->r[out - 1].end)
				rs->r[out - 1].end = rs->r[i].end;
		} else {
			rs->r[out++] = rs->r[i];
		}
	}
	rs->n = out;
}

static void rs_push(struct hs_rangeset *rs, uint64_t start, uint64_t end)
{
	if (rs->n == rs->cap) {
		size_t cap = rs->cap ? 2 * rs->cap : 16;
		struct hs_range *r = realloc(rs->r, cap * sizeof(*r));

		if (!r)
			abort();	/* the model cannot continue without its state */
		rs->r = r;
		rs->cap = cap;
	}
	rs->r[rs->n++] = (struct hs_range){ start, end };
}

void hs_rs_add(struct hs_rangeset *rs, uint64_t start, uint64_t end)
{
	if (start >= end)
		return;
	rs_push(rs, start, end);
	rs_normalise(rs);
}

void hs_rs_del(struct hs_rangeset *rs, uint64_t start, uint64_t end)
{
	size_t i, n = rs->n;

	for (i = 0; i < n; i++) {
		struct hs_range *r = &rs->r[i];

		if (r->end <= start || r->start >= end)
			continue;
		if (r->start < start && r->end > end) {
			uint64_t tail = r->end;

			r->end = start;
			rs_push(rs, end, tail);	/* may move rs->r: r is not used after */
			continue;
		}
		if (r->start < start)
			r->end = start;
		else if (r->end > end)
			r->start = end;
		else
			r->start = r->end = 0;	/* dropped below */
	}
	for (i = 0, n = 0; i < rs->n; i++)
		if (rs->r[i].start < rs->r[i].end)
			rs->r[n++] = rs->r[i];
	rs->n = n;
	rs_normalise(rs);
}

bool hs_rs_all(const struct hs_rangeset *rs, uint64_t start, uint64_t end)
{
	size_t i;

	for (i = 0; i < rs->n; i++)
		if (rs->r[i].start <= start && rs->r[i].end >= end)
			return true;
	return start >= end;
}

bool hs_rs_any(const struct hs_rangeset *rs, uint64_t start, uint64_t end)
{
	size_t i;

	for (i = 0; i < rs->n; i++)
		if (rs->r[i].start < end && rs->r[i].end > start)
			return true;
	return false;
}

void hs_rs_free(struct hs_rangeset *rs)
{
	free(rs->r);
	*rs = (struct hs_rangeset){ 0 };
}

/* ---- /proc/self/maps ---- */

static char *read_maps(void)
{
	size_t len = 0, cap = 64 * 1024;
	char *buf = malloc(cap + 1);
	int fd = hs_real_open("/proc/self/maps", O_RDONLY | O_CLOEXEC);
	ssize_t n;

	if (!buf || fd < 0) {
		free(buf);
		if (fd >= 0)
			hs_real_close(fd);
		return NULL;
	}
	while ((n = read(fd, buf + len, cap - len)) > 0) {
		len += (size_t)n;
		if (len == cap) {
			char *b = realloc(buf, 2 * cap + 1);

			if (!b)
				break;
			buf = b;
			cap *= 2;
		}
	}
	hs_real_close(fd);
	buf[len] = '\0';
	return buf;
}

/*
 * pin_user_pages(FOLL_WRITE) fails on a page whose mapping is not writable,
 * which is how the kernel answers LAUNCH_UPDATE_DATA on mprotect(PROT_READ)
 * memory (SEV-KVM-API.md §2.4): so look at the real mappings.
 */
bool hs_host_mapped(uint64_t uaddr, uint64_t len, bool write)
{
	uint64_t cur = uaddr & ~(HS_PAGE_SIZE - 1), end = uaddr + len;
	char *maps, *line;
	bool ok = false;

	if (!len || end < uaddr)
		return false;
	maps = read_maps();
	if (!maps)
		return false;
	line = maps;
	while (*line) {
		char *p = line;
		uint64_t s = strtoull(p, &p, 16), e = strtoull(p + 1, &p, 16);

		line = strchr(line, '\n');
		line = line ? line + 1 : p + strlen(p);
		if (e <= cur)
			continue;
		if (s > cur || p[1] != 'r' || (write && p[2] != 'w'))
			break;		/* a hole, or a page pinning cannot take */
		cur = e;
		if (cur >= end) {
			ok = true;
			break;
		}
	}
	free(maps);
	return ok;
}

/*
 * Whether some page of [uaddr, uaddr+len) is mapped without write permission:
 * how the summary recognises a VMM that protects firmware with mprotect.
 * Unmapped pages do not count (the VMM may have unmapped memory at exit).
 */
bool hs_host_any_readonly(uint64_t uaddr, uint64_t len)
{
	uint64_t end = uaddr + len;
	char *maps = read_maps(), *line;
	bool ro = false;

	if (!maps)
		return false;
	for (line = maps; *line && !ro;) {
		char *p = line;
		uint64_t s = strtoull(p, &p, 16), e = strtoull(p + 1, &p, 16);

		line = strchr(line, '\n');
		line = line ? line + 1 : p + strlen(p);
		ro = s < end && e > uaddr && p[2] != 'w';
	}
	free(maps);
	return ro;
}

/* ---- copies ---- */

int hs_copy_from_user(void *dst, uint64_t uaddr, size_t len)
{
	struct iovec local = { dst, len }, remote = { (void *)(uintptr_t)uaddr, len };
	ssize_t n;

	if (!len)
		return 0;
	n = process_vm_readv(getpid(), &local, 1, &remote, 1, 0);
	if (n == (ssize_t)len)
		return 0;
	if (n < 0 && (errno == ENOSYS || errno == EPERM)) {
		/* No process_vm_readv here (seccomp): check the mapping instead. */
		if (!uaddr || !hs_host_mapped(uaddr, len, false))
			return -EFAULT;
		memcpy(dst, (const void *)(uintptr_t)uaddr, len);
		return 0;
	}
	return -EFAULT;
}

int hs_copy_to_user(uint64_t uaddr, const void *src, size_t len)
{
	struct iovec local = { (void *)src, len }, remote = { (void *)(uintptr_t)uaddr, len };
	ssize_t n;

	if (!len)
		return 0;
	n = process_vm_writev(getpid(), &local, 1, &remote, 1, 0);
	if (n == (ssize_t)len)
		return 0;
	if (n < 0 && (errno == ENOSYS || errno == EPERM)) {
		if (!uaddr || !hs_host_mapped(uaddr, len, true))
			return -EFAULT;
		memcpy((void *)(uintptr_t)uaddr, src, len);
		return 0;
	}
	return -EFAULT;
}
