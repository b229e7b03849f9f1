/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * pci: probes the i440FX/PIIX PCI functions OVMF relies on through
 * configuration mechanism #1, then moves the PIIX4 PM I/O block, to test
 * the VMM's config space (IDs, class code, absent functions, a readable
 * 0xcf8, sub-dword data accesses) and its PMBA/PMREGMISC remapping.
 *
 * Prints the host bridge IDs (two 16-bit reads at 0xcfc and 0xcfe, as
 * OVMF reads the device ID), the ISA bridge class code (dword read of
 * reg 8), the PM function IDs (dword read), the vendor ID of the absent
 * 00:05.0 and the value 0xcf8 reads back.  It then maps the PM block at
 * 0xc000 (PMBA = 0xc001, PMREGMISC bit 0), checks that the PM timer at
 * 0xc008 moves across a short busy loop, prints what the old timer port
 * 0xb008 now reads (all-ones once nothing is there) and powers off with
 * SLP_EN through the new PM1a_CNT at 0xc004.  If the VM is still running
 * a while later it writes 0x13 to isa-debug-exit.
 */
	.include "lib.inc"

	.set	EXIT_NOT_OFF,		0x13
	.set	PCI_ABSENT_00_05_0,	PCI_CFG_ENABLE | (5 << 11) | (0 << 8)
	.set	PCI_CLASS_REV,		0x08	/* rev, prog-if, subclass, class */

	.set	NEW_PM_BASE,		0xc000
	.set	TIMER_LOOP,		1000	/* iterations between the reads */

	PM32_ENTRY

	/* 00:00.0: vendor and device ID as two 16-bit reads. */
	PUTS32	msg_host
	movl	$(PCI_I440FX + 0), %eax
	call	pci_cfg_select
	inw	%dx, %ax
	PUTHEX32 4
	PUTC32	':'
	movl	$(PCI_I440FX + 2), %eax
	call	pci_cfg_select
	inw	%dx, %ax
	PUTHEX32 4
	PUTC32	'\n'

	/* 00:01.0: class code, the upper 24 bits of reg 8. */
	PUTS32	msg_isa
	movl	$(PCI_PIIX3_ISA + PCI_CLASS_REV), %eax
	call	pci_cfg_select
	inl	%dx, %eax
	shrl	$8, %eax
	PUTHEX32 6
	PUTC32	'\n'

	/* 00:01.3: both IDs in one dword read. */
	PUTS32	msg_pm
	movl	$(PCI_PIIX4_PM + 0), %eax
	call	pci_cfg_select
	inl	%dx, %eax
	call	print_ids
	PUTC32	'\n'

	/* 00:05.0: nothing there, the vendor ID must read all-ones. */
	PUTS32	msg_absent
	movl	$(PCI_ABSENT_00_05_0 + 0), %eax
	call	pci_cfg_select
	inw	%dx, %ax
	PUTHEX32 4
	PUTC32	'\n'

	/* 0xcf8 must read back what was written. */
	PUTS32	msg_cf8
	movl	$PCI_CFG_ENABLE, %eax
	movw	$PCI_CONFIG_ADDR, %dx
	outl	%eax, %dx
	xorl	%eax, %eax
	inl	%dx, %eax
	PUTHEX32 8
	PUTC32	'\n'

	/* Move the PM block, then see that its timer runs at the new place. */
	PIIX4_PM_ENABLE NEW_PM_BASE
	movw	$(NEW_PM_BASE + ACPI_PM_TMR_OFF), %dx
	inl	%dx, %eax
	movl	%eax, %ebx
	movl	$TIMER_LOOP, %ecx
1:	pause
	loop	1b
	inl	%dx, %eax
	cmpl	$0xffffffff, %ebx
	je	timer_bad
	cmpl	$0xffffffff, %eax
	je	timer_bad
	cmpl	%eax, %ebx
	je	timer_bad
	PUTS32	msg_timer_ok
	jmp	old_base
timer_bad:
	PUTS32	msg_timer_bad

old_base:
	PUTS32	msg_old_base
	movw	$ACPI_PM_TMR, %dx
	inl	%dx, %eax
	PUTHEX32 8
	PUTC32	'\n'

	/* S5 through the new PM1a_CNT. */
	movw	$(NEW_PM_BASE + ACPI_PM1_CNT_OFF), %dx
	movw	$ACPI_SLP_EN_S5, %ax
	outw	%ax, %dx
	POWEROFF_GRACE
	DEBUG_EXIT EXIT_NOT_OFF
	HANG

/* Print the dword %eax of config reg 0 as "<vendor>:<device>". */
print_ids:
	PUTHEX32 4
	PUTC32	':'
	shrl	$16, %eax
	PUTHEX32 4
	ret

	SERIAL_FUNCS32
	SERIAL_HEX32
	PCI_FUNCS32

msg_host:
	.asciz	"pci 00:00.0 "
msg_isa:
	.asciz	"pci 00:01.0 class "
msg_pm:
	.asciz	"pci 00:01.3 "
msg_absent:
	.asciz	"pci 00:05.0 "
msg_cf8:
	.asciz	"cf8 "
msg_timer_ok:
	.asciz	"pmtimer moved: ok\n"
msg_timer_bad:
	.asciz	"pmtimer moved: bad\n"
msg_old_base:
	.asciz	"old pm base: "
