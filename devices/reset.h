/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The two ways a PC guest resets itself: the PIIX reset control register
 * (0xcf9, bit 2 starts the reset) and the i8042 pulse-reset command (0xfe to
 * port 0x64). lkvm-sev does not reboot guests: a reset ends the run with
 * status 4, so that a guest that panics and reboots cannot pass for a clean
 * power-off in CI.
 */
#ifndef LKVM_DEVICES_RESET_H
#define LKVM_DEVICES_RESET_H

#include "devices/bus.h"
#include "util/stop.h"

#define RESET_CONTROL_PORT	0xcf9
#define RESET_CONTROL_RST_CPU	0x04
#define I8042_COMMAND_PORT	0x64
#define I8042_CMD_PULSE_RESET	0xfe

struct reset_dev {
	struct stop *stop;
	uint8_t rcr;		/* reset control register, as last written */
};

int reset_init(struct reset_dev *r, struct stop *stop, struct bus *pio, struct lk_err *err);

#endif
