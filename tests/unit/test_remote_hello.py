"""The remote endpoint reads an unauthenticated peer's first message with a small bound and
checks the token before anything else. Served over plain TCP here: TLS sits below
``_serve`` and does not change what is read."""

from __future__ import annotations

import asyncio
import json
import struct
import time
from types import SimpleNamespace
from typing import Any, Awaitable, Callable

from hvmctl.api.remote import HELLO_MAX, RemoteEndpoint

TOKEN = "t" * 43


def _frame(data: dict[str, Any]) -> bytes:
    body = json.dumps(data).encode()
    return struct.pack(">I", len(body)) + body


async def _with_endpoint(client: Callable[[str, int], Awaitable[None]]) -> None:
    endpoint = RemoteEndpoint(SimpleNamespace())  # type: ignore[arg-type]  # no operation reached
    endpoint.token = TOKEN
    server = await asyncio.start_server(lambda r, w: endpoint._serve(r, w, need_token=True), "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    try:
        await client("127.0.0.1", port)
    finally:
        server.close()
        await server.wait_closed()


async def _reply(reader: asyncio.StreamReader) -> dict[str, Any]:
    (size,) = struct.unpack(">I", await asyncio.wait_for(reader.readexactly(4), 5.0))
    data: dict[str, Any] = json.loads(await asyncio.wait_for(reader.readexactly(size), 5.0))
    return data


def test_huge_unauthenticated_hello_is_cut_off_on_its_header() -> None:
    async def client(host: str, port: int) -> None:
        reader, writer = await asyncio.open_connection(host, port)
        # announce a 15 MiB hello (under the protocol's 16 MiB message limit) and send
        # only its first bytes: the old reader waited 10 s for the rest, then held it all
        writer.write(struct.pack(">I", 15 << 20) + b'{"op": "hello", "args": {"token": "')
        await writer.drain()
        start = time.monotonic()
        reply = await _reply(reader)
        assert time.monotonic() - start < 2.0
        assert reply == {"error": "auth", "message": "a valid token is required"}
        assert await asyncio.wait_for(reader.read(), 5.0) == b""  # and disconnected
        writer.close()

    asyncio.run(_with_endpoint(client))


def test_hello_just_over_the_bound_is_refused_even_with_the_token() -> None:
    async def client(host: str, port: int) -> None:
        reader, writer = await asyncio.open_connection(host, port)
        hello = {"op": "hello", "args": {"token": TOKEN, "pad": "x" * HELLO_MAX}}
        writer.write(_frame(hello))
        await writer.drain()
        assert (await _reply(reader))["error"] == "auth"
        writer.close()

    asyncio.run(_with_endpoint(client))


def test_wrong_token_is_refused_and_a_right_one_gets_through() -> None:
    async def client(host: str, port: int) -> None:
        reader, writer = await asyncio.open_connection(host, port)
        writer.write(_frame({"op": "hello", "args": {"token": "wrong"}}))
        await writer.drain()
        assert (await _reply(reader))["error"] == "auth"
        writer.close()

        reader, writer = await asyncio.open_connection(host, port)
        writer.write(_frame({"op": "hello", "args": {"token": TOKEN}}))
        writer.write(_frame({"op": "ping", "args": {}}))
        await writer.drain()
        assert "ok" in await _reply(reader)
        assert await _reply(reader) == {"ok": {}}
        writer.close()

    asyncio.run(_with_endpoint(client))


def test_hello_that_is_not_an_object_is_refused() -> None:
    async def client(host: str, port: int) -> None:
        reader, writer = await asyncio.open_connection(host, port)
        body = b'["hello"]'
        writer.write(struct.pack(">I", len(body)) + body)
        await writer.drain()
        assert (await _reply(reader))["error"] == "auth"
        writer.close()

    asyncio.run(_with_endpoint(client))
