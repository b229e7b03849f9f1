#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-only
#
# Writes the fuzz targets' seed corpora, tests/fuzz/corpus/TARGET/NAME, in
# each target's input format (the comment at the top of its .c file): a few
# small inputs that reach deep into what the target covers, for libFuzzer
# to mutate from. Run it after changing an input format:
#   tests/fuzz/seeds.py [BUILD_DIR]   (default build/: its firmware/default.bin)
# Deterministic but for fuzz_attest's, which openssl makes with new keys and
# randomised signatures: they are written only where missing (delete them to
# make new ones). Inputs that once crashed a target live beside these
# (regress-*), kept by hand; this script leaves them alone.
import os
import struct
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
BUILD = sys.argv[1] if len(sys.argv) > 1 else os.path.join(HERE, "..", "..", "build")


def write(target, name, data):
    d = os.path.join(HERE, "corpus", target)
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, name), "wb") as f:
        f.write(data)


def le16(v):
    return struct.pack("<H", v & 0xFFFF)


def le32(v):
    return struct.pack("<I", v & 0xFFFFFFFF)


def le64(v):
    return struct.pack("<Q", v & 0xFFFFFFFFFFFFFFFF)


def guid(text):
    """A GUID's text in EFI byte order (mixed-endian)."""
    h = text.replace("-", "")
    b = bytes.fromhex(h)
    return b[3::-1] + b[5:3:-1] + b[7:5:-1] + b[8:]


# ---- fuzz_ovmf: a settings byte, then the image ----

FOOTER = guid("96b582de-1fb2-45f7-baea-a366c55a082d")
SEV_INFO = guid("00f771de-1a7e-4fcb-890e-68c77e2fb44e")
HASHES = guid("7255371f-3a3b-4b04-927b-1da6efa8d454")
SECRET = guid("4c2eb361-7d9b-4cc3-8081-127c90d3d294")
METADATA = guid("dc886566-984a-4798-a75e-5585a7bf67cc")
OTHER = bytes(range(1, 17))
# "mov eax, cr0; test al, 1; jz +2; jmp $; jmp near -0xfc", then nops.
RESET = bytes([0x0F, 0x20, 0xC0, 0xA8, 0x01, 0x74, 0x02, 0xEB, 0xFE, 0xE9, 0x04, 0xFF,
               0x90, 0x90, 0x90, 0x90])


def ovmf_image(size, entries, sections=None, meta_off=0x554):
    """@entries (guid, data), first nearest the footer; SNP metadata at end - meta_off."""
    img = bytearray(size)
    pos = size - 50
    for g, data in entries:
        img[pos - 16:pos] = g
        img[pos - 18:pos - 16] = le16(18 + len(data))
        img[pos - 18 - len(data):pos - 18] = data
        pos -= 18 + len(data)
    img[size - 50:size - 48] = le16(size - 32 - pos)
    img[size - 48:size - 32] = FOOTER
    if sections is not None:
        h = size - meta_off
        img[h:h + 16] = b"ASEV" + le32(16 + 12 * len(sections)) + le32(1) + le32(len(sections))
        for i, (gpa, n, t) in enumerate(sections):
            img[h + 16 + 12 * i:h + 28 + 12 * i] = le32(gpa) + le32(n) + le32(t)
    img[size - 16:] = RESET
    return bytes(img)


def ovmf_seeds():
    sections = [(0x800000, 0x9000, 1), (0x809000, 0x1000, 2), (0x80A000, 0x1000, 3),
                (0x80B000, 0x1000, 0x10), (0x80C000, 0x1000, 4)]
    full = ovmf_image(4096, [(SEV_INFO, le32(0x80B004)), (METADATA, le32(0x554)),
                             (HASHES, le32(0x80B000) + le32(0x400)),
                             (SECRET, le32(0x809000) + le32(0x1000)), (OTHER, b"x" * 5)],
                      sections)
    # Settings: SEV; SEV-ES, 2 vCPUs; SNP, 4 vCPUs, kernel hashes; SNP direct VMSA.
    for name, how in (("sev", 0x00), ("sev-es-2cpu", 0x05), ("snp-hashes", 0x1E),
                      ("snp-direct", 0x03), ("sev-es-legacy", 0x21)):
        write("fuzz_ovmf", "table-" + name, bytes([how]) + full)
    write("fuzz_ovmf", "table-8k", bytes([0x02]) + bytes(4096) + full)
    # QEMU's fallback: the SEV info block's GUID at end - 48, no table.
    legacy = bytearray(4096)
    legacy[4096 - 48:4096 - 32] = SEV_INFO
    legacy[4096 - 50:4096 - 48] = le16(22)
    legacy[4096 - 54:4096 - 50] = le32(0xFFFFF000)
    legacy[4096 - 16:] = RESET
    write("fuzz_ovmf", "legacy-sev-info", bytes([0x01]) + bytes(legacy))
    write("fuzz_ovmf", "tiny", bytes([0x00]) + RESET)
    fw = os.path.join(BUILD, "firmware", "default.bin")
    if os.path.exists(fw):
        with open(fw, "rb") as f:
            write("fuzz_ovmf", "default-firmware-tail", bytes([0x00]) + f.read()[-4096:])


# ---- fuzz_options: a selector byte, then NUL-separated words ----

def words(sel, *w):
    return bytes([sel]) + b"\0".join(x.encode() for x in w)


def options_seeds():
    write("fuzz_options", "run-plain", words(0, "--firmware", "fw.bin", "-m", "1G", "-c", "4",
                                             "--ro-mode", "mprotect", "--timeout", "2.5",
                                             "--console", "none", "--pit", "--io-poll=16"))
    write("fuzz_options", "run-devices", words(0, "-d", "disk.img,ro,aio=sync", "-n",
                                               "mode=tap,tapif=tap0,guest_mac=52:54:00:12:34:56",
                                               "-n", "mode=user,socket=/tmp/passt.sock",
                                               "--vsock", "cid=3,socket=/tmp/v", "--rng",
                                               "--pci-testdev"))
    write("fuzz_options", "run-markers", words(0, "--until", "login:", "--fail-on", "panic",
                                               "--until-re", "^Linux version [0-9.]+ .*$",
                                               "--serial-log", "/tmp/log"))
    write("fuzz_options", "run-snp", words(0, "--sev-snp", "--bios", "OVMF.fd", "--cpu",
                                           "EPYC-Milan", "--policy", "0x30000", "--direct-vmsa",
                                           "on", "--direct-vmsa-gpa", "0xfffffffff000",
                                           "--id-block", "id", "--id-auth", "auth",
                                           "--host-data", "hd", "-k", "bzImage", "-p",
                                           "console=ttyS0"))
    write("fuzz_options", "run-sev-es", words(0, "--sev-es", "--firmware", "OVMF.fd", "--vars",
                                              "VARS.fd", "--dh-cert", "c", "--session", "s",
                                              "--secret-header", "h", "--secret", "x",
                                              "--legacy-vm-type", "-kernel", "k"))
    write("fuzz_options", "measure", words(1, "--sev-es", "--cpu-sig", "0xa00f11",
                                           "--debug-swap", "--vmsa-features=0x20"))
    write("fuzz_options", "values", words(2, "\x08512M", "\x01255", "\x022.5", "\x0316",
                                          "\x040x30000", "\x05mode=tap,tapif=t0",
                                          "\x06memslot", "\x074GiB"))


# ---- fuzz_marker: a counts byte, the markers (NUL-terminated), the output ----

def marker_seeds():
    write("fuzz_marker", "literal",
          bytes([0x05]) + b"login:\0panic\0" + b"booting\r\nKernel panic - not syncing\nlogin:")
    write("fuzz_marker", "regex",
          bytes([0x10]) + b"^login: *$\0" + b"Welcome\nlogin: \nlogin: ")
    write("fuzz_marker", "both", bytes([0x17]) + b"a\0bb\0ccc\0dd\0(x|y)+z{2,3}\0"
          + b"xyzz ccc bb" + b"q" * 1100 + b"xyzzz\n")


# ---- fuzz_devices: flags, sections (SNP), then bus operations ----

PIO_W, PIO_R, MMIO_W, MMIO_R, RAM_W, PCI_CFG, REP, PAGE = range(8)
LOG2 = {1: 0, 2: 1, 4: 2, 8: 3}
HOLE, VARS = 1, 2		# MMIO bases: the PCI hole, the variable store


def op(kind, size=1, flag=False):
    return bytes([kind | LOG2[size] << 3 | (0x20 if flag else 0)])


def outp(port, v, size=1):
    return op(PIO_W, size) + le16(port) + le32(v)


def inp(port, size=1):
    return op(PIO_R, size) + le16(port)


def mmw(base, off, v, size=4):
    return op(MMIO_W, size) + bytes([base]) + le32(off) + struct.pack("<Q", v)[:size]


def mmr(base, off, size=4):
    return op(MMIO_R, size) + bytes([base]) + le32(off)


def ram(gpa, data):
    return op(RAM_W) + bytes([0]) + le32(gpa) + bytes([len(data)]) + data


def cfgw(devfn, reg, v, size=4):
    return op(PCI_CFG, size, True) + bytes([devfn, reg]) + le32(v)


def cfgr(devfn, reg, size=4):
    return op(PCI_CFG, size) + bytes([devfn, reg])


def rep_in(port, count, size=1):
    return op(REP, size) + le16(port) + bytes([count - 1])


def rep_out(port, data):
    return op(REP, 1, True) + le16(port) + bytes([len(data) - 1]) + data


def page_state(page, pages, private):
    return op(PAGE, 1, private) + le32(page) + le16(pages)


def be32(v):
    return struct.pack(">I", v)


def fw_cfg_dma(desc, key, length, addr, control=0x0A):
    """A FWCfgDmaAccess at @desc (select + read), run as OVMF kicks it."""
    return (ram(desc, be32(key << 16 | control) + be32(length) + be32(addr >> 32) + be32(addr))
            + outp(0x514, 0, 4) + outp(0x518, int.from_bytes(be32(desc), "little"), 4))


def virtio_setup(devfn, bar, queue, desc, avail, used, features_hi=1):
    """BAR4 at the PCI hole + @bar, a driver's bring-up of @queue, DRIVER_OK."""
    b = (cfgw(devfn, 0x20, 0x80000000 + bar) + cfgw(devfn, 0x24, 0)
         + cfgw(devfn, 0x14, 0x80000000 + bar + 0x8000) + cfgw(devfn, 0x04, 0x6, 2))
    c = bar
    b += mmw(HOLE, c + 0x14, 0, 1) + mmw(HOLE, c + 0x14, 1, 1) + mmw(HOLE, c + 0x14, 3, 1)
    b += mmw(HOLE, c + 0x08, 1) + mmw(HOLE, c + 0x0C, features_hi)
    b += mmw(HOLE, c + 0x14, 0xB, 1) + mmr(HOLE, c + 0x14, 1)
    b += mmw(HOLE, c + 0x16, queue, 2) + mmw(HOLE, c + 0x18, 8, 2)
    b += mmw(HOLE, c + 0x20, desc, 8) + mmw(HOLE, c + 0x28, avail, 8) + mmw(HOLE, c + 0x30, used, 8)
    b += mmw(HOLE, c + 0x1C, 1, 2) + mmw(HOLE, c + 0x14, 0xF, 1)
    return b


def desc(addr, length, flags, nxt=0):
    return le64(addr) + le32(length) + le16(flags) + le16(nxt)


def devices_seeds():
    sig = outp(0x510, 0, 2) + rep_in(0x511, 4) + outp(0x510, 1, 2) + inp(0x511, 4)
    write("fuzz_devices", "fw_cfg-ports", bytes([0]) + sig + outp(0x510, 0x19, 2)
          + rep_in(0x511, 200))
    write("fuzz_devices", "fw_cfg-dma", bytes([0]) + fw_cfg_dma(0x1000, 0x19, 0x40, 0x2000)
          + fw_cfg_dma(0x1100, 0x20, 0x100, 0x3000) + fw_cfg_dma(0x1200, 0, 8, 0x3100, 0x04)
          + inp(0x514, 4) + inp(0x518, 4))
    # SNP: the secrets and CPUID pages, two pages shared, DMA into them and past them.
    snp = bytes([1, 2]) + le16(0x100) + bytes([0, 2]) + le16(0x101) + bytes([0, 3])
    write("fuzz_devices", "snp-fw_cfg-dma", snp + page_state(1, 3, False)
          + fw_cfg_dma(0x1000, 0x19, 0x40, 0x2000) + page_state(0x100, 1, False)
          + fw_cfg_dma(0x1000, 0x19, 0x40, 0x100000) + page_state(2, 1, True)
          + fw_cfg_dma(0x1000, 0x19, 0x40, 0x2000))
    uart = (outp(0x3FB, 0x80) + outp(0x3F8, 1) + outp(0x3F9, 0) + outp(0x3FB, 3)
            + outp(0x3F9, 0x0F) + outp(0x3FA, 0x07) + rep_out(0x3F8, b"hello\n")
            + inp(0x3FD) + inp(0x3FA) + outp(0x3FC, 0x1F) + outp(0x3F8, 0x41) + inp(0x3F8)
            + inp(0x3FE) + outp(0x3FF, 0x5A) + inp(0x3FF) + inp(0x3F8, 4))
    write("fuzz_devices", "uart", bytes([0]) + uart)
    cmos = b"".join(outp(0x70, r) + inp(0x71) for r in
                    (0x00, 0x02, 0x04, 0x06, 0x0A, 0x0B, 0x0D, 0x0F, 0x30, 0x34, 0x5B, 0x5F))
    write("fuzz_devices", "cmos-pm-ports", bytes([0]) + cmos + outp(0x70, 0x8F) + outp(0x71, 0xAA)
          + inp(0xB008, 4) + outp(0xB004, 0x1, 2) + inp(0xB000, 2) + inp(0x92) + outp(0x92, 2)
          + outp(0xCF9, 2) + inp(0xCF9) + outp(0x402, 0x41))
    flash = (mmw(VARS, 0x55, 0x98, 1) + mmr(VARS, 0x10, 1) + mmr(VARS, 0x11, 1)
             + mmr(VARS, 0x12, 1) + mmr(VARS, 0x27, 1) + mmw(VARS, 0, 0xFF, 1)
             + mmw(VARS, 0x100, 0x40, 1) + mmw(VARS, 0x100, 0xAB, 1) + mmr(VARS, 0x100, 1)
             + mmw(VARS, 0, 0x70, 1) + mmr(VARS, 0, 1) + mmw(VARS, 0x1000, 0x20, 1)
             + mmw(VARS, 0x1000, 0xD0, 1) + mmr(VARS, 0x1000, 1) + mmw(VARS, 0, 0x50, 1)
             + mmw(VARS, 0, 0x90, 1) + mmr(VARS, 0, 1) + mmr(VARS, 1, 1)
             + mmw(VARS, 0, 0xFF, 1) + mmw(VARS, 0x200, 0x10, 1) + mmw(VARS, 0x200, 0x5A, 1))
    write("fuzz_devices", "cfi-flash", bytes([2]) + flash)
    pci = b"".join(cfgr(devfn, 0) + cfgr(devfn, 8) for devfn in (0, 8, 11, 16, 24, 32, 40, 48))
    pci += cfgw(16, 0x10, 0xFFFFFFFF) + cfgr(16, 0x10) + cfgr(16, 0x34, 1) + cfgr(16, 0x40)
    pci += cfgw(11, 0x40, 0xB001) + cfgw(11, 0x80, 1, 1) + cfgr(11, 0x40)
    pci += cfgw(8, 0x60, 0x0B0A0905) + cfgr(8, 0x60)
    write("fuzz_devices", "pci-config", bytes([0]) + pci)
    # pci-testdev: BAR0 in the hole, its registers, a doorbell.
    t = (cfgw(16, 0x10, 0x80100000) + cfgw(16, 0x04, 6, 2) + mmr(HOLE, 0x100000)
         + mmw(HOLE, 0x100004, 0x12345678) + mmw(HOLE, 0x100008, 0x1122334455667788, 8)
         + mmw(HOLE, 0x100010, 1) + mmw(HOLE, 0x100014, 0x5A5A5A5A) + mmr(HOLE, 0x100018)
         + mmw(HOLE, 0x100020, 0))
    write("fuzz_devices", "pci-testdev", bytes([0]) + t)
    # virtio-rng (00:03.0): one request of 64 bytes, the doorbell; INTx through
    # PIIX3's PIRQ routing, the ISR read.
    request = (ram(0x10000, desc(0x20000, 64, 2)) + ram(0x11000, le16(0) + le16(1) + le16(0))
               + mmw(HOLE, 0x3000, 0, 2))
    rng = (cfgw(8, 0x60, 0x0B0A0B0A) + virtio_setup(24, 0, 0, 0x10000, 0x11000, 0x12000)
           + request + mmr(HOLE, 0x1000, 1) + mmr(HOLE, 0x0, 4))
    write("fuzz_devices", "virtio-rng", bytes([0]) + rng)
    # The same with MSI-X (capability at 0x74, table in BAR1: vector 0 for the
    # queue), then BAR4 read through the configuration access capability (0x80).
    msix = (virtio_setup(24, 0, 0, 0x10000, 0x11000, 0x12000) + mmw(HOLE, 0x1A, 0, 2)
            + mmw(HOLE, 0x10, 1, 2) + mmw(HOLE, 0x8000, 0xFEE00000) + mmw(HOLE, 0x8008, 0x41)
            + mmw(HOLE, 0x800C, 0) + mmw(HOLE, 0x8010, 0xFEE00000) + mmw(HOLE, 0x801C, 0)
            + cfgw(24, 0x76, 0x8000, 2) + request + mmr(HOLE, 0x8800, 8)
            + cfgw(24, 0x84, 4, 1) + cfgw(24, 0x88, 0x14) + cfgw(24, 0x8C, 1)
            + cfgr(24, 0x90, 1) + cfgw(24, 0x88, 0x3000) + cfgw(24, 0x8C, 2) + cfgw(24, 0x90, 0, 2))
    write("fuzz_devices", "virtio-rng-msix", bytes([0]) + msix)
    write("fuzz_devices", "stop-debug-exit", bytes([0]) + outp(0x3F8, 0x21) + outp(0xF4, 0x2A))
    write("fuzz_devices", "stop-acpi-off", bytes([0]) + outp(0xB004, 0x2001, 2))
    # virtio-blk (00:04.0): a read of sector 0 (header, data, status).
    blk = (virtio_setup(32, 0x10000, 0, 0x10000, 0x11000, 0x12000)
           + ram(0x10000, desc(0x20000, 16, 1, 1) + desc(0x21000, 512, 3, 2)
                 + desc(0x22000, 1, 2))
           + ram(0x20000, le32(0) + le32(0) + le64(0)) + ram(0x11000, le16(0) + le16(1) + le16(0))
           + mmw(HOLE, 0x13000, 0, 2) + mmr(HOLE, 0x12000, 4) + mmr(HOLE, 0x12008, 4))
    write("fuzz_devices", "virtio-blk", bytes([0]) + blk)
    # virtio-console (00:05.0): output on the transmit queue (1).
    con = (virtio_setup(40, 0x20000, 1, 0x10000, 0x11000, 0x12000)
           + ram(0x10000, desc(0x20000, 6, 0)) + ram(0x20000, b"hello\n")
           + ram(0x11000, le16(0) + le16(1) + le16(0)) + mmw(HOLE, 0x23004, 1, 2))
    write("fuzz_devices", "virtio-console", bytes([0]) + con)


# ---- fuzz_virtq: a header, then operations ----

def virtq_seeds():
    hdr = bytes([3, 0]) + le32(0x1000) + le32(0x2000) + le32(0x3000) + le16(8) + le16(9)

    def wdesc(table, addr, length, flags, nxt):
        return bytes([6]) + le16(table) + le16(addr) + le16(length) + bytes([flags, nxt])

    def offer(head):
        return bytes([7]) + le16(head)
    chain = (wdesc(0x1000 + 16 * 3, 0x4000, 16, 1, 5) + wdesc(0x1000 + 16 * 5, 0x4100, 512, 3, 1)
             + wdesc(0x1000 + 16 * 1, 0x4400, 1, 2, 0) + offer(3))
    write("fuzz_virtq", "chain", hdr + bytes([2, 1]) + chain + bytes([0, 1, 0]) + le32(513)
          + bytes([4, 3, 0, 0]))
    ind = (wdesc(0x1000, 0x5000, 48, 4, 0) + wdesc(0x5000, 0x4000, 16, 1, 2)
           + wdesc(0x5020, 0x4100, 8, 1, 1) + wdesc(0x5010, 0x4200, 64, 2, 0) + offer(0))
    write("fuzz_virtq", "indirect", hdr + ind + bytes([0, 1, 0]) + le32(64))
    evt = bytes([3, 1]) + hdr[2:]
    write("fuzz_virtq", "event-idx", evt + wdesc(0x1000, 0x4000, 8, 2, 0) + bytes([0])
          + offer(0) + offer(0) + bytes([0, 0, 1, 0]) + le32(8) + bytes([4, 1, 0]) + le32(8)
          + bytes([4, 2, 0, 3]))
    write("fuzz_virtq", "private", hdr[:-4] + le16(4) + le16(5)
          + wdesc(0x1000, 0x4000, 16, 0, 0) + offer(0) + bytes([0]))


# ---- fuzz_snp_exits: flags, sections (SNP), then exits ----

def exits_seeds():
    def hyper(page, pages, private):
        return bytes([0, 0x10 if private else 0]) + le32(page) + le16(pages)

    def fault(page, pages, private):
        return bytes([1, 2 if private else 0]) + le32(page) + le16(pages - 1)

    def io(port, out=b"", count=1, size=1):
        """An `in` (count accesses) or an `out` of @out's bytes."""
        if out:
            count = len(out) // size
        how = LOG2[size] | (4 if out else 0) | (count - 1) << 3
        return bytes([2, how]) + le16(port) + out

    def mmio(base, off, n, v=None):
        return (bytes([3, base]) + le32(off) + bytes([(n - 1) | (0x80 if v is not None else 0)])
                + (le64(v) if v is not None else b""))

    snp = bytes([0, 2]) + le16(0x100) + bytes([0, 2]) + le16(0x101) + bytes([0, 3])
    write("fuzz_snp_exits", "snp-page-state", snp + hyper(0x10, 16, False) + hyper(0x18, 4, True)
          + fault(0x20, 2, False) + fault(0x20, 1, True) + hyper(0x100, 1, False)
          + hyper(0x1FF, 2, False) + fault(0x1FF, 1, False))
    write("fuzz_snp_exits", "snp-devices", snp + hyper(1, 3, False)
          + io(0x510, le16(0x19), size=2) + io(0x511, count=8) + io(0x3F8, b"ok\n")
          + mmio(1, 0x10, 4) + bytes([4, 0, 1]) + le64(0x1100))
    certs = lambda page, pages: bytes([8, 0]) + le32(page) + bytes([pages])
    write("fuzz_snp_exits", "snp-certs", snp + hyper(1, 3, False) + certs(1, 2) + certs(1, 1)
          + certs(0x10, 2) + certs(2, 2))
    write("fuzz_snp_exits", "snp-high-ram", bytes([2, 0]) + hyper(0x100000, 4, False)
          + fault(0x100002, 1, True) + hyper(0xC0000, 1, False))
    write("fuzz_snp_exits", "plain-efault", bytes([9]) + io(0xF4) + bytes([7, 0])
          + bytes([5, 0]) + le32(0x10) + bytes([0x90, 5, 0]) + le32(0) + bytes([0]))
    write("fuzz_snp_exits", "plain-exits", bytes([1]) + io(0x70, b"\x0f") + io(0x71)
          + bytes([9, 0, 9, 1]) + bytes([6, 17, 1, 0, 1, 3, 0x0F, 0x0B, 0x90]) + bytes(12)
          + bytes([6, 9]) + le64(0x80000021))


# ---- fuzz_attest: flags, u16 length and report, u16 length and VCEK, chain ----

def pem_der(pem):
    import base64
    body = b"".join(l for l in pem.splitlines() if l and not l.startswith(b"-----"))
    return base64.b64decode(body)


def attest_seeds():
    """An ARK and ASK (RSA-PSS, SHA-384) and a VCEK (P-384) with AMD's
    extensions, made by openssl, and a version 3 report that VCEK signed."""
    d = os.path.join(HERE, "corpus", "fuzz_attest")
    if os.path.exists(os.path.join(d, "chain-pem")):
        return
    hwid = bytes(range(64))
    with tempfile.TemporaryDirectory() as t:
        def ssl(*args):
            subprocess.run(("openssl",) + args, cwd=t, check=True, capture_output=True)
        pss = ("-sigopt", "rsa_padding_mode:pss", "-sigopt", "rsa_pss_saltlen:48")
        ssl("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", "ark.key", "-out",
            "ark.pem", "-subj", "/CN=ARK-Milan", "-sha384", "-days", "3650", *pss)
        ssl("req", "-new", "-newkey", "rsa:2048", "-nodes", "-keyout", "ask.key", "-out",
            "ask.csr", "-subj", "/CN=SEV-Milan")
        ssl("x509", "-req", "-in", "ask.csr", "-CA", "ark.pem", "-CAkey", "ark.key", "-out",
            "ask.pem", "-set_serial", "1", "-sha384", "-days", "3650", *pss)
        ssl("req", "-new", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:secp384r1",
            "-nodes", "-keyout", "vcek.key", "-out", "vcek.csr", "-subj", "/CN=SEV-VCEK")
        with open(os.path.join(t, "ext"), "w") as f:
            f.write("1.3.6.1.4.1.3704.1.1 = ASN1:INTEGER:0\n"
                    "1.3.6.1.4.1.3704.1.2 = ASN1:IA5STRING:Milan-B0\n"
                    "1.3.6.1.4.1.3704.1.3.1 = ASN1:INTEGER:3\n"
                    "1.3.6.1.4.1.3704.1.3.2 = ASN1:INTEGER:0\n"
                    "1.3.6.1.4.1.3704.1.3.3 = ASN1:INTEGER:8\n"
                    "1.3.6.1.4.1.3704.1.3.8 = ASN1:INTEGER:115\n"
                    "1.3.6.1.4.1.3704.1.4 = DER:" + hwid.hex() + "\n")
        ssl("x509", "-req", "-in", "vcek.csr", "-CA", "ask.pem", "-CAkey", "ask.key", "-out",
            "vcek.der", "-outform", "DER", "-set_serial", "2", "-sha384", "-days", "3650",
            "-extfile", "ext", *pss)
        tcb = bytes([3, 0, 0, 0, 0, 0, 8, 115])
        r = bytearray(1184)
        r[0x000:0x004] = le32(3)
        r[0x008:0x010] = le64(0x30000)
        r[0x034:0x038] = le32(1)
        r[0x038:0x040] = tcb
        r[0x090:0x0C0] = bytes(range(0x30))
        r[0x180:0x188] = tcb
        r[0x188:0x18B] = bytes([0x19, 0x01, 0x01])
        r[0x1A0:0x1E0] = hwid
        r[0x1E0:0x1E8] = tcb
        r[0x1F0:0x1F8] = tcb
        with open(os.path.join(t, "body"), "wb") as f:
            f.write(bytes(r[:0x2A0]))
        ssl("dgst", "-sha384", "-sign", "vcek.key", "-out", "sig", "body")
        with open(os.path.join(t, "sig"), "rb") as f:
            sig = f.read()
        # ECDSA-Sig-Value ::= SEQUENCE { r INTEGER, s INTEGER }, short lengths.
        rlen = sig[3]
        rv = int.from_bytes(sig[4:4 + rlen], "big")
        sv = int.from_bytes(sig[6 + rlen:6 + rlen + sig[5 + rlen]], "big")
        r[0x2A0:0x2E8] = rv.to_bytes(72, "little")
        r[0x2E8:0x330] = sv.to_bytes(72, "little")
        with open(os.path.join(t, "vcek.der"), "rb") as f:
            vcek = f.read()
        with open(os.path.join(t, "ask.pem"), "rb") as f:
            ask = f.read()
        with open(os.path.join(t, "ark.pem"), "rb") as f:
            ark = f.read()
    report = bytes(r)
    head = le16(len(report)) + report + le16(len(vcek)) + vcek
    # A --snp-certs table file: VCEK, ASK, ARK entries, the all-zero one, the DER.
    ders = [vcek] + [pem_der(p) for p in (ask, ark)]
    guids = [bytes.fromhex("63da758de6644564adc5f4b93be8accd"),
             bytes.fromhex("4ab7b379bbac4fe4a02f05aef327c782"),
             bytes.fromhex("c0b406a4a80349529743" "3fb6014cd0ae")]
    table, off = b"", 24 * 4
    for g, der in zip(guids, ders):
        table += g + le32(off) + le32(len(der))
        off += len(der)
    table += bytes(24) + b"".join(ders)
    write("fuzz_attest", "certs-table", bytes([0x21]) + head + table)
    write("fuzz_attest", "chain-pem", bytes([0x1F]) + head + ask + ark)
    write("fuzz_attest", "vcek-only", bytes([0x05]) + head)
    write("fuzz_attest", "report-only", bytes([0x00]) + le16(len(report)) + report)


def main():
    attest_seeds()
    ovmf_seeds()
    options_seeds()
    marker_seeds()
    devices_seeds()
    virtq_seeds()
    exits_seeds()


if __name__ == "__main__":
    main()
