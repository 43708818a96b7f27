"""What the daemon drives to run a guest, behind one small interface.

The daemon's sequences (create, destroy, save, restore, re-attach after a crash) only need
to spawn a process from an argv, adopt one by pid, learn that it ended, and talk QMP to it.
``QemuBackend`` does that with real QEMU processes (``process.QemuProcess``) and QMP
connections (``qemu.monitor.Monitor``); ``fakebackend.FakeBackend`` does it in memory so
those sequences -- and what happens when the daemon dies in the middle of one -- get unit
tests that run in milliseconds.
"""

from __future__ import annotations

import asyncio
import os
import signal
from collections.abc import Callable
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

from hvmctl.daemon import process as proc
from hvmctl.daemon.qemuuser import Identity

if TYPE_CHECKING:  # qemu.qmp is loaded with the first QMP connection, not at start-up
    from qemu.qmp import EventListener


class GuestProcess(Protocol):
    """One running guest process (QEMU or a stand-in): its pid and its end."""

    pid: int
    start_ticks: int | None
    exited: asyncio.Future[int | None]

    @property
    def alive(self) -> bool: ...
    def kill(self, sig: int = signal.SIGKILL) -> None: ...
    async def wait(self, timeout: float) -> bool: ...
    def take_fd(self, fd: int) -> int | None: ...  # a copy of its fd ``fd`` as ours (None: not held)


class GuestMonitor(Protocol):
    """The one QMP connection of one guest, its events in a queue."""

    events: asyncio.Queue[dict[str, Any]]

    async def connect(self, timeout: float = 10.0, alive: Callable[[], bool] | None = None) -> None: ...
    async def execute(self, command: str, arguments: dict[str, Any] | None = None, timeout: float = 30.0) -> Any: ...
    def listen(self, names: list[str]) -> EventListener: ...
    def unlisten(self, listener: EventListener) -> None: ...
    def send_fd(self, fd: int) -> None: ...
    async def close(self) -> None: ...


class Backend(Protocol):
    """Spawn, adopt, find and talk to guest processes."""

    def spawn(self, argv: list[str], log_path: Path, *, logs: Sequence[Path] = (),
              pass_fds: Sequence[int] = (), identity: Identity | None = None,
              prefix: Sequence[str] = ()) -> GuestProcess: ...
    def adopt(self, pid: int, start_ticks: int | None) -> GuestProcess | None: ...
    def monitor(self, socket_path: str, name: str) -> GuestMonitor: ...
    def cmdline(self, pid: int) -> list[str] | None: ...
    def start_ticks(self, pid: int) -> int | None: ...
    def pids_with_uuid(self, uuid: str) -> list[int]: ...


def argv_uuid(argv: list[str]) -> str | None:
    """The ``-uuid`` a guest was started with (how a process is told to be ours)."""
    for i, arg in enumerate(argv[:-1]):
        if arg == "-uuid":
            return argv[i + 1].lower()
    return None


def argv_name(argv: list[str]) -> str | None:
    """The ``-name guest=NAME,...`` of a guest's argv (QEMU's ``,,`` escape undone)."""
    for i, arg in enumerate(argv[:-1]):
        if arg == "-name":
            value = argv[i + 1]
            if value.startswith("guest="):
                value = value[len("guest="):]
            out, j = [], 0
            while j < len(value):
                if value[j] == ",":
                    if value[j + 1 : j + 2] == ",":
                        out.append(",")
                        j += 2
                        continue
                    break
                out.append(value[j])
                j += 1
            return "".join(out)
    return None


class QemuBackend:
    """Real QEMU processes and QMP connections."""

    def spawn(self, argv: list[str], log_path: Path, *, logs: Sequence[Path] = (),
              pass_fds: Sequence[int] = (), identity: Identity | None = None,
              prefix: Sequence[str] = ()) -> GuestProcess:
        return proc.QemuProcess.spawn(argv, log_path, logs=logs, pass_fds=pass_fds, identity=identity,
                                       prefix=prefix)

    def adopt(self, pid: int, start_ticks: int | None) -> GuestProcess | None:
        return proc.QemuProcess.adopt(pid, start_ticks)

    def monitor(self, socket_path: str, name: str) -> GuestMonitor:
        from hvmctl.qemu.monitor import Monitor

        return Monitor(socket_path, name)

    def cmdline(self, pid: int) -> list[str] | None:
        try:
            raw = Path(f"/proc/{pid}/cmdline").read_bytes()
        except OSError:
            return None
        return [a.decode(errors="replace") for a in raw.split(b"\0")[:-1]] or None

    def start_ticks(self, pid: int) -> int | None:
        return proc.process_start_ticks(pid)

    def pids_with_uuid(self, uuid: str) -> list[int]:
        """Live processes started with ``-uuid UUID``: finds a QEMU spawned just before the
        daemon died, before its pid reached the record or its own pidfile."""
        found = []
        needle = b"\0-uuid\0" + uuid.lower().encode() + b"\0"
        for entry in os.scandir("/proc"):
            if not entry.name.isdigit():
                continue
            try:
                with open(f"/proc/{entry.name}/cmdline", "rb") as fh:
                    raw = fh.read()
            except OSError:
                continue
            if needle in raw and proc.process_alive(int(entry.name)):
                found.append(int(entry.name))
        return found
