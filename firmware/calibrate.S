/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The calibration guest of `lkvm-sev caps`: one 4 KiB page that ends at
 * 4 GiB. From the reset vector (real mode, CS base 0xffff0000, IP 0xfff0)
 * it runs CALIBRATE_ITERATIONS iterations of `dec ecx; jnz` and writes 0
 * to the debug-exit port.
 *
 * It is assembled as real-mode code straight into the binary's read-only
 * data: every jump is relative, so nothing needs relocating, and the
 * exported labels tell the VMM (probe/calibrate.c) where the loop and the
 * port write are.
 */
#include "firmware/calibrate.h"

	.section .rodata
	.balign	4096
	.globl	lkvm_calibrate_fw
	.globl	lkvm_calibrate_fw_loop
	.globl	lkvm_calibrate_fw_exit
	.code16
lkvm_calibrate_fw:
	movl	$CALIBRATE_ITERATIONS, %ecx
lkvm_calibrate_fw_loop:
	decl	%ecx
	jnz	lkvm_calibrate_fw_loop
	movb	$0, %al
lkvm_calibrate_fw_exit:
	outb	%al, $CALIBRATE_EXIT_PORT
1:	hlt
	jmp	1b

	.org	lkvm_calibrate_fw + CALIBRATE_SIZE - 16	/* the reset vector */
	jmp	lkvm_calibrate_fw
	.org	lkvm_calibrate_fw + CALIBRATE_SIZE
	.code64

	.section .note.GNU-stack, "", @progbits
