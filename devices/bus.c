// SPDX-License-Identifier: GPL-2.0-only
/* Port-I/O and MMIO range registry with lock-free lookups after freeze. */
#include <stdlib.h>
#include <string.h>

#include "devices/bus.h"

void bus_init(struct bus *bus, const char *name)
{
	memset(bus, 0, sizeof(*bus));
	bus->name = name;
}

void bus_destroy(struct bus *bus)
{
	int i;

	for (i = 0; i < bus->nr_windows; i++)
		free(bus->w[i]);
	free(bus->w);
	bus->w = NULL;
	bus->nr_windows = 0;
}

int bus_register(struct bus *bus, uint64_t base, uint64_t len, bus_handler_fn fn,
		 void *opaque, const char *name, struct lk_err *err)
{
	int i, pos;

	if (bus->frozen)
		return err_set(err, LK_EXIT_HOST, "%s: %s bus registry is frozen", name,
			       bus->name);
	if (!len || base + len < base)
		return err_set(err, LK_EXIT_HOST, "%s: bad %s range 0x%llx+0x%llx", name,
			       bus->name, (unsigned long long)base, (unsigned long long)len);
	if (bus->n >= BUS_MAX_RANGES)
		return err_set(err, LK_EXIT_HOST, "%s: %s bus is full", name, bus->name);
	for (pos = 0; pos < bus->n && bus->r[pos].base < base; pos++)
		;
	if ((pos > 0 && bus->r[pos - 1].base + bus->r[pos - 1].len > base) ||
	    (pos < bus->n && base + len > bus->r[pos].base)) {
		const struct bus_range *o = pos > 0 && bus->r[pos - 1].base +
			bus->r[pos - 1].len > base ? &bus->r[pos - 1] : &bus->r[pos];

		return err_set(err, LK_EXIT_HOST,
			       "%s: %s range 0x%llx-0x%llx overlaps %s at 0x%llx-0x%llx",
			       name, bus->name, (unsigned long long)base,
			       (unsigned long long)(base + len - 1), o->name,
			       (unsigned long long)o->base,
			       (unsigned long long)(o->base + o->len - 1));
	}
	for (i = bus->n; i > pos; i--)
		bus->r[i] = bus->r[i - 1];
	bus->r[pos] = (struct bus_range){ base, len, fn, opaque, name };
	bus->n++;
	return 0;
}

/* What an enabled [base, base + len) would overlap: a range's or a window's name. */
static const char *bus_overlap(const struct bus *bus, uint64_t base, uint64_t len,
			       uint64_t *o_base, uint64_t *o_len)
{
	int i;

	for (i = 0; i < bus->n; i++)
		if (base < bus->r[i].base + bus->r[i].len && bus->r[i].base < base + len) {
			*o_base = bus->r[i].base;
			*o_len = bus->r[i].len;
			return bus->r[i].name;
		}
	for (i = 0; i < bus->nr_windows; i++) {
		uint64_t state = atomic_load(&bus->w[i]->state);
		uint64_t b = state & ~BUS_WINDOW_ON;

		if ((state & BUS_WINDOW_ON) && base < b + bus->w[i]->len && b < base + len) {
			*o_base = b;
			*o_len = bus->w[i]->len;
			return bus->w[i]->name;
		}
	}
	return NULL;
}

struct bus_window *bus_add_window(struct bus *bus, uint64_t base, bool on, uint64_t len,
				  bus_handler_fn fn, void *opaque, const char *name,
				  struct lk_err *err)
{
	struct bus_window *w, **arr;
	uint64_t ob, ol;
	const char *other;

	if (bus->frozen || !len || base + len < base) {
		err_set(err, LK_EXIT_HOST, "%s: cannot add a %s bus window%s", name, bus->name,
			bus->frozen ? ": the registry is frozen" : " of that size");
		return NULL;
	}
	other = on ? bus_overlap(bus, base, len, &ob, &ol) : NULL;
	if (other) {
		err_set(err, LK_EXIT_HOST, "%s: %s window 0x%llx-0x%llx overlaps %s at 0x%llx-0x%llx",
			name, bus->name, (unsigned long long)base,
			(unsigned long long)(base + len - 1), other, (unsigned long long)ob,
			(unsigned long long)(ob + ol - 1));
		return NULL;
	}
	w = calloc(1, sizeof(*w));
	arr = w ? realloc(bus->w, (size_t)(bus->nr_windows + 1) * sizeof(*arr)) : NULL;
	if (!arr) {
		free(w);
		err_sys(err, "%s: adding a %s bus window", name, bus->name);
		return NULL;
	}
	bus->w = arr;
	bus->w[bus->nr_windows++] = w;
	w->len = len;
	w->fn = fn;
	w->opaque = opaque;
	w->name = name;
	bus_window_move(w, base, on);
	return w;
}

void bus_window_move(struct bus_window *w, uint64_t base, bool on)
{
	atomic_store_explicit(&w->state, (base & ~BUS_WINDOW_ON) | (on ? BUS_WINDOW_ON : 0),
			      memory_order_release);
}

void bus_freeze(struct bus *bus)
{
	bus->frozen = true;
}

const struct bus_range *bus_find(const struct bus *bus, uint64_t addr)
{
	int lo = 0, hi = bus->n - 1;

	while (lo <= hi) {
		int mid = (lo + hi) / 2;
		const struct bus_range *r = &bus->r[mid];

		if (addr < r->base)
			hi = mid - 1;
		else if (addr - r->base >= r->len)
			lo = mid + 1;
		else
			return r;
	}
	return NULL;
}

static bool bus_window_access(const struct bus *bus, uint64_t addr, uint8_t *data,
			      uint32_t len, bool is_write)
{
	int i;

	for (i = 0; i < bus->nr_windows; i++) {
		const struct bus_window *w = bus->w[i];
		uint64_t state = atomic_load_explicit(&w->state, memory_order_acquire);
		uint64_t base = state & ~BUS_WINDOW_ON;

		if ((state & BUS_WINDOW_ON) && addr >= base && addr - base < w->len) {
			w->fn(w->opaque, addr - base, data, len, is_write);
			return true;
		}
	}
	return false;
}

bool bus_access(const struct bus *bus, uint64_t addr, uint8_t *data, uint32_t len,
		bool is_write)
{
	const struct bus_range *r;

	/*
	 * Whatever no handler writes reads as all-ones: nobody's bytes, and
	 * those a handler leaves, instead of what an earlier exit left there.
	 */
	if (!is_write)
		memset(data, 0xff, len);
	if (bus->nr_windows && bus_window_access(bus, addr, data, len, is_write))
		return true;
	r = bus_find(bus, addr);
	if (!r)
		return false;
	/* The whole access, also where it runs past the range (0xcf8 takes dwords). */
	r->fn(r->opaque, addr - r->base, data, len, is_write);
	return true;
}
