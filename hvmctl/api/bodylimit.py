"""A request-body limit for the API, enforced before the body is read.

A profile is a few KiB and every other request body is smaller still; without a limit, one
client could make the daemon hold gigabytes in memory. A pure ASGI wrapper, so it sees the
request before FastAPI reads it: a declared Content-Length over the limit is refused at
once (nothing is read), and a body sent without one (chunked) is counted as it streams and
cut off at the limit. Either way the answer is the API's one error shape with HTTP 413.
"""

from __future__ import annotations

import json
import os
from typing import Any, Awaitable, Callable, MutableMapping

from hvmctl.errors import ConfigError, HvmctlError

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

DEFAULT_LIMIT = 1 << 20  # 1 MiB: profiles are capped at 256 KiB, every other body is tiny
ENV = "HVMCTL_API_BODY_LIMIT"


class BodyTooLarge(HvmctlError):
    """A request body over the limit; raised into the app to stop it reading."""

    kind = "too-large"
    http_status = 413


def body_limit(environ: MutableMapping[str, str] | None = None) -> int:
    """The limit in bytes: HVMCTL_API_BODY_LIMIT (bytes, or with a K/M/G suffix), else 1 MiB."""
    text = (os.environ if environ is None else environ).get(ENV, "").strip()
    if not text:
        return DEFAULT_LIMIT
    scale = {"k": 1 << 10, "m": 1 << 20, "g": 1 << 30}.get(text[-1].lower(), 1)
    digits = text[:-1] if scale > 1 else text
    if not digits.isdigit() or int(digits) == 0:
        raise ConfigError(f"expected a size in bytes like 1048576 or 1M; got {text!r}", file=ENV)
    return int(digits) * scale


class BodyLimit:
    """Wraps an ASGI app; answers 413 to a request whose body is over ``limit`` bytes."""

    def __init__(self, app: ASGIApp, limit: int = DEFAULT_LIMIT) -> None:
        self.app = app
        self.limit = limit

    def _message(self) -> str:
        return f"request body too large (the limit is {self.limit} bytes, set by {ENV})"

    async def _refuse(self, send: Send) -> None:
        body = json.dumps({"error": BodyTooLarge.kind, "message": self._message()}).encode()
        await send({
            "type": "http.response.start",
            "status": BodyTooLarge.http_status,
            "headers": [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode()),
                        (b"connection", b"close")],
        })
        await send({"type": "http.response.body", "body": body})

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = [v for k, v in scope.get("headers", ()) if k.lower() == b"content-length"]
        if declared and declared[0].strip().isdigit() and int(declared[0]) > self.limit:
            await self._refuse(send)  # before a single byte of the body is read
            return
        received = 0
        over = False
        started = False

        async def counted_receive() -> Message:
            nonlocal received, over
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > self.limit:
                    over = True
                    raise BodyTooLarge(self._message())
            return message

        async def guarded_send(message: Message) -> None:
            nonlocal started
            if over:
                # the app answered the cut-off body with its own error; ours replaces it
                if message["type"] == "http.response.start" and not started:
                    started = True
                    await self._refuse(send)
                return
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        try:
            await self.app(scope, counted_receive, guarded_send)
        except BodyTooLarge:
            if not started:
                started = True
                await self._refuse(send)
