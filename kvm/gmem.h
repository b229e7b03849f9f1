/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * guest_memfd and memory attributes (SEV-KVM-API.md §3): the private side
 * of SNP memory. KVM_CREATE_GUEST_MEMFD and KVM_SET_MEMORY_ATTRIBUTES live
 * here; the slots that bind a guest_memfd are memslot.c's.
 */
#ifndef LKVM_KVM_GMEM_H
#define LKVM_KVM_GMEM_H

#include <stdbool.h>
#include <stdint.h>

#include "util/err.h"

/* A guest_memfd of @size bytes (flags 0: what SNP takes, §3.2); returns the fd. */
int gmem_create(int vm_fd, uint64_t size, const char *what, struct lk_err *err);

/* KVM_SET_MEMORY_ATTRIBUTES: [gpa, gpa + size) private or shared. */
int gmem_set_private(int vm_fd, uint64_t gpa, uint64_t size, bool private_mem,
		     struct lk_err *err);

/* Frees a range of a guest_memfd (its pages went shared): QEMU's discard (§3.3). */
void gmem_discard(int gmem_fd, uint64_t offset, uint64_t size);

#endif
