/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The PIIX3 PCI-to-ISA bridge at 00:01.0 (8086:7000, class 0x0601). OVMF
 * reaches the serial port only through an ISA bridge (SioBusDxe), so the
 * console depends on this function existing. It is multi-function: the
 * PIIX4 power-management function is 00:01.3.
 *
 * It also routes PCI interrupts: the INTx pin of a function in slot S goes
 * to PIRQ (S + pin - 1) mod 4 (pin 0: INTA), as on QEMU's pc, and the PIRQ
 * route control registers (0x60-0x63: bit 7 disables, bits 3:0 name the
 * ISA IRQ) send each PIRQ to an ISA IRQ, a level-triggered IOAPIC pin. The
 * DSDT's _PRT and link devices (machine/acpi.c) describe the same wiring,
 * but for slot 1's INTA: the PIIX4 PM function's SCI, wired to IRQ 9 on its
 * own (link LNKS), as on QEMU's pc; nothing in slot 1 raises INTx here.
 */
#ifndef LKVM_DEVICES_PIIX3_H
#define LKVM_DEVICES_PIIX3_H

#include "devices/pci.h"

#define PIIX3_PIRQ_ROUTE	0x60	/* PIRQA; B, C and D follow */
#define PIIX3_PIRQ_DISABLED	0x80
#define PIIX3_NR_PIRQ		4

/* Drives ISA IRQ @irq (an IOAPIC pin and a PIC input) to @level. */
typedef void (*piix3_line_fn)(void *ctx, unsigned int irq, bool level);

struct piix3 {
	struct pci_func fn;
	piix3_line_fn line;
	void *line_ctx;
	unsigned int asserted[PIIX3_NR_PIRQ];	/* functions holding each PIRQ up */
	uint8_t driven[PIIX3_NR_PIRQ];		/* the IRQ a PIRQ holds up, 0: none */
};

/* The PIRQ a function's pin uses (@pin 0: INTA). */
static inline unsigned int piix3_pirq(uint8_t devfn, unsigned int pin)
{
	return (PCI_SLOT(devfn) + pin - 1) & 3;
}

int piix3_init(struct piix3 *p, struct pci_bus *pci, piix3_line_fn line, void *line_ctx,
	       struct lk_err *err);

#endif
