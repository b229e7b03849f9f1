// SPDX-License-Identifier: GPL-2.0-only
/* Writes to read-only guest memory, ignored with one warning. */
#include "devices/rom.h"

static void rom_io(void *opaque, uint64_t offset, uint8_t *data, uint32_t len,
		   bool is_write)
{
	struct rom *rom = opaque;
	uint32_t i;

	if (!is_write) {
		for (i = 0; i < len; i++)
			data[i] = offset + i < rom->size ? rom->bytes[offset + i] : 0xff;
		return;
	}
	/* Warn once; a guest that keeps probing must not flood the log. */
	if (!atomic_exchange(&rom->warned, true))
		warn("guest wrote to read-only %s at GPA 0x%llx: ignored, as a ROM "
		     "ignores writes (further writes are ignored silently)", rom->name,
		     (unsigned long long)(rom->gpa + offset));
}

int rom_init(struct rom *rom, const char *name, uint64_t gpa, const void *bytes,
	     uint64_t size, struct bus *mmio, struct lk_err *err)
{
	rom->name = name;
	rom->gpa = gpa;
	rom->size = size;
	rom->bytes = bytes;
	atomic_init(&rom->warned, false);
	return bus_register(mmio, gpa, size, rom_io, rom, name, err);
}
