// SPDX-License-Identifier: GPL-2.0-only
/* vCPU creation, CPUID, architectural reset state, KVM_RUN, register dumps. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#include "kvm/vcpu.h"
#include "kvm/vm.h"

#define CPUID_MAX_ENTRIES 256

int vcpu_enter(struct vcpu *vcpu)
{
	return ioctl(vcpu->fd, KVM_RUN, 0);
}

int vcpu_create(struct vcpu *vcpu, struct vm *vm, unsigned int id, struct lk_err *err)
{
	void *run;

	*vcpu = (struct vcpu){ .vm = vm, .id = id, .fd = -1 };
	vcpu->fd = ioctl(vm->fd, KVM_CREATE_VCPU, (unsigned long)id);
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

static int vm_fetch_cpuid(struct vm *vm, struct lk_err *err)
{
	struct kvm_cpuid2 *c;

	if (vm->cpuid)
		return 0;
	c = calloc(1, sizeof(*c) + CPUID_MAX_ENTRIES * sizeof(c->entries[0]));
	if (!c)
		return err_sys(err, "allocating the CPUID table");
	c->nent = CPUID_MAX_ENTRIES;
	if (ioctl(vm->host->fd, KVM_GET_SUPPORTED_CPUID, c)) {
		free(c);
		return err_sys(err, "KVM_GET_SUPPORTED_CPUID");
	}
	vm->cpuid = c;
	return 0;
}

int vcpu_set_cpuid(struct vcpu *vcpu, struct lk_err *err)
{
	struct kvm_cpuid2 *c;
	size_t size;
	uint32_t i;
	int r;

	if (vm_fetch_cpuid(vcpu->vm, err))
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
	r = ioctl(vcpu->fd, KVM_SET_CPUID2, c);
	free(c);
	if (r)
		return err_sys(err, "KVM_SET_CPUID2 on vCPU %u", vcpu->id);
	return 0;
}

int vcpu_reset_state(struct vcpu *vcpu, struct lk_err *err)
{
	struct kvm_sregs sregs;
	struct kvm_regs regs = { .rip = 0xfff0, .rflags = 0x2, .rdx = 0x600 };

	if (ioctl(vcpu->fd, KVM_GET_SREGS, &sregs))
		return err_sys(err, "KVM_GET_SREGS on vCPU %u", vcpu->id);
	sregs.cs.selector = 0xf000;
	sregs.cs.base = 0xffff0000;
	if (ioctl(vcpu->fd, KVM_SET_SREGS, &sregs))
		return err_sys(err, "KVM_SET_SREGS on vCPU %u", vcpu->id);
	if (ioctl(vcpu->fd, KVM_SET_REGS, &regs))
		return err_sys(err, "KVM_SET_REGS on vCPU %u", vcpu->id);
	return 0;
}

static void dump_seg(struct lk_err *err, const char *name, const struct kvm_segment *s)
{
	err_detail(err, "  %-3s sel 0x%04x base 0x%016llx limit 0x%08x type 0x%x dpl %u db %u l %u",
		   name, s->selector, (unsigned long long)s->base, s->limit, s->type,
		   s->dpl, s->db, s->l);
}

void vcpu_dump_regs(struct vcpu *vcpu, struct lk_err *err)
{
	struct kvm_regs r;
	struct kvm_sregs s;

	if (ioctl(vcpu->fd, KVM_GET_REGS, &r) || ioctl(vcpu->fd, KVM_GET_SREGS, &s)) {
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
