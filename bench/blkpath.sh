#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# blkpath.sh - virtio-blk request throughput against its floor, in one
# run: bench/blkpath (see its header) for 4 KiB random and 1 MiB sequential
# reads of an image in the page cache, and 4 KiB random reads of an image
# the page cache has dropped, each at queue depth 1 and 32; the floor is
# the same preadv pattern issued by a C program, the device is lkvm-sev's
# virtio-blk with io_uring (its default) and with aio=sync. Then the
# engines it could stand on, without the device (bench/blkengines). Prints
# Markdown tables for BENCHMARKS.md; fails if a request allocated.
#   bench/blkpath.sh [SECONDS [REPS [DIR]]]   (defaults 1, 5, $TMPDIR or /tmp)
set -u -o pipefail
cd "$(dirname "$0")/.." || exit 1

SECS=${1:-1}
REPS=${2:-5}
DIR=${3:-${TMPDIR:-/tmp}}
B=${LKVM_BUILD:-build}
B=${B%/}
BIN=$B/bench/blkpath
ENGINES=$B/bench/blkengines
for f in "$BIN" "$ENGINES"; do
	[ -x "$f" ] || { echo "blkpath.sh: $f is missing (make builds it)" >&2; exit 1; }
done
[ -e /dev/kvm ] || { echo "blkpath.sh: no /dev/kvm: the device needs a VM" >&2; exit 1; }
IMG=$DIR/lkvm-blkpath-$$.img
trap 'rm -f "$IMG"' EXIT

echo "## virtio-blk: $SECS s a run, median of $REPS alternating runs, 256 MiB image in $DIR"
echo
echo "| pattern | QD | floor MB/s | io_uring MB/s | ratio | aio=sync MB/s | ratio | doorbells a request |"
echo "|---|---:|---:|---:|---:|---:|---:|---:|"
status=0
for pattern in rand4k seq1m rand4k-cold; do
	for qd in 1 32; do
		line=$("$BIN" "$IMG" 256 "$pattern" "$qd" "$SECS" "$REPS") || exit 1
		# rand4k QD 32  floor 4241 MB/s  io_uring 2427 MB/s 0.572x  sync ... allocations 0
		#   doorbells a request 0.001 0.002  handoff 356 ns
		set -- $line
		echo "| $1 | $3 | $5 | ${8} | ${10} | ${12} | ${14} | ${20} |"
		[ "${16}" = 0 ] || { echo "blkpath.sh: $1 QD $3: ${16} allocations" >&2; status=1; }
		handoff=${23}
	done
done

echo
echo "Hand-off floor: a cache line to another thread and back, both spinning: $handoff ns"

# The engines the device could stand on, without the device (bench/blkengines.c).
echo
echo "## Disk-read engines at QD 32, without a device: 4 KiB random reads, MB/s (ratio to the floor)"
echo
echo "| image | floor | io_uring | nowait+io_uring (virtio-blk's) | 32 threads | 4 threads | 32 threads fed by one | 4 threads fed by one |"
echo "|---|---:|---:|---:|---:|---:|---:|---:|"
"$ENGINES" "$IMG" 256 32 "$SECS" "$REPS" | while read -r name _ _ rest; do
	set -- $rest
	printf '| %s |' "$([ "$name" = rand4k ] && echo 'in the page cache' || echo 'dropped from it')"
	while [ $# -ge 4 ]; do
		printf ' %s (%s) |' "$2" "$4"
		shift 4
	done
	echo
done || status=1
exit $status
