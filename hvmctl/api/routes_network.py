"""API routes for host networking: bridges (``brctl show``), Xen's ``network-bridge``, and
a running guest's NICs (``network-list``, ``network-attach``, ``network-detach``, NAT
port forwards)."""

from __future__ import annotations

from typing import Annotated, Any

import msgspec
from msgspec import Meta

from hvmctl.api.actions import ActionRouter
from hvmctl.daemon import netmgr
from hvmctl.daemon.service import Daemon


LIVE = Meta(description="change the running guest only (virsh --live)")
CONFIG = Meta(description="change the managed definition only (virsh --config); both: both")


class NetworkBridgeRequest(msgspec.Struct, kw_only=True):
    args: Annotated[list[str], Meta(description="network-bridge's words: start|stop|status, then key=value")]
    force: Annotated[bool, Meta(description="stop even while guest interfaces are attached")] = False


class AttachRequest(msgspec.Struct, kw_only=True):
    spec: Annotated[list[str], Meta(description="vif key=value words (xm network-attach)")] = msgspec.field(
        default_factory=list)
    live: Annotated[bool, LIVE] = False
    config: Annotated[bool, CONFIG] = False


class DetachRequest(msgspec.Struct, kw_only=True):
    device: Annotated[str, Meta(description="device number (Idx) or MAC address")]
    force: bool = False
    timeout: Annotated[float, Meta(gt=0, le=600)] = 15.0
    live: Annotated[bool, LIVE] = False
    config: Annotated[bool, CONFIG] = False


class ForwardRequest(msgspec.Struct, kw_only=True):
    rule: Annotated[str, Meta(description="QEMU hostfwd rule, e.g. tcp::8080-:80")]
    device: Annotated[int | None, Meta(description="which user-mode NIC (default: the first)")] = None
    remove: bool = False


def router(daemon: Daemon) -> ActionRouter:
    act = ActionRouter()
    net = daemon.network

    @act("bridges")
    async def bridges() -> dict[str, Any]:
        return {"bridges": await net.bridges()}

    @act("network-bridge")
    async def network_bridge(req: NetworkBridgeRequest) -> dict[str, Any]:
        return await net.network_bridge(req.args, force=req.force)

    @act("network-settings")
    async def settings() -> dict[str, Any]:
        s = net.settings
        return {
            "network_script": s.network_script,
            "scripts_dir": str(s.scripts_dir),
            "default_bridge": s.default_bridge,
            "nat_fallback": s.nat_fallback,
            "script_results": net.script_results,
            "script_error": net.script_error,
        }

    @act("network-list")
    async def list_nics(ref: str) -> dict[str, Any]:
        dom = daemon.lookup(ref)
        return {"name": dom.name, "id": dom.domid, "nics": net.nics(dom)}

    @act("network-attach")
    async def attach(ref: str, req: AttachRequest) -> dict[str, Any]:
        dom = daemon.lookup(ref)
        return await netmgr.attach_scoped(net, dom, req.spec, daemon.all(), live=req.live, config=req.config)

    @act("network-detach")
    async def detach(ref: str, req: DetachRequest) -> dict[str, Any]:
        dom = daemon.lookup(ref)
        return await netmgr.detach_scoped(net, dom, req.device, force=req.force, timeout=req.timeout,
                                          live=req.live, config=req.config)

    @act("network-forward")
    async def forward(ref: str, req: ForwardRequest) -> dict[str, Any]:
        dom = daemon.lookup(ref)
        nic = await net.forward(dom, req.rule, index=req.device, remove=req.remove)
        return {"name": dom.name, "nic": nic}

    return act
