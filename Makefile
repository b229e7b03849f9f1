# SPDX-License-Identifier: GPL-2.0-only
#
# lkvm-sev build. Every output goes under $(O), a directory (default build/),
# so that a checkout stays clean and the sanitizer build can live beside the
# normal one (O=build/sanitize/ SANITIZE=1). Sources are found by folder:
# a new .c file in one of $(SRC_DIRS) needs no edit here.
#   make                  build/lkvm-sev, test guests, test runner, bench tools
#   make check            build and run every test (build/tests/run-tests)
#   make check-sanitize   the same under AddressSanitizer + UBSan (build/sanitize/)
#   make check-hw         OVMF and Linux boots where KVM runs guest code natively
#   make check-nested     the nested test bed: a real kvm_amd under QEMU TCG
#   make fuzz             build the libFuzzer targets (clang, ASan + UBSan) under
#                         $(O)fuzz/ and run each for FUZZ_SECONDS (default 60);
#                         fails on a crash, leak or timeout (tests/fuzz/README.md)
#   make bench            start-up, exit-path, measure and virtio-blk benchmarks (BENCHMARKS.md)
#   make bench-nested     lkvm-sev against QEMU in the nested test bed
#   make install          lkvm-sev, its man page and bash completion under
#                         $(DESTDIR)$(PREFIX) (default /usr/local); make uninstall
#   make clean            this build's outputs under $(O); other builds there
#                         (build/sanitize/) and the nested bed's downloads
#                         (build/nested/) stay

O ?= build/
ifeq ($(strip $(O)),)
$(error O is empty: outputs go in a directory of their own (default build/))
endif
# One trailing '/', whether or not O= gave it; never the source tree itself.
override O := $(patsubst %//,%/,$(strip $(O))/)
ifeq ($(abspath $(O)),$(CURDIR))
$(error O=$(O) is the source tree: outputs go in a directory of their own (default build/))
endif
CC ?= gcc
AS := as
LD := ld
PKG_CONFIG ?= pkg-config
VERSION := 0.1.0$(shell git describe --always --dirty 2>/dev/null | sed 's/^/-g/')

CFLAGS := -std=gnu11 -O2 -g -Wall -Wextra -Werror -Wshadow -Wstrict-prototypes \
	-Wmissing-prototypes -Wno-missing-field-initializers -pthread -I.
CPPFLAGS := -MMD -MP -D_GNU_SOURCE -DLKVM_VERSION='"$(VERSION)"'
LDFLAGS := -pthread -Wl,--as-needed
# lkvm-sev itself links statically: half the resident memory of a dynamic
# glibc (no loader, only the libc pages it uses; see BENCHMARKS.md).
# STATIC=0 links dynamically; sanitizer builds always do.
STATIC ?= 1
ifeq ($(SANITIZE),1)
CFLAGS += -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer
LDFLAGS += -fsanitize=address,undefined
STATIC := 0
endif
# sev/attest.ld: the static binary keeps verify's and measure --id-key's
# code in segments of their own, off run's pages (BENCHMARKS.md).
ATTEST_LDFLAGS := -Wl,-T,sev/attest.ld
BIN_LDFLAGS := $(if $(filter 1,$(STATIC)),-static $(ATTEST_LDFLAGS))

# Libraries come from pkg-config; --as-needed links only those in use.
# Debian 12's libfdt-dev ships no .pc file: fall back to -lfdt there.
# hogweed (nettle's public-key half) and gmp: ECDSA P-384 and RSA-PSS for
# verify and ID-block signing; libtasn1: their DER. In this order, so that a
# static link finds each library's needs after it.
PKGS := hogweed nettle gmp libtasn1 liburing
PKGS_CHECK := check
pkg_cflags = $(shell $(PKG_CONFIG) --cflags $(1))
pkg_libs = $(shell $(PKG_CONFIG) --libs $(1))
FDT_LIBS := $(shell $(PKG_CONFIG) --libs libfdt 2>/dev/null || echo -lfdt)

# The program's folders (main.c, at the top, is lkvm-sev's alone).
SRC_DIRS := cli kvm probe devices machine firmware sev util
LIB_SRCS := $(wildcard $(SRC_DIRS:%=%/*.c))
# sev/x509.asn, the ASN.1 types verify and measure --id-key decode, compiled
# by asn1Parser (Debian's libtasn1-bin) into libtasn1's static tree.
ASN1_OBJ := $(O)sev/x509_asn1.o
LIB_OBJS := $(LIB_SRCS:%.c=$(O)%.o) $(O)firmware/default_blob.o $(O)firmware/calibrate.o \
	$(ASN1_OBJ)
TEST_SRCS := $(wildcard tests/*.c tests/unit/*.c tests/integration/*.c)
TEST_OBJS := $(TEST_SRCS:%.c=$(O)%.o)
DEFAULT_FW := $(O)firmware/default.bin

all: $(O)lkvm-sev $(O)lkvm-sev-dyn guests $(O)tests/run-tests bench-tools hostsim \
	$(O)tests/nested/timeto $(O)tests/nested/vsockpipe

include tests/guests/guests.mk
include bench/bench.mk
include tests/hostsim/hostsim.mk

guests: $(GUEST_BINS)
bench-tools: $(BENCH_BINS) $(O)bench/exitpath $(O)bench/blkpath $(O)bench/blkengines

.PHONY: all guests bench-tools check check-sanitize check-hw check-nested bench bench-nested
.PHONY: clean deps-check
.PHONY: install uninstall

deps-check:
	@$(PKG_CONFIG) --exists $(PKGS) $(PKGS_CHECK) && test -f /usr/include/libfdt.h && \
	command -v asn1Parser >/dev/null || \
	{ echo "missing libraries or tools: ./dev.sh installs libfdt-dev, nettle-dev, libgmp-dev," \
		"libtasn1-6-dev, libtasn1-bin, liburing-dev, check" >&2; exit 1; }

$(O)%.o: %.c | deps-check
	@mkdir -p $(@D)
	$(CC) $(CPPFLAGS) $(CFLAGS) $(call pkg_cflags,$(PKGS)) -c -o $@ $<

$(O)tests/%.o: tests/%.c | deps-check
	@mkdir -p $(@D)
	$(CC) $(CPPFLAGS) $(CFLAGS) $(call pkg_cflags,$(PKGS_CHECK)) \
		-DLKVM_BIN='"$(abspath $(O)lkvm-sev)"' \
		-DGUEST_DIR='"$(abspath $(O)tests/guests)"' -DSRC_DIR='"$(abspath .)"' \
		-c -o $@ $<

$(DEFAULT_FW): firmware/default.S
	@mkdir -p $(@D)
	$(AS) --32 -o $(@:.bin=.o) $<
	$(LD) -m elf_i386 -z noexecstack -Ttext=0 -e 0 -o $(@:.bin=.elf) $(@:.bin=.o)
	objcopy -O binary -j .text $(@:.bin=.elf) $@
	@test "$$(wc -c < $@)" -eq 65536 || { echo "$@: not 64 KiB" >&2; rm -f $@; exit 1; }

$(O)sev/x509_asn1.c: sev/x509.asn | deps-check
	@mkdir -p $(@D)
	@# asn1Parser says "Done." on stderr and its errors on stdout.
	asn1Parser -o $@ -n lkvm_sev_asn1_tab $< 2>/dev/null

$(ASN1_OBJ): $(O)sev/x509_asn1.c
	$(CC) $(CPPFLAGS) $(CFLAGS) $(call pkg_cflags,$(PKGS)) -c -o $@ $<

$(O)firmware/default_blob.o: firmware/default_blob.S $(DEFAULT_FW)
	@mkdir -p $(@D)
	$(CC) -c -DDEFAULT_FIRMWARE_BIN='"$(DEFAULT_FW)"' -o $@ $<

# The calibration guest of `caps`: real-mode code assembled straight into
# the binary's read-only data (firmware/calibrate.S says why that works).
$(O)firmware/calibrate.o: firmware/calibrate.S | deps-check
	@mkdir -p $(@D)
	$(CC) $(CPPFLAGS) -I. -c -o $@ $<

$(O)lkvm-sev: $(O)main.o $(LIB_OBJS) sev/attest.ld
	$(CC) $(CFLAGS) -o $@ $(filter %.o,$^) $(LDFLAGS) $(BIN_LDFLAGS) $(call pkg_libs,$(PKGS)) \
		$(FDT_LIBS)

# The same program linked dynamically, so that LD_PRELOAD (the simulated SEV
# host, tests/hostsim) can stand in for the kernel: a static binary's
# system calls cannot be interposed.
$(O)lkvm-sev-dyn: $(O)main.o $(LIB_OBJS)
	$(CC) $(CFLAGS) -o $@ $^ $(LDFLAGS) $(call pkg_libs,$(PKGS)) $(FDT_LIBS)

$(O)tests/run-tests: $(TEST_OBJS) $(LIB_OBJS)
	$(CC) $(CFLAGS) -o $@ $^ $(LDFLAGS) $(call pkg_libs,$(PKGS) $(PKGS_CHECK)) $(FDT_LIBS)

$(O)bench/exitpath: $(O)bench/exitpath.o $(LIB_OBJS)
	$(CC) $(CFLAGS) -o $@ $^ $(LDFLAGS) $(call pkg_libs,$(PKGS)) $(FDT_LIBS)

# Every allocation is counted (bench/blkpath.c): none may come per request.
$(O)bench/blkpath: $(O)bench/blkpath.o $(O)tests/vdrv.o $(LIB_OBJS)
	$(CC) $(CFLAGS) -o $@ $^ $(LDFLAGS) $(call pkg_libs,$(PKGS)) $(FDT_LIBS) \
		-Wl,--wrap=malloc,--wrap=calloc,--wrap=realloc

check: all
	$(O)tests/run-tests

# Boots stock OVMF and Linux; skips, saying why, where KVM emulates guest code.
check-hw: $(O)lkvm-sev
	LKVM=$(abspath $(O)lkvm-sev) tests/hw/check-hw.sh

# The nested test bed: lkvm-sev on Linux 6.12's and 6.1's kvm_amd, nested
# under QEMU TCG (tests/nested/README.md). Needs the Debian packages that
# ./dev.sh installs; downloads the kernel packages into build/nested.
check-nested: $(O)lkvm-sev $(O)tests/run-tests $(O)tests/nested/timeto \
		$(O)tests/nested/vsockpipe guests
	LKVM_BUILD=$(O) tests/nested/nested.sh

# The nested bed's benchmarks: QEMU and lkvm-sev on the same real KVM.
bench-nested: $(O)lkvm-sev $(O)tests/run-tests $(O)tests/nested/timeto \
		$(O)tests/nested/vsockpipe guests
	LKVM_BUILD=$(O) tests/nested/nested.sh peer peer-blk peer-io

# Static, so without sanitizers: they run inside the nested bed's initramfs.
$(O)tests/nested/timeto $(O)tests/nested/vsockpipe: $(O)tests/nested/%: tests/nested/%.c
	@mkdir -p $(@D)
	$(CC) $(CPPFLAGS) $(filter-out -fsanitize=%,$(CFLAGS)) -static -o $@ $<

check-sanitize:
	$(MAKE) O=build/sanitize/ SANITIZE=1 check

# ---- Fuzzing: libFuzzer targets (tests/fuzz/README.md) ----
# tests/fuzz/fuzz_*.c, one target each, linked with the other tests/fuzz/*.c
# (a fake /dev/kvm: every ioctl goes through it, -Wl,--wrap=ioctl) and the
# program's own sources compiled again with clang under ASan + UBSan into
# $(FUZZ_DIR)obj/ (gcc's objects cannot carry libFuzzer's coverage). `make
# fuzz` runs each target for FUZZ_SECONDS on a scratch corpus seeded from
# tests/fuzz/corpus/TARGET/, which it only reads, and fails on any crash,
# leak or timeout (FUZZ_TIMEOUT seconds for one input), naming the input.
FUZZ_CC ?= clang
FUZZ_SECONDS ?= 60
FUZZ_TIMEOUT ?= 10
FUZZ_DIR := $(O)fuzz/
FUZZ_CFLAGS := $(filter-out -O2 -Werror -fsanitize=% -fno-sanitize-recover=%,$(CFLAGS)) -O1 \
	-fno-omit-frame-pointer -fsanitize=address,undefined -fno-sanitize-recover=all \
	-Wno-gnu-variable-sized-type-not-at-end
FUZZ_SRCS := $(wildcard tests/fuzz/fuzz_*.c)
FUZZ_NAMES := $(FUZZ_SRCS:tests/fuzz/%.c=%)
FUZZ_BINS := $(FUZZ_NAMES:%=$(FUZZ_DIR)%)
FUZZ_HELPER_OBJS := $(patsubst %.c,$(FUZZ_DIR)obj/%.o,\
	$(filter-out $(FUZZ_SRCS),$(wildcard tests/fuzz/*.c)))
FUZZ_LIB_OBJS := $(LIB_SRCS:%.c=$(FUZZ_DIR)obj/%.o)
FUZZ_LIB := $(FUZZ_DIR)liblkvm-sev.a

.PHONY: fuzz fuzz-build

fuzz-build: $(FUZZ_BINS)

fuzz: fuzz-build
	tests/fuzz/run.sh $(FUZZ_DIR) $(FUZZ_SECONDS) $(FUZZ_TIMEOUT) $(FUZZ_NAMES)

# The program's objects: its own warnings are gcc's to enforce, not clang's;
# set-up code every input runs alike is left out of coverage (nocov.txt).
$(FUZZ_DIR)obj/%.o: %.c tests/fuzz/nocov.txt | deps-check
	@mkdir -p $(@D)
	$(FUZZ_CC) $(CPPFLAGS) $(FUZZ_CFLAGS) -fsanitize=fuzzer-no-link \
		-fsanitize-coverage-ignorelist=tests/fuzz/nocov.txt \
		$(call pkg_cflags,$(PKGS)) -c -o $@ $<

$(FUZZ_DIR)obj/tests/fuzz/%.o: tests/fuzz/%.c | deps-check
	@mkdir -p $(@D)
	$(FUZZ_CC) $(CPPFLAGS) $(FUZZ_CFLAGS) -Werror -fsanitize=fuzzer-no-link \
		$(call pkg_cflags,$(PKGS)) -c -o $@ $<

# An archive: each target links only the objects it reaches. The firmware
# blobs and the ASN.1 tables are data, gcc's objects as the program has them.
$(FUZZ_LIB): $(FUZZ_LIB_OBJS) $(O)firmware/default_blob.o $(O)firmware/calibrate.o $(ASN1_OBJ)
	@rm -f $@
	ar rcs $@ $^

$(FUZZ_BINS): $(FUZZ_DIR)%: $(FUZZ_DIR)obj/tests/fuzz/%.o $(FUZZ_HELPER_OBJS) $(FUZZ_LIB)
	$(FUZZ_CC) $(FUZZ_CFLAGS) -fsanitize=fuzzer -o $@ $^ -Wl,--wrap=ioctl $(LDFLAGS) \
		$(call pkg_libs,$(PKGS)) $(FDT_LIBS)

-include $(wildcard $(FUZZ_LIB_OBJS:.o=.d) $(FUZZ_HELPER_OBJS:.o=.d) \
	$(FUZZ_NAMES:%=$(FUZZ_DIR)obj/tests/fuzz/%.d))
# ---- end of fuzzing ----

# Installs under $(DESTDIR)$(PREFIX): the static binary, lkvm-sev(1) and the
# bash completion. Builds the binary first, if it is out of date.
PREFIX ?= /usr/local
DESTDIR ?=
BINDIR := $(DESTDIR)$(PREFIX)/bin
MAN1DIR := $(DESTDIR)$(PREFIX)/share/man/man1
BASHCOMPDIR := $(DESTDIR)$(PREFIX)/share/bash-completion/completions
DOCDIR := $(DESTDIR)$(PREFIX)/share/doc/lkvm-sev

install: $(O)lkvm-sev
	install -d $(BINDIR) $(MAN1DIR) $(BASHCOMPDIR) $(DOCDIR)
	install -m 0755 $(O)lkvm-sev $(BINDIR)/lkvm-sev
	install -m 0644 doc/lkvm-sev.1 $(MAN1DIR)/lkvm-sev.1
	install -m 0644 completion/lkvm-sev.bash $(BASHCOMPDIR)/lkvm-sev
	install -m 0644 doc/report.schema.json $(DOCDIR)/report.schema.json

uninstall:
	rm -f $(BINDIR)/lkvm-sev $(MAN1DIR)/lkvm-sev.1 $(BASHCOMPDIR)/lkvm-sev \
		$(DOCDIR)/report.schema.json
	-rmdir $(DOCDIR) 2>/dev/null

bench: all
	LKVM_BUILD=$(O) bench/startup.sh
	LKVM_BUILD=$(O) bench/exitpath.sh
	LKVM_BUILD=$(O) bench/serialpath.sh
	LKVM_BUILD=$(O) bench/measure.sh
	LKVM_BUILD=$(O) bench/blkpath.sh

# The folders under $(O) that mirror the source tree, and the files at its
# top. Other builds under build/ (build/sanitize/) and the nested bed's
# downloads (build/nested/, ~180 MB) are left alone.
clean:
	rm -rf $(addprefix $(O),lkvm-sev lkvm-sev-dyn *.o *.d $(SRC_DIRS) tests bench)

# This build's dependency files only (not another O='s).
-include $(wildcard $(addsuffix .d,$(basename $(O)main.o $(LIB_OBJS) $(TEST_OBJS) \
	$(O)bench/exitpath.o $(O)bench/blkpath.o $(HOSTSIM_LIB_OBJS) $(HOSTSIM_DRIVE_OBJS) \
	$(O)tests/nested/timeto $(O)tests/nested/vsockpipe)))
