// SPDX-License-Identifier: GPL-2.0-only
/*
 * measure.c - runs a command repeatedly and reports its start-to-exit wall
 * time (median, min, max) and peak RSS.  Owns the timing and RSS method used
 * by bench/startup.sh: wall time from just before fork() to wait4() return
 * on CLOCK_MONOTONIC, peak RSS from wait4()'s ru_maxrss.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define DEFAULT_RUNS	15
#define MAX_RUNS	100000

static void __attribute__((noreturn)) die(const char *call)
{
	fprintf(stderr, "measure: %s: %s\n", call, strerror(errno));
	exit(2);
}

static void __attribute__((noreturn)) usage(void)
{
	fprintf(stderr,
		"usage: measure [-n RUNS] [-s EXPECTED_STATUS] [-q] [-o FILE] -- CMD ARGS...\n"
		"  -n RUNS   timed runs after one untimed warm-up run (default %d)\n"
		"  -s STATUS expected exit status of every run (default 0)\n"
		"  -q        do not print per-run lines on stderr\n"
		"  -o FILE   send the first (warm-up) run's stdout and stderr to FILE\n",
		DEFAULT_RUNS);
	exit(2);
}

static long parse_long(const char *s, long min, long max, const char *what)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(s, &end, 10);
	if (errno || end == s || *end || v < min || v > max) {
		fprintf(stderr, "measure: bad %s '%s' (want %ld..%ld)\n",
			what, s, min, max);
		exit(2);
	}
	return v;
}

static double ts_ms(const struct timespec *a, const struct timespec *b)
{
	return (b->tv_sec - a->tv_sec) * 1e3 + (b->tv_nsec - a->tv_nsec) / 1e6;
}

/*
 * Runs argv once with stdin from /dev/null and stdout/stderr to out_fd.
 * Returns the exit status; a death by signal is reported and fatal.
 */
static int run_once(char *const argv[], int null_fd, int out_fd,
		    const char *label, double *ms, long *rss_kib)
{
	struct timespec t0, t1;
	struct rusage ru;
	int wstatus, err_fd;
	pid_t pid;

	/* The child's way to report a failed exec: not redirected. */
	err_fd = fcntl(STDERR_FILENO, F_DUPFD_CLOEXEC, 3);
	if (err_fd < 0)
		die("fcntl");

	if (clock_gettime(CLOCK_MONOTONIC, &t0) < 0)
		die("clock_gettime");
	pid = fork();
	if (pid < 0)
		die("fork");
	if (pid == 0) {
		if (dup2(null_fd, STDIN_FILENO) < 0 ||
		    dup2(out_fd, STDOUT_FILENO) < 0 ||
		    dup2(out_fd, STDERR_FILENO) < 0) {
			dprintf(err_fd, "measure: dup2: %s\n", strerror(errno));
			_exit(127);
		}
		execvp(argv[0], argv);
		dprintf(err_fd, "measure: exec %s: %s\n", argv[0],
			strerror(errno));
		_exit(127);
	}
	while (wait4(pid, &wstatus, 0, &ru) < 0) {
		if (errno != EINTR)
			die("wait4");
	}
	if (clock_gettime(CLOCK_MONOTONIC, &t1) < 0)
		die("clock_gettime");
	close(err_fd);

	*ms = ts_ms(&t0, &t1);
	*rss_kib = ru.ru_maxrss;
	if (WIFSIGNALED(wstatus)) {
		fprintf(stderr, "measure: %s: killed by signal %d (%s)\n",
			label, WTERMSIG(wstatus), strsignal(WTERMSIG(wstatus)));
		exit(1);
	}
	return WEXITSTATUS(wstatus);
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

int main(int argc, char **argv)
{
	long runs = DEFAULT_RUNS, expected = 0, rss, max_rss = 0;
	const char *out_path = NULL;
	int quiet = 0, null_fd, out_fd, status, opt;
	char label[32];
	double *ms, median;
	long i;

	while ((opt = getopt(argc, argv, "+n:s:qo:")) != -1) {
		switch (opt) {
		case 'n':
			runs = parse_long(optarg, 1, MAX_RUNS, "run count");
			break;
		case 's':
			expected = parse_long(optarg, 0, 255, "exit status");
			break;
		case 'q':
			quiet = 1;
			break;
		case 'o':
			out_path = optarg;
			break;
		default:
			usage();
		}
	}
	if (optind >= argc)
		usage();
	argv += optind;

	ms = calloc(runs, sizeof(*ms));
	if (!ms)
		die("calloc");
	null_fd = open("/dev/null", O_RDWR | O_CLOEXEC);
	if (null_fd < 0)
		die("open /dev/null");
	out_fd = null_fd;
	if (out_path) {
		out_fd = open(out_path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC,
			      0644);
		if (out_fd < 0)
			die("open output file");
	}

	/* Warm-up: untimed, but its status still has to be right. */
	status = run_once(argv, null_fd, out_fd, "warm-up run", &ms[0], &rss);
	if (out_fd != null_fd)
		close(out_fd);
	if (status != expected) {
		fprintf(stderr, "measure: warm-up run: exit status %d, expected %ld\n",
			status, expected);
		return 1;
	}

	for (i = 0; i < runs; i++) {
		snprintf(label, sizeof(label), "run %ld", i + 1);
		status = run_once(argv, null_fd, null_fd, label, &ms[i], &rss);
		if (status != expected) {
			fprintf(stderr, "measure: %s of %ld: exit status %d, expected %ld\n",
				label, runs, status, expected);
			return 1;
		}
		if (rss > max_rss)
			max_rss = rss;
		if (!quiet)
			fprintf(stderr, "%s: %.3f ms, %ld KiB\n", label, ms[i],
				rss);
	}

	qsort(ms, runs, sizeof(*ms), cmp_double);
	if (runs % 2)
		median = ms[runs / 2];
	else
		median = (ms[runs / 2 - 1] + ms[runs / 2]) / 2;
	printf("median_ms=%.3f min_ms=%.3f max_ms=%.3f rss_kib=%ld runs=%ld\n",
	       median, ms[0], ms[runs - 1], max_rss, runs);
	return 0;
}
