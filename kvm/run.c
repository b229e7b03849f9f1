// SPDX-License-Identifier: GPL-2.0-only
/*
 * vCPU threads and exit dispatch. The exit path allocates nothing and takes
 * no lock of its own: range lookups read a frozen registry, and a device
 * that shares state with other threads (the UART) has its own lock.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>

#include "kvm/run.h"
#include "kvm/ro_fault.h"
#include "kvm/ro_region.h"
#include "kvm/trace.h"
#include "kvm/uapi.h"
#include "kvm/vm.h"

#define VCPU_KICK_SIGNAL	SIGUSR1
#define VCPU_STACK_SIZE		(256 * 1024)

static void vcpu_kick_handler(int sig)
{
	(void)sig;	/* only here to make KVM_RUN return EINTR */
}

int run_init_signals(struct lk_err *err)
{
	struct sigaction sa = { .sa_handler = vcpu_kick_handler };

	sigemptyset(&sa.sa_mask);
	if (sigaction(VCPU_KICK_SIGNAL, &sa, NULL))
		return err_sys(err, "sigaction(SIGUSR1)");
	return 0;
}

static void run_crash(struct vcpu *v, const struct run_ctx *ctx, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void run_crash(struct vcpu *v, const struct run_ctx *ctx, const char *fmt, ...)
{
	struct lk_err e;
	va_list ap;

	va_start(ap, fmt);
	err_vset(&e, LK_EXIT_CRASH, fmt, ap);
	va_end(ap);
	if (ctx->dump_regs)
		vcpu_dump_regs(v, &e);
	stop_request_err(ctx->stop, &e);
}

static void run_io(struct vcpu *v, const struct run_ctx *ctx)
{
	struct kvm_run *run = v->run;
	uint8_t *p = (uint8_t *)run + run->io.data_offset;
	bool out = run->io.direction == KVM_EXIT_IO_OUT;
	uint32_t i;

	/* "rep ins/outs" arrive as one exit with count > 1. */
	for (i = 0; i < run->io.count; i++, p += run->io.size)
		ctx->pio(ctx->io_ctx, run->io.port, p, run->io.size, out);
}

static void run_internal_error(struct vcpu *v, const struct run_ctx *ctx)
{
	const struct kvm_run *run = v->run;
	uint32_t sub = run->internal.suberror;
	struct lk_err e;
	unsigned int i;

	err_set(&e, LK_EXIT_CRASH, "guest crashed: KVM internal error on vCPU %u, suberror %u%s",
		v->id, sub, sub == KVM_INTERNAL_ERROR_EMULATION ?
		" (instruction emulation failed)" : "");
	/* The bytes KVM could not emulate: what to look up first. */
	if (sub == KVM_INTERNAL_ERROR_EMULATION &&
	    (run->emulation_failure.flags & KVM_INTERNAL_ERROR_EMULATION_FLAG_INSTRUCTION_BYTES)) {
		char bytes[15 * 3 + 1] = "";
		unsigned int n = run->emulation_failure.insn_size;

		for (i = 0; i < n && i < 15; i++)
			snprintf(bytes + 3 * i, sizeof(bytes) - 3 * i, " %02x",
				 run->emulation_failure.insn_bytes[i]);
		err_detail(&e, "instruction bytes:%s", bytes);
	}
	if (ctx->dump_regs)
		vcpu_dump_regs(v, &e);
	v->emulation_failed = sub == KVM_INTERNAL_ERROR_EMULATION;
	stop_request_err(ctx->stop, &e);
}

/*
 * §3.3, §4.6: the guest asked to terminate. In the GHCB MSR protocol form
 * data[0] is the MSR (0x100, reason set in bits 15:12, code in 23:16); in
 * the full-GHCB form it is the GHCB's GPA, whose contents are encrypted.
 */
static void run_sev_term(struct vcpu *v, const struct run_ctx *ctx)
{
	const struct kvm_run *run = v->run;
	uint64_t d = run->system_event.ndata ? run->system_event.data[0] : 0;

	if ((d & 0xfff) == 0x100)
		stop_request(ctx->stop, LK_EXIT_CRASH, "guest crashed: SEV termination request "
			     "on vCPU %u: reason set %llu, code %llu (GHCB MSR 0x%llx)", v->id,
			     (unsigned long long)((d >> 12) & 0xf),
			     (unsigned long long)((d >> 16) & 0xff), (unsigned long long)d);
	else
		stop_request(ctx->stop, LK_EXIT_CRASH, "guest crashed: SEV termination request "
			     "on vCPU %u (GHCB at 0x%llx: the reason is in guest memory)", v->id,
			     (unsigned long long)d);
}

/* §3.4: an SNP page-state change; hypercall.ret 0 is success for the guest. */
static bool run_hypercall(struct vcpu *v, const struct run_ctx *ctx)
{
	struct kvm_run *run = v->run;
	uint64_t gpa = run->hypercall.args[0], npages = run->hypercall.args[1];
	bool to_private = run->hypercall.args[2] & LK_KVM_MAP_GPA_RANGE_ENCRYPTED;

	if (run->hypercall.nr != LK_KVM_HC_MAP_GPA_RANGE || !ctx->convert) {
		stop_request(ctx->stop, LK_EXIT_HOST, "KVM_RUN on vCPU %u: unexpected hypercall "
			     "%llu", v->id, (unsigned long long)run->hypercall.nr);
		return false;
	}
	/*
	 * Non-zero: KVM reports a PSC error to the guest, which then
	 * terminates. A page count whose size overflows is refused, not wrapped.
	 */
	run->hypercall.ret = !npages || npages > (UINT64_MAX - gpa) / 4096 ||
			     ctx->convert(ctx->conv_ctx, gpa, npages * 4096, to_private) ? 1 : 0;
	return true;
}

/*
 * An SNP guest's extended report request (kvm/uapi.h): the machine writes
 * the certificates, or says why not, in snp_req_certs.ret; KVM completes
 * the request at the next KVM_RUN.
 */
static bool run_req_certs(struct vcpu *v, const struct run_ctx *ctx)
{
	struct lk_kvm_exit_snp_req_certs *rc = lk_snp_req_certs(v->run);
	uint64_t npages = rc->npages;

	if (!ctx->req_certs) {
		stop_request(ctx->stop, LK_EXIT_HOST, "KVM_RUN on vCPU %u: a certificate request "
			     "exit (KVM_EXIT_SNP_REQ_CERTS), which this VM did not enable",
			     v->id);
		return false;
	}
	rc->ret = ctx->req_certs(ctx->certs_ctx, rc->gpa, &npages);
	rc->npages = npages;
	return true;
}

static void run_system_event(struct vcpu *v, const struct run_ctx *ctx)
{
	switch (v->run->system_event.type) {
	case KVM_SYSTEM_EVENT_SEV_TERM:
		run_sev_term(v, ctx);
		break;
	case KVM_SYSTEM_EVENT_SHUTDOWN:
		stop_request_quiet(ctx->stop, LK_EXIT_POWEROFF);
		break;
	case KVM_SYSTEM_EVENT_RESET:
		stop_request(ctx->stop, LK_EXIT_RESET, "guest reset (KVM system event) on vCPU %u",
			     v->id);
		break;
	default:
		run_crash(v, ctx, "guest crashed: KVM system event %u on vCPU %u",
			  v->run->system_event.type, v->id);
	}
}

/* Returns false when the loop must end. */
static bool run_exit(struct vcpu *v, const struct run_ctx *ctx)
{
	struct kvm_run *run = v->run;

	switch (run->exit_reason) {
	case KVM_EXIT_IO:
		run_io(v, ctx);
		return true;
	case KVM_EXIT_MMIO:
		ctx->mmio(ctx->io_ctx, run->mmio.phys_addr, run->mmio.data, run->mmio.len,
			  run->mmio.is_write);
		return true;
	case KVM_EXIT_INTR:
		return true;
	case KVM_EXIT_HYPERCALL:
		return run_hypercall(v, ctx);
	case LK_KVM_EXIT_SNP_REQ_CERTS:
		return run_req_certs(v, ctx);
	case KVM_EXIT_SHUTDOWN:
		run_crash(v, ctx, "guest crashed: triple fault (KVM_EXIT_SHUTDOWN) on vCPU %u",
			  v->id);
		return false;
	case KVM_EXIT_INTERNAL_ERROR:
		run_internal_error(v, ctx);
		return false;
	case KVM_EXIT_FAIL_ENTRY:
		run_crash(v, ctx, "guest crashed: KVM could not enter vCPU %u "
			  "(hardware entry failure reason 0x%llx)", v->id,
			  (unsigned long long)run->fail_entry.hardware_entry_failure_reason);
		return false;
	case KVM_EXIT_SYSTEM_EVENT:
		run_system_event(v, ctx);
		return false;
	default:
		stop_request(ctx->stop, LK_EXIT_HOST,
			     "KVM_RUN on vCPU %u: unexpected exit reason %u", v->id,
			     run->exit_reason);
		return false;
	}
}

/*
 * EFAULT without KVM_EXIT_MEMORY_FAULT (Linux 6.12 for a write to an
 * mprotect-protected page): where guest state is readable, the write is
 * located by single-stepping it (kvm/ro_fault.h). The registers are dumped
 * first, so that they show the faulting instruction.
 */
static void run_efault_unlocated(struct vcpu *v, const struct run_ctx *ctx)
{
	const struct ro_region *ro;
	struct lk_err e;
	uint64_t gpa;

	err_set(&e, LK_EXIT_CRASH, "guest crashed: KVM_RUN on vCPU %u failed with EFAULT and "
		"no fault address (a guest write to protected firmware?)", v->id);
	if (!ctx->dump_regs) {
		stop_request_err(ctx->stop, &e);
		return;
	}
	vcpu_dump_regs(v, &e);
	if (ro_fault_locate(v, &gpa, &ro))
		snprintf(e.msg, sizeof(e.msg), "guest crashed: vCPU %u wrote to protected %s at "
			 "GPA 0x%llx (%s mode; KVM gave no address, found by single-stepping "
			 "the write): the VM is stopped", v->id, ro->name,
			 (unsigned long long)gpa, ro_mode_name(ro->mode));
	stop_request_err(ctx->stop, &e);
}

/*
 * EFAULT: the guest touched memory KVM cannot map for it. With the
 * mprotect fallback, that is a write to protected firmware (seed 000: such a
 * guest is stopped). KVM_EXIT_MEMORY_FAULT, where the host has it, says
 * where (SEV-KVM-API.md §5, the KVM_EXIT_MEMORY_FAULT row).
 */
static bool run_efault(struct vcpu *v, const struct run_ctx *ctx)
{
	const struct lk_kvm_memory_fault *mf = lk_memory_fault(v->run);
	bool to_private = mf->flags & LK_KVM_MEMORY_EXIT_FLAG_PRIVATE;
	const struct ro_region *ro;

	if (v->run->exit_reason != KVM_EXIT_MEMORY_FAULT) {
		run_efault_unlocated(v, ctx);
		return false;
	}
	/* SNP: an access whose private/shared kind differs from the attributes (§3.3). */
	if (ctx->convert && !(mf->flags & ~LK_KVM_MEMORY_EXIT_FLAG_PRIVATE) &&
	    !ctx->convert(ctx->conv_ctx, mf->gpa, mf->size, to_private))
		return true;
	ro = vm_find_ro(v->vm, mf->gpa);
	if (ro)
		run_crash(v, ctx, "guest crashed: vCPU %u wrote to protected %s at GPA 0x%llx "
			  "(%s mode): the VM is stopped", v->id, ro->name,
			  (unsigned long long)mf->gpa, ro_mode_name(ro->mode));
	else
		run_crash(v, ctx, "guest crashed: vCPU %u faulted on GPA 0x%llx (%llu bytes, "
			  "%s), which the host cannot map", v->id,
			  (unsigned long long)mf->gpa, (unsigned long long)mf->size,
			  to_private ? "private" : "shared");
	return false;
}

static void vcpu_loop(struct vcpu *v, const struct run_ctx *ctx)
{
	while (!stop_requested(ctx->stop)) {
		if (vcpu_enter(v) == 0) {
			struct vcpu_stats *st = &v->stats;
			unsigned int r = v->run->exit_reason;
			bool go_on;

			/* Plain counters: this thread is their only writer. */
			if (!st->total++)
				clock_gettime(CLOCK_MONOTONIC, &st->first_exit);
			st->exits[r < VCPU_EXIT_REASONS ? r : VCPU_EXIT_REASONS - 1]++;
			go_on = run_exit(v, ctx);
			/* After the dispatch: an `in` shows the value the guest gets. */
			if (__builtin_expect(kvm_trace_fp != NULL, 0))
				kvm_trace_exit(v->id, v->run);
			if (!go_on)
				return;
			continue;
		}
		switch (errno) {
		case EINTR:	/* a kick, or a signal meant for someone else */
		case EAGAIN:	/* an AP leaving wait-for-SIPI */
			continue;
		case EFAULT:
			if (run_efault(v, ctx))
				continue;
			return;
		default:
			stop_request(ctx->stop, LK_EXIT_HOST, "KVM_RUN on vCPU %u: %s", v->id,
				     strerror(errno));
			return;
		}
	}
}

static void *vcpu_thread(void *p)
{
	struct vcpu *vcpu = p;

	vcpu_loop(vcpu, vcpu->ctx);
	return NULL;
}

int vcpu_start(struct vcpu *vcpu, const struct run_ctx *ctx, struct lk_err *err)
{
	pthread_attr_t attr;
	int r;

	vcpu->ctx = ctx;
	pthread_attr_init(&attr);
	pthread_attr_setstacksize(&attr, VCPU_STACK_SIZE);
	r = pthread_create(&vcpu->thread, &attr, vcpu_thread, vcpu);
	pthread_attr_destroy(&attr);
	if (r) {
		errno = r;
		return err_sys(err, "pthread_create for vCPU %u", vcpu->id);
	}
	vcpu->started = true;
	return 0;
}

void vcpus_stop(struct vcpu *vcpus, unsigned int n)
{
	unsigned int i;

	for (i = 0; i < n; i++) {
		if (!vcpus[i].started)
			continue;
		vcpus[i].run->immediate_exit = 1;
		pthread_kill(vcpus[i].thread, VCPU_KICK_SIGNAL);
	}
	for (i = 0; i < n; i++) {
		if (vcpus[i].started)
			pthread_join(vcpus[i].thread, NULL);
		vcpus[i].started = false;
	}
}
