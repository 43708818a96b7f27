"""Which TCP ports a process listens on, read from /proc (its fds against /proc/PID/net/tcp*).

Why: "QEMU opens no port of its own" (VNC, migration streams) is checked on the process,
not by asking the daemon."""

from __future__ import annotations

import os
from pathlib import Path


def tcp_listeners(pid: int) -> list[int]:
    """The TCP ports ``pid`` holds a listening socket of."""
    inodes = set()
    for fd in Path(f"/proc/{pid}/fd").iterdir():
        try:
            target = os.readlink(fd)
        except OSError:
            continue
        if target.startswith("socket:["):
            inodes.add(target[8:-1])
    ports = []
    for table in ("tcp", "tcp6"):
        for line in Path(f"/proc/{pid}/net/{table}").read_text().splitlines()[1:]:
            fields = line.split()
            if fields[3] == "0A" and fields[9] in inodes:  # 0A: LISTEN
                ports.append(int(fields[1].rsplit(":", 1)[1], 16))
    return ports
