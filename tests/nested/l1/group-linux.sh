# SPDX-License-Identifier: GPL-2.0-only
#
# Linux 6.12 as the L2 guest, through OVMF's kernel loader (-k -i -p), on
# Linux 6.12's KVM: to init and ACPI power-off, with one and two vCPUs.
# (Linux calibrates its local APIC timer itself: --apic-bus-ns only slows
# OVMF's.)
KERNEL=6.12
SCENARIOS="linux-c1 linux-c1-poweroff linux-c2"
TIMEOUT=1200
TIMER_ARGS="--apic-bus-ns 20"

. /nested/common.sh

s_linux_c1() { linux_to_init linux-c1 1 until; }
s_linux_c1_poweroff() { linux_to_init linux-c1-poweroff 1 poweroff; }
s_linux_c2() { linux_to_init linux-c2 2 until; }
