/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The helpers of sev/launch_common.c, which the SEV and SNP launches
 * (sev/launch_sev.c, sev/launch_snp.c) share; neither launch calls the other,
 * nor back into sev/launch.c.
 */
#ifndef LKVM_SEV_LAUNCH_COMMON_H
#define LKVM_SEV_LAUNCH_COMMON_H

#include <stddef.h>

#include "sev/launch.h"

/* An input file from the guest owner, wiped before it is unmapped. */
struct owner_file {
	void *data;
	size_t size;
};

int launch_owner_map(const char *opt, const char *path, struct owner_file *f,
		     struct lk_err *err);
void launch_owner_unmap(struct owner_file *f);

/* (Re)builds l->plan: @direct may differ from l->direct after a refused direct VMSA. */
int launch_plan(struct sev_launch *l, unsigned int nr_cpus, bool direct,
		const struct sev_kernel_hashes *hashes, struct lk_err *err);
/* The expected digest of l->plan, on stderr. */
void launch_print(struct sev_launch *l);
/* One call's worth from step @i on: returns the next step, @len the bytes. */
int launch_coalesce(const struct plan *p, int i, const struct sev_launch_mem *mem,
		    uint64_t *len);

#endif
