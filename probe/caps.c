// SPDX-License-Identifier: GPL-2.0-only
/*
 * Probing for `caps`: /dev/kvm's capabilities and device attributes
 * (SEV-KVM-API.md §1.2, §1.3), a VM of each offered type asked about
 * itself (§1.4: read-only memory is a per-VM answer), the legacy SEV probe
 * on a default VM, /dev/sev and kvm_amd's parameters.
 */
#include <errno.h>
#include <liburing.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <linux/kvm_para.h>

#include "kvm/host.h"
#include "kvm/sev.h"
#include "kvm/uapi.h"
#include "kvm/vm.h"
#include "probe/caps.h"

#define CAPS_PROBE_PAGE 4096

const char *const caps_kvm_amd_params[] = {
	"sev", "sev_es", "sev_snp", "debug_swap", "ciphertext_hiding_asids", "npt", "nested",
	NULL,
};

const char *caps_vm_type_name(unsigned int type, char *buf, size_t size)
{
	static const char *const names[] = {
		"default", "sw-protected", "sev", "sev-es", "snp", "tdx",
	};

	if (type < sizeof(names) / sizeof(names[0]))
		return names[type];
	snprintf(buf, size, "type %u", type);
	return buf;
}

const char *caps_errno_name(int e)
{
	const char *name = strerrorname_np(e);

	return name ? name : "an unknown errno";
}

bool caps_readonly_memslot(const struct host_caps *c, unsigned int type)
{
	return c->vm[type].readonly_cap && c->vm[type].readonly_slot;
}

const char *caps_bit_name(enum caps_mask m, unsigned int bit, char *buf, size_t size)
{
	if (m == CAPS_MASK_VM_TYPES)
		return caps_vm_type_name(bit, buf, size);
	if (m == CAPS_MASK_VMSA_FEATURES && bit == 0)
		return "SNP_ACTIVE";
	if (m == CAPS_MASK_VMSA_FEATURES && bit == 5)
		return "DEBUG_SWAP";
	if (m == CAPS_MASK_MEM_ATTRS && bit == 3)
		return "PRIVATE";
	if (m == CAPS_MASK_HYPERCALLS && bit == KVM_HC_MAP_GPA_RANGE)
		return "KVM_HC_MAP_GPA_RANGE";
	snprintf(buf, size, "bit %u", bit);
	return buf;
}

const char *caps_calib_name(enum calib_result r)
{
	return r == CALIB_NATIVE ? "native" : r == CALIB_EMULATED ? "emulated" : "unknown";
}

const char *caps_firmware_protection(const struct host_caps *c, unsigned int type)
{
	if (type == LK_KVM_X86_SNP_VM)
		return "private memory (SNP: no flash)";
	return caps_readonly_memslot(c, type) ? "read-only memslot" : "mprotect fallback";
}

/*
 * A one-page KVM_MEM_READONLY slot, added and deleted: kernels between
 * 66155de93bcf and the per-VM capability refuse the slot although the
 * capability says yes (§1.4).
 */
static void caps_try_readonly_slot(struct vm *vm, struct caps_vm *t)
{
	void *page = mmap(NULL, CAPS_PROBE_PAGE, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	struct lk_err err;
	int slot;

	if (page == MAP_FAILED) {
		t->readonly_slot_err = errno;
		return;
	}
	slot = memslot_add(&vm->slots, "read-only probe", 0, CAPS_PROBE_PAGE, page,
			   KVM_MEM_READONLY, &err);
	if (slot >= 0) {
		t->readonly_slot = true;
		memslot_delete(&vm->slots, slot, &err);
	} else {
		t->readonly_slot_err = errno;
	}
	munmap(page, CAPS_PROBE_PAGE);
}

static void caps_probe_vm(struct host_caps *c, const struct kvm_host *host, unsigned int type)
{
	struct caps_vm *t = &c->vm[type];
	struct lk_err err;
	struct vm vm;

	if (vm_create(&vm, host, type, &err)) {
		t->create_err = errno;
		vm_destroy(&vm);
		return;
	}
	t->created = true;
	t->readonly_cap = vm.readonly_mem;
	caps_try_readonly_slot(&vm, t);
	t->mem_attrs = (uint64_t)vm_check(&vm, KVM_CAP_MEMORY_ATTRIBUTES);
	t->guest_memfd = vm_check(&vm, KVM_CAP_GUEST_MEMFD) > 0;
	if (type == LK_KVM_X86_DEFAULT_VM) {
		c->sev_enabled_err = kvm_sev_enabled_errno(vm.fd);
		c->sev_enabled = !c->sev_enabled_err;
	}
	vm_destroy(&vm);
}

/* §1.3: the attribute exists exactly where KVM has KVM_SEV_INIT2. */
static void caps_vmsa_features(struct host_caps *c, const struct kvm_host *host)
{
	c->vmsa_features_attr = !kvm_host_get_attr(host, LK_KVM_X86_GRP_SEV,
						   LK_KVM_X86_SEV_VMSA_FEATURES,
						   &c->vmsa_features);
	c->vmsa_features_err = c->vmsa_features_attr ? 0 : errno;
	if (!c->vmsa_features_attr)
		c->vmsa_features = 0;
}

/* Linux 7.0: the attribute says whether KVM_EXIT_SNP_REQ_CERTS exists. */
static void caps_req_certs(struct host_caps *c, const struct kvm_host *host)
{
	c->req_certs_attr = !kvm_host_get_attr(host, LK_KVM_X86_GRP_SEV,
					       LK_KVM_X86_SEV_SNP_REQ_CERTS, &c->req_certs);
	c->req_certs_err = c->req_certs_attr ? 0 : errno;
	if (!c->req_certs_attr)
		c->req_certs = 0;
}

static void caps_kvm(struct host_caps *c, const struct kvm_host *host)
{
	unsigned int t;

	c->kvm = true;
	c->api_version = host->api_version;
	c->vm_types = host->vm_types;
	c->vm_types_cap = kvm_host_check(host, KVM_CAP_VM_TYPES) > 0;
	c->user_memory2 = host->user_memory2;
	c->memory_fault_info = host->memory_fault_info;
	c->guest_memfd = host->guest_memfd;
	c->mem_attrs_kvm = (uint64_t)kvm_host_check(host, KVM_CAP_MEMORY_ATTRIBUTES);
	c->exit_hypercall = (uint64_t)kvm_host_check(host, KVM_CAP_EXIT_HYPERCALL);
	c->direct_vmsa = kvm_host_check(host, LK_KVM_CAP_SNP_DIRECT_VMSA);
	c->ioeventfd = kvm_host_check(host, KVM_CAP_IOEVENTFD) > 0;
	c->irqfd = kvm_host_check(host, KVM_CAP_IRQFD) > 0;
	c->signal_msi = kvm_host_check(host, KVM_CAP_SIGNAL_MSI) > 0;
	c->gsi_routes = kvm_host_check(host, KVM_CAP_IRQ_ROUTING);
	caps_vmsa_features(c, host);
	caps_req_certs(c, host);
	c->sev_enabled_err = ENODEV;	/* until a default VM says otherwise */
	for (t = 0; t < CAPS_MAX_VM_TYPES; t++)
		if (c->vm_types & (1u << t))
			caps_probe_vm(c, host, t);
}

/* Whether the kernel lets this process have an io_uring: 0, or the errno. */
static int caps_io_uring(void)
{
	struct io_uring ring;
	int ret = io_uring_queue_init(1, &ring, 0);

	if (ret < 0)
		return -ret;
	io_uring_queue_exit(&ring);
	return 0;
}

void host_caps_probe(struct host_caps *c, const struct calib_guest *calib)
{
	struct kvm_host host;
	struct lk_err err;

	memset(c, 0, sizeof(*c));
	sev_dev_probe(&c->sev_dev);
	modparams_read(&c->kvm_amd, MODPARAMS_SYS_MODULE, "kvm_amd", caps_kvm_amd_params);
	c->io_uring_err = caps_io_uring();
	snprintf(c->calib.why, sizeof(c->calib.why), "not measured");
	if (kvm_host_open(&host, &err)) {
		snprintf(c->kvm_why, sizeof(c->kvm_why), "%s", err.msg);
		snprintf(c->calib.why, sizeof(c->calib.why), "no usable /dev/kvm");
		return;
	}
	caps_kvm(c, &host);
	if (calib)
		calibrate_guest(&host, calib, &c->calib);
	kvm_host_close(&host);
}
