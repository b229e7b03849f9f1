// SPDX-License-Identifier: GPL-2.0-only
/*
 * PCI configuration mechanism #1. Only bus 0 exists; absent functions and
 * other buses read all-ones. The address register at 0xcf8 is a dword
 * register: byte accesses to 0xcf9 belong to the reset control register
 * (devices/reset.c), so this device claims 0xcf8 as a 1-byte range that
 * dword accesses start at, and 0xcfc-0xcff.
 */
#include <string.h>

#include "devices/pci.h"

uint32_t pci_cfg_get(const struct pci_func *fn, unsigned int reg, unsigned int len)
{
	uint32_t v = 0;

	while (len--)
		v = (v << 8) | fn->cfg[(reg + len) & 0xff];
	return v;
}

void pci_cfg_set(struct pci_func *fn, unsigned int reg, unsigned int len, uint32_t v)
{
	unsigned int i;

	for (i = 0; i < len; i++, v >>= 8)
		fn->cfg[(reg + i) & 0xff] = (uint8_t)v;
}

void pci_func_init(struct pci_func *fn, const char *name, uint8_t devfn, uint16_t vendor,
		   uint16_t device, uint32_t class_code, uint8_t revision)
{
	memset(fn, 0, sizeof(*fn));
	fn->name = name;
	fn->devfn = devfn;
	pci_cfg_set(fn, PCI_VENDOR_ID, 2, vendor);
	pci_cfg_set(fn, PCI_DEVICE_ID, 2, device);
	pci_cfg_set(fn, PCI_REVISION_ID, 1, revision);
	pci_cfg_set(fn, PCI_CLASS_PROG, 3, class_code);
	/* Command: I/O, memory and bus-master enables are the guest's to set. */
	fn->wmask[PCI_COMMAND] = 0x07;
	fn->wmask[PCI_INTERRUPT_LINE] = 0xff;
}

int pci_bus_add(struct pci_bus *pci, struct pci_func *fn, struct lk_err *err)
{
	if (pci->func[fn->devfn])
		return err_set(err, LK_EXIT_HOST, "PCI 00:%02x.%x: %s and %s", fn->devfn >> 3,
			       fn->devfn & 7, pci->func[fn->devfn]->name, fn->name);
	pci->func[fn->devfn] = fn;
	return 0;
}

/* The function the address register selects, or NULL (bus != 0, nothing there, disabled). */
static struct pci_func *pci_selected(const struct pci_bus *pci, unsigned int *reg)
{
	uint32_t a = pci->address;

	if (!(a & PCI_CONFIG_ENABLE) || ((a >> 16) & 0xff))
		return NULL;
	*reg = a & 0xfc;
	return pci->func[(a >> 8) & 0xff];
}

static void pci_data_io(struct pci_bus *pci, unsigned int byte, uint8_t *data, uint32_t len,
			bool is_write)
{
	unsigned int reg, i;
	struct pci_func *fn = pci_selected(pci, &reg);

	if (byte + len > 4)
		len = 4 - byte;
	if (!fn) {
		if (!is_write)
			memset(data, 0xff, len);
		return;
	}
	reg += byte;
	if (!is_write) {
		memcpy(data, fn->cfg + reg, len);
		return;
	}
	for (i = 0; i < len; i++)
		fn->cfg[reg + i] = (uint8_t)((fn->cfg[reg + i] & ~fn->wmask[reg + i]) |
					     (data[i] & fn->wmask[reg + i]));
	if (fn->write_hook)
		fn->write_hook(fn, reg, len);
}

void pci_config_io(void *opaque, uint64_t offset, uint8_t *data, uint32_t len, bool is_write)
{
	struct pci_bus *pci = opaque;

	pthread_mutex_lock(&pci->lock);
	if (offset >= 4) {
		pci_data_io(pci, (unsigned int)(offset - 4), data, len, is_write);
	} else if (len == 4) {
		if (is_write)
			pci->address = bus_data_get(data, 4) & 0x80fffffcu;
		else
			bus_data_put(data, 4, pci->address);
	} else if (!is_write) {
		/* Narrow accesses to 0xcf8 are not configuration cycles. */
		memset(data, 0xff, len);
	}
	pthread_mutex_unlock(&pci->lock);
}

static void pci_address_io(void *opaque, uint64_t offset, uint8_t *data, uint32_t len,
			   bool is_write)
{
	pci_config_io(opaque, offset, data, len, is_write);
}

static void pci_data_port_io(void *opaque, uint64_t offset, uint8_t *data, uint32_t len,
			     bool is_write)
{
	pci_config_io(opaque, offset + 4, data, len, is_write);
}

int pci_bus_init(struct pci_bus *pci, struct bus *pio, struct lk_err *err)
{
	memset(pci, 0, sizeof(*pci));
	pthread_mutex_init(&pci->lock, NULL);
	if (bus_register(pio, PCI_CONFIG_ADDRESS, 1, pci_address_io, pci, "pci-address", err))
		return -1;
	return bus_register(pio, PCI_CONFIG_DATA, 4, pci_data_port_io, pci, "pci-data", err);
}

void pci_bus_destroy(struct pci_bus *pci)
{
	pthread_mutex_destroy(&pci->lock);
}
