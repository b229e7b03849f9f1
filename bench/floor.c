// SPDX-License-Identifier: GPL-2.0-only
/*
 * floor.c - the start-up floor for lkvm-sev: the least a KVM monitor must
 * do to boot a firmware image (one RAM slot, one read-only firmware slot at
 * the top of 4 GiB, one vCPU at its reset state, a KVM_RUN loop with a
 * serial port and a debug-exit port).  With --irqchip it also does the
 * in-kernel set-up that lkvm-sev does (identity map, TSS, IRQ chip, no PIT).
 * It is the lower bound that bench/startup.sh compares lkvm-sev against.
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/kvm.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#define RAM_SIZE		(64UL << 20)	/* default; --mem MiB overrides */
#define LOW_RAM_END		(3ULL << 30)
#define HIGH_RAM_BASE		(4ULL << 30)
#define IMAGE_MAX		(16UL << 20)
#define IMAGE_TOP		(1ULL << 32)
#define IDENTITY_MAP_ADDR	0xfeffc000ULL
#define TSS_ADDR		0xfeffd000UL

#define UART_DATA		0x3f8
#define UART_LSR		0x3fd
#define UART_LSR_IDLE		0x60	/* THR empty, transmitter empty */
#define DEBUG_EXIT_PORT		0xf4

#define EXIT_ERROR		125
#define EXIT_SHUTDOWN		126

static void __attribute__((noreturn)) die(const char *call)
{
	fprintf(stderr, "floor: %s: %s\n", call, strerror(errno));
	exit(EXIT_ERROR);
}

static int do_ioctl(int fd, unsigned long req, unsigned long arg,
		    const char *name)
{
	int ret = ioctl(fd, req, arg);

	if (ret < 0)
		die(name);
	return ret;
}

#define xioctl(fd, req, arg) do_ioctl(fd, req, (unsigned long)(arg), #req)

static void write_all(const uint8_t *buf, size_t len)
{
	while (len) {
		ssize_t n = write(STDOUT_FILENO, buf, len);

		if (n < 0) {
			if (errno == EINTR)
				continue;
			die("write");
		}
		buf += n;
		len -= n;
	}
}

static void handle_io(struct kvm_run *run)
{
	uint8_t *data = (uint8_t *)run + run->io.data_offset;
	uint32_t size = run->io.size, count = run->io.count;
	uint8_t buf[4096];
	uint64_t value = 0;
	uint32_t i;

	if (run->io.direction == KVM_EXIT_IO_IN) {
		memset(data, run->io.port == UART_LSR ? UART_LSR_IDLE : 0xff,
		       (size_t)size * count);
		return;
	}

	if (run->io.port == UART_DATA) {
		/* One byte per element: the low byte of each. */
		for (i = 0; i < count && i < sizeof(buf); i++)
			buf[i] = data[(size_t)i * size];
		write_all(buf, i);
	} else if (run->io.port == DEBUG_EXIT_PORT) {
		for (i = 0; i < size && i < sizeof(value); i++)
			value |= (uint64_t)data[i] << (8 * i);
		exit((int)(((value << 1) | 1) & 0xff));
	}
}

int main(int argc, char **argv)
{
	struct kvm_userspace_memory_region region;
	uint64_t identity_map = IDENTITY_MAP_ADDR;
	const char *image_path;
	struct kvm_run *run;
	int kvm, vm, vcpu, image_fd, irqchip = 0, run_size;
	struct stat st;
	void *ram, *image;
	uint64_t ram_size = RAM_SIZE, low_size;
	int i;

	for (i = 1; i < argc - 1; i++) {
		if (!strcmp(argv[i], "--irqchip"))
			irqchip = 1;
		else if (!strcmp(argv[i], "--mem") && i + 1 < argc - 1)
			ram_size = strtoull(argv[++i], NULL, 10) << 20;
		else
			break;
	}
	if (i != argc - 1 || argv[i][0] == '-' || !ram_size) {
		fprintf(stderr, "usage: floor [--irqchip] [--mem MiB] IMAGE\n");
		return EXIT_ERROR;
	}
	image_path = argv[i];
	/* RAM is split around the PCI hole as lkvm-sev does: 3 GiB low, rest at 4 GiB. */
	low_size = ram_size < LOW_RAM_END ? ram_size : LOW_RAM_END;

	image_fd = open(image_path, O_RDONLY | O_CLOEXEC);
	if (image_fd < 0)
		die("open IMAGE");
	if (fstat(image_fd, &st) < 0)
		die("fstat IMAGE");
	if (st.st_size <= 0 || st.st_size % 4096 ||
	    (uint64_t)st.st_size > IMAGE_MAX) {
		fprintf(stderr,
			"floor: %s: size %lld is not a multiple of 4 KiB in (0, 16 MiB]\n",
			image_path, (long long)st.st_size);
		return EXIT_ERROR;
	}
	image = mmap(NULL, st.st_size, PROT_READ, MAP_PRIVATE, image_fd, 0);
	if (image == MAP_FAILED)
		die("mmap IMAGE");

	kvm = open("/dev/kvm", O_RDWR | O_CLOEXEC);
	if (kvm < 0)
		die("open /dev/kvm");
	vm = xioctl(kvm, KVM_CREATE_VM, 0);

	if (irqchip) {
		xioctl(vm, KVM_SET_IDENTITY_MAP_ADDR, &identity_map);
		xioctl(vm, KVM_SET_TSS_ADDR, TSS_ADDR);
		xioctl(vm, KVM_CREATE_IRQCHIP, 0);
	}

	ram = mmap(NULL, ram_size, PROT_READ | PROT_WRITE,
		   MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (ram == MAP_FAILED)
		die("mmap RAM");
	region = (struct kvm_userspace_memory_region) {
		.slot = 0,
		.guest_phys_addr = 0,
		.memory_size = low_size,
		.userspace_addr = (uintptr_t)ram,
	};
	xioctl(vm, KVM_SET_USER_MEMORY_REGION, &region);
	if (ram_size > low_size) {
		region = (struct kvm_userspace_memory_region) {
			.slot = 2,
			.guest_phys_addr = HIGH_RAM_BASE,
			.memory_size = ram_size - low_size,
			.userspace_addr = (uintptr_t)ram + low_size,
		};
		xioctl(vm, KVM_SET_USER_MEMORY_REGION, &region);
	}

	region = (struct kvm_userspace_memory_region) {
		.slot = 1,
		.flags = KVM_MEM_READONLY,
		.guest_phys_addr = IMAGE_TOP - st.st_size,
		.memory_size = st.st_size,
		.userspace_addr = (uintptr_t)image,
	};
	xioctl(vm, KVM_SET_USER_MEMORY_REGION, &region);

	vcpu = xioctl(vm, KVM_CREATE_VCPU, 0);
	run_size = xioctl(kvm, KVM_GET_VCPU_MMAP_SIZE, 0);
	run = mmap(NULL, run_size, PROT_READ | PROT_WRITE, MAP_SHARED, vcpu, 0);
	if (run == MAP_FAILED)
		die("mmap kvm_run");

	for (;;) {
		if (ioctl(vcpu, KVM_RUN, 0) < 0) {
			if (errno == EINTR || errno == EAGAIN)
				continue;
			die("KVM_RUN");
		}
		switch (run->exit_reason) {
		case KVM_EXIT_IO:
			handle_io(run);
			break;
		case KVM_EXIT_MMIO:
			if (!run->mmio.is_write)
				memset(run->mmio.data, 0xff, run->mmio.len);
			break;
		case KVM_EXIT_HLT:
			return 0;
		case KVM_EXIT_SHUTDOWN:
			return EXIT_SHUTDOWN;
		default:
			fprintf(stderr, "floor: unexpected KVM exit reason %u\n",
				run->exit_reason);
			return EXIT_ERROR;
		}
	}
}
