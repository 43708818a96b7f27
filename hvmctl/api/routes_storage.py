"""API routes for the storage area: hotplug (block-attach/detach/list) and exporting a
known domain. Export streams its progress as JSON lines (``application/x-ndjson``): one
``{"done": N, "total": M}`` per step, then ``{"result": {...}}`` or ``{"error": KIND,
"message": ...}`` -- a long copy shows a progress bar and still ends in one error shape."""

from __future__ import annotations

import asyncio
import json
import threading
import time
from collections.abc import AsyncIterator
from typing import Annotated, Any

import msgspec
from msgspec import Meta

from hvmctl.api.actions import ActionRouter
from hvmctl.api.messages import Request, StreamingResponse
from hvmctl.api.pathguard import guard_path, guard_use
from hvmctl.daemon.service import Daemon
from hvmctl.errors import HvmctlError
from hvmctl.storage import actions

PROGRESS_INTERVAL = 0.2  # seconds between progress lines


LIVE = Meta(description="change the running guest only (virsh --live)")
CONFIG = Meta(description="change the managed definition only (virsh --config); both: both")


class AttachRequest(msgspec.Struct, kw_only=True):
    uname: Annotated[str, Meta(description="the disk as in a profile: file:/path, phy:/dev/sdb2, tap:aio:/path")]
    vdev: Annotated[str, Meta(description="guest device: xvdb, sdb...")]
    mode: Annotated[str, Meta(description="r, w or w!")] = "w"
    live: Annotated[bool, LIVE] = False
    config: Annotated[bool, CONFIG] = False
    allow_any_path: Annotated[bool, Meta(description="local root only: system files too (never remotely)")] = False


class DetachRequest(msgspec.Struct, kw_only=True):
    vdev: str
    timeout: Annotated[float, Meta(gt=0, le=600)] = actions.UNPLUG_TIMEOUT
    live: Annotated[bool, LIVE] = False
    config: Annotated[bool, CONFIG] = False


class ExportRequest(msgspec.Struct, kw_only=True):
    bundle: Annotated[str, Meta(description="absolute path of the bundle to write (.tar, .tar.zst, .tar.gz)")]
    live: Annotated[bool, Meta(description="consistent copy of a running guest (temporary overlay)")] = False
    force: Annotated[bool, Meta(description="replace an existing bundle file")] = False


def router(daemon: Daemon) -> ActionRouter:
    act = ActionRouter()

    @act("block-attach")
    async def block_attach(ref: str, req: AttachRequest, request: Request) -> dict[str, Any]:
        from hvmctl.storage.pools import PathUse

        dom = daemon.lookup(ref)
        disk = actions.parse_attach(req.uname, req.vdev, req.mode, hvm=dom.config.is_hvm)
        guard_use(request, daemon, PathUse(disk.target, f"block-attach: {disk.vdev}", "", write=not disk.readonly,
                                           device=disk.backend == "phy"), allow_any_path=req.allow_any_path)
        return await actions.block_attach_scoped(daemon, dom, req.uname, req.vdev, req.mode,
                                                 live=req.live, config=req.config)

    @act("block-detach")
    async def block_detach(ref: str, req: DetachRequest) -> dict[str, Any]:
        return await actions.block_detach_scoped(daemon, daemon.lookup(ref), req.vdev, req.timeout,
                                                 live=req.live, config=req.config)

    @act("block-list")
    async def block_list(ref: str) -> dict[str, Any]:
        dom = daemon.lookup(ref)
        return {"name": dom.name, "disks": await actions.block_list(dom)}

    @act("export", response_class=StreamingResponse, responses={200: {"content": {"application/x-ndjson": {}}}})
    async def export(ref: str, req: ExportRequest, request: Request) -> StreamingResponse:
        dom = daemon.lookup(ref)
        actions.check_exportable(dom, req.live)  # refused before the stream starts: a plain error answer
        if not req.bundle.startswith("/"):
            raise HvmctlError(f"{req.bundle}: the bundle path must be absolute")
        guard_path(request, daemon, req.bundle, "export", write=True)
        return StreamingResponse(_export_lines(daemon, ref, req), media_type="application/x-ndjson")

    return act


async def _export_lines(daemon: Daemon, ref: str, req: ExportRequest) -> AsyncIterator[bytes]:
    loop = asyncio.get_running_loop()
    queue: asyncio.Queue[tuple[int, int]] = asyncio.Queue()
    cancel = threading.Event()
    last = [0.0]

    def progress(done: int, total: int) -> None:  # runs in the copying thread
        now = time.monotonic()
        if now - last[0] >= PROGRESS_INTERVAL or done >= total:
            last[0] = now
            loop.call_soon_threadsafe(queue.put_nowait, (done, total))

    dom = daemon.lookup(ref)
    task = asyncio.ensure_future(actions.export_domain(daemon, dom, req.bundle, live=req.live, force=req.force,
                                                       progress=progress, cancel=cancel))
    try:
        while not task.done():
            getter = asyncio.ensure_future(queue.get())
            await asyncio.wait({task, getter}, return_when=asyncio.FIRST_COMPLETED)
            if getter.done():
                done, total = getter.result()
                yield _line({"done": done, "total": total})
            else:
                getter.cancel()
        try:
            yield _line({"result": task.result()})
        except HvmctlError as exc:
            yield _line({"error": exc.kind, "message": exc.message})
        except Exception as exc:  # the one error shape, even for the unexpected
            yield _line({"error": "error", "message": f"export failed: {exc}"})
    finally:
        if not task.done():  # the client went away: stop copying (the overlay is still folded back)
            cancel.set()


def _line(data: dict[str, Any]) -> bytes:
    return (json.dumps(data) + "\n").encode()
