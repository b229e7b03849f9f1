/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * pci-testdev (--pci-testdev): a PCI function for testing the PCI model
 * from inside a guest (tests/guests/pcidev.S): three BARs to size and move,
 * a capability list, INTx, MSI-X, and doorbells served through ioeventfds
 * by the I/O loop. No driver binds to it.
 *
 * BAR0 (32-bit memory, 4 KiB) and BAR1 (I/O, 64 bytes) decode the same
 * registers; BAR2 (64-bit memory, 16 KiB) holds the MSI-X table and PBA.
 */
#ifndef LKVM_DEVICES_PCI_TESTDEV_H
#define LKVM_DEVICES_PCI_TESTDEV_H

#include "devices/device.h"

/*
 * A test-only ID in the vendor space QEMU uses for its own emulated and
 * test devices (1234:1111 stdvga, 1234:11e8 edu); no Linux driver binds
 * 1234:7e57.
 */
#define TESTDEV_VENDOR_ID	0x1234
#define TESTDEV_DEVICE_ID	0x7e57
#define TESTDEV_CLASS		0xff0000	/* unassigned class */
#define TESTDEV_FIRST_SLOT	2

#define TESTDEV_BAR0_SIZE	0x1000
#define TESTDEV_BAR1_SIZE	0x40
#define TESTDEV_BAR2_SIZE	0x4000
#define TESTDEV_MSIX_VECTORS	2
#define TESTDEV_MSIX_TABLE	0x0000	/* in BAR2 */
#define TESTDEV_MSIX_PBA	0x0800

/* Registers, in BAR0 and BAR1. */
#define TESTDEV_ID		0x00	/* reads TESTDEV_MAGIC */
#define TESTDEV_SCRATCH		0x04	/* 32 bits, read-write */
#define TESTDEV_SCRATCH64	0x08	/* 64 bits, read-write, any width */
#define TESTDEV_DOORBELL	0x10	/* a 4-byte write: an ioeventfd */
#define TESTDEV_DOORBELL_MATCH	0x14	/* TESTDEV_MATCH_VALUE, 4 bytes: an ioeventfd; others exit */
#define TESTDEV_COUNT		0x18	/* doorbells the I/O loop served */
#define TESTDEV_MISSES		0x1c	/* DOORBELL_MATCH writes that exited */
#define TESTDEV_IRQ_ACK		0x20	/* any write lowers INTx */
#define TESTDEV_EXITS		0x24	/* accesses that reached the handler */
#define TESTDEV_REGS_END	0x28

#define TESTDEV_MAGIC		0x4d564b4cu	/* "LKVM" */
#define TESTDEV_MATCH_VALUE	0x5a5a5a5au

extern const struct device_type pci_testdev_type;

#endif
