/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The terminal on stdin: raw mode while a guest owns the console, restored
 * on every way out (normal return, error, signal-driven stop, exit(), a
 * suspend). Raw mode is entered only by the terminal's foreground job: a
 * job started with '&' leaves the shell's terminal as it is.
 */
#ifndef LKVM_UTIL_TERM_H
#define LKVM_UTIL_TERM_H

#include <stdbool.h>

/* Stdin is a terminal whose foreground process group is ours. */
bool term_foreground(void);
/* Raw mode, where stdin is a terminal we own; says whether it is on. */
bool term_raw_begin(void);
/* Back to the saved mode; async-signal-safe. */
void term_restore(void);

#endif
