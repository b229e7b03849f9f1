/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * What the simulated host's two test files share: running hs-drive (or
 * another dynamically linked program) with the library preloaded and a
 * controlled HOSTSIM_* environment, capturing its output; and where the
 * ../shared vectors are.
 */
#ifndef HOSTSIM_TEST_H
#define HOSTSIM_TEST_H

#include <check.h>
#include <stdbool.h>
#include <stddef.h>

#define HS_OUT_MAX (256 * 1024)

struct hs_proc {
	int status;		/* exit status, 128 + signal, -1 on timeout */
	char out[HS_OUT_MAX];
	size_t out_len;
	char err[16 * 1024];
	size_t err_len;
	char log[300];		/* $HOSTSIM_LOG of this run */
	char dir[64];		/* a fresh directory, removed by hs_done() */
};

/*
 * Runs @prog (NULL: hs-drive) with @args under the simulated host; @env
 * holds "HOSTSIM_X=value" settings (every other HOSTSIM_* is cleared).
 */
void hs_spawn(struct hs_proc *p, const char *prog, const char *const *env,
	      const char *const *args);
void hs_done(struct hs_proc *p);
/* A path under ../shared (the directory beside the clone). */
const char *hs_shared(const char *rel);
/* A file of ../shared/vectors/snp (the last eight names stay valid at once). */
const char *hs_snp_vector(const char *name);
/* Whether the SNP vectors are there; if not, a SKIP line for @what that names ../shared. */
bool hs_have_snp_vectors(const char *what);
/* hs-drive rule NAME under @env: its whole output must be @expected. */
void hs_expect_rule(const char *name, const char *const *env, const char *expected);

void hostsim_add_rule_tests(Suite *s);

#endif
