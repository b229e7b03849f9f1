// SPDX-License-Identifier: GPL-2.0-only
/* GSI routing, irqfds, MSIs and ISA lines: the VM's interrupt ioctls. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "kvm/irq.h"
#include "kvm/trace.h"
#include "kvm/uapi.h"

#define IRQ_PIC_PINS		16
/* KVM's default table: GSIs 0-15 on a PIC and the IOAPIC, 16-23 on the IOAPIC. */
#define IRQ_DEFAULT_ROUTES	(IRQ_PIC_PINS + IRQ_IOAPIC_PINS)

static struct kvm_irq_routing_entry *irq_entry_add(struct irq_routes *r, uint32_t gsi,
						   uint32_t type, struct lk_err *err)
{
	struct kvm_irq_routing_entry *e;

	if (r->table->nr == r->cap) {
		unsigned int cap = r->cap * 2;
		struct kvm_irq_routing *t = realloc(r->table, sizeof(*t) + cap * sizeof(*e));

		if (!t) {
			err_sys(err, "growing the GSI routing table to %u entries", cap);
			return NULL;
		}
		r->table = t;
		r->cap = cap;
	}
	e = &r->table->entries[r->table->nr++];
	memset(e, 0, sizeof(*e));
	e->gsi = gsi;
	e->type = type;
	return e;
}

static void irq_chip_route(struct irq_routes *r, uint32_t gsi, uint32_t chip, uint32_t pin)
{
	/* Cannot fail: the initial allocation holds every default route. */
	struct kvm_irq_routing_entry *e = irq_entry_add(r, gsi, KVM_IRQ_ROUTING_IRQCHIP, NULL);

	e->u.irqchip.irqchip = chip;
	e->u.irqchip.pin = pin;
}

int irq_routes_init(struct irq_routes *r, struct vm *vm, struct lk_err *err)
{
	int max = vm_check(vm, KVM_CAP_IRQ_ROUTING);
	uint32_t i;

	memset(r, 0, sizeof(*r));
	r->vm = vm;
	r->cap = IRQ_DEFAULT_ROUTES + 16;
	r->table = calloc(1, sizeof(*r->table) + r->cap * sizeof(r->table->entries[0]));
	if (!r->table)
		return err_sys(err, "allocating the GSI routing table");
	pthread_mutex_init(&r->lock, NULL);
	r->max_gsi = max > 0 ? (uint32_t)max : 0;
	r->next_gsi = IRQ_FIRST_MSI_GSI;
	for (i = 0; i < IRQ_PIC_PINS; i++)
		irq_chip_route(r, i, i < 8 ? KVM_IRQCHIP_PIC_MASTER : KVM_IRQCHIP_PIC_SLAVE, i % 8);
	for (i = 0; i < IRQ_IOAPIC_PINS; i++)
		irq_chip_route(r, i, KVM_IRQCHIP_IOAPIC, i);
	return 0;
}

void irq_routes_destroy(struct irq_routes *r)
{
	if (!r->table)
		return;
	pthread_mutex_destroy(&r->lock);
	free(r->table);
	r->table = NULL;
}

static void irq_msi_set(struct kvm_irq_routing_entry *e, uint64_t addr, uint32_t data)
{
	e->u.msi.address_lo = (uint32_t)addr;
	e->u.msi.address_hi = (uint32_t)(addr >> 32);
	e->u.msi.data = data;
}

int irq_route_msi(struct irq_routes *r, uint64_t addr, uint32_t data, uint32_t *gsi,
		  struct lk_err *err)
{
	struct kvm_irq_routing_entry *e;
	int ret = 0;

	pthread_mutex_lock(&r->lock);
	if (r->next_gsi >= r->max_gsi) {
		ret = err_set(err, LK_EXIT_HOST, "no GSI left for an MSI: this KVM routes %u",
			      r->max_gsi);
	} else if (!(e = irq_entry_add(r, r->next_gsi, KVM_IRQ_ROUTING_MSI, err))) {
		ret = -1;
	} else {
		irq_msi_set(e, addr, data);
		*gsi = r->next_gsi++;
	}
	pthread_mutex_unlock(&r->lock);
	return ret;
}

int irq_route_msi_update(struct irq_routes *r, uint32_t gsi, uint64_t addr, uint32_t data,
			 struct lk_err *err)
{
	unsigned int i;
	int ret = -1;

	pthread_mutex_lock(&r->lock);
	for (i = 0; i < r->table->nr; i++) {
		struct kvm_irq_routing_entry *e = &r->table->entries[i];

		if (e->gsi == gsi && e->type == KVM_IRQ_ROUTING_MSI) {
			irq_msi_set(e, addr, data);
			ret = 0;
			break;
		}
	}
	pthread_mutex_unlock(&r->lock);
	if (ret)
		err_set(err, LK_EXIT_HOST, "GSI %u has no MSI route", gsi);
	return ret;
}

int irq_routes_commit(struct irq_routes *r, struct lk_err *err)
{
	int ret = 0;

	pthread_mutex_lock(&r->lock);
	if (kvm_ioctl(r->vm->fd, KVM_SET_GSI_ROUTING, r->table))
		ret = err_sys(err, "KVM_SET_GSI_ROUTING (%u routes)", r->table->nr);
	else
		r->committed = true;
	pthread_mutex_unlock(&r->lock);
	return ret;
}

int irq_line(struct vm *vm, uint32_t gsi, int level, struct lk_err *err)
{
	struct kvm_irq_level l = { .irq = gsi, .level = (uint32_t)level };

	if (kvm_ioctl(vm->fd, KVM_IRQ_LINE, &l))
		return err_sys(err, "KVM_IRQ_LINE (GSI %u, level %d)", gsi, level);
	return 0;
}

int irq_irqfd(struct vm *vm, uint32_t gsi, int efd, bool assign, struct lk_err *err)
{
	struct kvm_irqfd f = {
		.fd = (uint32_t)efd, .gsi = gsi, .flags = assign ? 0 : KVM_IRQFD_FLAG_DEASSIGN,
	};

	if (kvm_ioctl(vm->fd, KVM_IRQFD, &f))
		return err_sys(err, "KVM_IRQFD (%s GSI %u, fd %d)",
			       assign ? "assign" : "deassign", gsi, efd);
	return 0;
}

int irq_signal_msi(struct vm *vm, uint64_t addr, uint32_t data, struct lk_err *err)
{
	struct kvm_msi msi = {
		.address_lo = (uint32_t)addr, .address_hi = (uint32_t)(addr >> 32), .data = data,
	};

	/* 0: the guest blocked it (a masked or disabled APIC), which is not our error. */
	if (kvm_ioctl(vm->fd, KVM_SIGNAL_MSI, &msi) < 0)
		return err_sys(err, "KVM_SIGNAL_MSI (address 0x%llx, data 0x%x)",
			       (unsigned long long)addr, data);
	return 0;
}
