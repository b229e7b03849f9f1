// SPDX-License-Identifier: GPL-2.0-only
/* A launch digest from measure-style options: firmware, plan, digest. */
#include "firmware/image.h"
#include "firmware/ovmf.h"
#include "sev/expect.h"
#include "sev/hashes.h"
#include "sev/plan.h"

int launch_spec_check(const struct launch_spec *s, struct lk_err *err)
{
	if (s->sev.mode == SEV_MODE_NONE)
		return err_set(err, LK_EXIT_USAGE, "the launch options need the launch: --sev, "
			       "--sev-es or --sev-snp");
	if (!s->firmware)
		return err_set(err, LK_EXIT_USAGE, "the launch options need --firmware FILE: "
			       "the digest covers the firmware");
	if (s->sev.direct_vmsa == SEV_DIRECT_AUTO)
		return err_set(err, LK_EXIT_USAGE, "--direct-vmsa auto: no host to ask: give on "
			       "or off");
	if ((s->initrd || s->cmdline) && !s->kernel)
		return err_set(err, LK_EXIT_USAGE, "%s needs a kernel to go with it (-k)",
			       s->initrd ? "-i" : "-p");
	return sev_opts_check(&s->sev, true, err);
}

/* The kernel-hash table's inputs, as measure hashes them: an absent initrd is empty. */
static int spec_hashes(const struct launch_spec *s, struct sev_kernel_hashes *h,
		       struct lk_err *err)
{
	if (sev_hash_file("-k", s->kernel, h->kernel, err))
		return -1;
	if (s->initrd && sev_hash_file("-i", s->initrd, h->initrd, err))
		return -1;
	if (!s->initrd)
		sev_hash_bytes(h->initrd, "", 0);
	sev_hash_cmdline(h->cmdline, s->cmdline);
	return 0;
}

int launch_spec_digest(const struct launch_spec *s, struct launch_digest *d,
		       struct lk_err *err)
{
	struct plan_config pc = {
		.mode = s->sev.mode,
		.firmware_path = s->firmware,
		.nr_cpus = s->nr_cpus,
		.cpu_sig = s->sev.cpu_sig,
		.vmsa_features = sev_opts_vmsa_features(&s->sev),
		.legacy_vm_type = s->sev.legacy_vm_type,
		.direct_vmsa = s->sev.direct_vmsa == SEV_DIRECT_ON,
		.direct_vmsa_gpa = s->sev.direct_vmsa_gpa,
	};
	struct sev_kernel_hashes hashes;
	struct ovmf_info ovmf;
	struct fw_image fw;
	struct plan plan;
	int ret = -1;

	if (fw_image_open(&fw, s->firmware, err))
		return -1;
	pc.firmware = fw.data;
	pc.firmware_size = fw.size;
	pc.ovmf = &ovmf;
	if (ovmf_parse(s->firmware, fw.data, fw.size, &ovmf, err))
		goto out;
	if (s->kernel) {
		if (spec_hashes(s, &hashes, err))
			goto out;
		pc.hashes = &hashes;
	}
	if (plan_build(&plan, &pc, err))
		goto out;
	plan_digest(&plan, plan.nr_steps, d);
	plan_free(&plan);
	ret = 0;
out:
	fw_image_close(&fw);
	return ret;
}
