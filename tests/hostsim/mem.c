// SPDX-License-Identifier: GPL-2.0-only
/*
 * Guest memory on a simulated VM: memory slots (v1 and v2), guest_memfd
 * files, memory attributes, SEV's registered regions and pinning, and the
 * read-only protection the VMM applied (memslot or mprotect). Every rule
 * cites SEV-KVM-API.md; errnos are the kernel's (kvm_set_memory_region,
 * kvm_gmem_*, kvm_vm_ioctl_set_mem_attributes, sev_mem_enc_register_region).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tests/hostsim/hostsim.h"

#define MEM_SLOTS_NUM		32767	/* KVM_MEM_SLOTS_NUM on x86 */
#define MEM_MAX_NR_PAGES	((1ULL << 31) - 1)
#define TASK_SIZE_MAX		0x7ffffffff000ULL

static char *vm_name(const struct hs_vm *vm, char *buf)
{
	snprintf(buf, 16, "vm%u", vm->id);
	return buf;
}

static bool vm_private_mem(const struct hs_vm *vm)
{
	return vm->type == HS_VM_SNP || vm->type == HS_VM_SW_PROTECTED;
}

/* Which VMs take guest_memfd slots: private-memory types, and DEFAULT [I]. */
bool hs_vm_gmem_slots(const struct hs_vm *vm)
{
	if (!vm)
		return hs_cfg.guest_memfd;
	return hs_cfg.guest_memfd && (vm_private_mem(vm) || vm->type == HS_VM_DEFAULT);
}

uint64_t hs_vm_mem_attrs(const struct hs_vm *vm)
{
	if (hs_cfg.mem_attrs == 2 || (hs_cfg.mem_attrs == 1 && (!vm || vm_private_mem(vm))))
		return HS_MEMORY_ATTRIBUTE_PRIVATE;
	return 0;
}

const struct hs_slot *hs_slot_at(const struct hs_vm *vm, uint64_t gpa)
{
	size_t i;

	for (i = 0; i < vm->nslots; i++) {
		const struct hs_slot *s = &vm->slots[i];

		if (s->used && (s->slot >> 16) == 0 && gpa >= s->gpa && gpa - s->gpa < s->size)
			return s;
	}
	return NULL;
}

bool hs_gpa_of_hva(const struct hs_vm *vm, uint64_t uaddr, uint64_t *gpa)
{
	size_t i;

	for (i = 0; i < vm->nslots; i++) {
		const struct hs_slot *s = &vm->slots[i];

		if (s->used && uaddr >= s->uaddr && uaddr - s->uaddr < s->size) {
			*gpa = s->gpa + (uaddr - s->uaddr);
			return true;
		}
	}
	return false;
}

static struct hs_slot *slot_by_id(struct hs_vm *vm, uint32_t id)
{
	size_t i;

	for (i = 0; i < vm->nslots; i++)
		if (vm->slots[i].used && vm->slots[i].slot == id)
			return &vm->slots[i];
	return NULL;
}

static struct hs_slot *slot_new(struct hs_vm *vm)
{
	struct hs_slot *s;
	size_t i;

	for (i = 0; i < vm->nslots; i++)
		if (!vm->slots[i].used)
			return &vm->slots[i];
	s = realloc(vm->slots, (vm->nslots + 16) * sizeof(*s));
	if (!s)
		return NULL;
	memset(s + vm->nslots, 0, 16 * sizeof(*s));
	vm->slots = s;
	vm->nslots += 16;
	return &vm->slots[vm->nslots - 16];
}

/* §1.4, §3.2: check_memory_region_flags(). */
static int check_flags(const struct hs_vm *vm, uint32_t flags, bool v2, const char **why)
{
	uint32_t valid = HS_MEM_LOG_DIRTY_PAGES;

	if (!v2 && (flags & ~(HS_MEM_LOG_DIRTY_PAGES | HS_MEM_READONLY))) {
		*why = "KVM_SET_USER_MEMORY_REGION takes only LOG_DIRTY_PAGES and READONLY";
		return -EINVAL;
	}
	if (hs_vm_gmem_slots(vm))
		valid |= HS_MEM_GUEST_MEMFD;
	if (flags & HS_MEM_GUEST_MEMFD)
		valid &= ~HS_MEM_LOG_DIRTY_PAGES;
	if (hs_vm_readonly_slots(vm) && !(flags & HS_MEM_GUEST_MEMFD))
		valid |= HS_MEM_READONLY;
	if (!(flags & ~valid))
		return 0;
	if (flags & HS_MEM_READONLY)
		*why = (flags & HS_MEM_GUEST_MEMFD) ?
		       "KVM_MEM_READONLY and KVM_MEM_GUEST_MEMFD exclude each other (§1.4)" :
		       "read-only memslots are refused for SEV-ES and SNP VMs (§1.4)";
	else if (flags & HS_MEM_GUEST_MEMFD)
		*why = "guest_memfd slots need a private-memory VM type (§3.2, §3.5)";
	else
		*why = "unknown memslot flags";
	return -EINVAL;
}

/* §3.2 kvm_set_memory_region(): the general sanity checks. */
static int check_region(const struct hs_userspace_memory_region2 *m, const char **why)
{
	*why = "size, GPA and host address must be page-aligned and in range";
	if (!HS_PAGE_ALIGNED(m->memory_size) || !HS_PAGE_ALIGNED(m->guest_phys_addr) ||
	    !HS_PAGE_ALIGNED(m->userspace_addr))
		return -EINVAL;
	if (m->userspace_addr + m->memory_size < m->userspace_addr ||
	    m->userspace_addr + m->memory_size > TASK_SIZE_MAX)
		return -EINVAL;
	if ((m->flags & HS_MEM_GUEST_MEMFD) &&
	    (!HS_PAGE_ALIGNED(m->guest_memfd_offset) ||
	     m->guest_memfd_offset + m->memory_size < m->guest_memfd_offset))
		return -EINVAL;
	*why = "bad slot number or address space";
	if ((m->slot >> 16) >= 1 || (m->slot & 0xffff) >= MEM_SLOTS_NUM)
		return -EINVAL;
	*why = "GPA range overflows or is too large";
	if (m->guest_phys_addr + m->memory_size < m->guest_phys_addr ||
	    (m->memory_size >> 12) > MEM_MAX_NR_PAGES)
		return -EINVAL;
	*why = NULL;
	return 0;
}

static bool overlaps(const struct hs_vm *vm, const struct hs_slot *self, uint64_t gpa,
		     uint64_t size)
{
	size_t i;

	for (i = 0; i < vm->nslots; i++) {
		const struct hs_slot *s = &vm->slots[i];

		if (s->used && s != self && gpa < s->gpa + s->size && s->gpa < gpa + size)
			return true;
	}
	return false;
}

/* kvm_gmem_bind(): the file must be this VM's guest_memfd, the range unbound. */
static int gmem_bind(struct hs_vm *vm, const struct hs_userspace_memory_region2 *m,
		     struct hs_gmem **out, const char **why)
{
	struct hs_gmem *g = hs_lookup((int)m->guest_memfd, HS_GMEM);
	size_t i;

	*why = "guest_memfd is not a guest_memfd of this VM, or the range does not fit";
	if (!g)
		return fcntl((int)m->guest_memfd, F_GETFD) < 0 ? -EBADF : -EINVAL;
	if (g->vm != vm || m->guest_memfd_offset + m->memory_size > g->size)
		return -EINVAL;
	for (i = 0; i < vm->nslots; i++) {
		const struct hs_slot *s = &vm->slots[i];

		if (s->used && s->gmem == g && m->guest_memfd_offset < s->gmem_offset + s->size &&
		    s->gmem_offset < m->guest_memfd_offset + m->memory_size) {
			*why = "that guest_memfd range is already bound to another slot";
			return -EINVAL;
		}
	}
	*out = g;
	*why = NULL;
	return 0;
}

static int slot_modify(struct hs_vm *vm, struct hs_slot *old,
		       const struct hs_userspace_memory_region2 *m, const char **why)
{
	if (m->flags & HS_MEM_GUEST_MEMFD) {
		*why = "guest_memfd slots cannot be changed, only deleted";
		return -EINVAL;
	}
	if (m->userspace_addr != old->uaddr || m->memory_size != old->size ||
	    ((m->flags ^ old->flags) & (HS_MEM_READONLY | HS_MEM_GUEST_MEMFD))) {
		*why = "a slot's host address, size, READONLY and GUEST_MEMFD cannot change";
		return -EINVAL;
	}
	if (m->guest_phys_addr != old->gpa &&
	    overlaps(vm, old, m->guest_phys_addr, m->memory_size)) {
		*why = "overlaps another slot";
		return -EEXIST;
	}
	old->gpa = m->guest_phys_addr;
	old->flags = m->flags;
	return 0;
}

static int set_region(struct hs_vm *vm, const struct hs_userspace_memory_region2 *m, bool v2,
		      const char **why)
{
	struct hs_slot *old = slot_by_id(vm, m->slot), *s;
	struct hs_gmem *g = NULL;
	int r;

	r = check_flags(vm, m->flags, v2, why);
	if (!r)
		r = check_region(m, why);
	if (r)
		return r;
	if (!m->memory_size) {
		if (!old) {
			*why = "deleting a slot that does not exist";
			return -EINVAL;
		}
		old->used = false;
		return 0;
	}
	if (old)
		return slot_modify(vm, old, m, why);
	if (overlaps(vm, NULL, m->guest_phys_addr, m->memory_size)) {
		*why = "overlaps another slot";
		return -EEXIST;
	}
	if (m->flags & HS_MEM_GUEST_MEMFD) {
		r = gmem_bind(vm, m, &g, why);
		if (r)
			return r;
	}
	s = slot_new(vm);
	if (!s)
		return -ENOMEM;
	*s = (struct hs_slot){ .used = true, .slot = m->slot, .flags = m->flags,
			       .gpa = m->guest_phys_addr, .size = m->memory_size,
			       .uaddr = m->userspace_addr, .gmem_offset = m->guest_memfd_offset,
			       .gmem = g };
	if (m->flags & HS_MEM_READONLY)
		vm->ro_memslot = true;
	return 0;
}

static long ioctl_region(struct hs_vm *vm, unsigned long arg, bool v2)
{
	struct hs_userspace_memory_region2 m = { 0 };
	const char *why = NULL;
	struct hs_json j;
	char name[16];
	long r;

	r = hs_copy_from_user(&m, arg, v2 ? sizeof(m) : sizeof(struct kvm_userspace_memory_region));
	if (!r)
		r = set_region(vm, &m, v2, &why);
	hs_json_begin(&j, vm_name(vm, name), "ioctl",
		      v2 ? "KVM_SET_USER_MEMORY_REGION2" : "KVM_SET_USER_MEMORY_REGION");
	hs_json_obj(&j, "args");
	hs_json_int(&j, "slot", m.slot);
	hs_json_hex(&j, "flags", m.flags);
	hs_json_hex(&j, "gpa", m.guest_phys_addr);
	hs_json_hex(&j, "size", m.memory_size);
	hs_json_hex(&j, "uaddr", m.userspace_addr);
	if (m.flags & HS_MEM_GUEST_MEMFD) {
		hs_json_int(&j, "guest_memfd", m.guest_memfd);
		hs_json_hex(&j, "guest_memfd_offset", m.guest_memfd_offset);
	}
	hs_json_result(&j, r ? -1 : 0, (int)-r, 0, why);
	hs_json_emit(&j);
	return r;
}

/* §3.2 kvm_vm_ioctl_set_mem_attributes(). */
static long ioctl_attributes(struct hs_vm *vm, unsigned long arg)
{
	struct hs_memory_attributes a = { 0 };
	const char *why = NULL;
	struct hs_json j;
	char name[16];
	long r = hs_copy_from_user(&a, arg, sizeof(a));

	if (!r) {
		why = "flags must be 0, attributes supported by this VM, the range page-aligned";
		if (a.flags || (a.attributes & ~hs_vm_mem_attrs(vm)) || !a.size ||
		    a.address + a.size < a.address || !HS_PAGE_ALIGNED(a.address) ||
		    !HS_PAGE_ALIGNED(a.size))
			r = -EINVAL;
		else
			why = NULL;
	}
	if (!r && (a.attributes & HS_MEMORY_ATTRIBUTE_PRIVATE))
		hs_rs_add(&vm->private_gpa, a.address, a.address + a.size);
	else if (!r)
		hs_rs_del(&vm->private_gpa, a.address, a.address + a.size);
	hs_json_begin(&j, vm_name(vm, name), "ioctl", "KVM_SET_MEMORY_ATTRIBUTES");
	hs_json_obj(&j, "args");
	hs_json_hex(&j, "address", a.address);
	hs_json_hex(&j, "size", a.size);
	hs_json_hex(&j, "attributes", a.attributes);
	hs_json_hex(&j, "flags", a.flags);
	hs_json_result(&j, r ? -1 : 0, (int)-r, 0, why);
	hs_json_emit(&j);
	return r;
}

/* §3.2 kvm_gmem_create(). */
static long ioctl_gmem(struct hs_vm *vm, unsigned long arg)
{
	struct hs_create_guest_memfd c = { 0 };
	uint64_t valid = vm->type == HS_VM_DEFAULT || vm->type == HS_VM_SW_PROTECTED ?
			 HS_GUEST_MEMFD_FLAG_MMAP | HS_GUEST_MEMFD_FLAG_INIT_SHARED : 0;
	static unsigned int next_id;
	const char *why = NULL;
	struct hs_gmem *g = NULL;
	struct hs_json j;
	char name[16];
	long r = hs_copy_from_user(&c, arg, sizeof(c));
	int i;

	for (i = 0; !r && i < 6; i++)
		if (c.reserved[i])
			r = -EINVAL;
	if (!r && ((c.flags & ~valid) || !c.size || !HS_PAGE_ALIGNED(c.size)))
		r = -EINVAL;
	if (r == -EINVAL)
		why = "size must be page-aligned and non-zero, flags valid for the VM type";
	if (!r) {
		g = calloc(1, sizeof(*g));
		r = g ? hs_new_fd("hostsim-guest-memfd", c.size, true) : -ENOMEM;
	}
	if (r >= 0) {
		*g = (struct hs_gmem){ .refs = 1, .fd = (int)r, .vm = vm, .size = c.size,
				       .flags = c.flags, .id = next_id++ };
		vm->refs++;
		hs_register((int)r, HS_GMEM, g);
	} else {
		free(g);
	}
	hs_json_begin(&j, vm_name(vm, name), "ioctl", "KVM_CREATE_GUEST_MEMFD");
	hs_json_obj(&j, "args");
	hs_json_hex(&j, "size", c.size);
	hs_json_hex(&j, "flags", c.flags);
	hs_json_result(&j, r < 0 ? -1 : (int)r, (int)-r, 0, why);
	hs_json_emit(&j);
	return r;
}

/* §2.3 sev_pin_memory(): the memlock limit and pin_user_pages. */
int hs_pin(struct hs_vm *vm, uint64_t uaddr, uint64_t len, bool write)
{
	uint64_t first = uaddr >> 12, npages;

	if (!len || uaddr + len < uaddr)
		return -EINVAL;
	npages = ((uaddr + len - 1) >> 12) - first + 1;
	if (hs_cfg.memlock_limit && (vm->pages_locked + npages) * HS_PAGE_SIZE >
				    hs_cfg.memlock_limit)
		return -ENOMEM;
	if (!hs_host_mapped(uaddr, len, write))
		return -ENOMEM;
	return 0;
}

bool hs_in_regions(const struct hs_vm *vm, uint64_t uaddr, uint64_t len)
{
	uint64_t cur = uaddr, end = uaddr + len;
	size_t i;
	bool moved = true;

	while (cur < end && moved) {
		moved = false;
		for (i = 0; i < vm->nregions; i++) {
			const struct hs_enc_region *r = &vm->regions[i];

			if (cur >= r->addr && cur < r->addr + r->size) {
				cur = r->addr + r->size;
				moved = true;
			}
		}
	}
	return cur >= end;
}

static uint64_t region_pages(const struct kvm_enc_region *e)
{
	return ((e->addr + e->size - 1) >> 12) - (e->addr >> 12) + 1;
}

/* §3.2 sev_mem_enc_register_region(): pinned for write and counted. */
static long region_add(struct hs_vm *vm, const struct kvm_enc_region *e, const char **why)
{
	struct hs_enc_region *n;
	long r = hs_pin(vm, e->addr, e->size, true);

	if (r) {
		*why = "the range cannot be pinned for write (unmapped, read-only, memlock)";
		return r;
	}
	n = realloc(vm->regions, (vm->nregions + 1) * sizeof(*n));
	if (!n)
		return -ENOMEM;
	vm->regions = n;
	vm->regions[vm->nregions++] = (struct hs_enc_region){ e->addr, e->size };
	vm->pages_locked += region_pages(e);
	return 0;
}

/* sev_mem_enc_unregister_region(): exactly a registered range. */
static long region_del(struct hs_vm *vm, const struct kvm_enc_region *e, const char **why)
{
	size_t i;

	for (i = 0; i < vm->nregions; i++) {
		if (vm->regions[i].addr == e->addr && vm->regions[i].size == e->size) {
			vm->pages_locked -= region_pages(e);
			vm->regions[i] = vm->regions[--vm->nregions];
			return 0;
		}
	}
	*why = "no region registered with exactly that address and size";
	return -EINVAL;
}

static long ioctl_region_reg(struct hs_vm *vm, unsigned long arg, bool reg)
{
	struct kvm_enc_region e = { 0 };
	const char *why = NULL;
	struct hs_json j;
	char name[16];
	long r = hs_copy_from_user(&e, arg, sizeof(e));

	if (!r && !vm->active) {
		r = -ENOTTY;
		why = "not an SEV VM (no INIT yet)";
	}
	if (!r)
		r = reg ? region_add(vm, &e, &why) : region_del(vm, &e, &why);
	hs_json_begin(&j, vm_name(vm, name), "ioctl",
		      reg ? "KVM_MEMORY_ENCRYPT_REG_REGION" : "KVM_MEMORY_ENCRYPT_UNREG_REGION");
	hs_json_obj(&j, "args");
	hs_json_hex(&j, "addr", e.addr);
	hs_json_hex(&j, "size", e.size);
	hs_json_result(&j, r ? -1 : 0, (int)-r, 0, why);
	hs_json_emit(&j);
	return r;
}

long hs_mem_ioctl(struct hs_vm *vm, unsigned long req, unsigned long arg)
{
	switch (req) {
	case KVM_SET_USER_MEMORY_REGION:
		return ioctl_region(vm, arg, false);
	case HS_SET_USER_MEMORY_REGION2:
		return ioctl_region(vm, arg, true);
	case HS_SET_MEMORY_ATTRIBUTES:
		return hs_cfg.mem_attrs ? ioctl_attributes(vm, arg) : -HS_ENOIOCTLCMD;
	case HS_CREATE_GUEST_MEMFD:
		return hs_cfg.guest_memfd ? ioctl_gmem(vm, arg) : -HS_ENOIOCTLCMD;
	case KVM_MEMORY_ENCRYPT_REG_REGION:
		return ioctl_region_reg(vm, arg, true);
	case KVM_MEMORY_ENCRYPT_UNREG_REGION:
		return ioctl_region_reg(vm, arg, false);
	default:
		return -HS_ENOIOCTLCMD;
	}
}

/* kvm_gmem_fallocate(): only KEEP_SIZE, optionally PUNCH_HOLE, page-aligned. */
long hs_gmem_fallocate(struct hs_gmem *g, int mode, int64_t off, int64_t len)
{
	struct hs_vm *vm = g->vm;
	struct hs_json j;
	char name[16];
	long r = 0;
	size_t i;

	if (!(mode & FALLOC_FL_KEEP_SIZE) || (mode & ~(FALLOC_FL_KEEP_SIZE | FALLOC_FL_PUNCH_HOLE)))
		r = -EOPNOTSUPP;
	else if (!HS_PAGE_ALIGNED((uint64_t)off) || !HS_PAGE_ALIGNED((uint64_t)len))
		r = -EINVAL;
	/* A punched page is freed: its gfn is no longer populated (prepared). */
	for (i = 0; !r && (mode & FALLOC_FL_PUNCH_HOLE) && i < vm->nslots; i++) {
		const struct hs_slot *s = &vm->slots[i];
		uint64_t lo = (uint64_t)off, hi = (uint64_t)off + (uint64_t)len;

		if (!s->used || s->gmem != g || hi <= s->gmem_offset ||
		    lo >= s->gmem_offset + s->size)
			continue;
		lo = lo > s->gmem_offset ? lo : s->gmem_offset;
		hi = hi < s->gmem_offset + s->size ? hi : s->gmem_offset + s->size;
		hs_rs_del(&vm->populated, s->gpa + lo - s->gmem_offset, s->gpa + hi - s->gmem_offset);
	}
	snprintf(name, sizeof(name), "gmem%u", g->id);
	hs_json_begin(&j, name, "event", "fallocate");
	hs_json_obj(&j, "args");
	hs_json_hex(&j, "mode", (uint32_t)mode);
	hs_json_hex(&j, "offset", (uint64_t)off);
	hs_json_hex(&j, "len", (uint64_t)len);
	hs_json_result(&j, r ? -1 : 0, (int)-r, 0, NULL);
	hs_json_emit(&j);
	return r;
}

/* The RO mode the summary reports: a read-only slot, or a slot mprotect()ed. */
void hs_vm_observe_ro(struct hs_vm *vm)
{
	size_t i;

	for (i = 0; i < vm->nslots; i++) {
		const struct hs_slot *s = &vm->slots[i];

		if (s->used && !(s->flags & HS_MEM_READONLY) &&
		    hs_host_any_readonly(s->uaddr, s->size))
			vm->ro_mprotect = true;
	}
}
