// SPDX-License-Identifier: GPL-2.0-only
/*
 * --snp-certs in the machine: the certificates, read and locked once at
 * start-up (sev/certs.h), and the answer to an SNP guest's extended report
 * request (KVM_EXIT_SNP_REQ_CERTS, kvm/uapi.h), written only into memory
 * the guest shared.
 */
#include <errno.h>
#include <string.h>

#include "machine/machine_priv.h"

int machine_certs_load(struct machine *m, struct lk_err *err)
{
	const char *path = m->cfg->sev.snp_certs;
	char kinds[64];

	if (!path)
		return 0;
	if (snp_certs_load(&m->certs, "--snp-certs", path, err))
		return -1;
	note("--snp-certs %s: %s, %zu bytes (a guest's buffer needs %llu pages), locked for "
	     "reading until the guest stops", path,
	     snp_certs_kinds_text(m->certs.kinds, kinds, sizeof(kinds)), m->certs.len,
	     (unsigned long long)m->certs.pages);
	return 0;
}

/*
 * run_ctx.req_certs, on a vCPU thread: the table, built at start-up, is
 * copied whole into the guest's buffer, which must be RAM the guest shared
 * (its private pages the host cannot write); a buffer too small gets the
 * page count it needs. Nothing is allocated and no lock taken: the counters
 * are atomics, read by the report once the vCPUs are joined.
 */
uint64_t machine_req_certs(void *ctx, uint64_t gpa, uint64_t *npages)
{
	struct machine *m = ctx;
	const struct snp_certs *c = &m->certs;
	void *hva = NULL;

	if (*npages < c->pages) {
		*npages = c->pages;
		atomic_fetch_add(&m->certs_too_small, 1);
		return ENOSPC;
	}
	if (machine_shared(m, gpa, c->len))
		hva = machine_gpa_to_hva(m, gpa, c->len);
	if (!hva) {
		atomic_fetch_add(&m->certs_failed, 1);
		return EIO;
	}
	memcpy(hva, c->table, c->len);
	atomic_fetch_add(&m->certs_served, 1);
	return 0;
}
