/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * PCI configuration mechanism #1 (ports 0xcf8 and 0xcfc-0xcff) on bus 0,
 * and the functions behind it: a 256-byte configuration space with a mask
 * of writable bits, a BAR table whose windows move when the guest moves
 * the BARs, a capability list, and an INTx pin.
 *
 * Every configuration access, BAR move and INTx change happens under the
 * bus lock, so hooks see a consistent function. BAR handlers run without
 * it, from the bus windows (devices/bus.h): a device guards its own state.
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
#define PCI_SLOT(devfn)		((devfn) >> 3)
#define PCI_MAX_DEVFN		256

#define PCI_VENDOR_ID		0x00
#define PCI_DEVICE_ID		0x02
#define PCI_COMMAND		0x04
#define  PCI_COMMAND_IO		0x0001
#define  PCI_COMMAND_MEMORY	0x0002
#define  PCI_COMMAND_MASTER	0x0004
#define  PCI_COMMAND_INTX_DISABLE 0x0400
#define PCI_STATUS		0x06
#define  PCI_STATUS_INTERRUPT	0x08
#define  PCI_STATUS_CAP_LIST	0x10
#define PCI_REVISION_ID		0x08
#define PCI_CLASS_PROG		0x09
#define PCI_HEADER_TYPE		0x0e
#define PCI_BASE_ADDRESS_0	0x10
#define PCI_SUBSYSTEM_VENDOR_ID	0x2c
#define PCI_SUBSYSTEM_ID	0x2e
#define PCI_CAPABILITY_LIST	0x34
#define PCI_INTERRUPT_LINE	0x3c
#define PCI_INTERRUPT_PIN	0x3d
#define PCI_HEADER_MULTI_FUNCTION 0x80

#define PCI_NUM_BARS		6
#define PCI_CAP_FIRST		0x40	/* after the type 0 header */
#define PCI_CAP_ID_VNDR		0x09
#define PCI_CAP_ID_MSIX		0x11

/* BAR flag bits, in the register's low bits. */
#define PCI_BAR_SPACE_IO	0x01
#define PCI_BAR_MEM_TYPE_64	0x04
#define PCI_BAR_MEM_PREFETCH	0x08

/*
 * Where a 64-bit BAR may decode: below 2^52, the architectural limit of a
 * physical address. A guest sizing a BAR writes all-ones, which lands far
 * above; so does a half-written 64-bit address.
 */
#define PCI_MEM64_LIMIT		(1ULL << 52)

enum pci_bar_type {
	PCI_BAR_NONE,
	PCI_BAR_IO,
	PCI_BAR_MEM32,
	PCI_BAR_MEM64,		/* takes this BAR register and the next */
};

struct pci_bar {
	enum pci_bar_type type;
	bool prefetch;
	uint64_t size;		/* a power of two */
	bus_handler_fn fn;
	void *opaque;
	struct bus_window *win;	/* made when the function joins the bus */
	char name[40];		/* the window's: "pci-testdev-02.0-bar2" */
	uint64_t addr;		/* where it decodes, while @on */
	bool on;
};

struct pci_func;
struct pci_bus;

/* After the guest wrote [reg, reg + len): the bytes are in cfg already. */
typedef void (*pci_write_hook_fn)(struct pci_func *fn, unsigned int reg, unsigned int len);
/* Before the guest reads [reg, reg + len): a chance to refresh cfg. */
typedef void (*pci_read_hook_fn)(struct pci_func *fn, unsigned int reg, unsigned int len);
/* After BAR @bar moved or changed decoding; what hangs off the old address moves too. */
typedef void (*pci_bar_moved_fn)(struct pci_func *fn, unsigned int bar);

struct pci_func {
	uint8_t devfn;
	const char *name;
	uint8_t cfg[256];
	uint8_t wmask[256];	/* bits the guest may change */
	struct pci_bar bar[PCI_NUM_BARS];
	uint8_t cap_end;	/* the next free capability offset */
	uint8_t cap_last;	/* the last capability in the list, 0: none */
	bool intx_level;	/* the device's INTx line, before the disable bit */
	bool intx_out;		/* what the bus last saw */
	pci_write_hook_fn write_hook;
	pci_read_hook_fn read_hook;
	pci_bar_moved_fn bar_moved;
	void *ctx;
	struct pci_bus *bus;	/* set by pci_bus_add() */
};

/* The ISA bridge's routing of a function's INTx pin (0: INTA) to an interrupt. */
typedef void (*pci_intx_route_fn)(void *ctx, uint8_t devfn, unsigned int pin, bool level);

struct pci_bus {
	pthread_mutex_t lock;
	uint32_t address;	/* the 0xcf8 register */
	struct bus *pio, *mmio;	/* where BARs decode */
	pci_intx_route_fn intx_route;
	void *intx_ctx;
	struct pci_func *func[PCI_MAX_DEVFN];
};

int pci_bus_init(struct pci_bus *pci, struct bus *pio, struct bus *mmio, struct lk_err *err);
void pci_bus_destroy(struct pci_bus *pci);
/* Adds @fn at its devfn and makes the windows of its BARs (not decoding yet). */
int pci_bus_add(struct pci_bus *pci, struct pci_func *fn, struct lk_err *err);
/* The first free slot from @first (function 0 free), or -1. */
int pci_bus_free_slot(const struct pci_bus *pci, unsigned int first);

/* Sets up a function's identity: IDs, class (class << 16 | subclass << 8 | prog-if). */
void pci_func_init(struct pci_func *fn, const char *name, uint8_t devfn, uint16_t vendor,
		   uint16_t device, uint32_t class_code, uint8_t revision);

/*
 * Declares BAR @bar before the function joins the bus: @size a power of
 * two (I/O: 4 to 256 bytes; memory: 16 bytes or more), @fn its handler.
 */
int pci_func_add_bar(struct pci_func *fn, unsigned int bar, enum pci_bar_type type,
		     bool prefetch, uint64_t size, bus_handler_fn handler, void *opaque,
		     struct lk_err *err);
/* Appends a capability of @len bytes with @id; returns its offset, or -1. */
int pci_func_add_cap(struct pci_func *fn, uint8_t id, unsigned int len, struct lk_err *err);
/* Uses INTx pin @pin (1: INTA .. 4: INTD). */
void pci_func_set_intx_pin(struct pci_func *fn, uint8_t pin);

/* Raises or lowers the function's INTx line; any thread. */
void pci_intx(struct pci_func *fn, bool level);
/* The same from a hook, which runs with the bus lock held. */
void pci_intx_locked(struct pci_func *fn, bool level);

/* Little-endian helpers on a function's config space. */
uint32_t pci_cfg_get(const struct pci_func *fn, unsigned int reg, unsigned int len);
void pci_cfg_set(struct pci_func *fn, unsigned int reg, unsigned int len, uint32_t v);
/* Whether [reg, reg + len) touches [at, at + n). */
static inline bool pci_cfg_hit(unsigned int reg, unsigned int len, unsigned int at,
			       unsigned int n)
{
	return reg < at + n && at < reg + len;
}

/* The port handlers, exported for tests. */
void pci_config_io(void *opaque, uint64_t offset, uint8_t *data, uint32_t len, bool is_write);

#endif
