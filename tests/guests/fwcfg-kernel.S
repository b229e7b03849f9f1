/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * fwcfg-kernel: reads the direct kernel boot items from fw_cfg through
 * the I/O ports, the way OVMF's QemuKernelLoaderFsDxe finds the kernel
 * given with -k/-i/-p, to test that the VMM splits the bzImage into its
 * setup and kernel parts and exports the initrd and command line.
 *
 * Prints "kernel: setup <n>", "kernel: size <n>", "kernel: initrd <n>"
 * and "kernel: cmdline <n>" (the u32 sizes of keys 0x17, 0x08, 0x0b and
 * 0x14, in decimal), then "kernel: setup bytes <hex>", "kernel: kernel
 * bytes <hex>" and "kernel: initrd bytes <hex>" (the first 4 bytes of
 * keys 0x18, 0x11 and 0x12 as 8 hex digits, in byte order; a read past
 * the end of an item gives zeros) and "cmdline: <text>" (key 0x15 up to
 * its NUL, at most CMDLINE_MAX bytes).  Then writes 0x16 to
 * isa-debug-exit (QEMU status 45).
 */
	.include "lib.inc"

	.set	EXIT_DONE,	0x16
	.set	CMDLINE_MAX,	200

	/* How an item's first 4 bytes are printed. */
	.set	SHOW_DEC,	0		/* as a LE u32, in decimal */
	.set	SHOW_BYTES,	1		/* as bytes, in hex */

/* An items table entry: u16 key, u16 SHOW_*, u32 address of the label. */
.macro ITEM key, show, label
	.word	\key, \show
	.long	ROM_BASE + \label
.endm
	.set	ITEM_SIZE,	8

	PM32_ENTRY

	/* One line per entry of the items table. */
	movl	$(ROM_BASE + items), %ebp
next_item:
	movzwl	0(%ebp), %eax
	movl	$4, %ecx
	call	fwcfg_port_read_item
	PUTS32	msg_kernel
	movl	4(%ebp), %esi
	call	serial_puts32
	cmpw	$SHOW_DEC, 2(%ebp)
	jne	1f
	call	serial_putdec32
	jmp	2f
1:	bswapl	%eax				/* byte 0 first */
	PUTHEX32 8
2:	PUTC32	'\n'
	addl	$ITEM_SIZE, %ebp
	cmpl	$(ROM_BASE + items_end), %ebp
	jb	next_item

	/* The command line, one inb a byte, up to the NUL. */
	PUTS32	msg_cmdline
	movl	$FW_CFG_CMDLINE_DATA, %eax
	call	fwcfg_select
	movl	$CMDLINE_MAX, %ecx
3:	inb	%dx, %al
	testb	%al, %al
	jz	4f
	call	serial_putc32
	loop	3b
4:	PUTC32	'\n'

	DEBUG_EXIT EXIT_DONE
	HANG

	FWCFG_PORT_FUNCS32
	SERIAL_FUNCS32
	SERIAL_HEX32

	.balign	4
items:
	ITEM	FW_CFG_SETUP_SIZE,	SHOW_DEC,	label_setup
	ITEM	FW_CFG_KERNEL_SIZE,	SHOW_DEC,	label_size
	ITEM	FW_CFG_INITRD_SIZE,	SHOW_DEC,	label_initrd
	ITEM	FW_CFG_CMDLINE_SIZE,	SHOW_DEC,	label_cmdline
	ITEM	FW_CFG_SETUP_DATA,	SHOW_BYTES,	label_setup_bytes
	ITEM	FW_CFG_KERNEL_DATA,	SHOW_BYTES,	label_kernel_bytes
	ITEM	FW_CFG_INITRD_DATA,	SHOW_BYTES,	label_initrd_bytes
items_end:

msg_kernel:
	.asciz	"kernel: "
label_setup:
	.asciz	"setup "
label_size:
	.asciz	"size "
label_initrd:
	.asciz	"initrd "
label_cmdline:
	.asciz	"cmdline "
label_setup_bytes:
	.asciz	"setup bytes "
label_kernel_bytes:
	.asciz	"kernel bytes "
label_initrd_bytes:
	.asciz	"initrd bytes "
msg_cmdline:
	.asciz	"cmdline: "
