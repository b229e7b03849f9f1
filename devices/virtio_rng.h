/* SPDX-License-Identifier: GPL-2.0-only */
/* virtio-rng (--rng): the guest's entropy from the host's getrandom(). */
#ifndef LKVM_DEVICES_VIRTIO_RNG_H
#define LKVM_DEVICES_VIRTIO_RNG_H

#include "devices/device.h"

extern const struct device_type virtio_rng_type;

#endif
