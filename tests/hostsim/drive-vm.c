// SPDX-License-Identifier: GPL-2.0-only
/*
 * hs-drive's VM plumbing, written as a VMM would write it: open the devices,
 * create the VM, initialise SEV, lay out memory (guest_memfd and private
 * attributes for SNP, registered regions for SEV and SEV-ES), create vCPUs
 * with QEMU's reset state (SEV-KVM-API.md §4.2, §5.3), and read the digest
 * the simulated host wrote to its log.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#include "tests/hostsim/drive.h"

void drv_init(struct drv *d)
{
	int i;

	memset(d, 0, sizeof(*d));
	d->kvm = d->sev = d->vm = -1;
	for (i = 0; i < DRV_MAX_VCPUS; i++)
		d->vcpu[i] = -1;
	d->o.vcpus = 1;
	d->o.cpu_sig = 0x800f12;
	d->o.snp_policy = 0x30000;
	d->o.direct_vmsa_gpa = ~0ULL;
}

int drv_open(struct drv *d)
{
	d->kvm = open("/dev/kvm", O_RDWR | O_CLOEXEC);
	if (d->kvm < 0)
		return drv_report(d, "open /dev/kvm", -1);
	d->sev = open("/dev/sev", O_RDWR | O_CLOEXEC);
	return 0;
}

int drv_create_vm(struct drv *d, unsigned long type)
{
	d->vm = ioctl(d->kvm, KVM_CREATE_VM, type);
	d->type = type;
	d->snp = type == HS_VM_SNP;
	d->es = type == HS_VM_SEV_ES || type == HS_VM_SNP;
	return d->vm < 0 ? -1 : 0;
}

long drv_sev_fd(struct drv *d, uint32_t id, void *data, int sev_fd)
{
	struct kvm_sev_cmd c = { .id = id, .data = (uintptr_t)data, .sev_fd = (uint32_t)sev_fd };
	long r = ioctl(d->vm, KVM_MEMORY_ENCRYPT_OP, &c);

	d->fw_error = c.error;
	return r;
}

long drv_sev(struct drv *d, uint32_t id, void *data)
{
	return drv_sev_fd(d, id, data, d->sev);
}

int drv_sev_init(struct drv *d, uint64_t vmsa_features)
{
	struct hs_sev_init init = { .vmsa_features = vmsa_features };

	if (d->o.legacy)
		return (int)drv_sev(d, d->es ? KVM_SEV_ES_INIT : KVM_SEV_INIT, NULL);
	return (int)drv_sev(d, HS_SEV_INIT2, &init);
}

int drv_slot(struct drv *d, uint64_t gpa, uint64_t size, void *hva, bool gmem)
{
	struct hs_userspace_memory_region2 m = {
		.slot = (uint32_t)d->next_slot++, .guest_phys_addr = gpa, .memory_size = size,
		.userspace_addr = (uintptr_t)hva,
	};
	struct hs_create_guest_memfd g = { .size = size };
	int fd;

	if (!gmem)
		return ioctl(d->vm, KVM_SET_USER_MEMORY_REGION, &m);
	fd = ioctl(d->vm, HS_CREATE_GUEST_MEMFD, &g);
	if (fd < 0)
		return -1;
	m.flags = HS_MEM_GUEST_MEMFD;
	m.guest_memfd = (uint32_t)fd;
	return ioctl(d->vm, HS_SET_USER_MEMORY_REGION2, &m);
}

int drv_private(struct drv *d, uint64_t gpa, uint64_t size)
{
	struct hs_memory_attributes a = { .address = gpa, .size = size,
					  .attributes = HS_MEMORY_ATTRIBUTE_PRIVATE };

	return ioctl(d->vm, HS_SET_MEMORY_ATTRIBUTES, &a);
}

static int reg_region(struct drv *d, void *hva, uint64_t size)
{
	struct kvm_enc_region r = { .addr = (uintptr_t)hva, .size = size };

	if (d->o.no_reg_region)
		return 0;
	return ioctl(d->vm, KVM_MEMORY_ENCRYPT_REG_REGION, &r);
}

/* Low RAM from 0 and the firmware ending at 4 GiB (QEMU's -bios layout, §1.4). */
int drv_memory(struct drv *d)
{
	d->low = mmap(NULL, DRV_LOW_SIZE, PROT_READ | PROT_WRITE,
		      MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (d->low == MAP_FAILED)
		return -1;
	if (drv_report(d, "low RAM slot", drv_slot(d, 0, DRV_LOW_SIZE, d->low, d->snp)) ||
	    drv_report(d, "firmware slot", drv_slot(d, d->fw_gpa, d->fw_size, d->fw, d->snp)))
		return -1;
	if (d->snp)
		return drv_report(d, "private low RAM", drv_private(d, 0, DRV_LOW_SIZE)) ||
		       drv_report(d, "private firmware", drv_private(d, d->fw_gpa, d->fw_size));
	return drv_report(d, "register low RAM", reg_region(d, d->low, DRV_LOW_SIZE)) ||
	       drv_report(d, "register firmware", reg_region(d, d->fw, d->fw_size));
}

void *drv_hva(struct drv *d, uint64_t gpa)
{
	if (gpa < DRV_LOW_SIZE)
		return d->low + gpa;
	if (gpa >= d->fw_gpa && gpa - d->fw_gpa < d->fw_size)
		return d->fw + (gpa - d->fw_gpa);
	if (d->top && gpa >= HS_INITIAL_VMSA_GPA && gpa < HS_INITIAL_VMSA_GPA + DRV_PAGE)
		return d->top + (gpa - HS_INITIAL_VMSA_GPA);
	return NULL;
}

int drv_irqchip(struct drv *d)
{
	return ioctl(d->vm, KVM_CREATE_IRQCHIP, 0);
}

/* The host's CPUID with the vCPU model's signature, as QEMU's -cpu would set it. */
static int set_cpuid(struct drv *d, int fd)
{
	struct {
		struct kvm_cpuid2 c;
		struct kvm_cpuid_entry2 e[64];
	} t = { .c.nent = 64 };
	uint32_t i;

	if (ioctl(d->kvm, KVM_GET_SUPPORTED_CPUID, &t))
		return -1;
	for (i = 0; i < t.c.nent; i++)
		if (t.e[i].function == 1 || t.e[i].function == 0x80000001)
			t.e[i].eax = d->o.cpu_sig;
	return ioctl(fd, KVM_SET_CPUID2, &t);
}

/* Creates @n more vCPUs, numbered from the ones that exist. */
int drv_vcpus(struct drv *d, int n)
{
	int size = ioctl(d->kvm, KVM_GET_VCPU_MMAP_SIZE, 0), i;

	for (i = d->nvcpus; i < d->nvcpus + n && i < DRV_MAX_VCPUS; i++) {
		d->vcpu[i] = ioctl(d->vm, KVM_CREATE_VCPU, (unsigned long)i);
		if (d->vcpu[i] < 0)
			return (int)drv_report(d, "KVM_CREATE_VCPU", -1);
		d->run[i] = mmap(NULL, (size_t)size, PROT_READ | PROT_WRITE, MAP_SHARED,
				 d->vcpu[i], 0);
		if (d->run[i] == MAP_FAILED || set_cpuid(d, d->vcpu[i]))
			return (int)drv_report(d, "vCPU set-up", -1);
	}
	d->nvcpus = i;
	return 0;
}

static struct kvm_segment seg(uint16_t sel, uint64_t base, uint8_t type, uint8_t s)
{
	return (struct kvm_segment){ .selector = sel, .base = base, .limit = 0xffff,
				     .type = type, .s = s, .present = 1 };
}

/*
 * QEMU's x86 reset state (target/i386/cpu.c), which KVM turns into the VMSA
 * sev-snp-measure models: accessed data segments, a busy 32-bit TSS, FCW and
 * MXCSR set through KVM_SET_XSAVE, XCR0 1, DR6/DR7, the default PAT. APs start
 * at the firmware's SEV-ES reset vector (§4.2).
 */
static int set_sregs(int fd, uint32_t reset_addr)
{
	struct kvm_sregs s;

	if (ioctl(fd, KVM_GET_SREGS, &s))
		return -1;
	s.cs = seg(0xf000, reset_addr ? reset_addr & 0xffff0000 : 0xffff0000, 11, 1);
	s.ds = s.es = s.fs = s.gs = s.ss = seg(0, 0, 3, 1);
	s.tr = seg(0, 0, 11, 0);
	s.ldt = seg(0, 0, 2, 0);
	s.gdt.base = s.idt.base = 0;
	s.gdt.limit = s.idt.limit = 0xffff;
	s.cr0 = 0x60000010;
	s.cr2 = s.cr3 = s.cr4 = s.efer = 0;
	return ioctl(fd, KVM_SET_SREGS, &s);
}

static int set_fpu(int fd)
{
	struct kvm_xsave x = { 0 };
	uint8_t *p = (uint8_t *)x.region;
	uint16_t fcw = 0x37f;
	uint32_t mxcsr = 0x1f80;
	uint64_t bv = 3;	/* x87 and SSE state given */
	struct kvm_xcrs xcrs = { .nr_xcrs = 1, .xcrs = { { .xcr = 0, .value = 1 } } };

	memcpy(p, &fcw, 2);
	memcpy(p + 24, &mxcsr, 4);
	memcpy(p + 512, &bv, 8);
	if (ioctl(fd, KVM_SET_XSAVE, &x))
		return -1;
	return ioctl(fd, KVM_SET_XCRS, &xcrs);
}

int drv_reset_state(struct drv *d, int i, uint32_t reset_addr)
{
	int fd = d->vcpu[i];
	struct kvm_regs r = { .rflags = 2, .rdx = d->o.cpu_sig };
	struct kvm_debugregs dr = { .dr6 = 0xffff0ff0, .dr7 = 0x400 };
	struct {
		struct kvm_msrs m;
		struct kvm_msr_entry e[1];
	} msrs = { .m.nmsrs = 1, .e = { { .index = 0x277, .data = 0x0007040600070406ULL } } };

	r.rip = reset_addr ? reset_addr & 0xffff : 0xfff0;
	if (d->o.no_sregs)
		return 0;
	if (set_sregs(fd, reset_addr) || ioctl(fd, KVM_SET_REGS, &r) ||
	    ioctl(fd, KVM_SET_DEBUGREGS, &dr) || ioctl(fd, KVM_SET_MSRS, &msrs) != 1)
		return -1;
	return d->o.no_fpu ? 0 : set_fpu(fd);
}

/* SNP_LAUNCH_UPDATE, looping while KVM processed only part of the range (§2.3). */
long drv_snp_update(struct drv *d, uint64_t gpa, void *src, uint64_t len, uint8_t type)
{
	struct hs_snp_launch_update u = { .gfn_start = gpa >> 12, .uaddr = (uintptr_t)src,
					  .len = len, .type = type };
	long r;

	do {
		r = drv_sev(d, HS_SEV_SNP_LAUNCH_UPDATE, &u);
	} while (!r && u.len);
	return r;
}

int drv_enable_hypercalls(struct drv *d)
{
	struct kvm_enable_cap c = { .cap = HS_CAP_EXIT_HYPERCALL,
				    .args = { HS_EXIT_HYPERCALL_MASK } };

	return ioctl(d->vm, KVM_ENABLE_CAP, &c);
}

int drv_close_vm(struct drv *d)
{
	int i;

	for (i = 0; i < d->nvcpus; i++) {
		munmap(d->run[i], 3 * DRV_PAGE);
		close(d->vcpu[i]);
	}
	d->nvcpus = 0;
	return d->vm >= 0 ? close(d->vm) : 0;
}

const char *drv_log_digest(char *out, size_t size)
{
	const char *path = getenv("HOSTSIM_LOG");
	char line[16384], *p, *q;
	FILE *f = path ? fopen(path, "r") : NULL;
	bool found = false;

	if (!f)
		return NULL;
	while (fgets(line, sizeof(line), f)) {
		if (!strstr(line, "\"event\":\"summary\""))
			continue;
		p = strstr(line, "\"digest\":\"");
		q = p ? strchr(p + 10, '"') : NULL;
		if (!q || (size_t)(q - p - 10) >= size)
			continue;
		memcpy(out, p + 10, (size_t)(q - p - 10));
		out[q - p - 10] = '\0';
		found = true;
	}
	fclose(f);
	return found ? out : NULL;
}
