/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * hs-drive: a small VMM stand-in that talks to /dev/kvm and /dev/sev with
 * plain open/ioctl/mmap calls, so that the simulated host's tests can run
 * launch sequences and rule violations against it (it never links the
 * library; LD_PRELOAD puts the simulator underneath). Shared declarations.
 */
#ifndef HOSTSIM_DRIVE_H
#define HOSTSIM_DRIVE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "tests/hostsim/uapi.h"

#define DRV_MAX_VCPUS	64
#define DRV_LOW_SIZE	(32ULL << 20)	/* low RAM: covers OVMF's SEV areas at 8 MiB */
#define DRV_PAGE	4096ULL

struct ovmf_desc {
	uint32_t base, len, type;
};

struct ovmf {
	uint32_t reset_addr;
	uint32_t hash_base, hash_size;
	uint32_t secret_base, secret_size;
	struct ovmf_desc desc[32];
	int ndesc;
};

struct drv_opts {
	const char *mode;		/* sev, seves, snp */
	const char *firmware, *kernel, *initrd, *append;
	int vcpus;
	uint32_t cpu_sig;
	uint64_t features;		/* the guest's SEV features, as in the vectors */
	uint32_t policy;
	uint64_t snp_policy;
	uint64_t direct_vmsa_gpa;	/* ~0: classic flow */
	bool legacy, only_firmware, no_sregs, no_fpu, no_reg_region, secret, run;
};

struct drv {
	struct drv_opts o;
	int kvm, sev, vm;
	unsigned long type;
	bool snp, es;
	int vcpu[DRV_MAX_VCPUS];
	void *run[DRV_MAX_VCPUS];
	int nvcpus;
	uint8_t *low, *fw, *top;	/* low RAM, firmware, the page at 0xFFFFFFFFF000 */
	uint64_t fw_size, fw_gpa;
	int next_slot;
	struct ovmf ovmf;
	uint32_t fw_error;		/* of the last SEV command */
};

/* hs-drive.c: printing */
const char *drv_errno(int err);
/* Prints "NAME: ok", "NAME: ERRNO" or "NAME: EIO fw=0x16"; returns r. */
long drv_report(struct drv *d, const char *name, long r);

/* drive-vm.c */
void drv_init(struct drv *d);
int drv_open(struct drv *d);
int drv_create_vm(struct drv *d, unsigned long type);
long drv_sev(struct drv *d, uint32_t id, void *data);
long drv_sev_fd(struct drv *d, uint32_t id, void *data, int sev_fd);
int drv_sev_init(struct drv *d, uint64_t vmsa_features);
int drv_slot(struct drv *d, uint64_t gpa, uint64_t size, void *hva, bool gmem);
int drv_private(struct drv *d, uint64_t gpa, uint64_t size);
int drv_memory(struct drv *d);
void *drv_hva(struct drv *d, uint64_t gpa);
int drv_irqchip(struct drv *d);
int drv_vcpus(struct drv *d, int n);
int drv_reset_state(struct drv *d, int i, uint32_t reset_addr);
long drv_snp_update(struct drv *d, uint64_t gpa, void *src, uint64_t len, uint8_t type);
int drv_enable_hypercalls(struct drv *d);
int drv_close_vm(struct drv *d);
/* The digest of the last VM's summary line in $HOSTSIM_LOG, or NULL. */
const char *drv_log_digest(char *out, size_t size);

/* drive-ovmf.c */
int drv_load_firmware(struct drv *d, const char *path);
size_t drv_hash_table(const struct drv_opts *o, uint8_t out[176]);
void drv_cpuid_page(struct drv *d, uint8_t page[4096]);
void drv_bsp_vmsa(struct drv *d, uint8_t page[4096], uint64_t features);

/* hs-drive.c: a whole launch, and a run loop for the BSP (prints each exit) */
int drv_launch(struct drv *d);
int drv_run_bsp(struct drv *d, int max_exits);

/* drive-rules.c: the scenarios' shared set-up, and the lookup by name */
void drv_check(int fd, const char *name, long cap);
int drv_vm_with_init(struct drv *d, unsigned long type, uint64_t features);
int drv_snp_ready(struct drv *d, int vcpus);
int drv_sev_ready(struct drv *d, unsigned long type, bool start);
long drv_update_data(struct drv *d, void *p, uint32_t len);
long drv_measure(struct drv *d, void *blob, uint32_t len, uint32_t *out_len);
long drv_snp_update_page(struct drv *d, uint64_t gpa, void *src, uint64_t len, uint8_t type,
			 uint16_t flags, uint64_t *left);
int drv_rule(struct drv *d, const char *name);

struct drv_rule_entry {
	const char *name;
	int (*fn)(struct drv *d);
};

/* The scenarios by subject, each list ending with a NULL name. */
extern const struct drv_rule_entry drv_sev_rules[];	/* drive-rules.c */
extern const struct drv_rule_entry drv_snp_rules[];	/* drive-rules-snp.c */
extern const struct drv_rule_entry drv_run_rules[];	/* drive-rules-run.c */

#endif
