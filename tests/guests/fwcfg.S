/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * fwcfg: reads QEMU's fw_cfg through the I/O port interface, the way
 * OVMF's QemuFwCfgLib does before DMA is known, to test the VMM's fw_cfg
 * device and its handling of string I/O (rep insb) exits.
 *
 * Single items (id, nb_cpus, the file count) are read one inb at a time
 * from 0x511; the signature, the directory entries and the e820 table
 * with rep insb.  It prints the signature, id, CPU count and file count,
 * looks up "etc/e820" in the file directory and prints every entry, then
 * "fw_cfg: done" and writes 0x10 to isa-debug-exit (QEMU status 33).
 * Without the "QEMU" signature it prints "fw_cfg: no signature" and
 * exits with 0x15; without etc/e820 it prints "fw_cfg: no e820".
 */
	.include "lib.inc"

	/* All of it: the report, with the port routines doing the reads. */
	PM32_ENTRY
	FWCFG_REPORT32 fwcfg_port_read_buf, fwcfg_port_read_item, 1

	FWCFG_PORT_FUNCS32
	SERIAL_FUNCS32
	SERIAL_HEX32
	E820_PRINT32
