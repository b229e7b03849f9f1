/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * triple: prints "triple: faulting", loads an IDT with limit 0, switches
 * to 32-bit protected mode and executes ud2.  The #UD vector lies beyond
 * the IDT limit, and so do the resulting #GP and #DF: the CPU
 * triple-faults (shutdown), which the VMM must detect.
 *
 * The fault is a #UD raised in protected mode because that is what
 * instruction-emulating KVM hosts (such as kvm-pvm) turn into a proper
 * shutdown: there, software interrupts (int3, int n) end in an emulation
 * failure, and in real mode the IVT limit is not checked at all.
 */
	.include "lib.inc"

	.code16
	.text
entry:
	REAL_MODE_SETUP
	PUTS16	msg_faulting
	lidtl	%cs:null_idt
	ENTER_PM32 pm32

	.code32
pm32:
	PM32_SEGMENTS
	ud2
	HANG

	.code16
	SERIAL_FUNCS16

	GDT_TABLE

null_idt:
	.word	0
	.long	0
msg_faulting:
	.asciz	"triple: faulting\n"

	RESET_VECTOR entry
