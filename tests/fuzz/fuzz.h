/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * What the libFuzzer targets (tests/fuzz/fuzz_*.c) share: an input read as
 * a stream of fields, a fake /dev/kvm (kvm_fake.c) that answers the ioctls
 * of kvm/ without a kernel, and the machine built on it the way `run`
 * builds it, without a guest or vCPUs (machine.c). The targets run the
 * project's own objects; only the kernel below them is made up.
 */
#ifndef LKVM_TESTS_FUZZ_H
#define LKVM_TESTS_FUZZ_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <linux/kvm.h>

#include "kvm/host.h"
#include "machine/machine_priv.h"
#include "sev/plan.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* ---- the input: fields taken from the front; past its end, zeros ---- */

struct fz_in {
	const uint8_t *p;
	size_t n;
};

/* @bytes (1-8) bytes, little-endian. */
static inline uint64_t fz_get(struct fz_in *in, unsigned int bytes)
{
	uint64_t v = 0;
	unsigned int i;

	for (i = 0; i < bytes && in->n; i++, in->p++, in->n--)
		v |= (uint64_t)in->p[0] << (8 * i);
	return v;
}

/* Up to @max bytes (how many: the next byte, modulo @max + 1); *@len says how many. */
static inline const uint8_t *fz_bytes(struct fz_in *in, size_t max, size_t *len)
{
	const uint8_t *p;
	size_t n = (size_t)fz_get(in, 1) % (max + 1);

	if (n > in->n)
		n = in->n;
	p = in->p;
	in->p += n;
	in->n -= n;
	*len = n;
	return p;
}

/* ---- the fake /dev/kvm (kvm_fake.c) ---- */

/*
 * The host as kvm_host_open() would describe an SNP-capable AMD one, its
 * fd a fake /dev/kvm (kvm_host_close() closes it).
 */
int fake_kvm_host(struct kvm_host *host, struct lk_err *err);
/*
 * KVM_RUN on a fake vCPU: fills @run with the next exit and returns 0, or
 * returns -1 with errno (EFAULT with KVM_EXIT_MEMORY_FAULT, EINTR, ...).
 * NULL: KVM_RUN fails with EIO.
 */
extern int (*fake_kvm_run)(struct kvm_run *run, unsigned int vcpu_id);

/* ---- a machine on the fake KVM (machine.c) ---- */

#define FZ_RAM_SIZE	(2 * SZ_1M)
#define FZ_DISK_SIZE	(16 * 512)
#define FZ_VARS_SIZE	(2 * SZ_4K)

struct fz_machine_opts {
	uint64_t mem_size;	/* FZ_RAM_SIZE, or more than 3 GiB for RAM above 4 GiB */
	bool snp;		/* guest_memfd RAM, private until the guest shares it */
	/* SNP: the launch's metadata sections (CPUID and secrets pages may not be shared). */
	struct ovmf_section sections[4];
	int nr_sections;
	bool vars;		/* a CFI flash variable store (not with SNP) */
	enum ro_mode ro_mode;	/* the firmware's and the store's protection (not SNP) */
	bool devices;		/* pci-testdev, virtio-rng, -blk (aio=sync) and -console */
};

/*
 * The machine `run` would build, on the fake KVM: the embedded default
 * firmware, RAM, the platform devices and, with @o->devices, the user's;
 * buses frozen. Files (the disk, the variable store) are memfds. NULL with
 * @err on failure.
 */
struct machine *fz_machine_new(const struct fz_machine_opts *o, struct lk_err *err);
void fz_machine_free(struct machine *m);
/*
 * One pass of the I/O loop without waiting: the handlers of what is ready
 * (doorbells, completions), as ioloop_run() calls them. Returns how many.
 */
int fz_machine_pump(struct machine *m);
/*
 * Whether KVM would exit to the VMM for a guest access at @gpa: no memory
 * slot there, or a write to a read-only one (the firmware, the variable
 * store in read-array mode). Other accesses reach memory, not a device.
 */
bool fz_machine_mmio_exits(struct machine *m, uint64_t gpa, bool is_write);

#endif
