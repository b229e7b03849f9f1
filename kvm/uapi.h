/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * KVM definitions newer than the installed Linux 6.1 headers. Values come
 * from ../shared/docs/SEV-KVM-API.md §8 (checked there against kernel
 * sources and bindgen layout asserts); every struct has size and offset
 * asserts. This is the only place such numbers are written down.
 */
#ifndef LKVM_KVM_UAPI_H
#define LKVM_KVM_UAPI_H

#include <stddef.h>
#include <linux/kvm.h>

/* VM types (KVM_CREATE_VM argument on x86). */
#define LK_KVM_X86_DEFAULT_VM		0
#define LK_KVM_X86_SW_PROTECTED_VM	1
#define LK_KVM_X86_SEV_VM		2
#define LK_KVM_X86_SEV_ES_VM		3
#define LK_KVM_X86_SNP_VM		4

/* Capabilities. */
#ifndef KVM_CAP_USER_MEMORY2
#define KVM_CAP_USER_MEMORY2		231
#endif
#ifndef KVM_CAP_MEMORY_FAULT_INFO
#define KVM_CAP_MEMORY_FAULT_INFO	232
#endif
#ifndef KVM_CAP_MEMORY_ATTRIBUTES
#define KVM_CAP_MEMORY_ATTRIBUTES	233
#endif
#ifndef KVM_CAP_GUEST_MEMFD
#define KVM_CAP_GUEST_MEMFD		234
#endif
#ifndef KVM_CAP_VM_TYPES
#define KVM_CAP_VM_TYPES		235
#endif
#ifndef KVM_CAP_PRE_FAULT_MEMORY
#define KVM_CAP_PRE_FAULT_MEMORY	236
#endif
#ifndef KVM_CAP_X86_APIC_BUS_CYCLES_NS
#define KVM_CAP_X86_APIC_BUS_CYCLES_NS	237	/* Linux 6.11 */
#endif
/*
 * Proposed with the direct-VMSA patch (seed 001). Unmerged, and the number
 * collides with mainline's KVM_CAP_S390_HPAGE_2G (SEV-KVM-API.md §0.4):
 * take it from the patched kernel actually run.
 */
#define LK_KVM_CAP_SNP_DIRECT_VMSA	249

/* Exit reasons. */
#ifndef KVM_EXIT_MEMORY_FAULT
#define KVM_EXIT_MEMORY_FAULT		39
#endif
#define LK_KVM_MEMORY_EXIT_FLAG_PRIVATE	(1ULL << 3)

/*
 * Linux 7.0 (fa9893fadbc2, 20c3c4108d58): an SNP guest's extended report
 * request, forwarded once KVM_SEV_SNP_ENABLE_REQ_CERTS enabled it, for the
 * VMM to write the certificate table into the guest's buffer. Mainline
 * numbers the exit 43 (after KVM_EXIT_ARM_LDST64B, 42); the branch that
 * introduced it (v7 of the patch) had 42, after KVM_EXIT_ARM_SEA. The
 * layout is v7's, as merged: SEV-KVM-API.md §3.3 shows an older revision's
 * (gfn u64, npages u32, ret u32), which was not merged.
 */
#define LK_KVM_EXIT_SNP_REQ_CERTS	43
#ifdef KVM_EXIT_SNP_REQ_CERTS
_Static_assert(KVM_EXIT_SNP_REQ_CERTS == LK_KVM_EXIT_SNP_REQ_CERTS,
	       "the kernel's headers number KVM_EXIT_SNP_REQ_CERTS differently");
#endif

/*
 * kvm_run.snp_req_certs, in the exit union. @gpa and @npages are the
 * guest's RAX and RBX (@gpa 4 KiB-aligned); @ret is the VMM's answer, read
 * at the next KVM_RUN: 0 (KVM sends the request to firmware), ENOSPC (KVM
 * gives @npages, the pages needed, back to the guest), EAGAIN, EIO. Any
 * other value fails that KVM_RUN with EINVAL.
 */
struct lk_kvm_exit_snp_req_certs {
	__u64 gpa;
	__u64 npages;
	__u64 ret;
};
#ifdef KVM_EXIT_SNP_REQ_CERTS
_Static_assert(offsetof(struct kvm_run, snp_req_certs) == 32, "snp_req_certs offset");
_Static_assert(sizeof(((struct kvm_run *)0)->snp_req_certs) ==
	       sizeof(struct lk_kvm_exit_snp_req_certs), "snp_req_certs size");
#endif

static inline struct lk_kvm_exit_snp_req_certs *lk_snp_req_certs(struct kvm_run *run)
{
	return (struct lk_kvm_exit_snp_req_certs *)(void *)&run->mmio;
}

/* Memory slots and attributes. */
#define LK_KVM_MEM_GUEST_MEMFD		(1U << 2)
#define LK_KVM_MEMORY_ATTRIBUTE_PRIVATE	(1ULL << 3)

struct lk_kvm_userspace_memory_region2 {
	__u32 slot;
	__u32 flags;
	__u64 guest_phys_addr;
	__u64 memory_size;
	__u64 userspace_addr;
	__u64 guest_memfd_offset;
	__u32 guest_memfd;
	__u32 pad1;
	__u64 pad2[14];
};
_Static_assert(sizeof(struct lk_kvm_userspace_memory_region2) == 160, "region2 size");
_Static_assert(offsetof(struct lk_kvm_userspace_memory_region2, guest_memfd_offset) == 32,
	       "region2 guest_memfd_offset");
_Static_assert(offsetof(struct lk_kvm_userspace_memory_region2, guest_memfd) == 40,
	       "region2 guest_memfd");

#define LK_KVM_SET_USER_MEMORY_REGION2	0x40A0AE49UL
_Static_assert(LK_KVM_SET_USER_MEMORY_REGION2 ==
	       _IOW(KVMIO, 0x49, struct lk_kvm_userspace_memory_region2), "ioctl number");

/* kvm_run.memory_fault, in the exit union that starts at offset 32. */
struct lk_kvm_memory_fault {
	__u64 flags;
	__u64 gpa;
	__u64 size;
};
_Static_assert(offsetof(struct kvm_run, mmio) == 32, "kvm_run exit union offset");

static inline const struct lk_kvm_memory_fault *lk_memory_fault(const struct kvm_run *run)
{
	return (const struct lk_kvm_memory_fault *)(const void *)&run->mmio;
}

/* Device attributes on /dev/kvm (KVM_X86_GRP_SEV). */
#define LK_KVM_X86_GRP_SEV		1
#define LK_KVM_X86_SEV_VMSA_FEATURES	0
#define LK_KVM_X86_SNP_POLICY_BITS	1
#define LK_KVM_X86_SEV_SNP_REQ_CERTS	2	/* Linux 7.0: 1 where the exit above exists */
#ifdef KVM_X86_SEV_SNP_REQ_CERTS
_Static_assert(KVM_X86_SEV_SNP_REQ_CERTS == LK_KVM_X86_SEV_SNP_REQ_CERTS, "REQ_CERTS attr");
#endif
_Static_assert(sizeof(struct kvm_device_attr) == 24, "kvm_device_attr size");
_Static_assert(KVM_GET_DEVICE_ATTR == 0x4018AEE2UL, "KVM_GET_DEVICE_ATTR");
_Static_assert(KVM_HAS_DEVICE_ATTR == 0x4018AEE3UL, "KVM_HAS_DEVICE_ATTR");

/* ioctls used by the SEV issues; kept here so the numbers live in one place. */
#define LK_KVM_SET_MEMORY_ATTRIBUTES	0x4020AED2UL
#define LK_KVM_CREATE_GUEST_MEMFD	0xC040AED4UL
#define LK_KVM_PRE_FAULT_MEMORY		0xC040AED5UL
_Static_assert(KVM_MEMORY_ENCRYPT_OP == 0xC008AEBAUL, "KVM_MEMORY_ENCRYPT_OP");

/* VMSA feature bits (kvm_sev_init.vmsa_features). */
#define LK_SVM_SEV_FEAT_SNP_ACTIVE	(1ULL << 0)
#define LK_SVM_SEV_FEAT_DEBUG_SWAP	(1ULL << 5)

/* /dev/sev (linux/psp-sev.h): SNP_PLATFORM_STATUS, newer than the 6.1 headers. */
#define LK_SNP_PLATFORM_STATUS		9

struct lk_sev_user_data_snp_status {
	__u8 api_major;
	__u8 api_minor;
	__u8 state;
	__u8 is_rmp_initialized;	/* bit 0; bits 1-7 reserved */
	__u32 build_id;
	__u32 feature_bits;		/* mask_chip_id, mask_chip_key, vlek_en, ... */
	__u32 guest_count;
	__u64 current_tcb_version;
	__u64 reported_tcb_version;
} __attribute__((packed));
_Static_assert(sizeof(struct lk_sev_user_data_snp_status) == 32, "snp status size");
_Static_assert(offsetof(struct lk_sev_user_data_snp_status, current_tcb_version) == 16,
	       "snp status current_tcb_version");

/* KVM_MEMORY_ENCRYPT_OP commands newer than 6.1 (§2.2, §8). */
#define LK_KVM_SEV_INIT2		22
#define LK_KVM_SEV_SNP_LAUNCH_START	100
#define LK_KVM_SEV_SNP_LAUNCH_UPDATE	101
#define LK_KVM_SEV_SNP_LAUNCH_FINISH	102
/* Linux 7.0, no data: before any vCPU exists, on an SNP VM (else EINVAL). */
#define LK_KVM_SEV_SNP_ENABLE_REQ_CERTS	103

/* §2.3 */
struct lk_kvm_sev_init {
	__u64 vmsa_features;
	__u32 flags;
	__u16 ghcb_version;
	__u16 pad1;
	__u32 pad2[8];
};
_Static_assert(sizeof(struct lk_kvm_sev_init) == 48, "kvm_sev_init size");

struct lk_kvm_sev_snp_launch_start {
	__u64 policy;
	__u8 gosvw[16];
	__u16 flags;
	__u8 pad0[6];
	__u64 pad1[4];
};
_Static_assert(sizeof(struct lk_kvm_sev_snp_launch_start) == 64, "snp_launch_start size");

struct lk_kvm_sev_snp_launch_update {
	__u64 gfn_start;
	__u64 uaddr;
	__u64 len;
	__u8 type;
	__u8 pad0;
	__u16 flags;
	__u32 pad1;
	__u64 pad2[4];
};
_Static_assert(sizeof(struct lk_kvm_sev_snp_launch_update) == 64, "snp_launch_update size");
_Static_assert(offsetof(struct lk_kvm_sev_snp_launch_update, type) == 24, "update type");

/* §2.4: SNP guest policy bits KVM checks itself. */
#define SNP_POLICY_SMT			(1ULL << 16)
#define SNP_POLICY_RSVD_MBO		(1ULL << 17)
#define SNP_POLICY_SINGLE_SOCKET	(1ULL << 20)
#define LK_KVM_SEV_SNP_ID_BLOCK_SIZE	96
#define LK_KVM_SEV_SNP_ID_AUTH_SIZE	4096
#define LK_KVM_SEV_SNP_FINISH_DATA_SIZE	32

struct lk_kvm_sev_snp_launch_finish {
	__u64 id_block_uaddr;
	__u64 id_auth_uaddr;
	__u8 id_block_en;
	__u8 auth_key_en;
	__u8 vcek_disabled;
	__u8 host_data[LK_KVM_SEV_SNP_FINISH_DATA_SIZE];
	__u8 pad0[3];
	__u16 flags;
	__u64 pad1[4];
};
_Static_assert(sizeof(struct lk_kvm_sev_snp_launch_finish) == 88, "snp_launch_finish size");
_Static_assert(offsetof(struct lk_kvm_sev_snp_launch_finish, flags) == 54, "finish flags");

/* §3.2 */
struct lk_kvm_create_guest_memfd {
	__u64 size;
	__u64 flags;
	__u64 reserved[6];
};
_Static_assert(sizeof(struct lk_kvm_create_guest_memfd) == 64, "create_guest_memfd size");

struct lk_kvm_memory_attributes {
	__u64 address;
	__u64 size;
	__u64 attributes;
	__u64 flags;
};
_Static_assert(sizeof(struct lk_kvm_memory_attributes) == 32, "memory_attributes size");

/* §3.4: KVM_CAP_EXIT_HYPERCALL's argument for KVM_HC_MAP_GPA_RANGE (12). */
#define LK_KVM_HC_MAP_GPA_RANGE		12
#define LK_KVM_EXIT_HYPERCALL_MASK	(1ULL << LK_KVM_HC_MAP_GPA_RANGE)
#define LK_KVM_MAP_GPA_RANGE_ENCRYPTED	(1ULL << 4)

/* §5.3: the OVMF reset state QEMU gives a vCPU, which KVM turns into its VMSA. */
#define LK_MSR_IA32_CR_PAT		0x277
#define LK_PAT_DEFAULT			0x0007040600070406ULL

#endif
