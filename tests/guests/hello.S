/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * hello: the basic smoke test.  Prints a greeting on COM1, writes a line
 * to the debug console port 0x402 byte by byte, then powers off via
 * ACPI.  Exercises the reset state, port I/O exits, the UART and the
 * power-off path without ever leaving real mode.
 */
	.include "lib.inc"

	.code16
	.text
entry:
	REAL_MODE_SETUP
	PUTS16	msg_hello

	movw	$msg_debugcon, %si
	movw	$DEBUGCON_PORT, %dx
1:	lodsb	%cs:(%si), %al
	testb	%al, %al
	jz	2f
	outb	%al, %dx
	jmp	1b
2:
	ACPI_POWEROFF
	HANG

	SERIAL_FUNCS16

msg_hello:
	.asciz	"Hello from the guest\n"
msg_debugcon:
	.asciz	"debugcon hello\n"

	RESET_VECTOR entry
