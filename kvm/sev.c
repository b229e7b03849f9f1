// SPDX-License-Identifier: GPL-2.0-only
/*
 * KVM_MEMORY_ENCRYPT_OP commands (SEV-KVM-API.md §2) and the encrypted
 * regions (§3.1), one function per command. KVM copies cmd.error back after
 * every known command (§2.1), so each failure can name the firmware's code.
 */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "kvm/sev.h"
#include "kvm/trace.h"
#include "kvm/uapi.h"

/* Consecutive EAGAINs of one SNP_LAUNCH_UPDATE before it counts as a failure. */
#define SNP_UPDATE_EAGAIN_MAX	1000

const char *sev_fw_error_name(uint32_t code)
{
	static const char *const names[] = {
		"SUCCESS", "INVALID_PLATFORM_STATE", "INVALID_GUEST_STATE", "INVALID_CONFIG",
		"INVALID_LEN", "ALREADY_OWNED", "INVALID_CERTIFICATE", "POLICY_FAILURE",
		"INACTIVE", "INVALID_ADDRESS", "BAD_SIGNATURE", "BAD_MEASUREMENT",
		"ASID_OWNED", "INVALID_ASID", "WBINVD_REQUIRED", "DFFLUSH_REQUIRED",
		"INVALID_GUEST", "INVALID_COMMAND", "ACTIVE", "HWSEV_RET_PLATFORM",
		"HWSEV_RET_UNSAFE", "UNSUPPORTED", "INVALID_PARAM", "RESOURCE_LIMIT",
		"SECURE_DATA_INVALID", "INVALID_PAGE_SIZE", "INVALID_PAGE_STATE",
		"INVALID_MDATA_ENTRY", "INVALID_PAGE_OWNER", "AEAD_OFLOW",
	};

	return code < sizeof(names) / sizeof(names[0]) ? names[code] : NULL;
}

int kvm_sev_open(struct kvm_sev *s, int vm_fd, struct lk_err *err)
{
	*s = (struct kvm_sev){ .vm_fd = vm_fd };
	/* O_RDWR: LAUNCH_START and SNP_LAUNCH_START check the file's mode (§2.1). */
	s->sev_fd = open(SEV_DEVICE_PATH, O_RDWR | O_CLOEXEC);
	if (s->sev_fd < 0)
		return err_sys(err, "open %s", SEV_DEVICE_PATH);
	return 0;
}

void kvm_sev_close(struct kvm_sev *s)
{
	if (s->sev_fd >= 0)
		close(s->sev_fd);
	s->sev_fd = -1;
}

int kvm_sev_enabled_errno(int vm_fd)
{
	return kvm_ioctl(vm_fd, KVM_MEMORY_ENCRYPT_OP, NULL) ? errno : 0;
}

/* One command; a failure gives status 125 with the call, errno and firmware code. */
static int sev_op(struct kvm_sev *s, uint32_t id, void *data, const char *name,
		  struct lk_err *err)
{
	struct kvm_sev_cmd cmd = { .id = id, .data = (uintptr_t)data,
				   .sev_fd = (uint32_t)s->sev_fd };
	const char *fw;
	int r;

	do {
		r = kvm_ioctl(s->vm_fd, KVM_MEMORY_ENCRYPT_OP, &cmd);
	} while (r < 0 && errno == EINTR);
	if (!r)
		return 0;
	s->last_errno = errno;
	s->last_fw_error = cmd.error;
	if (!cmd.error)
		return err_set(err, LK_EXIT_HOST, "%s failed: %s (%s)", name,
			       strerrorname_np(errno) ? strerrorname_np(errno) : "?",
			       strerror(errno));
	fw = sev_fw_error_name(cmd.error);
	return err_set(err, LK_EXIT_HOST, "%s failed: %s (%s), firmware error 0x%x (%s)",
		       name, strerrorname_np(errno) ? strerrorname_np(errno) : "?",
		       strerror(errno), cmd.error, fw ? fw : "unknown");
}

int kvm_sev_init2(struct kvm_sev *s, uint64_t vmsa_features, struct lk_err *err)
{
	/* ghcb_version 0: KVM's default, 2 for SEV-ES and SNP, 0 for SEV (§2.3). */
	struct lk_kvm_sev_init init = { .vmsa_features = vmsa_features };

	return sev_op(s, LK_KVM_SEV_INIT2, &init, "KVM_SEV_INIT2", err);
}

int kvm_sev_init_legacy(struct kvm_sev *s, bool es, struct lk_err *err)
{
	return sev_op(s, es ? KVM_SEV_ES_INIT : KVM_SEV_INIT, NULL,
		      es ? "KVM_SEV_ES_INIT" : "KVM_SEV_INIT", err);
}

int kvm_sev_reg_region(struct kvm_sev *s, const char *what, void *hva, uint64_t size,
		       struct lk_err *err)
{
	struct kvm_enc_region r = { .addr = (uintptr_t)hva, .size = size };

	if (!kvm_ioctl(s->vm_fd, KVM_MEMORY_ENCRYPT_REG_REGION, &r)) {
		s->registered += size;
		return 0;
	}
	s->last_errno = errno;
	/* The limit counts every region of the VM: the hint is the total so far. */
	if (errno == ENOMEM)
		return err_set(err, LK_EXIT_HOST, "KVM_MEMORY_ENCRYPT_REG_REGION (%s, %llu KiB) "
			       "failed: ENOMEM: KVM pins it against the locked-memory limit "
			       "(RLIMIT_MEMLOCK, ulimit -l), which must allow at least %llu KiB "
			       "for the guest, plus the firmware again while launch updates pin "
			       "it (or run with CAP_IPC_LOCK)", what,
			       (unsigned long long)(size >> 10),
			       (unsigned long long)((s->registered + size) >> 10));
	return err_sys(err, "KVM_MEMORY_ENCRYPT_REG_REGION (%s, %llu KiB)", what,
		       (unsigned long long)(size >> 10));
}

int kvm_sev_launch_start(struct kvm_sev *s, uint32_t policy, const void *dh, uint32_t dh_len,
			 const void *session, uint32_t session_len, struct lk_err *err)
{
	struct kvm_sev_launch_start st = {
		.policy = policy, .dh_uaddr = (uintptr_t)dh, .dh_len = dh_len,
		.session_uaddr = (uintptr_t)session, .session_len = session_len,
	};

	return sev_op(s, KVM_SEV_LAUNCH_START, &st, "KVM_SEV_LAUNCH_START", err);
}

int kvm_sev_launch_update_data(struct kvm_sev *s, void *hva, uint32_t len, struct lk_err *err)
{
	struct kvm_sev_launch_update_data u = { .uaddr = (uintptr_t)hva, .len = len };

	return sev_op(s, KVM_SEV_LAUNCH_UPDATE_DATA, &u, "KVM_SEV_LAUNCH_UPDATE_DATA", err);
}

int kvm_sev_launch_update_vmsa(struct kvm_sev *s, struct lk_err *err)
{
	return sev_op(s, KVM_SEV_LAUNCH_UPDATE_VMSA, NULL, "KVM_SEV_LAUNCH_UPDATE_VMSA", err);
}

int kvm_sev_launch_measure(struct kvm_sev *s, uint8_t *buf, uint32_t *len, struct lk_err *err)
{
	struct kvm_sev_launch_measure m = { 0 };
	struct lk_err ignored;

	/* The length query fails with INVALID_LEN and writes the length back (§2.3). */
	sev_op(s, KVM_SEV_LAUNCH_MEASURE, &m, "KVM_SEV_LAUNCH_MEASURE", &ignored);
	if (!m.len || m.len > *len)
		return err_set(err, LK_EXIT_HOST, "KVM_SEV_LAUNCH_MEASURE: a blob of %u bytes "
			       "(at most %u expected)", m.len, *len);
	m.uaddr = (uintptr_t)buf;
	if (sev_op(s, KVM_SEV_LAUNCH_MEASURE, &m, "KVM_SEV_LAUNCH_MEASURE", err))
		return -1;
	*len = m.len;
	return 0;
}

int kvm_sev_launch_secret(struct kvm_sev *s, const void *hdr, uint32_t hdr_len, void *guest,
			  const void *trans, uint32_t trans_len, struct lk_err *err)
{
	struct kvm_sev_launch_secret l = {
		.hdr_uaddr = (uintptr_t)hdr, .hdr_len = hdr_len,
		.guest_uaddr = (uintptr_t)guest, .guest_len = trans_len,
		.trans_uaddr = (uintptr_t)trans, .trans_len = trans_len,
	};

	return sev_op(s, KVM_SEV_LAUNCH_SECRET, &l, "KVM_SEV_LAUNCH_SECRET", err);
}

int kvm_sev_launch_finish(struct kvm_sev *s, struct lk_err *err)
{
	return sev_op(s, KVM_SEV_LAUNCH_FINISH, NULL, "KVM_SEV_LAUNCH_FINISH", err);
}

int kvm_snp_launch_start(struct kvm_sev *s, uint64_t policy, struct lk_err *err)
{
	struct lk_kvm_sev_snp_launch_start st = { .policy = policy };

	return sev_op(s, LK_KVM_SEV_SNP_LAUNCH_START, &st, "KVM_SEV_SNP_LAUNCH_START", err);
}

int kvm_snp_launch_update(struct kvm_sev *s, uint64_t gpa, const void *src, uint64_t len,
			  uint8_t type, struct lk_err *err)
{
	struct lk_kvm_sev_snp_launch_update u = {
		.gfn_start = gpa >> 12, .uaddr = (uintptr_t)src, .len = len, .type = type,
	};

	unsigned int again = 0;

	/*
	 * KVM may stop early (end of a slot) and writes back gfn_start, uaddr
	 * and len for the rest; EAGAIN did nothing: repeat it, as QEMU does (§2.3).
	 */
	do {
		if (!sev_op(s, LK_KVM_SEV_SNP_LAUNCH_UPDATE, &u, "KVM_SEV_SNP_LAUNCH_UPDATE", err))
			again = 0;
		else if (s->last_errno != EAGAIN || ++again > SNP_UPDATE_EAGAIN_MAX)
			return -1;
	} while (u.len);
	return 0;
}

int kvm_snp_launch_finish(struct kvm_sev *s, const void *id_block, const void *id_auth,
			  bool auth_key_en, const uint8_t *host_data, struct lk_err *err)
{
	struct lk_kvm_sev_snp_launch_finish f = {
		.id_block_uaddr = (uintptr_t)id_block, .id_auth_uaddr = (uintptr_t)id_auth,
		.id_block_en = id_block != NULL, .auth_key_en = id_auth && auth_key_en,
	};

	if (host_data)
		memcpy(f.host_data, host_data, sizeof(f.host_data));
	return sev_op(s, LK_KVM_SEV_SNP_LAUNCH_FINISH, &f, "KVM_SEV_SNP_LAUNCH_FINISH", err);
}

int kvm_snp_enable_req_certs(struct kvm_sev *s, struct lk_err *err)
{
	return sev_op(s, LK_KVM_SEV_SNP_ENABLE_REQ_CERTS, NULL, "KVM_SEV_SNP_ENABLE_REQ_CERTS",
		      err);
}
