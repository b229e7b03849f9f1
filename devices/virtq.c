// SPDX-License-Identifier: GPL-2.0-only
/*
 * Split virtqueues: taking requests from the available ring, checked, and
 * returning them through the used ring. The guest may change its rings at
 * any moment: every field is read once into a local before it is used.
 */
#include <endian.h>
#include <string.h>

#include "devices/virtq.h"

struct virtq_desc {
	uint64_t addr;
	uint32_t len;
	uint16_t flags;
	uint16_t next;
} __attribute__((packed));

_Static_assert(sizeof(struct virtq_desc) == 16, "virtq descriptor layout");

void virtq_reset(struct virtq *q, uint16_t size)
{
	*q = (struct virtq){ .size = size, .msix_vector = 0xffff };
}

static uint16_t virtq_load16(const void *p)
{
	return le16toh(__atomic_load_n((const uint16_t *)p, __ATOMIC_ACQUIRE));
}

static void virtq_store16(void *p, uint16_t v)
{
	__atomic_store_n((uint16_t *)p, htole16(v), __ATOMIC_RELEASE);
}

/* The rings' sizes (2.7.6, 2.7.8), with the event index field at their end. */
static uint64_t virtq_avail_len(const struct virtq *q)
{
	return 4 + 2ULL * q->size + 2;
}

static uint64_t virtq_used_len(const struct virtq *q)
{
	return 4 + 8ULL * q->size + 2;
}

/* With event index, the driver notifies again only once it passes @idx. */
static void virtq_set_avail_event(struct virtq *q, uint8_t *used)
{
	if (q->event_idx && !q->no_notify)
		virtq_store16(used + 4 + 8 * q->size, q->last_avail);
}

void virtq_set_notify(struct virtq *q, const struct guest_mem *gm, bool on)
{
	struct lk_err ignored;	/* a ring outside RAM: the next pop says so */
	uint8_t *used = guest_mem_map(gm, q->used, virtq_used_len(q), &ignored);

	if (!used)
		return;
	q->no_notify = !on;
	if (q->event_idx)
		virtq_set_avail_event(q, used);
	else
		virtq_store16(used, on ? 0 : VIRTQ_USED_F_NO_NOTIFY);
	/* The wish is out before the caller looks at the ring again. */
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
}

bool virtq_avail_moved(struct virtq *q, const struct guest_mem *gm)
{
	struct lk_err ignored;
	const uint8_t *avail = guest_mem_map(gm, q->avail, virtq_avail_len(q), &ignored);
	uint16_t idx;

	if (!avail)
		return false;
	idx = virtq_load16(avail + 2);
	if (idx == q->avail_seen)
		return false;
	q->avail_seen = idx;
	return true;
}

struct virtq_walk {
	const struct guest_mem *gm;
	struct virtq_elem *e;
	uint64_t out_len, in_len;
};

/* One buffer of the chain into the element. */
static int virtq_add_buf(struct virtq_walk *w, const struct virtq_desc *d, unsigned int i,
			 struct lk_err *err)
{
	struct virtq_elem *e = w->e;
	struct lk_err why;
	void *p = NULL;

	if (d->len) {
		p = guest_mem_map(w->gm, d->addr, d->len, &why);
		if (!p)
			return err_set(err, LK_EXIT_CRASH, "descriptor %u: buffer %s", i, why.msg);
	}
	if (d->flags & VIRTQ_DESC_F_WRITE) {
		e->in[e->nr_in++] = (struct iovec){ p, d->len };
		w->in_len += d->len;
	} else if (e->nr_in) {
		return err_set(err, LK_EXIT_CRASH, "descriptor %u: device-readable after %u "
			       "device-writable buffers", i, e->nr_in);
	} else {
		e->out[e->nr_out++] = (struct iovec){ p, d->len };
		w->out_len += d->len;
	}
	if (w->out_len > UINT32_MAX || w->in_len > UINT32_MAX)
		return err_set(err, LK_EXIT_CRASH, "descriptor %u: the chain's length passes "
			       "4 GiB (%u buffers)", i, e->nr_in + e->nr_out);
	return 0;
}

/* Follows the chain from @head, through at most one indirect table. */
static int virtq_walk(struct virtq *q, struct virtq_walk *w, uint16_t head, struct lk_err *err)
{
	const struct virtq_desc *table;
	unsigned int idx = head, table_size = q->size, count = 0;
	bool indirect = false;
	struct lk_err why;

	table = guest_mem_map(w->gm, q->desc, 16ULL * q->size, &why);
	if (!table)
		return err_set(err, LK_EXIT_CRASH, "descriptor table %s", why.msg);
	for (;;) {
		struct virtq_desc d;

		/* No chain is longer than its table without visiting a descriptor twice. */
		if (++count > table_size)
			return err_set(err, LK_EXIT_CRASH, "descriptor %u: a chain of more than %u "
				       "(a loop?)", idx, table_size);
		memcpy(&d, &table[idx], sizeof(d));
		d.addr = le64toh(d.addr);
		d.len = le32toh(d.len);
		d.flags = le16toh(d.flags);
		d.next = le16toh(d.next);
		if (d.flags & VIRTQ_DESC_F_INDIRECT) {
			if (indirect || (d.flags & VIRTQ_DESC_F_NEXT) || !d.len || d.len % 16 ||
			    d.len / 16 > VIRTQ_MAX_CHAIN)
				return err_set(err, LK_EXIT_CRASH, "descriptor %u: a bad indirect "
					       "table of %u bytes", idx, d.len);
			table = guest_mem_map(w->gm, d.addr, d.len, &why);
			if (!table)
				return err_set(err, LK_EXIT_CRASH, "descriptor %u: indirect table %s",
					       idx, why.msg);
			table_size = d.len / 16;
			indirect = true;
			idx = 0;
			count = 0;
			continue;
		}
		if (virtq_add_buf(w, &d, idx, err))
			return -1;
		if (!(d.flags & VIRTQ_DESC_F_NEXT))
			return 0;
		if (d.next >= table_size)
			return err_set(err, LK_EXIT_CRASH, "descriptor %u: next %u is out of the "
				       "table", idx, d.next);
		idx = d.next;
	}
}

int virtq_pop(struct virtq *q, const struct guest_mem *gm, struct virtq_elem *e,
	      struct lk_err *err)
{
	struct virtq_walk w = { .gm = gm, .e = e };
	uint8_t *avail, *used;
	uint16_t idx, head;
	struct lk_err why;

	avail = guest_mem_map(gm, q->avail, virtq_avail_len(q), &why);
	if (!avail)
		return err_set(err, LK_EXIT_CRASH, "available ring %s", why.msg);
	used = guest_mem_map(gm, q->used, virtq_used_len(q), &why);
	if (!used)
		return err_set(err, LK_EXIT_CRASH, "used ring %s", why.msg);
	idx = virtq_load16(avail + 2);
	if (idx == q->last_avail && !q->no_notify) {
		/* Ask for a notification, then look again: it may have come in between. */
		virtq_set_avail_event(q, used);
		__atomic_thread_fence(__ATOMIC_SEQ_CST);
		idx = virtq_load16(avail + 2);
		if (idx == q->last_avail)
			return 0;
	}
	if (idx == q->last_avail)
		return 0;
	if ((uint16_t)(idx - q->last_avail) > q->size)
		return err_set(err, LK_EXIT_CRASH, "the available index moved %u entries, past "
			       "the queue's %u", (uint16_t)(idx - q->last_avail), q->size);
	head = virtq_load16(avail + 4 + 2 * (q->last_avail % q->size));
	if (head >= q->size)
		return err_set(err, LK_EXIT_CRASH, "available entry %u: head %u is out of the "
			       "table", q->last_avail, head);
	e->head = head;
	e->nr_out = e->nr_in = 0;
	if (virtq_walk(q, &w, head, err))
		return -1;
	e->out_len = (uint32_t)w.out_len;
	e->in_len = (uint32_t)w.in_len;
	q->last_avail++;
	virtq_set_avail_event(q, used);
	return 1;
}

int virtq_push(struct virtq *q, const struct guest_mem *gm, uint16_t head, uint32_t len,
	       struct lk_err *err)
{
	uint8_t *used = guest_mem_map(gm, q->used, virtq_used_len(q), err);
	uint32_t elem[2] = { htole32(head), htole32(len) };

	if (!used)
		return -1;
	memcpy(used + 4 + 8 * (q->used_idx % q->size), elem, sizeof(elem));
	/* The element before the index that publishes it. */
	virtq_store16(used + 2, ++q->used_idx);
	return 0;
}

/* The event index rule (2.7.7.2): did [old, new) pass the driver's used_event? */
static bool virtq_need_event(uint16_t event, uint16_t new_idx, uint16_t old)
{
	return (uint16_t)(new_idx - event - 1) < (uint16_t)(new_idx - old);
}

bool virtq_should_interrupt(struct virtq *q, const struct guest_mem *gm)
{
	const uint8_t *avail;
	struct lk_err ignored;
	uint16_t old = q->signalled_used;
	bool valid = q->signalled_valid;

	/* The used index is out before the driver's wishes are read. */
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	avail = guest_mem_map(gm, q->avail, virtq_avail_len(q), &ignored);
	if (!avail)
		return true;
	if (!q->event_idx)
		return !(virtq_load16(avail) & VIRTQ_AVAIL_F_NO_INTERRUPT);
	q->signalled_used = q->used_idx;
	q->signalled_valid = true;
	return !valid || virtq_need_event(virtq_load16(avail + 4 + 2 * q->size), q->used_idx, old);
}

size_t iov_from_buf(const struct iovec *iov, unsigned int n, const void *buf, size_t len)
{
	size_t done = 0;
	unsigned int i;

	for (i = 0; i < n && done < len; i++) {
		size_t k = iov[i].iov_len < len - done ? iov[i].iov_len : len - done;

		memcpy(iov[i].iov_base, (const uint8_t *)buf + done, k);
		done += k;
	}
	return done;
}
