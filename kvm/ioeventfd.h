/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Doorbells: KVM_IOEVENTFD turns a guest write to a port or an MMIO
 * address into an eventfd signal, with no exit to user space. With
 * @datamatch only writes of that value do; others exit as usual.
 */
#ifndef LKVM_KVM_IOEVENTFD_H
#define LKVM_KVM_IOEVENTFD_H

#include <stdbool.h>
#include <stdint.h>

#include "kvm/vm.h"
#include "util/err.h"

struct ioeventfd {
	uint64_t addr;
	uint32_t len;		/* 1, 2, 4 or 8 bytes */
	bool pio;		/* a port; an MMIO address otherwise */
	bool match;		/* only writes of @datamatch */
	uint64_t datamatch;
	int fd;			/* the eventfd */
};

int ioeventfd_assign(struct vm *vm, const struct ioeventfd *ev, struct lk_err *err);
int ioeventfd_deassign(struct vm *vm, const struct ioeventfd *ev, struct lk_err *err);

#endif
