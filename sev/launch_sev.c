// SPDX-License-Identifier: GPL-2.0-only
/*
 * The SEV and SEV-ES launch (SEV-KVM-API.md §4.1, §4.2): LAUNCH_START,
 * LAUNCH_UPDATE_DATA of the plan's regions, LAUNCH_UPDATE_VMSA, LAUNCH_MEASURE,
 * the optional LAUNCH_SECRET, LAUNCH_FINISH.
 */
#include <stdio.h>
#include <string.h>

#include "kvm/ro_region.h"
#include "sev/launch_common.h"
#include "sev/launch_sev.h"

/*
 * One LAUNCH_UPDATE_DATA, in place. Firmware under the mprotect fallback is
 * made writable for exactly this call (KVM pins it for write, §2.4; seed 000).
 */
static int sev_update(struct sev_launch *l, const struct sev_launch_mem *mem,
		      const struct plan_step *s, uint64_t len, struct lk_err *err)
{
	bool fw = mem->fw_ro && ro_region_contains(mem->fw_ro, s->gpa);
	uint8_t *hva = mem->hva(mem->ctx, s->gpa, len);
	struct lk_err ignored;
	int r;

	if (!hva || len > UINT32_MAX)
		return err_set(err, LK_EXIT_USAGE, "%s at GPA 0x%llx (%llu bytes) is not in guest "
			       "memory", s->what, (unsigned long long)s->gpa,
			       (unsigned long long)len);
	if (fw && ro_region_make_writable(mem->fw_ro, err))
		return -1;
	/* The plan's own bytes (the hash table) go to the guest first; firmware is there. */
	if (s->data && s->data != hva)
		memcpy(hva, s->data, len);
	r = kvm_sev_launch_update_data(&l->kvm, hva, (uint32_t)len, err);
	if (fw && ro_region_make_readonly(mem->fw_ro, r ? &ignored : err))
		r = -1;
	return r;
}

static int sev_start(struct sev_launch *l, struct lk_err *err)
{
	const struct sev_launch_opts *o = l->opts;
	struct owner_file dh, session;
	int r = -1;

	if (launch_owner_map("--dh-cert", o->dh_cert, &dh, err))
		return -1;
	if (!launch_owner_map("--session", o->session, &session, err)) {
		r = kvm_sev_launch_start(&l->kvm, (uint32_t)l->policy, dh.data,
					 (uint32_t)dh.size, session.data, (uint32_t)session.size,
					 err);
		launch_owner_unmap(&session);
	}
	launch_owner_unmap(&dh);
	return r;
}

static int sev_measure(struct sev_launch *l, struct lk_err *err)
{
	uint8_t blob[256];
	char hex[2 * sizeof(blob) + 1];
	uint32_t len = sizeof(blob), i;

	if (kvm_sev_launch_measure(&l->kvm, blob, &len, err))
		return -1;
	for (i = 0; i < len; i++)
		snprintf(hex + 2 * i, 3, "%02x", blob[i]);
	hex[2 * len] = '\0';
	snprintf(l->measure_hex, sizeof(l->measure_hex), "%s", hex);
	fprintf(stderr, "lkvm-sev: LAUNCH_MEASURE: %s\n", hex);
	return 0;
}

/* LAUNCH_SECRET into OVMF's secret area (§2.3), after MEASURE. */
static int sev_secret(struct sev_launch *l, const struct sev_launch_mem *mem,
		      struct lk_err *err)
{
	const struct sev_launch_opts *o = l->opts;
	struct owner_file hdr, secret;
	void *guest;
	int r = -1;

	if (!l->ovmf.has_secret)
		return err_set(err, LK_EXIT_USAGE, "--secret: %s has no SEV secret area",
			       l->fw_path);
	if (launch_owner_map("--secret-header", o->secret_header, &hdr, err))
		return -1;
	if (launch_owner_map("--secret", o->secret, &secret, err))
		goto out;
	guest = mem->hva(mem->ctx, l->ovmf.secret_gpa, secret.size);
	if (secret.size > l->ovmf.secret_size || !guest)
		err_set(err, LK_EXIT_USAGE, "--secret %s: %zu bytes do not fit the firmware's "
			"secret area (%u bytes at 0x%x)", o->secret, secret.size,
			l->ovmf.secret_size, l->ovmf.secret_gpa);
	else
		r = kvm_sev_launch_secret(&l->kvm, hdr.data, (uint32_t)hdr.size, guest,
					  secret.data, (uint32_t)secret.size, err);
	launch_owner_unmap(&secret);
out:
	launch_owner_unmap(&hdr);
	return r;
}

int launch_sev(struct sev_launch *l, const struct sev_launch_mem *mem, struct lk_err *err)
{
	const struct plan *p = &l->plan;
	bool vmsas = false;
	uint64_t len;
	int i, next;

	/* Before UPDATE_DATA encrypts the firmware in place, which the plan points into. */
	launch_print(l);
	if (sev_start(l, err))
		return -1;
	for (i = 0; i < p->nr_steps; i = next) {
		next = launch_coalesce(p, i, mem, &len);
		if (p->steps[i].kind == PLAN_SEV_ES_VMSA)
			vmsas = true;
		else if (sev_update(l, mem, &p->steps[i], len, err))
			return -1;
	}
	/* One call builds every vCPU's VMSA from its registers (§4.2). */
	if (vmsas && kvm_sev_launch_update_vmsa(&l->kvm, err))
		return -1;
	if (sev_measure(l, err))
		return -1;
	if (l->opts->secret && sev_secret(l, mem, err))
		return -1;
	return kvm_sev_launch_finish(&l->kvm, err);
}
