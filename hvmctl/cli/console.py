"""`xm console`: the guest's serial port on this terminal; Ctrl-] detaches, as in xl."""

from __future__ import annotations

import os
import select
import socket
import sys
import termios
import time
import tty

from typing import TYPE_CHECKING

from hvmctl.errors import HvmctlError

if TYPE_CHECKING:
    from collections.abc import Callable, Iterator

ESCAPE = b"\x1d"  # Ctrl-]


class RawStdin:
    """Standard input in raw mode while a console is attached (a terminal's settings are
    given back on the way out); input from a pipe is left as it is."""

    def __enter__(self) -> "RawStdin":
        self.fd = sys.stdin.fileno()
        self.interactive = os.isatty(self.fd)
        self._saved = termios.tcgetattr(self.fd) if self.interactive else None
        if self.interactive:
            tty.setraw(self.fd)
        return self

    def __exit__(self, *exc: object) -> None:
        if self._saved is not None:
            termios.tcsetattr(self.fd, termios.TCSADRAIN, self._saved)


def attach(socket_path: str, name: str) -> int:
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    try:
        sock.connect(socket_path)
    except OSError as exc:
        raise HvmctlError(f"domain '{name}': cannot reach the serial console at {socket_path}: {exc.strerror}") from exc
    try:
        with RawStdin() as raw:
            return _pump(sock, raw.fd, raw.interactive)
    finally:
        sock.close()


DRAIN_AFTER_EOF = 1.0  # seconds of guest output still shown after piped input ends
RELAY_DRAIN_MAX = 10.0  # relayed: at most this long after piped input ends, however chatty the guest


def _pump(sock: socket.socket, stdin: int, interactive: bool) -> int:
    """Copy both ways. With piped input (scripts, tests), stop a moment after it ends --
    also when the guest keeps printing, so `echo cmd | xm console DOM` always returns."""
    out = sys.stdout.buffer
    watch: list[socket.socket | int] = [sock, stdin]
    stop_at: float | None = None
    while True:
        timeout = None if stop_at is None else max(0.0, stop_at - time.monotonic())
        ready, _, _ = select.select(watch, [], [], timeout)
        if stop_at is not None and time.monotonic() >= stop_at:
            return 0
        if sock in ready:
            data = sock.recv(65536)
            if not data:
                return 0
            out.write(data)
            out.flush()
        if stdin in ready:
            data = os.read(stdin, 4096)
            if not data:
                watch = [sock]
                stop_at = time.monotonic() + DRAIN_AFTER_EOF
                continue
            if interactive and ESCAPE in data:
                sock.sendall(data.split(ESCAPE)[0])
                return 0
            sock.sendall(data)


def relay(name: str, output: "Iterator[bytes]", send: "Callable[[bytes], None]") -> int:
    """The console of a guest on another pool member (or behind a remote daemon): its
    output streamed by the daemon, keys sent one read at a time. Ctrl-] detaches; piped
    input ends the way :func:`attach` ends it."""
    import threading

    out = sys.stdout.buffer
    ended = threading.Event()
    last = [time.monotonic()]  # when the guest last wrote something

    def show() -> None:
        try:
            for chunk in output:
                last[0] = time.monotonic()
                out.write(chunk)
                out.flush()
        except HvmctlError:
            pass  # the stream was cut: the guest stopped, or its member went away
        finally:
            ended.set()

    reader = threading.Thread(target=show, name=f"console-{name}", daemon=True)
    reader.start()
    with RawStdin() as raw:
        stdin, interactive = raw.fd, raw.interactive
        while not ended.is_set():
            ready, _, _ = select.select([stdin], [], [], 0.2)
            if not ready:
                continue
            data = os.read(stdin, 4096)
            if not data:  # the relay has more hops than the socket: wait for a quiet second
                until = time.monotonic() + RELAY_DRAIN_MAX
                while not ended.is_set() and time.monotonic() < until \
                        and time.monotonic() - last[0] < DRAIN_AFTER_EOF:
                    ended.wait(0.1)
                return 0
            if interactive and ESCAPE in data:
                if data.split(ESCAPE)[0]:
                    send(data.split(ESCAPE)[0])
                return 0
            send(data)
        return 0
