// SPDX-License-Identifier: GPL-2.0-only
/*
 * What `run -v` says before the guest starts: what the machine was built
 * from and how, with the reason where there was a choice, one line each.
 */
#include <inttypes.h>

#include "machine/machine_priv.h"

static void explain_memory(const struct machine *m)
{
	const struct layout *l = &m->layout;

	note("firmware: %s, %" PRIu64 " KiB at 0x%" PRIx64 " (it ends at 4 GiB), as %s",
	     m->fw.path, m->fw.size >> 10, l->fw_base,
	     m->cfg->fw_as_ram ? "guest memory (--bios, or SNP)" : "a read-only flash");
	if (l->vars_size)
		note("variable store: %s, %" PRIu64 " KiB at 0x%" PRIx64 ", below the code",
		     m->cfg->vars ? m->cfg->vars : "a fresh one in memory", l->vars_size >> 10,
		     l->vars_base);
	note("memory: %" PRIu64 " MiB, %" PRIu64 " MiB below the PCI hole at 0x%" PRIx64
	     " and %" PRIu64 " MiB from 4 GiB", l->mem_size >> 20, l->ram_low_size >> 20,
	     l->pci_hole_base, l->ram_high_size >> 20);
	if (m->fw_ro.why)
		note("firmware read-only by %s: %s", ro_mode_name(m->fw_ro.mode), m->fw_ro.why);
}

static void explain_sev(const struct machine *m)
{
	const struct sev_launch *s = &m->sev;

	if (!m->sev_on) {
		note("mode: plain (no --sev, --sev-es or --sev-snp)");
		return;
	}
	note("mode: %s, VM type %lu, %s", sev_mode_name(s->mode), s->vm_type,
	     s->init2 ? "KVM_SEV_INIT2 (the host has it)" :
	     m->cfg->sev.o.legacy_vm_type ? "the legacy init on a default VM (--legacy-vm-type)"
					  : "the legacy init on a default VM (no KVM_SEV_INIT2)");
	if (s->init2)
		note("vmsa_features 0x%" PRIx64 " given to KVM_SEV_INIT2", s->init_features);
	if (s->mode == SEV_MODE_SNP)
		note("direct VMSA: %s", s->direct ? "yes, the BSP's VMSA is a launch page" :
		     "no, KVM makes the VMSAs at launch finish");
}

void machine_explain(const struct machine *m)
{
	if (err_get_verbosity() != LK_VERBOSE)
		return;
	explain_memory(m);
	explain_sev(m);
	note("vCPUs: %u; I/O loop polls up to %u us%s", m->cfg->nr_cpus, m->io_poll_us,
	     m->cfg->io_poll_given ? " (--io-poll)" :
	     m->io_poll_us ? " (this host has more CPUs than the VM has vCPUs)" :
			     " (not: this host has no CPU to spare for it)");
	note("console: %s", m->cfg->console_none ? "none (--console none)" :
	     !m->console.tty ? "stdin's bytes to the guest as they are (not a terminal)" :
	     "the terminal, raw; Ctrl-A h lists the console keys");
}
