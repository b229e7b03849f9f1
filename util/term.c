// SPDX-License-Identifier: GPL-2.0-only
/* Raw terminal mode for the guest console. */
#include <stdbool.h>
#include <stdlib.h>
#include <termios.h>
#include <unistd.h>

#include "util/term.h"

static struct termios term_saved;
static bool term_is_raw;

void term_restore(void)
{
	if (term_is_raw) {
		tcsetattr(STDIN_FILENO, TCSAFLUSH, &term_saved);
		term_is_raw = false;
	}
}

void term_raw_begin(void)
{
	static bool registered;
	struct termios t;

	if (term_is_raw || !isatty(STDIN_FILENO) || tcgetattr(STDIN_FILENO, &term_saved))
		return;
	t = term_saved;
	cfmakeraw(&t);
	/* Keep signals (Ctrl-C stops the VM) and output processing. */
	t.c_lflag |= ISIG;
	t.c_oflag |= OPOST | ONLCR;
	if (tcsetattr(STDIN_FILENO, TCSAFLUSH, &t))
		return;
	term_is_raw = true;
	if (!registered) {
		atexit(term_restore);
		registered = true;
	}
}
