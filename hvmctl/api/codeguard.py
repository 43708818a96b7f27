"""State-changing calls refused once the code on disk is not the code this daemon runs
(hvmctl.daemon.codestamp); reads pass. An ASGI wrapper around the whole API, so both
listeners (Unix socket, HTTPS) and every action get the same one-line refusal."""

from __future__ import annotations

import json
import logging
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any

from hvmctl.daemon.codestamp import MESSAGE, CodeStamp
from hvmctl.errors import DaemonError

ASGIApp = Callable[[MutableMapping[str, Any], Callable[[], Awaitable[Any]], Callable[[Any], Awaitable[None]]],
                   Awaitable[None]]
READS = frozenset({"GET", "HEAD", "OPTIONS"})

log = logging.getLogger("hvmctl.api")


class CodeGuard:
    def __init__(self, app: ASGIApp, stamp: CodeStamp) -> None:
        self.app = app
        self.stamp = stamp
        self._logged = False

    async def __call__(self, scope: MutableMapping[str, Any], receive: Callable[[], Awaitable[Any]],
                       send: Callable[[Any], Awaitable[None]]) -> None:
        if scope["type"] == "http" and scope["method"] not in READS and self.stamp.changed():
            if not self._logged:
                log.error("%s; refusing state-changing calls from now on", MESSAGE)
                self._logged = True
            body = json.dumps({"error": DaemonError.kind, "message": MESSAGE}).encode()
            await send({"type": "http.response.start", "status": DaemonError.http_status,
                        "headers": [(b"content-type", b"application/json"),
                                    (b"content-length", str(len(body)).encode())]})
            await send({"type": "http.response.body", "body": body})
            return
        await self.app(scope, receive, send)
