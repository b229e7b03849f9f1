// SPDX-License-Identifier: GPL-2.0-only
/* KVM_SET_USER_MEMORY_REGION(2) and the record of what each slot holds. */
#include <errno.h>
#include <string.h>
#include <sys/ioctl.h>

#include "kvm/memslot.h"
#include "kvm/trace.h"
#include "kvm/uapi.h"

void memslots_init(struct memslots *ms, int vm_fd, bool region2)
{
	memset(ms, 0, sizeof(*ms));
	ms->vm_fd = vm_fd;
	ms->region2 = region2;
}

static int memslot_ioctl(const struct memslots *ms, int slot, uint32_t flags,
			 uint64_t gpa, uint64_t size, void *hva, const struct memslot *gmem)
{
	if (ms->region2) {
		struct lk_kvm_userspace_memory_region2 r = {
			.slot = (uint32_t)slot, .flags = flags, .guest_phys_addr = gpa,
			.memory_size = size, .userspace_addr = (uintptr_t)hva,
		};

		if (gmem && (flags & LK_KVM_MEM_GUEST_MEMFD)) {
			r.guest_memfd = (uint32_t)gmem->gmem_fd;
			r.guest_memfd_offset = gmem->gmem_offset;
		}

		return kvm_ioctl(ms->vm_fd, LK_KVM_SET_USER_MEMORY_REGION2, &r);
	} else {
		struct kvm_userspace_memory_region r = {
			.slot = (uint32_t)slot, .flags = flags, .guest_phys_addr = gpa,
			.memory_size = size, .userspace_addr = (uintptr_t)hva,
		};

		return kvm_ioctl(ms->vm_fd, KVM_SET_USER_MEMORY_REGION, &r);
	}
}

static const char *memslot_call(const struct memslots *ms)
{
	return ms->region2 ? "KVM_SET_USER_MEMORY_REGION2" : "KVM_SET_USER_MEMORY_REGION";
}

static int memslot_insert(struct memslots *ms, const struct memslot *want, struct lk_err *err)
{
	const char *name = want->name;
	uint64_t gpa = want->gpa, size = want->size;
	int i, free_slot = -1;

	for (i = 0; i < MEMSLOT_MAX; i++) {
		const struct memslot *s = &ms->slot[i];

		if (!s->used) {
			if (free_slot < 0)
				free_slot = i;
			continue;
		}
		if (gpa < s->gpa + s->size && s->gpa < gpa + size)
			return err_set(err, LK_EXIT_HOST,
				       "memory slot %s [0x%llx, 0x%llx) overlaps %s",
				       name, (unsigned long long)gpa,
				       (unsigned long long)(gpa + size), s->name);
	}
	if (free_slot < 0)
		return err_set(err, LK_EXIT_HOST, "no free memory slot for %s", name);
	if (memslot_ioctl(ms, free_slot, want->flags, gpa, size, want->hva, want))
		return err_sys(err, "%s (%s at GPA 0x%llx, %llu bytes, flags 0x%x)",
			       memslot_call(ms), name, (unsigned long long)gpa,
			       (unsigned long long)size, want->flags);
	ms->slot[free_slot] = *want;
	ms->slot[free_slot].used = true;
	return free_slot;
}

int memslot_add(struct memslots *ms, const char *name, uint64_t gpa, uint64_t size,
		void *hva, uint32_t flags, struct lk_err *err)
{
	const struct memslot s = { .flags = flags, .gpa = gpa, .size = size, .hva = hva,
				   .name = name, .gmem_fd = -1 };

	return memslot_insert(ms, &s, err);
}

int memslot_add_gmem(struct memslots *ms, const char *name, uint64_t gpa, uint64_t size,
		     void *hva, int gmem_fd, uint64_t gmem_offset, struct lk_err *err)
{
	const struct memslot s = { .flags = LK_KVM_MEM_GUEST_MEMFD, .gpa = gpa, .size = size,
				   .hva = hva, .name = name, .gmem_fd = gmem_fd,
				   .gmem_offset = gmem_offset };

	if (!ms->region2)
		return err_set(err, LK_EXIT_HOST, "%s: a guest_memfd slot needs "
			       "KVM_SET_USER_MEMORY_REGION2 (KVM_CAP_USER_MEMORY2)", name);
	return memslot_insert(ms, &s, err);
}

int memslot_delete(struct memslots *ms, int slot, struct lk_err *err)
{
	struct memslot *s;

	if (slot < 0 || slot >= MEMSLOT_MAX || !ms->slot[slot].used)
		return err_set(err, LK_EXIT_HOST, "memory slot %d is not in use", slot);
	s = &ms->slot[slot];
	/* A slot of size 0 is how KVM deletes it. */
	if (memslot_ioctl(ms, slot, 0, s->gpa, 0, s->hva, NULL))
		return err_sys(err, "%s (deleting %s)", memslot_call(ms), s->name);
	s->used = false;
	return 0;
}

int memslot_set_flags(struct memslots *ms, int slot, uint32_t flags, struct lk_err *err)
{
	struct memslot s;

	if (slot < 0 || slot >= MEMSLOT_MAX || !ms->slot[slot].used)
		return err_set(err, LK_EXIT_HOST, "memory slot %d is not in use", slot);
	s = ms->slot[slot];
	if (!((s.flags ^ flags) & KVM_MEM_READONLY)) {
		if (memslot_ioctl(ms, slot, flags, s.gpa, s.size, s.hva, &s))
			return err_sys(err, "%s (flags 0x%x on %s)", memslot_call(ms),
				       flags, s.name);
		ms->slot[slot].flags = flags;
		return 0;
	}
	if (memslot_delete(ms, slot, err))
		return -1;
	if (memslot_ioctl(ms, slot, flags, s.gpa, s.size, s.hva, &s))
		return err_sys(err, "%s (re-adding %s with flags 0x%x)", memslot_call(ms),
			       s.name, flags);
	s.flags = flags;
	ms->slot[slot] = s;
	return 0;
}

const struct memslot *memslot_find(const struct memslots *ms, uint64_t gpa)
{
	int i;

	for (i = 0; i < MEMSLOT_MAX; i++) {
		const struct memslot *s = &ms->slot[i];

		if (s->used && gpa >= s->gpa && gpa - s->gpa < s->size)
			return s;
	}
	return NULL;
}
