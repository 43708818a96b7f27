"""API routes for host networking: bridges (``brctl show``), Xen's ``network-bridge``, and
a running guest's NICs (``network-list``, ``network-attach``, ``network-detach``, NAT
port forwards)."""

from __future__ import annotations

from typing import Any

from hvmctl.api.actions import ActionRouter
from pydantic import BaseModel, Field

from hvmctl.daemon import netmgr
from hvmctl.daemon.service import Daemon


class NetworkBridgeRequest(BaseModel):
    args: list[str] = Field(description="network-bridge's words: start|stop|status, then key=value")
    force: bool = Field(default=False, description="stop even while guest interfaces are attached")


class AttachRequest(BaseModel):
    spec: list[str] = Field(default_factory=list, description="vif key=value words (xm network-attach)")
    live: bool = Field(default=False, description="change the running guest only (virsh --live)")
    config: bool = Field(default=False, description="change the managed definition only (virsh --config); both: both")


class DetachRequest(BaseModel):
    device: str = Field(description="device number (Idx) or MAC address")
    force: bool = False
    timeout: float = Field(default=15.0, gt=0, le=600)
    live: bool = Field(default=False, description="change the running guest only (virsh --live)")
    config: bool = Field(default=False, description="change the managed definition only (virsh --config); both: both")


class ForwardRequest(BaseModel):
    rule: str = Field(description="QEMU hostfwd rule, e.g. tcp::8080-:80")
    device: int | None = Field(default=None, description="which user-mode NIC (default: the first)")
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
