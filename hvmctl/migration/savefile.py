"""The save file: what ``xm save`` writes and ``xm restore`` reads.

Layout (version 1)::

    offset 0       b"HVMCTL-SAVE 1\\n"                      magic line, 14 bytes
    offset 14      JSON header, padded with spaces to ``stream_offset``
    stream_offset  QEMU's migration stream (starts with b"QEVM"), ``stream_bytes`` long

``stream_offset`` is a multiple of 4096 so the stream is page aligned. The header holds the
domain record (config, profile path, runtime facts such as VNC port and NICs), the QEMU
version and machine type, and -- rewritten in place once QEMU has finished -- the stream's
length, so a restore can tell a complete file from a damaged one. The file is written as a
hidden temporary beside its final name and renamed only when complete and fsynced.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any, BinaryIO

from hvmctl.errors import ConfigError

MAGIC = b"HVMCTL-SAVE 1\n"
QEMU_MAGIC = b"QEVM"
ALIGN = 4096
HEADER_SLACK = 1024  # room for the fields only known at the end (stream length, timings)


@dataclass(frozen=True)
class SaveHeader:
    """The decoded header of a save file."""

    data: dict[str, Any]
    stream_offset: int

    @property
    def record(self) -> dict[str, Any]:
        return self.data["record"]  # type: ignore[no-any-return]

    @property
    def stream_bytes(self) -> int:
        return int(self.data.get("stream_bytes") or 0)


def header_size(data: dict[str, Any]) -> int:
    """Bytes to reserve for ``data`` (plus slack), rounded up to a page."""
    need = len(MAGIC) + len(_encode(data)) + HEADER_SLACK
    return -(-need // ALIGN) * ALIGN


def _encode(data: dict[str, Any]) -> bytes:
    return json.dumps(data, sort_keys=True, separators=(",", ":")).encode()


def write_header(fh: BinaryIO, data: dict[str, Any], size: int) -> None:
    """Write magic + header padded to ``size`` at offset 0; leaves the position at ``size``."""
    body = MAGIC + _encode(data)
    if len(body) + 1 > size:
        raise ValueError(f"save header needs {len(body) + 1} bytes, {size} reserved")
    fh.seek(0)
    fh.write(body + b"\n" + b" " * (size - len(body) - 1))
    fh.flush()


def read_header(path: Path) -> SaveHeader:
    """Read and check a save file's header; a damaged or foreign file is refused clearly."""
    try:
        with open(path, "rb") as fh:
            head = fh.read(len(MAGIC))
            if head != MAGIC:
                raise ConfigError("not an hvmctl save file (bad magic)", file=str(path))
            raw = b""
            while not raw.endswith(b"\n"):
                chunk = fh.read(ALIGN)
                if not chunk:
                    raise ConfigError("truncated save file header", file=str(path))
                raw += chunk
                if b"\n" in chunk:
                    raw = raw[: raw.index(b"\n") + 1]
            try:
                data = json.loads(raw)
            except ValueError as exc:
                raise ConfigError(f"damaged save file header: {exc}", file=str(path)) from exc
            offset = int(data.get("stream_offset", 0))
            size = os.fstat(fh.fileno()).st_size
            fh.seek(offset)
            stream_magic = fh.read(len(QEMU_MAGIC))
    except OSError as exc:
        raise ConfigError(f"cannot read save file: {exc.strerror}", file=str(path)) from exc
    header = SaveHeader(data, offset)
    if stream_magic != QEMU_MAGIC:
        raise ConfigError("no QEMU migration stream in the save file", file=str(path))
    if header.stream_bytes and size != offset + header.stream_bytes:
        raise ConfigError(
            f"save file is {size} bytes, expected {offset + header.stream_bytes}: damaged or truncated",
            file=str(path),
        )
    if "record" not in data or "config" not in data["record"]:
        raise ConfigError("save file header lacks the domain record", file=str(path))
    return header
