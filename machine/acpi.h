/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The VM's ACPI tables (DSDT, FACS, FADT, MADT, RSDT, XSDT and the RSDP) as
 * the three fw_cfg files of QEMU's table loader: OVMF allocates the two
 * blobs, patches the pointers between tables and computes the checksums as
 * "etc/table-loader" tells it, then installs the tables itself. Pure code:
 * no KVM, no I/O.
 *
 * As in QEMU, pointer fields in the blobs hold offsets into the blob they
 * point into, and checksum fields are 0 until the firmware fills them.
 * They must stay 0: OVMF stores (rather than adds) the checksum of a range
 * that includes the checksum byte, so a precomputed value would corrupt it
 * and OVMF would then skip the table as not checksummed.
 */
#ifndef LKVM_MACHINE_ACPI_H
#define LKVM_MACHINE_ACPI_H

#include <stddef.h>
#include <stdint.h>

#include "util/err.h"

#define ACPI_FILE_TABLES	"etc/acpi/tables"
#define ACPI_FILE_RSDP		"etc/acpi/rsdp"
#define ACPI_FILE_LOADER	"etc/table-loader"

struct acpi_machine {
	unsigned int nr_cpus;		/* 1..255: local APIC IDs and processor UIDs 0..nr_cpus-1 */
	uint64_t lapic_addr;		/* 0xfee00000 */
	uint64_t ioapic_addr;		/* 0xfec00000 */
	/*
	 * 0, as QEMU: the reset value of the in-kernel IOAPIC's ID register,
	 * which holds 4 bits (so at most 15), and so what a guest reads back.
	 */
	uint8_t ioapic_id;
	/* PM1a_EVT_BLK at base (4 bytes), PM1a_CNT_BLK at base+4 (2), PM_TMR_BLK at base+8 (4) */
	uint16_t pm_base;		/* 0xb000 */
	uint16_t sci_irq;		/* 9: ISA IRQ = GSI, level-triggered, active-high */
	uint16_t reset_port;		/* 0xcf9 */
	uint8_t reset_value;		/* 0x06 */
	uint16_t serial_port;		/* 0x3f8 (0: no serial device in the DSDT) */
	uint8_t serial_irq;		/* 4 */
	uint64_t pci_mmio_base;		/* 32-bit PCI MMIO window: end of low RAM, rounded up */
	uint64_t pci_mmio_end;		/* exclusive end of the window: 0xfec00000 */
	uint64_t pci64_base;		/* 64-bit PCI MMIO window, above 4 GiB (layout.h) */
	uint64_t pci64_size;		/* 0: none */
};

/*
 * PCI interrupts as the DSDT describes them, matching the hardware
 * (devices/piix3.h): pin @pin (INTA = 0 .. INTD = 3) of the device in slot
 * @slot (1..31) is PIIX3's PIRQ piix3_pirq(), link device LNKA..LNKD, whose
 * route control register holds the ISA IRQ; IRQ r asserts GSI r,
 * level-triggered, active-high. Slot 1's INTA is LNKS, the PIIX4 PM
 * function's SCI. The links offer ACPI_PCI_LINK_IRQS, as QEMU's pc does,
 * and the MADT overrides those IRQs to level, active-high.
 */
#define ACPI_PCI_LINK_IRQS	{ 5, 10, 11 }

struct acpi_blobs {
	uint8_t *tables;	/* "etc/acpi/tables": DSDT, FACS, FADT, MADT, RSDT, XSDT */
	size_t tables_len;
	uint8_t *rsdp;		/* "etc/acpi/rsdp": ACPI 2.0 RSDP (36 bytes) */
	size_t rsdp_len;
	uint8_t *loader;	/* "etc/table-loader": 128-byte commands */
	size_t loader_len;
};

/*
 * Builds the three blobs for @m into @out (freed with acpi_blobs_free()).
 * Returns -1 with @err filled (status LK_EXIT_HOST) for a machine the tables
 * cannot describe, leaving @out empty.
 */
int acpi_build(const struct acpi_machine *m, struct acpi_blobs *out, struct lk_err *err);
/* Frees the blobs and empties @b; safe on an empty or already freed @b. */
void acpi_blobs_free(struct acpi_blobs *b);

#endif
