/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * fwcfg: reads QEMU's fw_cfg through the I/O port interface, the way
 * OVMF's QemuFwCfgLib does before DMA is known, to test the VMM's fw_cfg
 * device and its handling of string I/O (rep insb) exits.
 *
 * Single items (id, nb_cpus, the file count) are read one inb at a time
 * from 0x511; the signature, the directory entries and the e820 table
 * with rep insb.  It prints the signature, id, CPU count and file count,
 * looks up "etc/e820" in the file directory and prints every entry, then
 * "fw_cfg: done" and writes 0x10 to isa-debug-exit (QEMU status 33).
 * Without the "QEMU" signature it prints "fw_cfg: no signature" and
 * exits with 0x15; without etc/e820 it prints "fw_cfg: no e820".
 */
	.include "lib.inc"

	.set	EXIT_DONE,		0x10
	.set	EXIT_NO_SIGNATURE,	0x15

	/* Low RAM. */
	.set	item_buf,		RAM_VARS + 0x00	/* small items, 8 bytes */
	.set	dirent_buf,		RAM_VARS + 0x40	/* one directory entry */
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

	/* Signature, with rep insb. */
	movw	$FW_CFG_SIGNATURE, %ax
	call	fwcfg_select
	movl	$item_buf, %edi
	movl	$4, %ecx
	rep insb
	cmpl	$FW_CFG_SIG_QEMU, item_buf
	je	have_signature
	PUTS32	msg_no_signature
	DEBUG_EXIT EXIT_NO_SIGNATURE
	HANG
have_signature:
	PUTS32	msg_fwcfg
	movl	$item_buf, %esi
	movl	$4, %ecx
1:	lodsb
	call	serial_putc32
	loop	1b
	PUTC32	'\n'

	/* id: LE u32. */
	movw	$FW_CFG_ID, %ax
	movl	$4, %ecx
	call	fwcfg_read_item
	PUTS32	msg_id
	call	serial_putdec32
	PUTC32	'\n'

	/* nb_cpus: LE u16. */
	movw	$FW_CFG_NB_CPUS, %ax
	movl	$2, %ecx
	call	fwcfg_read_item
	movzwl	%ax, %eax
	PUTS32	msg_cpus
	call	serial_putdec32
	PUTC32	'\n'

	/* File directory: BE u32 count, then the entries. */
	movw	$FW_CFG_FILE_DIR, %ax
	movl	$4, %ecx
	call	fwcfg_read_item
	bswapl	%eax
	movl	%eax, %ebx			/* entries left */
	PUTS32	msg_files
	call	serial_putdec32
	PUTC32	'\n'

	/* The data port goes on from the count: one entry per rep insb. */
	movw	$FW_CFG_PORT_DATA, %dx
find_e820:
	testl	%ebx, %ebx
	jz	no_e820
	decl	%ebx
	movl	$dirent_buf, %edi
	movl	$FW_CFG_DIRENT_SIZE, %ecx
	rep insb
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
1:	movw	dirent_buf + 4, %ax
	xchgb	%al, %ah
	call	fwcfg_select
	movl	$E820_BUF, %edi
	pushl	%ecx
	rep insb
	popl	%ecx
	movl	$E820_BUF, %esi
	call	e820_print32
	jmp	done

no_e820:
	PUTS32	msg_no_e820
done:
	PUTS32	msg_done
	DEBUG_EXIT EXIT_DONE
	HANG

/* Select the fw_cfg item %ax; returns with %dx = the data port. */
fwcfg_select:
	movw	$FW_CFG_PORT_SEL, %dx
	outw	%ax, %dx
	movw	$FW_CFG_PORT_DATA, %dx
	ret

/*
 * Select item %ax and read its first %ecx (1..4) bytes, one inb each,
 * into %eax (little-endian, zero-extended).  Clobbers %ecx, %edx, %edi.
 */
fwcfg_read_item:
	call	fwcfg_select
	movl	$item_buf, %edi
	movl	$0, (%edi)
1:	inb	%dx, %al
	stosb
	loop	1b
	movl	item_buf, %eax
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
msg_no_e820:
	.asciz	"fw_cfg: no e820\n"
msg_done:
	.asciz	"fw_cfg: done\n"

	.code16
	RESET_VECTOR entry
