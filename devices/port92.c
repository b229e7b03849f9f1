// SPDX-License-Identifier: GPL-2.0-only
/* Port 0x92: A20 gate and fast reset. */
#include "devices/port92.h"

static void port92_io(void *opaque, uint64_t offset, uint8_t *data, uint32_t len, bool is_write)
{
	struct port92 *p = opaque;

	(void)offset;
	if (!is_write) {
		bus_data_put(data, len, p->value);
		return;
	}
	if ((data[0] & PORT92_FAST_RESET) && !(p->value & PORT92_FAST_RESET))
		stop_request(p->stop, LK_EXIT_RESET, "guest reset (0x%02x written to port 0x92): "
			     "lkvm-sev stops instead of rebooting", data[0]);
	p->value = data[0] & (PORT92_A20 | PORT92_FAST_RESET);
}

int port92_init(struct port92 *p, struct stop *stop, struct bus *pio, struct lk_err *err)
{
	p->stop = stop;
	p->value = PORT92_A20;
	return bus_register(pio, PORT92, 1, port92_io, p, "port92", err);
}
