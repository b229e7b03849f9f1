// SPDX-License-Identifier: GPL-2.0-only
/*
 * The console's input from a terminal: raw mode, the escape key and job
 * control (machine/console.h). The terminal is read whenever this job owns
 * it, whether or not the guest takes input, so that Ctrl-A x works while
 * firmware ignores the UART; the guest's bytes wait in a pipe, which its
 * device reads as it would read stdin.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include "machine/console.h"
#include "util/term.h"

/* The one console whose terminal the signal handlers look after. */
static int console_cont_fd = -1;

static void console_say(const char *msg)
{
	/* Raw mode keeps output processing: '\n' still starts a line. */
	dprintf(STDERR_FILENO, "\nlkvm-sev: %s\n", msg);
}

static const char console_keys[] =
	"console keys, Ctrl-A then: x quit (status 130), z suspend lkvm-sev as Ctrl-Z does "
	"(fg resumes), c the monitor (none yet), Ctrl-A or Ctrl-Z send that key to the guest, "
	"h this list";

static void console_command(struct console *c, uint8_t key)
{
	switch (key) {
	case 'x':
	case 'X':
		stop_request(c->stop, LK_EXIT_SIGINT, "stopped from the console (Ctrl-A x)");
		break;
	case 'z':
	case 'Z':
		raise(SIGTSTP);
		break;
	case 'c':
	case 'C':
		console_say("Ctrl-A c: lkvm-sev has no monitor yet (Ctrl-A h lists the keys)");
		break;
	case 'h':
	case 'H':
	case '?':
		console_say(console_keys);
		break;
	default:
		/* As QEMU: an unknown command is dropped with its escape. */
		break;
	}
}

size_t console_filter(struct console *c, uint8_t *buf, size_t n)
{
	size_t i, out = 0;

	for (i = 0; i < n; i++) {
		if (c->esc) {
			/* Ctrl-A Ctrl-A and Ctrl-A Ctrl-Z: the key itself, for the guest. */
			c->esc = false;
			if (buf[i] != CONSOLE_ESCAPE && buf[i] != CONSOLE_SUSPEND) {
				console_command(c, buf[i]);
				continue;
			}
		} else if (buf[i] == CONSOLE_ESCAPE) {
			c->esc = true;
			continue;
		} else if (buf[i] == CONSOLE_SUSPEND) {
			/* As in a shell: the job stops, and fg takes it back. */
			console_command(c, 'z');
			continue;
		}
		buf[out++] = buf[i];
	}
	return out;
}

/* Read the terminal exactly while it is ours, and raw while it is. */
static void console_refresh(struct console *c)
{
	bool fg = c->pipe_w >= 0 && term_foreground();
	bool ours = fg && term_raw_begin();
	struct lk_err err;

	/* Stopped by SIGSTOP, which cannot be caught, then sent to the background: */
	if (!fg)
		term_restore();

	if (!ours && c->pipe_w >= 0 && !c->bg_said)
		warn("the terminal belongs to another job (was this one started with '&'?): "
		     "console input is off until it is in the foreground (fg)");
	c->bg_said = !ours;
	if (c->in_src.fd >= 0 && ioloop_enable(c->loop, &c->in_src, ours, &err))
		stop_request_err(c->stop, &err);
}

/* The terminal is gone (hung up): the guest sees its input end. */
static void console_hangup(struct console *c)
{
	struct lk_err err;

	if (ioloop_enable(c->loop, &c->in_src, false, &err))
		stop_request_err(c->stop, &err);
	close(c->pipe_w);
	c->pipe_w = -1;
}

static void console_input(void *ctx)
{
	struct console *c = ctx;
	uint8_t buf[256];
	ssize_t n, w;

	n = read(STDIN_FILENO, buf, sizeof(buf));
	if (n < 0 && (errno == EINTR || errno == EAGAIN))
		return;
	if (n < 0 && errno == EIO && !term_foreground()) {
		console_refresh(c);	/* moved to the background meanwhile */
		return;
	}
	if (n <= 0) {
		console_hangup(c);
		return;
	}
	n = (ssize_t)console_filter(c, buf, (size_t)n);
	if (!n || c->pipe_w < 0)
		return;
	/* A pipe's worth of keys the guest has not read: more are typed into the void. */
	w = write(c->pipe_w, buf, (size_t)n);
	if (w < n && !c->dropped_said) {
		warn("console: the guest is not reading its input; keys typed now are dropped");
		c->dropped_said = true;
	}
}

static void console_continued(void *ctx)
{
	struct console *c = ctx;
	uint64_t v;

	if (read(c->cont_efd, &v, sizeof(v)) < 0 && errno != EAGAIN)
		return;
	console_refresh(c);
}

/*
 * SIGTSTP (Ctrl-A z, or kill -TSTP): the shell gets its terminal back as it
 * was, then the process stops as it would have. Async-signal-safe calls only.
 */
static void console_suspend(int sig)
{
	struct sigaction dfl = { .sa_handler = SIG_DFL }, me = { .sa_handler = console_suspend };
	int saved = errno;
	sigset_t set;

	term_restore();
	sigaction(sig, &dfl, NULL);
	sigemptyset(&set);
	sigaddset(&set, sig);
	sigprocmask(SIG_UNBLOCK, &set, NULL);
	raise(sig);		/* stops here until SIGCONT */
	sigaction(sig, &me, NULL);
	errno = saved;
}

/* SIGCONT (fg, bg): the I/O loop looks at whose terminal it is now. */
static void console_cont(int sig)
{
	uint64_t one = 1;
	int saved = errno;

	(void)sig;
	/* A full counter is a wake-up already pending. */
	if (console_cont_fd >= 0 && write(console_cont_fd, &one, sizeof(one)) < 0)
		one = 0;
	errno = saved;
}

static int console_signals(struct console *c, struct lk_err *err)
{
	struct sigaction tstp = { .sa_handler = console_suspend };
	struct sigaction cont = { .sa_handler = console_cont, .sa_flags = SA_RESTART };
	struct sigaction ign = { .sa_handler = SIG_IGN };

	console_cont_fd = c->cont_efd;
	sigemptyset(&tstp.sa_mask);
	sigemptyset(&cont.sa_mask);
	sigemptyset(&ign.sa_mask);
	/*
	 * In the background, reading the terminal gives EIO instead of
	 * stopping the process, and leaving raw mode at exit is not held up.
	 */
	if (sigaction(SIGTSTP, &tstp, NULL) || sigaction(SIGCONT, &cont, NULL) ||
	    sigaction(SIGTTIN, &ign, NULL) || sigaction(SIGTTOU, &ign, NULL))
		return err_sys(err, "sigaction (console job control)");
	return 0;
}

int console_init(struct console *c, struct ioloop *loop, struct stop *stop, bool headless,
		 struct lk_err *err)
{
	int p[2];

	*c = (struct console){ .loop = loop, .stop = stop, .guest_fd = -1, .pipe_r = -1,
			       .pipe_w = -1, .cont_efd = -1, .in_src.fd = -1, .cont_src.fd = -1 };
	if (headless)
		return 0;
	c->guest_fd = STDIN_FILENO;
	c->tty = isatty(STDIN_FILENO);
	if (!c->tty)
		return 0;
	if (pipe2(p, O_NONBLOCK | O_CLOEXEC))
		return err_sys(err, "console: pipe");
	c->pipe_r = c->guest_fd = p[0];
	c->pipe_w = p[1];
	c->cont_efd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
	if (c->cont_efd < 0)
		return err_sys(err, "console: eventfd");
	return 0;
}

int console_start(struct console *c, struct lk_err *err)
{
	if (!c->tty)
		return 0;
	if (console_signals(c, err) ||
	    ioloop_add(c->loop, &c->in_src, STDIN_FILENO, console_input, c, err) ||
	    ioloop_enable(c->loop, &c->in_src, false, err) ||
	    ioloop_add(c->loop, &c->cont_src, c->cont_efd, console_continued, c, err))
		return -1;
	console_refresh(c);
	return 0;
}

void console_destroy(struct console *c)
{
	term_restore();
	if (c->in_src.fd >= 0)
		ioloop_del(c->loop, &c->in_src);
	if (c->cont_src.fd >= 0)
		ioloop_del(c->loop, &c->cont_src);
	console_cont_fd = -1;
	if (c->cont_efd >= 0)
		close(c->cont_efd);
	if (c->pipe_w >= 0)
		close(c->pipe_w);
	if (c->pipe_r >= 0)
		close(c->pipe_r);
	c->cont_efd = c->pipe_w = c->pipe_r = c->guest_fd = -1;
}
