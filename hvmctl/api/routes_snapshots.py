"""API routes for snapshots (storage/snapshots.py does the work)."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, Field

from hvmctl.api.actions import ActionRouter
from hvmctl.daemon.service import Daemon
from hvmctl.storage import snapshots


class CreateRequest(BaseModel):
    snapshot: str = Field(description="the snapshot's name")
    disk_only: bool = Field(default=False, description="disks only, no memory (revert offline)")
    description: str = Field(default="", max_length=1000)


class NameRequest(BaseModel):
    snapshot: str


def router(daemon: Daemon) -> ActionRouter:
    act = ActionRouter()

    @act("snapshot-create")
    async def snapshot_create(ref: str, req: CreateRequest) -> dict[str, Any]:
        return await snapshots.create(daemon, daemon.lookup(ref), req.snapshot, disk_only=req.disk_only,
                                      description=req.description)

    @act("snapshot-list")
    async def snapshot_list(ref: str) -> dict[str, Any]:
        return snapshots.list_(daemon, daemon.lookup(ref))

    @act("snapshot-revert")
    async def snapshot_revert(ref: str, req: NameRequest) -> dict[str, Any]:
        return await snapshots.revert(daemon, daemon.lookup(ref), req.snapshot)

    @act("snapshot-delete")
    async def snapshot_delete(ref: str, req: NameRequest) -> dict[str, Any]:
        return await snapshots.delete(daemon, daemon.lookup(ref), req.snapshot)

    return act
