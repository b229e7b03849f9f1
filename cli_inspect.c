// SPDX-License-Identifier: GPL-2.0-only
/* PLACEHOLDER while `lkvm-sev inspect` is being written: replaced before commit. */
#include <stdio.h>

#include "commands.h"

int cmd_inspect(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	fputs("lkvm-sev: inspect: not built yet\n", stderr);
	return 2;
}
