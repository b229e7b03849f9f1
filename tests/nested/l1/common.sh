# SPDX-License-Identifier: GPL-2.0-only
#
# Scenarios that run on both L1 kernels, with what differs between them
# asserted where it differs.

# Options for every OVMF boot. Where L1's KVM has it, a group sets
# "--apic-bus-ns 20": OVMF's 10 ms timer tick then takes 200 ms, which keeps
# the tick from arriving while OVMF's interrupt handler restores CR8 with
# interrupts off, the moment QEMU's TCG aborts on (README.md).
TIMER_ARGS=${TIMER_ARGS:-}

# caps: the verdicts every L1 shares (native guest code, nested paging, a
# read-only memslot for firmware, no SEV of any kind without the PSP).
caps_common() {
	lkvm caps caps
	expect_status caps 0
	lkvm caps-json caps --json
	expect_status caps-json 0
	expect_in "$T/caps.out" "guest code                   native: "
	expect_in "$T/caps-json.out" '"result": "native",'
	expect_in "$T/caps.out" "  default (0)                read-only memory yes; firmware: read-only memslot"
	grep -q "^kvm_amd parameters .*npt=Y" "$T/caps.out" || fail "caps: kvm_amd npt is not Y"
	expect_in "$T/caps.out" "  plain                runs"
	expect_in "$T/caps.out" "/dev/sev                     absent"
	grep -q "^  SEV  *cannot run: .*no /dev/sev$" "$T/caps.out" ||
		fail "caps: SEV is not 'cannot run ... no /dev/sev'"
	info "caps: $(grep '^guest code' "$T/caps.out")"
}

# The Check suites that boot test guests on /dev/kvm, as on the build hosts.
check_suites() {
	local s
	for s in kvm-core guests platform caps-kvm; do
		CK_RUN_SUITE=$s CK_DEFAULT_TIMEOUT=120 "$BUILD/tests/run-tests" >"$T/$s.log" 2>&1
		info "suite $s: $(grep '^[0-9]*%: Checks' "$T/$s.log")"
		grep -q '^100%: Checks: [1-9][0-9]*, Failures: 0, Errors: 0' "$T/$s.log" &&
			continue
		grep -E ':[FE]:' "$T/$s.log" | sed 's/^/INFO /' >&3
		fail "suite $s: $(grep -E ':[FE]:' "$T/$s.log" | head -c 500)"
	done
}

# A guest write to read-only firmware: dropped by a read-only memslot.
ro_memslot() {
	echo x >"$T/x"
	LKVM_STDIN=$T/x lkvm rom run --firmware "$GUESTS/rom-write.bin" --ro-mode memslot \
		--timeout 30
	expect_status rom 0
	expect_eq stdout "$(cat "$T/rom.out")" "rom: unchanged
rom: waiting
rom: got input"
	expect_eq stderr "$(cat "$T/rom.err")" "lkvm-sev: warning: guest wrote to read-only firmware at GPA 0xfffff800: ignored, as a ROM ignores writes (further writes are ignored silently)"
}

# The same write under the mprotect fallback: on a KVM that runs guest code
# the write faults on the read-only host mapping, KVM_RUN fails with EFAULT,
# and the guest is stopped (seed 000's behaviour). Neither 6.1 nor 6.12
# fills KVM_EXIT_MEMORY_FAULT for this fault: lkvm-sev finds the GPA itself.
RO_MPROTECT_CRASH="lkvm-sev: guest crashed: vCPU 0 wrote to protected firmware at GPA 0xfffff800 (mprotect mode; KVM gave no address, found by single-stepping the write): the VM is stopped"
ro_mprotect() {
	lkvm rom run --firmware "$GUESTS/rom-write.bin" --ro-mode mprotect --timeout 30
	expect_status rom 126
	expect_eq stdout "$(cat "$T/rom.out")" ""
	expect_in "$T/rom.err" "$RO_MPROTECT_CRASH"
	info "ro-mprotect: $(tail -1 "$T/rom.err")"
}

# ovmf_to_shell NAME ARGS...: lkvm-sev boots OVMF with ARGS to the UEFI shell
# (status 0 through --until), with a report whose timeline is in order.
ovmf_to_shell() {
	local name=$1 fm fe ms
	shift
	# shellcheck disable=SC2086
	lkvm "$name" run -m 512M $TIMER_ARGS "$@" --until "$SHELL_MARKER" --timeout 300 \
		--console none --report "$T/$name.json"
	expect_status "$name" 0 || return 1
	timeline_in_order "$name" || return 1
	metric "${name}_shell_ms" "$(json_num "$T/$name.json" marker_seen)"
}

# timeline_in_order NAME: the report has vm_created <= firmware_mapped <=
# first_guest_exit <= marker_seen <= end.
timeline_in_order() {
	local k v prev=0
	for k in vm_created firmware_mapped first_guest_exit marker_seen end; do
		v=$(json_num "$T/$1.json" "$k")
		[ -n "$v" ] || { fail "$1: report timeline has no $k"; return 1; }
		awk "BEGIN { exit !($prev <= $v) }" ||
			{ fail "$1: report timeline: $k ($v) before the step before ($prev)"; return 1; }
		prev=$v
	done
}

# The variable store: an FV (signature _FVH at 0x28) whose variable store
# header (at 0x48) carries the authenticated-variable GUID, formatted and
# healthy (0x5a, 0xfe).
vars_valid() {
	local hdr
	hdr=$(od -An -tx1 -j 40 -N 4 "$1" | tr -d ' \n')
	expect_eq "$1 FV signature" "$hdr" 5f465648 || return 1
	hdr=$(od -An -tx1 -j 72 -N 16 "$1" | tr -d ' \n')
	expect_eq "$1 variable store GUID" "$hdr" 782cf3aa7b949a43a1802e144ec37792 || return 1
	hdr=$(od -An -tx1 -j 92 -N 2 "$1" | tr -d ' \n')
	expect_eq "$1 variable store format/state" "$hdr" 5afe
}

# linux_to_init NAME CPUS until|poweroff: OVMF's kernel loader boots the L2
# kernel and its busybox initrd; init reports the CPUs it sees. "until"
# ends the run there (--until: status 0, the report's timeline in order and
# the time to init recorded); "poweroff" lets init power off (status 0 from
# ACPI S5, the kernel's last words on the console).
linux_to_init() {
	local name=$1 cpus=$2 end=$3
	set -- --fail-on "Kernel panic"
	[ "$end" = until ] && set -- "$@" --until "$INIT_MARKER, $cpus CPU(s)"
	# shellcheck disable=SC2086
	lkvm "$name" run --firmware "$OVMF" -m 512M -c "$cpus" $TIMER_ARGS \
		-k "$L2_KERNEL" -i "$L2_INITRD" -p "console=ttyS0 panic=-1 quiet" \
		--timeout 300 --console none --serial-log "$T/$name.serial" \
		--report "$T/$name.json" "$@"
	expect_status "$name" 0 || { failed="$failed serial: $(tail -c 700 "$T/$name.serial")"
		return 1; }
	expect_in "$T/$name.serial" "$INIT_MARKER, $cpus CPU(s)" || return 1
	if [ "$end" = until ]; then
		timeline_in_order "$name" || return 1
		metric "${name}_init_ms" "$(json_num "$T/$name.json" marker_seen)"
	else
		expect_in "$T/$name.serial" "reboot: Power down"
	fi
}
