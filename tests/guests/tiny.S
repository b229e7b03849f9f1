/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * tiny: the benchmark guest.  Prints "OK" and exits through
 * isa-debug-exit with value 0 as quickly as possible: straight-line real
 * mode code that touches neither RAM nor a stack, so the measured time
 * is dominated by VM creation and teardown.
 */
	.include "lib.inc"

	.code16
	.text
entry:
	SERIAL_PUTC_IMM 'O'
	SERIAL_PUTC_IMM 'K'
	SERIAL_PUTC_IMM '\n'
	DEBUG_EXIT 0
	HANG

	RESET_VECTOR entry
