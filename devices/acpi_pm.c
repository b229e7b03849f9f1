// SPDX-License-Identifier: GPL-2.0-only
/*
 * ACPI PM1 registers and PM timer. The timer is read millions of times
 * during a firmware boot (every delay polls it), so a read is a vDSO clock
 * read and a multiply: no lock, no system call.
 */
#include <time.h>

#include "devices/acpi_pm.h"

uint32_t acpi_pm_timer_at(uint64_t ns)
{
	/* Split to avoid overflowing 64 bits: ns * 3.58e6 overflows at ~85 min. */
	uint64_t sec = ns / 1000000000ULL, rem = ns % 1000000000ULL;
	uint64_t ticks = sec * ACPI_PM_TIMER_HZ + rem * ACPI_PM_TIMER_HZ / 1000000000ULL;

	return (uint32_t)(ticks & 0xffffff);
}

static uint32_t acpi_pm_timer_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return acpi_pm_timer_at((uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec);
}

static void acpi_pm_control(struct acpi_pm *pm, uint16_t v)
{
	pm->pm1_cnt = v & ~ACPI_PM1_CNT_SLP_EN;	/* SLP_EN reads as 0 */
	if (!(v & ACPI_PM1_CNT_SLP_EN))
		return;
	if (ACPI_PM1_CNT_SLP_TYP(v) == ACPI_SLP_TYP_S5)
		stop_request_quiet(pm->stop, LK_EXIT_POWEROFF);
	else if (!atomic_exchange(&pm->warned_sleep, true))
		warn("guest asked for ACPI sleep type %u, which lkvm-sev does not offer: "
		     "ignored (warned once)", ACPI_PM1_CNT_SLP_TYP(v));
}

static void acpi_pm_io(void *opaque, uint64_t offset, uint8_t *data, uint32_t len,
		       bool is_write)
{
	struct acpi_pm *pm = opaque;
	uint8_t regs[12] = { 0 };
	uint32_t i, tmr;

	if (!is_write && offset == ACPI_PM_TMR && len == 4) {
		bus_data_put(data, 4, acpi_pm_timer_now());	/* the hot path */
		return;
	}
	bus_data_put(regs + ACPI_PM1_STS, 2, pm->pm1_sts);
	bus_data_put(regs + ACPI_PM1_EN, 2, pm->pm1_en);
	bus_data_put(regs + ACPI_PM1_CNT, 2, pm->pm1_cnt);
	tmr = acpi_pm_timer_now();
	bus_data_put(regs + ACPI_PM_TMR, 4, tmr);
	if (!is_write) {
		for (i = 0; i < len; i++)
			data[i] = offset + i < sizeof(regs) ? regs[offset + i] : 0xff;
		return;
	}
	for (i = 0; i < len && offset + i < ACPI_PM_TMR; i++)
		regs[offset + i] = data[i];
	if (offset < ACPI_PM1_EN)	/* status bits are write-one-to-clear */
		pm->pm1_sts &= (uint16_t)~bus_data_get(regs + ACPI_PM1_STS, 2);
	if (offset < ACPI_PM1_CNT && offset + len > ACPI_PM1_EN)
		pm->pm1_en = (uint16_t)bus_data_get(regs + ACPI_PM1_EN, 2);
	if (offset < ACPI_PM1_CNT + 2 && offset + len > ACPI_PM1_CNT)
		acpi_pm_control(pm, (uint16_t)bus_data_get(regs + ACPI_PM1_CNT, 2));
}

int acpi_pm_init(struct acpi_pm *pm, struct stop *stop, struct bus *pio, struct lk_err *err)
{
	*pm = (struct acpi_pm){ .stop = stop };
	pm->window = bus_add_window(pio, ACPI_PM_BASE, true, ACPI_PM_SIZE, acpi_pm_io, pm,
				    "acpi-pm", err);
	return pm->window ? 0 : -1;
}

void acpi_pm_move(struct acpi_pm *pm, uint16_t base, bool enabled)
{
	bus_window_move(pm->window, base, enabled);
}
