/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The machine description as a flattened device tree (--dump-dtb), built
 * with libfdt as kvmtool does: memory map, vCPUs, firmware and flash, the
 * in-kernel interrupt controllers, and every port and MMIO range a device
 * registered. For people and scripts that want to see what lkvm-sev built.
 */
#ifndef LKVM_MACHINE_DTB_H
#define LKVM_MACHINE_DTB_H

#include <stddef.h>

#include "devices/bus.h"
#include "devices/pci.h"
#include "machine/layout.h"
#include "util/err.h"

struct dtb_machine {
	const struct layout *layout;
	unsigned int nr_cpus;
	const char *ro_mode;		/* how the firmware is kept read-only */
	const struct bus *pio;
	const struct bus *mmio;
	const struct pci_bus *pci;	/* bus 0's functions */
};

/* Builds the blob into @buf; returns its size, or -1 with @err. */
int dtb_build(const struct dtb_machine *m, void *buf, size_t size, struct lk_err *err);
/* Builds and writes it to @path (status 2 if the file cannot be written). */
int dtb_write(const struct dtb_machine *m, const char *path, struct lk_err *err);

#endif
