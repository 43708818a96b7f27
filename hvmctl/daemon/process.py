"""A QEMU process the daemon supervises but does not own the life of.

QEMU is started in its own session so it survives the daemon; exit is noticed through a
pidfd, which works for our own children and for processes adopted after a daemon restart
alike (and does not wait for a slow init to reap a zombie).
"""

from __future__ import annotations

import asyncio
import ctypes
import os
import signal
import subprocess
from pathlib import Path
from typing import Sequence

from hvmctl.daemon import filemodes
from hvmctl.daemon.qemuuser import Identity
# re-exported: where callers found them before they moved to procfs (lean to import)
from hvmctl.daemon.procfs import CLK_TCK as CLK_TCK
from hvmctl.daemon.procfs import cpu_seconds as cpu_seconds
from hvmctl.daemon.procfs import process_alive as process_alive
from hvmctl.daemon.procfs import process_start_ticks as process_start_ticks
from hvmctl.daemon.procfs import thread_running as thread_running
from hvmctl.errors import QemuError

SYS_PIDFD_GETFD = 438  # the same number on every architecture (the unified syscall table)


def rss_kib(pid: int) -> int:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    except OSError:
        pass
    return 0


class QemuProcess:
    """One running QEMU: its pid, an exit future, and a way to kill it."""

    def __init__(self, pid: int, start_ticks: int | None, popen: subprocess.Popen[bytes] | None = None) -> None:
        self.pid = pid
        self.start_ticks = start_ticks
        self._popen = popen
        self.exited: asyncio.Future[int | None] = asyncio.get_running_loop().create_future()
        self._pidfd: int | None = None
        self._watch()

    @classmethod
    def spawn(cls, argv: list[str], log_path: Path, *, logs: Sequence[Path] = (),
              pass_fds: Sequence[int] = (), identity: Identity | None = None,
              prefix: Sequence[str] = ()) -> "QemuProcess":
        """Start QEMU, its output appended to ``log_path``. ``logs`` are files QEMU itself will
        append to (the console log): made first, so they are 0640 in the log group, and
        QEMU runs with umask 027 so nothing it creates is world-readable (filemodes).
        ``pass_fds``: the fds the argv names (hvmctl.daemon.fdtable), inherited under the
        same numbers; every other fd is closed in the child. ``identity``: the guest's own
        uid/gid, no supplementary groups; the change of uid away from 0 empties every
        capability set but the bounding one (which no_new_privs, QEMU's ``-sandbox
        elevateprivileges=deny``, makes moot). ``prefix``: the exec helper that jails QEMU
        (daemon/jail.py); it runs as root and drops to ``identity`` itself, after its mounts."""
        for path in logs:
            filemodes.prepare_log(path)
        log = filemodes.open_log(log_path)
        if prefix:
            argv, identity = [*prefix, *argv], None
        try:
            popen = subprocess.Popen(
                argv,
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=log,
                start_new_session=True,
                close_fds=True,
                pass_fds=tuple(pass_fds),
                umask=filemodes.UMASK,
                user=identity.uid if identity is not None else None,
                group=identity.gid if identity is not None else None,
                extra_groups=[] if identity is not None else None,
            )
        except OSError as exc:
            raise QemuError(f"cannot run {argv[0]}: {exc.strerror}", cause=exc) from exc
        finally:
            os.close(log)
        return cls(popen.pid, process_start_ticks(popen.pid), popen)

    @classmethod
    def adopt(cls, pid: int, start_ticks: int | None) -> "QemuProcess | None":
        """Re-attach to a QEMU left running by an earlier daemon, if it still lives."""
        if not process_alive(pid, start_ticks):
            return None
        return cls(pid, start_ticks)

    def _watch(self) -> None:
        loop = asyncio.get_running_loop()
        try:
            self._pidfd = os.pidfd_open(self.pid)
        except OSError:
            self._finish()
            return
        loop.add_reader(self._pidfd, self._finish)

    def _finish(self) -> None:
        if self._pidfd is not None:
            asyncio.get_running_loop().remove_reader(self._pidfd)
            os.close(self._pidfd)
            self._pidfd = None
        status: int | None = None
        if self._popen is not None:
            status = self._popen.poll()
            if status is None:
                try:
                    status = self._popen.wait(timeout=1)
                except subprocess.TimeoutExpired:
                    status = None
        else:
            try:  # an adopted child of ours after all (we are a subreaper)
                _, raw = os.waitpid(self.pid, os.WNOHANG)
                status = os.waitstatus_to_exitcode(raw) if raw else None
            except ChildProcessError:
                pass
        if not self.exited.done():
            self.exited.set_result(status)

    @property
    def alive(self) -> bool:
        return not self.exited.done() and process_alive(self.pid, self.start_ticks)

    def kill(self, sig: int = signal.SIGKILL) -> None:
        if self.exited.done():
            return
        try:
            os.kill(self.pid, sig)
        except ProcessLookupError:
            pass

    def take_fd(self, fd: int) -> int | None:
        """A copy of this QEMU's fd number ``fd`` as one of ours (``pidfd_getfd``, on the
        pidfd opened when it was spawned or adopted -- the pid and start ticks it was checked
        against -- so a reused pid cannot answer); None: it ended, or holds no such fd."""
        if self._pidfd is None or not self.alive:
            return None
        libc = ctypes.CDLL(None, use_errno=True)
        got = int(libc.syscall(SYS_PIDFD_GETFD, self._pidfd, fd, 0))
        return got if got >= 0 else None

    async def wait(self, timeout: float) -> bool:
        """True if the process ended within ``timeout`` seconds."""
        try:
            await asyncio.wait_for(asyncio.shield(self.exited), timeout)
            return True
        except asyncio.TimeoutError:
            return False
