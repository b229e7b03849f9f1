// SPDX-License-Identifier: GPL-2.0-only
/*
 * libFuzzer target: the machine's devices through the real bus dispatch,
 * as a guest's exits reach them. The machine is the one `run` builds
 * (tests/fuzz/machine.c, on a fake /dev/kvm): UART, CMOS, ACPI PM, reset,
 * port 92, debug-exit, PCI (i440FX, PIIX3, PIIX4 PM), the firmware ROM,
 * fw_cfg with DMA, the CFI flash variable store, pci-testdev, virtio-rng,
 * virtio-blk and virtio-console with their virtqueues in guest RAM. For SNP
 * the RAM starts private: a device touching a page the guest has not
 * shared crashes the target (kvm_fake.c).
 *
 * Input: a flags byte (bit 0 SNP, bit 1 variable store, bit 2 RAM above
 * 4 GiB too); for SNP a count and that many metadata sections (u16 page,
 * u8 pages - 1, u8 type); then operations, one byte each (bits 0-2 the
 * kind, 3-4 log2 of the size, 5 a flag) and their fields, all
 * little-endian:
 *   0 port write    u16 port, u32 value
 *   1 port read     u16 port
 *   2 MMIO write    u8 base, u32 offset, u64 value
 *   3 MMIO read     u8 base, u32 offset
 *   4 RAM write     u8 base, u32 offset, u8 length, bytes (a guest store)
 *   5 PCI config    u8 devfn, u8 register, u32 value (a write with the flag)
 *   6 rep ins/outs  u16 port, u8 count - 1, then for outs count values
 *   7 page state    u32 page, u16 pages, the flag: to private (SNP only)
 * MMIO bases: 0, the PCI hole, the variable store, the firmware, the 64-bit
 * PCI window, RAM above 4 GiB. An access KVM would not exit for (memory in
 * a slot) is not made. After each operation the I/O loop's ready handlers
 * run (doorbells); a stop request (debug-exit, reset, power-off) ends the
 * input, as it ends the vCPUs.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tests/fuzz/fuzz.h"

#define MAX_OPS		1024

enum op_kind {
	OP_PIO_WRITE, OP_PIO_READ, OP_MMIO_WRITE, OP_MMIO_READ, OP_RAM_WRITE, OP_PCI_CFG,
	OP_REP, OP_PAGE_STATE,
};

static uint64_t mmio_base(const struct machine *m, unsigned int sel)
{
	const struct layout *l = &m->layout;
	const uint64_t bases[] = { 0, l->pci_hole_base, l->vars_base, l->fw_base, l->pci64_base,
				   LAYOUT_HIGH_RAM_BASE };

	return bases[sel % (sizeof(bases) / sizeof(bases[0]))];
}

static void pio(struct machine *m, uint16_t port, uint32_t len, uint64_t *v, bool is_write)
{
	uint8_t d[8];

	bus_data_put64(d, len, *v);
	bus_access(&m->pio, port, d, len, is_write);
	*v = bus_data_get64(d, len);
}

static void mmio(struct machine *m, uint64_t gpa, uint32_t len, uint64_t v, bool is_write)
{
	uint8_t d[8];

	if (!fz_machine_mmio_exits(m, gpa, is_write))
		return;		/* KVM serves it from memory */
	bus_data_put64(d, len, v);
	bus_access(&m->mmio, gpa, d, len, is_write);
}

/* A guest store: to RAM where the guest shared it (SNP); private pages are not ours. */
static void ram_write(struct machine *m, struct fz_in *in)
{
	const struct layout *l = &m->layout;
	bool high = (fz_get(in, 1) & 1) && l->ram_high_size;
	uint64_t size = high ? l->ram_high_size : l->ram_low_size;
	uint64_t gpa = fz_get(in, 4) % size + (high ? LAYOUT_HIGH_RAM_BASE : 0);
	size_t n;
	const uint8_t *p = fz_bytes(in, 255, &n);
	void *hva;

	if (!n || gpa + n > (high ? LAYOUT_HIGH_RAM_BASE : 0) + size)
		return;
	if (m->shared && !machine_shared(m, gpa, n))
		return;
	hva = machine_gpa_to_hva(m, gpa, n);
	if (hva)
		memcpy(hva, p, n);
}

static void pci_cfg(struct machine *m, struct fz_in *in, uint32_t len, bool is_write)
{
	uint8_t devfn = (uint8_t)fz_get(in, 1), reg = (uint8_t)fz_get(in, 1);
	uint64_t addr = PCI_CONFIG_ENABLE | (uint32_t)devfn << 8 | (reg & 0xfc);
	uint64_t v = is_write ? fz_get(in, 4) : 0;

	pio(m, PCI_CONFIG_ADDRESS, 4, &addr, true);
	pio(m, PCI_CONFIG_DATA + (reg & 3), len > 4 ? 4 : len, &v, is_write);
}

/* "rep insb/outsw/...": one exit, count accesses (kvm/run.c's run_io()). */
static void rep(struct machine *m, struct fz_in *in, uint32_t len, bool out)
{
	uint16_t port = (uint16_t)fz_get(in, 2);
	unsigned int i, count = (unsigned int)fz_get(in, 1) + 1;
	uint64_t v;

	for (i = 0; i < count && !stop_requested(&m->stop); i++) {
		v = out ? fz_get(in, len) : 0;
		pio(m, port, len, &v, out);
	}
}

static void page_state(struct machine *m, struct fz_in *in, bool to_private)
{
	uint64_t page = fz_get(in, 4), pages = fz_get(in, 2);

	if (m->shared)
		machine_convert(m, page * 4096, pages * 4096, to_private);
}

static void run_ops(struct machine *m, struct fz_in *in)
{
	unsigned int i;

	for (i = 0; i < MAX_OPS && in->n && !stop_requested(&m->stop); i++) {
		unsigned int op = (unsigned int)fz_get(in, 1);
		uint32_t len = 1u << ((op >> 3) & 3);
		uint32_t plen = len > 4 ? 4 : len;
		bool flag = op & 0x20;
		uint64_t v, base;
		uint16_t port;

		switch ((enum op_kind)(op & 7)) {
		case OP_PIO_WRITE:
		case OP_PIO_READ:
			port = (uint16_t)fz_get(in, 2);
			v = (op & 7) == OP_PIO_WRITE ? fz_get(in, 4) : 0;
			pio(m, port, plen, &v, (op & 7) == OP_PIO_WRITE);
			break;
		case OP_MMIO_WRITE:
		case OP_MMIO_READ:
			base = mmio_base(m, (unsigned int)fz_get(in, 1));
			base += fz_get(in, 4);
			v = (op & 7) == OP_MMIO_WRITE ? fz_get(in, len) : 0;
			mmio(m, base, len, v, (op & 7) == OP_MMIO_WRITE);
			break;
		case OP_RAM_WRITE:
			ram_write(m, in);
			break;
		case OP_PCI_CFG:
			pci_cfg(m, in, len, flag);
			break;
		case OP_REP:
			rep(m, in, plen, flag);
			break;
		case OP_PAGE_STATE:
			page_state(m, in, flag);
			break;
		}
		/* The I/O loop, as if it ran now: what the doorbells asked for. */
		while (!stop_requested(&m->stop) && fz_machine_pump(m))
			;
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fz_in in = { data, size };
	struct fz_machine_opts o = { .mem_size = FZ_RAM_SIZE, .devices = true };
	unsigned int flags = (unsigned int)fz_get(&in, 1);
	struct machine *m;
	struct lk_err err;
	int i;

	o.snp = flags & 1;
	o.vars = flags & 2;
	if (flags & 4)
		o.mem_size = LAYOUT_LOW_RAM_END + FZ_RAM_SIZE;
	if (o.snp) {
		o.nr_sections = (int)(fz_get(&in, 1) % 5);
		for (i = 0; i < o.nr_sections; i++) {
			o.sections[i].gpa = (uint32_t)fz_get(&in, 2) * 4096;
			o.sections[i].size = ((uint32_t)fz_get(&in, 1) + 1) * 4096;
			o.sections[i].type = (uint32_t)fz_get(&in, 1);
		}
	}
	m = fz_machine_new(&o, &err);
	if (!m) {	/* the fake host refuses nothing a machine asks */
		fprintf(stderr, "fuzz_devices: no machine: %s\n", err.msg);
		abort();
	}
	run_ops(m, &in);
	fz_machine_free(m);
	return 0;
}
