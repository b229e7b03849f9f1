/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The guest-physical memory map, as QEMU's pc machine lays it out: RAM from
 * 0 up to 3 GiB, the rest of RAM from 4 GiB up, the firmware (at most
 * 16 MiB) ending at 4 GiB, and devices (IOAPIC, local APIC, ...) in the hole
 * between. Pure arithmetic: both `run` and later the e820 table use it.
 */
#ifndef LKVM_MACHINE_LAYOUT_H
#define LKVM_MACHINE_LAYOUT_H

#include <stdint.h>

#include "util/err.h"

#define SZ_1K			(1ULL << 10)
#define SZ_4K			(4ULL << 10)
#define SZ_1M			(1ULL << 20)
#define SZ_1G			(1ULL << 30)
#define SZ_1T			(1ULL << 40)

#define LAYOUT_LOW_RAM_END	(3 * SZ_1G)	/* 0xc0000000, as QEMU's pc */
#define LAYOUT_HIGH_RAM_BASE	(4 * SZ_1G)
#define LAYOUT_FIRMWARE_END	(4 * SZ_1G)
#define LAYOUT_FIRMWARE_MAX	(16 * SZ_1M)
#define LAYOUT_MEM_DEFAULT	(256 * SZ_1M)
#define LAYOUT_MEM_MIN		SZ_1M
#define LAYOUT_MEM_ALIGN	SZ_1M
/* A sanity bound: far above any test VM, far below the 47-bit host VA space. */
#define LAYOUT_MEM_MAX		SZ_1T

/* KVM's identity-map and TSS pages (kvm/vm.c), reserved in the e820 map. */
#define LAYOUT_KVM_PAGES_BASE	0xfeffc000ULL
#define LAYOUT_KVM_PAGES_SIZE	0x4000ULL
#define LAYOUT_IOAPIC_BASE	0xfec00000ULL
#define LAYOUT_LAPIC_BASE	0xfee00000ULL

/*
 * The 64-bit PCI MMIO window the DSDT declares must contain the aperture
 * OVMF gives 64-bit BARs (OvmfPkg/Library/PlatformInitLib/MemDetect.c),
 * which lkvm-sev does not choose: it provides none of fw_cfg's
 * opt/ovmf/X-PciMmio64Mb, etc/reserved-memory-end or etc/hardware-info,
 * and no e820 entry above RAM. OVMF then takes one of two apertures:
 *  - classic (PlatformGetFirstNonAddress): PcdPciMmio64Size bytes at the
 *    end of the e820's RAM (4 GiB at least) rounded up to 1 GiB, then to
 *    the size's power of two;
 *  - dynamic (PlatformDynamicMmioWindow, in versions from about 2023), when
 *    PlatformAddressWidthFromCpuid() trusts CPUID 0x80000008's physical
 *    address width: the top eighth of 2^width (a quarter since edk2 PR
 *    12997, 2026), only when that lies above the classic base, with the
 *    width clamped to LAYOUT_OVMF_PHYS_BITS_MAX.
 * So the window runs from the classic base up to 2^LAYOUT_OVMF_PHYS_BITS_MAX
 * whatever CPUID the guest sees; an OS clips it to what its CPU addresses.
 */
/*
 * PcdPciMmio64Size in OvmfPkgX64.dsc and OvmfPkgIa32X64.dsc: 32 GiB (0 in
 * CSM builds, which then have no 64-bit aperture). Uncertain: another
 * build's default; a smaller one would align the classic base lower.
 */
#define LAYOUT_OVMF_PCI64_SIZE	(32 * SZ_1G)
/*
 * The most PlatformAddressWidthFromCpuid() allows: 47 bits in its first
 * versions, 46 in later ones. Uncertain: an OVMF with 5-level paging might
 * allow more, and put the dynamic aperture above this.
 */
#define LAYOUT_OVMF_PHYS_BITS_MAX	47
#define LAYOUT_PCI64_END	(1ULL << LAYOUT_OVMF_PHYS_BITS_MAX)

struct layout {
	uint64_t mem_size;
	uint64_t ram_low_size;		/* at GPA 0 */
	uint64_t ram_high_size;		/* at LAYOUT_HIGH_RAM_BASE, may be 0 */
	uint64_t fw_base;		/* the code: ends at 4 GiB */
	uint64_t fw_size;
	uint64_t vars_base;		/* the variable store flash, directly below the code */
	uint64_t vars_size;		/* 0: none */
	uint64_t pci_hole_base;		/* start of the 32-bit PCI MMIO window */
	uint64_t pci64_base;		/* the 64-bit PCI MMIO window, up to LAYOUT_PCI64_END */
	uint64_t pci64_size;
	uint64_t reserved_page;		/* a page of RAM kept from the guest (SNP's direct
					 * VMSA), reserved in the e820 map; 0: none */
};

/* Checks @mem (status 2 with the reason) and splits it around the hole. */
int layout_check_mem(uint64_t mem, struct lk_err *err);
int layout_compute(struct layout *l, uint64_t mem, uint64_t fw_size, uint64_t vars_size,
		   struct lk_err *err);

struct e820_entry {
	uint64_t addr;
	uint64_t size;
	uint32_t type;
} __attribute__((packed));

#define E820_RAM	1
#define E820_RESERVED	2
#define E820_MAX	8	/* at most 5: low and high RAM split around one page */

/* The guest's memory map as fw_cfg's etc/e820 gives it; returns the count. */
int layout_e820(const struct layout *l, struct e820_entry *e, int max);

#endif
