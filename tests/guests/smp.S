/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * smp: brings up every vCPU with the INIT-SIPI-SIPI sequence and has each
 * one report in, to test multi-vCPU support and the local APIC.
 *
 * The BSP reads the CPU count from CMOS register 0x5f (count - 1, as
 * QEMU's pc machine provides), switches to 32-bit flat mode, reports
 * itself and, if there are other CPUs, software-enables its local APIC,
 * copies a real-mode trampoline to RAM at 0x8000 and broadcasts INIT
 * and two SIPIs (vector 0x08) to all CPUs but itself.  Each AP runs the
 * trampoline at 0800:0000, enters 32-bit flat mode, sets up a stack
 * indexed by its APIC ID and reports in as well.
 *
 * Reporting means: read the APIC ID, print "cpu <id> up" while holding a
 * spinlock in RAM, then atomically increment a counter in RAM.  The BSP
 * waits for the counter to reach the CPU count, prints "all <n> cpus up"
 * and powers off; the APs halt.
 */
	.include "lib.inc"

	.set	CMOS_INDEX,		0x70
	.set	CMOS_DATA,		0x71
	.set	CMOS_NR_CPUS,		0x5f	/* QEMU: number of CPUs - 1 */

	.set	APIC_ID,		0xfee00020
	.set	APIC_SVR,		0xfee000f0
	.set	APIC_ICR_LOW,		0xfee00300
	.set	APIC_SVR_ENABLE,	0x100
	.set	ICR_BUSY,		0x1000	/* delivery status */

	.set	TRAMPOLINE,		0x8000	/* AP entry, must be 4 KiB aligned */
	/* Destination all-excluding-self, level assert. */
	.set	ICR_INIT,		0x000c4500
	.set	ICR_SIPI,		0x000c4600 | (TRAMPOLINE >> 12)
	.set	AP_STACKS,		0x9000	/* AP stack n tops at this + (n+1)*size */
	.set	AP_STACK_SIZE,		0x100
	.set	IPI_DELAY,		10000	/* busy-loop iterations */

	/* Variables in RAM. */
	.set	print_lock,		RAM_VARS + 0x0
	.set	cpus_up,		RAM_VARS + 0x4
	.set	nr_cpus,		RAM_VARS + 0x8

	.code16
	.text
entry:
	REAL_MODE_SETUP
	movb	$CMOS_NR_CPUS, %al
	outb	%al, $CMOS_INDEX
	inb	$CMOS_DATA, %al
	movzbl	%al, %eax
	incl	%eax
	movl	%eax, nr_cpus
	ENTER_PM32 bsp32

	.code32
bsp32:
	PM32_SEGMENTS
	movl	$STACK_TOP, %esp
	movl	$0, print_lock
	movl	$0, cpus_up
	call	cpu_report

	cmpl	$1, nr_cpus
	jbe	wait_all

	movl	APIC_SVR, %eax
	orl	$APIC_SVR_ENABLE, %eax
	movl	%eax, APIC_SVR

	movl	$(ROM_BASE + trampoline), %esi
	movl	$TRAMPOLINE, %edi
	movl	$(trampoline_end - trampoline), %ecx
	rep movsb

	movl	$ICR_INIT, %eax
	call	send_ipi
	call	delay
	movl	$ICR_SIPI, %eax
	call	send_ipi
	call	delay
	movl	$ICR_SIPI, %eax
	call	send_ipi

wait_all:
	movl	nr_cpus, %eax
1:	cmpl	cpus_up, %eax
	je	2f
	pause
	jmp	1b
2:	PUTS32	msg_all
	call	serial_putdec32
	PUTS32	msg_cpus_up
	ACPI_POWEROFF
	HANG

/* APs arrive here from the trampoline, in 32-bit mode without a stack. */
ap32:
	PM32_SEGMENTS
	movl	APIC_ID, %eax
	shrl	$24, %eax
	incl	%eax
	imull	$AP_STACK_SIZE, %eax
	addl	$AP_STACKS, %eax
	movl	%eax, %esp
	call	cpu_report
	HANG

/* Print "cpu <apic id> up" under print_lock, then count this CPU. */
cpu_report:
	pushl	%eax
	pushl	%ebx
	movl	APIC_ID, %ebx
	shrl	$24, %ebx
1:	movl	$1, %eax
	lock xchgl %eax, print_lock
	testl	%eax, %eax
	jz	2f
	pause
	jmp	1b
2:	PUTS32	msg_cpu
	movl	%ebx, %eax
	call	serial_putdec32
	PUTS32	msg_up
	movl	$0, print_lock
	lock incl cpus_up
	popl	%ebx
	popl	%eax
	ret

/* Write %eax to ICR low once the previous IPI has been delivered. */
send_ipi:
1:	testl	$ICR_BUSY, APIC_ICR_LOW
	jz	2f
	pause
	jmp	1b
2:	movl	%eax, APIC_ICR_LOW
	ret

delay:
	pushl	%ecx
	movl	$IPI_DELAY, %ecx
1:	decl	%ecx
	jnz	1b
	popl	%ecx
	ret

	SERIAL_FUNCS32

/*
 * AP trampoline, copied to TRAMPOLINE and entered in real mode at
 * CS:IP = (TRAMPOLINE >> 4):0000, so CS-relative offsets are taken from
 * the start of the trampoline.  The GDT itself stays in the image; only
 * the pseudo-descriptor must be reachable from real mode.
 */
	.code16
	.balign	16
trampoline:
	cli
	cld
	lgdtl	%cs:(tramp_gdt_desc - trampoline)
	movl	%cr0, %eax
	orl	$1, %eax
	movl	%eax, %cr0
	ljmpl	$SEL_CODE32, $(ROM_BASE + ap32)
tramp_gdt_desc:
	.word	gdt_end - gdt - 1
	.long	ROM_BASE + gdt
trampoline_end:

	GDT_TABLE

msg_cpu:
	.asciz	"cpu "
msg_up:
	.asciz	" up\n"
msg_all:
	.asciz	"all "
msg_cpus_up:
	.asciz	" cpus up\n"

	RESET_VECTOR entry
