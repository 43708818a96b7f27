"""API routes of the pool (hvmctl/pool): status, one view, events, leave. A daemon that
is not a pool member answers each with one line saying so."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from typing import Annotated, Any

import msgspec
from msgspec import Meta

from hvmctl.api.actions import ActionRouter
from hvmctl.api.messages import StreamingResponse
from hvmctl.daemon.service import Daemon
from hvmctl.errors import HvmctlError
from hvmctl.pool import PoolError


class PoolMigrateRequest(msgspec.Struct, kw_only=True):
    member: Annotated[str, Meta(description="the pool member to move the guest to", min_length=1, max_length=253)]
    live: bool = False


class EvacuateRequest(msgspec.Struct, kw_only=True):
    member: Annotated[str, Meta(description="the pool member to empty", min_length=1, max_length=253)]
    copy_storage: Annotated[bool, Meta(description="copy each guest's disks too (no shared storage)")] = False


def _member(daemon: Daemon) -> Any:
    if daemon.pool is None:
        raise PoolError("this daemon is not a pool member (set HVMCTL_POOL_ETCD and HVMCTL_HOST_NAME)")
    return daemon.pool


async def _evacuate_lines(member: Any, req: EvacuateRequest) -> AsyncIterator[bytes]:
    queue: asyncio.Queue[tuple[int, int]] = asyncio.Queue()

    async def progress(done: int, total: int) -> None:
        queue.put_nowait((done, total))

    task = asyncio.ensure_future(member.evacuate_member(req.member, copy_storage=req.copy_storage,
                                                        progress=progress))
    while not task.done() or not queue.empty():
        getter = asyncio.ensure_future(queue.get())
        await asyncio.wait({task, getter}, return_when=asyncio.FIRST_COMPLETED)
        if not getter.done():
            getter.cancel()
            continue
        done, total = getter.result()
        yield _line({"done": done, "total": total})
    try:
        yield _line({"result": task.result()})
    except HvmctlError as exc:
        yield _line({"error": exc.kind, "message": exc.message})
    except Exception as exc:  # the one error shape, even for the unexpected
        yield _line({"error": "error", "message": f"evacuate failed: {exc}"})


def _line(data: dict[str, Any]) -> bytes:
    return (json.dumps(data) + "\n").encode()


def router(daemon: Daemon) -> ActionRouter:
    act = ActionRouter()

    @act("pool-status")
    async def status() -> dict[str, Any]:
        result: dict[str, Any] = await _member(daemon).status()
        return result

    @act("pool-list")
    async def domains() -> dict[str, Any]:
        result: dict[str, Any] = await _member(daemon).domains()
        return result

    @act("pool-events")
    async def events(limit: int = 100) -> dict[str, Any]:
        return {"events": await _member(daemon).events(max(1, min(limit, 1000)))}

    @act("pool-leave")
    async def leave() -> dict[str, Any]:
        result: dict[str, Any] = await _member(daemon).leave()
        return result

    @act("pool-migrate")
    async def migrate(ref: str, req: PoolMigrateRequest) -> dict[str, Any]:
        from hvmctl.pool.member import migrate as pool_migrate

        return await pool_migrate(_member(daemon), daemon.lookup(ref), req.member, live=req.live)

    @act("pool-evacuate", response_class=StreamingResponse,
         responses={200: {"content": {"application/x-ndjson": {}}}})
    async def evacuate(req: EvacuateRequest) -> StreamingResponse:
        """JSON lines: ``{"done", "total"}`` (bytes moved of all the guests) while it runs,
        then ``{"result": ...}`` or ``{"error", "message"}``."""
        member = _member(daemon)  # not a member: one error answer, before any line
        return StreamingResponse(_evacuate_lines(member, req), media_type="application/x-ndjson")

    return act
