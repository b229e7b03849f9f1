// SPDX-License-Identifier: GPL-2.0-only
/*
 * What the firmware reads through fw_cfg: CPU count, e820, ACPI tables,
 * the kernel. The devices themselves: machine/devices.c.
 */
#include <string.h>

#include "machine/machine_priv.h"

static int machine_acpi(struct machine *m, struct lk_err *err)
{
	const struct layout *l = &m->layout;
	const struct acpi_machine am = {
		.nr_cpus = m->cfg->nr_cpus,
		.lapic_addr = LAYOUT_LAPIC_BASE,
		.ioapic_addr = LAYOUT_IOAPIC_BASE,
		.ioapic_id = 0,
		.pm_base = ACPI_PM_BASE,
		.sci_irq = MACHINE_SCI_IRQ,
		.reset_port = RESET_CONTROL_PORT,
		.reset_value = 0x06,
		.serial_port = SERIAL_COM1_BASE,
		.serial_irq = SERIAL_COM1_IRQ,
		.pci_mmio_base = l->pci_hole_base,
		.pci_mmio_end = LAYOUT_IOAPIC_BASE,
		.pci64_base = l->pci64_base,
		.pci64_size = l->pci64_size,
	};

	if (acpi_build(&am, &m->acpi, err))
		return -1;
	if (fw_cfg_add_file(&m->fw_cfg, ACPI_FILE_TABLES, m->acpi.tables,
			    (uint32_t)m->acpi.tables_len, err) ||
	    fw_cfg_add_file(&m->fw_cfg, ACPI_FILE_RSDP, m->acpi.rsdp,
			    (uint32_t)m->acpi.rsdp_len, err))
		return -1;
	return fw_cfg_add_file(&m->fw_cfg, ACPI_FILE_LOADER, m->acpi.loader,
			       (uint32_t)m->acpi.loader_len, err);
}

/* The items OVMF's kernel loader reads: setup and kernel apart, as QEMU splits them. */
static int machine_kernel_items(struct machine *m, struct lk_err *err)
{
	const struct kernel_image *k = &m->kernel;
	const uint8_t *file = k->file;
	uint32_t kernel_size = (uint32_t)(k->file_size - k->setup_size);

	return fw_cfg_add_u32(&m->fw_cfg, FW_CFG_SETUP_SIZE, k->setup_size, err) ||
	       fw_cfg_add_item(&m->fw_cfg, FW_CFG_SETUP_DATA, file, k->setup_size, err) ||
	       fw_cfg_add_u32(&m->fw_cfg, FW_CFG_KERNEL_SIZE, kernel_size, err) ||
	       fw_cfg_add_item(&m->fw_cfg, FW_CFG_KERNEL_DATA, file + k->setup_size,
			       kernel_size, err) ||
	       fw_cfg_add_u32(&m->fw_cfg, FW_CFG_INITRD_SIZE, (uint32_t)k->initrd_size, err) ||
	       fw_cfg_add_item(&m->fw_cfg, FW_CFG_INITRD_DATA, k->initrd,
			       (uint32_t)k->initrd_size, err) ||
	       fw_cfg_add_u32(&m->fw_cfg, FW_CFG_CMDLINE_SIZE, k->cmdline_size, err) ||
	       fw_cfg_add_item(&m->fw_cfg, FW_CFG_CMDLINE_DATA, k->cmdline, k->cmdline_size,
			       err) ? -1 : 0;
}

int machine_fw_cfg(struct machine *m, const struct guest_mem *mem, struct lk_err *err)
{
	int n;

	/* A direct VMSA page in RAM is not the guest's memory (seed 001). */
	if (m->sev_on && m->sev.direct &&
	    machine_gpa_to_hva(m, m->cfg->sev.o.direct_vmsa_gpa, SZ_4K))
		m->layout.reserved_page = m->cfg->sev.o.direct_vmsa_gpa;
	n = layout_e820(&m->layout, m->e820, E820_MAX);

	fw_cfg_init(&m->fw_cfg, mem);
	if (fw_cfg_add_u16(&m->fw_cfg, FW_CFG_NB_CPUS, (uint16_t)m->cfg->nr_cpus, err) ||
	    fw_cfg_add_file(&m->fw_cfg, "etc/e820", m->e820,
			    (uint32_t)(n * sizeof(m->e820[0])), err) ||
	    machine_acpi(m, err))
		return -1;
	if (m->cfg->kernel && machine_kernel_items(m, err))
		return -1;
	return fw_cfg_register(&m->fw_cfg, &m->pio, err);
}
