/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * flash: drives the VARS flash (VARS_SIZE bytes directly below this
 * 64 KiB image) with the CFI commands OVMF's QemuFlash.c uses, to test
 * the VMM's flash model: command and status modes, byte program, block
 * erase, and persistence to the VARS file.
 *
 * From 32-bit flat mode:
 *  (a) OVMF's detection at base+0x10: read the byte, write 0x50 (clear
 *      status) and read, write 0x70 (read status) and read; prints
 *      "flash: probe <orig> <after 0x50> <after 0x70>", then writes 0xff
 *      (read array).  A flash gives 0x00 after 0x70.
 *  (b) programs 0x5a at base+0x100 and 0xa5 at base+0x101 (0x10 + data
 *      each), writes 0xff and prints "flash: programmed <b0> <b1>".
 *  (c) prints "flash: waiting" and waits for one byte on COM1, so that
 *      the test can inspect the VARS file, or kill the VMM, here.
 *  (d) erases block 1 (base+0x1000, 4 KiB) with 0x20 + 0xd0, prints
 *      "flash: erase status <status>", writes 0xff and prints
 *      "flash: erased <first byte> <last byte>" of the block.
 * Then powers off via 0xb004; if that did not stop the VM (QEMU, where
 * the PM block is not mapped until programmed), exits with 0x14.
 */
	.include "lib.inc"

	.ifndef VARS_SIZE
	.error "build with --defsym VARS_SIZE=N"
	.endif

	.set	VARS_BASE,	ROM_BASE - VARS_SIZE
	.set	PROBE_OFF,	0x10		/* where OVMF probes */
	.set	PROG_OFF,	0x100
	.set	BLOCK1_OFF,	0x1000		/* 4 KiB erase blocks */
	.set	BLOCK_SIZE,	0x1000
	.set	EXIT_NOT_OFF,	0x14

	/* CFI commands. */
	.set	CMD_PROGRAM,	0x10
	.set	CMD_ERASE,	0x20
	.set	CMD_CONFIRM,	0xd0
	.set	CMD_CLEAR_STAT,	0x50
	.set	CMD_READ_STAT,	0x70
	.set	CMD_READ_ARRAY,	0xff

	PM32_ENTRY
	movl	$VARS_BASE, %ebx

	/* (a) Detection. */
	movzbl	PROBE_OFF(%ebx), %eax
	movb	$CMD_CLEAR_STAT, PROBE_OFF(%ebx)
	movzbl	PROBE_OFF(%ebx), %ecx
	movb	$CMD_READ_STAT, PROBE_OFF(%ebx)
	movzbl	PROBE_OFF(%ebx), %edx
	PUTS32	msg_probe
	call	puthex2
	PUTC32	' '
	call	puthex2_pair
	movb	$CMD_READ_ARRAY, PROBE_OFF(%ebx)

	/* (b) Program two bytes. */
	movb	$CMD_PROGRAM, PROG_OFF(%ebx)
	movb	$0x5a, PROG_OFF(%ebx)
	movb	$CMD_PROGRAM, PROG_OFF + 1(%ebx)
	movb	$0xa5, PROG_OFF + 1(%ebx)
	movb	$CMD_READ_ARRAY, PROG_OFF(%ebx)
	movzbl	PROG_OFF(%ebx), %ecx
	movzbl	PROG_OFF + 1(%ebx), %edx
	PUTS32	msg_programmed
	call	puthex2_pair

	/* (c) Wait for a byte on COM1. */
	PUTS32	msg_waiting
	SERIAL_GETC_AL

	/* (d) Erase block 1; the read after the confirm gives the status. */
	movb	$CMD_ERASE, BLOCK1_OFF(%ebx)
	movb	$CMD_CONFIRM, BLOCK1_OFF(%ebx)
	movzbl	BLOCK1_OFF(%ebx), %eax
	PUTS32	msg_erase_status
	call	puthex2
	PUTC32	'\n'
	movb	$CMD_READ_ARRAY, BLOCK1_OFF(%ebx)
	movzbl	BLOCK1_OFF(%ebx), %ecx
	movzbl	BLOCK1_OFF + BLOCK_SIZE - 1(%ebx), %edx
	PUTS32	msg_erased
	call	puthex2_pair

	ACPI_POWEROFF
	POWEROFF_GRACE
	DEBUG_EXIT EXIT_NOT_OFF
	HANG

/* Print %al as two hex digits.  Preserves all registers. */
puthex2:
	PUTHEX32 2
	ret

/* Print "<%cl> <%dl>\n", each as two hex digits.  Clobbers %eax. */
puthex2_pair:
	movl	%ecx, %eax
	call	puthex2
	PUTC32	' '
	movl	%edx, %eax
	call	puthex2
	PUTC32	'\n'
	ret

	SERIAL_FUNCS32
	SERIAL_HEX32

msg_probe:
	.asciz	"flash: probe "
msg_programmed:
	.asciz	"flash: programmed "
msg_waiting:
	.asciz	"flash: waiting\n"
msg_erase_status:
	.asciz	"flash: erase status "
msg_erased:
	.asciz	"flash: erased "
