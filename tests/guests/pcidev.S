/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * pcidev: drives the PCI test device (lkvm-sev run --pci-testdev,
 * devices/pci_testdev.h) the way a driver would, to test the PCI model:
 * enumeration of bus 0, the capability list, BAR sizing, decoding and
 * moving, the doorbells (ioeventfds: no exit), MSI-X (table, vector and
 * function masks, the PBA) to the local APIC, and INTx through the PIIX3
 * router (ISA IRQ 10) and the in-kernel IOAPIC, with COMMAND's INTx
 * disable.  Without the test device it lists bus 0, prints "no test
 * device" and powers off.
 *
 * One line per step with the values read back, register contents in hex
 * and counts in decimal, so that the test compares the whole output
 * (tests/integration/test_guests.c).  Every poll ends at a deadline on the
 * ACPI PM timer: a wait that times out shows as a wrong value.  Interrupts
 * are on only while waiting for them.  The INTx handler counts an
 * interrupt whose device status bit is clear as spurious, and the last
 * line says how many came.  An unexpected vector prints its number and
 * exits through isa-debug-exit with EXIT_UNEXPECTED; a failed power-off
 * with EXIT_NOT_OFF.
 */
	.include "lib.inc"

	.set	EXIT_NOT_OFF,		0x13
	.set	EXIT_UNEXPECTED,	0x21

	/* The test device (devices/pci_testdev.h). */
	.set	TD_VENDOR_DEVICE,	0x7e571234
	.set	TD_ID,			0x00
	.set	TD_SCRATCH,		0x04
	.set	TD_SCRATCH64,		0x08
	.set	TD_DOORBELL,		0x10
	.set	TD_DOORBELL_MATCH,	0x14
	.set	TD_COUNT,		0x18
	.set	TD_MISSES,		0x1c
	.set	TD_IRQ_ACK,		0x20
	.set	TD_EXITS,		0x24
	.set	TD_MATCH_VALUE,		0x5a5a5a5a
	.set	TD_MSIX_PBA,		0x800	/* in BAR2 */

	/* Where this guest puts the BARs. */
	.set	BAR0_OLD,		0xe0000000
	.set	BAR0_NEW,		0xe0200000
	.set	BAR1_IO,		0xc100
	.set	BAR2_MEM,		0xe0100000

	/* Configuration space. */
	.set	PCI_COMMAND,		0x04
	.set	PCI_STATUS,		0x06
	.set	PCI_CLASS_REV,		0x08
	.set	PCI_HEADER_TYPE,	0x0e
	.set	PCI_BAR0,		0x10
	.set	PCI_CAP_PTR,		0x34
	.set	PCI_INT_LINE,		0x3c
	.set	PCI_INT_PIN,		0x3d
	.set	CMD_IO,			0x0001
	.set	CMD_MEMORY,		0x0002
	.set	CMD_MASTER,		0x0004
	.set	CMD_INTX_DISABLE,	0x0400
	.set	STATUS_INTERRUPT,	0x08
	.set	STATUS_CAP_LIST,	0x10
	.set	CAP_ID_MSIX,		0x11
	.set	MSIX_ENABLE,		0x8000
	.set	MSIX_MASKALL,		0x4000
	.set	PIIX3_PIRQ_ROUTE,	0x60

	/* Interrupts. */
	.set	PIC1_DATA,		0x21
	.set	PIC2_DATA,		0xa1
	.set	APIC_EOI,		0xfee000b0
	.set	APIC_SVR,		0xfee000f0
	.set	APIC_LVT0,		0xfee00350
	.set	IOAPIC_SEL,		0xfec00000
	.set	IOAPIC_WIN,		0xfec00010
	.set	IOAPIC_LEVEL,		0x8000	/* redirection entry: level-triggered */
	.set	MSI_ADDR,		0xfee00000	/* destination APIC ID 0 */
	.set	MSI_VECTOR,		0x40
	.set	INTX_VECTOR,		0x50
	.set	SPURIOUS_VECTOR,	0xff
	.set	INTX_IRQ,		10

	/* Waits, in PM timer ticks. */
	.set	WAIT_TICKS,		ACPI_PM_TMR_HZ * 10	/* 10 s: a positive wait */
	.set	QUIET_TICKS,		ACPI_PM_TMR_HZ / 50	/* 20 ms: nothing may come */

	/* RAM. */
	.set	IDT_BASE,		0x6000	/* 256 gates */
	.set	ARG0,			RAM_VARS + 0x00	/* printf32's arguments */
	.set	ARG1,			RAM_VARS + 0x04
	.set	ARG2,			RAM_VARS + 0x08
	.set	ARG3,			RAM_VARS + 0x0c
	.set	ARG4,			RAM_VARS + 0x10
	.set	TD_CFG,			RAM_VARS + 0x20	/* the test device's config address */
	.set	MSIX_CAP,		RAM_VARS + 0x24
	.set	DL_LIMIT,		RAM_VARS + 0x28	/* the deadline: ticks allowed */
	.set	DL_TOTAL,		RAM_VARS + 0x2c	/* ticks so far */
	.set	DL_LAST,		RAM_VARS + 0x30	/* the timer at the last look */
	.set	MSI_IRQS,		RAM_VARS + 0x34
	.set	INTX_IRQS,		RAM_VARS + 0x38	/* the device's, acknowledged */
	.set	INTX_SPURIOUS,		RAM_VARS + 0x3c	/* with the device's bit clear */

/*
 * Print the format \fmt (a string constant): %1 .. %8 print the next
 * argument in that many hex digits, %d in decimal.  The arguments are
 * registers or immediates.  Preserves every register.
 */
.macro PRINTF fmt, a0, a1, a2, a3, a4
	.ifnb	\a0
	movl	\a0, ARG0
	.endif
	.ifnb	\a1
	movl	\a1, ARG1
	.endif
	.ifnb	\a2
	movl	\a2, ARG2
	.endif
	.ifnb	\a3
	movl	\a3, ARG3
	.endif
	.ifnb	\a4
	movl	\a4, ARG4
	.endif
	.pushsection .rodata
9997:	.asciz	"\fmt"
	.popsection
	pushl	%esi
	movl	$(ROM_BASE + 9997b), %esi
	call	printf32
	popl	%esi
.endm

/* Point IDT gate \vec at \handler.  Clobbers %eax, %edx and %edi. */
.macro SET_GATE vec, handler
	movl	$(IDT_BASE + 8 * \vec), %edi
	movl	$(ROM_BASE + \handler), %edx
	call	set_gate
.endm

/*
 * Return from an interrupt to the same privilege level without IRET:
 * KVM's instruction emulator, which runs every instruction of these
 * guests on hosts without usable hardware virtualization, emulates IRET
 * in real mode only ("instruction emulation failed" otherwise).  The
 * frame is EIP, CS, EFLAGS: swap EIP and EFLAGS, then popfl and ret.
 */
.macro INT_RETURN
	pushl	%eax
	movl	4(%esp), %eax			/* EIP */
	xchgl	%eax, 12(%esp)			/* EFLAGS out, EIP in */
	movl	%eax, 4(%esp)
	popl	%eax
	popfl
	leal	4(%esp), %esp			/* CS: unchanged */
	ret
.endm

	PM32_ENTRY

	movl	$0, TD_CFG
	movl	$0, MSIX_CAP
	movl	$0, MSI_IRQS
	movl	$0, INTX_IRQS
	movl	$0, INTX_SPURIOUS
	PIIX4_PM_ENABLE ACPI_PM_BASE

	/*
	 * Every vector reports itself, but for the three this guest uses.
	 * The PICs (KVM's start unmasked) and LINT0 (ExtINT on the BSP) are
	 * masked, so ISA IRQ 10 reaches the CPU only through the IOAPIC.
	 */
	movl	$IDT_BASE, %edi
	movl	$(ROM_BASE + vec_stubs), %edx
	movl	$256, %ecx
1:	call	set_gate
	addl	$8, %edi
	addl	$16, %edx
	loop	1b
	SET_GATE MSI_VECTOR, msi_handler
	SET_GATE INTX_VECTOR, intx_handler
	SET_GATE SPURIOUS_VECTOR, spurious_handler
	lidtl	ROM_BASE + idt_desc
	movb	$0xff, %al
	outb	%al, $PIC1_DATA
	outb	%al, $PIC2_DATA
	movl	$0x10700, APIC_LVT0		/* masked ExtINT */

	/* 1. Bus 0: every device, every function of multi-function ones. */
	xorl	%ebx, %ebx			/* devfn */
enum_loop:
	movl	%ebx, %eax
	shll	$8, %eax
	orl	$PCI_CFG_ENABLE, %eax
	movl	%eax, %edi			/* config address */
	call	cfg_rd32
	cmpw	$0xffff, %ax
	jne	1f
	testl	$7, %ebx
	jz	enum_next_dev
	jmp	enum_next_fn
1:	movl	%ebx, %ecx
	shrl	$3, %ecx
	movl	%ebx, %edx
	andl	$7, %edx
	movl	%eax, %esi
	shrl	$16, %esi
	PRINTF	"00:%2.%1 %4:%4\n", %ecx, %edx, %eax, %esi
	cmpl	$TD_VENDOR_DEVICE, %eax
	jne	2f
	cmpl	$0, TD_CFG
	jne	2f
	movl	%edi, TD_CFG
2:	testl	$7, %ebx
	jnz	enum_next_fn
	leal	PCI_HEADER_TYPE(%edi), %eax
	call	cfg_rd8
	testb	$0x80, %al
	jnz	enum_next_fn
enum_next_dev:
	orl	$7, %ebx
enum_next_fn:
	incl	%ebx
	cmpl	$256, %ebx
	jb	enum_loop

	cmpl	$0, TD_CFG
	jne	have_testdev
	PRINTF	"no test device\n"
	jmp	poweroff

have_testdev:
	movl	TD_CFG, %ebx
	shrl	$11, %ebx
	andl	$0x1f, %ebx			/* slot */
	movl	TD_CFG, %ecx
	shrl	$8, %ecx
	andl	$7, %ecx			/* function */
	movl	$PCI_CLASS_REV, %eax
	call	td_rd32
	movl	%eax, %edx
	shrl	$8, %edx			/* class code */
	andl	$0xff, %eax			/* revision */
	movl	%eax, %esi
	movl	$PCI_HEADER_TYPE, %eax
	call	td_rd8
	movl	%eax, %edi
	PRINTF	"testdev 00:%2.%1 class %6 rev %2 header %2\n", %ebx, %ecx, %edx, %esi, %edi
	movl	$PCI_COMMAND, %eax
	call	td_rd16
	movl	%eax, %ebx
	movl	$PCI_STATUS, %eax
	call	td_rd16
	movl	%eax, %ecx
	movl	$PCI_INT_PIN, %eax
	call	td_rd8
	PRINTF	"command %4 status %4 pin %2\n", %ebx, %ecx, %eax

	/* 2. The capability list, and what the MSI-X capability says. */
	movl	$PCI_STATUS, %eax
	call	td_rd16
	testb	$STATUS_CAP_LIST, %al
	jnz	1f
	PRINTF	"no capability list\n"
	jmp	caps_done
1:	movl	$PCI_CAP_PTR, %eax
	call	td_rd8
	movl	%eax, %ebx
	movl	$48, %edi			/* at most 48 in 192 bytes */
cap_loop:
	andl	$0xfc, %ebx
	jz	caps_done
	decl	%edi
	jns	1f
	PRINTF	"capability list loops\n"
	jmp	caps_done
1:	movl	%ebx, %eax
	call	td_rd8
	PRINTF	"cap %2 at %2\n", %eax, %ebx
	cmpl	$CAP_ID_MSIX, %eax
	jne	2f
	movl	%ebx, MSIX_CAP
2:	leal	1(%ebx), %eax
	call	td_rd8
	movl	%eax, %ebx
	jmp	cap_loop
caps_done:
	movl	MSIX_CAP, %ebx
	testl	%ebx, %ebx
	jnz	1f
	PRINTF	"no msi-x capability\n"
	jmp	poweroff
1:	leal	2(%ebx), %eax
	call	td_rd16
	movl	%eax, %ecx
	leal	4(%ebx), %eax
	call	td_rd32
	movl	%eax, %edx
	leal	8(%ebx), %eax
	call	td_rd32
	PRINTF	"msix control %4 table %8 pba %8\n", %ecx, %edx, %eax

	/* 3. Size BARs 0-5: save, write all-ones, read back, restore. */
	xorl	%ebx, %ebx
bar_size_loop:
	leal	PCI_BAR0(,%ebx,4), %edi
	movl	%edi, %eax
	call	td_rd32
	movl	%eax, %esi			/* the original */
	movl	%edi, %eax
	movl	$0xffffffff, %ecx
	call	td_wr32
	movl	%edi, %eax
	call	td_rd32
	movl	%eax, %edx			/* sized */
	movl	%edi, %eax
	movl	%esi, %ecx
	call	td_wr32
	movl	%edi, %eax
	call	td_rd32				/* restored */
	PRINTF	"bar%d %8 sized %8 restored %8\n", %ebx, %esi, %edx, %eax
	incl	%ebx
	cmpl	$6, %ebx
	jb	bar_size_loop

	/*
	 * 4. Program BAR0 (memory), BAR1 (I/O), BAR2/3 (64-bit memory below
	 * 4 GiB): nothing decodes until COMMAND says so.
	 */
	movl	$(PCI_BAR0 + 0), %eax
	movl	$BAR0_OLD, %ecx
	call	td_wr32
	movl	$(PCI_BAR0 + 4), %eax
	movl	$BAR1_IO, %ecx
	call	td_wr32
	movl	$(PCI_BAR0 + 8), %eax
	movl	$BAR2_MEM, %ecx
	call	td_wr32
	movl	$(PCI_BAR0 + 12), %eax
	xorl	%ecx, %ecx
	call	td_wr32
	movl	$(PCI_BAR0 + 0), %eax
	call	td_rd32
	movl	%eax, %ebx
	movl	$(PCI_BAR0 + 4), %eax
	call	td_rd32
	movl	%eax, %ecx
	movl	$(PCI_BAR0 + 8), %eax
	call	td_rd32
	movl	%eax, %edx
	movl	$(PCI_BAR0 + 12), %eax
	call	td_rd32
	PRINTF	"bars %8 %8 %8 %8\n", %ebx, %ecx, %edx, %eax
	movl	BAR0_OLD + TD_ID, %ebx
	movw	$(BAR1_IO + TD_ID), %dx
	inl	%dx, %eax
	PRINTF	"decoding off: mmio %8 io %8\n", %ebx, %eax

	movl	$PCI_COMMAND, %eax
	movl	$(CMD_IO | CMD_MEMORY | CMD_MASTER), %ecx
	call	td_wr16
	movl	$PCI_COMMAND, %eax
	call	td_rd16
	movl	BAR0_OLD + TD_ID, %ebx
	movw	$(BAR1_IO + TD_ID), %dx
	movl	%eax, %ecx
	inl	%dx, %eax
	PRINTF	"command %4: id mmio %8 io %8\n", %ecx, %ebx, %eax

	/* The registers are the same through both BARs. */
	movl	$0x12345678, BAR0_OLD + TD_SCRATCH
	movw	$(BAR1_IO + TD_SCRATCH), %dx
	inl	%dx, %eax
	movl	%eax, %ebx
	movl	$0x9abcdef0, %eax
	outl	%eax, %dx
	movl	BAR0_OLD + TD_SCRATCH, %eax
	PRINTF	"scratch mmio->io %8 io->mmio %8\n", %ebx, %eax
	movl	$0x11223344, BAR0_OLD + TD_SCRATCH64
	movl	$0x55667788, BAR0_OLD + TD_SCRATCH64 + 4
	movzwl	BAR0_OLD + TD_SCRATCH64 + 2, %ebx
	movw	$(BAR1_IO + TD_SCRATCH64 + 4), %dx
	inl	%dx, %eax
	movzbl	BAR0_OLD + TD_SCRATCH64 + 7, %ecx
	PRINTF	"scratch64 %4 %8 %2\n", %ebx, %eax, %ecx

	/* 5. Move BAR0 while it decodes. */
	movl	$(PCI_BAR0 + 0), %eax
	movl	$BAR0_NEW, %ecx
	call	td_wr32
	movl	$(PCI_BAR0 + 0), %eax
	call	td_rd32
	movl	BAR0_NEW + TD_ID, %ebx
	movl	BAR0_OLD + TD_ID, %ecx
	PRINTF	"bar0 moved to %8: id %8, old %8\n", %eax, %ebx, %ecx

	/*
	 * 6. Doorbells: each is an ioeventfd, so ringing one costs no exit.
	 * EXITS counts the accesses that reached the device, this guest's
	 * own reads included (the read of EXITS counts itself): the rest
	 * are the doorbells' exits.  MSI-X is off, so they raise INTx.
	 */
	movl	BAR0_NEW + TD_COUNT, %ebx
	addl	$3, %ebx
	movl	BAR0_NEW + TD_EXITS, %edi
	movl	$1, BAR0_NEW + TD_DOORBELL
	movl	$2, BAR0_NEW + TD_DOORBELL
	movl	$3, BAR0_NEW + TD_DOORBELL
	call	wait_count_mmio
	movl	BAR0_NEW + TD_EXITS, %edx
	subl	%edi, %edx
	subl	%ecx, %edx
	decl	%edx
	PRINTF	"doorbell x3: count %d, exits %d\n", %eax, %edx

	movl	BAR0_NEW + TD_COUNT, %ebx
	incl	%ebx
	movl	BAR0_NEW + TD_EXITS, %edi
	movl	$TD_MATCH_VALUE, BAR0_NEW + TD_DOORBELL_MATCH
	call	wait_count_mmio
	movl	BAR0_NEW + TD_EXITS, %edx
	subl	%edi, %edx
	subl	%ecx, %edx
	decl	%edx
	PRINTF	"match doorbell: count %d, exits %d\n", %eax, %edx

	/* Another value is no doorbell: it exits, and MISSES counts it. */
	movl	BAR0_NEW + TD_EXITS, %edi
	movl	$0x12345678, BAR0_NEW + TD_DOORBELL_MATCH
	movl	BAR0_NEW + TD_EXITS, %edx
	subl	%edi, %edx
	decl	%edx
	movl	BAR0_NEW + TD_MISSES, %ebx
	movl	BAR0_NEW + TD_COUNT, %eax
	PRINTF	"match miss: misses %d, count %d, exits %d\n", %ebx, %eax, %edx

	/* The I/O BAR's doorbells. */
	movw	$(BAR1_IO + TD_COUNT), %dx
	inl	%dx, %eax
	leal	1(%eax), %ebx
	movw	$(BAR1_IO + TD_EXITS), %dx
	inl	%dx, %eax
	movl	%eax, %edi
	movw	$(BAR1_IO + TD_DOORBELL), %dx
	outl	%eax, %dx
	call	wait_count_io
	movw	$(BAR1_IO + TD_EXITS), %dx
	movl	%eax, %esi
	inl	%dx, %eax
	subl	%edi, %eax
	subl	%ecx, %eax
	decl	%eax
	PRINTF	"io doorbell: count %d, exits %d\n", %esi, %eax

	movw	$(BAR1_IO + TD_COUNT), %dx
	inl	%dx, %eax
	leal	1(%eax), %ebx
	movw	$(BAR1_IO + TD_EXITS), %dx
	inl	%dx, %eax
	movl	%eax, %edi
	movw	$(BAR1_IO + TD_DOORBELL_MATCH), %dx
	movl	$TD_MATCH_VALUE, %eax
	outl	%eax, %dx
	call	wait_count_io
	movw	$(BAR1_IO + TD_EXITS), %dx
	movl	%eax, %esi
	inl	%dx, %eax
	subl	%edi, %eax
	subl	%ecx, %eax
	decl	%eax
	PRINTF	"io match doorbell: count %d, exits %d\n", %esi, %eax

	call	wait_intx_status
	PRINTF	"intx status %4\n", %eax

	/*
	 * 7. Memory decoding off: BAR0 reads all-ones, and its doorbell is
	 * gone with it.  The I/O doorbell rung after it shows when the
	 * I/O loop got that far; COUNT is read again a while later.
	 */
	movl	$PCI_COMMAND, %eax
	movl	$(CMD_IO | CMD_MASTER), %ecx
	call	td_wr16
	movl	BAR0_NEW + TD_ID, %esi
	movw	$(BAR1_IO + TD_COUNT), %dx
	inl	%dx, %eax
	leal	1(%eax), %ebx
	movl	$1, BAR0_NEW + TD_DOORBELL
	movw	$(BAR1_IO + TD_DOORBELL), %dx
	outl	%eax, %dx
	call	wait_count_io
	movl	$QUIET_TICKS, %eax
	call	delay
	movw	$(BAR1_IO + TD_COUNT), %dx
	inl	%dx, %eax
	PRINTF	"memory off: id %8, count %d\n", %esi, %eax
	movl	$PCI_COMMAND, %eax
	movl	$(CMD_IO | CMD_MEMORY | CMD_MASTER), %ecx
	call	td_wr16
	movl	BAR0_NEW + TD_ID, %eax
	PRINTF	"memory on: id %8\n", %eax

	/* 8. MSI-X vector 0 to this CPU's local APIC. */
	movl	$0x1ff, APIC_SVR		/* enabled, spurious vector 0xff */
	movl	BAR2_MEM + 12, %eax
	movl	BAR2_MEM + TD_MSIX_PBA, %ebx
	PRINTF	"msix entry 0 control %8 pba %8\n", %eax, %ebx
	movl	$MSI_ADDR, BAR2_MEM + 0
	movl	$0, BAR2_MEM + 4
	movl	$MSI_VECTOR, BAR2_MEM + 8
	movl	$0, BAR2_MEM + 12
	movl	BAR2_MEM + 0, %eax
	movl	BAR2_MEM + 4, %ebx
	movl	BAR2_MEM + 8, %ecx
	movl	BAR2_MEM + 12, %edx
	PRINTF	"msix entry 0 %8 %8 %8 %8\n", %eax, %ebx, %ecx, %edx
	movl	MSIX_CAP, %eax
	addl	$2, %eax
	movl	$MSIX_ENABLE, %ecx
	call	td_wr16
	movl	MSIX_CAP, %eax
	addl	$2, %eax
	call	td_rd16
	movl	%eax, %ebx
	/* With MSI-X on, the function drops the INTx it had raised (status bit 3). */
	movl	$PCI_STATUS, %eax
	call	td_rd16
	PRINTF	"msix control %4, status %4\n", %ebx, %eax

	movl	$1, BAR0_NEW + TD_DOORBELL
	movl	$1, %ebx
	movl	$MSI_IRQS, %esi
	call	wait_irq
	movl	BAR0_NEW + TD_COUNT, %ecx
	PRINTF	"msix irqs %d, count %d\n", %eax, %ecx

	/* A masked vector collects a pending bit; unmasking delivers it. */
	movl	$1, BAR2_MEM + 12
	movl	$1, BAR0_NEW + TD_DOORBELL
	call	wait_pba
	movl	%eax, %ebx
	call	quiet_irq
	movl	MSI_IRQS, %eax
	PRINTF	"msix vector masked: pba %8, irqs %d\n", %ebx, %eax
	movl	$0, BAR2_MEM + 12
	movl	$2, %ebx
	movl	$MSI_IRQS, %esi
	call	wait_irq
	movl	BAR2_MEM + TD_MSIX_PBA, %ebx
	PRINTF	"msix vector unmasked: irqs %d, pba %8\n", %eax, %ebx

	/* The same with the function mask. */
	movl	MSIX_CAP, %eax
	addl	$2, %eax
	movl	$(MSIX_ENABLE | MSIX_MASKALL), %ecx
	call	td_wr16
	movl	$1, BAR0_NEW + TD_DOORBELL
	call	wait_pba
	movl	%eax, %ebx
	call	quiet_irq
	movl	MSI_IRQS, %eax
	PRINTF	"msix function masked: pba %8, irqs %d\n", %ebx, %eax
	movl	MSIX_CAP, %eax
	addl	$2, %eax
	movl	$MSIX_ENABLE, %ecx
	call	td_wr16
	movl	$3, %ebx
	movl	$MSI_IRQS, %esi
	call	wait_irq
	movl	BAR2_MEM + TD_MSIX_PBA, %ebx
	PRINTF	"msix function unmasked: irqs %d, pba %8\n", %eax, %ebx

	/*
	 * 9. INTx: MSI-X off, the line the doorbells of step 6 left up
	 * acknowledged, the PIRQ of INTA routed to IRQ 10 and IOAPIC pin 10
	 * set up level-triggered, active-high, to this CPU.  A quiet window
	 * after each interrupt lets in what else is pending: a conforming
	 * APIC has nothing, kvm-pvm delivers the interrupt a second time
	 * (its ISR bit is not set in the handler, and the vector is pending
	 * again before the handler lowers the line): it counts as spurious.
	 */
	movl	MSIX_CAP, %eax
	addl	$2, %eax
	xorl	%ecx, %ecx
	call	td_wr16
	movl	MSIX_CAP, %eax
	addl	$2, %eax
	call	td_rd16
	movl	%eax, %ebx
	movl	$1, BAR0_NEW + TD_IRQ_ACK
	movl	$PCI_STATUS, %eax
	call	td_rd16
	PRINTF	"msix control %4, intx acknowledged: status %4\n", %ebx, %eax

	movl	TD_CFG, %ebx
	shrl	$11, %ebx
	decl	%ebx
	andl	$3, %ebx			/* INTA's PIRQ: (slot + 0 - 1) & 3 */
	leal	(PCI_PIIX3_ISA + PIIX3_PIRQ_ROUTE)(%ebx), %eax
	movl	$INTX_IRQ, %ecx
	call	cfg_wr8
	movl	$(PCI_PIIX3_ISA + PIIX3_PIRQ_ROUTE), %eax
	call	cfg_rd32
	movl	%eax, %edx
	movl	$PCI_INT_LINE, %eax
	movl	$INTX_IRQ, %ecx
	call	td_wr8
	movl	$PCI_INT_LINE, %eax
	call	td_rd8
	PRINTF	"intx pirq %1 routes %8 line %2\n", %ebx, %edx, %eax
	movl	$(0x10 + 2 * INTX_IRQ + 1), IOAPIC_SEL
	movl	$0, IOAPIC_WIN			/* destination APIC ID 0 */
	movl	$(0x10 + 2 * INTX_IRQ), IOAPIC_SEL
	movl	$(INTX_VECTOR | IOAPIC_LEVEL), IOAPIC_WIN
	movl	IOAPIC_WIN, %eax
	PRINTF	"ioapic pin %d %8\n", $INTX_IRQ, %eax

	movl	$1, BAR0_NEW + TD_DOORBELL
	call	wait_intx_status
	PRINTF	"intx raised: status %4\n", %eax
	movl	$1, %ebx
	movl	$INTX_IRQS, %esi
	call	wait_irq
	call	quiet_irq
	movl	INTX_IRQS, %ebx
	movl	$PCI_STATUS, %eax
	call	td_rd16
	PRINTF	"intx irqs %d, status %4\n", %ebx, %eax

	/* COMMAND's INTx disable holds the line down, not the status bit. */
	movl	$PCI_COMMAND, %eax
	movl	$(CMD_INTX_DISABLE | CMD_IO | CMD_MEMORY | CMD_MASTER), %ecx
	call	td_wr16
	movl	$1, BAR0_NEW + TD_DOORBELL
	call	wait_intx_status
	movl	%eax, %ebx
	call	quiet_irq
	movl	INTX_IRQS, %eax
	PRINTF	"intx disabled: status %4, irqs %d\n", %ebx, %eax
	movl	$PCI_COMMAND, %eax
	movl	$(CMD_IO | CMD_MEMORY | CMD_MASTER), %ecx
	call	td_wr16
	movl	$2, %ebx
	movl	$INTX_IRQS, %esi
	call	wait_irq
	call	quiet_irq
	movl	INTX_IRQS, %ebx
	movl	$PCI_STATUS, %eax
	call	td_rd16
	movl	BAR0_NEW + TD_COUNT, %ecx
	PRINTF	"intx enabled: irqs %d, status %4, count %d\n", %ebx, %eax, %ecx
	movl	INTX_SPURIOUS, %eax
	PRINTF	"intx spurious %d\n", %eax

	/* 10. Done. */
	PRINTF	"done\n"
poweroff:
	ACPI_POWEROFF
	POWEROFF_GRACE
	DEBUG_EXIT EXIT_NOT_OFF
	HANG

/* MSI-X vector 0: count it. */
msi_handler:
	incl	MSI_IRQS
	movl	$0, APIC_EOI
	INT_RETURN

/*
 * INTx, as a driver of a shared line handles it: the device's if its
 * status says so, then acknowledged (the line is level-triggered) before
 * the EOI; counted as spurious otherwise.  Interrupts are enabled only in
 * wait_irq and quiet_irq, never in the middle of a configuration access.
 */
intx_handler:
	pushl	%eax
	movl	$PCI_STATUS, %eax
	call	td_rd16
	testb	$STATUS_INTERRUPT, %al
	jz	1f
	movl	$1, BAR0_NEW + TD_IRQ_ACK
	incl	INTX_IRQS
	jmp	2f
1:	incl	INTX_SPURIOUS
2:	movl	$0, APIC_EOI
	popl	%eax
	INT_RETURN

spurious_handler:
	INT_RETURN

/* The IDT gate at %edi: a 32-bit interrupt gate to %edx.  Clobbers %eax. */
set_gate:
	movl	%edx, %eax
	andl	$0xffff, %eax
	orl	$(SEL_CODE32 << 16), %eax
	movl	%eax, (%edi)
	movl	%edx, %eax
	andl	$0xffff0000, %eax
	orl	$0x8e00, %eax			/* present, DPL 0, 32-bit interrupt gate */
	movl	%eax, 4(%edi)
	ret

/* Any other vector: its stub pushed the number. */
unexpected_vector:
	popl	%eax
	PRINTF	"unexpected vector %2\n", %eax
	DEBUG_EXIT EXIT_UNEXPECTED
	HANG

/*
 * Configuration space: %eax = the address (enable, devfn, register).
 * The reads return the value zero-extended in %eax; the writes take it
 * in %ecx.  The td_ variants take a register of the test device and
 * clobber %eax.  All preserve everything else.
 */
cfg_rd32:
	pushl	%edx
	call	pci_cfg_select
	inl	%dx, %eax
	popl	%edx
	ret
cfg_rd16:
	pushl	%edx
	call	pci_cfg_select
	inw	%dx, %ax
	movzwl	%ax, %eax
	popl	%edx
	ret
cfg_rd8:
	pushl	%edx
	call	pci_cfg_select
	inb	%dx, %al
	movzbl	%al, %eax
	popl	%edx
	ret
cfg_wr32:
	pushl	%eax
	pushl	%edx
	call	pci_cfg_select
	movl	%ecx, %eax
	outl	%eax, %dx
	popl	%edx
	popl	%eax
	ret
cfg_wr16:
	pushl	%eax
	pushl	%edx
	call	pci_cfg_select
	movl	%ecx, %eax
	outw	%ax, %dx
	popl	%edx
	popl	%eax
	ret
cfg_wr8:
	pushl	%eax
	pushl	%edx
	call	pci_cfg_select
	movl	%ecx, %eax
	outb	%al, %dx
	popl	%edx
	popl	%eax
	ret
td_rd32:
	addl	TD_CFG, %eax
	jmp	cfg_rd32
td_rd16:
	addl	TD_CFG, %eax
	jmp	cfg_rd16
td_rd8:
	addl	TD_CFG, %eax
	jmp	cfg_rd8
td_wr32:
	addl	TD_CFG, %eax
	jmp	cfg_wr32
td_wr16:
	addl	TD_CFG, %eax
	jmp	cfg_wr16
td_wr8:
	addl	TD_CFG, %eax
	jmp	cfg_wr8

/*
 * Deadlines on the PM timer, which wraps every 4.7 s: the ticks are
 * summed at each look.  deadline_start: %eax ticks from now.
 * deadline_passed: carry set once they have gone by.  Both preserve
 * every register.
 */
deadline_start:
	pushl	%eax
	pushl	%edx
	movl	%eax, DL_LIMIT
	movl	$0, DL_TOTAL
	movw	$ACPI_PM_TMR, %dx
	inl	%dx, %eax
	movl	%eax, DL_LAST
	popl	%edx
	popl	%eax
	ret

deadline_passed:
	pushl	%eax
	pushl	%edx
	movw	$ACPI_PM_TMR, %dx
	inl	%dx, %eax
	movl	%eax, %edx
	subl	DL_LAST, %eax
	movl	%edx, DL_LAST
	andl	$ACPI_PM_TMR_MASK, %eax
	addl	DL_TOTAL, %eax
	movl	%eax, DL_TOTAL
	cmpl	DL_LIMIT, %eax
	cmc
	popl	%edx
	popl	%eax
	ret

/* Busy-wait %eax ticks. */
delay:
	call	deadline_start
1:	pause
	call	deadline_passed
	jnc	1b
	ret

/*
 * Poll COUNT through BAR0 (at BAR0_NEW) or the I/O BAR until it reaches
 * %ebx, or the wait times out.  Returns COUNT in %eax and the number of
 * reads of it in %ecx.
 */
wait_count_mmio:
	movl	$WAIT_TICKS, %eax
	call	deadline_start
	xorl	%ecx, %ecx
1:	movl	BAR0_NEW + TD_COUNT, %eax
	incl	%ecx
	cmpl	%ebx, %eax
	jae	2f
	call	deadline_passed
	jnc	1b
2:	ret

wait_count_io:
	pushl	%edx
	movl	$WAIT_TICKS, %eax
	call	deadline_start
	xorl	%ecx, %ecx
	movw	$(BAR1_IO + TD_COUNT), %dx
1:	inl	%dx, %eax
	incl	%ecx
	cmpl	%ebx, %eax
	jae	2f
	call	deadline_passed
	jnc	1b
2:	popl	%edx
	ret

/* Poll the test device's status until its interrupt bit is set; %eax = status. */
wait_intx_status:
	movl	$WAIT_TICKS, %eax
	call	deadline_start
1:	movl	$PCI_STATUS, %eax
	call	td_rd16
	testb	$STATUS_INTERRUPT, %al
	jnz	2f
	call	deadline_passed
	jnc	1b
2:	ret

/* Poll the PBA until vector 0 is pending; %eax = its first dword. */
wait_pba:
	movl	$WAIT_TICKS, %eax
	call	deadline_start
1:	movl	BAR2_MEM + TD_MSIX_PBA, %eax
	testb	$1, %al
	jnz	2f
	call	deadline_passed
	jnc	1b
2:	ret

/*
 * With interrupts enabled, wait until the counter at %esi reaches %ebx;
 * returns it in %eax, read after interrupts are off again.
 */
wait_irq:
	movl	$WAIT_TICKS, %eax
	call	deadline_start
	sti
1:	cmpl	%ebx, (%esi)
	jae	2f
	call	deadline_passed
	jnc	1b
2:	cli
	movl	(%esi), %eax
	ret

/* Interrupts enabled for QUIET_TICKS: what is pending comes in. Clobbers %eax. */
quiet_irq:
	movl	$QUIET_TICKS, %eax
	sti
	call	delay
	cli
	ret

/*
 * printf32: print the format at linear address %esi with the arguments
 * at ARG0.. (see PRINTF).  Preserves every register.
 */
printf32:
	pushal
	movl	$ARG0, %ebp
1:	lodsb
	testb	%al, %al
	jz	4f
	cmpb	$'%', %al
	je	2f
	call	serial_putc32
	jmp	1b
2:	lodsb
	movl	(%ebp), %edx
	addl	$4, %ebp
	cmpb	$'d', %al
	je	3f
	movzbl	%al, %ecx
	subl	$'0', %ecx
	movl	%edx, %eax
	call	serial_puthex32
	jmp	1b
3:	movl	%edx, %eax
	call	serial_putdec32
	jmp	1b
4:	popal
	ret

	SERIAL_FUNCS32
	SERIAL_HEX32
	PCI_FUNCS32

idt_desc:
	.word	256 * 8 - 1
	.long	IDT_BASE

/* One 16-byte stub per vector: push the vector, report it. */
	.balign	16
vec_stubs:
	.set	vec, 0
	.rept	256
	pushl	$vec
	jmp	unexpected_vector
	.balign	16
	.set	vec, vec + 1
	.endr
