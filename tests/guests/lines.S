/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * lines: prints "line 1" to "line 50", one per line, then "READY" and
 * "PANIC: oops", then loops without exiting: for serial markers found
 * early, late, never, and a failure marker after a success marker.
 */
	.include "lib.inc"

	.code16
	.text
entry:
	REAL_MODE_SETUP
	PUTS16	msg_lines
	jmp	.

	SERIAL_FUNCS16

msg_lines:
	.set	i, 1
	.rept	50
	.ascii	"line "
	.if	i >= 10
	.byte	'0' + i / 10
	.endif
	.byte	'0' + i % 10
	.ascii	"\n"
	.set	i, i + 1
	.endr
	.asciz	"READY\nPANIC: oops\n"

	RESET_VECTOR entry
