"""The daemon's server on the API's Unix socket, from the moment the socket is bound.

A restarted daemon must list its guests at once (libvirtd does in ~0.09 s), but the full
API takes a while to import. So the socket is bound first, and this server accepts on it
for the daemon's whole life (HTTP/1.1 by api/localhttp.py; uvicorn serves only the remote
HTTPS listener):

- ``GET /v1/domains`` is answered at once (and before this server starts, by the
  prelude thread of hvmctl.daemon.prelude, which hands over whatever else it took) from the
  domain records on disk, each QEMU checked against /proc (hvmctl.daemon.listing: the row
  function ``Domain.summary`` uses), before the daemon's own modules are even imported;
  once the daemon has re-attached its guests, it and ``GET /v1/host`` are answered by the
  daemon, by the same functions the full API uses (``api/reads.py``), until the full API
  has loaded;
- any other request waits until the full API has loaded and is then run through it as an
  ASGI call, so every route, check and error shape is the full API's own; from then on
  every request is.

On stop (:meth:`EarlyServer.close`) it accepts no more, closes idle connections, and gives
requests under way a bound to finish (uvicorn's ``timeout_graceful_shutdown``).
"""

from __future__ import annotations

import asyncio
import logging
import socket
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from hvmctl.api import reads
from hvmctl.api.localhttp import ASGIApp, HttpConnection
from hvmctl.daemon import listing
from hvmctl.errors import HvmctlError, one_line

if TYPE_CHECKING:
    from hvmctl.daemon.service import Daemon
    from hvmctl.paths import Paths

log = logging.getLogger("hvmctl.api")

MAX_BODY = 16 * 1024 * 1024  # the full API applies its own (smaller) limit once it runs the call
GRACE = 2.0  # seconds a stopping daemon gives the requests under way

FAST_READS: dict[str, Callable[["Daemon"], dict[str, Any]]] = {
    "/v1/domains": reads.domains,
    "/v1/host": reads.host,
}


class EarlyServer:
    """Serves the API socket (see the module docstring)."""

    def __init__(self, paths: "Paths", started_at: float) -> None:
        self.paths = paths
        self.started_at = started_at  # the daemon's spawn, for the host row's uptime
        #: the daemon, once it has re-attached its guests (until then: the records on disk)
        self.daemon: asyncio.Future["Daemon"] = asyncio.get_running_loop().create_future()
        self.app: asyncio.Future[ASGIApp] = asyncio.get_running_loop().create_future()
        self._server: asyncio.AbstractServer | None = None
        self._connections: dict[asyncio.Task[None], HttpConnection] = {}

    async def start(self, sock: socket.socket) -> None:
        """Accept on a duplicate of the bound socket (closing ours later leaves it open)."""
        dup = sock.dup()
        self._server = await asyncio.start_unix_server(self._handle, sock=dup)

    async def adopt(self, held: list[socket.socket]) -> None:
        """Serve the connections the prelude (daemon/prelude.py) took but did not answer."""
        for conn in held:
            conn.setblocking(False)
            reader, writer = await asyncio.open_unix_connection(sock=conn)
            asyncio.create_task(self._handle(reader, writer))

    def attach(self, daemon: "Daemon") -> None:
        """The daemon holds every guest now: the reads are its own from here on."""
        if not self.daemon.done():
            self.daemon.set_result(daemon)

    def take_over(self, app: ASGIApp) -> None:
        if not self.app.done():
            self.app.set_result(app)

    async def close(self, grace: float = GRACE) -> None:
        """Stop accepting; idle connections close now, requests under way get ``grace``
        seconds to be answered, then are cancelled."""
        if self._server is not None:
            self._server.close()
            self._server = None
        for task, conn in list(self._connections.items()):
            conn.closing = True
            if not conn.busy:
                task.cancel()
        tasks = set(self._connections)
        if tasks:
            _done, pending = await asyncio.wait(tasks, timeout=grace)
            for task in pending:
                task.cancel()
            if pending:
                await asyncio.wait(pending)

    async def _handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        task = asyncio.current_task()
        conn = HttpConnection(reader, writer, self._route)
        if task is not None:
            self._connections[task] = conn
        try:
            await conn.run()
        except Exception as exc:  # a bug: logged, the other connections go on
            log.error("API: unhandled error on a connection", exc_info=exc)
        finally:
            if task is not None:
                self._connections.pop(task, None)

    async def _route(self, method: str, path: str, query: str,
                     headers: list[tuple[bytes, bytes]]) -> "tuple[int, Any] | ASGIApp":
        """An answer of our own (a fast read, a body far too large), or the app to run."""
        for key, value in headers:
            if key == b"content-length" and (not value.strip().isdigit() or int(value) > MAX_BODY):
                return 413, {"error": "too-large", "message": f"request body over {MAX_BODY} bytes"}
        fast = FAST_READS.get(path) if method == "GET" and not query else None
        if fast is not None and not self.app.done():
            try:
                if path == "/v1/domains" and not self.daemon.done():
                    return 200, listing.disk_list(self.paths, self.started_at)
                return 200, fast(await self.daemon)
            except HvmctlError as exc:
                return exc.http_status, {"error": exc.kind, "message": one_line(exc.message)}
        return await self.app
