"""The Unix socket's HTTP/1.1 server (api/localhttp.py through api/early.py): keep-alive,
bodies streamed in, answers flushed per message, a client that goes away ends its request
(no task left running), WebSocket refused, a bounded graceful stop."""

from __future__ import annotations

import asyncio
import json
import os
import tempfile
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from typing import Any

import h11

from hvmctl.api.bodylimit import BodyLimit
from hvmctl.api.early import EarlyServer
from hvmctl.paths import Paths
from tests.unit.unixsock import listening

App = Callable[[Any, Any, Any], Awaitable[None]]


@asynccontextmanager
async def serving(app: App) -> AsyncIterator[tuple[EarlyServer, str]]:
    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, "api.sock")
        sock = listening(path)
        server = EarlyServer(Paths.from_env(), time.time())
        await server.start(sock)
        server.take_over(app)
        try:
            yield server, path
        finally:
            await server.close(grace=0.5)
            sock.close()


class Client:
    """A client speaking h11 over the Unix socket, one event at a time."""

    def __init__(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.reader, self.writer = reader, writer
        self.h11 = h11.Connection(h11.CLIENT)

    @classmethod
    async def open(cls, path: str) -> "Client":
        return cls(*await asyncio.open_unix_connection(path))

    async def send(self, *events: Any) -> None:
        for event in events:
            self.writer.write(self.h11.send(event) or b"")
        await self.writer.drain()

    async def event(self) -> Any:
        while True:
            event = self.h11.next_event()
            if event is not h11.NEED_DATA:
                return event
            self.h11.receive_data(await asyncio.wait_for(self.reader.read(65536), 5))

    async def answer(self) -> tuple[int, dict[bytes, bytes], bytes]:
        head = await self.event()
        assert isinstance(head, h11.Response), head
        body = b""
        while not isinstance(event := await self.event(), h11.EndOfMessage):
            body += bytes(event.data)
        return head.status_code, dict(head.headers), body

    async def get(self, target: str, *more: tuple[str, str]) -> tuple[int, dict[bytes, bytes], bytes]:
        await self.send(h11.Request(method="GET", target=target, headers=[("host", "x"), *more]), h11.EndOfMessage())
        return await self.answer()

    def close(self) -> None:
        self.writer.close()


async def echo_path(scope: Any, receive: Any, send: Any) -> None:
    await receive()
    body = json.dumps({"path": scope["path"]}).encode()
    await send({"type": "http.response.start", "status": 200,
                "headers": [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())]})
    await send({"type": "http.response.body", "body": body})


def test_keep_alive_then_connection_close() -> None:
    async def run() -> None:
        async with serving(echo_path) as (_, path):
            client = await Client.open(path)
            for name in ("one", "two"):
                status, _, body = await client.get(f"/v1/{name}")
                assert status == 200 and json.loads(body) == {"path": f"/v1/{name}"}
                client.h11.start_next_cycle()
            status, headers, _ = await client.get("/v1/three", ("connection", "close"))
            assert status == 200 and headers[b"connection"] == b"close"
            assert await asyncio.wait_for(client.reader.read(), 5) == b""  # the server closed it
            client.close()

    asyncio.run(run())


def test_a_body_reaches_the_app_as_it_arrives_and_a_large_one_is_refused_unread() -> None:
    chunks: list[bytes] = []
    first = asyncio.Event

    async def run() -> None:
        got_first = first()

        async def reader_app(scope: Any, receive: Any, send: Any) -> None:
            while True:
                message = await receive()
                chunks.append(message["body"])
                got_first.set()
                if not message.get("more_body"):
                    break
            await echo_path(scope, _nothing, send)

        async with serving(BodyLimit(reader_app, limit=100)) as (_, path):
            client = await Client.open(path)
            await client.send(h11.Request(method="POST", target="/v1/x", headers=[("host", "x"),
                                                                                   ("content-length", "10")]),
                              h11.Data(data=b"12345"))
            await asyncio.wait_for(got_first.wait(), 5)  # before the rest of the body is sent
            assert chunks == [b"12345"]
            await client.send(h11.Data(data=b"67890"), h11.EndOfMessage())
            status, _, _ = await client.answer()
            assert status == 200 and b"".join(chunks) == b"1234567890"
            client.close()
            # a declared length over the limit: 413 from the head alone (no body sent at all)
            client = await Client.open(path)
            await client.send(h11.Request(method="POST", target="/v1/x", headers=[("host", "x"),
                                                                                   ("content-length", "1000")]))
            status, _, body = await client.answer()
            assert status == 413 and json.loads(body)["error"] == "too-large"
            client.close()
            # chunked, no length: cut off at the limit
            client = await Client.open(path)
            await client.send(h11.Request(method="POST", target="/v1/x", headers=[("host", "x"),
                                                                                   ("transfer-encoding", "chunked")]),
                              *[h11.Data(data=b"x" * 40)] * 3)
            status, _, body = await client.answer()
            assert status == 413 and json.loads(body)["error"] == "too-large"
            client.close()

    asyncio.run(run())


async def _nothing() -> dict[str, Any]:
    return {"type": "http.request", "body": b"", "more_body": False}


def test_a_stream_flows_per_message_and_ends_when_its_reader_goes_away() -> None:
    state: dict[str, Any] = {"sent": 0, "ended": None}

    async def run() -> None:
        may_go_on = asyncio.Event()
        may_send_first = asyncio.Event()

        async def stream_app(scope: Any, receive: Any, send: Any) -> None:
            # never calls receive(): the server notices the reader going away on its own
            await send({"type": "http.response.start", "status": 200, "headers": []})
            try:
                await may_send_first.wait()  # a console: nothing until the client has typed
                await send({"type": "http.response.body", "body": b"line 1\n", "more_body": True})
                state["sent"] = 1
                await may_go_on.wait()
                while True:  # a serial console: writes until its reader is gone
                    await send({"type": "http.response.body", "body": b"more\n", "more_body": True})
                    state["sent"] += 1
                    await asyncio.sleep(0.01)
            finally:
                state["ended"] = asyncio.current_task()

        async with serving(stream_app) as (server, path):
            client = await Client.open(path)
            await client.send(h11.Request(method="GET", target="/v1/s", headers=[("host", "x")]), h11.EndOfMessage())
            head = await client.event()  # the head alone, before any of the stream's bytes
            assert head.status_code == 200 and dict(head.headers)[b"transfer-encoding"] == b"chunked"
            assert state["sent"] == 0
            may_send_first.set()
            data = await client.event()
            assert bytes(data.data) == b"line 1\n"  # flushed while the app still holds the stream
            may_go_on.set()
            await asyncio.sleep(0.05)
            client.close()
            deadline = time.monotonic() + 5
            while (state["ended"] is None or server._connections) and time.monotonic() < deadline:
                await asyncio.sleep(0.01)
            assert state["ended"] is not None and state["ended"].cancelling()  # cancelled, not left running
            assert not server._connections  # the connection's task ended too
            sent = state["sent"]
            await asyncio.sleep(0.1)
            assert state["sent"] == sent  # nothing runs on for the reader that is gone

    asyncio.run(run())


def test_a_long_action_sees_the_disconnect_finishes_and_leaves_no_task() -> None:
    """`xm shutdown -w` interrupted: the action is not cut off half-way (its answer is just
    dropped), receive() says the client is gone, and the connection's task ends."""
    seen: list[str] = []

    async def run() -> None:
        async def waiting_app(scope: Any, receive: Any, send: Any) -> None:
            await receive()
            seen.append((await asyncio.wait_for(receive(), 5))["type"])
            await echo_path(scope, _nothing, send)
            seen.append("answered")

        async with serving(waiting_app) as (server, path):
            client = await Client.open(path)
            await client.send(h11.Request(method="POST", target="/v1/d/shutdown",
                                          headers=[("host", "x"), ("content-length", "2")]),
                              h11.Data(data=b"{}"), h11.EndOfMessage())
            await asyncio.sleep(0.05)
            client.close()
            deadline = time.monotonic() + 5
            while (len(seen) < 2 or server._connections) and time.monotonic() < deadline:
                await asyncio.sleep(0.01)
            assert seen == ["http.disconnect", "answered"] and not server._connections

    asyncio.run(run())


def test_websocket_is_refused_in_one_line() -> None:
    async def run() -> None:
        async with serving(echo_path) as (_, path):
            client = await Client.open(path)
            status, _, body = await client.get("/ui/console/x/ws", ("connection", "upgrade"), ("upgrade", "websocket"),
                                               ("sec-websocket-version", "13"), ("sec-websocket-key", "a" * 22 + "=="))
            answer = json.loads(body)
            assert status == 400 and answer["error"] == "invalid-request" and "\n" not in answer["message"]
            assert "remote listener" in answer["message"]
            client.close()

    asyncio.run(run())


def test_stop_closes_idle_connections_lets_short_requests_finish_and_cancels_long_ones() -> None:
    async def run() -> None:
        async def slow_app(scope: Any, receive: Any, send: Any) -> None:
            await receive()
            await asyncio.sleep(0.2 if scope["path"] == "/short" else 30)
            await echo_path(scope, _nothing, send)

        with tempfile.TemporaryDirectory() as tmp:
            path = os.path.join(tmp, "api.sock")
            sock = listening(path)
            server = EarlyServer(Paths.from_env(), time.time())
            await server.start(sock)
            server.take_over(slow_app)
            idle = await Client.open(path)
            short, long = await Client.open(path), await Client.open(path)
            for client, target in ((short, "/short"), (long, "/long")):
                await client.send(h11.Request(method="GET", target=target, headers=[("host", "x")]),
                                  h11.EndOfMessage())
            await asyncio.sleep(0.05)
            began = time.monotonic()
            closing = asyncio.create_task(server.close(grace=0.6))
            assert await asyncio.wait_for(idle.reader.read(), 5) == b""  # closed at once
            status, headers, body = await short.answer()
            assert status == 200 and headers[b"connection"] == b"close"
            await closing
            assert 0.5 < time.monotonic() - began < 3
            assert await asyncio.wait_for(long.reader.read(), 5) == b""  # cut off at the bound
            assert not server._connections
            for client in (idle, short, long):
                client.close()
            sock.close()

    asyncio.run(run())


def test_a_failing_fast_read_is_a_500_in_the_one_error_shape(monkeypatch: Any) -> None:
    from hvmctl.api import early

    def broken(_paths: Any, _started: float) -> Any:
        raise RuntimeError("disk on fire")

    monkeypatch.setattr(early.listing, "disk_list", broken)

    async def run() -> None:
        with tempfile.TemporaryDirectory() as tmp:
            path = os.path.join(tmp, "api.sock")
            sock = listening(path, 4)
            server = EarlyServer(Paths.from_env(), time.time())
            await server.start(sock)
            client = await Client.open(path)
            status, _, body = await client.get("/v1/domains")
            assert status == 500 and json.loads(body) == {"error": "internal",
                                                          "message": "internal error: disk on fire"}
            client.close()
            await server.close()
            sock.close()

    asyncio.run(run())
