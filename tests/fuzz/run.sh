#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
#
# `make fuzz`: runs each libFuzzer target for SECONDS. A target's corpus in
# the tree (tests/fuzz/corpus/TARGET/) is read, never written: what the run
# finds goes to a scratch corpus under DIR/run/TARGET/, with the log and any
# crashing input. Every target runs; the status is 1 if any of them crashed,
# leaked, ran past TIMEOUT seconds on one input or ran out of memory, and
# the input that did it is named.
#   usage: tests/fuzz/run.sh DIR SECONDS TIMEOUT TARGET...
set -u
cd "$(dirname "$0")/../.."
[ $# -ge 3 ] || { echo "usage: $0 DIR SECONDS TIMEOUT TARGET..." >&2; exit 2; }
dir=${1%/} secs=$2 timeout=$3
shift 3
targets=$*
status=0
for t in $targets; do
	work=$dir/run/$t
	rm -rf "$work"
	mkdir -p "$work/corpus" "$work/found"
	set -- -max_total_time="$secs" -timeout="$timeout" -rss_limit_mb=2048 \
		-detect_leaks=1 -close_fd_mask=3 -print_final_stats=1 \
		-artifact_prefix="$work/found/"
	[ -f "tests/fuzz/$t.dict" ] && set -- "$@" -dict="tests/fuzz/$t.dict"
	UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
		"$dir/$t" "$@" "$work/corpus" "tests/fuzz/corpus/$t" >"$work/log" 2>&1
	rc=$?
	runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$work/log")
	rate=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$work/log")
	found=$(ls "$work/found")
	if [ $rc -ne 0 ] || [ -n "$found" ]; then
		echo "fuzz: $t: FAILED (status $rc); its log: $work/log"
		tail -n 40 "$work/log"
		for f in $found; do
			echo "fuzz: $t: input: $work/found/$f"
		done
		status=1
	else
		echo "fuzz: $t: ${runs:-?} inputs in ${secs} s (${rate:-?}/s), no crash, leak or timeout"
	fi
done
exit $status
