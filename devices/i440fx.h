/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The i440FX host bridge at 00:00.0 (8086:1237). OVMF identifies the
 * platform by this device ID: any other makes it assert, and leaves its
 * ACPI timer library without a port (OVMF-PLATFORM.md §0, rows 3-4).
 */
#ifndef LKVM_DEVICES_I440FX_H
#define LKVM_DEVICES_I440FX_H

#include "devices/pci.h"

#define I440FX_DEVICE_ID 0x1237

int i440fx_init(struct pci_func *fn, struct pci_bus *pci, struct lk_err *err);

#endif
