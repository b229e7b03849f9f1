/* SPDX-License-Identifier: GPL-2.0-only */
/* What the files of the PCI model share: devices/pci.c and pci_bar.c. */
#ifndef LKVM_DEVICES_PCI_PRIV_H
#define LKVM_DEVICES_PCI_PRIV_H

#include "devices/pci.h"

/* Sets the writable mask of [reg, reg + len) from @mask, little-endian. */
void pci_mask_set(struct pci_func *fn, unsigned int reg, unsigned int len, uint32_t mask);

/* After a write to COMMAND or a BAR: move the windows, call bar_moved. */
void pci_bars_update(struct pci_func *fn);
/* Makes the windows of @fn's BARs on @pci's buses, not decoding. */
int pci_bars_attach(struct pci_func *fn, struct pci_bus *pci, struct lk_err *err);

#endif
