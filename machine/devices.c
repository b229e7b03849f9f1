// SPDX-License-Identifier: GPL-2.0-only
/*
 * The machine's devices, in the one order they are realized: the PC
 * platform first (a table, below), then the devices the user asked for, in
 * command-line order (cfg->devices), each in the next free PCI slot. The
 * launch measurement of an SEV guest covers what firmware sees of this
 * machine, so the order is fixed here rather than left to link order.
 * Destruction runs in reverse, after the vCPUs and the I/O loop stopped.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "devices/debug_exit.h"
#include "devices/i440fx.h"
#include "devices/piix3.h"
#include "devices/piix4_pm.h"
#include "devices/virtio_console.h"
#include "machine/machine_priv.h"
#include "util/file.h"

/* An ISA line from the UART or the PCI interrupt router. */
static void machine_isa_line(struct machine *m, unsigned int irq, bool level)
{
	static atomic_bool warned;
	struct lk_err err;

	/* Only a broken host fails this: say so once, keep the machine going. */
	if (irq_line(&m->vm, irq, level, &err) && !atomic_exchange(&warned, true))
		warn("interrupt line: %s", err.msg);
}

static void machine_serial_irq(void *ctx, int level)
{
	machine_isa_line(ctx, SERIAL_COM1_IRQ, level);
}

static void machine_pirq_line(void *ctx, unsigned int irq, bool level)
{
	machine_isa_line(ctx, irq, level);
}

static int dev_serial(struct machine *m, const struct dev_services *svc, struct lk_err *err)
{
	serial_init(&m->serial, m->cfg->console_none ? -1 : STDOUT_FILENO, machine_serial_irq,
		    m);
	if (serial_register(&m->serial, svc->pio, SERIAL_COM1_BASE, err))
		return -1;
	if (!m->cfg->serial_log)
		return 0;
	m->serial_log_fd = file_create("--serial-log", m->cfg->serial_log, err);
	if (m->serial_log_fd < 0)
		return -1;
	serial_set_log(&m->serial, m->serial_log_fd);
	return 0;
}

static void dev_serial_destroy(struct machine *m)
{
	if (m->serial.log_errno)
		warn("--serial-log %s: writing failed (%s): the log stops there",
		     m->cfg->serial_log, strerror(m->serial.log_errno));
	if (m->serial_log_fd >= 0) {
		/* Every byte is already written; this makes the log durable. */
		if (!m->serial.log_errno && fdatasync(m->serial_log_fd) && errno != EINVAL)
			warn("--serial-log %s: %s", m->cfg->serial_log, strerror(errno));
		close(m->serial_log_fd);
		m->serial_log_fd = -1;
	}
	serial_destroy(&m->serial);
}

static int dev_cmos(struct machine *m, const struct dev_services *svc, struct lk_err *err)
{
	cmos_init(&m->cmos, m->layout.ram_low_size, m->layout.ram_high_size, m->cfg->nr_cpus);
	return cmos_register(&m->cmos, svc->pio, err);
}

static void dev_cmos_destroy(struct machine *m)
{
	cmos_destroy(&m->cmos);
}

static int dev_debug_exit(struct machine *m, const struct dev_services *svc,
			  struct lk_err *err)
{
	(void)m;
	return debug_exit_init(svc->stop, svc->pio, err);
}

static int dev_reset(struct machine *m, const struct dev_services *svc, struct lk_err *err)
{
	return reset_init(&m->reset, svc->stop, svc->pio, err);
}

static int dev_acpi_pm(struct machine *m, const struct dev_services *svc, struct lk_err *err)
{
	return acpi_pm_init(&m->acpi_pm, svc->stop, svc->pio, err);
}

static int dev_port92(struct machine *m, const struct dev_services *svc, struct lk_err *err)
{
	return port92_init(&m->port92, svc->stop, svc->pio, err);
}

static int dev_pci(struct machine *m, const struct dev_services *svc, struct lk_err *err)
{
	return pci_bus_init(&m->pci, svc->pio, svc->mmio, err);
}

static void dev_pci_destroy(struct machine *m)
{
	pci_bus_destroy(&m->pci);
}

static int dev_i440fx(struct machine *m, const struct dev_services *svc, struct lk_err *err)
{
	return i440fx_init(&m->host_bridge, svc->pci, err);
}

static int dev_piix3(struct machine *m, const struct dev_services *svc, struct lk_err *err)
{
	return piix3_init(&m->isa_bridge, svc->pci, machine_pirq_line, m, err);
}

static int dev_piix4_pm(struct machine *m, const struct dev_services *svc, struct lk_err *err)
{
	return piix4_pm_init(&m->pm_func, &m->acpi_pm, MACHINE_SCI_IRQ, svc->pci, err);
}

static int dev_firmware(struct machine *m, const struct dev_services *svc, struct lk_err *err)
{
	return rom_init(&m->fw_rom, "firmware", m->layout.fw_base, m->fw.data, m->layout.fw_size,
			svc->mmio, err);
}

static int dev_debugcon(struct machine *m, const struct dev_services *svc, struct lk_err *err)
{
	if (!m->cfg->debugcon)
		return 0;
	return debugcon_init(&m->debugcon, m->cfg->debugcon, svc->pio, err);
}

static void dev_debugcon_destroy(struct machine *m)
{
	debugcon_destroy(&m->debugcon);
}

static int dev_vars(struct machine *m, const struct dev_services *svc, struct lk_err *err)
{
	const struct layout *l = &m->layout;

	if (!l->vars_size)
		return 0;
	return bus_register(svc->mmio, l->vars_base, l->vars_size, cfi_flash_io, &m->flash,
			    "variable-store", err);
}

static int dev_fw_cfg(struct machine *m, const struct dev_services *svc, struct lk_err *err)
{
	return machine_fw_cfg(m, &svc->mem, err);
}

static void dev_fw_cfg_destroy(struct machine *m)
{
	fw_cfg_destroy(&m->fw_cfg);
	acpi_blobs_free(&m->acpi);
}

struct platform_device {
	const char *name;
	int (*realize)(struct machine *m, const struct dev_services *svc, struct lk_err *err);
	void (*destroy)(struct machine *m);
};

/* The PC platform, as QEMU's pc machine lays it out, in realize order. */
static const struct platform_device platform_devices[] = {
	{ "serial",		dev_serial,		dev_serial_destroy },
	{ "cmos",		dev_cmos,		dev_cmos_destroy },
	{ "debug-exit",		dev_debug_exit,		NULL },
	{ "reset",		dev_reset,		NULL },
	{ "acpi-pm",		dev_acpi_pm,		NULL },
	{ "port92",		dev_port92,		NULL },
	{ "pci",		dev_pci,		dev_pci_destroy },
	{ "i440fx",		dev_i440fx,		NULL },
	{ "piix3",		dev_piix3,		NULL },
	{ "piix4-pm",		dev_piix4_pm,		NULL },
	{ "firmware",		dev_firmware,		NULL },
	{ "debugcon",		dev_debugcon,		dev_debugcon_destroy },
	{ "variable-store",	dev_vars,		NULL },
	{ "fw_cfg",		dev_fw_cfg,		dev_fw_cfg_destroy },
};

#define NR_PLATFORM (sizeof(platform_devices) / sizeof(platform_devices[0]))

static void machine_services(struct machine *m, struct dev_services *svc)
{
	*svc = (struct dev_services){
		.pio = &m->pio, .mmio = &m->mmio, .pci = &m->pci, .vm = &m->vm, .irq = &m->irq,
		.loop = &m->loop, .stop = &m->stop,
		.mem = { .hva = machine_gpa_to_hva, .shared = m->shared ? machine_shared : NULL,
			 .ctx = m },
	};
}

/* The virtio console's output joins the UART's: stdout, the log, markers, the tail. */
static void machine_console_out(void *ctx, const uint8_t *buf, size_t n)
{
	serial_emit(ctx, buf, n);
}

/*
 * The devices the machine adds itself, after the user's: their options
 * come from the machine (the console's sinks), not from one option.
 */
static unsigned int machine_own_devices(struct machine *m, struct device_cfg *own)
{
	unsigned int n = 0;

	if (m->cfg->console_virtio) {
		m->console_opts = (struct virtio_console_opts){
			.out = machine_console_out, .out_ctx = &m->serial,
			.in_fd = m->console.guest_fd,
		};
		own[n++] = (struct device_cfg){ &virtio_console_type, &m->console_opts };
	}
	return n;
}

/* The user's devices, after the platform: realized, then each reset to power-on. */
static int machine_user_devices(struct machine *m, const struct dev_services *svc,
				struct lk_err *err)
{
	unsigned int i, nr = m->cfg->nr_devices;

	for (i = 0; i < nr; i++)
		m->dev_cfg[i] = m->cfg->devices[i];
	nr += machine_own_devices(m, m->dev_cfg + nr);
	m->devs = calloc(nr ? nr : 1, sizeof(*m->devs));
	if (!m->devs)
		return err_sys(err, "allocating %u devices", nr);
	for (i = 0; i < nr; i++) {
		m->devs[i] = m->dev_cfg[i].type->realize(svc, m->dev_cfg[i].opts, err);
		if (!m->devs[i])
			return -1;
		m->nr_devs = i + 1;
	}
	for (i = 0; i < m->nr_devs; i++)
		if (m->dev_cfg[i].type->reset)
			m->dev_cfg[i].type->reset(m->devs[i]);
	return 0;
}

int machine_devices(struct machine *m, struct lk_err *err)
{
	struct dev_services svc;
	unsigned int i;

	bus_init(&m->pio, "port");
	bus_init(&m->mmio, "mmio");
	machine_services(m, &svc);
	for (i = 0; i < NR_PLATFORM; i++) {
		if (platform_devices[i].realize(m, &svc, err))
			return -1;
		m->nr_platform = i + 1;
	}
	if (machine_user_devices(m, &svc, err))
		return -1;
	bus_freeze(&m->pio);
	bus_freeze(&m->mmio);
	return 0;
}

void machine_devices_destroy(struct machine *m)
{
	unsigned int i;

	for (i = m->nr_devs; i-- > 0;)
		m->dev_cfg[i].type->destroy(m->devs[i]);
	free(m->devs);
	m->devs = NULL;
	m->nr_devs = 0;
	for (i = m->nr_platform; i-- > 0;)
		if (platform_devices[i].destroy)
			platform_devices[i].destroy(m);
	m->nr_platform = 0;
}
