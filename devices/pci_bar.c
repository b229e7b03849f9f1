// SPDX-License-Identifier: GPL-2.0-only
/*
 * Base address registers: declaration, sizing through the writable mask,
 * decoding gated by the COMMAND register, and the bus windows that follow
 * the guest when it moves a BAR (OVMF and Linux assign BARs themselves).
 */
#include <stdio.h>

#include "devices/pci.h"
#include "devices/pci_priv.h"

static bool pci_pow2(uint64_t v)
{
	return v && !(v & (v - 1));
}

static int pci_bar_check(const struct pci_func *fn, unsigned int bar, enum pci_bar_type type,
			 uint64_t size, struct lk_err *err)
{
	const char *why = NULL;

	if (bar >= PCI_NUM_BARS || (type == PCI_BAR_MEM64 && bar == PCI_NUM_BARS - 1))
		why = "no such BAR";
	else if (fn->bar[bar].type != PCI_BAR_NONE ||
		 (bar && fn->bar[bar - 1].type == PCI_BAR_MEM64) ||
		 (type == PCI_BAR_MEM64 && fn->bar[bar + 1].type != PCI_BAR_NONE))
		why = "already in use";
	else if (!pci_pow2(size) || (type == PCI_BAR_IO && (size < 4 || size > 256)) ||
		 (type != PCI_BAR_IO && size < 16) ||
		 (type == PCI_BAR_MEM32 && size > (1ULL << 31)))
		why = "not a valid size";
	else if (type == PCI_BAR_NONE)
		why = "no type";
	if (why)
		return err_set(err, LK_EXIT_HOST, "%s: BAR %u of 0x%llx bytes: %s", fn->name, bar,
			       (unsigned long long)size, why);
	return 0;
}

int pci_func_add_bar(struct pci_func *fn, unsigned int bar, enum pci_bar_type type,
		     bool prefetch, uint64_t size, bus_handler_fn handler, void *opaque,
		     struct lk_err *err)
{
	unsigned int reg = PCI_BASE_ADDRESS_0 + 4 * bar;
	uint32_t flags = type == PCI_BAR_IO ? PCI_BAR_SPACE_IO :
			 (type == PCI_BAR_MEM64 ? PCI_BAR_MEM_TYPE_64 : 0) |
			 (prefetch ? PCI_BAR_MEM_PREFETCH : 0);
	uint32_t low_flags = type == PCI_BAR_IO ? 0x3 : 0xf;

	if (pci_bar_check(fn, bar, type, size, err))
		return -1;
	fn->bar[bar] = (struct pci_bar){
		.type = type, .prefetch = prefetch, .size = size, .fn = handler, .opaque = opaque,
	};
	/* Sizing: all-ones written reads back as ~(size - 1) and the flags. */
	pci_cfg_set(fn, reg, 4, flags);
	pci_mask_set(fn, reg, 4, (uint32_t)~(size - 1) & ~low_flags);
	if (type == PCI_BAR_MEM64)
		pci_mask_set(fn, reg + 4, 4, (uint32_t)(~(size - 1) >> 32));
	return 0;
}

/* Where BAR @i decodes now, or false: decoding off, unassigned, or out of reach. */
static bool pci_bar_decode(const struct pci_func *fn, unsigned int i, uint64_t *addr)
{
	const struct pci_bar *b = &fn->bar[i];
	uint16_t cmd = (uint16_t)pci_cfg_get(fn, PCI_COMMAND, 2);
	uint64_t a = pci_cfg_get(fn, PCI_BASE_ADDRESS_0 + 4 * i, 4), end;

	switch (b->type) {
	case PCI_BAR_IO:
		a &= ~0x3ULL;
		end = a + b->size - 1;
		*addr = a;
		return (cmd & PCI_COMMAND_IO) && a && end <= 0xffff;
	case PCI_BAR_MEM32:
		a &= ~0xfULL;
		end = a + b->size - 1;
		*addr = a;
		/* The sized value (all-ones) ends at 4 GiB - 1: not a place. */
		return (cmd & PCI_COMMAND_MEMORY) && a && end < 0xffffffffULL;
	case PCI_BAR_MEM64:
		a = (a & ~0xfULL) | (uint64_t)pci_cfg_get(fn, PCI_BASE_ADDRESS_0 + 4 * i + 4, 4)
			<< 32;
		*addr = a;
		return (cmd & PCI_COMMAND_MEMORY) && a && a < PCI_MEM64_LIMIT &&
		       a + b->size <= PCI_MEM64_LIMIT;
	default:
		return false;
	}
}

void pci_bars_update(struct pci_func *fn)
{
	unsigned int i;

	for (i = 0; i < PCI_NUM_BARS; i++) {
		struct pci_bar *b = &fn->bar[i];
		uint64_t addr = 0;
		bool on;

		if (b->type == PCI_BAR_NONE || !b->win)
			continue;
		on = pci_bar_decode(fn, i, &addr);
		if (on == b->on && (!on || addr == b->addr))
			continue;
		b->addr = addr;
		b->on = on;
		bus_window_move(b->win, addr, on);
		if (fn->bar_moved)
			fn->bar_moved(fn, i);
	}
}

int pci_bars_attach(struct pci_func *fn, struct pci_bus *pci, struct lk_err *err)
{
	unsigned int i;

	for (i = 0; i < PCI_NUM_BARS; i++) {
		struct pci_bar *b = &fn->bar[i];

		if (b->type == PCI_BAR_NONE)
			continue;
		snprintf(b->name, sizeof(b->name), "%s-%02x.%x-bar%u", fn->name, PCI_SLOT(fn->devfn),
			 fn->devfn & 7, i);
		b->win = bus_add_window(b->type == PCI_BAR_IO ? pci->pio : pci->mmio, 0, false,
					b->size, b->fn, b->opaque, b->name, err);
		if (!b->win)
			return -1;
	}
	return 0;
}
