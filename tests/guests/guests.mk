# SPDX-License-Identifier: GPL-2.0-only
#
# Build the x86 test guests: flat 64 KiB firmware images, assembled with
# binutils only.  Include this from the top-level Makefile; it defines
# GUEST_BINS (every image, under $(O)tests/guests/, where O is the output
# directory, ending in '/') and pattern rules to build them.  Each NAME.S
# here is a guest NAME.bin, but for exit.S and reset.S, which are built
# once per variant (exit-N.bin, reset-cf9.bin, reset-kbd.bin); timerloop.S
# is portloop.bin too.  Only pattern rules are defined here, so including
# this fragment does not change the including Makefile's default goal.

GUEST_SRC := $(patsubst %/,%,$(dir $(lastword $(MAKEFILE_LIST))))
GUEST_OUT := $(O)tests/guests

GUEST_AS ?= $(AS)
GUEST_LD ?= $(LD)
GUEST_OBJCOPY ?= objcopy

GUEST_NAMES := $(filter-out exit reset,$(basename $(notdir $(wildcard $(GUEST_SRC)/*.S)))) \
	exit-0 exit-1 exit-42 exit-61 reset-cf9 reset-kbd portloop
GUEST_BINS := $(patsubst %,$(GUEST_OUT)/%.bin,$(GUEST_NAMES))

GUEST_DEPS := $(GUEST_SRC)/lib.inc $(GUEST_SRC)/virtio.inc $(GUEST_SRC)/guest.ld \
	$(GUEST_SRC)/guests.mk

# $(call guest_build,extra as flags): assemble $<, link and flatten to $@,
# then check that the image is exactly 64 KiB.
define guest_build
	@mkdir -p $(@D)
	$(GUEST_AS) --32 -I $(GUEST_SRC) $(1) -o $(@:.bin=.o) $<
	$(GUEST_LD) -m elf_i386 -z noexecstack -T $(GUEST_SRC)/guest.ld \
		-o $(@:.bin=.elf) $(@:.bin=.o)
	$(GUEST_OBJCOPY) -O binary $(@:.bin=.elf) $@
	@size=$$(wc -c < $@); if [ "$$size" -ne 65536 ]; then \
		echo "$@: $$size bytes, expected 65536" >&2; \
		rm -f $@; exit 1; fi
endef

$(GUEST_OUT)/exit-%.bin: $(GUEST_SRC)/exit.S $(GUEST_DEPS)
	$(call guest_build,--defsym EXIT_VALUE=$*)

$(GUEST_OUT)/reset-%.bin: $(GUEST_SRC)/reset.S $(GUEST_DEPS)
	$(call guest_build,--defsym RESET_KBD=$(if $(filter kbd,$*),1,0))

# The exit-path benchmark loop: reads of the PM timer (a device the VMM
# emulates) and of an unassigned port (the bare exit cost).
$(GUEST_OUT)/timerloop.bin: $(GUEST_SRC)/timerloop.S $(GUEST_DEPS)
	$(call guest_build,--defsym PORT=0xb008)

$(GUEST_OUT)/portloop.bin: $(GUEST_SRC)/timerloop.S $(GUEST_DEPS)
	$(call guest_build,--defsym PORT=0x40f)

# 128 KiB of VARS flash directly below the 64 KiB image: 0xfffd0000.
$(GUEST_OUT)/flash.bin: $(GUEST_SRC)/flash.S $(GUEST_DEPS)
	$(call guest_build,--defsym VARS_SIZE=0x20000)

$(GUEST_OUT)/%.bin: $(GUEST_SRC)/%.S $(GUEST_DEPS)
	$(call guest_build,)
