// SPDX-License-Identifier: GPL-2.0-only
/*
 * Building, running and tearing down a VM. machine_build() is the start-up
 * order, in one place. While the vCPU threads run, the main thread runs the
 * I/O loop (util/ioloop.h): console input, the timeout, device back-ends,
 * until something requests a stop.
 */
#include <errno.h>
#include <sched.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#include "kvm/irq.h"
#include "kvm/trace.h"
#include "kvm/uapi.h"
#include "machine/dtb.h"
#include "machine/machine_priv.h"
#include "probe/calibrate.h"
#include "util/term.h"

/* Signal handlers can reach only this. */
static struct stop *machine_signal_stop;

static volatile sig_atomic_t machine_sigint_seen;

static void machine_signal(int sig)
{
	/* A second Ctrl-C: whatever is stuck, the user wants out now. */
	if (sig == SIGINT && machine_sigint_seen) {
		term_restore();
		_exit(LK_EXIT_SIGINT);
	}
	if (sig == SIGINT)
		machine_sigint_seen = 1;
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
	/* SEV: QEMU's reset state for each, which KVM turns into the VMSAs (§5.3). */
	for (i = 0; m->sev_on && i < m->nr_vcpus; i++)
		if (sev_launch_vcpu(&m->sev, &m->vcpus[i], err))
			return -1;
	/* APs wait for INIT/SIPI in the in-kernel local APIC. */
	return m->sev_on ? 0 : vcpu_reset_state(&m->vcpus[0], err);
}

/* The launch, once memory, devices and vCPUs are set: the plan executed (sev/launch.h). */
static int machine_sev_launch(struct machine *m, struct lk_err *err)
{
	const struct kernel_image *k = &m->kernel;
	const struct sev_launch_mem mem = {
		.hva = machine_launch_hva, .ctx = m,
		.fw_ro = m->fw_ro.slot >= 0 ? &m->fw_ro : NULL,
	};
	struct sev_kernel_hashes h;

	/* OVMF hashes the files as fw_cfg serves them (§6.2): whole, the cmdline with NUL. */
	if (m->cfg->kernel) {
		sev_hash_bytes(h.kernel, k->file, k->file_size);
		sev_hash_bytes(h.initrd, k->initrd, k->initrd ? k->initrd_size : 0);
		sev_hash_cmdline(h.cmdline, m->cfg->cmdline);
	}
	return sev_launch_run(&m->sev, &m->vm, &mem, m->cfg->nr_cpus,
			      m->cfg->kernel ? &h : NULL, err);
}

/*
 * --io-poll, or where it was not given: polling pays only on a CPU the
 * vCPUs leave free. With no more CPUs than vCPUs the loop's spinning takes
 * time from a vCPU, and on one CPU the vCPU cannot post while it spins.
 */
static unsigned int machine_io_poll_us(const struct machine_cfg *cfg)
{
	cpu_set_t cpus;

	if (cfg->io_poll_given)
		return cfg->io_poll_us;
	if (sched_getaffinity(0, sizeof(cpus), &cpus))
		return cfg->io_poll_us;
	return CPU_COUNT(&cpus) > (int)cfg->nr_cpus ? cfg->io_poll_us : 0;
}

/*
 * SNP, before the host is asked: what this firmware cannot do with this
 * much RAM is the command line's mistake (status 2), whatever the host.
 */
static int machine_snp_firmware_check(struct machine *m, struct lk_err *err)
{
	struct ovmf_info *o;
	int r;

	if (m->cfg->sev.o.mode != SEV_MODE_SNP)
		return 0;
	o = malloc(sizeof(*o));
	if (!o)
		return err_sys(err, "allocating the firmware's description");
	r = ovmf_parse(m->fw.path, m->fw.data, m->fw.size, o, err) ||
	    plan_snp_firmware_check(o, m->fw.path, m->layout.ram_low_size, err) ? -1 : 0;
	free(o);
	return r;
}

/* SEV: the host's verdict, then the firmware as the launch will measure it. */
static int machine_sev_choose(struct machine *m, struct lk_err *err)
{
	if (!m->sev_on)
		return 0;
	if (machine_snp_firmware_check(m, err) ||
	    sev_launch_choose(&m->sev, &m->cfg->sev, m->cfg->nr_cpus, err))
		return -1;
	return sev_launch_firmware(&m->sev, m->fw.path, m->fw.data, m->fw.size, err);
}

static int machine_dump_dtb(struct machine *m, struct lk_err *err)
{
	const struct dtb_machine d = {
		.layout = &m->layout, .nr_cpus = m->cfg->nr_cpus,
		.ro_mode = ro_mode_name(m->fw_ro.mode), .pio = &m->pio, .mmio = &m->mmio,
		.pci = &m->pci,
	};

	return dtb_write(&d, m->cfg->dump_dtb, err);
}

/* The run loop's dispatch: the registries are frozen, the lookups lock-free. */
static void machine_pio(void *ctx, uint64_t port, uint8_t *data, uint32_t len, bool is_write)
{
	bus_access(&((struct machine *)ctx)->pio, port, data, len, is_write);
}

static void machine_mmio(void *ctx, uint64_t gpa, uint8_t *data, uint32_t len, bool is_write)
{
	bus_access(&((struct machine *)ctx)->mmio, gpa, data, len, is_write);
}

static int machine_build(struct machine *m, struct lk_err *err)
{
	const struct machine_cfg *cfg = m->cfg;

	uint64_t vars_size = 0;

	if (cfg->firmware ? fw_image_open(&m->fw, cfg->firmware, err)
			  : fw_image_embedded(&m->fw, err))
		return -1;
	machine_report_hash_firmware(m);
	if (machine_check_vars(m, &vars_size, err) || machine_certs_load(m, err))
		return -1;
	if (cfg->kernel && kernel_load(&m->kernel, cfg->kernel, cfg->initrd, cfg->cmdline, err))
		return -1;
	if (layout_compute(&m->layout, cfg->mem_size, m->fw.size, vars_size, err))
		return -1;
	if (stop_init(&m->stop, err) || ioloop_init(&m->loop, &m->stop, err) ||
	    console_init(&m->console, &m->loop, &m->stop, cfg->console_none, err) ||
	    machine_signals(m, err))
		return -1;
	m->io_poll_us = machine_io_poll_us(cfg);
	ioloop_set_poll_max(&m->loop, m->io_poll_us);
	if (kvm_host_open(&m->host, err))
		return -1;
	if (cfg->nr_cpus > (unsigned int)m->host.max_vcpus)
		return err_set(err, LK_EXIT_HOST, "-c %u: this host's KVM allows at most %d vCPUs",
			       cfg->nr_cpus, m->host.max_vcpus);
	if (machine_sev_choose(m, err) ||
	    vm_create(&m->vm, &m->host, m->sev_on ? m->sev.vm_type : LK_KVM_X86_DEFAULT_VM,
		      err))
		return -1;
	machine_mark(m, TL_VM_CREATED);
	if ((m->sev_on && sev_launch_init(&m->sev, &m->vm, err)) ||
	    vm_create_irqchip(&m->vm, err) || irq_routes_init(&m->irq, &m->vm, err) ||
	    (cfg->apic_bus_ns && vm_set_apic_bus_ns(&m->vm, cfg->apic_bus_ns, err)) ||
	    ((cfg->kernel || cfg->pit) && vm_create_pit(&m->vm, err)) ||
	    (m->sev_on && sev_launch_cpuid(&m->sev, &m->vm, err)) ||
	    machine_memory(m, err))
		return -1;
	machine_mark(m, TL_FIRMWARE_MAPPED);
	if (machine_devices(m, err) ||
	    machine_vcpus(m, err) ||
	    (m->sev_on && machine_sev_launch(m, err)))
		return -1;
	if (m->sev_on)
		machine_mark(m, TL_LAUNCH_FINISHED);
	if (cfg->dump_dtb && machine_dump_dtb(m, err))
		return -1;
	machine_explain(m);
	/* Without markers or a report the UART has no hook: its exits cost what they did. */
	if (marker_cfg_any(&cfg->markers)) {
		m->marker_on = true;
		if (marker_init(&m->marker, &cfg->markers, &m->stop, err))
			return -1;
		serial_set_output_hook(&m->serial, marker_feed, &m->marker);
	}
	if (m->report)
		serial_set_output_hook(&m->serial, machine_serial_out, m);
	/* SEV-ES and SNP registers are encrypted once launched (§4.6). */
	m->run_ctx = (struct run_ctx){ .pio = machine_pio, .mmio = machine_mmio, .io_ctx = m,
				       .stop = &m->stop,
				       .dump_regs = !m->sev_on || m->sev.mode == SEV_MODE_SEV };
	if (m->sev_on && m->sev.mode == SEV_MODE_SNP) {
		m->run_ctx.convert = machine_convert;
		m->run_ctx.conv_ctx = m;
		if (m->certs.table) {
			m->run_ctx.req_certs = machine_req_certs;
			m->run_ctx.certs_ctx = m;
		}
	}
	return 0;
}

/* Moves what stdin has into the UART, as far as its FIFO has room. */
static void machine_console_input(struct machine *m)
{
	uint8_t buf[SERIAL_FIFO_SIZE];
	unsigned int room = serial_rx_room(&m->serial);
	ssize_t n;

	if (!room)
		return;
	n = read(m->console.guest_fd, buf, room);
	if (n > 0)
		serial_rx_push(&m->serial, buf, (unsigned int)n);
	else if (n == 0 || (errno != EINTR && errno != EAGAIN))
		m->stdin_open = false;
}

/* The I/O loop's failures stop the machine: its console or its timeout would be lost. */
static void machine_loop_failed(struct machine *m, const struct lk_err *err)
{
	stop_request_err(&m->stop, err);
}

static void machine_stdin(void *ctx)
{
	struct machine *m = ctx;
	struct lk_err err;

	machine_console_input(m);
	if (m->stdin_open && serial_rx_room(&m->serial))
		return;
	/* At EOF stdin is done; with a full FIFO, look again soon instead of spinning. */
	if (ioloop_enable(&m->loop, &m->stdin_src, false, &err) ||
	    (m->stdin_open && ioloop_timer_arm(&m->stdin_retry, MACHINE_STDIN_RETRY_MS, &err)))
		machine_loop_failed(m, &err);
}

static void machine_stdin_retry(void *ctx)
{
	struct machine *m = ctx;
	struct lk_err err;

	if (serial_rx_room(&m->serial) ? ioloop_enable(&m->loop, &m->stdin_src, true, &err)
				       : ioloop_timer_arm(&m->stdin_retry, MACHINE_STDIN_RETRY_MS,
							  &err))
		machine_loop_failed(m, &err);
}

static void machine_timeout(void *ctx)
{
	struct machine *m = ctx;

	stop_request(&m->stop, LK_EXIT_TIMEOUT,
		     "timeout: the guest was still running after %g s (--timeout)",
		     m->cfg->timeout);
}

/* The main thread's own sources: the console's input and the timeout. */
static int machine_loop_sources(struct machine *m, struct lk_err *err)
{
	if (m->cfg->timeout > 0 &&
	    (ioloop_add_timer(&m->loop, &m->timeout_src, machine_timeout, m, err) ||
	     ioloop_timer_arm(&m->timeout_src, (int64_t)(m->cfg->timeout * 1000), err)))
		return -1;
	if (!m->stdin_open)
		return 0;
	return ioloop_add_timer(&m->loop, &m->stdin_retry, machine_stdin_retry, m, err) ||
	       ioloop_add(&m->loop, &m->stdin_src, m->console.guest_fd, machine_stdin, m, err);
}

/* Returns @status, or LK_EXIT_NO_REPORT if the report could not be written. */
static int machine_teardown(struct machine *m, int status, const struct lk_err *err)
{
	struct lk_err ignored;
	unsigned int i;

	vcpus_stop(m->vcpus, m->nr_vcpus);
	term_restore();
	ioloop_del(&m->loop, &m->stdin_src);
	ioloop_del(&m->loop, &m->stdin_retry);
	ioloop_del(&m->loop, &m->timeout_src);
	/* The vCPUs are joined: their counters and the serial tail are stable. */
	if (m->report && !machine_report(m, status, err))
		status = LK_EXIT_NO_REPORT;
	for (i = 0; i < m->nr_vcpus; i++)
		vcpu_destroy(&m->vcpus[i]);
	free(m->vcpus);
	if (m->marker_on)
		marker_destroy(&m->marker);
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
	if (m->sev_on)
		sev_launch_destroy(&m->sev);
	snp_certs_release(&m->certs);	/* the guest is stopped: updates may go on */
	machine_devices_destroy(m);
	kernel_unload(&m->kernel);
	irq_routes_destroy(&m->irq);
	vm_destroy(&m->vm);
	machine_memory_free(m);
	if (m->ram)
		munmap(m->ram, m->layout.mem_size);
	fw_image_close(&m->fw);
	kvm_host_close(&m->host);
	machine_signal_stop = NULL;
	console_destroy(&m->console);
	ioloop_destroy(&m->loop);
	stop_destroy(&m->stop);
	bus_destroy(&m->pio);
	bus_destroy(&m->mmio);
	return status;
}

static const char *const machine_signal_names[] = {
	[LK_EXIT_SIGINT - 128] = "SIGINT", [LK_EXIT_SIGTERM - 128] = "SIGTERM",
};

static int machine_start(struct machine *m, struct lk_err *err)
{
	unsigned int i;

	/* The UART reads the console's input unless the virtio console has it. */
	m->stdin_open = m->console.guest_fd >= 0 && !m->cfg->console_virtio;
	if (console_start(&m->console, err) || machine_loop_sources(m, err))
		return -1;
	/*
	 * Built: what start-up had to say can no longer stand before the line
	 * of a failure, and said now it stays off the guest's lines.
	 */
	err_hold(false);
	for (i = 0; i < m->nr_vcpus; i++)
		if (vcpu_start(&m->vcpus[i], &m->run_ctx, err))
			return -1;
	return 0;
}

/*
 * A guest that stopped where KVM could not emulate an instruction, on a
 * host whose KVM emulates all guest code (the caps calibration, as
 * check-hw): not the guest's fault. Stock OVMF stops so in SEC on such a
 * host. The host's status (125) and a line saying so; the instruction
 * and registers stay below it. Returns the status.
 */
static int machine_emulation_verdict(struct machine *m, struct lk_err *err)
{
	struct calib_guest g = calib_default_guest();
	struct calibration c;
	char detail[sizeof(err->detail)];
	unsigned int i;
	bool failed = false;

	/* Joined first: their flags are final, and none competes with the calibration. */
	vcpus_stop(m->vcpus, m->nr_vcpus);
	for (i = 0; i < m->nr_vcpus; i++)
		failed |= m->vcpus[i].emulation_failed;
	if (!failed)
		return LK_EXIT_CRASH;
	calibrate_guest(&m->host, &g, &c);
	if (c.result != CALIB_EMULATED)
		return LK_EXIT_CRASH;
	memcpy(detail, err->detail, sizeof(detail));
	err_set(err, LK_EXIT_HOST, "the guest stopped where KVM could not emulate an "
		"instruction, and this host's KVM emulates all guest code (the caps calibration "
		"guest took %.0f ms; natively about 1 ms): firmware such as OVMF needs a KVM "
		"that runs it natively (lkvm-sev caps)", c.ms);
	memcpy(err->detail, detail, sizeof(detail));
	return LK_EXIT_HOST;
}

/* --until or --until-re was given and the run ended without either matching. */
static bool machine_until_missed(const struct machine *m)
{
	const struct marker_cfg *mc = &m->cfg->markers;

	if (!mc->nr_until && !mc->until_re)
		return false;
	return !m->marker_on || !m->marker.seen || m->marker.seen_fail;
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
	m->loop.epfd = -1;
	m->stdin_src.fd = m->stdin_retry.fd = m->timeout_src.fd = -1;
	console_init(&m->console, NULL, NULL, true, err);	/* nothing open until built */
	m->debugcon.fd = -1;
	m->serial_log_fd = -1;
	m->fw_ro.slot = -1;
	m->vars_ro.slot = -1;
	m->gmem_ram = m->gmem_fw = m->gmem_vmsa = -1;
	m->sev_on = cfg->sev.o.mode != SEV_MODE_NONE;
	m->sev.kvm.sev_fd = -1;
	err->msg[0] = '\0';
	clock_gettime(CLOCK_MONOTONIC, &m->t0);
	if ((cfg->trace && kvm_trace_open(cfg->trace, err)) || machine_report_open(m, err) ||
	    machine_build(m, err) || machine_start(m, err)) {
		status = err->status;
		if (m->stop.efd >= 0)
			stop_request_quiet(&m->stop, status);
	} else {
		ioloop_run(&m->loop);
		status = atomic_load(&m->stop.status);
		*err = m->stop.err;
		err->status = status;
		if (!err->msg[0] && (status == LK_EXIT_SIGINT || status == LK_EXIT_SIGTERM))
			err_set(err, status, "stopped by %s",
				machine_signal_names[status - 128]);
		if (status == LK_EXIT_CRASH)
			status = machine_emulation_verdict(m, err);
		if (status == LK_EXIT_POWEROFF && machine_until_missed(m)) {
			status = LK_EXIT_NO_MARKER;
			err_set(err, status, "the guest powered off without printing an "
				"--until marker");
		}
	}
	status = machine_teardown(m, status, err);
	kvm_trace_close();	/* after the last ioctl of the teardown */
	free(m);
	return status;
}
