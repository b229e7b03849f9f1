// SPDX-License-Identifier: GPL-2.0-only
/* guest_memfd creation, memory attributes and discards (SEV-KVM-API.md §3.1, §3.2). */
#include <errno.h>
#include <fcntl.h>
#include <sys/ioctl.h>

#include "kvm/gmem.h"
#include "kvm/trace.h"
#include "kvm/uapi.h"

int gmem_create(int vm_fd, uint64_t size, const char *what, struct lk_err *err)
{
	struct lk_kvm_create_guest_memfd g = { .size = size };
	int fd = kvm_ioctl(vm_fd, LK_KVM_CREATE_GUEST_MEMFD, &g);

	if (fd < 0)
		return err_sys(err, "KVM_CREATE_GUEST_MEMFD (%s, %llu KiB)", what,
			       (unsigned long long)(size >> 10));
	return fd;
}

int gmem_set_private(int vm_fd, uint64_t gpa, uint64_t size, bool private_mem,
		     struct lk_err *err)
{
	struct lk_kvm_memory_attributes a = {
		.address = gpa, .size = size,
		.attributes = private_mem ? LK_KVM_MEMORY_ATTRIBUTE_PRIVATE : 0,
	};
	int r;

	do {
		r = kvm_ioctl(vm_fd, LK_KVM_SET_MEMORY_ATTRIBUTES, &a);
	} while (r < 0 && (errno == EINTR || errno == EAGAIN));
	if (r)
		return err_sys(err, "KVM_SET_MEMORY_ATTRIBUTES (GPA 0x%llx, %llu KiB, %s)",
			       (unsigned long long)gpa, (unsigned long long)(size >> 10),
			       private_mem ? "private" : "shared");
	return 0;
}

void gmem_discard(int gmem_fd, uint64_t offset, uint64_t size)
{
	/* Best effort, as in QEMU: a failed discard only costs memory. */
	(void)fallocate(gmem_fd, FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE, (off_t)offset,
			(off_t)size);
}
