#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# startup.sh - the start-up benchmark: times lkvm-sev booting a tiny guest
# against the floor program (bench/floor) and QEMU, interleaved, and prints
# a Markdown table.  Run from anywhere (it works in the repo root):
#
#   bench/startup.sh [RUNS]        RUNS timed runs per configuration (15)
#
# It builds nothing: `make bench` builds build/lkvm-sev, build/bench/floor,
# build/bench/measure and build/tests/guests/tiny.bin first (LKVM_BUILD:
# another build directory than build/).  Overrides (environment; relative
# paths are relative to the repo root):
#   LKVM=build/lkvm-sev  FLOOR=build/bench/floor  MEASURE=build/bench/measure
#   IMAGE=build/tests/guests/tiny.bin  QEMU=qemu-system-x86_64
#
# Fairness: each round runs every configuration once (warm-up run plus one
# timed run via bench/measure -n 1), and the order of configurations rotates
# from round to round, so slow drift in the host hits all rows alike.

set -u -o pipefail

cd "$(dirname "$0")/.." || exit 1

RUNS=${1:-15}
# The build's outputs: LKVM_BUILD (make bench passes its O=), default build.
B=${LKVM_BUILD:-build}
B=${B%/}
LKVM=${LKVM:-$B/lkvm-sev}
FLOOR=${FLOOR:-$B/bench/floor}
MEASURE=${MEASURE:-$B/bench/measure}
IMAGE=${IMAGE:-$B/tests/guests/tiny.bin}
QEMU=${QEMU:-qemu-system-x86_64}
EXPECT=1	# tiny.bin writes 0 to port 0xf4: status (0 << 1) | 1

die() {
	echo "startup.sh: $*" >&2
	exit 1
}

case $RUNS in
''|*[!0-9]*|0) die "RUNS must be a positive integer, not '$RUNS'" ;;
esac

for f in "$LKVM" "$FLOOR" "$MEASURE"; do
	[ -x "$f" ] || die "$f is missing or not executable (build it first: make bench)"
done
[ -r "$IMAGE" ] || die "guest image $IMAGE is missing (build it first: make bench)"
[ -r /dev/kvm ] && [ -w /dev/kvm ] || die "/dev/kvm is missing or not read-writable"

CONFIGS="floor_bare floor_irqchip floor_irqchip_64G lkvm_64M lkvm_64G lkvm_default"
QEMU_NOTE=
if command -v "$QEMU" >/dev/null 2>&1; then
	CONFIGS="$CONFIGS qemu"
else
	QEMU_NOTE="qemu: skipped ($QEMU not found in PATH)"
fi

# Sets CMD to the command line of configuration $1.
set_cmd() {
	case $1 in
	floor_bare)	CMD=("$FLOOR" "$IMAGE") ;;
	floor_irqchip)	CMD=("$FLOOR" --irqchip "$IMAGE") ;;
	floor_irqchip_64G) CMD=("$FLOOR" --irqchip --mem 65536 "$IMAGE") ;;
	lkvm_64M)	CMD=("$LKVM" run --firmware "$IMAGE" -m 64M) ;;
	lkvm_64G)	CMD=("$LKVM" run --firmware "$IMAGE" -m 64G) ;;
	lkvm_default)	CMD=("$LKVM" run --firmware "$IMAGE") ;;
	qemu)		CMD=("$QEMU" -enable-kvm -machine pc -nodefaults
			     -nographic -serial stdio -monitor none -m 64
			     -bios "$IMAGE"
			     -device isa-debug-exit,iobase=0xf4,iosize=0x04) ;;
	*)		die "unknown configuration $1" ;;
	esac
}

# Prints configuration $1's command line, quoting words only where needed.
show_cmd() {
	local w out= sq="'" esc="'\\''"
	set_cmd "$1"
	for w in "${CMD[@]}"; do
		if [[ -z $w || $w == *[!A-Za-z0-9_./=,:@%+-]* ]]; then
			w="'${w//$sq/$esc}'"
		fi
		out="$out${out:+ }$w"
	done
	echo "$out"
}

TMP=$(mktemp -d) || die "mktemp failed"
trap 'rm -rf "$TMP"' EXIT

# Check pass: every configuration must exit with $EXPECT and print "OK".
for c in $CONFIGS; do
	set_cmd "$c"
	if ! "$MEASURE" -q -n 1 -s "$EXPECT" -o "$TMP/$c.out" -- "${CMD[@]}" \
		>/dev/null 2>"$TMP/$c.err"; then
		echo "startup.sh: $c failed: $(show_cmd "$c")" >&2
		cat "$TMP/$c.err" >&2
		echo "--- its output:" >&2
		head -c 2000 "$TMP/$c.out" >&2
		exit 1
	fi
	grep -q OK "$TMP/$c.out" ||
		die "$c did not print OK: $(show_cmd "$c")"
	: >"$TMP/$c.dat"
done

# Timed rounds, interleaved, rotating the starting configuration.
read -r -a ALL <<<"$CONFIGS"
N=${#ALL[@]}
for ((r = 0; r < RUNS; r++)); do
	[ -t 2 ] && printf '\rround %d/%d' $((r + 1)) "$RUNS" >&2
	for ((k = 0; k < N; k++)); do
		c=${ALL[(r + k) % N]}
		set_cmd "$c"
		if ! line=$("$MEASURE" -q -n 1 -s "$EXPECT" -- "${CMD[@]}" \
			2>"$TMP/$c.err"); then
			echo >&2
			echo "startup.sh: $c failed in round $((r + 1)): $(show_cmd "$c")" >&2
			cat "$TMP/$c.err" >&2
			exit 1
		fi
		# median_ms=X min_ms=X max_ms=X rss_kib=N runs=1
		echo "$line" | awk '{
			for (i = 1; i <= NF; i++) {
				split($i, kv, "=");
				v[kv[1]] = kv[2];
			}
			print v["median_ms"], v["rss_kib"];
		}' >>"$TMP/$c.dat"
	done
done
[ -t 2 ] && echo >&2

# Prints "median min max_rss" of a .dat file of "ms rss" lines.
stats() {
	sort -g -k1,1 "$1" | awk '{
		ms[NR] = $1;
		if ($2 > rss)
			rss = $2;
	} END {
		med = NR % 2 ? ms[(NR + 1) / 2] : (ms[NR / 2] + ms[NR / 2 + 1]) / 2;
		printf "%.3f %.3f %d\n", med, ms[1], rss;
	}'
}

declare -A MED MIN RSS
for c in $CONFIGS; do
	read -r med min rss <<<"$(stats "$TMP/$c.dat")"
	MED[$c]=$med MIN[$c]=$min RSS[$c]=$rss
done

ratio() {
	awk -v a="$1" -v b="$2" 'BEGIN { printf (b > 0 ? "%.2f" : "n/a"), (b > 0 ? a / b : 0) }'
}

echo "## lkvm-sev start-up: $RUNS runs per configuration, interleaved"
echo
echo "| configuration | median ms | min ms | peak RSS KiB | × floor_irqchip | × floor_bare |"
echo "|---|---:|---:|---:|---:|---:|"
for c in $CONFIGS; do
	printf '| %s | %s | %s | %s | %s | %s |\n' "$c" "${MED[$c]}" \
		"${MIN[$c]}" "${RSS[$c]}" \
		"$(ratio "${MED[$c]}" "${MED[floor_irqchip]}")" \
		"$(ratio "${MED[$c]}" "${MED[floor_bare]}")"
done
echo
echo "lkvm_64G/lkvm_64M = $(ratio "${MED[lkvm_64G]}" "${MED[lkvm_64M]}")"
echo "floor_irqchip_64G/floor_irqchip = $(ratio "${MED[floor_irqchip_64G]}" "${MED[floor_irqchip]}")"
echo "lkvm_64G/floor_irqchip_64G = $(ratio "${MED[lkvm_64G]}" "${MED[floor_irqchip_64G]}")"
[ -n "$QEMU_NOTE" ] && echo "$QEMU_NOTE"
echo
CPU=$(awk -F': *' '/^model name/ { print $2; exit }' /proc/cpuinfo)
echo "host: kernel $(uname -r), $(nproc) CPUs, ${CPU:-unknown CPU}"
if [[ " $CONFIGS " == *" qemu "* ]]; then
	echo "qemu: $("$QEMU" --version | head -n 1)"
fi
echo
echo "Commands (median/min: wall ms from fork to wait4; RSS: ru_maxrss):"
for c in $CONFIGS; do
	echo "- $c: \`$(show_cmd "$c")\`"
done
