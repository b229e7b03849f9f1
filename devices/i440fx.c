// SPDX-License-Identifier: GPL-2.0-only
/* i440FX PCI host bridge configuration space. */
#include "devices/i440fx.h"

int i440fx_init(struct pci_func *fn, struct pci_bus *pci, struct lk_err *err)
{
	pci_func_init(fn, "i440fx", PCI_DEVFN(0, 0), 0x8086, I440FX_DEVICE_ID, 0x060000, 0x02);
	/* PAM and SMRAM registers: stored, without effect (no shadow RAM, no SMM). */
	fn->wmask[0x59] = fn->wmask[0x5a] = fn->wmask[0x5b] = fn->wmask[0x5c] = 0xff;
	fn->wmask[0x5d] = fn->wmask[0x5e] = fn->wmask[0x5f] = fn->wmask[0x72] = 0xff;
	return pci_bus_add(pci, fn, err);
}
