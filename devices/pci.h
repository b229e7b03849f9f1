/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * PCI configuration mechanism #1 (ports 0xcf8 and 0xcfc-0xcff) on bus 0,
 * and the configuration space of the functions behind it. Functions are
 * plain 256-byte spaces with a mask of writable bits; a function that
 * reacts to a write (PIIX4 PM moving its I/O block) has a hook.
 */
#ifndef LKVM_DEVICES_PCI_H
#define LKVM_DEVICES_PCI_H

#include <pthread.h>
#include <stdint.h>

#include "devices/bus.h"

#define PCI_CONFIG_ADDRESS	0xcf8
#define PCI_CONFIG_DATA		0xcfc
#define PCI_CONFIG_ENABLE	0x80000000u
#define PCI_DEVFN(dev, fn)	(((dev) << 3) | (fn))
#define PCI_MAX_DEVFN		256

#define PCI_VENDOR_ID		0x00
#define PCI_DEVICE_ID		0x02
#define PCI_COMMAND		0x04
#define PCI_REVISION_ID		0x08
#define PCI_CLASS_PROG		0x09
#define PCI_HEADER_TYPE		0x0e
#define PCI_SUBSYSTEM_VENDOR_ID	0x2c
#define PCI_INTERRUPT_LINE	0x3c
#define PCI_INTERRUPT_PIN	0x3d
#define PCI_HEADER_MULTI_FUNCTION 0x80

struct pci_func;
typedef void (*pci_write_hook_fn)(struct pci_func *fn, unsigned int reg, unsigned int len);

struct pci_func {
	uint8_t devfn;
	const char *name;
	uint8_t cfg[256];
	uint8_t wmask[256];	/* bits the guest may change */
	pci_write_hook_fn write_hook;	/* after a write, with the bus lock held */
	void *ctx;
};

struct pci_bus {
	pthread_mutex_t lock;
	uint32_t address;	/* the 0xcf8 register */
	struct pci_func *func[PCI_MAX_DEVFN];
};

int pci_bus_init(struct pci_bus *pci, struct bus *pio, struct lk_err *err);
void pci_bus_destroy(struct pci_bus *pci);
int pci_bus_add(struct pci_bus *pci, struct pci_func *fn, struct lk_err *err);

/* Sets up a function's identity: IDs, class (class << 16 | subclass << 8 | prog-if). */
void pci_func_init(struct pci_func *fn, const char *name, uint8_t devfn, uint16_t vendor,
		   uint16_t device, uint32_t class_code, uint8_t revision);

/* Little-endian helpers on a function's config space. */
uint32_t pci_cfg_get(const struct pci_func *fn, unsigned int reg, unsigned int len);
void pci_cfg_set(struct pci_func *fn, unsigned int reg, unsigned int len, uint32_t v);

/* The port handlers, exported for tests. */
void pci_config_io(void *opaque, uint64_t offset, uint8_t *data, uint32_t len, bool is_write);

#endif
