# SPDX-License-Identifier: GPL-2.0-only
#
# Disk reads against the benchmark peer in the same L1 (issue 12): the same
# L2 Linux (6.12, busybox init, 512 MiB, one vCPU) reads a raw image in L1's
# tmpfs (so in its page cache) through lkvm-sev's virtio-blk (-d, kernel
# through OVMF) and QEMU's virtio-blk-pci (modern only, disable-legacy=on;
# QEMU's defaults otherwise: cache writeback, aio threads, one queue of
# 256; kernel through -kernel on SeaBIOS: through OVMF its L2 never finished
# in this bed, BENCHMARKS.md), alternately, BLK_ROUNDS rounds each in one L1
# boot. L2's init (lkvm.ddread) reads with dd and O_DIRECT, so every block
# is a request to the device, in passes of 1 MiB and 4 KiB blocks, each
# twice: the first warms both sides up, the second is measured, by L1's
# clock. Medians and the ratios, lkvm-sev's over QEMU's.
#
# No -icount (the peer group used it, and there a pass sometimes stalled
# for many minutes of real time, PAUSE loops being the likely cause): these
# are wall-clock figures of a TCG L1, noisy, hence alternating rounds. A
# boot that fails leaves its figures out and the rounds go on. A benchmark,
# not a check: BENCH=1.
KERNEL=6.12
SCENARIOS="peer-blk"
TIMEOUT=3000
BENCH=1

. /nested/common.sh

BLK_IMG=/tmp/peer-blk.img
BLK_MIB=64
BLK_4K=4096
BLK_ROUNDS=3
BLK_PASSES="1M:$BLK_MIB,1M:$BLK_MIB,4k:$BLK_4K,4k:$BLK_4K"
BLK_ARGS="console=ttyS0 panic=-1 quiet lkvm.ddread=$BLK_PASSES"

# blk_lkvm / blk_qemu: one boot, run by timeto (which gives it no stdin).
# lkvm-sev's timer is slowed as the linux group's is (Linux calibrates its
# own); QEMU's -no-reboot: an L2 that panics ends the run instead of
# booting again.
blk_lkvm() {
	exec "$LKVM" run --firmware "$OVMF" -m 512M --apic-bus-ns 20 -d "$BLK_IMG" \
		-k "$L2_KERNEL" -i "$L2_INITRD" -p "$BLK_ARGS" --fail-on "Kernel panic"
}
# shellcheck disable=SC2086
blk_qemu() {
	exec $QEMU_SEABIOS -no-reboot -drive "file=$BLK_IMG,if=none,format=raw,id=d0" \
		-device virtio-blk-pci,drive=d0,disable-legacy=on \
		-kernel "$L2_KERNEL" -initrd "$L2_INITRD" -append "$BLK_ARGS"
}

# blk_pass WHO I BS: the measured (second) pass of block size BS, timed by
# L1's clock (timeto's stamps of the guest's "ddread begin" and "ddread bs"
# lines: this L1 runs on TCG in real time, and L2's own clock was seen to
# disagree with it), as MiB/s into $T/WHO.BS; L2's figure beside it.
blk_pass() {
	local who=$1 i=$2 bs=$3 t=$T/$1$2.t b=4096 n ms line
	[ "$bs" = 1M ] && b=1048576
	n=$(grep -c "ddread bs $bs " "$t")
	[ "$n" = 2 ] || { fail "$who round $i: $n passes of bs $bs, want 2"; return 1; }
	# stamp MS lkvm-sev-nested: ddread bs BS count N records R ns NS requests Q
	line=$(grep "ddread bs $bs " "$t" | tail -1)
	ms=$(awk -v bs="$bs" '$4 == "ddread" && $5 == "begin" && $7 == bs { b = $2 }
		$4 == "ddread" && $5 == "bs" && $6 == bs { e = $2 - b }
		END { print e }' "$t")
	# shellcheck disable=SC2086
	set -- ${line#*ddread }
	[ "$6" = "$4+0" ] || { fail "$who round $i bs $bs: records '$6', want '$4+0'"; return 1; }
	awk "BEGIN { printf \"%.2f\\n\", $4 * $b / 1048576 * 1000 / $ms }" >>"$T/$who.$bs"
	info "peer-blk: $who round $i bs $bs: $(tail -1 "$T/$who.$bs") MiB/s by L1's clock" \
		"($ms ms; L2's clock: $(awk "BEGIN { printf \"%.0f\", $8 / 1e6 }") ms)," \
		"${10} requests"
}

# blk_round WHO I: one boot and its figures.
blk_round() {
	local who=$1 i=$2 log=$T/$1$2.log tail rc bs
	: >"$log"
	# L2's console, copied to L1's: where a run stalls shows there.
	tail -f "$log" >/dev/console 2>/dev/null &
	tail=$!
	"$TIMETO" -t 900 -s "ddread " -o "$log" "$INIT_MARKER" -- \
		sh -c ". /nested/lib.sh; . /nested/group-peer-blk.sh; blk_$who" >"$T/$who$i.t"
	rc=$?
	kill "$tail" 2>/dev/null
	info "peer-blk: $who round $i: $(grep -v '^stamp' "$T/$who$i.t" | tr '\n' ' ')" \
		"$(grep -a 'ddread vda' "$log" | sed 's/.*ddread //' | tr -d '\r')"
	[ "$rc" = 0 ] ||
		{ fail "$who round $i: no '$INIT_MARKER': $(tail -c 400 "$log")"; return 1; }
	for bs in 1M 4k; do
		blk_pass "$who" "$i" "$bs"
	done
}

s_peer_blk() {
	local i who
	dd if=/dev/zero of="$BLK_IMG" bs=1M count="$BLK_MIB" 2>/dev/null ||
		{ fail "cannot make $BLK_IMG"; return 1; }
	for i in $(seq "$BLK_ROUNDS"); do
		for who in lkvm qemu; do
			blk_round "$who" "$i"
		done
	done
	peer_metrics 1M peer_blk_1m mibs
	peer_metrics 4k peer_blk_4k mibs
	rm -f "$BLK_IMG"
}
