# SPDX-License-Identifier: GPL-2.0-only
#
# I/O against the benchmark peer in the same L1 (issue 13): the same L2
# Linux (6.12, busybox init, 512 MiB, one vCPU) on lkvm-sev and on QEMU
# (Debian's, copied in with its libraries), alternately, each boot with a
# vsock device (guest CID 3) and a virtio-net on a tap. Its init
# (lkvm.iobench) sends IO_BYTES to CID 2 over vsock, makes IO_PINGS
# one-byte round trips over vsock, and sends IO_BYTES over TCP to L1
# through the tap. lkvm-sev: its hybrid vsock (guest port P reaches the
# Unix socket PATH_P, where vsockpipe listens) and -n mode=tap; QEMU:
# vhost-vsock-pci (L1's vhost_vsock, vsockpipe listening on AF_VSOCK) and
# its userspace virtio-net-pci (no vhost) on a tap, modern only. Throughput
# is timed by L1's receiver, from accept to the sender's EOF; the round
# trips by the guest's clock. Medians of IO_ROUNDS rounds, and the ratios;
# a boot that fails leaves its figures out, and the rounds go on.
#
# No -icount here: the peer group's L1 ran five times slower under it and
# its QEMU L2 once hung. So these are wall-clock figures of a TCG L1 (noisy:
# hence rounds alternate), and QEMU's TCG assertion can end an L1 boot
# (nested.sh boots again). A benchmark, not a check: BENCH=1.
KERNEL=6.12
SCENARIOS="peer-io"
TIMEOUT=3000
BENCH=1

. /nested/common.sh

IO_BYTES=16777216
IO_PINGS=2000
IO_ROUNDS=3
IO_TAP=iotap0
IO_ARGS="console=ttyS0 panic=-1 quiet lkvm.iobench=$IO_BYTES:$IO_PINGS"
# QEMU boots the kernel on SeaBIOS, as group-peer-blk.sh's does (its L2 did
# not get through OVMF there); lkvm-sev through OVMF (-k -i -p), its
# timer slowed as the linux group's (Linux calibrates its own).

# io_lkvm LOG SOCK / io_qemu LOG: one boot, its console in LOG.
io_lkvm() {
	"$LKVM" run --firmware "$OVMF" -m 512M --apic-bus-ns 20 --vsock "cid=3,socket=$2" \
		-n "mode=tap,tapif=$IO_TAP" -k "$L2_KERNEL" -i "$L2_INITRD" -p "$IO_ARGS" \
		--fail-on "Kernel panic" --until "$INIT_MARKER" --timeout 600 --console none \
		--serial-log "$1" </dev/null >"$1.out" 2>"$1.err"
}
# shellcheck disable=SC2086
io_qemu() {
	timeout 600 $QEMU_SEABIOS -no-reboot -device vhost-vsock-pci,guest-cid=3 \
		-netdev "tap,id=n0,ifname=$IO_TAP,script=no,downscript=no" \
		-device virtio-net-pci,netdev=n0,disable-legacy=on,romfile= \
		-kernel "$L2_KERNEL" -initrd "$L2_INITRD" -append "$IO_ARGS" \
		</dev/null >"$1" 2>"$1.err"
}

# mibs BYTES NS
mibs() { awk "BEGIN { printf \"%.2f\\n\", $1 / 1048576 * 1e9 / $2 }"; }

# io_round WHO I: the receivers, the VMM, the tap's address once it is
# there; then the figures of the boot into $T/WHO.{vs,rr,tcp}.
io_round() {
	local who=$1 i=$2 log=$T/$1$2.log v=$T/v.sock pid n=0 line want bg
	want=$("$VSOCKPIPE" hash "$IO_BYTES" | cut -d' ' -f3)
	if [ "$who" = lkvm ]; then
		"$VSOCKPIPE" listen-unix "${v}_5000" --hold --time >"$T/$who$i.vs" 2>&1 &
		bg=$!
		"$VSOCKPIPE" listen-unix "${v}_5001" --echo >"$T/$who$i.echo" 2>&1 &
	else
		"$VSOCKPIPE" listen-vsock 5000 --hold --time >"$T/$who$i.vs" 2>&1 &
		bg=$!
		"$VSOCKPIPE" listen-vsock 5001 --echo >"$T/$who$i.echo" 2>&1 &
	fi
	bg="$bg $!"
	"$VSOCKPIPE" listen-tcp 5002 --hold --time >"$T/$who$i.tcp" 2>&1 &
	bg="$bg $!"
	: >"$log"
	# L2's console, copied to L1's: where a run stalls shows there.
	tail -f "$log" >/dev/console 2>/dev/null &
	bg="$bg $!"
	"io_$who" "$log" "$v" &
	pid=$!
	while ! ip link show "$IO_TAP" >/dev/null 2>&1 && kill -0 $pid 2>/dev/null &&
		[ $n -lt 300 ]; do
		sleep 1
		n=$((n + 1))
	done
	ip addr add 10.0.2.1/24 dev "$IO_TAP"
	ip link set "$IO_TAP" up
	wait $pid
	rc=$?
	sleep 1
	# Receivers a failed boot left waiting, and the console's tail.
	for n in $bg; do kill "$n" 2>/dev/null; done
	info "peer-io: $who round $i: $(grep -a "lkvm-sev-nested: iobench" "$log" |
		sed 's/.*iobench //' | tr -d '\r' | tr '\n' ';')" \
		"L1: $(cat "$T/$who$i.vs" "$T/$who$i.echo" "$T/$who$i.tcp" | tr '\n' ';')" \
		"status $rc; stderr: $(tail -c 200 "$log.err")"
	grep -aq "$INIT_MARKER" "$log" ||
		fail "$who round $i: no '$INIT_MARKER' (status $rc): $(tail -c 400 "$log")"
	for n in vs tcp; do
		# received BYTES HASH ns NS
		line=$(grep '^received ' "$T/$who$i.$n")
		# shellcheck disable=SC2086
		set -- $line
		if [ "$2" = "$IO_BYTES" ] && [ "$3" = "$want" ]; then
			mibs "$2" "$5" >>"$T/$who.$n"
		else
			fail "$who round $i: $n receiver: '$line', want $IO_BYTES $want"
		fi
	done
	# pingpong N ns NS (the guest's clock)
	line=$(grep -a "lkvm-sev-nested: iobench vsock-rr pingpong" "$log" | tr -d '\r')
	# shellcheck disable=SC2086
	set -- ${line#*vsock-rr }
	if [ "$2" = "$IO_PINGS" ]; then
		awk "BEGIN { printf \"%.1f\n\", $4 / $2 / 1000 }" >>"$T/$who.rr"
	else
		fail "$who round $i: round trips: '$line'"
	fi
	info "peer-io: $who so far: vsock $(tr '\n' ' ' <"$T/$who.vs" 2>/dev/null) MiB/s," \
		"rr $(tr '\n' ' ' <"$T/$who.rr" 2>/dev/null) us," \
		"tcp $(tr '\n' ' ' <"$T/$who.tcp" 2>/dev/null) MiB/s"
}

s_peer_io() {
	local m i who
	for m in tun vhost_iotlb vhost vsock vmw_vsock_virtio_transport_common vhost_vsock; do
		insmod "/lib/modules/$m.ko" || { fail "peer-io: insmod $m failed"; return 1; }
	done
	[ -c /dev/vhost-vsock ] || { fail "peer-io: no /dev/vhost-vsock"; return 1; }
	ip link set lo up
	for i in $(seq "$IO_ROUNDS"); do
		for who in lkvm qemu; do
			io_round "$who" "$i"
		done
	done
	peer_metrics vs peer_io_vsock mibs
	peer_metrics rr peer_io_vsock_rr us
	peer_metrics tcp peer_io_tcp mibs
}
