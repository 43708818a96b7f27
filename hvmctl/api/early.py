"""The daemon's first seconds: the API socket answers from the moment it is bound.

A restarted daemon must list its guests at once (libvirtd does in ~0.09 s), but the full
API (FastAPI + uvicorn) takes ~0.35 s to import. So the socket is bound first, and this
small HTTP/1.1 server accepts on it while the rest loads:

- ``GET /v1/domains`` is answered at once (and before this server starts, by the
  prelude thread of hvmctl.daemon.prelude, which hands over whatever else it took) from the domain records on disk, each QEMU
  checked against /proc (hvmctl.daemon.listing: the row function ``Domain.summary`` uses),
  before the daemon's own modules are even imported; once the daemon has re-attached its
  guests, it and ``GET /v1/host`` are answered by the daemon, by the same functions the full
  API uses (``api/reads.py``);
- any other request waits until the full API has loaded and is then run through it as an
  ASGI call, so every route, check and error shape is the full API's own;
- once uvicorn serves the socket, this server stops accepting (the listening socket is
  shared; a client never sees "connection refused").

One request per connection (``Connection: close``), as the CLI's client sends them.
"""

from __future__ import annotations

import asyncio
import logging
import socket
from collections.abc import Awaitable, Callable, MutableMapping
from typing import TYPE_CHECKING, Any
from urllib.parse import unquote

from hvmctl.api import reads
from hvmctl.daemon import listing, prelude
from hvmctl.errors import HvmctlError, one_line

if TYPE_CHECKING:
    from hvmctl.daemon.service import Daemon
    from hvmctl.paths import Paths

log = logging.getLogger("hvmctl.api")

ASGIApp = Callable[[MutableMapping[str, Any], Callable[[], Awaitable[Any]], Callable[[Any], Awaitable[None]]],
                   Awaitable[None]]

MAX_HEAD = 64 * 1024
MAX_BODY = 16 * 1024 * 1024  # the full API applies its own (smaller) limit once it runs the call
REASONS = {200: "OK", 400: "Bad Request", 404: "Not Found", 413: "Payload Too Large", 500: "Internal Server Error"}

FAST_READS: dict[str, Callable[["Daemon"], dict[str, Any]]] = {
    "/v1/domains": reads.domains,
    "/v1/host": reads.host,
}


class EarlyServer:
    """Serves the API socket until the full API takes over (see the module docstring)."""

    def __init__(self, paths: "Paths", started_at: float) -> None:
        self.paths = paths
        self.started_at = started_at  # the daemon's spawn, for the host row's uptime
        #: the daemon, once it has re-attached its guests (until then: the records on disk)
        self.daemon: asyncio.Future["Daemon"] = asyncio.get_running_loop().create_future()
        self.app: asyncio.Future[ASGIApp] = asyncio.get_running_loop().create_future()
        self._server: asyncio.AbstractServer | None = None
        self._handlers: set[asyncio.Task[None]] = set()

    async def start(self, sock: socket.socket) -> None:
        """Accept on a duplicate of the bound socket (closing ours later leaves it open)."""
        dup = sock.dup()
        self._server = await asyncio.start_unix_server(self._handle, sock=dup)

    async def adopt(self, held: list[socket.socket]) -> None:
        """Serve the connections the prelude (daemon/prelude.py) took but did not answer."""
        for conn in held:
            conn.setblocking(False)
            reader, writer = await asyncio.open_unix_connection(sock=conn)
            self._handlers.add(asyncio.create_task(self._handle(reader, writer)))

    def attach(self, daemon: "Daemon") -> None:
        """The daemon holds every guest now: the reads are its own from here on."""
        if not self.daemon.done():
            self.daemon.set_result(daemon)

    def take_over(self, app: ASGIApp) -> None:
        if not self.app.done():
            self.app.set_result(app)

    async def close(self) -> None:
        """Stop accepting; requests already taken are answered first."""
        if self._server is not None:
            self._server.close()
            self._server = None
        if self._handlers:
            await asyncio.gather(*self._handlers, return_exceptions=True)

    async def _handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        task = asyncio.current_task()
        if task is not None:
            self._handlers.add(task)
        try:
            await self._serve_one(reader, writer)
        except (ConnectionError, asyncio.IncompleteReadError, asyncio.LimitOverrunError):
            pass
        except Exception as exc:  # a bug: keep the wire shape, log the traceback
            log.error("early API: unhandled error", exc_info=exc)
            await _send(writer, 500, {"error": "internal", "message": one_line(f"internal error: {exc}")})
        finally:
            writer.close()
            if task is not None:
                self._handlers.discard(task)

    async def _serve_one(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        head = await reader.readuntil(b"\r\n\r\n")
        if len(head) > MAX_HEAD:
            await _send(writer, 400, {"error": "invalid-request", "message": "request head too large"})
            return
        lines = head.decode("latin-1").split("\r\n")
        try:
            method, target, _version = lines[0].split(" ", 2)
        except ValueError:
            await _send(writer, 400, {"error": "invalid-request", "message": "malformed request line"})
            return
        headers = []
        length = 0
        for line in lines[1:]:
            if not line:
                continue
            key, _, value = line.partition(":")
            key, value = key.strip().lower(), value.strip()
            headers.append((key.encode("latin-1"), value.encode("latin-1")))
            if key == "content-length":
                length = int(value) if value.isdigit() else -1
        if length < 0 or length > MAX_BODY:
            await _send(writer, 413, {"error": "too-large", "message": f"request body over {MAX_BODY} bytes"})
            return
        body = await reader.readexactly(length) if length else b""
        path, _, query = target.partition("?")
        fast = FAST_READS.get(path) if method == "GET" and not query else None
        if fast is not None and not self.app.done():
            try:
                if path == "/v1/domains" and not self.daemon.done():
                    answer = listing.disk_list(self.paths, self.started_at)
                else:
                    answer = fast(await self.daemon)
            except HvmctlError as exc:
                await _send(writer, exc.http_status, {"error": exc.kind, "message": one_line(exc.message)})
                return
            await _send(writer, 200, answer)
            return
        app = await self.app
        await _run_asgi(app, method, path, query, headers, body, writer)


async def _send(writer: asyncio.StreamWriter, status: int, data: Any) -> None:
    writer.write(prelude.response(status, REASONS.get(status, "Error"), data))
    await writer.drain()


async def _run_asgi(app: ASGIApp, method: str, path: str, query: str, headers: list[tuple[bytes, bytes]],
                    body: bytes, writer: asyncio.StreamWriter) -> None:
    """One request through the full API: buffered in, streamed out (chunked when the app
    gives no length, as for export's progress lines)."""
    scope: dict[str, Any] = {
        "type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1", "method": method,
        "scheme": "http", "path": unquote(path), "raw_path": path.encode("latin-1"),
        "query_string": query.encode("latin-1"), "root_path": "", "headers": headers,
        "client": None, "server": None,
    }
    delivered = False
    done = asyncio.Event()
    chunked = False

    async def receive() -> dict[str, Any]:
        nonlocal delivered
        if not delivered:
            delivered = True
            return {"type": "http.request", "body": body, "more_body": False}
        await done.wait()
        return {"type": "http.disconnect"}

    async def send(message: dict[str, Any]) -> None:
        nonlocal chunked
        if message["type"] == "http.response.start":
            status = int(message["status"])
            out = [f"HTTP/1.1 {status} {REASONS.get(status, 'Status')}"]
            names = set()
            for key, value in message.get("headers", []):
                name = key.decode("latin-1").lower()
                names.add(name)
                out.append(f"{name}: {value.decode('latin-1')}")
            if "content-length" not in names:
                chunked = True
                out.append("transfer-encoding: chunked")
            out.append("connection: close")
            writer.write(("\r\n".join(out) + "\r\n\r\n").encode("latin-1"))
        elif message["type"] == "http.response.body":
            data = message.get("body", b"")
            if chunked:
                if data:
                    writer.write(f"{len(data):x}\r\n".encode() + data + b"\r\n")
                if not message.get("more_body"):
                    writer.write(b"0\r\n\r\n")
            else:
                writer.write(data)
            await writer.drain()

    try:
        await app(scope, receive, send)
    finally:
        done.set()
