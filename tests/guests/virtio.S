/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * virtio: drives the virtio-rng device (lkvm-sev run --rng,
 * devices/virtio_rng.c) through the modern virtio-pci transport
 * (devices/virtio_pci.h) the way a driver would, to test the transport and
 * the split virtqueues (devices/virtq.h): the capabilities, BAR4, the
 * status and feature negotiation (a refused FEATURES_OK first), queue 0
 * set up smaller than its maximum in low RAM, requests as one buffer, an
 * indirect table and a chain, the ISR, a looping chain that must leave the
 * device NEEDS_RESET, a reset that brings it back, and the PCI
 * configuration access capability: BAR4's registers, the ISR (and INTx)
 * and a doorbell through configuration space. Without the device it
 * prints "no virtio device" and powers off.
 *
 * One line per step with the values read back, register contents in hex
 * and counts in decimal, so that the test compares the whole output
 * (tests/integration/test_guests.c); the random bytes themselves are never
 * printed, only whether a buffer is still all zero. Polling only, with
 * interrupts off and MSI-X disabled: every wait ends at a deadline on the
 * ACPI PM timer, so one that times out shows as a wrong value. A failed
 * power-off exits through isa-debug-exit with EXIT_NOT_OFF.
 */
	.include "lib.inc"
	.include "virtio.inc"

	.set	EXIT_NOT_OFF,		0x13

	/* The device (devices/virtio_pci.h, devices/virtio_rng.c). */
	.set	VIRTIO_RNG_ID,		0x10441af4	/* device:vendor */

	/* Where this guest puts BAR4 (64-bit memory, below 4 GiB). */
	.set	BAR4_ADDR,		0xe0000000

	/* Configuration space. */
	.set	PCI_COMMAND,		0x04
	.set	PCI_STATUS,		0x06
	.set	PCI_CLASS_REV,		0x08
	.set	PCI_BAR1,		0x14
	.set	PCI_BAR4,		0x20
	.set	PCI_BAR5,		0x24
	.set	PCI_SUBSYSTEM,		0x2c
	.set	PCI_CAP_PTR,		0x34
	.set	PCI_INT_PIN,		0x3d
	.set	CMD_MEMORY,		0x0002
	.set	CMD_MASTER,		0x0004
	.set	STATUS_INTERRUPT,	0x08
	.set	STATUS_CAP_LIST,	0x10
	.set	CAP_ID_VNDR,		0x09
	.set	CAP_ID_MSIX,		0x11

	/* virtio_pci_cap (virtio 1.x, 4.1.4). */
	.set	VCAP_LEN,		2
	.set	VCAP_TYPE,		3
	.set	VCAP_BAR,		4
	.set	VCAP_OFFSET,		8
	.set	VCAP_LENGTH,		12
	.set	VCAP_NOTIFY_MULT,	16
	.set	VCAP_DATA,		16	/* virtio_pci_cfg_cap's pci_cfg_data */
	.set	VCAP_COMMON,		1
	.set	VCAP_NOTIFY,		2
	.set	VCAP_ISR,		3
	.set	VCAP_PCI_CFG,		5
	.set	VIRTIO_BAR,		4	/* the BAR of every structure */
	.set	MSIX_BAR,		1

	/* The common configuration (4.1.4.3), from %ebp. */
	.set	CC_DFSELECT,		0x00
	.set	CC_DF,			0x04
	.set	CC_GFSELECT,		0x08
	.set	CC_GF,			0x0c
	.set	CC_MSIX_CONFIG,		0x10
	.set	CC_NUM_QUEUES,		0x12
	.set	CC_STATUS,		0x14
	.set	CC_CFG_GEN,		0x15
	.set	CC_Q_SELECT,		0x16
	.set	CC_Q_SIZE,		0x18
	.set	CC_Q_MSIX,		0x1a
	.set	CC_Q_ENABLE,		0x1c
	.set	CC_Q_NOTIFY_OFF,	0x1e
	.set	CC_Q_DESC,		0x20
	.set	CC_Q_AVAIL,		0x28
	.set	CC_Q_USED,		0x30

	/* Device status (2.1) and features (6). */
	.set	ST_ACKNOWLEDGE,		0x01
	.set	ST_DRIVER,		0x02
	.set	ST_DRIVER_OK,		0x04
	.set	ST_FEATURES_OK,		0x08
	.set	ST_NEEDS_RESET,		0x40
	.set	F_HI_VERSION_1,		0x1		/* bit 32 */
	.set	F_HI_ACCESS_PLATFORM,	0x2		/* bit 33 */
	.set	F_LO_INDIRECT_DESC,	0x10000000	/* bit 28 */

	/* Split virtqueue descriptors (2.7.5). */
	.set	DESC_F_NEXT,		1
	.set	DESC_F_WRITE,		2
	.set	DESC_F_INDIRECT,	4

	/*
	 * Queue 0 in low RAM the guest owns, clear of the variables and the
	 * stack at 0x7000: the descriptor table (16-byte aligned), the
	 * available ring (2), the used ring (4), an indirect table and the
	 * buffers. QUEUE_SIZE is smaller than the device's maximum.
	 */
	.set	QUEUE_SIZE,		8
	.set	QMEM,			0x10000
	.set	QMEM_DWORDS,		0x2000 / 4
	.set	DESC,			QMEM + 0x000
	.set	AVAIL,			QMEM + 0x100
	.set	USED,			QMEM + 0x200
	.set	INDIRECT,		QMEM + 0x300
	.set	BUF,			QMEM + 0x1000

	/* Waits, in PM timer ticks. */
	.set	WAIT_TICKS,		ACPI_PM_TMR_HZ * 10	/* 10 s */

	/* RAM. */
	.set	ARG0,			RAM_VARS + 0x00	/* printf32's arguments */
	.set	ARG1,			RAM_VARS + 0x04
	.set	ARG2,			RAM_VARS + 0x08
	.set	ARG3,			RAM_VARS + 0x0c
	.set	ARG4,			RAM_VARS + 0x10
	.set	ARG5,			RAM_VARS + 0x14
	.set	VIO_CFG,		RAM_VARS + 0x20	/* the device's config address */
	.set	DL_LIMIT,		RAM_VARS + 0x28	/* the deadline: ticks allowed */
	.set	DL_TOTAL,		RAM_VARS + 0x2c	/* ticks so far */
	.set	DL_LAST,		RAM_VARS + 0x30	/* the timer at the last look */
	.set	CAP_COMMON_OFF,		RAM_VARS + 0x34	/* offsets in BAR4, from the caps */
	.set	CAP_ISR_OFF,		RAM_VARS + 0x38
	.set	CAP_NOTIFY_OFF,		RAM_VARS + 0x3c
	.set	NOTIFY_MULT,		RAM_VARS + 0x40
	.set	ISR_ADDR,		RAM_VARS + 0x44
	.set	NOTIFY_ADDR,		RAM_VARS + 0x48	/* queue 0's doorbell */
	.set	CAP_CFG_AT,		RAM_VARS + 0x4c	/* the PCI_CFG capability */

/*
 * Print the format \fmt (a string constant): %1 .. %8 print the next
 * argument in that many hex digits, %d in decimal, %s the string at the
 * linear address it holds. The arguments are registers or immediates.
 * Preserves every register.
 */
.macro PRINTF fmt, a0, a1, a2, a3, a4, a5
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
	.ifnb	\a5
	movl	\a5, ARG5
	.endif
	.pushsection .rodata
9997:	.asciz	"\fmt"
	.popsection
	pushl	%esi
	movl	$(ROM_BASE + 9997b), %esi
	call	printf32
	popl	%esi
.endm

/* Descriptor \i of the table at \table: \addr, \len, \flags, \next. */
.macro DESC_SET table, i, addr, len, flags, next
	movl	$\addr, \table + 16 * \i
	movl	$0, \table + 16 * \i + 4
	movl	$\len, \table + 16 * \i + 8
	movw	$\flags, \table + 16 * \i + 12
	movw	$\next, \table + 16 * \i + 14
.endm

/* Write \val to the device status and read it back into %eax. */
.macro SET_STATUS val
	movb	$\val, CC_STATUS(%ebp)
	movzbl	CC_STATUS(%ebp), %eax
.endm

	PM32_ENTRY

	movl	$0, VIO_CFG
	movl	$0, CAP_COMMON_OFF
	movl	$0, CAP_ISR_OFF
	movl	$0, CAP_NOTIFY_OFF
	movl	$0, NOTIFY_MULT
	movl	$0, CAP_CFG_AT
	PIIX4_PM_ENABLE ACPI_PM_BASE

	/* 1. The first 1af4:1044 on bus 0. */
	xorl	%ebx, %ebx			/* devfn */
find_loop:
	movl	%ebx, %eax
	shll	$8, %eax
	orl	$PCI_CFG_ENABLE, %eax
	movl	%eax, %edi
	call	cfg_rd32
	cmpl	$VIRTIO_RNG_ID, %eax
	je	found
	incl	%ebx
	cmpl	$256, %ebx
	jb	find_loop
	PRINTF	"no virtio device\n"
	jmp	poweroff

found:
	movl	%edi, VIO_CFG
	movl	%ebx, %ecx
	shrl	$3, %ecx			/* slot */
	andl	$7, %ebx			/* function */
	movl	%eax, %edx
	shrl	$16, %edx
	andl	$0xffff, %eax
	PRINTF	"virtio 00:%2.%1 %4:%4\n", %ecx, %ebx, %eax, %edx
	movl	$PCI_CLASS_REV, %eax
	call	vio_rd32
	movl	%eax, %ebx
	shrl	$8, %ebx			/* class code */
	andl	$0xff, %eax			/* revision */
	movl	%eax, %ecx
	movl	$PCI_SUBSYSTEM, %eax
	call	vio_rd32
	movl	%eax, %edx
	shrl	$16, %edx
	andl	$0xffff, %eax
	PRINTF	"class %6 rev %2 subsystem %4:%4\n", %ebx, %ecx, %eax, %edx
	movl	$PCI_COMMAND, %eax
	call	vio_rd16
	movl	%eax, %ebx
	movl	$PCI_STATUS, %eax
	call	vio_rd16
	movl	%eax, %ecx
	movl	$PCI_INT_PIN, %eax
	call	vio_rd8
	PRINTF	"command %4 status %4 pin %2\n", %ebx, %ecx, %eax

	/* The capability list: the virtio ones in full, and MSI-X. */
	movl	$PCI_STATUS, %eax
	call	vio_rd16
	testb	$STATUS_CAP_LIST, %al
	jnz	1f
	PRINTF	"no capability list\n"
	jmp	poweroff
1:	movl	$PCI_CAP_PTR, %eax
	call	vio_rd8
	movl	%eax, %ebx
	movl	$48, %esi			/* at most 48 in 192 bytes */
cap_loop:
	andl	$0xfc, %ebx
	jz	caps_done
	decl	%esi
	jns	1f
	PRINTF	"capability list loops\n"
	jmp	poweroff
1:	movl	%ebx, %eax
	call	vio_rd8
	cmpl	$CAP_ID_VNDR, %eax
	je	cap_virtio
	cmpl	$CAP_ID_MSIX, %eax
	je	cap_msix
	PRINTF	"cap %2 at %2\n", %eax, %ebx
	jmp	cap_next

cap_virtio:
	leal	VCAP_LEN(%ebx), %eax
	call	vio_rd8
	movl	%eax, %ecx
	leal	VCAP_TYPE(%ebx), %eax
	call	vio_rd8
	movl	%eax, %edx
	leal	VCAP_BAR(%ebx), %eax
	call	vio_rd8
	movl	%eax, %edi
	leal	VCAP_LENGTH(%ebx), %eax
	call	vio_rd32
	movl	%eax, ARG5
	leal	VCAP_OFFSET(%ebx), %eax
	call	vio_rd32
	PRINTF	"cap 09 at %2: len %d type %d bar %d offset %8 length %8\n", %ebx, %ecx, %edx, %edi, %eax
	cmpl	$VCAP_COMMON, %edx
	jne	1f
	movl	%eax, CAP_COMMON_OFF
1:	cmpl	$VCAP_ISR, %edx
	jne	2f
	movl	%eax, CAP_ISR_OFF
2:	cmpl	$VCAP_PCI_CFG, %edx
	jne	3f
	movl	%ebx, CAP_CFG_AT
3:	cmpl	$VCAP_NOTIFY, %edx
	jne	cap_next
	movl	%eax, CAP_NOTIFY_OFF
	leal	VCAP_NOTIFY_MULT(%ebx), %eax
	call	vio_rd32
	movl	%eax, NOTIFY_MULT
	PRINTF	"notify multiplier %d\n", %eax
	jmp	cap_next

cap_msix:
	leal	2(%ebx), %eax
	call	vio_rd16
	movl	%eax, %ecx
	leal	4(%ebx), %eax
	call	vio_rd32
	movl	%eax, %edx
	leal	8(%ebx), %eax
	call	vio_rd32
	PRINTF	"cap 11 at %2: msix control %4 table %8 pba %8\n", %ebx, %ecx, %edx, %eax

cap_next:
	leal	1(%ebx), %eax
	call	vio_rd8
	movl	%eax, %ebx
	jmp	cap_loop
caps_done:

	/*
	 * 2. Size BAR1 (the MSI-X table) and BAR4/5, program BAR4 below
	 * 4 GiB and turn memory decoding on.
	 */
	movl	$PCI_BAR1, %eax
	call	bar_size
	movl	%eax, %ebx
	movl	$PCI_BAR4, %eax
	call	bar_size
	movl	%eax, %ecx
	movl	$PCI_BAR5, %eax
	call	bar_size
	PRINTF	"sized: bar1 %8 bar4 %8 bar5 %8\n", %ebx, %ecx, %eax
	movl	$PCI_BAR4, %eax
	movl	$BAR4_ADDR, %ecx
	call	vio_wr32
	movl	$PCI_BAR5, %eax
	xorl	%ecx, %ecx
	call	vio_wr32
	movl	$PCI_COMMAND, %eax
	movl	$(CMD_MEMORY | CMD_MASTER), %ecx
	call	vio_wr16
	movl	$PCI_BAR4, %eax
	call	vio_rd32
	movl	%eax, %ebx
	movl	$PCI_BAR5, %eax
	call	vio_rd32
	movl	%eax, %ecx
	movl	$PCI_COMMAND, %eax
	call	vio_rd16
	PRINTF	"bar4 %8 bar5 %8 command %4\n", %ebx, %ecx, %eax

	/* From here on %ebp is the common configuration. */
	andl	$~0xf, %ebx
	movl	CAP_COMMON_OFF, %ebp
	addl	%ebx, %ebp
	movl	CAP_ISR_OFF, %eax
	addl	%ebx, %eax
	movl	%eax, ISR_ADDR
	movzwl	CC_NUM_QUEUES(%ebp), %ebx
	movw	$0, CC_Q_SELECT(%ebp)
	movzwl	CC_Q_SIZE(%ebp), %ecx
	movzwl	CC_Q_NOTIFY_OFF(%ebp), %edx
	movzwl	CC_Q_MSIX(%ebp), %esi
	movzwl	CC_MSIX_CONFIG(%ebp), %edi
	PRINTF	"num_queues %d, config msix %4\n", %ebx, %edi
	PRINTF	"queue 0: size %d notify_off %d msix %4\n", %ecx, %edx, %esi
	/* Queue 0's doorbell: the notify area + notify_off * the multiplier. */
	movl	%edx, %eax
	imull	NOTIFY_MULT, %eax
	addl	CAP_NOTIFY_OFF, %eax
	addl	$BAR4_ADDR, %eax
	movl	%eax, NOTIFY_ADDR

	/*
	 * 3. Initialisation (3.1.1): reset, ACKNOWLEDGE, DRIVER, the
	 * features, FEATURES_OK. Without VERSION_1 the device must refuse
	 * FEATURES_OK; then again, properly, with INDIRECT_DESC too.
	 */
	SET_STATUS 0
	PRINTF	"reset: status %2\n", %eax
	SET_STATUS ST_ACKNOWLEDGE
	movl	%eax, %ebx
	SET_STATUS (ST_ACKNOWLEDGE | ST_DRIVER)
	PRINTF	"acknowledge: status %2, driver: status %2\n", %ebx, %eax
	movl	$1, CC_DFSELECT(%ebp)
	movl	CC_DF(%ebp), %ebx
	movl	$0, CC_DFSELECT(%ebp)
	movl	CC_DF(%ebp), %ecx
	PRINTF	"device features %8%8\n", %ebx, %ecx

	movl	$F_HI_ACCESS_PLATFORM, %ebx
	xorl	%ecx, %ecx
	call	set_features
	SET_STATUS (ST_ACKNOWLEDGE | ST_DRIVER | ST_FEATURES_OK)
	PRINTF	"driver features %8%8 (no version_1): status %2\n", %ebx, %ecx, %eax
	SET_STATUS 0
	PRINTF	"reset: status %2\n", %eax
	movl	$(F_HI_VERSION_1 | F_HI_ACCESS_PLATFORM), %ebx
	movl	$F_LO_INDIRECT_DESC, %ecx
	call	negotiate
	PRINTF	"driver features %8%8: status %2\n", %ebx, %ecx, %eax

	/* 4. Queue 0, then DRIVER_OK. */
	call	queue_setup
	SET_STATUS (ST_ACKNOWLEDGE | ST_DRIVER | ST_FEATURES_OK | ST_DRIVER_OK)
	PRINTF	"driver ok: status %2\n", %eax

	/* 5. One 16-byte device-writable buffer, zeroed by queue_setup. */
	DESC_SET DESC, 0, BUF, 16, DESC_F_WRITE, 0
	xorl	%eax, %eax
	call	submit
	movl	$BUF, %esi
	movl	$4, %ecx
	call	filled
	movl	USED + 4, %ebx
	movl	USED + 8, %ecx
	PRINTF	"request: used idx %d, id %d len %d, filled %s\n", %eax, %ebx, %ecx, %edx
	/* The used buffer set ISR bit 0 (no MSI-X); reading clears it. */
	movl	ISR_ADDR, %esi
	movzbl	(%esi), %eax
	movzbl	(%esi), %ebx
	PRINTF	"isr %2 then %2\n", %eax, %ebx

	/* 6. An indirect table of two 8-byte buffers, then a chain of two. */
	DESC_SET INDIRECT, 0, BUF + 0x10, 8, DESC_F_WRITE | DESC_F_NEXT, 1
	DESC_SET INDIRECT, 1, BUF + 0x18, 8, DESC_F_WRITE, 0
	DESC_SET DESC, 1, INDIRECT, 32, DESC_F_INDIRECT, 0
	movl	$1, %eax
	call	submit
	movl	$(BUF + 0x10), %esi
	movl	$2, %ecx
	call	filled
	movl	%edx, %ebx
	movl	$(BUF + 0x18), %esi
	call	filled
	movl	USED + 4 + 8, %ecx
	movl	USED + 8 + 8, %esi
	PRINTF	"indirect: used idx %d, id %d len %d, filled %s %s\n", %eax, %ecx, %esi, %ebx, %edx

	DESC_SET DESC, 2, BUF + 0x20, 8, DESC_F_WRITE | DESC_F_NEXT, 3
	DESC_SET DESC, 3, BUF + 0x28, 8, DESC_F_WRITE, 0
	movl	$2, %eax
	call	submit
	movl	$(BUF + 0x20), %esi
	movl	$2, %ecx
	call	filled
	movl	%edx, %ebx
	movl	$(BUF + 0x28), %esi
	call	filled
	movl	USED + 4 + 16, %ecx
	movl	USED + 8 + 16, %esi
	PRINTF	"chain: used idx %d, id %d len %d, filled %s %s\n", %eax, %ecx, %esi, %ebx, %edx
	movl	ISR_ADDR, %esi
	movzbl	(%esi), %eax
	PRINTF	"isr %2\n", %eax

	/*
	 * 7. A chain that loops: descriptor 0 to 1 and back. The device
	 * must give up on the queue and ask for a reset (NEEDS_RESET, ISR
	 * bit 1, a new configuration generation), using nothing.
	 */
	DESC_SET DESC, 0, BUF + 0x30, 8, DESC_F_WRITE | DESC_F_NEXT, 1
	DESC_SET DESC, 1, BUF + 0x38, 8, DESC_F_WRITE | DESC_F_NEXT, 0
	xorl	%eax, %eax
	call	post
	call	wait_needs_reset
	movzwl	USED + 2, %ebx
	movl	ISR_ADDR, %esi
	movzbl	(%esi), %ecx
	movzbl	CC_CFG_GEN(%ebp), %edx
	PRINTF	"loop: status %2, used idx %d, isr %2, generation %d\n", %eax, %ebx, %ecx, %edx

	/* 8. Reset: the queue is off and back at its maximum size. */
	SET_STATUS 0
	movw	$0, CC_Q_SELECT(%ebp)
	movzwl	CC_Q_ENABLE(%ebp), %ebx
	movzwl	CC_Q_SIZE(%ebp), %ecx
	movl	ISR_ADDR, %esi
	movzbl	(%esi), %edx
	PRINTF	"reset: status %2, queue 0 enable %d size %d, isr %2\n", %eax, %ebx, %ecx, %edx
	movl	$(F_HI_VERSION_1 | F_HI_ACCESS_PLATFORM), %ebx
	xorl	%ecx, %ecx
	call	negotiate
	PRINTF	"driver features %8%8: status %2\n", %ebx, %ecx, %eax
	call	queue_setup
	SET_STATUS (ST_ACKNOWLEDGE | ST_DRIVER | ST_FEATURES_OK | ST_DRIVER_OK)
	PRINTF	"driver ok: status %2\n", %eax
	DESC_SET DESC, 0, BUF, 16, DESC_F_WRITE, 0
	xorl	%eax, %eax
	call	submit
	movl	$BUF, %esi
	movl	$4, %ecx
	call	filled
	movl	USED + 4, %ebx
	movl	USED + 8, %ecx
	PRINTF	"request: used idx %d, id %d len %d, filled %s\n", %eax, %ebx, %ecx, %edx

	/* 9. The PCI configuration access capability (4.1.4.9). */
	cmpl	$0, CAP_CFG_AT
	jne	1f
	PRINTF	"no pci configuration access capability\n"
	jmp	poweroff
1:	call	window_regs
	call	window_isr
	call	window_doorbell
	call	window_ignored

	/* 10. Done. */
	PRINTF	"done\n"
poweroff:
	ACPI_POWEROFF
	POWEROFF_GRACE
	DEBUG_EXIT EXIT_NOT_OFF
	HANG

/*
 * Write the driver features %ebx:%ecx (high, low half) and read them back
 * into %ebx:%ecx. Clobbers nothing else.
 */
set_features:
	movl	$1, CC_GFSELECT(%ebp)
	movl	%ebx, CC_GF(%ebp)
	movl	$0, CC_GFSELECT(%ebp)
	movl	%ecx, CC_GF(%ebp)
	movl	$1, CC_GFSELECT(%ebp)
	movl	CC_GF(%ebp), %ebx
	movl	$0, CC_GFSELECT(%ebp)
	movl	CC_GF(%ebp), %ecx
	ret

/*
 * From a reset device: ACKNOWLEDGE, DRIVER, the features %ebx:%ecx (read
 * back there), FEATURES_OK; %eax = the status read back.
 */
negotiate:
	SET_STATUS ST_ACKNOWLEDGE
	SET_STATUS (ST_ACKNOWLEDGE | ST_DRIVER)
	call	set_features
	SET_STATUS (ST_ACKNOWLEDGE | ST_DRIVER | ST_FEATURES_OK)
	ret

/*
 * Queue 0 of QUEUE_SIZE entries in zeroed RAM, enabled; prints what the
 * device reads back. Preserves every register.
 */
queue_setup:
	pushal
	movl	$QMEM, %edi
	movl	$QMEM_DWORDS, %ecx
	xorl	%eax, %eax
	rep stosl
	movw	$0, CC_Q_SELECT(%ebp)
	movw	$QUEUE_SIZE, CC_Q_SIZE(%ebp)
	movl	$DESC, CC_Q_DESC(%ebp)
	movl	$0, CC_Q_DESC + 4(%ebp)
	movl	$AVAIL, CC_Q_AVAIL(%ebp)
	movl	$0, CC_Q_AVAIL + 4(%ebp)
	movl	$USED, CC_Q_USED(%ebp)
	movl	$0, CC_Q_USED + 4(%ebp)
	movw	$1, CC_Q_ENABLE(%ebp)
	movzwl	CC_Q_SIZE(%ebp), %eax
	movl	CC_Q_DESC(%ebp), %ebx
	movl	CC_Q_DESC + 4(%ebp), %ecx
	movl	CC_Q_AVAIL(%ebp), %edx
	movl	CC_Q_AVAIL + 4(%ebp), %esi
	PRINTF	"queue 0: size %d desc %8%8 avail %8%8\n", %eax, %ecx, %ebx, %esi, %edx
	movl	CC_Q_USED(%ebp), %ebx
	movl	CC_Q_USED + 4(%ebp), %ecx
	movzwl	CC_Q_ENABLE(%ebp), %eax
	PRINTF	"queue 0: used %8%8 enable %d\n", %ecx, %ebx, %eax
	popal
	ret

/*
 * Make descriptor %eax available and ring queue 0's doorbell (a 16-bit
 * write of the queue's index); %ebx = the new available index. Clobbers
 * %edi. publish: the same without the doorbell.
 */
post:
	call	publish
	movl	NOTIFY_ADDR, %edi
	movw	$0, (%edi)
	ret
publish:
	movzwl	AVAIL + 2, %ebx
	movl	%ebx, %edi
	andl	$(QUEUE_SIZE - 1), %edi
	movw	%ax, AVAIL + 4(,%edi,2)
	incl	%ebx
	movw	%bx, AVAIL + 2			/* after the entry it publishes */
	ret

/*
 * post, then wait for the used index to reach the available one, %ebx
 * (wait_used); returns it in %eax. Clobbers %ebx and %edi.
 */
submit:
	call	post
wait_used:
	movl	$WAIT_TICKS, %eax
	call	deadline_start
1:	movzwl	USED + 2, %eax
	cmpw	%bx, %ax
	je	2f
	call	deadline_passed
	jnc	1b
2:	ret

/* Poll the device status until NEEDS_RESET; returns it in %eax. */
wait_needs_reset:
	movl	$WAIT_TICKS, %eax
	call	deadline_start
1:	movzbl	CC_STATUS(%ebp), %eax
	testb	$ST_NEEDS_RESET, %al
	jnz	2f
	call	deadline_passed
	jnc	1b
2:	ret

/* Poll the PCI status register until INTx is up; returns it in %eax. */
wait_intx:
	movl	$WAIT_TICKS, %eax
	call	deadline_start
1:	movl	$PCI_STATUS, %eax
	call	vio_rd16
	testb	$STATUS_INTERRUPT, %al
	jnz	2f
	call	deadline_passed
	jnc	1b
2:	ret

/*
 * Point the PCI configuration access window at %ecx bytes at offset %ebx
 * of BAR %edx (cap.length, cap.offset, cap.bar). Clobbers %eax.
 */
win_setup:
	pushl	%ecx
	movl	CAP_CFG_AT, %eax
	addl	$VCAP_LENGTH, %eax
	call	vio_wr32
	movl	CAP_CFG_AT, %eax
	addl	$VCAP_OFFSET, %eax
	movl	%ebx, %ecx
	call	vio_wr32
	movl	CAP_CFG_AT, %eax
	addl	$VCAP_BAR, %eax
	movl	%edx, %ecx
	call	vio_wr32			/* the id and padding stay */
	popl	%ecx
	ret

/*
 * pci_cfg_data, which performs the access: a byte or a dword read into
 * %eax, a word or a dword write of %ecx. Clobber %eax.
 */
win_rd8:
	movl	CAP_CFG_AT, %eax
	addl	$VCAP_DATA, %eax
	jmp	vio_rd8
win_rd32:
	movl	CAP_CFG_AT, %eax
	addl	$VCAP_DATA, %eax
	jmp	vio_rd32
win_wr16:
	movl	CAP_CFG_AT, %eax
	addl	$VCAP_DATA, %eax
	jmp	vio_wr16
win_wr32:
	movl	CAP_CFG_AT, %eax
	addl	$VCAP_DATA, %eax
	jmp	vio_wr32

/*
 * Through the window: the status and the device features' high half read
 * as BAR4 reads them; a write of queue_select shows in BAR4 (queue 1 does
 * not exist: size 0). Preserves every register.
 */
window_regs:
	pushal
	movl	$VIRTIO_BAR, %edx
	movl	$CC_STATUS, %ebx
	movl	$1, %ecx
	call	win_setup
	call	win_rd8
	movzbl	CC_STATUS(%ebp), %ebx
	PRINTF	"window: status %2 (bar4 %2)\n", %eax, %ebx
	movl	$1, CC_DFSELECT(%ebp)
	movl	$CC_DF, %ebx
	movl	$4, %ecx
	call	win_setup
	call	win_rd32
	movl	%eax, %ebx
	movl	CC_DF(%ebp), %ecx
	movl	$0, CC_DFSELECT(%ebp)
	PRINTF	"window: device features hi %8 (bar4 %8)\n", %ebx, %ecx
	movl	$CC_Q_SELECT, %ebx
	movl	$2, %ecx
	call	win_setup
	movl	$1, %ecx
	call	win_wr16
	movzwl	CC_Q_SELECT(%ebp), %ebx
	movzwl	CC_Q_SIZE(%ebp), %ecx
	movw	$0, CC_Q_SELECT(%ebp)
	PRINTF	"window: queue_select 1: bar4 queue_select %d, size %d\n", %ebx, %ecx
	popal
	ret

/*
 * The last request left ISR bit 0 and INTx up (no MSI-X): reading the ISR
 * through the window clears both at once. Preserves every register.
 */
window_isr:
	pushal
	call	wait_intx
	movl	%eax, %esi
	movl	$VIRTIO_BAR, %edx
	movl	CAP_ISR_OFF, %ebx
	movl	$1, %ecx
	call	win_setup
	call	win_rd8
	movl	%eax, %edi
	movl	$PCI_STATUS, %eax
	call	vio_rd16
	movl	%eax, %ebx
	movl	ISR_ADDR, %ecx
	movzbl	(%ecx), %ecx
	PRINTF	"window: isr %2, pci status %4 then %4, isr %2\n", %edi, %esi, %ebx, %ecx
	popal
	ret

/*
 * A request made available without touching BAR4, its doorbell rung
 * through the window, must be served. Preserves every register.
 */
window_doorbell:
	pushal
	DESC_SET DESC, 0, BUF + 0x40, 16, DESC_F_WRITE, 0
	xorl	%eax, %eax
	call	publish
	pushl	%ebx
	movl	$VIRTIO_BAR, %edx
	movl	NOTIFY_ADDR, %ebx
	subl	$BAR4_ADDR, %ebx
	movl	$2, %ecx
	call	win_setup
	xorl	%ecx, %ecx
	call	win_wr16
	popl	%ebx
	call	wait_used
	movl	$(BUF + 0x40), %esi
	movl	$4, %ecx
	call	filled
	movl	USED + 4 + 8, %ebx
	movl	USED + 8 + 8, %ecx
	PRINTF	"window kick: used idx %d, id %d len %d, filled %s\n", %eax, %ebx, %ecx, %edx
	popal
	ret

/*
 * Windows the device must ignore: writes of 0 to the status with a length
 * of 3, misaligned, through the MSI-X BAR, and a read past the common
 * configuration, which leaves pci_cfg_data as written. Preserves every
 * register.
 */
window_ignored:
	pushal
	movl	$VIRTIO_BAR, %edx
	movl	$CC_STATUS, %ebx
	movl	$3, %ecx
	call	win_setup
	xorl	%ecx, %ecx
	call	win_wr32
	movl	$(CC_STATUS - 1), %ebx
	movl	$2, %ecx
	call	win_setup
	xorl	%ecx, %ecx
	call	win_wr16
	movl	$MSIX_BAR, %edx
	movl	$CC_STATUS, %ebx
	movl	$1, %ecx
	call	win_setup
	xorl	%ecx, %ecx
	call	win_wr32
	movl	$VIRTIO_BAR, %edx
	movl	$(CC_Q_USED + 4), %ebx		/* the last dword */
	movl	$8, %ecx
	call	win_setup
	movl	$0x12345678, %ecx
	call	win_wr32
	movl	$(CC_Q_USED + 8), %ebx		/* just past it */
	movl	$4, %ecx
	call	win_setup
	call	win_rd32
	movl	%eax, %ecx
	movzbl	CC_STATUS(%ebp), %ebx
	PRINTF	"window ignored: status %2, data %8\n", %ebx, %ecx
	popal
	ret

/*
 * Whether the %ecx dwords at %esi are no longer all zero: %edx = the
 * linear address of "yes" or "no". Preserves everything else.
 */
filled:
	pushl	%eax
	pushl	%ecx
	pushl	%esi
	xorl	%edx, %edx
1:	lodsl
	orl	%eax, %edx
	loop	1b
	testl	%edx, %edx
	movl	$(ROM_BASE + str_no), %edx
	jz	2f
	movl	$(ROM_BASE + str_yes), %edx
2:	popl	%esi
	popl	%ecx
	popl	%eax
	ret

/*
 * BAR register %eax sized: save, write all-ones, read back, restore;
 * returns what it read back. Clobbers nothing else.
 */
bar_size:
	pushl	%ecx
	pushl	%edx
	pushl	%edi
	movl	%eax, %edi
	call	vio_rd32
	movl	%eax, %edx
	movl	%edi, %eax
	movl	$0xffffffff, %ecx
	call	vio_wr32
	movl	%edi, %eax
	call	vio_rd32
	xchgl	%eax, %edx
	movl	%eax, %ecx
	movl	%edi, %eax
	call	vio_wr32
	movl	%edx, %eax
	popl	%edi
	popl	%edx
	popl	%ecx
	ret

	VIRTIO_FUNCS32

	SERIAL_FUNCS32
	SERIAL_HEX32
	PCI_FUNCS32
