"""API routes for snapshots (storage/snapshots.py does the work)."""

from __future__ import annotations

from typing import Annotated, Any

import msgspec
from msgspec import Meta

from hvmctl.api.actions import ActionRouter
from hvmctl.daemon.service import Daemon
from hvmctl.storage import snapshots


class CreateRequest(msgspec.Struct, kw_only=True):
    snapshot: Annotated[str, Meta(description="the snapshot's name")]
    disk_only: Annotated[bool, Meta(description="disks only, no memory (revert offline)")] = False
    description: Annotated[str, Meta(max_length=1000)] = ""


class NameRequest(msgspec.Struct, kw_only=True):
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
