/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * QEMU's firmware configuration device (fw_cfg) as x86 sees it: the 16-bit
 * selector at port 0x510, the 8-bit data port at 0x511 and the DMA address
 * register at 0x514-0x51b (QEMU docs/specs/fw_cfg.rst). Items are read-only
 * blobs the caller owns; named files get keys from 0x20 in name order and a
 * directory at key 0x19, as QEMU assigns them. Everything is added before
 * fw_cfg_register(); after it only the guest-visible state changes, under
 * the device's lock (vCPUs meet here).
 */
#ifndef LKVM_DEVICES_FW_CFG_H
#define LKVM_DEVICES_FW_CFG_H

#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>

#include "devices/bus.h"
#include "devices/device.h"
#include "util/err.h"

#define FW_CFG_PORT_SEL		0x510
#define FW_CFG_PORT_DATA	0x511
#define FW_CFG_PORT_DMA		0x514
#define FW_CFG_DMA_PORTS	8	/* 0x514-0x51b: BE high half, then low half */

/* Well-known keys (QEMU include/standard-headers/linux/qemu_fw_cfg.h). */
#define FW_CFG_SIGNATURE	0x00
#define FW_CFG_ID		0x01
#define FW_CFG_NB_CPUS		0x05
#define FW_CFG_KERNEL_SIZE	0x08
#define FW_CFG_INITRD_SIZE	0x0b
#define FW_CFG_BOOT_MENU	0x0e
#define FW_CFG_KERNEL_DATA	0x11
#define FW_CFG_INITRD_DATA	0x12
#define FW_CFG_CMDLINE_SIZE	0x14
#define FW_CFG_CMDLINE_DATA	0x15
#define FW_CFG_SETUP_SIZE	0x17
#define FW_CFG_SETUP_DATA	0x18
#define FW_CFG_FILE_DIR		0x19
#define FW_CFG_FILE_FIRST	0x20
#define FW_CFG_MAX_FILES	64	/* QEMU's pc default is 32 slots */
#define FW_CFG_MAX_ENTRY	(FW_CFG_FILE_FIRST + FW_CFG_MAX_FILES)

/* Selector bits: 15 picks the arch-local table; 14 (write) is ignored since QEMU 2.4. */
#define FW_CFG_ARCH_LOCAL	0x8000
#define FW_CFG_WRITE_CHANNEL	0x4000
#define FW_CFG_ENTRY_MASK	0x3fff

/* FW_CFG_ID bits. */
#define FW_CFG_ID_TRADITIONAL	0x01
#define FW_CFG_ID_DMA		0x02

/* FWCfgDmaAccess.control bits; the key of a select is in bits 31:16. */
#define FW_CFG_DMA_CTL_ERROR	0x01
#define FW_CFG_DMA_CTL_READ	0x02
#define FW_CFG_DMA_CTL_SKIP	0x04
#define FW_CFG_DMA_CTL_SELECT	0x08
#define FW_CFG_DMA_CTL_WRITE	0x10
#define FW_CFG_DMA_ACCESS_SIZE	16	/* BE u32 control, u32 length, u64 address */

/* Directory: BE u32 count, then entries of BE u32 size, BE u16 select, u16 0, name. */
#define FW_CFG_NAME_SIZE	56	/* with the terminating NUL */
#define FW_CFG_DIRENT_SIZE	64
#define FW_CFG_DIR_MAX		(4 + FW_CFG_DIRENT_SIZE * FW_CFG_MAX_FILES)

struct fw_cfg_item {
	const uint8_t *data;
	uint32_t size;
	bool used;
	uint8_t scalar[4];	/* fw_cfg_add_u16/u32 keep their value here */
};

struct fw_cfg_file {
	char name[FW_CFG_NAME_SIZE];
	const void *data;
	uint32_t size;
};

struct fw_cfg {
	pthread_mutex_t lock;
	struct guest_mem mem;		/* DMA's way to guest memory */
	bool dma;			/* the DMA interface exists */
	bool registered;
	bool warned;			/* one warning for a guest's bad DMA */
	struct fw_cfg_item items[2][FW_CFG_MAX_ENTRY];	/* [1]: arch-local keys */
	int nr_files;
	struct fw_cfg_file files[FW_CFG_MAX_FILES];	/* sorted by register */
	uint8_t dir[FW_CFG_DIR_MAX];
	/* The guest's view, under @lock. */
	const struct fw_cfg_item *cur;	/* NULL: a key past the table */
	uint32_t offset;
	uint64_t dma_addr;
};

/* @f must not move afterwards: items point into it. */
/* @mem NULL: no DMA interface. */
void fw_cfg_init(struct fw_cfg *f, const struct guest_mem *mem);
/* Items keep pointers to @data; the caller keeps it alive. Duplicate keys/names: -1. */
int fw_cfg_add_item(struct fw_cfg *f, uint16_t key, const void *data, uint32_t size,
		    struct lk_err *err);
/* Little-endian, stored inside @f. */
int fw_cfg_add_u16(struct fw_cfg *f, uint16_t key, uint16_t v, struct lk_err *err);
int fw_cfg_add_u32(struct fw_cfg *f, uint16_t key, uint32_t v, struct lk_err *err);
/* @name: 1 to 55 characters. */
int fw_cfg_add_file(struct fw_cfg *f, const char *name, const void *data, uint32_t size,
		    struct lk_err *err);
/*
 * Builds the signature, id (bit 0 traditional interface, bit 1 DMA when
 * DMA is on) and the sorted file directory (keys assigned in name
 * order from 0x20, as QEMU does), then registers the ports on @pio.
 */
int fw_cfg_register(struct fw_cfg *f, struct bus *pio, struct lk_err *err);
void fw_cfg_destroy(struct fw_cfg *f);

#endif
