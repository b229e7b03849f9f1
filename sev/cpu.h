/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * vCPU models and their CPUID signatures. The signature (CPUID 1 EAX) is
 * in RDX of every vCPU's reset state, so it is part of every VMSA and of
 * every SEV-ES and SNP launch digest: a digest names the CPU model.
 */
#ifndef LKVM_SEV_CPU_H
#define LKVM_SEV_CPU_H

#include <stdbool.h>
#include <stdint.h>

/* The CPUID 1 EAX encoding of family, model and stepping (extended fields included). */
uint32_t cpu_signature(unsigned int family, unsigned int model, unsigned int stepping);

/* QEMU's model names (EPYC ... EPYC-Turin): false for an unknown name. */
bool cpu_model_sig(const char *model, uint32_t *sig);

/* "EPYC, EPYC-v1, ...": the known names, for messages and --help. */
const char *cpu_model_names(void);

#endif
