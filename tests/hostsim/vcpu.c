// SPDX-License-Identifier: GPL-2.0-only
/*
 * vCPU descriptors: creation (kvm_run in a shared memfd the VMM mmaps), the
 * register ioctls a VMM uses to set the reset state (regs.c keeps it), the
 * protected-state rule of §1.1 (after the VMSA is encrypted, types SEV-ES and
 * SNP refuse register access; a legacy default-type SEV-ES VM ignores it),
 * MP state, CPUID, and dispatch of KVM_RUN to script.c.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "tests/hostsim/hostsim.h"

#define MAX_IO_MSRS	256

struct hs_vcpu *hs_vcpu_create(struct hs_vm *vm, unsigned int id)
{
	struct hs_vcpu *v = calloc(1, sizeof(*v));
	void *run;

	if (!v)
		return NULL;
	v->fd = hs_new_fd("hostsim-vcpu", HS_VCPU_MMAP_SIZE, true);
	if (v->fd < 0) {
		free(v);
		return NULL;
	}
	run = hs_real_mmap(NULL, HS_VCPU_MMAP_SIZE, PROT_READ | PROT_WRITE, MAP_SHARED, v->fd, 0);
	if (run == MAP_FAILED) {
		hs_real_close(v->fd);
		free(v);
		return NULL;
	}
	v->run = run;
	v->id = id;
	v->index = vm->nvcpus;
	v->vm = vm;
	v->has_vmsa = true;
	/* kvm_arch_vcpu_create(): APs wait for INIT/SIPI when the LAPIC is in-kernel. */
	v->mp_state = vm->irqchip && id != 0 ? KVM_MP_STATE_UNINITIALIZED : KVM_MP_STATE_RUNNABLE;
	hs_regs_reset(v);
	return v;
}

/* §1.1: protected state is refused on SEV-ES/SNP types, ignored on legacy ES. */
static int protected_access(const struct hs_vcpu *v, bool *ignore, const char **why)
{
	*ignore = false;
	if (!v->protected)
		return 0;
	if (v->vm->type == HS_VM_SEV_ES || v->vm->type == HS_VM_SNP) {
		*why = "guest state is protected (after LAUNCH_UPDATE_VMSA / SNP_LAUNCH_FINISH)";
		return -EINVAL;
	}
	*ignore = true;
	return 0;
}

static long regs_ioctl(struct hs_vcpu *v, unsigned long req, unsigned long arg,
		       struct hs_json *j, const char **why)
{
	bool ignore;
	long r = protected_access(v, &ignore, why);
	struct kvm_regs regs;

	if (r)
		return r;
	if (req == KVM_GET_REGS)
		return hs_copy_to_user(arg, &v->regs, sizeof(v->regs));
	if (hs_copy_from_user(&regs, arg, sizeof(regs)))
		return -EFAULT;
	hs_json_obj(j, "args");
	hs_json_hex(j, "rip", regs.rip);
	hs_json_hex(j, "rflags", regs.rflags);
	hs_json_hex(j, "rdx", regs.rdx);
	hs_json_hex(j, "rsp", regs.rsp);
	hs_json_end_obj(j);
	if (!ignore) {
		v->regs = regs;
		v->regs.rflags |= 0x2;	/* X86_EFLAGS_FIXED */
	}
	return 0;
}

static long sregs_ioctl(struct hs_vcpu *v, unsigned long req, unsigned long arg,
			struct hs_json *j, const char **why)
{
	struct kvm_sregs s;
	bool ignore;
	long r = protected_access(v, &ignore, why);

	if (r)
		return r;
	if (req == KVM_GET_SREGS) {
		hs_regs_get_sregs(v, &s);
		return hs_copy_to_user(arg, &s, sizeof(s));
	}
	if (hs_copy_from_user(&s, arg, sizeof(s)))
		return -EFAULT;
	hs_json_obj(j, "args");
	hs_json_hex(j, "cs_selector", s.cs.selector);
	hs_json_hex(j, "cs_base", s.cs.base);
	hs_json_int(j, "cs_type", s.cs.type);
	hs_json_hex(j, "cr0", s.cr0);
	hs_json_hex(j, "cr4", s.cr4);
	hs_json_hex(j, "efer", s.efer);
	hs_json_end_obj(j);
	if (ignore)
		return 0;
	r = hs_regs_set_sregs(v, &s);
	if (r)
		*why = "inconsistent CR0/CR4/EFER (kvm_is_valid_sregs)";
	return r;
}

static long fpu_ioctl(struct hs_vcpu *v, unsigned long req, unsigned long arg,
		      struct hs_json *j, const char **why)
{
	struct kvm_fpu f;
	bool ignore;
	long r = protected_access(v, &ignore, why);

	if (r)
		return r;
	if (req == KVM_GET_FPU) {
		hs_regs_get_fpu(v, &f);
		return hs_copy_to_user(arg, &f, sizeof(f));
	}
	if (hs_copy_from_user(&f, arg, sizeof(f)))
		return -EFAULT;
	hs_json_obj(j, "args");
	hs_json_hex(j, "fcw", f.fcw);
	hs_json_end_obj(j);
	if (!ignore)
		hs_regs_set_fpu(v, &f);
	return 0;
}

static long xsave_ioctl(struct hs_vcpu *v, unsigned long req, unsigned long arg,
			struct hs_json *j, const char **why)
{
	uint8_t x[4096];
	uint64_t bv;
	uint16_t fcw;
	uint32_t mxcsr;
	bool ignore;
	long r = protected_access(v, &ignore, why);

	if (r)
		return r;
	if (req == KVM_GET_XSAVE) {
		hs_regs_get_xsave(v, x);
		return hs_copy_to_user(arg, x, sizeof(x));
	}
	if (hs_copy_from_user(x, arg, sizeof(x)))
		return -EFAULT;
	memcpy(&bv, x + 512, 8);
	memcpy(&fcw, x, 2);
	memcpy(&mxcsr, x + 24, 4);
	hs_json_obj(j, "args");
	hs_json_hex(j, "xstate_bv", bv);
	hs_json_hex(j, "fcw", fcw);
	hs_json_hex(j, "mxcsr", mxcsr);
	hs_json_end_obj(j);
	if (ignore)
		return 0;
	r = hs_regs_set_xsave(v, x);
	if (r)
		*why = "XSTATE_BV, XCOMP_BV, reserved header bytes or MXCSR not acceptable";
	return r;
}

static long xcrs_ioctl(struct hs_vcpu *v, unsigned long req, unsigned long arg,
		       struct hs_json *j, const char **why)
{
	struct kvm_xcrs x;
	bool ignore;
	long r = protected_access(v, &ignore, why);
	uint32_t i;

	if (r)
		return r;
	if (req == KVM_GET_XCRS) {
		memset(&x, 0, sizeof(x));
		x.nr_xcrs = 1;
		x.xcrs[0].value = v->xcr0;
		return hs_copy_to_user(arg, &x, sizeof(x));
	}
	if (hs_copy_from_user(&x, arg, sizeof(x)))
		return -EFAULT;
	if (x.nr_xcrs > KVM_MAX_XCRS || x.flags) {
		*why = "too many XCRs or flags set";
		return -EINVAL;
	}
	for (i = 0; i < x.nr_xcrs; i++) {
		if (x.xcrs[i].xcr != 0)
			continue;
		hs_json_hex(j, "xcr0", x.xcrs[i].value);
		r = ignore ? 0 : hs_regs_set_xcr0(v, x.xcrs[i].value);
		if (r)
			*why = "XCR0 not valid for this guest (__kvm_set_xcr)";
		break;
	}
	return r;
}

static long msrs_ioctl(struct hs_vcpu *v, unsigned long req, unsigned long arg,
		       struct hs_json *j)
{
	struct kvm_msrs m;
	struct kvm_msr_entry e;
	uint32_t i;

	if (hs_copy_from_user(&m, arg, sizeof(m)))
		return -EFAULT;
	if (m.nmsrs >= MAX_IO_MSRS)
		return -E2BIG;
	hs_json_int(j, "nmsrs", m.nmsrs);
	for (i = 0; i < m.nmsrs; i++) {
		uint64_t ua = arg + sizeof(m) + i * sizeof(e);

		if (hs_copy_from_user(&e, ua, sizeof(e)))
			return -EFAULT;
		if (req == KVM_SET_MSRS && !hs_regs_set_msr(v, e.index, e.data))
			break;
		if (req == KVM_GET_MSRS) {
			e.data = hs_regs_get_msr(v, e.index);
			if (hs_copy_to_user(ua, &e, sizeof(e)))
				return -EFAULT;
		}
	}
	return i;
}

static long cpuid_ioctl(struct hs_vcpu *v, unsigned long req, unsigned long arg,
			struct hs_json *j)
{
	struct kvm_cpuid2 c;
	size_t esz = sizeof(struct kvm_cpuid_entry2);

	if (hs_copy_from_user(&c, arg, sizeof(c)))
		return -EFAULT;
	if (req == KVM_GET_CPUID2) {
		if (c.nent < (uint32_t)v->ncpuid)
			return -E2BIG;
		c.nent = (uint32_t)v->ncpuid;
		if (hs_copy_to_user(arg + sizeof(c), v->cpuid, c.nent * esz) ||
		    hs_copy_to_user(arg, &c, sizeof(c)))
			return -EFAULT;
		return 0;
	}
	hs_json_int(j, "nent", c.nent);
	if (c.nent > HS_MAX_CPUID)
		return -E2BIG;
	if (hs_copy_from_user(v->cpuid, arg + sizeof(c), c.nent * esz))
		return -EFAULT;
	v->ncpuid = (int)c.nent;
	return 0;
}

static long debugregs_ioctl(struct hs_vcpu *v, unsigned long req, unsigned long arg,
			    struct hs_json *j, const char **why)
{
	struct kvm_debugregs d;

	if (req == KVM_GET_DEBUGREGS) {
		memset(&d, 0, sizeof(d));
		d.dr6 = v->dr6;
		d.dr7 = v->dr7;
		return hs_copy_to_user(arg, &d, sizeof(d));
	}
	if (hs_copy_from_user(&d, arg, sizeof(d)))
		return -EFAULT;
	hs_json_hex(j, "dr6", d.dr6);
	hs_json_hex(j, "dr7", d.dr7);
	if (d.flags || d.dr6 >> 32 || d.dr7 >> 32) {
		*why = "flags set or DR6/DR7 above 32 bits";
		return -EINVAL;
	}
	if (!v->protected) {
		v->dr6 = d.dr6;
		v->dr7 = d.dr7;
	}
	return 0;
}

static long mp_state_ioctl(struct hs_vcpu *v, unsigned long req, unsigned long arg,
			   struct hs_json *j, const char **why)
{
	struct kvm_mp_state m = { .mp_state = v->mp_state };

	if (req == KVM_GET_MP_STATE)
		return hs_copy_to_user(arg, &m, sizeof(m));
	if (hs_copy_from_user(&m, arg, sizeof(m)))
		return -EFAULT;
	hs_json_int(j, "mp_state", m.mp_state);
	if (m.mp_state > KVM_MP_STATE_SUSPENDED ||
	    (!v->vm->irqchip && m.mp_state != KVM_MP_STATE_RUNNABLE)) {
		*why = "unknown state, or not RUNNABLE without an in-kernel LAPIC";
		return -EINVAL;
	}
	v->mp_state = m.mp_state;
	return 0;
}

static long lapic_ioctl(struct hs_vcpu *v, unsigned long req, unsigned long arg,
			const char **why)
{
	if (!v->vm->irqchip) {
		*why = "no in-kernel LAPIC";
		return -EINVAL;
	}
	if (req == KVM_GET_LAPIC)
		return hs_copy_to_user(arg, v->lapic, sizeof(v->lapic));
	return hs_copy_from_user(v->lapic, arg, sizeof(v->lapic));
}

static long guest_debug_ioctl(struct hs_vcpu *v, unsigned long arg, struct hs_json *j)
{
	struct kvm_guest_debug d;

	if (hs_copy_from_user(&d, arg, sizeof(d)))
		return -EFAULT;
	hs_json_hex(j, "control", d.control);
	v->guest_debug = (d.control & KVM_GUESTDBG_ENABLE) ? d.control : 0;
	return 0;
}

/* §3.2: SNP VMs may pre-fault only after SNP_LAUNCH_FINISH. */
static long pre_fault_ioctl(struct hs_vcpu *v, unsigned long arg, struct hs_json *j,
			    const char **why)
{
	uint64_t p[8];

	if (hs_copy_from_user(p, arg, sizeof(p)))
		return -EFAULT;
	hs_json_hex(j, "gpa", p[0]);
	hs_json_hex(j, "size", p[1]);
	if (p[2] || !HS_PAGE_ALIGNED(p[0]) || !HS_PAGE_ALIGNED(p[1]) || !p[1]) {
		*why = "flags set, or range empty or unaligned";
		return -EINVAL;
	}
	if (v->vm->snp && v->vm->state != HS_GUEST_RUNNING) {
		*why = "pre-faulting is not allowed before SNP_LAUNCH_FINISH";
		return -EOPNOTSUPP;
	}
	if (!hs_slot_at(v->vm, p[0])) {
		*why = "no memory slot there";
		return -ENOENT;
	}
	p[0] += p[1];
	p[1] = 0;
	return hs_copy_to_user(arg, p, sizeof(p));
}

static const struct hs_name vcpu_ioctls[] = {
	HS_NAME(KVM_GET_REGS), HS_NAME(KVM_SET_REGS), HS_NAME(KVM_GET_SREGS),
	HS_NAME(KVM_SET_SREGS), HS_NAME(KVM_GET_FPU), HS_NAME(KVM_SET_FPU),
	HS_NAME(KVM_GET_XSAVE), HS_NAME(KVM_SET_XSAVE), HS_NAME(KVM_GET_XCRS),
	HS_NAME(KVM_SET_XCRS), HS_NAME(KVM_GET_MSRS), HS_NAME(KVM_SET_MSRS),
	HS_NAME(KVM_GET_CPUID2), HS_NAME(KVM_SET_CPUID2), HS_NAME(KVM_GET_DEBUGREGS),
	HS_NAME(KVM_SET_DEBUGREGS), HS_NAME(KVM_GET_MP_STATE), HS_NAME(KVM_SET_MP_STATE),
	HS_NAME(KVM_GET_LAPIC), HS_NAME(KVM_SET_LAPIC), HS_NAME(KVM_SET_GUEST_DEBUG),
	{ HS_PRE_FAULT_MEMORY, "KVM_PRE_FAULT_MEMORY" }, HS_NAME(KVM_GET_VCPU_EVENTS),
	HS_NAME(KVM_SET_VCPU_EVENTS), HS_NAME(KVM_SET_SIGNAL_MASK),
	HS_NAME(KVM_TPR_ACCESS_REPORTING), HS_NAME(KVM_KVMCLOCK_CTRL), HS_NAME(KVM_SET_TSC_KHZ),
	HS_NAME(KVM_GET_TSC_KHZ), HS_NAME(KVM_NMI),
};

static long vcpu_dispatch(struct hs_vcpu *v, unsigned long req, unsigned long arg,
			  struct hs_json *j, const char **why)
{
	static char zeros[4096];

	switch (req) {
	case KVM_GET_REGS:
	case KVM_SET_REGS:
		return regs_ioctl(v, req, arg, j, why);
	case KVM_GET_SREGS:
	case KVM_SET_SREGS:
		return sregs_ioctl(v, req, arg, j, why);
	case KVM_GET_FPU:
	case KVM_SET_FPU:
		return fpu_ioctl(v, req, arg, j, why);
	case KVM_GET_XSAVE:
	case KVM_SET_XSAVE:
		return xsave_ioctl(v, req, arg, j, why);
	case KVM_GET_XCRS:
	case KVM_SET_XCRS:
		return xcrs_ioctl(v, req, arg, j, why);
	case KVM_GET_MSRS:
	case KVM_SET_MSRS:
		return msrs_ioctl(v, req, arg, j);
	case KVM_GET_CPUID2:
	case KVM_SET_CPUID2:
		return cpuid_ioctl(v, req, arg, j);
	case KVM_GET_DEBUGREGS:
	case KVM_SET_DEBUGREGS:
		return debugregs_ioctl(v, req, arg, j, why);
	case KVM_GET_MP_STATE:
	case KVM_SET_MP_STATE:
		return mp_state_ioctl(v, req, arg, j, why);
	case KVM_GET_LAPIC:
	case KVM_SET_LAPIC:
		return lapic_ioctl(v, req, arg, why);
	case KVM_SET_GUEST_DEBUG:
		return guest_debug_ioctl(v, arg, j);
	case HS_PRE_FAULT_MEMORY:
		return pre_fault_ioctl(v, arg, j, why);
	case KVM_GET_TSC_KHZ:
		return 2600000;
	default:	/* recorded, not modelled: KVM writes zeros where it writes */
		if ((_IOC_DIR(req) & _IOC_READ) && _IOC_SIZE(req) &&
		    hs_copy_to_user(arg, zeros, _IOC_SIZE(req)))
			return -EFAULT;
		return 0;
	}
}

long hs_vcpu_ioctl(struct hs_vcpu *v, unsigned long req, unsigned long arg)
{
	const char *name = HS_NAME_OF(vcpu_ioctls, req, NULL), *why = NULL;
	struct hs_json j;
	char obj[32];
	long r;

	if (req == KVM_RUN)
		return hs_vcpu_run(v);
	snprintf(obj, sizeof(obj), "vm%u/vcpu%u", v->vm->id, v->id);
	hs_json_begin(&j, obj, "ioctl", name ? name : "KVM_(unmodelled vCPU ioctl)");
	if (name) {
		r = vcpu_dispatch(v, req, arg, &j, &why);
	} else {
		hs_json_hex(&j, "request", req);
		r = -EINVAL;	/* kvm_arch_vcpu_ioctl()'s default */
	}
	hs_json_result(&j, r < 0 ? -1 : (int)r, (int)-r, 0, why);
	hs_json_emit(&j);
	return r;
}
