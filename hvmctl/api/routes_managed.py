"""API routes for managed domains: xm new, start, delete, suspend, resume (see
``daemon/managed.py``)."""

from __future__ import annotations

from typing import Annotated, Any

import msgspec
from msgspec import Meta

from hvmctl.api.actions import ActionRouter
from hvmctl.api.messages import Request
from hvmctl.api.pathguard import guard_config
from hvmctl.daemon import managed
from hvmctl.daemon.service import Daemon


class NewRequest(msgspec.Struct, kw_only=True):
    profile: Annotated[str, Meta(description="the profile's text, as read from the file")]
    filename: Annotated[str, Meta(description="where it came from, for error messages")] = "<profile>"
    overrides: Annotated[list[str], Meta(description="key=value arguments, as for xm create")] = msgspec.field(
        default_factory=list)
    allow_any_path: Annotated[bool, Meta(description="local root only: system files too (never remotely)")] = False


class StartRequest(msgspec.Struct, kw_only=True):
    paused: bool = False


def router(daemon: Daemon) -> ActionRouter:
    act = ActionRouter()

    @act("new")
    async def new(req: NewRequest, request: Request) -> dict[str, Any]:
        return managed.define(daemon, req.profile, filename=req.filename, overrides=req.overrides,
                              check=lambda cfg: guard_config(request, daemon, cfg, allow_any_path=req.allow_any_path))

    @act("start")
    async def start(ref: str, req: StartRequest) -> dict[str, Any]:
        dom = await managed.start(daemon, daemon.lookup(ref), paused=req.paused)
        return {"domain": dom.summary(), "notes": daemon.network.notes(dom)}

    @act("delete")
    async def delete(ref: str) -> dict[str, Any]:
        return await managed.delete(daemon, daemon.lookup(ref))

    @act("suspend")
    async def suspend(ref: str) -> dict[str, Any]:
        return await managed.suspend(daemon, daemon.lookup(ref))

    @act("resume")
    async def resume(ref: str, req: StartRequest) -> dict[str, Any]:
        dom = await managed.resume(daemon, daemon.lookup(ref), paused=req.paused)
        return {"domain": dom.summary()}

    return act
