/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The machine's state, shared by the files of machine/ that build it:
 * machine.c (start-up order, run, teardown), memory.c (RAM, firmware,
 * variable store), platform.c (devices, fw_cfg, ACPI). Not for outside use.
 */
#ifndef LKVM_MACHINE_PRIV_H
#define LKVM_MACHINE_PRIV_H

#include <stdbool.h>
#include <stdio.h>
#include <time.h>

#include "devices/acpi_pm.h"
#include "devices/bus.h"
#include "devices/cfi_flash.h"
#include "devices/cmos.h"
#include "devices/debugcon.h"
#include "devices/device.h"
#include "devices/fw_cfg.h"
#include "devices/pci.h"
#include "devices/piix3.h"
#include "devices/port92.h"
#include "devices/reset.h"
#include "devices/rom.h"
#include "devices/serial.h"
#include "devices/virtio_console.h"
#include "machine/console.h"
#include "firmware/image.h"
#include "kvm/host.h"
#include "kvm/irq.h"
#include "kvm/ro_region.h"
#include "kvm/run.h"
#include "kvm/vcpu.h"
#include "kvm/vm.h"
#include "machine/acpi.h"
#include "machine/kernel.h"
#include "machine/layout.h"
#include "machine/machine.h"
#include "sev/certs.h"
#include "sev/launch.h"
#include "util/ioloop.h"
#include "util/stop.h"

/* Points of the --report timeline, in the order they can happen. */
enum machine_tl {
	TL_VM_CREATED,
	TL_FIRMWARE_MAPPED,
	TL_LAUNCH_FINISHED,
	TL_NR,
};

/* --report's last serial lines: a ring fed by the serial output hook. */
#define TAIL_LINES	20
#define TAIL_LINE_MAX	200

struct serial_tail {
	char line[TAIL_LINES + 1][TAIL_LINE_MAX + 1];	/* and the one being written */
	unsigned int next, count;	/* line[next] is the one being written */
	size_t len;
};

/* With the UART's receive FIFO full, stdin is looked at again this often. */
#define MACHINE_STDIN_RETRY_MS 10

/* The ACPI SCI, as on QEMU's pc: ISA IRQ 9, level-triggered. */
#define MACHINE_SCI_IRQ 9

struct machine {
	const struct machine_cfg *cfg;
	struct stop stop;
	struct ioloop loop;	/* run by the main thread; device back-ends run here */
	struct ioloop_src stdin_src, stdin_retry, timeout_src;
	struct console console;	/* stdin: a terminal's keys, or a file's bytes */
	struct kvm_host host;
	struct fw_image fw;
	struct layout layout;
	struct vm vm;
	struct irq_routes irq;	/* GSI routing: ISA lines, MSI routes */
	void *ram;
	struct ro_region fw_ro;
	struct bus pio, mmio;
	struct serial serial;
	struct virtio_console_opts console_opts;	/* --console virtio */
	struct debugcon debugcon;
	struct reset_dev reset;
	struct cmos cmos;
	struct acpi_pm acpi_pm;
	struct port92 port92;
	struct pci_bus pci;
	struct pci_func host_bridge, pm_func;
	struct piix3 isa_bridge;
	struct rom fw_rom;
	struct fw_cfg fw_cfg;
	struct e820_entry e820[E820_MAX];
	struct acpi_blobs acpi;
	struct kernel_image kernel;
	void *vars_mem;
	struct ro_region vars_ro;
	struct cfi_flash flash;
	bool flash_open;
	bool sev_on;		/* cfg->sev.o.mode: an SEV, SEV-ES or SNP guest */
	struct sev_launch sev;
	int gmem_ram, gmem_fw, gmem_vmsa;	/* SNP: guest_memfds, -1 otherwise */
	void *vmsa_page;	/* SNP: the shared side of a direct VMSA slot outside RAM */
	unsigned int nr_platform;	/* platform devices realized (machine/devices.c) */
	struct device_cfg dev_cfg[MACHINE_MAX_DEVICES + 1];	/* the user's, then the machine's */
	void **devs;		/* those realized, in dev_cfg's order */
	unsigned int nr_devs;
	_Atomic uint64_t *shared;	/* SNP: a bit per RAM page the guest shared */
	struct snp_certs certs;		/* --snp-certs, read and locked at start-up */
	/* Certificate requests answered, by answer: counted by vCPUs, read once they are joined. */
	_Atomic uint64_t certs_served, certs_too_small, certs_failed;
	struct run_ctx run_ctx;
	struct vcpu *vcpus;
	unsigned int nr_vcpus;	/* created so far */
	bool stdin_open;
	struct marker marker;	/* with cfg->markers set; the serial output hook feeds it */
	bool marker_on;
	int serial_log_fd;	/* --serial-log, -1 without */
	unsigned int io_poll_us;	/* what the I/O loop polls at most (machine_io_poll_us) */
	FILE *report;		/* --report, opened at start-up */
	uint8_t fw_sha256[32];	/* with --report: the image as it was read */
	bool fw_hashed;
	struct serial_tail tail;	/* with --report */
	struct timespec t0;	/* machine_run's start, CLOCK_MONOTONIC */
	struct timespec tl[TL_NR];	/* tv_sec 0: did not happen */
};

/* verbose.c: what -v says about the machine before it starts */
void machine_explain(const struct machine *m);

/* memory.c */
int machine_check_vars(struct machine *m, uint64_t *vars_size, struct lk_err *err);
int machine_memory(struct machine *m, struct lk_err *err);
void *machine_gpa_to_hva(void *ctx, uint64_t gpa, uint64_t len);
/* As machine_gpa_to_hva(), and the firmware and direct VMSA page too: what a launch reads. */
void *machine_launch_hva(void *ctx, uint64_t gpa, uint64_t len);
void machine_memory_free(struct machine *m);
int machine_convert(void *ctx, uint64_t gpa, uint64_t size, bool to_private);
/* SNP: whether the guest shared every page of [gpa, gpa + len) (RAM only). */
bool machine_shared(void *ctx, uint64_t gpa, uint64_t len);

/* certs.c: --snp-certs */
int machine_certs_load(struct machine *m, struct lk_err *err);
uint64_t machine_req_certs(void *ctx, uint64_t gpa, uint64_t *npages);

/* report.c */
void machine_mark(struct machine *m, enum machine_tl point);
void machine_serial_out(void *ctx, uint8_t c);
int machine_report_open(struct machine *m, struct lk_err *err);
/* Writes the report and closes it; false (after one warning) if it could not. */
bool machine_report(struct machine *m, int status, const struct lk_err *err);
/* With --report: the firmware's hash, taken before a launch encrypts it in place. */
void machine_report_hash_firmware(struct machine *m);

/* platform.c */
int machine_fw_cfg(struct machine *m, const struct guest_mem *mem, struct lk_err *err);

/* devices.c */
int machine_devices(struct machine *m, struct lk_err *err);
void machine_devices_destroy(struct machine *m);

#endif
