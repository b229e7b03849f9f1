/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Where a guest wrote to memory protected by the mprotect fallback, when
 * KVM does not say. KVM_RUN fails with EFAULT on such a write; kernels fill
 * KVM_EXIT_MEMORY_FAULT only for some faults, and Linux 6.12 leaves this one
 * without an address (seen in the nested test bed, tests/nested).
 */
#ifndef LKVM_KVM_RO_FAULT_H
#define LKVM_KVM_RO_FAULT_H

#include <stdbool.h>
#include <stdint.h>

struct vcpu;
struct ro_region;

/*
 * Lets @vcpu, stopped on the faulting write, execute it once on writable
 * pages under single-step, finds the bytes it changed by comparison with a
 * copy, then restores them and the protection. Only for guests whose state
 * KVM lets a debugger control (not SEV-ES or SNP; for SEV the pages hold
 * ciphertext, so the GPA is that of the first 16-byte block the write
 * changed), and only on the way to stopping the VM: it allocates a copy of
 * each protected region. Returns false where the write was not located.
 */
bool ro_fault_locate(struct vcpu *vcpu, uint64_t *gpa, const struct ro_region **where);

#endif
