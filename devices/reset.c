// SPDX-License-Identifier: GPL-2.0-only
/* Reset requests from the guest: port 0xcf9 and the i8042 command port. */
#include "devices/reset.h"

static void reset_request(struct reset_dev *r, uint8_t value, uint16_t port)
{
	stop_request(r->stop, LK_EXIT_RESET,
		     "guest reset (0x%02x written to port 0x%x): lkvm-sev stops instead of "
		     "rebooting", value, port);
}

static void reset_control_io(void *opaque, uint64_t offset, uint8_t *data, uint32_t len,
			     bool is_write)
{
	struct reset_dev *r = opaque;

	(void)offset;
	if (!is_write) {
		bus_data_put(data, len, r->rcr);
		return;
	}
	r->rcr = data[0] & 0x0e;
	if (data[0] & RESET_CONTROL_RST_CPU)
		reset_request(r, data[0], RESET_CONTROL_PORT);
}

/* Only the reset command: there is no keyboard controller behind it. */
static void i8042_command_io(void *opaque, uint64_t offset, uint8_t *data, uint32_t len,
			     bool is_write)
{
	(void)offset;
	if (!is_write) {
		bus_data_put(data, len, 0xffffffff);
		return;
	}
	if (data[0] == I8042_CMD_PULSE_RESET)
		reset_request(opaque, data[0], I8042_COMMAND_PORT);
}

int reset_init(struct reset_dev *r, struct stop *stop, struct bus *pio, struct lk_err *err)
{
	r->stop = stop;
	r->rcr = 0;
	if (bus_register(pio, RESET_CONTROL_PORT, 1, reset_control_io, r, "reset-control", err))
		return -1;
	return bus_register(pio, I8042_COMMAND_PORT, 1, i8042_command_io, r, "i8042-reset",
			    err);
}
