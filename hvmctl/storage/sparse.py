"""Where a file's data is: SEEK_DATA/SEEK_HOLE, so copying a 20 GiB image holding 100 MiB
costs 100 MiB of I/O (GNU tar -S does the same), and writing data back leaves holes as holes."""

from __future__ import annotations

import errno
import os
from collections.abc import Iterator

Extent = tuple[int, int]  # (offset, length)


def data_extents(fd: int, size: int | None = None) -> list[Extent]:
    """The data extents of an open file, in order; the rest is holes.

    Falls back to one extent covering the file on filesystems without SEEK_DATA (and for
    block devices, where every byte counts as data)."""
    if size is None:
        size = os.fstat(fd).st_size
    extents: list[Extent] = []
    pos = 0
    try:
        while pos < size:
            try:
                start = os.lseek(fd, pos, os.SEEK_DATA)
            except OSError as exc:
                if exc.errno == errno.ENXIO:  # no data after pos: the rest is a hole
                    break
                raise
            end = min(os.lseek(fd, start, os.SEEK_HOLE), size)
            if end > start:
                extents.append((start, end - start))
            pos = end
    except OSError as exc:
        if exc.errno not in (errno.EINVAL, errno.EOPNOTSUPP):
            raise
        return [(0, size)] if size else []
    return extents


def data_bytes(extents: list[Extent]) -> int:
    return sum(length for _, length in extents)


def read_extents(fd: int, extents: list[Extent], chunk: int = 1 << 20) -> Iterator[bytes]:
    """The bytes of ``extents`` in order, in chunks of at most ``chunk`` bytes."""
    for offset, length in extents:
        done = 0
        while done < length:
            want = min(chunk, length - done)
            data = os.pread(fd, want, offset + done)
            if not data:
                raise EOFError(f"file shrank while reading at offset {offset + done}")
            yield data
            done += len(data)


def allocated_bytes(path: str) -> int:
    """Disk space a file really uses (st_blocks), as ``du`` shows it."""
    return os.stat(path).st_blocks * 512
