# SPDX-License-Identifier: GPL-2.0-only
#
# Stock OVMF on Linux 6.12's KVM: the combined image to the shell; the 4 MiB
# code image with a variable store, twice; several vCPUs.
KERNEL=6.12
SCENARIOS="ovmf-shell ovmf-vars ovmf-c2 ovmf-c4"
TIMEOUT=1200
TIMER_ARGS="--apic-bus-ns 20"

. /nested/common.sh

s_ovmf_shell() {
	ovmf_to_shell ovmf --firmware "$OVMF" || return
	expect_eq "report protection" "$(grep -c '"mode": "memslot"' "$T/ovmf.json")" 1
}

s_ovmf_vars() {
	cp "$OVMF_VARS" "$T/vars.fd"
	ovmf_to_shell boot1 --firmware "$OVMF_CODE" --vars "$T/vars.fd" || return
	cmp -s "$OVMF_VARS" "$T/vars.fd" && { fail "vars.fd unchanged after the first boot"; return; }
	vars_valid "$T/vars.fd" || return
	expect_eq "vars.fd size" "$(wc -c <"$T/vars.fd")" "$(wc -c <"$OVMF_VARS")" || return
	cp "$T/vars.fd" "$T/vars1.fd"
	ovmf_to_shell boot2 --firmware "$OVMF_CODE" --vars "$T/vars.fd" || return
	vars_valid "$T/vars.fd"
	info "ovmf-vars: $(cmp -l "$OVMF_VARS" "$T/vars1.fd" | wc -l) bytes changed by boot 1," \
		"$(cmp -l "$T/vars1.fd" "$T/vars.fd" | wc -l) by boot 2"
}

s_ovmf_c2() { ovmf_to_shell ovmf-c2 --firmware "$OVMF" -c 2; }
s_ovmf_c4() { ovmf_to_shell ovmf-c4 --firmware "$OVMF" -c 4; }
