/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The launch digest of a launch described as `measure` takes it (a
 * firmware file, the shared SEV options, vCPUs, -k/-i/-p), as one call:
 * the same launch plan (sev/plan.h) hashed the same way (sev/digest.h), so
 * that `verify` expects exactly what `measure` prints and `run` launches.
 */
#ifndef LKVM_SEV_EXPECT_H
#define LKVM_SEV_EXPECT_H

#include "sev/digest.h"
#include "sev/options.h"
#include "util/err.h"

struct launch_spec {
	struct sev_opts sev;
	const char *firmware;
	unsigned int nr_cpus;
	const char *kernel, *initrd, *cmdline;	/* NULL when not given */
};

/* The rules `measure` applies to them: a mode, a firmware, no host to ask. */
int launch_spec_check(const struct launch_spec *s, struct lk_err *err);
/* The digest of the whole launch; status 2 and one line for bad input files. */
int launch_spec_digest(const struct launch_spec *s, struct launch_digest *d,
		       struct lk_err *err);

#endif
