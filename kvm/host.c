// SPDX-License-Identifier: GPL-2.0-only
/* Opening /dev/kvm and reading its system-wide capabilities. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "kvm/host.h"
#include "kvm/trace.h"
#include "kvm/uapi.h"

int kvm_host_check(const struct kvm_host *host, long cap)
{
	int r = kvm_ioctl(host->fd, KVM_CHECK_EXTENSION, cap);

	return r < 0 ? 0 : r;
}

int kvm_host_get_attr(const struct kvm_host *host, uint32_t group, uint64_t attr,
		      uint64_t *val)
{
	struct kvm_device_attr a = { .group = group, .attr = attr, .addr = (uintptr_t)val };

	return kvm_ioctl(host->fd, KVM_GET_DEVICE_ATTR, &a) ? -1 : 0;
}

static int kvm_host_probe(struct kvm_host *host, struct lk_err *err)
{
	int types;

	host->api_version = kvm_ioctl(host->fd, KVM_GET_API_VERSION, 0);
	if (host->api_version != KVM_API_VERSION)
		return err_set(err, LK_EXIT_HOST,
			       "%s: KVM API version %d, lkvm-sev needs %d",
			       KVM_DEVICE_PATH, host->api_version, KVM_API_VERSION);
	host->vcpu_mmap_size = kvm_ioctl(host->fd, KVM_GET_VCPU_MMAP_SIZE, 0);
	if (host->vcpu_mmap_size < (int)sizeof(struct kvm_run))
		return err_sys(err, "ioctl(%s, KVM_GET_VCPU_MMAP_SIZE)", KVM_DEVICE_PATH);

	host->max_vcpus = kvm_host_check(host, KVM_CAP_MAX_VCPUS);
	if (host->max_vcpus <= 0)
		host->max_vcpus = kvm_host_check(host, KVM_CAP_NR_VCPUS);
	if (host->max_vcpus <= 0)
		host->max_vcpus = 4;	/* the documented default when neither cap exists */

	types = kvm_host_check(host, KVM_CAP_VM_TYPES);
	host->vm_types = types > 0 ? (uint32_t)types : 1u << LK_KVM_X86_DEFAULT_VM;
	host->user_memory2 = kvm_host_check(host, KVM_CAP_USER_MEMORY2) > 0;
	host->memory_fault_info = kvm_host_check(host, KVM_CAP_MEMORY_FAULT_INFO) > 0;
	host->guest_memfd = kvm_host_check(host, KVM_CAP_GUEST_MEMFD) > 0;
	host->irqchip = kvm_host_check(host, KVM_CAP_IRQCHIP) > 0;
	host->set_tss_addr = kvm_host_check(host, KVM_CAP_SET_TSS_ADDR) > 0;
	return 0;
}

/* @gid's name from /etc/group (the binary is static: no NSS), or NULL. */
static const char *kvm_group_name(gid_t gid, char *buf, size_t size)
{
	FILE *f = fopen("/etc/group", "re");
	const char *name = NULL;

	while (f && !name && fgets(buf, (int)size, f)) {
		char *c1 = strchr(buf, ':'), *c2 = c1 ? strchr(c1 + 1, ':') : NULL;

		if (c2 && strtoul(c2 + 1, NULL, 10) == gid) {
			*c1 = '\0';
			name = buf;
		}
	}
	if (f)
		fclose(f);
	return name;
}

/* EACCES on /dev/kvm: who may open it, and how to become one. */
static int kvm_host_access_denied(struct lk_err *err)
{
	char buf[256];
	const char *group;
	struct stat st;

	if (stat(KVM_DEVICE_PATH, &st))
		return err_sys(err, "cannot open %s", KVM_DEVICE_PATH);
	group = kvm_group_name(st.st_gid, buf, sizeof(buf));
	if ((st.st_mode & 060) == 060 && group)
		return err_set(err, LK_EXIT_HOST, "cannot open %s: permission denied: join its "
			       "group, %s (usermod -aG %s $USER, then log in again)",
			       KVM_DEVICE_PATH, group, group);
	return err_set(err, LK_EXIT_HOST, "cannot open %s: permission denied: mode %04o, so "
		       "only its owner (uid %u) may open it; run as that user, or give the "
		       "device a group (Debian's udev rules make it kvm, mode 0660)",
		       KVM_DEVICE_PATH, (unsigned int)(st.st_mode & 07777), (unsigned int)st.st_uid);
}

int kvm_host_open(struct kvm_host *host, struct lk_err *err)
{
	*host = (struct kvm_host){ .fd = -1 };
	host->fd = open(KVM_DEVICE_PATH, O_RDWR | O_CLOEXEC);
	if (host->fd < 0) {
		if (errno == ENOENT)
			return err_set(err, LK_EXIT_HOST,
				       "%s does not exist: this host has no KVM "
				       "(load kvm_amd or kvm_intel)", KVM_DEVICE_PATH);
		if (errno == EACCES)
			return kvm_host_access_denied(err);
		return err_sys(err, "cannot open %s", KVM_DEVICE_PATH);
	}
	if (kvm_host_probe(host, err)) {
		kvm_host_close(host);
		return -1;
	}
	return 0;
}

void kvm_host_close(struct kvm_host *host)
{
	if (host->fd >= 0)
		close(host->fd);
	host->fd = -1;
}
