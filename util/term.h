/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The terminal on stdin: raw mode while a guest owns the console, restored
 * on every way out (normal return, error, signal-driven stop, exit()).
 * Ctrl-C still reaches lkvm-sev as SIGINT and stops the VM cleanly.
 */
#ifndef LKVM_UTIL_TERM_H
#define LKVM_UTIL_TERM_H

void term_raw_begin(void);
void term_restore(void);

#endif
