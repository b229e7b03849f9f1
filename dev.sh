#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
#
# The README's two commands. Each installs what is missing (Debian 12, as
# root or through sudo), builds, and then:
#   ./dev.sh run    boots the embedded default firmware
#   ./dev.sh test   runs every test under ASan + UBSan, the hardware boot
#                   test where the host can run it, the CI example
#                   (examples/ci-boot.sh), then every test again
set -eu
cd "$(dirname "$0")"

PACKAGES="gcc make binutils pkg-config libfdt-dev nettle-dev check ovmf acpica-tools python3"

install_missing() {
	missing=""
	for p in $PACKAGES; do
		dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" ||
			missing="$missing $p"
	done
	[ -z "$missing" ] && return 0
	sudo=""
	[ "$(id -u)" -eq 0 ] || sudo="sudo"
	echo "dev.sh: installing$missing" >&2
	$sudo apt-get update -qq
	DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq $missing >/dev/null
}

jobs=$(nproc 2>/dev/null || echo 2)
case "${1:-}" in
run)
	install_missing
	make -j"$jobs" lkvm-sev >/dev/null
	exec ./lkvm-sev run
	;;
test)
	install_missing
	make -j"$jobs" all >/dev/null
	make -j"$jobs" O=build/sanitize/ SANITIZE=1 all >/dev/null
	echo "== tests under AddressSanitizer + UndefinedBehaviorSanitizer"
	build/sanitize/tests/run-tests
	echo "== hardware boot test"
	make -s check-hw
	echo "== CI example: examples/ci-boot.sh on the test firmware"
	examples/ci-boot.sh tests/guests/hello.bin build/ci-boot
	echo "== tests"
	exec tests/run-tests
	;;
*)
	echo "usage: ./dev.sh run | test" >&2
	exit 2
	;;
esac
