"""The daemon's HTTP API as a plain ASGI app: each request is the action of the table its
method and path are (``api/routing.py``), run by its handler with the arguments its
signature asks for (``api/binding.py``).

One error shape on the wire, ``{"error": KIND, "message": ONE_LINE}``: an HvmctlError with
its class's status, a request that does not fit with 422, an unknown path 404, a known path
with another method 405, and a bug 500 (logged with its traceback). HEAD is the GET.
``/openapi.json`` is built on its first request; everything under ``/ui`` goes to the web
console's app, which loads on its own first request.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Iterable
from typing import Any

from hvmctl.api import routing
from hvmctl.api.actions import Action
from hvmctl.api.bodylimit import DEFAULT_LIMIT, BodyLimit
from hvmctl.api.messages import JSONResponse, Receive, Request, Response, Scope, Send
from hvmctl.errors import HvmctlError, one_line

ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

log = logging.getLogger("hvmctl.api")

UI = "/ui"
OPENAPI = "/openapi.json"


def error(status: int, kind: str, message: str, headers: dict[str, str] | None = None) -> JSONResponse:
    return JSONResponse({"error": kind, "message": one_line(message)}, status_code=status, headers=headers)


class ActionApp:
    """The actions of the table, each with its handler; the web console under ``/ui``."""

    def __init__(self, actions: Iterable[Action], ui: ASGIApp, *, title: str, version: str,
                 body_limit: int = DEFAULT_LIMIT) -> None:
        self.actions = {a.name: a for a in actions}
        self.ui = ui
        self.title = title
        self.version = version
        self._openapi: dict[str, Any] | None = None
        self._entry = BodyLimit(self._dispatch, limit=body_limit)  # before any body is read

    def openapi(self) -> dict[str, Any]:
        if self._openapi is None:
            from hvmctl.api.openapi import document

            self._openapi = document(self.actions.values(), self.title, self.version)
        return self._openapi

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        await self._entry(scope, receive, send)

    async def _dispatch(self, scope: Scope, receive: Receive, send: Send) -> None:
        kind = scope["type"]
        if kind == "lifespan":
            await _lifespan(receive, send)
            return
        path = str(scope.get("path", ""))
        if path.startswith(UI + "/"):
            # as a starlette Mount does it, in place: the wrappers around us see what the console set
            root = str(scope.get("root_path", ""))
            scope.setdefault("app_root_path", root)
            scope["root_path"] = root + UI
            await self.ui(scope, receive, send)
            return
        if kind != "http":
            await send({"type": "websocket.close", "code": 1000})
            return
        if path == UI:
            query = scope.get("query_string", b"").decode("latin-1")
            where = UI + "/" + (f"?{query}" if query else "")
            await Response(status_code=307, headers={"location": where})(scope, receive, send)
            return
        response = await self._answer(scope, receive)
        await response(scope, receive, send)

    async def _answer(self, scope: Scope, receive: Receive) -> Response:
        method = str(scope.get("method", "GET")).upper()
        path = str(scope.get("path", ""))
        try:
            if path == OPENAPI and method in ("GET", "HEAD"):
                return JSONResponse(self.openapi())
            # the same call on the same path as the remote API's role check and the audit log
            # (scope["path"], not raw_path): a request runs the action it was judged as
            found = routing.match(method, path)
            if found is None:
                return self._unrouted(method, path)
            name, params = found
            result = await self.actions[name].binding(Request(scope, receive), params)
            return result if isinstance(result, Response) else JSONResponse(result)
        except HvmctlError as exc:
            return error(exc.http_status, exc.kind, exc.message)
        except Exception as exc:
            # a bug, not a refusal: keep the wire shape, say what it was, log the traceback
            log.error("unhandled error in the API", exc_info=exc)
            return error(500, "internal", f"internal error: {type(exc).__name__}: {exc}")

    @staticmethod
    def _unrouted(method: str, path: str) -> Response:
        allowed = routing.methods(path) if path != OPENAPI else ["GET"]
        if allowed:
            return error(405, "method-not-allowed", f"{method} {path}: not allowed (use {', '.join(allowed)})",
                         headers={"allow": ", ".join(allowed)})
        return error(404, "not-found", f"{method} {path}: no such action (see {OPENAPI})")


async def _lifespan(receive: Receive, send: Send) -> None:
    """Nothing to set up or tear down: the daemon's own start does both."""
    while True:
        message = await receive()
        if message["type"] == "lifespan.startup":
            await send({"type": "lifespan.startup.complete"})
        elif message["type"] == "lifespan.shutdown":
            await send({"type": "lifespan.shutdown.complete"})
            return
