"""Small persistent state files: atomic JSON writes and an exclusive file lock.

The MAC registry and the network-bridge record must survive a daemon crash at any moment,
so a reader sees either the old file or the new one, never half of one.
"""

from __future__ import annotations

import fcntl
import json
import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from hvmctl.atomic import write_json_atomic as write_json_atomic  # re-exported
from hvmctl.errors import HostError


def read_json(path: Path) -> Any:
    """The decoded file, or None when it does not exist."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return None
    except OSError as e:
        raise HostError(f"cannot read {path}: {e.strerror}", cause=e) from e
    try:
        return json.loads(text)
    except ValueError as e:
        raise HostError(f"{path}: corrupt state file: {e}", cause=e) from e


@contextmanager
def file_lock(path: Path) -> Iterator[None]:
    """Hold an exclusive flock on ``path`` (a separate lock file: the data file is replaced)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        fd = os.open(path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o600)
    except OSError as e:
        raise HostError(f"cannot open lock file {path}: {e.strerror}", cause=e) from e
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)  # closing drops the lock
