// SPDX-License-Identifier: GPL-2.0-only
/*
 * --trace's lines, which name ioctls, capabilities, VM types and SEV
 * commands as the kernel does; and the names of KVM exit reasons.
 */
#include <errno.h>
#include <stdarg.h>
#include <string.h>
#include <time.h>
#include <linux/kvm.h>
#include <linux/psp-sev.h>

#include "kvm/trace.h"
#include "kvm/uapi.h"
#include "util/file.h"

FILE *kvm_trace_fp;
static struct timespec kvm_trace_t0;

static const char *kvm_trace_path;

int kvm_trace_open(const char *path, struct lk_err *err)
{
	kvm_trace_fp = file_create_stream("--trace", path, err);
	if (!kvm_trace_fp)
		return -1;
	kvm_trace_path = path;
	clock_gettime(CLOCK_MONOTONIC, &kvm_trace_t0);
	return 0;
}

void kvm_trace_close(void)
{
	FILE *f = kvm_trace_fp;
	int e;

	if (!f)
		return;
	kvm_trace_fp = NULL;
	/* stdio remembers that a write failed, not why: the last flush says. */
	e = fflush(f) ? errno : ferror(f) ? EIO : 0;
	if (fclose(f) && !e)
		e = errno;
	if (e)
		warn("--trace %s: writing failed (%s): the trace is incomplete", kvm_trace_path,
		     strerror(e));
}

/* Seconds since the trace began, to the microsecond. */
static double kvm_trace_now(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)(t.tv_sec - kvm_trace_t0.tv_sec) +
	       (double)(t.tv_nsec - kvm_trace_t0.tv_nsec) / 1e9;
}

static unsigned int kvm_trace_msi_routes(const struct kvm_irq_routing *t)
{
	unsigned int i, n = 0;

	for (i = 0; i < t->nr; i++)
		n += t->entries[i].type == KVM_IRQ_ROUTING_MSI;
	return n;
}

struct kvm_trace_name {
	unsigned long value;
	const char *name;
};

#define TRACE_NAME(x) { x, #x }

/*
 * The kernel's names, whatever kvm/uapi.h calls them: an LK_ macro is one
 * the 6.1 headers lack, and the trace is read beside kernel sources and
 * strace, which know only the kernel's spelling.
 */
static const struct kvm_trace_name kvm_trace_caps[] = {
	TRACE_NAME(KVM_CAP_IRQCHIP), TRACE_NAME(KVM_CAP_SET_TSS_ADDR),
	TRACE_NAME(KVM_CAP_NR_VCPUS), TRACE_NAME(KVM_CAP_IRQ_ROUTING),
	TRACE_NAME(KVM_CAP_IRQFD), TRACE_NAME(KVM_CAP_IOEVENTFD),
	TRACE_NAME(KVM_CAP_MAX_VCPUS), TRACE_NAME(KVM_CAP_SIGNAL_MSI),
	TRACE_NAME(KVM_CAP_READONLY_MEM), TRACE_NAME(KVM_CAP_EXIT_HYPERCALL),
	TRACE_NAME(KVM_CAP_USER_MEMORY2), TRACE_NAME(KVM_CAP_MEMORY_FAULT_INFO),
	TRACE_NAME(KVM_CAP_MEMORY_ATTRIBUTES), TRACE_NAME(KVM_CAP_GUEST_MEMFD),
	TRACE_NAME(KVM_CAP_VM_TYPES), TRACE_NAME(KVM_CAP_PRE_FAULT_MEMORY),
	TRACE_NAME(KVM_CAP_X86_APIC_BUS_CYCLES_NS),
	{ LK_KVM_CAP_SNP_DIRECT_VMSA, "KVM_CAP_SNP_DIRECT_VMSA" },
};

static const struct kvm_trace_name kvm_trace_vm_types[] = {
	{ LK_KVM_X86_DEFAULT_VM, "KVM_X86_DEFAULT_VM" },
	{ LK_KVM_X86_SW_PROTECTED_VM, "KVM_X86_SW_PROTECTED_VM" },
	{ LK_KVM_X86_SEV_VM, "KVM_X86_SEV_VM" },
	{ LK_KVM_X86_SEV_ES_VM, "KVM_X86_SEV_ES_VM" },
	{ LK_KVM_X86_SNP_VM, "KVM_X86_SNP_VM" },
};

/* KVM_MEMORY_ENCRYPT_OP's commands (SEV-KVM-API.md §2.2). */
static const struct kvm_trace_name kvm_trace_sev_cmds[] = {
	TRACE_NAME(KVM_SEV_INIT), TRACE_NAME(KVM_SEV_ES_INIT),
	TRACE_NAME(KVM_SEV_LAUNCH_START), TRACE_NAME(KVM_SEV_LAUNCH_UPDATE_DATA),
	TRACE_NAME(KVM_SEV_LAUNCH_UPDATE_VMSA), TRACE_NAME(KVM_SEV_LAUNCH_SECRET),
	TRACE_NAME(KVM_SEV_LAUNCH_MEASURE), TRACE_NAME(KVM_SEV_LAUNCH_FINISH),
	TRACE_NAME(KVM_SEV_SEND_START), TRACE_NAME(KVM_SEV_SEND_UPDATE_DATA),
	TRACE_NAME(KVM_SEV_SEND_UPDATE_VMSA), TRACE_NAME(KVM_SEV_SEND_FINISH),
	TRACE_NAME(KVM_SEV_RECEIVE_START), TRACE_NAME(KVM_SEV_RECEIVE_UPDATE_DATA),
	TRACE_NAME(KVM_SEV_RECEIVE_UPDATE_VMSA), TRACE_NAME(KVM_SEV_RECEIVE_FINISH),
	TRACE_NAME(KVM_SEV_GUEST_STATUS), TRACE_NAME(KVM_SEV_DBG_DECRYPT),
	TRACE_NAME(KVM_SEV_DBG_ENCRYPT), TRACE_NAME(KVM_SEV_CERT_EXPORT),
	TRACE_NAME(KVM_SEV_GET_ATTESTATION_REPORT), TRACE_NAME(KVM_SEV_SEND_CANCEL),
	{ LK_KVM_SEV_INIT2, "KVM_SEV_INIT2" },
	{ LK_KVM_SEV_SNP_LAUNCH_START, "KVM_SEV_SNP_LAUNCH_START" },
	{ LK_KVM_SEV_SNP_LAUNCH_UPDATE, "KVM_SEV_SNP_LAUNCH_UPDATE" },
	{ LK_KVM_SEV_SNP_LAUNCH_FINISH, "KVM_SEV_SNP_LAUNCH_FINISH" },
	{ LK_KVM_SEV_SNP_ENABLE_REQ_CERTS, "KVM_SEV_SNP_ENABLE_REQ_CERTS" },
};

/* KVM_X86_GRP_SEV's attributes on /dev/kvm (§1.3). */
static const struct kvm_trace_name kvm_trace_sev_attrs[] = {
	{ LK_KVM_X86_SEV_VMSA_FEATURES, "KVM_X86_SEV_VMSA_FEATURES" },
	{ LK_KVM_X86_SNP_POLICY_BITS, "KVM_X86_SNP_POLICY_BITS" },
	{ LK_KVM_X86_SEV_SNP_REQ_CERTS, "KVM_X86_SEV_SNP_REQ_CERTS" },
};

/* /dev/sev's commands (linux/psp-sev.h). */
static const struct kvm_trace_name kvm_trace_psp_cmds[] = {
	TRACE_NAME(SEV_FACTORY_RESET), TRACE_NAME(SEV_PLATFORM_STATUS),
	TRACE_NAME(SEV_PEK_GEN), TRACE_NAME(SEV_PEK_CSR), TRACE_NAME(SEV_PDH_GEN),
	TRACE_NAME(SEV_PDH_CERT_EXPORT), TRACE_NAME(SEV_PEK_CERT_IMPORT),
	TRACE_NAME(SEV_GET_ID), TRACE_NAME(SEV_GET_ID2),
	{ LK_SNP_PLATFORM_STATUS, "SNP_PLATFORM_STATUS" },
};

#define KVM_TRACE_NAMES(t) (t), sizeof(t) / sizeof((t)[0])

/* @v's name in @t; a number the table lacks is written as one. */
static int kvm_trace_name(char *b, size_t n, const char *what,
			  const struct kvm_trace_name *t, size_t nr, unsigned long long v)
{
	size_t i;

	for (i = 0; i < nr; i++)
		if (t[i].value == v)
			return snprintf(b, n, "%s%s", what, t[i].name);
	return snprintf(b, n, "%s%llu", what, v);
}

/* The public name of the ioctl @name spells: kvm/uapi.h's LK_ + the kernel's. */
static const char *kvm_trace_ioctl_name(const char *name)
{
	return strncmp(name, "LK_", 3) ? name : name + 3;
}

/* The ioctls whose argument is a capability, a VM type or a command: their names. */
static bool kvm_trace_named_brief(char *b, size_t n, unsigned long req, uintptr_t arg)
{
	if (req == KVM_CHECK_EXTENSION) {
		kvm_trace_name(b, n, "", KVM_TRACE_NAMES(kvm_trace_caps), arg);
	} else if (req == KVM_CREATE_VM) {
		kvm_trace_name(b, n, "", KVM_TRACE_NAMES(kvm_trace_vm_types), arg);
	} else if (req == KVM_MEMORY_ENCRYPT_OP && arg) {
		const struct kvm_sev_cmd *c = (const void *)arg;

		kvm_trace_name(b, n, "cmd ", KVM_TRACE_NAMES(kvm_trace_sev_cmds), c->id);
	} else if (req == KVM_ENABLE_CAP && arg) {
		const struct kvm_enable_cap *c = (const void *)arg;
		int used = kvm_trace_name(b, n, "cap ", KVM_TRACE_NAMES(kvm_trace_caps), c->cap);

		if (used >= 0 && (size_t)used < n)
			snprintf(b + used, n - (size_t)used, " args[0] 0x%llx",
				 (unsigned long long)c->args[0]);
	} else if ((req == KVM_GET_DEVICE_ATTR || req == KVM_HAS_DEVICE_ATTR) && arg) {
		const struct kvm_device_attr *a = (const void *)arg;

		if (a->group == LK_KVM_X86_GRP_SEV)
			kvm_trace_name(b, n, "group KVM_X86_GRP_SEV attr ",
				       KVM_TRACE_NAMES(kvm_trace_sev_attrs), a->attr);
		else
			snprintf(b, n, "group %u attr %llu", a->group,
				 (unsigned long long)a->attr);
	} else if (req == SEV_ISSUE_CMD && arg) {
		const struct sev_issue_cmd *c = (const void *)arg;

		kvm_trace_name(b, n, "cmd ", KVM_TRACE_NAMES(kvm_trace_psp_cmds), c->cmd);
	} else {
		return false;
	}
	return true;
}

/* The interrupt and doorbell ioctls (kvm/irq.c, kvm/ioeventfd.c). */
static void kvm_trace_irq_brief(char *b, size_t n, unsigned long req, const void *arg)
{
	if (req == KVM_IRQ_LINE) {
		const struct kvm_irq_level *l = arg;

		snprintf(b, n, "irq %u level %u", l->irq, l->level);
	} else if (req == KVM_SET_GSI_ROUTING) {
		const struct kvm_irq_routing *t = arg;

		snprintf(b, n, "%u routes, %u MSI", t->nr, kvm_trace_msi_routes(t));
	} else if (req == KVM_IRQFD) {
		const struct kvm_irqfd *f = arg;

		snprintf(b, n, "gsi %u fd %u%s", f->gsi, f->fd,
			 f->flags & KVM_IRQFD_FLAG_DEASSIGN ? " deassign" : "");
	} else if (req == KVM_SIGNAL_MSI) {
		const struct kvm_msi *m = arg;

		snprintf(b, n, "address 0x%llx data 0x%x",
			 (unsigned long long)m->address_hi << 32 | m->address_lo, m->data);
	} else if (req == KVM_IOEVENTFD) {
		const struct kvm_ioeventfd *e = arg;
		int used = snprintf(b, n, "%s 0x%llx len %u fd %d",
				    e->flags & KVM_IOEVENTFD_FLAG_PIO ? "port" : "mmio",
				    (unsigned long long)e->addr, e->len, e->fd);

		if (e->flags & KVM_IOEVENTFD_FLAG_DATAMATCH)
			used += snprintf(b + used, n - (size_t)used, " datamatch 0x%llx",
					 (unsigned long long)e->datamatch);
		if (e->flags & KVM_IOEVENTFD_FLAG_DEASSIGN)
			snprintf(b + used, n - (size_t)used, " deassign");
	}
}

void kvm_trace_ioctl(int fd, const char *name, unsigned long req, uintptr_t arg, int r)
{
	int saved = errno;
	char brief[96];

	/* Small values are numbers (caps, VM types, ids), others pointers. */
	if (arg < 0x10000)
		snprintf(brief, sizeof(brief), "%lu", (unsigned long)arg);
	else
		snprintf(brief, sizeof(brief), "%p", (void *)arg);
	/* REGION2 begins as REGION does. */
	if ((req == KVM_SET_USER_MEMORY_REGION || req == LK_KVM_SET_USER_MEMORY_REGION2) && arg) {
		const struct kvm_userspace_memory_region *m = (const void *)arg;

		snprintf(brief, sizeof(brief), "slot %u flags 0x%x gpa 0x%llx size 0x%llx",
			 m->slot, m->flags, (unsigned long long)m->guest_phys_addr,
			 (unsigned long long)m->memory_size);
	} else if (!kvm_trace_named_brief(brief, sizeof(brief), req, arg) && arg) {
		kvm_trace_irq_brief(brief, sizeof(brief), req, (const void *)arg);
	}
	if (r < 0)
		fprintf(kvm_trace_fp, "%.6f ioctl %s(fd %d, %s) = %d errno %d (%s)\n",
			kvm_trace_now(), kvm_trace_ioctl_name(name), fd, brief, r, saved,
			strerror(saved));
	else
		fprintf(kvm_trace_fp, "%.6f ioctl %s(fd %d, %s) = %d\n", kvm_trace_now(),
			kvm_trace_ioctl_name(name), fd, brief, r);
	errno = saved;
}

void kvm_trace_note(const char *fmt, ...)
{
	char line[256];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	fprintf(kvm_trace_fp, "%.6f note %s\n", kvm_trace_now(), line);
}

static void kvm_trace_bytes(char *out, size_t size, const uint8_t *p, size_t n)
{
	size_t i, used = 0;

	out[0] = '\0';
	for (i = 0; i < n && used + 3 < size; i++)
		used += (size_t)snprintf(out + used, size - used, "%02x", p[i]);
}

void kvm_trace_exit(unsigned int vcpu, const struct kvm_run *run)
{
	struct lk_kvm_exit_snp_req_certs rc;
	char data[2 * 64 + 1];

	switch (run->exit_reason) {
	case KVM_EXIT_IO:
		kvm_trace_bytes(data, sizeof(data), (const uint8_t *)run + run->io.data_offset,
				(size_t)run->io.size * run->io.count);
		fprintf(kvm_trace_fp, "%.6f exit vcpu %u io %s port 0x%x size %u count %u "
			"data %s\n", kvm_trace_now(), vcpu,
			run->io.direction == KVM_EXIT_IO_OUT ? "out" : "in", run->io.port,
			run->io.size, run->io.count, data);
		break;
	case KVM_EXIT_MMIO:
		kvm_trace_bytes(data, sizeof(data), run->mmio.data, run->mmio.len);
		fprintf(kvm_trace_fp, "%.6f exit vcpu %u mmio %s addr 0x%llx size %u data %s\n",
			kvm_trace_now(), vcpu, run->mmio.is_write ? "write" : "read",
			(unsigned long long)run->mmio.phys_addr, run->mmio.len, data);
		break;
	case LK_KVM_EXIT_SNP_REQ_CERTS:	/* after the dispatch: with lkvm-sev's answer */
		memcpy(&rc, &run->mmio, sizeof(rc));	/* the exit union (kvm/uapi.h) */
		fprintf(kvm_trace_fp, "%.6f exit vcpu %u snp_req_certs gpa 0x%llx npages %llu "
			"ret %llu\n", kvm_trace_now(), vcpu, (unsigned long long)rc.gpa,
			(unsigned long long)rc.npages, (unsigned long long)rc.ret);
		break;
	default:
		fprintf(kvm_trace_fp, "%.6f exit vcpu %u %s\n", kvm_trace_now(), vcpu,
			kvm_exit_name(run->exit_reason));
	}
}

const char *kvm_exit_name(unsigned int reason)
{
	static const char *const names[] = {
		[KVM_EXIT_UNKNOWN] = "unknown", [KVM_EXIT_EXCEPTION] = "exception",
		[KVM_EXIT_IO] = "io", [KVM_EXIT_HYPERCALL] = "hypercall",
		[KVM_EXIT_DEBUG] = "debug", [KVM_EXIT_HLT] = "hlt", [KVM_EXIT_MMIO] = "mmio",
		[KVM_EXIT_IRQ_WINDOW_OPEN] = "irq_window_open", [KVM_EXIT_SHUTDOWN] = "shutdown",
		[KVM_EXIT_FAIL_ENTRY] = "fail_entry", [KVM_EXIT_INTR] = "intr",
		[KVM_EXIT_SET_TPR] = "set_tpr", [KVM_EXIT_TPR_ACCESS] = "tpr_access",
		[KVM_EXIT_NMI] = "nmi", [KVM_EXIT_INTERNAL_ERROR] = "internal_error",
		[KVM_EXIT_SYSTEM_EVENT] = "system_event", [KVM_EXIT_X86_RDMSR] = "x86_rdmsr",
		[KVM_EXIT_X86_WRMSR] = "x86_wrmsr", [KVM_EXIT_MEMORY_FAULT] = "memory_fault",
		[LK_KVM_EXIT_SNP_REQ_CERTS] = "snp_req_certs",
	};
	/* Only for reasons beyond the table: never on the exit path. */
	static __thread char other[24];

	if (reason < sizeof(names) / sizeof(names[0]) && names[reason])
		return names[reason];
	snprintf(other, sizeof(other), "reason_%u", reason);
	return other;
}
