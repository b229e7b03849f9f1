/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * One vCPU: its fd, its kvm_run page and the vCPU-fd ioctls (create, CPUID,
 * reset state, KVM_RUN, register reads for crash dumps).
 */
#ifndef LKVM_KVM_VCPU_H
#define LKVM_KVM_VCPU_H

#include <pthread.h>
#include <stdbool.h>
#include <linux/kvm.h>

#include "util/err.h"

struct vm;
struct run_ctx;

struct vcpu {
	struct vm *vm;
	const struct run_ctx *ctx;	/* the run loop's dispatch context */
	unsigned int id;		/* also the initial APIC ID */
	int fd;
	struct kvm_run *run;
	size_t run_size;
	pthread_t thread;
	bool started;
};

int vcpu_create(struct vcpu *vcpu, struct vm *vm, unsigned int id, struct lk_err *err);
void vcpu_destroy(struct vcpu *vcpu);

/* The host's supported CPUID with this vCPU's APIC ID filled in. */
int vcpu_set_cpuid(struct vcpu *vcpu, struct lk_err *err);

/* The architectural reset state: CS 0xf000 base 0xffff0000, IP 0xfff0. */
int vcpu_reset_state(struct vcpu *vcpu, struct lk_err *err);

/* One KVM_RUN; returns its result with errno as KVM left it. */
int vcpu_enter(struct vcpu *vcpu);

/* Appends a register dump to @err's detail lines (best effort). */
void vcpu_dump_regs(struct vcpu *vcpu, struct lk_err *err);

#endif
