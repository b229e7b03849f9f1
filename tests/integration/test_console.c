// SPDX-License-Identifier: GPL-2.0-only
/*
 * The console on a terminal, as a user at a shell drives it: lkvm-sev runs
 * the echo guest (a line "rx XX" for each byte the UART receives) as a job
 * in a process group of its own on a pseudo-terminal, whose session leader
 * here plays the shell's job control (foreground, background, SIGCONT)
 * when told to. Keys are written to the terminal's master side; the guest's
 * lines, lkvm-sev's messages and the terminal's modes are what is checked.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/wait.h>
#include <termios.h>
#include <unistd.h>

#include "tests/tests.h"

#define CON_TIMEOUT 20.0

struct pty_job {
	int master;		/* keys in, the terminal's output out */
	int slave;		/* held here too, to read the terminal's modes */
	int ctl;		/* to the leader: 'f' foreground, 'b' background */
	int events;		/* from the leader: "stop\n", "exit N\n" */
	pid_t leader;
	char out[65536];	/* the terminal's output so far */
	size_t len;
	char ev[256];
	size_t ev_len;
};

/* The leader: the job's process group, the terminal's foreground, its exit. */
static void leader_run(const char *slave_name, int ctl, int events, bool fg,
		       const char *const *args)
{
	const char *argv[16] = { LKVM_BIN };
	int tty, st, i;
	pid_t job;
	char c;

	setsid();
	tty = open(slave_name, O_RDWR);
	if (tty < 0 || ioctl(tty, TIOCSCTTY, 0))
		_exit(90);
	signal(SIGTTOU, SIG_IGN);	/* tcsetpgrp from the background, as a shell */
	job = fork();
	if (job == 0) {
		setpgid(0, 0);
		if (fg)
			tcsetpgrp(tty, getpid());
		signal(SIGTTOU, SIG_DFL);
		dup2(tty, 0);
		dup2(tty, 1);
		dup2(tty, 2);
		for (i = 0; args[i] && i < 14; i++)
			argv[i + 1] = args[i];
		execv(LKVM_BIN, (char *const *)argv);
		_exit(91);
	}
	setpgid(job, job);
	if (fg)
		tcsetpgrp(tty, job);
	fcntl(ctl, F_SETFL, O_NONBLOCK);
	for (;;) {
		pid_t w = waitpid(job, &st, WUNTRACED | WNOHANG);

		if (w == job && WIFSTOPPED(st))
			dprintf(events, "stop\n");
		else if (w == job)
			break;
		if (read(ctl, &c, 1) == 1) {
			tcsetpgrp(tty, c == 'f' ? job : getpgrp());
			kill(-job, SIGCONT);
		}
		usleep(2000);
	}
	dprintf(events, "exit %d\n", WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st));
	_exit(0);
}

static void job_start(struct pty_job *j, bool fg, const char *const *args)
{
	int ctl[2], ev[2];
	char *name;

	memset(j, 0, sizeof(*j));
	j->master = posix_openpt(O_RDWR | O_NOCTTY | O_CLOEXEC);
	ck_assert_int_ge(j->master, 0);
	ck_assert_int_eq(grantpt(j->master), 0);
	ck_assert_int_eq(unlockpt(j->master), 0);
	name = ptsname(j->master);
	ck_assert_ptr_nonnull(name);
	j->slave = open(name, O_RDWR | O_NOCTTY | O_CLOEXEC);
	ck_assert_int_ge(j->slave, 0);
	ck_assert_int_eq(pipe2(ctl, O_CLOEXEC), 0);
	ck_assert_int_eq(pipe2(ev, O_CLOEXEC), 0);
	j->leader = fork();
	ck_assert_int_ge(j->leader, 0);
	if (j->leader == 0) {
		close(ctl[1]);
		close(ev[0]);
		leader_run(name, ctl[0], ev[1], fg, args);
	}
	close(ctl[0]);
	close(ev[1]);
	j->ctl = ctl[1];
	j->events = ev[0];
	fcntl(j->master, F_SETFL, O_NONBLOCK);
	fcntl(j->events, F_SETFL, O_NONBLOCK);
}

/* Reads what the terminal and the leader have; false once @t is past. */
static bool job_pump(struct pty_job *j, double t)
{
	struct pollfd pf[2] = { { .fd = j->master, .events = POLLIN },
				{ .fd = j->events, .events = POLLIN } };
	ssize_t n;

	if (now_sec() > t)
		return false;
	poll(pf, 2, 10);
	n = read(j->master, j->out + j->len, sizeof(j->out) - 1 - j->len);
	if (n > 0)
		j->len += (size_t)n;
	j->out[j->len] = '\0';
	n = read(j->events, j->ev + j->ev_len, sizeof(j->ev) - 1 - j->ev_len);
	if (n > 0)
		j->ev_len += (size_t)n;
	j->ev[j->ev_len] = '\0';
	return true;
}

static void job_wait_out(struct pty_job *j, const char *needle)
{
	double t = now_sec() + CON_TIMEOUT;

	while (!strstr(j->out, needle))
		ck_assert_msg(job_pump(j, t), "no '%s' on the terminal; it shows: %s", needle,
			      j->out);
}

static void job_wait_event(struct pty_job *j, const char *needle)
{
	double t = now_sec() + CON_TIMEOUT;

	while (!strstr(j->ev, needle))
		ck_assert_msg(job_pump(j, t), "no '%s' from the job; events: %s; terminal: %s",
			      needle, j->ev, j->out);
}

static void job_keys(struct pty_job *j, const char *keys)
{
	ck_assert_int_eq(write(j->master, keys, strlen(keys)), (ssize_t)strlen(keys));
}

static void job_ctl(struct pty_job *j, char c)
{
	ck_assert_int_eq(write(j->ctl, &c, 1), 1);
}

/* Whether the terminal is in raw mode (no line editing, no signal keys). */
static bool tty_raw(struct pty_job *j)
{
	struct termios t;

	ck_assert_int_eq(tcgetattr(j->slave, &t), 0);
	return !(t.c_lflag & (ICANON | ISIG | ECHO));
}

static void job_wait_raw(struct pty_job *j, bool raw)
{
	double t = now_sec() + CON_TIMEOUT;

	while (tty_raw(j) != raw)
		ck_assert_msg(job_pump(j, t), "the terminal never became %s; it shows: %s",
			      raw ? "raw" : "cooked", j->out);
}

static void job_end(struct pty_job *j)
{
	int st;

	kill(j->leader, SIGKILL);
	waitpid(j->leader, &st, 0);
	close(j->master);
	close(j->slave);
	close(j->ctl);
	close(j->events);
}

static const char *const echo_args[] = { "run", "--firmware", NULL, "--timeout", "60", NULL };

static void echo_start(struct pty_job *j, bool fg)
{
	const char *args[6];

	memcpy(args, echo_args, sizeof(args));
	args[2] = guest("echo");
	job_start(j, fg, args);
}

/*
 * Every key is the guest's, Ctrl-C included, but for Ctrl-Z and Ctrl-A:
 * Ctrl-A Ctrl-A and Ctrl-A Ctrl-Z send theirs, Ctrl-A h lists the keys,
 * Ctrl-A c says there is no monitor, Ctrl-A x quits with status 130 and
 * the terminal as it was.
 */
START_TEST(console_escape_keys)
{
	struct pty_job j;

	echo_start(&j, true);
	job_wait_out(&j, "echo: ready");
	job_wait_raw(&j, true);
	job_keys(&j, "\003");
	job_wait_out(&j, "rx 03");
	job_keys(&j, "\001\032");
	job_wait_out(&j, "rx 1a");
	job_keys(&j, "\001\001");
	job_wait_out(&j, "rx 01");
	job_keys(&j, "\001h");
	job_wait_out(&j, "console keys, Ctrl-A then: x quit");
	job_keys(&j, "\001c");
	job_wait_out(&j, "lkvm-sev has no monitor yet");
	/* An escape split across two reads still escapes. */
	job_keys(&j, "\001");
	usleep(100000);
	job_keys(&j, "q");
	job_keys(&j, "k");
	job_wait_out(&j, "rx 6b");
	ck_assert_msg(!strstr(j.out, "rx 71"), "Ctrl-A q reached the guest: %s", j.out);
	ck_assert_msg(!strstr(j.out, "\r\nlkvm-sev: stopped"), "stopped early: %s", j.out);
	job_keys(&j, "\001x");
	job_wait_event(&j, "exit 130");
	job_wait_out(&j, "lkvm-sev: stopped from the console (Ctrl-A x)");
	ck_assert_msg(!tty_raw(&j), "the terminal was left raw");
	ck_assert_msg(!strstr(j.ev, "stop"), "the job stopped: %s", j.ev);
	job_end(&j);
}
END_TEST

/*
 * Started in the background ('&'): the terminal stays the shell's and the
 * job keeps running (no SIGTTIN/SIGTTOU stop); fg makes it raw and the
 * keys the guest's; Ctrl-Z suspends with the terminal given back, fg takes
 * it raw again, and so do Ctrl-A z and fg.
 */
START_TEST(console_job_control)
{
	struct pty_job j;

	echo_start(&j, false);
	job_wait_out(&j, "echo: ready");
	job_wait_out(&j, "console input is off until it is in the foreground (fg)");
	usleep(300000);
	ck_assert_msg(!tty_raw(&j), "a background job made the terminal raw");
	ck_assert_msg(!strstr(j.ev, "stop"), "the background job stopped: %s", j.ev);
	job_ctl(&j, 'f');
	job_wait_raw(&j, true);
	job_keys(&j, "k");
	job_wait_out(&j, "rx 6b");
	job_keys(&j, "\032");
	job_wait_event(&j, "stop");
	job_wait_raw(&j, false);
	job_ctl(&j, 'f');
	job_wait_raw(&j, true);
	job_keys(&j, "m");
	job_wait_out(&j, "rx 6d");
	j.ev_len = 0;
	j.ev[0] = '\0';
	job_keys(&j, "\001z");
	job_wait_event(&j, "stop");
	job_wait_raw(&j, false);
	job_ctl(&j, 'f');
	job_wait_raw(&j, true);
	job_keys(&j, "n");
	job_wait_out(&j, "rx 6e");
	ck_assert_msg(!strstr(j.out, "rx 1a"), "Ctrl-Z reached the guest: %s", j.out);
	job_keys(&j, "\001x");
	job_wait_event(&j, "exit 130");
	ck_assert_msg(!tty_raw(&j), "the terminal was left raw");
	job_end(&j);
}
END_TEST

/* Not a terminal: stdin's bytes go to the guest as they are, Ctrl-A and Ctrl-Z included. */
START_TEST(console_pipe_unfiltered)
{
	struct vmm_proc p;

	vmm_spawn(&p, (const char *[]){ "run", "--firmware", guest("echo"), "--until", "rx 63",
					"--timeout", "20", NULL });
	ck_assert_int_eq(write(p.in_fd, "\001x\001\001\032c", 6), 6);
	ck_assert_int_eq(vmm_finish(&p, CON_TIMEOUT), 0);
	ck_assert_str_eq(p.out, "echo: ready\nrx 01\nrx 78\nrx 01\nrx 01\nrx 1a\nrx 63");
}
END_TEST

Suite *console_suite(void)
{
	Suite *s = suite_create("console");
	TCase *tc = tcase_create("tty");

	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, console_escape_keys);
	tcase_add_test(tc, console_job_control);
	tcase_add_test(tc, console_pipe_unfiltered);
	suite_add_tcase(s, tc);
	return s;
}
