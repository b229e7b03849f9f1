// SPDX-License-Identifier: GPL-2.0-only
/* The 0xf4 debug-exit port. */
#include "devices/debug_exit.h"

int debug_exit_status(uint32_t value)
{
	return (int)(((value << 1) | 1) & 0xff);
}

static void debug_exit_io(void *opaque, uint64_t offset, uint8_t *data, uint32_t len,
			  bool is_write)
{
	(void)offset;
	if (!is_write) {
		bus_data_put(data, len, 0xffffffff);
		return;
	}
	stop_request_quiet(opaque, debug_exit_status(bus_data_get(data, len)));
}

int debug_exit_init(struct stop *stop, struct bus *pio, struct lk_err *err)
{
	return bus_register(pio, DEBUG_EXIT_PORT, 4, debug_exit_io, stop, "debug-exit", err);
}
