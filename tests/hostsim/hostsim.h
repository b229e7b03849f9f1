/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The simulated SEV host's internal model: the configuration, the objects
 * behind the file descriptors it hands out (/dev/kvm, /dev/sev, VMs, vCPUs,
 * guest_memfds) and the functions the source files share. Everything here
 * runs under hs_lock (preload.c) unless a comment says otherwise.
 */
#ifndef HOSTSIM_H
#define HOSTSIM_H

#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>
#include <nettle/sha2.h>

#include "tests/hostsim/uapi.h"

#define HS_PAGE_SIZE		4096ULL
#define HS_PAGE_ALIGNED(x)	(((x) & (HS_PAGE_SIZE - 1)) == 0)
#define HS_MAX_VCPUS		1024
#define HS_MAX_CPUID		256
#define HS_VCPU_MMAP_SIZE	(3 * 4096)	/* kvm_run, PIO data page, coalesced ring */
#define HS_PIO_OFFSET		4096		/* KVM_PIO_PAGE_OFFSET * PAGE_SIZE */
#define HS_EXPORT		__attribute__((visibility("default")))
#define HS_ENOIOCTLCMD		515	/* "not mine": the kernel's ENOIOCTLCMD */

/* ---- config.c: the host's capabilities, from HOSTSIM_* (README.md). ---- */

enum hs_ro_model {
	HS_RO_PER_VM,		/* current kernels: protected-state types refuse (§1.4) */
	HS_RO_ALL,		/* before 66155de93bcf: every type advertises and accepts */
	HS_RO_MISMATCH,		/* 66155de93bcf without d30d9ee94cc0: advertised, refused */
	HS_RO_NONE,		/* no read-only memory at all */
};

enum hs_ro_write {
	HS_ROW_EFAULT,		/* hardware KVM: KVM_RUN fails, memory-fault details */
	HS_ROW_EFAULT_BARE,	/* EFAULT without KVM_EXIT_MEMORY_FAULT details */
	HS_ROW_MMIO,		/* the emulating build hosts: an MMIO write exit */
};

struct hs_cpuid_reject {
	uint32_t leaf, subleaf;
	bool any_subleaf;
	int reg;		/* 0 eax .. 3 edx */
	uint32_t mask;		/* bits the firmware refuses */
};

struct hs_config {
	uint32_t vm_types;		/* bitmap of KVM_CREATE_VM types */
	bool init2;			/* KVM_SEV_INIT2 and VMSA_FEATURES exist */
	uint64_t vmsa_features;		/* KVM_X86_SEV_VMSA_FEATURES */
	bool snp_policy_bits;		/* KVM_X86_SNP_POLICY_BITS exists */
	bool snp_require_smt;		/* SNP_LAUNCH_START requires policy.SMT */
	bool snp_req_certs;		/* Linux 7.0: KVM_EXIT_SNP_REQ_CERTS and its attribute */
	enum hs_ro_model ro_model;
	enum hs_ro_write ro_write;
	bool direct_vmsa;		/* seed 001's page type and capability */
	bool direct_vmsa_refuse;	/* capability advertised, page type 2 EINVAL */
	long direct_vmsa_cap;
	bool direct_vmsa_limits;	/* len == 4096, only once (seed 001) */
	bool guest_memfd;
	int mem_attrs;			/* 0 none, 1 per VM (default), 2 every VM */
	bool exit_hypercall;
	bool populate_inner_errno;	/* EINVAL/EEXIST instead of KVM's EIO */
	uint64_t snp_update_pages;	/* at most this many pages per SNP_LAUNCH_UPDATE; 0 all */
	uint64_t snp_update_eagain;	/* every Nth SNP_LAUNCH_UPDATE: EAGAIN; 0 never */
	bool cpuid_retry;		/* a rejected CPUID gfn may be retried (§7.4) */
	bool require_reg_region;	/* SEV/SEV-ES updates need registered memory */
	bool encrypt_in_place;		/* LAUNCH_UPDATE_DATA leaves ciphertext */
	bool sev;			/* KVM has SEV at all (sev_enabled) */
	bool dev_sev;			/* /dev/sev exists */
	uint64_t memlock_limit;		/* bytes SEV may pin; 0 unlimited */
	uint32_t cpuid_signature;	/* CPUID(1).EAX in KVM_GET_SUPPORTED_CPUID */
	struct hs_cpuid_reject cpuid_reject[16];
	int n_cpuid_reject;
	/* /dev/sev platform status */
	uint8_t api_major, api_minor, build, sev_state;
	uint32_t sev_flags;
	uint8_t snp_state;
	uint64_t tcb_version;
	const char *log_path;
	const char *vmsa_dir;
	const char *script;
	const char *ap_script;
};

extern struct hs_config hs_cfg;
void hs_config_load(void);

/* ---- log.c: one JSON object per line. ---- */

struct hs_json {
	char buf[8192];
	size_t len;
	bool first, overflow;
	int depth;
};

/* Starts a line: {"seq":N,"pid":P,"obj":OBJ,KIND:NAME (kind "ioctl" or "event"). */
void hs_json_begin(struct hs_json *j, const char *obj, const char *kind, const char *name);
void hs_json_obj(struct hs_json *j, const char *key);
void hs_json_end_obj(struct hs_json *j);
void hs_json_str(struct hs_json *j, const char *key, const char *val);
void hs_json_int(struct hs_json *j, const char *key, long long val);
void hs_json_hex(struct hs_json *j, const char *key, uint64_t val);
void hs_json_bytes(struct hs_json *j, const char *key, const uint8_t *p, size_t n);
/* The result of a call: ret, errno name, firmware error, the reason if refused. */
void hs_json_result(struct hs_json *j, int ret, int err, int fw_error, const char *why);
void hs_json_emit(struct hs_json *j);
const char *hs_errno_name(int err);

/* Names for the log: a table of values and the constants' names. */
struct hs_name {
	unsigned long val;
	const char *name;
};

#define HS_NAME(x)	{ (unsigned long)(x), #x }
#define HS_NAME_OF(table, val, dflt) \
	hs_name_of(table, sizeof(table) / sizeof((table)[0]), val, dflt)
const char *hs_name_of(const struct hs_name *t, size_t n, unsigned long val, const char *dflt);
void hs_hex(char *out, const uint8_t *p, size_t n);

/* ---- mem.c helpers: user memory as the kernel sees it. ---- */

struct hs_range {
	uint64_t start, end;
};

struct hs_rangeset {
	struct hs_range *r;
	size_t n, cap;
};

void hs_rs_add(struct hs_rangeset *rs, uint64_t start, uint64_t end);
void hs_rs_del(struct hs_rangeset *rs, uint64_t start, uint64_t end);
bool hs_rs_all(const struct hs_rangeset *rs, uint64_t start, uint64_t end);
bool hs_rs_any(const struct hs_rangeset *rs, uint64_t start, uint64_t end);
void hs_rs_free(struct hs_rangeset *rs);

int hs_copy_from_user(void *dst, uint64_t uaddr, size_t len);
int hs_copy_to_user(uint64_t uaddr, const void *src, size_t len);
/* Whether every page of [uaddr, uaddr+len) is mapped, and writable if asked. */
bool hs_host_mapped(uint64_t uaddr, uint64_t len, bool write);
bool hs_host_any_readonly(uint64_t uaddr, uint64_t len);

/* ---- the objects behind descriptors. ---- */

enum hs_kind { HS_NONE, HS_KVM, HS_SEV, HS_VM, HS_VCPU, HS_GMEM };

struct hs_vm;

struct hs_gmem {
	int refs;
	int fd;
	struct hs_vm *vm;
	uint64_t size, flags;
	unsigned int id;
};

struct hs_slot {
	bool used;
	uint32_t slot;			/* as_id << 16 | id */
	uint32_t flags;
	uint64_t gpa, size, uaddr, gmem_offset;
	struct hs_gmem *gmem;
};

struct hs_enc_region {
	uint64_t addr, size;
};

/* Where a script step that needs the VMM's answer left off. */
enum hs_pending {
	HS_PEND_NONE, HS_PEND_IO_IN, HS_PEND_MMIO_READ, HS_PEND_HYPERCALL, HS_PEND_FAULT,
	HS_PEND_CERTS,
};

struct hs_vcpu {
	int refs;
	int fd;
	unsigned int id, index;
	struct hs_vm *vm;
	struct kvm_run *run;		/* our own mapping of the shared memfd */
	/* register state, in the VMCB's form where KVM keeps it so (§5.3) */
	struct kvm_regs regs;
	struct hs_vmcb_seg seg[8];	/* es cs ss ds fs gs tr ldt (VCPU_SREG order) */
	struct hs_vmcb_seg gdtr, idtr;
	uint8_t cpl;
	uint64_t cr0, cr2, cr3, cr4, cr8, efer, apic_base;	/* guest-visible */
	uint64_t dr6, dr7, xcr0, xss, pat;
	uint64_t star, lstar, cstar, sfmask, kernel_gs_base;
	uint64_t sysenter_cs, sysenter_esp, sysenter_eip;
	uint32_t pkru;
	uint8_t fx[512];		/* the FXSAVE image of the guest FPU */
	uint8_t ymm[256];
	uint64_t xfeatures;		/* which xsave components are non-init */
	uint32_t guest_debug;
	uint32_t mp_state;
	struct kvm_cpuid_entry2 cpuid[HS_MAX_CPUID];
	int ncpuid;
	uint8_t lapic[KVM_APIC_REG_SIZE];
	bool protected;			/* guest_state_protected */
	bool has_vmsa;			/* false for APs under a direct VMSA */
	/* script.c */
	int pc;				/* the script step */
	size_t sub;			/* the byte within a serial step */
	enum hs_pending pending;
	uint64_t pend_a, pend_b, pend_c;
	unsigned int polls;		/* reads so far of an mmio-poll step */
};

enum hs_fw_state {
	HS_GUEST_NONE,		/* no launch context yet */
	HS_GUEST_LUPDATE,
	HS_GUEST_LSECRET,
	HS_GUEST_RUNNING,
};

struct hs_digest {
	struct sha256_ctx sha256;	/* SEV, SEV-ES */
	uint8_t snp[48];		/* SNP: the PAGE_INFO chain so far */
	unsigned long pages;
};

struct hs_vm {
	int refs;
	int fd;
	unsigned int id;
	unsigned long type;
	bool summarised;
	bool irqchip;
	/* SEV state (kvm_sev_info) */
	bool need_init, active, es, snp, legacy;
	uint64_t vmsa_features;
	uint16_t ghcb_version;
	int sev_fd;			/* sev->fd, remembered at LAUNCH_START */
	enum hs_fw_state state;
	uint32_t handle, policy;
	uint64_t snp_policy;
	bool snp_context, session;
	bool counted;			/* in /dev/sev's guest count */
	uint64_t direct_vmsa_gpa;	/* ~0 when none (initial_vmsa_gpa) */
	uint64_t snp_updates;		/* SNP_LAUNCH_UPDATE calls, for HOSTSIM_SNP_UPDATE_EAGAIN */
	uint64_t pages_locked;
	struct hs_digest digest;
	/* memory */
	struct hs_slot *slots;
	size_t nslots;
	struct hs_rangeset private_gpa;	/* KVM_MEMORY_ATTRIBUTE_PRIVATE */
	struct hs_rangeset populated;	/* gfns already SNP_LAUNCH_UPDATE'd (as GPAs) */
	struct hs_enc_region *regions;
	size_t nregions;
	uint64_t hypercall_exits;
	bool certs_enabled;		/* KVM_SEV_SNP_ENABLE_REQ_CERTS done */
	/* vCPUs, in creation order (KVM's vcpu index) */
	struct hs_vcpu *vcpus[HS_MAX_VCPUS];
	unsigned int nvcpus;
	bool sipi;			/* the guest started its APs */
	bool ro_memslot, ro_mprotect;	/* how the VMM kept memory read-only */
	bool ran;			/* some vCPU entered KVM_RUN */
};

/* preload.c */
extern pthread_mutex_t hs_lock;
void hs_vm_put(struct hs_vm *vm);
void hs_vcpu_put(struct hs_vcpu *vcpu);
void hs_gmem_put(struct hs_gmem *g);
int hs_new_fd(const char *name, size_t size, bool cloexec);
int hs_register(int fd, enum hs_kind kind, void *obj);
void *hs_lookup(int fd, enum hs_kind kind);
bool hs_is_sev_fd(int fd);
/* The next definitions, for the library's own files (never the model's). */
int hs_real_open(const char *path, int flags);
int hs_real_close(int fd);
void *hs_real_mmap(void *addr, size_t len, int prot, int flags, int fd, off_t off);

/* kvm.c: /dev/kvm and VM fds (returns >= 0 or -errno) */
long hs_kvm_ioctl(int fd, unsigned long req, unsigned long arg);
long hs_check_extension(const struct hs_vm *vm, long cap);
long hs_vm_ioctl(struct hs_vm *vm, unsigned long req, unsigned long arg);
const char *hs_vm_type_name(unsigned long type);
/* §1.4: KVM_CAP_READONLY_MEM as asked on the VM fd (NULL: /dev/kvm)... */
bool hs_vm_readonly_cap(const struct hs_vm *vm);
/* ...and whether KVM_MEM_READONLY slots are accepted (they differ in one model). */
bool hs_vm_readonly_slots(const struct hs_vm *vm);
void hs_vm_summary(struct hs_vm *vm, const char *why);

/* regs.c: register state as KVM on SVM keeps it */
void hs_regs_reset(struct hs_vcpu *v);
void hs_regs_get_sregs(const struct hs_vcpu *v, struct kvm_sregs *s);
int hs_regs_set_sregs(struct hs_vcpu *v, const struct kvm_sregs *s);
void hs_regs_hw(const struct hs_vcpu *v, uint64_t *cr0, uint64_t *cr4, uint64_t *efer);
void hs_regs_set_fpu(struct hs_vcpu *v, const struct kvm_fpu *f);
void hs_regs_get_fpu(const struct hs_vcpu *v, struct kvm_fpu *f);
int hs_regs_set_xsave(struct hs_vcpu *v, const uint8_t *x);
void hs_regs_get_xsave(const struct hs_vcpu *v, uint8_t *x);
int hs_regs_set_xcr0(struct hs_vcpu *v, uint64_t xcr0);
bool hs_regs_set_msr(struct hs_vcpu *v, uint32_t index, uint64_t data);
uint64_t hs_regs_get_msr(struct hs_vcpu *v, uint32_t index);

/* vcpu.c */
struct hs_vcpu *hs_vcpu_create(struct hs_vm *vm, unsigned int id);
long hs_vcpu_ioctl(struct hs_vcpu *vcpu, unsigned long req, unsigned long arg);

/* mem.c: memory ioctls on the VM fd; -HS_ENOIOCTLCMD when not one of them */
long hs_mem_ioctl(struct hs_vm *vm, unsigned long req, unsigned long arg);
/* KVM_CAP_MEMORY_ATTRIBUTES: the attributes this VM (NULL: /dev/kvm) supports. */
uint64_t hs_vm_mem_attrs(const struct hs_vm *vm);
/* Whether the VM takes KVM_MEM_GUEST_MEMFD slots (KVM_CAP_GUEST_MEMFD on its fd). */
bool hs_vm_gmem_slots(const struct hs_vm *vm);
const struct hs_slot *hs_slot_at(const struct hs_vm *vm, uint64_t gpa);
bool hs_in_regions(const struct hs_vm *vm, uint64_t uaddr, uint64_t len);
int hs_pin(struct hs_vm *vm, uint64_t uaddr, uint64_t len, bool write);
bool hs_gpa_of_hva(const struct hs_vm *vm, uint64_t uaddr, uint64_t *gpa);
long hs_gmem_fallocate(struct hs_gmem *g, int mode, int64_t off, int64_t len);
void hs_vm_observe_ro(struct hs_vm *vm);

/* sev.c, snp.c: KVM_MEMORY_ENCRYPT_OP */
long hs_sev_ioctl(struct hs_vm *vm, unsigned long arg);
long hs_snp_command(struct hs_vm *vm, struct kvm_sev_cmd *cmd, struct hs_json *j,
		    const char **why);
/* Helpers both use: the firmware's fd check, a firmware error, a user blob. */
int hs_fw_fd(int fd, const char **why);
int hs_fw_error(struct kvm_sev_cmd *c, int code, const char **why, const char *msg);
int hs_user_blob(uint64_t uaddr, uint32_t len, uint8_t **out);
const char *hs_sev_cmd_name(uint32_t id);

/* measure.c */
void hs_measure_init(struct hs_vm *vm);
void hs_measure_sev(struct hs_vm *vm, const void *data, size_t len);
void hs_measure_snp_page(struct hs_vm *vm, const uint8_t *page, uint8_t type, uint64_t gpa);
int hs_measure_hex(const struct hs_vm *vm, char *out);	/* returns digest bytes */
void hs_vmsa_build(const struct hs_vcpu *vcpu, uint8_t page[4096]);
int hs_vmsa_sync_check(const struct hs_vcpu *vcpu);
void hs_vmsa_dump(const struct hs_vm *vm, const char *name, const uint8_t page[4096]);
void hs_measure_blob(const struct hs_vm *vm, uint8_t blob[48]);

/* devsev.c */
long hs_devsev_ioctl(int fd, unsigned long req, unsigned long arg);
void hs_sev_guest_count_add(int delta);

/* script.c: KVM_RUN, called with hs_lock held (dropped while the vCPU waits) */
long hs_vcpu_run(struct hs_vcpu *vcpu);

#endif
