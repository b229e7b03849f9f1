#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# The hardware boot test (make check-hw): stock OVMF to its shell, then a
# Debian kernel with a busybox initramfs to a marker line, each within a
# time limit. It needs a host whose KVM runs guest code natively; where KVM
# emulates guest instructions (this project's build hosts: OVMF stops in
# SEC there), it says so and skips. Run from the repository root.
set -u -o pipefail

LKVM=${LKVM:-build/lkvm-sev}
OVMF_CODE=/usr/share/OVMF/OVMF_CODE_4M.fd
OVMF_VARS=/usr/share/OVMF/OVMF_VARS_4M.fd
MARKER="lkvm-sev-hw-boot: init reached"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

say() { echo "check-hw: $*"; }
fail() { echo "check-hw: FAIL: $*" >&2; exit 1; }

# lkvm-sev's own calibration (caps): one million loop iterations, ~1 ms
# natively, ~1 s under an emulator.
calib=$("$LKVM" caps --json | python3 -c '
import json, sys
c = json.load(sys.stdin)["calibration"]
print(c["result"], round(c["ms"]) if c["ms"] is not None else "-")') ||
	fail "lkvm-sev caps --json did not report a calibration"
read -r result ms <<EOF_CALIB
$calib
EOF_CALIB
if [ "$result" != native ]; then
	echo "SKIP check-hw: this host's KVM does not run guest code natively (caps:" \
	     "$result, the calibration guest took $ms ms; natively about 1 ms):" \
	     "OVMF and Linux cannot boot here"
	echo "0 passed, 0 failed, 1 skipped"
	exit 0
fi
say "KVM runs guests natively (calibration: $ms ms)"

need=""
for p in ovmf linux-image-amd64 busybox-static cpio; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" ||
		need="$need $p"
done
if [ -n "$need" ]; then
	sudo=""; [ "$(id -u)" -eq 0 ] || sudo=sudo
	$sudo apt-get update -qq && DEBIAN_FRONTEND=noninteractive \
		$sudo apt-get install -y -qq $need >/dev/null || fail "cannot install$need"
fi

# Runs lkvm-sev in the background until its output shows $1 or $2 seconds pass.
boot_until() {
	local marker=$1 limit=$2 log=$3 pid i
	shift 3
	"$LKVM" run "$@" >"$log" 2>&1 </dev/null &
	pid=$!
	for ((i = 0; i < limit * 10; i++)); do
		if grep -q "$marker" "$log"; then
			kill -TERM "$pid" 2>/dev/null
			wait "$pid" 2>/dev/null
			return 0
		fi
		kill -0 "$pid" 2>/dev/null || break
		sleep 0.1
	done
	kill -KILL "$pid" 2>/dev/null
	wait "$pid" 2>/dev/null
	return 1
}

passed=0
cp "$OVMF_VARS" "$work/vars.fd"
if boot_until "Shell>" 60 "$work/ovmf.log" --firmware "$OVMF_CODE" --vars "$work/vars.fd" \
		-m 512M -c 2 --timeout 90; then
	say "OVMF reached its shell"
	passed=$((passed + 1))
else
	tail -20 "$work/ovmf.log" >&2
	fail "OVMF did not reach Shell> within 60 s"
fi

kernel=$(ls -1 /boot/vmlinuz-* | sort -V | tail -1)
mkdir -p "$work/root/bin"
cp /bin/busybox "$work/root/bin/busybox"
cat >"$work/root/init" <<INIT
#!/bin/busybox sh
/bin/busybox echo "$MARKER"
/bin/busybox poweroff -f
INIT
chmod +x "$work/root/init"
(cd "$work/root" && find . | cpio -o -H newc 2>/dev/null | gzip) >"$work/initrd.gz"
cp "$OVMF_VARS" "$work/vars.fd"
"$LKVM" run --firmware "$OVMF_CODE" --vars "$work/vars.fd" -m 1G -c 2 -k "$kernel" \
	-i "$work/initrd.gz" -p "console=ttyS0 panic=-1" --timeout 180 \
	>"$work/linux.log" 2>&1 </dev/null
status=$?
if grep -q "$MARKER" "$work/linux.log" && [ "$status" -eq 0 ]; then
	say "Linux ($kernel) reached init and powered off"
	passed=$((passed + 1))
else
	tail -30 "$work/linux.log" >&2
	fail "Linux did not reach init and power off (status $status)"
fi
echo "$passed passed, 0 failed"
