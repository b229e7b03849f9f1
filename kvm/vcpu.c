// SPDX-License-Identifier: GPL-2.0-only
/* vCPU creation, CPUID, architectural reset state, KVM_RUN, register dumps. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#include "kvm/trace.h"
#include "kvm/uapi.h"
#include "kvm/vcpu.h"
#include "kvm/vm.h"

#define CPUID_MAX_ENTRIES 256

int vcpu_enter(struct vcpu *vcpu)
{
	return kvm_ioctl(vcpu->fd, KVM_RUN, 0);
}

int vcpu_single_step(struct vcpu *vcpu, bool on, struct lk_err *err)
{
	struct kvm_guest_debug dbg = {
		.control = on ? KVM_GUESTDBG_ENABLE | KVM_GUESTDBG_SINGLESTEP : 0,
	};

	if (kvm_ioctl(vcpu->fd, KVM_SET_GUEST_DEBUG, &dbg))
		return err_sys(err, "KVM_SET_GUEST_DEBUG on vCPU %u", vcpu->id);
	return 0;
}

int vcpu_create(struct vcpu *vcpu, struct vm *vm, unsigned int id, struct lk_err *err)
{
	void *run;

	*vcpu = (struct vcpu){ .vm = vm, .id = id, .fd = -1 };
	vcpu->fd = kvm_ioctl(vm->fd, KVM_CREATE_VCPU, (unsigned long)id);
	if (vcpu->fd < 0)
		return err_sys(err, "KVM_CREATE_VCPU %u", id);
	vcpu->run_size = (size_t)vm->host->vcpu_mmap_size;
	run = mmap(NULL, vcpu->run_size, PROT_READ | PROT_WRITE, MAP_SHARED, vcpu->fd, 0);
	if (run == MAP_FAILED)
		return err_sys(err, "mmap of vCPU %u's kvm_run", id);
	vcpu->run = run;
	return 0;
}

void vcpu_destroy(struct vcpu *vcpu)
{
	if (vcpu->run)
		munmap(vcpu->run, vcpu->run_size);
	if (vcpu->fd >= 0)
		close(vcpu->fd);
	vcpu->run = NULL;
	vcpu->fd = -1;
}

struct kvm_cpuid2 *vm_supported_cpuid(struct vm *vm, struct lk_err *err)
{
	struct kvm_cpuid2 *c;

	if (vm->cpuid)
		return vm->cpuid;
	c = calloc(1, sizeof(*c) + CPUID_MAX_ENTRIES * sizeof(c->entries[0]));
	if (!c)
		return err_sys(err, "allocating the CPUID table"), NULL;
	c->nent = CPUID_MAX_ENTRIES;
	if (kvm_ioctl(vm->host->fd, KVM_GET_SUPPORTED_CPUID, c)) {
		free(c);
		return err_sys(err, "KVM_GET_SUPPORTED_CPUID"), NULL;
	}
	vm->cpuid = c;
	return c;
}

int vcpu_set_cpuid(struct vcpu *vcpu, struct lk_err *err)
{
	struct kvm_cpuid2 *c;
	size_t size;
	uint32_t i;
	int r;

	if (!vm_supported_cpuid(vcpu->vm, err))
		return -1;
	size = sizeof(*c) + vcpu->vm->cpuid->nent * sizeof(c->entries[0]);
	c = malloc(size);
	if (!c)
		return err_sys(err, "allocating vCPU %u's CPUID", vcpu->id);
	memcpy(c, vcpu->vm->cpuid, size);
	for (i = 0; i < c->nent; i++) {
		struct kvm_cpuid_entry2 *e = &c->entries[i];

		switch (e->function) {
		case 1:		/* initial APIC ID in EBX[31:24] */
			e->ebx = (e->ebx & 0x00ffffffu) | (vcpu->id << 24);
			break;
		case 0xb:	/* x2APIC ID in EDX, for every topology level */
		case 0x1f:
			e->edx = vcpu->id;
			break;
		}
	}
	r = kvm_ioctl(vcpu->fd, KVM_SET_CPUID2, c);
	free(c);
	if (r)
		return err_sys(err, "KVM_SET_CPUID2 on vCPU %u", vcpu->id);
	return 0;
}

int vcpu_reset_state(struct vcpu *vcpu, struct lk_err *err)
{
	struct kvm_sregs sregs;
	struct kvm_regs regs = { .rip = 0xfff0, .rflags = 0x2, .rdx = 0x600 };

	if (kvm_ioctl(vcpu->fd, KVM_GET_SREGS, &sregs))
		return err_sys(err, "KVM_GET_SREGS on vCPU %u", vcpu->id);
	sregs.cs.selector = 0xf000;
	sregs.cs.base = 0xffff0000;
	if (kvm_ioctl(vcpu->fd, KVM_SET_SREGS, &sregs))
		return err_sys(err, "KVM_SET_SREGS on vCPU %u", vcpu->id);
	if (kvm_ioctl(vcpu->fd, KVM_SET_REGS, &regs))
		return err_sys(err, "KVM_SET_REGS on vCPU %u", vcpu->id);
	return 0;
}

static struct kvm_segment reset_seg(uint16_t sel, uint64_t base, uint8_t type, uint8_t s)
{
	return (struct kvm_segment){ .selector = sel, .base = base, .limit = 0xffff,
				     .type = type, .s = s, .present = 1 };
}

/* Segments and control registers of QEMU's reset: KVM encodes them into the VMSA. */
static int sev_reset_sregs(struct vcpu *vcpu, uint32_t reset_addr, struct lk_err *err)
{
	struct kvm_sregs s;

	if (kvm_ioctl(vcpu->fd, KVM_GET_SREGS, &s))
		return err_sys(err, "KVM_GET_SREGS on vCPU %u", vcpu->id);
	s.cs = reset_seg(0xf000, reset_addr ? reset_addr & 0xffff0000u : 0xffff0000u, 11, 1);
	s.ds = s.es = s.fs = s.gs = s.ss = reset_seg(0, 0, 3, 1);
	s.tr = reset_seg(0, 0, 11, 0);		/* busy 32-bit TSS: attrib 0x8b */
	s.ldt = reset_seg(0, 0, 2, 0);		/* attrib 0x82 */
	s.gdt.base = s.idt.base = 0;
	s.gdt.limit = s.idt.limit = 0xffff;
	s.cr0 = 0x60000010;
	s.cr2 = s.cr3 = s.cr4 = s.efer = 0;
	if (kvm_ioctl(vcpu->fd, KVM_SET_SREGS, &s))
		return err_sys(err, "KVM_SET_SREGS on vCPU %u", vcpu->id);
	return 0;
}

/* FCW 0x37f, MXCSR 0x1f80 (KVM_SET_FPU ignores MXCSR, so XSAVE), XCR0 1. */
static int sev_reset_fpu(struct vcpu *vcpu, bool fpu, struct lk_err *err)
{
	struct kvm_xcrs xcrs = { .nr_xcrs = 1, .xcrs = { { .xcr = 0, .value = 1 } } };
	struct kvm_xsave x = { 0 };
	uint8_t *p = (uint8_t *)x.region;
	uint16_t fcw = 0x37f;
	uint32_t mxcsr = 0x1f80;
	uint64_t bv = 3;	/* x87 and SSE components present */

	memcpy(p, &fcw, 2);
	memcpy(p + 24, &mxcsr, 4);
	memcpy(p + 512, &bv, 8);
	if (fpu && kvm_ioctl(vcpu->fd, KVM_SET_XSAVE, &x))
		return err_sys(err, "KVM_SET_XSAVE on vCPU %u", vcpu->id);
	if (kvm_ioctl(vcpu->fd, KVM_SET_XCRS, &xcrs))
		return err_sys(err, "KVM_SET_XCRS on vCPU %u", vcpu->id);
	return 0;
}

int vcpu_sev_reset_state(struct vcpu *vcpu, uint32_t reset_addr, uint32_t cpu_sig,
			 bool fpu, struct lk_err *err)
{
	struct kvm_regs regs = { .rflags = 0x2, .rdx = cpu_sig,
				 .rip = reset_addr ? reset_addr & 0xffff : 0xfff0 };
	struct kvm_debugregs dr = { .dr6 = 0xffff0ff0, .dr7 = 0x400 };
	struct {
		struct kvm_msrs m;
		struct kvm_msr_entry e[1];
	} msrs = { .m.nmsrs = 1, .e = { { .index = LK_MSR_IA32_CR_PAT,
					   .data = LK_PAT_DEFAULT } } };

	if (sev_reset_sregs(vcpu, reset_addr, err))
		return -1;
	if (kvm_ioctl(vcpu->fd, KVM_SET_REGS, &regs))
		return err_sys(err, "KVM_SET_REGS on vCPU %u", vcpu->id);
	if (kvm_ioctl(vcpu->fd, KVM_SET_DEBUGREGS, &dr))
		return err_sys(err, "KVM_SET_DEBUGREGS on vCPU %u", vcpu->id);
	if (kvm_ioctl(vcpu->fd, KVM_SET_MSRS, &msrs) != 1)
		return err_sys(err, "KVM_SET_MSRS (PAT) on vCPU %u", vcpu->id);
	return sev_reset_fpu(vcpu, fpu, err);
}

static void dump_seg(struct lk_err *err, const char *name, const struct kvm_segment *s)
{
	err_detail(err, "  %-3s sel 0x%04x base 0x%016llx limit 0x%08x type 0x%x dpl %u db %u l %u",
		   name, s->selector, (unsigned long long)s->base, s->limit, s->type,
		   s->dpl, s->db, s->l);
}

int vcpu_get_regs(struct vcpu *vcpu, struct kvm_regs *regs)
{
	return kvm_ioctl(vcpu->fd, KVM_GET_REGS, regs) ? -1 : 0;
}

void vcpu_dump_regs(struct vcpu *vcpu, struct lk_err *err)
{
	struct kvm_regs r;
	struct kvm_sregs s;

	if (vcpu_get_regs(vcpu, &r) || kvm_ioctl(vcpu->fd, KVM_GET_SREGS, &s)) {
		err_detail(err, "  (vCPU %u's registers are not readable: %s)", vcpu->id,
			   strerror(errno));
		return;
	}
	err_detail(err, "vCPU %u registers:", vcpu->id);
	err_detail(err, "  rip 0x%016llx rsp 0x%016llx rflags 0x%08llx",
		   r.rip, r.rsp, r.rflags);
	err_detail(err, "  rax 0x%016llx rbx 0x%016llx rcx 0x%016llx rdx 0x%016llx",
		   r.rax, r.rbx, r.rcx, r.rdx);
	err_detail(err, "  rsi 0x%016llx rdi 0x%016llx rbp 0x%016llx", r.rsi, r.rdi, r.rbp);
	err_detail(err, "  r8  0x%016llx r9  0x%016llx r10 0x%016llx r11 0x%016llx",
		   r.r8, r.r9, r.r10, r.r11);
	err_detail(err, "  r12 0x%016llx r13 0x%016llx r14 0x%016llx r15 0x%016llx",
		   r.r12, r.r13, r.r14, r.r15);
	dump_seg(err, "cs", &s.cs);
	dump_seg(err, "ds", &s.ds);
	dump_seg(err, "ss", &s.ss);
	err_detail(err, "  cr0 0x%llx cr2 0x%llx cr3 0x%llx cr4 0x%llx efer 0x%llx",
		   s.cr0, s.cr2, s.cr3, s.cr4, s.efer);
	err_detail(err, "  gdt base 0x%llx limit 0x%x  idt base 0x%llx limit 0x%x",
		   (unsigned long long)s.gdt.base, s.gdt.limit,
		   (unsigned long long)s.idt.base, s.idt.limit);
}
