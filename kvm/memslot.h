/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The VM's memory slots. Every KVM_SET_USER_MEMORY_REGION(2) goes through
 * this module, which records what each slot maps so that the rest of the
 * VMM (and error messages) can ask "what is at this GPA".
 */
#ifndef LKVM_KVM_MEMSLOT_H
#define LKVM_KVM_MEMSLOT_H

#include <stdbool.h>
#include <stdint.h>

#include "util/err.h"

#define MEMSLOT_MAX 32

struct memslot {
	bool used;
	uint32_t flags;		/* KVM_MEM_* */
	uint64_t gpa;
	uint64_t size;
	void *hva;
	const char *name;	/* for messages: "ram-low", "firmware" */
	int gmem_fd;		/* KVM_MEM_GUEST_MEMFD: the private side; -1 otherwise */
	uint64_t gmem_offset;
};

struct memslots {
	int vm_fd;
	bool region2;		/* use KVM_SET_USER_MEMORY_REGION2 */
	struct memslot slot[MEMSLOT_MAX];
};

void memslots_init(struct memslots *ms, int vm_fd, bool region2);

/* Returns the slot number, or -1 with @err set. */
int memslot_add(struct memslots *ms, const char *name, uint64_t gpa, uint64_t size,
		void *hva, uint32_t flags, struct lk_err *err);
/* A slot with a guest_memfd for its private pages (KVM_MEM_GUEST_MEMFD, REGION2). */
int memslot_add_gmem(struct memslots *ms, const char *name, uint64_t gpa, uint64_t size,
		     void *hva, int gmem_fd, uint64_t gmem_offset, struct lk_err *err);
int memslot_delete(struct memslots *ms, int slot, struct lk_err *err);
/*
 * KVM cannot flip KVM_MEM_READONLY on a live slot, so such a change
 * deletes and re-creates it; other flags change in place.
 */
int memslot_set_flags(struct memslots *ms, int slot, uint32_t flags, struct lk_err *err);

const struct memslot *memslot_find(const struct memslots *ms, uint64_t gpa);

#endif
