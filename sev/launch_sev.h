/* SPDX-License-Identifier: GPL-2.0-only */
/* The SEV and SEV-ES launch (sev/launch_sev.c), which sev_launch_run() calls. */
#ifndef LKVM_SEV_LAUNCH_SEV_H
#define LKVM_SEV_LAUNCH_SEV_H

#include "sev/launch.h"

/* LAUNCH_START to LAUNCH_FINISH of l->plan; prints the digest and LAUNCH_MEASURE's blob. */
int launch_sev(struct sev_launch *l, const struct sev_launch_mem *mem, struct lk_err *err);

#endif
