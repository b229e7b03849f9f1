/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The machine: builds a VM from a configuration in one visible order (host,
 * firmware, layout, VM, memory, devices, vCPUs), runs it until something
 * stops it, and tears it down.
 */
#ifndef LKVM_MACHINE_MACHINE_H
#define LKVM_MACHINE_MACHINE_H

#include <stdbool.h>
#include <stdint.h>

#include "kvm/ro_region.h"
#include "sev/options.h"
#include "util/marker.h"
#include "devices/device.h"
#include "util/err.h"

/* PCI slots 2-31 of bus 0: what is left after the platform's two. */
#define MACHINE_MAX_DEVICES 30

struct machine_cfg {
	uint64_t mem_size;
	unsigned int nr_cpus;
	const char *firmware;	/* NULL: the embedded default firmware */
	bool fw_as_ram;		/* --bios (or --firmware with SNP): plain guest memory */
	const char *vars;	/* the variable store flash file, or NULL */
	const char *kernel;	/* direct kernel boot: bzImage, initrd, command line */
	const char *initrd;
	const char *cmdline;
	bool pit;		/* an in-kernel PIT even without a kernel */
	unsigned int apic_bus_ns;	/* local APIC timer bus period; 0: KVM's default */
	const char *dump_dtb;	/* write the machine description here */
	enum ro_mode ro_mode;
	const char *debugcon;	/* NULL: no debug console */
	double timeout;		/* seconds; 0: none */
	const char *serial_log;	/* a copy of the serial output, or NULL */
	bool console_none;	/* --console none: no stdout output, no stdin */
	bool console_virtio;	/* --console virtio: stdin and stdout on hvc0 too */
	const char *trace;	/* --trace: KVM ioctls and exits, or NULL */
	const char *report;	/* --report: JSON at exit, or NULL */
	unsigned int io_poll_us;	/* the I/O loop's longest poll window ... */
	bool io_poll_given;		/* ... from --io-poll; else chosen by CPUs */
	struct marker_cfg markers;	/* --until, --until-re, --fail-on */
	struct sev_launch_opts sev;	/* sev.o.mode SEV_MODE_NONE: a plain VM */
	struct device_cfg devices[MACHINE_MAX_DEVICES];	/* the user's, in order */
	unsigned int nr_devices;
};

/*
 * Runs the VM to its end. Returns the exit status; @err->msg is the line to
 * print, empty when the status needs no explanation (power-off, the
 * guest's own debug-exit code).
 */
int machine_run(const struct machine_cfg *cfg, struct lk_err *err);

#endif
