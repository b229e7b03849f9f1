# SPDX-License-Identifier: GPL-2.0-only
#
# Stock OVMF on Linux 6.12's KVM: the combined image to the shell; the 4 MiB
# code image with a variable store, twice; several vCPUs; booting an EFI
# program from a virtio disk.
KERNEL=6.12
SCENARIOS="ovmf-shell ovmf-vars ovmf-c2 ovmf-c4 ovmf-virtio-boot"
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

# OVMF's own virtio drivers (Virtio10Dxe, VirtioBlkDxe) on lkvm-sev's
# virtio-blk: with no boot entries it finds EFI/BOOT/BOOTX64.EFI (the L2
# kernel's EFI stub) on the disk at 00:02.0 and starts it.
s_ovmf_virtio_boot() {
	local s="$T/ovmf-disk.serial"
	lkvm ovmf-disk run --firmware "$OVMF" -d /nested/l2/efiboot.img,ro $TIMER_ARGS \
		--until-re 'BdsDxe: starting Boot[0-9A-F]+ .* from PciRoot\(0x0\)/Pci\(0x2,0x0\)' \
		--fail-on "$SHELL_MARKER" --timeout 300 --console none --serial-log "$s"
	expect_status ovmf-disk 0 || { failed="$failed serial: $(tail -c 600 "$s")"; return 1; }
	expect_in "$s" "BdsDxe: loading Boot" || return 1
	info "ovmf-virtio-boot: $(grep -a 'BdsDxe: starting' "$s" | head -1)"
}
