// SPDX-License-Identifier: GPL-2.0-only
/* VM creation, per-VM capabilities and the in-kernel interrupt controller. */
#include <errno.h>
#include <stdlib.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "kvm/ro_region.h"
#include "kvm/trace.h"
#include "kvm/uapi.h"
#include "kvm/vm.h"

/* QEMU's addresses: one page each, just below the IOAPIC/firmware area. */
#define VM_IDENTITY_MAP_ADDR	0xfeffc000ULL
#define VM_TSS_ADDR		0xfeffd000UL

int vm_check(const struct vm *vm, long cap)
{
	int r = kvm_ioctl(vm->fd, KVM_CHECK_EXTENSION, cap);

	return r < 0 ? 0 : r;
}

int vm_create(struct vm *vm, const struct kvm_host *host, unsigned long type,
	      struct lk_err *err)
{
	*vm = (struct vm){ .host = host, .fd = -1, .type = type };
	pthread_mutex_init(&vm->lock, NULL);
	if (type >= 32 || !(host->vm_types & (1u << type)))
		return err_set(err, LK_EXIT_HOST,
			       "this host's KVM offers VM types 0x%x: no VM type %lu",
			       host->vm_types, type);
	do {
		vm->fd = kvm_ioctl(host->fd, KVM_CREATE_VM, type);
	} while (vm->fd < 0 && errno == EINTR);
	if (vm->fd < 0)
		return err_sys(err, "KVM_CREATE_VM (type %lu)", type);
	vm->readonly_mem = vm_check(vm, KVM_CAP_READONLY_MEM) > 0;
	memslots_init(&vm->slots, vm->fd, host->user_memory2);
	return 0;
}

int vm_create_irqchip(struct vm *vm, struct lk_err *err)
{
	uint64_t identity = VM_IDENTITY_MAP_ADDR;

	if (!vm->host->irqchip)
		return err_set(err, LK_EXIT_HOST,
			       "this host's KVM has no in-kernel irqchip (KVM_CAP_IRQCHIP)");
	/*
	 * Intel hosts need both pages for real-mode guests, and their default
	 * places lie inside a large firmware image; AMD ignores them.
	 */
	if (vm->host->set_tss_addr) {
		if (kvm_ioctl(vm->fd, KVM_SET_IDENTITY_MAP_ADDR, &identity))
			return err_sys(err, "KVM_SET_IDENTITY_MAP_ADDR");
		if (kvm_ioctl(vm->fd, KVM_SET_TSS_ADDR, VM_TSS_ADDR))
			return err_sys(err, "KVM_SET_TSS_ADDR");
	}
	if (kvm_ioctl(vm->fd, KVM_CREATE_IRQCHIP, 0))
		return err_sys(err, "KVM_CREATE_IRQCHIP");
	return 0;
}

int vm_create_pit(struct vm *vm, struct lk_err *err)
{
	/*
	 * Port 0x61 goes to KVM too (as with QEMU): Linux gates PIT channel 2
	 * through it to calibrate the TSC.
	 */
	struct kvm_pit_config pit = { .flags = KVM_PIT_SPEAKER_DUMMY };

	if (kvm_ioctl(vm->fd, KVM_CREATE_PIT2, &pit))
		return err_sys(err, "KVM_CREATE_PIT2");
	return 0;
}

int vm_enable_cap(struct vm *vm, uint32_t cap, uint64_t arg, struct lk_err *err)
{
	struct kvm_enable_cap c = { .cap = cap, .args = { arg } };

	if (kvm_ioctl(vm->fd, KVM_ENABLE_CAP, &c))
		return err_sys(err, "KVM_ENABLE_CAP %u (0x%llx)", cap, (unsigned long long)arg);
	return 0;
}

int vm_set_apic_bus_ns(struct vm *vm, uint64_t ns, struct lk_err *err)
{
	if (vm_check(vm, KVM_CAP_X86_APIC_BUS_CYCLES_NS) <= 0)
		return err_set(err, LK_EXIT_HOST, "--apic-bus-ns %llu: this host's KVM does not "
			       "offer KVM_CAP_X86_APIC_BUS_CYCLES_NS (Linux 6.11 and later do)",
			       (unsigned long long)ns);
	return vm_enable_cap(vm, KVM_CAP_X86_APIC_BUS_CYCLES_NS, ns, err);
}

struct ro_region *vm_find_ro(struct vm *vm, uint64_t gpa)
{
	struct ro_region *r = NULL;
	int i;

	pthread_mutex_lock(&vm->lock);
	for (i = 0; i < vm->nr_ro && !r; i++)
		if (ro_region_contains(vm->ro[i], gpa))
			r = vm->ro[i];
	pthread_mutex_unlock(&vm->lock);
	return r;
}

void vm_destroy(struct vm *vm)
{
	if (vm->fd >= 0)
		pthread_mutex_destroy(&vm->lock);
	free(vm->cpuid);
	vm->cpuid = NULL;
	if (vm->fd >= 0)
		close(vm->fd);
	vm->fd = -1;
}
