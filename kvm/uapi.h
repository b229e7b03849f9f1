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
#define LK_KVM_X86_SEV_SNP_REQ_CERTS	2
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

#endif
