/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * /dev/kvm, probed once. Everything the rest of the VMM wants to know about
 * the host's KVM is read here into struct kvm_host and nowhere else.
 * Capabilities that depend on the VM type (KVM_CAP_READONLY_MEM above all)
 * are not in here: they are asked on the VM fd (kvm/vm.c).
 */
#ifndef LKVM_KVM_HOST_H
#define LKVM_KVM_HOST_H

#include <stdbool.h>
#include <stdint.h>

#include "util/err.h"

#define KVM_DEVICE_PATH "/dev/kvm"

struct kvm_host {
	int fd;
	int api_version;
	int vcpu_mmap_size;
	int max_vcpus;
	uint32_t vm_types;		/* bit n: VM type n (bit 0 when the cap is absent) */
	bool user_memory2;		/* KVM_SET_USER_MEMORY_REGION2 */
	bool memory_fault_info;		/* KVM_EXIT_MEMORY_FAULT details on EFAULT */
	bool guest_memfd;
	bool irqchip;
	bool set_tss_addr;
};

/* Opens and probes /dev/kvm. A host that cannot run VMs gives status 125. */
int kvm_host_open(struct kvm_host *host, struct lk_err *err);
void kvm_host_close(struct kvm_host *host);

/* KVM_CHECK_EXTENSION on the /dev/kvm fd. */
int kvm_host_check(const struct kvm_host *host, long cap);
/* KVM_GET_DEVICE_ATTR on the /dev/kvm fd into @val: 0, or -1 with errno. */
int kvm_host_get_attr(const struct kvm_host *host, uint32_t group, uint64_t attr,
		      uint64_t *val);

#endif
