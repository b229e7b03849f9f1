// SPDX-License-Identifier: GPL-2.0-only
/*
 * Building, running and tearing down a VM. machine_build() is the start-up
 * order, in one place; machine_wait() is what the main thread does while
 * the vCPU threads run: console input, the timeout, and waiting for a stop.
 */
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#include "devices/acpi_pm.h"
#include "devices/bus.h"
#include "devices/cmos.h"
#include "devices/debug_exit.h"
#include "devices/cfi_flash.h"
#include "devices/debugcon.h"
#include "devices/fw_cfg.h"
#include "devices/i440fx.h"
#include "devices/pci.h"
#include "devices/piix3.h"
#include "devices/piix4_pm.h"
#include "devices/port92.h"
#include "devices/reset.h"
#include "devices/rom.h"
#include "devices/serial.h"
#include "firmware/image.h"
#include "firmware/ovmf.h"
#include "kvm/host.h"
#include "kvm/ro_region.h"
#include "kvm/run.h"
#include "kvm/uapi.h"
#include "kvm/vcpu.h"
#include "kvm/vm.h"
#include "machine/acpi.h"
#include "machine/dtb.h"
#include "machine/kernel.h"
#include "machine/layout.h"
#include "machine/machine.h"
#include "util/stop.h"
#include "util/term.h"

struct machine {
	const struct machine_cfg *cfg;
	struct stop stop;
	struct kvm_host host;
	struct fw_image fw;
	struct layout layout;
	struct vm vm;
	void *ram;
	struct ro_region fw_ro;
	struct bus pio, mmio;
	struct serial serial;
	struct debugcon debugcon;
	struct reset_dev reset;
	struct cmos cmos;
	struct acpi_pm acpi_pm;
	struct port92 port92;
	struct pci_bus pci;
	struct pci_func host_bridge, isa_bridge, pm_func;
	struct rom fw_rom;
	struct fw_cfg fw_cfg;
	struct e820_entry e820[E820_MAX];
	struct acpi_blobs acpi;
	struct kernel_image kernel;
	void *vars_mem;
	struct ro_region vars_ro;
	struct cfi_flash flash;
	bool flash_open;
	struct run_ctx run_ctx;
	struct vcpu *vcpus;
	unsigned int nr_vcpus;	/* created so far */
	bool stdin_open;
};

/* The ACPI SCI, as on QEMU's pc: ISA IRQ 9, level-triggered. */
#define MACHINE_SCI_IRQ 9

/* Signal handlers can reach only this. */
static struct stop *machine_signal_stop;

static void machine_signal(int sig)
{
	if (machine_signal_stop)
		stop_request_quiet(machine_signal_stop,
				   sig == SIGINT ? LK_EXIT_SIGINT : LK_EXIT_SIGTERM);
}

static int machine_signals(struct machine *m, struct lk_err *err)
{
	struct sigaction sa = { .sa_handler = machine_signal };

	machine_signal_stop = &m->stop;
	sigemptyset(&sa.sa_mask);
	if (sigaction(SIGINT, &sa, NULL) || sigaction(SIGTERM, &sa, NULL))
		return err_sys(err, "sigaction");
	signal(SIGPIPE, SIG_IGN);	/* a closed stdout must not kill the VMM */
	return run_init_signals(err);
}

static void machine_serial_irq(void *ctx, int level)
{
	vm_irq_line(ctx, SERIAL_COM1_IRQ, level);
}

/* The flash device moves its region between read-only memory and MMIO. */
static int machine_flash_mode(void *ctx, bool array_mode, struct lk_err *err)
{
	struct machine *m = ctx;

	return array_mode ? ro_region_remap(&m->vm, &m->vars_ro, err)
			  : ro_region_unmap(&m->vm, &m->vars_ro, err);
}

/* The variable store: a CFI flash directly below the code, backed by --vars. */
static int machine_vars(struct machine *m, struct lk_err *err)
{
	const struct layout *l = &m->layout;

	m->vars_mem = mmap(NULL, l->vars_size, PROT_READ | PROT_WRITE,
			   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (m->vars_mem == MAP_FAILED) {
		m->vars_mem = NULL;
		return err_sys(err, "mmap for the variable store");
	}
	if (cfi_flash_open(&m->flash, m->cfg->vars, l->vars_base, m->vars_mem, l->vars_size,
			   machine_flash_mode, m, &m->stop, err))
		return -1;
	m->flash_open = true;
	return ro_region_map(&m->vm, &m->vars_ro, "variable store", l->vars_base, m->vars_mem,
			     l->vars_size, m->cfg->ro_mode, err);
}

static int machine_memory(struct machine *m, struct lk_err *err)
{
	const struct layout *l = &m->layout;

	/* Lazy: nothing is allocated until the guest touches it. */
	m->ram = mmap(NULL, l->mem_size, PROT_READ | PROT_WRITE,
		      MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (m->ram == MAP_FAILED) {
		m->ram = NULL;
		return err_sys(err, "mmap of %llu MiB of guest RAM",
			       (unsigned long long)(l->mem_size >> 20));
	}
	if (memslot_add(&m->vm.slots, "ram-low", 0, l->ram_low_size, m->ram, 0, err) < 0)
		return -1;
	if (l->ram_high_size &&
	    memslot_add(&m->vm.slots, "ram-high", LAYOUT_HIGH_RAM_BASE, l->ram_high_size,
			(uint8_t *)m->ram + l->ram_low_size, 0, err) < 0)
		return -1;
	if (ro_region_map(&m->vm, &m->fw_ro, "firmware", l->fw_base, m->fw.data,
			  l->fw_size, m->cfg->ro_mode, err))
		return -1;
	return l->vars_size ? machine_vars(m, err) : 0;
}

/* Host memory behind a guest RAM range, for device DMA; NULL if not all RAM. */
static void *machine_gpa_to_hva(void *ctx, uint64_t gpa, uint64_t len)
{
	const struct machine *m = ctx;
	const struct layout *l = &m->layout;

	if (len > l->mem_size)
		return NULL;
	if (gpa < l->ram_low_size && len <= l->ram_low_size - gpa)
		return (uint8_t *)m->ram + gpa;
	if (gpa >= LAYOUT_HIGH_RAM_BASE && gpa - LAYOUT_HIGH_RAM_BASE < l->ram_high_size &&
	    len <= l->ram_high_size - (gpa - LAYOUT_HIGH_RAM_BASE))
		return (uint8_t *)m->ram + l->ram_low_size + (gpa - LAYOUT_HIGH_RAM_BASE);
	return NULL;
}

static int machine_acpi(struct machine *m, struct lk_err *err)
{
	const struct layout *l = &m->layout;
	const struct acpi_machine am = {
		.nr_cpus = m->cfg->nr_cpus,
		.lapic_addr = LAYOUT_LAPIC_BASE,
		.ioapic_addr = LAYOUT_IOAPIC_BASE,
		.ioapic_id = 0,
		.pm_base = ACPI_PM_BASE,
		.sci_irq = MACHINE_SCI_IRQ,
		.reset_port = RESET_CONTROL_PORT,
		.reset_value = 0x06,
		.serial_port = SERIAL_COM1_BASE,
		.serial_irq = SERIAL_COM1_IRQ,
		.pci_mmio_base = l->pci_hole_base,
		.pci_mmio_end = LAYOUT_IOAPIC_BASE,
	};

	if (acpi_build(&am, &m->acpi, err))
		return -1;
	if (fw_cfg_add_file(&m->fw_cfg, ACPI_FILE_TABLES, m->acpi.tables,
			    (uint32_t)m->acpi.tables_len, err) ||
	    fw_cfg_add_file(&m->fw_cfg, ACPI_FILE_RSDP, m->acpi.rsdp,
			    (uint32_t)m->acpi.rsdp_len, err))
		return -1;
	return fw_cfg_add_file(&m->fw_cfg, ACPI_FILE_LOADER, m->acpi.loader,
			       (uint32_t)m->acpi.loader_len, err);
}

/* The items OVMF's kernel loader reads: setup and kernel apart, as QEMU splits them. */
static int machine_kernel_items(struct machine *m, struct lk_err *err)
{
	const struct kernel_image *k = &m->kernel;
	const uint8_t *file = k->file;
	uint32_t kernel_size = (uint32_t)(k->file_size - k->setup_size);

	return fw_cfg_add_u32(&m->fw_cfg, FW_CFG_SETUP_SIZE, k->setup_size, err) ||
	       fw_cfg_add_item(&m->fw_cfg, FW_CFG_SETUP_DATA, file, k->setup_size, err) ||
	       fw_cfg_add_u32(&m->fw_cfg, FW_CFG_KERNEL_SIZE, kernel_size, err) ||
	       fw_cfg_add_item(&m->fw_cfg, FW_CFG_KERNEL_DATA, file + k->setup_size,
			       kernel_size, err) ||
	       fw_cfg_add_u32(&m->fw_cfg, FW_CFG_INITRD_SIZE, (uint32_t)k->initrd_size, err) ||
	       fw_cfg_add_item(&m->fw_cfg, FW_CFG_INITRD_DATA, k->initrd,
			       (uint32_t)k->initrd_size, err) ||
	       fw_cfg_add_u32(&m->fw_cfg, FW_CFG_CMDLINE_SIZE, k->cmdline_size, err) ||
	       fw_cfg_add_item(&m->fw_cfg, FW_CFG_CMDLINE_DATA, k->cmdline, k->cmdline_size,
			       err) ? -1 : 0;
}

static int machine_fw_cfg(struct machine *m, struct lk_err *err)
{
	int n = layout_e820(&m->layout, m->e820, E820_MAX);

	fw_cfg_init(&m->fw_cfg, machine_gpa_to_hva, m);
	if (fw_cfg_add_u16(&m->fw_cfg, FW_CFG_NB_CPUS, (uint16_t)m->cfg->nr_cpus, err) ||
	    fw_cfg_add_file(&m->fw_cfg, "etc/e820", m->e820,
			    (uint32_t)(n * sizeof(m->e820[0])), err) ||
	    machine_acpi(m, err))
		return -1;
	if (m->cfg->kernel && machine_kernel_items(m, err))
		return -1;
	return fw_cfg_register(&m->fw_cfg, &m->pio, err);
}

static int machine_devices(struct machine *m, struct lk_err *err)
{
	const struct layout *l = &m->layout;

	bus_init(&m->pio, "port");
	bus_init(&m->mmio, "mmio");
	serial_init(&m->serial, STDOUT_FILENO, machine_serial_irq, &m->vm);
	cmos_init(&m->cmos, l->ram_low_size, l->ram_high_size, m->cfg->nr_cpus);
	m->debugcon.fd = -1;
	if (serial_register(&m->serial, &m->pio, SERIAL_COM1_BASE, err) ||
	    cmos_register(&m->cmos, &m->pio, err) ||
	    debug_exit_init(&m->stop, &m->pio, err) ||
	    reset_init(&m->reset, &m->stop, &m->pio, err) ||
	    acpi_pm_init(&m->acpi_pm, &m->stop, &m->pio, err) ||
	    port92_init(&m->port92, &m->stop, &m->pio, err) ||
	    pci_bus_init(&m->pci, &m->pio, err) ||
	    i440fx_init(&m->host_bridge, &m->pci, err) ||
	    piix3_init(&m->isa_bridge, &m->pci, err) ||
	    piix4_pm_init(&m->pm_func, &m->acpi_pm, MACHINE_SCI_IRQ, &m->pci, err) ||
	    rom_init(&m->fw_rom, "firmware", l->fw_base, m->fw.data, l->fw_size, &m->mmio, err))
		return -1;
	if (m->cfg->debugcon && debugcon_init(&m->debugcon, m->cfg->debugcon, &m->pio, err))
		return -1;
	if (l->vars_size && bus_register(&m->mmio, l->vars_base, l->vars_size, cfi_flash_io,
					 &m->flash, "variable-store", err))
		return -1;
	if (machine_fw_cfg(m, err))
		return -1;
	bus_freeze(&m->pio);
	bus_freeze(&m->mmio);
	return 0;
}

static int machine_vcpus(struct machine *m, struct lk_err *err)
{
	unsigned int i;

	m->vcpus = calloc(m->cfg->nr_cpus, sizeof(*m->vcpus));
	if (!m->vcpus)
		return err_sys(err, "allocating %u vCPUs", m->cfg->nr_cpus);
	for (i = 0; i < m->cfg->nr_cpus; i++) {
		struct vcpu *v = &m->vcpus[i];

		m->nr_vcpus = i + 1;
		if (vcpu_create(v, &m->vm, i, err) || vcpu_set_cpuid(v, err))
			return -1;
	}
	/* APs wait for INIT/SIPI in the in-kernel local APIC. */
	return vcpu_reset_state(&m->vcpus[0], err);
}

/*
 * The variable store's size comes from its file; for an OVMF image it must
 * be the one the code was built for (VARS directly below CODE, filling a
 * power-of-two flash), or OVMF would look for its variables elsewhere.
 */
static int machine_check_vars(struct machine *m, uint64_t *vars_size, struct lk_err *err)
{
	const struct machine_cfg *cfg = m->cfg;
	bool ovmf = ovmf_has_footer(m->fw.data, m->fw.size);
	uint64_t want = ovmf_expected_vars_size(m->fw.size);

	if (!cfg->vars) {
		if (ovmf && want)
			return err_set(err, LK_EXIT_USAGE, "--firmware %s: this OVMF code image "
				       "expects a %llu-byte variable store below it: add --vars "
				       "FILE (a copy of the matching OVMF_VARS file)", cfg->firmware,
				       (unsigned long long)want);
		if (ovmf)
			warn("no --vars: OVMF finds its variable store read-only and keeps "
			     "variables in RAM: they will not persist");
		return 0;
	}
	if (cfi_flash_file_size(cfg->vars, vars_size, err))
		return -1;
	if (ovmf && !want)
		return err_set(err, LK_EXIT_USAGE, "--vars %s: %s holds its own variable store; "
			       "use an OVMF_CODE image with --vars", cfg->vars, cfg->firmware);
	if (ovmf && *vars_size != want)
		return err_set(err, LK_EXIT_USAGE, "--vars %s: %llu bytes, but %s (%llu bytes) "
			       "expects a variable store of %llu bytes below it", cfg->vars,
			       (unsigned long long)*vars_size, cfg->firmware,
			       (unsigned long long)m->fw.size, (unsigned long long)want);
	return 0;
}

static int machine_dump_dtb(struct machine *m, struct lk_err *err)
{
	const struct dtb_machine d = {
		.layout = &m->layout, .nr_cpus = m->cfg->nr_cpus,
		.ro_mode = ro_mode_name(m->fw_ro.mode), .pio = &m->pio, .mmio = &m->mmio,
	};

	return dtb_write(&d, m->cfg->dump_dtb, err);
}

static int machine_build(struct machine *m, struct lk_err *err)
{
	const struct machine_cfg *cfg = m->cfg;

	uint64_t vars_size = 0;

	if (cfg->firmware ? fw_image_open(&m->fw, cfg->firmware, err)
			  : fw_image_embedded(&m->fw, err))
		return -1;
	if (machine_check_vars(m, &vars_size, err))
		return -1;
	if (cfg->kernel && kernel_load(&m->kernel, cfg->kernel, cfg->initrd, cfg->cmdline, err))
		return -1;
	if (layout_compute(&m->layout, cfg->mem_size, m->fw.size, vars_size, err))
		return -1;
	if (stop_init(&m->stop, err) || machine_signals(m, err))
		return -1;
	if (kvm_host_open(&m->host, err))
		return -1;
	if (cfg->nr_cpus > (unsigned int)m->host.max_vcpus)
		return err_set(err, LK_EXIT_HOST, "-c %u: this host's KVM allows at most %d vCPUs",
			       cfg->nr_cpus, m->host.max_vcpus);
	if (vm_create(&m->vm, &m->host, LK_KVM_X86_DEFAULT_VM, err) ||
	    vm_create_irqchip(&m->vm, err) ||
	    ((cfg->kernel || cfg->pit) && vm_create_pit(&m->vm, err)) ||
	    machine_memory(m, err) ||
	    machine_devices(m, err) ||
	    machine_vcpus(m, err))
		return -1;
	if (cfg->dump_dtb && machine_dump_dtb(m, err))
		return -1;
	m->run_ctx = (struct run_ctx){ .pio = &m->pio, .mmio = &m->mmio, .stop = &m->stop,
				       .dump_regs = true };
	return 0;
}

static int64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Moves what stdin has into the UART, as far as its FIFO has room. */
static void machine_console_input(struct machine *m)
{
	uint8_t buf[SERIAL_FIFO_SIZE];
	unsigned int room = serial_rx_room(&m->serial);
	ssize_t n;

	if (!room)
		return;
	n = read(STDIN_FILENO, buf, room);
	if (n > 0)
		serial_rx_push(&m->serial, buf, (unsigned int)n);
	else if (n == 0 || (errno != EINTR && errno != EAGAIN))
		m->stdin_open = false;
}

static void machine_wait(struct machine *m)
{
	int64_t deadline = m->cfg->timeout > 0 ? now_ms() + (int64_t)(m->cfg->timeout * 1000) : 0;

	while (!stop_requested(&m->stop)) {
		struct pollfd fds[2] = {
			{ .fd = m->stop.efd, .events = POLLIN },
			{ .fd = STDIN_FILENO, .events = POLLIN },
		};
		bool want_input = m->stdin_open && serial_rx_room(&m->serial);
		int timeout = -1;

		if (deadline) {
			int64_t left = deadline - now_ms();

			if (left <= 0) {
				stop_request(&m->stop, LK_EXIT_TIMEOUT,
					     "timeout: the guest was still running after %g s "
					     "(--timeout)", m->cfg->timeout);
				break;
			}
			timeout = left > 1000000 ? 1000000 : (int)left;
		}
		/* A full FIFO: look again soon instead of spinning on stdin. */
		if (m->stdin_open && !want_input && (timeout < 0 || timeout > 10))
			timeout = 10;
		if (poll(fds, want_input ? 2 : 1, timeout) > 0 && want_input &&
		    (fds[1].revents & (POLLIN | POLLHUP | POLLERR)))
			machine_console_input(m);
	}
}

static void machine_teardown(struct machine *m)
{
	struct lk_err ignored;
	unsigned int i;

	vcpus_stop(m->vcpus, m->nr_vcpus);
	term_restore();
	for (i = 0; i < m->nr_vcpus; i++)
		vcpu_destroy(&m->vcpus[i]);
	free(m->vcpus);
	if (m->flash_open) {
		/* What the guest wrote is already in the file; this makes it durable. */
		if (cfi_flash_sync(&m->flash, &ignored))
			warn("%s", ignored.msg);
		cfi_flash_close(&m->flash);
	}
	if (m->vm.fd >= 0) {
		ro_region_unmap(&m->vm, &m->fw_ro, &ignored);
		ro_region_unmap(&m->vm, &m->vars_ro, &ignored);
	}
	if (m->vars_mem)
		munmap(m->vars_mem, m->layout.vars_size);
	fw_cfg_destroy(&m->fw_cfg);
	acpi_blobs_free(&m->acpi);
	kernel_unload(&m->kernel);
	debugcon_destroy(&m->debugcon);
	vm_destroy(&m->vm);
	if (m->ram)
		munmap(m->ram, m->layout.mem_size);
	fw_image_close(&m->fw);
	kvm_host_close(&m->host);
	machine_signal_stop = NULL;
	stop_destroy(&m->stop);
	serial_destroy(&m->serial);
	cmos_destroy(&m->cmos);
	pci_bus_destroy(&m->pci);
}

static const char *const machine_signal_names[] = {
	[LK_EXIT_SIGINT - 128] = "SIGINT", [LK_EXIT_SIGTERM - 128] = "SIGTERM",
};

static int machine_start(struct machine *m, struct lk_err *err)
{
	unsigned int i;

	m->stdin_open = true;
	term_raw_begin();
	for (i = 0; i < m->nr_vcpus; i++)
		if (vcpu_start(&m->vcpus[i], &m->run_ctx, err))
			return -1;
	return 0;
}

int machine_run(const struct machine_cfg *cfg, struct lk_err *err)
{
	struct machine *m = calloc(1, sizeof(*m));
	int status;

	if (!m)
		return err_sys(err, "allocating the machine"), LK_EXIT_HOST;
	m->cfg = cfg;
	m->vm.fd = -1;
	m->host.fd = -1;
	m->stop.efd = -1;
	m->debugcon.fd = -1;
	m->fw_ro.slot = -1;
	m->vars_ro.slot = -1;
	err->msg[0] = '\0';
	if (machine_build(m, err) || machine_start(m, err)) {
		status = err->status;
		if (m->stop.efd >= 0)
			stop_request_quiet(&m->stop, status);
	} else {
		machine_wait(m);
		status = atomic_load(&m->stop.status);
		*err = m->stop.err;
		err->status = status;
		if (!err->msg[0] && (status == LK_EXIT_SIGINT || status == LK_EXIT_SIGTERM))
			err_set(err, status, "stopped by %s",
				machine_signal_names[status - 128]);
	}
	machine_teardown(m);
	free(m);
	return status;
}
