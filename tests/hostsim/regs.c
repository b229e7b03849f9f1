// SPDX-License-Identifier: GPL-2.0-only
/*
 * A simulated vCPU's register state, kept the way KVM on SVM keeps it, so
 * that the VMSA built from it (measure.c) is what sev_es_sync_vmsa() would
 * copy (SEV-KVM-API.md §4.2, §4.3, §5.3): the reset state of kvm_vcpu_reset()
 * and init_vmcb(), segments through svm_set_segment()/svm_get_segment(), the
 * FPU as an FXSAVE image with KVM_SET_FPU's and KVM_SET_XSAVE's rules, XCR0,
 * debug registers and the MSRs that live in the save area.
 */
#include <errno.h>
#include <stddef.h>
#include <string.h>

#include "tests/hostsim/hostsim.h"

#define CR0_PE		(1ULL << 0)
#define CR0_ET		(1ULL << 4)
#define CR0_NW		(1ULL << 29)
#define CR0_CD		(1ULL << 30)
#define CR0_PG		(1ULL << 31)
#define CR4_PAE		(1ULL << 5)
#define EFER_LME	(1ULL << 8)
#define EFER_LMA	(1ULL << 10)
#define XFEATURE_FP	1ULL
#define XFEATURE_SSE	2ULL
#define XFEATURE_YMM	4ULL
#define XFEATURE_AVX512	0xe0ULL
#define XFEATURE_PKRU	0x200ULL
#define XFEATURES_USER	0x2e7ULL	/* what KVM_X86_XCOMP_GUEST_SUPP reports */
#define MXCSR_MASK	0xffffU
#define XSAVE_HDR	512
#define XSAVE_YMM	576
#define XSAVE_PKRU	2688

enum { SEG_ES, SEG_CS, SEG_SS, SEG_DS, SEG_FS, SEG_GS, SEG_TR, SEG_LDTR };

static struct hs_vmcb_seg seg(uint16_t sel, uint16_t attrib, uint64_t base)
{
	return (struct hs_vmcb_seg){ .selector = sel, .attrib = attrib, .limit = 0xffff,
				     .base = base };
}

/* init_vmcb() and kvm_vcpu_reset(): what a vCPU holds before the VMM sets anything. */
void hs_regs_reset(struct hs_vcpu *v)
{
	int i;

	for (i = 0; i < 6; i++)
		v->seg[i] = seg(0, 0x92, 0);		/* P|S|WRITE data */
	v->seg[SEG_CS] = seg(0xf000, 0x9a, 0xffff0000);	/* P|S|CODE|READ */
	v->seg[SEG_TR] = seg(0, 0x83, 0);		/* P | busy 16-bit TSS */
	v->seg[SEG_LDTR] = seg(0, 0x82, 0);		/* P | LDT */
	v->gdtr = v->idtr = (struct hs_vmcb_seg){ .limit = 0xffff };
	v->regs.rflags = 0x2;
	v->regs.rip = 0xfff0;
	v->regs.rdx = 0x600;	/* no CPUID at RESET: KVM's fallback family/model */
	v->cr0 = CR0_CD | CR0_NW | CR0_ET;
	v->apic_base = 0xfee00000 | 0x800 | (v->id == 0 ? 0x100 : 0);
	v->dr6 = 0xffff0ff0;
	v->dr7 = 0x400;
	v->xcr0 = XFEATURE_FP;
	v->pat = 0x0007040600070406ULL;
	memset(v->fx, 0, sizeof(v->fx));
	v->fx[0] = 0x7f;	/* FCW 0x37f (fpstate_init_fx) */
	v->fx[1] = 0x03;
	v->fx[24] = 0x80;	/* MXCSR 0x1f80 */
	v->fx[25] = 0x1f;
}

/* svm_set_segment(): a kvm_segment in the VMCB's attribute encoding. */
static struct hs_vmcb_seg seg_from_kvm(const struct kvm_segment *s)
{
	struct hs_vmcb_seg v = { .selector = s->selector, .limit = s->limit, .base = s->base };

	v.attrib = (s->type & 0xf) | (s->s & 1) << 4 | (s->dpl & 3) << 5 |
		   ((s->present & 1) && !s->unusable) << 7 | (s->avl & 1) << 8 |
		   (s->l & 1) << 9 | (s->db & 1) << 10 | (s->g & 1) << 11;
	return v;
}

/* svm_get_segment(), with its cross-vendor fix-ups. */
static struct kvm_segment seg_to_kvm(const struct hs_vcpu *v, int n)
{
	const struct hs_vmcb_seg *s = &v->seg[n];
	struct kvm_segment k = { .base = s->base, .limit = s->limit, .selector = s->selector };

	k.type = s->attrib & 0xf;
	k.s = (s->attrib >> 4) & 1;
	k.dpl = (s->attrib >> 5) & 3;
	k.present = (s->attrib >> 7) & 1;
	k.avl = (s->attrib >> 8) & 1;
	k.l = (s->attrib >> 9) & 1;
	k.db = (s->attrib >> 10) & 1;
	k.g = s->limit > 0xfffff;
	k.unusable = !k.present;
	if (n == SEG_TR)
		k.type |= 0x2;
	else if (n != SEG_CS && n != SEG_SS && n != SEG_LDTR && !k.unusable)
		k.type |= 0x1;
	if (n == SEG_SS) {
		if (k.unusable)
			k.db = 0;
		k.dpl = v->cpl;
	}
	return k;
}

void hs_regs_get_sregs(const struct hs_vcpu *v, struct kvm_sregs *s)
{
	memset(s, 0, sizeof(*s));
	s->es = seg_to_kvm(v, SEG_ES);
	s->cs = seg_to_kvm(v, SEG_CS);
	s->ss = seg_to_kvm(v, SEG_SS);
	s->ds = seg_to_kvm(v, SEG_DS);
	s->fs = seg_to_kvm(v, SEG_FS);
	s->gs = seg_to_kvm(v, SEG_GS);
	s->tr = seg_to_kvm(v, SEG_TR);
	s->ldt = seg_to_kvm(v, SEG_LDTR);
	s->gdt.base = v->gdtr.base;
	s->gdt.limit = (uint16_t)v->gdtr.limit;
	s->idt.base = v->idtr.base;
	s->idt.limit = (uint16_t)v->idtr.limit;
	s->cr0 = v->cr0;
	s->cr2 = v->cr2;
	s->cr3 = v->cr3;
	s->cr4 = v->cr4;
	s->cr8 = v->cr8;
	s->efer = v->efer;
	s->apic_base = v->apic_base;
}

/* kvm_is_valid_sregs(): long mode consistency and CR0's own rules. */
static bool sregs_valid(const struct kvm_sregs *s)
{
	if ((s->efer & EFER_LME) && (s->cr0 & CR0_PG)) {
		if (!(s->cr4 & CR4_PAE) || !(s->efer & EFER_LMA))
			return false;
	} else if (s->efer & EFER_LMA) {
		return false;
	}
	if (s->cr0 >> 32 || ((s->cr0 & CR0_NW) && !(s->cr0 & CR0_CD)) ||
	    ((s->cr0 & CR0_PG) && !(s->cr0 & CR0_PE)))
		return false;
	return true;
}

int hs_regs_set_sregs(struct hs_vcpu *v, const struct kvm_sregs *s)
{
	if (!sregs_valid(s))
		return -EINVAL;
	v->seg[SEG_ES] = seg_from_kvm(&s->es);
	v->seg[SEG_CS] = seg_from_kvm(&s->cs);
	v->seg[SEG_SS] = seg_from_kvm(&s->ss);
	v->seg[SEG_DS] = seg_from_kvm(&s->ds);
	v->seg[SEG_FS] = seg_from_kvm(&s->fs);
	v->seg[SEG_GS] = seg_from_kvm(&s->gs);
	v->seg[SEG_TR] = seg_from_kvm(&s->tr);
	v->seg[SEG_LDTR] = seg_from_kvm(&s->ldt);
	v->cpl = s->ss.dpl & 3;		/* svm_set_segment() takes CPL from SS */
	v->gdtr = (struct hs_vmcb_seg){ .limit = s->gdt.limit, .base = s->gdt.base };
	v->idtr = (struct hs_vmcb_seg){ .limit = s->idt.limit, .base = s->idt.base };
	v->cr0 = s->cr0;
	v->cr2 = s->cr2;
	v->cr3 = s->cr3;
	v->cr4 = s->cr4;
	v->cr8 = s->cr8;
	v->efer = s->efer;
	v->apic_base = s->apic_base;
	return 0;
}

/* The hardware (VMCB) values KVM derives from the guest-visible ones (§5.3). */
void hs_regs_hw(const struct hs_vcpu *v, uint64_t *cr0, uint64_t *cr4, uint64_t *efer)
{
	*cr0 = v->cr0 & ~(CR0_CD | CR0_NW);	/* svm_set_cr0(), KVM_X86_QUIRK_CD_NW_CLEARED */
	*cr4 = v->cr4 | 0x40;			/* svm_set_cr4(): the host's CR4.MCE */
	*efer = v->efer | 0x1000;		/* svm_set_efer(): EFER.SVME */
}

/* KVM_SET_FPU writes the FXSAVE image field by field; it ignores mxcsr. */
void hs_regs_set_fpu(struct hs_vcpu *v, const struct kvm_fpu *f)
{
	uint16_t twd = f->ftwx;

	memcpy(v->fx + 32, f->fpr, 128);
	memcpy(v->fx + 0, &f->fcw, 2);
	memcpy(v->fx + 2, &f->fsw, 2);
	memcpy(v->fx + 4, &twd, 2);
	memcpy(v->fx + 6, &f->last_opcode, 2);
	memcpy(v->fx + 8, &f->last_ip, 8);
	memcpy(v->fx + 16, &f->last_dp, 8);
	memcpy(v->fx + 160, f->xmm, 256);
}

void hs_regs_get_fpu(const struct hs_vcpu *v, struct kvm_fpu *f)
{
	memset(f, 0, sizeof(*f));
	memcpy(f->fpr, v->fx + 32, 128);
	memcpy(&f->fcw, v->fx + 0, 2);
	memcpy(&f->fsw, v->fx + 2, 2);
	f->ftwx = v->fx[4];
	memcpy(&f->last_opcode, v->fx + 6, 2);
	memcpy(&f->last_ip, v->fx + 8, 8);
	memcpy(&f->last_dp, v->fx + 16, 8);
	memcpy(f->xmm, v->fx + 160, 256);
	memcpy(&f->mxcsr, v->fx + 24, 4);
}

/* copy_uabi_to_xstate(): only the components in XSTATE_BV are copied. */
int hs_regs_set_xsave(struct hs_vcpu *v, const uint8_t *x)
{
	uint64_t bv, comp;
	uint32_t mxcsr;
	int i;

	memcpy(&bv, x + XSAVE_HDR, 8);
	memcpy(&comp, x + XSAVE_HDR + 8, 8);
	memcpy(&mxcsr, x + 24, 4);
	if ((bv & ~XFEATURES_USER) || comp)
		return -EINVAL;
	for (i = 16; i < 64; i++)
		if (x[XSAVE_HDR + i])
			return -EINVAL;
	if ((bv & (XFEATURE_FP | XFEATURE_SSE | XFEATURE_YMM)) && (mxcsr & ~MXCSR_MASK))
		return -EINVAL;
	if ((bv & (XFEATURE_SSE | XFEATURE_YMM)) && !(bv & XFEATURE_FP))
		memcpy(v->fx + 24, x + 24, 8);
	if (bv & XFEATURE_FP)
		memcpy(v->fx, x, 160);
	if (bv & XFEATURE_SSE)
		memcpy(v->fx + 160, x + 160, 256);
	if (bv & XFEATURE_YMM)
		memcpy(v->ymm, x + XSAVE_YMM, 256);
	if (bv & XFEATURE_PKRU)
		memcpy(&v->pkru, x + XSAVE_PKRU, 4);
	v->xfeatures = bv;
	return 0;
}

void hs_regs_get_xsave(const struct hs_vcpu *v, uint8_t *x)
{
	memset(x, 0, 4096);
	memcpy(x, v->fx, 512);
	memcpy(x + XSAVE_HDR, &v->xfeatures, 8);
	if (v->xfeatures & XFEATURE_YMM)
		memcpy(x + XSAVE_YMM, v->ymm, 256);
	memcpy(x + XSAVE_PKRU, &v->pkru, 4);
}

/* __kvm_set_xcr(): x87 always, AVX needs SSE, AVX-512 all or nothing and AVX. */
int hs_regs_set_xcr0(struct hs_vcpu *v, uint64_t xcr0)
{
	if (!(xcr0 & XFEATURE_FP) || (xcr0 & ~XFEATURES_USER) ||
	    ((xcr0 & XFEATURE_YMM) && !(xcr0 & XFEATURE_SSE)))
		return -EINVAL;
	if ((xcr0 & XFEATURE_AVX512) &&
	    ((xcr0 & XFEATURE_AVX512) != XFEATURE_AVX512 || !(xcr0 & XFEATURE_YMM)))
		return -EINVAL;
	v->xcr0 = xcr0;
	return 0;
}

static bool pat_valid(uint64_t pat)
{
	int i;

	for (i = 0; i < 8; i++) {
		unsigned int t = (pat >> (8 * i)) & 0xff;

		if (t != 0 && t != 1 && t != 4 && t != 5 && t != 6 && t != 7)
			return false;
	}
	return true;
}

/* The MSRs whose values live in the save area; others read 0, writes of 0 pass. */
static uint64_t *msr_slot(struct hs_vcpu *v, uint32_t index)
{
	static const struct {
		uint32_t index;
		size_t off;
	} msrs[] = {
		{ 0x174, offsetof(struct hs_vcpu, sysenter_cs) },
		{ 0x175, offsetof(struct hs_vcpu, sysenter_esp) },
		{ 0x176, offsetof(struct hs_vcpu, sysenter_eip) },
		{ 0x277, offsetof(struct hs_vcpu, pat) },
		{ 0xda0, offsetof(struct hs_vcpu, xss) },
		{ 0xc0000080, offsetof(struct hs_vcpu, efer) },
		{ 0xc0000081, offsetof(struct hs_vcpu, star) },
		{ 0xc0000082, offsetof(struct hs_vcpu, lstar) },
		{ 0xc0000083, offsetof(struct hs_vcpu, cstar) },
		{ 0xc0000084, offsetof(struct hs_vcpu, sfmask) },
		{ 0xc0000102, offsetof(struct hs_vcpu, kernel_gs_base) },
	};
	size_t i;

	for (i = 0; i < sizeof(msrs) / sizeof(msrs[0]); i++)
		if (msrs[i].index == index)
			return (uint64_t *)((char *)v + msrs[i].off);
	return NULL;
}

/* Returns whether the write was taken (KVM_SET_MSRS stops at the first refusal). */
bool hs_regs_set_msr(struct hs_vcpu *v, uint32_t index, uint64_t data)
{
	uint64_t *p = msr_slot(v, index);

	if (!p)
		return data == 0;
	if (index == 0x277 && !pat_valid(data))
		return false;
	*p = data;
	return true;
}

uint64_t hs_regs_get_msr(struct hs_vcpu *v, uint32_t index)
{
	uint64_t *p = msr_slot(v, index);

	return p ? *p : 0;
}
