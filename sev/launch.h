/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The SEV, SEV-ES and SNP launch of `lkvm-sev run`: choosing the VM type
 * and init command from the host's capabilities, the vCPU model, and then
 * executing the launch plan (sev/plan.h, the one `measure` hashes) through
 * kvm/sev.c, in the order SEV-KVM-API.md §4 gives. machine/machine.c calls
 * these in its start-up order.
 */
#ifndef LKVM_SEV_LAUNCH_H
#define LKVM_SEV_LAUNCH_H

#include <stdbool.h>
#include <stdint.h>

#include "firmware/ovmf.h"
#include "kvm/sev.h"
#include "sev/hashes.h"
#include "sev/options.h"
#include "sev/digest.h"
#include "sev/plan.h"
#include "util/err.h"

struct host_caps;
struct kvm_host;
struct ro_region;
struct vcpu;
struct vm;

struct sev_launch {
	const struct sev_launch_opts *opts;
	enum sev_mode mode;
	struct host_caps *caps;		/* probed once */
	unsigned long vm_type;
	bool init2;			/* KVM_SEV_INIT2; else the legacy init on a default VM */
	uint64_t init_features;		/* KVM_SEV_INIT2's vmsa_features */
	bool direct;			/* SNP: the direct VMSA is tried */
	uint32_t cpu_sig;
	uint64_t policy;
	const char *fw_path;
	const uint8_t *fw;
	uint64_t fw_size;
	struct ovmf_info ovmf;
	struct kvm_sev kvm;
	struct plan plan;
	/* What the launch printed, for --report: empty until then. */
	char digest_hex[2 * LAUNCH_DIGEST_MAX + 1];
	const char *digest_alg;
	char measure_hex[2 * 256 + 1];
};

/* The guest memory the launch reads and encrypts. */
struct sev_launch_mem {
	void *(*hva)(void *ctx, uint64_t gpa, uint64_t len);	/* RAM and firmware */
	void *ctx;
	struct ro_region *fw_ro;	/* the firmware flash, NULL for --bios and SNP */
};

/* Why a direct VMSA and more than one vCPU do not mix with stock OVMF on KVM. */
extern const char sev_direct_vmsa_aps_note[];

/* Before the VM: the host's capabilities, once; 125 and caps' reason where it cannot. */
int sev_launch_choose(struct sev_launch *l, const struct sev_launch_opts *o,
		      unsigned int nr_cpus, struct lk_err *err);
/* The firmware image in guest memory (parsed as OVMF). */
int sev_launch_firmware(struct sev_launch *l, const char *path, const void *fw, uint64_t size,
			struct lk_err *err);
/*
 * After KVM_CREATE_VM, before vCPUs: /dev/sev and KVM_SEV_INIT2 or the legacy
 * init; with --snp-certs, KVM_SEV_SNP_ENABLE_REQ_CERTS.
 */
int sev_launch_init(struct sev_launch *l, struct vm *vm, struct lk_err *err);
/* Before vCPUs: the vCPU model in the VM's CPUID (default: the host's signature). */
int sev_launch_cpuid(struct sev_launch *l, struct vm *vm, struct lk_err *err);
/* A vCPU's reset state as QEMU sets it (§5.3): BSP at reset, APs at the SEV-ES address. */
int sev_launch_vcpu(struct sev_launch *l, struct vcpu *v, struct lk_err *err);
/* The launch itself, ending with LAUNCH_FINISH; prints the digest and measurement. */
int sev_launch_run(struct sev_launch *l, struct vm *vm, const struct sev_launch_mem *mem,
		   unsigned int nr_cpus, const struct sev_kernel_hashes *hashes,
		   struct lk_err *err);
void sev_launch_destroy(struct sev_launch *l);

#endif
