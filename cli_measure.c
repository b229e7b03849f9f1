// SPDX-License-Identifier: GPL-2.0-only
/* PLACEHOLDER while `lkvm-sev measure` is being written: replaced before commit. */
#include <stdio.h>

#include "commands.h"

int cmd_measure(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	fputs("lkvm-sev: measure: not built yet\n", stderr);
	return 2;
}
