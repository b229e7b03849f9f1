/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * `lkvm-sev caps --json` (cli/caps_json.c), which cli/caps.c calls for the
 * report as JSON. Both word the facts with the names of probe/caps.h.
 */
#ifndef LKVM_CLI_CAPS_H
#define LKVM_CLI_CAPS_H

#include <stdio.h>

#include "probe/caps.h"

void caps_print_json(const struct host_caps *c, FILE *f);

#endif
