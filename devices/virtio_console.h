/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * virtio-console (--console virtio): the guest's hvc0 (virtio 1.x, 5.3),
 * one port, no multiport. What the guest writes goes to @out, which the
 * machine points at the UART's sinks (stdout, --serial-log, markers, the
 * report's tail); what arrives on @in_fd goes to the guest as it posts
 * buffers for it.
 */
#ifndef LKVM_DEVICES_VIRTIO_CONSOLE_H
#define LKVM_DEVICES_VIRTIO_CONSOLE_H

#include <stddef.h>
#include <stdint.h>

#include "devices/device.h"

struct virtio_console_opts {
	void (*out)(void *ctx, const uint8_t *buf, size_t n);
	void *out_ctx;
	int in_fd;		/* -1: no input */
};

extern const struct device_type virtio_console_type;

#endif
