/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Does this host's KVM run guest code natively, or emulate it? A small
 * guest that loops a fixed number of times and then writes a port is
 * timed in a VM of its own (one page, one vCPU, no devices): about 1 ms on
 * hardware virtualization, about a second under an instruction emulator.
 */
#ifndef LKVM_PROBE_CALIBRATE_H
#define LKVM_PROBE_CALIBRATE_H

#include <stddef.h>
#include <stdint.h>

#include "kvm/host.h"

/*
 * Natively about 1 ms; 10-60 ms on a KVM nested under QEMU TCG (the nested
 * test bed, tests/nested), where the L1 kernel's own timer work is emulated;
 * about 1 s under an instruction emulator. 300 ms keeps a factor of three
 * from either side of the slowest of those.
 */
#define CALIB_NATIVE_MS		300.0

/*
 * The guest: @size bytes mapped so that they end at 4 GiB, started from the
 * reset vector (CS base 0xffff0000), IPs relative to that base.
 */
struct calib_guest {
	const void *image;
	size_t size;
	uint16_t exit_port;	/* it ends with a one-byte write here ... */
	uint16_t exit_ip;	/* ... by the instruction at this IP */
	uint16_t loop_ip;	/* the timed loop runs from here to exit_ip */
	double limit_ms;	/* then the guest is stopped: still in its loop is "emulated" */
};

enum calib_result {
	CALIB_UNKNOWN,		/* the VM did not run the guest's code: @why says what */
	CALIB_NATIVE,
	CALIB_EMULATED,
};

struct calibration {
	enum calib_result result;
	double ms;		/* from the first KVM_RUN to the guest's port write */
	char why[512];
};

/* The calibration guest caps runs (firmware/calibrate.S). */
struct calib_guest calib_default_guest(void);

/* Never fails: what went wrong is a CALIB_UNKNOWN with its reason. */
void calibrate_guest(const struct kvm_host *host, const struct calib_guest *g,
		     struct calibration *out);

#endif
