/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * chatty: prints 400 lines of 50 bytes (20000 bytes, one exit each) and
 * powers off: the output-heavy guest for the serial exit path's cost.
 */
	.include "lib.inc"

	.code16
	.text
entry:
	REAL_MODE_SETUP
	movw	$400, %cx
1:	pushw	%cx
	PUTS16	msg_line
	popw	%cx
	loop	1b
	ACPI_POWEROFF
	HANG

	SERIAL_FUNCS16

msg_line:
	.asciz	"chatty: fifty bytes of serial output on each line\n"

	RESET_VECTOR entry
