// SPDX-License-Identifier: GPL-2.0-only
/*
 * virtio-blk on a raw image: read, write, flush (fdatasync), get-id,
 * discard and write-zeroes (holes punched where the file system can). A
 * request is served on the I/O loop, off the vCPU threads; its data moves
 * between the guest's buffers and the file with preadv/pwritev, straight
 * from and into guest memory. Nothing is allocated per request.
 *
 * A write the guest saw complete is in the file (the page cache): it
 * survives the end of lkvm-sev, killed or not; flush makes it durable.
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/falloc.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <unistd.h>

#include "devices/virtio_blk.h"
#include "devices/virtio_pci.h"
#include "util/file.h"

#define VIRTIO_ID_BLOCK			2
#define VIRTIO_BLK_QUEUE_SIZE		256
#define VIRTIO_BLK_SECTOR		512

/* Features (5.2.3). */
#define VIRTIO_BLK_F_SEG_MAX		2
#define VIRTIO_BLK_F_RO			5
#define VIRTIO_BLK_F_BLK_SIZE		6
#define VIRTIO_BLK_F_FLUSH		9
#define VIRTIO_BLK_F_DISCARD		13
#define VIRTIO_BLK_F_WRITE_ZEROES	14

/* Request types and status (5.2.6). */
#define VIRTIO_BLK_T_IN			0
#define VIRTIO_BLK_T_OUT		1
#define VIRTIO_BLK_T_FLUSH		4
#define VIRTIO_BLK_T_GET_ID		8
#define VIRTIO_BLK_T_DISCARD		11
#define VIRTIO_BLK_T_WRITE_ZEROES	13
#define VIRTIO_BLK_S_OK			0
#define VIRTIO_BLK_S_IOERR		1
#define VIRTIO_BLK_S_UNSUPP		2
#define VIRTIO_BLK_ID_BYTES		20
#define VIRTIO_BLK_WZ_UNMAP		1

/* One discard or write-zeroes range per request, as Linux sends them by default. */
#define VIRTIO_BLK_MAX_SEGS		1
#define VIRTIO_BLK_CONFIG_LEN		60

struct virtio_blk {
	struct virtio_pci vp;
	struct virtq_elem elem;
	int fd;
	bool ro;
	uint64_t sectors;
	char id[VIRTIO_BLK_ID_BYTES];
	uint8_t config[VIRTIO_BLK_CONFIG_LEN];
};

static void blk_config(struct virtio_blk *b)
{
	uint8_t *c = b->config;
	uint64_t max = b->sectors < 0xffffffffULL ? b->sectors : 0xffffffffULL;

	bus_data_put64(c + 0, 8, b->sectors);			/* capacity */
	bus_data_put(c + 12, 4, VIRTQ_MAX_CHAIN - 2);		/* seg_max */
	bus_data_put(c + 20, 4, VIRTIO_BLK_SECTOR);		/* blk_size */
	bus_data_put(c + 36, 4, (uint32_t)max);			/* max_discard_sectors */
	bus_data_put(c + 40, 4, VIRTIO_BLK_MAX_SEGS);		/* max_discard_seg */
	bus_data_put(c + 44, 4, 1);				/* discard_sector_alignment */
	bus_data_put(c + 48, 4, (uint32_t)max);			/* max_write_zeroes_sectors */
	bus_data_put(c + 52, 4, VIRTIO_BLK_MAX_SEGS);		/* max_write_zeroes_seg */
	c[56] = 1;						/* write_zeroes_may_unmap */
}

static void blk_config_read(void *dev, uint32_t off, uint8_t *data, uint32_t len)
{
	struct virtio_blk *b = dev;

	memcpy(data, b->config + off, len);
}

/* The data buffers of @e between the header (out[0]) and the status byte. */
struct blk_data {
	struct iovec iov[VIRTQ_MAX_CHAIN];
	unsigned int n;
	uint64_t len;
};

/* Splits off the last writable byte (the status); the rest is data. */
static uint8_t *blk_split(const struct virtq_elem *e, bool to_guest, struct blk_data *d)
{
	const struct iovec *v = to_guest ? e->in : e->out + 1;
	unsigned int n = to_guest ? e->nr_in : e->nr_out - 1, i;
	const struct iovec *last = &e->in[e->nr_in - 1];

	d->n = 0;
	d->len = 0;
	for (i = 0; i < n; i++) {
		d->iov[d->n] = v[i];
		if (to_guest && i == n - 1)
			d->iov[d->n].iov_len--;		/* the status byte */
		d->len += d->iov[d->n].iov_len;
		d->n += d->iov[d->n].iov_len > 0;
	}
	return (uint8_t *)last->iov_base + last->iov_len - 1;
}

static bool blk_range_ok(const struct virtio_blk *b, uint64_t sector, uint64_t len)
{
	return !(len % VIRTIO_BLK_SECTOR) && sector <= b->sectors &&
	       len / VIRTIO_BLK_SECTOR <= b->sectors - sector;
}

/* preadv/pwritev the whole of @d at @off, resuming after short transfers. */
static bool blk_rw(struct virtio_blk *b, struct blk_data *d, uint64_t off, bool write)
{
	struct iovec *iov = d->iov;
	int n = (int)d->n;

	while (n > 0) {
		ssize_t r = write ? pwritev(b->fd, iov, n, (off_t)off)
				  : preadv(b->fd, iov, n, (off_t)off);

		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			return false;
		off += (uint64_t)r;
		while (n > 0 && (size_t)r >= iov->iov_len) {
			r -= (ssize_t)iov->iov_len;
			iov++;
			n--;
		}
		if (n > 0) {
			iov->iov_base = (uint8_t *)iov->iov_base + r;
			iov->iov_len -= (size_t)r;
		}
	}
	return true;
}

/* @bytes of zeros at @off, where fallocate cannot make them: 64 KiB a call. */
static bool blk_write_zeroes(struct virtio_blk *b, uint64_t off, uint64_t bytes)
{
	static const uint8_t zeros[4096];
	struct iovec iov[16];

	while (bytes) {
		unsigned int n;
		ssize_t r;

		for (n = 0; n < 16 && bytes > n * sizeof(zeros); n++) {
			uint64_t left = bytes - n * sizeof(zeros);

			iov[n] = (struct iovec){ (void *)zeros,
						 left < sizeof(zeros) ? left : sizeof(zeros) };
		}
		r = pwritev(b->fd, iov, (int)n, (off_t)off);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			return false;
		off += (uint64_t)r;
		bytes -= (uint64_t)r;
	}
	return true;
}

/* Discard or write-zeroes: one range, read from the request's data. */
static uint8_t blk_zero(struct virtio_blk *b, const struct blk_data *d, uint32_t type)
{
	uint8_t seg[16];
	uint64_t sector, bytes;
	int mode;

	if (d->len != sizeof(seg) || d->n != 1 || b->ro)
		return VIRTIO_BLK_S_IOERR;
	memcpy(seg, d->iov[0].iov_base, sizeof(seg));
	sector = bus_data_get64(seg, 8);
	bytes = (uint64_t)bus_data_get(seg + 8, 4) * VIRTIO_BLK_SECTOR;
	if (!blk_range_ok(b, sector, bytes))
		return VIRTIO_BLK_S_IOERR;
	/* Discard may drop the data; write-zeroes must read back zeros either way. */
	mode = FALLOC_FL_KEEP_SIZE | FALLOC_FL_PUNCH_HOLE;
	if (type == VIRTIO_BLK_T_WRITE_ZEROES &&
	    !(bus_data_get(seg + 12, 4) & VIRTIO_BLK_WZ_UNMAP))
		mode = FALLOC_FL_KEEP_SIZE | FALLOC_FL_ZERO_RANGE;
	if (!fallocate(b->fd, mode, (off_t)(sector * VIRTIO_BLK_SECTOR), (off_t)bytes))
		return VIRTIO_BLK_S_OK;
	/* A file system without holes: discard is a hint; zeroes are written. */
	if (type == VIRTIO_BLK_T_DISCARD)
		return VIRTIO_BLK_S_OK;
	if (!fallocate(b->fd, FALLOC_FL_KEEP_SIZE | FALLOC_FL_ZERO_RANGE,
		       (off_t)(sector * VIRTIO_BLK_SECTOR), (off_t)bytes))
		return VIRTIO_BLK_S_OK;
	/* Nor ZERO_RANGE (tmpfs): written out. */
	return blk_write_zeroes(b, sector * VIRTIO_BLK_SECTOR, bytes) ? VIRTIO_BLK_S_OK :
	       VIRTIO_BLK_S_IOERR;
}

/* One request: its status, and the bytes written to the guest (@in). */
static uint8_t blk_request(struct virtio_blk *b, const struct virtq_elem *e, uint32_t *in)
{
	struct blk_data d;
	uint8_t hdr[16];
	uint32_t type;
	uint64_t sector;

	memcpy(hdr, e->out[0].iov_base, sizeof(hdr));
	type = bus_data_get(hdr, 4);
	sector = bus_data_get64(hdr + 8, 8);
	*in = 0;
	switch (type) {
	case VIRTIO_BLK_T_IN:
		blk_split(e, true, &d);
		if (!blk_range_ok(b, sector, d.len) || !blk_rw(b, &d, sector * 512, false))
			return VIRTIO_BLK_S_IOERR;
		*in = (uint32_t)d.len;
		return VIRTIO_BLK_S_OK;
	case VIRTIO_BLK_T_OUT:
		blk_split(e, false, &d);
		if (b->ro || !blk_range_ok(b, sector, d.len) || !blk_rw(b, &d, sector * 512, true))
			return VIRTIO_BLK_S_IOERR;
		return VIRTIO_BLK_S_OK;
	case VIRTIO_BLK_T_FLUSH:
		return fdatasync(b->fd) ? VIRTIO_BLK_S_IOERR : VIRTIO_BLK_S_OK;
	case VIRTIO_BLK_T_GET_ID:
		blk_split(e, true, &d);
		*in = (uint32_t)iov_from_buf(d.iov, d.n, b->id, sizeof(b->id));
		return VIRTIO_BLK_S_OK;
	case VIRTIO_BLK_T_DISCARD:
	case VIRTIO_BLK_T_WRITE_ZEROES:
		blk_split(e, false, &d);
		return blk_zero(b, &d, type);
	default:
		return VIRTIO_BLK_S_UNSUPP;
	}
}

/* One request: the status byte written after the data; the bytes given to the guest. */
static int64_t blk_serve(void *ctx, const struct virtq_elem *e, struct lk_err *err)
{
	const struct iovec *st = &e->in[e->nr_in ? e->nr_in - 1 : 0];
	uint32_t in;

	/* A header to read and a status byte to write, at the least (5.2.6). */
	if (!e->nr_out || e->out[0].iov_len < 16 || !e->nr_in || !st->iov_len)
		return err_set(err, LK_EXIT_CRASH, "request %u has no header or no status byte",
			       e->head);
	((uint8_t *)st->iov_base)[st->iov_len - 1] = blk_request(ctx, e, &in);
	return (int64_t)in + 1;
}

static void blk_queue_notify(void *dev, struct virtio_pci *vp, unsigned int qi)
{
	struct virtio_blk *b = dev;

	virtio_pci_serve(vp, qi, &b->elem, blk_serve, b);
}

static const struct virtio_ops blk_ops = {
	.name = "virtio-blk",
	.type = VIRTIO_ID_BLOCK,
	.class_code = 0x018000,		/* mass storage, other: as QEMU's */
	.features = 1ULL << VIRTIO_BLK_F_SEG_MAX | 1ULL << VIRTIO_BLK_F_BLK_SIZE |
		    1ULL << VIRTIO_BLK_F_FLUSH | 1ULL << VIRTIO_BLK_F_DISCARD |
		    1ULL << VIRTIO_BLK_F_WRITE_ZEROES,
	.nr_queues = 1,
	.queue_size = VIRTIO_BLK_QUEUE_SIZE,
	.config_len = VIRTIO_BLK_CONFIG_LEN,
	.config_read = blk_config_read,
	.queue_notify = blk_queue_notify,
};

/* The image: opened, locked against another writer, a whole number of sectors. */
static int blk_open(struct virtio_blk *b, const struct virtio_blk_opts *o, struct lk_err *err)
{
	struct stat st;

	b->fd = open(o->path, (o->ro ? O_RDONLY : O_RDWR) | O_CLOEXEC);
	if (b->fd < 0)
		return err_set(err, LK_EXIT_USAGE, "%s %s: %s", o->opt, o->path, strerror(errno));
	if (fstat(b->fd, &st))
		return err_set(err, LK_EXIT_USAGE, "%s %s: %s", o->opt, o->path, strerror(errno));
	if (!S_ISREG(st.st_mode) && !S_ISBLK(st.st_mode))
		return err_set(err, LK_EXIT_USAGE, "%s %s: not a file or a block device", o->opt,
			       o->path);
	if (S_ISREG(st.st_mode) && (!st.st_size || st.st_size % VIRTIO_BLK_SECTOR))
		return err_set(err, LK_EXIT_USAGE, "%s %s: %lld bytes, not a whole number of "
			       "512-byte sectors", o->opt, o->path, (long long)st.st_size);
	if (file_lock(b->fd, !o->ro))
		return err_set(err, LK_EXIT_USAGE, "%s %s: locked by another %s of the image "
			       "(%s)", o->opt, o->path, o->ro ? "writer" : "user", strerror(errno));
	b->sectors = (uint64_t)lseek(b->fd, 0, SEEK_END) / VIRTIO_BLK_SECTOR;
	b->ro = o->ro;
	return 0;
}

static void blk_destroy(void *dev)
{
	struct virtio_blk *b = dev;

	virtio_pci_destroy(&b->vp);
	if (b->fd >= 0)
		close(b->fd);
	free(b);
}

static void *blk_realize(const struct dev_services *svc, const void *opts, struct lk_err *err)
{
	const struct virtio_blk_opts *o = opts;
	struct virtio_blk *b = calloc(1, sizeof(*b));
	const char *base;

	if (!b) {
		err_sys(err, "virtio-blk: allocating its state");
		return NULL;
	}
	b->fd = -1;
	base = strrchr(o->path, '/') ? strrchr(o->path, '/') + 1 : o->path;
	/* Not NUL-terminated when it fills the 20 bytes, as the specification allows. */
	memcpy(b->id, base, strnlen(base, sizeof(b->id)));
	if (blk_open(b, o, err) || virtio_pci_init(&b->vp, &blk_ops, b, svc, err)) {
		blk_destroy(b);
		return NULL;
	}
	/* Read-only: said, and nothing offered that writes. */
	if (b->ro)
		b->vp.features = (b->vp.features | 1ULL << VIRTIO_BLK_F_RO) &
				 ~(1ULL << VIRTIO_BLK_F_DISCARD | 1ULL << VIRTIO_BLK_F_WRITE_ZEROES);
	blk_config(b);
	return b;
}

const struct device_type virtio_blk_type = {
	.name = "virtio-blk",
	.realize = blk_realize,
	.destroy = blk_destroy,
};
