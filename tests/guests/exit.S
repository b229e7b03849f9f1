/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * exit: prints "exit N" and writes N to isa-debug-exit (port 0xf4), so
 * that the VMM (or QEMU, with status (N << 1) | 1) exits with a status
 * derived from N.  Built once per value with --defsym EXIT_VALUE=N.
 */
	.include "lib.inc"

	.ifndef EXIT_VALUE
	.error "build with --defsym EXIT_VALUE=N"
	.endif

	.code16
	.text
entry:
	REAL_MODE_SETUP
	PUTS16	msg_exit
	movl	$EXIT_VALUE, %eax
	call	serial_putdec
	movb	$'\n', %al
	call	serial_putc
	DEBUG_EXIT EXIT_VALUE
	HANG

	SERIAL_FUNCS16

msg_exit:
	.asciz	"exit "

	RESET_VECTOR entry
