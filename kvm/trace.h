/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * --trace: every KVM ioctl (the kernel's name, argument in brief with the
 * kernel's names for capabilities, VM types and commands, result, errno) and
 * every exit (reason, port or address, size, data), one timestamped line
 * each. kvm/ makes its ioctls through kvm_ioctl(); with tracing off that is
 * ioctl() and one NULL check. Lines go through stdio, whose per-call lock
 * keeps the vCPU threads' lines whole: a cost paid only while tracing.
 */
#ifndef LKVM_KVM_TRACE_H
#define LKVM_KVM_TRACE_H

#include <stdint.h>
#include <stdio.h>
#include <sys/ioctl.h>

#include "util/err.h"

struct kvm_run;

/* NULL: tracing off. Set once before the first ioctl, cleared after the last. */
extern FILE *kvm_trace_fp;

int kvm_trace_open(const char *path, struct lk_err *err);
void kvm_trace_close(void);

void kvm_trace_ioctl(int fd, const char *name, unsigned long req, uintptr_t arg, int r);
void kvm_trace_exit(unsigned int vcpu, const struct kvm_run *run);

static inline int kvm_traced_ioctl(int fd, unsigned long req, const char *name, uintptr_t arg)
{
	int r = ioctl(fd, req, arg);

	if (__builtin_expect(kvm_trace_fp != NULL, 0))
		kvm_trace_ioctl(fd, name, req, arg, r);	/* keeps errno */
	return r;
}

#define kvm_ioctl(fd, req, arg) kvm_traced_ioctl((fd), (req), #req, (uintptr_t)(arg))

/*
 * A line of what happened off the exit path (a device's doorbell served by
 * the I/O loop); callers check kvm_trace_fp first, so it costs nothing
 * while tracing is off.
 */
void kvm_trace_note(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* "io", "mmio", ...; "reason_N" for one without a name here. */
const char *kvm_exit_name(unsigned int reason);

#endif
