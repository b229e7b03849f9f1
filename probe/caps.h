/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * What this host can run (`lkvm-sev caps`): the SEV-related facts of
 * /dev/kvm, of a VM of each offered type, of /dev/sev and of kvm_amd, and
 * from them one verdict per mode: runs, runs with a fallback, or cannot run
 * and why. Probing is cheap: each VM is closed again, and only the
 * calibration (probe/calibrate.c) creates a vCPU.
 */
#ifndef LKVM_PROBE_CAPS_H
#define LKVM_PROBE_CAPS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "probe/calibrate.h"
#include "probe/modparams.h"
#include "probe/sev_dev.h"

#define CAPS_MAX_VM_TYPES	32

/* What a VM of one type says about itself, asked on its own fd. */
struct caps_vm {
	bool created;
	int create_err;			/* errno of KVM_CREATE_VM */
	bool readonly_cap;		/* KVM_CAP_READONLY_MEM */
	bool readonly_slot;		/* a KVM_MEM_READONLY slot was accepted */
	int readonly_slot_err;		/* errno when it was refused */
	uint64_t mem_attrs;		/* KVM_CAP_MEMORY_ATTRIBUTES */
	bool guest_memfd;		/* KVM_CAP_GUEST_MEMFD */
};

struct host_caps {
	bool kvm;			/* /dev/kvm opened and probed */
	char kvm_why[512];		/* why not */
	int api_version;
	uint32_t vm_types;		/* bit n: type n; bit 0 alone without KVM_CAP_VM_TYPES */
	bool vm_types_cap;		/* KVM_CAP_VM_TYPES answered */
	struct caps_vm vm[CAPS_MAX_VM_TYPES];	/* the offered types */
	bool vmsa_features_attr;	/* KVM_X86_SEV_VMSA_FEATURES exists: KVM_SEV_INIT2 */
	int vmsa_features_err;
	uint64_t vmsa_features;
	bool sev_enabled;		/* KVM_MEMORY_ENCRYPT_OP on a default VM: legacy INIT */
	int sev_enabled_err;
	bool user_memory2, memory_fault_info, guest_memfd;
	uint64_t mem_attrs_kvm;		/* KVM_CAP_MEMORY_ATTRIBUTES on /dev/kvm */
	uint64_t exit_hypercall;	/* KVM_CAP_EXIT_HYPERCALL: hypercalls that may exit */
	int direct_vmsa;		/* LK_KVM_CAP_SNP_DIRECT_VMSA */
	bool req_certs_attr;		/* KVM_X86_SEV_SNP_REQ_CERTS exists (Linux 7.0) */
	int req_certs_err;
	uint64_t req_certs;		/* its value: 1 where KVM forwards certificate requests */
	/* What devices need: doorbells, MSI-X and INTx through the in-kernel irqchip. */
	bool ioeventfd, irqfd, signal_msi;
	int gsi_routes;			/* KVM_CAP_IRQ_ROUTING: the routing table's size */
	int io_uring_err;		/* 0: io_uring works here, virtio-blk's engine */
	struct sev_dev_info sev_dev;
	struct modparams kvm_amd;
	struct calibration calib;
};

enum caps_mode {
	CAPS_PLAIN,
	CAPS_SEV,
	CAPS_SEV_ES,
	CAPS_SEV_ES_DEBUG_SWAP,
	CAPS_SNP,
	CAPS_SNP_DIRECT_VMSA,
	CAPS_NR_MODES,
};

enum caps_verdict_kind {
	CAPS_RUNS,
	CAPS_RUNS_WITH_FALLBACK,
	CAPS_CANNOT_RUN,
};

struct caps_verdict {
	enum caps_verdict_kind kind;
	char text[1024];		/* the fallbacks, or why it cannot run ("; " between) */
};

/*
 * Probes everything; @calib NULL leaves the calibration out ("unknown").
 * Never fails: a host without /dev/kvm is a fact like any other.
 */
void host_caps_probe(struct host_caps *c, const struct calib_guest *calib);

void caps_verdict(const struct host_caps *c, enum caps_mode mode, struct caps_verdict *v);

/*
 * NULL where SNP guests' certificate requests can be served (run
 * --snp-certs), else why not, in @buf.
 */
const char *caps_snp_certs_why(const struct host_caps *c, char *buf, size_t size);

/* Names: "SEV-ES + debug-swap"; "sev-es" (VM type n, "type n" past the known ones). */
const char *caps_mode_name(enum caps_mode mode);
const char *caps_verdict_kind_name(enum caps_verdict_kind kind);
const char *caps_vm_type_name(unsigned int type, char *buf, size_t size);

/* The bitmasks the report names bit by bit. */
enum caps_mask {
	CAPS_MASK_VM_TYPES,
	CAPS_MASK_VMSA_FEATURES,	/* SEV-KVM-API.md §5.2 */
	CAPS_MASK_MEM_ATTRS,
	CAPS_MASK_HYPERCALLS,		/* KVM_CAP_EXIT_HYPERCALL: bit n is hypercall n */
};

/* "DEBUG_SWAP", "snp", or "bit 7" for a bit without a name. */
const char *caps_bit_name(enum caps_mask m, unsigned int bit, char *buf, size_t size);
/* "native", "emulated", "unknown". */
const char *caps_calib_name(enum calib_result r);
/* What firmware in a VM of @type is kept in: "read-only memslot", "mprotect fallback"... */
const char *caps_firmware_protection(const struct host_caps *c, unsigned int type);

/* "ENXIO" for ENXIO. */
const char *caps_errno_name(int e);

/* Whether firmware in a VM of @type gets a read-only memory slot (else mprotect). */
bool caps_readonly_memslot(const struct host_caps *c, unsigned int type);

/* The kvm_amd parameters caps reads, NULL-terminated. */
extern const char *const caps_kvm_amd_params[];

#endif
