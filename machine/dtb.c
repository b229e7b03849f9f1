// SPDX-License-Identifier: GPL-2.0-only
/* Flattened device tree of the machine, through libfdt's sequential writer. */
#include <ctype.h>
#include <fcntl.h>
#include <inttypes.h>
#include <libfdt.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "machine/dtb.h"
#include "util/file.h"

#define DTB_MAX_SIZE (64 * 1024)
#define DTB_NODE_NAME_MAX 31	/* before the @ */

/* libfdt calls all return 0 or a negative FDT_ERR_*: collect the first. */
struct dtb_ctx {
	void *fdt;
	int err;
};

static void dtb_check(struct dtb_ctx *c, int r)
{
	if (r < 0 && !c->err)
		c->err = r;
}

static void dtb_reg(struct dtb_ctx *c, uint64_t base, uint64_t size)
{
	fdt64_t reg[2] = { cpu_to_fdt64(base), cpu_to_fdt64(size) };

	dtb_check(c, fdt_property(c->fdt, "reg", reg, sizeof(reg)));
}

/*
 * name@unit (name alone without @has_unit), the name cut to the characters
 * and length a node name may have (the devicetree specification, 2.2.1):
 * "fw_cfg DMA" is fw_cfg-DMA.
 */
static void dtb_begin_node(struct dtb_ctx *c, const char *name, bool has_unit, uint64_t unit)
{
	char node[64];
	size_t i;

	for (i = 0; name[i] && i < DTB_NODE_NAME_MAX; i++)
		node[i] = isalnum((unsigned char)name[i]) || strchr(",._+-", name[i]) ? name[i] : '-';
	node[i] = '\0';
	if (has_unit)
		snprintf(node + i, sizeof(node) - i, "@%" PRIx64, unit);
	dtb_check(c, fdt_begin_node(c->fdt, node));
}

static void dtb_begin(struct dtb_ctx *c, const char *name, uint64_t unit)
{
	dtb_begin_node(c, name, true, unit);
}

static void dtb_memory(struct dtb_ctx *c, uint64_t base, uint64_t size)
{
	dtb_begin(c, "memory", base);
	dtb_check(c, fdt_property_string(c->fdt, "device_type", "memory"));
	dtb_reg(c, base, size);
	dtb_check(c, fdt_end_node(c->fdt));
}

static void dtb_region(struct dtb_ctx *c, const char *name, const char *compat,
		       uint64_t base, uint64_t size)
{
	dtb_begin(c, name, base);
	dtb_check(c, fdt_property_string(c->fdt, "compatible", compat));
	dtb_reg(c, base, size);
	dtb_check(c, fdt_end_node(c->fdt));
}

static void dtb_cpus(struct dtb_ctx *c, unsigned int n)
{
	unsigned int i;

	dtb_check(c, fdt_begin_node(c->fdt, "cpus"));
	dtb_check(c, fdt_property_cell(c->fdt, "#address-cells", 1));
	dtb_check(c, fdt_property_cell(c->fdt, "#size-cells", 0));
	for (i = 0; i < n; i++) {
		dtb_begin(c, "cpu", i);
		dtb_check(c, fdt_property_string(c->fdt, "device_type", "cpu"));
		dtb_check(c, fdt_property_cell(c->fdt, "reg", i));	/* the APIC ID */
		dtb_check(c, fdt_end_node(c->fdt));
	}
	dtb_check(c, fdt_end_node(c->fdt));
}

/* One node per registered range: name@base with reg = <base size>. */
static void dtb_bus(struct dtb_ctx *c, const char *node, const struct bus *bus)
{
	int i;

	dtb_check(c, fdt_begin_node(c->fdt, node));
	dtb_check(c, fdt_property_cell(c->fdt, "#address-cells", 2));
	dtb_check(c, fdt_property_cell(c->fdt, "#size-cells", 2));
	for (i = 0; i < bus->n; i++) {
		dtb_begin(c, bus->r[i].name, bus->r[i].base);
		dtb_reg(c, bus->r[i].base, bus->r[i].len);
		dtb_check(c, fdt_end_node(c->fdt));
	}
	for (i = 0; i < bus->nr_windows; i++) {
		uint64_t state = atomic_load(&bus->w[i]->state);
		bool on = state & BUS_WINDOW_ON;

		/* Not placed yet: no address, so no unit address and no reg. */
		dtb_begin_node(c, bus->w[i]->name, on, state & ~BUS_WINDOW_ON);
		if (on)
			dtb_reg(c, state & ~BUS_WINDOW_ON, bus->w[i]->len);
		else
			dtb_check(c, fdt_property_u64(c->fdt, "lkvm,size", bus->w[i]->len));
		dtb_check(c, fdt_property_string(c->fdt, "lkvm,placement", "guest-programmed"));
		if (!on)
			dtb_check(c, fdt_property_string(c->fdt, "status", "disabled"));
		dtb_check(c, fdt_end_node(c->fdt));
	}
	dtb_check(c, fdt_end_node(c->fdt));
}

/* Bus 0's functions: name@slot,function with their IDs, as firmware finds them. */
static void dtb_pci(struct dtb_ctx *c, const struct pci_bus *pci)
{
	unsigned int devfn;
	char node[64];

	dtb_check(c, fdt_begin_node(c->fdt, "pci"));
	dtb_check(c, fdt_property_cell(c->fdt, "#address-cells", 1));
	dtb_check(c, fdt_property_cell(c->fdt, "#size-cells", 0));
	for (devfn = 0; devfn < PCI_MAX_DEVFN; devfn++) {
		const struct pci_func *fn = pci->func[devfn];

		if (!fn)
			continue;
		snprintf(node, sizeof(node), "%s@%x,%x", fn->name, PCI_SLOT(devfn), devfn & 7);
		dtb_check(c, fdt_begin_node(c->fdt, node));
		dtb_check(c, fdt_property_cell(c->fdt, "reg", devfn << 8));
		dtb_check(c, fdt_property_cell(c->fdt, "vendor-id", pci_cfg_get(fn, PCI_VENDOR_ID, 2)));
		dtb_check(c, fdt_property_cell(c->fdt, "device-id", pci_cfg_get(fn, PCI_DEVICE_ID, 2)));
		dtb_check(c, fdt_property_cell(c->fdt, "class-code",
					       pci_cfg_get(fn, PCI_CLASS_PROG, 3)));
		dtb_check(c, fdt_end_node(c->fdt));
	}
	dtb_check(c, fdt_end_node(c->fdt));
}

int dtb_build(const struct dtb_machine *m, void *buf, size_t size, struct lk_err *err)
{
	const struct layout *l = m->layout;
	struct dtb_ctx c = { .fdt = buf };

	dtb_check(&c, fdt_create(buf, (int)size));
	dtb_check(&c, fdt_finish_reservemap(buf));
	dtb_check(&c, fdt_begin_node(buf, ""));
	dtb_check(&c, fdt_property_string(buf, "compatible", "lkvm-sev,pc-i440fx"));
	dtb_check(&c, fdt_property_string(buf, "model", "lkvm-sev"));
	dtb_check(&c, fdt_property_cell(buf, "#address-cells", 2));
	dtb_check(&c, fdt_property_cell(buf, "#size-cells", 2));
	dtb_cpus(&c, m->nr_cpus);
	dtb_memory(&c, 0, l->ram_low_size);
	if (l->ram_high_size)
		dtb_memory(&c, LAYOUT_HIGH_RAM_BASE, l->ram_high_size);
	dtb_begin(&c, "firmware", l->fw_base);
	dtb_check(&c, fdt_property_string(buf, "compatible", "lkvm-sev,firmware"));
	dtb_reg(&c, l->fw_base, l->fw_size);
	dtb_check(&c, fdt_property(buf, "read-only", NULL, 0));
	dtb_check(&c, fdt_property_string(buf, "lkvm,ro-mode", m->ro_mode));
	dtb_check(&c, fdt_end_node(buf));
	if (l->vars_size)
		dtb_region(&c, "flash", "cfi-flash", l->vars_base, l->vars_size);
	dtb_region(&c, "ioapic", "lkvm-sev,kvm-ioapic", LAYOUT_IOAPIC_BASE, 0x1000);
	dtb_region(&c, "lapic", "lkvm-sev,kvm-lapic", LAYOUT_LAPIC_BASE, 0x100000);
	dtb_bus(&c, "ioports", m->pio);
	dtb_bus(&c, "mmio", m->mmio);
	dtb_pci(&c, m->pci);
	dtb_check(&c, fdt_end_node(buf));
	dtb_check(&c, fdt_finish(buf));
	if (c.err)
		return err_set(err, LK_EXIT_HOST, "building the device tree: %s",
			       fdt_strerror(c.err));
	return (int)fdt_totalsize(buf);
}

int dtb_write(const struct dtb_machine *m, const char *path, struct lk_err *err)
{
	void *buf = calloc(1, DTB_MAX_SIZE);
	int fd, size, r = -1;

	if (!buf)
		return err_sys(err, "allocating the device tree");
	size = dtb_build(m, buf, DTB_MAX_SIZE, err);
	if (size < 0)
		goto out;
	fd = file_create("--dump-dtb", path, err);
	if (fd < 0)
		goto out;
	if (write(fd, buf, (size_t)size) == size && !close(fd))
		r = 0;
	else
		close(fd);
	if (r) {
		err_sys(err, "--dump-dtb %s", path);
		err->status = LK_EXIT_USAGE;
	}
out:
	free(buf);
	return r;
}
