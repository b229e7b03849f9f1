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

	.set	EXIT_DMA_ERROR,		0x11
	.set	EXIT_NO_DMA,		0x12

	/* FWCfgDmaAccess.control bits. */
	.set	DMA_CTL_ERROR,		0x01
	.set	DMA_CTL_READ,		0x02
	.set	DMA_CTL_SELECT,		0x08
	.set	DMA_POLL_MAX,		100000		/* completion polls */

	/* Low RAM, after FWCFG_DIRENT_BUF. */
	.set	dma_desc,		RAM_VARS + 0x80	/* FWCfgDmaAccess, 16 bytes */

	PM32_ENTRY

	/* Discovery through the ports: signature, then id bit 1. */
	movl	$FW_CFG_SIGNATURE, %eax
	movl	$4, %ecx
	call	fwcfg_port_read_item
	cmpl	$FW_CFG_SIG_QEMU, %eax
	jne	fwcfg_no_signature
	movl	$FW_CFG_ID, %eax
	call	fwcfg_port_read_item
	testl	$FW_CFG_ID_DMA, %eax
	jnz	fwcfg_report			/* the rest by DMA */
	PUTS32	msg_no_dma
	DEBUG_EXIT EXIT_NO_DMA
	HANG

dma_error:
	PUTS32	msg_dma_error
	DEBUG_EXIT EXIT_DMA_ERROR
	HANG

/*
 * DMA-read the first %ecx (1..4) bytes of item %eax into %eax
 * (little-endian, zero-extended).  Clobbers %edi.
 */
dma_read_item:
	movl	$FWCFG_ITEM_BUF, %edi
	movl	$0, (%edi)
	call	dma_read
	movl	FWCFG_ITEM_BUF, %eax
	ret

/*
 * DMA-read %ecx bytes to %edi: from the start of item %eax, or from the
 * current offset when %eax is FW_CFG_NO_SELECT.  Jumps to dma_error if
 * the device reports an error or never completes.  Preserves all
 * registers.
 */
dma_read:
	pushal
	cmpl	$FW_CFG_NO_SELECT, %eax
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

	FWCFG_REPORT32 dma_read, dma_read_item, 0
	FWCFG_PORT_FUNCS32
	SERIAL_FUNCS32
	SERIAL_HEX32
	E820_PRINT32

msg_no_dma:
	.asciz	"fw_cfg: no dma\n"
msg_dma_error:
	.asciz	"fw_cfg: dma error\n"
