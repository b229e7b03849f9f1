/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * reset: prints "resetting" and asks the platform to reset, either with
 * a hard reset through the reset control register (0x06 to port 0xcf9,
 * RESET_KBD=0) or by pulsing the CPU reset line through the keyboard
 * controller (0xfe to port 0x64, RESET_KBD=1).  Lets the VMM test that
 * both guest-initiated reset paths are recognised.
 */
	.include "lib.inc"

	.ifndef RESET_KBD
	.error "build with --defsym RESET_KBD=0|1"
	.endif

	.code16
	.text
entry:
	REAL_MODE_SETUP
	PUTS16	msg_resetting
	.if RESET_KBD
	movb	$0xfe, %al
	outb	%al, $0x64
	.else
	movw	$0xcf9, %dx
	movb	$0x06, %al
	outb	%al, %dx
	.endif
	HANG

	SERIAL_FUNCS16

msg_resetting:
	.asciz	"resetting\n"

	RESET_VECTOR entry
