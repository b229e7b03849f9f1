// SPDX-License-Identifier: GPL-2.0-only
/*
 * `lkvm-sev caps`: what this host can run, and how. Probes the host
 * (probe/caps.c), prints the facts and one verdict line per mode, as text or
 * with --json. The exit status is 0 whenever the report was produced,
 * whatever it says: a host without /dev/kvm is reported, not an error.
 */
#include <getopt.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <linux/psp-sev.h>

#include "cli/caps.h"
#include "cli/cli.h"
#include "cli/commands.h"
#include "devices/virtio_blk.h"
#include "firmware/calibrate.h"
#include "kvm/uapi.h"
#include "probe/caps.h"
#include "sev/launch.h"

#define CAPS_COL 28	/* the facts' labels */

static const char caps_usage[] =
"usage: lkvm-sev caps [--json]\n"
"\n"
"Reports what this host can run and how: /dev/kvm and its API version; the VM\n"
"types KVM offers and, asked on a VM of each type, whether it offers read-only\n"
"memory (else firmware is kept read-only by mprotect); KVM_X86_SEV_VMSA_FEATURES\n"
"and KVM_SEV_INIT2; guest_memfd; memory attributes (asked on an SNP VM where\n"
"there is one); the direct-VMSA capability (its number, 249, is provisional);\n"
"the hypercalls KVM_CAP_EXIT_HYPERCALL forwards; whether SNP guests' certificate\n"
"requests reach lkvm-sev (KVM_X86_SEV_SNP_REQ_CERTS, Linux 7.0); /dev/sev and\n"
"its platform status; kvm_amd's parameters; and whether KVM runs guest code\n"
"natively, timed with a calibration guest (1,000,000 loop iterations: about\n"
"1 ms natively, 10-60 ms nested under QEMU TCG, about 1 s emulated; 300 ms\n"
"separates them).\n"
"\n"
"Then one line per mode (plain, SEV, SEV-ES, SEV-ES + debug-swap, SNP, SNP +\n"
"direct VMSA): \"runs\", \"runs with fallback: ...\" or \"cannot run: ...\".\n"
"\n"
"options:\n"
"  --json      one JSON object with the same facts and verdicts (bitmasks and\n"
"              64-bit values as \"0x...\" strings)\n"
"  -q, --quiet    no warnings\n"
"  -v, --verbose  what was chosen and why\n"
"  -h, --help     this text\n"
"\n"
"exit status: 0 when the report was produced (whatever it says), 2 for bad\n"
"options\n";

/* "0x20: DEBUG_SWAP", "0x0 (none)". */
static const char *mask_text(enum caps_mask m, uint64_t mask, char *buf, size_t size)
{
	size_t n = (size_t)snprintf(buf, size, "0x%llx%s", (unsigned long long)mask,
				    mask ? ":" : " (none)");
	const char *sep = " ";
	unsigned int bit;
	char name[16];

	for (bit = 0; bit < 64 && n < size; bit++) {
		if (!(mask & (1ULL << bit)))
			continue;
		n += (size_t)snprintf(buf + n, size - n, "%s%s", sep,
				      caps_bit_name(m, bit, name, sizeof(name)));
		sep = ", ";
	}
	return buf;
}

static void line(FILE *f, const char *label, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void line(FILE *f, const char *label, const char *fmt, ...)
{
	va_list ap;

	fprintf(f, "%-*s ", CAPS_COL, label);
	va_start(ap, fmt);
	vfprintf(f, fmt, ap);
	va_end(ap);
	fputc('\n', f);
}

static const char *yes_no(bool b)
{
	return b ? "yes" : "no";
}

static void print_vm_type(const struct host_caps *c, unsigned int type, FILE *f)
{
	const struct caps_vm *v = &c->vm[type];
	char label[32], name[16], buf[128];

	snprintf(label, sizeof(label), "  %s (%u)", caps_vm_type_name(type, name, sizeof(name)),
		 type);
	if (!v->created) {
		line(f, label, "KVM_CREATE_VM fails (%s)", caps_errno_name(v->create_err));
		return;
	}
	if (v->readonly_cap && !v->readonly_slot)
		snprintf(buf, sizeof(buf), "claimed, but a read-only slot is refused (%s)",
			 caps_errno_name(v->readonly_slot_err));
	else
		snprintf(buf, sizeof(buf), "%s", yes_no(v->readonly_cap));
	line(f, label, "read-only memory %s; firmware: %s", buf,
	     caps_firmware_protection(c, type));
	line(f, "", "guest_memfd %s, memory attributes %s", yes_no(v->guest_memfd),
	     mask_text(CAPS_MASK_MEM_ATTRS, v->mem_attrs, buf, sizeof(buf)));
}

static void print_sev_init(const struct host_caps *c, FILE *f)
{
	const char *err = caps_errno_name(c->vmsa_features_err);
	char buf[256];

	if (c->vmsa_features_attr) {
		line(f, "KVM_X86_SEV_VMSA_FEATURES", "%s", mask_text(CAPS_MASK_VMSA_FEATURES,
		     c->vmsa_features, buf, sizeof(buf)));
		line(f, "KVM_SEV_INIT2", "yes (KVM_X86_SEV_VMSA_FEATURES exists)");
	} else {
		line(f, "KVM_X86_SEV_VMSA_FEATURES", "absent (%s)", err);
		line(f, "KVM_SEV_INIT2", "no (KVM_X86_SEV_VMSA_FEATURES: %s)", err);
	}
	if (c->sev_enabled)
		line(f, "legacy SEV init", "yes: KVM_SEV_INIT, KVM_SEV_ES_INIT on a default VM");
	else
		line(f, "legacy SEV init", "no (KVM_MEMORY_ENCRYPT_OP on a default VM: %s)",
		     caps_errno_name(c->sev_enabled_err));
}

static void print_memory(const struct host_caps *c, FILE *f)
{
	const struct caps_vm *snp = &c->vm[LK_KVM_X86_SNP_VM];
	char buf[128];

	line(f, "guest_memfd", "%s", yes_no(c->guest_memfd));
	line(f, "KVM_SET_USER_MEMORY_REGION2", "%s", yes_no(c->user_memory2));
	if (snp->created)
		line(f, "memory attributes", "%s, asked on an SNP VM",
		     mask_text(CAPS_MASK_MEM_ATTRS, snp->mem_attrs, buf, sizeof(buf)));
	else
		line(f, "memory attributes", "%s, asked on /dev/kvm (no SNP VM to ask)",
		     mask_text(CAPS_MASK_MEM_ATTRS, c->mem_attrs_kvm, buf, sizeof(buf)));
}

static void print_kvm(const struct host_caps *c, FILE *f)
{
	char buf[256];
	unsigned int t;

	if (!c->kvm) {
		line(f, "/dev/kvm", "unusable: %s", c->kvm_why);
		return;
	}
	line(f, "/dev/kvm", "API version %d", c->api_version);
	line(f, "VM types", "%s%s", mask_text(CAPS_MASK_VM_TYPES, c->vm_types, buf, sizeof(buf)),
	     c->vm_types_cap ? "" : " (no KVM_CAP_VM_TYPES: the default type only)");
	for (t = 0; t < CAPS_MAX_VM_TYPES; t++)
		if (c->vm_types & (1u << t))
			print_vm_type(c, t, f);
	print_sev_init(c, f);
	print_memory(c, f);
	/* The PCI and virtio devices (doc/devices.md) stand on these. */
	line(f, "device interrupts", "irqfd %s, KVM_SIGNAL_MSI %s, %d GSI routes; ioeventfd %s",
	     yes_no(c->irqfd), yes_no(c->signal_msi), c->gsi_routes, yes_no(c->ioeventfd));
	if (c->io_uring_err)
		line(f, "virtio-blk requests", "one at a time: io_uring refused (%s)",
		     strerror(c->io_uring_err));
	else
		line(f, "virtio-blk requests", "io_uring, up to %d in flight",
		     VIRTIO_BLK_INFLIGHT);
	line(f, "direct VMSA", "%s (KVM_CAP_SNP_DIRECT_VMSA: %d, a provisional number)",
	     yes_no(c->direct_vmsa > 0), LK_KVM_CAP_SNP_DIRECT_VMSA);
	line(f, "KVM_CAP_EXIT_HYPERCALL", "%s",
	     mask_text(CAPS_MASK_HYPERCALLS, c->exit_hypercall, buf, sizeof(buf)));
	if (caps_snp_certs_why(c, buf, sizeof(buf)))
		line(f, "SNP certificate requests", "no: %s", buf);
	else
		line(f, "SNP certificate requests", "yes: KVM_X86_SEV_SNP_REQ_CERTS (run "
		     "--snp-certs)");
}

static void print_platform(FILE *f, const char *label, const struct sev_status_query *q,
			   bool snp, const char *extra)
{
	const char *state = sev_platform_state_name(q->state, snp);
	char num[8];

	if (!q->ok) {
		line(f, label, "not readable (%s, firmware error 0x%x)", caps_errno_name(q->err),
		     q->fw_error);
		return;
	}
	if (!state) {
		snprintf(num, sizeof(num), "%u", q->state);
		state = num;
	}
	line(f, label, "API %u.%u, build %u, state %s%s, %u guest(s)", q->api_major,
	     q->api_minor, q->build, state, extra, q->guest_count);
}

static void print_sev_dev(const struct sev_dev_info *d, FILE *f)
{
	char extra[96];

	if (!d->present) {
		line(f, SEV_DEVICE_PATH, "absent");
		return;
	}
	if (d->open_err) {
		line(f, SEV_DEVICE_PATH, "present, cannot be opened (%s)",
		     caps_errno_name(d->open_err));
		return;
	}
	line(f, SEV_DEVICE_PATH, "present%s", d->read_only ? " (opened read-only)" : "");
	snprintf(extra, sizeof(extra), ", flags 0x%x%s", d->sev_flags,
		 d->sev_flags & SEV_STATUS_FLAGS_CONFIG_ES ? " (SEV-ES)" : "");
	print_platform(f, "  SEV platform status", &d->sev, false, extra);
	snprintf(extra, sizeof(extra), ", RMP %sinitialized, TCB 0x%016llx",
		 d->snp_rmp_initialized ? "" : "not ", (unsigned long long)d->snp_tcb_version);
	print_platform(f, "  SNP platform status", &d->snp, true, extra);
}

static void print_kvm_amd(const struct modparams *mp, FILE *f)
{
	unsigned int i;

	if (!mp->loaded) {
		line(f, "kvm_amd parameters", "none: kvm_amd is not loaded (KVM modules here: %s)",
		     mp->others[0] ? mp->others : "none");
		return;
	}
	fprintf(f, "%-*s", CAPS_COL, "kvm_amd parameters");
	for (i = 0; i < mp->n; i++)
		fprintf(f, " %s=%s", mp->p[i].name, mp->p[i].value);
	fputs(mp->n ? "\n" : " none of the SEV-related ones\n", f);
}

static void print_host(const struct host_caps *c, FILE *f)
{
	print_sev_dev(&c->sev_dev, f);
	print_kvm_amd(&c->kvm_amd, f);
	if (c->calib.result == CALIB_UNKNOWN)
		line(f, "guest code", "unknown (%s)", c->calib.why);
	else if (c->calib.why[0])
		line(f, "guest code", "%s (%s)", caps_calib_name(c->calib.result), c->calib.why);
	else
		line(f, "guest code", "%s: the calibration guest took %.1f ms (natively about "
		     "1 ms)", caps_calib_name(c->calib.result), c->calib.ms);
}

static void print_text(const struct host_caps *c, FILE *f)
{
	struct caps_verdict v;
	int m;

	print_kvm(c, f);
	print_host(c, f);
	fputs("\nmodes:\n", f);
	for (m = 0; m < CAPS_NR_MODES; m++) {
		caps_verdict(c, m, &v);
		fprintf(f, "  %-19s  %s%s%s\n", caps_mode_name(m), caps_verdict_kind_name(v.kind),
			v.text[0] ? ": " : "", v.text);
	}
	fprintf(f, "\nnote: %s\n", sev_direct_vmsa_aps_note);
}

/* The calibration guest in the binary, with the IPs of its loop and port write. */
enum {
	OPT_JSON = 256,
};

static const struct option caps_options[] = {
	{ "json", no_argument, NULL, OPT_JSON },
	{ "help", no_argument, NULL, 'h' },
	CLI_VERBOSITY_OPTIONS,
	{ NULL, 0, NULL, 0 },
};

static int caps_option(int opt, const char *arg, void *ctx, struct lk_err *err)
{
	bool *json = ctx;

	(void)arg;
	if (opt != OPT_JSON)
		return err_set(err, LK_EXIT_USAGE, "internal: unhandled option %d", opt);
	*json = true;
	return 0;
}

int cmd_caps(int argc, char **argv, struct lk_err *err)
{
	static const struct cli_syntax syn = { "caps", "+hqv", caps_options, "", OPT_JSON };
	struct calib_guest guest = calib_default_guest();
	struct host_caps *c;
	bool json = false;
	enum cli_result r;

	r = cli_getopt(argc, argv, &syn, caps_option, &json, err);
	if (r != CLI_OK)
		return cli_stop(r, caps_usage);
	c = malloc(sizeof(*c));
	if (!c)
		return err_sys(err, "caps");
	host_caps_probe(c, &guest);
	if (json)
		caps_print_json(c, stdout);
	else
		print_text(c, stdout);
	free(c);
	return 0;
}
