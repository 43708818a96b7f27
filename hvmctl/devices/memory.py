"""Memory and the balloon, as libvirt's currentMemory: a guest whose ``maxmem`` is above
``memory`` starts with ``-m MAXMEM`` and a virtio-balloon inflated to ``memory`` at once, so
``mem-set`` can give it anything up to ``maxmem``. In the live definition ``memory`` is the
current balloon target; the balloon, once there, stays (its slot is recorded)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from hvmctl.config.model import DomainConfig
from hvmctl.devices import Props, render
from hvmctl.devices import pci

BALLOON_ID = "balloon0"


def has_balloon(cfg: DomainConfig) -> bool:
    return bool(cfg.maxmem and cfg.maxmem > cfg.memory) or BALLOON_ID in cfg.slots


def boot_mib(cfg: DomainConfig) -> int:
    """What QEMU gives the guest (``-m``): its most when it has a balloon."""
    return max(cfg.memory, cfg.maxmem or 0) if has_balloon(cfg) else cfg.memory


def needs_target_at_start(cfg: DomainConfig) -> bool:
    """A fresh boot (not a restore: the stream carries the balloon) must be ballooned down."""
    return has_balloon(cfg) and cfg.memory < boot_mib(cfg)


def pci_ids(cfg: DomainConfig) -> list[str]:
    return [BALLOON_ID] if has_balloon(cfg) else []


def memory_args(cfg: DomainConfig) -> list[str]:
    return ["-m", f"{boot_mib(cfg)}M"]


def balloon_props(slots: Mapping[str, int]) -> Props:
    return {"driver": "virtio-balloon-pci", "id": BALLOON_ID, **pci.bus_props(slots, BALLOON_ID)}


def balloon_args(cfg: DomainConfig, slots: Mapping[str, int]) -> list[str]:
    return ["-device", render(balloon_props(slots))] if has_balloon(cfg) else []


def target_args(mib: int) -> dict[str, Any]:
    """QMP ``balloon``: the memory the guest should have, in bytes."""
    return {"value": mib << 20}
