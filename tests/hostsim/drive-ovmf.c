// SPDX-License-Identifier: GPL-2.0-only
/*
 * What hs-drive needs to know about the firmware it launches, as a VMM reads
 * it (SEV-KVM-API.md §6): the footer GUID table (SEV-ES reset block, kernel
 * hash area, SNP metadata sections), the kernel-hash table QEMU builds (§6.2,
 * ../shared/vectors/README.md), the SNP CPUID page (§7.2) and a BSP VMSA for
 * the direct-VMSA flow (§5.3).
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>
#include <nettle/sha2.h>

#include "tests/hostsim/drive.h"

/* EFI GUID text to its in-memory bytes: the first three fields little-endian. */
static void guid(const char *s, uint8_t out[16])
{
	static const int order[16] = { 3, 2, 1, 0, 5, 4, 7, 6, 8, 9, 10, 11, 12, 13, 14, 15 };
	uint8_t be[16];
	int i = 0;

	for (; *s && i < 16; s++) {
		if (*s == '-')
			continue;
		sscanf(s, "%2hhx", &be[i++]);
		s++;
	}
	for (i = 0; i < 16; i++)
		out[i] = be[order[i]];
}

static uint32_t le32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static void parse_entry(struct ovmf *o, const uint8_t *g, const uint8_t *data, const uint8_t *fw,
			size_t size)
{
	uint8_t id[16];

	guid("00f771de-1a7e-4fcb-890e-68c77e2fb44e", id);
	if (!memcmp(g, id, 16))
		o->reset_addr = le32(data);
	guid("7255371f-3a3b-4b04-927b-1da6efa8d454", id);
	if (!memcmp(g, id, 16)) {
		o->hash_base = le32(data);
		o->hash_size = le32(data + 4);
	}
	guid("4c2eb361-7d9b-4cc3-8081-127c90d3d294", id);
	if (!memcmp(g, id, 16)) {
		o->secret_base = le32(data);
		o->secret_size = le32(data + 4);
	}
	guid("dc886566-984a-4798-a75e-5585a7bf67cc", id);
	if (!memcmp(g, id, 16) && le32(data) <= size) {
		const uint8_t *m = fw + size - le32(data);
		uint32_t i;

		if (memcmp(m, "ASEV", 4))
			return;
		for (i = 0; i < le32(m + 12) && i < 32; i++) {
			o->desc[i] = (struct ovmf_desc){ le32(m + 16 + 12 * i),
							 le32(m + 20 + 12 * i),
							 le32(m + 24 + 12 * i) };
			o->ndesc = (int)i + 1;
		}
	}
}

/* §6.1: the table ends 32 bytes before the end and is walked backwards. */
static void parse_ovmf(struct ovmf *o, const uint8_t *fw, size_t size)
{
	uint8_t footer[16];
	size_t end, start, len;

	memset(o, 0, sizeof(*o));
	guid("96b582de-1fb2-45f7-baea-a366c55a082d", footer);
	if (size < 50 || memcmp(fw + size - 48, footer, 16))
		return;
	len = fw[size - 50] | fw[size - 49] << 8;
	if (len < 18 || len > size - 32)
		return;
	start = size - 32 - len;
	for (end = size - 50; end >= start + 18;) {
		len = fw[end - 18] | fw[end - 17] << 8;
		if (len < 18 || len > end - start)
			break;
		parse_entry(o, fw + end - 16, fw + end - len, fw, size);
		end -= len;
	}
}

int drv_load_firmware(struct drv *d, const char *path)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	struct stat st;

	if (fd < 0 || fstat(fd, &st) || st.st_size <= 0 || st.st_size % DRV_PAGE) {
		fprintf(stderr, "hs-drive: %s: not a firmware image\n", path);
		if (fd >= 0)
			close(fd);
		return -1;
	}
	d->fw_size = (uint64_t)st.st_size;
	d->fw_gpa = (1ULL << 32) - d->fw_size;
	d->fw = mmap(NULL, d->fw_size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS,
		     -1, 0);
	if (d->fw == MAP_FAILED || read(fd, d->fw, d->fw_size) != (ssize_t)d->fw_size) {
		close(fd);
		return -1;
	}
	close(fd);
	parse_ovmf(&d->ovmf, d->fw, d->fw_size);
	return 0;
}

static void hash_file(const char *path, uint8_t out[32])
{
	struct sha256_ctx c;
	uint8_t buf[65536];
	ssize_t n;
	int fd = path ? open(path, O_RDONLY | O_CLOEXEC) : -1;

	sha256_init(&c);
	while (fd >= 0 && (n = read(fd, buf, sizeof(buf))) > 0)
		sha256_update(&c, (size_t)n, buf);
	if (fd >= 0)
		close(fd);
	sha256_digest(&c, 32, out);
}

static uint8_t *hash_entry(uint8_t *p, const char *id, const uint8_t hash[32])
{
	guid(id, p);
	p[16] = 50;
	p[17] = 0;
	memcpy(p + 18, hash, 32);
	return p + 50;
}

/* QEMU's kernel-hash table: cmdline (with its NUL), initrd, kernel; 168 bytes, padded. */
size_t drv_hash_table(const struct drv_opts *o, uint8_t out[176])
{
	const char *cmdline = o->append ? o->append : "";
	struct sha256_ctx c;
	uint8_t h[32], *p = out + 18;

	memset(out, 0, 176);
	guid("9438d606-4f22-4cc9-b479-a793d411fd21", out);
	out[16] = 168;
	sha256_init(&c);
	sha256_update(&c, strlen(cmdline) + 1, (const uint8_t *)cmdline);
	sha256_digest(&c, 32, h);
	p = hash_entry(p, "97d02dd8-bd20-4c94-aa78-e7714d36ab2a", h);
	hash_file(o->initrd, h);
	p = hash_entry(p, "44baf731-3a2f-4bd7-9af1-41e29169781d", h);
	hash_file(o->kernel, h);
	hash_entry(p, "4de79437-abd2-427f-b835-d5b172d2045b", h);
	return 176;
}

/* §7.2: the first vCPU's CPUID, XSAVE sizes of leaf 0xd left to the guest. */
void drv_cpuid_page(struct drv *d, uint8_t page[4096])
{
	struct {
		struct kvm_cpuid2 c;
		struct kvm_cpuid_entry2 e[64];
	} t = { .c.nent = 64 };
	struct hs_snp_cpuid_table *tab = (struct hs_snp_cpuid_table *)page;
	uint32_t i;

	memset(page, 0, 4096);
	if (ioctl(d->vcpu[0], KVM_GET_CPUID2, &t))
		return;
	for (i = 0; i < t.c.nent && i < HS_SNP_CPUID_COUNT_MAX; i++) {
		struct hs_snp_cpuid_fn f = { .eax_in = t.e[i].function, .eax = t.e[i].eax,
					     .ebx = t.e[i].ebx, .ecx = t.e[i].ecx,
					     .edx = t.e[i].edx };

		if (t.e[i].flags & KVM_CPUID_FLAG_SIGNIFCANT_INDEX)
			f.ecx_in = t.e[i].index;
		if (f.eax_in == 0xd && f.ecx_in <= 1) {
			f.ebx = 0x240;
			f.xcr0_in = 1;
		}
		memcpy(&tab->fn[i], &f, sizeof(f));
	}
	memcpy(page, &i, 4);
}

static struct hs_vmcb_seg vseg(uint16_t sel, uint16_t attrib, uint64_t base)
{
	return (struct hs_vmcb_seg){ .selector = sel, .attrib = attrib, .limit = 0xffff,
				     .base = base };
}

/* §5.3's BSP column: the VMSA KVM would build from QEMU's reset state. */
void drv_bsp_vmsa(struct drv *d, uint8_t page[4096], uint64_t features)
{
	struct hs_vmsa *s = (struct hs_vmsa *)page;

	memset(page, 0, 4096);
	s->es = s->ss = s->ds = s->fs = s->gs = vseg(0, 0x93, 0);
	s->cs = vseg(0xf000, 0x9b, 0xffff0000);
	s->gdtr = s->idtr = vseg(0, 0, 0);
	s->ldtr = vseg(0, 0x82, 0);
	s->tr = vseg(0, 0x8b, 0);
	s->efer = 0x1000;
	s->cr0 = 0x10;
	s->cr4 = 0x40;
	s->dr7 = 0x400;
	s->dr6 = 0xffff0ff0;
	s->rflags = 0x2;
	s->rip = 0xfff0;
	s->rdx = d->o.cpu_sig;
	s->g_pat = 0x0007040600070406ULL;
	s->xcr0 = 1;
	s->mxcsr = 0x1f80;
	s->x87_fcw = 0x37f;
	s->sev_features = features;
}
