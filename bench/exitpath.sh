#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# exitpath.sh - the cost of the port-I/O exit path, for the ACPI PM timer
# that every firmware delay polls. Two views, measured in one run:
#  - whole guests: 100,000 `inl` of the PM timer (timerloop.bin) against
#    100,000 `inl` of an unassigned port (portloop.bin, the floor: the same
#    exits with no device work), and QEMU on the unassigned-port guest;
#  - in-process: bench/exitpath times the userspace dispatch alone.
# Run from anywhere; `make bench` builds what it needs first.
set -u -o pipefail
cd "$(dirname "$0")/.." || exit 1

RUNS=${1:-7}
# The build's outputs: LKVM_BUILD (make bench passes its O=), default build.
B=${LKVM_BUILD:-build}
B=${B%/}
MEASURE=$B/bench/measure
LKVM=$B/lkvm-sev
GUESTS=$B/tests/guests
QEMU=${QEMU:-qemu-system-x86_64}
for f in "$LKVM" "$MEASURE" "$B/bench/exitpath" "$GUESTS/timerloop.bin" "$GUESTS/portloop.bin"; do
	[ -e "$f" ] || { echo "exitpath.sh: $f is missing (make bench builds it)" >&2; exit 1; }
done

median() {	# prints the median ms of RUNS runs of a guest that exits with status 1
	"$MEASURE" -q -n "$RUNS" -s 1 -- "$@" | sed -n 's/^median_ms=\([0-9.]*\).*/\1/p'
}

timer=$(median "$LKVM" run --firmware "$GUESTS/timerloop.bin")
port=$(median "$LKVM" run --firmware "$GUESTS/portloop.bin")
echo "## Exit path: 100,000 port reads per guest, median of $RUNS runs"
echo
echo "| guest | median ms | µs per exit |"
echo "|---|---:|---:|"
awk -v t="$timer" -v p="$port" 'BEGIN {
	printf "| lkvm-sev, PM timer (timerloop) | %.1f | %.2f |\n", t, t / 100
	printf "| lkvm-sev, unassigned port (portloop, floor) | %.1f | %.2f |\n", p, p / 100
}'
if command -v "$QEMU" >/dev/null; then
	q=$(median "$QEMU" -enable-kvm -machine pc -nodefaults -nographic -serial stdio \
		-monitor none -m 64 -bios "$GUESTS/portloop.bin" \
		-device isa-debug-exit,iobase=0xf4,iosize=0x04)
	awk -v q="$q" 'BEGIN { printf "| QEMU, unassigned port (portloop) | %.1f | %.2f |\n", q, q / 100 }'
fi
awk -v t="$timer" -v p="$port" 'BEGIN { printf "\nPM timer / floor = %.3f\n", t / p }'
echo
echo "In-process dispatch (bench/exitpath, ns per call):"
"$B/bench/exitpath" | sed 's/^/    /'
echo
echo "host: kernel $(uname -r), $(nproc) CPUs, $(sed -n 's/^model name\s*: //p' /proc/cpuinfo | head -1)"
