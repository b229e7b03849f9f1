// SPDX-License-Identifier: GPL-2.0-only
/*
 * KVM_RUN on a simulated vCPU plays a guest script (HOSTSIM_SCRIPT for the
 * BSP, HOSTSIM_AP_SCRIPT for the others; README.md gives the syntax): each
 * call returns the next exit the way KVM reports it (SEV-KVM-API.md §3.3,
 * §3.4, §4.6), and the next call first records what the VMM answered. Before
 * that, KVM_RUN's own rules: INIT2 done (§1.1), APs waiting for INIT/SIPI,
 * no VMSA under a direct-VMSA launch (§4.4), the launch finished [I].
 */
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tests/hostsim/hostsim.h"

#define MAX_STEPS	64
#define DEFAULT_SCRIPT	"serial:hostsim: guest running\\n;acpi-off"

enum op {
	OP_SERIAL, OP_OUT, OP_IN, OP_MMIO_READ, OP_MMIO_POLL, OP_MMIO_WRITE, OP_WRITE, OP_PSC, OP_FAULT,
	OP_SHUTDOWN, OP_SYSTEM_EVENT, OP_SIPI, OP_HLT, OP_CERTS,
};

struct step {
	enum op op;
	char text[256];
	size_t len;
	uint64_t a, b, c;
	int kind;		/* private (1), shared (0) or default (-1) */
};

struct script {
	struct step s[MAX_STEPS];
	int n;
};

static struct script bsp, ap;

/* Splits at unescaped ';', decoding \n \r \t \\ \; \: \xHH. */
static size_t unescape(const char **src, char *out, size_t cap)
{
	const char *p = *src;
	size_t n = 0;

	for (; *p && *p != ';'; p++) {
		char c = *p;

		if (c == '\\' && p[1]) {
			c = *++p;
			if (c == 'n')
				c = '\n';
			else if (c == 'r')
				c = '\r';
			else if (c == 't')
				c = '\t';
			else if (c == 'x' && p[1] && p[2]) {
				char hex[3] = { p[1], p[2], 0 };

				c = (char)strtoul(hex, NULL, 16);
				p += 2;
			}
		}
		if (n + 1 < cap)
			out[n++] = c;
	}
	out[n] = '\0';
	*src = *p ? p + 1 : p;
	return n;
}

static int kind_of(const char *s)
{
	if (!strncmp(s, "private", 7))
		return 1;
	return strncmp(s, "shared", 6) ? -1 : 0;
}

static uint64_t num(char **p)
{
	uint64_t v = strtoull(*p, p, 0);

	if (**p == ':')
		(*p)++;
	return v;
}

static uint64_t event_type(const char *s)
{
	if (!strncmp(s, "shutdown", 8))
		return KVM_SYSTEM_EVENT_SHUTDOWN;
	if (!strncmp(s, "reset", 5))
		return KVM_SYSTEM_EVENT_RESET;
	if (!strncmp(s, "crash", 5))
		return KVM_SYSTEM_EVENT_CRASH;
	if (!strncmp(s, "sev-term", 8))
		return HS_SYSTEM_EVENT_SEV_TERM;
	return strtoull(s, NULL, 0);
}

/* One step "name[:args]"; false for a name this simulator does not know. */
static bool parse_step(struct step *st, char *t)
{
	char *arg = strchr(t, ':');

	arg = arg ? arg + 1 : t + strlen(t);
	memset(st, 0, sizeof(*st));
	if (!strncmp(t, "serial:", 7)) {
		st->op = OP_SERIAL;
		st->len = strlen(arg);
		memcpy(st->text, arg, st->len + 1);
	} else if (!strncmp(t, "out:", 4) || !strncmp(t, "mmio-write:", 11)) {
		st->op = t[0] == 'o' ? OP_OUT : OP_MMIO_WRITE;
		st->a = num(&arg);
		st->b = num(&arg);
		st->c = num(&arg);
	} else if (!strncmp(t, "mmio-poll:", 10)) {
		st->op = OP_MMIO_POLL;
		st->a = num(&arg);
		st->b = num(&arg);
		st->c = num(&arg);
	} else if (!strncmp(t, "in:", 3) || !strncmp(t, "mmio-read:", 10)) {
		st->op = t[0] == 'i' ? OP_IN : OP_MMIO_READ;
		st->a = num(&arg);
		st->b = num(&arg);
	} else if (!strncmp(t, "write:", 6)) {
		st->op = OP_WRITE;
		st->a = num(&arg);
		st->b = *arg >= '0' && *arg <= '9' ? num(&arg) : 0xcc;
		st->kind = kind_of(arg);
	} else if (!strncmp(t, "psc:", 4) || !strncmp(t, "fault:", 6)) {
		st->op = t[0] == 'p' ? OP_PSC : OP_FAULT;
		st->kind = kind_of(arg);
		arg = strchr(arg, ':');
		if (!arg || st->kind < 0)
			return false;
		arg++;
		st->a = num(&arg);
		st->b = num(&arg);
		st->c = !strncmp(arg, "2m", 2);
	} else if (!strncmp(t, "certs:", 6)) {
		st->op = OP_CERTS;
		st->a = num(&arg);
		st->b = num(&arg);
	} else if (!strcmp(t, "acpi-off")) {
		*st = (struct step){ .op = OP_OUT, .a = 0xb004, .b = 2, .c = 0x2000 };
	} else if (!strncmp(t, "debug-exit:", 11)) {
		*st = (struct step){ .op = OP_OUT, .a = 0xf4, .b = 1, .c = strtoull(arg, NULL, 0) };
	} else if (!strncmp(t, "system-event:", 13)) {
		st->op = OP_SYSTEM_EVENT;
		st->a = event_type(arg);
		arg = strchr(arg, ':');
		st->b = arg ? strtoull(arg + 1, NULL, 0) : 0;
	} else if (!strncmp(t, "sev-term", 8)) {
		/* GHCB MSR protocol TERM_REQ: 0x100, reason set in 15:12, code in 23:16 */
		uint64_t set = num(&arg), code = num(&arg);

		st->op = OP_SYSTEM_EVENT;
		st->a = HS_SYSTEM_EVENT_SEV_TERM;
		st->b = 0x100 | (set & 0xf) << 12 | (code & 0xff) << 16;
	} else if (!strcmp(t, "shutdown")) {
		st->op = OP_SHUTDOWN;
	} else if (!strcmp(t, "sipi")) {
		st->op = OP_SIPI;
	} else if (!strcmp(t, "hlt")) {
		st->op = OP_HLT;
	} else {
		return false;
	}
	return true;
}

static void parse(struct script *sc, const char *src)
{
	char t[512];
	size_t len;

	sc->n = 0;
	while (*src && sc->n < MAX_STEPS) {
		while (*src == ' ')
			src++;
		len = unescape(&src, t, sizeof(t));
		while (len && t[len - 1] == ' ')
			t[--len] = '\0';
		if (t[0] && !parse_step(&sc->s[sc->n++], t)) {
			fprintf(stderr, "hostsim: script step '%s' not understood, ignored\n", t);
			sc->n--;
		}
	}
}

static void load_scripts(void)
{
	static bool loaded;

	if (loaded)
		return;
	loaded = true;
	parse(&bsp, hs_cfg.script ? hs_cfg.script : DEFAULT_SCRIPT);
	parse(&ap, hs_cfg.ap_script ? hs_cfg.ap_script : "hlt");
}

/* ---- exits, as kvm_run carries them (§3.3) ---- */

static void exit_io(struct hs_vcpu *v, bool out, uint64_t port, uint64_t size, uint64_t val)
{
	struct kvm_run *run = v->run;

	run->exit_reason = KVM_EXIT_IO;
	run->io.direction = out ? KVM_EXIT_IO_OUT : KVM_EXIT_IO_IN;
	run->io.size = (uint8_t)size;
	run->io.port = (uint16_t)port;
	run->io.count = 1;
	run->io.data_offset = HS_PIO_OFFSET;
	if (out)
		memcpy((uint8_t *)run + HS_PIO_OFFSET, &val, size > 8 ? 8 : size);
}

static void exit_mmio(struct hs_vcpu *v, uint64_t gpa, uint64_t len, bool write, uint64_t val)
{
	struct kvm_run *run = v->run;

	run->exit_reason = KVM_EXIT_MMIO;
	run->mmio.phys_addr = gpa;
	run->mmio.len = (uint32_t)(len > 8 ? 8 : len);
	run->mmio.is_write = write;
	memset(run->mmio.data, 0, sizeof(run->mmio.data));
	if (write)
		memcpy(run->mmio.data, &val, run->mmio.len);
}

/* KVM_RUN fails with EFAULT; the details are valid with exit_reason 39. */
static long exit_memory_fault(struct hs_vcpu *v, uint64_t flags, uint64_t gpa, uint64_t size)
{
	uint64_t f[3] = { flags, gpa, size };

	v->run->exit_reason = HS_EXIT_MEMORY_FAULT;
	memcpy(&v->run->mmio, f, sizeof(f));
	return -EFAULT;
}

static void exit_system_event(struct hs_vcpu *v, uint64_t type, uint64_t data)
{
	struct kvm_run *run = v->run;

	run->exit_reason = KVM_EXIT_SYSTEM_EVENT;
	run->system_event.type = (uint32_t)type;
	run->system_event.ndata = 1;
	run->system_event.data[0] = data;
}

/* What one KVM_RUN returned: the exit's name and up to three of its fields. */
struct outcome {
	const char *exit, *why;
	const char *key[3];
	uint64_t val[3];
	int n;
};

static void note(struct outcome *o, const char *key, uint64_t val)
{
	if (o->n < 3) {
		o->key[o->n] = key;
		o->val[o->n++] = val;
	}
}

static void log_run(const struct hs_vcpu *v, long r, const struct outcome *o)
{
	struct hs_json j;
	char obj[32];
	int i;

	snprintf(obj, sizeof(obj), "vm%u/vcpu%u", v->vm->id, v->id);
	hs_json_begin(&j, obj, "ioctl", "KVM_RUN");
	hs_json_str(&j, "exit", o->exit ? o->exit : "none");
	hs_json_int(&j, "exit_reason", v->run->exit_reason);
	for (i = 0; i < o->n; i++)
		hs_json_hex(&j, o->key[i], o->val[i]);
	hs_json_result(&j, r < 0 ? -1 : 0, (int)-r, 0, o->why);
	hs_json_emit(&j);
}

static void log_event(const struct hs_vcpu *v, const char *name, const struct outcome *o)
{
	struct hs_json j;
	char obj[32];
	int i;

	snprintf(obj, sizeof(obj), "vm%u/vcpu%u", v->vm->id, v->id);
	hs_json_begin(&j, obj, "event", name);
	for (i = 0; i < o->n; i++)
		hs_json_hex(&j, o->key[i], o->val[i]);
	if (o->why)
		hs_json_str(&j, "note", o->why);
	hs_json_emit(&j);
}

static bool range_converted(const struct hs_vm *vm, uint64_t gpa, uint64_t size, bool priv)
{
	if (priv)
		return hs_rs_all(&vm->private_gpa, gpa, gpa + size);
	return !hs_rs_any(&vm->private_gpa, gpa, gpa + size);
}

/* An mmio-poll step whose bits are not there yet: again in 1 ms, for at most 5 s. */
static void poll_again(struct hs_vcpu *v)
{
	if (++v->polls >= 5000) {
		v->polls = 0;
		return;
	}
	v->pc--;
	pthread_mutex_unlock(&hs_lock);
	poll(NULL, 0, 1);
	pthread_mutex_lock(&hs_lock);
}

/*
 * What the guest finds in its certificate buffer of @npages pages at @gpa
 * (at most 256 hashed): the slots' host memory, the shared side, as the
 * other steps read and write it.
 */
static void certs_buffer(struct hs_json *j, const struct hs_vm *vm, uint64_t gpa, uint64_t npages)
{
	uint64_t i, n = npages < 256 ? npages : 256;
	uint8_t page[HS_PAGE_SIZE], head[64] = { 0 }, digest[SHA256_DIGEST_SIZE];
	char hex[2 * SHA256_DIGEST_SIZE + 1];
	struct sha256_ctx h;

	hs_json_int(j, "shared", !hs_rs_any(&vm->private_gpa, gpa, gpa + n * HS_PAGE_SIZE));
	sha256_init(&h);
	for (i = 0; i < n; i++) {
		const struct hs_slot *s = hs_slot_at(vm, gpa + i * HS_PAGE_SIZE);

		if (!s || hs_copy_from_user(page, s->uaddr + (gpa + i * HS_PAGE_SIZE - s->gpa),
					    sizeof(page))) {
			hs_json_str(j, "note", "the buffer is not all guest memory");
			return;
		}
		if (!i)
			memcpy(head, page, sizeof(head));
		sha256_update(&h, sizeof(page), page);
	}
	sha256_digest(&h, sizeof(digest), digest);
	hs_hex(hex, digest, sizeof(digest));
	hs_json_int(j, "hashed_pages", (long long)n);
	hs_json_str(j, "sha256", hex);
	hs_json_bytes(j, "head", head, sizeof(head));
}

static const char *certs_ret_name(uint64_t ret)
{
	switch (ret) {
	case 0:
		return "0";
	case ENOSPC:
		return "ENOSPC";
	case EAGAIN:
		return "EAGAIN";
	case EIO:
		return "EIO";
	}
	return NULL;
}

/*
 * Linux 7.0 snp_complete_req_certs(): the VMM's ret decides. 0: KVM sends
 * the request to firmware (the buffer is the guest's now); ENOSPC: its
 * npages goes to the guest's RBX; EAGAIN, EIO: an error for the guest; any
 * other value fails KVM_RUN with EINVAL.
 */
static long certs_complete(struct hs_vcpu *v, struct outcome *run_o)
{
	struct hs_exit_snp_req_certs rc;
	const char *name;
	struct hs_json j;
	char obj[32];

	memcpy(&rc, &v->run->mmio, sizeof(rc));
	name = certs_ret_name(rc.ret);
	snprintf(obj, sizeof(obj), "vm%u/vcpu%u", v->vm->id, v->id);
	hs_json_begin(&j, obj, "event", "certs-completed");
	hs_json_hex(&j, "gpa", v->pend_a);
	hs_json_int(&j, "npages_asked", (long long)v->pend_b);
	hs_json_int(&j, "npages", (long long)rc.npages);
	hs_json_int(&j, "ret", (long long)rc.ret);
	hs_json_str(&j, "ret_name", name ? name : "invalid");
	if (!name)
		hs_json_str(&j, "why", "not 0, ENOSPC, EAGAIN or EIO: KVM_RUN fails with EINVAL");
	else if (!rc.ret)
		certs_buffer(&j, v->vm, v->pend_a, v->pend_b);
	hs_json_emit(&j);
	if (name)
		return 1;
	run_o->why = "snp_req_certs.ret is not 0, ENOSPC, EAGAIN or EIO (7.0's "
		     "snp_complete_req_certs())";
	return -EINVAL;
}

/*
 * The VMM's answer to the previous exit, recorded before the guest goes on:
 * 1, 0 when the guest gives up (a failed PSC), or KVM_RUN's -errno.
 */
static long complete(struct hs_vcpu *v, struct outcome *run_o)
{
	struct outcome o = { 0 };
	uint64_t val = 0, ret = v->run->hypercall.ret;
	bool ok, psc = v->pending == HS_PEND_HYPERCALL;

	switch (v->pending) {
	case HS_PEND_NONE:
		return 1;
	case HS_PEND_CERTS:
		v->pending = HS_PEND_NONE;
		return certs_complete(v, run_o);
	case HS_PEND_IO_IN:
	case HS_PEND_MMIO_READ:
		memcpy(&val, v->pending == HS_PEND_IO_IN ? (uint8_t *)v->run + HS_PIO_OFFSET :
		       v->run->mmio.data, v->pend_b > 8 ? 8 : v->pend_b);
		note(&o, v->pending == HS_PEND_IO_IN ? "port" : "gpa", v->pend_a);
		note(&o, "value", val);
		log_event(v, v->pending == HS_PEND_IO_IN ? "in-completed" : "mmio-read-completed",
			  &o);
		if (v->pend_c && !(val & v->pend_c))
			poll_again(v);
		else
			v->polls = 0;
		break;
	default:
		ok = range_converted(v->vm, v->pend_a, v->pend_b, v->pend_c);
		note(&o, "gpa", v->pend_a);
		note(&o, "size", v->pend_b);
		note(&o, psc ? "ret" : "converted", psc ? ret : ok);
		o.why = ok ? NULL : "the VMM did not convert the range with "
			    "KVM_SET_MEMORY_ATTRIBUTES";
		log_event(v, psc ? "psc-completed" : "memory-fault-completed", &o);
		v->pending = HS_PEND_NONE;
		return !psc || !ret;	/* a failed PSC makes the guest give up */
	}
	v->pending = HS_PEND_NONE;
	return 1;
}

/* Sleeps like a halted vCPU: until @cond holds, a signal, or immediate_exit. */
static long wait_until(struct hs_vcpu *v, bool (*cond)(const struct hs_vcpu *))
{
	int r, err;

	for (;;) {
		if (cond && cond(v))
			return 0;
		if (v->run->immediate_exit)
			return -EINTR;
		pthread_mutex_unlock(&hs_lock);
		r = poll(NULL, 0, 20);
		err = errno;
		pthread_mutex_lock(&hs_lock);
		if (r < 0 && err == EINTR)
			return -EINTR;
	}
}

static bool sipi_sent(const struct hs_vcpu *v)
{
	return v->vm->sipi;
}

static long terminate(struct hs_vcpu *v, struct outcome *o, const char *why)
{
	exit_system_event(v, HS_SYSTEM_EVENT_SEV_TERM, 0x100);
	o->exit = "SYSTEM_EVENT";
	o->why = why;
	note(o, "type", HS_SYSTEM_EVENT_SEV_TERM);
	note(o, "data0", 0x100);
	v->pc = MAX_STEPS;
	return 0;
}

static long fault(struct hs_vcpu *v, struct outcome *o, bool priv, uint64_t gpa, uint64_t size)
{
	v->pending = HS_PEND_FAULT;
	v->pend_a = gpa;
	v->pend_b = size;
	v->pend_c = priv;
	o->exit = "MEMORY_FAULT";
	note(o, "flags", priv ? HS_MEMORY_EXIT_FLAG_PRIVATE : 0);
	note(o, "gpa", gpa);
	note(o, "size", size);
	return exit_memory_fault(v, priv ? HS_MEMORY_EXIT_FLAG_PRIVATE : 0, gpa, size);
}

/* A guest store, resolved as KVM resolves the fault; 1 when no exit is needed. */
static long guest_write(struct hs_vcpu *v, const struct step *st, struct outcome *o)
{
	struct hs_vm *vm = v->vm;
	const struct hs_slot *slot = hs_slot_at(vm, st->a);
	uint64_t page = st->a & ~(HS_PAGE_SIZE - 1);
	bool priv = st->kind == 1 || (st->kind < 0 && vm->snp);
	uint8_t byte = (uint8_t)st->b;

	v->pc++;	/* taken back below when the guest retries the store */
	if (!slot || (slot->flags & HS_MEM_READONLY)) {	/* MMIO, or a ROM write */
		exit_mmio(v, st->a, 1, true, byte);
		o->exit = "MMIO";
		note(o, "gpa", st->a);
		note(o, "value", byte);
		return 0;
	}
	if (vm->type == HS_VM_SNP || vm->type == HS_VM_SW_PROTECTED) {
		if (priv != hs_rs_all(&vm->private_gpa, page, page + HS_PAGE_SIZE) ||
		    (priv && !(slot->flags & HS_MEM_GUEST_MEMFD))) {
			o->why = "access and memory attributes differ: KVM asks the VMM to "
				 "convert (§3.3); the store is retried after";
			v->pc--;
			return fault(v, o, priv, page, HS_PAGE_SIZE);
		}
		if (priv)
			return 1;	/* lands in the guest_memfd page */
	}
	if (!hs_copy_to_user(slot->uaddr + (st->a - slot->gpa), &byte, 1))
		return 1;
	o->why = "the host mapping is read-only: KVM cannot fault the page in for write";
	if (hs_cfg.ro_write == HS_ROW_MMIO) {
		exit_mmio(v, st->a, 1, true, byte);
		o->exit = "MMIO";
		note(o, "gpa", st->a);
		return 0;
	}
	if (hs_cfg.ro_write == HS_ROW_EFAULT_BARE) {
		o->exit = "EFAULT";
		return -EFAULT;
	}
	return fault(v, o, false, page, HS_PAGE_SIZE);
}

/* §3.4: a page-state change becomes KVM_HC_MAP_GPA_RANGE if the VMM enabled it. */
static long psc(struct hs_vcpu *v, const struct step *st, struct outcome *o)
{
	struct kvm_run *run = v->run;

	if (!(v->vm->hypercall_exits & HS_EXIT_HYPERCALL_MASK))
		return terminate(v, o, "KVM_CAP_EXIT_HYPERCALL is not enabled: KVM fails the "
				 "guest's page-state change and the guest terminates (§3.4)");
	run->exit_reason = KVM_EXIT_HYPERCALL;
	run->hypercall.nr = HS_HC_MAP_GPA_RANGE;
	memset(run->hypercall.args, 0, sizeof(run->hypercall.args));
	run->hypercall.args[0] = st->a;
	run->hypercall.args[1] = st->b;
	run->hypercall.args[2] = (st->kind == 1 ? HS_MAP_GPA_RANGE_ENCRYPTED : 0) |
				 (st->c ? HS_MAP_GPA_RANGE_PAGE_SZ_2M : 0);
	run->hypercall.ret = 0;
	run->hypercall.longmode = HS_EXIT_HYPERCALL_LONG_MODE;
	v->pending = HS_PEND_HYPERCALL;
	v->pend_a = st->a;
	v->pend_b = st->b * HS_PAGE_SIZE;
	v->pend_c = st->kind == 1;
	o->exit = "HYPERCALL";
	note(o, "gpa", st->a);
	note(o, "npages", st->b);
	note(o, "attrs", run->hypercall.args[2]);
	return 0;
}

/*
 * Linux 7.0: an extended guest request (MSG_REPORT_REQ) with a certificate
 * buffer, forwarded as KVM_EXIT_SNP_REQ_CERTS where the VMM enabled it;
 * otherwise KVM completes it itself, without certificates. 1: no exit.
 */
static long certs_request(struct hs_vcpu *v, const struct step *st, struct outcome *o)
{
	struct hs_exit_snp_req_certs rc = { .gpa = st->a, .npages = st->b };
	struct outcome e = { 0 };

	if (!HS_PAGE_ALIGNED(st->a) || !v->vm->certs_enabled) {
		note(&e, "gpa", st->a);
		note(&e, "npages", st->b);
		e.why = !HS_PAGE_ALIGNED(st->a) ? "the buffer is not page-aligned: KVM fails the "
			"request itself" : "KVM_SEV_SNP_ENABLE_REQ_CERTS was not done: KVM "
			"completes the request without certificates";
		log_event(v, "certs-not-forwarded", &e);
		return 1;
	}
	v->run->exit_reason = HS_EXIT_SNP_REQ_CERTS;
	memcpy(&v->run->mmio, &rc, sizeof(rc));
	v->pending = HS_PEND_CERTS;
	v->pend_a = st->a;
	v->pend_b = st->b;
	o->exit = "SNP_REQ_CERTS";
	note(o, "gpa", st->a);
	note(o, "npages", st->b);
	return 0;
}

static long io_step(struct hs_vcpu *v, bool out, uint64_t port, uint64_t size, uint64_t val,
		    struct outcome *o)
{
	exit_io(v, out, port, size, val);
	if (!out) {
		v->pending = HS_PEND_IO_IN;
		v->pend_a = port;
		v->pend_b = size;
	}
	o->exit = "IO";
	note(o, "port", port);
	note(o, "size", size);
	if (out)
		note(o, "value", val);
	return 0;
}

/* One step: 0 with an exit, -errno, or 1 when the guest goes on without one. */
static long do_step(struct hs_vcpu *v, const struct step *st, struct outcome *o)
{
	if (st->op == OP_SERIAL) {
		if (v->sub >= st->len) {
			v->sub = 0;
			v->pc++;
			return 1;
		}
		return io_step(v, true, 0x3f8, 1, (uint8_t)st->text[v->sub++], o);
	}
	if (st->op == OP_WRITE)
		return guest_write(v, st, o);
	v->pc++;
	switch (st->op) {
	case OP_OUT:
	case OP_IN:
		return io_step(v, st->op == OP_OUT, st->a, st->b, st->c, o);
	case OP_MMIO_READ:
	case OP_MMIO_POLL:
	case OP_MMIO_WRITE:
		exit_mmio(v, st->a, st->b, st->op == OP_MMIO_WRITE, st->c);
		v->pending = st->op == OP_MMIO_WRITE ? HS_PEND_NONE : HS_PEND_MMIO_READ;
		v->pend_a = st->a;
		v->pend_b = st->b;
		v->pend_c = st->op == OP_MMIO_POLL ? st->c : 0;	/* the bits awaited */
		o->exit = "MMIO";
		note(o, "gpa", st->a);
		return 0;
	case OP_PSC:
		return psc(v, st, o);
	case OP_FAULT:
		return fault(v, o, st->kind == 1, st->a, st->b);
	case OP_SHUTDOWN:
		v->run->exit_reason = KVM_EXIT_SHUTDOWN;
		o->exit = "SHUTDOWN";
		return 0;
	case OP_SYSTEM_EVENT:
		exit_system_event(v, st->a, st->b);
		o->exit = "SYSTEM_EVENT";
		note(o, "type", st->a);
		note(o, "data0", st->b);
		return 0;
	case OP_SIPI:
		v->vm->sipi = true;
		return 1;
	case OP_CERTS:
		return certs_request(v, st, o);
	default:	/* hlt: with an in-kernel LAPIC it does not exit */
		if (v->vm->irqchip)
			return wait_until(v, NULL);
		v->run->exit_reason = KVM_EXIT_HLT;
		o->exit = "HLT";
		return 0;
	}
}

/* KVM_RUN's checks before the guest runs; 1 to go on to the script. */
static long enter(struct hs_vcpu *v, struct outcome *o)
{
	struct hs_vm *vm = v->vm;
	long r;

	if (v->run->immediate_exit)
		return -EINTR;
	if (v->mp_state == KVM_MP_STATE_UNINITIALIZED) {	/* wait for INIT/SIPI */
		r = wait_until(v, sipi_sent);
		if (r)
			return r;
		v->mp_state = KVM_MP_STATE_RUNNABLE;
		o->why = "the vCPU left wait-for-SIPI";
		return -EAGAIN;
	}
	if (vm->need_init) {
		o->why = "KVM_RUN before KVM_SEV_INIT2 (§1.1)";
		return -EINVAL;
	}
	if (vm->es && !v->has_vmsa) {
		o->why = "the vCPU has no VMSA (direct-VMSA launch): pre_sev_run() (§4.4)";
		return -EINVAL;
	}
	if (vm->active && (vm->state != HS_GUEST_RUNNING || (vm->es && !v->protected))) {
		v->run->exit_reason = KVM_EXIT_FAIL_ENTRY;
		v->run->fail_entry.hardware_entry_failure_reason = ~0ULL;	/* SVM_EXIT_ERR */
		o->exit = "FAIL_ENTRY";
		o->why = "the launch is not finished, or this vCPU's VMSA was never "
			 "encrypted: VMRUN fails [I]";
		return 0;
	}
	return 1;
}

static long run_guest(struct hs_vcpu *v, struct outcome *o)
{
	const struct script *sc = v->id == 0 ? &bsp : &ap;
	long r = enter(v, o);

	if (r <= 0)
		return r;
	if (!v->vm->ran) {
		v->vm->ran = true;
		hs_vm_observe_ro(v->vm);
	}
	r = complete(v, o);
	if (r < 0)
		return r;
	if (!r)
		return terminate(v, o, "the VMM failed the page-state change (hypercall.ret)");
	while (v->pc < sc->n) {
		r = do_step(v, &sc->s[v->pc], o);
		if (r <= 0)
			return r;
	}
	o->exit = "HLT";	/* the script's end: idle until the VMM stops the vCPU */
	return wait_until(v, NULL);
}

long hs_vcpu_run(struct hs_vcpu *v)
{
	struct hs_vm *vm = v->vm;
	struct outcome o = { 0 };
	long r;

	load_scripts();
	vm->refs++;	/* the VM outlives a close() while this vCPU waits unlocked */
	r = run_guest(v, &o);
	if (r == -EINTR) {
		v->run->exit_reason = KVM_EXIT_INTR;
		o.exit = "INTR";
	}
	log_run(v, r, &o);
	hs_vm_put(vm);
	return r;
}
