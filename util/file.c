// SPDX-License-Identifier: GPL-2.0-only
/* Mapping user-named input files, with one clear message per way to fail. */
#include <errno.h>
#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "util/file.h"

int file_map(const char *opt, const char *path, int prot, void **data, size_t *size,
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
	p = mmap(NULL, (size_t)st.st_size, prot, MAP_PRIVATE, fd, 0);
	close(fd);
	if (p == MAP_FAILED) {
		err_sys(err, "%s %s: cannot map it", opt, path);
		err->status = LK_EXIT_USAGE;
		return -1;
	}
	*data = p;
	*size = (size_t)st.st_size;
	return 0;
}

void file_unmap(void *data, size_t size)
{
	if (data)
		munmap(data, size);
}

int file_lock(int fd, bool write)
{
	struct flock lk = { .l_type = write ? F_WRLCK : F_RDLCK, .l_whence = SEEK_SET };

	return fcntl(fd, F_OFD_SETLK, &lk);
}
