/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * One vCPU: its fd, its kvm_run page and the vCPU-fd ioctls (create, CPUID,
 * reset state, KVM_RUN, single-step, register reads for crash dumps).
 */
#ifndef LKVM_KVM_VCPU_H
#define LKVM_KVM_VCPU_H

#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>
#include <time.h>
#include <linux/kvm.h>

#include "util/err.h"

struct vm;
struct run_ctx;

/* Exits by KVM exit reason (the last slot: any larger reason). */
#define VCPU_EXIT_REASONS 64

/* Written only by the vCPU's own thread; read after it is joined. */
struct vcpu_stats {
	uint64_t exits[VCPU_EXIT_REASONS];
	uint64_t total;
	struct timespec first_exit;	/* CLOCK_MONOTONIC, once total > 0 */
};

struct vcpu {
	struct vm *vm;
	const struct run_ctx *ctx;	/* the run loop's dispatch context */
	unsigned int id;		/* also the initial APIC ID */
	int fd;
	struct kvm_run *run;
	size_t run_size;
	pthread_t thread;
	bool started;
	bool emulation_failed;		/* it stopped where KVM could not emulate (internal error 1) */
	struct vcpu_stats stats;
};

int vcpu_create(struct vcpu *vcpu, struct vm *vm, unsigned int id, struct lk_err *err);
void vcpu_destroy(struct vcpu *vcpu);

/*
 * KVM_GET_SUPPORTED_CPUID, fetched once into @vm->cpuid: what every vCPU
 * gets; a caller may adjust it (the SEV vCPU model) before vCPUs exist.
 */
struct kvm_cpuid2 *vm_supported_cpuid(struct vm *vm, struct lk_err *err);

/* The VM's CPUID table with this vCPU's APIC ID filled in. */
int vcpu_set_cpuid(struct vcpu *vcpu, struct lk_err *err);

/* The architectural reset state: CS 0xf000 base 0xffff0000, IP 0xfff0. */
int vcpu_reset_state(struct vcpu *vcpu, struct lk_err *err);

/*
 * QEMU's x86 reset state, which KVM turns into an SEV-ES or SNP VMSA
 * (SEV-KVM-API.md §4.2, §5.3): @reset_addr 0 for the BSP's architectural
 * reset, else the SEV-ES AP reset address; RDX the CPUID signature; FCW and
 * MXCSR only where KVM copies the FPU (INIT2 VM types).
 */
int vcpu_sev_reset_state(struct vcpu *vcpu, uint32_t reset_addr, uint32_t cpu_sig,
			 bool fpu, struct lk_err *err);

/* One KVM_RUN; returns its result with errno as KVM left it. */
int vcpu_enter(struct vcpu *vcpu);

/* KVM_SET_GUEST_DEBUG: KVM_RUN returns after each guest instruction while on. */
int vcpu_single_step(struct vcpu *vcpu, bool on, struct lk_err *err);
/* KVM_GET_REGS: 0, or -1 with errno. */
int vcpu_get_regs(struct vcpu *vcpu, struct kvm_regs *regs);
/* Appends a register dump to @err's detail lines (best effort). */
void vcpu_dump_regs(struct vcpu *vcpu, struct lk_err *err);

#endif
