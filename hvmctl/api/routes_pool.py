"""API routes of the pool (hvmctl/pool): status, one view, events, leave. A daemon that
is not a pool member answers each with one line saying so."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, Field

from hvmctl.api.actions import ActionRouter
from hvmctl.daemon.service import Daemon
from hvmctl.pool import PoolError


class PoolMigrateRequest(BaseModel):
    member: str = Field(description="the pool member to move the guest to", min_length=1, max_length=253)
    live: bool = False


class EvacuateRequest(BaseModel):
    member: str = Field(description="the pool member to empty", min_length=1, max_length=253)


def _member(daemon: Daemon) -> Any:
    if daemon.pool is None:
        raise PoolError("this daemon is not a pool member (set HVMCTL_POOL_ETCD and HVMCTL_HOST_NAME)")
    return daemon.pool


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

    @act("pool-evacuate")
    async def evacuate(req: EvacuateRequest) -> dict[str, Any]:
        result: dict[str, Any] = await _member(daemon).evacuate_member(req.member)
        return result

    return act
