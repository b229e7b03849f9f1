/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The kernel and firmware interface the simulated host speaks, beyond the
 * installed Linux 6.1 headers: VM types, capabilities, SEV commands and their
 * structs, memory slots and attributes, exits, the VMSA and the SNP CPUID
 * page. Values from ../shared/docs/SEV-KVM-API.md (§8 lists them; layouts in
 * §2.3, §3.2, §5.1, §7.1), each struct with size and offset asserts.
 *
 * lkvm-sev's kvm/uapi.h holds the same numbers. The repetition is deliberate:
 * the simulator includes nothing of lkvm-sev, so that a wrong number on one
 * side cannot hide the same mistake on the other. The driver program shares
 * this header with the library (it stands in for a VMM, not for lkvm-sev).
 */
#ifndef HOSTSIM_UAPI_H
#define HOSTSIM_UAPI_H

#include <stddef.h>
#include <stdint.h>
#include <linux/kvm.h>
#include <linux/psp-sev.h>

/* §1.1 VM types. */
#define HS_VM_DEFAULT		0
#define HS_VM_SW_PROTECTED	1
#define HS_VM_SEV		2
#define HS_VM_SEV_ES		3
#define HS_VM_SNP		4
#define HS_VM_TYPE_MAX		5

/* §1.2, §8 capabilities (the 6.1 headers lack the newer ones). */
#define HS_CAP_READONLY_MEM	81
#define HS_CAP_EXIT_HYPERCALL	201
#define HS_CAP_USER_MEMORY2	231
#define HS_CAP_MEMORY_FAULT_INFO 232
#define HS_CAP_MEMORY_ATTRIBUTES 233
#define HS_CAP_GUEST_MEMFD	234
#define HS_CAP_VM_TYPES		235
#define HS_CAP_PRE_FAULT_MEMORY	236
/* §0.4: proposed by the seed patch, unverified [B]; configurable (config.c). */
#define HS_CAP_SNP_DIRECT_VMSA_DEFAULT 249

/* §3.4 hypercall exits. */
#define HS_HC_MAP_GPA_RANGE	12
#define HS_MAP_GPA_RANGE_ENCRYPTED (1ULL << 4)
#define HS_MAP_GPA_RANGE_PAGE_SZ_2M 1ULL
#define HS_EXIT_HYPERCALL_MASK	(1ULL << HS_HC_MAP_GPA_RANGE)
#define HS_EXIT_HYPERCALL_LONG_MODE 1ULL

/* §3.3, §8 exits. */
#define HS_EXIT_MEMORY_FAULT	39
#define HS_MEMORY_EXIT_FLAG_PRIVATE (1ULL << 3)
#define HS_SYSTEM_EVENT_SEV_TERM 6

/*
 * Linux 7.0 (fa9893fadbc2, 20c3c4108d58): an extended guest request's
 * certificates, asked of the VMM. Mainline's number (v7 of the patch had 42);
 * the layout as merged, in the exit union at offset 32: §3.3's row shows an
 * earlier revision's (gfn, u32 npages, u32 ret), which was not merged.
 */
#define HS_EXIT_SNP_REQ_CERTS	43

struct hs_exit_snp_req_certs {
	uint64_t gpa;		/* the guest's RAX, 4 KiB-aligned */
	uint64_t npages;	/* its RBX; ENOSPC gives the VMM's value back to it */
	uint64_t ret;		/* the VMM's answer: 0, ENOSPC, EAGAIN, EIO */
};
_Static_assert(sizeof(struct hs_exit_snp_req_certs) == 24, "snp_req_certs size");

/* §3.2 memory slots and attributes. */
#define HS_MEM_LOG_DIRTY_PAGES	1U
#define HS_MEM_READONLY		2U
#define HS_MEM_GUEST_MEMFD	4U
#define HS_MEMORY_ATTRIBUTE_PRIVATE (1ULL << 3)
#define HS_GUEST_MEMFD_FLAG_MMAP 1ULL
#define HS_GUEST_MEMFD_FLAG_INIT_SHARED 2ULL

struct hs_userspace_memory_region2 {
	uint32_t slot;
	uint32_t flags;
	uint64_t guest_phys_addr;
	uint64_t memory_size;
	uint64_t userspace_addr;
	uint64_t guest_memfd_offset;
	uint32_t guest_memfd;
	uint32_t pad1;
	uint64_t pad2[14];
};
_Static_assert(sizeof(struct hs_userspace_memory_region2) == 160, "region2 size");
_Static_assert(offsetof(struct hs_userspace_memory_region2, guest_memfd_offset) == 32,
	       "region2 guest_memfd_offset");
_Static_assert(offsetof(struct hs_userspace_memory_region2, guest_memfd) == 40,
	       "region2 guest_memfd");

struct hs_create_guest_memfd {
	uint64_t size;
	uint64_t flags;
	uint64_t reserved[6];
};
_Static_assert(sizeof(struct hs_create_guest_memfd) == 64, "create_guest_memfd size");

struct hs_memory_attributes {
	uint64_t address;
	uint64_t size;
	uint64_t attributes;
	uint64_t flags;
};
_Static_assert(sizeof(struct hs_memory_attributes) == 32, "memory_attributes size");

/* §3.1, §8 ioctl numbers, checked against the encoding they come from. */
#define HS_SET_USER_MEMORY_REGION2 0x40A0AE49UL
#define HS_SET_MEMORY_ATTRIBUTES 0x4020AED2UL
#define HS_CREATE_GUEST_MEMFD	0xC040AED4UL
#define HS_PRE_FAULT_MEMORY	0xC040AED5UL
_Static_assert(HS_SET_USER_MEMORY_REGION2 ==
	       _IOW(KVMIO, 0x49, struct hs_userspace_memory_region2), "REGION2");
_Static_assert(HS_SET_MEMORY_ATTRIBUTES ==
	       _IOW(KVMIO, 0xd2, struct hs_memory_attributes), "SET_MEMORY_ATTRIBUTES");
_Static_assert(HS_CREATE_GUEST_MEMFD ==
	       _IOWR(KVMIO, 0xd4, struct hs_create_guest_memfd), "CREATE_GUEST_MEMFD");
_Static_assert(KVM_MEMORY_ENCRYPT_OP == 0xC008AEBAUL, "MEMORY_ENCRYPT_OP");
_Static_assert(KVM_MEMORY_ENCRYPT_REG_REGION == 0x8010AEBBUL, "REG_REGION");
_Static_assert(KVM_MEMORY_ENCRYPT_UNREG_REGION == 0x8010AEBCUL, "UNREG_REGION");
_Static_assert(KVM_GET_DEVICE_ATTR == 0x4018AEE2UL, "GET_DEVICE_ATTR");
_Static_assert(KVM_HAS_DEVICE_ATTR == 0x4018AEE3UL, "HAS_DEVICE_ATTR");
_Static_assert(KVM_ENABLE_CAP == 0x4068AEA3UL, "ENABLE_CAP");

/* §1.3 device attributes on /dev/kvm. */
#define HS_X86_GRP_SYSTEM	0
#define HS_X86_XCOMP_GUEST_SUPP	0
#define HS_X86_GRP_SEV		1
#define HS_X86_SEV_VMSA_FEATURES 0
#define HS_X86_SNP_POLICY_BITS	1
#define HS_X86_SEV_SNP_REQ_CERTS 2	/* Linux 7.0 */

/* §2.2 SEV command ids newer than the 6.1 enum. */
#define HS_SEV_INIT2		22
#define HS_SEV_SNP_LAUNCH_START	100
#define HS_SEV_SNP_LAUNCH_UPDATE 101
#define HS_SEV_SNP_LAUNCH_FINISH 102
#define HS_SEV_SNP_ENABLE_REQ_CERTS 103	/* Linux 7.0 */

_Static_assert(sizeof(struct kvm_sev_cmd) == 24, "kvm_sev_cmd size");
_Static_assert(offsetof(struct kvm_sev_cmd, error) == 16, "kvm_sev_cmd error");
_Static_assert(offsetof(struct kvm_sev_cmd, sev_fd) == 20, "kvm_sev_cmd sev_fd");
_Static_assert(sizeof(struct kvm_sev_launch_start) == 40, "launch_start size");
_Static_assert(sizeof(struct kvm_sev_launch_update_data) == 16, "update_data size");
_Static_assert(sizeof(struct kvm_sev_launch_measure) == 16, "measure size");
_Static_assert(sizeof(struct kvm_sev_launch_secret) == 48, "secret size");
_Static_assert(sizeof(struct kvm_sev_guest_status) == 12, "guest_status size");

/* §2.3 kvm_sev_init, for KVM_SEV_INIT2. */
struct hs_sev_init {
	uint64_t vmsa_features;
	uint32_t flags;
	uint16_t ghcb_version;
	uint16_t pad1;
	uint32_t pad2[8];
};
_Static_assert(sizeof(struct hs_sev_init) == 48, "kvm_sev_init size");
_Static_assert(offsetof(struct hs_sev_init, ghcb_version) == 12, "ghcb_version");

struct hs_snp_launch_start {
	uint64_t policy;
	uint8_t gosvw[16];
	uint16_t flags;
	uint8_t pad0[6];
	uint64_t pad1[4];
};
_Static_assert(sizeof(struct hs_snp_launch_start) == 64, "snp_launch_start size");
_Static_assert(offsetof(struct hs_snp_launch_start, flags) == 24, "snp start flags");

struct hs_snp_launch_update {
	uint64_t gfn_start;
	uint64_t uaddr;
	uint64_t len;
	uint8_t type;
	uint8_t pad0;
	uint16_t flags;
	uint32_t pad1;
	uint64_t pad2[4];
};
_Static_assert(sizeof(struct hs_snp_launch_update) == 64, "snp_launch_update size");
_Static_assert(offsetof(struct hs_snp_launch_update, type) == 24, "snp update type");
_Static_assert(offsetof(struct hs_snp_launch_update, flags) == 26, "snp update flags");

struct hs_snp_launch_finish {
	uint64_t id_block_uaddr;
	uint64_t id_auth_uaddr;
	uint8_t id_block_en;
	uint8_t auth_key_en;
	uint8_t vcek_disabled;
	uint8_t host_data[32];
	uint8_t pad0[3];
	uint16_t flags;
	uint64_t pad1[4];
};
_Static_assert(sizeof(struct hs_snp_launch_finish) == 88, "snp_launch_finish size");
_Static_assert(offsetof(struct hs_snp_launch_finish, host_data) == 19, "host_data");
_Static_assert(offsetof(struct hs_snp_launch_finish, flags) == 54, "snp finish flags");

#define HS_SNP_ID_BLOCK_SIZE	96
#define HS_SNP_ID_AUTH_SIZE	4096

/* §2.3 SNP page types (the firmware's values; VMSA from seed 001). */
#define HS_SNP_PAGE_NORMAL	1
#define HS_SNP_PAGE_VMSA	2
#define HS_SNP_PAGE_ZERO	3
#define HS_SNP_PAGE_UNMEASURED	4
#define HS_SNP_PAGE_SECRETS	5
#define HS_SNP_PAGE_CPUID	6

/* §2.3 SNP policy bits KVM checks. */
#define HS_SNP_POLICY_SMT	(1ULL << 16)
#define HS_SNP_POLICY_RSVD_MBO	(1ULL << 17)
#define HS_SNP_POLICY_DEBUG	(1ULL << 19)
#define HS_SNP_POLICY_SINGLE_SOCKET (1ULL << 20)
#define HS_SNP_POLICY_VALID	(0xffffULL | HS_SNP_POLICY_SMT | HS_SNP_POLICY_RSVD_MBO | \
				 HS_SNP_POLICY_DEBUG | HS_SNP_POLICY_SINGLE_SOCKET)

/* §2.5 legacy guest policy. */
#define HS_SEV_POLICY_ES	0x4U

/* §2.4 firmware status codes beyond the 6.1 enum are not needed here. */
#define HS_FW_INVALID_GUEST_STATE 0x02
#define HS_FW_INVALID_LEN	0x04
#define HS_FW_POLICY_FAILURE	0x07
#define HS_FW_INVALID_ADDRESS	0x09
#define HS_FW_BAD_MEASUREMENT	0x0b
#define HS_FW_INVALID_GUEST	0x10
#define HS_FW_INVALID_PARAM	0x16

/* §2.1: blobs KVM copies from userspace are limited to this (psp_copy_user_blob). */
#define HS_SEV_FW_BLOB_MAX	(16 * 1024)

/* §5.2 VMSA features. */
#define HS_SEV_FEAT_SNP_ACTIVE	(1ULL << 0)
#define HS_SEV_FEAT_DEBUG_SWAP	(1ULL << 5)

/* §4.3 GPA of KVM-managed SNP VMSAs. */
#define HS_INITIAL_VMSA_GPA	0xFFFFFFFFF000ULL

/* /dev/sev commands newer than the 6.1 enum. */
#define HS_SNP_PLATFORM_STATUS	9

struct hs_snp_platform_status {
	uint8_t api_major;
	uint8_t api_minor;
	uint8_t state;
	uint8_t flags;		/* bit 0: RMP initialized */
	uint32_t build_id;
	uint32_t flags2;	/* mask_chip_id, mask_chip_key, vlek_en, ... */
	uint32_t guest_count;
	uint64_t current_tcb_version;
	uint64_t reported_tcb_version;
} __attribute__((packed));
_Static_assert(sizeof(struct hs_snp_platform_status) == 32, "snp status size");
_Static_assert(sizeof(struct sev_user_data_status) == 12, "sev status size");
_Static_assert(sizeof(struct sev_issue_cmd) == 16, "sev_issue_cmd size");

/* §5.1 the VMSA (struct sev_es_save_area), packed, in a 4 KiB page. */
struct hs_vmcb_seg {
	uint16_t selector;
	uint16_t attrib;
	uint32_t limit;
	uint64_t base;
} __attribute__((packed));

struct hs_vmsa {
	struct hs_vmcb_seg es, cs, ss, ds, fs, gs, gdtr, ldtr, idtr, tr;	/* 0x000 */
	uint64_t pl0_ssp, pl1_ssp, pl2_ssp, pl3_ssp, u_cet;			/* 0x0a0 */
	uint8_t reserved_0xc8[2];
	uint8_t vmpl;								/* 0x0ca */
	uint8_t cpl;
	uint8_t reserved_0xcc[4];
	uint64_t efer;								/* 0x0d0 */
	uint8_t reserved_0xd8[104];
	uint64_t xss, cr4, cr3, cr0, dr7, dr6, rflags, rip;			/* 0x140 */
	uint64_t dr0, dr1, dr2, dr3;						/* 0x180 */
	uint64_t dr0_addr_mask, dr1_addr_mask, dr2_addr_mask, dr3_addr_mask;
	uint8_t reserved_0x1c0[24];
	uint64_t rsp, s_cet, ssp, isst_addr, rax;				/* 0x1d8 */
	uint64_t star, lstar, cstar, sfmask, kernel_gs_base;			/* 0x200 */
	uint64_t sysenter_cs, sysenter_esp, sysenter_eip, cr2;			/* 0x228 */
	uint8_t reserved_0x248[32];
	uint64_t g_pat, dbgctl, br_from, br_to, last_excp_from, last_excp_to;	/* 0x268 */
	uint8_t reserved_0x298[72];
	uint64_t spec_ctrl;							/* 0x2e0 */
	uint32_t pkru, tsc_aux;							/* 0x2e8 */
	uint64_t tsc_scale, tsc_offset;						/* 0x2f0 */
	uint8_t reserved_0x300[8];
	uint64_t rcx, rdx, rbx;							/* 0x308 */
	uint64_t reserved_0x320;
	uint64_t rbp, rsi, rdi, r8, r9, r10, r11, r12, r13, r14, r15;		/* 0x328 */
	uint8_t reserved_0x380[16];
	uint64_t guest_exit_info_1, guest_exit_info_2, guest_exit_int_info;	/* 0x390 */
	uint64_t guest_nrip, sev_features, vintr_ctrl, guest_exit_code;	/* 0x3a8 */
	uint64_t virtual_tom, tlb_id, pcpu_id, event_inj, xcr0;		/* 0x3c8 */
	uint8_t reserved_0x3f0[16];
	uint64_t x87_dp;							/* 0x400 */
	uint32_t mxcsr;
	uint16_t x87_ftw, x87_fsw, x87_fcw, x87_fop, x87_ds, x87_cs;		/* 0x40c */
	uint64_t x87_rip;							/* 0x418 */
	uint8_t fpreg_x87[80];							/* 0x420 */
	uint8_t fpreg_xmm[256];							/* 0x470 */
	uint8_t fpreg_ymm[256];							/* 0x570 */
} __attribute__((packed));
_Static_assert(sizeof(struct hs_vmsa) == 0x670, "VMSA size (EXPECTED_SEV_ES_SAVE_AREA_SIZE)");
_Static_assert(offsetof(struct hs_vmsa, vmpl) == 0xca, "vmsa vmpl");
_Static_assert(offsetof(struct hs_vmsa, efer) == 0xd0, "vmsa efer");
_Static_assert(offsetof(struct hs_vmsa, cr4) == 0x148, "vmsa cr4");
_Static_assert(offsetof(struct hs_vmsa, rip) == 0x178, "vmsa rip");
_Static_assert(offsetof(struct hs_vmsa, rsp) == 0x1d8, "vmsa rsp");
_Static_assert(offsetof(struct hs_vmsa, rax) == 0x1f8, "vmsa rax");
_Static_assert(offsetof(struct hs_vmsa, cr2) == 0x240, "vmsa cr2");
_Static_assert(offsetof(struct hs_vmsa, g_pat) == 0x268, "vmsa g_pat");
_Static_assert(offsetof(struct hs_vmsa, pkru) == 0x2e8, "vmsa pkru");
_Static_assert(offsetof(struct hs_vmsa, rcx) == 0x308, "vmsa rcx");
_Static_assert(offsetof(struct hs_vmsa, rbp) == 0x328, "vmsa rbp");
_Static_assert(offsetof(struct hs_vmsa, guest_exit_info_1) == 0x390, "vmsa exit info");
_Static_assert(offsetof(struct hs_vmsa, sev_features) == 0x3b0, "vmsa sev_features");
_Static_assert(offsetof(struct hs_vmsa, xcr0) == 0x3e8, "vmsa xcr0");
_Static_assert(offsetof(struct hs_vmsa, mxcsr) == 0x408, "vmsa mxcsr");
_Static_assert(offsetof(struct hs_vmsa, x87_fcw) == 0x410, "vmsa fcw");
_Static_assert(offsetof(struct hs_vmsa, fpreg_x87) == 0x420, "vmsa x87 regs");
_Static_assert(offsetof(struct hs_vmsa, fpreg_ymm) == 0x570, "vmsa ymm");

/* §7.1 the SNP CPUID page. */
#define HS_SNP_CPUID_COUNT_MAX	64

struct hs_snp_cpuid_fn {
	uint32_t eax_in, ecx_in;
	uint64_t xcr0_in, xss_in;
	uint32_t eax, ebx, ecx, edx;
	uint64_t reserved;
} __attribute__((packed));

struct hs_snp_cpuid_table {
	uint32_t count;
	uint32_t reserved1;
	uint64_t reserved2;
	struct hs_snp_cpuid_fn fn[HS_SNP_CPUID_COUNT_MAX];
} __attribute__((packed));
_Static_assert(sizeof(struct hs_snp_cpuid_fn) == 48, "cpuid fn size");
_Static_assert(sizeof(struct hs_snp_cpuid_table) == 3088, "cpuid table size");

#endif
