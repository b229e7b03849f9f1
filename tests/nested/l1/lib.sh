# SPDX-License-Identifier: GPL-2.0-only
#
# Scenario helpers inside L1 (busybox sh). A group file sets SCENARIOS (one
# line, read by the host side too) and defines s_NAME for each, with dashes
# and dots as underscores. A scenario fails at its first failed expectation; its
# message names what was expected and what came instead.
BUILD=$(cat /nested/builddir)
LKVM=$BUILD/lkvm-sev
TIMETO=$BUILD/tests/nested/timeto
VSOCKPIPE=$BUILD/tests/nested/vsockpipe
GUESTS=$BUILD/tests/guests
OVMF=/usr/share/ovmf/OVMF.fd
OVMF_CODE=/usr/share/OVMF/OVMF_CODE_4M.fd
OVMF_VARS=/usr/share/OVMF/OVMF_VARS_4M.fd
L2_KERNEL=/nested/l2/vmlinuz
L2_INITRD=/nested/l2/initrd.gz
INIT_MARKER="lkvm-sev-nested: init reached"
SHELL_MARKER="UEFI Interactive Shell"
# The benchmark peer as the peer-blk and peer-io groups boot it: the kernel
# by -kernel on SeaBIOS, QEMU's default firmware (through OVMF its L2 did
# not finish a disk benchmark here, BENCHMARKS.md), as lkvm-sev's guests'
# RAM and vCPU.
QEMU_SEABIOS="qemu-system-x86_64 -accel kvm -machine pc -cpu host -m 512M -smp 1 -nodefaults
	-display none -monitor none -serial stdio -nic none"

info() { echo "INFO $*" >&3; }
metric() { echo "METRIC $1 $2" >&3; }

# The first failure of the current scenario wins; later ones are noise.
fail() {
	[ -n "$failed" ] || failed=$(echo "$*" | tr '\n' ' ' | cut -c1-900)
	return 1
}

# lkvm NAME ARGS...: lkvm-sev ARGS, stdout in $T/NAME.out, stderr in
# $T/NAME.err, status in $rc. Stdin is /dev/null unless $LKVM_STDIN names a
# file.
lkvm() {
	local name=$1
	shift
	"$LKVM" "$@" >"$T/$name.out" 2>"$T/$name.err" <"${LKVM_STDIN:-/dev/null}"
	rc=$?
}

# expect_status NAME WANT: the last lkvm NAME run ended with status WANT.
# A guest's serial log ($T/NAME.serial), if any, is kept in an INFO line
# (the panic a --fail-on marker caught, say): the log stays inside L1.
expect_status() {
	[ "$rc" = "$2" ] && return 0
	[ -f "$T/$1.serial" ] && info "$1: the serial log ends:" \
		"$(tail -c 1500 "$T/$1.serial" | tr '\n' ';')"
	fail "$1: status $rc, want $2; stderr: $(tail -c 400 "$T/$1.err");" \
	     "stdout: $(tail -c 300 "$T/$1.out")"
}

# expect_in FILE TEXT: FILE contains TEXT (a fixed string).
expect_in() {
	grep -qF -- "$2" "$1" || fail "${1##*/}: no '$2'; it ends: $(tail -c 400 "$1")"
}

# expect_eq WHAT GOT WANT
expect_eq() {
	[ "$2" = "$3" ] || fail "$1: '$2', want '$3'"
}

# json_num FILE KEY: the first number after "KEY": in a JSON file.
json_num() {
	sed -n "s/.*\"$2\": *\([0-9.][0-9.]*\).*/\1/p" "$1" | head -1
}

# median of the numbers on stdin
median() {
	sort -n | awk '{v[NR] = $1} END {
		if (NR % 2) print v[(NR + 1) / 2]; else print (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}

# peer_metrics KEY NAME UNIT: the medians of $T/lkvm.KEY and $T/qemu.KEY
# (one figure a line) and their ratio, as METRIC NAME_{lkvm_UNIT,qemu_UNIT,
# lkvm_over_qemu}; nothing where either side has no figure.
peer_metrics() {
	local l q
	[ -s "$T/lkvm.$1" ] && [ -s "$T/qemu.$1" ] || return 0
	l=$(median <"$T/lkvm.$1") q=$(median <"$T/qemu.$1")
	metric "$2_lkvm_$3" "$l"
	metric "$2_qemu_$3" "$q"
	metric "$2_lkvm_over_qemu" "$(awk "BEGIN { printf \"%.3f\", $l / $q }")"
}

run_group() {
	local s fn
	for s in $SCENARIOS; do
		if [ -n "$1" ]; then
			case ",$1," in *",$s,"*) ;; *) continue ;; esac
		fi
		echo "BEGIN $s" >&3
		T=/tmp/$s
		mkdir -p "$T"
		failed=
		fn=s_$(echo "$s" | tr .- __)
		if type "$fn" >/dev/null 2>&1; then
			$fn
		else
			fail "no function $fn for scenario $s"
		fi
		if [ -n "$failed" ]; then
			echo "FAIL $s: $failed" >&3
		else
			echo "PASS $s" >&3
		fi
	done
}
