/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * pmtimer: busy-waits 10 ms on the ACPI PM timer at 0xb008 the way
 * OVMF's AcpiTimerLib does (24-bit counter at 3.579545 MHz, wrap handled
 * by a masked subtraction), to test that the VMM's timer runs at the
 * right rate and that the wait ends.  The test times the run from
 * outside.
 *
 * The PM block is first mapped at 0xb000 through PIIX4 PMBA/PMREGMISC,
 * as OVMF does: a no-op where the VMM maps it there from the start, and
 * required under QEMU.  Prints "pmtimer: waited <ticks> ticks" (at least
 * 35795; a few more from the last read's latency) and powers off via
 * PM1a_CNT at 0xb004.
 */
	.include "lib.inc"

	.set	WAIT_TICKS,	(ACPI_PM_TMR_HZ + 50) / 100	/* 10 ms: 35795 */

	PM32_ENTRY

	PIIX4_PM_ENABLE ACPI_PM_BASE

	movw	$ACPI_PM_TMR, %dx
	inl	%dx, %eax
	movl	%eax, %ebx			/* start */
1:	inl	%dx, %eax
	subl	%ebx, %eax
	andl	$ACPI_PM_TMR_MASK, %eax		/* ticks since start, mod 2^24 */
	cmpl	$WAIT_TICKS, %eax
	jb	1b

	PUTS32	msg_waited
	call	serial_putdec32
	PUTS32	msg_ticks

	ACPI_POWEROFF
	HANG

	SERIAL_FUNCS32
	PCI_FUNCS32

msg_waited:
	.asciz	"pmtimer: waited "
msg_ticks:
	.asciz	" ticks\n"
