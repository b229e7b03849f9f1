/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * calibrate: tells a host that runs guest code natively from one that
 * emulates it. 1,000,000 iterations of a two-instruction loop take about
 * 1 ms on hardware virtualization and about a second under an instruction
 * emulator (HOST-NOTES.md: ~0.5 us per instruction). The tests time the
 * whole run; then debug-exit 0 (status 1).
 */
	.include "lib.inc"

	.code16
	.text
entry:
	movl	$1000000, %ecx
1:	decl	%ecx
	jnz	1b
	DEBUG_EXIT 0
	HANG

	RESET_VECTOR entry
