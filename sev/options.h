/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The SEV options `run` and `measure` share, spelled and checked the same
 * in both: --sev/--sev-es/--sev-snp, --cpu/--cpu-sig, --debug-swap,
 * --vmsa-features, --legacy-vm-type, --direct-vmsa, --direct-vmsa-gpa.
 * A command splices SEV_LONG_OPTIONS into its getopt table and hands every
 * option id from SEV_OPT_FIRST to SEV_OPT_LAST to sev_opt_parse().
 */
#ifndef LKVM_SEV_OPTIONS_H
#define LKVM_SEV_OPTIONS_H

#include <getopt.h>
#include <stdbool.h>
#include <stdint.h>

#include "sev/plan.h"
#include "util/err.h"

enum sev_direct {
	SEV_DIRECT_AUTO,	/* run's default: where the host offers it */
	SEV_DIRECT_OFF,		/* measure's default: it cannot see a host */
	SEV_DIRECT_ON,
};

struct sev_opts {
	enum sev_mode mode;
	const char *first;		/* the first SEV option given, for messages */
	const char *cpu_model;		/* --cpu */
	bool cpu_sig_given;		/* --cpu-sig */
	bool have_cpu_sig;		/* from either */
	uint32_t cpu_sig;
	bool debug_swap;
	uint64_t vmsa_features;		/* --vmsa-features as given (0 if not) */
	bool legacy_vm_type;
	enum sev_direct direct_vmsa;
	bool direct_vmsa_gpa_given;
	uint64_t direct_vmsa_gpa;	/* SEV_DIRECT_VMSA_GPA unless given */
};

/* Option ids above any single command's own. */
enum {
	SEV_OPT_FIRST = 0x400,
	SEV_OPT_SEV = SEV_OPT_FIRST,
	SEV_OPT_SEV_ES,
	SEV_OPT_SNP,
	SEV_OPT_CPU,
	SEV_OPT_CPU_SIG,
	SEV_OPT_DEBUG_SWAP,
	SEV_OPT_VMSA_FEATURES,
	SEV_OPT_LEGACY_VM_TYPE,
	SEV_OPT_DIRECT_VMSA,
	SEV_OPT_DIRECT_VMSA_GPA,
	SEV_OPT_LAST = SEV_OPT_DIRECT_VMSA_GPA,
};

#define SEV_LONG_OPTIONS \
	{ "sev", no_argument, NULL, SEV_OPT_SEV }, \
	{ "sev-es", no_argument, NULL, SEV_OPT_SEV_ES }, \
	{ "sev-snp", no_argument, NULL, SEV_OPT_SNP }, \
	{ "cpu", required_argument, NULL, SEV_OPT_CPU }, \
	{ "cpu-sig", required_argument, NULL, SEV_OPT_CPU_SIG }, \
	{ "debug-swap", no_argument, NULL, SEV_OPT_DEBUG_SWAP }, \
	{ "vmsa-features", required_argument, NULL, SEV_OPT_VMSA_FEATURES }, \
	{ "legacy-vm-type", no_argument, NULL, SEV_OPT_LEGACY_VM_TYPE }, \
	{ "direct-vmsa", required_argument, NULL, SEV_OPT_DIRECT_VMSA }, \
	{ "direct-vmsa-gpa", required_argument, NULL, SEV_OPT_DIRECT_VMSA_GPA }

/*
 * What only `run` takes: the launch's inputs from the guest owner
 * (SEV-KVM-API.md §2.3), parsed by cli/run.c and checked by sev_launch_opts_check().
 */
struct sev_launch_opts {
	struct sev_opts o;
	bool policy_given;
	uint64_t policy;		/* --policy: LAUNCH_START's or SNP_LAUNCH_START's */
	const char *dh_cert, *session;	/* --dh-cert, --session (SEV, SEV-ES) */
	const char *secret_header, *secret;	/* --secret-header, --secret */
	const char *id_block, *id_auth, *host_data;	/* SNP_LAUNCH_FINISH's */
	const char *snp_certs;		/* --snp-certs: for extended report requests (SNP) */
};

/* QEMU's default policies: SEV 0x1 (NODBG), SEV-ES 0x5 (+ES), SNP 0x30000 (SMT, RSVD_MBO). */
uint64_t sev_default_policy(enum sev_mode mode);

/* --policy HEX */
int sev_policy_parse(const char *arg, struct sev_launch_opts *l, struct lk_err *err);

/* The rules between run's launch options; status 2 and one line. */
int sev_launch_opts_check(const struct sev_launch_opts *l, struct lk_err *err);

void sev_opts_init(struct sev_opts *o, enum sev_direct direct_default);
/* One option: status 2 and one line for a bad value or a second mode. */
int sev_opt_parse(int opt, const char *arg, struct sev_opts *o, struct lk_err *err);
/*
 * The rules between options, once all are parsed. @need_cpu: the vCPU
 * model must be given for SEV-ES and SNP (measure cannot ask a host).
 */
int sev_opts_check(const struct sev_opts *o, bool need_cpu, struct lk_err *err);

/* The VM's VMSA features asked for: --vmsa-features, plus DEBUG_SWAP with --debug-swap. */
uint64_t sev_opts_vmsa_features(const struct sev_opts *o);
/*
 * What run passes as KVM_SEV_INIT2's vmsa_features, and what `run --report`
 * and `measure --json` call vmsa_features: the above without SNP_ACTIVE.
 */
uint64_t sev_opts_init2_features(const struct sev_opts *o);

#endif
