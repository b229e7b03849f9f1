// SPDX-License-Identifier: GPL-2.0-only
/*
 * kvm/ against the real /dev/kvm: probing, VM types, memory slots, the
 * interrupt and doorbell ioctls, and the two ways of keeping firmware
 * read-only (the page protection is checked in /proc/self/maps, as the
 * kernel sees it).
 */
#include <grp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "kvm/host.h"
#include "kvm/ioeventfd.h"
#include "kvm/irq.h"
#include "kvm/ro_region.h"
#include "kvm/uapi.h"
#include "kvm/vcpu.h"
#include "kvm/vm.h"
#include "tests/tests.h"

static struct kvm_host host;
static struct vm vm;

static void setup(void)
{
	struct lk_err err;

	ck_assert_msg(kvm_host_open(&host, &err) == 0, "%s", err.msg);
	ck_assert_msg(vm_create(&vm, &host, LK_KVM_X86_DEFAULT_VM, &err) == 0, "%s", err.msg);
}

static void teardown(void)
{
	vm_destroy(&vm);
	kvm_host_close(&host);
}

/* The permissions ("r--p") of the mapping that holds @addr. */
static void maps_perms(const void *addr, char perms[5])
{
	FILE *f = fopen("/proc/self/maps", "r");
	unsigned long lo, hi;
	char line[512];

	strcpy(perms, "none");
	ck_assert_ptr_nonnull(f);
	while (fgets(line, sizeof(line), f)) {
		if (sscanf(line, "%lx-%lx %4s", &lo, &hi, perms) == 3 &&
		    (unsigned long)addr >= lo && (unsigned long)addr < hi)
			break;
		strcpy(perms, "none");
	}
	fclose(f);
}

static void *map_pages(size_t size)
{
	void *p = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	ck_assert_ptr_ne(p, MAP_FAILED);
	return p;
}

START_TEST(probe)
{
	ck_assert_int_eq(host.api_version, 12);
	ck_assert_int_ge(host.vcpu_mmap_size, 4096);
	ck_assert_int_ge(host.max_vcpus, 1);
	ck_assert(host.vm_types & 1);
	ck_assert(host.irqchip);
	/* The per-VM answer agrees with a direct question on the VM fd. */
	ck_assert_int_eq(vm.readonly_mem, vm_check(&vm, KVM_CAP_READONLY_MEM) > 0);
}
END_TEST

START_TEST(missing_vm_type)
{
	struct vm v2;
	struct lk_err err;
	char want[128];

	if (host.vm_types & (1u << LK_KVM_X86_SEV_ES_VM)) {
		tests_skip("kvm-core missing_vm_type", "this host's KVM offers SEV-ES VMs "
			   "(type 3): nothing to refuse");
		return;
	}
	ck_assert_int_eq(vm_create(&v2, &host, LK_KVM_X86_SEV_ES_VM, &err), -1);
	ck_assert_int_eq(err.status, LK_EXIT_HOST);
	snprintf(want, sizeof(want), "this host's KVM offers VM types 0x%x: no VM type 3",
		 host.vm_types);
	ck_assert_str_eq(err.msg, want);
}
END_TEST

START_TEST(memslots)
{
	struct lk_err err;
	void *ram = map_pages(1 << 20);
	int a, b;

	a = memslot_add(&vm.slots, "ram", 0, 1 << 20, ram, 0, &err);
	ck_assert_int_ge(a, 0);
	ck_assert_int_eq(memslot_add(&vm.slots, "overlap", 0x80000, 1 << 20, ram, 0, &err), -1);
	ck_assert_str_eq(err.msg, "memory slot overlap [0x80000, 0x180000) overlaps ram");
	b = memslot_add(&vm.slots, "rom", 0x100000, 1 << 20, ram, KVM_MEM_READONLY, &err);
	ck_assert_msg(b >= 0, "%s", err.msg);
	ck_assert_str_eq(memslot_find(&vm.slots, 0x1fffff)->name, "rom");
	ck_assert_ptr_null(memslot_find(&vm.slots, 0x200000));
	/* Flipping READONLY re-creates the slot under the same number. */
	ck_assert_int_eq(memslot_set_flags(&vm.slots, b, 0, &err), 0);
	ck_assert_uint_eq(vm.slots.slot[b].flags, 0);
	ck_assert_int_eq(memslot_set_flags(&vm.slots, b, KVM_MEM_READONLY, &err), 0);
	ck_assert_uint_eq(memslot_find(&vm.slots, 0x100000)->flags, KVM_MEM_READONLY);
	ck_assert_int_eq(memslot_delete(&vm.slots, b, &err), 0);
	ck_assert_ptr_null(memslot_find(&vm.slots, 0x100000));
	ck_assert_int_eq(memslot_delete(&vm.slots, b, &err), -1);
	ck_assert_int_eq(memslot_delete(&vm.slots, a, &err), 0);
	munmap(ram, 1 << 20);
}
END_TEST

START_TEST(ro_mprotect)
{
	struct ro_region r;
	struct lk_err err;
	uint8_t *fw = map_pages(0x10000);
	char perms[5];

	ck_assert_int_eq(ro_region_map(&vm, &r, "firmware", 0xffff0000, fw, 0x10000,
				       RO_MODE_MPROTECT, &err), 0);
	ck_assert_int_eq(r.mode, RO_MODE_MPROTECT);
	/* The slot itself is read-write in KVM; the host mapping is not. */
	ck_assert_uint_eq(vm.slots.slot[r.slot].flags, 0);
	maps_perms(fw, perms);
	ck_assert_str_eq(perms, "r--p");
	ck_assert_ptr_eq(vm_find_ro(&vm, 0xffffffff), &r);
	ck_assert_ptr_null(vm_find_ro(&vm, 0xfffeffff));
	/* Writable exactly between make_writable and make_readonly. */
	ck_assert_int_eq(ro_region_make_writable(&r, &err), 0);
	maps_perms(fw, perms);
	ck_assert_str_eq(perms, "rw-p");
	fw[0] = 0x90;
	ck_assert_int_eq(ro_region_make_readonly(&r, &err), 0);
	maps_perms(fw, perms);
	ck_assert_str_eq(perms, "r--p");
	/* Teardown leaves the pages writable again, as KVM needs. */
	ck_assert_int_eq(ro_region_unmap(&vm, &r, &err), 0);
	maps_perms(fw, perms);
	ck_assert_str_eq(perms, "rw-p");
	ck_assert_ptr_null(vm_find_ro(&vm, 0xffffffff));
	ck_assert_int_eq(vm.nr_ro, 0);
	munmap(fw, 0x10000);
}
END_TEST

START_TEST(ro_memslot)
{
	struct ro_region r;
	struct lk_err err;
	uint8_t *fw = map_pages(0x10000);
	char perms[5];

	if (!vm.readonly_mem) {
		ck_assert_int_eq(ro_region_map(&vm, &r, "firmware", 0xffff0000, fw, 0x10000,
					       RO_MODE_MEMSLOT, &err), -1);
		ck_assert_int_eq(err.status, LK_EXIT_HOST);
		tests_skip("kvm-core ro_memslot", "KVM_CAP_READONLY_MEM is 0 on the VM fd: no "
			   "read-only memory slot to map (its refusal was checked)");
		return;
	}
	ck_assert_int_eq(ro_region_map(&vm, &r, "firmware", 0xffff0000, fw, 0x10000,
				       RO_MODE_AUTO, &err), 0);
	ck_assert_int_eq(r.mode, RO_MODE_MEMSLOT);
	ck_assert_str_eq(r.why, "KVM_CAP_READONLY_MEM is 1 on the VM fd");
	ck_assert_uint_eq(vm.slots.slot[r.slot].flags, KVM_MEM_READONLY);
	maps_perms(fw, perms);
	ck_assert_str_eq(perms, "rw-p");
	ck_assert_int_eq(ro_region_unmap(&vm, &r, &err), 0);
	munmap(fw, 0x10000);
}
END_TEST

START_TEST(ro_auto_falls_back)
{
	struct ro_region r;
	struct lk_err err;
	uint8_t *fw = map_pages(0x10000);
	char perms[5];

	/* As on an SEV-ES VM type: the VM says no read-only memory. */
	vm.readonly_mem = false;
	ck_assert_int_eq(ro_region_map(&vm, &r, "firmware", 0xffff0000, fw, 0x10000,
				       RO_MODE_MEMSLOT, &err), -1);
	ck_assert_str_eq(err.msg, "--ro-mode memslot: KVM does not offer read-only memory "
			 "for this VM (KVM_CAP_READONLY_MEM is 0 on the VM fd)");
	ck_assert_int_eq(ro_region_map(&vm, &r, "firmware", 0xffff0000, fw, 0x10000,
				       RO_MODE_AUTO, &err), 0);
	ck_assert_int_eq(r.mode, RO_MODE_MPROTECT);
	ck_assert_str_eq(r.why, "KVM_CAP_READONLY_MEM is 0 on the VM fd");
	maps_perms(fw, perms);
	ck_assert_str_eq(perms, "r--p");
	ck_assert_int_eq(ro_region_unmap(&vm, &r, &err), 0);
	munmap(fw, 0x10000);
}
END_TEST

/* kvm/irq.c and kvm/ioeventfd.c against the real KVM: what it takes and what it refuses. */
START_TEST(interrupts_and_doorbells)
{
	struct irq_routes r;
	struct vcpu cpu;
	struct lk_err err;
	int efd = eventfd(0, EFD_CLOEXEC), bell = eventfd(0, EFD_CLOEXEC);
	struct ioeventfd ev = { .addr = 0xe0000010, .len = 4, .fd = bell };
	char want[160];
	uint32_t gsi;
	unsigned int i, ioapic = 0;

	ck_assert_msg(vm_create_irqchip(&vm, &err) == 0, "%s", err.msg);
	ck_assert_int_eq(irq_routes_init(&r, &vm, &err), 0);
	/* KVM's default table: GSIs 0-15 on a PIC and the same IOAPIC pin, 16-23 on the IOAPIC. */
	ck_assert_uint_eq(r.table->nr, 40);
	for (i = 0; i < r.table->nr; i++) {
		const struct kvm_irq_routing_entry *e = &r.table->entries[i];

		if (e->u.irqchip.irqchip != KVM_IRQCHIP_IOAPIC) {
			ck_assert_uint_lt(e->gsi, 16);
			ck_assert_uint_eq(e->u.irqchip.pin, e->gsi % 8);
			continue;
		}
		ioapic++;
		ck_assert_uint_eq(e->u.irqchip.pin, e->gsi);
	}
	ck_assert_uint_eq(ioapic, 24);
	ck_assert_msg(irq_routes_commit(&r, &err) == 0, "%s", err.msg);
	ck_assert_int_eq(irq_route_msi(&r, 0xfee00000, 0x41, &gsi, &err), 0);
	ck_assert_uint_eq(gsi, IRQ_FIRST_MSI_GSI);
	ck_assert_int_eq(irq_route_msi_update(&r, gsi, 0xfee01000, 0x42, &err), 0);
	ck_assert_int_eq(irq_route_msi_update(&r, 5, 0xfee00000, 0x42, &err), -1);
	ck_assert_str_eq(err.msg, "GSI 5 has no MSI route");
	ck_assert_msg(irq_routes_commit(&r, &err) == 0, "%s", err.msg);
	ck_assert_msg(irq_irqfd(&vm, gsi, efd, true, &err) == 0, "%s", err.msg);
	ck_assert_int_eq(irq_irqfd(&vm, gsi, efd, true, &err), -1);
	snprintf(want, sizeof(want), "KVM_IRQFD (assign GSI %u, fd %d): Device or resource busy",
		 gsi, efd);
	ck_assert_str_eq(err.msg, want);
	ck_assert_msg(irq_irqfd(&vm, gsi, efd, false, &err) == 0, "%s", err.msg);
	ck_assert_msg(irq_line(&vm, 10, 1, &err) == 0, "%s", err.msg);
	ck_assert_msg(irq_line(&vm, 10, 0, &err) == 0, "%s", err.msg);
	/* With no vCPU for it to reach, KVM refuses an MSI (EPERM): say so. */
	ck_assert_int_eq(irq_signal_msi(&vm, 0xfee00000, 0x41, &err), -1);
	ck_assert_str_eq(err.msg, "KVM_SIGNAL_MSI (address 0xfee00000, data 0x41): "
			 "Operation not permitted");
	ck_assert_msg(vcpu_create(&cpu, &vm, 0, &err) == 0, "%s", err.msg);
	ck_assert_msg(irq_signal_msi(&vm, 0xfee00000, 0x41, &err) == 0, "%s", err.msg);
	vcpu_destroy(&cpu);
	/* Doorbells: one per address and match; a second is refused, as is a stray removal. */
	ck_assert_msg(ioeventfd_assign(&vm, &ev, &err) == 0, "%s", err.msg);
	ck_assert_int_eq(ioeventfd_assign(&vm, &ev, &err), -1);
	ck_assert_str_eq(err.msg, "KVM_IOEVENTFD (assign MMIO 0xe0000010, 4 bytes): File exists");
	/* A match at the same address collides with the match-anything doorbell. */
	ev.match = true;
	ev.datamatch = 0x5a;
	ck_assert_int_eq(ioeventfd_assign(&vm, &ev, &err), -1);
	ev.addr = 0xe0000014;
	ck_assert_msg(ioeventfd_assign(&vm, &ev, &err) == 0, "%s", err.msg);
	ck_assert_int_eq(ioeventfd_deassign(&vm, &ev, &err), 0);
	ck_assert_int_eq(ioeventfd_deassign(&vm, &ev, &err), -1);
	ck_assert_str_eq(err.msg, "KVM_IOEVENTFD (deassign MMIO 0xe0000014, 4 bytes): "
			 "No such file or directory");
	ev = (struct ioeventfd){ .addr = 0xc110, .len = 4, .pio = true, .fd = bell };
	ck_assert_msg(ioeventfd_assign(&vm, &ev, &err) == 0, "%s", err.msg);
	irq_routes_destroy(&r);
	close(efd);
	close(bell);
}
END_TEST

/*
 * A user who may not open the KVM device is told who may and how to
 * become one: lkvm-sev run as nobody (uid and gid 65534, no other groups)
 * gets status 125 and, for this device's mode, the group to join or the
 * owner.
 */
START_TEST(kvm_permission_denied)
{
	char out[1024] = "", want[1024], line[256], group[256] = "";
	struct stat st;
	int fds[2], status;
	pid_t pid;
	FILE *f;
	size_t n;

	if (geteuid()) {
		tests_skip("kvm-core kvm_permission_denied", "not root: cannot run as another "
			   "user");
		return;
	}
	ck_assert_int_eq(stat("/dev/kvm", &st), 0);
	if ((st.st_mode & 06) == 06) {
		tests_skip("kvm-core kvm_permission_denied", "the device is open to everyone "
			   "(mode %04o)", (unsigned int)(st.st_mode & 07777));
		return;
	}
	f = fopen("/etc/group", "r");
	while (f && fgets(line, sizeof(line), f)) {
		char *c1 = strchr(line, ':'), *c2 = c1 ? strchr(c1 + 1, ':') : NULL;

		if (c2 && strtoul(c2 + 1, NULL, 10) == st.st_gid) {
			*c1 = '\0';
			snprintf(group, sizeof(group), "%s", line);
			break;
		}
	}
	if (f)
		fclose(f);
	if ((st.st_mode & 060) == 060 && group[0])
		snprintf(want, sizeof(want), "lkvm-sev: cannot open /dev/kvm: permission denied: "
			 "join its group, %s (usermod -aG %s $USER, then log in again)\n", group,
			 group);
	else
		snprintf(want, sizeof(want), "lkvm-sev: cannot open /dev/kvm: permission denied: "
			 "mode %04o, so only its owner (uid %u) may open it; run as that user, or "
			 "give the device a group (Debian's udev rules make it kvm, mode 0660)\n",
			 (unsigned int)(st.st_mode & 07777), (unsigned int)st.st_uid);
	/* As nobody, with no supplementary groups: stderr into a pipe. */
	ck_assert_int_eq(pipe(fds), 0);
	pid = fork();
	ck_assert_int_ge(pid, 0);
	if (!pid) {
		dup2(fds[1], 2);
		if (setgroups(0, NULL) || setgid(65534) || setuid(65534))
			_exit(99);
		execl(LKVM_BIN, "lkvm-sev", "run", (char *)NULL);
		_exit(98);
	}
	close(fds[1]);
	n = 0;
	while (n < sizeof(out) - 1) {
		ssize_t r = read(fds[0], out + n, sizeof(out) - 1 - n);

		if (r <= 0)
			break;
		n += (size_t)r;
	}
	out[n] = '\0';
	close(fds[0]);
	ck_assert_int_eq(waitpid(pid, &status, 0), pid);
	ck_assert_msg(WIFEXITED(status) && WEXITSTATUS(status) == 125, "status 0x%x: %s", status,
		      out);
	ck_assert_str_eq(out, want);
}
END_TEST

Suite *kvm_core_suite(void)
{
	Suite *s = suite_create("kvm-core");
	TCase *tc = tcase_create("dev-kvm");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 30);
	tcase_add_test(tc, probe);
	tcase_add_test(tc, kvm_permission_denied);
	tcase_add_test(tc, missing_vm_type);
	tcase_add_test(tc, memslots);
	tcase_add_test(tc, ro_mprotect);
	tcase_add_test(tc, ro_memslot);
	tcase_add_test(tc, ro_auto_falls_back);
	tcase_add_test(tc, interrupts_and_doorbells);
	suite_add_tcase(s, tc);
	return s;
}
