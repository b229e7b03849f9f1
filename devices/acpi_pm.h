/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The PIIX4 ACPI power-management block: PM1a event and control registers
 * and the 24-bit, 3.579545 MHz PM timer. Writing SLP_EN with sleep type 0
 * (S5 on QEMU's PIIX4, and in our DSDT) powers the VM off with status 0.
 *
 * The block moves where the guest programs PIIX4's PMBA (devices/piix4_pm.c).
 * It starts enabled at 0xb000, where OVMF and SeaBIOS put it, so that
 * simple guests can power off without programming PCI first (a real PIIX4
 * starts disabled).
 */
#ifndef LKVM_DEVICES_ACPI_PM_H
#define LKVM_DEVICES_ACPI_PM_H

#include <stdatomic.h>
#include <stdint.h>

#include "devices/bus.h"
#include "util/stop.h"

#define ACPI_PM_BASE		0xb000
#define ACPI_PM_SIZE		0x40
#define ACPI_PM1_STS		0x00
#define ACPI_PM1_EN		0x02
#define ACPI_PM1_CNT		0x04
#define ACPI_PM_TMR		0x08
#define ACPI_PM_TIMER_HZ	3579545ULL
#define ACPI_PM1_CNT_SCI_EN	0x0001
#define ACPI_PM1_CNT_SLP_TYP(v)	(((v) >> 10) & 7)
#define ACPI_PM1_CNT_SLP_EN	0x2000
#define ACPI_SLP_TYP_S5		0

struct acpi_pm {
	struct stop *stop;
	struct bus_window *window;
	uint16_t pm1_sts;
	uint16_t pm1_en;
	uint16_t pm1_cnt;
	atomic_bool warned_sleep;	/* a guest may retry: say it once */
};

int acpi_pm_init(struct acpi_pm *pm, struct stop *stop, struct bus *pio, struct lk_err *err);
/* Where the guest put the block (PMBA), and whether it is decoded (PMREGMISC). */
void acpi_pm_move(struct acpi_pm *pm, uint16_t base, bool enabled);

/* The timer's value at @ns nanoseconds of CLOCK_MONOTONIC. */
uint32_t acpi_pm_timer_at(uint64_t ns);

#endif
