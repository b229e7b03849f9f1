/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * pit: whether an 8254 answers at ports 0x40-0x43, for `run --pit`.
 * Programs channel 0 as Linux does for its tick (lobyte/hibyte, mode 2,
 * binary) with a count of 0x1234, reads back the channel's status (the
 * read-back command) and its count (a counter latch), and prints
 * "pit: status N, count in 1..4660" (or "out of"). It writes to
 * isa-debug-exit the status's low 6 bits, 0x34 as programmed, plus 0x40
 * when the count is not one a mode 2 counter of 0x1234 can hold: with
 * KVM's in-kernel PIT 0x34 (exit status 105); without, nothing claims the
 * ports, they read 0xff, and it writes 0x7f (exit status 255).
 */
	.include "lib.inc"

	.set	PIT_CH0,		0x40
	.set	PIT_CMD,		0x43
	.set	PIT_CH0_LOHI_MODE2,	0x34	/* channel 0, lobyte/hibyte, mode 2 */
	.set	PIT_READBACK_STATUS0,	0xe2	/* read-back: channel 0's status only */
	.set	PIT_LATCH_CH0,		0x00	/* counter latch, channel 0 */
	.set	PIT_COUNT,		0x1234
	.set	STATUS_MODE_MASK,	0x3f	/* BCD, mode, access: as programmed */
	.set	BAD_COUNT,		0x40

	.code16
	.text
entry:
	REAL_MODE_SETUP
	movb	$PIT_CH0_LOHI_MODE2, %al
	outb	%al, $PIT_CMD
	movb	$(PIT_COUNT & 0xff), %al
	outb	%al, $PIT_CH0
	movb	$(PIT_COUNT >> 8), %al
	outb	%al, $PIT_CH0

	movb	$PIT_READBACK_STATUS0, %al
	outb	%al, $PIT_CMD
	inb	$PIT_CH0, %al
	andb	$STATUS_MODE_MASK, %al
	movzbl	%al, %ebx			/* the value to exit with */

	movb	$PIT_LATCH_CH0, %al
	outb	%al, $PIT_CMD
	inb	$PIT_CH0, %al
	movb	%al, %cl
	inb	$PIT_CH0, %al
	movb	%al, %ch			/* %cx: the count, low byte first */

	PUTS16	msg_status
	movl	%ebx, %eax
	call	serial_putdec
	testw	%cx, %cx
	jz	bad
	cmpw	$PIT_COUNT, %cx
	ja	bad
	PUTS16	msg_in
	jmp	done
bad:
	orb	$BAD_COUNT, %bl
	PUTS16	msg_out
done:
	movb	%bl, %al
	outb	%al, $DEBUG_EXIT_PORT
	HANG

	SERIAL_FUNCS16

msg_status:
	.asciz	"pit: status "
msg_in:
	.asciz	", count in 1..4660\n"
msg_out:
	.asciz	", count out of 1..4660\n"

	RESET_VECTOR entry
