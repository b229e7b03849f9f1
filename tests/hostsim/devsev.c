// SPDX-License-Identifier: GPL-2.0-only
/*
 * /dev/sev of the simulated host: SEV_ISSUE_CMD with the platform-status
 * queries (SEV_PLATFORM_STATUS, SNP_PLATFORM_STATUS) answering the values
 * configured in HOSTSIM_PLATFORM_STATUS; the guest count follows the
 * launches under way. Other platform commands are not modelled (EINVAL).
 */
#include <errno.h>
#include <string.h>

#include "tests/hostsim/hostsim.h"

static unsigned int guests;

void hs_sev_guest_count_add(int delta)
{
	guests = (unsigned int)((int)guests + delta);
}

static long platform_status(const struct sev_issue_cmd *c)
{
	struct sev_user_data_status s = {
		.api_major = hs_cfg.api_major, .api_minor = hs_cfg.api_minor,
		.state = hs_cfg.sev_state, .flags = hs_cfg.sev_flags, .build = hs_cfg.build,
		.guest_count = guests,
	};

	return hs_copy_to_user(c->data, &s, sizeof(s));
}

static long snp_platform_status(const struct sev_issue_cmd *c)
{
	struct hs_snp_platform_status s = {
		.api_major = hs_cfg.api_major, .api_minor = hs_cfg.api_minor,
		.state = hs_cfg.snp_state, .flags = 1, .build_id = hs_cfg.build,
		.guest_count = guests, .current_tcb_version = hs_cfg.tcb_version,
		.reported_tcb_version = hs_cfg.tcb_version,
	};

	if (!c->data)
		return -EINVAL;
	return hs_copy_to_user(c->data, &s, sizeof(s));
}

long hs_devsev_ioctl(int fd, unsigned long req, unsigned long arg)
{
	struct sev_issue_cmd c = { 0 };
	const char *name = "SEV_ISSUE_CMD";
	struct hs_json j;
	char obj[16] = "sev";
	long r;

	(void)fd;
	if (req != SEV_ISSUE_CMD) {
		r = -EINVAL;
	} else if (hs_copy_from_user(&c, arg, sizeof(c))) {
		r = -EFAULT;
	} else if (c.cmd == SEV_PLATFORM_STATUS) {
		name = "SEV_PLATFORM_STATUS";
		r = platform_status(&c);
	} else if (c.cmd == HS_SNP_PLATFORM_STATUS) {
		name = "SNP_PLATFORM_STATUS";
		r = snp_platform_status(&c);
	} else {
		r = -EINVAL;
	}
	if (!r) {
		c.error = 0;
		if (hs_copy_to_user(arg, &c, sizeof(c)))
			r = -EFAULT;
	}
	hs_json_begin(&j, obj, "ioctl", name);
	hs_json_int(&j, "cmd", c.cmd);
	hs_json_result(&j, r < 0 ? -1 : 0, (int)-r, 0,
		       r == -EINVAL ? "platform command not modelled by hostsim" : NULL);
	hs_json_emit(&j);
	return r;
}
