// SPDX-License-Identifier: GPL-2.0-only
/*
 * PCI configuration mechanism #1, and a function's identity, capability
 * list and INTx line (BARs: devices/pci_bar.c). Only bus 0 exists; absent functions and
 * other buses read all-ones. The address register at 0xcf8 is a dword
 * register: byte accesses to 0xcf9 belong to the reset control register
 * (devices/reset.c), so this device claims 0xcf8 as a 1-byte range that
 * dword accesses start at, and 0xcfc-0xcff.
 */
#include <string.h>

#include "devices/pci.h"
#include "devices/pci_priv.h"

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

void pci_mask_set(struct pci_func *fn, unsigned int reg, unsigned int len, uint32_t mask)
{
	unsigned int i;

	for (i = 0; i < len; i++, mask >>= 8)
		fn->wmask[(reg + i) & 0xff] = (uint8_t)mask;
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
	fn->cap_end = PCI_CAP_FIRST;
}

int pci_func_add_cap(struct pci_func *fn, uint8_t id, unsigned int len, struct lk_err *err)
{
	unsigned int at = fn->cap_end;

	if (len < 2 || at + len > 0x100)
		return err_set(err, LK_EXIT_HOST, "%s: no room for a %u-byte capability 0x%02x",
			       fn->name, len, id);
	fn->cfg[at] = id;
	fn->cfg[at + 1] = 0;
	if (fn->cap_last)
		fn->cfg[fn->cap_last + 1] = (uint8_t)at;
	else
		fn->cfg[PCI_CAPABILITY_LIST] = (uint8_t)at;
	fn->cfg[PCI_STATUS] |= PCI_STATUS_CAP_LIST;
	fn->cap_last = (uint8_t)at;
	fn->cap_end = (uint8_t)((at + len + 3) & ~3u);
	return (int)at;
}

void pci_func_set_intx_pin(struct pci_func *fn, uint8_t pin)
{
	fn->cfg[PCI_INTERRUPT_PIN] = pin;
	/* The guest may now mask INTx (COMMAND bit 10). */
	fn->wmask[PCI_COMMAND + 1] |= PCI_COMMAND_INTX_DISABLE >> 8;
}

/* With the bus lock: what the pin shows, given the disable bit; tells the router. */
static void pci_intx_update(struct pci_func *fn)
{
	bool out = fn->intx_level &&
		   !(pci_cfg_get(fn, PCI_COMMAND, 2) & PCI_COMMAND_INTX_DISABLE);
	struct pci_bus *pci = fn->bus;

	if (fn->intx_level)
		fn->cfg[PCI_STATUS] |= PCI_STATUS_INTERRUPT;
	else
		fn->cfg[PCI_STATUS] &= (uint8_t)~PCI_STATUS_INTERRUPT;
	if (out == fn->intx_out || !fn->cfg[PCI_INTERRUPT_PIN])
		return;
	fn->intx_out = out;
	if (pci->intx_route)
		pci->intx_route(pci->intx_ctx, fn->devfn, fn->cfg[PCI_INTERRUPT_PIN] - 1u, out);
}

void pci_intx_locked(struct pci_func *fn, bool level)
{
	fn->intx_level = level;
	pci_intx_update(fn);
}

void pci_intx(struct pci_func *fn, bool level)
{
	pthread_mutex_lock(&fn->bus->lock);
	pci_intx_locked(fn, level);
	pthread_mutex_unlock(&fn->bus->lock);
}

int pci_bus_add(struct pci_bus *pci, struct pci_func *fn, struct lk_err *err)
{
	if (pci->func[fn->devfn])
		return err_set(err, LK_EXIT_HOST, "PCI 00:%02x.%x: %s and %s", fn->devfn >> 3,
			       fn->devfn & 7, pci->func[fn->devfn]->name, fn->name);
	if (pci_bars_attach(fn, pci, err))
		return -1;
	fn->bus = pci;
	pci->func[fn->devfn] = fn;
	return 0;
}

int pci_bus_free_slot(const struct pci_bus *pci, unsigned int first)
{
	unsigned int slot;

	for (slot = first; slot < 32; slot++)
		if (!pci->func[PCI_DEVFN(slot, 0)])
			return (int)slot;
	return -1;
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
		if (fn->read_hook)
			fn->read_hook(fn, reg, len);
		memcpy(data, fn->cfg + reg, len);
		return;
	}
	for (i = 0; i < len; i++)
		fn->cfg[reg + i] = (uint8_t)((fn->cfg[reg + i] & ~fn->wmask[reg + i]) |
					     (data[i] & fn->wmask[reg + i]));
	if (pci_cfg_hit(reg, len, PCI_COMMAND, 2) ||
	    pci_cfg_hit(reg, len, PCI_BASE_ADDRESS_0, 4 * PCI_NUM_BARS))
		pci_bars_update(fn);
	if (pci_cfg_hit(reg, len, PCI_COMMAND, 2))
		pci_intx_update(fn);
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

int pci_bus_init(struct pci_bus *pci, struct bus *pio, struct bus *mmio, struct lk_err *err)
{
	memset(pci, 0, sizeof(*pci));
	pci->pio = pio;
	pci->mmio = mmio;
	pthread_mutex_init(&pci->lock, NULL);
	if (bus_register(pio, PCI_CONFIG_ADDRESS, 1, pci_address_io, pci, "pci-address", err))
		return -1;
	return bus_register(pio, PCI_CONFIG_DATA, 4, pci_data_port_io, pci, "pci-data", err);
}

void pci_bus_destroy(struct pci_bus *pci)
{
	pthread_mutex_destroy(&pci->lock);
}
