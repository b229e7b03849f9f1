// SPDX-License-Identifier: GPL-2.0-only
/*
 * libFuzzer target: the vCPU run loop (kvm/run.c) on a fuzzed sequence of
 * KVM_RUN results, above all an SNP guest's page-state changes
 * (KVM_HC_MAP_GPA_RANGE) and memory faults (KVM_EXIT_MEMORY_FAULT), which
 * convert guest RAM (machine_convert()); and every other exit: port I/O
 * (string I/O too) and MMIO to the machine's devices, system events,
 * shutdown, internal errors, entry failures, EFAULT without an address
 * (located by single-stepping on a plain VM), errnos, and an extended
 * report's certificate request (machine_req_certs()). The machine is
 * tests/fuzz/machine.c's on the fake /dev/kvm, with one real vCPU thread
 * (vcpu_start()); KVM_RUN comes here (fake_kvm_run), which also runs the
 * I/O loop's handlers, as that loop would meanwhile.
 *
 * Besides the sanitizers, what the loop did is checked at the next
 * KVM_RUN: a conversion it reported done (hypercall.ret 0, or a memory
 * fault it went on from) left the range shared or private as asked;
 * certificates said written are in shared RAM; the launch's CPUID and
 * secrets pages never became shared; and no device touched a private page
 * (the fake KVM makes those PROT_NONE).
 *
 * Input: a flags byte (bit 0 a plain VM instead of SNP, bit 1 RAM above
 * 4 GiB too, bit 2 the user devices, bit 3 --ro-mode mprotect); for SNP a
 * count and that many metadata sections (u16 page, u8 pages - 1, u8 type);
 * then exits, a kind byte each and its fields (see next_exit()).
 */
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kvm/uapi.h"
#include "tests/fuzz/fuzz.h"

#define MAX_EXITS	512
#define IO_DATA_OFFSET	4096	/* where KVM puts a port access's data: the next page */

/* What the previous exit asked, for the check at the next KVM_RUN. */
struct pending {
	bool convert;		/* a conversion the loop went on from */
	bool by_hypercall;	/* ... whose success is hypercall.ret == 0 */
	uint64_t gpa, size;
	bool to_private;
	bool certs;		/* an extended report's certificates, into @gpa */
};

/* What --snp-certs would have loaded (sev/certs.h): 5000 bytes, two pages. */
static uint8_t certs_table[5000];

/* The input being run: set before the vCPU starts, cleared after it is joined. */
static struct {
	struct machine *m;
	struct vcpu *vcpu;
	struct fz_in in;
	unsigned int exits;
	struct pending last;
} cur;

static void fuzz_fail(const char *what, uint64_t gpa, uint64_t size)
{
	fprintf(stderr, "fuzz_snp_exits: %s (GPA 0x%llx, 0x%llx bytes)\n", what,
		(unsigned long long)gpa, (unsigned long long)size);
	abort();
}

/* The launch's CPUID and secrets pages stay private whatever the guest asks. */
static void check_secrets(struct machine *m)
{
	const struct ovmf_info *o = &m->sev.ovmf;
	int i;

	for (i = 0; m->shared && i < o->nr_sections; i++) {
		const struct ovmf_section *s = &o->sections[i];
		uint64_t p;

		if (s->type != OVMF_SECTION_SNP_SECRETS && s->type != OVMF_SECTION_CPUID)
			continue;
		for (p = s->gpa & ~0xfffULL; p < (uint64_t)s->gpa + s->size; p += 4096)
			if (machine_shared(m, p, 4096))
				fuzz_fail("a launch CPUID or secrets page became shared", p, 4096);
	}
}

/* Certificates the loop said it wrote are in shared RAM; a short buffer learnt the size. */
static void check_certs(struct machine *m, struct kvm_run *run)
{
	const struct lk_kvm_exit_snp_req_certs *rc = lk_snp_req_certs(run);
	const uint8_t *hva;

	if (!cur.last.certs)
		return;
	if (rc->ret == ENOSPC && rc->npages != m->certs.pages)
		fuzz_fail("a short certificate buffer was told another size", rc->gpa,
			  rc->npages);
	if (rc->ret)
		return;
	hva = machine_gpa_to_hva(m, rc->gpa, m->certs.len);
	if (!hva || !machine_shared(m, rc->gpa, m->certs.len) ||
	    memcmp(hva, certs_table, sizeof(certs_table)))
		fuzz_fail("certificates reported written are not in shared RAM", rc->gpa,
			  m->certs.len);
}

/* A conversion the loop took as done is done. */
static void check_converted(struct machine *m, const struct kvm_run *run)
{
	const struct pending *l = &cur.last;

	if (!l->convert || (l->by_hypercall && run->hypercall.ret))
		return;
	if (!l->to_private && !machine_shared(m, l->gpa, l->size))
		fuzz_fail("a range converted to shared is not all shared", l->gpa, l->size);
	if (l->to_private && (machine_shared(m, l->gpa, 4096) ||
			      machine_shared(m, l->gpa + l->size - 4096, 4096)))
		fuzz_fail("a range converted to private is still shared", l->gpa, l->size);
}

static uint64_t page_or_raw(struct fz_in *in, bool raw)
{
	return raw ? fz_get(in, 8) : fz_get(in, 4) * 4096;
}

static void exit_hypercall(struct kvm_run *run, struct fz_in *in)
{
	unsigned int sel = (unsigned int)fz_get(in, 1);

	run->exit_reason = KVM_EXIT_HYPERCALL;
	run->hypercall.nr = sel & 1 ? fz_get(in, 8) : LK_KVM_HC_MAP_GPA_RANGE;
	run->hypercall.args[0] = page_or_raw(in, sel & 2);
	run->hypercall.args[1] = sel & 4 ? fz_get(in, 8) : fz_get(in, 2);
	run->hypercall.args[2] = sel & 8 ? fz_get(in, 8) :
				 sel & 16 ? LK_KVM_MAP_GPA_RANGE_ENCRYPTED : 0;
	run->hypercall.ret = 0x5a5a;	/* the VMM must set it */
	cur.last = (struct pending){
		.convert = run->hypercall.nr == LK_KVM_HC_MAP_GPA_RANGE && cur.m->shared,
		.by_hypercall = true, .gpa = run->hypercall.args[0],
		.size = run->hypercall.args[1] * 4096,
		.to_private = run->hypercall.args[2] & LK_KVM_MAP_GPA_RANGE_ENCRYPTED,
	};
}

static int exit_memory_fault(struct kvm_run *run, struct fz_in *in)
{
	struct lk_kvm_memory_fault *mf = (void *)&run->mmio;
	unsigned int sel = (unsigned int)fz_get(in, 1);

	run->exit_reason = KVM_EXIT_MEMORY_FAULT;
	mf->flags = sel & 1 ? fz_get(in, 8) : sel & 2 ? LK_KVM_MEMORY_EXIT_FLAG_PRIVATE : 0;
	mf->gpa = page_or_raw(in, sel & 4);
	mf->size = sel & 8 ? fz_get(in, 8) : (fz_get(in, 2) + 1) * 4096;
	/* Had the loop not converted it, it would have stopped: no next KVM_RUN. */
	cur.last = (struct pending){
		.convert = cur.m->shared && !(mf->flags & ~LK_KVM_MEMORY_EXIT_FLAG_PRIVATE),
		.gpa = mf->gpa, .size = mf->size,
		.to_private = mf->flags & LK_KVM_MEMORY_EXIT_FLAG_PRIVATE,
	};
	errno = EFAULT;
	return -1;
}

/* Port I/O: count accesses of one size ("rep outsw"), their data in the next page. */
static void exit_io(struct kvm_run *run, struct fz_in *in)
{
	unsigned int how = (unsigned int)fz_get(in, 1), i;
	uint8_t *data = (uint8_t *)run + IO_DATA_OFFSET;

	run->exit_reason = KVM_EXIT_IO;
	run->io.port = (uint16_t)fz_get(in, 2);
	run->io.size = (uint8_t)(1u << (how & 3) > 4 ? 4 : 1u << (how & 3));
	run->io.direction = how & 4 ? KVM_EXIT_IO_OUT : KVM_EXIT_IO_IN;
	run->io.count = (how >> 3) + 1;
	run->io.data_offset = IO_DATA_OFFSET;
	for (i = 0; i < run->io.count * run->io.size; i++)
		data[i] = run->io.direction == KVM_EXIT_IO_OUT ? (uint8_t)fz_get(in, 1) : 0;
}

/* MMIO where KVM exits for it: nothing in a memory slot there (or a read-only one written). */
static bool exit_mmio(struct kvm_run *run, struct fz_in *in)
{
	const struct layout *l = &cur.m->layout;
	const uint64_t bases[] = { 0, l->pci_hole_base, l->vars_base, l->fw_base,
				   l->pci64_base, LAYOUT_HIGH_RAM_BASE };
	uint64_t gpa = bases[fz_get(in, 1) % 6] + fz_get(in, 4), v;
	unsigned int how = (unsigned int)fz_get(in, 1);

	run->exit_reason = KVM_EXIT_MMIO;
	run->mmio.phys_addr = gpa;
	run->mmio.len = (how & 7) + 1;
	run->mmio.is_write = how >> 7;
	v = run->mmio.is_write ? fz_get(in, 8) : 0;
	memcpy(run->mmio.data, &v, sizeof(run->mmio.data));
	return fz_machine_mmio_exits(cur.m, gpa, run->mmio.is_write);
}

static void exit_system_event(struct kvm_run *run, struct fz_in *in)
{
	static const uint32_t types[] = { KVM_SYSTEM_EVENT_SEV_TERM, KVM_SYSTEM_EVENT_SHUTDOWN,
					  KVM_SYSTEM_EVENT_RESET, KVM_SYSTEM_EVENT_CRASH };
	unsigned int sel = (unsigned int)fz_get(in, 1);

	run->exit_reason = KVM_EXIT_SYSTEM_EVENT;
	run->system_event.type = sel < 4 ? types[sel] : (uint32_t)fz_get(in, 4);
	run->system_event.ndata = (uint32_t)fz_get(in, 1) % 17;
	run->system_event.data[0] = fz_get(in, 8);
}

/* A single step (kvm/ro_fault.c), after which the guest may have written a byte. */
static void exit_debug(struct kvm_run *run, struct fz_in *in)
{
	struct vm *vm = &cur.m->vm;
	unsigned int r = (unsigned int)fz_get(in, 1);
	uint32_t off = (uint32_t)fz_get(in, 4);
	uint8_t v = (uint8_t)fz_get(in, 1);

	run->exit_reason = KVM_EXIT_DEBUG;
	if (r < (unsigned int)vm->nr_ro && vm->ro[r]->writable)
		((uint8_t *)vm->ro[r]->hva)[off % vm->ro[r]->size] = v;
}

/* An extended report request (KVM_EXIT_SNP_REQ_CERTS): the guest's buffer and its pages. */
static void exit_req_certs(struct kvm_run *run, struct fz_in *in)
{
	struct lk_kvm_exit_snp_req_certs *rc = lk_snp_req_certs(run);
	unsigned int sel = (unsigned int)fz_get(in, 1);

	run->exit_reason = LK_KVM_EXIT_SNP_REQ_CERTS;
	rc->gpa = page_or_raw(in, sel & 1);
	rc->npages = sel & 2 ? fz_get(in, 8) : fz_get(in, 1);
	rc->ret = 0x5a5a;	/* the VMM must set it */
	cur.last = (struct pending){ .certs = cur.m->shared != NULL };
}

static void exit_other(struct kvm_run *run, struct fz_in *in)
{
	unsigned int i;

	run->exit_reason = (uint32_t)fz_get(in, 1);
	switch (run->exit_reason) {
	case KVM_EXIT_INTERNAL_ERROR:
		run->emulation_failure.suberror = (uint32_t)fz_get(in, 1);
		run->emulation_failure.ndata = (uint32_t)fz_get(in, 1);
		run->emulation_failure.flags = fz_get(in, 1);
		run->emulation_failure.insn_size = (uint8_t)fz_get(in, 1);
		for (i = 0; i < sizeof(run->emulation_failure.insn_bytes); i++)
			run->emulation_failure.insn_bytes[i] = (uint8_t)fz_get(in, 1);
		break;
	case KVM_EXIT_FAIL_ENTRY:
		run->fail_entry.hardware_entry_failure_reason = fz_get(in, 8);
		break;
	}
}

/* The next KVM_RUN result from the input; its end stops the vCPU. */
static int next_exit(struct kvm_run *run, struct fz_in *in)
{
	static const int errnos[] = { EINTR, EAGAIN, EFAULT, EIO };
	unsigned int kind;

	if (!in->n || ++cur.exits > MAX_EXITS) {
		stop_request_quiet(&cur.m->stop, LK_EXIT_POWEROFF);
		errno = EINTR;
		return -1;
	}
	kind = (unsigned int)fz_get(in, 1) % 10;
	memset(run, 0, IO_DATA_OFFSET);
	switch (kind) {
	case 0:
		exit_hypercall(run, in);
		return 0;
	case 1:
		return exit_memory_fault(run, in);
	case 2:
		exit_io(run, in);
		return 0;
	case 3:
		if (exit_mmio(run, in))
			return 0;
		errno = EINTR;	/* KVM served it from memory: nothing to see */
		return -1;
	case 4:
		exit_system_event(run, in);
		return 0;
	case 5:
		exit_debug(run, in);
		return 0;
	case 6:
		exit_other(run, in);
		return 0;
	case 7:
		run->exit_reason = (uint32_t)fz_get(in, 1);	/* not a memory fault */
		errno = EFAULT;
		return -1;
	case 8:
		exit_req_certs(run, in);
		return 0;
	}
	errno = errnos[fz_get(in, 1) % 4];
	return -1;
}

/* KVM_RUN on the vCPU thread: the last exit's outcome checked, the I/O loop run, the next. */
static int fake_run(struct kvm_run *run, unsigned int vcpu_id)
{
	(void)vcpu_id;
	check_converted(cur.m, run);
	check_certs(cur.m, run);
	check_secrets(cur.m);
	cur.last = (struct pending){ 0 };
	while (!stop_requested(&cur.m->stop) && fz_machine_pump(cur.m))
		;
	return next_exit(run, &cur.in);
}

static void fz_pio(void *ctx, uint64_t port, uint8_t *data, uint32_t len, bool is_write)
{
	bus_access(&((struct machine *)ctx)->pio, port, data, len, is_write);
}

static void fz_mmio(void *ctx, uint64_t gpa, uint8_t *data, uint32_t len, bool is_write)
{
	bus_access(&((struct machine *)ctx)->mmio, gpa, data, len, is_write);
}

int LLVMFuzzerInitialize(int *argc, char ***argv);

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	struct lk_err err;

	(void)argc;
	(void)argv;
	fake_kvm_run = fake_run;
	if (run_init_signals(&err)) {
		fprintf(stderr, "fuzz_snp_exits: %s\n", err.msg);
		abort();
	}
	return 0;
}

/* Until the vCPU thread asked for the stop (at the input's end, or an exit's). */
static void wait_stop(struct machine *m)
{
	struct pollfd p = { .fd = m->stop.efd, .events = POLLIN };

	while (!stop_requested(&m->stop))
		poll(&p, 1, -1);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fz_in in = { data, size };
	struct fz_machine_opts o = { .mem_size = FZ_RAM_SIZE };
	unsigned int flags = (unsigned int)fz_get(&in, 1);
	struct run_ctx ctx;
	struct machine *m;
	struct vcpu v;
	struct lk_err err;
	int i;

	o.snp = !(flags & 1);
	if (flags & 2)
		o.mem_size = LAYOUT_LOW_RAM_END + FZ_RAM_SIZE;
	o.devices = flags & 4;
	o.ro_mode = flags & 8 ? RO_MODE_MPROTECT : RO_MODE_AUTO;
	if (o.snp) {
		o.nr_sections = (int)(fz_get(&in, 1) % 5);
		for (i = 0; i < o.nr_sections; i++) {
			o.sections[i].gpa = (uint32_t)fz_get(&in, 2) * 4096;
			o.sections[i].size = ((uint32_t)fz_get(&in, 1) + 1) * 4096;
			o.sections[i].type = (uint32_t)fz_get(&in, 1);
		}
	}
	m = fz_machine_new(&o, &err);
	if (!m || vcpu_create(&v, &m->vm, 0, &err)) {
		fprintf(stderr, "fuzz_snp_exits: no machine: %s\n", err.msg);
		abort();
	}
	/* As machine_build(): register dumps where the state is readable, conversions for SNP. */
	ctx = (struct run_ctx){ .pio = fz_pio, .mmio = fz_mmio, .io_ctx = m, .stop = &m->stop,
				.dump_regs = !o.snp };
	if (o.snp) {
		ctx.convert = machine_convert;
		ctx.conv_ctx = m;
		/* --snp-certs: the table as sev/certs.c leaves it (machine.c's teardown frees it). */
		m->certs = (struct snp_certs){ .table = certs_table, .len = sizeof(certs_table),
					       .pages = (sizeof(certs_table) + 4095) / 4096 };
		ctx.req_certs = machine_req_certs;
		ctx.certs_ctx = m;
	}
	cur.m = m;
	cur.vcpu = &v;
	cur.in = in;
	cur.exits = 0;
	cur.last = (struct pending){ 0 };
	memset(certs_table, 0xce, sizeof(certs_table));
	if (vcpu_start(&v, &ctx, &err)) {
		fprintf(stderr, "fuzz_snp_exits: %s\n", err.msg);
		abort();
	}
	wait_stop(m);
	vcpus_stop(&v, 1);
	memset(&cur, 0, sizeof(cur));
	vcpu_destroy(&v);
	m->certs = (struct snp_certs){ .nr_fd = 0 };	/* not the heap's: not freed */
	fz_machine_free(m);
	return 0;
}
