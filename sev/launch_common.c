// SPDX-License-Identifier: GPL-2.0-only
/*
 * What the SEV and SNP launches (sev/launch_sev.c, sev/launch_snp.c) share:
 * the guest owner's input files, (re)building the launch plan, printing its
 * digest (plan_digest() of exactly the plan executed, as `lkvm-sev measure`
 * hashes it), and coalescing contiguous steps of one kind and page type
 * into one call.
 */
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>

#include "sev/digest.h"
#include "sev/launch_common.h"
#include "util/file.h"

int launch_owner_map(const char *opt, const char *path, struct owner_file *f,
		     struct lk_err *err)
{
	*f = (struct owner_file){ 0 };
	if (!path)
		return 0;
	return file_load(opt, path, PROT_READ | PROT_WRITE, &f->data, &f->size, err);
}

void launch_owner_unmap(struct owner_file *f)
{
	if (!f->data)
		return;
	explicit_bzero(f->data, f->size);	/* secrets do not outlive their use */
	file_unload(f->data, f->size);
	f->data = NULL;
}

void launch_print(struct sev_launch *l)
{
	char hex[2 * LAUNCH_DIGEST_MAX + 1];
	struct launch_digest d;

	plan_digest(&l->plan, l->plan.nr_steps, &d);
	launch_digest_hex(&d, hex);
	memcpy(l->digest_hex, hex, sizeof(l->digest_hex));
	l->digest_alg = d.algorithm;
	fprintf(stderr, "lkvm-sev: %s launch digest (%s, expected): %s\n",
		sev_mode_name(l->mode), d.algorithm, hex);
}

int launch_plan(struct sev_launch *l, unsigned int nr_cpus, bool direct,
		const struct sev_kernel_hashes *hashes, struct lk_err *err)
{
	const struct plan_config pc = {
		.mode = l->mode, .firmware_path = l->fw_path, .firmware = l->fw,
		.firmware_size = l->fw_size, .ovmf = &l->ovmf, .nr_cpus = nr_cpus,
		.cpu_sig = l->cpu_sig, .vmsa_features = l->init_features,
		.legacy_vm_type = !l->init2, .direct_vmsa = direct,
		.direct_vmsa_gpa = l->opts->o.direct_vmsa_gpa, .hashes = hashes,
	};

	plan_free(&l->plan);
	return plan_build(&l->plan, &pc, err);
}

/* Whether step @n continues @s's range (@len so far) in GPA, source and host memory. */
static bool continues(const struct plan_step *s, const struct plan_step *n, uint64_t len,
		      const struct sev_launch_mem *mem)
{
	const uint8_t *hva = mem->hva(mem->ctx, s->gpa, s->len);

	if (n->kind != s->kind || n->snp_type != s->snp_type || n->gpa != s->gpa + len ||
	    s->kind == PLAN_SEV_ES_VMSA || s->kind == PLAN_SNP_KVM_VMSA ||
	    s->snp_type == SNP_PAGE_CPUID || s->snp_type == SNP_PAGE_VMSA)
		return false;
	if (!s->data != !n->data || (s->data && n->data != s->data + len))
		return false;
	return hva && mem->hva(mem->ctx, n->gpa, n->len) == hva + len;
}

int launch_coalesce(const struct plan *p, int i, const struct sev_launch_mem *mem,
		    uint64_t *len)
{
	int j;

	*len = p->steps[i].len;
	for (j = i + 1; j < p->nr_steps && continues(&p->steps[i], &p->steps[j], *len, mem);
	     j++)
		*len += p->steps[j].len;
	return j;
}
