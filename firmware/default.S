/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The embedded default firmware: what `lkvm-sev run` boots without
 * --firmware. It prints a banner with the vCPU count and the RAM size, read
 * from the CMOS registers a PC platform fills in (0x5f: CPUs - 1; 0x30/0x31,
 * 0x34/0x35, 0x5b-0x5d: memory), and powers the VM off through the ACPI PM1
 * control register (SLP_TYP S5 | SLP_EN), so the run ends with status 0.
 *
 * 64 KiB image ending at 4 GiB; real mode with CS base 0xffff0000 from the
 * reset vector, so IP equals the image offset. Data is read CS-relative.
 */
	.code16
	.text
	.globl	_start
_start:
entry:
	cli
	xorw	%ax, %ax
	movw	%ax, %ss
	movw	$0x7000, %sp		/* stack in low RAM */

	movw	$msg_banner, %si
	call	puts

	movb	$0x5f, %al		/* CPUs - 1 */
	call	cmos_read
	movzbl	%al, %eax
	incl	%eax
	call	putdec
	movw	$msg_cpus, %si
	call	puts

	call	ram_mib
	call	putdec
	movw	$msg_ram, %si
	call	puts

	movw	$0xb004, %dx		/* PM1a_CNT: SLP_TYP 0 (S5) | SLP_EN */
	movw	$0x2000, %ax
	outw	%ax, %dx
halt:
	hlt
	jmp	halt

/* RAM in MiB into %eax, from the CMOS memory-size registers. */
ram_mib:
	movb	$0x35, %al
	call	cmos_read
	movb	%al, %ah
	movb	$0x34, %al
	call	cmos_read16
	testl	%eax, %eax
	jz	1f
	shrl	$4, %eax		/* 64 KiB units above 16 MiB */
	addl	$16, %eax
	jmp	2f
1:	movb	$0x31, %al		/* KiB above 1 MiB */
	call	cmos_read
	movb	%al, %ah
	movb	$0x30, %al
	call	cmos_read16
	addl	$1024, %eax
	shrl	$10, %eax
2:	movl	%eax, %ebx
	movb	$0x5d, %al		/* 64 KiB units above 4 GiB, 24 bits */
	call	cmos_read
	movzbl	%al, %ecx
	shll	$16, %ecx
	movb	$0x5c, %al
	call	cmos_read
	movb	%al, %ch
	movb	$0x5b, %al
	call	cmos_read
	movb	%al, %cl
	shrl	$4, %ecx
	leal	(%ebx, %ecx), %eax
	ret

/* %al = CMOS register; returns its value in %al. */
cmos_read:
	outb	%al, $0x70
	inb	$0x71, %al
	ret

/* %ah = high byte already read, %al = low register: %eax = 16-bit value. */
cmos_read16:
	pushw	%ax
	call	cmos_read
	popw	%dx
	movb	%dh, %ah
	movzwl	%ax, %eax
	ret

/* Prints the NUL-terminated string at %cs:%si. */
puts:
	lodsb	%cs:(%si), %al
	testb	%al, %al
	jz	1f
	call	putc
	jmp	puts
1:	ret

/* Prints %al on COM1 once the transmitter is empty. */
putc:
	pushw	%dx
	pushw	%ax
	movw	$0x3fd, %dx
1:	inb	%dx, %al
	testb	$0x20, %al
	jz	1b
	popw	%ax
	movw	$0x3f8, %dx
	outb	%al, %dx
	popw	%dx
	ret

/* Prints %eax in decimal. */
putdec:
	movl	$10, %ecx
	xorw	%bx, %bx
1:	xorl	%edx, %edx
	divl	%ecx
	pushw	%dx
	incw	%bx
	testl	%eax, %eax
	jnz	1b
2:	popw	%ax
	addb	$'0', %al
	call	putc
	decw	%bx
	jnz	2b
	ret

msg_banner:	.asciz	"lkvm-sev default firmware: "
msg_cpus:	.asciz	" vCPU(s), "
msg_ram:	.asciz	" MiB of RAM; powering off\n"

	.org	0xfff0
reset_vector:
	jmp	entry
	.org	0xffff
	.byte	0
