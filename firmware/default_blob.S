/* SPDX-License-Identifier: GPL-2.0-only */
/* Embeds the assembled default firmware (firmware/default.S) in the binary. */
	.section .rodata
	.balign	4096
	.globl	lkvm_default_firmware
	.globl	lkvm_default_firmware_end
lkvm_default_firmware:
	.incbin	DEFAULT_FIRMWARE_BIN
lkvm_default_firmware_end:

	.section .note.GNU-stack, "", @progbits
