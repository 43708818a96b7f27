"""API routes for xm's other domain commands: trigger, sysrq, rename, dump-core, mem-max,
vcpu-list, vcpu-pin, sched-credit (the work is in the daemon's modules named below)."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from typing import Annotated, Any

import msgspec
from msgspec import Meta

from hvmctl.api.actions import ActionRouter
from hvmctl.api.messages import StreamingResponse
from hvmctl.daemon import dumpcore, guestops, resources, sched, vcpus
from hvmctl.errors import HvmctlError
from hvmctl.daemon.service import Daemon


class TriggerRequest(msgspec.Struct, kw_only=True):
    trigger: Annotated[str, Meta(description="nmi, reset, init, power or s3resume")]


class SysrqRequest(msgspec.Struct, kw_only=True):
    key: Annotated[str, Meta(min_length=1, max_length=1, description="the SysRq key (h: help)")]


class RenameRequest(msgspec.Struct, kw_only=True):
    name: Annotated[str, Meta(description="the new name")]


class MemMaxRequest(msgspec.Struct, kw_only=True):
    mib: Annotated[int, Meta(gt=0, le=1 << 24)]


class VcpuPinRequest(msgspec.Struct, kw_only=True):
    vcpu: Annotated[str, Meta(description="the vCPU number, or 'all'")]
    cpus: Annotated[str, Meta(description="host CPUs: '0-1,3' or 'all'")]


class DumpCoreRequest(msgspec.Struct, kw_only=True):
    file: Annotated[str, Meta(description="absolute path of the ELF core file to write (must not exist)")]
    live: Annotated[bool, Meta(description="xm's -L (QEMU pauses the guest during a dump regardless)")] = False


async def _dump_lines(dom: Any, req: DumpCoreRequest) -> AsyncIterator[bytes]:
    """Progress lines, then the result or the one error shape (as export's stream)."""
    try:
        async for item in dumpcore.dump_core(dom, req.file, live=req.live):
            yield (json.dumps(item) + "\n").encode()
    except HvmctlError as exc:
        yield (json.dumps({"error": exc.kind, "message": exc.message}) + "\n").encode()


class SchedCreditRequest(msgspec.Struct, kw_only=True):
    weight: Annotated[int, Meta(ge=1, le=65535)] | None = None
    cap: Annotated[int, Meta(ge=0, le=12800)] | None = None


BDF = Meta(description="host PCI function [DDDD:]BB:DD.F")


class PciAttachRequest(msgspec.Struct, kw_only=True):
    bdf: Annotated[str, BDF]
    vslot: Annotated[str | None, Meta(description="guest slot on pci.0, hex (xm's VSLOT); default: lowest free")] = None


class PciDetachRequest(msgspec.Struct, kw_only=True):
    bdf: Annotated[str, BDF]
    timeout: Annotated[float, Meta(gt=0, le=600, description="seconds the guest has to let go")] = 30.0


class PciAssignableRequest(msgspec.Struct, kw_only=True):
    bdf: Annotated[str, BDF]
    rebind: Annotated[bool, Meta(description="remove: bind it back to the driver it had (or probe)")] = True


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

    @act("vcpu-list")
    async def vcpu_list(ref: str) -> dict[str, Any]:
        return {"vcpus": vcpus.rows(daemon.lookup(ref))}

    @act("vtpm-list")
    async def vtpm_list(ref: str) -> dict[str, Any]:
        from pathlib import Path

        from hvmctl.daemon import vtpm

        dom = daemon.lookup(ref)
        run_dir = Path(dom.runtime.run_dir) if dom.runtime is not None else None
        return {"name": dom.name, "vtpms": vtpm.rows(daemon.paths, dom.config, run_dir)}

    @act("pci-list")
    async def pci_list(ref: str) -> dict[str, Any]:
        from hvmctl.devices.layout import hostdev_id

        dom = daemon.lookup(ref)
        return {"name": dom.name, "devices": [
            {"bdf": bdf, "idx": i, "id": hostdev_id(bdf), "slot": dom.config.slots.get(hostdev_id(bdf))}
            for i, bdf in enumerate(dom.config.pci)]}

    @act("pci-attach")
    async def pci_attach(ref: str, req: PciAttachRequest) -> dict[str, Any]:
        from hvmctl.daemon import pcihotplug

        return await pcihotplug.attach(daemon.lookup(ref), req.bdf, req.vslot, daemon.all())

    @act("pci-detach")
    async def pci_detach(ref: str, req: PciDetachRequest) -> dict[str, Any]:
        from hvmctl.daemon import pcihotplug

        return await pcihotplug.detach(daemon.lookup(ref), req.bdf, timeout=req.timeout)

    def _held() -> dict[str, str]:
        from hvmctl.daemon import passthrough
        from hvmctl.daemon.state import DomainState

        return passthrough.holders(None, [d.config for d in daemon.all()
                                          if d.state not in (DomainState.INACTIVE, DomainState.SUSPENDED)])

    @act("pci-assignable-add")
    async def pci_assignable_add(req: PciAssignableRequest) -> dict[str, Any]:
        from hvmctl.daemon import pcihotplug, vfiobind

        bdf = pcihotplug.parse_bdf(req.bdf, "pci-assignable-add")
        return await asyncio.to_thread(vfiobind.add, daemon.paths.state_dir, bdf, _held())

    @act("pci-assignable-remove")
    async def pci_assignable_remove(req: PciAssignableRequest) -> dict[str, Any]:
        from hvmctl.daemon import pcihotplug, vfiobind

        bdf = pcihotplug.parse_bdf(req.bdf, "pci-assignable-remove")
        return await asyncio.to_thread(vfiobind.remove, daemon.paths.state_dir, bdf, _held(), rebind=req.rebind)

    @act("pci-list-assignable-devices")
    async def pci_assignable() -> dict[str, Any]:
        from hvmctl.daemon import passthrough

        return {"devices": passthrough.assignable()}

    @act("vcpu-pin")
    async def vcpu_pin(ref: str, req: VcpuPinRequest) -> dict[str, Any]:
        return await vcpus.pin(daemon.lookup(ref), req.vcpu, req.cpus)

    @act("dump-core", response_class=StreamingResponse,
         responses={200: {"content": {"application/x-ndjson": {}}}})
    async def dump_core(ref: str, req: DumpCoreRequest) -> StreamingResponse:
        dom = daemon.lookup(ref)
        dom.require("dump")
        dumpcore.check_target(req.file)  # refused before the stream starts: a plain error answer
        return StreamingResponse(_dump_lines(dom, req), media_type="application/x-ndjson")

    @act("sched-credit")
    async def sched_credit(ref: str, req: SchedCreditRequest) -> dict[str, Any]:
        return await sched.sched_credit(daemon.lookup(ref), req.weight, req.cap)

    return act
