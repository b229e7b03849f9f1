// SPDX-License-Identifier: GPL-2.0-only
/*
 * libFuzzer target: serial markers (--until, --fail-on, --until-re). The
 * markers are checked and --until-re compiled (marker_cfg_check(): the
 * cost bound, regcomp), then the guest's output goes through the UART's
 * transmit register to the marker hook, byte by byte, as a guest's `out`
 * instructions send it. Literal markers are checked against a plain
 * search of the whole output: the first byte that completes a marker
 * decides, --fail-on first.
 *
 * Input: a byte (bits 0-1: --until markers, 2-3: --fail-on markers,
 * bit 4: an --until-re), that many NUL-terminated words, then the output.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "devices/serial.h"
#include "tests/fuzz/fuzz.h"
#include "util/marker.h"

/* A word from the input, NUL-terminated there; NULL at its end. */
static const char *word(const uint8_t **p, const uint8_t *end)
{
	const uint8_t *nul = memchr(*p, 0, (size_t)(end - *p));
	const char *w = (const char *)*p;

	if (!nul)
		return NULL;
	*p = nul + 1;
	return w;
}

/* Where a literal marker first completes in @out, and which; -1: nowhere. */
static long first_hit(const struct marker_cfg *cfg, const uint8_t *out, size_t n,
		      const char **text, bool *fail)
{
	size_t i, len;
	unsigned int k;

	for (i = 0; i < n; i++) {
		for (k = 0; k < cfg->nr_fail_on + cfg->nr_until; k++) {
			bool f = k < cfg->nr_fail_on;
			const char *s = f ? cfg->fail_on[k] : cfg->until[k - cfg->nr_fail_on];

			len = strlen(s);
			if (len <= i + 1 && !memcmp(out + i + 1 - len, s, len)) {
				*text = s;
				*fail = f;
				return (long)i;
			}
		}
	}
	return -1;
}

static void check_literal(const struct marker_cfg *cfg, const struct marker *m,
			  const uint8_t *out, size_t n)
{
	const char *text = NULL;
	bool fail = false;
	long at = first_hit(cfg, out, n, &text, &fail);

	if (m->seen != (at >= 0) || (at >= 0 && (m->seen_text != text || m->seen_fail != fail))) {
		fprintf(stderr, "fuzz_marker: the hook saw %s%s, the output has %s%s at byte %ld\n",
			m->seen ? "" : "nothing", m->seen ? m->seen_text : "",
			at >= 0 ? "" : "nothing", at >= 0 ? text : "", at);
		abort();
	}
}

/* The guest's output through the UART's transmit register, one `out` each. */
static void transmit(struct marker *mk, const uint8_t *out, size_t n)
{
	struct serial s;
	size_t i;

	serial_init(&s, -1, NULL, NULL);
	serial_set_output_hook(&s, marker_feed, mk);
	for (i = 0; i < n && !mk->seen; i++) {
		uint8_t c = out[i];

		serial_io(&s, 0, &c, 1, true);
	}
	serial_destroy(&s);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const uint8_t *p = data, *end = data + size;
	struct marker_cfg cfg = { 0 };
	struct marker mk;
	struct stop stop;
	struct lk_err err;
	unsigned int how, i;

	if (!size)
		return 0;
	how = *p++;
	for (i = 0; i < (how & 3); i++)
		if ((cfg.until[cfg.nr_until] = word(&p, end)))
			cfg.nr_until++;
	for (i = 0; i < ((how >> 2) & 3); i++)
		if ((cfg.fail_on[cfg.nr_fail_on] = word(&p, end)))
			cfg.nr_fail_on++;
	if (how & 0x10)
		cfg.until_re = word(&p, end);
	if (marker_cfg_check(&cfg, &err) || !marker_cfg_any(&cfg))
		goto out;
	if (stop_init(&stop, &err))
		abort();
	if (!marker_init(&mk, &cfg, &stop, &err)) {
		transmit(&mk, p, (size_t)(end - p));
		if (!cfg.until_re)
			check_literal(&cfg, &mk, p, (size_t)(end - p));
	}
	marker_destroy(&mk);
	stop_destroy(&stop);
out:
	marker_cfg_release(&cfg);
	return 0;
}
