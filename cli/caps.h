/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * `lkvm-sev caps`: the report of the probed facts and the verdicts, as text
 * (cli/caps.c) and as JSON (cli/caps_json.c), which name things alike.
 */
#ifndef LKVM_CLI_CAPS_H
#define LKVM_CLI_CAPS_H

#include <stddef.h>
#include <stdio.h>

#include "kvm/caps.h"

/* The bitmasks the report names bit by bit. */
enum caps_mask {
	CAPS_MASK_VM_TYPES,
	CAPS_MASK_VMSA_FEATURES,	/* SEV-KVM-API.md §5.2 */
	CAPS_MASK_MEM_ATTRS,
	CAPS_MASK_HYPERCALLS,		/* KVM_CAP_EXIT_HYPERCALL: bit n is hypercall n */
};

/* "DEBUG_SWAP", "snp", or "bit 7" for a bit without a name. */
const char *caps_bit_name(enum caps_mask m, unsigned int bit, char *buf, size_t size);
/* "native", "emulated", "unknown". */
const char *caps_calib_name(enum calib_result r);
/* What firmware in a VM of @type is kept in: "read-only memslot", "mprotect fallback"... */
const char *caps_firmware_protection(const struct host_caps *c, unsigned int type);

void caps_print_json(const struct host_caps *c, FILE *f);

#endif
