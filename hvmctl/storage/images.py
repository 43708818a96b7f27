"""Disk images: create them like the seed did (``dd ... seek=20479k count=1`` makes a sparse
raw file), or as qcow2 through qemu-img; describe them; see whether a QEMU holds one open.

Nothing is ever half-written: an image is made under a temporary name in the same
directory and linked into place, which also refuses to replace a file that appeared
meanwhile (unless ``force``).
"""

from __future__ import annotations

import fcntl
import json
import os
import re
import stat
import struct
import subprocess
import tempfile
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from hvmctl.errors import ConfigError, ConflictError, HostError, NotFoundError
from hvmctl.storage.sparse import allocated_bytes, data_bytes, data_extents

QCOW_MAGIC = b"QFI\xfb"
QEMU_IMG_TIMEOUT = 120.0
_UNITS = {"": 1, "b": 1, "k": 1 << 10, "m": 1 << 20, "g": 1 << 30, "t": 1 << 40, "p": 1 << 50}
_SIZE = re.compile(r"\s*([0-9]+(?:\.[0-9]+)?)\s*([kmgtpb]?)(?:i?b)?\s*", re.I)

# QEMU's image locking (block/file-posix.c): byte 100+N is locked by a user holding
# permission N, byte 200+N by a user that does not share it. BLK_PERM_WRITE is bit 1.
QEMU_LOCK_PERM_BASE = 100
QEMU_PERM_WRITE_BIT = 1


def parse_size(text: str) -> int:
    """``20G``, ``512M``, ``20480M``, ``1.5G``, ``10GiB`` or a byte count -> bytes (binary units,
    as dd's ``k`` and qemu-img's suffixes). Sizes are whole 512-byte sectors."""
    m = _SIZE.fullmatch(text or "")
    if m is None:
        raise ConfigError(f"size {text!r}: expected a number with K, M, G or T (e.g. 20G, 512M, 20480M)")
    number, unit = m.groups()
    size = int(float(number) * _UNITS[unit.lower()]) if "." in number else int(number) * _UNITS[unit.lower()]
    if size <= 0:
        raise ConfigError(f"size {text!r}: must be more than zero")
    if size % 512:
        raise ConfigError(f"size {text!r} = {size} bytes: not a whole number of 512-byte sectors")
    return size


def detect_format(path: str) -> str:
    """The image format from its first bytes (qcow2 or raw), never from its name."""
    try:
        with open(path, "rb") as fh:
            head = fh.read(8)
    except OSError:
        return "raw"
    if head[:4] == QCOW_MAGIC:
        return "qcow2" if int.from_bytes(head[4:8], "big") >= 2 else "qcow"
    return "raw"


def qcow2_external_refs(path: str) -> list[str]:
    """What a qcow2 header makes QEMU open besides the image itself: a backing file, or an
    external data file (v3 incompatible feature bit 2). Empty for raw images."""
    try:
        with open(path, "rb") as fh:
            head = fh.read(80)
    except OSError:
        return []
    if head[:4] != QCOW_MAGIC or len(head) < 20:
        return []
    refs = []
    offset, size = int.from_bytes(head[8:16], "big"), int.from_bytes(head[16:20], "big")
    if offset:
        try:
            with open(path, "rb") as fh:
                fh.seek(min(offset, 1 << 62))
                name = fh.read(min(size, 1023)).decode(errors="replace")
        except (OSError, OverflowError, ValueError):
            name = "?"
        refs.append(f"backing file {name!r}")
    if int.from_bytes(head[4:8], "big") >= 3 and len(head) >= 80 and int.from_bytes(head[72:80], "big") & 4:
        refs.append("an external data file")
    return refs


def in_use_for_writing(path: str) -> bool:
    """Whether some QEMU (of any toolstack) holds ``path`` open with write permission.

    Asks the kernel for QEMU's own open-file-description locks (F_OFD_GETLK), so it sees
    guests this daemon does not know about too."""
    try:
        fd = os.open(path, os.O_RDONLY | os.O_CLOEXEC)
    except OSError:
        return False
    try:
        probe = struct.pack("hhqqi4x", fcntl.F_WRLCK, os.SEEK_SET,
                            QEMU_LOCK_PERM_BASE + QEMU_PERM_WRITE_BIT, 1, 0)
        answer = fcntl.fcntl(fd, fcntl.F_OFD_GETLK, probe)
        kind: int = struct.unpack("hhqqi4x", answer)[0]
        return kind != fcntl.F_UNLCK
    except OSError:
        return False
    finally:
        os.close(fd)


def create_image(path: str, size: int, fmt: str = "raw", *, force: bool = False) -> dict[str, Any]:
    """Make a new image; refuses an existing file unless ``force``, and always refuses one a
    running guest writes to."""
    target = Path(path)
    if fmt not in ("raw", "qcow2"):
        raise ConfigError(f"image format {fmt!r}: expected raw or qcow2")
    if not target.parent.is_dir():
        raise NotFoundError(f"{target.parent}: no such directory")
    if target.exists() or target.is_symlink():
        if not force:
            raise ConflictError(f"{target}: already exists; use --force to replace it")
        if not target.is_file():
            raise ConflictError(f"{target}: not a regular file; refusing to replace it")
        if in_use_for_writing(str(target)):
            raise ConflictError(f"{target}: in use by a running guest; refusing to replace it")
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".new", dir=target.parent)
    try:
        if fmt == "raw":
            os.ftruncate(fd, size)  # all hole: the seed's dd seek=... count=1, minus the one block
            os.fchmod(fd, 0o600)
            os.close(fd)
            fd = -1
        else:
            os.close(fd)
            fd = -1
            run_qemu_img(["create", "-q", "-f", "qcow2", tmp, str(size)])
            os.chmod(tmp, 0o600)
        if force:
            os.replace(tmp, target)
        else:
            try:
                os.link(tmp, target)  # fails if the name appeared meanwhile: never clobber
            except FileExistsError:
                raise ConflictError(f"{target}: already exists; use --force to replace it") from None
            os.unlink(tmp)
    except BaseException:
        if fd >= 0:
            os.close(fd)
        try:
            os.unlink(tmp)
        except FileNotFoundError:
            pass
        raise
    return image_info(str(target))


def run_qemu_img(args: list[str], timeout: float = QEMU_IMG_TIMEOUT) -> str:
    """qemu-img as an argv subprocess with a timeout; its complaint becomes a HostError."""
    argv = ["qemu-img", *args]
    try:
        proc = subprocess.run(argv, capture_output=True, text=True, timeout=timeout, stdin=subprocess.DEVNULL,
                              check=False)
    except FileNotFoundError as exc:
        raise HostError("qemu-img not found (Debian package qemu-utils)", cause=exc) from exc
    except subprocess.TimeoutExpired as exc:
        raise HostError(f"qemu-img {args[0]} did not finish within {timeout:.0f} s", cause=exc) from exc
    if proc.returncode != 0:
        lines = [ln for ln in proc.stderr.strip().splitlines() if ln.strip()]
        raise HostError(f"qemu-img {args[0]}: {lines[-1] if lines else f'exit status {proc.returncode}'}")
    return proc.stdout


@dataclass(frozen=True)
class ImageInfo:
    path: str
    format: str
    virtual_size: int
    file_size: int
    allocated: int
    data: int
    kind: str  # "file" or "block"
    backing_file: str | None = None
    in_use: bool = False


def image_info(path: str) -> dict[str, Any]:
    """What an image is: format, virtual size, how much of it holds data, whether a guest writes it."""
    try:
        st = os.stat(path)
    except FileNotFoundError:
        raise NotFoundError(f"{path}: no such file or device") from None
    except OSError as exc:
        raise HostError(f"{path}: {exc.strerror}", cause=exc) from exc
    block = stat.S_ISBLK(st.st_mode)
    fmt = "raw" if block else detect_format(path)
    backing: str | None = None
    if block:
        with open(path, "rb") as fh:
            size = fh.seek(0, os.SEEK_END)
        data, allocated = size, size
    else:
        with open(path, "rb") as fh:
            data = data_bytes(data_extents(fh.fileno(), st.st_size))
        allocated = allocated_bytes(path)
        size = st.st_size
        if fmt != "raw":
            facts = json.loads(run_qemu_img(["info", "-U", "--output=json", "-f", fmt, path]))
            size = int(facts.get("virtual-size", size))
            backing = facts.get("full-backing-filename") or facts.get("backing-filename")
    info = ImageInfo(path=path, format=fmt, virtual_size=size, file_size=st.st_size if not block else size,
                     allocated=allocated, data=data, kind="block" if block else "file",
                     backing_file=backing, in_use=in_use_for_writing(path))
    return asdict(info)


def human(n: float) -> str:
    """1536 -> '1.5 KiB' (for messages and tables)."""
    for unit in ("B", "KiB", "MiB", "GiB", "TiB"):
        if abs(n) < 1024 or unit == "TiB":
            return f"{n:.0f} {unit}" if unit == "B" else f"{n:.1f} {unit}"
        n /= 1024
    return f"{n:.1f} TiB"
