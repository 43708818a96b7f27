"""A guest's VNC port kept listening while the daemon is away.

The daemon's listening socket dies with the daemon (``kill -9``): new viewers would be
refused, and another program could take the port before the daemon comes back. So each
listener has a keeper: a ``tail --pid=QEMU -f /dev/null`` started as nobody, holding a copy
of the socket (and nothing else) and ending by itself when its QEMU ends. Connections made
meanwhile wait in the socket's backlog; a restarted daemon takes the very same socket back
from the keeper with ``pidfd_getfd`` (pid, start ticks and fd number are in the record) and
hands them over. A fake QEMU (no such pid) gets no keeper.
"""

from __future__ import annotations

import ctypes
import logging
import os
import shutil
import signal
import socket
import subprocess

from hvmctl.daemon.procfs import process_alive, process_start_ticks

log = logging.getLogger(__name__)

NOBODY = 65534
SYS_PIDFD_GETFD = 438  # the same number on every architecture (the unified syscall table)

_mine: dict[int, subprocess.Popen[bytes]] = {}  # keepers this daemon started (reaped at stop)


def start(fd: int, qemu_pid: int) -> list[int] | None:
    """A keeper of listening socket ``fd`` for as long as ``qemu_pid`` lives: [pid, start
    ticks, fd number in it], or None (no such QEMU process, or no ``tail``)."""
    tail = shutil.which("tail")
    if tail is None or not os.path.exists(f"/proc/{qemu_pid}"):
        return None
    try:
        proc = subprocess.Popen([tail, f"--pid={qemu_pid}", "-f", "/dev/null"], pass_fds=(fd,),
                                stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                                start_new_session=True, user=NOBODY, group=NOBODY, extra_groups=[])
    except OSError as exc:
        log.warning("no keeper for the VNC port (fd %d): %s", fd, exc)
        return None
    _mine[proc.pid] = proc
    return [proc.pid, process_start_ticks(proc.pid) or 0, fd]


def take(keeper: list[int]) -> socket.socket | None:
    """The listening socket a keeper holds, as a socket of ours (None: keeper gone)."""
    pid, ticks, fd = keeper
    if not process_alive(pid, ticks or None):
        return None
    try:
        pidfd = os.pidfd_open(pid)
    except OSError:
        return None
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        got = int(libc.syscall(SYS_PIDFD_GETFD, pidfd, fd, 0))
    finally:
        os.close(pidfd)
    if got < 0:
        log.warning("cannot take the VNC socket back from keeper %d: %s", pid, os.strerror(ctypes.get_errno()))
        return None
    sock = socket.socket(fileno=got)
    if not sock.getsockopt(socket.SOL_SOCKET, socket.SO_ACCEPTCONN):
        sock.close()
        return None
    sock.setblocking(False)
    return sock


def stop(keeper: list[int] | None) -> None:
    """End a keeper (its guest's VNC is closed for good); reaped if this daemon started it."""
    if not keeper:
        return
    pid, ticks = keeper[0], keeper[1]
    proc = _mine.pop(pid, None)
    if proc is not None:
        proc.kill()
        try:
            proc.wait(timeout=2)
        except subprocess.TimeoutExpired:
            log.warning("VNC keeper %d did not end", pid)
        return
    if process_alive(pid, ticks or None):  # a predecessor's (its parent is gone: init reaps it)
        try:
            os.kill(pid, signal.SIGKILL)
        except OSError:
            pass
