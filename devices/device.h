/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * What a device is given and what it gives back. The machine realizes its
 * devices in one explicit order (the launch measurement depends on a
 * reproducible machine), resets them to their power-on state, and destroys
 * them in reverse once the vCPUs and the I/O loop have stopped.
 *
 * A device receives its services here: the buses it registers ranges on,
 * the PCI bus, interrupts (kvm/irq.h), the I/O loop for its back-end, the
 * stop request, and guest memory through an accessor that checks ranges
 * and, in an SNP guest, refuses private pages: a device touches only what
 * the guest has shared.
 */
#ifndef LKVM_DEVICES_DEVICE_H
#define LKVM_DEVICES_DEVICE_H

#include <stdbool.h>
#include <stdint.h>

#include "devices/bus.h"
#include "devices/pci.h"
#include "kvm/irq.h"
#include "kvm/vm.h"
#include "util/err.h"
#include "util/ioloop.h"
#include "util/stop.h"

struct guest_mem {
	/* Host memory behind [gpa, gpa + len) if all of it is RAM, else NULL. */
	void *(*hva)(void *ctx, uint64_t gpa, uint64_t len);
	/* Whether the guest shared all of it; NULL where every page is (not SNP). */
	bool (*shared)(void *ctx, uint64_t gpa, uint64_t len);
	void *ctx;
};

/*
 * Host memory for a device access to [gpa, gpa + len), or NULL with @err
 * saying why ("0x1000+0x10 is not in RAM", "... is private to the guest").
 * Any thread.
 */
void *guest_mem_map(const struct guest_mem *gm, uint64_t gpa, uint64_t len,
		    struct lk_err *err);

struct dev_services {
	struct bus *pio, *mmio;
	struct pci_bus *pci;
	struct vm *vm;
	struct irq_routes *irq;
	struct ioloop *loop;
	struct stop *stop;
	struct guest_mem mem;
};

struct device_type {
	const char *name;
	/* Makes the device from @opts (what its option parsed to); NULL with @err on failure. */
	void *(*realize)(const struct dev_services *svc, const void *opts, struct lk_err *err);
	/* The power-on state, after realize; NULL when realize leaves it so. */
	void (*reset)(void *dev);
	/* Frees what realize made; the vCPUs and the I/O loop are stopped. */
	void (*destroy)(void *dev);
};

/* A device the user asked for, in command-line order: what `run` builds. */
struct device_cfg {
	const struct device_type *type;
	const void *opts;
};

#endif
