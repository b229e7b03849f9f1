// SPDX-License-Identifier: GPL-2.0-only
/*
 * libFuzzer target: split virtqueues (devices/virtq.c) on guest RAM the
 * input writes, as a driver would, with part of it private (an SNP guest's
 * unshared pages): requests taken, completions returned, notification
 * wishes and the event index. A request's buffers must lie in RAM the
 * guest shared, and their lengths add up; every byte of them is touched,
 * so that ASan sees any outside the RAM buffer, which is allocated at
 * exactly its size. The queue is set up as the transport allows it
 * (devices/virtio_pci.c): a power of two up to VIRTQ_MAX_SIZE entries, ring
 * addresses anywhere.
 *
 * Input: a header (u8 log2 of the size, u8 flags: bit 0 event index;
 * u32 desc, avail and used addresses; u16 first and last private page),
 * then operations, a byte each and their fields (see run_ops()).
 */
#include <endian.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "devices/virtq.h"
#include "tests/fuzz/fuzz.h"

#define RAM_SIZE	0x10000
#define MAX_OPS		512

static uint8_t *ram;
static uint64_t private_from, private_to;

static void *fake_hva(void *ctx, uint64_t gpa, uint64_t len)
{
	(void)ctx;
	if (gpa < RAM_SIZE && len <= RAM_SIZE - gpa)
		return ram + gpa;
	return NULL;
}

static bool fake_shared(void *ctx, uint64_t gpa, uint64_t len)
{
	(void)ctx;
	return gpa + len <= private_from || gpa >= private_to;
}

static const struct guest_mem mem = { .hva = fake_hva, .shared = fake_shared };

static void fail(const char *what, unsigned int i)
{
	fprintf(stderr, "fuzz_virtq: %s (buffer %u)\n", what, i);
	abort();
}

/* One buffer of a request: in RAM the guest shared, and every byte touched. */
static uint64_t check_buf(const struct iovec *v, unsigned int i, bool device_writes)
{
	const uint8_t *p = v->iov_base;
	uint64_t gpa, sum = 0;
	size_t k;

	if (!v->iov_len)
		return 0;
	if (p < ram || p > ram + RAM_SIZE || v->iov_len > (size_t)(ram + RAM_SIZE - p))
		fail("a buffer outside guest RAM", i);
	gpa = (uint64_t)(p - ram);
	if (!fake_shared(NULL, gpa, v->iov_len))
		fail("a buffer in private memory", i);
	if (device_writes)
		memset(v->iov_base, 0xd5, v->iov_len);
	for (k = 0; k < v->iov_len; k++)
		sum += p[k];
	(void)sum;
	return v->iov_len;
}

static void check_elem(const struct virtq *q, const struct virtq_elem *e)
{
	uint64_t out = 0, in = 0;
	unsigned int i;

	if (e->head >= q->size || e->nr_out + e->nr_in > VIRTQ_MAX_CHAIN)
		fail("a request past the queue", e->head);
	for (i = 0; i < e->nr_out; i++)
		out += check_buf(&e->out[i], i, false);
	for (i = 0; i < e->nr_in; i++)
		in += check_buf(&e->in[i], e->nr_out + i, true);
	if (out != e->out_len || in != e->in_len)
		fail("lengths that do not add up", e->nr_out + e->nr_in);
}

static void put(uint64_t gpa, const void *p, size_t n)
{
	if (gpa < RAM_SIZE && n <= RAM_SIZE - gpa)
		memcpy(ram + gpa, p, n);
}

/* A descriptor, as a driver writes it into a table. */
static void write_desc(struct fz_in *in)
{
	uint64_t table = fz_get(in, 2), addr = fz_get(in, 2);
	uint32_t len = (uint32_t)fz_get(in, 2);
	uint16_t flags = (uint16_t)fz_get(in, 1), next = (uint16_t)fz_get(in, 1);
	uint8_t d[16];

	addr = htole64(addr);
	len = htole32(len);
	flags = htole16(flags);
	next = htole16(next);
	memcpy(d, &addr, 8);
	memcpy(d + 8, &len, 4);
	memcpy(d + 12, &flags, 2);
	memcpy(d + 14, &next, 2);
	put(table, d, sizeof(d));
}

/* A head into the available ring, and its index moved on: the driver's offer. */
static void offer(const struct virtq *q, struct fz_in *in)
{
	uint16_t head = htole16((uint16_t)fz_get(in, 2)), idx;

	if (q->avail >= RAM_SIZE || q->avail + 4 + 2ULL * q->size > RAM_SIZE)
		return;
	memcpy(&idx, ram + q->avail + 2, 2);
	idx = le16toh(idx);
	put(q->avail + 4 + 2 * (idx % q->size), &head, 2);
	idx = htole16((uint16_t)(idx + 1));
	put(q->avail + 2, &idx, 2);
}

static void run_ops(struct virtq *q, struct fz_in *in, struct virtq_elem *e)
{
	uint16_t heads[VIRTQ_MAX_SIZE];
	unsigned int nr_heads = 0, i;
	struct lk_err err;
	size_t n;
	const uint8_t *p;
	uint64_t gpa;

	for (i = 0; i < MAX_OPS && in->n; i++) {
		switch (fz_get(in, 1) % 8) {
		case 0:		/* the device takes a request */
			if (virtq_pop(q, &mem, e, &err) == 1) {
				check_elem(q, e);
				if (nr_heads < VIRTQ_MAX_SIZE)
					heads[nr_heads++] = e->head;
			}
			break;
		case 1:		/* ... and completes one it took */
			if (nr_heads) {
				unsigned int k = (unsigned int)fz_get(in, 1) % nr_heads;

				virtq_push(q, &mem, heads[k], (uint32_t)fz_get(in, 4), &err);
				heads[k] = heads[--nr_heads];
			}
			break;
		case 2:
			virtq_set_notify(q, &mem, fz_get(in, 1) & 1);
			break;
		case 3:
			virtq_avail_moved(q, &mem);
			break;
		case 4:
			virtq_should_interrupt(q, &mem);
			break;
		case 5:		/* the driver writes anything anywhere */
			gpa = fz_get(in, 2);
			p = fz_bytes(in, 64, &n);
			put(gpa, p, n);
			break;
		case 6:
			write_desc(in);
			break;
		case 7:
			offer(q, in);
			break;
		}
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fz_in in = { data, size };
	struct virtq_elem *e;
	struct virtq q;
	unsigned int flags;

	virtq_reset(&q, VIRTQ_MAX_SIZE);
	q.size = (uint16_t)(1u << (fz_get(&in, 1) % 9));
	flags = (unsigned int)fz_get(&in, 1);
	q.event_idx = flags & 1;
	q.desc = fz_get(&in, 4);
	q.avail = fz_get(&in, 4);
	q.used = fz_get(&in, 4);
	q.enabled = true;
	private_from = fz_get(&in, 2) * 4096ULL % RAM_SIZE;
	private_to = fz_get(&in, 2) * 4096ULL % (RAM_SIZE + 4096);
	ram = calloc(1, RAM_SIZE);
	e = malloc(sizeof(*e));
	if (!ram || !e)
		abort();
	run_ops(&q, &in, e);
	free(e);
	free(ram);
	ram = NULL;
	return 0;
}
