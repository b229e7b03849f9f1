/* SPDX-License-Identifier: GPL-2.0-only */
/* Input files the user names on the command line: mapped private, or locked. */
#ifndef LKVM_UTIL_FILE_H
#define LKVM_UTIL_FILE_H

#include <stdbool.h>
#include <stddef.h>

#include "util/err.h"

/*
 * Maps @path (named by option @opt in messages) MAP_PRIVATE with @prot:
 * the file itself is never written. Refuses with status 2 and one line a
 * missing or unreadable file, anything but a regular file, and an empty one.
 */
int file_map(const char *opt, const char *path, int prot, void **data, size_t *size,
	     struct lk_err *err);
void file_unmap(void *data, size_t size);

/*
 * An OFD lock on all of @fd, as QEMU takes on images: shared for a reader
 * (@write false), exclusive for a writer; another lkvm-sev, or another open
 * of the same file here, cannot then write it beside us. Returns 0, or -1
 * with errno (EAGAIN: someone holds a conflicting lock).
 */
int file_lock(int fd, bool write);

#endif
