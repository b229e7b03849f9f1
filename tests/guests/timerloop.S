/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * timerloop: the exit-path benchmark.  Reads port PORT with a 32-bit inl
 * exactly 100000 times in a tight loop, then writes 0 to isa-debug-exit
 * (status 1).  Nothing else, not even serial output, so that the run
 * time is the cost of the I/O exits.  Built twice: timerloop.bin with
 * PORT=0xb008 (the PM timer, OVMF's hottest port: an emulated device)
 * and portloop.bin with PORT=0x40f (unassigned: the bare exit path).
 * Under QEMU the PM timer is not mapped until PIIX4 PM is programmed;
 * that does not matter, the loop is only timed under lkvm-sev.
 */
	.include "lib.inc"

	.ifndef PORT
	.error "build with --defsym PORT=N"
	.endif

	.set	ITERATIONS,	100000

	.code16
	.text
entry:
	REAL_MODE_SETUP
	movl	$ITERATIONS, %ecx
	movw	$PORT, %dx
1:	inl	%dx, %eax
	decl	%ecx
	jnz	1b
	DEBUG_EXIT 0
	HANG

	RESET_VECTOR entry
