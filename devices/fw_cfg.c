// SPDX-License-Identifier: GPL-2.0-only
/*
 * QEMU fw_cfg on x86 I/O ports: the item table, the file directory, the
 * selector/data ports and the DMA interface. Port behaviour follows QEMU's
 * hw/nvram/fw_cfg.c as the guest sees it through KVM, wide accesses included.
 */
#include <stdlib.h>
#include <string.h>

#include "devices/fw_cfg.h"

static const uint8_t fw_cfg_signature[4] = { 'Q', 'E', 'M', 'U' };
/* What reads of the DMA address register return, byte by byte. */
static const uint8_t fw_cfg_dma_signature[FW_CFG_DMA_PORTS] = {
	'Q', 'E', 'M', 'U', ' ', 'C', 'F', 'G',
};

static uint32_t get_be32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static void put_be32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24);
	p[1] = (uint8_t)(v >> 16);
	p[2] = (uint8_t)(v >> 8);
	p[3] = (uint8_t)v;
}

void fw_cfg_init(struct fw_cfg *f, const struct guest_mem *mem)
{
	memset(f, 0, sizeof(*f));
	pthread_mutex_init(&f->lock, NULL);
	f->dma = mem != NULL;
	if (mem)
		f->mem = *mem;
}

void fw_cfg_destroy(struct fw_cfg *f)
{
	pthread_mutex_destroy(&f->lock);
}

/* The free slot for @key, or NULL with @err set. */
static struct fw_cfg_item *fw_cfg_slot(struct fw_cfg *f, uint16_t key, struct lk_err *err)
{
	uint16_t idx = key & FW_CFG_ENTRY_MASK;
	bool arch = key & FW_CFG_ARCH_LOCAL;
	struct fw_cfg_item *it;

	if (f->registered) {
		err_set(err, LK_EXIT_HOST, "fw_cfg: key 0x%x added after the ports were registered",
			key);
		return NULL;
	}
	if ((key & FW_CFG_WRITE_CHANNEL) || idx >= FW_CFG_MAX_ENTRY ||
	    (!arch && idx >= FW_CFG_FILE_FIRST)) {
		err_set(err, LK_EXIT_HOST, "fw_cfg: key 0x%x is not an item key%s", key,
			!arch && idx >= FW_CFG_FILE_FIRST ? " (files get keys from 0x20)" : "");
		return NULL;
	}
	if (!arch && (idx == FW_CFG_SIGNATURE || idx == FW_CFG_ID || idx == FW_CFG_FILE_DIR)) {
		err_set(err, LK_EXIT_HOST, "fw_cfg: key 0x%x is the device's own", key);
		return NULL;
	}
	it = &f->items[arch][idx];
	if (it->used) {
		err_set(err, LK_EXIT_HOST, "fw_cfg: duplicate key 0x%x", key);
		return NULL;
	}
	return it;
}

static void fw_cfg_set(struct fw_cfg_item *it, const void *data, uint32_t size)
{
	it->data = data;
	it->size = size;
	it->used = true;
}

int fw_cfg_add_item(struct fw_cfg *f, uint16_t key, const void *data, uint32_t size,
		    struct lk_err *err)
{
	struct fw_cfg_item *it = fw_cfg_slot(f, key, err);

	if (!it)
		return -1;
	if (!data && size)
		return err_set(err, LK_EXIT_HOST, "fw_cfg: key 0x%x has no data", key);
	fw_cfg_set(it, data, size);
	return 0;
}

static int fw_cfg_add_le(struct fw_cfg *f, uint16_t key, uint32_t v, uint32_t size,
			 struct lk_err *err)
{
	struct fw_cfg_item *it = fw_cfg_slot(f, key, err);

	if (!it)
		return -1;
	bus_data_put(it->scalar, size, v);
	fw_cfg_set(it, it->scalar, size);
	return 0;
}

int fw_cfg_add_u16(struct fw_cfg *f, uint16_t key, uint16_t v, struct lk_err *err)
{
	return fw_cfg_add_le(f, key, v, 2, err);
}

int fw_cfg_add_u32(struct fw_cfg *f, uint16_t key, uint32_t v, struct lk_err *err)
{
	return fw_cfg_add_le(f, key, v, 4, err);
}

/* Names come from the command line and input files: their errors are usage errors. */
int fw_cfg_add_file(struct fw_cfg *f, const char *name, const void *data, uint32_t size,
		    struct lk_err *err)
{
	size_t len = strlen(name);
	struct fw_cfg_file *file;
	int i;

	if (f->registered)
		return err_set(err, LK_EXIT_HOST,
			       "fw_cfg: file %s added after the ports were registered", name);
	if (!data && size)
		return err_set(err, LK_EXIT_HOST, "fw_cfg: file %s has no data", name);
	if (!len || len >= FW_CFG_NAME_SIZE)
		return err_set(err, LK_EXIT_USAGE,
			       "fw_cfg: file name \"%.60s\" must be 1 to %d characters", name,
			       FW_CFG_NAME_SIZE - 1);
	for (i = 0; i < f->nr_files; i++)
		if (!strcmp(f->files[i].name, name))
			return err_set(err, LK_EXIT_USAGE, "fw_cfg: duplicate file %s", name);
	if (f->nr_files >= FW_CFG_MAX_FILES)
		return err_set(err, LK_EXIT_USAGE, "fw_cfg: too many files (at most %d): %s",
			       FW_CFG_MAX_FILES, name);
	file = &f->files[f->nr_files++];
	memcpy(file->name, name, len + 1);
	file->data = data;
	file->size = size;
	return 0;
}

static int fw_cfg_file_cmp(const void *a, const void *b)
{
	return strcmp(((const struct fw_cfg_file *)a)->name,
		      ((const struct fw_cfg_file *)b)->name);
}

/* Keys in name order from 0x20, as QEMU assigns them on machines without legacy order. */
static void fw_cfg_build_dir(struct fw_cfg *f)
{
	uint8_t *e = f->dir + 4;
	int i;

	qsort(f->files, f->nr_files, sizeof(f->files[0]), fw_cfg_file_cmp);
	memset(f->dir, 0, sizeof(f->dir));
	put_be32(f->dir, (uint32_t)f->nr_files);
	for (i = 0; i < f->nr_files; i++, e += FW_CFG_DIRENT_SIZE) {
		uint16_t key = FW_CFG_FILE_FIRST + i;

		fw_cfg_set(&f->items[0][key], f->files[i].data, f->files[i].size);
		put_be32(e, f->files[i].size);
		e[4] = (uint8_t)(key >> 8);
		e[5] = (uint8_t)key;
		memcpy(e + 8, f->files[i].name, FW_CFG_NAME_SIZE);
	}
	fw_cfg_set(&f->items[0][FW_CFG_FILE_DIR], f->dir,
		   4 + FW_CFG_DIRENT_SIZE * (uint32_t)f->nr_files);
}

/* Called with the lock held. A key past the table reads as nothing, as in QEMU. */
static void fw_cfg_select(struct fw_cfg *f, uint16_t key)
{
	uint16_t idx = key & FW_CFG_ENTRY_MASK;

	f->offset = 0;
	f->cur = idx < FW_CFG_MAX_ENTRY ? &f->items[!!(key & FW_CFG_ARCH_LOCAL)][idx] : NULL;
}

static uint32_t fw_cfg_left(const struct fw_cfg *f)
{
	return f->cur && f->offset < f->cur->size ? f->cur->size - f->offset : 0;
}

static uint8_t fw_cfg_next_byte(struct fw_cfg *f)
{
	return fw_cfg_left(f) ? f->cur->data[f->offset++] : 0;
}

/*
 * What a wide access starting at 0x511 reads past it: QEMU hands a port
 * access whole to the region where it starts, which takes as much as the
 * alignment of its offset allows, and the rest goes on to the next ports
 * (physmem.c memory_access_size). Nothing decodes 0x512-0x513 or 0x51c on,
 * so "inl 0x511" gives a data byte, 0xff, 0xff and the first DMA signature byte.
 */
static uint8_t fw_cfg_fixed_byte(uint64_t port)
{
	if (port >= FW_CFG_PORT_DMA && port < FW_CFG_PORT_DMA + FW_CFG_DMA_PORTS)
		return fw_cfg_dma_signature[port - FW_CFG_PORT_DMA];
	return 0xff;
}

/*
 * 0x510-0x511, QEMU's "comb" region. It takes byte accesses at either port
 * (reads move through the item, writes are ignored) and 16-bit writes at
 * 0x510 (select); it refuses any other access at 0x510 whole: reads give 0
 * and do not move, writes are dropped. At 0x511 only one byte reaches it.
 */
static void fw_cfg_io(void *opaque, uint64_t offset, uint8_t *data, uint32_t len,
		      bool is_write)
{
	struct fw_cfg *f = opaque;
	uint32_t i;

	if (is_write) {
		if (offset == 0 && len == 2) {
			pthread_mutex_lock(&f->lock);
			fw_cfg_select(f, (uint16_t)bus_data_get(data, 2));
			pthread_mutex_unlock(&f->lock);
		}
		return;
	}
	if (offset == 0 && len > 1) {
		memset(data, 0, len);
		return;
	}
	pthread_mutex_lock(&f->lock);
	data[0] = fw_cfg_next_byte(f);
	pthread_mutex_unlock(&f->lock);
	for (i = 1; i < len; i++)
		data[i] = fw_cfg_fixed_byte(FW_CFG_PORT_SEL + offset + i);
}

/*
 * Guest memory for a DMA range; a range that is not RAM, or that an SNP
 * guest has not shared, earns one warning.
 */
static void *fw_cfg_guest(struct fw_cfg *f, uint64_t gpa, uint64_t len)
{
	struct lk_err err;
	void *p = gpa + len > gpa ? guest_mem_map(&f->mem, gpa, len, &err)
				  : (err_set(&err, 0, "0x%llx+0x%llx wraps", (unsigned long long)gpa,
					     (unsigned long long)len), NULL);

	if (!p && !f->warned) {
		f->warned = true;
		warn("fw_cfg: guest DMA at %s (warned once)", err.msg);
	}
	return p;
}

/* Copies @src (zeros when NULL) to the guest. */
static bool fw_cfg_dma_out(struct fw_cfg *f, uint64_t gpa, const uint8_t *src, uint32_t len)
{
	uint8_t *dst = fw_cfg_guest(f, gpa, len);

	if (!dst)
		return false;
	if (src)
		memcpy(dst, src, len);
	else
		memset(dst, 0, len);
	return true;
}

/*
 * One read, skip or write at the current offset; returns the control word
 * to report. As QEMU: reads past the end fill zeros, skips stop at the end,
 * every item is read-only (a write fails, yet moves the offset), and the
 * offset moves over the item's part even when copying it out failed.
 */
static uint32_t fw_cfg_dma_xfer(struct fw_cfg *f, uint32_t control, uint32_t length,
				uint64_t gpa)
{
	uint32_t n = fw_cfg_left(f) < length ? fw_cfg_left(f) : length;
	const uint8_t *src = n ? f->cur->data + f->offset : NULL;
	bool ok = true;

	if (control & FW_CFG_DMA_CTL_READ) {
		ok = !n || fw_cfg_dma_out(f, gpa, src, n);
		if (ok && n < length)
			ok = fw_cfg_dma_out(f, gpa + n, NULL, length - n);
	} else if (control & FW_CFG_DMA_CTL_WRITE) {
		ok = !length;
	} else if (!(control & FW_CFG_DMA_CTL_SKIP)) {
		return 0;
	}
	f->offset += n;
	return ok ? 0 : FW_CFG_DMA_CTL_ERROR;
}

/* Called with the lock held, on the write of the low half of the address. */
static void fw_cfg_dma_run(struct fw_cfg *f)
{
	uint64_t gpa = f->dma_addr;
	uint32_t control;
	uint8_t *d;

	/* Cleared first: a later lone low-half write means a 32-bit address. */
	f->dma_addr = 0;
	d = fw_cfg_guest(f, gpa, FW_CFG_DMA_ACCESS_SIZE);
	if (!d) {
		/* QEMU still tries to report the error in the control word. */
		d = fw_cfg_guest(f, gpa, 4);
		if (d)
			put_be32(d, FW_CFG_DMA_CTL_ERROR);
		return;
	}
	/* Each field is read once: another vCPU may be changing them. */
	control = get_be32(d);
	if (control & FW_CFG_DMA_CTL_SELECT)
		fw_cfg_select(f, (uint16_t)(control >> 16));
	control = fw_cfg_dma_xfer(f, control, get_be32(d + 4),
				  (uint64_t)get_be32(d + 8) << 32 | get_be32(d + 12));
	put_be32(d, control);
}

/*
 * 0x514-0x51b. Reads give "QEMU CFG" at every width (QEMU splits unaligned
 * ones into aligned pieces); only aligned 32-bit writes of either half count.
 */
static void fw_cfg_dma_io(void *opaque, uint64_t offset, uint8_t *data, uint32_t len,
			  bool is_write)
{
	struct fw_cfg *f = opaque;
	uint32_t i;

	if (!is_write) {
		for (i = 0; i < len; i++)
			data[i] = fw_cfg_fixed_byte(FW_CFG_PORT_DMA + offset + i);
		return;
	}
	if (len != 4 || (offset != 0 && offset != 4))
		return;
	pthread_mutex_lock(&f->lock);
	if (offset == 0) {
		f->dma_addr = (uint64_t)get_be32(data) << 32;
	} else {
		f->dma_addr |= get_be32(data);
		fw_cfg_dma_run(f);
	}
	pthread_mutex_unlock(&f->lock);
}

int fw_cfg_register(struct fw_cfg *f, struct bus *pio, struct lk_err *err)
{
	uint32_t id = FW_CFG_ID_TRADITIONAL | (f->dma ? FW_CFG_ID_DMA : 0);

	if (f->registered)
		return err_set(err, LK_EXIT_HOST, "fw_cfg: registered twice");
	fw_cfg_set(&f->items[0][FW_CFG_SIGNATURE], fw_cfg_signature, sizeof(fw_cfg_signature));
	bus_data_put(f->items[0][FW_CFG_ID].scalar, 4, id);
	fw_cfg_set(&f->items[0][FW_CFG_ID], f->items[0][FW_CFG_ID].scalar, 4);
	fw_cfg_build_dir(f);
	f->registered = true;
	/* QEMU's reset selects the signature. */
	fw_cfg_select(f, FW_CFG_SIGNATURE);
	if (bus_register(pio, FW_CFG_PORT_SEL, 2, fw_cfg_io, f, "fw_cfg", err))
		return -1;
	if (f->dma && bus_register(pio, FW_CFG_PORT_DMA, FW_CFG_DMA_PORTS, fw_cfg_dma_io,
					  f, "fw_cfg DMA", err))
		return -1;
	return 0;
}
