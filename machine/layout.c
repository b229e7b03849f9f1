// SPDX-License-Identifier: GPL-2.0-only
/* Guest physical memory map. */
#include "machine/layout.h"

int layout_check_mem(uint64_t mem, struct lk_err *err)
{
	if (mem < LAYOUT_MEM_MIN)
		return err_set(err, LK_EXIT_USAGE,
			       "-m %llu bytes: the VM needs at least 1 MiB of RAM",
			       (unsigned long long)mem);
	if (mem % LAYOUT_MEM_ALIGN)
		return err_set(err, LK_EXIT_USAGE,
			       "-m %llu bytes: not a multiple of 1 MiB",
			       (unsigned long long)mem);
	if (mem > LAYOUT_MEM_MAX)
		return err_set(err, LK_EXIT_USAGE,
			       "-m %llu MiB: more than lkvm-sev's limit of %llu MiB",
			       (unsigned long long)(mem / SZ_1M),
			       (unsigned long long)(LAYOUT_MEM_MAX / SZ_1M));
	return 0;
}

/*
 * OVMF on i440FX puts its 32-bit PCI window at 4 GiB minus the largest
 * power of two that fits between low RAM and 4 GiB (OVMF-PLATFORM.md §2.1,
 * step 7); the DSDT's window must cover it.
 */
static uint64_t layout_pci_hole(uint64_t ram_low_end)
{
	uint64_t gap = LAYOUT_FIRMWARE_END - ram_low_end, p = 1ULL << 31;

	while (p > gap)
		p >>= 1;
	return LAYOUT_FIRMWARE_END - p;
}

/* Above the classic base of OVMF's 64-bit aperture: see LAYOUT_OVMF_PCI64_SIZE. */
static uint64_t layout_pci64_base(uint64_t ram_high_size)
{
	uint64_t ram_end = LAYOUT_HIGH_RAM_BASE + ram_high_size;

	return (ram_end + LAYOUT_OVMF_PCI64_SIZE - 1) & ~(LAYOUT_OVMF_PCI64_SIZE - 1);
}

int layout_compute(struct layout *l, uint64_t mem, uint64_t fw_size, uint64_t vars_size,
		   struct lk_err *err)
{
	if (layout_check_mem(mem, err))
		return -1;
	if (!fw_size || fw_size % SZ_4K || vars_size % SZ_4K ||
	    fw_size + vars_size > LAYOUT_FIRMWARE_MAX)
		return err_set(err, LK_EXIT_USAGE,
			       "firmware of %llu bytes%s does not fit: code and variables must "
			       "be multiples of 4 KiB, together at most 16 MiB",
			       (unsigned long long)fw_size, vars_size ? " with its variables" : "");
	l->mem_size = mem;
	l->ram_low_size = mem < LAYOUT_LOW_RAM_END ? mem : LAYOUT_LOW_RAM_END;
	l->ram_high_size = mem - l->ram_low_size;
	l->fw_size = fw_size;
	l->fw_base = LAYOUT_FIRMWARE_END - fw_size;
	l->vars_size = vars_size;
	l->vars_base = l->fw_base - vars_size;
	l->pci_hole_base = layout_pci_hole(l->ram_low_size);
	l->pci64_base = layout_pci64_base(l->ram_high_size);
	l->pci64_size = LAYOUT_PCI64_END - l->pci64_base;
	l->reserved_page = 0;
	return 0;
}

/* RAM at @base, split around the reserved page where it falls inside. */
static int layout_ram(const struct layout *l, uint64_t base, uint64_t size,
		      struct e820_entry *e, int n)
{
	uint64_t r = l->reserved_page;

	if (!r || r < base || r - base >= size) {
		e[n++] = (struct e820_entry){ base, size, E820_RAM };
		return n;
	}
	if (r > base)
		e[n++] = (struct e820_entry){ base, r - base, E820_RAM };
	e[n++] = (struct e820_entry){ r, SZ_4K, E820_RESERVED };
	if (r + SZ_4K < base + size)
		e[n++] = (struct e820_entry){ r + SZ_4K, base + size - r - SZ_4K, E820_RAM };
	return n;
}

/*
 * As QEMU's pc: all of low and high RAM, and the pages KVM keeps for itself;
 * the reserved page (the direct VMSA, seed 001) cut out of RAM.
 */
int layout_e820(const struct layout *l, struct e820_entry *e, int max)
{
	int n = 0;

	if (max < 5)
		return 0;
	n = layout_ram(l, 0, l->ram_low_size, e, n);
	e[n++] = (struct e820_entry){ LAYOUT_KVM_PAGES_BASE, LAYOUT_KVM_PAGES_SIZE,
				      E820_RESERVED };
	if (l->ram_high_size)
		n = layout_ram(l, LAYOUT_HIGH_RAM_BASE, l->ram_high_size, e, n);
	return n;
}
