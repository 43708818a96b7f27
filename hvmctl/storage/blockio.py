"""Read a guest's disk offline: raw or qcow2 images, and the partitions on them (MBR, GPT).

Why not mount or qemu-nbd: the daemon must read a PV guest's boot files before every start
(as pygrub did), without root-only mounts, kernel modules or a guest-controlled filesystem
touching the host kernel. Everything here only ever reads, and treats the image as hostile:
every offset and size is bounds-checked.
"""

from __future__ import annotations

import os
import struct
import zlib
from dataclasses import dataclass
from typing import Protocol

from hvmctl.errors import HvmctlError

SECTOR = 512
QCOW_MAGIC = b"QFI\xfb"
MAX_BACKING_DEPTH = 8


class ImageError(HvmctlError):
    """An image could not be read as what it claims to be."""


class Reader(Protocol):
    size: int

    def pread(self, length: int, offset: int) -> bytes: ...


class RawImage:
    """A raw image file or block device; reads past the end give zeros."""

    def __init__(self, path: str) -> None:
        self.path = path
        self._fd = os.open(path, os.O_RDONLY | os.O_CLOEXEC)
        self.size = os.lseek(self._fd, 0, os.SEEK_END)

    def pread(self, length: int, offset: int) -> bytes:
        if offset >= self.size or length <= 0:
            return bytes(max(0, length))
        data = os.pread(self._fd, min(length, self.size - offset), offset)
        return data + bytes(length - len(data))

    def close(self) -> None:
        os.close(self._fd)


class Qcow2Image:
    """A qcow2 image (v2/v3, zlib compression, backing files), read-only."""

    def __init__(self, path: str, depth: int = 0) -> None:
        if depth > MAX_BACKING_DEPTH:
            raise ImageError(f"{path}: backing chain deeper than {MAX_BACKING_DEPTH}")
        self.path = path
        self._raw = RawImage(path)
        head = self._raw.pread(112, 0)
        if head[:4] != QCOW_MAGIC:
            raise ImageError(f"{path}: not a qcow2 image")
        (version, backing_off, backing_len, self.cluster_bits, self.size, crypt, l1_size, l1_off) = struct.unpack(
            ">IQIIQIIQ", head[4:48]
        )
        if version not in (2, 3) or not 9 <= self.cluster_bits <= 21:
            raise ImageError(f"{path}: unsupported qcow2 version {version}")
        if crypt:
            raise ImageError(f"{path}: encrypted qcow2 images cannot be read offline")
        if version == 3:
            incompatible = struct.unpack(">Q", head[72:80])[0]
            if incompatible & ~0b11:  # dirty, corrupt are fine to read; compression type etc. are not
                raise ImageError(f"{path}: qcow2 features this reader does not know (0x{incompatible:x})")
        self.cluster_size = 1 << self.cluster_bits
        if l1_size > (1 << 26):
            raise ImageError(f"{path}: implausible qcow2 L1 table")
        raw_l1 = self._raw.pread(8 * l1_size, l1_off)
        self._l1 = struct.unpack(f">{l1_size}Q", raw_l1)
        self._l2_cache: dict[int, tuple[int, ...]] = {}
        self.backing: Reader | None = None
        if backing_off and backing_len:
            name = self._raw.pread(min(backing_len, 4096), backing_off).decode("utf-8", "replace")
            full = name if name.startswith("/") else os.path.join(os.path.dirname(path), name)
            self.backing = open_image(full, depth=depth + 1)

    def _l2(self, offset: int) -> tuple[int, ...]:
        table = self._l2_cache.get(offset)
        if table is None:
            entries = self.cluster_size // 8
            table = struct.unpack(f">{entries}Q", self._raw.pread(self.cluster_size, offset))
            if len(self._l2_cache) > 64:
                self._l2_cache.clear()
            self._l2_cache[offset] = table
        return table

    def _cluster(self, index: int) -> bytes:
        entries = self.cluster_size // 8
        l1_index, l2_index = divmod(index, entries)
        l1 = self._l1[l1_index] if l1_index < len(self._l1) else 0
        l2_off = l1 & 0x00FFFFFFFFFFFE00
        entry = self._l2(l2_off)[l2_index] if l2_off else 0
        if entry & (1 << 62):  # compressed
            shift = 62 - (self.cluster_bits - 8)
            host = entry & ((1 << shift) - 1)
            sectors = ((entry >> shift) & ((1 << (self.cluster_bits - 8)) - 1)) + 1
            length = sectors * SECTOR - (host % SECTOR)
            data = self._raw.pread(length, host)
            try:
                return zlib.decompressobj(-12).decompress(data, self.cluster_size).ljust(self.cluster_size, b"\0")
            except zlib.error as exc:
                raise ImageError(f"{self.path}: corrupt compressed cluster") from exc
        host = entry & 0x00FFFFFFFFFFFE00
        if entry & 1:
            return bytes(self.cluster_size)  # v3: a cluster that reads as zeros
        if host:
            return self._raw.pread(self.cluster_size, host)
        if self.backing is not None:
            return self.backing.pread(self.cluster_size, index * self.cluster_size)
        return bytes(self.cluster_size)

    def pread(self, length: int, offset: int) -> bytes:
        out = bytearray()
        end = min(offset + length, self.size)
        pos = offset
        while pos < end:
            index, within = divmod(pos, self.cluster_size)
            take = min(self.cluster_size - within, end - pos)
            out += self._cluster(index)[within : within + take]
            pos += take
        return bytes(out) + bytes(max(0, length - len(out)))

    def close(self) -> None:
        self._raw.close()
        if isinstance(self.backing, (RawImage, Qcow2Image)):
            self.backing.close()


def open_image(path: str, fmt: str | None = None, depth: int = 0) -> RawImage | Qcow2Image:
    """The image at ``path`` as a reader; the format is detected unless given."""
    try:
        if fmt is None:
            with open(path, "rb") as fh:
                fmt = "qcow2" if fh.read(4) == QCOW_MAGIC else "raw"
        if fmt == "qcow2":
            return Qcow2Image(path, depth)
        if fmt == "raw":
            return RawImage(path)
    except OSError as exc:
        raise ImageError(f"{path}: cannot read: {exc.strerror}", cause=exc) from exc
    raise ImageError(f"{path}: image format {fmt} cannot be read offline")


class Slice:
    """A window on a reader (one partition)."""

    def __init__(self, base: Reader, start: int, size: int) -> None:
        self.base, self.start = base, start
        self.size = max(0, min(size, base.size - start))

    def pread(self, length: int, offset: int) -> bytes:
        if offset >= self.size or length <= 0:
            return bytes(max(0, length))
        take = min(length, self.size - offset)
        return self.base.pread(take, self.start + offset) + bytes(length - take)


@dataclass(frozen=True)
class Partition:
    number: int  # 1-4 primary, 5.. logical, as Linux numbers them; 0 = the whole disk
    start: int  # bytes
    size: int  # bytes
    type: str  # MBR type byte as hex, or a GPT type GUID
    bootable: bool = False


def has_boot_signature(disk: Reader) -> bool:
    return disk.pread(2, 510) == b"\x55\xaa"


def partitions(disk: Reader) -> list[Partition]:
    """The partitions of a disk (MBR primary + logical, or GPT); [] if it has no table."""
    mbr = disk.pread(SECTOR, 0)
    if mbr[510:512] != b"\x55\xaa":
        return []
    entries = [mbr[446 + 16 * i : 462 + 16 * i] for i in range(4)]
    if any(e[4] == 0xEE for e in entries):
        return _gpt(disk)
    if _looks_like_fs_boot_sector(mbr, entries):
        return []  # a bare FAT filesystem: its boot sector is not a partition table
    parts: list[Partition] = []
    for i, e in enumerate(entries):
        ptype, start, count = e[4], struct.unpack("<I", e[8:12])[0], struct.unpack("<I", e[12:16])[0]
        if ptype == 0 or count == 0 or e[0] not in (0, 0x80):
            continue
        if ptype in (0x05, 0x0F, 0x85):
            parts += _logical(disk, start)
            continue
        parts.append(Partition(i + 1, start * SECTOR, count * SECTOR, f"{ptype:02x}", e[0] == 0x80))
    return parts


def _looks_like_fs_boot_sector(mbr: bytes, entries: list[bytes]) -> bool:
    return mbr[0] in (0xEB, 0xE9) and (mbr[82:87] == b"FAT32" or mbr[54:59] in (b"FAT12", b"FAT16", b"FAT  ")) \
        and not any(e[0] == 0x80 for e in entries)


def _logical(disk: Reader, ext_start: int) -> list[Partition]:
    parts: list[Partition] = []
    ebr_lba = ext_start
    for number in range(5, 5 + 128):
        ebr = disk.pread(SECTOR, ebr_lba * SECTOR)
        if ebr[510:512] != b"\x55\xaa":
            break
        e1, e2 = ebr[446:462], ebr[462:478]
        start, count = struct.unpack("<II", e1[8:16])
        if e1[4] and count:
            parts.append(Partition(number, (ebr_lba + start) * SECTOR, count * SECTOR, f"{e1[4]:02x}"))
        nxt = struct.unpack("<I", e2[8:12])[0]
        if not e2[4] or not nxt:
            break
        ebr_lba = ext_start + nxt
    return parts


def _gpt(disk: Reader) -> list[Partition]:
    head = disk.pread(SECTOR, SECTOR)
    if head[:8] != b"EFI PART":
        return []
    entries_lba, count, entry_size = struct.unpack("<QII", head[72:88])
    count, entry_size = min(count, 256), max(128, min(entry_size, 4096))
    table = disk.pread(count * entry_size, entries_lba * SECTOR)
    parts = []
    for i in range(count):
        e = table[i * entry_size : (i + 1) * entry_size]
        if e[:16] == bytes(16):
            continue
        first, last = struct.unpack("<QQ", e[32:48])
        parts.append(Partition(i + 1, first * SECTOR, (last - first + 1) * SECTOR, e[:16].hex()))
    return parts
