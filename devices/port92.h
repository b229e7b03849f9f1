/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * System control port A at 0x92: bit 1 is the A20 gate (always on under
 * KVM, stored for the guest to read back), bit 0 a fast reset, which ends
 * the run with status 4 like every other reset.
 */
#ifndef LKVM_DEVICES_PORT92_H
#define LKVM_DEVICES_PORT92_H

#include "devices/bus.h"
#include "util/stop.h"

#define PORT92			0x92
#define PORT92_A20		0x02
#define PORT92_FAST_RESET	0x01

struct port92 {
	struct stop *stop;
	uint8_t value;
};

int port92_init(struct port92 *p, struct stop *stop, struct bus *pio, struct lk_err *err);

#endif
