// SPDX-License-Identifier: GPL-2.0-only
/*
 * A machine for the fuzz targets: what machine_build() makes, in its order
 * and with its own functions (machine/), on the fake /dev/kvm of
 * kvm_fake.c: the embedded default firmware, RAM (guest_memfd-backed and
 * private at first for SNP), the platform devices, and the user devices
 * that need no host network (pci-testdev, virtio-rng, virtio-blk with
 * aio=sync, virtio-console). No vCPU and no I/O loop thread: a target
 * dispatches accesses itself and runs the loop's handlers with
 * fz_machine_pump(). Files are memfds, reached by /proc/self/fd paths.
 */
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/mman.h>
#include <unistd.h>

#include "devices/pci_testdev.h"
#include "devices/virtio_blk.h"
#include "devices/virtio_console.h"
#include "devices/virtio_rng.h"
#include "kvm/uapi.h"
#include "tests/fuzz/fuzz.h"

/* The machine and what its configuration points to, freed together. */
struct fz_machine {
	struct machine m;
	struct machine_cfg cfg;
	struct virtio_blk_opts disk;
	struct virtio_console_opts console;
	int disk_fd, vars_fd;
	char disk_path[32], vars_path[32];
};

static struct fz_machine *fz_of(struct machine *m)
{
	return (struct fz_machine *)((char *)m - offsetof(struct fz_machine, m));
}

/* A memfd of @size zero bytes and its path; -1 with @err. */
static int fz_file(const char *name, size_t size, char *path, size_t path_size,
		   struct lk_err *err)
{
	int fd = memfd_create(name, MFD_CLOEXEC);

	if (fd < 0)
		return err_sys(err, "memfd_create %s", name);
	if (ftruncate(fd, (off_t)size)) {
		close(fd);
		return err_sys(err, "ftruncate %s", name);
	}
	snprintf(path, path_size, "/proc/self/fd/%d", fd);
	return fd;
}

/* As machine/devices.c's: the virtio console's output joins the UART's. */
static void fz_console_out(void *ctx, const uint8_t *buf, size_t n)
{
	serial_emit(ctx, buf, n);
}

/* What `run` would have parsed: headless, one vCPU, and the devices asked for. */
static int fz_config(struct fz_machine *fm, const struct fz_machine_opts *o,
		     struct lk_err *err)
{
	struct machine_cfg *cfg = &fm->cfg;
	struct machine *m = &fm->m;

	*cfg = (struct machine_cfg){ .mem_size = o->mem_size, .nr_cpus = 1,
				     .console_none = true, .ro_mode = o->ro_mode };
	sev_opts_init(&cfg->sev.o, SEV_DIRECT_OFF);
	if (o->snp) {
		cfg->sev.o.mode = SEV_MODE_SNP;
		cfg->fw_as_ram = true;
		m->sev_on = true;
		m->sev.mode = SEV_MODE_SNP;
		m->sev.ovmf.nr_sections = o->nr_sections;
		memcpy(m->sev.ovmf.sections, o->sections,
		       (size_t)o->nr_sections * sizeof(o->sections[0]));
	} else if (o->vars) {
		fm->vars_fd = fz_file("fuzz-vars", FZ_VARS_SIZE, fm->vars_path,
				      sizeof(fm->vars_path), err);
		if (fm->vars_fd < 0)
			return -1;
		cfg->vars = fm->vars_path;
	}
	if (!o->devices)
		return 0;
	fm->disk_fd = fz_file("fuzz-disk", FZ_DISK_SIZE, fm->disk_path, sizeof(fm->disk_path),
			      err);
	if (fm->disk_fd < 0)
		return -1;
	fm->disk = (struct virtio_blk_opts){ .path = fm->disk_path, .sync = true, .opt = "-d" };
	fm->console = (struct virtio_console_opts){ .out = fz_console_out,
						    .out_ctx = &m->serial, .in_fd = -1 };
	cfg->devices[cfg->nr_devices++] = (struct device_cfg){ &pci_testdev_type, NULL };
	cfg->devices[cfg->nr_devices++] = (struct device_cfg){ &virtio_rng_type, NULL };
	cfg->devices[cfg->nr_devices++] = (struct device_cfg){ &virtio_blk_type, &fm->disk };
	cfg->devices[cfg->nr_devices++] = (struct device_cfg){ &virtio_console_type,
							       &fm->console };
	return 0;
}

/* machine_build()'s order, without what needs a guest (vCPUs, a launch, signals). */
static int fz_build(struct machine *m, struct lk_err *err)
{
	uint64_t vars_size = 0;

	return fw_image_embedded(&m->fw, err) || machine_check_vars(m, &vars_size, err) ||
	       layout_compute(&m->layout, m->cfg->mem_size, m->fw.size, vars_size, err) ||
	       stop_init(&m->stop, err) || ioloop_init(&m->loop, &m->stop, err) ||
	       fake_kvm_host(&m->host, err) ||
	       vm_create(&m->vm, &m->host, m->sev_on ? LK_KVM_X86_SNP_VM : LK_KVM_X86_DEFAULT_VM,
			 err) ||
	       vm_create_irqchip(&m->vm, err) || irq_routes_init(&m->irq, &m->vm, err) ||
	       machine_memory(m, err) || machine_devices(m, err) ? -1 : 0;
}

struct machine *fz_machine_new(const struct fz_machine_opts *o, struct lk_err *err)
{
	struct fz_machine *fm = calloc(1, sizeof(*fm));
	struct machine *m;

	if (!fm) {
		err_sys(err, "allocating the machine");
		return NULL;
	}
	m = &fm->m;
	/* As machine_run(): nothing open yet. */
	m->cfg = &fm->cfg;
	m->vm.fd = m->host.fd = m->stop.efd = m->loop.epfd = -1;
	m->stdin_src.fd = m->stdin_retry.fd = m->timeout_src.fd = -1;
	m->debugcon.fd = m->serial_log_fd = -1;
	m->fw_ro.slot = m->vars_ro.slot = -1;
	m->gmem_ram = m->gmem_fw = m->gmem_vmsa = -1;
	m->sev.kvm.sev_fd = -1;
	fm->disk_fd = fm->vars_fd = -1;
	if (fz_config(fm, o, err) || fz_build(m, err)) {
		fz_machine_free(m);
		return NULL;
	}
	return m;
}

/* machine_teardown()'s order, for what fz_machine_new() made. */
void fz_machine_free(struct machine *m)
{
	struct fz_machine *fm = fz_of(m);
	struct lk_err ignored;

	if (m->flash_open)
		cfi_flash_close(&m->flash);
	if (m->vm.fd >= 0) {
		ro_region_unmap(&m->vm, &m->fw_ro, &ignored);
		ro_region_unmap(&m->vm, &m->vars_ro, &ignored);
	}
	if (m->vars_mem)
		munmap(m->vars_mem, m->layout.vars_size);
	machine_devices_destroy(m);
	irq_routes_destroy(&m->irq);
	vm_destroy(&m->vm);
	machine_memory_free(m);
	if (m->ram)
		munmap(m->ram, m->layout.mem_size);
	fw_image_close(&m->fw);
	kvm_host_close(&m->host);
	ioloop_destroy(&m->loop);
	stop_destroy(&m->stop);
	bus_destroy(&m->pio);
	bus_destroy(&m->mmio);
	if (fm->disk_fd >= 0)
		close(fm->disk_fd);
	if (fm->vars_fd >= 0)
		close(fm->vars_fd);
	free(fm);
}

int fz_machine_pump(struct machine *m)
{
	struct epoll_event ev[16];
	unsigned int i;
	int n, j;

	n = epoll_wait(m->loop.epfd, ev, 16, 0);
	for (j = 0; j < n && !stop_requested(&m->stop); j++) {
		struct ioloop_src *s = ev[j].data.ptr;

		s->fn(s->ctx);
	}
	for (i = 0; i < m->loop.nr_always && !stop_requested(&m->stop); i++)
		if (m->loop.always[i]->on)
			m->loop.always[i]->fn(m->loop.always[i]->ctx);
	return n > 0 ? n : 0;
}

bool fz_machine_mmio_exits(struct machine *m, uint64_t gpa, bool is_write)
{
	const struct memslot *s = memslot_find(&m->vm.slots, gpa);

	return !s || (is_write && (s->flags & KVM_MEM_READONLY));
}
