"""API routes for managed domains: xm new, start, delete, suspend, resume (see
``daemon/managed.py``)."""

from __future__ import annotations

from typing import Any

from fastapi import Request
from pydantic import BaseModel, Field

from hvmctl.api.actions import ActionRouter
from hvmctl.api.pathguard import guard_config
from hvmctl.daemon import managed
from hvmctl.daemon.service import Daemon


class NewRequest(BaseModel):
    profile: str = Field(description="the profile's text, as read from the file")
    filename: str = Field(default="<profile>", description="where it came from, for error messages")
    overrides: list[str] = Field(default_factory=list, description="key=value arguments, as for xm create")
    allow_any_path: bool = Field(default=False, description="local root only: system files too (never remotely)")


class StartRequest(BaseModel):
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
