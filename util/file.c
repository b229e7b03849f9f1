// SPDX-License-Identifier: GPL-2.0-only
/* Reading user-named input files, with one clear message per way to fail. */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "util/file.h"

bool file_read_exact(int fd, void *buf, size_t size)
{
	uint8_t *p = buf, extra;
	size_t done = 0;

	while (done < size) {
		ssize_t n = read(fd, p + done, size - done);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return false;
		done += (size_t)n;
	}
	return read(fd, &extra, 1) == 0;
}

/*
 * @size bytes of private memory, named after @opt where /proc/PID/maps
 * shows it ("/memfd:lkvm-sev --firmware"): a private mapping of an empty
 * memfd, whose pages are all copies of our own.
 */
static void *file_private_memory(const char *opt, size_t size)
{
	char name[64];
	void *p;
	int fd;

	snprintf(name, sizeof(name), "lkvm-sev %s", opt);
	fd = memfd_create(name, MFD_CLOEXEC);
	if (fd < 0 || ftruncate(fd, (off_t)size)) {
		if (fd >= 0)
			close(fd);
		return mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1,
			    0);
	}
	p = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd, 0);
	close(fd);
	return p;
}

int file_load(const char *opt, const char *path, int prot, void **data, size_t *size,
	      struct lk_err *err)
{
	struct stat st;
	void *p;
	int fd;

	/* O_NONBLOCK: opening a FIFO must not wait for a writer. */
	fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
	if (fd < 0) {
		if (errno == ENOENT)
			return err_set(err, LK_EXIT_USAGE, "%s %s: no such file", opt, path);
		err_sys(err, "%s %s: cannot open it", opt, path);
		err->status = LK_EXIT_USAGE;
		return -1;
	}
	if (fstat(fd, &st) || !S_ISREG(st.st_mode)) {
		close(fd);
		return err_set(err, LK_EXIT_USAGE, "%s %s: not a regular file", opt, path);
	}
	if (st.st_size == 0) {
		close(fd);
		return err_set(err, LK_EXIT_USAGE, "%s %s: empty file", opt, path);
	}
	p = file_private_memory(opt, (size_t)st.st_size);
	if (p == MAP_FAILED) {
		close(fd);
		return err_sys(err, "%s %s: no memory for its %lld bytes", opt, path,
			       (long long)st.st_size);
	}
	if (!file_read_exact(fd, p, (size_t)st.st_size)) {
		close(fd);
		munmap(p, (size_t)st.st_size);
		return err_set(err, LK_EXIT_USAGE, "%s %s: it changed size while it was read",
			       opt, path);
	}
	close(fd);
	if (!(prot & PROT_WRITE))
		mprotect(p, (size_t)st.st_size, prot);
	*data = p;
	*size = (size_t)st.st_size;
	return 0;
}

void file_unload(void *data, size_t size)
{
	if (data)
		munmap(data, size);
}

int file_create(const char *opt, const char *path, struct lk_err *err)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NONBLOCK, 0644);

	if (fd < 0 && errno == ENXIO)
		return err_set(err, LK_EXIT_USAGE, "%s %s: a FIFO that nobody reads (lkvm-sev "
			       "would wait for a reader)", opt, path);
	if (fd < 0) {
		err_sys(err, "%s %s", opt, path);
		err->status = LK_EXIT_USAGE;
		return -1;
	}
	/* A reader is there: from now on writes wait for it, as for a terminal. */
	fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) & ~O_NONBLOCK);
	return fd;
}

FILE *file_create_stream(const char *opt, const char *path, struct lk_err *err)
{
	int fd = file_create(opt, path, err);
	FILE *f;

	if (fd < 0)
		return NULL;
	f = fdopen(fd, "w");
	if (!f) {
		close(fd);
		err_sys(err, "%s %s", opt, path);
	}
	return f;
}

int file_lock(int fd, bool write)
{
	struct flock lk = { .l_type = write ? F_WRLCK : F_RDLCK, .l_whence = SEEK_SET };

	return fcntl(fd, F_OFD_SETLK, &lk);
}
