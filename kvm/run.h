/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The vCPU run loop: one thread per vCPU enters KVM_RUN and dispatches each
 * exit through the callbacks the machine gives it. Stopping is by stop request, then a kick
 * (immediate_exit plus a signal) that gets every thread out of KVM_RUN.
 */
#ifndef LKVM_KVM_RUN_H
#define LKVM_KVM_RUN_H

#include "kvm/vcpu.h"
#include "util/stop.h"

/*
 * A port-I/O or MMIO access for the machine to dispatch. @data holds @len
 * bytes, little-endian; a read fills them.
 */
typedef void (*run_io_fn)(void *io_ctx, uint64_t addr, uint8_t *data, uint32_t len,
			  bool is_write);

/* What the exit handlers need; shared read-only by all vCPU threads. */
struct run_ctx {
	run_io_fn pio;		/* KVM_EXIT_IO, once per element of a string op */
	run_io_fn mmio;		/* KVM_EXIT_MMIO */
	void *io_ctx;
	struct stop *stop;
	bool dump_regs;		/* guest state readable for crash dumps */
	/*
	 * SNP: converts guest RAM [gpa, gpa + size) to private or shared
	 * (SEV-KVM-API.md §3.3, §3.4); -1 where that is not legitimate (not RAM).
	 * NULL for other VMs.
	 */
	int (*convert)(void *conv_ctx, uint64_t gpa, uint64_t size, bool to_private);
	void *conv_ctx;
	/*
	 * SNP with certificates: answers KVM_EXIT_SNP_REQ_CERTS for the guest's
	 * buffer of *@npages pages at @gpa with snp_req_certs.ret's value (0,
	 * or ENOSPC with *@npages set to the pages needed, or EIO). Allocates
	 * nothing, takes no lock. NULL where the VM did not enable the exit.
	 */
	uint64_t (*req_certs)(void *certs_ctx, uint64_t gpa, uint64_t *npages);
	void *certs_ctx;
};

/* Installs the kick signal's handler; call once before starting vCPUs. */
int run_init_signals(struct lk_err *err);

int vcpu_start(struct vcpu *vcpu, const struct run_ctx *ctx, struct lk_err *err);
/* Kicks and joins every started vCPU; the stop must already be requested. */
void vcpus_stop(struct vcpu *vcpus, unsigned int n);

#endif
