"""A listening Unix socket as the daemon's API socket is, for the tests of the servers that
accept on it (the prelude, the early/local HTTP server)."""

from __future__ import annotations

import socket


def listening(path: str, backlog: int = 16) -> socket.socket:
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    sock.bind(path)
    sock.listen(backlog)
    return sock
