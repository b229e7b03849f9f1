// SPDX-License-Identifier: GPL-2.0-only
/*
 * virtio-blk on a raw image: read, write, flush (fdatasync), get-id,
 * discard and write-zeroes (holes punched where the file system can).
 * Requests are taken off the ring on the I/O loop, off the vCPU threads,
 * and reads, writes and flushes go to io_uring, up to BLK_INFLIGHT at once,
 * straight from and into guest memory; completions come back to the I/O
 * loop through an eventfd. Where io_uring is refused (an old kernel, a
 * container's seccomp, io_uring_disabled) or `aio=sync` asks for it, they
 * are served one at a time with preadv/pwritev on the I/O loop. Nothing is
 * allocated per request: the requests in flight live in an array made at
 * realize.
 *
 * A write the guest saw complete is in the file (the page cache): it
 * survives the end of lkvm-sev, killed or not; flush makes it durable.
 */
#include <errno.h>
#include <fcntl.h>
#include <liburing.h>
#include <linux/falloc.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <unistd.h>

#include "devices/virtio_blk.h"
#include "devices/virtio_pci.h"
#include "kvm/trace.h"
#include "util/file.h"

#define VIRTIO_ID_BLOCK			2
#define VIRTIO_BLK_QUEUE_SIZE		256
#define VIRTIO_BLK_SECTOR		512
/*
 * VIRTIO_BLK_INFLIGHT requests in flight at once: enough to keep a disk's
 * queue busy (SATA NCQ takes 32); more wait on the ring until one
 * completes. Each holds a virtq_elem (16 KiB, touched as far as used).
 */
#define BLK_INFLIGHT			VIRTIO_BLK_INFLIGHT

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
/* Not a status: the request went to io_uring and completes later. */
#define BLK_PENDING			0x100

/* One discard or write-zeroes range per request, as Linux sends them by default. */
#define VIRTIO_BLK_MAX_SEGS		1
#define VIRTIO_BLK_CONFIG_LEN		60

/* A request from the ring until its status is written. */
struct blk_req {
	struct virtq_elem elem;
	struct iovec *iov;		/* its data buffers, inside elem */
	unsigned int niov;
	uint64_t len;			/* their total size */
	uint64_t off, left;		/* where the rest goes in the image; how much is left */
	uint8_t *status;		/* the chain's last writable byte */
	uint32_t type;
	uint32_t written;		/* bytes given to the guest, when not the data */
	struct blk_req *next_free;
};

struct virtio_blk {
	struct virtio_pci vp;
	int fd;
	bool ro;
	uint64_t sectors;
	char id[VIRTIO_BLK_ID_BYTES];
	uint8_t config[VIRTIO_BLK_CONFIG_LEN];
	/* Under the transport's lock. */
	struct blk_req *reqs, *free;
	unsigned int inflight;		/* requests io_uring holds */
	bool starved;			/* the ring had more than BLK_INFLIGHT */
	bool uring;			/* ring and ring_efd are set up */
	struct io_uring ring;
	int ring_efd;			/* io_uring's completions, for the I/O loop */
	struct ioloop_src ring_src;
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

static bool blk_range_ok(const struct virtio_blk *b, uint64_t sector, uint64_t len)
{
	return !(len % VIRTIO_BLK_SECTOR) && sector <= b->sectors &&
	       len / VIRTIO_BLK_SECTOR <= b->sectors - sector;
}

/* @bytes of @r's data are done: its buffers, offset and count move past them. */
static void blk_advance(struct blk_req *r, uint64_t bytes)
{
	r->off += bytes;
	r->left -= bytes;
	while (r->niov && bytes >= r->iov->iov_len) {
		bytes -= r->iov->iov_len;
		r->iov++;
		r->niov--;
	}
	if (r->niov) {
		r->iov->iov_base = (uint8_t *)r->iov->iov_base + bytes;
		r->iov->iov_len -= bytes;
	}
}

/* preadv/pwritev of what is left of @r's data, resuming after short transfers. */
static bool blk_rw(struct virtio_blk *b, struct blk_req *r)
{
	bool write = r->type == VIRTIO_BLK_T_OUT;

	while (r->left) {
		ssize_t got = write ? pwritev(b->fd, r->iov, (int)r->niov, (off_t)r->off)
				    : preadv(b->fd, r->iov, (int)r->niov, (off_t)r->off);

		if (got < 0 && errno == EINTR)
			continue;
		if (got <= 0)
			return false;
		blk_advance(r, (uint64_t)got);
	}
	return true;
}

/*
 * As much of @r as the page cache can take or give without waiting (a
 * read of cached blocks, a write where the file system allows): cheaper
 * than a trip through io_uring, which is left what would block.
 */
static void blk_rw_nowait(struct virtio_blk *b, struct blk_req *r)
{
	bool write = r->type == VIRTIO_BLK_T_OUT;
	ssize_t got = write ? pwritev2(b->fd, r->iov, (int)r->niov, (off_t)r->off, RWF_NOWAIT)
			    : preadv2(b->fd, r->iov, (int)r->niov, (off_t)r->off, RWF_NOWAIT);

	if (got > 0)
		blk_advance(r, (uint64_t)got);
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
static unsigned int blk_zero(struct virtio_blk *b, const struct blk_req *r)
{
	uint8_t seg[16];
	uint64_t sector, bytes;
	int mode;

	if (r->len != sizeof(seg) || r->niov != 1 || b->ro)
		return VIRTIO_BLK_S_IOERR;
	memcpy(seg, r->iov[0].iov_base, sizeof(seg));
	sector = bus_data_get64(seg, 8);
	bytes = (uint64_t)bus_data_get(seg + 8, 4) * VIRTIO_BLK_SECTOR;
	if (!blk_range_ok(b, sector, bytes))
		return VIRTIO_BLK_S_IOERR;
	/* Discard may drop the data; write-zeroes must read back zeros either way. */
	mode = FALLOC_FL_KEEP_SIZE | FALLOC_FL_PUNCH_HOLE;
	if (r->type == VIRTIO_BLK_T_WRITE_ZEROES &&
	    !(bus_data_get(seg + 12, 4) & VIRTIO_BLK_WZ_UNMAP))
		mode = FALLOC_FL_KEEP_SIZE | FALLOC_FL_ZERO_RANGE;
	if (!fallocate(b->fd, mode, (off_t)(sector * VIRTIO_BLK_SECTOR), (off_t)bytes))
		return VIRTIO_BLK_S_OK;
	/* A file system without holes: discard is a hint; zeroes are written. */
	if (r->type == VIRTIO_BLK_T_DISCARD)
		return VIRTIO_BLK_S_OK;
	if (!fallocate(b->fd, FALLOC_FL_KEEP_SIZE | FALLOC_FL_ZERO_RANGE,
		       (off_t)(sector * VIRTIO_BLK_SECTOR), (off_t)bytes))
		return VIRTIO_BLK_S_OK;
	/* Nor ZERO_RANGE (tmpfs): written out. */
	return blk_write_zeroes(b, sector * VIRTIO_BLK_SECTOR, bytes) ? VIRTIO_BLK_S_OK :
	       VIRTIO_BLK_S_IOERR;
}

/* A read, write or flush: to io_uring where there is one, else done here. */
static unsigned int blk_io(struct virtio_blk *b, struct blk_req *r)
{
	struct io_uring_sqe *sqe = NULL;

	if (b->uring && r->type != VIRTIO_BLK_T_FLUSH) {
		blk_rw_nowait(b, r);
		if (!r->left)
			return VIRTIO_BLK_S_OK;
	}
	if (b->uring)
		sqe = io_uring_get_sqe(&b->ring);
	if (!sqe) {
		if (r->type == VIRTIO_BLK_T_FLUSH)
			return fdatasync(b->fd) ? VIRTIO_BLK_S_IOERR : VIRTIO_BLK_S_OK;
		return blk_rw(b, r) ? VIRTIO_BLK_S_OK : VIRTIO_BLK_S_IOERR;
	}
	if (r->type == VIRTIO_BLK_T_FLUSH)
		io_uring_prep_fsync(sqe, b->fd, IORING_FSYNC_DATASYNC);
	else if (r->type == VIRTIO_BLK_T_OUT)
		io_uring_prep_writev(sqe, b->fd, r->iov, r->niov, r->off);
	else
		io_uring_prep_readv(sqe, b->fd, r->iov, r->niov, r->off);
	io_uring_sqe_set_data(sqe, r);
	b->inflight++;
	return BLK_PENDING;
}

/*
 * A request taken off the ring: its status, or BLK_PENDING. The status
 * byte is split off the last writable buffer; the data is what lies
 * between it and the header (out[0]).
 */
static unsigned int blk_begin(struct virtio_blk *b, struct blk_req *r)
{
	struct virtq_elem *e = &r->elem;
	struct iovec *last = &e->in[e->nr_in - 1];
	bool to_guest;
	uint64_t sector;
	uint8_t hdr[16];
	unsigned int i;

	memcpy(hdr, e->out[0].iov_base, sizeof(hdr));
	r->type = bus_data_get(hdr, 4);
	sector = bus_data_get64(hdr + 8, 8);
	r->status = (uint8_t *)last->iov_base + last->iov_len - 1;
	last->iov_len--;
	to_guest = r->type == VIRTIO_BLK_T_IN || r->type == VIRTIO_BLK_T_GET_ID;
	r->iov = to_guest ? e->in : e->out + 1;
	r->niov = to_guest ? e->nr_in : e->nr_out - 1;
	r->len = 0;
	for (i = 0; i < r->niov; i++)
		r->len += r->iov[i].iov_len;
	r->written = 0;
	switch (r->type) {
	case VIRTIO_BLK_T_OUT:
		if (b->ro)
			return VIRTIO_BLK_S_IOERR;
		/* fall through */
	case VIRTIO_BLK_T_IN:
		if (!blk_range_ok(b, sector, r->len))
			return VIRTIO_BLK_S_IOERR;
		r->off = sector * VIRTIO_BLK_SECTOR;
		r->left = r->len;
		return blk_io(b, r);
	case VIRTIO_BLK_T_FLUSH:
		return blk_io(b, r);
	case VIRTIO_BLK_T_GET_ID:
		r->written = (uint32_t)iov_from_buf(r->iov, r->niov, b->id, sizeof(b->id));
		return VIRTIO_BLK_S_OK;
	case VIRTIO_BLK_T_DISCARD:
	case VIRTIO_BLK_T_WRITE_ZEROES:
		return blk_zero(b, r);
	default:
		return VIRTIO_BLK_S_UNSUPP;
	}
}

/* A header to read and a status byte to write, at the least (5.2.6). */
static int blk_check(const struct virtq_elem *e, struct lk_err *err)
{
	if (!e->nr_out || e->out[0].iov_len < 16 || !e->nr_in || !e->in[e->nr_in - 1].iov_len)
		return err_set(err, LK_EXIT_CRASH, "request %u has no header or no status byte",
			       e->head);
	return 0;
}

/* @r's status into the guest, @r onto the used ring and back to the free list. */
static int blk_finish(struct virtio_blk *b, struct blk_req *r, unsigned int status,
		      struct lk_err *err)
{
	uint32_t len = r->written + 1;

	if (status == VIRTIO_BLK_S_OK && r->type == VIRTIO_BLK_T_IN)
		len = (uint32_t)r->len + 1;
	*r->status = (uint8_t)status;
	r->next_free = b->free;
	b->free = r;
	return virtq_push(&b->vp.q[0], &b->vp.svc.mem, r->elem.head, len, err);
}

/* io_uring's answer for @r: a short transfer is finished here. */
static unsigned int blk_cqe_status(struct virtio_blk *b, struct blk_req *r, int res)
{
	if (res < 0)
		return VIRTIO_BLK_S_IOERR;
	if (r->type == VIRTIO_BLK_T_FLUSH || (uint64_t)res == r->left)
		return VIRTIO_BLK_S_OK;
	if (!res)
		return VIRTIO_BLK_S_IOERR;	/* the end of the file: the image shrank */
	blk_advance(r, (uint64_t)res);
	return blk_rw(b, r) ? VIRTIO_BLK_S_OK : VIRTIO_BLK_S_IOERR;
}

/* Every completion io_uring has: pushed. Returns how many; *@broken on a lost used ring. */
static unsigned int blk_reap(struct virtio_blk *b, struct lk_err *err, bool *broken)
{
	struct io_uring_cqe *cqe;
	unsigned int n = 0;

	while (b->inflight && !io_uring_peek_cqe(&b->ring, &cqe)) {
		struct blk_req *r = io_uring_cqe_get_data(cqe);
		unsigned int status = blk_cqe_status(b, r, cqe->res);

		io_uring_cqe_seen(&b->ring, cqe);
		b->inflight--;
		if (blk_finish(b, r, status, err))
			*broken = true;
		n++;
	}
	return n;
}

/*
 * What blk_begin() queued goes to io_uring; what completed at once (a read
 * the page cache had) is pushed now. The eventfd stays quiet meanwhile: it
 * would only wake the I/O loop for completions already taken here.
 */
static bool blk_submit(struct virtio_blk *b, struct lk_err *err, bool *broken)
{
	unsigned int n;

	if (!io_uring_sq_ready(&b->ring))
		return false;
	io_uring_cq_eventfd_toggle(&b->ring, false);
	if (io_uring_submit(&b->ring) < 0)
		warn("%s: io_uring: submitting requests failed; they wait for the next kick",
		     b->vp.name);
	n = blk_reap(b, err, broken);
	io_uring_cq_eventfd_toggle(&b->ring, true);
	/* What completed in between signalled nothing. */
	return blk_reap(b, err, broken) + n > 0;
}

/*
 * Takes requests off the ring while there are free ones to hold them:
 * serves or queues each. Returns whether the queue is broken (@err);
 * *@pushed once one completed here.
 */
static bool blk_take(struct virtio_blk *b, bool *pushed, struct lk_err *err)
{
	struct virtio_pci *vp = &b->vp;

	b->starved = false;
	while (b->free) {
		struct blk_req *r = b->free;
		unsigned int status;
		int got = virtq_pop(&vp->q[0], &vp->svc.mem, &r->elem, err);

		if (got <= 0 || blk_check(&r->elem, err))
			return got != 0;
		b->free = r->next_free;
		status = blk_begin(b, r);
		if (status == BLK_PENDING)
			continue;
		if (blk_finish(b, r, status, err))
			return true;
		*pushed = true;
	}
	/* Maybe more on the ring: the next completion comes back for it. */
	b->starved = true;
	return false;
}

/*
 * Under the transport's lock: what the ring holds, served or submitted,
 * what completed pushed, and one interrupt for all of it (@pushed:
 * completions pushed before this call). Requests the page cache answered
 * at once free theirs for more of the ring here: no eventfd will say so.
 */
static void blk_kick(struct virtio_blk *b, bool pushed)
{
	struct lk_err err;
	bool broken;

	do {
		broken = blk_take(b, &pushed, &err);
		if (b->uring)
			pushed |= blk_submit(b, &err, &broken);
	} while (!broken && b->starved && b->free);
	if (broken)
		virtio_pci_broken(&b->vp, 0, &err);
	else if (pushed)
		virtio_pci_queue_interrupt(&b->vp, 0);
}

static void blk_queue_notify(void *dev, struct virtio_pci *vp, unsigned int qi)
{
	(void)vp;
	(void)qi;
	blk_kick(dev, false);
}

/* The I/O loop: io_uring completed something. */
static void blk_ring_ready(void *ctx)
{
	struct virtio_blk *b = ctx;
	struct virtio_pci *vp = &b->vp;
	uint16_t before = vp->q[0].used_idx;
	bool broken = false, pushed;
	struct lk_err err;
	uint64_t n;

	if (read(b->ring_efd, &n, sizeof(n)) != sizeof(n))
		return;
	virtio_pci_lock(vp);
	pushed = blk_reap(b, &err, &broken) > 0;
	if (broken)
		virtio_pci_broken(vp, 0, &err);
	else if (b->starved && virtio_pci_live(vp, 0))
		blk_kick(b, pushed);
	else if (pushed)
		virtio_pci_queue_interrupt(vp, 0);
	if (kvm_trace_fp && vp->q[0].used_idx != before)
		kvm_trace_note("%s 00:%02x.0 queue 0: %u completed", vp->name,
			       PCI_SLOT(vp->fn.devfn), (uint16_t)(vp->q[0].used_idx - before));
	virtio_pci_unlock(vp);
}

/*
 * Under the transport's lock, as the driver resets the device: what
 * io_uring holds completes first (its buffers are the driver's to reuse
 * after the reset), as QEMU drains a disk on reset.
 */
static void blk_drain(struct virtio_blk *b, bool push)
{
	struct io_uring_cqe *cqe;
	struct lk_err err;
	bool broken = false;

	while (b->inflight) {
		int ret = io_uring_wait_cqe(&b->ring, &cqe);

		if (ret == -EINTR)
			continue;
		if (ret < 0)
			break;		/* nothing more will come: do not wait forever */
		if (push) {
			blk_reap(b, &err, &broken);
			continue;
		}
		io_uring_cqe_seen(&b->ring, cqe);
		b->inflight--;
	}
	b->starved = false;
}

static void blk_reset(void *dev)
{
	struct virtio_blk *b = dev;

	if (b->uring)
		blk_drain(b, true);
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
	.reset = blk_reset,
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

/*
 * io_uring for the requests, with its completions on the I/O loop; where
 * the kernel refuses it, the requests are served one at a time instead
 * (said once: a disk still works, but a slow one stalls the I/O loop).
 */
static int blk_ring(struct virtio_blk *b, const struct virtio_blk_opts *o,
		    const struct dev_services *svc, struct lk_err *err)
{
	int ret;

	if (o->sync)
		return 0;
	ret = io_uring_queue_init(BLK_INFLIGHT, &b->ring, 0);
	if (ret < 0) {
		warn("%s %s: io_uring unavailable (%s): requests served one at a time",
		     o->opt, o->path, strerror(-ret));
		return 0;
	}
	b->uring = true;
	b->ring_efd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	if (b->ring_efd < 0)
		return err_sys(err, "%s %s: eventfd", o->opt, o->path);
	ret = io_uring_register_eventfd(&b->ring, b->ring_efd);
	if (ret < 0) {
		errno = -ret;
		return err_sys(err, "%s %s: io_uring_register_eventfd", o->opt, o->path);
	}
	return ioloop_add(svc->loop, &b->ring_src, b->ring_efd, blk_ring_ready, b, err);
}

/* The requests that can be in flight, each on the free list. */
static int blk_reqs(struct virtio_blk *b, const struct virtio_blk_opts *o, struct lk_err *err)
{
	unsigned int i;

	b->reqs = calloc(BLK_INFLIGHT, sizeof(*b->reqs));
	if (!b->reqs)
		return err_sys(err, "%s %s: allocating its requests", o->opt, o->path);
	for (i = BLK_INFLIGHT; i--;) {
		b->reqs[i].next_free = b->free;
		b->free = &b->reqs[i];
	}
	return 0;
}

/* The vCPUs and the I/O loop have stopped; io_uring may still hold requests. */
static void blk_destroy(void *dev)
{
	struct virtio_blk *b = dev;

	if (b->uring) {
		blk_drain(b, false);
		ioloop_del(b->vp.svc.loop, &b->ring_src);
		io_uring_queue_exit(&b->ring);
	}
	if (b->ring_efd >= 0)
		close(b->ring_efd);
	virtio_pci_destroy(&b->vp);
	if (b->fd >= 0)
		close(b->fd);
	free(b->reqs);
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
	b->ring_efd = -1;
	b->ring_src.fd = -1;
	base = strrchr(o->path, '/') ? strrchr(o->path, '/') + 1 : o->path;
	/* Not NUL-terminated when it fills the 20 bytes, as the specification allows. */
	memcpy(b->id, base, strnlen(base, sizeof(b->id)));
	if (blk_open(b, o, err) || blk_reqs(b, o, err) || blk_ring(b, o, svc, err) ||
	    virtio_pci_init(&b->vp, &blk_ops, b, svc, err)) {
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
