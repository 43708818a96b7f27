"""The daemon's side of host networking: how each vif of a starting guest reaches the host
(a tap on a bridge, or user-mode NAT when no bridge exists), and cleaning up after it."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from hvmctl.paths import Paths
from hvmctl.qemu.argv import NicPlan

if TYPE_CHECKING:
    from hvmctl.daemon.domain import Domain


class NetworkManager:
    def __init__(self, paths: Paths) -> None:
        self.paths = paths

    async def start(self) -> None:
        """Daemon start: bring up configured bridges, remove taps nobody owns any more."""
        return None

    async def plan_nics(self, dom: "Domain", domid: int) -> tuple[NicPlan, ...]:
        plans = []
        for index, vif in enumerate(dom.config.vifs):
            assert vif.mac is not None  # assigned at create
            bridge = vif.bridge or "xenbr0"
            if Path(f"/sys/class/net/{bridge}/bridge").is_dir():
                plans.append(NicPlan(index, vif.mac, vif.nic_model, "bridge", vif.vifname or f"vif{domid}.{index}"))
            else:
                plans.append(NicPlan(index, vif.mac, vif.nic_model, "user"))
        return tuple(plans)

    async def release(self, dom: "Domain") -> None:
        """The guest's QEMU is gone: remove its taps."""
        return None
