// SPDX-License-Identifier: GPL-2.0-only
/* Running lkvm-sev as a child process with captured output, for tests. */
#include <errno.h>
#include <fcntl.h>
#include <linux/capability.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "tests/tests.h"

/* Flushed at once: Check runs each test in a child, which may die before exit() flushes. */
void tests_skip(const char *what, const char *fmt, ...)
{
	va_list ap;

	printf("SKIP %s: ", what);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
	fflush(stdout);
}

bool tests_have_kvm(void)
{
	struct stat st;

	return stat("/dev/kvm", &st) == 0;
}

/*
 * One million loop iterations: ~1 ms natively, 10-60 ms on a KVM nested
 * under QEMU TCG, ~1 s emulated. The run's start-up is taken out by timing a
 * guest that exits at once (start-up alone is ~80 ms nested under TCG);
 * 300 ms then separates the kinds of host. Deliberately not `lkvm-sev
 * caps`' calibration: the caps tests compare its verdict with this one,
 * which must not be the same code.
 */
bool host_runs_natively(void)
{
	static int native = -1;
	struct vmm_proc calib, bare;

	if (native < 0) {
		vmm_run(&bare, (const char *[]){ "run", "--firmware", guest("exit-0"), NULL }, 60);
		ck_assert_int_eq(bare.status, 1);
		vmm_run(&calib, (const char *[]){ "run", "--firmware", guest("calibrate"), NULL },
			60);
		ck_assert_int_eq(calib.status, 1);
		native = calib.secs - bare.secs < 0.3;
	}
	return native;
}

double now_sec(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

void *test_read_file(const char *path, size_t *size)
{
	struct stat st;
	char *buf;
	int fd = open(path, O_RDONLY);

	ck_assert_msg(fd >= 0, "%s: cannot open", path);
	ck_assert_int_eq(fstat(fd, &st), 0);
	buf = malloc((size_t)st.st_size + 1);
	ck_assert_ptr_nonnull(buf);
	ck_assert_int_eq(read(fd, buf, (size_t)st.st_size), st.st_size);
	close(fd);
	buf[st.st_size] = '\0';
	*size = (size_t)st.st_size;
	return buf;
}

const char *guest(const char *name)
{
	static char path[4096];

	snprintf(path, sizeof(path), "%s/%s.bin", GUEST_DIR, name);
	return path;
}

void test_dir_create(char *path, size_t size)
{
	snprintf(path, size, "/tmp/lkvm-test-XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(path));
}

void test_dir_remove(char *path)
{
	char cmd[300];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", path);
	ck_assert_int_eq(system(cmd), 0);
}

size_t count_substr(const char *hay, const char *needle)
{
	size_t n = 0;

	while ((hay = strstr(hay, needle))) {
		n++;
		hay += strlen(needle);
	}
	return n;
}

static void vmm_spawn_flags(struct vmm_proc *p, const char *const *args, bool no_dac);

void vmm_spawn(struct vmm_proc *p, const char *const *args)
{
	vmm_spawn_flags(p, args, false);
}

void vmm_spawn_no_dac(struct vmm_proc *p, const char *const *args)
{
	vmm_spawn_flags(p, args, true);
}

/* Dropped from the bounding set, they stay dropped across execve even for root. */
static int drop_dac_caps(void)
{
	if (getuid() != 0)
		return 0;
	if (prctl(PR_CAPBSET_DROP, CAP_DAC_OVERRIDE, 0, 0, 0) ||
	    prctl(PR_CAPBSET_DROP, CAP_DAC_READ_SEARCH, 0, 0, 0))
		return -1;
	return 0;
}

static void vmm_spawn_flags(struct vmm_proc *p, const char *const *args, bool no_dac)
{
	int in[2], out[2], err[2];
	const char *argv[64];
	int i;

	memset(p, 0, sizeof(*p));
	ck_assert_int_eq(pipe2(in, O_CLOEXEC), 0);
	ck_assert_int_eq(pipe2(out, O_CLOEXEC), 0);
	ck_assert_int_eq(pipe2(err, O_CLOEXEC), 0);
	argv[0] = LKVM_BIN;
	for (i = 0; args[i] && i < 62; i++)
		argv[i + 1] = args[i];
	argv[i + 1] = NULL;
	p->t0 = now_sec();
	p->pid = fork();
	ck_assert_int_ge(p->pid, 0);
	if (p->pid == 0) {
		dup2(in[0], 0);
		dup2(out[1], 1);
		dup2(err[1], 2);
		if (no_dac && drop_dac_caps())
			_exit(127);
		execv(LKVM_BIN, (char *const *)argv);
		_exit(127);
	}
	close(in[0]);
	close(out[1]);
	close(err[1]);
	p->in_fd = in[1];
	p->out_fd = out[0];
	p->err_fd = err[0];
}

/* One round of reading; returns false once both streams are at EOF. */
static bool vmm_pump(struct vmm_proc *p, int timeout_ms)
{
	struct pollfd fds[2] = { { .fd = p->out_fd, .events = POLLIN },
				 { .fd = p->err_fd, .events = POLLIN } };
	int i;

	if (p->out_fd < 0 && p->err_fd < 0)
		return false;
	if (poll(fds, 2, timeout_ms) <= 0)
		return true;
	for (i = 0; i < 2; i++) {
		char *buf = i ? p->err : p->out;
		size_t *len = i ? &p->err_len : &p->out_len;
		int *fd = i ? &p->err_fd : &p->out_fd;
		ssize_t n;

		if (*fd < 0 || !(fds[i].revents & (POLLIN | POLLHUP | POLLERR)))
			continue;
		n = read(*fd, buf + *len, VMM_OUT_MAX - 1 - *len);
		if (n <= 0) {
			close(*fd);
			*fd = -1;
			continue;
		}
		*len += (size_t)n;
		buf[*len] = '\0';
	}
	return true;
}

bool vmm_wait_stdout(struct vmm_proc *p, const char *needle, double timeout)
{
	double end = now_sec() + timeout;

	while (!strstr(p->out, needle)) {
		if (now_sec() > end || !vmm_pump(p, 50))
			return false;
	}
	return true;
}

int vmm_finish(struct vmm_proc *p, double timeout)
{
	double end = now_sec() + timeout;
	int ws;

	if (p->in_fd >= 0)
		close(p->in_fd);
	p->in_fd = -1;
	while (vmm_pump(p, 50)) {
		if (now_sec() > end) {
			kill(p->pid, SIGKILL);
			break;
		}
	}
	while (waitpid(p->pid, &ws, 0) < 0 && errno == EINTR)
		;
	p->secs = now_sec() - p->t0;
	if (now_sec() > end)
		p->status = -1;
	else if (WIFEXITED(ws))
		p->status = WEXITSTATUS(ws);
	else
		p->status = 128 + WTERMSIG(ws);
	if (p->out_fd >= 0)
		close(p->out_fd);
	if (p->err_fd >= 0)
		close(p->err_fd);
	return p->status;
}

int vmm_run(struct vmm_proc *p, const char *const *args, double timeout)
{
	vmm_spawn(p, args);
	return vmm_finish(p, timeout);
}
