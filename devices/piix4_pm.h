/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * PIIX4 power management, PCI function 00:01.3 (8086:7113). Its PMBA
 * register (0x40) holds the I/O base of the ACPI PM block and PMREGMISC
 * (0x80) bit 0 turns decoding on; writes move the block (devices/acpi_pm.c).
 * OVMF programs 0xb001 and 1; the function starts with those values.
 */
#ifndef LKVM_DEVICES_PIIX4_PM_H
#define LKVM_DEVICES_PIIX4_PM_H

#include "devices/acpi_pm.h"
#include "devices/pci.h"

#define PIIX4_PM_PMBA		0x40
#define PIIX4_PM_PMREGMISC	0x80

int piix4_pm_init(struct pci_func *fn, struct acpi_pm *pm, uint8_t sci_irq,
		  struct pci_bus *pci, struct lk_err *err);

#endif
