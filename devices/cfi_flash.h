/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The Intel/Sharp command-set CFI flash (QEMU's pflash_cfi01) that holds
 * OVMF's variable store (--vars FILE): the command state machine, the
 * status register, ID and CFI query answers, and write-through of every
 * program and erase to the file.
 *
 * It answers as QEMU's pc machine configures its pflash units
 * (hw/i386/pc_sysfw.c, pc_pflash_create()): width 1, no device-width (the
 * "old" addressing: offset & 0xff picks the ID or query byte), 4 KiB
 * sectors, id0-id3 all zero.
 */
#ifndef LKVM_DEVICES_CFI_FLASH_H
#define LKVM_DEVICES_CFI_FLASH_H

#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>

#include "util/err.h"
#include "util/stop.h"

#define CFI_FLASH_BLOCK_SIZE 4096	/* OVMF's PcdOvmfFirmwareBlockSize */
#define CFI_FLASH_QUERY_LEN 0x52	/* QEMU's cfi_table[] */

/* Status register bits (QEMU sets only these). */
#define CFI_STATUS_READY 0x80		/* write state machine ready */
#define CFI_STATUS_ERASE_ERR 0x20
#define CFI_STATUS_PROGRAM_ERR 0x10

/*
 * The machine switches the region between a read-only memory slot (read-array mode: guest
 * reads go straight to memory, writes exit as MMIO) and pure MMIO (command modes: reads exit
 * too, so they can return status). Called from the vCPU thread that wrote the command, with
 * the device's lock held: it must not call back into the device.
 */
typedef int (*cfi_flash_mode_fn)(void *ctx, bool array_mode, struct lk_err *err);

struct cfi_flash {
	pthread_mutex_t lock;	/* vCPUs may access the device concurrently */
	const char *path;	/* the caller's string, for messages */
	int fd;			/* open read-write; -1 when closed */
	uint64_t gpa;
	uint8_t *mem;		/* the array, as the slot maps it */
	uint64_t size;
	cfi_flash_mode_fn set_mode;
	void *mode_ctx;
	struct stop *stop;

	/* Command state, named as in QEMU: cmd 0 is read array. */
	uint8_t cmd;
	uint8_t wcycle;		/* 1 while a command waits for its second write */
	uint8_t status;
	uint64_t erase_off;	/* where the pending 0x20 was written */
	/*
	 * What the machine last switched the region to. @mem is written only
	 * while this is false: a mapped region may be read-only to the host too
	 * (the mprotect fallback of kvm/ro_region.h).
	 */
	bool mapped_array;
	bool warned;		/* one warning for unsupported commands */
	uint8_t query[CFI_FLASH_QUERY_LEN];
};

/*
 * The size of the file at @path, checked as cfi_flash_open() checks it
 * (regular, nonzero, a multiple of CFI_FLASH_BLOCK_SIZE), so that the
 * caller can allocate @mem before opening. Status 2 on failure.
 */
int cfi_flash_file_size(const char *path, uint64_t *size, struct lk_err *err);

/*
 * Opens @path read-write (status 2, LK_EXIT_USAGE, with the reason if it is missing, not a
 * regular file, unreadable/unwritable, or its size is not @size, or not a multiple of
 * CFI_FLASH_BLOCK_SIZE), reads it into @mem (page-aligned host memory of @size bytes, owned by
 * the caller, the memory the slot maps). The device starts in read-array mode: the caller
 * maps the region as a read-only slot. @path must outlive the device.
 */
int cfi_flash_open(struct cfi_flash *f, const char *path, uint64_t gpa, void *mem, uint64_t size,
		   cfi_flash_mode_fn set_mode, void *mode_ctx, struct stop *stop,
		   struct lk_err *err);
/* The MMIO handler for the whole region (offsets from gpa). */
void cfi_flash_io(void *opaque, uint64_t offset, uint8_t *data, uint32_t len, bool is_write);
/* fdatasync, for the end of the run. */
int cfi_flash_sync(struct cfi_flash *f, struct lk_err *err);
/* Syncs (a failure is a warning: use cfi_flash_sync() to act on it) and closes. */
void cfi_flash_close(struct cfi_flash *f);

#endif
