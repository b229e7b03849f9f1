/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The PIIX3 PCI-to-ISA bridge at 00:01.0 (8086:7000, class 0x0601). OVMF
 * reaches the serial port only through an ISA bridge (SioBusDxe), so the
 * console depends on this function existing. It is multi-function: the
 * PIIX4 power-management function is 00:01.3.
 */
#ifndef LKVM_DEVICES_PIIX3_H
#define LKVM_DEVICES_PIIX3_H

#include "devices/pci.h"

int piix3_init(struct pci_func *fn, struct pci_bus *pci, struct lk_err *err);

#endif
