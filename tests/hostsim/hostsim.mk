# SPDX-License-Identifier: GPL-2.0-only
#
# The simulated SEV host (tests/hostsim/README.md): the LD_PRELOAD library,
# the driver program its tests run, and those tests, which join the Check
# runner. Include this from the top-level Makefile after TEST_OBJS is set; it
# defines HOSTSIM_LIB and HOSTSIM_DRIVE (under $(O), the output directory,
# ending in '/') and only rules for its own files, so the including
# Makefile's default goal stays as it was. Sources by name: the driver is
# hs-drive.c and drive-*.c, the Check tests test_*.c, the library the rest.

HOSTSIM_LIB := $(O)tests/hostsim/libhostsim.so
HOSTSIM_DRIVE := $(O)tests/hostsim/hs-drive

HOSTSIM_DRIVE_SRCS := tests/hostsim/hs-drive.c $(wildcard tests/hostsim/drive-*.c)
HOSTSIM_TEST_SRCS := $(wildcard tests/hostsim/test_*.c)
HOSTSIM_LIB_SRCS := $(filter-out $(HOSTSIM_DRIVE_SRCS) $(HOSTSIM_TEST_SRCS), \
	$(wildcard tests/hostsim/*.c))
HOSTSIM_LIB_OBJS := $(HOSTSIM_LIB_SRCS:%.c=$(O)%.pic.o)
HOSTSIM_DRIVE_OBJS := $(HOSTSIM_DRIVE_SRCS:%.c=$(O)%.o)
HOSTSIM_TEST_OBJS := $(HOSTSIM_TEST_SRCS:%.c=$(O)%.o)

# Under SANITIZE=1 the library is built with the same sanitizers as the
# driver it is preloaded into; the tests preload the ASan runtime first, as
# ASan requires of anything preloaded next to an instrumented program.
HOSTSIM_ASAN_RT := $(if $(filter 1,$(SANITIZE)),$(shell $(CC) -print-file-name=libasan.so))

# Only the interposed symbols are exported: the model's own names must not
# collide with the program it is preloaded into.
$(HOSTSIM_LIB_OBJS): $(O)tests/hostsim/%.pic.o: tests/hostsim/%.c | deps-check
	@mkdir -p $(@D)
	$(CC) $(CPPFLAGS) $(CFLAGS) -fPIC -fvisibility=hidden $(call pkg_cflags,nettle) \
		-c -o $@ $<

$(HOSTSIM_LIB): $(HOSTSIM_LIB_OBJS)
	$(CC) $(CFLAGS) -fPIC -shared -o $@ $^ $(LDFLAGS) $(call pkg_libs,nettle)

$(HOSTSIM_DRIVE_OBJS): $(O)tests/hostsim/%.o: tests/hostsim/%.c | deps-check
	@mkdir -p $(@D)
	$(CC) $(CPPFLAGS) $(CFLAGS) $(call pkg_cflags,nettle) -c -o $@ $<

$(HOSTSIM_DRIVE): $(HOSTSIM_DRIVE_OBJS)
	$(CC) $(CFLAGS) -o $@ $^ $(LDFLAGS) $(call pkg_libs,nettle)

# The tests find the library, the driver and ../shared (beside the clone)
# through these; each build (O=...) uses its own library and driver.
$(HOSTSIM_TEST_OBJS): CPPFLAGS += -DHOSTSIM_LIB='"$(abspath $(HOSTSIM_LIB))"' \
	-DHOSTSIM_DRIVE='"$(abspath $(HOSTSIM_DRIVE))"' \
	-DHOSTSIM_SHARED='"$(abspath ../shared)"' \
	-DHOSTSIM_ASAN_RT='"$(HOSTSIM_ASAN_RT)"'

TEST_OBJS += $(HOSTSIM_TEST_OBJS)
$(O)tests/run-tests: | $(HOSTSIM_LIB) $(HOSTSIM_DRIVE)

hostsim: $(HOSTSIM_LIB) $(HOSTSIM_DRIVE)
.PHONY: hostsim
