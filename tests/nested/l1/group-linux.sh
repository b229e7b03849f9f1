# SPDX-License-Identifier: GPL-2.0-only
#
# Linux 6.12 as the L2 guest, through OVMF's kernel loader (-k -i -p), on
# Linux 6.12's KVM: to init and ACPI power-off, with one and two vCPUs; and
# the PCI bus as OVMF leaves it and Linux takes it, with the test device.
# (Linux calibrates its local APIC timer itself: --apic-bus-ns only slows
# OVMF's.)
KERNEL=6.12
SCENARIOS="linux-c1 linux-c1-poweroff linux-c2 linux-pci linux-virtio linux-blk linux-hvc linux-vsock linux-net"
TIMEOUT=1200
TIMER_ARGS="--apic-bus-ns 20"

. /nested/common.sh

s_linux_c1() { linux_to_init linux-c1 1 until; }
s_linux_c1_poweroff() { linux_to_init linux-c1-poweroff 1 poweroff; }
s_linux_c2() { linux_to_init linux-c2 2 until; }

# OVMF assigns the test device's BARs; Linux must keep them (every one inside
# a root bridge window of the DSDT's _CRS) and, enabling the device, route
# its INTA through _PRT and the link devices to the IRQ that PIIX3's PIRQ
# register holds: slot 2, INTA is PIRQB (devices/piix3.h).
s_linux_pci() {
	local s="$T/linux-pci.serial" irq pirq
	lkvm linux-pci run --firmware "$OVMF" -m 512M $TIMER_ARGS --pci-testdev \
		-k "$L2_KERNEL" -i "$L2_INITRD" -p "console=ttyS0 panic=-1 quiet lkvm.pci" \
		--fail-on "Kernel panic" --until "$INIT_MARKER" \
		--timeout 300 --console none --serial-log "$s"
	expect_status linux-pci 0 || return 1
	expect_in "$s" "lkvm-sev-nested: pci 0000:00:00.0 0x8086:0x1237" || return 1
	expect_in "$s" "lkvm-sev-nested: pci 0000:00:01.0 0x8086:0x7000" || return 1
	expect_in "$s" "lkvm-sev-nested: pci 0000:00:01.3 0x8086:0x7113" || return 1
	expect_in "$s" "lkvm-sev-nested: pci 0000:00:02.0 0x1234:0x7e57" || return 1
	local bad="claim\|compatible\|assign\|space\|Error"
	if grep -q "lkvm-sev-nested: dmesg .*\($bad\)" "$s"; then
		fail "linux-pci: $(grep "lkvm-sev-nested: dmesg" "$s" | head -5)"
		return 1
	fi
	info "linux-pci: $(grep "lkvm-sev-nested: testdev" "$s" | tr '\n' ';')"
	set -- $(sed -n 's/.*lkvm-sev-nested: testdev irq \([0-9]*\) pirq \(.*\)/\1 \2/p' "$s")
	[ $# = 5 ] || { fail "linux-pci: no IRQ line from init"; return 1; }
	irq=$1 pirq=$(printf %d "0x$3")
	expect_eq "linux-pci: the testdev's IRQ against PIRQB ($*)" "$irq" "$pirq" || return 1
	case $irq in 5|10|11) ;; *) fail "linux-pci: IRQ $irq is none of the links' 5, 10, 11";; esac
}

# Linux's own virtio drivers on lkvm-sev's devices: virtio_pci (built in)
# binds the virtio-rng function, the virtio-rng module becomes the current
# hardware RNG, and two reads of /dev/hwrng give 32 bytes each, different.
s_linux_virtio() {
	local s="$T/linux-virtio.serial"
	lkvm linux-virtio run --firmware "$OVMF" -m 512M $TIMER_ARGS --rng \
		-k "$L2_KERNEL" -i "$L2_INITRD" -p "console=ttyS0 panic=-1 quiet lkvm.rng" \
		--fail-on "Kernel panic" --until "$INIT_MARKER" \
		--timeout 300 --console none --serial-log "$s"
	expect_status linux-virtio 0 || return 1
	expect_in "$s" "lkvm-sev-nested: rng_current virtio_rng.0" || return 1
	expect_in "$s" "lkvm-sev-nested: rng read 64 64 hex digits, differ" || return 1
	# A queue the driver corrupted, as lkvm-sev saw it, would be said here.
	if grep -q "virtio" "$T/linux-virtio.err"; then
		fail "linux-virtio: $(grep virtio "$T/linux-virtio.err")"
	fi
}

# virtio_blk on three images: a 1 MiB one of random bytes whose hash Linux
# must read back (vda), a blank one Linux writes a marker into (vdb, found
# afterwards in the file), and a read-only copy of the first (vdc) that
# Linux must see read-only and refuse to write. First, the lock: the same
# image as a writable and a read-only disk is refused.
s_linux_blk() {
	local s="$T/linux-blk.serial" a="$T/a.img" b="$T/b.img" c="$T/c.img" hash
	dd if=/dev/urandom of="$a" bs=64k count=16 2>/dev/null
	dd if=/dev/zero of="$b" bs=64k count=1 2>/dev/null
	cp "$a" "$c"
	hash=$(sha256sum "$a" | cut -d' ' -f1)
	lkvm linux-blk-lock run -d "$a" -d "$a,ro"
	expect_status linux-blk-lock 2 || return 1
	expect_in "$T/linux-blk-lock.err" "-d $a: locked by another writer of the image" ||
		return 1
	lkvm linux-blk run --firmware "$OVMF" -m 512M $TIMER_ARGS -d "$a" -d "$b" -d "$c,ro" \
		-k "$L2_KERNEL" -i "$L2_INITRD" -p "console=ttyS0 panic=-1 quiet lkvm.blk" \
		--fail-on "Kernel panic" --until "$INIT_MARKER" \
		--timeout 300 --console none --serial-log "$s"
	expect_status linux-blk 0 || return 1
	expect_in "$s" "lkvm-sev-nested: blk vda 2048 sectors, ro 0" || return 1
	expect_in "$s" "lkvm-sev-nested: blk vdb 128 sectors, ro 0" || return 1
	expect_in "$s" "lkvm-sev-nested: blk vdc 2048 sectors, ro 1" || return 1
	expect_in "$s" "lkvm-sev-nested: blk vda sha256 $hash" || return 1
	expect_in "$s" "lkvm-sev-nested: blk vdc sha256 $hash" || return 1
	expect_in "$s" "lkvm-sev-nested: blk vdb written" || return 1
	expect_in "$s" "lkvm-sev-nested: blk vdc refused the write" || return 1
	# The guest's write is in the file, at sector 1.
	expect_eq "linux-blk: b.img sector 1" \
		"$(dd if="$b" bs=512 skip=1 count=1 2>/dev/null | head -c 22)" \
		"lkvm-sev-nested-marker" || return 1
	expect_eq "linux-blk: c.img unchanged" "$(sha256sum "$c" | cut -d' ' -f1)" "$hash"
}

# The virtio console as Linux's console (hvc0, built into Debian's kernel):
# init's words come through it to stdout, the serial log and the --until
# marker, and a line written to lkvm-sev's stdin (a FIFO, once init says
# it reads) reaches init through it.
s_linux_hvc() {
	local s="$T/linux-hvc.serial" out="$T/linux-hvc.out" pid i=0
	rm -f "$T/in"
	mkfifo "$T/in"
	"$LKVM" run --firmware "$OVMF" -m 512M $TIMER_ARGS --console virtio \
		-k "$L2_KERNEL" -i "$L2_INITRD" -p "console=ttyS0 console=hvc0 panic=-1 quiet lkvm.hvc" \
		--fail-on "Kernel panic" --until "$INIT_MARKER" --timeout 300 --serial-log "$s" \
		<"$T/in" >"$out" 2>"$T/linux-hvc.err" &
	pid=$!
	exec 5>"$T/in"
	while ! grep -q "lkvm-sev-nested: hvc0 up" "$out" && [ $i -lt 300 ]; do
		sleep 1
		i=$((i + 1))
	done
	echo "hello from the host" >&5
	wait $pid
	rc=$?
	exec 5>&-
	expect_status linux-hvc 0 || return 1
	expect_in "$out" "lkvm-sev-nested: hvc0 read 'hello from the host'" || return 1
	expect_in "$s" "lkvm-sev-nested: hvc0 read 'hello from the host'"
}

# Linux's vsock (vsock and the virtio transport, modules from the kernel
# package) on lkvm-sev's virtio-vsock: the guest connects to the host's
# port 5000, where a program listens on PATH_5000; a host program's CONNECT
# 6000 reaches the guest's listener. 1 MiB goes each way on each, its
# hash checked at both ends; the socket is gone after the run.
s_linux_vsock() {
	local s="$T/linux-vsock.serial" v="$T/v.sock" want pid i=0
	want=$("$VSOCKPIPE" hash 1048576)
	"$VSOCKPIPE" listen-unix "${v}_5000" --send 1048576 >"$T/vsock-5000.out" 2>&1 &
	"$LKVM" run --firmware "$OVMF" -m 512M $TIMER_ARGS --vsock "cid=3,socket=$v" \
		-k "$L2_KERNEL" -i "$L2_INITRD" -p "console=ttyS0 panic=-1 quiet lkvm.vsock" \
		--fail-on "Kernel panic" --until "$INIT_MARKER" --timeout 300 --console none \
		--serial-log "$s" >"$T/linux-vsock.out" 2>"$T/linux-vsock.err" &
	pid=$!
	while ! grep -q "lkvm-sev-nested: vsock listen listening on vsock port 6000" "$s" \
		2>/dev/null && [ $i -lt 300 ]; do
		sleep 1
		i=$((i + 1))
	done
	"$VSOCKPIPE" connect-unix "$v" --connect 6000 --send 1048576 >"$T/vsock-6000.out" \
		2>"$T/vsock-6000.err"
	wait $pid
	rc=$?
	info "linux-vsock: $(grep "lkvm-sev-nested: vsock" "$s" | tr '\n' ';')" \
	     "host: $(cat "$T/vsock-5000.out" "$T/vsock-6000.out" "$T/vsock-6000.err" |
		tr '\n' ';') lkvm-sev: $(tail -c 300 "$T/linux-vsock.err")"
	expect_status linux-vsock 0 || return 1
	expect_in "$s" "lkvm-sev-nested: vsock connect $want" || return 1
	expect_in "$T/vsock-5000.out" "$want" || return 1
	expect_in "$s" "lkvm-sev-nested: vsock listen $want" || return 1
	expect_in "$T/vsock-6000.out" "$want" || return 1
	expect_in "$T/vsock-6000.err" "OK 1024" || return 1
	[ ! -e "$v" ] || fail "linux-vsock: $v is still there after the run"
}

# mounted_root PROG ARGS...: PROG in a mount namespace whose / is a
# recursive bind mount of L1's / (not the rootfs itself; s_linux_net).
mounted_root() {
	mkdir -p /mnt/l1root
	unshare -m --propagation private sh -c \
		'mount -o rbind / /mnt/l1root && cd /mnt/l1root && mount -o move . / &&
		 exec chroot . "$@"' mounted_root "$@"
}

# Linux's virtio_net (failover, net_failover and virtio_net, modules from the
# kernel package) on lkvm-sev's virtio-net, on both back-ends, a 1 MiB file
# of random bytes fetched over TCP and its hash checked. tap: lkvm-sev
# creates lkvmtap0; once it is there L1 gives it 10.0.2.1/24 and serves the
# file there (busybox httpd); the guest (10.0.2.15) waits for L1 to answer
# pings, pings it three times and fetches the file. user: lkvm-sev starts
# passt, which copies a host interface's address and default route (a
# dummy one here, 192.168.100.2/24 via 192.168.100.1: L1 has no network);
# the guest takes them by DHCP from passt and fetches the file from the
# gateway's address, which passt maps to L1's loopback, where httpd serves
# it on 127.0.0.1 only.
s_linux_net() {
	local s="$T/linux-net-tap.serial" u="$T/linux-net-user.serial" www="$T/www"
	local want pid httpd i=0
	insmod /lib/modules/tun.ko || { fail "linux-net: insmod tun failed"; return 1; }
	insmod /lib/modules/dummy.ko || { fail "linux-net: insmod dummy failed"; return 1; }
	ip link set lo up
	mkdir -p "$www"
	dd if=/dev/urandom of="$www/file" bs=64k count=16 2>/dev/null
	want=$(sha256sum "$www/file" | cut -d' ' -f1)
	"$LKVM" run --firmware "$OVMF" -m 512M $TIMER_ARGS -n mode=tap,tapif=lkvmtap0 \
		-k "$L2_KERNEL" -i "$L2_INITRD" -p "console=ttyS0 panic=-1 quiet lkvm.net=tap" \
		--fail-on "Kernel panic" --until "$INIT_MARKER" --timeout 300 --console none \
		--serial-log "$s" >"$T/linux-net-tap.out" 2>"$T/linux-net-tap.err" &
	pid=$!
	while ! ip link show lkvmtap0 >/dev/null 2>&1 && kill -0 $pid 2>/dev/null &&
		[ $i -lt 300 ]; do
		sleep 1
		i=$((i + 1))
	done
	# The address first, so that httpd can bind it before the link is up.
	ip addr add 10.0.2.1/24 dev lkvmtap0
	httpd -f -p 10.0.2.1:8080 -h "$www" &
	httpd=$!
	ip link set lkvmtap0 up
	wait $pid
	rc=$?
	kill $httpd
	info "linux-net tap: lkvmtap0 after $i s; $(grep "lkvm-sev-nested: net" "$s" | tr '\n' ';')" \
	     "lkvm-sev: $(tail -c 300 "$T/linux-net-tap.err")"
	expect_status linux-net-tap 0 || return 1
	expect_in "$s" "lkvm-sev-nested: net tap eth0 driver virtio_net mac 52:54:00:12:34:56" ||
		return 1
	grep -q "lkvm-sev-nested: net tap ping .*, [1-9][0-9]* packets received" "$s" ||
		fail "linux-net tap: no ping answered: $(grep "net tap ping" "$s")" || return 1
	expect_in "$s" "lkvm-sev-nested: net tap sha256 $want" || return 1
	! ip link show lkvmtap0 >/dev/null 2>&1 ||
		fail "linux-net tap: lkvmtap0 is still there after the run" || return 1

	# Loading dummy made dummy0 already (numdummies=1).
	{ ip link show dummy0 || ip link add dummy0 type dummy; } >/dev/null 2>"$T/dummy0.err" &&
		ip addr add 192.168.100.2/24 dev dummy0 2>>"$T/dummy0.err" &&
		ip link set dummy0 up 2>>"$T/dummy0.err" &&
		ip route add default via 192.168.100.1 2>>"$T/dummy0.err" ||
		{ fail "linux-net user: cannot set up dummy0: $(cat "$T/dummy0.err")"; return 1; }
	# passt sandboxes itself in a user namespace with pivot_root(2), which
	# refuses the initramfs's rootfs (EINVAL), and a chrooted process may not
	# make a user namespace (EPERM): so lkvm-sev, hence passt, runs in a mount
	# namespace whose / is a recursive bind mount of L1's, moved over the
	# rootfs (as switch_root does; mounted_root).
	httpd -f -p 127.0.0.1:8081 -h "$www" &
	httpd=$!
	mounted_root "$LKVM" run --firmware "$OVMF" -m 512M $TIMER_ARGS -n mode=user \
		-k "$L2_KERNEL" -i "$L2_INITRD" -p "console=ttyS0 panic=-1 quiet lkvm.net=user" \
		--fail-on "Kernel panic" --until "$INIT_MARKER" --timeout 300 --console none \
		--serial-log "$u" >"$T/linux-net-user.out" 2>"$T/linux-net-user.err" </dev/null
	rc=$?
	kill $httpd
	info "linux-net user: $(grep "lkvm-sev-nested: net" "$u" | tr '\n' ';')" \
	     "lkvm-sev: $(tail -c 300 "$T/linux-net-user.err")"
	if ! grep -q "lkvm-sev-nested: net user sha256 $want" "$u"; then
		# lkvm-sev sends passt's words to /dev/null: passt alone says what it makes
		# of L1.
		mounted_root timeout 5 passt -f -e -s "$T/passt.sock" >"$T/passt.out" 2>&1
		info "linux-net user: passt alone, status $?:" \
		     "$(grep -v -e syslog -e '^    ' "$T/passt.out" | tr '\n' ';' | cut -c1-600)"
	fi
	expect_status linux-net-user 0 || return 1
	expect_in "$u" "lkvm-sev-nested: net user eth0 driver virtio_net" || return 1
	expect_in "$u" "lkvm-sev-nested: net user dhcp 192.168.100.2/24 192.168.100.1" || return 1
	expect_in "$u" "lkvm-sev-nested: net user sha256 $want"
}
