// SPDX-License-Identifier: GPL-2.0-only
/* KVM_IOEVENTFD: port and MMIO doorbells. */
#include <errno.h>

#include "kvm/ioeventfd.h"
#include "kvm/trace.h"
#include "kvm/uapi.h"

static int ioeventfd_ioctl(struct vm *vm, const struct ioeventfd *ev, bool assign,
			   struct lk_err *err)
{
	struct kvm_ioeventfd k = {
		.datamatch = ev->datamatch, .addr = ev->addr, .len = ev->len, .fd = ev->fd,
		.flags = (ev->pio ? KVM_IOEVENTFD_FLAG_PIO : 0) |
			 (ev->match ? KVM_IOEVENTFD_FLAG_DATAMATCH : 0) |
			 (assign ? 0 : KVM_IOEVENTFD_FLAG_DEASSIGN),
	};

	if (kvm_ioctl(vm->fd, KVM_IOEVENTFD, &k))
		return err_sys(err, "KVM_IOEVENTFD (%s %s 0x%llx, %u bytes)",
			       assign ? "assign" : "deassign", ev->pio ? "port" : "MMIO",
			       (unsigned long long)ev->addr, ev->len);
	return 0;
}

int ioeventfd_assign(struct vm *vm, const struct ioeventfd *ev, struct lk_err *err)
{
	return ioeventfd_ioctl(vm, ev, true, err);
}

int ioeventfd_deassign(struct vm *vm, const struct ioeventfd *ev, struct lk_err *err)
{
	return ioeventfd_ioctl(vm, ev, false, err);
}
