// SPDX-License-Identifier: GPL-2.0-only
/*
 * Interposition: open (and its 64-bit, *at and fortified forms), close, ioctl,
 * mmap and fallocate. Opening /dev/kvm or /dev/sev, and every descriptor
 * created from them, gives a real memfd underneath (so read, fstat, fcntl and
 * mmap of a vCPU's kvm_run work as usual) registered in a table; calls on
 * those are modelled, everything else goes to the next definition
 * (dlsym(RTLD_NEXT)). One mutex serialises the model; KVM_RUN drops it while
 * a vCPU waits.
 */
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#include "tests/hostsim/hostsim.h"

pthread_mutex_t hs_lock = PTHREAD_MUTEX_INITIALIZER;

struct hs_file {
	enum hs_kind kind;
	void *obj;
};

static struct hs_file *files;
static size_t nfiles;
static pthread_once_t once = PTHREAD_ONCE_INIT, config_once = PTHREAD_ONCE_INIT;

static int (*real_open)(const char *, int, ...);
static int (*real_openat)(int, const char *, int, ...);
static int (*real_close)(int);
static int (*real_ioctl)(int, unsigned long, ...);
static void *(*real_mmap)(void *, size_t, int, int, int, off_t);
static int (*real_fallocate)(int, int, off_t, off_t);

static void init(void)
{
	real_open = (int (*)(const char *, int, ...))dlsym(RTLD_NEXT, "open");
	real_openat = (int (*)(int, const char *, int, ...))dlsym(RTLD_NEXT, "openat");
	real_close = (int (*)(int))dlsym(RTLD_NEXT, "close");
	real_ioctl = (int (*)(int, unsigned long, ...))dlsym(RTLD_NEXT, "ioctl");
	real_mmap = (void *(*)(void *, size_t, int, int, int, off_t))dlsym(RTLD_NEXT, "mmap");
	real_fallocate = (int (*)(int, int, off_t, off_t))dlsym(RTLD_NEXT, "fallocate");
}

static void ensure_init(void)
{
	pthread_once(&once, init);
}

/*
 * The configuration is read when /dev/kvm or /dev/sev is first opened, not
 * at the first interposed call: a sanitizer runtime calls mmap() before the
 * program's environment is set up.
 */
static void ensure_config(void)
{
	pthread_once(&config_once, hs_config_load);
}

int hs_real_open(const char *path, int flags)
{
	ensure_init();
	return real_open(path, flags, 0644);
}

int hs_real_close(int fd)
{
	ensure_init();
	return real_close(fd);
}

void *hs_real_mmap(void *addr, size_t len, int prot, int flags, int fd, off_t off)
{
	ensure_init();
	return real_mmap(addr, len, prot, flags, fd, off);
}

/* ---- the descriptor table ---- */

int hs_register(int fd, enum hs_kind kind, void *obj)
{
	if ((size_t)fd >= nfiles) {
		size_t n = (size_t)fd + 64;
		struct hs_file *f = realloc(files, n * sizeof(*f));

		if (!f)
			return -ENOMEM;
		memset(f + nfiles, 0, (n - nfiles) * sizeof(*f));
		files = f;
		nfiles = n;
	}
	files[fd] = (struct hs_file){ .kind = kind, .obj = obj };
	return fd;
}

static struct hs_file *file_of(int fd)
{
	if (fd < 0 || (size_t)fd >= nfiles || files[fd].kind == HS_NONE)
		return NULL;
	return &files[fd];
}

void *hs_lookup(int fd, enum hs_kind kind)
{
	struct hs_file *f = file_of(fd);

	return f && f->kind == kind ? f->obj : NULL;
}

bool hs_is_sev_fd(int fd)
{
	struct hs_file *f = file_of(fd);

	return f && f->kind == HS_SEV;
}

/* A memfd of @size bytes, standing in for an anonymous inode. */
int hs_new_fd(const char *name, size_t size, bool cloexec)
{
	int fd = memfd_create(name, cloexec ? MFD_CLOEXEC : 0);

	if (fd < 0)
		return -errno;
	if (size && ftruncate(fd, (off_t)size)) {
		int err = errno;

		real_close(fd);
		return -err;
	}
	return fd;
}

/* ---- object lifetimes: a VM lives while its fd, vCPU or guest_memfd fds do ---- */

static void vm_free(struct hs_vm *vm)
{
	unsigned int i;

	for (i = 0; i < vm->nvcpus; i++) {
		if (vm->vcpus[i]->run)
			munmap(vm->vcpus[i]->run, HS_VCPU_MMAP_SIZE);
		free(vm->vcpus[i]);
	}
	if (vm->counted)
		hs_sev_guest_count_add(-1);
	hs_rs_free(&vm->private_gpa);
	hs_rs_free(&vm->populated);
	free(vm->slots);
	free(vm->regions);
	free(vm);
}

void hs_vm_put(struct hs_vm *vm)
{
	if (--vm->refs == 0)
		vm_free(vm);
}

void hs_vcpu_put(struct hs_vcpu *vcpu)
{
	vcpu->fd = -1;
	hs_vm_put(vcpu->vm);
}

void hs_gmem_put(struct hs_gmem *g)
{
	struct hs_vm *vm = g->vm;
	size_t i;

	/* Closing a guest_memfd unbinds it from its slots (kvm_gmem_release). */
	for (i = 0; i < vm->nslots; i++)
		if (vm->slots[i].gmem == g)
			vm->slots[i].gmem = NULL;
	free(g);
	hs_vm_put(vm);
}

static void release(int fd)
{
	struct hs_file *f = file_of(fd);

	if (!f)
		return;
	switch (f->kind) {
	case HS_VM:
		hs_vm_summary(f->obj, "close");
		hs_vm_put(f->obj);
		break;
	case HS_VCPU:
		hs_vcpu_put(f->obj);
		break;
	case HS_GMEM:
		hs_gmem_put(f->obj);
		break;
	default:
		break;
	}
	*f = (struct hs_file){ 0 };
}

/* At exit, the VMs still open get their summary line (launch digest etc.). */
__attribute__((destructor)) static void hs_fini(void)
{
	struct timespec deadline;
	size_t i;

	/* A vCPU thread may still hold the lock when another thread exits. */
	clock_gettime(CLOCK_REALTIME, &deadline);
	deadline.tv_sec += 1;
	if (pthread_mutex_timedlock(&hs_lock, &deadline))
		return;
	for (i = 0; i < nfiles; i++)
		if (files[i].kind == HS_VM)
			hs_vm_summary(files[i].obj, "exit");
	pthread_mutex_unlock(&hs_lock);
}

/* ---- open ---- */

static int model_open(const char *path, int flags, bool *modelled)
{
	bool kvm = path && !strcmp(path, "/dev/kvm");
	bool sev = path && !strcmp(path, "/dev/sev");
	int fd;

	*modelled = kvm || sev;
	if (!*modelled)
		return 0;
	ensure_init();
	ensure_config();
	if (sev && !hs_cfg.dev_sev) {
		errno = ENOENT;
		return -1;
	}
	fd = hs_new_fd(kvm ? "hostsim-kvm" : "hostsim-sev", 0, flags & O_CLOEXEC);
	if (fd < 0) {
		errno = -fd;
		return -1;
	}
	pthread_mutex_lock(&hs_lock);
	hs_register(fd, kvm ? HS_KVM : HS_SEV, NULL);
	pthread_mutex_unlock(&hs_lock);
	return fd;
}

static mode_t mode_arg(int flags, va_list ap)
{
	return (flags & (O_CREAT | O_TMPFILE)) ? (mode_t)va_arg(ap, int) : 0;
}

HS_EXPORT int open(const char *path, int flags, ...)
{
	bool modelled;
	va_list ap;
	mode_t mode;
	int fd = model_open(path, flags, &modelled);

	if (modelled)
		return fd;
	va_start(ap, flags);
	mode = mode_arg(flags, ap);
	va_end(ap);
	ensure_init();
	return real_open(path, flags, mode);
}

HS_EXPORT int openat(int dirfd, const char *path, int flags, ...)
{
	bool modelled = false;
	va_list ap;
	mode_t mode;
	int fd = 0;

	if (path[0] == '/' || dirfd == AT_FDCWD)
		fd = model_open(path, flags, &modelled);
	if (modelled)
		return fd;
	va_start(ap, flags);
	mode = mode_arg(flags, ap);
	va_end(ap);
	ensure_init();
	return real_openat(dirfd, path, flags, mode);
}

int open64(const char *path, int flags, ...);
int openat64(int dirfd, const char *path, int flags, ...);
int __open_2(const char *path, int flags);
int __open64_2(const char *path, int flags);
int __openat_2(int dirfd, const char *path, int flags);
int __openat64_2(int dirfd, const char *path, int flags);

HS_EXPORT int open64(const char *path, int flags, ...)
{
	va_list ap;
	mode_t mode;

	va_start(ap, flags);
	mode = mode_arg(flags, ap);
	va_end(ap);
	return open(path, flags | O_LARGEFILE, mode);
}

HS_EXPORT int openat64(int dirfd, const char *path, int flags, ...)
{
	va_list ap;
	mode_t mode;

	va_start(ap, flags);
	mode = mode_arg(flags, ap);
	va_end(ap);
	return openat(dirfd, path, flags | O_LARGEFILE, mode);
}

/* _FORTIFY_SOURCE builds call these when the flags are not constant. */
HS_EXPORT int __open_2(const char *path, int flags)
{
	return open(path, flags);
}

HS_EXPORT int __open64_2(const char *path, int flags)
{
	return open(path, flags | O_LARGEFILE);
}

HS_EXPORT int __openat_2(int dirfd, const char *path, int flags)
{
	return openat(dirfd, path, flags);
}

HS_EXPORT int __openat64_2(int dirfd, const char *path, int flags)
{
	return openat(dirfd, path, flags | O_LARGEFILE);
}

/* ---- close, ioctl, mmap, fallocate ---- */

HS_EXPORT int close(int fd)
{
	ensure_init();
	pthread_mutex_lock(&hs_lock);
	release(fd);
	pthread_mutex_unlock(&hs_lock);
	return real_close(fd);
}

static long dispatch(struct hs_file *f, int fd, unsigned long req, unsigned long arg)
{
	switch (f->kind) {
	case HS_KVM:
		return hs_kvm_ioctl(fd, req, arg);
	case HS_SEV:
		return hs_devsev_ioctl(fd, req, arg);
	case HS_VM:
		return hs_vm_ioctl(f->obj, req, arg);
	case HS_VCPU:
		return hs_vcpu_ioctl(f->obj, req, arg);
	default:
		return -ENOTTY;	/* guest_memfd has no ioctls */
	}
}

HS_EXPORT int ioctl(int fd, unsigned long req, ...)
{
	unsigned long arg;
	struct hs_file *f;
	va_list ap;
	long r;

	va_start(ap, req);
	arg = va_arg(ap, unsigned long);
	va_end(ap);
	ensure_init();
	pthread_mutex_lock(&hs_lock);
	f = file_of(fd);
	if (!f) {
		pthread_mutex_unlock(&hs_lock);
		return real_ioctl(fd, req, arg);
	}
	r = dispatch(f, fd, req, arg);
	pthread_mutex_unlock(&hs_lock);
	if (r < 0) {
		errno = (int)-r;
		return -1;
	}
	return (int)r;
}

HS_EXPORT void *mmap(void *addr, size_t len, int prot, int flags, int fd, off_t off)
{
	struct hs_gmem *g;
	bool mappable = true;

	ensure_init();
	if (fd >= 0 && !(flags & MAP_ANONYMOUS)) {
		pthread_mutex_lock(&hs_lock);
		g = hs_lookup(fd, HS_GMEM);
		/* guest_memfd maps only with GUEST_MEMFD_FLAG_MMAP (§3.2); VM and
		 * system fds have no mmap at all. */
		if (g)
			mappable = g->flags & HS_GUEST_MEMFD_FLAG_MMAP;
		else if (file_of(fd) && file_of(fd)->kind != HS_VCPU)
			mappable = false;
		pthread_mutex_unlock(&hs_lock);
		if (!mappable) {
			errno = ENODEV;
			return MAP_FAILED;
		}
	}
	return real_mmap(addr, len, prot, flags, fd, off);
}

void *mmap64(void *addr, size_t len, int prot, int flags, int fd, off_t off);

HS_EXPORT void *mmap64(void *addr, size_t len, int prot, int flags, int fd, off_t off)
{
	return mmap(addr, len, prot, flags, fd, off);
}

HS_EXPORT int fallocate(int fd, int mode, off_t off, off_t len)
{
	struct hs_gmem *g;
	long r;

	ensure_init();
	pthread_mutex_lock(&hs_lock);
	g = hs_lookup(fd, HS_GMEM);
	r = g ? hs_gmem_fallocate(g, mode, off, len) : 0;
	pthread_mutex_unlock(&hs_lock);
	if (r < 0) {
		errno = (int)-r;
		return -1;
	}
	return real_fallocate(fd, mode, off, len);
}

int fallocate64(int fd, int mode, off_t off, off_t len);

HS_EXPORT int fallocate64(int fd, int mode, off_t off, off_t len)
{
	return fallocate(fd, mode, off, len);
}
