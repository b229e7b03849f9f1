# SPDX-License-Identifier: GPL-2.0-only
#
# OVMF and Linux on Debian 12's Linux 6.1 as L1, through lkvm-sev's older
# paths (KVM_SET_USER_MEMORY_REGION, no KVM_CAP_VM_TYPES). 6.1 lacks
# KVM_CAP_X86_APIC_BUS_CYCLES_NS, the other groups' way round QEMU's TCG
# assertion, so this L1 runs under -icount shift=0 instead: every boot about
# five times slower, none seen to abort (README.md).
KERNEL=6.1
SCENARIOS="ovmf-shell linux-c1"
TIMEOUT=1800
L1_QEMU_ARGS="-icount shift=0"

. /nested/common.sh

s_ovmf_shell() { ovmf_to_shell ovmf --firmware "$OVMF"; }

s_linux_c1() { linux_to_init linux-c1 1 poweroff; }
