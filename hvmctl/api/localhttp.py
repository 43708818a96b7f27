"""HTTP/1.1 on the API's Unix socket: one connection, its requests run as ASGI calls.

The daemon's own server for the local socket (uvicorn serves only the remote HTTPS
listener): h11 parses and frames, this module moves bytes and messages between it and the
app. What a server owes the app, and what this one does:

- request bodies reach ``receive()`` as they arrive (the body limit, api/bodylimit.py,
  refuses a declared large one before a byte of it is read);
- every ``send()`` is written out at once (chunked when the app gives no length), so a
  stream (export progress, the serial console) flows line by line;
- a client that goes away: ``receive()`` returns ``http.disconnect``, later writes are
  dropped, and a response already under way (a stream) is cancelled — nothing runs on for a
  reader that is gone;
- keep-alive (h11 cycles); one request per connection (the CLI's client) works as well;
- no WebSocket here: an upgrade is answered 400 in one line (the web console is on the
  remote listener, api/listen.py).
"""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any
from urllib.parse import unquote

import h11

from hvmctl.errors import one_line

log = logging.getLogger("hvmctl.api")

ASGIApp = Callable[[MutableMapping[str, Any], Callable[[], Awaitable[Any]], Callable[[Any], Awaitable[None]]],
                   Awaitable[None]]
#: what to do with a request: answer it at once (status, JSON data), or run it through an app
Route = Callable[[str, str, str, list[tuple[bytes, bytes]]], Awaitable["tuple[int, Any] | ASGIApp"]]

MAX_HEAD = 64 * 1024
READ_SIZE = 64 * 1024
KEEPALIVE_TIMEOUT = 30.0  # an idle kept-alive connection is closed after this
REASONS = {100: b"Continue", 200: b"OK", 201: b"Created", 202: b"Accepted", 204: b"No Content",
           400: b"Bad Request", 401: b"Unauthorized", 403: b"Forbidden", 404: b"Not Found",
           405: b"Method Not Allowed", 409: b"Conflict", 413: b"Payload Too Large", 422: b"Unprocessable Entity",
           500: b"Internal Server Error", 503: b"Service Unavailable"}
WEBSOCKET_REFUSED = "WebSocket is served on the remote listener (HVMCTL_LISTEN), not on the Unix socket"


class _Gone(Exception):
    """The client closed the connection (or it broke)."""


class HttpConnection:
    """Serves one accepted connection until it closes (:meth:`run`)."""

    def __init__(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter, route: Route) -> None:
        self.reader = reader
        self.writer = writer
        self.route = route
        self.h11 = h11.Connection(h11.SERVER, max_incomplete_event_size=MAX_HEAD)
        self.busy = False  # a request is being answered (an idle one may be closed at once)
        self.closing = False  # the server stops: answer the request in hand, then close
        self.gone = asyncio.Event()

    async def run(self) -> None:
        try:
            while not self.closing:
                try:
                    event = await self._next_event(idle=True)
                except h11.RemoteProtocolError as exc:
                    await self._refuse_malformed(exc)
                    return
                if not isinstance(event, h11.Request):
                    return  # ConnectionClosed, or a client that sent nothing
                self.busy = True
                await self._cycle(event)
                self.busy = False
                if self.gone.is_set() or self.h11.our_state is not h11.DONE or self.h11.their_state is not h11.DONE:
                    return  # closing framing, or a body the app left unread
                self.h11.start_next_cycle()
        except (_Gone, ConnectionError, h11.LocalProtocolError):
            pass
        finally:
            self.writer.close()

    # -- reading -------------------------------------------------------------------------

    async def _next_event(self, idle: bool = False) -> Any:
        while True:
            event = self.h11.next_event()
            if event is not h11.NEED_DATA:
                return event
            if self.gone.is_set():
                raise _Gone()
            try:
                if idle:
                    data = await asyncio.wait_for(self.reader.read(READ_SIZE), KEEPALIVE_TIMEOUT)
                else:
                    data = await self.reader.read(READ_SIZE)
            except asyncio.TimeoutError:
                raise _Gone() from None
            except OSError:
                data = b""
            if not data:
                self.gone.set()
            self.h11.receive_data(data)

    async def _watch(self) -> None:
        """Once the request is read: notice the client going away (EOF) while it is answered;
        bytes of a next request are kept in h11's buffer."""
        while not self.gone.is_set():
            try:
                data = await self.reader.read(READ_SIZE)
            except OSError:
                data = b""
            if not data:
                self.gone.set()
                return
            self.h11.receive_data(data)

    # -- one request -----------------------------------------------------------------------

    async def _cycle(self, request: h11.Request) -> None:
        method = request.method.decode("latin-1")
        target = request.target.decode("latin-1")
        path, _, query = target.partition("?")
        headers = [(k.lower(), v) for k, v in request.headers]
        if any(k == b"upgrade" and v.lower() == b"websocket" for k, v in headers):
            self.closing = True
            await self._answer(400, {"error": "invalid-request", "message": WEBSOCKET_REFUSED})
            return
        try:
            how = await self.route(method, path, query, headers)
        except Exception as exc:  # a bug: the one error shape, the traceback in the log
            log.error("API: unhandled error in %s %s", method, path, exc_info=exc)
            self.closing = True
            await self._answer(500, {"error": "internal", "message": one_line(f"internal error: {exc}")})
            return
        if isinstance(how, tuple):
            await self._answer(*how)
            return
        await self._run_app(how, request, method, path, query, headers)

    async def _answer(self, status: int, data: Any) -> None:
        payload = json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode()
        headers = [(b"content-type", b"application/json"), (b"content-length", str(len(payload)).encode())]
        if self.closing:
            headers.append((b"connection", b"close"))
        out = self.h11.send(h11.Response(status_code=status, headers=headers, reason=REASONS.get(status, b"")))
        out = (out or b"") + (self.h11.send(h11.Data(data=payload)) or b"") + (self.h11.send(h11.EndOfMessage()) or b"")
        await self._write(out)

    async def _refuse_malformed(self, exc: h11.RemoteProtocolError) -> None:
        if self.h11.our_state not in (h11.IDLE, h11.SEND_RESPONSE):
            return
        message = "request head too large" if exc.error_status_hint == 431 else f"malformed request: {exc}"
        self.closing = True
        try:
            await self._answer(400, {"error": "invalid-request", "message": one_line(message)})
        except (h11.LocalProtocolError, _Gone, ConnectionError):
            pass

    async def _write(self, data: bytes) -> None:
        try:
            self.writer.write(data)
            await self.writer.drain()
        except OSError as exc:
            self.gone.set()
            raise _Gone() from exc

    async def _run_app(self, app: ASGIApp, request: h11.Request, method: str, path: str, query: str,
                       headers: list[tuple[bytes, bytes]]) -> None:
        scope: dict[str, Any] = {
            "type": "http", "asgi": {"version": "3.0"}, "http_version": request.http_version.decode("latin-1"),
            "method": method, "scheme": "http", "path": unquote(path), "raw_path": path.encode("latin-1"),
            "query_string": query.encode("latin-1"), "root_path": "", "headers": headers,
            "client": None, "server": None,
        }
        head_only = method == "HEAD"
        body_read = False
        started = False
        finished = False
        pending_head = b""
        watcher: asyncio.Task[None] | None = None

        def arrived(event: Any) -> dict[str, Any] | None:
            """The body bytes h11 holds already, from ``event`` on, as one message (None:
            nothing yet); once the body is complete, the watch for a disconnect starts."""
            nonlocal body_read, watcher
            body = b""
            while isinstance(event, h11.Data):
                body += bytes(event.data)
                event = self.h11.next_event()
            if isinstance(event, h11.EndOfMessage):
                body_read = True
                watcher = asyncio.create_task(self._watch())
                return {"type": "http.request", "body": body, "more_body": False}
            if event is h11.NEED_DATA:
                return {"type": "http.request", "body": body, "more_body": True} if body else None
            self.gone.set()  # ConnectionClosed mid-body
            return None

        # a body sent with the head (the CLI's, an empty one) is there already: so the watch
        # starts before the app runs, whether or not it ever calls receive()
        try:
            ready = arrived(self.h11.next_event())
        except h11.RemoteProtocolError:
            ready = None
            self.gone.set()

        async def receive() -> dict[str, Any]:
            nonlocal ready
            if ready is not None:
                first, ready = ready, None
                return first
            while not body_read and not self.gone.is_set():
                if self.h11.they_are_waiting_for_100_continue:
                    await self._write(self.h11.send(h11.InformationalResponse(status_code=100, headers=[],
                                                                              reason=b"Continue")) or b"")
                try:
                    message = arrived(await self._next_event())
                except (_Gone, h11.RemoteProtocolError):
                    self.gone.set()
                    break
                if message is not None:
                    return message
            await self.gone.wait()
            return {"type": "http.disconnect"}

        async def send(message: MutableMapping[str, Any]) -> None:
            nonlocal started, finished, pending_head
            if self.gone.is_set() or finished:
                return  # the reader is gone (or the answer is complete): nothing more is written
            if message["type"] == "http.response.start":
                if started:
                    raise RuntimeError("ASGI: http.response.start sent twice")
                started = True
                out_headers = [(k, v) for k, v in message.get("headers", [])]
                if self.closing:
                    out_headers.append((b"connection", b"close"))
                status = int(message["status"])
                pending_head = self.h11.send(h11.Response(status_code=status, headers=out_headers,
                                                          reason=REASONS.get(status, b""))) or b""
                if not any(k.lower() == b"content-length" for k, _ in out_headers):
                    # a stream: its head goes now (a console's first byte may wait for the
                    # client, which waits for the head); with a length the body follows at once
                    out, pending_head = pending_head, b""
                    try:
                        await self._write(out)
                    except _Gone:
                        return
            elif message["type"] == "http.response.body":
                if not started:
                    raise RuntimeError("ASGI: http.response.body before http.response.start")
                data = bytes(message.get("body", b""))
                out, pending_head = pending_head, b""
                if data and not head_only:
                    out += self.h11.send(h11.Data(data=data)) or b""
                if not message.get("more_body", False):
                    finished = True
                    out += self.h11.send(h11.EndOfMessage()) or b""
                if out:
                    try:
                        await self._write(out)
                    except _Gone:
                        return  # the loop in _run_app ends the response

        task = asyncio.ensure_future(app(scope, receive, send))
        gone = asyncio.ensure_future(self.gone.wait())
        try:
            while not task.done():
                await asyncio.wait({task, gone}, return_when=asyncio.FIRST_COMPLETED)
                if gone.done() and not task.done():
                    if started and not finished:
                        task.cancel()  # a stream for a reader that is gone
                    await asyncio.wait({task})  # else: the action finishes; its answer is dropped
            if task.cancelled():
                return
            exc = task.exception()
            if exc is not None and not isinstance(exc, _Gone):
                log.error("API: unhandled error in %s %s", method, path, exc_info=exc)
                if not started and not self.gone.is_set():
                    self.closing = True
                    await self._answer(500, {"error": "internal", "message": one_line(f"internal error: {exc}")})
                else:
                    self.gone.set()  # a half-sent answer: the connection cannot be reused
            elif not finished:
                self.gone.set()  # the app ended without completing its answer
        finally:
            gone.cancel()
            if not task.done():
                task.cancel()  # the server stops: the connection's task was cancelled
            if watcher is not None:
                watcher.cancel()
