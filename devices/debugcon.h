/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * QEMU's ISA debug console at port 0x402: each byte written goes to a file
 * (--debugcon FILE). Reads return 0xe9, which is how OVMF detects it.
 */
#ifndef LKVM_DEVICES_DEBUGCON_H
#define LKVM_DEVICES_DEBUGCON_H

#include "devices/bus.h"

#define DEBUGCON_PORT		0x402
#define DEBUGCON_READBACK	0xe9

struct debugcon {
	int fd;
	const char *path;
	int write_errno;	/* why writing failed (the file stopped then); 0 */
};

/* Opens (creates, truncates) @path. Status 2 if it cannot. */
int debugcon_init(struct debugcon *d, const char *path, struct bus *pio, struct lk_err *err);
/* Closes the file, with one warning if writing it failed during the run. */
void debugcon_destroy(struct debugcon *d);

#endif
