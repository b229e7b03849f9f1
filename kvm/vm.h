/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * A KVM VM: its fd, the per-VM capabilities, the in-kernel devices, its
 * memory slots and its read-only regions. VM-fd ioctls live here (memory
 * slots in kvm/memslot.c).
 */
#ifndef LKVM_KVM_VM_H
#define LKVM_KVM_VM_H

#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>

#include "kvm/host.h"
#include "kvm/memslot.h"
#include "util/err.h"

#define VM_MAX_RO_REGIONS 4

struct ro_region;
struct kvm_cpuid2;

struct vm {
	pthread_mutex_t lock;		/* slots and read-only regions that change at run time */
	const struct kvm_host *host;
	int fd;
	unsigned long type;
	bool readonly_mem;		/* KVM_CAP_READONLY_MEM asked on this VM's fd */
	struct memslots slots;
	struct ro_region *ro[VM_MAX_RO_REGIONS];
	int nr_ro;
	struct kvm_cpuid2 *cpuid;	/* KVM_GET_SUPPORTED_CPUID, fetched once */
};

int vm_create(struct vm *vm, const struct kvm_host *host, unsigned long type,
	      struct lk_err *err);
void vm_destroy(struct vm *vm);

/* KVM_CHECK_EXTENSION on the VM fd: the answer for this VM's type. */
int vm_check(const struct vm *vm, long cap);

/*
 * The in-kernel devices the machine needs: local APICs (INIT/SIPI for APs),
 * the IOAPIC and PIC for device interrupts. No PIT: it costs ~15-20 ms of
 * start-up on the build hosts and stock OVMF uses the ACPI PM timer.
 */
int vm_create_irqchip(struct vm *vm, struct lk_err *err);

/*
 * The in-kernel i8254 PIT: Linux calibrates against it; OVMF does not use
 * it. Created only when asked: it costs ~15-20 ms of start-up on the build
 * hosts.
 */
int vm_create_pit(struct vm *vm, struct lk_err *err);

/* KVM_ENABLE_CAP on the VM fd with one argument. */
int vm_enable_cap(struct vm *vm, uint32_t cap, uint64_t arg, struct lk_err *err);

/*
 * The local APIC timer's bus clock period (KVM's default: 1 ns, 1 GHz):
 * after the irqchip, before any vCPU. 125 where KVM lacks the capability.
 */
int vm_set_apic_bus_ns(struct vm *vm, uint64_t ns, struct lk_err *err);
/* The read-only region covering @gpa, if any. */
struct ro_region *vm_find_ro(struct vm *vm, uint64_t gpa);

#endif
