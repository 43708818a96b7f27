"""What QEMU is: its version and machine types, asked once per binary (or once per running
guest over QMP). One place for it: save headers, migration pre-flight and facts all agree."""

from __future__ import annotations

import functools
import re
import subprocess
from collections.abc import Awaitable, Callable
from typing import Any

PROBE_TIMEOUT = 20.0
UNKNOWN = "unknown"


@functools.lru_cache(maxsize=4)
def binary_version(binary: str) -> str:
    """``X.Y.Z`` of a QEMU binary (``qemu -version``), or "unknown" if it cannot say."""
    try:
        out = subprocess.run([binary, "-version"], capture_output=True, text=True, timeout=PROBE_TIMEOUT,
                             stdin=subprocess.DEVNULL, check=False).stdout
    except (OSError, subprocess.SubprocessError):
        return UNKNOWN
    match = re.search(r"version (\d+\.\d+\.\d+)", out)
    return match.group(1) if match else UNKNOWN


@functools.lru_cache(maxsize=4)
def binary_machines(binary: str) -> frozenset[str]:
    """The machine types a QEMU binary offers (``-machine help``), aliases included."""
    try:
        out = subprocess.run([binary, "-machine", "help"], capture_output=True, text=True, timeout=PROBE_TIMEOUT,
                             stdin=subprocess.DEVNULL, check=False).stdout
    except (OSError, subprocess.SubprocessError):
        return frozenset()
    return frozenset(line.split()[0] for line in out.splitlines()[1:] if line.strip())


async def running_version(qmp: Callable[[str], Awaitable[Any]]) -> str:
    """``X.Y.Z`` of a running QEMU, asked over its QMP connection (``query-version``)."""
    from hvmctl.errors import HvmctlError

    try:
        v = (await qmp("query-version"))["qemu"]
        return f"{v['major']}.{v['minor']}.{v['micro']}"
    except (HvmctlError, KeyError, TypeError):
        return UNKNOWN


def version_tuple(version: str) -> tuple[int, ...]:
    """(major, minor) for comparisons; (0,) when unknown (older than anything)."""
    try:
        return tuple(int(x) for x in version.split(".")[:2])
    except ValueError:
        return (0,)
