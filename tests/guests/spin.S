/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * spin: prints "spinning" and then loops forever without exiting to the
 * VMM, for testing timeouts and that a busy vCPU can be stopped.
 */
	.include "lib.inc"

	.code16
	.text
entry:
	REAL_MODE_SETUP
	PUTS16	msg_spinning
	jmp	.

	SERIAL_FUNCS16

msg_spinning:
	.asciz	"spinning\n"

	RESET_VECTOR entry
