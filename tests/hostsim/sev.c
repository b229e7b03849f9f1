// SPDX-License-Identifier: GPL-2.0-only
/*
 * KVM_MEMORY_ENCRYPT_OP on a simulated VM: sev_mem_enc_ioctl()'s dispatch
 * and the SEV and SEV-ES commands with KVM's checks and the firmware's guest
 * state machine (UNINIT -> LUPDATE -> LSECRET -> RUNNING): INIT, ES_INIT,
 * INIT2, LAUNCH_START, LAUNCH_UPDATE_DATA, LAUNCH_UPDATE_VMSA, LAUNCH_MEASURE,
 * LAUNCH_SECRET, LAUNCH_FINISH, GUEST_STATUS. SNP commands are in snp.c.
 * Each rule cites SEV-KVM-API.md; [I] marks the simulator's inference.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tests/hostsim/hostsim.h"

#define GHCB_VERSION_MAX	2
#define GHCB_VERSION_MIN	1
#define ENCRYPT_PATTERN		0x5a	/* what "ciphertext" looks like here */

int hs_fw_fd(int fd, const char **why)
{
	if (hs_is_sev_fd(fd))
		return 0;
	*why = "sev_fd is not an open /dev/sev (§2.1)";
	return -EBADF;
}

int hs_fw_error(struct kvm_sev_cmd *c, int code, const char **why, const char *msg)
{
	c->error = (uint32_t)code;
	*why = msg;
	return -EIO;
}

/* psp_copy_user_blob(): non-NULL, 1..16 KiB, readable. */
int hs_user_blob(uint64_t uaddr, uint32_t len, uint8_t **out)
{
	*out = NULL;
	if (!uaddr || !len || len > HS_SEV_FW_BLOB_MAX)
		return -EINVAL;
	*out = malloc(len);
	if (!*out)
		return -ENOMEM;
	if (hs_copy_from_user(*out, uaddr, len)) {
		free(*out);
		*out = NULL;
		return -EFAULT;
	}
	return 0;
}

/* The firmware's view of a legacy SEV command: a context, in the right state. */
static int fw_guest_state(struct hs_vm *vm, struct kvm_sev_cmd *c, enum hs_fw_state want,
			  const char **why)
{
	int r = hs_fw_fd(vm->sev_fd, why);

	if (r)
		return r;
	if (vm->state == HS_GUEST_NONE)
		return hs_fw_error(c, HS_FW_INVALID_GUEST, why, "no launch context: "
				   "LAUNCH_START first (handle 0) [I]");
	if (vm->state != want)
		return hs_fw_error(c, HS_FW_INVALID_GUEST_STATE, why,
				   "the guest is not in the state this command needs (§4.1)");
	c->error = 0;	/* the PSP driver reports the firmware's status, 0 here */
	return 0;
}

/* §2.3 __sev_guest_init(), shared by INIT, ES_INIT and INIT2. */
static long guest_init(struct hs_vm *vm, const struct hs_sev_init *d, unsigned long type,
		       const char **why)
{
	bool es = type != HS_VM_SEV;
	uint64_t valid = es ? hs_cfg.vmsa_features : 0;

	*why = "INIT after KVM_CREATE_VCPU (§1.1)";
	if (vm->nvcpus)
		return -EINVAL;
	*why = "flags must be 0; vmsa_features within KVM_X86_SEV_VMSA_FEATURES and 0 for "
	       "SEV; ghcb_version at most 2 and 0 for SEV (§2.3)";
	if (d->flags || (d->vmsa_features & ~valid) ||
	    d->ghcb_version > GHCB_VERSION_MAX || (!es && d->ghcb_version))
		return -EINVAL;
	*why = "already initialised";
	if (vm->active)
		return -EINVAL;
	*why = NULL;
	vm->active = true;
	vm->es = es;
	vm->snp = type == HS_VM_SNP;
	vm->vmsa_features = d->vmsa_features | (vm->snp ? HS_SEV_FEAT_SNP_ACTIVE : 0);
	vm->ghcb_version = d->ghcb_version ? d->ghcb_version : (es ? GHCB_VERSION_MAX : 0);
	vm->need_init = false;
	return 0;
}

static long cmd_init(struct hs_vm *vm, struct kvm_sev_cmd *c, struct hs_json *j,
		     const char **why)
{
	struct hs_sev_init d = { 0 };
	long r;

	if (c->id == HS_SEV_INIT2) {
		*why = "INIT2 needs an uninitialised SEV, SEV-ES or SNP VM type (§1.1)";
		if (!vm->need_init)
			return -EINVAL;
		if (hs_copy_from_user(&d, c->data, sizeof(d)))
			return -EFAULT;
		hs_json_obj(j, "args");
		hs_json_hex(j, "vmsa_features", d.vmsa_features);
		hs_json_hex(j, "flags", d.flags);
		hs_json_int(j, "ghcb_version", d.ghcb_version);
		hs_json_end_obj(j);
		return guest_init(vm, &d, vm->type, why);
	}
	*why = "legacy INIT works on KVM_X86_DEFAULT_VM only (§2.2)";
	if (vm->type != HS_VM_DEFAULT)
		return -EINVAL;
	if (c->id == KVM_SEV_ES_INIT)
		d.ghcb_version = GHCB_VERSION_MIN;
	r = guest_init(vm, &d, c->id == KVM_SEV_INIT ? HS_VM_SEV : HS_VM_SEV_ES, why);
	if (!r)
		vm->legacy = true;
	return r;
}

/* §2.3 sev_launch_start(): optional DH certificate and session blob. */
static long cmd_launch_start(struct hs_vm *vm, struct kvm_sev_cmd *c, struct hs_json *j,
			     const char **why)
{
	static uint32_t next_handle = 1;
	struct kvm_sev_launch_start p;
	uint8_t *dh = NULL, *session = NULL;
	long r;

	if (hs_copy_from_user(&p, c->data, sizeof(p)))
		return -EFAULT;
	hs_json_obj(j, "args");
	hs_json_int(j, "handle", p.handle);
	hs_json_hex(j, "policy", p.policy);
	hs_json_int(j, "dh_len", p.dh_uaddr ? p.dh_len : 0);
	hs_json_int(j, "session_len", p.session_uaddr ? p.session_len : 0);
	hs_json_end_obj(j);
	r = p.dh_uaddr ? hs_user_blob(p.dh_uaddr, p.dh_len, &dh) : 0;
	if (!r && p.session_uaddr)
		r = hs_user_blob(p.session_uaddr, p.session_len, &session);
	if (r)
		*why = "DH certificate or session blob: NULL, empty, over 16 KiB or unreadable";
	if (!r)
		r = hs_fw_fd(c->sev_fd, why);
	if (!r && vm->state != HS_GUEST_NONE)
		r = hs_fw_error(c, 0x0c, why, "a launch context exists: ACTIVATE finds the "
				"ASID owned [I]");
	if (!r && p.handle)
		r = hs_fw_error(c, HS_FW_INVALID_GUEST, why, "joining an existing context "
				"(handle != 0) is not modelled [I]");
	if (!r && vm->es != !!(p.policy & HS_SEV_POLICY_ES))
		r = hs_fw_error(c, HS_FW_POLICY_FAILURE, why, "policy.ES must match the VM: set "
				"for SEV-ES, clear for SEV (§4.2) [I]");
	free(dh);
	free(session);
	if (r)
		return r;
	c->error = 0;
	p.handle = next_handle++;
	if (hs_copy_to_user(c->data, &p, sizeof(p)))
		return -EFAULT;
	vm->handle = p.handle;
	vm->policy = p.policy;
	vm->session = p.dh_uaddr != 0;
	vm->sev_fd = c->sev_fd;
	vm->state = HS_GUEST_LUPDATE;
	vm->counted = true;
	hs_sev_guest_count_add(1);
	return 0;
}

/*
 * §2.3 sev_launch_update_data(): pinned for write (ENOMEM on read-only or
 * unmapped memory), measured in call order, encrypted in place.
 */
static long cmd_update_data(struct hs_vm *vm, struct kvm_sev_cmd *c, struct hs_json *j,
			    const char **why)
{
	struct kvm_sev_launch_update_data p;
	uint8_t *buf;
	uint64_t gpa = 0;
	bool in_slot;
	long r;
	uint32_t i;

	if (hs_copy_from_user(&p, c->data, sizeof(p)))
		return -EFAULT;
	in_slot = hs_gpa_of_hva(vm, p.uaddr, &gpa);
	hs_json_obj(j, "args");
	hs_json_hex(j, "uaddr", p.uaddr);
	hs_json_hex(j, "len", p.len);
	if (in_slot)
		hs_json_hex(j, "gpa", gpa);
	hs_json_end_obj(j);
	r = hs_pin(vm, p.uaddr, p.len, true);
	if (r) {
		*why = r == -EINVAL ? "empty or wrapping range" :
		       "the host pages cannot be pinned for write: read-only (mprotect), "
		       "unmapped or over the memlock limit (§2.3, §2.4)";
		return r;
	}
	if (hs_cfg.require_reg_region && !hs_in_regions(vm, p.uaddr, p.len)) {
		*why = "simulator rule: register guest memory with KVM_MEMORY_ENCRYPT_REG_REGION "
		       "before launch updates touch it, as QEMU does";
		return -EINVAL;
	}
	r = fw_guest_state(vm, c, HS_GUEST_LUPDATE, why);
	if (!r && (p.len % 16 || p.uaddr % 16))
		r = hs_fw_error(c, p.len % 16 ? HS_FW_INVALID_LEN : HS_FW_INVALID_ADDRESS, why,
				"address and length must be 16-byte aligned (§2.3) [I]");
	if (r)
		return r;
	buf = malloc(p.len);
	if (!buf)
		return -ENOMEM;
	if (hs_copy_from_user(buf, p.uaddr, p.len)) {
		free(buf);
		return -EFAULT;
	}
	hs_measure_sev(vm, buf, p.len);
	for (i = 0; hs_cfg.encrypt_in_place && i < p.len; i++)
		buf[i] ^= ENCRYPT_PATTERN;
	if (hs_cfg.encrypt_in_place)
		hs_copy_to_user(p.uaddr, buf, p.len);
	free(buf);
	return 0;
}

/* §4.2 sev_launch_update_vmsa(): every vCPU in index order, from its KVM state. */
static long cmd_update_vmsa(struct hs_vm *vm, struct kvm_sev_cmd *c, struct hs_json *j,
			    const char **why)
{
	uint8_t page[4096];
	char name[16];
	unsigned int i;
	long r;

	hs_json_int(j, "vcpus", vm->nvcpus);
	for (i = 0; i < vm->nvcpus; i++) {
		struct hs_vcpu *v = vm->vcpus[i];

		if (hs_vmsa_sync_check(v)) {
			*why = "guest debug is on, or DR7 is not 0x400 (§4.2)";
			return -EINVAL;
		}
		r = fw_guest_state(vm, c, HS_GUEST_LUPDATE, why);
		if (r)
			return r;
		hs_vmsa_build(v, page);
		hs_measure_sev(vm, page, sizeof(page));
		snprintf(name, sizeof(name), "vcpu%u", v->index);
		hs_vmsa_dump(vm, name, page);
		v->protected = true;
	}
	return 0;
}

/* §2.3 sev_launch_measure(): len 0 asks for the length (EIO, INVALID_LEN, 48). */
static long cmd_measure(struct hs_vm *vm, struct kvm_sev_cmd *c, struct hs_json *j,
			const char **why)
{
	struct kvm_sev_launch_measure p;
	uint32_t fw_len;
	uint8_t blob[48];
	long r;

	if (hs_copy_from_user(&p, c->data, sizeof(p)))
		return -EFAULT;
	hs_json_obj(j, "args");
	hs_json_hex(j, "uaddr", p.uaddr);
	hs_json_int(j, "len", p.len);
	hs_json_end_obj(j);
	if (p.len && p.uaddr && p.len > HS_SEV_FW_BLOB_MAX) {
		*why = "blob length over 16 KiB";
		return -EINVAL;
	}
	fw_len = p.len && p.uaddr ? p.len : 0;
	r = fw_guest_state(vm, c, HS_GUEST_LUPDATE, why);
	if (!r && fw_len < sizeof(blob)) {
		r = hs_fw_error(c, HS_FW_INVALID_LEN, why, "buffer too small: the length "
				"(48) is written back");
		fw_len = sizeof(blob);
	}
	if (!p.len) {	/* the length query: KVM writes back what firmware said */
		p.len = r == -EIO && c->error == HS_FW_INVALID_LEN ? fw_len : 0;
		return hs_copy_to_user(c->data, &p, sizeof(p)) ? -EFAULT : r;
	}
	if (r)
		return r;
	hs_measure_blob(vm, blob);
	if (hs_copy_to_user(p.uaddr, blob, sizeof(blob)))
		return -EFAULT;
	p.len = sizeof(blob);
	if (hs_copy_to_user(c->data, &p, sizeof(p)))
		return -EFAULT;
	hs_json_bytes(j, "measure", blob, 32);
	hs_json_bytes(j, "mnonce", blob + 32, 16);
	vm->state = HS_GUEST_LSECRET;
	return 0;
}

/* §2.3 sev_launch_secret() and the firmware's checks [I]; the payload is recorded. */
static long secret_checks(struct hs_vm *vm, struct kvm_sev_cmd *c,
			  const struct kvm_sev_launch_secret *p, const char **why)
{
	long r = hs_pin(vm, p->guest_uaddr, p->guest_len, true);

	if (r) {
		*why = "the guest range cannot be pinned for write (§2.3)";
		return r;
	}
	if ((p->guest_uaddr >> 12) != ((p->guest_uaddr + p->guest_len - 1) >> 12)) {
		*why = "the guest range must be physically contiguous: only one page is "
		       "certainly so [I]";
		return -EINVAL;
	}
	if (hs_cfg.require_reg_region && !hs_in_regions(vm, p->guest_uaddr, p->guest_len)) {
		*why = "simulator rule: the secret's guest memory must be registered";
		return -EINVAL;
	}
	r = fw_guest_state(vm, c, HS_GUEST_LSECRET, why);
	if (!r && !vm->session)
		r = hs_fw_error(c, HS_FW_BAD_MEASUREMENT, why, "no session: LAUNCH_START had "
				"no guest owner DH certificate, the packet cannot verify [I]");
	if (!r && p->guest_len != p->trans_len)
		r = hs_fw_error(c, HS_FW_INVALID_LEN, why, "guest_len and trans_len differ [I]");
	return r;
}

static long cmd_secret(struct hs_vm *vm, struct kvm_sev_cmd *c, struct hs_json *j,
		       const char **why)
{
	struct kvm_sev_launch_secret p;
	uint8_t *trans = NULL, *hdr = NULL;
	uint64_t gpa = 0;
	long r;

	if (hs_copy_from_user(&p, c->data, sizeof(p)))
		return -EFAULT;
	hs_json_obj(j, "args");
	hs_json_hex(j, "guest_uaddr", p.guest_uaddr);
	hs_json_int(j, "guest_len", p.guest_len);
	if (hs_gpa_of_hva(vm, p.guest_uaddr, &gpa))
		hs_json_hex(j, "gpa", gpa);
	hs_json_int(j, "hdr_len", p.hdr_len);
	hs_json_int(j, "trans_len", p.trans_len);
	hs_json_end_obj(j);
	r = secret_checks(vm, c, &p, why);
	if (!r && (hs_user_blob(p.trans_uaddr, p.trans_len, &trans) ||
		   hs_user_blob(p.hdr_uaddr, p.hdr_len, &hdr))) {
		r = -EINVAL;
		*why = "header or payload: NULL, empty, over 16 KiB or unreadable";
	}
	if (!r) {
		/* Not decrypted (no TEK here): the payload lands as sent. */
		r = hs_copy_to_user(p.guest_uaddr, trans, p.guest_len);
		hs_json_bytes(j, "header", hdr, p.hdr_len);
		hs_json_bytes(j, "payload", trans, p.trans_len);
	}
	free(trans);
	free(hdr);
	return r;
}

static long cmd_finish(struct hs_vm *vm, struct kvm_sev_cmd *c, struct hs_json *j,
		       const char **why)
{
	char hex[97];
	long r = fw_guest_state(vm, c, HS_GUEST_LSECRET, why);

	if (r)
		return r;
	vm->state = HS_GUEST_RUNNING;
	hs_vm_observe_ro(vm);
	hs_measure_hex(vm, hex);
	hs_json_str(j, "digest", hex);
	return 0;
}

static long cmd_status(struct hs_vm *vm, struct kvm_sev_cmd *c, const char **why)
{
	struct kvm_sev_guest_status s = { .handle = vm->handle, .policy = vm->policy,
					  .state = (uint32_t)vm->state };
	int r = hs_fw_fd(vm->sev_fd, why);

	if (!r && vm->state == HS_GUEST_NONE)
		r = hs_fw_error(c, HS_FW_INVALID_GUEST, why, "no launch context");
	if (r)
		return r;
	c->error = 0;
	return hs_copy_to_user(c->data, &s, sizeof(s));
}

const char *hs_sev_cmd_name(uint32_t id)
{
	static const char *const names[] = {
		"KVM_SEV_INIT", "KVM_SEV_ES_INIT", "KVM_SEV_LAUNCH_START",
		"KVM_SEV_LAUNCH_UPDATE_DATA", "KVM_SEV_LAUNCH_UPDATE_VMSA",
		"KVM_SEV_LAUNCH_SECRET", "KVM_SEV_LAUNCH_MEASURE", "KVM_SEV_LAUNCH_FINISH",
		"KVM_SEV_SEND_START", "KVM_SEV_SEND_UPDATE_DATA", "KVM_SEV_SEND_UPDATE_VMSA",
		"KVM_SEV_SEND_FINISH", "KVM_SEV_RECEIVE_START", "KVM_SEV_RECEIVE_UPDATE_DATA",
		"KVM_SEV_RECEIVE_UPDATE_VMSA", "KVM_SEV_RECEIVE_FINISH", "KVM_SEV_GUEST_STATUS",
		"KVM_SEV_DBG_DECRYPT", "KVM_SEV_DBG_ENCRYPT", "KVM_SEV_CERT_EXPORT",
		"KVM_SEV_GET_ATTESTATION_REPORT", "KVM_SEV_SEND_CANCEL", "KVM_SEV_INIT2",
	};

	if (id < sizeof(names) / sizeof(names[0]))
		return names[id];
	if (id == HS_SEV_SNP_LAUNCH_START)
		return "KVM_SEV_SNP_LAUNCH_START";
	if (id == HS_SEV_SNP_LAUNCH_UPDATE)
		return "KVM_SEV_SNP_LAUNCH_UPDATE";
	if (id == HS_SEV_SNP_LAUNCH_FINISH)
		return "KVM_SEV_SNP_LAUNCH_FINISH";
	if (id == HS_SEV_SNP_ENABLE_REQ_CERTS)
		return "KVM_SEV_SNP_ENABLE_REQ_CERTS";
	return "(unknown)";
}

/* The legacy (id < 100) commands, after sev_mem_enc_ioctl()'s SNP check. */
static long legacy_command(struct hs_vm *vm, struct kvm_sev_cmd *c, struct hs_json *j,
			   const char **why)
{
	if (c->id == KVM_SEV_INIT || c->id == KVM_SEV_ES_INIT || c->id == HS_SEV_INIT2)
		return cmd_init(vm, c, j, why);
	if (!vm->active || (c->id == KVM_SEV_LAUNCH_UPDATE_VMSA && !vm->es)) {
		*why = vm->active ? "LAUNCH_UPDATE_VMSA is for SEV-ES VMs (§2.2)" :
		       "not an SEV VM: no INIT yet (§2.4)";
		return -ENOTTY;
	}
	switch (c->id) {
	case KVM_SEV_LAUNCH_START:
		return cmd_launch_start(vm, c, j, why);
	case KVM_SEV_LAUNCH_UPDATE_DATA:
		return cmd_update_data(vm, c, j, why);
	case KVM_SEV_LAUNCH_UPDATE_VMSA:
		return cmd_update_vmsa(vm, c, j, why);
	case KVM_SEV_LAUNCH_MEASURE:
		return cmd_measure(vm, c, j, why);
	case KVM_SEV_LAUNCH_SECRET:
		return cmd_secret(vm, c, j, why);
	case KVM_SEV_LAUNCH_FINISH:
		return cmd_finish(vm, c, j, why);
	case KVM_SEV_GUEST_STATUS:
		return cmd_status(vm, c, why);
	default:
		*why = "command not modelled by hostsim (migration, debug, attestation)";
		return -EINVAL;
	}
}

static bool known_command(uint32_t id)
{
	return id <= KVM_SEV_SEND_CANCEL || (id == HS_SEV_INIT2 && hs_cfg.init2) ||
	       id == HS_SEV_SNP_LAUNCH_START || id == HS_SEV_SNP_LAUNCH_UPDATE ||
	       id == HS_SEV_SNP_LAUNCH_FINISH ||
	       (id == HS_SEV_SNP_ENABLE_REQ_CERTS && hs_cfg.snp_req_certs);
}

/* §2.1 sev_mem_enc_ioctl(). */
long hs_sev_ioctl(struct hs_vm *vm, unsigned long arg)
{
	struct kvm_sev_cmd c = { 0 };
	const char *why = NULL;
	struct hs_json j;
	char obj[16];
	long r;

	snprintf(obj, sizeof(obj), "vm%u", vm->id);
	hs_json_begin(&j, obj, "ioctl", "KVM_MEMORY_ENCRYPT_OP");
	if (!hs_cfg.sev || !arg) {	/* the "is SEV enabled" probe */
		r = hs_cfg.sev ? 0 : -ENOTTY;
		goto out;
	}
	r = hs_copy_from_user(&c, arg, sizeof(c));
	if (r)
		goto out;
	hs_json_str(&j, "cmd", hs_sev_cmd_name(c.id));
	hs_json_int(&j, "sev_fd", c.sev_fd);
	if (vm->snp && c.id < HS_SEV_SNP_LAUNCH_START) {
		why = "only SNP commands on an SNP VM (§2.1)";
		r = -EPERM;
		goto out;
	}
	if (!known_command(c.id)) {
		why = "unknown command id";
		r = -EINVAL;
		goto out;
	}
	if (c.id >= HS_SEV_SNP_LAUNCH_START)
		r = hs_snp_command(vm, &c, &j, &why);
	else
		r = legacy_command(vm, &c, &j, &why);
	/* KVM copies the command back (with error) after every known command. */
	if (hs_copy_to_user(arg, &c, sizeof(c)))
		r = -EFAULT;
out:
	hs_json_result(&j, r ? -1 : 0, (int)-r, (int)c.error, why);
	hs_json_emit(&j);
	return r;
}
