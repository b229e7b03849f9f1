/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The registry of port-I/O and MMIO ranges. Devices register their ranges
 * while the machine is built; the registry is frozen before the first vCPU
 * runs, so the run loop's lookups (binary search) take no lock.
 */
#ifndef LKVM_DEVICES_BUS_H
#define LKVM_DEVICES_BUS_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>

#include "util/err.h"

#define BUS_MAX_RANGES 64

/*
 * One handler for both directions. @offset is relative to the range's base;
 * @data holds @len bytes, little-endian, to fill on a read.
 */
typedef void (*bus_handler_fn)(void *opaque, uint64_t offset, uint8_t *data,
			       uint32_t len, bool is_write);

struct bus_range {
	uint64_t base;
	uint64_t len;
	bus_handler_fn fn;
	void *opaque;
	const char *name;
};

/*
 * A range whose base the guest moves at run time (a BAR-like register,
 * e.g. PIIX4's PMBA). The base and the enable bit live in one atomic word,
 * so a lookup never sees a half-moved window. Windows take precedence over
 * the fixed ranges, and the first of two overlapping windows wins (a guest
 * may place BARs over each other; only registration checks for overlaps).
 */
struct bus_window {
	_Atomic uint64_t state;	/* base | BUS_WINDOW_ON */
	uint64_t len;
	bus_handler_fn fn;
	void *opaque;
	const char *name;
};

#define BUS_WINDOW_ON (1ULL << 63)

struct bus {
	const char *name;	/* "port" or "mmio", for messages */
	int n;
	int nr_windows;
	bool frozen;
	struct bus_range r[BUS_MAX_RANGES];	/* sorted by base, disjoint */
	struct bus_window **w;	/* each allocated once: pointers stay valid */
};

void bus_init(struct bus *bus, const char *name);
void bus_destroy(struct bus *bus);
int bus_register(struct bus *bus, uint64_t base, uint64_t len, bus_handler_fn fn,
		 void *opaque, const char *name, struct lk_err *err);
/*
 * A movable range, initially at @base (enabled or not); NULL when frozen,
 * out of memory, or (enabled) overlapping a range or an enabled window.
 */
struct bus_window *bus_add_window(struct bus *bus, uint64_t base, bool on, uint64_t len,
				  bus_handler_fn fn, void *opaque, const char *name,
				  struct lk_err *err);
/* Safe while vCPUs run: an access racing with the move goes to either place. */
void bus_window_move(struct bus_window *w, uint64_t base, bool on);

/* No registrations after this: the run loop reads without locking. */
void bus_freeze(struct bus *bus);

const struct bus_range *bus_find(const struct bus *bus, uint64_t addr);

/*
 * Dispatches one access. Returns false when no device claims @addr; a read
 * then returns all-ones, as on real hardware with nothing decoding it.
 */
bool bus_access(const struct bus *bus, uint64_t addr, uint8_t *data, uint32_t len,
		bool is_write);

/* Little-endian helpers for handlers; MMIO accesses may be 8 bytes wide. */
static inline uint64_t bus_data_get64(const uint8_t *data, uint32_t len)
{
	uint64_t v = 0;

	while (len--)
		v = (v << 8) | data[len];
	return v;
}

static inline uint32_t bus_data_get(const uint8_t *data, uint32_t len)
{
	return (uint32_t)bus_data_get64(data, len);
}

static inline void bus_data_put64(uint8_t *data, uint32_t len, uint64_t v)
{
	uint32_t i;

	for (i = 0; i < len; i++, v >>= 8)
		data[i] = (uint8_t)v;
}

/* A 32-bit register read wider than itself reads zeros above. */
static inline void bus_data_put(uint8_t *data, uint32_t len, uint32_t v)
{
	bus_data_put64(data, len, v);
}

#endif
