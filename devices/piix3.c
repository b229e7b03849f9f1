// SPDX-License-Identifier: GPL-2.0-only
/* PIIX3 ISA bridge configuration space. */
#include "devices/piix3.h"

int piix3_init(struct pci_func *fn, struct pci_bus *pci, struct lk_err *err)
{
	pci_func_init(fn, "piix3-isa", PCI_DEVFN(1, 0), 0x8086, 0x7000, 0x060100, 0x00);
	fn->cfg[PCI_HEADER_TYPE] = PCI_HEADER_MULTI_FUNCTION;
	/* PIRQ routing (0x60-0x63): OVMF writes them; no PCI interrupts use them yet. */
	fn->wmask[0x60] = fn->wmask[0x61] = fn->wmask[0x62] = fn->wmask[0x63] = 0x8f;
	fn->cfg[0x60] = fn->cfg[0x61] = fn->cfg[0x62] = fn->cfg[0x63] = 0x80;
	return pci_bus_add(pci, fn, err);
}
