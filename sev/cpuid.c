// SPDX-License-Identifier: GPL-2.0-only
/* The SEV vCPU model's CPUID and the SNP CPUID page (SEV-KVM-API.md §7). */
#include <stdio.h>
#include <string.h>
#include <linux/kvm.h>

#include "sev/cpuid.h"

#define BIT(n)	(1u << (n))

/* §7.1: struct snp_cpuid_fn, 48 bytes, after a 16-byte header. */
struct snp_cpuid_fn {
	uint32_t eax_in, ecx_in;
	uint64_t xcr0_in, xss_in;
	uint32_t eax, ebx, ecx, edx;
	uint64_t reserved;
} __attribute__((packed));
_Static_assert(sizeof(struct snp_cpuid_fn) == 48, "snp_cpuid_fn size");

struct snp_cpuid_table {
	uint32_t count, reserved1;
	uint64_t reserved2;
	struct snp_cpuid_fn fn[SNP_CPUID_COUNT_MAX];
} __attribute__((packed));
_Static_assert(sizeof(struct snp_cpuid_table) == 3088, "snp_cpuid_table size");

uint32_t sev_cpuid_signature(const struct kvm_cpuid2 *c)
{
	uint32_t i;

	for (i = 0; i < c->nent; i++)
		if (c->entries[i].function == 1)
			return c->entries[i].eax;
	return 0;
}

void sev_cpuid_adjust(struct kvm_cpuid2 *c, uint32_t sig, bool snp)
{
	uint32_t i;

	for (i = 0; i < c->nent; i++) {
		struct kvm_cpuid_entry2 *e = &c->entries[i];

		if (e->function == 1)
			e->eax = sig;
		if (!snp)
			continue;
		/* sev_snp_mask_cpuid_features(): what the firmware would reject (§7.2). */
		if (e->function == 1)
			e->ecx &= ~BIT(24);			/* TSC_DEADLINE */
		if (e->function == 7 && e->index == 0) {
			e->ebx &= ~BIT(1);			/* TSC_ADJUST */
			e->edx &= ~(BIT(26) | BIT(27) | BIT(28) | BIT(29) | BIT(30) | BIT(31));
		}
		if (e->function == 0x80000008)
			e->ebx &= ~BIT(25);			/* VIRT_SSBD */
	}
}

int sev_cpuid_page(const struct kvm_cpuid2 *c, uint8_t *page, struct lk_err *err)
{
	struct snp_cpuid_table t = { 0 };
	uint32_t i;

	if (c->nent > SNP_CPUID_COUNT_MAX)
		return err_set(err, LK_EXIT_HOST, "KVM offers %u CPUID entries; the SNP CPUID "
			       "page holds at most %d", c->nent, SNP_CPUID_COUNT_MAX);
	for (i = 0; i < c->nent; i++) {
		const struct kvm_cpuid_entry2 *e = &c->entries[i];
		struct snp_cpuid_fn *f = &t.fn[i];

		f->eax_in = e->function;
		f->ecx_in = e->flags == KVM_CPUID_FLAG_SIGNIFCANT_INDEX ? e->index : 0;
		f->eax = e->eax;
		f->ebx = e->ebx;
		f->ecx = e->ecx;
		f->edx = e->edx;
		if (e->function == 1)
			f->ebx &= 0x00ffffffu;	/* vCPU 0's initial APIC ID */
		/* Guests size XSAVE areas themselves: QEMU's fixed values. */
		if (e->function == 0xd && e->index <= 1) {
			f->ebx = 0x240;
			f->xcr0_in = 1;
			f->xss_in = 0;
		}
	}
	t.count = c->nent;
	memset(page, 0, 4096);
	memcpy(page, &t, sizeof(t));
	return 0;
}

void sev_cpuid_diff(const uint8_t *given, const uint8_t *want, char *out, size_t size)
{
	struct snp_cpuid_table a, b;
	size_t n = 0;
	uint32_t i;

	memcpy(&a, given, sizeof(a));
	memcpy(&b, want, sizeof(b));
	out[0] = '\0';
	if (a.count != b.count)
		n += (size_t)snprintf(out, size, " count %u, expected %u;", a.count, b.count);
	for (i = 0; i < a.count && i < SNP_CPUID_COUNT_MAX && n < size; i++) {
		const struct snp_cpuid_fn *x = &a.fn[i], *y = &b.fn[i];

		if (x->eax == y->eax && x->ebx == y->ebx && x->ecx == y->ecx && x->edx == y->edx)
			continue;
		n += (size_t)snprintf(out + n, size - n, " leaf 0x%x.%u: %08x %08x %08x %08x, "
				      "expected %08x %08x %08x %08x;", x->eax_in, x->ecx_in,
				      x->eax, x->ebx, x->ecx, x->edx, y->eax, y->ebx, y->ecx,
				      y->edx);
	}
	if (n && n < size && out[n - 1] == ';')
		out[n - 1] = '\0';	/* a list, not a terminated sentence */
}
