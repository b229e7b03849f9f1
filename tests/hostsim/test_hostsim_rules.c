// SPDX-License-Identifier: GPL-2.0-only
/*
 * One test per rule of the simulated host: hs-drive breaks it and every
 * step's errno and firmware error must be exactly the kernel's (SEV-KVM-API.md
 * §1-§7, seeds 000 and 001); capabilities narrowed through HOSTSIM_*; and the
 * guest script's exits as KVM_RUN returns them.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tests/tests.h"
#include "tests/hostsim/test_hostsim.h"

#define SNP_READY "KVM_CREATE_VM: ok\nKVM_SEV_INIT2: ok\nguest_memfd slot: ok\nprivate: ok\n" \
		  "KVM_CREATE_IRQCHIP: ok\nKVM_ENABLE_CAP hypercalls: ok\nSNP_LAUNCH_START: ok\n"
#define SEV_SET_UP "KVM_CREATE_VM: ok\nKVM_SEV_INIT2: ok\nslot: ok\n" \
		   "KVM_MEMORY_ENCRYPT_REG_REGION: ok\nKVM_CREATE_IRQCHIP: ok\n"
#define SEV_READY SEV_SET_UP "LAUNCH_START: ok\n"

/* §1.1, §2.3: INIT2's checks; legacy INIT only on the default type; EPERM on SNP. */
START_TEST(init2_rules)
{
	hs_expect_rule("init2", NULL,
		       "KVM_CREATE_VM snp: ok\n"
		       "KVM_SEV_INIT2 bad: EINVAL\n"		/* features outside VMSA_FEATURES */
		       "KVM_SEV_INIT2 bad: EINVAL\n"		/* flags */
		       "KVM_SEV_INIT2 bad: EINVAL\n"		/* ghcb_version 3 */
		       "KVM_SEV_INIT2 DEBUG_SWAP: ok\n"
		       "KVM_SEV_INIT2 again: EPERM\n"		/* an SNP VM now: id < 100 */
		       "KVM_SEV_INIT on snp: EPERM\n"
		       "KVM_CREATE_VM sev: ok\n"
		       "KVM_SEV_INIT2 sev with features: EINVAL\n"
		       "KVM_SEV_INIT2 sev with ghcb_version: EINVAL\n"
		       "KVM_CREATE_VM default: ok\n"
		       "KVM_SEV_INIT2 on default: EINVAL\n"
		       "KVM_SEV_ES_INIT on default: ok\n");
	/* Without DEBUG_SWAP in KVM_X86_SEV_VMSA_FEATURES the request is refused. */
	hs_expect_rule("init2", (const char *[]){ "HOSTSIM_VMSA_FEATURES=0", NULL },
		       "KVM_CREATE_VM snp: ok\n"
		       "KVM_SEV_INIT2 bad: EINVAL\nKVM_SEV_INIT2 bad: EINVAL\n"
		       "KVM_SEV_INIT2 bad: EINVAL\nKVM_SEV_INIT2 DEBUG_SWAP: EINVAL\n"
		       "KVM_SEV_INIT2 again: EINVAL\nKVM_SEV_INIT on snp: EINVAL\n"
		       "KVM_CREATE_VM sev: ok\n"
		       "KVM_SEV_INIT2 sev with features: EINVAL\n"
		       "KVM_SEV_INIT2 sev with ghcb_version: EINVAL\n"
		       "KVM_CREATE_VM default: ok\nKVM_SEV_INIT2 on default: EINVAL\n"
		       "KVM_SEV_ES_INIT on default: ok\n");
}
END_TEST

START_TEST(init2_after_vcpu)
{
	hs_expect_rule("init2-after-vcpu", NULL,
		       "KVM_CREATE_VM: ok\nKVM_CREATE_VCPU: ok\nKVM_SEV_INIT2: EINVAL\n");
}
END_TEST

/* The default host: everything; then each narrowing the environment allows. */
START_TEST(capabilities)
{
	hs_expect_rule("caps", NULL,
		       "KVM_CAP_VM_TYPES: 0x1f\nKVM_CAP_GUEST_MEMFD: 0x1\n"
		       "KVM_CAP_MEMORY_ATTRIBUTES: 0x8\nKVM_CAP_EXIT_HYPERCALL: 0x1000\n"
		       "KVM_CAP_SNP_DIRECT_VMSA (249): 0x1\nKVM_CAP_READONLY_MEM: 0x1\n"
		       "KVM_GET_DEVICE_ATTR SEV/0: 0x20\nKVM_GET_DEVICE_ATTR SEV/1: 0x1bffff\n"
		       "KVM_GET_DEVICE_ATTR SEV/2: 0x1\n"	/* 7.0: KVM_X86_SEV_SNP_REQ_CERTS */
		       "KVM_CREATE_VM 0: ok\nKVM_CREATE_VM 1: ok\nKVM_CREATE_VM 2: ok\n"
		       "KVM_CREATE_VM 3: ok\nKVM_CREATE_VM 4: ok\nKVM_CREATE_VM 5: EINVAL\n"
		       "KVM_MEMORY_ENCRYPT_OP probe: ok\n");
	hs_expect_rule("caps", (const char *[]){ "HOSTSIM_INIT2=0", "HOSTSIM_GUEST_MEMFD=0",
						 "HOSTSIM_MEMORY_ATTRIBUTES=0",
						 "HOSTSIM_EXIT_HYPERCALL=0",
						 "HOSTSIM_DIRECT_VMSA_CAP=250", NULL },
		       "KVM_CAP_VM_TYPES: 0x1\nKVM_CAP_GUEST_MEMFD: 0\n"
		       "KVM_CAP_MEMORY_ATTRIBUTES: 0\nKVM_CAP_EXIT_HYPERCALL: 0\n"
		       "KVM_CAP_SNP_DIRECT_VMSA (249): 0\nKVM_CAP_READONLY_MEM: 0x1\n"
		       "KVM_GET_DEVICE_ATTR SEV/0: ENXIO\nKVM_GET_DEVICE_ATTR SEV/1: ENXIO\n"
		       "KVM_GET_DEVICE_ATTR SEV/2: ENXIO\n"
		       "KVM_CREATE_VM 0: ok\nKVM_CREATE_VM 1: EINVAL\nKVM_CREATE_VM 2: EINVAL\n"
		       "KVM_CREATE_VM 3: EINVAL\nKVM_CREATE_VM 4: EINVAL\n"
		       "KVM_CREATE_VM 5: EINVAL\nKVM_MEMORY_ENCRYPT_OP probe: ok\n");
	hs_expect_rule("caps", (const char *[]){ "HOSTSIM_SEV=0", "HOSTSIM_DIRECT_VMSA=0",
						 "HOSTSIM_VM_TYPES=default,snp",
						 "HOSTSIM_SNP_POLICY_BITS=0", NULL },
		       "KVM_CAP_VM_TYPES: 0x1\nKVM_CAP_GUEST_MEMFD: 0x1\n"
		       "KVM_CAP_MEMORY_ATTRIBUTES: 0x8\nKVM_CAP_EXIT_HYPERCALL: 0x1000\n"
		       "KVM_CAP_SNP_DIRECT_VMSA (249): 0\nKVM_CAP_READONLY_MEM: 0x1\n"
		       "KVM_GET_DEVICE_ATTR SEV/0: ENXIO\nKVM_GET_DEVICE_ATTR SEV/1: ENXIO\n"
		       "KVM_GET_DEVICE_ATTR SEV/2: ENXIO\n"
		       "KVM_CREATE_VM 0: ok\nKVM_CREATE_VM 1: EINVAL\nKVM_CREATE_VM 2: EINVAL\n"
		       "KVM_CREATE_VM 3: EINVAL\nKVM_CREATE_VM 4: EINVAL\n"
		       "KVM_CREATE_VM 5: EINVAL\nKVM_MEMORY_ENCRYPT_OP probe: ENOTTY\n");
	/* A 6.18 kernel: neither 6.19's policy bits nor 7.0's certificate requests. */
	hs_expect_rule("caps", (const char *[]){ "HOSTSIM_VM_TYPES=default,snp",
						 "HOSTSIM_SNP_POLICY_BITS=0",
						 "HOSTSIM_SNP_REQ_CERTS=0", NULL },
		       "KVM_CAP_VM_TYPES: 0x11\nKVM_CAP_GUEST_MEMFD: 0x1\n"
		       "KVM_CAP_MEMORY_ATTRIBUTES: 0x8\nKVM_CAP_EXIT_HYPERCALL: 0x1000\n"
		       "KVM_CAP_SNP_DIRECT_VMSA (249): 0x1\nKVM_CAP_READONLY_MEM: 0x1\n"
		       "KVM_GET_DEVICE_ATTR SEV/0: 0x20\nKVM_GET_DEVICE_ATTR SEV/1: ENXIO\n"
		       "KVM_GET_DEVICE_ATTR SEV/2: ENXIO\n"
		       "KVM_CREATE_VM 0: ok\nKVM_CREATE_VM 1: EINVAL\nKVM_CREATE_VM 2: EINVAL\n"
		       "KVM_CREATE_VM 3: EINVAL\nKVM_CREATE_VM 4: ok\n"
		       "KVM_CREATE_VM 5: EINVAL\nKVM_MEMORY_ENCRYPT_OP probe: ok\n");
}
END_TEST

/*
 * §1.4 and seed 000: READONLY_MEM per VM type, the legacy default-type
 * SEV-ES VM still offering it; and the older kernels' answers.
 */
START_TEST(readonly_mem_per_type)
{
	hs_expect_rule("readonly", NULL,
		       "default: KVM_CAP_READONLY_MEM=1 read-only slot: ok\n"
		       "sev: KVM_CAP_READONLY_MEM=1 read-only slot: ok\n"
		       "sev-es: KVM_CAP_READONLY_MEM=0 read-only slot: EINVAL\n"
		       "snp: KVM_CAP_READONLY_MEM=0 read-only slot: EINVAL\n"
		       "default+es: KVM_CAP_READONLY_MEM=1 read-only slot: ok\n");
	hs_expect_rule("readonly", (const char *[]){ "HOSTSIM_READONLY_MEM=all", NULL },
		       "default: KVM_CAP_READONLY_MEM=1 read-only slot: ok\n"
		       "sev: KVM_CAP_READONLY_MEM=1 read-only slot: ok\n"
		       "sev-es: KVM_CAP_READONLY_MEM=1 read-only slot: ok\n"
		       "snp: KVM_CAP_READONLY_MEM=1 read-only slot: ok\n"
		       "default+es: KVM_CAP_READONLY_MEM=1 read-only slot: ok\n");
	hs_expect_rule("readonly", (const char *[]){ "HOSTSIM_READONLY_MEM=mismatch", NULL },
		       "default: KVM_CAP_READONLY_MEM=1 read-only slot: ok\n"
		       "sev: KVM_CAP_READONLY_MEM=1 read-only slot: ok\n"
		       "sev-es: KVM_CAP_READONLY_MEM=1 read-only slot: EINVAL\n"
		       "snp: KVM_CAP_READONLY_MEM=1 read-only slot: EINVAL\n"
		       "default+es: KVM_CAP_READONLY_MEM=1 read-only slot: ok\n");
	hs_expect_rule("readonly", (const char *[]){ "HOSTSIM_READONLY_MEM=none", NULL },
		       "default: KVM_CAP_READONLY_MEM=0 read-only slot: EINVAL\n"
		       "sev: KVM_CAP_READONLY_MEM=0 read-only slot: EINVAL\n"
		       "sev-es: KVM_CAP_READONLY_MEM=0 read-only slot: EINVAL\n"
		       "snp: KVM_CAP_READONLY_MEM=0 read-only slot: EINVAL\n"
		       "default+es: KVM_CAP_READONLY_MEM=0 read-only slot: EINVAL\n");
}
END_TEST

/* §2.1, §2.4: legacy ids on SNP give EPERM, SNP ids elsewhere ENOTTY/EINVAL. */
START_TEST(command_types)
{
	hs_expect_rule("command-types", NULL,
		       "KVM_CREATE_VM: ok\nKVM_SEV_INIT2: ok\n"
		       "LAUNCH_START on snp: EPERM\nGUEST_STATUS on snp: EPERM\n"
		       "KVM_CREATE_VM sev: ok\nLAUNCH_START before INIT2: ENOTTY\n"
		       "KVM_SEV_INIT2: ok\nSNP_LAUNCH_START on sev: ENOTTY\n"
		       "SNP_LAUNCH_UPDATE on sev: EINVAL\nLAUNCH_UPDATE_VMSA on sev: ENOTTY\n"
		       "command 99: EINVAL\n");
}
END_TEST

START_TEST(run_before_init2)
{
	hs_expect_rule("run-before-init", NULL,
		       "KVM_CREATE_VM sev-es: ok\nKVM_RUN before INIT2: EINVAL\n");
}
END_TEST

/* §4.1: the firmware's state machine, lengths and alignment, with its codes. */
START_TEST(sev_state_machine)
{
	hs_expect_rule("sev-states", NULL,
		       SEV_SET_UP
		       "LAUNCH_UPDATE_DATA before LAUNCH_START: EBADF\n"	/* sev->fd unset */
		       "LAUNCH_START: ok\nLAUNCH_START again: EIO fw=0xc\n"
		       "LAUNCH_FINISH before LAUNCH_MEASURE: EIO fw=0x2\n"
		       "LAUNCH_UPDATE_DATA: ok\nLAUNCH_UPDATE_DATA 15 bytes: EIO fw=0x4\n"
		       "LAUNCH_UPDATE_DATA unaligned: EIO fw=0x9\n"
		       "LAUNCH_MEASURE length query: EIO fw=0x4\nlength: 48\n"
		       "LAUNCH_MEASURE 16 bytes: EIO fw=0x4\nLAUNCH_MEASURE: ok\n"
		       "LAUNCH_MEASURE again: EIO fw=0x2\nGUEST_STATUS: ok\n"
		       "state: 2 policy: 0x1\n"
		       "LAUNCH_UPDATE_DATA after LAUNCH_MEASURE: EIO fw=0x2\n"
		       "LAUNCH_FINISH: ok\nLAUNCH_FINISH again: EIO fw=0x2\n");
}
END_TEST

/* §2.4: LAUNCH_UPDATE_DATA on mprotect(PROT_READ) memory fails to pin: ENOMEM. */
START_TEST(update_data_needs_writable_pages)
{
	hs_expect_rule("update-readonly", NULL,
		       SEV_READY
		       "LAUNCH_UPDATE_DATA read-only: ENOMEM\n"
		       "LAUNCH_UPDATE_DATA half read-only: ENOMEM\n"
		       "LAUNCH_UPDATE_DATA unmapped: ENOMEM\n"
		       "LAUNCH_UPDATE_DATA writable again: ok\n");
}
END_TEST

/* Registered regions: required by the simulator (as QEMU does), pinned for write. */
START_TEST(registered_regions)
{
	hs_expect_rule("update-unregistered", NULL,
		       SEV_READY
		       "LAUNCH_UPDATE_DATA unregistered: EINVAL\n"
		       "KVM_MEMORY_ENCRYPT_REG_REGION one page: ok\n"
		       "LAUNCH_UPDATE_DATA half registered: EINVAL\n"
		       "LAUNCH_UPDATE_DATA registered: ok\n"
		       "KVM_MEMORY_ENCRYPT_UNREG_REGION wrong size: EINVAL\n"
		       "KVM_MEMORY_ENCRYPT_REG_REGION read-only: ENOMEM\n"
		       "KVM_CREATE_VM default: ok\n"
		       "KVM_MEMORY_ENCRYPT_REG_REGION without SEV: ENOTTY\n");
	hs_expect_rule("update-unregistered",
		       (const char *[]){ "HOSTSIM_REQUIRE_REG_REGION=0", NULL },
		       SEV_READY
		       "LAUNCH_UPDATE_DATA unregistered: ok\n"
		       "KVM_MEMORY_ENCRYPT_REG_REGION one page: ok\n"
		       "LAUNCH_UPDATE_DATA half registered: ok\n"
		       "LAUNCH_UPDATE_DATA registered: ok\n"
		       "KVM_MEMORY_ENCRYPT_UNREG_REGION wrong size: EINVAL\n"
		       "KVM_MEMORY_ENCRYPT_REG_REGION read-only: ENOMEM\n"
		       "KVM_CREATE_VM default: ok\n"
		       "KVM_MEMORY_ENCRYPT_REG_REGION without SEV: ENOTTY\n");
}
END_TEST

/* §2.3 sev_pin_memory(): the memlock limit (HOSTSIM_MEMLOCK_LIMIT). */
START_TEST(memlock_limit)
{
	hs_expect_rule("memlock", (const char *[]){ "HOSTSIM_MEMLOCK_LIMIT=0x2002000", NULL },
		       SEV_READY
		       "KVM_MEMORY_ENCRYPT_REG_REGION two more pages: ok\n"
		       "LAUNCH_UPDATE_DATA one page: ENOMEM\n");
}
END_TEST

/* §2.1: sev_fd must be an open /dev/sev; SNP context creation fails with ENOTTY. */
START_TEST(sev_fd_rules)
{
	hs_expect_rule("sev-fd", NULL,
		       SEV_SET_UP
		       "LAUNCH_START with the /dev/kvm fd: EBADF\n"
		       "LAUNCH_START with fd -1: EBADF\nLAUNCH_START: ok\n"
		       "LAUNCH_UPDATE_DATA after closing /dev/sev: EBADF\n"
		       SNP_READY
		       "KVM_CREATE_VM snp: ok\nKVM_SEV_INIT2: ok\n"
		       "SNP_LAUNCH_START with the /dev/kvm fd: ENOTTY\n");
}
END_TEST

/* §1.1, §4.2: DR7 and guest debug refuse the VMSA; protected state afterwards. */
START_TEST(protected_state)
{
	hs_expect_rule("protected", NULL,
		       SEV_READY
		       "KVM_SET_DEBUGREGS dr7=0x401: ok\nLAUNCH_UPDATE_VMSA: EINVAL\n"
		       "KVM_SET_DEBUGREGS dr7=0x400: ok\nKVM_SET_GUEST_DEBUG: ok\n"
		       "LAUNCH_UPDATE_VMSA: EINVAL\nKVM_SET_GUEST_DEBUG off: ok\n"
		       "LAUNCH_UPDATE_VMSA: ok\nKVM_GET_REGS: EINVAL\nKVM_SET_REGS: EINVAL\n"
		       "KVM_CREATE_VM default: ok\nKVM_SEV_ES_INIT: ok\nLAUNCH_START: ok\n"
		       "LAUNCH_UPDATE_VMSA: ok\nKVM_GET_REGS legacy: ok\n"
		       "KVM_SET_REGS legacy: ok\n");
}
END_TEST

/* §2.3: DH certificate and session optional; LAUNCH_SECRET after MEASURE, recorded. */
START_TEST(launch_secret)
{
	hs_expect_rule("secret", NULL,
		       SEV_SET_UP
		       "LAUNCH_START empty DH certificate: EINVAL\n"
		       "LAUNCH_START with DH certificate and session: ok\n"
		       "LAUNCH_SECRET before LAUNCH_MEASURE: EIO fw=0x2\n"
		       "LAUNCH_MEASURE: ok\nLAUNCH_SECRET across two pages: EINVAL\n"
		       "LAUNCH_SECRET: ok\npayload at the GPA: yes\n"
		       SEV_READY
		       "LAUNCH_MEASURE: ok\nLAUNCH_SECRET without a session: EIO fw=0xb\n");
}
END_TEST

/* §2.3: SNP command order; FAIL_ENTRY before the launch [I]; protected after it. */
START_TEST(snp_state_machine)
{
	hs_expect_rule("snp-states", NULL,
		       "KVM_CREATE_VM: ok\nKVM_SEV_INIT2: ok\n"
		       "SNP_LAUNCH_UPDATE before SNP_LAUNCH_START: EINVAL\n"
		       "SNP_LAUNCH_FINISH before SNP_LAUNCH_START: EINVAL\n"
		       "KVM_RUN before SNP_LAUNCH_START: ok\nexit_reason: 9\n"
		       "SNP_LAUNCH_START: ok\nSNP_LAUNCH_START again: EINVAL\n"
		       "SNP_LAUNCH_UPDATE: ok\nSNP_LAUNCH_FINISH flags: EINVAL\n"
		       "SNP_LAUNCH_FINISH: ok\n"
		       "SNP_LAUNCH_UPDATE after SNP_LAUNCH_FINISH: EIO fw=0x2\n"
		       "SNP_LAUNCH_FINISH again: EIO fw=0x2\n"
		       "KVM_GET_REGS after SNP_LAUNCH_FINISH: EINVAL\n");
}
END_TEST

/* §2.3 snp_launch_start(): flags, KVM's policy mask, RSVD_MBO, SMT, SINGLE_SOCKET. */
START_TEST(snp_policy)
{
	hs_expect_rule("snp-policy", NULL,
		       "KVM_CREATE_VM: ok\nKVM_SEV_INIT2: ok\nSNP_LAUNCH_START flags: EINVAL\n"
		       "SNP_LAUNCH_START without SMT: EINVAL\n"
		       "SNP_LAUNCH_START without RSVD_MBO: EINVAL\n"
		       "SNP_LAUNCH_START SINGLE_SOCKET: EINVAL\n"
		       "SNP_LAUNCH_START unknown bit 24: EINVAL\nSNP_LAUNCH_START 0x30000: ok\n");
	/* Later kernels leave SMT to the firmware. */
	hs_expect_rule("snp-policy", (const char *[]){ "HOSTSIM_SNP_REQUIRE_SMT=0", NULL },
		       "KVM_CREATE_VM: ok\nKVM_SEV_INIT2: ok\nSNP_LAUNCH_START flags: EINVAL\n"
		       "SNP_LAUNCH_START without SMT: ok\n");
}
END_TEST

#define SNP_UPDATE_CHECKS \
	"len 0: EINVAL\nlen 0x800: EINVAL\nflags 1: EINVAL\ntype 7: EINVAL\n" \
	"source not page-aligned: EINVAL\nZERO with an unaligned source: ok\n" \
	"gfn outside any slot: EINVAL\nplain slot: ok\n" \
	"gfn in a slot without guest_memfd: EINVAL\nshared again: ok\n"

/*
 * §2.3: SNP_LAUNCH_UPDATE's checks; private gfns, each populated once,
 * partial progress (the loop), the slot's end. KVM reports a failure inside
 * kvm_gmem_populate() as EIO; HOSTSIM_POPULATE_ERRNO=1 gives the inner errno.
 */
START_TEST(snp_launch_update_rules)
{
	hs_expect_rule("snp-update", NULL,
		       SNP_READY SNP_UPDATE_CHECKS
		       "gfn not private: EIO\nNORMAL page: ok\nthe same gfn again: EIO\n"
		       "two pages, the second populated: ok\nlen left: 0x1000\n"
		       "the rest: EIO\nZERO, UNMEASURED, SECRETS: ok\n"
		       "unreadable source: EIO\npast the slot's end: ok\nlen left: 0x1000\n");
	hs_expect_rule("snp-update", (const char *[]){ "HOSTSIM_POPULATE_ERRNO=1", NULL },
		       SNP_READY SNP_UPDATE_CHECKS
		       "gfn not private: EINVAL\nNORMAL page: ok\nthe same gfn again: EEXIST\n"
		       "two pages, the second populated: ok\nlen left: 0x1000\n"
		       "the rest: EEXIST\nZERO, UNMEASURED, SECRETS: ok\n"
		       "unreadable source: EFAULT\npast the slot's end: ok\nlen left: 0x1000\n");
}
END_TEST

/* Simulator settings: one page per call, every second call EAGAIN (nothing done). */
START_TEST(snp_launch_update_retry)
{
	hs_expect_rule("snp-update-retry", (const char *[]){ "HOSTSIM_SNP_UPDATE_PAGES=1",
							     "HOSTSIM_SNP_UPDATE_EAGAIN=2", NULL },
		       SNP_READY
		       "SNP_LAUNCH_UPDATE: ok\ngfn_start 0x201, uaddr +0x1000, len 0x1000\n"
		       "SNP_LAUNCH_UPDATE: EAGAIN\ngfn_start 0x201, uaddr +0x1000, len 0x1000\n"
		       "SNP_LAUNCH_UPDATE: ok\ngfn_start 0x202, uaddr +0x2000, len 0\n");
}
END_TEST

/* §7: a well-formed table passes; malformed or rejected leaves come back corrected. */
START_TEST(snp_cpuid_page)
{
	const char *head = SNP_READY
		"CPUID page with 65 entries: EIO fw=0x16\ncount written back: 64\n"
		"CPUID page with a reserved field set: EIO fw=0x16\n";
	char want[2048];

	snprintf(want, sizeof(want), "%s%s", head,
		 "CPUID page with TSC_DEADLINE: ok\nleaf 0x1 ecx bit 24 after: 1\n"
		 "CPUID page retried: EIO\n");
	hs_expect_rule("cpuid-page", NULL, want);
	snprintf(want, sizeof(want), "%s%s", head,
		 "CPUID page with TSC_DEADLINE: EIO fw=0x16\nleaf 0x1 ecx bit 24 after: 0\n"
		 "CPUID page retried: ok\n");
	hs_expect_rule("cpuid-page", (const char *[]){ "HOSTSIM_CPUID_REJECT=qemu-masks", NULL },
		       want);
	hs_expect_rule("cpuid-page", (const char *[]){ "HOSTSIM_CPUID_REJECT=0x1:ecx:0x1000000",
						       "HOSTSIM_CPUID_RETRY=0", NULL },
		       SNP_READY
		       "CPUID page with 65 entries: EIO fw=0x16\ncount written back: 64\n"
		       "CPUID page with a reserved field set: EIO\n"
		       "CPUID page with TSC_DEADLINE: EIO\nleaf 0x1 ecx bit 24 after: 1\n"
		       "CPUID page retried: EIO\n");
}
END_TEST

/*
 * Seed 001: the VMSA page type needs the capability; 4096 bytes, once; vmpl 0
 * and sev_features equal to the VM's (checked in post-populate, so EIO as KVM
 * maps it); APs without a VMSA wait, and made runnable fail with EINVAL (§4.4).
 */
START_TEST(snp_direct_vmsa)
{
	const char *tail = "SNP_LAUNCH_FINISH: ok\n"
		"AP KVM_RUN, waiting for its creation: EINTR\nAP made runnable: ok\n"
		"AP KVM_RUN without a VMSA: EINVAL\nBSP KVM_RUN: ok\nBSP exit_reason: 2\n";
	char want[2048];

	snprintf(want, sizeof(want), "%s%s", SNP_READY
		 "VMSA len 8192: EINVAL\nVMSA with vmpl 1: EIO\n"
		 "VMSA with sev_features 0x21: EIO\nVMSA: ok\nsecond VMSA: EBUSY\n", tail);
	hs_expect_rule("direct-vmsa", NULL, want);
	snprintf(want, sizeof(want), "%s%s", SNP_READY
		 "VMSA len 8192: EINVAL\nVMSA with vmpl 1: EINVAL\n"
		 "VMSA with sev_features 0x21: EINVAL\nVMSA: ok\nsecond VMSA: EBUSY\n", tail);
	hs_expect_rule("direct-vmsa", (const char *[]){ "HOSTSIM_POPULATE_ERRNO=1", NULL }, want);
	/* Without the capability (an unpatched kernel) the type is unknown. */
	hs_expect_rule("direct-vmsa", (const char *[]){ "HOSTSIM_DIRECT_VMSA=0",
							"HOSTSIM_AP_SCRIPT=debug-exit:1", NULL },
		       SNP_READY
		       "VMSA len 8192: EINVAL\nVMSA with vmpl 1: EINVAL\n"
		       "VMSA with sev_features 0x21: EINVAL\nVMSA: EINVAL\n"
		       "second VMSA: EINVAL\nSNP_LAUNCH_FINISH: ok\n"
		       "AP KVM_RUN, waiting for its creation: EINTR\nAP made runnable: ok\n"
		       "AP KVM_RUN without a VMSA: ok\nBSP KVM_RUN: ok\nBSP exit_reason: 2\n");
	/* A kernel that advertises the capability but refuses the page type. */
	hs_expect_rule("direct-vmsa-refuse", (const char *[]){ "HOSTSIM_DIRECT_VMSA=refuse", NULL },
		       SNP_READY "KVM_CAP_SNP_DIRECT_VMSA (249): 0x1\n"
		       "KVM_CAP_SNP_DIRECT_VMSA (249) on the VM: 0x1\n"
		       "VMSA: EINVAL\nNORMAL page: ok\nSNP_LAUNCH_FINISH: ok\n");
}
END_TEST

/* §1.4, §3.2: slot flags per VM type, alignment, overlaps, guest_memfd binding. */
START_TEST(memslot_rules)
{
	hs_expect_rule("memslots", NULL,
		       "KVM_CREATE_VM: ok\nKVM_SEV_INIT2: ok\n"
		       "guest_memfd slot on sev-es: EINVAL\n"
		       "KVM_CREATE_VM: ok\nKVM_SEV_INIT2: ok\n"
		       "v1 slot with GUEST_MEMFD: EINVAL\nunaligned size: EINVAL\n"
		       "unaligned host address: EINVAL\nGUEST_MEMFD with READONLY: EINVAL\n"
		       "guest_memfd fd not open: EBADF\n"
		       "guest_memfd fd not a guest_memfd: EINVAL\n"
		       "range past the guest_memfd: EINVAL\nguest_memfd slot: ok\n"
		       "overlapping slot: EEXIST\nsame guest_memfd range twice: EINVAL\n"
		       "changing a guest_memfd slot: EINVAL\n"
		       "another VM's guest_memfd: EINVAL\n");
}
END_TEST

START_TEST(guest_memfd_rules)
{
	hs_expect_rule("guest-memfd", NULL,
		       "KVM_CREATE_VM: ok\nKVM_SEV_INIT2: ok\nsize 0: EINVAL\n"
		       "size 100: EINVAL\nMMAP flag on snp: EINVAL\n"
		       "KVM_CREATE_GUEST_MEMFD: ok\nmmap: ENODEV\n"
		       "fallocate without KEEP_SIZE: EOPNOTSUPP\nfallocate unaligned: EINVAL\n"
		       "punch a hole: ok\nmmap of the VM fd: ENODEV\n");
	hs_expect_rule("punch-hole", NULL,
		       SNP_READY "slot: ok\nprivate: ok\npopulate: ok\npopulate again: EIO\n"
		       "punch the page: ok\npopulate after the hole: ok\n"
		       "populate after closing the guest_memfd: EIO\n");
}
END_TEST

START_TEST(memory_attribute_rules)
{
	hs_expect_rule("attributes", NULL,
		       "KVM_CREATE_VM: ok\nKVM_SEV_INIT2: ok\n"
		       "KVM_CAP_MEMORY_ATTRIBUTES on snp: 0x8\nflags 1: EINVAL\n"
		       "unaligned address: EINVAL\nsize 0: EINVAL\nunknown attribute: EINVAL\n"
		       "PRIVATE: ok\nKVM_CREATE_VM: ok\nKVM_SEV_INIT2: ok\n"
		       "KVM_CAP_MEMORY_ATTRIBUTES on sev: 0\nPRIVATE on sev: EINVAL\n");
}
END_TEST

/* §3.4: only KVM_HC_MAP_GPA_RANGE may exit; configurable away. */
START_TEST(hypercall_cap)
{
	hs_expect_rule("hypercall-cap", NULL,
		       "KVM_CREATE_VM: ok\nKVM_SEV_INIT2: ok\nKVM_CAP_EXIT_HYPERCALL: 0x1000\n"
		       "KVM_ENABLE_CAP 0x1001: EINVAL\nKVM_ENABLE_CAP flags 1: EINVAL\n"
		       "KVM_ENABLE_CAP 0x1000: ok\n");
	hs_expect_rule("hypercall-cap", (const char *[]){ "HOSTSIM_EXIT_HYPERCALL=0", NULL },
		       "KVM_CREATE_VM: ok\nKVM_SEV_INIT2: ok\nKVM_CAP_EXIT_HYPERCALL: 0\n"
		       "KVM_ENABLE_CAP 0x1001: EINVAL\nKVM_ENABLE_CAP flags 1: EINVAL\n"
		       "KVM_ENABLE_CAP 0x1000: EINVAL\n");
}
END_TEST

/* /dev/sev: the configured platform status; the guest count follows launches. */
START_TEST(dev_sev_status)
{
	hs_expect_rule("dev-sev", (const char *[]){ "HOSTSIM_PLATFORM_STATUS=api=1.52,build=4,"
						    "state=2,flags=0x101,tcb=0x1234", NULL },
		       "SEV_PLATFORM_STATUS: ok\n"
		       "api 1.52 build 4 state 2 flags 0x101 guests 0\n"
		       "SNP_PLATFORM_STATUS: ok\nsnp api 1.52 build 4 state 1 tcb 0x1234\n"
		       "SEV_PEK_CSR: EINVAL\n" SEV_READY
		       "SEV_PLATFORM_STATUS: ok\nguests during a launch: 1\n");
	hs_expect_rule("dev-sev", (const char *[]){ "HOSTSIM_DEV_SEV=0", NULL },
		       "open /dev/sev: ENOENT\n");
}
END_TEST

/* ---- KVM_RUN: the guest script's exits (§3.3, §3.4, §4.6) ---- */

#define SNP_RUN SNP_READY "SNP_LAUNCH_FINISH: ok\n"
#define SEV_RUN SEV_READY "LAUNCH_UPDATE_DATA: ok\nLAUNCH_UPDATE_VMSA: ok\n" \
		"LAUNCH_MEASURE: ok\nLAUNCH_FINISH: ok\n"

START_TEST(script_exits)
{
	hs_expect_rule("run-snp", (const char *[]){ "HOSTSIM_SCRIPT=serial:hi\\n;"
		"psc:shared:0x100000:2;psc:private:0x100000:2;fault:shared:0x200000:0x1000;"
		"write:0x300000:7:shared;in:0x71:1;mmio-read:0xfed00000:4;out:0x80:1:0x42;"
		"write:0x40000000;mmio-write:0xfee00000:4:1;shutdown", NULL },
		SNP_RUN "serial: hi\\n\n"
		"psc shared 0x100000+0x2000: ok\npsc private 0x100000+0x2000: ok\n"
		"memory-fault flags=0 gpa=0x200000 size=0x1000\n"
		"convert shared 0x200000+0x1000: ok\n"
		"memory-fault flags=0 gpa=0x300000 size=0x1000\n"
		"convert shared 0x300000+0x1000: ok\n"
		"in 0x71/1\nmmio read 0xfed00000/4\nout 0x80/1 0x42\n"
		"mmio write 0x40000000/1\nmmio write 0xfee00000/4\nshutdown\n");
	hs_expect_rule("run-snp", (const char *[]){ "HOSTSIM_SCRIPT=sev-term:1:2", NULL },
		       SNP_RUN "system-event type=6 data0=0x21100\n");
	hs_expect_rule("run-snp", (const char *[]){ "HOSTSIM_SCRIPT=system-event:reset;"
						    "debug-exit:7", NULL },
		       SNP_RUN "system-event type=2 data0=0\n");
}
END_TEST

/* §3.4: without KVM_CAP_EXIT_HYPERCALL the guest's page-state change fails. */
START_TEST(psc_needs_hypercall_exits)
{
	hs_expect_rule("run-snp-no-hypercalls",
		       (const char *[]){ "HOSTSIM_SCRIPT=psc:shared:0x100000:1;acpi-off", NULL },
		       "KVM_CREATE_VM: ok\nKVM_SEV_INIT2: ok\nSNP_LAUNCH_START: ok\n"
		       "SNP_LAUNCH_FINISH: ok\nsystem-event type=6 data0=0x100\n");
}
END_TEST

/*
 * A write to memory whose host mapping is read-only (mprotect): KVM_RUN fails
 * with EFAULT and memory-fault details, as on hardware; the emulating build
 * hosts' MMIO form and the bare EFAULT are configurable.
 */
START_TEST(write_to_read_only_host_mapping)
{
	hs_expect_rule("run-sev", (const char *[]){ "HOSTSIM_SCRIPT=serial:ok;"
						    "write:0x100010;acpi-off", NULL },
		       SEV_RUN "serial: ok\nmemory-fault flags=0 gpa=0x100000 size=0x1000\n"
		       "stop: guest wrote protected memory\n");
	hs_expect_rule("run-sev", (const char *[]){ "HOSTSIM_RO_WRITE=mmio",
						    "HOSTSIM_SCRIPT=write:0x100010;acpi-off",
						    NULL },
		       SEV_RUN "mmio write 0x100010/1\npoweroff\n");
	hs_expect_rule("run-sev", (const char *[]){ "HOSTSIM_RO_WRITE=efault-bare",
						    "HOSTSIM_SCRIPT=write:0x100010;acpi-off",
						    NULL },
		       SEV_RUN "KVM_RUN: EFAULT\n");
	/* A write elsewhere lands in guest memory without an exit. */
	hs_expect_rule("run-sev", (const char *[]){ "HOSTSIM_SCRIPT=write:0x200000;acpi-off",
						    NULL },
		       SEV_RUN "poweroff\n");
}
END_TEST

/* HOST-NOTES: an AP waits in KVM_RUN for INIT/SIPI, then gets EAGAIN. */
START_TEST(ap_waits_for_sipi)
{
	hs_expect_rule("sipi", (const char *[]){ "HOSTSIM_SCRIPT=sipi;acpi-off", NULL },
		       SEV_SET_UP "LAUNCH_START: ok\nLAUNCH_UPDATE_VMSA: ok\nLAUNCH_MEASURE: ok\n"
		       "LAUNCH_FINISH: ok\npoweroff\n"
		       "AP KVM_RUN: EAGAIN\nAP KVM_RUN again: EINTR\n");
	hs_expect_rule("sipi", (const char *[]){ "HOSTSIM_SCRIPT=acpi-off", NULL },
		       SEV_SET_UP "LAUNCH_START: ok\nLAUNCH_UPDATE_VMSA: ok\nLAUNCH_MEASURE: ok\n"
		       "LAUNCH_FINISH: ok\npoweroff\n"
		       "AP KVM_RUN: EINTR\nAP KVM_RUN again: EINTR\n");
}
END_TEST

#define CERTS_SCRIPT "HOSTSIM_SCRIPT=certs:0x100000:2;certs:0x100000:1;certs:0x100000:1;acpi-off"
#define CERTS_SET_UP \
	"KVM_CREATE_VM: ok\nKVM_SEV_INIT2: ok\nKVM_X86_SEV_SNP_REQ_CERTS: %s\nvalue: %s\n" \
	"ENABLE_REQ_CERTS on sev: EINVAL\nKVM_CREATE_VM: ok\nKVM_SEV_INIT2: ok\n" \
	"ENABLE_REQ_CERTS: %s\nENABLE_REQ_CERTS after a vCPU: EINVAL\n" \
	"KVM_ENABLE_CAP hypercalls: ok\nSNP_LAUNCH_START: ok\nSNP_LAUNCH_FINISH: ok\n" \
	"shared 0x100000+0x2000: ok\nKVM_RUN: ok\n"

/*
 * Linux 7.0's certificate requests: the attribute, KVM_SEV_SNP_ENABLE_REQ_CERTS
 * only on an SNP VM without vCPUs, the exit, and KVM's answer to each ret:
 * 0 leaves the guest what the VMM wrote in its shared buffer (the log's hash
 * of its two pages: "certificates" and zeros), ENOSPC hands npages on, an
 * unknown ret fails KVM_RUN. Before 7.0 none of it: the request stays in KVM.
 */
START_TEST(snp_req_certs)
{
	static const char done[] = "\"event\":\"certs-completed\",\"gpa\":\"0x100000\",";
	static struct hs_proc p;
	char want[1024];
	size_t size;
	char *log;

	hs_spawn(&p, NULL, (const char *[]){ CERTS_SCRIPT, NULL },
		 (const char *[]){ "rule", "snp-req-certs", NULL });
	snprintf(want, sizeof(want), CERTS_SET_UP "exit 43: gpa 0x100000 npages 2 ret 0\n"
		 "KVM_RUN: ok\nexit 43: gpa 0x100000 npages 1 ret 0\n"
		 "KVM_RUN: ok\nexit 43: gpa 0x100000 npages 1 ret 0\n"
		 "KVM_RUN after ret 7: EINVAL\n", "ok", "1", "ok");
	ck_assert_str_eq(p.out, want);
	log = test_read_file(p.log, &size);
	snprintf(want, sizeof(want), "%s\"npages_asked\":2,\"npages\":2,\"ret\":0,"
		 "\"ret_name\":\"0\",\"shared\":1,\"hashed_pages\":2,\"sha256\":\"c0577adb568e3dae"
		 "4f770be4f6ebeea7c320965d43fdcf249e8e0489e83dbd56\",\"head\":\"6365727469666963"
		 "6174657300", done);
	ck_assert_msg(strstr(log, want), "%s", log);
	snprintf(want, sizeof(want), "%s\"npages_asked\":1,\"npages\":5,\"ret\":28,"
		 "\"ret_name\":\"ENOSPC\"}", done);
	ck_assert_msg(strstr(log, want), "%s", log);
	ck_assert(strstr(log, "\"ret_name\":\"invalid\""));
	free(log);
	hs_done(&p);
	snprintf(want, sizeof(want), CERTS_SET_UP "exit 2\n", "ENXIO", "0", "EINVAL");
	hs_expect_rule("snp-req-certs", (const char *[]){ "HOSTSIM_SNP_REQ_CERTS=0", CERTS_SCRIPT,
							  NULL }, want);
}
END_TEST

void hostsim_add_rule_tests(Suite *s)
{
	TCase *tc = tcase_create("rules");

	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, init2_rules);
	tcase_add_test(tc, init2_after_vcpu);
	tcase_add_test(tc, capabilities);
	tcase_add_test(tc, readonly_mem_per_type);
	tcase_add_test(tc, command_types);
	tcase_add_test(tc, run_before_init2);
	tcase_add_test(tc, sev_state_machine);
	tcase_add_test(tc, update_data_needs_writable_pages);
	tcase_add_test(tc, registered_regions);
	tcase_add_test(tc, memlock_limit);
	tcase_add_test(tc, sev_fd_rules);
	tcase_add_test(tc, protected_state);
	tcase_add_test(tc, launch_secret);
	tcase_add_test(tc, snp_state_machine);
	tcase_add_test(tc, snp_policy);
	tcase_add_test(tc, snp_launch_update_rules);
	tcase_add_test(tc, snp_launch_update_retry);
	tcase_add_test(tc, snp_cpuid_page);
	tcase_add_test(tc, snp_direct_vmsa);
	tcase_add_test(tc, memslot_rules);
	tcase_add_test(tc, guest_memfd_rules);
	tcase_add_test(tc, memory_attribute_rules);
	tcase_add_test(tc, hypercall_cap);
	tcase_add_test(tc, dev_sev_status);
	suite_add_tcase(s, tc);
	tc = tcase_create("KVM_RUN");
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, script_exits);
	tcase_add_test(tc, psc_needs_hypercall_exits);
	tcase_add_test(tc, write_to_read_only_host_mapping);
	tcase_add_test(tc, ap_waits_for_sipi);
	tcase_add_test(tc, snp_req_certs);
	suite_add_tcase(s, tc);
}
