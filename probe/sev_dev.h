/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * /dev/sev, the AMD secure processor's device (SEV-KVM-API.md §2.1), as
 * `caps` probes it: whether it exists and opens, and its platform status
 * (SEV_ISSUE_CMD). Every /dev/sev ioctl lives here; a launch only opens the
 * device and passes the fd to KVM (kvm/sev.c).
 */
#ifndef LKVM_PROBE_SEV_DEV_H
#define LKVM_PROBE_SEV_DEV_H

#include <stdbool.h>
#include <stdint.h>

#include "kvm/sev.h"	/* SEV_DEVICE_PATH */

/* One platform-status query: what the firmware said, or why it did not. */
struct sev_status_query {
	bool ok;
	int err;			/* errno of SEV_ISSUE_CMD when !ok */
	uint32_t fw_error;		/* the firmware's status code when !ok */
	uint8_t api_major, api_minor, state;
	uint32_t build;
	uint32_t guest_count;
};

struct sev_dev_info {
	bool present;			/* the device node exists */
	int open_err;			/* errno of open(); 0: opened */
	bool read_only;			/* opened O_RDONLY (not writable for this user) */
	struct sev_status_query sev;	/* SEV_PLATFORM_STATUS */
	uint32_t sev_flags;		/* its config flags (bit 8: SEV-ES) */
	struct sev_status_query snp;	/* SNP_PLATFORM_STATUS */
	bool snp_rmp_initialized;
	uint64_t snp_tcb_version;	/* current TCB */
};

/* Whether /dev/sev exists and opens, and both platform statuses where it does. */
void sev_dev_probe(struct sev_dev_info *info);

/* "UNINIT", "INIT", "WORKING" (SNP: the first two); NULL for others. */
const char *sev_platform_state_name(uint8_t state, bool snp);

#endif
