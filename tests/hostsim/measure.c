// SPDX-License-Identifier: GPL-2.0-only
/*
 * What the simulated secure processor measures: the SEV/SEV-ES launch digest
 * (SHA-256 of the measured bytes in call order), the SNP launch digest (the
 * SHA-384 chain of PAGE_INFO records, SEV-KVM-API.md §4.3 and
 * ../shared/vectors/README.md), the VMSA pages KVM builds from a vCPU's state
 * (sev_es_sync_vmsa(), §4.2, §5.1, §5.3), and the LAUNCH_MEASURE blob.
 *
 * lkvm-sev's sev/ computes the same chains and lays out the same VMSA. The
 * repetition is deliberate: this copy models the kernel and the firmware and
 * must not share code with the VMM it checks, so that one cannot hide the
 * other's mistake.
 */
#include <fcntl.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <nettle/hmac.h>

#include "tests/hostsim/hostsim.h"

/*
 * The fixed test keys of this simulator (README.md): the guest's transport
 * integrity key (TIK) that LAUNCH_MEASURE's HMAC uses, and its MNONCE.
 */
static const uint8_t test_tik[16] = "hostsim-test-tik";
static const uint8_t test_mnonce[16] = "hostsim-mnonce-0";

void hs_measure_init(struct hs_vm *vm)
{
	sha256_init(&vm->digest.sha256);
	memset(vm->digest.snp, 0, sizeof(vm->digest.snp));
	vm->digest.pages = 0;
}

void hs_measure_sev(struct hs_vm *vm, const void *data, size_t len)
{
	sha256_update(&vm->digest.sha256, len, data);
	vm->digest.pages += (len + HS_PAGE_SIZE - 1) / HS_PAGE_SIZE;
}

/*
 * One SNP_LAUNCH_UPDATE page: SHA-384 of PAGE_INFO = digest so far (48) |
 * contents (48: SHA-384 of the page for NORMAL and VMSA, zeros otherwise) |
 * u16 0x70 | u8 page type | u8 IMI 0 | VMPL3..1 permissions and reserved 0 |
 * u64 GPA.
 */
void hs_measure_snp_page(struct hs_vm *vm, const uint8_t *page, uint8_t type, uint64_t gpa)
{
	struct sha512_ctx ctx;
	uint8_t info[0x70] = { 0 };
	int i;

	memcpy(info, vm->digest.snp, 48);
	if (type == HS_SNP_PAGE_NORMAL || type == HS_SNP_PAGE_VMSA) {
		sha384_init(&ctx);
		sha384_update(&ctx, HS_PAGE_SIZE, page);
		sha384_digest(&ctx, 48, info + 48);
	}
	info[96] = 0x70;
	info[98] = type;
	for (i = 0; i < 8; i++)
		info[104 + i] = (uint8_t)(gpa >> (8 * i));
	sha384_init(&ctx);
	sha384_update(&ctx, sizeof(info), info);
	sha384_digest(&ctx, 48, vm->digest.snp);
	vm->digest.pages++;
}

int hs_measure_hex(const struct hs_vm *vm, char *out)
{
	struct sha256_ctx copy = vm->digest.sha256;
	uint8_t d[32];

	if (vm->snp) {
		hs_hex(out, vm->digest.snp, 48);
		return 48;
	}
	sha256_digest(&copy, sizeof(d), d);
	hs_hex(out, d, sizeof(d));
	return 32;
}

/* SEV API LAUNCH_MEASURE: HMAC(0x04 | API major, minor | build | policy | digest | mnonce). */
void hs_measure_blob(const struct hs_vm *vm, uint8_t blob[48])
{
	struct sha256_ctx copy = vm->digest.sha256;
	struct hmac_sha256_ctx h;
	uint8_t d[32], hdr[8];

	sha256_digest(&copy, sizeof(d), d);
	hdr[0] = 0x04;
	hdr[1] = hs_cfg.api_major;
	hdr[2] = hs_cfg.api_minor;
	hdr[3] = hs_cfg.build;
	memcpy(hdr + 4, &vm->policy, 4);	/* little-endian, as the firmware reads it */
	hmac_sha256_set_key(&h, sizeof(test_tik), test_tik);
	hmac_sha256_update(&h, sizeof(hdr), hdr);
	hmac_sha256_update(&h, sizeof(d), d);
	hmac_sha256_update(&h, sizeof(test_mnonce), test_mnonce);
	hmac_sha256_digest(&h, 32, blob);
	memcpy(blob + 32, test_mnonce, sizeof(test_mnonce));
}

/* §4.2: KVM refuses to encrypt a VMSA with guest debug on or DR7 other than 0x400. */
int hs_vmsa_sync_check(const struct hs_vcpu *v)
{
	return v->guest_debug || (v->dr7 & ~0x400ULL) ? -1 : 0;
}

static void vmsa_fpu(const struct hs_vcpu *v, struct hs_vmsa *s)
{
	uint8_t *p = (uint8_t *)s;
	int i;

	/* The FXSAVE image's fields, at the VMSA's (packed) offsets. */
	memcpy(p + offsetof(struct hs_vmsa, x87_dp), v->fx + 16, 8);
	memcpy(p + offsetof(struct hs_vmsa, mxcsr), v->fx + 24, 4);
	memcpy(p + offsetof(struct hs_vmsa, x87_ftw), v->fx + 4, 2);
	memcpy(p + offsetof(struct hs_vmsa, x87_fsw), v->fx + 2, 2);
	memcpy(p + offsetof(struct hs_vmsa, x87_fcw), v->fx + 0, 2);
	memcpy(p + offsetof(struct hs_vmsa, x87_fop), v->fx + 6, 2);
	memcpy(p + offsetof(struct hs_vmsa, x87_rip), v->fx + 8, 8);
	/* Bytes 0-7 of each register, then bytes 8-9 of each (sev_es_sync_vmsa). */
	for (i = 0; i < 8; i++) {
		memcpy(s->fpreg_x87 + 8 * i, v->fx + 32 + 16 * i, 8);
		memcpy(s->fpreg_x87 + 64 + 2 * i, v->fx + 32 + 16 * i + 8, 2);
	}
	memcpy(s->fpreg_xmm, v->fx + 160, 256);
	if (v->xfeatures & 4)	/* get_xsave_addr(YMM) is NULL while YMM is in init state */
		memcpy(s->fpreg_ymm, v->ymm, 256);
}

/* sev_es_sync_vmsa() syncs the GPRs and RIP from KVM's register cache. */
static void vmsa_gprs(const struct kvm_regs *r, struct hs_vmsa *s)
{
	s->rip = r->rip;
	s->rsp = r->rsp;
	s->rax = r->rax;
	s->rbx = r->rbx;
	s->rcx = r->rcx;
	s->rdx = r->rdx;
	s->rbp = r->rbp;
	s->rsi = r->rsi;
	s->rdi = r->rdi;
	s->r8 = r->r8;
	s->r9 = r->r9;
	s->r10 = r->r10;
	s->r11 = r->r11;
	s->r12 = r->r12;
	s->r13 = r->r13;
	s->r14 = r->r14;
	s->r15 = r->r15;
}

/*
 * sev_es_sync_vmsa(): the VMCB save area as KVM built it from the VMM's
 * register state, then the GPRs, XCR0, PKRU, XSS, DR6 and the VM's features;
 * the FPU only for VM types other than DEFAULT (legacy KVM_SEV_ES_INIT).
 */
void hs_vmsa_build(const struct hs_vcpu *v, uint8_t page[4096])
{
	struct hs_vmsa *s = (struct hs_vmsa *)page;
	const struct kvm_regs *r = &v->regs;
	uint64_t cr0, cr4, efer;

	memset(page, 0, 4096);
	s->es = v->seg[0];
	s->cs = v->seg[1];
	s->ss = v->seg[2];
	s->ds = v->seg[3];
	s->fs = v->seg[4];
	s->gs = v->seg[5];
	s->tr = v->seg[6];
	s->ldtr = v->seg[7];
	s->gdtr = v->gdtr;
	s->idtr = v->idtr;
	s->cpl = v->cpl;
	hs_regs_hw(v, &cr0, &cr4, &efer);
	s->cr0 = cr0;
	s->cr4 = cr4;
	s->efer = efer;
	s->cr3 = v->cr3;
	s->dr7 = v->dr7;
	s->dr6 = v->dr6;
	s->rflags = r->rflags;
	vmsa_gprs(r, s);
	s->star = v->star;
	s->lstar = v->lstar;
	s->cstar = v->cstar;
	s->sfmask = v->sfmask;
	s->kernel_gs_base = v->kernel_gs_base;
	s->sysenter_cs = v->sysenter_cs;
	s->sysenter_esp = v->sysenter_esp;
	s->sysenter_eip = v->sysenter_eip;
	s->g_pat = v->pat;
	s->xcr0 = v->xcr0;
	s->pkru = v->pkru;
	s->xss = v->xss;
	s->sev_features = v->vm->vmsa_features;
	if (v->vm->type != HS_VM_DEFAULT)
		vmsa_fpu(v, s);
}

/* HOSTSIM_VMSA_DIR: each VMSA as measured, for byte-for-byte checks. */
void hs_vmsa_dump(const struct hs_vm *vm, const char *name, const uint8_t page[4096])
{
	char path[4096];
	int fd;

	if (!hs_cfg.vmsa_dir)
		return;
	snprintf(path, sizeof(path), "%s/vm%u-%s.bin", hs_cfg.vmsa_dir, vm->id, name);
	fd = hs_real_open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC);
	if (fd < 0)
		return;
	if (write(fd, page, 4096) != 4096)
		fprintf(stderr, "hostsim: short write to %s\n", path);
	hs_real_close(fd);
}
