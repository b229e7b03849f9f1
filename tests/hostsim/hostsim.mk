# SPDX-License-Identifier: GPL-2.0-only
#
# The simulated SEV host (tests/hostsim/README.md): the LD_PRELOAD library,
# the driver program its tests run, and those tests, which join the Check
# runner. Include this from the top-level Makefile after TEST_OBJS is set; it
# defines HOSTSIM_LIB and HOSTSIM_DRIVE (under $(O), an output prefix that is
# empty or ends in '/') and only rules for its own files, so the including
# Makefile's default goal stays as it was.

HOSTSIM_LIB := $(O)tests/hostsim/libhostsim.so
HOSTSIM_DRIVE := $(O)tests/hostsim/hs-drive

HOSTSIM_LIB_SRCS := $(addprefix tests/hostsim/,preload.c config.c log.c uaccess.c mem.c \
	kvm.c vm.c regs.c vcpu.c sev.c snp.c measure.c devsev.c script.c)
HOSTSIM_LIB_OBJS := $(HOSTSIM_LIB_SRCS:%.c=$(O)%.pic.o)
HOSTSIM_DRIVE_SRCS := $(addprefix tests/hostsim/,hs-drive.c drive-vm.c drive-ovmf.c \
	drive-rules.c drive-rules-snp.c drive-rules-run.c)
HOSTSIM_DRIVE_OBJS := $(HOSTSIM_DRIVE_SRCS:%.c=$(O)%.o)
HOSTSIM_TEST_OBJS := $(O)tests/hostsim/test_hostsim.o $(O)tests/hostsim/test_hostsim_rules.o

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

# `make clean` removes these too.
clean: clean-hostsim
clean-hostsim:
	rm -f $(HOSTSIM_LIB) $(HOSTSIM_DRIVE) $(HOSTSIM_LIB_OBJS) $(HOSTSIM_DRIVE_OBJS) \
		$(HOSTSIM_LIB_OBJS:.o=.d) $(HOSTSIM_DRIVE_OBJS:.o=.d) $(HOSTSIM_TEST_OBJS:.o=.d)
.PHONY: hostsim clean-hostsim
