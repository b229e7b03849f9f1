// SPDX-License-Identifier: GPL-2.0-only
/*
 * The ACPI tables and the table-loader script that links them (acpi.h);
 * the DSDT's AML is written with aml.h. Field choices follow the
 * ACPI 2.0 tables of QEMU's pc machine (hw/i386/acpi-build.c); the script
 * is what OVMF's AcpiPlatformDxe/QemuFwCfgAcpi.c runs (QemuLoader.h).
 */
#include <stdlib.h>
#include <string.h>

#include "devices/piix3.h"
#include "machine/acpi.h"
#include "machine/aml.h"

/* ---- The loader script (QemuLoader.h): 128-byte commands, names NUL-padded to 56 ---- */

#define LOADER_FNAME_SIZE	56
#define LOADER_ENTRY_SIZE	128
#define LOADER_ALLOCATE		1
#define LOADER_ADD_POINTER	2
#define LOADER_ADD_CHECKSUM	3
#define LOADER_ZONE_HIGH	1
#define LOADER_ZONE_FSEG	2

/* Appends a zeroed command and returns the offset of its union, after the u32 type. */
static size_t loader_cmd(struct aml_buf *l, uint32_t type)
{
	size_t at = aml_buf_zero(l, LOADER_ENTRY_SIZE);

	aml_buf_set(l, at, type, 4);
	return at + 4;
}

/* File names here are our constants, all shorter than the 56-byte field. */
static void loader_name(struct aml_buf *l, size_t at, const char *file)
{
	if (!l->oom)
		memcpy(l->data + at, file, strlen(file));
}

static void loader_allocate(struct aml_buf *l, const char *file, uint32_t align, uint8_t zone)
{
	size_t u = loader_cmd(l, LOADER_ALLOCATE);

	loader_name(l, u, file);
	aml_buf_set(l, u + LOADER_FNAME_SIZE, align, 4);
	aml_buf_set(l, u + LOADER_FNAME_SIZE + 4, zone, 1);
}

static void loader_add_pointer(struct aml_buf *l, const char *dest, size_t offset, uint8_t size,
			       const char *src)
{
	size_t u = loader_cmd(l, LOADER_ADD_POINTER);

	loader_name(l, u, dest);
	loader_name(l, u + LOADER_FNAME_SIZE, src);
	aml_buf_set(l, u + 2 * LOADER_FNAME_SIZE, offset, 4);
	aml_buf_set(l, u + 2 * LOADER_FNAME_SIZE + 4, size, 1);
}

static void loader_add_checksum(struct aml_buf *l, const char *file, size_t result, size_t start,
				size_t length)
{
	size_t u = loader_cmd(l, LOADER_ADD_CHECKSUM);

	loader_name(l, u, file);
	aml_buf_set(l, u + LOADER_FNAME_SIZE, result, 4);
	aml_buf_set(l, u + LOADER_FNAME_SIZE + 4, start, 4);
	aml_buf_set(l, u + LOADER_FNAME_SIZE + 8, length, 4);
}

/* ---- Tables: the common header, pointers between tables, checksums ---- */

#define ACPI_HDR_LEN		36
#define ACPI_HDR_LENGTH		4
#define ACPI_HDR_CHECKSUM	9
#define ACPI_OEM_ID		"LKVMSV"
#define ACPI_OEM_TABLE_ID	"LKVMSEV "
#define ACPI_CREATOR_ID		"LKVM"

struct acpi_ctx {
	const struct acpi_machine *m;
	struct aml_buf tables, rsdp, loader;
};

/*
 * The pointer field of @size bytes at @at in @b (fw_cfg file @file) holds
 * the offset of @target in the tables blob, and the firmware adds the
 * blob's address to it.
 */
static void table_pointer(struct acpi_ctx *c, struct aml_buf *b, const char *file, size_t at,
			  uint8_t size, size_t target)
{
	aml_buf_set(b, at, target, size);
	loader_add_pointer(&c->loader, file, at, size, ACPI_FILE_TABLES);
}

/* Starts a table at a multiple of @align; returns its offset in the tables blob. */
static size_t table_begin(struct acpi_ctx *c, const char *sig, uint8_t rev, size_t align)
{
	struct aml_buf *b = &c->tables;
	size_t t;

	aml_buf_align(b, align);
	t = aml_buf_zero(b, ACPI_HDR_LEN);
	if (b->oom)
		return t;
	memcpy(b->data + t, sig, 4);
	b->data[t + 8] = rev;
	memcpy(b->data + t + 10, ACPI_OEM_ID, 6);
	memcpy(b->data + t + 16, ACPI_OEM_TABLE_ID, 8);
	aml_buf_set(b, t + 24, 1, 4);			/* OEM revision */
	memcpy(b->data + t + 28, ACPI_CREATOR_ID, 4);
	aml_buf_set(b, t + 32, 1, 4);			/* creator revision */
	return t;
}

/*
 * Sets the length. The checksum command comes after the table's own
 * pointer commands: the firmware runs the script in order, and the sum
 * must cover the patched addresses.
 */
static void table_end(struct acpi_ctx *c, size_t t)
{
	size_t len = c->tables.len - t;

	aml_buf_set(&c->tables, t + ACPI_HDR_LENGTH, len, 4);
	loader_add_checksum(&c->loader, ACPI_FILE_TABLES, t + ACPI_HDR_CHECKSUM, t, len);
}

/* ---- The DSDT ---- */

static const uint8_t pci_link_irqs[] = ACPI_PCI_LINK_IRQS;
static const char *const pci_links[4] = { "LNKA", "LNKB", "LNKC", "LNKD" };
static const char *const pirq_regs[4] = { "PRQ0", "PRQ1", "PRQ2", "PRQ3" };

static bool is_link_irq(unsigned int irq)
{
	unsigned int i;

	for (i = 0; i < sizeof(pci_link_irqs); i++)
		if (irq == pci_link_irqs[i])
			return true;
	return false;
}

/*
 * The host bridge's windows: bus 0 only, the config ports (consumed), all
 * other ports, the 32-bit MMIO hole up to the IOAPIC and the 64-bit window
 * (layout.h says where OVMF puts 64-bit BARs, and so why it is so large).
 */
static void dsdt_pci0_crs(struct acpi_ctx *c)
{
	const struct acpi_machine *m = c->m;
	struct aml_buf r = { 0 };

	aml_res_word(&r, AML_RES_TYPE_BUS, 0, 0x00, 0xff);
	aml_res_io(&r, 0xcf8, 8);
	aml_res_word(&r, AML_RES_TYPE_IO, AML_RES_IO_ENTIRE_RANGE, 0x0000, 0x0cf7);
	aml_res_word(&r, AML_RES_TYPE_IO, AML_RES_IO_ENTIRE_RANGE, 0x0d00, 0xffff);
	aml_res_dword_memory(&r, (uint32_t)m->pci_mmio_base, (uint32_t)(m->pci_mmio_end - 1));
	if (m->pci64_size)
		aml_res_qword_memory(&r, m->pci64_base, m->pci64_base + m->pci64_size - 1);
	aml_name_resources(&c->tables, "_CRS", &r);
}

/*
 * Name (_PRT, Package { Package { 0xSSSSFFFF, pin, LNKx, 0 }, ... }): every
 * function of slots 1 to 31, each pin, to its link: PIIX3's PIRQ
 * (piix3_pirq()), except slot 1's INTA, which is the PIIX4 PM function's
 * SCI on its own wire (LNKS), as on QEMU's pc. The links are found from
 * \_SB.PCI0 by the upward search of a single NameSeg.
 */
static void dsdt_pci0_prt(struct aml_buf *b)
{
	unsigned int slot, pin;
	size_t prt, entry;

	aml_name_obj(b, "_PRT");
	prt = aml_package(b, 31 * 4);
	for (slot = 1; slot < 32; slot++) {
		for (pin = 0; pin < 4; pin++) {
			entry = aml_package(b, 4);
			aml_int(b, slot << 16 | 0xffff);	/* _ADR: any function */
			aml_int(b, pin);
			aml_name(b, slot == 1 && pin == 0 ? "LNKS" :
				 pci_links[piix3_pirq(PCI_DEVFN(slot, 0), pin)]);
			aml_int(b, 0);		/* the link's first (only) interrupt */
			aml_close(b, entry);
		}
	}
	aml_close(b, prt);
}

static void dsdt_com1(struct acpi_ctx *c)
{
	struct aml_buf *b = &c->tables;
	struct aml_buf r = { 0 };
	size_t dev = aml_device(b, "COM1");

	aml_name_eisaid(b, "_HID", "PNP0501");
	aml_name_int(b, "_UID", 1);
	aml_name_int(b, "_STA", 0x0f);		/* present, enabled, shown, working */
	aml_res_io(&r, c->m->serial_port, 8);
	aml_res_irq(&r, c->m->serial_irq);
	aml_name_resources(b, "_CRS", &r);
	aml_close(b, dev);
}

/*
 * The ISA devices sit under the PIIX3 function (00:01.0), as in QEMU, with
 * its PIRQ route control registers as P40C (QEMU's name).
 * PCI0 carries both _HID and _ADR as QEMU's does; the spec says "should
 * not" (iasl warns when compiling), and OSes go by the _HID.
 */
static void dsdt_pci0(struct acpi_ctx *c)
{
	struct aml_buf *b = &c->tables;
	size_t dev = aml_device(b, "PCI0"), isa;

	aml_name_eisaid(b, "_HID", "PNP0A03");
	aml_name_int(b, "_ADR", 0);
	aml_name_int(b, "_UID", 0);
	aml_name_int(b, "_BBN", 0);
	dsdt_pci0_crs(c);
	dsdt_pci0_prt(b);
	isa = aml_device(b, "ISA_");
	aml_name_int(b, "_ADR", 0x00010000);
	aml_op_region(b, "P40C", AML_REGION_PCI_CONFIG, PIIX3_PIRQ_ROUTE, 4);
	if (c->m->serial_port)
		dsdt_com1(c);
	aml_close(b, isa);
	aml_close(b, dev);
}

/* Method (IQST, 1) { If (And (0x80, Arg0)) { Return (0x09) } Return (0x0B) } */
static void dsdt_iqst(struct aml_buf *b)
{
	size_t m = aml_method(b, "IQST", 1, false), cond = aml_if(b);

	aml_op(b, AML_AND_OP);
	aml_int(b, PIIX3_PIRQ_DISABLED);
	aml_op(b, AML_ARG0_OP);
	aml_op(b, AML_NULL_NAME);
	aml_op(b, AML_RETURN_OP);
	aml_int(b, 0x09);		/* present, working, disabled */
	aml_close(b, cond);
	aml_op(b, AML_RETURN_OP);
	aml_int(b, 0x0b);		/* present, enabled, working; not shown, as QEMU */
	aml_close(b, m);
}

/*
 * Method (IQCR, 1, Serialized) { Name (PRR0, ResourceTemplate () {
 * Interrupt (...) {0} }) CreateDWordField (PRR0, 5, PRRI) If (LLess (Arg0,
 * 0x80)) { Store (Arg0, PRRI) } Return (PRR0) }: a disabled link's IRQ is 0.
 */
static void dsdt_iqcr(struct aml_buf *b)
{
	static const uint8_t none[] = { 0 };
	size_t m = aml_method(b, "IQCR", 1, true), cond;
	struct aml_buf r = { 0 };

	aml_res_interrupt_level_shared(&r, none, 1);
	aml_name_resources(b, "PRR0", &r);
	aml_op(b, AML_CREATE_DWORD_FIELD_OP);
	aml_name(b, "PRR0");
	aml_int(b, 5);			/* the first interrupt of the descriptor */
	aml_name(b, "PRRI");
	cond = aml_if(b);
	aml_op(b, AML_LLESS_OP);
	aml_op(b, AML_ARG0_OP);
	aml_int(b, PIIX3_PIRQ_DISABLED);
	aml_op(b, AML_STORE_OP);
	aml_op(b, AML_ARG0_OP);
	aml_name(b, "PRRI");
	aml_close(b, cond);
	aml_op(b, AML_RETURN_OP);
	aml_name(b, "PRR0");
	aml_close(b, m);
}

/* Method (@name, 0) { Return (@fn (@reg)) } */
static void dsdt_link_return(struct aml_buf *b, const char *name, const char *fn,
			     const char *reg)
{
	size_t m = aml_method(b, name, 0, false);

	aml_op(b, AML_RETURN_OP);
	aml_name(b, fn);
	aml_name(b, reg);
	aml_close(b, m);
}

/*
 * A PCI interrupt link over PIRQ @n: _STA and _CRS from its register, _DIS
 * sets bit 7, _SRS stores the IRQ the OS picked from _PRS (clearing bit 7).
 */
static void dsdt_link(struct aml_buf *b, unsigned int n)
{
	size_t dev = aml_device(b, pci_links[n]), m;
	struct aml_buf r = { 0 };

	aml_name_eisaid(b, "_HID", "PNP0C0F");
	aml_name_int(b, "_UID", n);
	aml_res_interrupt_level_shared(&r, pci_link_irqs, sizeof(pci_link_irqs));
	aml_name_resources(b, "_PRS", &r);
	dsdt_link_return(b, "_STA", "IQST", pirq_regs[n]);
	m = aml_method(b, "_DIS", 0, false);
	aml_op(b, AML_OR_OP);
	aml_name(b, pirq_regs[n]);
	aml_int(b, PIIX3_PIRQ_DISABLED);
	aml_name(b, pirq_regs[n]);
	aml_close(b, m);
	dsdt_link_return(b, "_CRS", "IQCR", pirq_regs[n]);
	m = aml_method(b, "_SRS", 1, true);	/* it creates PRRI */
	aml_op(b, AML_CREATE_DWORD_FIELD_OP);
	aml_op(b, AML_ARG0_OP);
	aml_int(b, 5);
	aml_name(b, "PRRI");
	aml_op(b, AML_STORE_OP);
	aml_name(b, "PRRI");
	aml_name(b, pirq_regs[n]);
	aml_close(b, m);
	aml_close(b, dev);
}

/* The SCI's link: one fixed, level-triggered interrupt; nothing to set or disable. */
static void dsdt_link_sci(struct aml_buf *b, unsigned int sci_irq)
{
	const uint8_t irq = (uint8_t)sci_irq;
	size_t dev = aml_device(b, "LNKS"), m;
	struct aml_buf r = { 0 };

	aml_name_eisaid(b, "_HID", "PNP0C0F");
	aml_name_int(b, "_UID", 4);
	aml_name_int(b, "_STA", 0x0b);		/* present, enabled, working */
	aml_res_interrupt_level_shared(&r, &irq, 1);
	aml_name_resources(b, "_PRS", &r);
	aml_res_interrupt_level_shared(&r, &irq, 1);
	aml_name_resources(b, "_CRS", &r);
	m = aml_method(b, "_SRS", 1, false);
	aml_close(b, m);
	aml_close(b, dev);
}

/* In \_SB, as QEMU's: the PIRQ registers as fields, two helpers, the five links. */
static void dsdt_pci_links(struct aml_buf *b, unsigned int sci_irq)
{
	unsigned int n;

	aml_field(b, "PCI0.ISA_.P40C", AML_FIELD_BYTE_ACC, pirq_regs, 4, 8);
	dsdt_iqst(b);
	dsdt_iqcr(b);
	for (n = 0; n < 4; n++)
		dsdt_link(b, n);
	dsdt_link_sci(b, sci_irq);
}

static size_t build_dsdt(struct acpi_ctx *c)
{
	/* SLP_TYP 0 in PM1a_CNT powers off (devices/acpi_pm.c), as on QEMU's PIIX4. */
	static const uint64_t s5[] = { 0, 0, 0, 0 };
	struct aml_buf *b = &c->tables;
	size_t t = table_begin(c, "DSDT", 2, 8);	/* revision 2: 64-bit integers */
	size_t sb = aml_scope(b, "\\_SB_");

	dsdt_pci0(c);
	dsdt_pci_links(b, c->m->sci_irq);
	aml_close(b, sb);
	aml_name_package(b, "\\_S5_", s5, 4);
	table_end(c, t);
	return t;
}

/* ---- FACS, FADT, MADT, RSDT/XSDT, RSDP ---- */

static size_t build_facs(struct acpi_ctx *c)
{
	struct aml_buf *b = &c->tables;
	size_t t;

	aml_buf_align(b, 64);			/* the FACS must be 64-byte aligned */
	t = aml_buf_zero(b, 64);
	if (!b->oom)
		memcpy(b->data + t, "FACS", 4);
	aml_buf_set(b, t + 4, 64, 4);
	aml_buf_set(b, t + 32, 1, 1);		/* version 1: ACPI 2.0 layout */
	return t;				/* no checksum field */
}

#define FADT_LEN		244	/* revision 3 (ACPI 2.0) */
#define GAS_SYSTEM_IO		1
#define FADT_WBINVD		(1u << 0)
#define FADT_PROC_C1		(1u << 2)
#define FADT_SLP_BUTTON		(1u << 5)	/* no fixed sleep button */
#define FADT_RTC_S4		(1u << 7)
#define FADT_RESET_REG_SUP	(1u << 10)
#define FADT_USE_PLATFORM_CLOCK	(1u << 15)
#define FADT_APIC_CLUSTER	(1u << 18)	/* FORCE_APIC_CLUSTER_MODEL */
#define RTC_CENTURY_REG		0x32	/* devices/cmos.h: CMOS_CENTURY */

/*
 * A Generic Address Structure: @width bits of system I/O at @port. The
 * access size byte stays 0: reserved in ACPI 2.0, and QEMU leaves it so.
 */
static void fadt_gas_io(struct aml_buf *b, size_t at, uint8_t width, uint16_t port)
{
	aml_buf_set(b, at, GAS_SYSTEM_IO, 1);
	aml_buf_set(b, at + 1, width, 1);
	aml_buf_set(b, at + 4, port, 8);
}

/* The PM1a event (4 bytes), PM1a control (2) and PM timer (4) blocks, 32-bit and X_ forms. */
static void fadt_pm_blocks(struct aml_buf *b, size_t t, uint16_t base)
{
	aml_buf_set(b, t + 56, base, 4);		/* PM1a_EVT_BLK */
	aml_buf_set(b, t + 64, base + 4, 4);	/* PM1a_CNT_BLK */
	aml_buf_set(b, t + 76, base + 8, 4);	/* PM_TMR_BLK */
	aml_buf_set(b, t + 88, 4, 1);		/* PM1_EVT_LEN */
	aml_buf_set(b, t + 89, 2, 1);		/* PM1_CNT_LEN */
	aml_buf_set(b, t + 91, 4, 1);		/* PM_TMR_LEN */
	fadt_gas_io(b, t + 148, 32, base);	/* X_PM1a_EVT_BLK */
	fadt_gas_io(b, t + 172, 16, base + 4);	/* X_PM1a_CNT_BLK */
	fadt_gas_io(b, t + 208, 32, base + 8);	/* X_PM_TMR_BLK */
}

/*
 * Flags as QEMU's pc, plus RESET_REG_SUP for the reset register; the PM
 * timer is 24 bits (TMR_VAL_EXT clear). More than 8 CPUs do not fit flat
 * logical APIC mode, so QEMU forces cluster mode there, and so do we.
 */
static uint32_t fadt_flags(const struct acpi_machine *m)
{
	uint32_t f = FADT_WBINVD | FADT_PROC_C1 | FADT_SLP_BUTTON | FADT_RTC_S4 |
		     FADT_RESET_REG_SUP | FADT_USE_PLATFORM_CLOCK;

	return m->nr_cpus > 8 ? f | FADT_APIC_CLUSTER : f;
}

/*
 * SMI_CMD (and so ACPI_ENABLE/ACPI_DISABLE) 0: no SMM, no mode switch; the
 * OS takes the system as already in ACPI mode. No GPE blocks. IAPC_BOOT_ARCH
 * 0: there is no 8042 (port 0x64 only takes the 0xfe reset command), and
 * with the bit clear Linux does not probe for one.
 */
static size_t build_fadt(struct acpi_ctx *c, size_t facs, size_t dsdt)
{
	const struct acpi_machine *m = c->m;
	struct aml_buf *b = &c->tables;
	size_t t = table_begin(c, "FACP", 3, 8);

	aml_buf_zero(b, FADT_LEN - ACPI_HDR_LEN);
	table_pointer(c, b, ACPI_FILE_TABLES, t + 36, 4, facs);	/* FIRMWARE_CTRL */
	table_pointer(c, b, ACPI_FILE_TABLES, t + 40, 4, dsdt);	/* DSDT */
	aml_buf_set(b, t + 46, m->sci_irq, 2);			/* SCI_INT */
	fadt_pm_blocks(b, t, m->pm_base);
	aml_buf_set(b, t + 96, 0xfff, 2);		/* P_LVL2_LAT > 100: no C2 */
	aml_buf_set(b, t + 98, 0xfff, 2);		/* P_LVL3_LAT > 1000: no C3 */
	aml_buf_set(b, t + 108, RTC_CENTURY_REG, 1);
	aml_buf_set(b, t + 112, fadt_flags(m), 4);
	fadt_gas_io(b, t + 116, 8, m->reset_port);		/* RESET_REG */
	aml_buf_set(b, t + 128, m->reset_value, 1);
	table_pointer(c, b, ACPI_FILE_TABLES, t + 132, 8, facs);	/* X_FIRMWARE_CTRL */
	table_pointer(c, b, ACPI_FILE_TABLES, t + 140, 8, dsdt);	/* X_DSDT */
	table_end(c, t);
	return t;
}

#define MADT_LEVEL_HIGH		0x000d	/* active-high (01), level-triggered (11) */

static void madt_override(struct aml_buf *b, uint8_t irq, uint32_t gsi, uint16_t flags)
{
	aml_buf_put(b, 2, 1);			/* Interrupt Source Override */
	aml_buf_put(b, 10, 1);
	aml_buf_put(b, 0, 1);			/* ISA */
	aml_buf_put(b, irq, 1);
	aml_buf_put(b, gsi, 4);
	aml_buf_put(b, flags, 2);
}

/* The SCI and the PCI links' IRQs: level, active-high, in IRQ order as QEMU. */
static void madt_level_irqs(struct aml_buf *b, const struct acpi_machine *m)
{
	unsigned int irq;

	for (irq = 1; irq < 16; irq++)
		if (irq == m->sci_irq || is_link_irq(irq))
			madt_override(b, (uint8_t)irq, irq, MADT_LEVEL_HIGH);
}

static size_t build_madt(struct acpi_ctx *c)
{
	const struct acpi_machine *m = c->m;
	struct aml_buf *b = &c->tables;
	size_t t = table_begin(c, "APIC", 1, 8);
	unsigned int i;

	aml_buf_put(b, m->lapic_addr, 4);
	aml_buf_put(b, 1, 4);			/* PCAT_COMPAT: there are 8259s */
	for (i = 0; i < m->nr_cpus; i++) {
		aml_buf_put(b, 0, 1);		/* Processor Local APIC */
		aml_buf_put(b, 8, 1);
		aml_buf_put(b, i, 1);		/* ACPI processor UID */
		aml_buf_put(b, i, 1);		/* APIC ID */
		aml_buf_put(b, 1, 4);		/* enabled */
	}
	aml_buf_put(b, 1, 1);			/* I/O APIC */
	aml_buf_put(b, 12, 1);
	aml_buf_put(b, m->ioapic_id, 1);
	aml_buf_put(b, 0, 1);
	aml_buf_put(b, m->ioapic_addr, 4);
	aml_buf_put(b, 0, 4);			/* GSI base */
	madt_override(b, 0, 2, 0);		/* the PIT on pin 2, as QEMU */
	madt_level_irqs(b, m);
	aml_buf_put(b, 4, 1);			/* Local APIC NMI */
	aml_buf_put(b, 6, 1);
	aml_buf_put(b, 0xff, 1);			/* all processors */
	aml_buf_put(b, 0, 2);
	aml_buf_put(b, 1, 1);			/* LINT1 */
	table_end(c, t);
	return t;
}

/* The RSDT (4-byte entries) or XSDT (8-byte entries) listing @n tables. */
static size_t build_sdt(struct acpi_ctx *c, const char *sig, uint8_t size, const size_t *entry,
			unsigned int n)
{
	size_t t = table_begin(c, sig, 1, 8);
	unsigned int i;

	for (i = 0; i < n; i++)
		table_pointer(c, &c->tables, ACPI_FILE_TABLES, aml_buf_zero(&c->tables, size), size,
			      entry[i]);
	table_end(c, t);
	return t;
}

/* The ACPI 2.0 RSDP: a 20-byte checksum over the 1.0 part, then one over all 36 bytes. */
static void build_rsdp(struct acpi_ctx *c, size_t rsdt, size_t xsdt)
{
	struct aml_buf *r = &c->rsdp;

	aml_buf_put_bytes(r, "RSD PTR ", 8);
	aml_buf_put(r, 0, 1);			/* checksum */
	aml_buf_put_bytes(r, ACPI_OEM_ID, 6);
	aml_buf_put(r, 2, 1);			/* revision */
	table_pointer(c, r, ACPI_FILE_RSDP, aml_buf_zero(r, 4), 4, rsdt);
	aml_buf_put(r, 36, 4);
	table_pointer(c, r, ACPI_FILE_RSDP, aml_buf_zero(r, 8), 8, xsdt);
	aml_buf_zero(r, 4);				/* extended checksum, reserved */
	loader_add_checksum(&c->loader, ACPI_FILE_RSDP, 8, 0, 20);
	loader_add_checksum(&c->loader, ACPI_FILE_RSDP, 32, 0, 36);
}

/* ---- The entry points ---- */

static int acpi_check_irqs(const struct acpi_machine *m, struct lk_err *err)
{
	/*
	 * ISA IRQs are below 16; 0 is the timer, routed to GSI 2 in the MADT,
	 * 2 the cascade, and 5, 10 and 11 the PCI links'.
	 */
	if (m->sci_irq == 0 || m->sci_irq == 2 || m->sci_irq > 15 || is_link_irq(m->sci_irq))
		return err_set(err, LK_EXIT_HOST, "ACPI tables: SCI IRQ %u is not a free ISA IRQ",
			       m->sci_irq);
	if (m->serial_port && (m->serial_irq == 0 || m->serial_irq == 2 ||
			       m->serial_irq > 15 || m->serial_irq == m->sci_irq ||
			       is_link_irq(m->serial_irq)))
		return err_set(err, LK_EXIT_HOST,
			       "ACPI tables: serial IRQ %u is not a free ISA IRQ (SCI is %u)",
			       m->serial_irq, m->sci_irq);
	return 0;
}

static int acpi_check(const struct acpi_machine *m, struct lk_err *err)
{
	if (m->nr_cpus < 1 || m->nr_cpus > 255)
		return err_set(err, LK_EXIT_HOST,
			       "ACPI tables: %u vCPUs; the MADT's 8-bit APIC IDs allow 1 to 255",
			       m->nr_cpus);
	if (m->ioapic_id > 15)
		return err_set(err, LK_EXIT_HOST,
			       "ACPI tables: IOAPIC ID %u does not fit its 4-bit ID register",
			       m->ioapic_id);
	if (m->lapic_addr > UINT32_MAX || m->ioapic_addr > UINT32_MAX)
		return err_set(err, LK_EXIT_HOST,
			       "ACPI tables: APIC addresses 0x%llx and 0x%llx must be below 4 GiB",
			       (unsigned long long)m->lapic_addr,
			       (unsigned long long)m->ioapic_addr);
	if (!m->pm_base || m->pm_base > 0x10000 - 12)
		return err_set(err, LK_EXIT_HOST,
			       "ACPI tables: no room for the 12-byte PM block at port 0x%x",
			       m->pm_base);
	if (m->serial_port > 0x10000 - 8)
		return err_set(err, LK_EXIT_HOST,
			       "ACPI tables: no room for the 8 serial ports at 0x%x", m->serial_port);
	if (m->pci_mmio_base >= m->pci_mmio_end || m->pci_mmio_end > 1ULL << 32)
		return err_set(err, LK_EXIT_HOST,
			       "ACPI tables: PCI MMIO window 0x%llx-0x%llx is not inside 4 GiB",
			       (unsigned long long)m->pci_mmio_base,
			       (unsigned long long)m->pci_mmio_end);
	if (m->pci64_size && (m->pci64_base < 1ULL << 32 ||
			      m->pci64_base + m->pci64_size - 1 < m->pci64_base))
		return err_set(err, LK_EXIT_HOST,
			       "ACPI tables: 64-bit PCI MMIO window at 0x%llx, 0x%llx bytes, "
			       "is not above 4 GiB", (unsigned long long)m->pci64_base,
			       (unsigned long long)m->pci64_size);
	return acpi_check_irqs(m, err);
}

int acpi_build(const struct acpi_machine *m, struct acpi_blobs *out, struct lk_err *err)
{
	struct acpi_ctx c = { .m = m };
	size_t dsdt, facs, sdt[2], rsdt, xsdt;

	*out = (struct acpi_blobs){ 0 };
	if (acpi_check(m, err))
		return -1;
	/* Allocations first: every later command names a file already allocated. */
	loader_allocate(&c.loader, ACPI_FILE_RSDP, 16, LOADER_ZONE_FSEG);
	loader_allocate(&c.loader, ACPI_FILE_TABLES, 64, LOADER_ZONE_HIGH);
	dsdt = build_dsdt(&c);
	facs = build_facs(&c);
	sdt[0] = build_fadt(&c, facs, dsdt);
	sdt[1] = build_madt(&c);
	rsdt = build_sdt(&c, "RSDT", 4, sdt, 2);
	xsdt = build_sdt(&c, "XSDT", 8, sdt, 2);
	build_rsdp(&c, rsdt, xsdt);
	if (c.tables.oom || c.rsdp.oom || c.loader.oom) {
		free(c.tables.data);
		free(c.rsdp.data);
		free(c.loader.data);
		return err_set(err, LK_EXIT_HOST, "ACPI tables: out of memory");
	}
	*out = (struct acpi_blobs){
		.tables = c.tables.data, .tables_len = c.tables.len,
		.rsdp = c.rsdp.data, .rsdp_len = c.rsdp.len,
		.loader = c.loader.data, .loader_len = c.loader.len,
	};
	return 0;
}

void acpi_blobs_free(struct acpi_blobs *b)
{
	free(b->tables);
	free(b->rsdp);
	free(b->loader);
	*b = (struct acpi_blobs){ 0 };
}
