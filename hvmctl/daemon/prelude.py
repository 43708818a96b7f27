"""The daemon's first ~50 ms: `xm list` answered before asyncio is even imported.

A restarted daemon must list its guests within 0.1 s of its spawn (libvirtd: ~0.09 s), and
importing asyncio alone takes ~25 ms here (it imports ssl). So the API socket is bound
first and this thread answers ``GET /v1/domains`` on it from the domain records on disk
(hvmctl.daemon.listing, the row function the daemon itself uses), while the main thread
imports asyncio and the rest. Every other request is taken, not read (its head is only
peeked at), and handed to the asyncio early server (api/early.py) when that starts; the
thread stops then, before the daemon touches any record.

Nothing but the standard library's lightest modules and listing may be imported here.
"""

from __future__ import annotations

import json
import os
import select
import socket
import threading
from typing import TYPE_CHECKING, Any

from hvmctl.daemon import listing

if TYPE_CHECKING:
    from hvmctl.paths import Paths

LIST_REQUEST = b"GET /v1/domains HTTP/1."
PEEK_TIMEOUT = 1.0  # a client that sends nothing for this long is handed on, not waited for
MAX_HEAD = 64 * 1024


def response(status: int, reason: str, data: Any) -> bytes:
    """One JSON answer as the early server sends it (``Connection: close``)."""
    payload = json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode()
    return (f"HTTP/1.1 {status} {reason}\r\ncontent-type: application/json\r\n"
            f"content-length: {len(payload)}\r\nconnection: close\r\n\r\n").encode() + payload


class Prelude:
    """Answers lists from disk on ``sock`` in a thread until :meth:`stop`."""

    def __init__(self, sock: socket.socket, paths: "Paths", started_at: float) -> None:
        self.sock = sock
        self.paths = paths
        self.started_at = started_at
        self.held: list[socket.socket] = []  # taken, not answered: for the early server
        self.answered = 0
        self._wake_r, self._wake_w = os.pipe()
        self._thread = threading.Thread(target=self._run, name="hvmctl-prelude", daemon=True)

    def start(self) -> None:
        # never block in accept(): the early server accepts on the same socket at the handover
        self.sock.setblocking(False)
        self._thread.start()

    def stop(self) -> list[socket.socket]:
        """Stop accepting (after the connection in hand, if any); the held connections."""
        os.write(self._wake_w, b"x")
        self._thread.join()
        os.close(self._wake_r)
        os.close(self._wake_w)
        held, self.held = self.held, []
        return held

    def _run(self) -> None:
        poller = select.poll()
        poller.register(self.sock.fileno(), select.POLLIN)
        poller.register(self._wake_r, select.POLLIN)
        while True:
            ready = {fd for fd, _ in poller.poll()}
            if self._wake_r in ready:
                return
            try:
                conn, _ = self.sock.accept()
            except (BlockingIOError, InterruptedError):
                continue  # another accept (the early server's) took it
            except OSError:
                return
            self._serve(conn)

    def _serve(self, conn: socket.socket) -> None:
        try:
            conn.settimeout(PEEK_TIMEOUT)
            head = conn.recv(len(LIST_REQUEST), socket.MSG_PEEK | socket.MSG_WAITALL)
            if head != LIST_REQUEST:
                self.held.append(conn)
                return
            data = b""
            while b"\r\n\r\n" not in data and len(data) < MAX_HEAD:
                chunk = conn.recv(4096)
                if not chunk:
                    break
                data += chunk
            try:
                answer = response(200, "OK", listing.disk_list(self.paths, self.started_at))
            except Exception as exc:  # a bug: the one error shape, never a dead thread
                answer = response(500, "Internal Server Error",
                                  {"error": "internal", "message": f"internal error: {exc}"})
            conn.sendall(answer)
            self.answered += 1
            conn.close()
        except socket.timeout:
            self.held.append(conn)
        except OSError:
            conn.close()
