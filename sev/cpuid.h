/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The CPUID an SEV guest sees: the vCPU model's signature in leaf 1 (it is
 * RDX of every VMSA, so the two must agree), for SNP the feature bits QEMU
 * masks (SEV-KVM-API.md §7.2), and the SNP CPUID page built from it (§7.1).
 */
#ifndef LKVM_SEV_CPUID_H
#define LKVM_SEV_CPUID_H

#include <stdbool.h>
#include <stdint.h>

#include "util/err.h"

struct kvm_cpuid2;

#define SNP_CPUID_COUNT_MAX	64

/* Leaf 1 EAX of @c; 0 when the leaf is absent. */
uint32_t sev_cpuid_signature(const struct kvm_cpuid2 *c);
/* Sets leaf 1 EAX to @sig; for SNP clears what the firmware would refuse (§7.2). */
void sev_cpuid_adjust(struct kvm_cpuid2 *c, uint32_t sig, bool snp);
/* The CPUID page for vCPU 0 (APIC ID 0) into @page (4 KiB, zeroed here). */
int sev_cpuid_page(const struct kvm_cpuid2 *c, uint8_t *page, struct lk_err *err);
/* Names, in @out, the leaves where @want (the firmware's corrections) differs from @given. */
void sev_cpuid_diff(const uint8_t *given, const uint8_t *want, char *out, size_t size);

#endif
