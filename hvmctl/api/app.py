"""HTTP/JSON routes over the daemon's actions. One error shape on the wire:
``{"error": KIND, "message": ONE_LINE}`` with the status of the error's class."""

from __future__ import annotations

import importlib
from typing import Annotated, Any

import msgspec
from msgspec import Meta

from hvmctl import __version__
from hvmctl.api import reads
from hvmctl.api.actions import ActionRouter, check_complete
from hvmctl.api.bodylimit import body_limit as default_body_limit
from hvmctl.api.messages import PlainTextResponse, Request, Response
from hvmctl.api.web import ActionApp
from hvmctl.daemon import resources
from hvmctl.daemon.service import Daemon


# feature areas, each in its own module exposing ``router(daemon) -> ActionRouter``
ROUTER_MODULES = (
    "hvmctl.api.routes_network",
    "hvmctl.api.routes_storage",
    "hvmctl.api.routes_migration",
    "hvmctl.api.routes_media",
    "hvmctl.api.routes_managed",
    "hvmctl.api.routes_snapshots",
    "hvmctl.api.routes_domain",
    "hvmctl.api.routes_remote",
    "hvmctl.api.routes_pool",
    "hvmctl.api.routes_serial",
)


class CreateRequest(msgspec.Struct, kw_only=True):
    profile: Annotated[str, Meta(description="the profile's text, as read from the file")]
    filename: Annotated[str, Meta(description="where it came from, for error messages")] = "<profile>"
    overrides: Annotated[list[str], Meta(description="xm create's key=value arguments")] = msgspec.field(
        default_factory=list)
    dry_run: bool = False
    paused: bool = False
    host: Annotated[str | None, Meta(description="the pool member to start it on (xm create --host)")] = None
    allow_any_path: Annotated[bool, Meta(description="local root only: system files too (never remotely)")] = False


Timeout = Annotated[float, Meta(gt=0, le=3600)]
LIVE = Meta(description="change the running guest only (virsh --live)")
CONFIG = Meta(description="change the managed definition only (virsh --config); both: both")


class ShutdownRequest(msgspec.Struct, kw_only=True):
    wait: bool = False
    timeout: Timeout = 60.0
    force: bool = False


class RebootRequest(msgspec.Struct, kw_only=True):
    wait: bool = False
    timeout: Timeout = 60.0


class MemSetRequest(msgspec.Struct, kw_only=True):
    mib: Annotated[int, Meta(gt=0, le=1 << 24)]
    live: Annotated[bool, LIVE] = False
    config: Annotated[bool, CONFIG] = False


class VcpuSetRequest(msgspec.Struct, kw_only=True):
    count: Annotated[int, Meta(gt=0, le=288)]
    live: Annotated[bool, LIVE] = False
    config: Annotated[bool, CONFIG] = False


def create_app(daemon: Daemon, *, body_limit: int | None = None) -> ActionApp:
    act = ActionRouter()

    @act("host")
    async def host() -> dict[str, Any]:
        return reads.host(daemon)

    @act("list")
    async def domains() -> dict[str, Any]:
        return reads.domains(daemon)

    @act("create")
    async def create(req: CreateRequest, request: Request) -> dict[str, Any]:
        from hvmctl.api.pathguard import guard_config

        return await daemon.create(
            req.profile, filename=req.filename, overrides=req.overrides, dry_run=req.dry_run, paused=req.paused,
            host=req.host, check=lambda cfg: guard_config(request, daemon, cfg, allow_any_path=req.allow_any_path),
        )

    @act("get")
    async def get(ref: str) -> dict[str, Any]:
        return daemon.lookup(ref).summary()

    @act("shutdown")
    async def shutdown(ref: str, req: ShutdownRequest) -> dict[str, Any]:
        dom = daemon.lookup(ref)
        result = await dom.shutdown(wait=req.wait, timeout=req.timeout, force=req.force)
        return {"name": dom.name, "result": result}

    @act("reboot")
    async def reboot(ref: str, req: RebootRequest) -> dict[str, Any]:
        dom = daemon.lookup(ref)
        result = await dom.reboot(wait=req.wait, timeout=req.timeout)
        return {"name": dom.name, "result": result, "id": dom.domid}

    @act("destroy")
    async def destroy(ref: str) -> dict[str, Any]:
        dom = daemon.lookup(ref)
        await dom.destroy()
        return {"name": dom.name, "result": "destroyed"}

    @act("pause")
    async def pause(ref: str) -> dict[str, Any]:
        dom = daemon.lookup(ref)
        await dom.pause()
        return dom.summary()

    @act("mem-set")
    async def mem_set(ref: str, req: MemSetRequest) -> dict[str, Any]:
        return await resources.mem_set_scoped(daemon.lookup(ref), req.mib, live=req.live, config=req.config)

    @act("profile")
    async def live_profile(ref: str) -> dict[str, Any]:
        """The live definition as an xm profile (``xm list -l``), the config it is, and the
        argv of the running incarnation (built from it)."""
        from hvmctl.config.libvirt import write_libvirt
        from hvmctl.config.writer import write_live_xl, write_live_xm

        dom = daemon.lookup(ref)
        # the same definition as an xl.cfg and as libvirt XML (hvmctl profile --format)
        formats = {"xl": write_live_xl(dom.config), "libvirt": write_libvirt(dom.config)}
        return {"name": dom.name, "profile": write_live_xm(dom.config), "config": dom.config.to_dict(),
                "argv": dom.runtime.argv if dom.runtime else None, "formats": formats}

    @act("vcpu-set")
    async def vcpu_set(ref: str, req: VcpuSetRequest) -> dict[str, Any]:
        return await resources.vcpu_set_scoped(daemon.lookup(ref), req.count, live=req.live, config=req.config)

    @act("unpause")
    async def unpause(ref: str) -> dict[str, Any]:
        dom = daemon.lookup(ref)
        await dom.unpause()
        return dom.summary()

    @act("screenshot", response_class=Response, responses={200: {"content": {"image/png": {}}}})
    async def screenshot(ref: str) -> Response:
        return Response(await daemon.lookup(ref).screenshot(), media_type="image/png")

    @act("console-log", response_class=PlainTextResponse)
    async def console_log(ref: str) -> PlainTextResponse:
        path = daemon.lookup(ref).summary()["console_log"]
        try:
            with open(path, "rb") as fh:
                return PlainTextResponse(fh.read().decode(errors="replace"))
        except (OSError, TypeError):
            return PlainTextResponse("")

    areas = [importlib.import_module(module).router(daemon) for module in ROUTER_MODULES]
    check_complete(act.names + [name for area in areas for name in area.names])
    from hvmctl.api.ui import LazyUI  # a few lines; the console itself loads on its first request

    app = ActionApp([a for router in (act, *areas) for a in router.actions], LazyUI(daemon),
                    title="hvmctl", version=__version__,
                    body_limit=body_limit if body_limit is not None else default_body_limit())
    return app
