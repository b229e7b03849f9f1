// SPDX-License-Identifier: GPL-2.0-only
/*
 * A fake /dev/kvm for the fuzz targets, which are linked with
 * -Wl,--wrap=ioctl: every ioctl the project's objects make comes here.
 * Descriptors this file made (the host, VMs, vCPUs: memfds, so that mmap
 * of a vCPU's kvm_run works) get answers as KVM gives them, with KVM's
 * argument checks where fuzzed input computes the arguments (memory
 * attributes, slots, ioeventfds); anything else goes to the real ioctl.
 * It accepts what a machine's set-up asks; no guest runs, so no interrupt
 * needs delivering. KVM_RUN is the target's (fake_kvm_run).
 *
 * Private memory is made untouchable: where a VM's memory attributes make
 * a range private, the host side of its guest_memfd slots is mprotect()ed
 * PROT_NONE until the guest shares it again, so a device that touches a
 * page the guest did not share (devices/device.h forbids it) crashes the
 * target. One process, one fuzz input at a time: no lock.
 */
#include <errno.h>
#include <stdarg.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "kvm/uapi.h"
#include "tests/fuzz/fuzz.h"

#define FAKE_MAX_FD	1024
#define FAKE_RUN_SIZE	(3 * 4096)	/* kvm_run, the PIO data page, coalesced MMIO */
#define FAKE_MAX_GSI	1024
#define FAKE_PAGE	4096ULL
#define FAKE_SLOTS	32

enum fake_kind { FAKE_NONE, FAKE_HOST, FAKE_VM, FAKE_VCPU };

/* A VM's slot with a guest_memfd: its host side is what private pages hide. */
struct fake_slot {
	bool gmem;
	uint64_t gpa, size, hva;
};

/* What a descriptor number was made as; @ino tells a stale entry from a live one. */
struct fake_fd {
	enum fake_kind kind;
	dev_t dev;
	ino_t ino;
	unsigned long vm_type;
	struct fake_slot slots[FAKE_SLOTS];	/* VMs */
	unsigned int vcpu_id;
	bool vcpu_private;	/* of an SNP VM: its registers are encrypted */
	struct kvm_run *run;	/* the vCPU's kvm_run, as this file maps it */
};

static struct fake_fd fake_fds[FAKE_MAX_FD];

int (*fake_kvm_run)(struct kvm_run *run, unsigned int vcpu_id);

int __real_ioctl(int fd, unsigned long req, ...);
int __wrap_ioctl(int fd, unsigned long req, ...);

static struct fake_fd *fake_lookup(int fd)
{
	struct fake_fd *f;
	struct stat st;

	if (fd < 0 || fd >= FAKE_MAX_FD || fake_fds[fd].kind == FAKE_NONE)
		return NULL;
	f = &fake_fds[fd];
	if (fstat(fd, &st) || st.st_ino != f->ino || st.st_dev != f->dev)
		return NULL;	/* closed, and the number reused for something else */
	return f;
}

/* A new memfd of @size bytes standing for a KVM object; -1 with errno. */
static int fake_new(enum fake_kind kind, const char *name, size_t size)
{
	struct fake_fd *f;
	struct stat st;
	int fd = memfd_create(name, MFD_CLOEXEC);

	if (fd < 0)
		return -1;
	if (fd >= FAKE_MAX_FD || (size && ftruncate(fd, (off_t)size)) || fstat(fd, &st)) {
		close(fd);
		errno = EMFILE;
		return -1;
	}
	f = &fake_fds[fd];
	if (f->run)
		munmap(f->run, FAKE_RUN_SIZE);	/* of a vCPU closed since */
	*f = (struct fake_fd){ .kind = kind, .dev = st.st_dev, .ino = st.st_ino };
	return fd;
}

int fake_kvm_host(struct kvm_host *host, struct lk_err *err)
{
	int fd = fake_new(FAKE_HOST, "fake-kvm", 0);

	if (fd < 0)
		return err_sys(err, "the fake /dev/kvm");
	*host = (struct kvm_host){
		.fd = fd, .api_version = KVM_API_VERSION, .vcpu_mmap_size = FAKE_RUN_SIZE,
		.max_vcpus = 1024,
		.vm_types = 1u << LK_KVM_X86_DEFAULT_VM | 1u << LK_KVM_X86_SEV_VM |
			    1u << LK_KVM_X86_SEV_ES_VM | 1u << LK_KVM_X86_SNP_VM,
		.user_memory2 = true, .memory_fault_info = true, .guest_memfd = true,
		.irqchip = true,
	};
	return 0;
}

static int fake_fail(int e)
{
	errno = e;
	return -1;
}

static bool fake_private_vm(const struct fake_fd *vm)
{
	return vm->vm_type == LK_KVM_X86_SNP_VM || vm->vm_type == LK_KVM_X86_SW_PROTECTED_VM;
}

static int fake_host_ioctl(unsigned long req, uintptr_t arg)
{
	int fd;

	switch (req) {
	case KVM_GET_API_VERSION:
		return KVM_API_VERSION;
	case KVM_GET_VCPU_MMAP_SIZE:
		return FAKE_RUN_SIZE;
	case KVM_CHECK_EXTENSION:
		return 0;
	case KVM_CREATE_VM:
		if (arg >= 32 || !((1u << LK_KVM_X86_DEFAULT_VM | 1u << LK_KVM_X86_SEV_VM |
				    1u << LK_KVM_X86_SEV_ES_VM | 1u << LK_KVM_X86_SNP_VM) &
				   (1u << arg)))
			return fake_fail(EINVAL);
		fd = fake_new(FAKE_VM, "fake-kvm-vm", 0);
		if (fd >= 0)
			fake_fds[fd].vm_type = arg;
		return fd;
	}
	return fake_fail(ENOTTY);
}

/*
 * kvm_vm_ioctl_set_mem_attributes(): whole pages, no wrap, known
 * attributes. Then the host side of the range, in guest_memfd slots,
 * becomes untouchable (private) or usable again (shared).
 */
static int fake_mem_attributes(const struct fake_fd *vm,
			       const struct lk_kvm_memory_attributes *a)
{
	uint64_t known = fake_private_vm(vm) ? LK_KVM_MEMORY_ATTRIBUTE_PRIVATE : 0;
	bool private_mem = a->attributes & LK_KVM_MEMORY_ATTRIBUTE_PRIVATE;
	unsigned int i;

	if (a->flags || (a->attributes & ~known) || !a->size || a->address % FAKE_PAGE ||
	    a->size % FAKE_PAGE || a->address + a->size < a->address)
		return fake_fail(EINVAL);
	for (i = 0; i < FAKE_SLOTS; i++) {
		const struct fake_slot *s = &vm->slots[i];
		uint64_t from = a->address > s->gpa ? a->address : s->gpa;
		uint64_t to = a->address + a->size < s->gpa + s->size ? a->address + a->size :
			      s->gpa + s->size;

		if (s->gmem && from < to &&
		    mprotect((void *)(uintptr_t)(s->hva + (from - s->gpa)), to - from,
			     private_mem ? PROT_NONE : PROT_READ | PROT_WRITE))
			return fake_fail(ENOMEM);
	}
	return 0;
}

/* kvm_set_memory_region()'s checks of what the caller computed; the slot recorded. */
static int fake_memory_region(struct fake_fd *vm, unsigned long req,
			      const struct lk_kvm_userspace_memory_region2 *r)
{
	if (r->slot >= FAKE_SLOTS || r->guest_phys_addr % FAKE_PAGE ||
	    r->memory_size % FAKE_PAGE || r->userspace_addr % FAKE_PAGE ||
	    r->guest_phys_addr + r->memory_size < r->guest_phys_addr)
		return fake_fail(EINVAL);
	vm->slots[r->slot] = (struct fake_slot){
		.gmem = req == LK_KVM_SET_USER_MEMORY_REGION2 &&
			(r->flags & LK_KVM_MEM_GUEST_MEMFD) && r->memory_size,
		.gpa = r->guest_phys_addr, .size = r->memory_size, .hva = r->userspace_addr,
	};
	return 0;
}

static int fake_vm_ioctl(struct fake_fd *vm, unsigned long req, uintptr_t arg)
{
	const struct lk_kvm_create_guest_memfd *g;
	const struct kvm_ioeventfd *ev;
	int fd;

	switch (req) {
	case KVM_CHECK_EXTENSION:
		if (arg == KVM_CAP_IRQ_ROUTING)
			return FAKE_MAX_GSI;
		if (arg == KVM_CAP_READONLY_MEM)
			return !fake_private_vm(vm);
		return 0;
	case KVM_CREATE_VCPU:
		fd = fake_new(FAKE_VCPU, "fake-kvm-vcpu", FAKE_RUN_SIZE);
		if (fd >= 0) {
			fake_fds[fd].vcpu_id = (unsigned int)arg;
			fake_fds[fd].vcpu_private = fake_private_vm(vm);
		}
		return fd;
	case LK_KVM_CREATE_GUEST_MEMFD:
		g = (const void *)arg;
		if (!fake_private_vm(vm) || g->flags || !g->size || g->size % FAKE_PAGE)
			return fake_fail(EINVAL);
		fd = memfd_create("fake-guest-memfd", MFD_CLOEXEC);
		if (fd >= 0 && ftruncate(fd, (off_t)g->size)) {
			close(fd);
			return fake_fail(ENOMEM);
		}
		return fd;
	case LK_KVM_SET_MEMORY_ATTRIBUTES:
		return fake_mem_attributes(vm, (const void *)arg);
	case LK_KVM_SET_USER_MEMORY_REGION2:
	case KVM_SET_USER_MEMORY_REGION:	/* its fields are region2's first ones */
		return fake_memory_region(vm, req, (const void *)arg);
	case KVM_IOEVENTFD:
		ev = (const void *)arg;
		if (ev->len != 0 && ev->len != 1 && ev->len != 2 && ev->len != 4 && ev->len != 8)
			return fake_fail(EINVAL);
		return 0;
	case KVM_SIGNAL_MSI:
		return 1;	/* delivered */
	case KVM_SET_GSI_ROUTING:
		if (((const struct kvm_irq_routing *)arg)->nr > FAKE_MAX_GSI)
			return fake_fail(EINVAL);
		return 0;
	case KVM_IRQ_LINE:
	case KVM_IRQFD:
	case KVM_CREATE_IRQCHIP:
	case KVM_CREATE_PIT2:
	case KVM_SET_TSS_ADDR:
	case KVM_SET_IDENTITY_MAP_ADDR:
	case KVM_ENABLE_CAP:
		return 0;
	}
	return fake_fail(ENOTTY);
}

/* Register reads give zeros (an encrypted guest's: EINVAL); single-stepping is accepted. */
static int fake_vcpu_ioctl(struct fake_fd *v, int fd, unsigned long req, uintptr_t arg)
{
	switch (req) {
	case KVM_GET_REGS:
	case KVM_GET_SREGS:
		if (v->vcpu_private)
			return fake_fail(EINVAL);
		memset((void *)arg, 0, req == KVM_GET_REGS ? sizeof(struct kvm_regs) :
			sizeof(struct kvm_sregs));
		return 0;
	case KVM_SET_GUEST_DEBUG:
		return v->vcpu_private ? fake_fail(EINVAL) : 0;
	case KVM_RUN:
		break;
	default:
		return fake_fail(EINVAL);
	}
	if (!v->run) {
		void *p = mmap(NULL, FAKE_RUN_SIZE, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);

		if (p == MAP_FAILED)
			return -1;
		v->run = p;
	}
	if (!fake_kvm_run)
		return fake_fail(EIO);
	return fake_kvm_run(v->run, v->vcpu_id);
}

int __wrap_ioctl(int fd, unsigned long req, ...)
{
	struct fake_fd *f;
	uintptr_t arg;
	va_list ap;

	va_start(ap, req);
	arg = va_arg(ap, uintptr_t);
	va_end(ap);
	f = fake_lookup(fd);
	if (!f)
		return __real_ioctl(fd, req, arg);
	switch (f->kind) {
	case FAKE_HOST:
		return fake_host_ioctl(req, arg);
	case FAKE_VM:
		return fake_vm_ioctl(f, req, arg);
	case FAKE_VCPU:
		return fake_vcpu_ioctl(f, fd, req, arg);
	case FAKE_NONE:
		break;
	}
	return __real_ioctl(fd, req, arg);
}
