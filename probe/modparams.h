/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The KVM vendor module's parameters as sysfs shows them: whether kvm_amd
 * offers SEV, SEV-ES, SNP and debug-swap is decided there, when the module
 * is loaded (/sys/module/kvm_amd/parameters/sev and its siblings).
 */
#ifndef LKVM_PROBE_MODPARAMS_H
#define LKVM_PROBE_MODPARAMS_H

#include <stdbool.h>

#define MODPARAMS_SYS_MODULE	"/sys/module"
#define MODPARAMS_MAX		16

struct modparam {
	const char *name;
	char value[64];
};

struct modparams {
	bool loaded;			/* the module's parameters directory exists */
	unsigned int n;
	struct modparam p[MODPARAMS_MAX];	/* those asked for that exist, in that order */
	char others[128];		/* other KVM modules loaded: "kvm_intel", "kvm_pvm" */
};

/*
 * Reads @names (NULL-terminated) of @module under @sys_module (normally
 * MODPARAMS_SYS_MODULE); a parameter that is missing or unreadable is left out.
 */
void modparams_read(struct modparams *mp, const char *sys_module, const char *module,
		    const char *const *names);

#endif
