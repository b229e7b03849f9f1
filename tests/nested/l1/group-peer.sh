# SPDX-License-Identifier: GPL-2.0-only
#
# The benchmark peer in the same L1: QEMU (Debian's, copied in with its
# libraries) and lkvm-sev boot the same OVMF to its shell and the same
# kernel to init, alternately, timed the same way (timeto: from fork to the
# marker on the serial console). Figures for BENCHMARKS.md. QEMU 10.0 cannot
# slow the APIC timer as lkvm-sev's --apic-bus-ns does, and neither gets it
# here (the same guest for both): this L1 runs under -icount shift=0, about
# five times slower, to keep QEMU's TCG assertion away. Disk reads are the
# peer-blk group's (group-peer-blk.sh), which runs without -icount.
#
# A benchmark, not a check: `make check-nested` leaves it out (BENCH=1),
# `make bench-nested` runs it. Under -icount every time inside L1 is
# instruction time, and once QEMU's L2 Linux went on for over 20 minutes of
# real time without reaching init: no CI job should wait on that.
KERNEL=6.12
SCENARIOS="peer-shell peer-init"
TIMEOUT=3000
L1_QEMU_ARGS="-icount shift=0"
BENCH=1

. /nested/common.sh

QEMU="qemu-system-x86_64 -accel kvm -machine pc -cpu host -m 512M -smp 1 -nodefaults
	-display none -monitor none -serial stdio -nic none -bios $OVMF"
L2_ARGS="console=ttyS0 panic=-1 quiet"

# The two sides of each comparison: lkvm-sev and QEMU with the same
# firmware, RAM, vCPU and kernel. Each execs, so that timeto's signal
# reaches the VMM itself.
lkvm_shell() { exec "$LKVM" run -m 512M --firmware "$OVMF"; }
# shellcheck disable=SC2086
qemu_shell() { exec $QEMU; }
lkvm_init() {
	exec "$LKVM" run -m 512M --firmware "$OVMF" -k "$L2_KERNEL" -i "$L2_INITRD" \
		-p "$L2_ARGS"
}
# shellcheck disable=SC2086
qemu_init() { exec $QEMU -kernel "$L2_KERNEL" -initrd "$L2_INITRD" -append "$L2_ARGS"; }

# peer_time NAME MARKER ROUNDS WHAT: lkvm_WHAT and qemu_WHAT, alternately,
# ROUNDS times each; their medians and the ratio.
peer_time() {
	local name=$1 marker=$2 rounds=$3 what=$4 i who ms l q
	for i in $(seq "$rounds"); do
		for who in lkvm qemu; do
			"$TIMETO" -t 600 -o "$T/$who$i.log" "$marker" -- \
				sh -c ". /nested/lib.sh; . /nested/group-peer.sh; ${who}_$what" \
				>"$T/$who$i.t" ||
				{ fail "$who round $i: no '$marker': $(cat "$T/$who$i.t");" \
					"it printed: $(tail -c 300 "$T/$who$i.log")"; return 1; }
			ms=$(sed -n 's/^marker //p' "$T/$who$i.t")
			echo "$ms" >>"$T/$who.ms"
			info "$name: $who round $i: $ms ms"
		done
	done
	l=$(median <"$T/lkvm.ms") q=$(median <"$T/qemu.ms")
	metric "${name}_lkvm_ms" "$l"
	metric "${name}_qemu_ms" "$q"
	metric "${name}_lkvm_over_qemu" "$(awk "BEGIN { printf \"%.3f\", $l / $q }")"
}

# One round each: under -icount, L1's clock counts instructions, and two
# rounds agreed to 0.1 %.
s_peer_shell() { peer_time peer_shell "$SHELL_MARKER" 1 shell; }
s_peer_init() { peer_time peer_init "$INIT_MARKER" 1 init; }

