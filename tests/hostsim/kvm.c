// SPDX-License-Identifier: GPL-2.0-only
/*
 * /dev/kvm and VM descriptors of the simulated host: system ioctls, the
 * capabilities (per VM where KVM answers per VM, §1.2, §1.4), the SEV device
 * attributes (§1.3), VM creation by type (§1.1), vCPU creation, irqchip and
 * the VM-scoped calls a VMM makes around them, and the per-VM summary line.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tests/hostsim/hostsim.h"

#define KVM_MAX_VCPU_IDS	4096

const char *hs_vm_type_name(unsigned long type)
{
	static const char *const names[] = { "default", "sw-protected", "sev", "sev-es", "snp" };

	return type < HS_VM_TYPE_MAX ? names[type] : "?";
}

static bool protected_type(const struct hs_vm *vm)
{
	return vm->type == HS_VM_SEV_ES || vm->type == HS_VM_SNP;
}

bool hs_vm_readonly_cap(const struct hs_vm *vm)
{
	switch (hs_cfg.ro_model) {
	case HS_RO_NONE:
		return false;
	case HS_RO_PER_VM:
		return !vm || !protected_type(vm);
	default:
		return true;
	}
}

bool hs_vm_readonly_slots(const struct hs_vm *vm)
{
	switch (hs_cfg.ro_model) {
	case HS_RO_NONE:
		return false;
	case HS_RO_ALL:
		return true;
	default:	/* kvm_arch_has_readonly_mem() = !has_protected_state (§1.4) */
		return !protected_type(vm);
	}
}

/* KVM_CHECK_EXTENSION on /dev/kvm (vm == NULL) or on a VM fd. */
long hs_check_extension(const struct hs_vm *vm, long cap)
{
	if (hs_cfg.direct_vmsa && cap == hs_cfg.direct_vmsa_cap)
		return 1;
	switch (cap) {
	case KVM_CAP_READONLY_MEM:
		return hs_vm_readonly_cap(vm);
	case HS_CAP_VM_TYPES:
		return hs_cfg.vm_types;
	case HS_CAP_USER_MEMORY2:
	case HS_CAP_MEMORY_FAULT_INFO:
	case HS_CAP_PRE_FAULT_MEMORY:
		return 1;
	case HS_CAP_MEMORY_ATTRIBUTES:
		return (long)hs_vm_mem_attrs(vm);
	case HS_CAP_GUEST_MEMFD:
		return hs_vm_gmem_slots(vm);
	case HS_CAP_EXIT_HYPERCALL:
		return hs_cfg.exit_hypercall ? (long)HS_EXIT_HYPERCALL_MASK : 0;
	case KVM_CAP_NR_VCPUS:
		return 64;
	case KVM_CAP_MAX_VCPUS:
		return HS_MAX_VCPUS;
	case KVM_CAP_MAX_VCPU_ID:
		return KVM_MAX_VCPU_IDS;
	case KVM_CAP_NR_MEMSLOTS:
		return 32764;
	case KVM_CAP_COALESCED_MMIO:
		return 2;	/* the ring's page offset in the vCPU mapping */
	case KVM_CAP_X86_SMM:	/* SEV-ES guests have no SMM */
		return !vm || !(vm->es || protected_type(vm));
	case KVM_CAP_IRQCHIP: case KVM_CAP_HLT: case KVM_CAP_USER_MEMORY:
	case KVM_CAP_SET_TSS_ADDR: case KVM_CAP_EXT_CPUID: case KVM_CAP_MP_STATE:
	case KVM_CAP_SYNC_MMU: case KVM_CAP_IOEVENTFD: case KVM_CAP_PIT2:
	case KVM_CAP_PIT_STATE2: case KVM_CAP_SET_IDENTITY_MAP_ADDR: case KVM_CAP_ADJUST_CLOCK:
	case KVM_CAP_VCPU_EVENTS: case KVM_CAP_DEBUGREGS: case KVM_CAP_XSAVE: case KVM_CAP_XCRS:
	case KVM_CAP_IRQFD: case KVM_CAP_IRQ_ROUTING: case KVM_CAP_SET_BOOT_CPU_ID:
	case KVM_CAP_SIGNAL_MSI: case KVM_CAP_IMMEDIATE_EXIT: case KVM_CAP_X2APIC_API:
	case KVM_CAP_SPLIT_IRQCHIP: case KVM_CAP_CHECK_EXTENSION_VM: case KVM_CAP_ENABLE_CAP:
	case KVM_CAP_GET_TSC_KHZ: case KVM_CAP_TSC_CONTROL: case KVM_CAP_KVMCLOCK_CTRL:
	case KVM_CAP_DEVICE_CTRL: case KVM_CAP_IRQ_INJECT_STATUS:
		return 1;
	default:
		return 0;
	}
}

/* An EPYC-like CPUID set; leaf 1 and 0x80000001 carry the configured signature. */
static int supported_cpuid(struct kvm_cpuid_entry2 *e)
{
	const uint32_t sig = hs_cfg.cpuid_signature, idx = KVM_CPUID_FLAG_SIGNIFCANT_INDEX;
	const struct kvm_cpuid_entry2 t[] = {
		{ 0x0, 0, 0, 0x10, 0x68747541, 0x444d4163, 0x69746e65 },
		{ 0x1, 0, 0, sig, 0x00000800, 0xf6d83203, 0x178bfbff },
		{ 0x7, 0, idx, 0, 0x219c07a9, 0x0040069c, 0xac000010 },
		{ 0xd, 0, idx, 0x7, 0x340, 0x340, 0 },
		{ 0xd, 1, idx, 0xf, 0x340, 0, 0 },
		{ 0xd, 2, idx, 0x100, 0x240, 0, 0 },
		{ 0x40000000, 0, 0, 0x40000001, 0x4b4d564b, 0x564b4d56, 0x4d },
		{ 0x40000001, 0, 0, 0x01007afb, 0, 0, 0 },
		{ 0x80000000, 0, 0, 0x80000021, 0x68747541, 0x444d4163, 0x69746e65 },
		{ 0x80000001, 0, 0, sig, 0, 0x75c237ff, 0x2fd3fbff },
		{ 0x80000008, 0, 0, 0x3030, 0x0300c205, 0, 0 },
		/* SME, SEV, SEV-ES, SNP; C-bit 51, one bit of physical address lost */
		{ 0x8000001f, 0, 0, 0x1b, 0x73, 509, 100 },
	};
	int i, n = (int)(sizeof(t) / sizeof(t[0]));

	for (i = 0; e && i < n; i++)
		e[i] = t[i];
	return n;
}

static long get_supported_cpuid(unsigned long arg)
{
	struct kvm_cpuid_entry2 e[32];
	struct kvm_cpuid2 c;
	int n = supported_cpuid(NULL);

	if (hs_copy_from_user(&c, arg, sizeof(c)))
		return -EFAULT;
	if (c.nent < (uint32_t)n)
		return -E2BIG;
	supported_cpuid(e);
	c.nent = (uint32_t)n;
	if (hs_copy_to_user(arg, &c, sizeof(c)) ||
	    hs_copy_to_user(arg + sizeof(c), e, (size_t)n * sizeof(e[0])))
		return -EFAULT;
	return 0;
}

/* §1.3 sev_dev_get_attr(): a u64 at attr.addr, ENXIO for what is unknown. */
static long device_attr(unsigned long req, unsigned long arg, uint64_t *val)
{
	struct kvm_device_attr a;

	if (hs_copy_from_user(&a, arg, sizeof(a)))
		return -EFAULT;
	if (a.group == HS_X86_GRP_SYSTEM && a.attr == HS_X86_XCOMP_GUEST_SUPP)
		*val = 0x2e7;
	else if (a.group == HS_X86_GRP_SEV && a.attr == HS_X86_SEV_VMSA_FEATURES && hs_cfg.init2)
		*val = hs_cfg.vmsa_features;
	else if (a.group == HS_X86_GRP_SEV && a.attr == HS_X86_SNP_POLICY_BITS && hs_cfg.init2 &&
		 hs_cfg.snp_policy_bits)
		*val = HS_SNP_POLICY_VALID;
	else if (a.group == HS_X86_GRP_SEV && a.attr == HS_X86_SEV_SNP_REQ_CERTS &&
		 hs_cfg.snp_req_certs)
		*val = 1;
	else
		return -ENXIO;
	if (req == KVM_GET_DEVICE_ATTR && hs_copy_to_user(a.addr, val, sizeof(*val)))
		return -EFAULT;
	return 0;
}

static long create_vm(unsigned long type)
{
	static unsigned int next_id;
	struct hs_vm *vm;
	int fd;

	if (type >= 32 || !(hs_cfg.vm_types & (1U << type)))
		return -EINVAL;
	vm = calloc(1, sizeof(*vm));
	if (!vm)
		return -ENOMEM;
	fd = hs_new_fd("hostsim-vm", 0, true);
	if (fd < 0) {
		free(vm);
		return fd;
	}
	vm->refs = 1;
	vm->fd = fd;
	vm->id = next_id++;
	vm->type = type;
	vm->need_init = type == HS_VM_SEV || type == HS_VM_SEV_ES || type == HS_VM_SNP;
	vm->sev_fd = -1;
	vm->direct_vmsa_gpa = ~0ULL;
	hs_measure_init(vm);
	hs_register(fd, HS_VM, vm);
	return fd;
}

static const struct hs_name sys_ioctls[] = {
	HS_NAME(KVM_GET_API_VERSION), HS_NAME(KVM_CREATE_VM), HS_NAME(KVM_CHECK_EXTENSION),
	HS_NAME(KVM_GET_VCPU_MMAP_SIZE), HS_NAME(KVM_GET_SUPPORTED_CPUID),
	HS_NAME(KVM_GET_MSR_INDEX_LIST), HS_NAME(KVM_GET_DEVICE_ATTR),
	HS_NAME(KVM_HAS_DEVICE_ATTR),
};

static long msr_index_list(unsigned long arg)
{
	static const uint32_t msrs[] = { 0x174, 0x175, 0x176, 0x277, 0xc0000080, 0xc0000081,
					 0xc0000082, 0xc0000083, 0xc0000084, 0xc0000102 };
	struct kvm_msr_list l;
	uint32_t n = sizeof(msrs) / sizeof(msrs[0]);

	if (hs_copy_from_user(&l, arg, sizeof(l)))
		return -EFAULT;
	if (l.nmsrs < n) {
		l.nmsrs = n;
		return hs_copy_to_user(arg, &l, sizeof(l)) ? -EFAULT : -E2BIG;
	}
	l.nmsrs = n;
	if (hs_copy_to_user(arg, &l, sizeof(l)) || hs_copy_to_user(arg + sizeof(l), msrs,
								     sizeof(msrs)))
		return -EFAULT;
	return 0;
}

static long sys_ioctl(unsigned long req, unsigned long arg, uint64_t *val)
{
	switch (req) {
	case KVM_GET_API_VERSION:
		return KVM_API_VERSION;
	case KVM_CREATE_VM:
		return create_vm(arg);
	case KVM_CHECK_EXTENSION:
		return hs_check_extension(NULL, (long)arg);
	case KVM_GET_VCPU_MMAP_SIZE:
		return HS_VCPU_MMAP_SIZE;
	case KVM_GET_SUPPORTED_CPUID:
		return get_supported_cpuid(arg);
	case KVM_GET_MSR_INDEX_LIST:
		return msr_index_list(arg);
	case KVM_GET_DEVICE_ATTR:
	case KVM_HAS_DEVICE_ATTR:
		return device_attr(req, arg, val);
	default:
		return -EINVAL;	/* kvm_arch_dev_ioctl()'s default */
	}
}

long hs_kvm_ioctl(int fd, unsigned long req, unsigned long arg)
{
	uint64_t val = 0;
	struct hs_json j;
	long r = sys_ioctl(req, arg, &val);

	(void)fd;
	hs_json_begin(&j, "kvm", "ioctl",
		      HS_NAME_OF(sys_ioctls, req, "KVM_(unmodelled system ioctl)"));
	if (req == KVM_CREATE_VM || req == KVM_CHECK_EXTENSION)
		hs_json_int(&j, req == KVM_CREATE_VM ? "type" : "cap", (long long)arg);
	else if (req != KVM_GET_API_VERSION && req != KVM_GET_VCPU_MMAP_SIZE)
		hs_json_hex(&j, "request", req);
	if (req == KVM_GET_DEVICE_ATTR && r == 0)
		hs_json_hex(&j, "value", val);
	hs_json_result(&j, r < 0 ? -1 : (int)r, (int)-r, 0, NULL);
	hs_json_emit(&j);
	return r;
}
