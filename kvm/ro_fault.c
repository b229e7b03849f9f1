// SPDX-License-Identifier: GPL-2.0-only
/* Locating a write to mprotect-protected guest memory by single-stepping it. */
#include <stdlib.h>
#include <string.h>

#include "kvm/ro_fault.h"
#include "kvm/ro_region.h"
#include "kvm/vcpu.h"
#include "kvm/vm.h"

/* An interrupt may be delivered before the write is retried: allow a few steps. */
#define RO_FAULT_MAX_STEPS 8

struct ro_copy {
	struct ro_region *r;
	void *bytes;
};

static bool ro_copy_diff(const struct ro_copy *c, uint64_t *gpa)
{
	const uint8_t *now = c->r->hva, *was = c->bytes;
	uint64_t i;

	for (i = 0; i < c->r->size; i++) {
		if (now[i] != was[i]) {
			*gpa = c->r->gpa + i;
			return true;
		}
	}
	return false;
}

/* Copies and unprotects every mprotect-protected region; returns how many. */
static int ro_copies_take(struct vm *vm, struct ro_copy *copies)
{
	struct lk_err err;
	int i, n = 0;

	for (i = 0; i < vm->nr_ro; i++) {
		struct ro_region *r = vm->ro[i];

		if (r->mode != RO_MODE_MPROTECT || r->writable)
			continue;
		copies[n].bytes = malloc(r->size);
		if (!copies[n].bytes)
			break;
		memcpy(copies[n].bytes, r->hva, r->size);
		copies[n].r = r;
		if (ro_region_make_writable(r, &err)) {
			free(copies[n].bytes);
			break;
		}
		n++;
	}
	return n;
}

static void ro_copies_restore(struct ro_copy *copies, int n)
{
	struct lk_err err;
	int i;

	for (i = 0; i < n; i++) {
		memcpy(copies[i].r->hva, copies[i].bytes, copies[i].r->size);
		ro_region_make_readonly(copies[i].r, &err);
		free(copies[i].bytes);
	}
}

bool ro_fault_locate(struct vcpu *vcpu, uint64_t *gpa, const struct ro_region **where)
{
	struct ro_copy copies[VM_MAX_RO_REGIONS];
	struct vm *vm = vcpu->vm;
	bool found = false;
	struct lk_err err;
	int n, i, step;

	/* Held throughout: a flash device must not remap a region meanwhile. */
	pthread_mutex_lock(&vm->lock);
	n = ro_copies_take(vm, copies);
	if (n && !vcpu_single_step(vcpu, true, &err)) {
		for (step = 0; step < RO_FAULT_MAX_STEPS && !found; step++) {
			if (vcpu_enter(vcpu) || vcpu->run->exit_reason != KVM_EXIT_DEBUG)
				break;
			for (i = 0; i < n && !found; i++) {
				found = ro_copy_diff(&copies[i], gpa);
				if (found)
					*where = copies[i].r;
			}
		}
		vcpu_single_step(vcpu, false, &err);
	}
	ro_copies_restore(copies, n);
	pthread_mutex_unlock(&vm->lock);
	return found;
}
