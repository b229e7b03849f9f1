// SPDX-License-Identifier: GPL-2.0-only
/*
 * blkengines.c - how to keep several disk reads in flight, measured
 * without a device around it: the engines virtio-blk could be built on,
 * each keeping QD random 4 KiB reads of an image in flight, from the page
 * cache and from the disk (the image dropped from the page cache before
 * each run), against one thread's preadv, one read at a time:
 *  - io_uring: one thread submits and reaps;
 *  - nowait+io_uring: the same, each read first tried with preadv2 and
 *    RWF_NOWAIT (devices/virtio_blk.c's engine);
 *  - a pool of QD threads, each doing preadv (a worker pool as large as
 *    the queue), and of 4 threads (a small one), each thread making its
 *    own requests: what a pool cannot beat;
 *  - handoff-QD and handoff-4: the same pools fed as a device would feed
 *    them, one thread queueing each request and taking its completion
 *    back (a mutex and two condition variables).
 *
 *   blkengines IMAGE SIZE_MIB QD SECONDS REPS
 *
 * Prints one line per cache state with each engine's MB/s (median of REPS
 * alternating runs) and its ratio to the one-thread floor.
 */
#include <fcntl.h>
#include <liburing.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/uio.h>
#include <time.h>
#include <unistd.h>

#define BLOCK	4096
#define MAX_QD	256

static int fd;
static uint64_t blocks;
static double secs, deadline;
static uint8_t bufs[MAX_QD][BLOCK] __attribute__((aligned(4096)));

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

static uint64_t next_off(uint64_t *rng)
{
	*rng = *rng * 6364136223846793005ULL + 1442695040888963407ULL;
	return ((*rng >> 33) % blocks) * BLOCK;
}

static void __attribute__((noreturn)) die(const char *what)
{
	perror(what);
	exit(1);
}

/* @bufs[slot] must hold block @off / BLOCK, as the image was written. */
static void check(unsigned int slot, uint64_t off)
{
	uint64_t got;

	memcpy(&got, bufs[slot], sizeof(got));
	if (got != off / BLOCK) {
		fprintf(stderr, "blkengines: block %llu reads %llu\n",
			(unsigned long long)(off / BLOCK), (unsigned long long)got);
		exit(1);
	}
}

static double run_floor(void)
{
	uint64_t rng = 42, n = 0;
	double t0 = now(), t;

	do {
		uint64_t off = next_off(&rng);

		if (pread(fd, bufs[0], BLOCK, (off_t)off) != BLOCK)
			die("pread");
		check(0, off);
		n++;
	} while ((t = now() - t0) < secs);
	return (double)n * BLOCK / t / 1e6;
}

/*
 * @qd reads in flight through io_uring; with @nowait, each first tried
 * with preadv2(RWF_NOWAIT), as devices/virtio_blk.c does, and given to
 * io_uring only if that would have blocked.
 */
/*
 * Slot @i's next read: done at once if @nowait and the page cache has it
 * (counted: the return value), else queued on @ring.
 */
static uint64_t uring_read(struct io_uring *ring, struct iovec *iov, unsigned int i,
			   uint64_t *off, uint64_t *rng, bool nowait)
{
	struct io_uring_sqe *sqe;
	uint64_t done = 0;

	for (;;) {
		*off = next_off(rng);
		if (!nowait || preadv2(fd, iov, 1, (off_t)*off, RWF_NOWAIT) != BLOCK)
			break;
		check(i, *off);
		done++;
		if (now() >= deadline)
			break;	/* all from the cache: do not spin past the run */
	}
	sqe = io_uring_get_sqe(ring);
	io_uring_prep_readv(sqe, fd, iov, 1, *off);
	io_uring_sqe_set_data64(sqe, i);
	return done;
}

static double run_uring(unsigned int qd, bool nowait)
{
	struct io_uring ring;
	struct iovec iov[MAX_QD];
	uint64_t off[MAX_QD], rng = 42, n = 0;
	double t0, t;
	unsigned int i;

	if (io_uring_queue_init(qd, &ring, 0) < 0)
		die("io_uring_queue_init");
	t0 = now();
	for (i = 0; i < qd; i++) {
		iov[i] = (struct iovec){ bufs[i], BLOCK };
		n += uring_read(&ring, &iov[i], i, &off[i], &rng, nowait);
	}
	io_uring_submit(&ring);
	do {
		struct io_uring_cqe *cqe;

		if (io_uring_wait_cqe(&ring, &cqe))
			die("io_uring_wait_cqe");
		do {
			i = (unsigned int)io_uring_cqe_get_data64(cqe);
			if (cqe->res != BLOCK) {
				fprintf(stderr, "blkengines: read: %d\n", cqe->res);
				exit(1);
			}
			check(i, off[i]);
			io_uring_cqe_seen(&ring, cqe);
			n += 1 + uring_read(&ring, &iov[i], i, &off[i], &rng, nowait);
		} while (!io_uring_peek_cqe(&ring, &cqe));
		io_uring_submit(&ring);
	} while ((t = now() - t0) < secs);
	io_uring_queue_exit(&ring);	/* waits for what is still in flight */
	return (double)n * BLOCK / t / 1e6;
}

struct pool {
	double end;
	uint64_t done;
	unsigned int next_slot;
};

static void *pool_worker(void *arg)
{
	struct pool *p = arg;
	unsigned int slot = __atomic_fetch_add(&p->next_slot, 1, __ATOMIC_RELAXED);
	uint64_t rng = 42 + slot, n = 0;

	while (now() < p->end) {
		uint64_t off = next_off(&rng);

		if (pread(fd, bufs[slot], BLOCK, (off_t)off) != BLOCK)
			die("pread");
		check(slot, off);
		n++;
	}
	__atomic_fetch_add(&p->done, n, __ATOMIC_RELAXED);
	return NULL;
}

static double run_pool(unsigned int threads)
{
	pthread_t th[MAX_QD];
	struct pool p = { .end = now() + secs };
	double t0 = now();
	unsigned int i;

	for (i = 0; i < threads; i++)
		if (pthread_create(&th[i], NULL, pool_worker, &p))
			die("pthread_create");
	for (i = 0; i < threads; i++)
		pthread_join(th[i], NULL);
	return (double)p.done * BLOCK / (now() - t0) / 1e6;
}

/*
 * A worker pool as a device would use one: the thread that takes requests
 * off the ring (here: this one) queues each for the workers and waits for
 * completions to come back, checks them and queues the next; as the I/O
 * loop would, with the used ring pushed under a lock.
 */
struct handoff {
	pthread_mutex_t lock;
	pthread_cond_t work, done;
	unsigned int todo[MAX_QD], nr_todo;	/* slots to read */
	unsigned int back[MAX_QD], nr_back;	/* slots read */
	uint64_t off[MAX_QD];
	bool stop;
};

static void *handoff_worker(void *arg)
{
	struct handoff *h = arg;

	pthread_mutex_lock(&h->lock);
	for (;;) {
		unsigned int slot;

		while (!h->nr_todo && !h->stop)
			pthread_cond_wait(&h->work, &h->lock);
		if (h->stop)
			break;
		slot = h->todo[--h->nr_todo];
		pthread_mutex_unlock(&h->lock);
		if (pread(fd, bufs[slot], BLOCK, (off_t)h->off[slot]) != BLOCK)
			die("pread");
		pthread_mutex_lock(&h->lock);
		h->back[h->nr_back++] = slot;
		pthread_cond_signal(&h->done);
	}
	pthread_mutex_unlock(&h->lock);
	return NULL;
}

static double run_handoff(unsigned int qd, unsigned int threads)
{
	static struct handoff h;
	pthread_t th[MAX_QD];
	uint64_t rng = 42, n = 0;
	double t0 = now(), t;
	unsigned int i;

	h = (struct handoff){ .lock = PTHREAD_MUTEX_INITIALIZER, .work = PTHREAD_COND_INITIALIZER,
			      .done = PTHREAD_COND_INITIALIZER };
	for (i = 0; i < threads; i++)
		if (pthread_create(&th[i], NULL, handoff_worker, &h))
			die("pthread_create");
	pthread_mutex_lock(&h.lock);
	for (i = 0; i < qd; i++) {
		h.off[i] = next_off(&rng);
		h.todo[h.nr_todo++] = i;
	}
	pthread_cond_broadcast(&h.work);
	do {
		while (!h.nr_back)
			pthread_cond_wait(&h.done, &h.lock);
		while (h.nr_back) {
			i = h.back[--h.nr_back];
			check(i, h.off[i]);
			h.off[i] = next_off(&rng);
			h.todo[h.nr_todo++] = i;
			n++;
			pthread_cond_signal(&h.work);
		}
	} while ((t = now() - t0) < secs);
	h.stop = true;
	pthread_cond_broadcast(&h.work);
	pthread_mutex_unlock(&h.lock);
	for (i = 0; i < threads; i++)
		pthread_join(th[i], NULL);
	return (double)n * BLOCK / t / 1e6;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

static void drop_cache(bool cold)
{
	if (cold && posix_fadvise(fd, 0, 0, POSIX_FADV_DONTNEED))
		die("posix_fadvise");
}

#define NR_ENGINES 7

int main(int argc, char **argv)
{
	static const char *const name[NR_ENGINES] = { "floor", "io_uring", "nowait+io_uring",
						      "pool-QD", "pool-4", "handoff-QD",
						      "handoff-4" };
	static uint8_t chunk[1 << 20];
	double mbs[NR_ENGINES][16];
	unsigned int qd, reps, i, e, cold;
	uint64_t mib, b;

	if (argc != 6) {
		fprintf(stderr, "usage: blkengines IMAGE SIZE_MIB QD SECONDS REPS\n");
		return 2;
	}
	mib = strtoull(argv[2], NULL, 0);
	qd = (unsigned int)atoi(argv[3]);
	secs = atof(argv[4]);
	reps = (unsigned int)atoi(argv[5]);
	if (!mib || qd < 4 || qd > MAX_QD || !reps || reps > 16 || secs <= 0) {
		fprintf(stderr, "blkengines: SIZE_MIB > 0, QD 4..%d, REPS 1..16\n", MAX_QD);
		return 2;
	}
	fd = open(argv[1], O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (fd < 0)
		die(argv[1]);
	blocks = mib << 20 >> 12;
	for (b = 0; b < blocks; b++) {
		memcpy(chunk + b % 256 * BLOCK, &b, sizeof(b));
		if (b % 256 == 255 && pwrite(fd, chunk, sizeof(chunk), (off_t)(b / 256) << 20) !=
		    sizeof(chunk))
			die("pwrite");
	}
	if (fdatasync(fd))
		die("fdatasync");
	for (cold = 0; cold < 2; cold++) {
		for (i = 0; i < reps; i++)
			for (e = 0; e < NR_ENGINES; e++) {
				drop_cache(cold);
				deadline = now() + secs;
				mbs[e][i] = e == 0 ? run_floor() : e <= 2 ? run_uring(qd, e == 2) :
					    e <= 4 ? run_pool(e == 3 ? qd : 4) :
					    run_handoff(qd, e == 5 ? qd : 4);
			}
		printf("%-11s QD %-3u", cold ? "rand4k-cold" : "rand4k", qd);
		for (e = 0; e < NR_ENGINES; e++) {
			qsort(mbs[e], reps, sizeof(double), cmp_double);
			printf("  %s %7.0f MB/s %.3fx", name[e], mbs[e][reps / 2],
			       mbs[e][reps / 2] / mbs[0][reps / 2]);
		}
		printf("\n");
	}
	unlink(argv[1]);
	return 0;
}
