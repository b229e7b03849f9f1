/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The VMSA (SEV-ES save area) of a vCPU at reset, byte for byte as KVM
 * builds it from QEMU's reset state (SEV-KVM-API.md §5.1 layout, §5.3
 * values): the page an SEV-ES or SNP launch measures for each vCPU, and
 * the page a direct-VMSA launch hands to SNP_LAUNCH_UPDATE itself.
 */
#ifndef LKVM_SEV_VMSA_H
#define LKVM_SEV_VMSA_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define VMSA_PAGE_SIZE		4096
/* The BSP starts at the architectural reset vector: CS base 0xffff0000, IP 0xfff0. */
#define VMSA_BSP_EIP		0xfffffff0U

struct vmcb_seg {
	uint16_t selector;
	uint16_t attrib;	/* type 0-3, S 4, DPL 5-6, P 7, AVL 8, L 9, DB 10, G 11 */
	uint32_t limit;
	uint64_t base;
} __attribute__((packed));

/* struct sev_es_save_area of the kernel's asm/svm.h (v6.14+), 1648 bytes. */
struct sev_es_save_area {
	struct vmcb_seg es, cs, ss, ds, fs, gs, gdtr, ldtr, idtr, tr;
	uint64_t pl0_ssp, pl1_ssp, pl2_ssp, pl3_ssp, u_cet;
	uint8_t reserved_0xc8[2];
	uint8_t vmpl;
	uint8_t cpl;
	uint8_t reserved_0xcc[4];
	uint64_t efer;
	uint8_t reserved_0xd8[104];
	uint64_t xss, cr4, cr3, cr0, dr7, dr6, rflags, rip;
	uint64_t dr0, dr1, dr2, dr3;
	uint64_t dr0_addr_mask, dr1_addr_mask, dr2_addr_mask, dr3_addr_mask;
	uint8_t reserved_0x1c0[24];
	uint64_t rsp, s_cet, ssp, isst_addr, rax, star, lstar, cstar, sfmask;
	uint64_t kernel_gs_base, sysenter_cs, sysenter_esp, sysenter_eip, cr2;
	uint8_t reserved_0x248[32];
	uint64_t g_pat, dbgctl, br_from, br_to, last_excp_from, last_excp_to;
	uint8_t reserved_0x298[80];
	uint32_t pkru, tsc_aux;
	uint64_t tsc_scale, tsc_offset;
	uint8_t reserved_0x300[8];
	uint64_t rcx, rdx, rbx;
	uint64_t reserved_0x320;
	uint64_t rbp, rsi, rdi, r8, r9, r10, r11, r12, r13, r14, r15;
	uint8_t reserved_0x380[16];
	uint64_t guest_exit_info_1, guest_exit_info_2, guest_exit_int_info, guest_nrip;
	uint64_t sev_features, vintr_ctrl, guest_exit_code, virtual_tom;
	uint64_t tlb_id, pcpu_id, event_inj, xcr0;
	uint8_t reserved_0x3f0[16];
	uint64_t x87_dp;
	uint32_t mxcsr;
	uint16_t x87_ftw, x87_fsw, x87_fcw, x87_fop, x87_ds, x87_cs;
	uint64_t x87_rip;
	uint8_t fpreg_x87[80], fpreg_xmm[256], fpreg_ymm[256];
} __attribute__((packed));

/* The kernel's BUILD_BUG_RESERVED_OFFSET list and the selftests' asserts. */
_Static_assert(sizeof(struct sev_es_save_area) == 0x670, "VMSA size");
_Static_assert(offsetof(struct sev_es_save_area, vmpl) == 0xca, "VMSA vmpl");
_Static_assert(offsetof(struct sev_es_save_area, efer) == 0xd0, "VMSA efer");
_Static_assert(offsetof(struct sev_es_save_area, rip) == 0x178, "VMSA rip");
_Static_assert(offsetof(struct sev_es_save_area, reserved_0x1c0) == 0x1c0, "VMSA 0x1c0");
_Static_assert(offsetof(struct sev_es_save_area, g_pat) == 0x268, "VMSA g_pat");
_Static_assert(offsetof(struct sev_es_save_area, reserved_0x298) == 0x298, "VMSA 0x298");
_Static_assert(offsetof(struct sev_es_save_area, rdx) == 0x310, "VMSA rdx");
_Static_assert(offsetof(struct sev_es_save_area, reserved_0x380) == 0x380, "VMSA 0x380");
_Static_assert(offsetof(struct sev_es_save_area, sev_features) == 0x3b0, "VMSA sev_features");
_Static_assert(offsetof(struct sev_es_save_area, xcr0) == 0x3e8, "VMSA xcr0");
_Static_assert(offsetof(struct sev_es_save_area, mxcsr) == 0x408, "VMSA mxcsr");
_Static_assert(offsetof(struct sev_es_save_area, x87_fcw) == 0x410, "VMSA x87_fcw");
_Static_assert(offsetof(struct sev_es_save_area, fpreg_x87) == 0x420, "VMSA fpreg_x87");

struct vmsa_params {
	uint32_t eip;		/* VMSA_BSP_EIP, or an AP's SEV-ES reset address */
	uint32_t cpu_sig;	/* CPUID 1 EAX, which the reset state puts in RDX */
	uint64_t sev_features;	/* the VM's vmsa_features (SNP: SNP_ACTIVE included) */
	bool x87_state;		/* KVM_SEV_INIT2 VM types: FCW 0x37f, MXCSR 0x1f80 */
};

/* Fills the 4 KiB @page: the save area, then zeros. */
void vmsa_build(uint8_t page[VMSA_PAGE_SIZE], const struct vmsa_params *p);

#endif
