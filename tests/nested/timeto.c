// SPDX-License-Identifier: GPL-2.0-only
/*
 * timeto: how long a program takes to print a marker. Used by the nested
 * test bed to time lkvm-sev and its peer, QEMU, the same way: from fork to
 * the moment the marker appears on the child's stdout or stderr.
 *
 *   timeto [-t SECONDS] [-o LOG] [-s TEXT] MARKER -- COMMAND [ARG...]
 *
 * With -s, every line of output that contains TEXT is printed as `stamp MS
 * LINE` as it arrives: the wall clock of the machine timeto runs on, for
 * steps a guest announces on its console. Prints `marker MS` when it
 * appears (then SIGTERMs the child, unless it exits by itself within a
 * second), and `exit STATUS MS` when the child ends. Exit status: 0 if
 * the marker appeared, 1 if the child ended or the time ran out first (the
 * child is killed), 2 on bad usage.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static double now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static pid_t spawn(char **argv, int *out)
{
	int p[2];
	pid_t pid;

	if (pipe(p))
		return -1;
	pid = fork();
	if (pid == 0) {
		int null = open("/dev/null", O_RDONLY);

		dup2(null, 0);
		dup2(p[1], 1);
		dup2(p[1], 2);
		close(p[0]);
		close(p[1]);
		execvp(argv[0], argv);
		fprintf(stderr, "timeto: %s: %s\n", argv[0], strerror(errno));
		_exit(127);
	}
	close(p[1]);
	*out = p[0];
	return pid;
}

/* Keeps the last strlen(marker) - 1 bytes so a marker split across reads is found. */
static bool scan(char *win, size_t *len, size_t keep, const char *buf, size_t n,
		 const char *marker)
{
	bool found = false;
	size_t i;

	for (i = 0; i < n; i++) {
		if (*len == keep) {
			memmove(win, win + 1, keep - 1);
			(*len)--;
		}
		win[(*len)++] = buf[i];
		win[*len] = '\0';
		if (*len == keep && !memcmp(win, marker, keep))
			found = true;
	}
	return found;
}

/* -s: complete lines containing @text, stamped; a partial line waits in @line. */
static void stamp_lines(char *line, size_t *len, size_t max, const char *buf, size_t n,
			const char *text, double ms)
{
	size_t i;

	for (i = 0; i < n; i++) {
		if (buf[i] != '\n') {
			if (*len < max - 1 && buf[i] != '\r')
				line[(*len)++] = buf[i];
			continue;
		}
		line[*len] = '\0';
		if (strstr(line, text))
			printf("stamp %.1f %s\n", ms, line);
		*len = 0;
	}
	fflush(stdout);
}

int main(int argc, char **argv)
{
	double limit = 600, start, end;
	const char *log = NULL, *marker, *stamp = NULL;
	int opt, fd, status = 0, logfd = -1;
	bool seen = false, eof = false;
	char buf[4096], line[1024], *win;
	size_t win_len = 0, line_len = 0;
	pid_t pid;

	while ((opt = getopt(argc, argv, "+t:o:s:")) != -1) {
		if (opt == 't')
			limit = atof(optarg);
		else if (opt == 'o')
			log = optarg;
		else if (opt == 's')
			stamp = optarg;
		else
			return 2;
	}
	if (argc - optind < 3 || strcmp(argv[optind + 1], "--") || !argv[optind][0]) {
		fprintf(stderr, "usage: timeto [-t SECONDS] [-o LOG] [-s TEXT] MARKER -- COMMAND "
			"[ARG...]\n");
		return 2;
	}
	marker = argv[optind];
	win = calloc(strlen(marker) + 1, 1);
	if (log && (logfd = open(log, O_WRONLY | O_CREAT | O_TRUNC, 0644)) < 0) {
		fprintf(stderr, "timeto: %s: %s\n", log, strerror(errno));
		return 2;
	}
	start = now_ms();
	pid = spawn(argv + optind + 2, &fd);
	if (pid < 0 || !win)
		return 2;
	end = start + limit * 1e3;
	for (;;) {
		struct pollfd pfd = { .fd = fd, .events = POLLIN };
		double left = end - now_ms();
		ssize_t n;

		if (left <= 0 || poll(&pfd, 1, (int)left + 1) == 0)
			break;
		n = read(fd, buf, sizeof(buf));
		if (n <= 0) {
			eof = true;
			break;
		}
		if (logfd >= 0 && write(logfd, buf, (size_t)n) != n)
			return 2;
		if (stamp)
			stamp_lines(line, &line_len, sizeof(line), buf, (size_t)n, stamp,
				    now_ms() - start);
		if (!seen && scan(win, &win_len, strlen(marker), buf, (size_t)n, marker)) {
			seen = true;
			printf("marker %.1f\n", now_ms() - start);
			fflush(stdout);
			end = now_ms() + 1000;
		}
	}
	/* The child closed its output: it is ending, wait for it. */
	if (!eof)
		kill(pid, seen ? SIGTERM : SIGKILL);
	waitpid(pid, &status, 0);
	printf("exit %d %.1f%s\n", WIFEXITED(status) ? WEXITSTATUS(status) :
	       128 + WTERMSIG(status), now_ms() - start, eof ? "" : " (stopped by timeto)");
	return seen ? 0 : 1;
}
