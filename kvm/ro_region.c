// SPDX-License-Identifier: GPL-2.0-only
/* Read-only guest memory: KVM_MEM_READONLY slots or the mprotect fallback. */
#include <errno.h>
#include <string.h>
#include <sys/mman.h>

#include "kvm/ro_region.h"
#include "kvm/uapi.h"
#include "kvm/vm.h"

static const char *const ro_mode_names[] = {
	[RO_MODE_AUTO] = "auto",
	[RO_MODE_MEMSLOT] = "memslot",
	[RO_MODE_MPROTECT] = "mprotect",
};

const char *ro_mode_name(enum ro_mode mode)
{
	return ro_mode_names[mode];
}

bool ro_mode_parse(const char *s, enum ro_mode *out)
{
	unsigned int i;

	for (i = 0; i < sizeof(ro_mode_names) / sizeof(ro_mode_names[0]); i++) {
		if (!strcmp(s, ro_mode_names[i])) {
			*out = (enum ro_mode)i;
			return true;
		}
	}
	return false;
}

static int ro_region_choose(const struct vm *vm, struct ro_region *r,
			    enum ro_mode requested, struct lk_err *err)
{
	switch (requested) {
	case RO_MODE_MEMSLOT:
		if (!vm->readonly_mem)
			return err_set(err, LK_EXIT_HOST,
				       "--ro-mode memslot: KVM does not offer read-only memory "
				       "for this VM (KVM_CAP_READONLY_MEM is 0 on the VM fd)");
		r->mode = RO_MODE_MEMSLOT;
		r->why = "requested with --ro-mode memslot";
		return 0;
	case RO_MODE_MPROTECT:
		r->mode = RO_MODE_MPROTECT;
		r->why = "requested with --ro-mode mprotect";
		warn("--ro-mode mprotect: %s is protected with mprotect(PROT_READ) instead "
		     "of a read-only memory slot; a guest write to it stops the VM on "
		     "hardware KVM", r->name);
		return 0;
	case RO_MODE_AUTO:
		break;
	}
	if (vm->readonly_mem) {
		r->mode = RO_MODE_MEMSLOT;
		r->why = "KVM_CAP_READONLY_MEM is 1 on the VM fd";
		return 0;
	}
	r->mode = RO_MODE_MPROTECT;
	r->why = "KVM_CAP_READONLY_MEM is 0 on the VM fd";
	warn("KVM does not offer read-only memory for this VM (KVM_CAP_READONLY_MEM is 0 "
	     "on the VM fd): protecting %s with mprotect(PROT_READ) instead; a guest "
	     "write to it stops the VM", r->name);
	return 0;
}

static int ro_region_set_writable(struct ro_region *r, bool writable, struct lk_err *err)
{
	if (r->mode != RO_MODE_MPROTECT || r->writable == writable)
		return 0;
	if (mprotect(r->hva, r->size, writable ? PROT_READ | PROT_WRITE : PROT_READ))
		return err_sys(err, "mprotect(%s, %s)", r->name,
			       writable ? "PROT_READ|PROT_WRITE" : "PROT_READ");
	r->writable = writable;
	return 0;
}

int ro_region_make_writable(struct ro_region *r, struct lk_err *err)
{
	return ro_region_set_writable(r, true, err);
}

int ro_region_make_readonly(struct ro_region *r, struct lk_err *err)
{
	return ro_region_set_writable(r, false, err);
}

/* Slot in, host mapping protected, region findable; with the VM's lock held. */
static int ro_region_attach(struct vm *vm, struct ro_region *r, struct lk_err *err)
{
	uint32_t flags = r->mode == RO_MODE_MEMSLOT ? KVM_MEM_READONLY : 0;

	if (vm->nr_ro >= VM_MAX_RO_REGIONS)
		return err_set(err, LK_EXIT_HOST, "too many read-only regions (%s)", r->name);
	r->slot = memslot_add(&vm->slots, r->name, r->gpa, r->size, r->hva, flags, err);
	if (r->slot < 0)
		return -1;
	/* As in the seed: the mapping becomes read-only when the slot is added. */
	if (ro_region_make_readonly(r, err))
		return -1;
	vm->ro[vm->nr_ro++] = r;
	return 0;
}

/*
 * KVM_CAP_READONLY_MEM said yes but the KVM_MEM_READONLY slot got EINVAL:
 * a kernel that refuses read-only slots for SEV-ES and SNP VMs (66155de93bcf)
 * but answers the capability for /dev/kvm on the VM fd too, i.e. without the
 * per-VM answer (SEV-KVM-API.md §1.4). The VM did not mean its yes: in auto
 * mode protect with mprotect, as it should have said; --ro-mode memslot fails.
 */
static int ro_region_refused(struct vm *vm, struct ro_region *r, enum ro_mode requested,
			     struct lk_err *err)
{
	struct lk_err why = *err;

	if (requested != RO_MODE_AUTO)
		return err_set(err, LK_EXIT_HOST, "--ro-mode memslot: KVM refused the read-only "
			       "slot for %s (%s) although KVM_CAP_READONLY_MEM is 1 on the VM fd",
			       r->name, why.msg);
	warn("KVM_CAP_READONLY_MEM is 1 on the VM fd but KVM refused the read-only slot for "
	     "%s with EINVAL: protecting it with mprotect(PROT_READ) instead; a guest write "
	     "to it stops the VM", r->name);
	r->mode = RO_MODE_MPROTECT;
	r->why = "KVM_CAP_READONLY_MEM is 1 on the VM fd, but KVM_MEM_READONLY got EINVAL";
	return ro_region_attach(vm, r, err);
}

int ro_region_map(struct vm *vm, struct ro_region *r, const char *name, uint64_t gpa,
		  void *hva, uint64_t size, enum ro_mode requested, struct lk_err *err)
{
	int ret;

	*r = (struct ro_region){ .name = name, .gpa = gpa, .size = size, .hva = hva,
				 .slot = -1, .writable = true };
	if (ro_region_choose(vm, r, requested, err))
		return -1;
	pthread_mutex_lock(&vm->lock);
	errno = 0;	/* EINVAL below comes from the slot ioctl only */
	ret = ro_region_attach(vm, r, err);
	if (ret && r->mode == RO_MODE_MEMSLOT && r->slot < 0 && errno == EINVAL)
		ret = ro_region_refused(vm, r, requested, err);
	pthread_mutex_unlock(&vm->lock);
	return ret;
}

int ro_region_remap(struct vm *vm, struct ro_region *r, struct lk_err *err)
{
	int ret = 0;

	pthread_mutex_lock(&vm->lock);
	if (r->slot < 0)
		ret = ro_region_attach(vm, r, err);
	pthread_mutex_unlock(&vm->lock);
	return ret;
}

static int ro_region_detach(struct vm *vm, struct ro_region *r, struct lk_err *err)
{
	int i;

	if (r->slot < 0)
		return 0;
	if (ro_region_make_writable(r, err))
		return -1;
	if (memslot_delete(&vm->slots, r->slot, err))
		return -1;
	r->slot = -1;
	for (i = 0; i < vm->nr_ro; i++) {
		if (vm->ro[i] == r) {
			vm->ro[i] = vm->ro[--vm->nr_ro];
			break;
		}
	}
	return 0;
}

int ro_region_unmap(struct vm *vm, struct ro_region *r, struct lk_err *err)
{
	int ret;

	pthread_mutex_lock(&vm->lock);
	ret = ro_region_detach(vm, r, err);
	pthread_mutex_unlock(&vm->lock);
	return ret;
}
