#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# serialpath.sh - what serial markers cost on the exit path: the chatty
# guest writes 20,000 bytes to the UART (one port-I/O exit each) and powers
# off; timed without markers, with --until/--fail-on markers that never
# match (so every byte is checked), and with --until-re. The whole process
# is timed by bench/measure, stdout discarded.
set -u -o pipefail
cd "$(dirname "$0")/.." || exit 1

RUNS=${1:-11}
# The build's outputs: LKVM_BUILD (make bench passes its O=), default build.
B=${LKVM_BUILD:-build}
B=${B%/}
MEASURE=$B/bench/measure
LKVM=${LKVM:-$B/lkvm-sev}
GUEST=$B/tests/guests/chatty.bin
for f in "$LKVM" "$MEASURE" "$GUEST"; do
	[ -e "$f" ] || { echo "serialpath.sh: $f is missing (make builds it)" >&2; exit 1; }
done

median() {	# the median ms of RUNS runs that power off (status 0)
	"$MEASURE" -q -n "$RUNS" -s 0 -- "$@" | sed -n 's/^median_ms=\([0-9.]*\).*/\1/p'
}

base=$(median "$LKVM" run --firmware "$GUEST")
lit=$(median "$LKVM" run --firmware "$GUEST" --until "login: " \
	--fail-on "Kernel panic - not syncing" --fail-on "BUG: ")
re=$(median "$LKVM" run --firmware "$GUEST" --until-re "^(login|Welcome): ")
echo "## Serial markers: 20,000 UART bytes (chatty.bin), median of $RUNS runs"
echo
echo "| run | median ms | µs per byte | vs. none |"
echo "|---|---:|---:|---:|"
awk -v b="$base" -v l="$lit" -v r="$re" 'BEGIN {
	printf "| no marker | %.1f | %.2f | 1.000 |\n", b, b / 20
	printf "| --until + 2 x --fail-on (never found) | %.1f | %.2f | %.3f |\n", l, l / 20, l / b
	printf "| --until-re (never found) | %.1f | %.2f | %.3f |\n", r, r / 20, r / b
}'
echo
cpu=$(sed -n 's/^model name\s*: //p' /proc/cpuinfo | head -1)
echo "host: kernel $(uname -r), $(nproc) CPUs, $cpu"
