/* SPDX-License-Identifier: GPL-2.0-only */
/* Input files the user names on the command line: read into private memory, or locked. */
#ifndef LKVM_UTIL_FILE_H
#define LKVM_UTIL_FILE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "util/err.h"

/*
 * Reads @path (named by option @opt in messages) into private anonymous
 * memory, then protected as @prot: the file is never written, and what the
 * run uses cannot change or vanish under it (a mapping of the file would
 * give SIGBUS once the file is truncated). Refuses with status 2 and one
 * line a missing or unreadable file, anything but a regular file, an empty
 * one, and one that changed size while it was read.
 */
int file_load(const char *opt, const char *path, int prot, void **data, size_t *size,
	      struct lk_err *err);
void file_unload(void *data, size_t size);
/*
 * Reads exactly @size bytes of @fd into @buf, and then finds its end: false
 * if the file ended early, went on past @size (it changed size since it was
 * sized) or a read failed.
 */
bool file_read_exact(int fd, void *buf, size_t size);

/*
 * Creates (or truncates) the output file @path of option @opt for writing:
 * a descriptor, or -1 with status 2 and one line. A FIFO nobody reads is
 * refused instead of waited for (the run's --timeout could not hold).
 */
int file_create(const char *opt, const char *path, struct lk_err *err);
/* The same as a stdio stream. */
FILE *file_create_stream(const char *opt, const char *path, struct lk_err *err);

/*
 * An OFD lock on all of @fd, as QEMU takes on images: shared for a reader
 * (@write false), exclusive for a writer; another lkvm-sev, or another open
 * of the same file here, cannot then write it beside us. Returns 0, or -1
 * with errno (EAGAIN: someone holds a conflicting lock).
 */
int file_lock(int fd, bool write);

#endif
