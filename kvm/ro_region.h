/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Guest memory the guest must not write (firmware ROM, flash code).
 *
 * KVM_MEM_READONLY is used where the VM's own KVM_CAP_READONLY_MEM says
 * yes. Otherwise (SEV-ES and SNP VM types, seed 000_4603e05337d8367b) the
 * slot is read-write in KVM and the host mapping is mprotect(PROT_READ):
 * on hardware a guest write then cannot be resolved and KVM_RUN fails with
 * EFAULT. KVM needs the pages writable for SEV launch updates and slot
 * teardown, hence make_writable/make_readonly. In auto mode a read-only slot
 * refused with EINVAL although the VM said yes also falls back to mprotect.
 */
#ifndef LKVM_KVM_RO_REGION_H
#define LKVM_KVM_RO_REGION_H

#include <stdbool.h>
#include <stdint.h>

#include "util/err.h"

struct vm;

enum ro_mode {
	RO_MODE_AUTO,		/* memslot where the VM offers it, else mprotect */
	RO_MODE_MEMSLOT,
	RO_MODE_MPROTECT,
};

struct ro_region {
	const char *name;
	uint64_t gpa;
	uint64_t size;
	void *hva;		/* page aligned, mapped read-write by the owner */
	enum ro_mode mode;	/* never AUTO once mapped */
	const char *why;	/* why this mode was chosen, for reports */
	int slot;
	bool writable;		/* host mapping currently writable (mprotect mode) */
};

const char *ro_mode_name(enum ro_mode mode);
bool ro_mode_parse(const char *s, enum ro_mode *out);

/* Adds the slot and protects it; registers the region with the VM. */
int ro_region_map(struct vm *vm, struct ro_region *r, const char *name, uint64_t gpa,
		  void *hva, uint64_t size, enum ro_mode requested, struct lk_err *err);
/* Removes the slot (host pages writable again first, as KVM needs). */
int ro_region_unmap(struct vm *vm, struct ro_region *r, struct lk_err *err);
/*
 * Adds the slot again in the mode chosen at the first map, silently: a
 * flash device goes back and forth between read-only memory (read-array
 * mode) and MMIO (command modes) while vCPUs run.
 */
int ro_region_remap(struct vm *vm, struct ro_region *r, struct lk_err *err);

/* Host mapping writable, e.g. around a launch update; no-op in memslot mode. */
int ro_region_make_writable(struct ro_region *r, struct lk_err *err);
int ro_region_make_readonly(struct ro_region *r, struct lk_err *err);

static inline bool ro_region_contains(const struct ro_region *r, uint64_t gpa)
{
	return gpa >= r->gpa && gpa - r->gpa < r->size;
}

#endif
