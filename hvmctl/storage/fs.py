"""Read files from a guest filesystem offline: FAT12/16/32 and ext2/3/4, in pure Python.

Only what a boot loader needs: look up a path, read a file, follow symlinks (ext). The
image belongs to the guest and may be hostile, so every structure is bounds-checked, loops
are capped, and sizes are limited (a kernel or initrd above ``MAX_FILE`` is refused).
"""

from __future__ import annotations

import struct
from typing import Protocol

from hvmctl.storage.blockio import ImageError, Reader

MAX_FILE = 512 * 1024 * 1024
MAX_SYMLINKS = 8


class FsNotFound(ImageError):
    """No such file in the guest filesystem."""


class Filesystem(Protocol):
    kind: str

    def read_file(self, path: str) -> bytes: ...

    def exists(self, path: str) -> bool: ...


def open_fs(dev: Reader) -> Filesystem | None:
    """The filesystem on ``dev`` if it is one this module reads, else None."""
    sb = dev.pread(2048, 0)
    if struct.unpack("<H", sb[1024 + 56 : 1024 + 58])[0] == 0xEF53:
        return ExtFs(dev)
    if sb[510:512] == b"\x55\xaa" and sb[0] in (0xEB, 0xE9) and struct.unpack("<H", sb[11:13])[0] in (512, 1024, 2048, 4096):
        try:
            return FatFs(dev)
        except ImageError:
            return None
    return None


def _parts(path: str) -> list[str]:
    return [p for p in path.split("/") if p not in ("", ".")]


# ---------------------------------------------------------------------------------------------
# FAT


class FatFs:
    """FAT12/16/32 with long file names (lookups ignore case, like DOS)."""

    kind = "fat"

    def __init__(self, dev: Reader) -> None:
        self.dev = dev
        bs = dev.pread(512, 0)
        (self.bps, self.spc, reserved, nfats, root_entries, total16, _media, fat16) = struct.unpack(
            "<HBHBHHBH", bs[11:24]
        )
        total32 = struct.unpack("<I", bs[32:36])[0]
        if self.spc == 0 or nfats == 0 or reserved == 0:
            raise ImageError("not a FAT filesystem")
        fat_sectors = fat16 or struct.unpack("<I", bs[36:40])[0]
        total = total16 or total32
        root_sectors = (root_entries * 32 + self.bps - 1) // self.bps
        self.fat_start = reserved * self.bps
        self.root_start = (reserved + nfats * fat_sectors) * self.bps
        self.root_size = root_sectors * self.bps
        self.data_start = self.root_start + self.root_size
        self.cluster_size = self.spc * self.bps
        clusters = (total - reserved - nfats * fat_sectors - root_sectors) // self.spc
        self.bits = 12 if clusters < 4085 else 16 if clusters < 65525 else 32
        self.root_cluster = struct.unpack("<I", bs[44:48])[0] if self.bits == 32 else 0
        self.fat = dev.pread(fat_sectors * self.bps, self.fat_start)

    def _next(self, cluster: int) -> int:
        if self.bits == 16:
            return int(struct.unpack_from("<H", self.fat, cluster * 2)[0]) if cluster * 2 + 2 <= len(self.fat) else 0xFFFF
        if self.bits == 32:
            return int(struct.unpack_from("<I", self.fat, cluster * 4)[0]) & 0x0FFFFFFF \
                if cluster * 4 + 4 <= len(self.fat) else 0x0FFFFFFF
        off = cluster * 3 // 2
        if off + 2 > len(self.fat):
            return 0xFFF
        value = int(struct.unpack_from("<H", self.fat, off)[0])
        return value >> 4 if cluster & 1 else value & 0xFFF

    def _chain(self, first: int, limit: int) -> bytes:
        end = {12: 0xFF8, 16: 0xFFF8, 32: 0x0FFFFFF8}[self.bits]
        out = bytearray()
        cluster = first
        seen = 0
        while 2 <= cluster < end and len(out) < limit:
            out += self.dev.pread(self.cluster_size, self.data_start + (cluster - 2) * self.cluster_size)
            cluster = self._next(cluster)
            seen += 1
            if seen > MAX_FILE // self.cluster_size + 1:
                raise ImageError("FAT cluster chain loops")
        return bytes(out)

    def _entries(self, cluster: int | None) -> list[tuple[str, str, int, int, bool]]:
        """(long name, short name, first cluster, size, is_dir) of a directory."""
        if cluster is None:
            raw = self.dev.pread(self.root_size, self.root_start) if self.bits != 32 \
                else self._chain(self.root_cluster, MAX_FILE)
        else:
            raw = self._chain(cluster, 64 * 1024 * 1024)
        out = []
        lfn: list[tuple[int, str]] = []
        for i in range(0, len(raw) - 31, 32):
            e = raw[i : i + 32]
            if e[0] == 0:
                break
            if e[0] == 0xE5:
                lfn = []
                continue
            attr = e[11]
            if attr == 0x0F:
                part = (e[1:11] + e[14:26] + e[28:32]).decode("utf-16-le", "replace")
                lfn.append((e[0] & 0x1F, part.split("\x00")[0]))
                continue
            if attr & 0x08:  # volume label
                lfn = []
                continue
            base, ext = e[0:8].decode("latin-1").rstrip(), e[8:11].decode("latin-1").rstrip()
            short = f"{base}.{ext}" if ext else base
            long = "".join(p for _, p in sorted(lfn)) if lfn else short
            lfn = []
            first = struct.unpack("<H", e[26:28])[0] | (struct.unpack("<H", e[20:22])[0] << 16 if self.bits == 32 else 0)
            out.append((long, short, first, struct.unpack("<I", e[28:32])[0], bool(attr & 0x10)))
        return out

    def _lookup(self, path: str) -> tuple[int, int, bool]:
        cluster: int | None = None
        entry: tuple[int, int, bool] = (0, 0, True)
        for name in _parts(path):
            wanted = name.lower()
            for long, short, first, size, is_dir in self._entries(cluster):
                if long.lower() == wanted or short.lower() == wanted:
                    entry = (first, size, is_dir)
                    break
            else:
                raise FsNotFound(f"{path}: no such file")
            cluster = entry[0] or None
        return entry

    def read_file(self, path: str) -> bytes:
        first, size, is_dir = self._lookup(path)
        if is_dir:
            raise FsNotFound(f"{path}: is a directory")
        if size > MAX_FILE:
            raise ImageError(f"{path}: too large ({size} bytes)")
        return self._chain(first, size)[:size] if size else b""

    def exists(self, path: str) -> bool:
        try:
            self._lookup(path)
            return True
        except FsNotFound:
            return False


# ---------------------------------------------------------------------------------------------
# ext2/3/4

EXT4_EXTENTS_FL = 0x80000
EXT4_INLINE_DATA_FL = 0x10000000
INCOMPAT_64BIT = 0x80
S_IFMT, S_IFDIR, S_IFLNK = 0o170000, 0o040000, 0o120000


class ExtFs:
    """ext2/ext3/ext4: block maps and extent trees, linear and hashed (htree) directories."""

    kind = "ext"

    def __init__(self, dev: Reader) -> None:
        self.dev = dev
        sb = dev.pread(1024, 1024)
        (self.inodes_count, blocks_lo) = struct.unpack("<II", sb[0:8])
        self.first_data_block, log_block = struct.unpack("<II", sb[20:28])
        self.blocks_per_group, _, self.inodes_per_group = struct.unpack("<III", sb[32:44])
        rev = struct.unpack("<I", sb[76:80])[0]
        self.inode_size = struct.unpack("<H", sb[88:90])[0] if rev >= 1 else 128
        incompat = struct.unpack("<I", sb[96:100])[0]
        desc = struct.unpack("<H", sb[254:256])[0]
        self.desc_size = desc if incompat & INCOMPAT_64BIT and desc >= 64 else 32
        if log_block > 6 or not self.inodes_per_group or self.inode_size < 128:
            raise ImageError("corrupt ext superblock")
        self.block_size = 1024 << log_block
        self._gdt_cache: dict[int, int] = {}

    def _block(self, n: int, count: int = 1) -> bytes:
        return self.dev.pread(self.block_size * count, n * self.block_size)

    def _inode_table(self, group: int) -> int:
        table = self._gdt_cache.get(group)
        if table is None:
            gdt_block = self.first_data_block + 1
            off = gdt_block * self.block_size + group * self.desc_size
            d = self.dev.pread(self.desc_size, off)
            table = struct.unpack("<I", d[8:12])[0]
            if self.desc_size >= 64:
                table |= struct.unpack("<I", d[40:44])[0] << 32
            self._gdt_cache[group] = table
        return table

    def _inode(self, ino: int) -> bytes:
        if not 1 <= ino <= self.inodes_count:
            raise ImageError(f"inode {ino} out of range")
        group, index = divmod(ino - 1, self.inodes_per_group)
        off = self._inode_table(group) * self.block_size + index * self.inode_size
        return self.dev.pread(self.inode_size, off)

    @staticmethod
    def _size(inode: bytes) -> int:
        return int(struct.unpack("<I", inode[4:8])[0]) | (int(struct.unpack("<I", inode[108:112])[0]) << 32)

    def _data(self, inode: bytes, limit: int | None = None) -> bytes:
        size = self._size(inode)
        if size > MAX_FILE:
            raise ImageError(f"file too large ({size} bytes)")
        want = size if limit is None else min(size, limit)
        flags = struct.unpack("<I", inode[32:36])[0]
        iblock = inode[40:100]
        if flags & EXT4_INLINE_DATA_FL:
            return iblock[:want]
        out = bytearray(want)
        nblocks = (want + self.block_size - 1) // self.block_size
        if flags & EXT4_EXTENTS_FL:
            for logical, physical, length in self._extents(iblock, 0):
                for i in range(length):
                    lb = logical + i
                    if lb >= nblocks:
                        break
                    if physical is not None:
                        chunk = self._block(physical + i)
                        out[lb * self.block_size : lb * self.block_size + self.block_size] = chunk
        else:
            for lb, pb in self._blockmap(iblock, nblocks):
                chunk = self._block(pb)
                out[lb * self.block_size : lb * self.block_size + self.block_size] = chunk
        return bytes(out[:want])

    def _extents(self, node: bytes, depth_seen: int) -> list[tuple[int, int | None, int]]:
        magic, entries, _max, depth = struct.unpack("<HHHH", node[0:8])
        if magic != 0xF30A or depth_seen > 5:
            raise ImageError("corrupt ext4 extent tree")
        out: list[tuple[int, int | None, int]] = []
        for i in range(entries):
            e = node[12 + 12 * i : 24 + 12 * i]
            if len(e) < 12:
                break
            if depth == 0:
                block, length, hi, lo = struct.unpack("<IHHI", e)
                uninit = length > 32768
                out.append((block, None if uninit else (hi << 32) | lo, length - 32768 if uninit else length))
            else:
                _block, lo, hi = struct.unpack("<IIH", e[:10])
                out += self._extents(self._block((hi << 32) | lo), depth_seen + 1)
        return out

    def _blockmap(self, iblock: bytes, nblocks: int) -> list[tuple[int, int]]:
        ptrs = struct.unpack("<15I", iblock)
        per = self.block_size // 4
        out: list[tuple[int, int]] = []

        def walk(block: int, level: int, logical: int) -> int:
            if level == 0:
                if block:
                    out.append((logical, block))
                return logical + 1
            span: int = per**level
            if not block:
                return logical + span
            table = struct.unpack(f"<{per}I", self._block(block))
            for child in table:
                if logical >= nblocks:
                    break
                logical = walk(child, level - 1, logical)
            return logical

        logical = 0
        for i in range(12):
            if logical >= nblocks:
                return out
            logical = walk(ptrs[i], 0, logical)
        for level, ptr in ((1, ptrs[12]), (2, ptrs[13]), (3, ptrs[14])):
            if logical >= nblocks:
                break
            logical = walk(ptr, level, logical)
        return out

    def _dir(self, inode: bytes) -> dict[str, int]:
        data = self._data(inode)
        names: dict[str, int] = {}
        pos = 0
        while pos + 8 <= len(data):
            ino, rec_len, name_len = struct.unpack("<IHB", data[pos : pos + 7])
            if rec_len < 8:
                break
            if ino and name_len:
                names[data[pos + 8 : pos + 8 + name_len].decode("utf-8", "surrogateescape")] = ino
            pos += rec_len
        return names

    def _resolve(self, path: str, follow_last: bool = True) -> bytes:
        parts = _parts(path)
        stack: list[str] = []
        inode = self._inode(2)
        links = 0
        i = 0
        while i < len(parts):
            name = parts[i]
            i += 1
            if name == "..":
                stack = stack[:-1]
                inode = self._resolve("/".join(stack), True) if stack else self._inode(2)
                continue
            if struct.unpack("<H", inode[0:2])[0] & S_IFMT != S_IFDIR:
                raise FsNotFound(f"{path}: not a directory")
            ino = self._dir(inode).get(name)
            if ino is None:
                raise FsNotFound(f"{path}: no such file")
            child = self._inode(ino)
            if struct.unpack("<H", child[0:2])[0] & S_IFMT == S_IFLNK and (i < len(parts) or follow_last):
                links += 1
                if links > MAX_SYMLINKS:
                    raise ImageError(f"{path}: too many symbolic links")
                size = self._size(child)
                flags = struct.unpack("<I", child[32:36])[0]
                target = (child[40 : 40 + size] if size < 60 and not flags & EXT4_EXTENTS_FL
                          else self._data(child)).decode("utf-8", "surrogateescape")
                rest = parts[i:]
                if target.startswith("/"):
                    parts, stack, inode, i = _parts(target) + rest, [], self._inode(2), 0
                else:
                    parts, i = stack + _parts(target) + rest, len(stack)
                    inode = self._resolve("/".join(stack), True) if stack else self._inode(2)
                continue
            stack.append(name)
            inode = child
        return inode

    def read_file(self, path: str) -> bytes:
        inode = self._resolve(path)
        if struct.unpack("<H", inode[0:2])[0] & S_IFMT == S_IFDIR:
            raise FsNotFound(f"{path}: is a directory")
        return self._data(inode)

    def exists(self, path: str) -> bool:
        try:
            self._resolve(path)
            return True
        except FsNotFound:
            return False
