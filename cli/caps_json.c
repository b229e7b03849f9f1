// SPDX-License-Identifier: GPL-2.0-only
/*
 * `lkvm-sev caps --json`: the facts and verdicts as one JSON object. The
 * /dev/kvm facts appear only where /dev/kvm is usable ("kvm.usable");
 * bitmasks are {"mask": "0x...", "names": [...]}.
 */
#include <string.h>

#include "cli/caps.h"
#include "kvm/uapi.h"
#include "util/json.h"

static void json_mask(struct json *j, const char *key, enum caps_mask m, uint64_t mask)
{
	unsigned int bit;
	char buf[16];

	json_obj_begin(j, key);
	json_hex(j, "mask", mask);
	json_arr_begin(j, "names");
	for (bit = 0; bit < 64; bit++)
		if (mask & (1ULL << bit))
			json_str(j, NULL, caps_bit_name(m, bit, buf, sizeof(buf)));
	json_arr_end(j);
	json_obj_end(j);
}

static void json_errno(struct json *j, const char *key, bool failed, int err)
{
	json_str(j, key, failed ? caps_errno_name(err) : NULL);
}

static void json_vm(struct json *j, const struct host_caps *c, unsigned int type)
{
	const struct caps_vm *v = &c->vm[type];
	char buf[16];

	json_obj_begin(j, NULL);
	json_int(j, "type", type);
	json_str(j, "name", caps_vm_type_name(type, buf, sizeof(buf)));
	json_bool(j, "created", v->created);
	json_errno(j, "error", !v->created, v->create_err);
	if (v->created) {
		json_bool(j, "readonly_mem", v->readonly_cap);
		json_bool(j, "readonly_slot", v->readonly_slot);
		json_errno(j, "readonly_slot_error", !v->readonly_slot, v->readonly_slot_err);
		json_str(j, "firmware", caps_firmware_protection(c, type));
		json_bool(j, "guest_memfd", v->guest_memfd);
		json_mask(j, "memory_attributes", CAPS_MASK_MEM_ATTRS, v->mem_attrs);
	}
	json_obj_end(j);
}

static void json_sev_init(struct json *j, const struct host_caps *c)
{
	json_obj_begin(j, "vmsa_features");
	json_bool(j, "present", c->vmsa_features_attr);
	json_errno(j, "error", !c->vmsa_features_attr, c->vmsa_features_err);
	json_mask(j, "value", CAPS_MASK_VMSA_FEATURES, c->vmsa_features);
	json_obj_end(j);
	json_bool(j, "init2", c->vmsa_features_attr);
	json_obj_begin(j, "legacy_sev_init");
	json_bool(j, "available", c->sev_enabled);
	json_errno(j, "error", !c->sev_enabled, c->sev_enabled_err);
	json_obj_end(j);
}

static void json_memory(struct json *j, const struct host_caps *c)
{
	const struct caps_vm *snp = &c->vm[LK_KVM_X86_SNP_VM];
	char why[256];

	json_bool(j, "guest_memfd", c->guest_memfd);
	json_bool(j, "user_memory2", c->user_memory2);
	json_bool(j, "memory_fault_info", c->memory_fault_info);
	json_obj_begin(j, "memory_attributes");
	json_str(j, "asked_on", snp->created ? "snp VM" : "/dev/kvm");
	json_mask(j, "value", CAPS_MASK_MEM_ATTRS,
		  snp->created ? snp->mem_attrs : c->mem_attrs_kvm);
	json_obj_end(j);
	json_obj_begin(j, "devices");
	json_bool(j, "ioeventfd", c->ioeventfd);
	json_bool(j, "irqfd", c->irqfd);
	json_bool(j, "signal_msi", c->signal_msi);
	json_int(j, "gsi_routes", c->gsi_routes);
	json_bool(j, "io_uring", !c->io_uring_err);
	json_obj_end(j);
	json_obj_begin(j, "direct_vmsa");
	json_bool(j, "available", c->direct_vmsa > 0);
	json_int(j, "cap", LK_KVM_CAP_SNP_DIRECT_VMSA);
	json_bool(j, "cap_number_provisional", true);
	json_int(j, "value", c->direct_vmsa);
	json_obj_end(j);
	json_mask(j, "exit_hypercall", CAPS_MASK_HYPERCALLS, c->exit_hypercall);
	json_obj_begin(j, "snp_req_certs");
	json_bool(j, "available", !caps_snp_certs_why(c, why, sizeof(why)));
	json_str(j, "why", caps_snp_certs_why(c, why, sizeof(why)));
	json_obj_end(j);
}

static void json_kvm(struct json *j, const struct host_caps *c)
{
	unsigned int t;

	json_obj_begin(j, "kvm");
	json_bool(j, "usable", c->kvm);
	json_str(j, "why", c->kvm ? NULL : c->kvm_why);
	if (c->kvm)
		json_int(j, "api_version", c->api_version);
	json_obj_end(j);
	if (!c->kvm)
		return;
	json_mask(j, "vm_types", CAPS_MASK_VM_TYPES, c->vm_types);
	json_bool(j, "vm_types_cap", c->vm_types_cap);
	json_arr_begin(j, "vms");
	for (t = 0; t < CAPS_MAX_VM_TYPES; t++)
		if (c->vm_types & (1u << t))
			json_vm(j, c, t);
	json_arr_end(j);
	json_sev_init(j, c);
	json_memory(j, c);
}

/* Opens @key with one status query; the caller adds its own fields and closes it. */
static void json_platform(struct json *j, const char *key, const struct sev_status_query *q,
			  bool snp)
{
	const char *state = sev_platform_state_name(q->state, snp);

	json_obj_begin(j, key);
	json_bool(j, "ok", q->ok);
	if (!q->ok) {
		json_str(j, "error", caps_errno_name(q->err));
		json_int(j, "fw_error", q->fw_error);
	} else {
		json_int(j, "api_major", q->api_major);
		json_int(j, "api_minor", q->api_minor);
		json_int(j, "build", q->build);
		json_int(j, "state", q->state);
		json_str(j, "state_name", state);
		json_int(j, "guest_count", q->guest_count);
	}
}

static void json_sev_dev(struct json *j, const struct sev_dev_info *d)
{
	bool opened = d->present && !d->open_err;

	json_obj_begin(j, "dev_sev");
	json_bool(j, "present", d->present);
	json_errno(j, "error", d->present && d->open_err, d->open_err);
	json_bool(j, "read_only", d->read_only);
	if (opened) {
		json_platform(j, "sev_platform_status", &d->sev, false);
		if (d->sev.ok)
			json_hex(j, "flags", d->sev_flags);
		json_obj_end(j);
		json_platform(j, "snp_platform_status", &d->snp, true);
		if (d->snp.ok) {
			json_bool(j, "rmp_initialized", d->snp_rmp_initialized);
			json_hex(j, "tcb_version", d->snp_tcb_version);
		}
		json_obj_end(j);
	}
	json_obj_end(j);
}

static void json_kvm_amd(struct json *j, const struct modparams *mp)
{
	char others[sizeof(mp->others)], *name, *save;
	unsigned int i;

	json_obj_begin(j, "kvm_amd");
	json_bool(j, "loaded", mp->loaded);
	json_obj_begin(j, "parameters");
	for (i = 0; i < mp->n; i++)
		json_str(j, mp->p[i].name, mp->p[i].value);
	json_obj_end(j);
	json_arr_begin(j, "other_kvm_modules");
	snprintf(others, sizeof(others), "%s", mp->others);
	for (name = strtok_r(others, " ", &save); name; name = strtok_r(NULL, " ", &save))
		json_str(j, NULL, name);
	json_arr_end(j);
	json_obj_end(j);
}

static void json_host(struct json *j, const struct host_caps *c)
{
	json_sev_dev(j, &c->sev_dev);
	json_kvm_amd(j, &c->kvm_amd);
	json_obj_begin(j, "calibration");
	json_str(j, "result", caps_calib_name(c->calib.result));
	if (c->calib.result == CALIB_UNKNOWN) {
		json_null(j, "native");
		json_null(j, "ms");
	} else {
		json_bool(j, "native", c->calib.result == CALIB_NATIVE);
		json_double(j, "ms", c->calib.ms);
	}
	json_double(j, "threshold_ms", CALIB_NATIVE_MS);
	json_str(j, "why", c->calib.why[0] ? c->calib.why : NULL);
	json_obj_end(j);
}

void caps_print_json(const struct host_caps *c, FILE *f)
{
	struct caps_verdict v;
	struct json j;
	int m;

	json_init(&j, f);
	json_obj_begin(&j, NULL);
	json_kvm(&j, c);
	json_host(&j, c);
	json_arr_begin(&j, "modes");
	for (m = 0; m < CAPS_NR_MODES; m++) {
		caps_verdict(c, m, &v);
		json_obj_begin(&j, NULL);
		json_str(&j, "mode", caps_mode_name(m));
		json_str(&j, "verdict", caps_verdict_kind_name(v.kind));
		json_str(&j, "detail", v.text[0] ? v.text : NULL);
		json_obj_end(&j);
	}
	json_arr_end(&j);
	json_obj_end(&j);
	json_finish(&j);
}
