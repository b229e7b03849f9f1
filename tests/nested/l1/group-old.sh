# SPDX-License-Identifier: GPL-2.0-only
#
# Debian 12's own Linux 6.1 as L1: a KVM without KVM_SET_USER_MEMORY_REGION2,
# guest_memfd, KVM_CAP_VM_TYPES, KVM_SEV_INIT2 or KVM_EXIT_MEMORY_FAULT, so
# lkvm-sev takes its older paths, for real. No firmware boots here (see
# group-old-boot.sh).
KERNEL=6.1
SCENARIOS="caps-6.1 check-suites ro-memslot ro-mprotect apic-bus-refused"
TIMEOUT=900

. /nested/common.sh

s_caps_6_1() {
	caps_common
	expect_in "$T/caps.out" "VM types                     0x1: default"
	expect_in "$T/caps.out" "KVM_SET_USER_MEMORY_REGION2  no"
	expect_in "$T/caps.out" "guest_memfd                  no"
	expect_in "$T/caps-json.out" '"vm_types_cap": false,'
	expect_in "$T/caps-json.out" '"memory_fault_info": false,'
	expect_in "$T/caps-json.out" '"init2": false,'
}

s_check_suites() { check_suites; }
s_ro_memslot() { ro_memslot; }
s_ro_mprotect() { ro_mprotect; }

# --apic-bus-ns needs KVM_CAP_X86_APIC_BUS_CYCLES_NS (Linux 6.11): refused
# here with 125 and the reason, before the guest runs.
s_apic_bus_refused() {
	lkvm apic run --apic-bus-ns 20
	expect_status apic 125
	expect_eq stdout "$(cat "$T/apic.out")" ""
	expect_eq stderr "$(cat "$T/apic.err")" "lkvm-sev: --apic-bus-ns 20: this host's KVM does not offer KVM_CAP_X86_APIC_BUS_CYCLES_NS (Linux 6.11 and later do)"
}
