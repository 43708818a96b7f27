"""API routes for save/restore, migration and host start/stop."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Annotated, Any

import msgspec
from msgspec import Meta

from hvmctl.api.actions import ActionRouter
from hvmctl.api.messages import Request
from hvmctl.api.pathguard import guard_config, guard_path
from hvmctl.daemon.service import Daemon


#: a path or name from a client: no control characters (a NUL cannot reach open()); the
#: ``(?!\n)``: Python's ``$`` would let one trailing newline through, JSON Schema's does not
NO_CONTROL = r"^[^\x00-\x1f\x7f]*$(?!\n)"


class SaveRequest(msgspec.Struct, kw_only=True):
    file: Annotated[str, Meta(description="absolute path of the save file to write (on the daemon's host)",
                              pattern=NO_CONTROL)]
    checkpoint: Annotated[bool, Meta(description="leave the domain running after saving")] = False


class RestoreRequest(msgspec.Struct, kw_only=True):
    file: Annotated[str, Meta(description="absolute path of a save file", pattern=NO_CONTROL)]
    paused: bool = False


def _remote_hvmctl() -> list[str]:
    return ["hvmctl"]


class MigrateRequestBody(msgspec.Struct, kw_only=True):
    host: Annotated[str, Meta(description="destination host (address or name)")]
    port: Annotated[Annotated[int, Meta(ge=1, le=65535)] | None, Meta(description="remote endpoint / ssh port")] = None
    transport: Annotated[str, Meta(pattern=r"^(ssh|tls)$(?!\n)")] = "ssh"
    live: bool = False
    copy_storage: bool = False
    dry_run: bool = False
    token: Annotated[str, Meta(description="the destination endpoint's token (tls)")] = ""
    ca_pem: Annotated[str | None, Meta(description="PEM the destination's certificate must verify against")] = None
    ssh_user: str | None = None
    ssh_options: Annotated[list[str], Meta(description="extra ssh -o options (KEY=VALUE)")] = msgspec.field(
        default_factory=list)
    remote_hvmctl: Annotated[list[str], Meta(min_length=1, description="argv that runs hvmctl on the destination (ssh)")
                             ] = msgspec.field(default_factory=_remote_hvmctl)
    downtime_ms: Annotated[int, Meta(ge=1, le=60000)] = 30
    bandwidth: Annotated[Annotated[int, Meta(gt=0)] | None, Meta(description="bytes/s; default: no limit")] = None
    stall_timeout: Annotated[float, Meta(gt=0, le=3600)] = 10.0


class AutostartRequest(msgspec.Struct, kw_only=True):
    ref: Annotated[str, Meta(description="a domain (its profile is linked) or a profile name/path",
                             pattern=NO_CONTROL)]
    enable: bool = True


def router(daemon: Daemon) -> ActionRouter:
    from hvmctl.migration import hoststart, live, qmpmig, saverestore

    act = ActionRouter()

    @act("save")
    async def save(ref: str, req: SaveRequest, request: Request) -> dict[str, Any]:
        guard_path(request, daemon, req.file, "save", write=True)
        return await saverestore.save_domain(daemon.lookup(ref), Path(req.file), checkpoint=req.checkpoint)

    @act("restore")
    async def restore(req: RestoreRequest, request: Request) -> dict[str, Any]:
        guard_path(request, daemon, req.file, "restore", write=False, remote_only=True)
        dom = await saverestore.restore_domain(daemon, Path(req.file), paused=req.paused,
                                               check=lambda cfg: guard_config(request, daemon, cfg, remote_only=True))
        return dom.summary()

    @act("migrate")
    async def migrate(ref: str, req: MigrateRequestBody) -> dict[str, Any]:
        """Pre-flight, then (unless dry_run) a background job: poll /v1/migrations/{job}."""
        port = req.port if req.port is not None else (live.DEFAULT_PORT if req.transport == "tls" else None)
        mreq = live.MigrateRequest(
            host=req.host, port=port or 0, transport=req.transport, live=req.live,
            copy_storage=req.copy_storage, dry_run=req.dry_run, token=req.token, ca_pem=req.ca_pem,
            ssh_user=req.ssh_user, ssh_port=port if req.transport == "ssh" else None,
            ssh_options=tuple(req.ssh_options), remote_hvmctl=tuple(req.remote_hvmctl), downtime_ms=req.downtime_ms, stall_timeout=req.stall_timeout,
            bandwidth=req.bandwidth or qmpmig.UNLIMITED_BANDWIDTH,
        )
        return await live.start_migration(daemon, daemon.lookup(ref), mreq)

    @act("migration")
    async def migration(job: str) -> dict[str, Any]:
        return live.get_job(job).view()

    @act("autostart-list")
    async def autostart_list() -> dict[str, Any]:
        life = hoststart.lifecycle(daemon)
        return {"settings": hoststart.load_settings(daemon).to_dict(), "links": life.auto_links()}

    @act("autostart-set")
    async def autostart_set(req: AutostartRequest) -> dict[str, Any]:
        life = hoststart.lifecycle(daemon)
        return life.enable(req.ref) if req.enable else life.disable(req.ref)

    @act("host-start")
    async def host_start() -> dict[str, Any]:
        life = hoststart.lifecycle(daemon)
        if life.task is not None and not life.task.done():
            await asyncio.shield(life.task)  # the daemon's own start-up run goes first
        return await life.start()

    @act("host-stop")
    async def host_stop() -> dict[str, Any]:
        return await hoststart.lifecycle(daemon).stop()

    return act
