"""Which TCP ports a process listens on, read from /proc (its fds against /proc/PID/net/tcp*),
and which processes hold a given socket.

Why: "QEMU opens no port of its own" (VNC, migration streams) is checked on the process,
not by asking the daemon; QEMU does hold the daemon's VNC listening socket (passed at
spawn so the port outlives a killed daemon), which ``besides`` tells apart: the very
socket its daemon holds, not one QEMU opened."""

from __future__ import annotations

import os
from pathlib import Path


def socket_inodes(pid: int) -> set[str]:
    """The inodes of the sockets ``pid`` has open."""
    inodes = set()
    for fd in Path(f"/proc/{pid}/fd").iterdir():
        try:
            target = os.readlink(fd)
        except OSError:
            continue
        if target.startswith("socket:["):
            inodes.add(target[8:-1])
    return inodes


def listening_sockets(pid: int) -> dict[str, int]:
    """Listening TCP sockets ``pid`` holds: inode -> port."""
    inodes = socket_inodes(pid)
    found = {}
    for table in ("tcp", "tcp6"):
        for line in Path(f"/proc/{pid}/net/{table}").read_text().splitlines()[1:]:
            fields = line.split()
            if fields[3] == "0A" and fields[9] in inodes:  # 0A: LISTEN
                found[fields[9]] = int(fields[1].rsplit(":", 1)[1], 16)
    return found


def tcp_listeners(pid: int, besides: int | None = None) -> list[int]:
    """The TCP ports ``pid`` holds a listening socket of (not counting the sockets process
    ``besides`` holds too: its daemon's, passed to it)."""
    shared = socket_inodes(besides) if besides is not None else set()
    return [port for inode, port in listening_sockets(pid).items() if inode not in shared]


def holders(inode: str) -> set[int]:
    """Every process that has socket ``inode`` open (no keeper process beside QEMU)."""
    found = set()
    for proc in Path("/proc").iterdir():
        if proc.name.isdigit():
            try:
                if inode in socket_inodes(int(proc.name)):
                    found.add(int(proc.name))
            except OSError:
                continue
    return found


def children(pid: int) -> set[int]:
    """The live child processes of ``pid`` (by their parent pid)."""
    found = set()
    for proc in Path("/proc").iterdir():
        if not proc.name.isdigit():
            continue
        try:
            stat = (proc / "stat").read_text()
        except OSError:
            continue
        fields = stat[stat.rfind(")") + 2:].split()
        if int(fields[1]) == pid and fields[0] not in ("Z", "X"):
            found.add(int(proc.name))
    return found


def free_vnc_display(low: int = 40, high: int = 95) -> int:
    """A display in [low, high) whose port nothing listens on now (other tests run beside
    us; a random pick makes two of them collide less)."""
    import random
    import socket

    for n in random.sample(range(low, high), high - low):
        with socket.socket() as s:
            try:
                s.bind(("127.0.0.1", 5900 + n))
                return n
            except OSError:
                continue
    raise RuntimeError(f"no free VNC display in {low}..{high - 1}")
