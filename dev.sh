#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
#
# The README's two commands. Each installs what is missing (Debian 12, as
# root or through sudo), builds, and then:
#   ./dev.sh run    boots the embedded default firmware
#   ./dev.sh test   runs every test under ASan + UBSan, the hardware boot
#                   test where the host can run it, the nested test bed
#                   (a real KVM under QEMU TCG), the CI example
#                   (examples/ci-boot.sh), then every test again
set -eu
cd "$(dirname "$0")"

# libgmp-dev, libtasn1-6-dev and libtasn1-bin (asn1Parser): verify and ID-block
# signing; openssl: the tests check their signatures with it (never to sign).
# clang, libclang-rt-dev (libFuzzer, the sanitizers) and llvm (llvm-symbolizer):
# the fuzz targets, which CI runs after the tests (make fuzz).
PACKAGES="gcc make binutils pkg-config libfdt-dev nettle-dev libgmp-dev libtasn1-6-dev libtasn1-bin
	liburing-dev check openssl ovmf acpica-tools python3
	busybox-static cpio xz-utils mtools passt device-tree-compiler
	clang libclang-rt-dev llvm"
# The nested test bed's L1 runs under QEMU 10 from Debian's own
# bookworm-backports suite (tests/nested/README.md), which also has the
# Linux 6.12 kernel package the bed downloads.
BACKPORTS_PACKAGES="qemu-system-x86"
BACKPORTS_SOURCES=/etc/apt/sources.list.d/lkvm-sev-bookworm-backports.sources

installed() {
	dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q "install ok installed"
}

has_backports() {
	grep -rqs '^Suites:.*bookworm-backports\|^deb .* bookworm-backports ' \
		/etc/apt/sources.list /etc/apt/sources.list.d/
}

# install_missing [nested]: the packages to build and test; with "nested",
# also those of the nested test bed, from bookworm-backports.
install_missing() {
	missing="" backports="" add_suite=""
	for p in $PACKAGES; do
		installed "$p" || missing="$missing $p"
	done
	if [ "${1:-}" = nested ]; then
		for p in $BACKPORTS_PACKAGES; do
			installed "$p" || backports="$backports $p"
		done
		# The bed downloads its 6.12 kernel package from the suite, too.
		has_backports || add_suite=yes
	fi
	[ -z "$missing$backports$add_suite" ] && return 0
	sudo=""
	[ "$(id -u)" -eq 0 ] || sudo="sudo"
	apt="$sudo env DEBIAN_FRONTEND=noninteractive apt-get"
	if [ -n "$add_suite" ]; then
		echo "dev.sh: adding Debian's bookworm-backports suite ($BACKPORTS_SOURCES)" >&2
		printf '%s\n' "Types: deb" "URIs: http://deb.debian.org/debian" \
			"Suites: bookworm-backports" "Components: main" \
			"Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg" |
			$sudo tee "$BACKPORTS_SOURCES" >/dev/null
	fi
	echo "dev.sh: installing$missing$backports" >&2
	$sudo apt-get update -qq
	[ -z "$missing" ] || $apt install -y -qq $missing >/dev/null
	[ -z "$backports" ] || $apt install -y -qq -t bookworm-backports $backports >/dev/null
}

jobs=$(nproc 2>/dev/null || echo 2)
case "${1:-}" in
run)
	install_missing
	make -j"$jobs" build/lkvm-sev >/dev/null
	exec build/lkvm-sev run
	;;
test)
	install_missing nested
	make -j"$jobs" all >/dev/null
	make -j"$jobs" O=build/sanitize/ SANITIZE=1 all >/dev/null
	echo "== tests under AddressSanitizer + UndefinedBehaviorSanitizer"
	build/sanitize/tests/run-tests
	echo "== hardware boot test"
	make -s check-hw
	echo "== nested test bed: lkvm-sev on a real kvm_amd under QEMU TCG"
	make -s check-nested
	echo "== CI example: examples/ci-boot.sh on the test firmware"
	examples/ci-boot.sh build/tests/guests/hello.bin build/ci-boot
	echo "== tests"
	exec build/tests/run-tests
	;;
*)
	echo "usage: ./dev.sh run | test" >&2
	exit 2
	;;
esac
