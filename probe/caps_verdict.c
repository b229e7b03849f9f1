// SPDX-License-Identifier: GPL-2.0-only
/*
 * From the probed facts to one verdict per mode, by the rules of
 * SEV-KVM-API.md and issue 6: a mode uses its VM type with KVM_SEV_INIT2
 * where KVM has both (§1.1), else the legacy init command on a default VM
 * where there is one; SEV-ES and SNP VMs refuse read-only memory (§1.4), so
 * their firmware takes seed 000's mprotect fallback; SNP needs guest_memfd,
 * the private memory attribute and page-state-change exits (§3.5); every
 * SEV launch needs /dev/sev (§2.1).
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <linux/kvm_para.h>

#include "kvm/uapi.h"
#include "probe/caps.h"

struct mode_rule {
	const char *name;
	unsigned int type;		/* the VM type it uses with KVM_SEV_INIT2 */
	const char *type_label;		/* for "no SEV-ES VM type" */
	const char *legacy_init;	/* the command on a default VM without them, or NULL */
	bool debug_swap, snp, direct_vmsa;
};

static const struct mode_rule caps_rules[CAPS_NR_MODES] = {
	[CAPS_PLAIN] = { "plain", LK_KVM_X86_DEFAULT_VM, "default" },
	[CAPS_SEV] = { "SEV", LK_KVM_X86_SEV_VM, "SEV", "KVM_SEV_INIT" },
	[CAPS_SEV_ES] = { "SEV-ES", LK_KVM_X86_SEV_ES_VM, "SEV-ES", "KVM_SEV_ES_INIT" },
	[CAPS_SEV_ES_DEBUG_SWAP] = { "SEV-ES + debug-swap", LK_KVM_X86_SEV_ES_VM, "SEV-ES",
				     .debug_swap = true },
	[CAPS_SNP] = { "SNP", LK_KVM_X86_SNP_VM, "SNP", .snp = true },
	[CAPS_SNP_DIRECT_VMSA] = { "SNP + direct VMSA", LK_KVM_X86_SNP_VM, "SNP", .snp = true,
				   .direct_vmsa = true },
};

/* What a verdict collects: reasons it cannot run, and fallbacks it runs with. */
struct verdict_notes {
	char why[1024];
	char fallback[1024];
};

static void notes_add(char *buf, size_t size, const char *fmt, va_list ap)
{
	size_t n = strlen(buf);

	if (n && n + 2 < size) {
		memcpy(buf + n, "; ", 3);
		n += 2;
	}
	vsnprintf(buf + n, size - n, fmt, ap);
}

static void cannot(struct verdict_notes *vn, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
static void fallback(struct verdict_notes *vn, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void cannot(struct verdict_notes *vn, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	notes_add(vn->why, sizeof(vn->why), fmt, ap);
	va_end(ap);
}

static void fallback(struct verdict_notes *vn, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	notes_add(vn->fallback, sizeof(vn->fallback), fmt, ap);
	va_end(ap);
}

static bool offered(const struct host_caps *c, unsigned int type)
{
	return c->vm_types & (1u << type);
}

/* The VM type exists and a VM of it could be created. */
static bool type_usable(const struct host_caps *c, const struct mode_rule *r,
			struct verdict_notes *vn)
{
	if (!offered(c, r->type)) {
		cannot(vn, "this host's KVM offers VM types 0x%x: no %s VM type", c->vm_types,
		       r->type_label);
		return false;
	}
	if (!c->vm[r->type].created) {
		cannot(vn, "KVM_CREATE_VM of the %s VM type fails: %s", r->type_label,
		       caps_errno_name(c->vm[r->type].create_err));
		return false;
	}
	return true;
}

/* Firmware is kept read-only by a memory slot where the VM offers one, else mprotect. */
static void flash_rule(const struct host_caps *c, unsigned int type, struct verdict_notes *vn)
{
	const struct caps_vm *t = &c->vm[type];
	char buf[16];
	const char *name = caps_vm_type_name(type, buf, sizeof(buf));

	if (caps_readonly_memslot(c, type))
		return;
	if (!t->readonly_cap)
		fallback(vn, "firmware kept read-only by mprotect (%s VMs offer no read-only "
			 "memory)", name);
	else
		fallback(vn, "firmware kept read-only by mprotect (%s VMs claim "
			 "KVM_CAP_READONLY_MEM but refuse read-only slots with %s: use --ro-mode "
			 "mprotect)", name, caps_errno_name(t->readonly_slot_err));
}

static void legacy_rule(const struct host_caps *c, const struct mode_rule *r,
			struct verdict_notes *vn)
{
	const char *es = r->type == LK_KVM_X86_SEV_ES_VM ? ", no debug-swap" : "";
	const char *init = r->legacy_init;

	if (!c->vmsa_features_attr)
		fallback(vn, "legacy %s on a default VM (no KVM_SEV_INIT2)%s", init, es);
	else if (!offered(c, r->type))
		fallback(vn, "legacy %s on a default VM (no %s VM type)%s", init, r->type_label,
			 es);
	else
		fallback(vn, "legacy %s on a default VM (KVM_CREATE_VM of the %s VM type fails: "
			 "%s)%s", init, r->type_label,
			 caps_errno_name(c->vm[r->type].create_err), es);
	flash_rule(c, LK_KVM_X86_DEFAULT_VM, vn);
}

static void no_init_rule(const struct host_caps *c, const struct mode_rule *r,
			 struct verdict_notes *vn)
{
	if (type_usable(c, r, vn) && !c->vmsa_features_attr && !r->debug_swap)
		cannot(vn, "no KVM_SEV_INIT2 (KVM_X86_SEV_VMSA_FEATURES: %s)",
		       caps_errno_name(c->vmsa_features_err));
	if (r->legacy_init)
		cannot(vn, "no legacy %s either (KVM_MEMORY_ENCRYPT_OP: %s)",
		       r->legacy_init, caps_errno_name(c->sev_enabled_err));
}

static void debug_swap_rule(const struct host_caps *c, struct verdict_notes *vn)
{
	if (!c->vmsa_features_attr)
		cannot(vn, "DEBUG_SWAP needs KVM_SEV_INIT2 (KVM_X86_SEV_VMSA_FEATURES: %s)",
		       caps_errno_name(c->vmsa_features_err));
	else if (!(c->vmsa_features & LK_SVM_SEV_FEAT_DEBUG_SWAP))
		cannot(vn, "DEBUG_SWAP not in KVM_X86_SEV_VMSA_FEATURES (0x%llx)",
		       (unsigned long long)c->vmsa_features);
}

/* §3.5: what SNP needs besides its VM type. */
static void snp_rule(const struct host_caps *c, const struct mode_rule *r,
		     struct verdict_notes *vn)
{
	const struct caps_vm *t = &c->vm[r->type];

	if (t->created && !t->guest_memfd)
		cannot(vn, "SNP VMs offer no guest_memfd (KVM_CAP_GUEST_MEMFD)");
	if (t->created && !(t->mem_attrs & LK_KVM_MEMORY_ATTRIBUTE_PRIVATE))
		cannot(vn, "SNP VMs offer no private memory attribute (KVM_CAP_MEMORY_ATTRIBUTES: "
		       "0x%llx)", (unsigned long long)t->mem_attrs);
	if (!c->user_memory2)
		cannot(vn, "no KVM_SET_USER_MEMORY_REGION2 (KVM_CAP_USER_MEMORY2)");
	if (!(c->exit_hypercall & (1ULL << KVM_HC_MAP_GPA_RANGE)))
		cannot(vn, "KVM_CAP_EXIT_HYPERCALL lacks KVM_HC_MAP_GPA_RANGE (0x%llx)",
		       (unsigned long long)c->exit_hypercall);
	if (r->direct_vmsa && c->direct_vmsa <= 0)
		cannot(vn, "KVM_CAP_SNP_DIRECT_VMSA (%d, a provisional number) not offered",
		       LK_KVM_CAP_SNP_DIRECT_VMSA);
}

static void sev_dev_rule(const struct host_caps *c, struct verdict_notes *vn)
{
	if (!c->sev_dev.present)
		cannot(vn, "no %s", SEV_DEVICE_PATH);
	else if (c->sev_dev.open_err)
		cannot(vn, "cannot open %s (%s)", SEV_DEVICE_PATH,
		       caps_errno_name(c->sev_dev.open_err));
}

static void sev_rule(const struct host_caps *c, const struct mode_rule *r,
		     struct verdict_notes *vn)
{
	if (offered(c, r->type) && c->vm[r->type].created && c->vmsa_features_attr) {
		if (!r->snp)
			flash_rule(c, r->type, vn);
	} else if (r->legacy_init && c->sev_enabled) {
		legacy_rule(c, r, vn);
	} else {
		no_init_rule(c, r, vn);
	}
	if (r->debug_swap)
		debug_swap_rule(c, vn);
	if (r->snp)
		snp_rule(c, r, vn);
	sev_dev_rule(c, vn);
}

void caps_verdict(const struct host_caps *c, enum caps_mode mode, struct caps_verdict *v)
{
	const struct mode_rule *r = &caps_rules[mode];
	struct verdict_notes vn = { "", "" };

	if (!c->kvm)
		cannot(&vn, "%s", c->kvm_why);
	else if (mode == CAPS_PLAIN && type_usable(c, r, &vn))
		flash_rule(c, r->type, &vn);
	else if (mode != CAPS_PLAIN)
		sev_rule(c, r, &vn);
	v->kind = vn.why[0] ? CAPS_CANNOT_RUN :
		  vn.fallback[0] ? CAPS_RUNS_WITH_FALLBACK : CAPS_RUNS;
	snprintf(v->text, sizeof(v->text), "%s", vn.why[0] ? vn.why : vn.fallback);
}

const char *caps_snp_certs_why(const struct host_caps *c, char *buf, size_t size)
{
	if (!c->kvm)
		snprintf(buf, size, "%s", c->kvm_why);
	else if (!c->req_certs_attr && c->req_certs_err == ENXIO)
		snprintf(buf, size, "this kernel has no KVM_X86_SEV_SNP_REQ_CERTS attribute "
			 "(added in Linux 7.0)");
	else if (!c->req_certs_attr)
		snprintf(buf, size, "KVM_X86_SEV_SNP_REQ_CERTS cannot be read (%s)",
			 caps_errno_name(c->req_certs_err));
	else if (c->req_certs != 1)
		snprintf(buf, size, "KVM_X86_SEV_SNP_REQ_CERTS is %llu: this KVM does not forward "
			 "certificate requests", (unsigned long long)c->req_certs);
	else
		return NULL;
	return buf;
}

const char *caps_mode_name(enum caps_mode mode)
{
	return caps_rules[mode].name;
}

const char *caps_verdict_kind_name(enum caps_verdict_kind kind)
{
	static const char *const names[] = {
		[CAPS_RUNS] = "runs",
		[CAPS_RUNS_WITH_FALLBACK] = "runs with fallback",
		[CAPS_CANNOT_RUN] = "cannot run",
	};

	return names[kind];
}
