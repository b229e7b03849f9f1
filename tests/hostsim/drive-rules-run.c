// SPDX-License-Identifier: GPL-2.0-only
/*
 * hs-drive's /dev/sev and KVM_RUN scenarios: platform status, the memlock
 * limit, finished launches whose BSP then runs $HOSTSIM_SCRIPT (§4.6), and an
 * AP waiting for INIT/SIPI on another thread. See drive-rules.c.
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#include "tests/hostsim/drive.h"

#define R(name, expr) drv_report(d, name, (expr))

static uint8_t page[2][4096] __attribute__((aligned(4096)));

/* ---- /dev/sev, KVM_RUN ---- */

static int rule_dev_sev(struct drv *d)
{
	struct sev_user_data_status st = { 0 };
	struct hs_snp_platform_status snp = { 0 };
	struct sev_issue_cmd c = { .cmd = SEV_PLATFORM_STATUS, .data = (uintptr_t)&st };

	if (drv_open(d) || d->sev < 0) {
		R("open /dev/sev", -1);
		return 0;
	}
	R("SEV_PLATFORM_STATUS", ioctl(d->sev, SEV_ISSUE_CMD, &c));
	printf("api %u.%u build %u state %u flags %#x guests %u\n", st.api_major, st.api_minor,
	       st.build, st.state, st.flags, st.guest_count);
	c = (struct sev_issue_cmd){ .cmd = HS_SNP_PLATFORM_STATUS, .data = (uintptr_t)&snp };
	R("SNP_PLATFORM_STATUS", ioctl(d->sev, SEV_ISSUE_CMD, &c));
	printf("snp api %u.%u build %u state %u tcb %#llx\n", snp.api_major, snp.api_minor,
	       snp.build_id, snp.state, (unsigned long long)snp.current_tcb_version);
	c.cmd = SEV_PEK_CSR;
	R("SEV_PEK_CSR", ioctl(d->sev, SEV_ISSUE_CMD, &c));
	if (drv_sev_ready(d, HS_VM_SEV, true))
		return -1;
	c = (struct sev_issue_cmd){ .cmd = SEV_PLATFORM_STATUS, .data = (uintptr_t)&st };
	R("SEV_PLATFORM_STATUS", ioctl(d->sev, SEV_ISSUE_CMD, &c));
	printf("guests during a launch: %u\n", st.guest_count);
	return 0;
}

static int rule_memlock(struct drv *d)
{
	struct kvm_enc_region reg;

	if (drv_sev_ready(d, HS_VM_SEV, true))
		return -1;
	reg = (struct kvm_enc_region){ (uintptr_t)page[0], 2 * DRV_PAGE };
	R("KVM_MEMORY_ENCRYPT_REG_REGION two more pages",
	  ioctl(d->vm, KVM_MEMORY_ENCRYPT_REG_REGION, &reg));
	R("LAUNCH_UPDATE_DATA one page", drv_update_data(d, d->low, DRV_PAGE));
	return 0;
}

/* A finished launch of each kind, then the BSP runs $HOSTSIM_SCRIPT (§4.6). */
static int rule_run_sev(struct drv *d)
{
	uint8_t blob[48];
	uint32_t len;

	if (drv_sev_ready(d, HS_VM_SEV_ES, true) || R("LAUNCH_UPDATE_DATA",
						  drv_update_data(d, d->low, DRV_PAGE)) ||
	    R("LAUNCH_UPDATE_VMSA", drv_sev(d, KVM_SEV_LAUNCH_UPDATE_VMSA, NULL)) ||
	    R("LAUNCH_MEASURE", drv_measure(d, blob, sizeof(blob), &len)) ||
	    R("LAUNCH_FINISH", drv_sev(d, KVM_SEV_LAUNCH_FINISH, NULL)))
		return -1;
	/* As lkvm-sev's mprotect mode keeps firmware read-only. */
	mprotect(d->low + 0x100000, DRV_PAGE, PROT_READ);
	drv_run_bsp(d, 64);	/* its output is the result */
	return 0;
}

static int rule_run_snp(struct drv *d)
{
	struct hs_snp_launch_finish f = { 0 };

	if (drv_snp_ready(d, 1) || R("SNP_LAUNCH_FINISH", drv_sev(d, HS_SEV_SNP_LAUNCH_FINISH, &f)))
		return -1;
	drv_run_bsp(d, 64);
	return 0;
}

static int rule_run_snp_no_hypercalls(struct drv *d)
{
	struct hs_snp_launch_start s = { .policy = 0x30000 };
	struct hs_snp_launch_finish f = { 0 };

	d->low = mmap(NULL, DRV_LOW_SIZE, PROT_READ | PROT_WRITE,
		      MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (drv_vm_with_init(d, HS_VM_SNP, 0) || drv_slot(d, 0, DRV_LOW_SIZE, d->low, true) ||
	    drv_vcpus(d, 1) || drv_reset_state(d, 0, 0) ||
	    R("SNP_LAUNCH_START", drv_sev(d, HS_SEV_SNP_LAUNCH_START, &s)) ||
	    R("SNP_LAUNCH_FINISH", drv_sev(d, HS_SEV_SNP_LAUNCH_FINISH, &f)))
		return -1;
	drv_run_bsp(d, 64);
	return 0;
}

/* The VMM's side of KVM_EXIT_SNP_REQ_CERTS: the exit's fields, then @ret and @npages back. */
static bool certs_exit(struct kvm_run *run, uint64_t ret, uint64_t npages)
{
	struct hs_exit_snp_req_certs rc;

	memcpy(&rc, &run->mmio, sizeof(rc));
	printf("exit %u", run->exit_reason);
	if (run->exit_reason != HS_EXIT_SNP_REQ_CERTS) {
		putchar('\n');
		return false;
	}
	printf(": gpa %#llx npages %llu ret %llu\n", (unsigned long long)rc.gpa,
	       (unsigned long long)rc.npages, (unsigned long long)rc.ret);
	rc.ret = ret;
	if (npages)
		rc.npages = npages;
	memcpy(&run->mmio, &rc, sizeof(rc));
	return true;
}

/*
 * Linux 7.0: KVM_X86_SEV_SNP_REQ_CERTS; KVM_SEV_SNP_ENABLE_REQ_CERTS only on
 * an SNP VM without vCPUs; then $HOSTSIM_SCRIPT's certs: steps, answered 0
 * (with bytes in the shared buffer), ENOSPC with 5 pages, then 7, which
 * KVM refuses (EINVAL).
 */
static int rule_snp_req_certs(struct drv *d)
{
	uint64_t val = 0;
	struct kvm_device_attr a = { .group = HS_X86_GRP_SEV, .attr = HS_X86_SEV_SNP_REQ_CERTS,
				     .addr = (uintptr_t)&val };
	struct hs_memory_attributes shared = { .address = 0x100000, .size = 2 * DRV_PAGE };
	struct hs_snp_launch_start s = { .policy = 0x30000 };
	struct hs_snp_launch_finish f = { 0 };

	if (drv_vm_with_init(d, HS_VM_SEV, 0))
		return -1;
	R("KVM_X86_SEV_SNP_REQ_CERTS", ioctl(d->kvm, KVM_GET_DEVICE_ATTR, &a));
	printf("value: %llu\n", (unsigned long long)val);
	R("ENABLE_REQ_CERTS on sev", drv_sev(d, HS_SEV_SNP_ENABLE_REQ_CERTS, NULL));
	drv_close_vm(d);
	d->low = mmap(NULL, DRV_LOW_SIZE, PROT_READ | PROT_WRITE,
		      MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (drv_vm_with_init(d, HS_VM_SNP, 0))
		return -1;
	R("ENABLE_REQ_CERTS", drv_sev(d, HS_SEV_SNP_ENABLE_REQ_CERTS, NULL));
	if (drv_slot(d, 0, DRV_LOW_SIZE, d->low, true) || drv_private(d, 0, DRV_LOW_SIZE) ||
	    drv_vcpus(d, 1) || drv_reset_state(d, 0, 0))
		return -1;
	R("ENABLE_REQ_CERTS after a vCPU", drv_sev(d, HS_SEV_SNP_ENABLE_REQ_CERTS, NULL));
	if (R("KVM_ENABLE_CAP hypercalls", drv_enable_hypercalls(d)) ||
	    R("SNP_LAUNCH_START", drv_sev(d, HS_SEV_SNP_LAUNCH_START, &s)) ||
	    R("SNP_LAUNCH_FINISH", drv_sev(d, HS_SEV_SNP_LAUNCH_FINISH, &f)) ||
	    R("shared 0x100000+0x2000", ioctl(d->vm, HS_SET_MEMORY_ATTRIBUTES, &shared)))
		return -1;
	if (R("KVM_RUN", ioctl(d->vcpu[0], KVM_RUN, 0)) || !certs_exit(d->run[0], 0, 0))
		return 0;
	memcpy(d->low + 0x100000, "certificates", 12);
	if (R("KVM_RUN", ioctl(d->vcpu[0], KVM_RUN, 0)) || !certs_exit(d->run[0], ENOSPC, 5) ||
	    R("KVM_RUN", ioctl(d->vcpu[0], KVM_RUN, 0)) || !certs_exit(d->run[0], 7, 0))
		return 0;
	R("KVM_RUN after ret 7", ioctl(d->vcpu[0], KVM_RUN, 0));
	return 0;
}

struct ap_thread {
	int fd;
	int err[2];
	volatile int done;
};

static void *ap_main(void *arg)
{
	struct ap_thread *t = arg;
	int i;

	for (i = 0; i < 2; i++) {
		t->err[i] = ioctl(t->fd, KVM_RUN, 0) ? errno : 0;
		t->done = i + 1;
	}
	return NULL;
}

static void kick(int sig)
{
	(void)sig;
}

/* An AP waits in KVM_RUN for INIT/SIPI; the BSP's script starts it (HOST-NOTES). */
static int rule_sipi(struct drv *d)
{
	struct sigaction sa = { .sa_handler = kick };
	struct ap_thread t = { 0 };
	pthread_t th;
	uint8_t blob[48];
	uint32_t len;
	int i;

	if (drv_sev_ready(d, HS_VM_SEV_ES, false) || drv_vcpus(d, 1) ||
	    drv_reset_state(d, 1, 0x80b004) ||
	    R("LAUNCH_START", drv_sev(d, KVM_SEV_LAUNCH_START,
				      &(struct kvm_sev_launch_start){ .policy = 5 })) ||
	    R("LAUNCH_UPDATE_VMSA", drv_sev(d, KVM_SEV_LAUNCH_UPDATE_VMSA, NULL)) ||
	    R("LAUNCH_MEASURE", drv_measure(d, blob, sizeof(blob), &len)) ||
	    R("LAUNCH_FINISH", drv_sev(d, KVM_SEV_LAUNCH_FINISH, NULL)))
		return -1;
	sigaction(SIGUSR1, &sa, NULL);
	t.fd = d->vcpu[1];
	pthread_create(&th, NULL, ap_main, &t);
	drv_run_bsp(d, 64);
	for (i = 0; i < 2000 && t.done < 1; i++)	/* the SIPI wakes it within ms */
		usleep(1000);
	/* Stop it as a VMM stops a vCPU thread: immediate_exit, then a signal. */
	((struct kvm_run *)d->run[1])->immediate_exit = 1;
	while (t.done < 2) {
		pthread_kill(th, SIGUSR1);
		usleep(1000);
	}
	pthread_join(th, NULL);
	printf("AP KVM_RUN: %s\nAP KVM_RUN again: %s\n", drv_errno(t.err[0]),
	       drv_errno(t.err[1]));
	return 0;
}

const struct drv_rule_entry drv_run_rules[] = {
	{ "dev-sev", rule_dev_sev },
	{ "memlock", rule_memlock },
	{ "run-sev", rule_run_sev },
	{ "run-snp", rule_run_snp },
	{ "run-snp-no-hypercalls", rule_run_snp_no_hypercalls },
	{ "sipi", rule_sipi },
	{ "snp-req-certs", rule_snp_req_certs },
	{ NULL, NULL },
};
