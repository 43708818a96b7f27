"""PCI passthrough's host side: the checks before a guest gets a host function, and what the
host offers (``xm pci-list-assignable-devices``).

Read from sysfs (``HVMCTL_SYSFS_ROOT``, default /sys: tests build a tree). A function can go
to a guest when the IOMMU is on (it has an ``iommu_group``), it is bound to ``vfio-pci``
(``xl pci-assignable-add`` binds it; hvmctl does not rebind host drivers behind the user's
back), and no other guest has it. A guest holding one is not migrated: its device stays here.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from hvmctl.config.model import DomainConfig
from hvmctl.errors import ConfigError, ConflictError, HostError, NotFoundError

VFIO = "vfio-pci"


def sysfs_root() -> Path:
    return Path(os.environ.get("HVMCTL_SYSFS_ROOT", "/sys"))


def _device(bdf: str) -> Path:
    return sysfs_root() / "bus" / "pci" / "devices" / bdf


def driver_of(bdf: str) -> str | None:
    link = _device(bdf) / "driver"
    return os.path.basename(os.readlink(link)) if link.is_symlink() else None


def iommu_group(bdf: str) -> str | None:
    link = _device(bdf) / "iommu_group"
    return os.path.basename(os.readlink(link)) if link.is_symlink() else None


def check(cfg: DomainConfig, others: Iterable[DomainConfig]) -> None:
    """Refuse, naming the device and the fix, before anything starts."""
    where = f"{cfg.source or '<config>'}" + (f":{cfg.line_of('pci')}" if cfg.line_of("pci") else "")
    held = holders(cfg.uuid, others)
    for bdf in cfg.pci:
        if not _device(bdf).exists():
            raise ConfigError(f"expected a host PCI device; {bdf} does not exist", file=cfg.source or "<config>",
                              line=cfg.line_of("pci"), key="pci")
        check_device(bdf, f"{where}: pci", held)


def holders(uuid: str | None, others: Iterable[DomainConfig]) -> dict[str, str]:
    """Host function -> the name of the other guest that has it."""
    return {bdf: o.name for o in others if o.uuid != uuid for bdf in o.pci}


def check_device(bdf: str, where: str, held: dict[str, str]) -> None:
    """One function's checks (create's and pci-attach's): present, free, IOMMU on, on vfio-pci."""
    if not _device(bdf).exists():
        raise NotFoundError(f"{where}: {bdf}: no such host PCI device")
    if bdf in held:
        raise ConflictError(f"{where}: {bdf} is already passed through to domain '{held[bdf]}'")
    if iommu_group(bdf) is None:
        raise HostError(f"{where}: {bdf}: the IOMMU is off (no iommu_group); boot the host with "
                        "intel_iommu=on or amd_iommu=on")
    driver = driver_of(bdf)
    if driver != VFIO:
        now = f"bound to driver '{driver}'" if driver else "bound to no driver"
        raise HostError(f"{where}: {bdf} is {now}; bind it to {VFIO} first (xl pci-assignable-add {bdf})")


def assignable() -> list[dict[str, Any]]:
    """Host functions bound to vfio-pci: what ``pci = [...]`` may name."""
    base = sysfs_root() / "bus" / "pci" / "devices"
    rows = []
    for dev in sorted(base.glob("*")) if base.is_dir() else []:
        if driver_of(dev.name) != VFIO:
            continue
        ids = []
        for name in ("vendor", "device"):
            try:
                ids.append((dev / name).read_text().strip().removeprefix("0x"))
            except OSError:
                ids.append("?")
        rows.append({"bdf": dev.name, "id": ":".join(ids), "iommu_group": iommu_group(dev.name)})
    return rows
