// SPDX-License-Identifier: GPL-2.0-only
/* Raw terminal mode for the guest console, and whether this job owns the terminal. */
#include <stdbool.h>
#include <stdlib.h>
#include <termios.h>
#include <unistd.h>

#include "util/term.h"

static struct termios term_saved;
static volatile bool term_is_raw;

bool term_foreground(void)
{
	pid_t fg = tcgetpgrp(STDIN_FILENO);

	return fg >= 0 && fg == getpgrp();
}

/* Only async-signal-safe calls: the suspend handler restores through this. */
void term_restore(void)
{
	if (term_is_raw) {
		tcsetattr(STDIN_FILENO, TCSAFLUSH, &term_saved);
		term_is_raw = false;
	}
}

bool term_raw_begin(void)
{
	static bool registered;
	struct termios t;

	if (term_is_raw)
		return true;
	if (!isatty(STDIN_FILENO) || !term_foreground() || tcgetattr(STDIN_FILENO, &term_saved))
		return false;
	t = term_saved;
	/*
	 * No key makes a signal: Ctrl-C is the guest's, as in QEMU's
	 * -nographic, and the console (machine/console.c) reads Ctrl-Z and
	 * its escape key itself. Output processing stays, so that a lone
	 * '\n' from the guest still starts a new line.
	 */
	cfmakeraw(&t);
	t.c_oflag |= OPOST | ONLCR;
	if (tcsetattr(STDIN_FILENO, TCSAFLUSH, &t))
		return false;
	term_is_raw = true;
	if (!registered) {
		atexit(term_restore);
		registered = true;
	}
	return true;
}
