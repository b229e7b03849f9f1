/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * virtio-net (-n, --network): a network card (virtio 1.x, 5.1) whose
 * frames go to a tap interface (mode=tap,tapif=NAME), or to passt, the
 * user-mode network (mode=user: lkvm-sev starts it on a socket pair; or
 * mode=user,socket=PATH: a running one). This file owns the options'
 * syntax; devices/virtio_net.c the device.
 */
#ifndef LKVM_DEVICES_VIRTIO_NET_H
#define LKVM_DEVICES_VIRTIO_NET_H

#include <stdint.h>

#include "devices/device.h"

enum virtio_net_mode {
	VIRTIO_NET_USER,	/* passt: kvmtool's default */
	VIRTIO_NET_TAP,
};

struct virtio_net_opts {
	enum virtio_net_mode mode;
	const char *tapif;	/* mode=tap: the interface, opened or created */
	const char *socket;	/* mode=user: a running passt's socket; NULL: start one */
	uint8_t mac[6];		/* the guest's: guest_mac, or 52:54:00:12:34:56 + index */
};

/*
 * -n's argument, KEY=VALUE,... (mode, tapif, guest_mac, socket), cut up in
 * place; @index (0 for the first -n) makes the default MAC. Status 2 and
 * one line naming the key and value on a mistake.
 */
int virtio_net_parse(char *arg, unsigned int index, struct virtio_net_opts *o,
		     struct lk_err *err);

extern const struct device_type virtio_net_type;

#endif
