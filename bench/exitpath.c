// SPDX-License-Identifier: GPL-2.0-only
/*
 * The userspace half of a port-I/O exit, measured in-process: the dispatch
 * the run loop does for one `inl` (bus lookup plus the device handler),
 * for the ACPI PM timer that firmware polls millions of times, against an
 * unassigned port (lookup only) and a bare clock read (the timer's floor).
 * The kernel half of an exit (~9 us on the build hosts) is measured by the
 * whole-guest runs in bench/startup.sh's companion, see BENCHMARKS.md.
 */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "devices/acpi_pm.h"
#include "devices/bus.h"
#include "devices/cmos.h"
#include "devices/debug_exit.h"
#include "devices/i440fx.h"
#include "devices/pci.h"
#include "devices/piix3.h"
#include "devices/piix4_pm.h"
#include "devices/port92.h"
#include "devices/reset.h"
#include "devices/serial.h"
#include "util/stop.h"

#define CALLS 10000000

static double now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e9 + (double)ts.tv_nsec;
}

static double per_call(const struct bus *pio, uint16_t port)
{
	uint8_t data[4];
	double t0 = now_ns();
	unsigned int sink = 0;
	int i;

	for (i = 0; i < CALLS; i++) {
		bus_access(pio, port, data, 4, false);
		sink += data[0];
	}
	if (sink == 1)	/* keeps the loop */
		puts("");
	return (now_ns() - t0) / CALLS;
}

static double clock_floor(void)
{
	struct timespec ts;
	double t0 = now_ns();
	long sink = 0;
	int i;

	for (i = 0; i < CALLS; i++) {
		clock_gettime(CLOCK_MONOTONIC, &ts);
		sink += ts.tv_nsec;
	}
	if (sink == 1)
		puts("");
	return (now_ns() - t0) / CALLS;
}

int main(void)
{
	static struct bus pio;
	static struct serial serial;
	static struct cmos cmos;
	static struct acpi_pm pm;
	static struct reset_dev reset;
	static struct port92 p92;
	static struct pci_bus pci;
	static struct pci_func hb, pmf;
	static struct piix3 isa;
	static struct stop stop;
	struct lk_err err;

	/* The machine's port devices, registered as machine.c does. */
	bus_init(&pio, "port");
	serial_init(&serial, -1, NULL, NULL);
	cmos_init(&cmos, 256 << 20, 0, 1);
	if (stop_init(&stop, &err) || serial_register(&serial, &pio, SERIAL_COM1_BASE, &err) ||
	    cmos_register(&cmos, &pio, &err) || debug_exit_init(&stop, &pio, &err) ||
	    reset_init(&reset, &stop, &pio, &err) || acpi_pm_init(&pm, &stop, &pio, &err) ||
	    port92_init(&p92, &stop, &pio, &err) || pci_bus_init(&pci, &pio, NULL, &err) ||
	    i440fx_init(&hb, &pci, &err) || piix3_init(&isa, &pci, NULL, NULL, &err) ||
	    piix4_pm_init(&pmf, &pm, 9, &pci, &err)) {
		fprintf(stderr, "exitpath: %s\n", err.msg);
		return 1;
	}
	bus_freeze(&pio);
	printf("calls=%d\n", CALLS);
	printf("clock_gettime_ns=%.1f\n", clock_floor());
	printf("unassigned_port_ns=%.1f\n", per_call(&pio, 0x40f));
	printf("pm_timer_ns=%.1f\n", per_call(&pio, ACPI_PM_BASE + ACPI_PM_TMR));
	printf("serial_lsr_ns=%.1f\n", per_call(&pio, SERIAL_COM1_BASE + UART_LSR));
	return 0;
}
