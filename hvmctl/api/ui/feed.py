"""The dashboard's one event stream (server-sent events): the domains and the host, sent
when the daemon's records change (``daemon.changes``) and every ``HEARTBEAT`` seconds (CPU
time and free memory move without a record write); a revoke through the API wakes it at once.
Uptime is the page's arithmetic on ``start_time`` and the server's ``now``: no tick traffic.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import TYPE_CHECKING, Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response, StreamingResponse

from hvmctl.api import auth
from hvmctl.api.ui import access

if TYPE_CHECKING:
    from hvmctl.daemon.service import Daemon

HEARTBEAT = 5.0  # seconds between two sends when nothing changed
COALESCE = 0.1  # a burst of record writes (one lifecycle step writes several) is one send
DOMAIN_KEYS = ("name", "uuid", "id", "state", "memory", "vcpus", "cpu_time", "start_time", "managed")
HOST_KEYS = ("host", "nr_cpus", "total_memory", "free_memory", "accel", "accel_reason", "qemu", "hvmctl_version",
             "release", "machine")


def snapshot(daemon: "Daemon") -> dict[str, Any]:
    """What the dashboard shows, and no more (summaries hold paths a viewer needs not see)."""
    domains, in_use = [], set()
    for dom in daemon.all():
        row = dom.summary()
        if row.get("accel"):
            in_use.add(str(row["accel"]))
        view = {key: row.get(key) for key in DOMAIN_KEYS}
        view["vnc"] = bool(row.get("vnc"))
        view["serial"] = bool(row.get("serial_socket"))
        domains.append(view)
    host = daemon.host_info()
    # a forced accelerator (HVMCTL_ACCEL) is never probed: the guests say which one runs
    view = {key: host.get(key) for key in HOST_KEYS} | {"accel_in_use": sorted(in_use)}
    return {"now": time.time(), "host": view, "domains": domains}


def event(name: str, data: Any) -> str:
    return f"event: {name}\ndata: {json.dumps(data, separators=(',', ':'))}\n\n"


async def stream(daemon: "Daemon", request: Request, principal: auth.Principal) -> AsyncIterator[str]:
    # a revoke through the API wakes every stream at once (not at the next heartbeat); the
    # token store may call this from a worker thread
    loop = asyncio.get_running_loop()

    def on_revoke(name: str) -> None:
        loop.call_soon_threadsafe(daemon.changes.notify)

    listeners = access.stores(daemon, request)[0].on_revoke if principal.via != "unix" else []
    listeners.append(on_revoke)
    try:
        while True:
            if not access.still_valid(daemon, request, principal):
                yield event("signed-out", {"reason": "the session ended or its token was revoked"})
                return
            seen = daemon.changes.version  # taken before the snapshot: a change during it is sent next
            yield event("state", snapshot(daemon))
            if await daemon.changes.wait(seen, HEARTBEAT) != seen:
                await asyncio.sleep(COALESCE)
    finally:
        with contextlib.suppress(ValueError):
            listeners.remove(on_revoke)


def endpoint(daemon: "Daemon") -> Callable[[Request], Awaitable[Response]]:
    async def events(request: Request) -> Response:
        principal = auth.principal_of(request)
        if principal is None:
            return JSONResponse({"error": "auth", "message": "sign in first"}, status_code=401)
        headers = {"Cache-Control": "no-store", "X-Accel-Buffering": "no"}
        return StreamingResponse(stream(daemon, request, principal), media_type="text/event-stream",
                                 headers=headers)

    return events
