/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * virtio-blk: drives a disk (lkvm-sev run -d FILE[,ro],
 * devices/virtio_blk.c) through the modern virtio-pci transport the way a
 * driver would, to test the device's requests end to end against the image
 * file: the features and the configuration, then GET_ID, reads and a
 * write of whole sectors, FLUSH, requests the device must refuse (past the
 * end, a length that is not whole sectors, a write to a read-only disk, an
 * unknown type), WRITE_ZEROES, and a read scattered over two buffers.
 * Without the device it prints "no virtio-blk device" and powers off.
 *
 * One line per step and per request, with its status byte and used
 * length, so that the test compares the whole output and then the image
 * (tests/integration/test_guests.c). The transport code is virtio.S's,
 * cut down: polling only, with interrupts off and MSI-X disabled; every
 * wait ends at a deadline on the ACPI PM timer, and a request that never
 * completes shows as status ff, used length 0. A failed power-off exits
 * through isa-debug-exit with EXIT_NOT_OFF.
 */
	.include "lib.inc"
	.include "virtio.inc"

	.set	EXIT_NOT_OFF,		0x13

	/* The device (devices/virtio_pci.h, devices/virtio_blk.c). */
	.set	VIRTIO_BLK_ID,		0x10421af4	/* device:vendor */

	/* Where this guest puts BAR4 (64-bit memory, below 4 GiB). */
	.set	BAR4_ADDR,		0xe0000000

	/* Configuration space. */
	.set	PCI_COMMAND,		0x04
	.set	PCI_STATUS,		0x06
	.set	PCI_BAR4,		0x20
	.set	PCI_BAR5,		0x24
	.set	PCI_CAP_PTR,		0x34
	.set	CMD_MEMORY,		0x0002
	.set	CMD_MASTER,		0x0004
	.set	STATUS_CAP_LIST,	0x10
	.set	CAP_ID_VNDR,		0x09

	/* virtio_pci_cap (virtio 1.x, 4.1.4). */
	.set	VCAP_TYPE,		3
	.set	VCAP_OFFSET,		8
	.set	VCAP_LENGTH,		12
	.set	VCAP_NOTIFY_MULT,	16
	.set	VCAP_COMMON,		1
	.set	VCAP_NOTIFY,		2
	.set	VCAP_DEVICE,		4

	/* The common configuration (4.1.4.3), from %ebp. */
	.set	CC_DFSELECT,		0x00
	.set	CC_DF,			0x04
	.set	CC_GFSELECT,		0x08
	.set	CC_GF,			0x0c
	.set	CC_STATUS,		0x14
	.set	CC_Q_SELECT,		0x16
	.set	CC_Q_SIZE,		0x18
	.set	CC_Q_ENABLE,		0x1c
	.set	CC_Q_NOTIFY_OFF,	0x1e
	.set	CC_Q_DESC,		0x20
	.set	CC_Q_AVAIL,		0x28
	.set	CC_Q_USED,		0x30

	/* Device status (2.1) and the transport's features (6). */
	.set	ST_ACKNOWLEDGE,		0x01
	.set	ST_DRIVER,		0x02
	.set	ST_DRIVER_OK,		0x04
	.set	ST_FEATURES_OK,		0x08
	.set	F_HI_VERSION_1,		0x1		/* bit 32 */
	.set	F_HI_ACCESS_PLATFORM,	0x2		/* bit 33 */

	/* virtio-blk (5.2): features, configuration, requests. */
	.set	F_SEG_MAX,		1 << 2
	.set	F_RO,			1 << 5
	.set	F_BLK_SIZE,		1 << 6
	.set	F_FLUSH,		1 << 9
	.set	F_DISCARD,		1 << 13
	.set	F_WRITE_ZEROES,		1 << 14
	.set	F_BLK_RW,		F_SEG_MAX | F_BLK_SIZE | F_FLUSH | F_DISCARD | F_WRITE_ZEROES
	.set	F_BLK_ALL,		F_BLK_RW | F_RO		/* what this guest knows */
	.set	CFG_CAPACITY,		0
	.set	CFG_SEG_MAX,		12
	.set	CFG_BLK_SIZE,		20
	.set	CFG_MAX_DISCARD_SECTORS, 36
	.set	CFG_MAX_DISCARD_SEG,	40
	.set	CFG_DISCARD_ALIGNMENT,	44
	.set	CFG_MAX_WZ_SECTORS,	48
	.set	CFG_MAX_WZ_SEG,		52
	.set	CFG_WZ_MAY_UNMAP,	56
	.set	T_IN,			0
	.set	T_OUT,			1
	.set	T_FLUSH,		4
	.set	T_GET_ID,		8
	.set	T_WRITE_ZEROES,		13
	.set	T_UNKNOWN,		99
	.set	ID_BYTES,		20
	.set	SECTOR,			512

	/* Split virtqueue descriptors (2.7.5). */
	.set	DESC_F_NEXT,		1
	.set	DESC_F_WRITE,		2

	/*
	 * Queue 0 in low RAM the guest owns, clear of the variables and the
	 * stack at 0x7000: the descriptor table (16-byte aligned), the
	 * available ring (2), the used ring (4), then each request's header,
	 * status byte, write-zeroes segment and buffers. The two halves of
	 * the scattered read lie the wrong way round in memory, so that only
	 * the chain's order puts the sector together.
	 */
	.set	QUEUE_SIZE,		8
	.set	QMEM,			0x10000
	.set	QMEM_DWORDS,		0x1000 / 4
	.set	DESC,			QMEM + 0x000
	.set	AVAIL,			QMEM + 0x100
	.set	USED,			QMEM + 0x200
	.set	HDR,			QMEM + 0x300	/* le32 type, reserved, le64 sector */
	.set	STATUS,			QMEM + 0x310
	.set	SEG,			QMEM + 0x320	/* le64 sector, le32 sectors, flags */
	.set	IDBUF,			QMEM + 0x340	/* 20 bytes, then zeros */
	.set	DATA0,			QMEM + 0x400	/* sector 0, as read first */
	.set	DATA1,			QMEM + 0x600
	.set	DATA2,			QMEM + 0x800
	.set	HALF_B,			QMEM + 0xa00	/* the second 256 bytes ... */
	.set	HALF_A,			QMEM + 0xc00	/* ... and the first */

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
	.set	CAP_DEVICE_OFF,		RAM_VARS + 0x38
	.set	CAP_NOTIFY_OFF,		RAM_VARS + 0x3c
	.set	NOTIFY_MULT,		RAM_VARS + 0x40
	.set	DEV_CFG,		RAM_VARS + 0x44	/* the device configuration */
	.set	NOTIFY_ADDR,		RAM_VARS + 0x48	/* queue 0's doorbell */
	.set	FEATURES,		RAM_VARS + 0x4c	/* the low half negotiated */
	.set	CAPACITY,		RAM_VARS + 0x50	/* le64, in sectors */
	.set	USED_LEN,		RAM_VARS + 0x58	/* the last request's */

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

/* Descriptor \i: \addr, \len, \flags, \next (constants). */
.macro DESC_SET i, addr, len, flags, next
	movl	$\addr, DESC + 16 * \i
	movl	$0, DESC + 16 * \i + 4
	movl	$\len, DESC + 16 * \i + 8
	movw	$\flags, DESC + 16 * \i + 12
	movw	$\next, DESC + 16 * \i + 14
.endm

/* Fill the \bytes (a multiple of 4) at \addr with the byte \val. Clobbers %eax, %ecx, %edi. */
.macro FILL addr, bytes, val
	movl	$\addr, %edi
	movl	$(\bytes / 4), %ecx
	movl	$(\val * 0x01010101), %eax
	rep stosl
.endm

/* Write \val to the device status and read it back into %eax. */
.macro SET_STATUS val
	movb	$\val, CC_STATUS(%ebp)
	movzbl	CC_STATUS(%ebp), %eax
.endm

/* A 32-bit field of the device configuration into \reg. */
.macro CFG_RD32 off, reg
	movl	DEV_CFG, \reg
	movl	\off(\reg), \reg
.endm

	PM32_ENTRY

	movl	$0, VIO_CFG
	movl	$0, CAP_COMMON_OFF
	movl	$0, CAP_DEVICE_OFF
	movl	$0, CAP_NOTIFY_OFF
	movl	$0, NOTIFY_MULT
	PIIX4_PM_ENABLE ACPI_PM_BASE

	/* 1. The first 1af4:1042 on bus 0. */
	xorl	%ebx, %ebx			/* devfn */
find_loop:
	movl	%ebx, %eax
	shll	$8, %eax
	orl	$PCI_CFG_ENABLE, %eax
	movl	%eax, %edi
	call	cfg_rd32
	cmpl	$VIRTIO_BLK_ID, %eax
	je	found
	incl	%ebx
	cmpl	$256, %ebx
	jb	find_loop
	PRINTF	"no virtio-blk device\n"
	jmp	poweroff

found:
	movl	%edi, VIO_CFG
	movl	%ebx, %ecx
	shrl	$3, %ecx			/* slot */
	andl	$7, %ebx			/* function */
	movl	%eax, %edx
	shrl	$16, %edx
	andl	$0xffff, %eax
	PRINTF	"virtio-blk 00:%2.%1 %4:%4\n", %ecx, %ebx, %eax, %edx

	/* The virtio capabilities: where the structures are in BAR4. */
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
	jne	cap_next
	leal	VCAP_TYPE(%ebx), %eax
	call	vio_rd8
	movl	%eax, %edx
	leal	VCAP_OFFSET(%ebx), %eax
	call	vio_rd32
	cmpl	$VCAP_COMMON, %edx
	jne	1f
	movl	%eax, CAP_COMMON_OFF
1:	cmpl	$VCAP_DEVICE, %edx
	jne	2f
	movl	%eax, CAP_DEVICE_OFF
	movl	%eax, %ecx
	leal	VCAP_LENGTH(%ebx), %eax
	call	vio_rd32
	PRINTF	"device config: offset %8 length %d\n", %ecx, %eax
2:	cmpl	$VCAP_NOTIFY, %edx
	jne	cap_next
	movl	%eax, CAP_NOTIFY_OFF
	leal	VCAP_NOTIFY_MULT(%ebx), %eax
	call	vio_rd32
	movl	%eax, NOTIFY_MULT
cap_next:
	leal	1(%ebx), %eax
	call	vio_rd8
	movl	%eax, %ebx
	jmp	cap_loop
caps_done:

	/* 2. BAR4 below 4 GiB, memory decoding and bus mastering on. */
	movl	$PCI_BAR4, %eax
	movl	$BAR4_ADDR, %ecx
	call	vio_wr32
	movl	$PCI_BAR5, %eax
	xorl	%ecx, %ecx
	call	vio_wr32
	movl	$PCI_COMMAND, %eax
	movl	$(CMD_MEMORY | CMD_MASTER), %ecx
	call	vio_wr16

	/* From here on %ebp is the common configuration. */
	movl	$BAR4_ADDR, %ebp
	addl	CAP_COMMON_OFF, %ebp
	movl	$BAR4_ADDR, %eax
	addl	CAP_DEVICE_OFF, %eax
	movl	%eax, DEV_CFG
	movw	$0, CC_Q_SELECT(%ebp)
	movzwl	CC_Q_NOTIFY_OFF(%ebp), %eax
	imull	NOTIFY_MULT, %eax
	addl	CAP_NOTIFY_OFF, %eax
	addl	$BAR4_ADDR, %eax
	movl	%eax, NOTIFY_ADDR

	/*
	 * 3. Initialisation (3.1.1): reset, ACKNOWLEDGE, DRIVER, the
	 * features (VERSION_1, ACCESS_PLATFORM and the blk ones offered that
	 * this guest knows), FEATURES_OK.
	 */
	SET_STATUS 0
	SET_STATUS ST_ACKNOWLEDGE
	SET_STATUS (ST_ACKNOWLEDGE | ST_DRIVER)
	movl	$1, CC_DFSELECT(%ebp)
	movl	CC_DF(%ebp), %ebx
	movl	$0, CC_DFSELECT(%ebp)
	movl	CC_DF(%ebp), %ecx
	PRINTF	"device features %8%8\n", %ebx, %ecx
	andl	$F_BLK_ALL, %ecx
	movl	$(F_HI_VERSION_1 | F_HI_ACCESS_PLATFORM), %ebx
	movl	$1, CC_GFSELECT(%ebp)
	movl	%ebx, CC_GF(%ebp)
	movl	$0, CC_GFSELECT(%ebp)
	movl	%ecx, CC_GF(%ebp)
	movl	$1, CC_GFSELECT(%ebp)
	movl	CC_GF(%ebp), %ebx
	movl	$0, CC_GFSELECT(%ebp)
	movl	CC_GF(%ebp), %ecx
	movl	%ecx, FEATURES
	SET_STATUS (ST_ACKNOWLEDGE | ST_DRIVER | ST_FEATURES_OK)
	PRINTF	"driver features %8%8: status %2\n", %ebx, %ecx, %eax
	testl	$F_RO, FEATURES
	jz	1f
	PRINTF	"read-only\n"
1:
	/* The configuration (fixed for a disk: no generation checks). */
	CFG_RD32 CFG_CAPACITY, %ecx
	movl	%ecx, CAPACITY
	CFG_RD32 CFG_CAPACITY + 4, %ebx
	movl	%ebx, CAPACITY + 4
	CFG_RD32 CFG_SEG_MAX, %edx
	CFG_RD32 CFG_BLK_SIZE, %esi
	PRINTF	"capacity %8%8 sectors, seg_max %d, blk_size %d\n", %ebx, %ecx, %edx, %esi
	CFG_RD32 CFG_MAX_DISCARD_SECTORS, %ebx
	CFG_RD32 CFG_MAX_DISCARD_SEG, %ecx
	CFG_RD32 CFG_DISCARD_ALIGNMENT, %edx
	PRINTF	"discard: max_sectors %d max_seg %d alignment %d\n", %ebx, %ecx, %edx
	CFG_RD32 CFG_MAX_WZ_SECTORS, %ebx
	CFG_RD32 CFG_MAX_WZ_SEG, %ecx
	movl	DEV_CFG, %edx
	movzbl	CFG_WZ_MAY_UNMAP(%edx), %edx
	PRINTF	"write zeroes: max_sectors %d max_seg %d may_unmap %d\n", %ebx, %ecx, %edx

	/* 4. Queue 0, then DRIVER_OK. */
	call	queue_setup
	SET_STATUS (ST_ACKNOWLEDGE | ST_DRIVER | ST_FEATURES_OK | ST_DRIVER_OK)
	PRINTF	"driver ok: status %2\n", %eax

	/* 5. GET_ID: 20 bytes; IDBUF's zeros after them end the string. */
	movl	$T_GET_ID, %eax
	xorl	%ebx, %ebx
	xorl	%edx, %edx
	movl	$IDBUF, %esi
	movl	$ID_BYTES, %ecx
	call	blk_req
	PRINTF	"get id: status %2 len %d, id %s\n", %eax, %ecx, $IDBUF

	/* 6. Sector 0, kept in DATA0. */
	movl	$T_IN, %eax
	xorl	%ebx, %ebx
	xorl	%edx, %edx
	movl	$DATA0, %esi
	movl	$SECTOR, %ecx
	call	blk_req
	PRINTF	"read sector 0: status %2 len %d:", %eax, %ecx
	movl	$16, %ecx
	call	print_hex_bytes
	PUTC32	'\n'

	/* 7. Sector 1: the text, then zeros; FLUSH; read back. */
	FILL	DATA1, SECTOR, 0
	movl	$(ROM_BASE + sector1_text), %esi
	movl	$DATA1, %edi
	movl	$(sector1_text_end - sector1_text), %ecx
	rep movsb
	movl	$T_OUT, %eax
	movl	$1, %ebx
	xorl	%edx, %edx
	movl	$DATA1, %esi
	movl	$SECTOR, %ecx
	call	blk_req
	PRINTF	"write sector 1: status %2 len %d\n", %eax, %ecx
	movl	$T_FLUSH, %eax
	xorl	%ebx, %ebx
	xorl	%edx, %edx
	xorl	%ecx, %ecx
	call	blk_req
	PRINTF	"flush: status %2 len %d\n", %eax, %ecx
	FILL	DATA1, SECTOR, 0
	movl	$T_IN, %eax
	movl	$1, %ebx
	xorl	%edx, %edx
	movl	$DATA1, %esi
	movl	$SECTOR, %ecx
	call	blk_req
	PRINTF	"read sector 1: status %2 len %d: ", %eax, %ecx
	movl	$(sector1_text_end - sector1_text), %ecx
	call	print_text
	PUTC32	'\n'

	/* 8. Refused: a read of the sector past the end, and of 100 bytes. */
	movl	$T_IN, %eax
	movl	CAPACITY, %ebx
	movl	CAPACITY + 4, %edx
	movl	$DATA1, %esi
	movl	$SECTOR, %ecx
	call	blk_req
	PRINTF	"read sector %d (capacity): status %2 len %d\n", %ebx, %eax, %ecx
	movl	$T_IN, %eax
	xorl	%ebx, %ebx
	xorl	%edx, %edx
	movl	$DATA1, %esi
	movl	$100, %ecx
	call	blk_req
	PRINTF	"read 100 bytes: status %2 len %d\n", %eax, %ecx

	/* 9. Sector 2: a pattern, WRITE_ZEROES (unmap clear), read back. */
	FILL	DATA1, SECTOR, 0xa5
	movl	$T_OUT, %eax
	movl	$2, %ebx
	xorl	%edx, %edx
	movl	$DATA1, %esi
	movl	$SECTOR, %ecx
	call	blk_req
	PRINTF	"write sector 2: status %2 len %d\n", %eax, %ecx
	call	read_sector2
	testl	$F_WRITE_ZEROES, FEATURES
	jnz	1f
	PRINTF	"write zeroes: not negotiated\n"
	jmp	2f
1:	movl	$2, SEG
	movl	$0, SEG + 4
	movl	$1, SEG + 8
	movl	$0, SEG + 12
	movl	$T_WRITE_ZEROES, %eax
	xorl	%ebx, %ebx
	xorl	%edx, %edx
	movl	$SEG, %esi
	movl	$16, %ecx
	call	blk_req
	PRINTF	"write zeroes sector 2: status %2 len %d\n", %eax, %ecx
2:	call	read_sector2

	/* 10. A type the device does not know. */
	movl	$T_UNKNOWN, %eax
	xorl	%ebx, %ebx
	xorl	%edx, %edx
	xorl	%ecx, %ecx
	call	blk_req
	PRINTF	"type 99: status %2 len %d\n", %eax, %ecx

	/* 11. Sector 0 over two buffers: header, 256, 256, status. */
	FILL	HALF_A, 256, 0xff
	FILL	HALF_B, 256, 0xff
	movl	$T_IN, HDR
	movl	$0, HDR + 4
	movl	$0, HDR + 8
	movl	$0, HDR + 12
	DESC_SET 0, HDR, 16, DESC_F_NEXT, 1
	DESC_SET 1, HALF_A, 256, DESC_F_WRITE | DESC_F_NEXT, 2
	DESC_SET 2, HALF_B, 256, DESC_F_WRITE | DESC_F_NEXT, 3
	DESC_SET 3, STATUS, 1, DESC_F_WRITE, 0
	call	blk_submit
	movl	$(ROM_BASE + str_yes), %ebx
	movl	$(ROM_BASE + str_yes), %edx
	movl	$DATA0, %esi
	movl	$HALF_A, %edi
	movl	$256, %ecx
	repe cmpsb
	je	1f
	movl	$(ROM_BASE + str_no), %ebx
1:	movl	$(DATA0 + 256), %esi
	movl	$HALF_B, %edi
	movl	$256, %ecx
	repe cmpsb
	je	2f
	movl	$(ROM_BASE + str_no), %edx
2:	movzbl	STATUS, %eax
	movl	USED_LEN, %ecx
	PRINTF	"read sector 0 in two buffers: status %2 len %d, same %s %s\n", %eax, %ecx, %ebx, %edx

	/* 12. Done. */
	PRINTF	"done\n"
poweroff:
	ACPI_POWEROFF
	POWEROFF_GRACE
	DEBUG_EXIT EXIT_NOT_OFF
	HANG

/* Read sector 2 into DATA2 (0xff before) and say whether it is all zero. */
read_sector2:
	pushal
	FILL	DATA2, SECTOR, 0xff
	movl	$T_IN, %eax
	movl	$2, %ebx
	xorl	%edx, %edx
	movl	$DATA2, %esi
	movl	$SECTOR, %ecx
	call	blk_req
	movl	%eax, %ebx
	movl	$DATA2, %esi
	movl	$(SECTOR / 4), %ecx
	xorl	%edx, %edx
1:	lodsl
	orl	%eax, %edx
	loop	1b
	movl	$(ROM_BASE + str_yes), %eax
	testl	%edx, %edx
	jz	2f
	movl	$(ROM_BASE + str_no), %eax
2:	movl	USED_LEN, %ecx
	PRINTF	"read sector 2: status %2 len %d, zero %s\n", %ebx, %ecx, %eax
	popal
	ret

/*
 * One request of type %eax at sector %edx:%ebx (high, low) with the data
 * buffer %esi of %ecx bytes (none when %ecx is 0): a chain of the header,
 * the data (device-writable for IN and GET_ID) and the status byte, from
 * descriptor 0. Returns the status byte in %eax and the used length in
 * %ecx; preserves everything else.
 */
blk_req:
	pushl	%ebx
	pushl	%edx
	pushl	%edi
	movl	%eax, HDR
	movl	$0, HDR + 4
	movl	%ebx, HDR + 8
	movl	%edx, HDR + 12
	movl	%ecx, %ebx			/* the data's length */
	xorl	%edx, %edx			/* and its flags */
	cmpl	$T_IN, %eax
	je	1f
	cmpl	$T_GET_ID, %eax
	jne	2f
1:	movl	$DESC_F_WRITE, %edx
2:	xorl	%edi, %edi
	pushl	%edx
	movl	$HDR, %eax
	movl	$16, %ecx
	movl	$(DESC_F_NEXT | 1 << 16), %edx
	call	desc_set
	popl	%edx
	incl	%edi
	testl	%ebx, %ebx
	jz	3f
	movl	%esi, %eax
	movl	%ebx, %ecx
	orl	$(DESC_F_NEXT | 2 << 16), %edx
	call	desc_set
	incl	%edi
3:	movl	$STATUS, %eax
	movl	$1, %ecx
	movl	$DESC_F_WRITE, %edx
	call	desc_set
	call	blk_submit
	movl	USED_LEN, %ecx
	popl	%edi
	popl	%edx
	popl	%ebx
	ret

/* Descriptor %edi: address %eax, length %ecx, flags | next << 16 in %edx. */
desc_set:
	pushl	%edi
	shll	$4, %edi
	addl	$DESC, %edi
	movl	%eax, (%edi)
	movl	$0, 4(%edi)
	movl	%ecx, 8(%edi)
	movl	%edx, 12(%edi)
	popl	%edi
	ret

/*
 * Submit the chain at descriptor 0 with the status byte set to ff, and
 * wait for it: the status byte in %eax, the used length in USED_LEN (0
 * when the request never completed). Preserves everything else.
 */
blk_submit:
	pushl	%ebx
	pushl	%edi
	movb	$0xff, STATUS
	movl	$0, USED_LEN
	xorl	%eax, %eax
	call	submit
	cmpw	%bx, %ax
	jne	1f
	decl	%eax
	andl	$(QUEUE_SIZE - 1), %eax
	movl	USED + 8(,%eax,8), %eax
	movl	%eax, USED_LEN
1:	movzbl	STATUS, %eax
	popl	%edi
	popl	%ebx
	ret

/*
 * Queue 0 of QUEUE_SIZE entries in zeroed RAM, enabled; prints its
 * maximum and what the device reads back. Preserves every register.
 */
queue_setup:
	pushal
	movl	$QMEM, %edi
	movl	$QMEM_DWORDS, %ecx
	xorl	%eax, %eax
	rep stosl
	movw	$0, CC_Q_SELECT(%ebp)
	movzwl	CC_Q_SIZE(%ebp), %ebx
	movw	$QUEUE_SIZE, CC_Q_SIZE(%ebp)
	movl	$DESC, CC_Q_DESC(%ebp)
	movl	$0, CC_Q_DESC + 4(%ebp)
	movl	$AVAIL, CC_Q_AVAIL(%ebp)
	movl	$0, CC_Q_AVAIL + 4(%ebp)
	movl	$USED, CC_Q_USED(%ebp)
	movl	$0, CC_Q_USED + 4(%ebp)
	movw	$1, CC_Q_ENABLE(%ebp)
	movzwl	CC_Q_SIZE(%ebp), %eax
	movzwl	CC_Q_ENABLE(%ebp), %ecx
	PRINTF	"queue 0: max %d, size %d enable %d\n", %ebx, %eax, %ecx
	popal
	ret

/*
 * Make descriptor %eax available and ring queue 0's doorbell (a 16-bit
 * write of the queue's index); %ebx = the new available index. Clobbers
 * %edi.
 */
post:
	movzwl	AVAIL + 2, %ebx
	movl	%ebx, %edi
	andl	$(QUEUE_SIZE - 1), %edi
	movw	%ax, AVAIL + 4(,%edi,2)
	incl	%ebx
	movw	%bx, AVAIL + 2			/* after the entry it publishes */
	movl	NOTIFY_ADDR, %edi
	movw	$0, (%edi)
	ret

/*
 * post, then wait for the used index to reach the available one; returns
 * it in %eax. Clobbers %ebx and %edi.
 */
submit:
	call	post
	movl	$WAIT_TICKS, %eax
	call	deadline_start
1:	movzwl	USED + 2, %eax
	cmpw	%bx, %ax
	je	2f
	call	deadline_passed
	jnc	1b
2:	ret

/* Print the %ecx bytes at %esi in hex, each after a space. Preserves every register. */
print_hex_bytes:
	pushal
	movl	%ecx, %ebx
1:	PUTC32	' '
	lodsb
	movzbl	%al, %eax
	movl	$2, %ecx
	call	serial_puthex32
	decl	%ebx
	jnz	1b
	popal
	ret

/* Print the %ecx bytes at %esi as text, '.' for what is not printable ASCII. */
print_text:
	pushal
1:	lodsb
	cmpb	$0x20, %al
	jb	2f
	cmpb	$0x7e, %al
	jbe	3f
2:	movb	$'.', %al
3:	call	serial_putc32
	loop	1b
	popal
	ret

	VIRTIO_FUNCS32
sector1_text:
	.ascii	"lkvm-sev virtio-blk sector 1"
sector1_text_end:

	SERIAL_FUNCS32
	SERIAL_HEX32
	PCI_FUNCS32
