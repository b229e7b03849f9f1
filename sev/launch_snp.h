/* SPDX-License-Identifier: GPL-2.0-only */
/* The SNP launch (sev/launch_snp.c), which sev_launch_run() calls. */
#ifndef LKVM_SEV_LAUNCH_SNP_H
#define LKVM_SEV_LAUNCH_SNP_H

#include "sev/launch.h"

/*
 * SNP_LAUNCH_START to SNP_LAUNCH_FINISH of l->plan, which is rebuilt for the
 * classic VMSAs when auto mode's direct VMSA is refused; prints the digest.
 */
int launch_snp(struct sev_launch *l, struct vm *vm, const struct sev_launch_mem *mem,
	       unsigned int nr_cpus, const struct sev_kernel_hashes *hashes, struct lk_err *err);

#endif
