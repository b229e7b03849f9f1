# SPDX-License-Identifier: GPL-2.0-only
#
# bench.mk - make fragment for the start-up benchmark helpers (bench/floor,
# bench/measure), included by the top-level Makefile.  $(O) is the output
# directory, ending in '/'.  bench/startup.sh runs them.

BENCH_CFLAGS := -std=gnu11 -O2 -Wall -Wextra -Werror
BENCH_BINS := $(O)bench/floor $(O)bench/measure

$(BENCH_BINS): $(O)bench/%: bench/%.c bench/bench.mk
	@mkdir -p $(dir $@)
	$(CC) $(BENCH_CFLAGS) -o $@ $<

# The disk-read engines compared without a device (bench/blkengines.c).
$(O)bench/blkengines: bench/blkengines.c bench/bench.mk | deps-check
	@mkdir -p $(dir $@)
	$(CC) $(BENCH_CFLAGS) -D_GNU_SOURCE -pthread -o $@ $< $(call pkg_libs,liburing)
