// SPDX-License-Identifier: GPL-2.0-only
/*
 * CFI flash with the Intel command set, as QEMU's pflash_cfi01 behaves for
 * the pc machine: OVMF keeps its variable store here and persists it through
 * byte programs and 4 KiB block erases, each written through to the file.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "devices/bus.h"
#include "devices/cfi_flash.h"
#include "util/file.h"

/* Commands, as OVMF's QemuFlash.c and QEMU's pflash_write() name them. */
#define CMD_READ_ARRAY_QEMU 0x00	/* QEMU's own read-array value (not CFI) */
#define CMD_PROGRAM 0x10
#define CMD_ERASE 0x20
#define CMD_PROGRAM_ALT 0x40
#define CMD_CLEAR_STATUS 0x50
#define CMD_READ_STATUS 0x70
#define CMD_READ_ID 0x90
#define CMD_QUERY 0x98
#define CMD_ERASE_CONFIRM 0xd0
#define CMD_AMD_RESET 0xf0		/* AMD probe: QEMU reads array */
#define CMD_READ_ARRAY 0xff

static int vars_bad(struct lk_err *err, const char *path, const char *why)
{
	return err_set(err, LK_EXIT_USAGE, "--vars %s: %s", path, why);
}

/* Opens read-write and checks the file; returns the fd and its size. */
static int flash_open_fd(const char *path, uint64_t *size, struct lk_err *err)
{
	struct stat st;
	int fd;

	fd = open(path, O_RDWR | O_CLOEXEC | O_NONBLOCK);	/* a FIFO must not block */
	if (fd < 0) {
		if (errno == ENOENT)
			return vars_bad(err, path, "no such file");
		if (errno == EISDIR)
			return vars_bad(err, path, "not a regular file");
		err_sys(err, "--vars %s: cannot open it read-write", path);
		err->status = LK_EXIT_USAGE;
		return -1;
	}
	if (fstat(fd, &st) || !S_ISREG(st.st_mode)) {
		close(fd);
		return vars_bad(err, path, "not a regular file");
	}
	*size = (uint64_t)st.st_size;
	if (!*size || *size % CFI_FLASH_BLOCK_SIZE) {
		close(fd);
		if (!*size)
			return vars_bad(err, path, "empty file");
		return err_set(err, LK_EXIT_USAGE,
			       "--vars %s: size %llu bytes is not a multiple of 4 KiB", path,
			       (unsigned long long)*size);
	}
	return fd;
}

int cfi_flash_file_size(const char *path, uint64_t *size, struct lk_err *err)
{
	int fd = flash_open_fd(path, size, err);

	if (fd < 0)
		return -1;
	close(fd);
	return 0;
}

static int flash_load(struct cfi_flash *f, struct lk_err *err)
{
	uint64_t done = 0;
	ssize_t n;

	while (done < f->size) {
		n = pread(f->fd, f->mem + done, f->size - done, (off_t)done);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			err_sys(err, "--vars %s: cannot read it", f->path);
			err->status = LK_EXIT_USAGE;
			return -1;
		}
		if (n == 0)
			return err_set(err, LK_EXIT_USAGE, "--vars %s: the file shrank while "
				       "being read", f->path);
		done += (uint64_t)n;
	}
	return 0;
}

/*
 * QEMU's pflash_cfi01_fill_cfi_table() for one x8 device (no device-width):
 * the same bytes, so that a guest probing the part sees what it sees there.
 */
static void flash_fill_query(struct cfi_flash *f)
{
	uint64_t blocks = f->size / CFI_FLASH_BLOCK_SIZE;
	uint32_t size32 = (uint32_t)f->size;	/* QEMU's ctz32() truncates */
	uint8_t *q = f->query;

	memset(q, 0, CFI_FLASH_QUERY_LEN);
	memcpy(q + 0x10, "QRY", 3);
	q[0x13] = 0x01;		/* primary command set: Intel/Sharp extended */
	q[0x15] = 0x31;		/* primary extended table at 0x31 */
	q[0x1b] = 0x45;		/* Vcc min 4.5 V */
	q[0x1c] = 0x55;		/* Vcc max 5.5 V */
	q[0x1f] = 0x07;		/* typical timeouts: single write 2^7 us, */
	q[0x20] = 0x07;		/* buffer write 2^7 us, */
	q[0x21] = 0x0a;		/* block erase 2^10 ms; no chip erase (0x22) */
	q[0x23] = 0x04;		/* maximum timeouts, 2^4 times typical */
	q[0x24] = 0x04;
	q[0x25] = 0x04;
	/* Device size as 2^n bytes: exact only for power-of-two sizes, as in QEMU. */
	q[0x27] = (uint8_t)(size32 ? __builtin_ctz(size32) : 32);
	q[0x28] = 0x02;		/* x8/x16 interface */
	q[0x2a] = 0x08;		/* 2^8-byte write buffer (QEMU, width 1) */
	q[0x2c] = 0x01;		/* one uniform erase block region: */
	q[0x2d] = (uint8_t)(blocks - 1);
	q[0x2e] = (uint8_t)((blocks - 1) >> 8);
	q[0x2f] = (uint8_t)(CFI_FLASH_BLOCK_SIZE >> 8);
	q[0x30] = (uint8_t)(CFI_FLASH_BLOCK_SIZE >> 16);
	memcpy(q + 0x31, "PRI10", 5);	/* extended table, version 1.0 */
	q[0x3f] = 0x01;		/* number of protection fields */
}

int cfi_flash_open(struct cfi_flash *f, const char *path, uint64_t gpa, void *mem, uint64_t size,
		   cfi_flash_mode_fn set_mode, void *mode_ctx, struct stop *stop,
		   struct lk_err *err)
{
	uint64_t file_size;
	int fd;

	memset(f, 0, sizeof(*f));
	f->fd = -1;
	fd = flash_open_fd(path, &file_size, err);
	if (fd < 0)
		return -1;
	/* Held while the guest runs: a second writer would corrupt the store. */
	if (file_lock(fd, true)) {
		err_set(err, LK_EXIT_USAGE, "--vars %s: locked by another user of the variable "
			"store (%s)", path, strerror(errno));
		close(fd);
		return -1;
	}
	if (file_size != size) {
		close(fd);
		return err_set(err, LK_EXIT_USAGE, "--vars %s: size %llu bytes, expected %llu",
			       path, (unsigned long long)file_size, (unsigned long long)size);
	}
	f->path = path;
	f->fd = fd;
	f->gpa = gpa;
	f->mem = mem;
	f->size = size;
	f->set_mode = set_mode;
	f->mode_ctx = mode_ctx;
	f->stop = stop;
	if (flash_load(f, err)) {
		close(fd);
		f->fd = -1;
		return -1;
	}
	flash_fill_query(f);
	f->cmd = CMD_READ_ARRAY_QEMU;
	f->status = CFI_STATUS_READY;	/* QEMU's reset value: WSM ready */
	f->mapped_array = true;
	pthread_mutex_init(&f->lock, NULL);
	return 0;
}

static int flash_datasync(struct cfi_flash *f, struct lk_err *err)
{
	if (fdatasync(f->fd))
		return err_sys(err, "--vars %s: fdatasync", f->path);
	return 0;
}

int cfi_flash_sync(struct cfi_flash *f, struct lk_err *err)
{
	return flash_datasync(f, err);
}

void cfi_flash_close(struct cfi_flash *f)
{
	struct lk_err err;

	if (f->fd < 0)
		return;
	if (flash_datasync(f, &err))
		warn("%s", err.msg);
	close(f->fd);
	f->fd = -1;
	pthread_mutex_destroy(&f->lock);
}

/* Writes @len bytes of @mem at @off through to the file. */
static int flash_persist(struct cfi_flash *f, uint64_t off, uint64_t len, struct lk_err *err)
{
	uint64_t done = 0;
	ssize_t n;

	while (done < len) {
		n = pwrite(f->fd, f->mem + off + done, len - done, (off_t)(off + done));
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			if (n == 0)
				errno = ENOSPC;
			return err_sys(err, "--vars %s: pwrite at offset 0x%llx, length %llu",
				       f->path, (unsigned long long)(off + done),
				       (unsigned long long)(len - done));
		}
		done += (uint64_t)n;
	}
	return 0;
}

/*
 * The guest's data must be in the file before it can see the status, so a
 * failed write stops the VM: a variable store that silently diverges from
 * its file is worse than no run.
 */
static void flash_io_failed(struct cfi_flash *f, uint8_t status_bit, const struct lk_err *err)
{
	f->status |= status_bit;
	stop_request_err(f->stop, err);
}

/* Stored as written, no AND with the old contents: QEMU's pflash_data_write(). */
static void flash_program(struct cfi_flash *f, uint64_t off, uint32_t value, uint32_t w)
{
	struct lk_err err;
	uint32_t i;

	/* Only when set_mode(false) failed: the VM is stopping already. */
	if (f->mapped_array) {
		f->status |= CFI_STATUS_PROGRAM_ERR;
		return;
	}
	for (i = 0; i < w; i++)
		f->mem[off + i] = (uint8_t)(value >> (8 * i));
	if (flash_persist(f, off, w, &err))
		flash_io_failed(f, CFI_STATUS_PROGRAM_ERR, &err);
}

static void flash_erase(struct cfi_flash *f, uint64_t off)
{
	uint64_t base = off & ~(uint64_t)(CFI_FLASH_BLOCK_SIZE - 1);
	struct lk_err err;

	if (f->mapped_array) {
		f->status |= CFI_STATUS_ERASE_ERR;
		return;
	}
	memset(f->mem + base, 0xff, CFI_FLASH_BLOCK_SIZE);
	/* An erase is rare and destroys data: make it durable at once. */
	if (flash_persist(f, base, CFI_FLASH_BLOCK_SIZE, &err) || flash_datasync(f, &err))
		flash_io_failed(f, CFI_STATUS_ERASE_ERR, &err);
}

static void flash_read_array(struct cfi_flash *f)
{
	f->wcycle = 0;
	f->cmd = CMD_READ_ARRAY_QEMU;
}

/* QEMU's error_flash path: log, then read array. */
static void flash_unsupported(struct cfi_flash *f, uint64_t off, uint8_t cmd)
{
	char after[16] = "";

	if (!f->warned) {
		f->warned = true;
		if (f->wcycle)
			snprintf(after, sizeof(after), " after 0x%02x", f->cmd);
		warn("--vars %s: unsupported flash command 0x%02x%s at offset 0x%llx: back to "
		     "read-array mode (further unsupported commands are not reported)",
		     f->path, cmd, after, (unsigned long long)off);
	}
	flash_read_array(f);
}

/* The first cycle of a command (QEMU's pflash_write(), wcycle 0). */
static void flash_command(struct cfi_flash *f, uint64_t off, uint8_t cmd)
{
	switch (cmd) {
	case CMD_READ_ARRAY_QEMU:
	case CMD_AMD_RESET:
	case CMD_READ_ARRAY:
		flash_read_array(f);
		break;
	case CMD_ERASE:
		/*
		 * QEMU erases on this write already; the block waits for the
		 * confirm here, so that an aborted erase keeps the store. The
		 * status reads the same either way.
		 */
		f->status |= CFI_STATUS_READY;
		f->erase_off = off;
		/* fall through */
	case CMD_PROGRAM:
	case CMD_PROGRAM_ALT:
	case CMD_QUERY:
		f->cmd = cmd;
		f->wcycle = 1;
		break;
	case CMD_CLEAR_STATUS:
		/* Back to read array: OVMF's probe reads the array here, not 0x50. */
		f->status = 0;
		flash_read_array(f);
		break;
	case CMD_READ_STATUS:
	case CMD_READ_ID:
		f->cmd = cmd;	/* one cycle: the next write is a new command */
		break;
	default:
		flash_unsupported(f, off, cmd);
		break;
	}
}

/* The second cycle (wcycle 1). Program and erase leave cmd set: reads keep returning status. */
static void flash_second(struct cfi_flash *f, uint64_t off, uint32_t value, uint32_t w)
{
	uint8_t cmd = (uint8_t)value;

	switch (f->cmd) {
	case CMD_PROGRAM:
	case CMD_PROGRAM_ALT:
		flash_program(f, off, value, w);
		f->status |= CFI_STATUS_READY;
		f->wcycle = 0;
		break;
	case CMD_ERASE:
		if (cmd == CMD_ERASE_CONFIRM) {
			flash_erase(f, f->erase_off);
			f->status |= CFI_STATUS_READY;
			f->wcycle = 0;
		} else if (cmd == CMD_READ_ARRAY) {
			flash_read_array(f);
		} else {
			flash_unsupported(f, off, cmd);	/* no status bits, as QEMU */
		}
		break;
	default:
		/* Query mode: QEMU leaves it on 0xff only and ignores the rest. */
		if (cmd == CMD_READ_ARRAY)
			flash_read_array(f);
		break;
	}
}

/* Tells the machine before the guest can see the new mode; called with the lock held. */
static void flash_sync_mode(struct cfi_flash *f)
{
	bool array = f->cmd == CMD_READ_ARRAY_QEMU;
	struct lk_err err;

	if (array == f->mapped_array)
		return;
	if (f->set_mode(f->mode_ctx, array, &err)) {
		stop_request_err(f->stop, &err);
		return;
	}
	f->mapped_array = array;
}

static void flash_write(struct cfi_flash *f, uint64_t off, uint32_t value, uint32_t w)
{
	if (f->wcycle)
		flash_second(f, off, value, w);
	else
		flash_command(f, off, (uint8_t)value);
	flash_sync_mode(f);
}

/* QEMU's pflash_read() for width 1 and no device-width. */
static uint32_t flash_read(struct cfi_flash *f, uint64_t off, uint32_t w)
{
	uint32_t v = 0, i;

	switch (f->cmd) {
	case CMD_READ_ARRAY_QEMU:
		for (i = 0; i < w; i++)
			v |= (uint32_t)f->mem[off + i] << (8 * i);
		return v;
	case CMD_READ_ID:
		/* Manufacturer and device codes come from id0-id3: all 0 on pc. */
		return 0;
	case CMD_QUERY:
		/* One byte whatever the width; the table repeats every 256 bytes. */
		return (off & 0xff) < CFI_FLASH_QUERY_LEN ? f->query[off & 0xff] : 0;
	default:
		/* Status; QEMU repeats it in bits 16-23 of 4-byte reads. */
		return w == 4 ? f->status | (uint32_t)f->status << 16 : f->status;
	}
}

/* QEMU's memory core splits wider accesses into 4-byte ones; 3 bytes become 2 + 1 here. */
static uint32_t flash_chunk(uint32_t left)
{
	return left >= 4 ? 4 : left >= 2 ? 2 : 1;
}

void cfi_flash_io(void *opaque, uint64_t offset, uint8_t *data, uint32_t len, bool is_write)
{
	struct cfi_flash *f = opaque;
	uint32_t n = 0, i, w;

	/* Bytes past the end of an access straddling it read as all-ones, writes are dropped. */
	if (offset < f->size)
		n = f->size - offset < len ? (uint32_t)(f->size - offset) : len;
	if (!is_write)
		memset(data + n, 0xff, len - n);
	pthread_mutex_lock(&f->lock);
	for (i = 0; i < n; i += w) {
		w = flash_chunk(n - i);
		if (is_write)
			flash_write(f, offset + i, bus_data_get(data + i, w), w);
		else
			bus_data_put(data + i, w, flash_read(f, offset + i, w));
	}
	pthread_mutex_unlock(&f->lock);
}
