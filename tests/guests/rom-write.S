/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * rom-write: checks that the firmware image is mapped read-only.  From
 * 32-bit flat mode it writes to a dword of the image (offset 0xf800,
 * linear 0xfffff800, holding 0x11223344) and reads it back; a
 * correctly mapped ROM drops the write.  It then waits for a byte on the
 * COM1 receiver, to test that the VMM feeds its input to the UART, and
 * powers off.
 */
	.include "lib.inc"

	.set	ROM_MAGIC,	0x11223344
	.set	ROM_POISON,	0xdeadbeef

	PM32_ENTRY

	/* Read, try to overwrite, read again. */
	movl	ROM_BASE + rom_magic, %eax
	movl	$ROM_POISON, ROM_BASE + rom_magic
	movl	ROM_BASE + rom_magic, %eax
	cmpl	$ROM_MAGIC, %eax
	jne	1f
	PUTS32	msg_unchanged
	jmp	2f
1:	PUTS32	msg_changed
2:
	PUTS32	msg_waiting
	SERIAL_GETC_AL
	PUTS32	msg_got_input

	ACPI_POWEROFF
	HANG

	SERIAL_FUNCS32

msg_unchanged:
	.asciz	"rom: unchanged\n"
msg_changed:
	.asciz	"rom: changed\n"
msg_waiting:
	.asciz	"rom: waiting\n"
msg_got_input:
	.asciz	"rom: got input\n"

	/* Placed at image offset 0xf800 by guest.ld. */
	.section .romdata, "a"
rom_magic:
	.long	ROM_MAGIC
