#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# Builds the L1 initramfs of the nested test bed from Debian packages only:
#   mkinitramfs.sh OUT.cpio L1_KERNEL_TREE L2_KERNEL_TREE [BUILD]
# where a kernel tree is a `dpkg -x` of a linux-image package and BUILD the
# directory of the build to test (make's O=, default build). The archive
# (uncompressed newc: the L1 kernel unpacks it faster than it could gunzip
# under TCG) holds busybox, L1's KVM modules (decompressed: busybox insmod
# takes plain .ko; tun and dummy for the network scenario), lkvm-sev, the
# test runner and guests at the paths they were built for, passt, stock
# OVMF at Debian's paths, the L2 kernel with its initrd, and a QEMU copy
# (binary, libraries, ROMs) as the benchmark peer.
# Run from the repository root after `make`.
set -euo pipefail

out=$1 l1=$2 l2=$3 build=${4:-build}
src=$(pwd)
# Absolute, as the test runner has its binaries' paths compiled in.
case $build in
/*) ;;
*) build=$src/$build ;;
esac
build=${build%/}
stage=$(mktemp -d "$(realpath "$(dirname "$out")")/stage.XXXXXX")
trap 'rm -rf "$stage"' EXIT
# The archive's "." sets the mode of L1's /: mktemp's 0700 would keep every
# user but root out of all of it (passt, changed to nobody, could not
# sandbox itself: "mount tmpfs: Permission denied").
chmod 0755 "$stage"

die() { echo "mkinitramfs: $*" >&2; exit 1; }

# Copies FILE, and every shared library it needs, to the same paths in $stage.
copy_with_libs() {
	local f lib
	for f in "$@"; do
		mkdir -p "$stage$(dirname "$f")"
		cp -L "$f" "$stage$f"
		{ ldd "$f" 2>/dev/null || true; } | awk '/=> \//{print $3} /^\t\/lib/{print $1}' |
		while read -r lib; do
			[ -e "$stage$lib" ] && continue
			mkdir -p "$stage$(dirname "$lib")"
			cp -L "$lib" "$stage$lib"
		done
	done
}

# modules KERNEL_TREE DEST M...: each module M (a path under kernel/,
# without .ko), uncompressed (busybox insmod takes no .xz), into DEST.
modules() {
	local dir dest=$2 m f
	dir=$(echo "$1"/lib/modules/*/kernel)
	[ -d "$dir" ] || die "$1: no lib/modules/*/kernel"
	shift 2
	mkdir -p "$dest"
	for m in "$@"; do
		f=$(ls "$dir/$m.ko"* 2>/dev/null | head -1)
		[ -n "$f" ] || die "$dir: no module $m"
		case $f in
		*.xz) xz -dc "$f" >"$dest/${m##*/}.ko" ;;
		*) cp "$f" "$dest/${m##*/}.ko" ;;
		esac
	done
}

# Load order: kvm-amd needs kvm and ccp (its SEV support); kvm needs irqbypass.
l1_modules() {
	modules "$l1" "$stage/lib/modules" virt/lib/irqbypass arch/x86/kvm/kvm \
		drivers/crypto/ccp/ccp arch/x86/kvm/kvm-amd
	# Not loaded by /init: the linux-net scenario loads them, tun for
	# lkvm-sev's tap and dummy for passt's template interface.
	modules "$l1" "$stage/lib/modules" drivers/net/tun drivers/net/dummy
	# Not loaded by /init either: peer-io loads them for QEMU's
	# vhost-vsock-pci (/dev/vhost-vsock), in this order.
	modules "$l1" "$stage/lib/modules" drivers/vhost/vhost_iotlb drivers/vhost/vhost \
		net/vmw_vsock/vsock net/vmw_vsock/vmw_vsock_virtio_transport_common \
		drivers/vhost/vhost_vsock
}

l2_kernel_and_initrd() {
	local root=$stage/nested/l2root
	mkdir -p "$stage/nested/l2" "$root/bin" "$root/dev" "$root/proc" "$root/sys"
	cp "$(ls "$l2"/boot/vmlinuz-* | head -1)" "$stage/nested/l2/vmlinuz"
	cp /bin/busybox "$root/bin/busybox"
	install -m 0755 tests/nested/l2/init "$root/init"
	# The virtio drivers Debian builds as modules (virtio_pci and
	# virtio_console are built in).
	modules "$l2" "$root/lib/modules" drivers/char/hw_random/virtio-rng \
		drivers/block/virtio_blk net/vmw_vsock/vsock \
		net/vmw_vsock/vmw_vsock_virtio_transport_common \
		net/vmw_vsock/vmw_vsock_virtio_transport \
		net/core/failover drivers/net/net_failover drivers/net/virtio_net
	install -m 0755 "$build/tests/nested/vsockpipe" "$root/bin/vsockpipe"
	(cd "$root" && find . | LC_ALL=C sort | cpio -o -H newc --quiet | gzip -9) \
		>"$stage/nested/l2/initrd.gz"
	rm -rf "$root"
	efi_disk "$stage/nested/l2/efiboot.img" "$stage/nested/l2/vmlinuz"
}

# efi_disk IMG EFI: a FAT image with EFI at EFI/BOOT/BOOTX64.EFI, the path
# firmware boots from a disk with no boot entries (mtools: no root needed).
efi_disk() {
	command -v mformat >/dev/null || die "mformat is not installed (Debian's mtools)"
	rm -f "$1"
	mformat -i "$1" -C -T 40960 -h 16 -s 32 -v EFIBOOT :: &&
		mmd -i "$1" ::/EFI ::/EFI/BOOT &&
		mcopy -i "$1" "$2" ::/EFI/BOOT/BOOTX64.EFI || die "$1: could not make the EFI disk"
}

# QEMU as the peer: its binary and libraries, and the firmware blobs it
# loads for a pc machine with -kernel (linuxboot_dma.bin, kvmvapic.bin).
qemu_peer() {
	local q
	q=$(command -v qemu-system-x86_64) || die "qemu-system-x86_64 is not installed"
	copy_with_libs "$q"
	mkdir -p "$stage/usr/share/qemu"
	for f in kvmvapic.bin linuxboot_dma.bin linuxboot.bin multiboot_dma.bin; do
		[ -e "/usr/share/qemu/$f" ] && cp -L "/usr/share/qemu/$f" "$stage/usr/share/qemu/"
	done
	# SeaBIOS is QEMU's default BIOS; a copy keeps a missing -bios from
	# being the failure we see.
	[ -e /usr/share/seabios/bios-256k.bin ] && cp -L /usr/share/seabios/bios-256k.bin \
		"$stage/usr/share/qemu/"
	return 0
}

mkdir -p "$stage/bin" "$stage/dev" "$stage/proc" "$stage/sys" "$stage/tmp" "$stage/nested"
cp /bin/busybox "$stage/bin/busybox"
install -m 0755 tests/nested/l1/init "$stage/init"
cp tests/nested/l1/*.sh "$stage/nested/"
l1_modules
l2_kernel_and_initrd
# lkvm-sev, the test runner and its guests, where the runner looks for them.
copy_with_libs "$build/lkvm-sev" "$build/tests/run-tests" "$build/tests/nested/timeto" \
	"$build/tests/nested/vsockpipe"
# passt for -n mode=user. Started as root, it changes to nobody, which
# getpwnam() must find (glibc's files lookup, built into libc).
passt=$(command -v passt) || die "passt is not installed (Debian's passt)"
copy_with_libs "$passt"
# dtc, with which the platform suite reads --dump-dtb's output back.
dtc=$(command -v dtc) || die "dtc is not installed (Debian's device-tree-compiler)"
copy_with_libs "$dtc"
mkdir -p "$stage/etc"
echo "root:x:0:0:root:/:/bin/sh" >"$stage/etc/passwd"
echo "nobody:x:65534:65534:nobody:/nonexistent:/bin/false" >>"$stage/etc/passwd"
printf 'root:x:0:\nnogroup:x:65534:\n' >"$stage/etc/group"
mkdir -p "$stage$build/tests/guests"
cp "$build"/tests/guests/*.bin "$stage$build/tests/guests/"
for f in /usr/share/ovmf/OVMF.fd /usr/share/OVMF/OVMF_CODE_4M.fd \
	 /usr/share/OVMF/OVMF_VARS_4M.fd /usr/share/OVMF/OVMF_VARS.fd; do
	mkdir -p "$stage$(dirname "$f")"
	cp -L "$f" "$stage$f"
done
echo "$build" >"$stage/nested/builddir"
qemu_peer
(cd "$stage" && find . | LC_ALL=C sort | cpio -o -H newc --quiet) >"$out.tmp"
mv "$out.tmp" "$out"
