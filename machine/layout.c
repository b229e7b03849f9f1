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

int layout_compute(struct layout *l, uint64_t mem, uint64_t fw_size, struct lk_err *err)
{
	if (layout_check_mem(mem, err))
		return -1;
	if (!fw_size || fw_size % SZ_4K || fw_size > LAYOUT_FIRMWARE_MAX)
		return err_set(err, LK_EXIT_USAGE,
			       "firmware of %llu bytes does not fit: it must be a non-zero "
			       "multiple of 4 KiB of at most 16 MiB",
			       (unsigned long long)fw_size);
	l->mem_size = mem;
	l->ram_low_size = mem < LAYOUT_LOW_RAM_END ? mem : LAYOUT_LOW_RAM_END;
	l->ram_high_size = mem - l->ram_low_size;
	l->fw_size = fw_size;
	l->fw_base = LAYOUT_FIRMWARE_END - fw_size;
	return 0;
}
