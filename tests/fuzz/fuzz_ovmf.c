// SPDX-License-Identifier: GPL-2.0-only
/*
 * libFuzzer target: firmware images. ovmf_parse() on an image of any size,
 * as `inspect` reads a file; then, as `measure` and `run` take a firmware
 * (whole 4 KiB pages that can be firmware: fw_image_open()'s checks), the
 * parse, the SNP firmware check and the launch plan of the mode asked,
 * with its launch digest: every step's bytes hashed, so that a plan
 * pointing outside the image or its own buffers is caught by ASan. Those
 * pages are the input's first whole pages.
 *
 * Input: one byte of launch settings (bits 0-1: SEV, SEV-ES, SNP, SNP with
 * a direct VMSA; bits 2-3: vCPUs - 1; bit 4: kernel hashes (-k); bit 5:
 * the legacy VM type (not SNP); bit 6: DEBUG_SWAP), then the image. The
 * image is copied to a buffer of exactly its size: a read past either end
 * is an ASan report.
 */
#include <stdlib.h>
#include <string.h>

#include "firmware/ovmf.h"
#include "kvm/uapi.h"
#include "sev/digest.h"
#include "tests/fuzz/fuzz.h"

#define SIG_EPYC	0x800f12
#define MAX_IMAGE	(16ULL << 20)	/* FIRMWARE_MAX_SIZE */

/* What `inspect` prints of a parse: every GUID and section name looked at. */
static void words(const struct ovmf_info *info)
{
	char guid[OVMF_GUID_STR_LEN];
	int i;

	for (i = 0; i < info->nr_entries; i++)
		ovmf_guid_str(info->entries[i].guid, guid);
	for (i = 0; i < info->nr_sections; i++)
		(void)ovmf_section_name(info->sections[i].type);
}

static void launch_plan(const uint8_t *img, size_t size, const struct ovmf_info *info,
			unsigned int how)
{
	static const enum sev_mode modes[] = { SEV_MODE_SEV, SEV_MODE_SEV_ES, SEV_MODE_SNP,
					       SEV_MODE_SNP };
	struct sev_kernel_hashes hashes;
	char hex[2 * LAUNCH_DIGEST_MAX + 1];
	struct launch_digest d;
	struct plan_config pc;
	struct lk_err err;
	struct plan plan;

	memset(&hashes, 0xa5, sizeof(hashes));
	pc = (struct plan_config){
		.mode = modes[how & 3], .firmware_path = "fuzz", .firmware = img,
		.firmware_size = size, .ovmf = info, .nr_cpus = ((how >> 2) & 3) + 1,
		.cpu_sig = SIG_EPYC, .direct_vmsa = (how & 3) == 3,
		.direct_vmsa_gpa = SEV_DIRECT_VMSA_GPA, .hashes = how & 0x10 ? &hashes : NULL,
	};
	/* sev_opts_check()'s rules hold for a configuration (sev/plan.h). */
	if (pc.mode != SEV_MODE_SNP)
		pc.legacy_vm_type = how & 0x20;
	if (pc.mode != SEV_MODE_SEV && !pc.legacy_vm_type && (how & 0x40))
		pc.vmsa_features = LK_SVM_SEV_FEAT_DEBUG_SWAP;
	if (pc.mode == SEV_MODE_SNP)
		plan_snp_firmware_check(info, "fuzz", 256ULL << 20, &err);
	if (plan_build(&plan, &pc, &err))
		return;
	plan_digest(&plan, plan.nr_steps, &d);
	launch_digest_hex(&d, hex);
	plan_free(&plan);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct ovmf_info *info;
	struct lk_err err;
	unsigned int how;
	uint8_t *img;
	size_t n;

	if (!size)
		return 0;
	how = data[0];
	n = size - 1;
	info = malloc(sizeof(*info));
	img = malloc(n ? n : 1);
	if (!info || !img)
		abort();
	memcpy(img, data + 1, n);
	/* `inspect FILE`: any size. */
	if (n >= 16)
		(void)ovmf_not_firmware(img, n);
	(void)ovmf_has_footer(img, n);
	if (!ovmf_parse("fuzz", img, n, info, &err))
		words(info);
	free(img);
	/* `measure` and `run`: whole pages of a firmware image (its first ones here). */
	n &= ~(size_t)4095;
	img = n && n <= MAX_IMAGE ? malloc(n) : NULL;
	if (img) {
		memcpy(img, data + 1, n);
		if (!ovmf_not_firmware(img, n) && !ovmf_parse("fuzz", img, n, info, &err))
			launch_plan(img, n, info, how);
		free(img);
	}
	free(info);
	return 0;
}
