// SPDX-License-Identifier: GPL-2.0-only
/*
 * Guest memory: RAM around the PCI hole, the read-only firmware, and the
 * variable store flash below it, with the checks that tie a --vars file to
 * the firmware it belongs to; and the translation devices use for DMA.
 */
#include <sys/mman.h>

#include "firmware/ovmf.h"
#include "machine/machine_priv.h"

/*
 * The variable store's size comes from its file; for an OVMF image it must
 * be the one the code was built for (VARS directly below CODE, filling a
 * power-of-two flash), or OVMF would look for its variables elsewhere.
 */
int machine_check_vars(struct machine *m, uint64_t *vars_size, struct lk_err *err)
{
	const struct machine_cfg *cfg = m->cfg;
	bool ovmf = ovmf_has_footer(m->fw.data, m->fw.size);
	uint64_t want = ovmf_expected_vars_size(m->fw.size);

	if (!cfg->vars) {
		if (ovmf && want)
			return err_set(err, LK_EXIT_USAGE, "--firmware %s: this OVMF code image "
				       "expects a %llu-byte variable store below it: add --vars "
				       "FILE (a copy of the matching OVMF_VARS file)", cfg->firmware,
				       (unsigned long long)want);
		if (ovmf)
			warn("no --vars: OVMF finds its variable store read-only and keeps "
			     "variables in RAM: they will not persist");
		return 0;
	}
	if (cfi_flash_file_size(cfg->vars, vars_size, err))
		return -1;
	if (ovmf && !want)
		return err_set(err, LK_EXIT_USAGE, "--vars %s: %s holds its own variable store; "
			       "use an OVMF_CODE image with --vars", cfg->vars, cfg->firmware);
	if (ovmf && *vars_size != want)
		return err_set(err, LK_EXIT_USAGE, "--vars %s: %llu bytes, but %s (%llu bytes) "
			       "expects a variable store of %llu bytes below it", cfg->vars,
			       (unsigned long long)*vars_size, cfg->firmware,
			       (unsigned long long)m->fw.size, (unsigned long long)want);
	return 0;
}

/* The flash device moves its region between read-only memory and MMIO. */
static int machine_flash_mode(void *ctx, bool array_mode, struct lk_err *err)
{
	struct machine *m = ctx;

	return array_mode ? ro_region_remap(&m->vm, &m->vars_ro, err)
			  : ro_region_unmap(&m->vm, &m->vars_ro, err);
}

/* The variable store: a CFI flash directly below the code, backed by --vars. */
static int machine_vars(struct machine *m, struct lk_err *err)
{
	const struct layout *l = &m->layout;

	m->vars_mem = mmap(NULL, l->vars_size, PROT_READ | PROT_WRITE,
			   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (m->vars_mem == MAP_FAILED) {
		m->vars_mem = NULL;
		return err_sys(err, "mmap for the variable store");
	}
	if (cfi_flash_open(&m->flash, m->cfg->vars, l->vars_base, m->vars_mem, l->vars_size,
			   machine_flash_mode, m, &m->stop, err))
		return -1;
	m->flash_open = true;
	return ro_region_map(&m->vm, &m->vars_ro, "variable store", l->vars_base, m->vars_mem,
			     l->vars_size, m->cfg->ro_mode, err);
}

int machine_memory(struct machine *m, struct lk_err *err)
{
	const struct layout *l = &m->layout;

	/* Lazy: nothing is allocated until the guest touches it. */
	m->ram = mmap(NULL, l->mem_size, PROT_READ | PROT_WRITE,
		      MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (m->ram == MAP_FAILED) {
		m->ram = NULL;
		return err_sys(err, "mmap of %llu MiB of guest RAM",
			       (unsigned long long)(l->mem_size >> 20));
	}
	if (memslot_add(&m->vm.slots, "ram-low", 0, l->ram_low_size, m->ram, 0, err) < 0)
		return -1;
	if (l->ram_high_size &&
	    memslot_add(&m->vm.slots, "ram-high", LAYOUT_HIGH_RAM_BASE, l->ram_high_size,
			(uint8_t *)m->ram + l->ram_low_size, 0, err) < 0)
		return -1;
	if (ro_region_map(&m->vm, &m->fw_ro, "firmware", l->fw_base, m->fw.data,
			  l->fw_size, m->cfg->ro_mode, err))
		return -1;
	return l->vars_size ? machine_vars(m, err) : 0;
}

/* Host memory behind a guest RAM range, for device DMA; NULL if not all RAM. */
void *machine_gpa_to_hva(void *ctx, uint64_t gpa, uint64_t len)
{
	const struct machine *m = ctx;
	const struct layout *l = &m->layout;

	if (len > l->mem_size)
		return NULL;
	if (gpa < l->ram_low_size && len <= l->ram_low_size - gpa)
		return (uint8_t *)m->ram + gpa;
	if (gpa >= LAYOUT_HIGH_RAM_BASE && gpa - LAYOUT_HIGH_RAM_BASE < l->ram_high_size &&
	    len <= l->ram_high_size - (gpa - LAYOUT_HIGH_RAM_BASE))
		return (uint8_t *)m->ram + l->ram_low_size + (gpa - LAYOUT_HIGH_RAM_BASE);
	return NULL;
}
