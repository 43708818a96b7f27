"""API routes for xm's other domain commands: trigger, sysrq, rename, dump-core, mem-max,
vcpu-list, vcpu-pin, sched-credit (the work is in the daemon's modules named below)."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, Field

from hvmctl.api.actions import ActionRouter
from hvmctl.daemon import guestops, resources
from hvmctl.daemon.service import Daemon


class TriggerRequest(BaseModel):
    trigger: str = Field(description="nmi, reset, init, power or s3resume")


class SysrqRequest(BaseModel):
    key: str = Field(min_length=1, max_length=1, description="the SysRq key (h: help)")


class RenameRequest(BaseModel):
    name: str = Field(description="the new name")


class MemMaxRequest(BaseModel):
    mib: int = Field(gt=0, le=1 << 24)


def router(daemon: Daemon) -> ActionRouter:
    act = ActionRouter()

    @act("trigger")
    async def trigger(ref: str, req: TriggerRequest) -> dict[str, Any]:
        return await guestops.trigger(daemon.lookup(ref), req.trigger)

    @act("sysrq")
    async def sysrq(ref: str, req: SysrqRequest) -> dict[str, Any]:
        return await guestops.sysrq(daemon.lookup(ref), req.key)

    @act("rename")
    async def rename(ref: str, req: RenameRequest) -> dict[str, Any]:
        return await guestops.rename(daemon.lookup(ref), daemon.registry, req.name)

    @act("mem-max")
    async def mem_max(ref: str, req: MemMaxRequest) -> dict[str, Any]:
        return await resources.mem_max(daemon.lookup(ref), req.mib)

    return act
