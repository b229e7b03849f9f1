// SPDX-License-Identifier: GPL-2.0-only
/* PIIX4 PM function: PMBA and PMREGMISC place the ACPI PM block. */
#include "devices/piix4_pm.h"

static void piix4_pm_update(struct pci_func *fn, unsigned int reg, unsigned int len)
{
	uint32_t base;

	bool pmba = reg < PIIX4_PM_PMBA + 4 && reg + len > PIIX4_PM_PMBA;
	bool misc = reg <= PIIX4_PM_PMREGMISC && reg + len > PIIX4_PM_PMREGMISC;

	if (!pmba && !misc)
		return;
	/* 64-byte aligned base, bit 0 reads as 1 (an I/O space indicator). */
	base = pci_cfg_get(fn, PIIX4_PM_PMBA, 4) & 0xffc0;
	acpi_pm_move(fn->ctx, (uint16_t)base, fn->cfg[PIIX4_PM_PMREGMISC] & 1);
}

int piix4_pm_init(struct pci_func *fn, struct acpi_pm *pm, uint8_t sci_irq,
		  struct pci_bus *pci, struct lk_err *err)
{
	pci_func_init(fn, "piix4-pm", PCI_DEVFN(1, 3), 0x8086, 0x7113, 0x068000, 0x03);
	fn->ctx = pm;
	fn->write_hook = piix4_pm_update;
	fn->cfg[PCI_INTERRUPT_PIN] = 1;
	fn->cfg[PCI_INTERRUPT_LINE] = sci_irq;
	pci_cfg_set(fn, PIIX4_PM_PMBA, 4, ACPI_PM_BASE | 1);
	fn->wmask[PIIX4_PM_PMBA] = 0xc0;
	fn->wmask[PIIX4_PM_PMBA + 1] = 0xff;
	fn->cfg[PIIX4_PM_PMREGMISC] = 1;
	fn->wmask[PIIX4_PM_PMREGMISC] = 0x01;
	piix4_pm_update(fn, PIIX4_PM_PMBA, 4);
	return pci_bus_add(pci, fn, err);
}
