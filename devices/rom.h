/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Read-only memory as the guest sees it when it writes there: the write is
 * dropped, as a ROM drops it (QEMU does the same; OVMF probes its flash this
 * way), with one warning naming the first GPA. Writes reach this device as
 * MMIO exits: from a KVM_MEM_READONLY slot, from an SEV-ES guest's GHCB
 * MMIO requests, and on hosts that emulate every guest instruction.
 */
#ifndef LKVM_DEVICES_ROM_H
#define LKVM_DEVICES_ROM_H

#include <stdatomic.h>
#include <stdint.h>

#include "devices/bus.h"

struct rom {
	const char *name;
	uint64_t gpa;
	uint64_t size;
	const uint8_t *bytes;	/* the contents, for reads that exit */
	atomic_bool warned;
};

int rom_init(struct rom *rom, const char *name, uint64_t gpa, const void *bytes,
	     uint64_t size, struct bus *mmio, struct lk_err *err);

#endif
