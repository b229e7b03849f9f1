// SPDX-License-Identifier: GPL-2.0-only
/*
 * The calibration VM: one memory slot holding the guest below 4 GiB, one
 * vCPU in the reset state, KVM_RUN until the guest's port write, timed. A
 * per-thread timer bounds the run; its signal handler sets immediate_exit,
 * so KVM_RUN returns EINTR even when the signal comes just before the call.
 * The exit must be the guest's own write, from its own instruction: a KVM
 * that does not execute the guest's code (the simulated host) is "unknown".
 */
#include <errno.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#include "kvm/uapi.h"
#include "kvm/vcpu.h"
#include "kvm/vm.h"
#include "firmware/calibrate.h"
#include "probe/calibrate.h"

#define CALIB_OUT_IMM8_LEN	2U	/* `out %al, $imm8` */

#ifndef sigev_notify_thread_id	/* glibc before 2.37 names it only inside the union */
#define sigev_notify_thread_id	_sigev_un._tid
#endif

static struct kvm_run *volatile calib_run;
static volatile sig_atomic_t calib_expired;

static void calib_alarm(int sig)
{
	(void)sig;
	calib_expired = 1;
	if (calib_run)
		calib_run->immediate_exit = 1;
}

static double mono_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

/* The time limit: SIGALRM to this thread after @ms. */
static int calib_arm(double ms, timer_t *timer, struct sigaction *old, struct lk_err *err)
{
	struct sigaction sa = { .sa_handler = calib_alarm };
	struct sigevent ev = { .sigev_notify = SIGEV_THREAD_ID, .sigev_signo = SIGALRM };
	long long ns = (long long)(ms * 1e6);
	struct itimerspec limit = {
		.it_value = { .tv_sec = (time_t)(ns / 1000000000), .tv_nsec = ns % 1000000000 },
	};

	ev.sigev_notify_thread_id = gettid();
	calib_expired = 0;
	sigemptyset(&sa.sa_mask);
	if (sigaction(SIGALRM, &sa, old))
		return err_sys(err, "sigaction(SIGALRM)");
	if (timer_create(CLOCK_MONOTONIC, &ev, timer) == 0) {
		if (timer_settime(*timer, 0, &limit, NULL) == 0)
			return 0;
		timer_delete(*timer);
	}
	err_sys(err, "a timer for the calibration guest");
	sigaction(SIGALRM, old, NULL);
	return -1;
}

static void calib_disarm(timer_t timer, const struct sigaction *old)
{
	timer_delete(timer);
	sigaction(SIGALRM, old, NULL);
	calib_run = NULL;
}

/* KVM_RUN until a real exit or the time limit; returns 0 or -errno. */
static int calib_enter(struct vcpu *v, double *ms)
{
	double t0 = mono_ms();
	int r;

	calib_run = v->run;
	do {
		r = vcpu_enter(v) ? -errno : 0;
	} while ((r == -EAGAIN || r == -EINTR) && !calib_expired);
	*ms = mono_ms() - t0;
	return r;
}

static int calib_vm(struct vm *vm, struct vcpu *v, const struct kvm_host *host,
		    const struct calib_guest *g, void *mem, struct lk_err *err)
{
	memcpy(mem, g->image, g->size);
	if (vm_create(vm, host, LK_KVM_X86_DEFAULT_VM, err))
		return -1;
	if (memslot_add(&vm->slots, "calibration guest", (1ULL << 32) - g->size, g->size,
			mem, 0, err) < 0)
		return -1;
	return vcpu_create(v, vm, 0, err) || vcpu_reset_state(v, err) ? -1 : 0;
}

/* What the exit says, for a run that did not end with the guest's own write. */
static void calib_describe_exit(const struct kvm_run *run, char *buf, size_t size)
{
	static const char *const names[] = {
		[KVM_EXIT_HLT] = "KVM_EXIT_HLT", [KVM_EXIT_MMIO] = "KVM_EXIT_MMIO",
		[KVM_EXIT_SHUTDOWN] = "KVM_EXIT_SHUTDOWN",
		[KVM_EXIT_FAIL_ENTRY] = "KVM_EXIT_FAIL_ENTRY",
		[KVM_EXIT_INTERNAL_ERROR] = "KVM_EXIT_INTERNAL_ERROR",
		[KVM_EXIT_SYSTEM_EVENT] = "KVM_EXIT_SYSTEM_EVENT",
	};
	uint32_t r = run->exit_reason;

	if (r == KVM_EXIT_IO)
		snprintf(buf, size, "an I/O %s of port 0x%x",
			 run->io.direction == KVM_EXIT_IO_OUT ? "write" : "read", run->io.port);
	else if (r < sizeof(names) / sizeof(names[0]) && names[r])
		snprintf(buf, size, "%s", names[r]);
	else
		snprintf(buf, size, "exit reason %u", r);
}

static void calib_judge(struct vcpu *v, const struct calib_guest *g, int r,
			struct calibration *out)
{
	const struct kvm_run *run = v->run;
	struct kvm_regs regs;
	bool regs_ok = vcpu_get_regs(v, &regs) == 0;
	char what[64];

	if (r == -EINTR && regs_ok && regs.rip >= g->loop_ip && regs.rip < g->exit_ip) {
		out->result = CALIB_EMULATED;
		snprintf(out->why, sizeof(out->why), "still in its loop after %.0f ms", out->ms);
	} else if (r == -EINTR) {
		snprintf(out->why, sizeof(out->why), "the calibration guest did not reach its "
			 "port write within %.0f ms", g->limit_ms);
	} else if (r) {
		snprintf(out->why, sizeof(out->why), "KVM_RUN failed: %s", strerror(-r));
	} else if (run->exit_reason != KVM_EXIT_IO || run->io.direction != KVM_EXIT_IO_OUT ||
		   run->io.port != g->exit_port) {
		calib_describe_exit(run, what, sizeof(what));
		snprintf(out->why, sizeof(out->why), "the calibration guest's first exit was %s, "
			 "not its write to port 0x%x", what, g->exit_port);
	} else if (!regs_ok || regs.rip < g->exit_ip ||
		   regs.rip > g->exit_ip + CALIB_OUT_IMM8_LEN) {
		snprintf(out->why, sizeof(out->why), "the write to port 0x%x did not come from the "
			 "calibration guest's code (IP 0x%llx, not 0x%x)", g->exit_port,
			 regs_ok ? regs.rip : 0ULL, g->exit_ip);
	} else {
		out->result = out->ms < CALIB_NATIVE_MS ? CALIB_NATIVE : CALIB_EMULATED;
	}
}

struct calib_guest calib_default_guest(void)
{
	const unsigned int base = 0x10000 - CALIBRATE_SIZE;	/* its IP under CS 0xf000 */

	return (struct calib_guest){
		.image = lkvm_calibrate_fw, .size = CALIBRATE_SIZE,
		.exit_port = CALIBRATE_EXIT_PORT,
		.loop_ip = (uint16_t)(base + (lkvm_calibrate_fw_loop - lkvm_calibrate_fw)),
		.exit_ip = (uint16_t)(base + (lkvm_calibrate_fw_exit - lkvm_calibrate_fw)),
		.limit_ms = CALIBRATE_LIMIT_MS,
	};
}

void calibrate_guest(const struct kvm_host *host, const struct calib_guest *g,
		     struct calibration *out)
{
	struct vm vm = { .fd = -1 };
	struct vcpu v = { .fd = -1 };
	struct sigaction old;
	struct lk_err err;
	timer_t timer;
	void *mem;
	int r;

	*out = (struct calibration){ .result = CALIB_UNKNOWN };
	mem = mmap(NULL, g->size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (mem == MAP_FAILED) {
		snprintf(out->why, sizeof(out->why), "no memory for the calibration guest: %s",
			 strerror(errno));
		return;
	}
	if (calib_vm(&vm, &v, host, g, mem, &err) || calib_arm(g->limit_ms, &timer, &old, &err)) {
		snprintf(out->why, sizeof(out->why), "%s", err.msg);
	} else {
		r = calib_enter(&v, &out->ms);
		calib_disarm(timer, &old);
		calib_judge(&v, g, r, out);
	}
	vcpu_destroy(&v);
	vm_destroy(&vm);
	munmap(mem, g->size);
}
