// SPDX-License-Identifier: GPL-2.0-only
/*
 * Guest memory: RAM around the PCI hole, the read-only firmware, and the
 * variable store flash below it, with the checks that tie a --vars file to
 * the firmware it belongs to; and the translation devices use for DMA.
 */
#include <stdatomic.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <unistd.h>

#include "firmware/ovmf.h"
#include "kvm/gmem.h"
#include "machine/machine_priv.h"

/*
 * The variable store's size comes from its file; for an OVMF image it must
 * be the one the code was built for (VARS directly below CODE, filling a
 * power-of-two flash), or OVMF would look for its variables elsewhere.
 */
int machine_check_vars(struct machine *m, uint64_t *vars_size, struct lk_err *err)
{
	const struct machine_cfg *cfg = m->cfg;
	bool ovmf = ovmf_has_footer(m->fw.data, m->fw.size);
	uint64_t want = ovmf_expected_vars_size(m->fw.size);

	/* --bios: the whole image is plain memory, QEMU's -bios; no flash to pair with. */
	if (cfg->fw_as_ram)
		return 0;
	if (!cfg->vars) {
		if (ovmf && want)
			return err_set(err, LK_EXIT_USAGE, "--firmware %s: this OVMF code image "
				       "expects a %llu-byte variable store below it: add --vars "
				       "FILE (a copy of the matching OVMF_VARS file)", cfg->firmware,
				       (unsigned long long)want);
		if (ovmf)
			warn("no --vars: OVMF finds its variable store read-only and keeps "
			     "variables in RAM: they will not persist");
		return 0;
	}
	if (cfi_flash_file_size(cfg->vars, vars_size, err))
		return -1;
	if (ovmf && !want)
		return err_set(err, LK_EXIT_USAGE, "--vars %s: %s holds its own variable store; "
			       "use an OVMF_CODE image with --vars", cfg->vars, cfg->firmware);
	if (ovmf && *vars_size != want)
		return err_set(err, LK_EXIT_USAGE, "--vars %s: %llu bytes, but %s (%llu bytes) "
			       "expects a variable store of %llu bytes below it", cfg->vars,
			       (unsigned long long)*vars_size, cfg->firmware,
			       (unsigned long long)m->fw.size, (unsigned long long)want);
	return 0;
}

/* The flash device moves its region between read-only memory and MMIO. */
static int machine_flash_mode(void *ctx, bool array_mode, struct lk_err *err)
{
	struct machine *m = ctx;

	return array_mode ? ro_region_remap(&m->vm, &m->vars_ro, err)
			  : ro_region_unmap(&m->vm, &m->vars_ro, err);
}

/* The variable store: a CFI flash directly below the code, backed by --vars. */
static int machine_vars(struct machine *m, struct lk_err *err)
{
	const struct layout *l = &m->layout;

	m->vars_mem = mmap(NULL, l->vars_size, PROT_READ | PROT_WRITE,
			   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (m->vars_mem == MAP_FAILED) {
		m->vars_mem = NULL;
		return err_sys(err, "mmap for the variable store");
	}
	if (cfi_flash_open(&m->flash, m->cfg->vars, l->vars_base, m->vars_mem, l->vars_size,
			   machine_flash_mode, m, &m->stop, err))
		return -1;
	m->flash_open = true;
	return ro_region_map(&m->vm, &m->vars_ro, "variable store", l->vars_base, m->vars_mem,
			     l->vars_size, m->cfg->ro_mode, err);
}

/* SNP (§3.5, §4.3): a range backed by a guest_memfd for its private side, marked private. */
static int machine_gmem(struct machine *m, const char *name, uint64_t gpa, uint64_t size,
			void *hva, int fd, uint64_t off, struct lk_err *err)
{
	if (memslot_add_gmem(&m->vm.slots, name, gpa, size, hva, fd, off, err) < 0)
		return -1;
	/* As QEMU: all of it private up front; the guest converts what it shares. */
	return gmem_set_private(m->vm.fd, gpa, size, true, err);
}

/* The direct VMSA page outside RAM (its default GPA): a page and slot of its own. */
static int machine_vmsa_slot(struct machine *m, struct lk_err *err)
{
	uint64_t gpa = m->cfg->sev.o.direct_vmsa_gpa;

	if (!m->sev.direct || machine_launch_hva(m, gpa, 4096))
		return 0;
	m->vmsa_page = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS,
			    -1, 0);
	if (m->vmsa_page == MAP_FAILED) {
		m->vmsa_page = NULL;
		return err_sys(err, "mmap for the direct VMSA page");
	}
	m->gmem_vmsa = gmem_create(m->vm.fd, 4096, "direct VMSA", err);
	if (m->gmem_vmsa < 0)
		return -1;
	return machine_gmem(m, "direct-vmsa", gpa, 4096, m->vmsa_page, m->gmem_vmsa, 0, err);
}

/* SNP: no read-only memory and no flash (§3.5): firmware is private memory like RAM. */
static int machine_memory_snp(struct machine *m, struct lk_err *err)
{
	const struct layout *l = &m->layout;

	/* What devices may touch: nothing until the guest shares it. */
	m->shared = calloc((l->mem_size / 4096 + 63) / 64, sizeof(*m->shared));
	if (!m->shared)
		return err_sys(err, "allocating the shared-page map");
	m->gmem_ram = gmem_create(m->vm.fd, l->mem_size, "guest RAM", err);
	if (m->gmem_ram < 0 ||
	    machine_gmem(m, "ram-low", 0, l->ram_low_size, m->ram, m->gmem_ram, 0, err))
		return -1;
	if (l->ram_high_size &&
	    machine_gmem(m, "ram-high", LAYOUT_HIGH_RAM_BASE, l->ram_high_size,
			 (uint8_t *)m->ram + l->ram_low_size, m->gmem_ram, l->ram_low_size, err))
		return -1;
	m->gmem_fw = gmem_create(m->vm.fd, l->fw_size, "firmware", err);
	if (m->gmem_fw < 0 ||
	    machine_gmem(m, "firmware", l->fw_base, l->fw_size, m->fw.data, m->gmem_fw, 0, err))
		return -1;
	return machine_vmsa_slot(m, err);
}

/*
 * SEV and SEV-ES: RAM registered as QEMU does (§3.2); the firmware too,
 * while its mapping is still writable (KVM pins for write), then read-only
 * flash, or plain memory with --bios.
 */
static int machine_memory_sev(struct machine *m, struct lk_err *err)
{
	const struct layout *l = &m->layout;
	struct kvm_sev *s = &m->sev.kvm;

	if (kvm_sev_reg_region(s, "guest RAM", m->ram, l->mem_size, err) ||
	    kvm_sev_reg_region(s, "firmware", m->fw.data, l->fw_size, err))
		return -1;
	if (m->cfg->fw_as_ram)
		return memslot_add(&m->vm.slots, "firmware", l->fw_base, l->fw_size, m->fw.data,
				   0, err) < 0 ? -1 : 0;
	return ro_region_map(&m->vm, &m->fw_ro, "firmware", l->fw_base, m->fw.data,
			     l->fw_size, m->cfg->ro_mode, err);
}

void machine_memory_free(struct machine *m)
{
	int *fds[] = { &m->gmem_ram, &m->gmem_fw, &m->gmem_vmsa };
	unsigned int i;

	for (i = 0; i < 3; i++) {
		if (*fds[i] >= 0)
			close(*fds[i]);
		*fds[i] = -1;
	}
	if (m->vmsa_page)
		munmap(m->vmsa_page, 4096);
	m->vmsa_page = NULL;
	free(m->shared);
	m->shared = NULL;
}

int machine_memory(struct machine *m, struct lk_err *err)
{
	const struct layout *l = &m->layout;

	/* Lazy: nothing is allocated until the guest touches it. */
	m->ram = mmap(NULL, l->mem_size, PROT_READ | PROT_WRITE,
		      MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (m->ram == MAP_FAILED) {
		m->ram = NULL;
		return err_sys(err, "mmap of %llu MiB of guest RAM",
			       (unsigned long long)(l->mem_size >> 20));
	}
	if (m->sev_on && m->sev.mode == SEV_MODE_SNP)
		return machine_memory_snp(m, err);
	if (memslot_add(&m->vm.slots, "ram-low", 0, l->ram_low_size, m->ram, 0, err) < 0)
		return -1;
	if (l->ram_high_size &&
	    memslot_add(&m->vm.slots, "ram-high", LAYOUT_HIGH_RAM_BASE, l->ram_high_size,
			(uint8_t *)m->ram + l->ram_low_size, 0, err) < 0)
		return -1;
	if (m->sev_on ? machine_memory_sev(m, err) :
	    ro_region_map(&m->vm, &m->fw_ro, "firmware", l->fw_base, m->fw.data,
			  l->fw_size, m->cfg->ro_mode, err))
		return -1;
	return l->vars_size ? machine_vars(m, err) : 0;
}

void *machine_launch_hva(void *ctx, uint64_t gpa, uint64_t len)
{
	struct machine *m = ctx;
	const struct layout *l = &m->layout;
	void *hva = machine_gpa_to_hva(m, gpa, len);

	if (hva)
		return hva;
	if (gpa >= l->fw_base && gpa - l->fw_base < l->fw_size && len <= l->fw_size -
	    (gpa - l->fw_base))
		return (uint8_t *)m->fw.data + (gpa - l->fw_base);
	if (m->vmsa_page && gpa == m->cfg->sev.o.direct_vmsa_gpa && len <= 4096)
		return m->vmsa_page;
	return NULL;
}

/* Host memory behind a guest RAM range, for device DMA; NULL if not all RAM. */
void *machine_gpa_to_hva(void *ctx, uint64_t gpa, uint64_t len)
{
	const struct machine *m = ctx;
	const struct layout *l = &m->layout;

	if (len > l->mem_size)
		return NULL;
	if (gpa < l->ram_low_size && len <= l->ram_low_size - gpa)
		return (uint8_t *)m->ram + gpa;
	if (gpa >= LAYOUT_HIGH_RAM_BASE && gpa - LAYOUT_HIGH_RAM_BASE < l->ram_high_size &&
	    len <= l->ram_high_size - (gpa - LAYOUT_HIGH_RAM_BASE))
		return (uint8_t *)m->ram + l->ram_low_size + (gpa - LAYOUT_HIGH_RAM_BASE);
	return NULL;
}

/* The page index of RAM at @gpa (in RAM), counted over low then high RAM. */
static uint64_t machine_ram_page(const struct machine *m, uint64_t gpa)
{
	uint64_t off = gpa < LAYOUT_HIGH_RAM_BASE ? gpa : m->layout.ram_low_size +
		       (gpa - LAYOUT_HIGH_RAM_BASE);

	return off / 4096;
}

/* With the VM lock: records a conversion for the device accessor. */
static void machine_mark_shared(struct machine *m, uint64_t gpa, uint64_t size, bool shared)
{
	uint64_t p, first = machine_ram_page(m, gpa), n = size / 4096;

	for (p = first; p < first + n; p++) {
		uint64_t bit = 1ULL << (p % 64);

		if (shared)
			atomic_fetch_or(&m->shared[p / 64], bit);
		else
			atomic_fetch_and(&m->shared[p / 64], ~bit);
	}
}

bool machine_shared(void *ctx, uint64_t gpa, uint64_t len)
{
	const struct machine *m = ctx;
	uint64_t p, first, last;

	if (!len || !machine_gpa_to_hva(ctx, gpa, len))
		return false;
	first = machine_ram_page(m, gpa);
	last = machine_ram_page(m, gpa + len - 1);
	for (p = first; p <= last; p++)
		if (!(atomic_load(&m->shared[p / 64]) & (1ULL << (p % 64))))
			return false;
	return true;
}

/*
 * Whether [@gpa, +@size) holds the CPUID or secrets page the launch gave
 * the guest: shared, the host could read the guest's keys in the one and
 * make up the other, so the guest may not share them.
 */
static bool machine_launch_secret(const struct machine *m, uint64_t gpa, uint64_t size)
{
	const struct ovmf_info *o = &m->sev.ovmf;
	int i;

	for (i = 0; i < o->nr_sections; i++) {
		const struct ovmf_section *s = &o->sections[i];

		if ((s->type == OVMF_SECTION_SNP_SECRETS || s->type == OVMF_SECTION_CPUID) &&
		    gpa < (uint64_t)s->gpa + s->size && s->gpa < gpa + size)
			return true;
	}
	return false;
}

/*
 * SNP page-state changes and memory faults (SEV-KVM-API.md §3.3, §3.4),
 * from a vCPU thread: only RAM converts (not the firmware, not the direct
 * VMSA, and the launch's CPUID and secrets pages never to shared), and a
 * range past the end of the address space is refused, never wrapped; the
 * stale side is released as QEMU does. It takes the VM's slot lock, the one lock on this path, because
 * the slot table it reads may change under a flash remap; conversions are
 * rare (guest boot, DMA buffers), so vCPUs do not contend on it. Nothing
 * is allocated.
 */
int machine_convert(void *ctx, uint64_t gpa, uint64_t size, bool to_private)
{
	struct machine *m = ctx;
	const struct memslot *s;
	struct lk_err err;
	int r = -1;

	if (!size || gpa % 4096 || size % 4096 || gpa + size < gpa ||
	    (!to_private && machine_launch_secret(m, gpa, size)))
		return -1;
	pthread_mutex_lock(&m->vm.lock);
	s = memslot_find(&m->vm.slots, gpa);
	if (s && s->gmem_fd >= 0 && s->gmem_fd != m->gmem_fw && s->gmem_fd != m->gmem_vmsa &&
	    size <= s->size - (gpa - s->gpa)) {
		r = gmem_set_private(m->vm.fd, gpa, size, to_private, &err);
		if (!r && machine_gpa_to_hva(m, gpa, size))
			machine_mark_shared(m, gpa, size, !to_private);
		if (!r && to_private)
			madvise((uint8_t *)s->hva + (gpa - s->gpa), size, MADV_DONTNEED);
		else if (!r)
			gmem_discard(s->gmem_fd, s->gmem_offset + (gpa - s->gpa), size);
	}
	pthread_mutex_unlock(&m->vm.lock);
	return r;
}
