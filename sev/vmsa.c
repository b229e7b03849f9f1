// SPDX-License-Identifier: GPL-2.0-only
/*
 * The reset-state VMSA: what KVM's sev_es_sync_vmsa() copies from a vCPU
 * that QEMU (and lkvm-sev) put in the x86 reset state (SEV-KVM-API.md §5.3).
 */
#include <string.h>

#include "sev/vmsa.h"

/* Segment attributes of the reset state: P|S|RW|A data, P|S|code|R|A code. */
#define SEG_DATA	0x93
#define SEG_CODE	0x9b
#define SEG_LDT		0x82
#define SEG_TSS_BUSY	0x8b

#define EFER_SVME	0x1000		/* KVM adds it; the guest sees EFER 0 */
#define CR0_ET		0x10		/* KVM clears CD/NW in the hardware CR0 */
#define CR4_MCE		0x40		/* KVM ORs in the host's CR4.MCE */
#define DR7_RESET	0x400
#define DR6_RESET	0xffff0ff0
#define RFLAGS_RESET	0x2
#define PAT_RESET	0x0007040600070406ULL
#define XCR0_X87	0x1
#define MXCSR_RESET	0x1f80
#define FCW_RESET	0x37f

static struct vmcb_seg seg(uint16_t selector, uint16_t attrib, uint64_t base)
{
	return (struct vmcb_seg){ .selector = selector, .attrib = attrib, .limit = 0xffff,
				  .base = base };
}

void vmsa_build(uint8_t page[VMSA_PAGE_SIZE], const struct vmsa_params *p)
{
	struct sev_es_save_area sa = {
		.es = seg(0, SEG_DATA, 0),
		/* Real mode: CS base and IP split the 32-bit start address. */
		.cs = seg(0xf000, SEG_CODE, p->eip & 0xffff0000),
		.ss = seg(0, SEG_DATA, 0),
		.ds = seg(0, SEG_DATA, 0),
		.fs = seg(0, SEG_DATA, 0),
		.gs = seg(0, SEG_DATA, 0),
		.gdtr = seg(0, 0, 0),
		.ldtr = seg(0, SEG_LDT, 0),
		.idtr = seg(0, 0, 0),
		.tr = seg(0, SEG_TSS_BUSY, 0),
		.efer = EFER_SVME,
		.cr4 = CR4_MCE,
		.cr0 = CR0_ET,
		.dr7 = DR7_RESET,
		.dr6 = DR6_RESET,
		.rflags = RFLAGS_RESET,
		.rip = p->eip & 0xffff,
		.g_pat = PAT_RESET,
		.rdx = p->cpu_sig,
		.sev_features = p->sev_features,
		.xcr0 = XCR0_X87,
	};

	/* Legacy KVM_SEV_ES_INIT skips the FPU state "to avoid breaking older measurements". */
	if (p->x87_state) {
		sa.mxcsr = MXCSR_RESET;
		sa.x87_fcw = FCW_RESET;
	}
	memset(page, 0, VMSA_PAGE_SIZE);
	memcpy(page, &sa, sizeof(sa));
}
