/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * QEMU's isa-debug-exit at port 0xf4: a write of V ends the run with status
 * (V << 1) | 1, so a guest's own verdicts are odd and never look like a
 * power-off. Only the low 8 bits of a status reach the shell: V >= 62 gives
 * statuses that collide with the VMM's (124-126) or wrap around.
 */
#ifndef LKVM_DEVICES_DEBUG_EXIT_H
#define LKVM_DEVICES_DEBUG_EXIT_H

#include "devices/bus.h"
#include "util/stop.h"

#define DEBUG_EXIT_PORT	0xf4

int debug_exit_init(struct stop *stop, struct bus *pio, struct lk_err *err);
int debug_exit_status(uint32_t value);

#endif
