// SPDX-License-Identifier: GPL-2.0-only
/* Reading user-named input files, with one clear message per way to fail. */
#include <errno.h>
#include <stdint.h>
#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "util/file.h"

/* All of @fd's @size bytes into @p; false if the file ended early or a read failed. */
static bool file_read_all(int fd, uint8_t *p, size_t size)
{
	size_t done = 0;

	while (done < size) {
		ssize_t n = read(fd, p + done, size - done);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return false;
		done += (size_t)n;
	}
	return true;
}

int file_load(const char *opt, const char *path, int prot, void **data, size_t *size,
	      struct lk_err *err)
{
	struct stat st;
	uint8_t extra;
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
	p = mmap(NULL, (size_t)st.st_size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS,
		 -1, 0);
	if (p == MAP_FAILED) {
		close(fd);
		return err_sys(err, "%s %s: no memory for its %lld bytes", opt, path,
			       (long long)st.st_size);
	}
	if (!file_read_all(fd, p, (size_t)st.st_size) || read(fd, &extra, 1) != 0) {
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

int file_lock(int fd, bool write)
{
	struct flock lk = { .l_type = write ? F_WRLCK : F_RDLCK, .l_whence = SEEK_SET };

	return fcntl(fd, F_OFD_SETLK, &lk);
}
