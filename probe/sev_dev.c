// SPDX-License-Identifier: GPL-2.0-only
/* Opening /dev/sev and the platform-status commands (SEV_ISSUE_CMD). */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>
#include <linux/psp-sev.h>

#include "kvm/trace.h"
#include "kvm/uapi.h"
#include "probe/sev_dev.h"

/* SEV_ISSUE_CMD: 0, or the errno with the firmware's status in @q. */
static int sev_dev_cmd(int fd, uint32_t cmd, void *data, struct sev_status_query *q)
{
	struct sev_issue_cmd c = { .cmd = cmd, .data = (uintptr_t)data };

	if (kvm_ioctl(fd, SEV_ISSUE_CMD, &c) == 0) {
		q->ok = true;
		return 0;
	}
	q->err = errno;
	q->fw_error = c.error;
	return -1;
}

static void sev_status_set(struct sev_status_query *q, uint8_t major, uint8_t minor,
			   uint8_t state, uint32_t build, uint32_t guests)
{
	q->api_major = major;
	q->api_minor = minor;
	q->state = state;
	q->build = build;
	q->guest_count = guests;
}

/* Opens /dev/sev for the status commands, which need no write access. */
static int sev_dev_open_status(struct sev_dev_info *info)
{
	int fd = open(SEV_DEVICE_PATH, O_RDWR | O_CLOEXEC);

	if (fd < 0 && (errno == EACCES || errno == EPERM)) {
		fd = open(SEV_DEVICE_PATH, O_RDONLY | O_CLOEXEC);
		info->read_only = fd >= 0;
	}
	if (fd < 0) {
		info->present = errno != ENOENT;
		info->open_err = errno;
	}
	return fd;
}

void sev_dev_probe(struct sev_dev_info *info)
{
	struct lk_sev_user_data_snp_status snp = { 0 };
	struct sev_user_data_status sev = { 0 };
	int fd;

	*info = (struct sev_dev_info){ .present = true };
	fd = sev_dev_open_status(info);
	if (fd < 0)
		return;
	if (!sev_dev_cmd(fd, SEV_PLATFORM_STATUS, &sev, &info->sev)) {
		sev_status_set(&info->sev, sev.api_major, sev.api_minor, sev.state, sev.build,
			       sev.guest_count);
		info->sev_flags = sev.flags;
	}
	if (!sev_dev_cmd(fd, LK_SNP_PLATFORM_STATUS, &snp, &info->snp)) {
		sev_status_set(&info->snp, snp.api_major, snp.api_minor, snp.state, snp.build_id,
			       snp.guest_count);
		info->snp_rmp_initialized = snp.is_rmp_initialized & 1;
		info->snp_tcb_version = snp.current_tcb_version;
	}
	close(fd);
}

const char *sev_platform_state_name(uint8_t state, bool snp)
{
	static const char *const names[] = { "UNINIT", "INIT", "WORKING" };

	return state < (snp ? 2 : 3) ? names[state] : NULL;
}
