"""`xm console`: the guest's serial port on this terminal; Ctrl-] detaches, as in xl."""

from __future__ import annotations

import os
import select
import socket
import sys
import termios
import tty

from hvmctl.errors import HvmctlError

ESCAPE = b"\x1d"  # Ctrl-]


def attach(socket_path: str, name: str) -> int:
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    try:
        sock.connect(socket_path)
    except OSError as exc:
        raise HvmctlError(f"domain '{name}': cannot reach the serial console at {socket_path}: {exc.strerror}") from exc
    stdin = sys.stdin.fileno()
    interactive = os.isatty(stdin)
    saved = termios.tcgetattr(stdin) if interactive else None
    if interactive:
        tty.setraw(stdin)
    try:
        return _pump(sock, stdin, interactive)
    finally:
        if saved is not None:
            termios.tcsetattr(stdin, termios.TCSADRAIN, saved)
        sock.close()


def _pump(sock: socket.socket, stdin: int, interactive: bool) -> int:
    out = sys.stdout.buffer
    watch: list[socket.socket | int] = [sock, stdin]
    stdin_open = True
    while True:
        ready, _, _ = select.select(watch if stdin_open else watch[:1], [], [], None if stdin_open else 1.0)
        if not ready and not stdin_open:
            return 0  # stdin closed and the guest has gone quiet: done
        if sock in ready:
            data = sock.recv(65536)
            if not data:
                return 0
            out.write(data)
            out.flush()
        if stdin_open and stdin in ready:
            data = os.read(stdin, 4096)
            if not data:
                stdin_open = False
                continue
            if interactive and ESCAPE in data:
                sock.sendall(data.split(ESCAPE)[0])
                return 0
            sock.sendall(data)
