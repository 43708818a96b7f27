"""Is the code on disk still the code this daemon runs?

A hand upgrade or a ``git pull`` under a running daemon leaves it with old modules in
memory and new ones on disk: the next lazy import mixes the two, and an action dies
half-way with a TypeError. So the daemon notes the package's identity at start (each
``hvmctl/**/*.py``'s path, mtime_ns and size: a stat per file, ~1 ms) and, before any
state-changing action, compares it again (at most every CHECK_EVERY seconds); once it
differs, such actions are refused with one line saying to restart. Reads keep answering.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable

from hvmctl.errors import DaemonError

PACKAGE = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))  # .../hvmctl
CHECK_EVERY = 3.0
MESSAGE = ("hvmctl was upgraded under this daemon (files changed since it started): "
           "restart it (systemctl restart hvmctl)")


def fingerprint(root: str = PACKAGE) -> frozenset[tuple[str, int, int]]:
    """(path, mtime_ns, size) of every .py file under ``root`` (bytecode caches skipped)."""
    found: set[tuple[str, int, int]] = set()
    pending = [root]
    while pending:
        try:
            entries = list(os.scandir(pending.pop()))
        except OSError:
            continue
        for entry in entries:
            if entry.is_dir(follow_symlinks=False):
                if entry.name != "__pycache__":
                    pending.append(entry.path)
            elif entry.name.endswith(".py"):
                try:
                    st = entry.stat()
                except OSError:
                    continue
                found.add((entry.path, st.st_mtime_ns, st.st_size))
    return frozenset(found)


class CodeStamp:
    """The package's identity at start, and whether the files still match it."""

    def __init__(self, root: str = PACKAGE, clock: Callable[[], float] = time.monotonic) -> None:
        self.root = root
        self._clock = clock
        self.at_start = fingerprint(root)
        self._checked_at: float | None = None
        self._changed = False

    def changed(self) -> bool:
        """True once the files differ from the start's (for good: a daemon does not un-stale)."""
        if self._changed:
            return True
        now = self._clock()
        if self._checked_at is not None and now - self._checked_at < CHECK_EVERY:
            return False
        self._checked_at = now
        self._changed = fingerprint(self.root) != self.at_start
        return self._changed

    def check(self) -> None:
        if self.changed():
            raise DaemonError(MESSAGE)
