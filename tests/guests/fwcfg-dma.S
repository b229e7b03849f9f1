/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * fwcfg-dma: the fwcfg guest again, with every reported value read
 * through the fw_cfg DMA interface, which is what OVMF uses once the id
 * says DMA is there.  This tests the VMM's DMA engine: descriptor
 * parsing (big-endian fields), select-and-read and plain continued reads,
 * and writes into guest RAM.
 *
 * Discovery has to use the I/O ports: the "QEMU" signature and the id
 * are read with inb first (no signature: "fw_cfg: no signature", exit
 * 0x15); if id bit 1 (DMA) is clear it prints "fw_cfg: no dma" and exits
 * with 0x12.  Then signature, id, nb_cpus, the file count, the directory
 * entries (one 64-byte continued read each) and the e820 table are read
 * by DMA, and the same lines as fwcfg's are printed, ending with
 * "fw_cfg: done" and exit 0x10 (QEMU status 33).  A descriptor that
 * completes with the error bit set, or does not complete, prints
 * "fw_cfg: dma error" and exits with 0x11.
 */
	.include "lib.inc"

	.set	EXIT_DONE,		0x10
	.set	EXIT_DMA_ERROR,		0x11
	.set	EXIT_NO_DMA,		0x12
	.set	EXIT_NO_SIGNATURE,	0x15

	/* FWCfgDmaAccess.control bits. */
	.set	DMA_CTL_ERROR,		0x01
	.set	DMA_CTL_READ,		0x02
	.set	DMA_CTL_SELECT,		0x08
	.set	DMA_NO_SELECT,		0xffffffff	/* %eax value: continue */
	.set	DMA_POLL_MAX,		100000		/* completion polls */

	/* Low RAM. */
	.set	item_buf,		RAM_VARS + 0x00	/* small items, 8 bytes */
	.set	dirent_buf,		RAM_VARS + 0x40	/* one directory entry */
	.set	dma_desc,		RAM_VARS + 0x80	/* FWCfgDmaAccess, 16 bytes */
	.set	E820_BUF,		0x1000		/* e820 table ... */
	.set	E820_BUF_MAX,		RAM_VARS - E820_BUF	/* ... up to RAM_VARS */

	.code16
	.text
entry:
	REAL_MODE_SETUP
	ENTER_PM32 pm32

	.code32
pm32:
	PM32_SEGMENTS
	movl	$STACK_TOP, %esp

	/* Discovery through the ports: signature, then id bit 1. */
	movw	$FW_CFG_SIGNATURE, %ax
	call	port_read_u32
	cmpl	$FW_CFG_SIG_QEMU, %eax
	je	have_signature
	PUTS32	msg_no_signature
	DEBUG_EXIT EXIT_NO_SIGNATURE
	HANG
have_signature:
	movw	$FW_CFG_ID, %ax
	call	port_read_u32
	testl	$FW_CFG_ID_DMA, %eax
	jnz	have_dma
	PUTS32	msg_no_dma
	DEBUG_EXIT EXIT_NO_DMA
	HANG

have_dma:
	/* Signature. */
	movl	$FW_CFG_SIGNATURE, %eax
	movl	$item_buf, %edi
	movl	$4, %ecx
	call	dma_read
	PUTS32	msg_fwcfg
	movl	$item_buf, %esi
1:	lodsb
	call	serial_putc32
	loop	1b
	PUTC32	'\n'

	/* id: LE u32. */
	movl	$FW_CFG_ID, %eax
	movl	$4, %ecx
	call	dma_read_item
	PUTS32	msg_id
	call	serial_putdec32
	PUTC32	'\n'

	/* nb_cpus: LE u16. */
	movl	$FW_CFG_NB_CPUS, %eax
	movl	$2, %ecx
	call	dma_read_item
	PUTS32	msg_cpus
	call	serial_putdec32
	PUTC32	'\n'

	/* File directory: BE u32 count, then the entries. */
	movl	$FW_CFG_FILE_DIR, %eax
	movl	$4, %ecx
	call	dma_read_item
	bswapl	%eax
	movl	%eax, %ebx			/* entries left */
	PUTS32	msg_files
	call	serial_putdec32
	PUTC32	'\n'

find_e820:
	testl	%ebx, %ebx
	jz	no_e820
	decl	%ebx
	movl	$DMA_NO_SELECT, %eax		/* go on after the count */
	movl	$dirent_buf, %edi
	movl	$FW_CFG_DIRENT_SIZE, %ecx
	call	dma_read
	movl	$(dirent_buf + FW_CFG_DIRENT_NAME), %edi
	movl	$(ROM_BASE + name_e820), %esi
	movl	$(name_e820_end - name_e820), %ecx
	repe cmpsb
	jne	find_e820

	/* Found: BE u32 size at +0, BE u16 select at +4. */
	movl	dirent_buf, %ecx
	bswapl	%ecx
	cmpl	$E820_BUF_MAX, %ecx
	jbe	1f
	movl	$E820_BUF_MAX, %ecx
1:	movzwl	dirent_buf + 4, %eax
	xchgb	%al, %ah
	movl	$E820_BUF, %edi
	call	dma_read
	movl	$E820_BUF, %esi
	call	e820_print32
	jmp	done

no_e820:
	PUTS32	msg_no_e820
done:
	PUTS32	msg_done
	DEBUG_EXIT EXIT_DONE
	HANG

dma_error:
	PUTS32	msg_dma_error
	DEBUG_EXIT EXIT_DMA_ERROR
	HANG

/* Select item %ax through the ports and read 4 bytes (LE) into %eax. */
port_read_u32:
	pushl	%ecx
	pushl	%edx
	movw	$FW_CFG_PORT_SEL, %dx
	outw	%ax, %dx
	movw	$FW_CFG_PORT_DATA, %dx
	movl	$4, %ecx
1:	inb	%dx, %al
	rorl	$8, %eax			/* 4 bytes in: LE order */
	loop	1b
	popl	%edx
	popl	%ecx
	ret

/*
 * DMA-read the first %ecx (1..4) bytes of item %eax into %eax
 * (little-endian, zero-extended).  Clobbers %edi.
 */
dma_read_item:
	movl	$item_buf, %edi
	movl	$0, (%edi)
	call	dma_read
	movl	item_buf, %eax
	ret

/*
 * DMA-read %ecx bytes to %edi: from the start of item %eax, or from the
 * current offset when %eax is DMA_NO_SELECT.  Jumps to dma_error if the
 * device reports an error or never completes.  Preserves all registers.
 */
dma_read:
	pushal
	cmpl	$DMA_NO_SELECT, %eax
	je	1f
	shll	$16, %eax
	orl	$(DMA_CTL_SELECT | DMA_CTL_READ), %eax
	jmp	2f
1:	movl	$DMA_CTL_READ, %eax
2:	bswapl	%eax
	movl	%eax, dma_desc + 0		/* control */
	bswapl	%ecx
	movl	%ecx, dma_desc + 4		/* length */
	movl	$0, dma_desc + 8		/* address, high half */
	bswapl	%edi
	movl	%edi, dma_desc + 12		/* address, low half */

	xorl	%eax, %eax			/* BE high half of &dma_desc */
	movw	$FW_CFG_PORT_DMA_HI, %dx
	outl	%eax, %dx
	movl	$dma_desc, %eax
	bswapl	%eax
	movw	$FW_CFG_PORT_DMA_LO, %dx
	outl	%eax, %dx			/* starts the transfer */

	movl	$DMA_POLL_MAX, %ecx
3:	movl	dma_desc + 0, %eax
	bswapl	%eax
	testl	%eax, %eax
	jz	4f
	testl	$DMA_CTL_ERROR, %eax
	jnz	dma_error
	pause
	loop	3b
	jmp	dma_error
4:	popal
	ret

	SERIAL_FUNCS32
	SERIAL_HEX32
	E820_PRINT32

	GDT_TABLE

name_e820:
	.asciz	"etc/e820"
name_e820_end:
msg_fwcfg:
	.asciz	"fw_cfg: "
msg_id:
	.asciz	"fw_cfg: id "
msg_cpus:
	.asciz	"fw_cfg: cpus "
msg_files:
	.asciz	"fw_cfg: files "
msg_no_signature:
	.asciz	"fw_cfg: no signature\n"
msg_no_dma:
	.asciz	"fw_cfg: no dma\n"
msg_dma_error:
	.asciz	"fw_cfg: dma error\n"
msg_no_e820:
	.asciz	"fw_cfg: no e820\n"
msg_done:
	.asciz	"fw_cfg: done\n"

	.code16
	RESET_VECTOR entry
