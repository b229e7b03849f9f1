/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * MC146818 CMOS RTC at ports 0x70/0x71: the clock (UTC, from the host), the
 * status registers firmware checks (A: UIP clear; D: VRT set), and the
 * NVRAM bytes where a PC platform reports its memory size and CPU count
 * (the same registers as QEMU's pc machine).
 */
#ifndef LKVM_DEVICES_CMOS_H
#define LKVM_DEVICES_CMOS_H

#include <pthread.h>
#include <stdint.h>

#include "devices/bus.h"

#define CMOS_INDEX_PORT	0x70
#define CMOS_DATA_PORT	0x71
#define CMOS_SIZE	128

#define CMOS_REG_A		0x0a
#define CMOS_REG_B		0x0b
#define CMOS_REG_C		0x0c
#define CMOS_REG_D		0x0d
#define CMOS_SHUTDOWN_STATUS	0x0f	/* OVMF's S3 resume flag */
#define CMOS_BASE_MEM_LO	0x15	/* KiB below 640K */
#define CMOS_EXT_MEM_LO		0x17	/* KiB above 1 MiB, saturating */
#define CMOS_EXT_MEM2_LO	0x30	/* same again */
#define CMOS_CENTURY		0x32
#define CMOS_MEM_ABOVE_16M_LO	0x34	/* 64 KiB units between 16 MiB and 4 GiB */
#define CMOS_MEM_ABOVE_4G	0x5b	/* 64 KiB units above 4 GiB, 3 bytes */
#define CMOS_NR_CPUS_MINUS_1	0x5f

#define CMOS_B_24H	0x02
#define CMOS_B_BINARY	0x04
#define CMOS_D_VRT	0x80

struct cmos {
	pthread_mutex_t lock;
	uint8_t index;
	uint8_t ram[CMOS_SIZE];
};

void cmos_init(struct cmos *c, uint64_t ram_below_4g, uint64_t ram_above_4g,
	       unsigned int nr_cpus);
void cmos_destroy(struct cmos *c);
int cmos_register(struct cmos *c, struct bus *pio, struct lk_err *err);

/* Reads register @reg as the guest would (clock registers from @unix_time). */
uint8_t cmos_read_reg(struct cmos *c, unsigned int reg, int64_t unix_time);

#endif
