// SPDX-License-Identifier: GPL-2.0-only
/* The vCPU model table: QEMU's AMD EPYC models and their CPUID signatures. */
#include <string.h>

#include "sev/cpu.h"

uint32_t cpu_signature(unsigned int family, unsigned int model, unsigned int stepping)
{
	/* Families above 0xf are 0xf plus the extended family (AMD CPUID spec #25481). */
	unsigned int fam = family > 0xf ? 0xf : family;
	unsigned int ext_fam = family > 0xf ? family - 0xf : 0;

	return (ext_fam & 0xff) << 20 | (model >> 4 & 0xf) << 16 | fam << 8 |
	       (model & 0xf) << 4 | (stepping & 0xf);
}

struct cpu_model {
	const char *name;
	unsigned char family, model, stepping;
};

/* The versions of one model share its family, model and stepping (QEMU's builtin_x86_defs). */
static const struct cpu_model cpu_models[] = {
	{ "EPYC", 23, 1, 2 },
	{ "EPYC-v1", 23, 1, 2 },
	{ "EPYC-v2", 23, 1, 2 },
	{ "EPYC-v3", 23, 1, 2 },
	{ "EPYC-v4", 23, 1, 2 },
	{ "EPYC-IBPB", 23, 1, 2 },
	{ "EPYC-Rome", 23, 49, 0 },
	{ "EPYC-Rome-v1", 23, 49, 0 },
	{ "EPYC-Rome-v2", 23, 49, 0 },
	{ "EPYC-Rome-v3", 23, 49, 0 },
	{ "EPYC-Rome-v4", 23, 49, 0 },
	{ "EPYC-Milan", 25, 1, 1 },
	{ "EPYC-Milan-v1", 25, 1, 1 },
	{ "EPYC-Milan-v2", 25, 1, 1 },
	{ "EPYC-Genoa", 25, 17, 0 },
	{ "EPYC-Genoa-v1", 25, 17, 0 },
	{ "EPYC-Turin", 26, 0, 0 },
};

bool cpu_model_sig(const char *model, uint32_t *sig)
{
	size_t i;

	for (i = 0; i < sizeof(cpu_models) / sizeof(cpu_models[0]); i++) {
		const struct cpu_model *m = &cpu_models[i];

		if (!strcmp(model, m->name)) {
			*sig = cpu_signature(m->family, m->model, m->stepping);
			return true;
		}
	}
	return false;
}

const char *cpu_model_names(void)
{
	return "EPYC, EPYC-v1..v4, EPYC-IBPB, EPYC-Rome(-v1..v4), EPYC-Milan(-v1, -v2), "
	       "EPYC-Genoa(-v1), EPYC-Turin";
}
