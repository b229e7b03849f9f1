// SPDX-License-Identifier: GPL-2.0-only
/* PLACEHOLDER while `lkvm-sev caps` is being written: replaced before commit. */
#include <stdio.h>

#include "commands.h"

int cmd_caps(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	fputs("lkvm-sev: caps: not built yet\n", stderr);
	return 2;
}
