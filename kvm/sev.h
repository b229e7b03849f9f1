/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * KVM_MEMORY_ENCRYPT_OP and the encrypted-region ioctls: one short function
 * per SEV command, each wrapping one ioctl (SEV-KVM-API.md §2). The order
 * in which they are called is sev/launch.c's. A failure names the command,
 * the errno and the firmware's status code (status 125).
 */
#ifndef LKVM_KVM_SEV_H
#define LKVM_KVM_SEV_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "util/err.h"

/* The AMD secure processor's device, an fd of which goes with every command (§2.1). */
#define SEV_DEVICE_PATH "/dev/sev"

struct kvm_sev {
	int vm_fd;
	int sev_fd;		/* /dev/sev, passed with every command (§2.1) */
	int last_errno;		/* of the last failed command */
	uint32_t last_fw_error;
	uint64_t registered;	/* bytes pinned by REG_REGION so far, for the memlock hint */
};

/* Opens /dev/sev for a VM's commands. */
int kvm_sev_open(struct kvm_sev *s, int vm_fd, struct lk_err *err);
void kvm_sev_close(struct kvm_sev *s);

/*
 * KVM_MEMORY_ENCRYPT_OP without a command, on a VM fd (§1.2): 0 where KVM has
 * SEV enabled for the VM (the legacy init commands exist), else the errno.
 */
int kvm_sev_enabled_errno(int vm_fd);

int kvm_sev_init2(struct kvm_sev *s, uint64_t vmsa_features, struct lk_err *err);
/* KVM_SEV_INIT or KVM_SEV_ES_INIT on a default-type VM. */
int kvm_sev_init_legacy(struct kvm_sev *s, bool es, struct lk_err *err);

/* KVM_MEMORY_ENCRYPT_REG_REGION: pins @size bytes at @hva (RLIMIT_MEMLOCK). */
int kvm_sev_reg_region(struct kvm_sev *s, const char *what, void *hva, uint64_t size,
		       struct lk_err *err);

int kvm_sev_launch_start(struct kvm_sev *s, uint32_t policy, const void *dh, uint32_t dh_len,
			 const void *session, uint32_t session_len, struct lk_err *err);
int kvm_sev_launch_update_data(struct kvm_sev *s, void *hva, uint32_t len, struct lk_err *err);
int kvm_sev_launch_update_vmsa(struct kvm_sev *s, struct lk_err *err);
/* The blob into @buf (@*len its size in, the blob's out); a length query first. */
int kvm_sev_launch_measure(struct kvm_sev *s, uint8_t *buf, uint32_t *len, struct lk_err *err);
int kvm_sev_launch_secret(struct kvm_sev *s, const void *hdr, uint32_t hdr_len, void *guest,
			  const void *trans, uint32_t trans_len, struct lk_err *err);
int kvm_sev_launch_finish(struct kvm_sev *s, struct lk_err *err);

int kvm_snp_launch_start(struct kvm_sev *s, uint64_t policy, struct lk_err *err);
/* One range of one page type; loops while KVM did part of it or said EAGAIN (§2.3). */
int kvm_snp_launch_update(struct kvm_sev *s, uint64_t gpa, const void *src, uint64_t len,
			  uint8_t type, struct lk_err *err);
/* @auth_key_en: @id_auth carries an author key (sev/id_block.h says whether). */
int kvm_snp_launch_finish(struct kvm_sev *s, const void *id_block, const void *id_auth,
			  bool auth_key_en, const uint8_t *host_data, struct lk_err *err);

/*
 * Linux 7.0: extended report requests leave KVM as KVM_EXIT_SNP_REQ_CERTS
 * (kvm/uapi.h), for the VMM to give the certificates. Before any vCPU.
 */
int kvm_snp_enable_req_certs(struct kvm_sev *s, struct lk_err *err);

/* "POLICY_FAILURE" for 0x07 (§2.4); NULL when unknown. */
const char *sev_fw_error_name(uint32_t code);

#endif
