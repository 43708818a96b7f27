"""Files written whole or not at all: a crash mid-write leaves the old file or the new one,
never half of one. One implementation for every state file, record, save and extract."""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path
from typing import Any

from hvmctl.errors import HostError


def fsync_dir(directory: Path) -> None:
    """Make a rename in ``directory`` durable (best effort: some filesystems refuse)."""
    try:
        fd = os.open(directory, os.O_RDONLY | os.O_DIRECTORY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def write_bytes_atomic(path: Path, data: bytes, mode: int = 0o600, *, durable: bool = True) -> None:
    """Temp file beside ``path``, fsync, rename, fsync the directory.

    ``durable=False`` skips the fsyncs: still whole-or-nothing and seen by any process at
    once (a killed daemon's successor reads it), only a host crash may lose it -- for
    writes on a latency path whose subject a host crash ends anyway (a QEMU being spawned)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            if durable:
                os.fsync(fh.fileno())
        os.chmod(tmp, mode)
        os.replace(tmp, path)
    except OSError as exc:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise HostError(f"{path}: cannot write: {exc.strerror or exc}", cause=exc) from exc
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise
    if durable:
        fsync_dir(path.parent)


def write_json_atomic(path: Path, data: Any, mode: int = 0o600, *, durable: bool = True) -> None:
    write_bytes_atomic(path, (json.dumps(data, indent=1, sort_keys=True) + "\n").encode(), mode, durable=durable)
