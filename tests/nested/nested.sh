#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# The nested test bed (make check-nested): lkvm-sev on a real KVM. Boots a
# Debian kernel (L1) under QEMU TCG, whose emulated AMD SVM with nested
# paging lets L1's kvm_amd run guest code the way an EPYC host does (minus
# SEV), and runs the scenario groups of tests/nested/l1 there, one L1 boot
# per group, as many at once as there are CPUs. README.md in this
# directory says what it proves and what it cannot.
#
#   tests/nested/nested.sh [GROUP...]      (default: every group but the
#                                          benchmarks, BENCH=1: peer, peer-blk,
#                                          peer-io)
#
# Environment: LKVM_NESTED_ATTEMPTS (L1 boots per group when QEMU hits its
# known TCG assertion; default 4), LKVM_NESTED_JOBS (parallel L1s; default
# the CPU count), LKVM_NESTED_DIR (default build/nested), LKVM_BUILD (the
# build to test, default build: make's O=). Run from the repository root
# after `make`. Exit status 0 when nothing failed.
set -u -o pipefail

dir=${LKVM_NESTED_DIR:-build/nested}
build=${LKVM_BUILD:-build}
build=${build%/}
attempts=${LKVM_NESTED_ATTEMPTS:-4}
jobs=${LKVM_NESTED_JOBS:-$(nproc)}
# The one way QEMU's TCG is known to die under a nested KVM (README.md).
TCG_ABORT="tcg_handle_interrupt: assertion failed: (bql_locked())"

say() { echo "nested: $*"; }
die() { echo "nested: $*" >&2; exit 1; }

# group_var GROUP VAR: a VAR=... line of the group's file (KERNEL, SCENARIOS,
# TIMEOUT, L1_QEMU_ARGS, BENCH), which the host reads without running it.
group_var() {
	sed -n "s/^$2=\"\{0,1\}\([^\"]*\)\"\{0,1\}$/\1/p" "tests/nested/l1/group-$1.sh"
}

# kernel_pkg 6.12|6.1: the linux-image package Debian's metapackage points
# at, from bookworm-backports for 6.12 and bookworm itself for 6.1.
kernel_pkg() {
	local suite
	case $1 in
	6.12) suite=bookworm-backports ;;
	6.1) suite=bookworm ;;
	*) die "unknown kernel series $1" ;;
	esac
	apt-cache depends -t "$suite" linux-image-amd64 2>/dev/null |
		sed -n "s/^ *Depends: \(linux-image-$1[.0-9+a-z-]*-amd64\)$/\1/p" | head -1
}

# kernel_tree 6.12|6.1: downloads (once) and unpacks the kernel package;
# prints the tree. Nothing is installed.
kernel_tree() {
	local pkg deb tree
	pkg=$(kernel_pkg "$1")
	[ -n "$pkg" ] || die "no linux-image-$1 in apt's lists (is bookworm-backports in" \
		"/etc/apt/sources.list.d? ./dev.sh test adds it)"
	tree=$dir/kernels/$pkg
	if [ ! -e "$tree/.done" ]; then
		mkdir -p "$dir/debs" "$tree"
		deb=$(ls "$dir/debs/${pkg}_"*.deb 2>/dev/null | head -1)
		if [ -z "$deb" ]; then
			(cd "$dir/debs" && apt-get download -q=2 "$pkg" 2>&1 |
				grep -v 'unsandboxed') ; true
			deb=$(ls "$dir/debs/${pkg}_"*.deb 2>/dev/null | head -1)
			[ -n "$deb" ] || die "apt-get download $pkg failed"
		fi
		dpkg -x "$deb" "$tree" || die "dpkg -x $deb failed"
		touch "$tree/.done"
	fi
	echo "$tree"
}

# boot GROUP KERNEL_TREE INITRAMFS ONLY OUTDIR: one L1 boot; QEMU's status.
boot() {
	local group=$1 tree=$2 initramfs=$3 only=$4 out=$5 limit extra
	limit=$(group_var "$group" TIMEOUT)
	extra=$(group_var "$group" L1_QEMU_ARGS)
	mkdir -p "$out"
	: >"$out/results"
	timeout -k 5 "${limit:-600}" qemu-system-x86_64 -accel tcg \
		-cpu EPYC,+svm,+npt,-x2apic -smp 1 -m 4G \
		-nic none -display none -monitor none -no-reboot $extra \
		-serial "file:$out/console" -serial "file:$out/results" \
		-kernel "$(ls "$tree"/boot/vmlinuz-* | head -1)" -initrd "$initramfs" \
		-append "console=ttyS0 panic=-1 loglevel=4 nested.group=$group${only:+ nested.only=$only}" \
		</dev/null >"$out/qemu.out" 2>"$out/qemu.err"
}

# run_group GROUP: boots L1 until every scenario has a result from a boot
# that did not die under it, or the attempts are spent; writes
# $dir/runs/GROUP/summary (one line per scenario) and metrics.
run_group() {
	local group=$1 kernel tree initramfs scenarios left attempt=0 st s out aborted=0
	local runs=$dir/runs/$group
	kernel=$(group_var "$group" KERNEL)
	scenarios=$(group_var "$group" SCENARIOS)
	tree=${trees[$kernel]}
	initramfs=$dir/L1-$kernel.cpio
	rm -rf "$runs"
	mkdir -p "$runs"
	: >"$runs/summary"
	: >"$runs/metrics"
	left=$scenarios
	while [ -n "$left" ] && [ "$attempt" -lt "$attempts" ]; do
		attempt=$((attempt + 1))
		out=$runs/boot$attempt
		# (bash's own "Aborted" line for a QEMU that died so is not wanted.)
		boot "$group" "$tree" "$initramfs" "$([ "$attempt" -gt 1 ] && echo "${left// /,}")" \
			"$out" 2>/dev/null
		st=$?
		tr -d '\r' <"$out/results" >"$out/results.txt"
		grep -E '^(PASS|FAIL) ' "$out/results.txt" >>"$runs/summary"
		sed -n 's/^METRIC /'"$group"' /p' "$out/results.txt" >>"$runs/metrics"
		left=$(for s in $left; do
			grep -qE "^(PASS $s|FAIL $s:)" "$runs/summary" || echo "$s"; done | xargs)
		if grep -qF "$TCG_ABORT" "$out/qemu.err"; then
			aborted=$((aborted + 1))
			say "$group: L1 boot $attempt: QEMU hit its TCG assertion" \
				"($(grep '^BEGIN' "$out/results.txt" | tail -1 | cut -d' ' -f2) running)"
			continue
		fi
		if [ "$st" -ne 0 ] || ! grep -q '^END$' "$out/results.txt"; then
			# Any other death fails what had not finished.
			for s in $left; do
				echo "FAIL $s: L1 boot ended without a result (QEMU status $st;" \
					"$(tail -c 300 "$out/qemu.err" | tr '\n' ' ')" \
					"console: $(tail -c 300 "$out/console" | tr -d '\r' | tr '\n' ' '))" \
					>>"$runs/summary"
			done
			left=
		fi
	done
	for s in $left; do
		echo "NOTRUN $s: QEMU hit its TCG assertion in all $attempt L1 boots" >>"$runs/summary"
	done
	echo "$group $attempt $aborted" >"$runs/boots"
}

groups=("$@")
if [ ${#groups[@]} -eq 0 ]; then
	# The longest first (by time limit), so that the others fill in beside it.
	# Benchmarks (BENCH=1) only when named.
	mapfile -t groups < <(for f in tests/nested/l1/group-*.sh; do
		f=${f##*/group-}
		f=${f%.sh}
		[ -n "$(group_var "$f" BENCH)" ] || echo "$(group_var "$f" TIMEOUT) $f"
	done | sort -rn | cut -d' ' -f2)
fi
for g in "${groups[@]}"; do
	[ -e "tests/nested/l1/group-$g.sh" ] || die "no group '$g' (tests/nested/l1/group-$g.sh)"
done
command -v qemu-system-x86_64 >/dev/null ||
	die "qemu-system-x86_64 is missing (./dev.sh test installs it from bookworm-backports)"
[ -x /bin/busybox ] || die "busybox is missing (./dev.sh test installs busybox-static)"
[ -x "$build/lkvm-sev" ] && [ -x "$build/tests/run-tests" ] &&
	[ -x "$build/tests/nested/timeto" ] && [ -x "$build/tests/nested/vsockpipe" ] ||
	die "build first: make"

mkdir -p "$dir"
kernels=$(for g in "${groups[@]}"; do group_var "$g" KERNEL; done | sort -u)
l2=$(kernel_tree 6.12) || exit 1
declare -A trees	# kernel series -> its unpacked package, for run_group
for k in $kernels; do
	trees[$k]=$(kernel_tree "$k") || exit 1
	tests/nested/mkinitramfs.sh "$dir/L1-$k.cpio" "${trees[$k]}" "$l2" "$build" ||
		die "cannot build the L1 initramfs for $k"
done
say "L1: $(qemu-system-x86_64 --version | head -1); groups: ${groups[*]}"

start=$SECONDS
running=0
for g in "${groups[@]}"; do
	run_group "$g" &
	running=$((running + 1))
	if [ "$running" -ge "$jobs" ]; then
		wait -n
		running=$((running - 1))
	fi
done
wait

passed=0 failed=0 notrun=0 boots=0 aborts=0
for g in "${groups[@]}"; do
	while read -r verdict rest; do
		echo "$verdict nested/$g/$rest"
		case $verdict in
		PASS) passed=$((passed + 1)) ;;
		FAIL)
			failed=$((failed + 1))
			# What the scenario said before it failed (a guest's serial tail).
			awk -v s="${rest%%:*}" '$0 == "BEGIN " s { on = 1; next }
				/^(PASS|FAIL) / { on = 0 } on && /^INFO / { print "  " $0 }' \
				"$dir/runs/$g"/boot*/results.txt | cut -c1-2000
			;;
		NOTRUN) notrun=$((notrun + 1)) ;;
		esac
	done <"$dir/runs/$g/summary"
	read -r _ b a <"$dir/runs/$g/boots"
	boots=$((boots + b))
	aborts=$((aborts + a))
done
for g in "${groups[@]}"; do
	cat "$dir/runs/$g/metrics"
done | sed 's/^/METRIC /' | tee "$dir/metrics"
say "$boots L1 boots in $((SECONDS - start)) s, $aborts of them ended by QEMU's TCG assertion"
echo "$passed passed, $failed failed, $notrun not run"
[ "$failed" -eq 0 ]
