/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * MSI-X for a PCI function: the capability, the vector table and the
 * pending-bit array in one of its memory BARs, and delivery through KVM:
 * each vector the guest unmasks gets a GSI route (KVM_SET_GSI_ROUTING) and
 * an irqfd, so raising it is one eventfd write from any thread. A masked
 * vector (or function) collects a pending bit instead, delivered on unmask.
 */
#ifndef LKVM_DEVICES_MSIX_H
#define LKVM_DEVICES_MSIX_H

#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>

#include "devices/pci.h"
#include "kvm/irq.h"

#define MSIX_ENTRY_SIZE		16
#define MSIX_MAX_VECTORS	2048
/* Message control, in the capability's third and fourth bytes. */
#define MSIX_CTRL_ENABLE	0x8000
#define MSIX_CTRL_MASKALL	0x4000
#define MSIX_VECTOR_MASKED	0x1

struct msix_vector {
	uint64_t addr;
	uint32_t data;
	uint32_t ctrl;
	uint32_t gsi;
	int efd;		/* the irqfd, -1 until the vector is first used */
	bool stale;		/* address or data changed since the route was set */
};

struct msix {
	pthread_mutex_t lock;	/* table, PBA and routes: vCPU and I/O threads */
	struct pci_func *fn;
	struct irq_routes *routes;
	unsigned int nr;
	unsigned int cap;	/* the capability's offset in config space */
	unsigned int bar;
	uint32_t table_off, pba_off;	/* in the BAR */
	struct msix_vector *v;
	uint64_t *pba;
	bool enabled, masked;	/* message control, as last written */
	bool broken;		/* a KVM call failed: said once, nothing delivered */
};

/*
 * Adds the capability to @fn (before it joins the bus) for @nr vectors,
 * the table at @table_off and the PBA at @pba_off of memory BAR @bar.
 */
int msix_init(struct msix *x, struct pci_func *fn, struct irq_routes *routes,
	      unsigned int nr, unsigned int bar, uint32_t table_off, uint32_t pba_off,
	      struct lk_err *err);
void msix_destroy(struct msix *x);
/* Power-on state: disabled, every vector masked, nothing pending. */
void msix_reset(struct msix *x);

/* From the function's write hook, with the bus lock held; enabling drops INTx. */
void msix_config_write(struct msix *x, unsigned int reg, unsigned int len);
/* From the BAR's handler: true when @offset is the table's or the PBA's. */
bool msix_bar_io(struct msix *x, uint64_t offset, uint8_t *data, uint32_t len,
		 bool is_write);

enum msix_result {
	MSIX_DELIVERED,
	MSIX_PENDING,		/* masked: delivered on unmask */
	MSIX_OFF,		/* MSI-X disabled: the device uses INTx */
};

/* Raises @vector; any thread. */
enum msix_result msix_notify(struct msix *x, unsigned int vector);
bool msix_enabled(struct msix *x);

#endif
