"""The request and responses the action handlers see (``api/web.py`` runs them): a thin
view of an ASGI request, and the answers a handler may return instead of a dict or list.

The constructors take the arguments starlette's do (content, status_code, headers,
media_type), so a handler reads as it did under FastAPI; none of starlette is loaded.
"""

from __future__ import annotations

import asyncio
import enum
import ipaddress
from collections.abc import AsyncIterable, AsyncIterator, Awaitable, Callable, Mapping, MutableMapping
from pathlib import PurePath
from typing import Any

import msgspec

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]


def _enc_hook(obj: Any) -> Any:
    """What handlers put in their answers beyond JSON's types (msgspec does dataclasses,
    enums and datetimes itself)."""
    if isinstance(obj, (PurePath, ipaddress.IPv4Address, ipaddress.IPv6Address)):
        return str(obj)
    if isinstance(obj, enum.Enum):
        return obj.value
    if isinstance(obj, (set, frozenset)):
        return sorted(obj)
    raise TypeError(f"cannot send a {type(obj).__name__} as JSON")


_ENCODER = msgspec.json.Encoder(enc_hook=_enc_hook)


def encode_json(content: Any) -> bytes:
    return _ENCODER.encode(content)


class Request:
    """One HTTP request: its scope, headers (lower-case names), client, query parameters
    and body (read once, kept)."""

    def __init__(self, scope: Scope, receive: Receive) -> None:
        self.scope = scope
        self._receive = receive
        self._body: bytes | None = None
        self.headers: dict[str, str] = {}
        for key, value in scope.get("headers") or ():
            name = key.decode("latin-1").lower()
            text = value.decode("latin-1")
            self.headers[name] = f"{self.headers[name]}, {text}" if name in self.headers else text

    @property
    def method(self) -> str:
        return str(self.scope.get("method", "GET")).upper()

    @property
    def client(self) -> tuple[str, int] | None:
        client = self.scope.get("client")
        return (str(client[0]), int(client[1])) if client else None

    @property
    def query_params(self) -> dict[str, str]:
        from urllib.parse import parse_qsl

        raw = self.scope.get("query_string", b"")
        return dict(parse_qsl(raw.decode("latin-1"), keep_blank_values=True))

    async def stream(self) -> AsyncIterator[bytes]:
        if self._body is not None:
            yield self._body
            return
        while True:
            message = await self._receive()
            if message["type"] == "http.disconnect":
                return
            chunk = message.get("body", b"")
            if chunk:
                yield chunk
            if not message.get("more_body"):
                return

    async def body(self) -> bytes:
        if self._body is None:
            self._body = b"".join([chunk async for chunk in self.stream()])
        return self._body


class Response:
    """A whole answer in one body, with its length."""

    media_type: str | None = None

    def __init__(self, content: Any = None, status_code: int = 200, headers: Mapping[str, str] | None = None,
                 media_type: str | None = None) -> None:
        self.status_code = status_code
        if media_type is not None:
            self.media_type = media_type
        self.body = self.render(content)
        self.headers = dict(headers or {})

    def render(self, content: Any) -> bytes:
        if content is None:
            return b""
        return content if isinstance(content, bytes) else str(content).encode()

    def _head(self, length: int | None) -> list[tuple[bytes, bytes]]:
        raw = [(k.lower().encode("latin-1"), v.encode("latin-1")) for k, v in self.headers.items()]
        names = {k for k, _ in raw}
        if length is not None and b"content-length" not in names:
            raw.append((b"content-length", str(length).encode()))
        if self.media_type is not None and b"content-type" not in names:
            kind = self.media_type
            if kind.startswith("text/") and "charset" not in kind:
                kind += "; charset=utf-8"
            raw.append((b"content-type", kind.encode("latin-1")))
        return raw

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        await send({"type": "http.response.start", "status": self.status_code, "headers": self._head(len(self.body))})
        await send({"type": "http.response.body", "body": b"" if scope.get("method") == "HEAD" else self.body})


class PlainTextResponse(Response):
    media_type = "text/plain"


class JSONResponse(Response):
    media_type = "application/json"

    def render(self, content: Any) -> bytes:
        return encode_json(content)


class StreamingResponse(Response):
    """An answer that comes as it is made (progress lines, a console), with no length. It
    stops when the caller goes away: the iterator is cancelled, so its ``finally`` runs."""

    def __init__(self, content: AsyncIterable[bytes | str], status_code: int = 200,
                 headers: Mapping[str, str] | None = None, media_type: str | None = None) -> None:
        super().__init__(None, status_code, headers, media_type)
        self.body_iterator = content

    async def _pump(self, send: Send) -> None:
        async for chunk in self.body_iterator:
            data = chunk if isinstance(chunk, bytes) else chunk.encode()
            await send({"type": "http.response.body", "body": data, "more_body": True})
        await send({"type": "http.response.body", "body": b"", "more_body": False})

    @staticmethod
    async def _gone(receive: Receive) -> None:
        while (await receive())["type"] != "http.disconnect":
            pass

    async def _close(self) -> None:
        close = getattr(self.body_iterator, "aclose", None)
        if close is not None:
            await close()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        await send({"type": "http.response.start", "status": self.status_code, "headers": self._head(None)})
        if scope.get("method") == "HEAD":
            await self._close()
            await send({"type": "http.response.body", "body": b""})
            return
        pump = asyncio.ensure_future(self._pump(send))
        gone = asyncio.ensure_future(self._gone(receive))
        try:
            await asyncio.wait({pump, gone}, return_when=asyncio.FIRST_COMPLETED)
        finally:
            for task in (pump, gone):
                task.cancel()
            await asyncio.gather(pump, gone, return_exceptions=True)
            await self._close()
        if pump.done() and not pump.cancelled() and pump.exception() is not None:
            raise pump.exception()  # type: ignore[misc]
