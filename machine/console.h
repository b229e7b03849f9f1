/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The console's input: stdin, to the UART or the virtio console. Where
 * stdin is a terminal, lkvm-sev owns it much as QEMU's -nographic does: raw
 * mode, every key the guest's (Ctrl-C too) except two. Ctrl-Z suspends
 * lkvm-sev as it would any job (the terminal restored; fg takes it back
 * raw), and Ctrl-A, the escape key, makes the next key a command (x quits,
 * z suspends, h lists them; Ctrl-A and Ctrl-Z send themselves to the
 * guest). A job in the background leaves the terminal alone until it is
 * brought to the foreground. Elsewhere (a file, a pipe) stdin's bytes go to
 * the guest unchanged.
 */
#ifndef LKVM_MACHINE_CONSOLE_H
#define LKVM_MACHINE_CONSOLE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "util/ioloop.h"

#define CONSOLE_ESCAPE	0x01	/* Ctrl-A, as QEMU's */
#define CONSOLE_SUSPEND	0x1a	/* Ctrl-Z */

struct console {
	struct ioloop *loop;
	struct stop *stop;
	int guest_fd;		/* what the guest's device reads: -1, stdin or @pipe_r */
	/* With a terminal: */
	bool tty;
	int pipe_r, pipe_w;	/* the guest's bytes, escapes taken out */
	int cont_efd;		/* SIGCONT seen: the terminal may be ours again */
	struct ioloop_src in_src, cont_src;
	bool esc;		/* Ctrl-A was the last key: the next is a command */
	bool bg_said;		/* the background warning was given */
	bool dropped_said;
};

/* Where input comes from; @headless (--console none): nowhere. */
int console_init(struct console *c, struct ioloop *loop, struct stop *stop, bool headless,
		 struct lk_err *err);
/* The terminal raw (in the foreground), and input read from now on. */
int console_start(struct console *c, struct lk_err *err);
void console_destroy(struct console *c);
/* Takes the escapes out of @buf (carrying a Ctrl-A over to the next call); the bytes left. */
size_t console_filter(struct console *c, uint8_t *buf, size_t n);

#endif
