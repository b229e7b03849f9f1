# SPDX-License-Identifier: GPL-2.0-only
#
# The benchmark peer in the same L1: QEMU (Debian's, copied in with its
# libraries) and lkvm-sev boot the same OVMF to its shell and the same
# kernel to init, alternately, timed the same way (timeto: from fork to the
# marker on the serial console). Figures for BENCHMARKS.md. QEMU 10.0 cannot
# slow the APIC timer as lkvm-sev's --apic-bus-ns does, and neither gets it
# here (the same guest for both): this L1 runs under -icount shift=0, about
# five times slower, to keep QEMU's TCG assertion away. peer-blk: the same
# Linux reads a raw image in L1's tmpfs through each one's virtio-blk, with
# dd and O_DIRECT, 1 MiB and 4 KiB blocks, timed inside L2.
#
# A benchmark, not a check: `make check-nested` leaves it out (BENCH=1),
# `make bench-nested` runs it. Under -icount every time inside L1 is
# instruction time, and once QEMU's L2 Linux went on for over 20 minutes of
# real time without reaching init: no CI job should wait on that.
KERNEL=6.12
SCENARIOS="peer-shell peer-init peer-blk"
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

# The disk: a raw image of BLK_MIB MiB in L1's tmpfs (so in its page cache),
# read whole in 1 MiB blocks and its first BLK_4K blocks of 4 KiB (16 MiB:
# 4 KiB requests cost more time per byte),
# as lkvm-sev's virtio-blk (modern only) and QEMU's virtio-blk-pci, made
# modern only too (disable-legacy=on; QEMU's defaults otherwise: cache
# writeback, aio threads, one queue of 256). L2's init reads it in passes
# of dd (lkvm.ddread: BS:COUNT, O_DIRECT from the start of vda), each block
# size twice: the first pass warms both sides up (guest buffers, the VMM's
# threads and mappings) and the second is the one measured.
BLK_IMG=/tmp/peer-blk.img
BLK_MIB=64
BLK_4K=4096
BLK_ROUNDS=3
BLK_PASSES="1M:$BLK_MIB,1M:$BLK_MIB,4k:$BLK_4K,4k:$BLK_4K"
lkvm_blk() {
	exec "$LKVM" run -m 512M --firmware "$OVMF" -d "$BLK_IMG" -k "$L2_KERNEL" \
		-i "$L2_INITRD" -p "$L2_ARGS lkvm.ddread=$BLK_PASSES"
}
# QEMU boots this kernel without OVMF: its -kernel/-initrd/-append on
# SeaBIOS (its default firmware), the same L2 kernel, initrd, command line,
# RAM and vCPU as lkvm-sev's (which loads the kernel through OVMF; the
# passes run after boot, so firmware is not measured). Through OVMF, QEMU's
# L2 never finished a run here: with OVMF's 64-bit aperture (the BAR at
# 0xe000000000) Linux stopped for good as it probed the disk, and with the
# aperture off (-fw_cfg name=opt/ovmf/X-PciMmio64Mb,string=0) it oopsed
# once in its first pass (BENCHMARKS.md). -no-reboot: an L2 that panics
# ends the run instead of booting again.
QEMU_SEABIOS="qemu-system-x86_64 -accel kvm -machine pc -cpu host -m 512M -smp 1 -nodefaults
	-display none -monitor none -serial stdio -nic none"
# shellcheck disable=SC2086
qemu_blk() {
	exec $QEMU_SEABIOS -no-reboot -drive "file=$BLK_IMG,if=none,format=raw,id=d0" \
		-device virtio-blk-pci,drive=d0,disable-legacy=on \
		-kernel "$L2_KERNEL" -initrd "$L2_INITRD" -append "$L2_ARGS lkvm.ddread=$BLK_PASSES"
}

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

# peer-blk: ROUNDS alternating boots of each with the disk. Per boot and
# block size, the second pass's MiB/s (MiB per second of L2's clock, which
# under -icount is L1's instruction count: work, not wall time); their
# medians and the ratio, lkvm-sev's over QEMU's.
s_peer_blk() {
	local rounds=$BLK_ROUNDS i who bs n b log line rec ns req mibs l q tail
	dd if=/dev/zero of="$BLK_IMG" bs=1M count="$BLK_MIB" 2>/dev/null ||
		{ fail "cannot make $BLK_IMG"; return 1; }
	for i in $(seq "$rounds"); do
		for who in lkvm qemu; do
			log=$T/$who$i.log
			# L2's console, copied to L1's: where a run stalls shows there.
			: >"$log"
			tail -f "$log" >/dev/console &
			tail=$!
			"$TIMETO" -t 600 -o "$log" "$INIT_MARKER" -- \
				sh -c ". /nested/lib.sh; . /nested/group-peer.sh; ${who}_blk" \
				>"$T/$who$i.t"
			rc=$?
			kill "$tail"
			[ "$rc" = 0 ] ||
				{ fail "$who round $i: no '$INIT_MARKER': $(cat "$T/$who$i.t");" \
					"it printed: $(tail -c 300 "$log")"; return 1; }
			info "peer-blk: $who round $i: $(grep -a 'ddread vda' "$log" |
				sed 's/.*ddread //' | tr -d '\r')"
			for bs in 1M 4k; do
				n=$(grep -ac "ddread bs $bs " "$log")
				[ "$n" = 2 ] || { fail "$who round $i: $n passes of bs $bs, want 2;" \
					"it printed: $(grep -a ddread "$log" | tr -d '\r' | tr '\n' ';')"
					return 1; }
				grep -a "ddread bs $bs " "$log" | tr -d '\r' >"$T/$who$i.$bs"
				while read -r line; do
					# bs BS count N records R ns NS requests Q
					# shellcheck disable=SC2086
					set -- ${line#*ddread }
					rec=$6 ns=$8 req=${10}
					expect_eq "$who round $i bs $bs records" "$rec" "$4+0" || return 1
					b=4096
					[ "$bs" = 1M ] && b=1048576
					mibs=$(awk "BEGIN { printf \"%.2f\", $4 * $b / 1048576 * 1e9 / $ns }")
					info "peer-blk: $who round $i bs $bs: $mibs MiB/s ($ns ns," \
						"$req requests)"
				done <"$T/$who$i.$bs"
				echo "$mibs" >>"$T/$who.$bs"
			done
		done
	done
	for bs in 1M 4k; do
		n=$(echo "$bs" | tr MK mk)
		l=$(median <"$T/lkvm.$bs") q=$(median <"$T/qemu.$bs")
		metric "peer_blk_${n}_lkvm_mibs" "$l"
		metric "peer_blk_${n}_qemu_mibs" "$q"
		metric "peer_blk_${n}_lkvm_over_qemu" "$(awk "BEGIN { printf \"%.3f\", $l / $q }")"
	done
	rm -f "$BLK_IMG"
}
