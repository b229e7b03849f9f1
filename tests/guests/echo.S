/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * echo: prints "echo: ready", then for every byte COM1 receives a line
 * "rx XX" (the byte in hex), forever: what a console's keys turn into on
 * the guest's side, control characters included.
 */
	.include "lib.inc"

	PM32_ENTRY

	PUTS32	msg_ready
echo_loop:
	SERIAL_GETC_AL
	movzbl	%al, %ebx
	PUTC32	'r'
	PUTC32	'x'
	PUTC32	' '
	movl	%ebx, %eax
	PUTHEX32 2
	PUTC32	'\n'
	jmp	echo_loop

	SERIAL_FUNCS32
	SERIAL_HEX32

msg_ready:
	.asciz	"echo: ready\n"
