// SPDX-License-Identifier: GPL-2.0-only
/*
 * VM descriptors: dispatch of VM-scoped ioctls (memory to mem.c, SEV to
 * sev.c), vCPU creation, KVM_ENABLE_CAP (hypercall exits, §3.4), the
 * irqchip and the other calls a VMM makes that the model only records, and
 * the per-VM summary line: digest, VM type, features, RO mode.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "tests/hostsim/hostsim.h"

#define KVM_MAX_VCPU_IDS	4096

static long create_vcpu(struct hs_vm *vm, unsigned long id, const char **why)
{
	struct hs_vcpu *vcpu;
	unsigned int i;

	*why = "vCPU id out of range or too many vCPUs";
	if (id >= KVM_MAX_VCPU_IDS || vm->nvcpus >= HS_MAX_VCPUS)
		return -EINVAL;
	for (i = 0; i < vm->nvcpus; i++)
		if (vm->vcpus[i]->id == id) {
			*why = "a vCPU with that id exists";
			return -EEXIST;
		}
	*why = NULL;
	vcpu = hs_vcpu_create(vm, (unsigned int)id);
	if (!vcpu)
		return -ENOMEM;
	vm->vcpus[vm->nvcpus++] = vcpu;
	vm->refs++;
	hs_register(vcpu->fd, HS_VCPU, vcpu);
	return vcpu->fd;
}

/* §3.4: KVM_CAP_EXIT_HYPERCALL takes only the bits KVM can forward. */
static long enable_cap(struct hs_vm *vm, unsigned long arg, struct hs_json *j, const char **why)
{
	struct kvm_enable_cap c;

	if (hs_copy_from_user(&c, arg, sizeof(c)))
		return -EFAULT;
	hs_json_obj(j, "args");
	hs_json_int(j, "cap", c.cap);
	hs_json_hex(j, "args0", c.args[0]);
	hs_json_end_obj(j);
	if (c.flags) {
		*why = "flags must be 0";
		return -EINVAL;
	}
	switch (c.cap) {
	case HS_CAP_EXIT_HYPERCALL:
		if (!hs_cfg.exit_hypercall || (c.args[0] & ~HS_EXIT_HYPERCALL_MASK)) {
			*why = "only KVM_HC_MAP_GPA_RANGE (1 << 12) can exit to userspace (§3.4)";
			return -EINVAL;
		}
		vm->hypercall_exits = c.args[0];
		return 0;
	case KVM_CAP_SPLIT_IRQCHIP:
		if (vm->irqchip || vm->nvcpus) {
			*why = "irqchip exists or vCPUs were created";
			return -EINVAL;
		}
		vm->irqchip = true;
		return 0;
	case KVM_CAP_X2APIC_API:
	case KVM_CAP_X86_DISABLE_EXITS:
	case KVM_CAP_MSR_PLATFORM_INFO:
	case KVM_CAP_EXCEPTION_PAYLOAD:
	case KVM_CAP_X86_USER_SPACE_MSR:
		return 0;
	default:
		*why = "capability not modelled as enable-able";
		return -EINVAL;
	}
}

static long create_irqchip(struct hs_vm *vm, const char **why)
{
	if (vm->irqchip) {
		*why = "irqchip already exists";
		return -EEXIST;
	}
	if (vm->nvcpus) {
		*why = "KVM_CREATE_IRQCHIP after KVM_CREATE_VCPU";
		return -EINVAL;
	}
	vm->irqchip = true;
	return 0;
}

/* Calls the model accepts without modelling: writes back zeros where KVM writes. */
static long accepted(unsigned long req, unsigned long arg)
{
	static char zeros[4096];

	if ((_IOC_DIR(req) & _IOC_READ) && _IOC_SIZE(req) &&
	    hs_copy_to_user(arg, zeros, _IOC_SIZE(req)))
		return -EFAULT;
	return 0;
}

static const struct hs_name vm_ioctls[] = {
	HS_NAME(KVM_CHECK_EXTENSION), HS_NAME(KVM_CREATE_VCPU), HS_NAME(KVM_ENABLE_CAP),
	HS_NAME(KVM_CREATE_IRQCHIP), HS_NAME(KVM_CREATE_PIT2), HS_NAME(KVM_SET_TSS_ADDR),
	HS_NAME(KVM_SET_IDENTITY_MAP_ADDR), HS_NAME(KVM_IRQ_LINE), HS_NAME(KVM_IRQ_LINE_STATUS),
	HS_NAME(KVM_SET_GSI_ROUTING), HS_NAME(KVM_IRQFD), HS_NAME(KVM_IOEVENTFD),
	HS_NAME(KVM_SET_CLOCK), HS_NAME(KVM_GET_CLOCK), HS_NAME(KVM_SET_BOOT_CPU_ID),
	HS_NAME(KVM_SIGNAL_MSI), HS_NAME(KVM_SET_TSC_KHZ), HS_NAME(KVM_GET_IRQCHIP),
	HS_NAME(KVM_SET_IRQCHIP), HS_NAME(KVM_GET_PIT2), HS_NAME(KVM_SET_PIT2),
	HS_NAME(KVM_REGISTER_COALESCED_MMIO),
};

static long vm_misc(struct hs_vm *vm, unsigned long req, unsigned long arg, struct hs_json *j,
		    const char **why)
{
	switch (req) {
	case KVM_CHECK_EXTENSION:
		hs_json_int(j, "cap", (long long)arg);
		return hs_check_extension(vm, (long)arg);
	case KVM_CREATE_VCPU:
		hs_json_int(j, "id", (long long)arg);
		return create_vcpu(vm, arg, why);
	case KVM_ENABLE_CAP:
		return enable_cap(vm, arg, j, why);
	case KVM_CREATE_IRQCHIP:
		return create_irqchip(vm, why);
	case KVM_CREATE_PIT2:
		*why = vm->irqchip ? NULL : "KVM_CREATE_PIT2 needs the in-kernel PIC";
		return vm->irqchip ? 0 : -ENOENT;
	case KVM_SET_BOOT_CPU_ID:
		*why = vm->nvcpus ? "vCPUs exist" : NULL;
		return vm->nvcpus ? -EBUSY : 0;
	default:
		return accepted(req, arg);
	}
}

long hs_vm_ioctl(struct hs_vm *vm, unsigned long req, unsigned long arg)
{
	const char *name = HS_NAME_OF(vm_ioctls, req, NULL), *why = NULL;
	struct hs_json j;
	char obj[16];
	long r;

	if (req == KVM_MEMORY_ENCRYPT_OP)
		return hs_sev_ioctl(vm, arg);
	r = hs_mem_ioctl(vm, req, arg);
	if (r != -HS_ENOIOCTLCMD)
		return r;
	snprintf(obj, sizeof(obj), "vm%u", vm->id);
	hs_json_begin(&j, obj, "ioctl", name ? name : "KVM_(unmodelled VM ioctl)");
	if (name) {
		r = vm_misc(vm, req, arg, &j, &why);
	} else {
		hs_json_hex(&j, "request", req);
		r = -ENOTTY;	/* kvm_arch_vm_ioctl()'s default */
	}
	hs_json_result(&j, r < 0 ? -1 : (int)r, (int)-r, 0, why);
	hs_json_emit(&j);
	return r;
}

static const char *ro_mode(const struct hs_vm *vm)
{
	if (vm->ro_memslot && vm->ro_mprotect)
		return "memslot+mprotect";
	if (vm->ro_memslot)
		return "memslot";
	return vm->ro_mprotect ? "mprotect" : "none";
}

static const char *init_name(const struct hs_vm *vm)
{
	if (!vm->active)
		return "none";
	if (vm->legacy)
		return vm->es ? "KVM_SEV_ES_INIT" : "KVM_SEV_INIT";
	return "KVM_SEV_INIT2";
}

static const char *state_name(const struct hs_vm *vm)
{
	static const char *const names[] = { "none", "launch-update", "launch-secret", "running" };

	return names[vm->state];
}

void hs_vm_summary(struct hs_vm *vm, const char *why)
{
	char obj[16], hex[97];
	struct hs_json j;

	if (vm->summarised)
		return;
	vm->summarised = true;
	hs_vm_observe_ro(vm);
	snprintf(obj, sizeof(obj), "vm%u", vm->id);
	hs_json_begin(&j, obj, "event", "summary");
	hs_json_str(&j, "at", why);
	hs_json_str(&j, "vm_type", hs_vm_type_name(vm->type));
	hs_json_str(&j, "init", init_name(vm));
	hs_json_hex(&j, "vmsa_features", vm->vmsa_features);
	hs_json_int(&j, "ghcb_version", vm->ghcb_version);
	hs_json_hex(&j, "policy", vm->snp ? vm->snp_policy : vm->policy);
	hs_json_str(&j, "launch_state", state_name(vm));
	hs_json_int(&j, "vcpus", vm->nvcpus);
	hs_json_str(&j, "ro_mode", ro_mode(vm));
	if (vm->direct_vmsa_gpa != ~0ULL)
		hs_json_hex(&j, "direct_vmsa_gpa", vm->direct_vmsa_gpa);
	if (vm->active) {
		hs_json_str(&j, "digest_alg", vm->snp ? "sha384" : "sha256");
		hs_json_int(&j, "measured_pages", (long long)vm->digest.pages);
		hs_measure_hex(vm, hex);
		hs_json_str(&j, "digest", hex);
	}
	hs_json_emit(&j);
}
