#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
#
# Boots a firmware under each mode this host supports (as `lkvm-sev caps
# --json` judges it), keeps each run's output and report, prints a summary
# table and exits non-zero if any supported mode failed. Plain POSIX sh.
#
#   examples/ci-boot.sh [FIRMWARE [DIR]]
#
# FIRMWARE: default build/tests/guests/hello.bin where run from a built
# source tree, else lkvm-sev's embedded firmware. DIR: where MODE.out
# (stdout and stderr) and MODE.json (the --report, where lkvm-sev has it)
# go; default a new directory ci-boot.XXXXXX under $TMPDIR (or /tmp), so
# that a run from a source tree leaves the tree as it was. Environment: LKVM (the binary; default
# ./build/lkvm-sev if there, else lkvm-sev on PATH), TIMEOUT (seconds per
# boot, default 60), UNTIL (a serial marker that ends a boot successfully),
# FAIL_ON (one that fails it), EXTRA (more run options, split on spaces).
set -u

here=$(dirname "$0")
if [ -n "${LKVM:-}" ]; then
	lkvm=$LKVM
elif [ -x ./build/lkvm-sev ]; then
	lkvm=./build/lkvm-sev
else
	lkvm=lkvm-sev
fi
firmware=${1:-}
if [ -z "$firmware" ] && [ -f "$here/../build/tests/guests/hello.bin" ]; then
	firmware=$here/../build/tests/guests/hello.bin
fi
timeout=${TIMEOUT:-60}
if [ -n "${2:-}" ]; then
	dir=$2
	mkdir -p "$dir" || exit 2
else
	dir=$(mktemp -d "${TMPDIR:-/tmp}/ci-boot.XXXXXX") || exit 2
fi
if ! "$lkvm" caps --json > "$dir/caps.json" 2> "$dir/caps.err"; then
	echo "ci-boot: '$lkvm caps --json' failed: $(cat "$dir/caps.err")" >&2
	exit 2
fi
has_report=no
"$lkvm" run --help 2>/dev/null | grep -q -- '--report' && has_report=yes

# The caps JSON's "modes" array, one "mode<TAB>verdict<TAB>detail" line each
# (lkvm-sev writes one key per line).
tab=$(printf '\t')
modes=$(awk '
	function val(s) {
		sub(/^[^:]*: */, "", s); sub(/,$/, "", s)
		if (s == "null") return ""
		sub(/^"/, "", s); sub(/"$/, "", s); gsub(/\\"/, "\"", s)
		return s
	}
	/"modes": \[/ { in_modes = 1; next }
	in_modes && /^ *\]/ { in_modes = 0 }
	in_modes && /"mode":/ { mode = val($0) }
	in_modes && /"verdict":/ { verdict = val($0) }
	in_modes && /"detail":/ { print mode "\t" verdict "\t" val($0) }
' "$dir/caps.json")
if [ -z "$modes" ]; then
	echo "ci-boot: no modes in '$lkvm caps --json' (see $dir/caps.json)" >&2
	exit 2
fi

# The run options of a caps mode, and a file name for it.
mode_opts() {
	case "$1" in
	plain) echo "" ;;
	SEV) echo "--sev" ;;
	SEV-ES) echo "--sev-es" ;;
	"SEV-ES + debug-swap") echo "--sev-es --debug-swap" ;;
	SNP) echo "--sev-snp" ;;
	"SNP + direct VMSA") echo "--sev-snp --direct-vmsa on" ;;
	*) return 1 ;;
	esac
}
slug() {
	echo "$1" | tr 'A-Z' 'a-z' | sed 's/ + /+/g; s/ /-/g'
}

# Status words, as `lkvm-sev run --help` lists them.
why() {
	case "$1" in
	0) echo "powered off or --until marker seen" ;;
	2) echo "bad options or input files" ;;
	4) echo "the guest reset itself" ;;
	6) echo "a --fail-on marker appeared" ;;
	8) echo "powered off without the --until marker" ;;
	10) echo "the run's --report could not be written" ;;
	124) echo "--timeout expired" ;;
	125) echo "the host cannot run this VM" ;;
	126) echo "the guest crashed" ;;
	130 | 143) echo "stopped by a signal" ;;
	*) if [ $(($1 % 2)) -eq 1 ]; then
		echo "debug-exit $(($1 >> 1))"
	else
		echo "status $1"
	fi ;;
	esac
}

failed=0
summary=""
nl='
'
oldifs=$IFS
IFS=$nl
for line in $modes; do
	IFS=$tab read -r mode verdict detail <<-EOT
	$line
	EOT
	IFS=$oldifs
	case "$verdict" in
	runs*) ;;
	*)
		summary="$summary$mode$tab""unsupported$tab$detail$nl"
		IFS=$nl
		continue ;;
	esac
	if ! opts=$(mode_opts "$mode"); then
		summary="$summary$mode$tab""skipped${tab}ci-boot does not know this mode$nl"
		IFS=$nl
		continue
	fi
	name=$(slug "$mode")
	set -- $opts ${EXTRA:-} --timeout "$timeout"
	[ -n "$firmware" ] && set -- "$@" --firmware "$firmware"
	[ "$has_report" = yes ] && set -- "$@" --report "$dir/$name.json"
	[ -n "${UNTIL:-}" ] && set -- "$@" --until "$UNTIL"
	[ -n "${FAIL_ON:-}" ] && set -- "$@" --fail-on "$FAIL_ON"
	echo "ci-boot: $mode: $lkvm run $*" >&2
	"$lkvm" run "$@" < /dev/null > "$dir/$name.out" 2>&1
	st=$?
	if [ "$st" -eq 0 ]; then
		result=pass
	else
		result=FAIL
		failed=1
	fi
	reason="$(why "$st") (status $st)"
	# The line that says why: lkvm-sev's last that is not a warning.
	last=$(grep '^lkvm-sev: ' "$dir/$name.out" | grep -v '^lkvm-sev: warning: ' | tail -n 1)
	[ "$st" -ne 0 ] && [ -n "$last" ] && reason="$reason: $last"
	summary="$summary$mode$tab$result$tab$reason$nl"
	IFS=$nl
done
IFS=$oldifs

printf '%-20s %-12s %s\n' MODE STATUS REASON
printf '%s' "$summary" | while IFS=$tab read -r mode result reason; do
	printf '%-20s %-12s %s\n' "$mode" "$result" "$reason"
done
echo "ci-boot: outputs and reports in $dir/"
exit $failed
