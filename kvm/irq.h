/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Interrupts into the guest through the in-kernel irqchip: ISA lines
 * (KVM_IRQ_LINE), the GSI routing table (KVM_SET_GSI_ROUTING) with its MSI
 * routes, irqfds (KVM_IRQFD) and one-off MSIs (KVM_SIGNAL_MSI).
 *
 * The table starts as KVM's own default (GSIs 0-15 on a PIC and on the
 * IOAPIC pin of the same number, 16-23 on the IOAPIC), so that the first
 * MSI route changes nothing for the ISA lines. QEMU's pc table differs in
 * one route: GSI 0 (the PIT) on IOAPIC pin 2, as the MADT's override says.
 * lkvm-sev tried it: Linux then finds its timer at once, but with two vCPUs
 * on a loaded nested host its timer check sometimes missed ticks and its
 * fallbacks failed ("IO-APIC + timer doesn't work!"), where with pin 0 it
 * prints "MP-BIOS bug: 8254 timer not connected to IO-APIC" and always
 * finds the timer through its fallback (tests/nested/README.md).
 */
#ifndef LKVM_KVM_IRQ_H
#define LKVM_KVM_IRQ_H

#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>

#include "kvm/vm.h"
#include "util/err.h"

#define IRQ_IOAPIC_PINS		24
#define IRQ_FIRST_MSI_GSI	IRQ_IOAPIC_PINS

struct kvm_irq_routing;

struct irq_routes {
	pthread_mutex_t lock;	/* MSI-X table writes come from any vCPU thread */
	struct vm *vm;
	struct kvm_irq_routing *table;
	unsigned int cap;	/* entries allocated in table */
	uint32_t next_gsi;	/* the next MSI GSI to hand out */
	uint32_t max_gsi;	/* KVM_CAP_IRQ_ROUTING: GSIs this KVM takes */
	bool committed;		/* the table is in KVM */
};

/* The default table, in memory only: KVM keeps its own until a commit. */
int irq_routes_init(struct irq_routes *r, struct vm *vm, struct lk_err *err);
void irq_routes_destroy(struct irq_routes *r);

/* A new GSI routed to the MSI (@addr, @data); not in KVM until irq_routes_commit(). */
int irq_route_msi(struct irq_routes *r, uint64_t addr, uint32_t data, uint32_t *gsi,
		  struct lk_err *err);
/* Changes @gsi's MSI message; not in KVM until irq_routes_commit(). */
int irq_route_msi_update(struct irq_routes *r, uint32_t gsi, uint64_t addr, uint32_t data,
			 struct lk_err *err);
/* Hands the whole table to KVM (KVM_SET_GSI_ROUTING). */
int irq_routes_commit(struct irq_routes *r, struct lk_err *err);

/* Drives an ISA/IOAPIC line; fails with the errno of KVM_IRQ_LINE. */
int irq_line(struct vm *vm, uint32_t gsi, int level, struct lk_err *err);
/* Binds (or with @assign false unbinds) an eventfd to @gsi: a write to it is an interrupt. */
int irq_irqfd(struct vm *vm, uint32_t gsi, int efd, bool assign, struct lk_err *err);
/* One MSI, now, without a route. */
int irq_signal_msi(struct vm *vm, uint64_t addr, uint32_t data, struct lk_err *err);

#endif
