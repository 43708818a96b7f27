"""``xl pci-assignable-add`` / ``pci-assignable-remove``: hand a host PCI function to
vfio-pci (so ``pci = [...]`` and ``pci-attach`` may use it) and give it back.

Through sysfs (``HVMCTL_SYSFS_ROOT``) as the kernel documents it: ``driver_override`` names
vfio-pci, the function is unbound from its driver and re-probed. The driver it had is kept
in the daemon's state dir (``pci-assignable.json``), so remove binds it back to that driver.
A function a running guest holds is neither taken nor given back."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

from hvmctl.daemon import passthrough
from hvmctl.daemon.passthrough import VFIO, driver_of, sysfs_root
from hvmctl.errors import ConflictError, HostError, NotFoundError

RECORD = "pci-assignable.json"


def write(path: Path, text: str) -> None:
    """One sysfs write (a function of its own: tests stand in for the kernel here)."""
    try:
        with open(path, "w") as f:
            f.write(text)
    except OSError as exc:
        raise HostError(f"cannot write {text.strip()!r} to {path}: {exc.strerror or exc}") from None


def _record(state_dir: Path) -> dict[str, str]:
    try:
        data = json.loads((state_dir / RECORD).read_text())
    except (OSError, ValueError):
        return {}
    return {str(k): str(v) for k, v in data.items()} if isinstance(data, dict) else {}


def _save(state_dir: Path, record: dict[str, str]) -> None:
    tmp = state_dir / (RECORD + ".tmp")
    tmp.write_text(json.dumps(record, indent=1, sort_keys=True))
    os.replace(tmp, state_dir / RECORD)


def _dev(bdf: str) -> Path:
    dev = sysfs_root() / "bus" / "pci" / "devices" / bdf
    if not dev.exists():
        raise NotFoundError(f"{bdf}: no such host PCI device")
    return dev


def add(state_dir: Path, bdf: str, held: dict[str, str]) -> dict[str, Any]:
    """Bind ``bdf`` to vfio-pci, remembering the driver it had."""
    dev = _dev(bdf)
    if bdf in held:
        raise ConflictError(f"pci-assignable-add: {bdf} is passed through to domain '{held[bdf]}'")
    old = driver_of(bdf)
    if old == VFIO:
        return {"bdf": bdf, "driver": VFIO, "previous": _record(state_dir).get(bdf), "changed": False}
    if passthrough.iommu_group(bdf) is None:
        raise HostError(f"pci-assignable-add: {bdf}: the IOMMU is off (no iommu_group); boot the host with "
                        "intel_iommu=on or amd_iommu=on")
    if not (sysfs_root() / "bus" / "pci" / "drivers" / VFIO).is_dir():
        raise HostError(f"pci-assignable-add: the {VFIO} driver is not loaded (modprobe {VFIO})")
    record = _record(state_dir)
    if old is not None:
        record[bdf] = old
        _save(state_dir, record)  # before the unbind: a crash after it still knows the driver
    write(dev / "driver_override", VFIO)
    if old is not None:
        write(dev / "driver" / "unbind", bdf)
    write(sysfs_root() / "bus" / "pci" / "drivers_probe", bdf)
    now = driver_of(bdf)
    if now != VFIO:
        raise HostError(f"pci-assignable-add: {bdf} did not bind to {VFIO} (bound to {now or 'no driver'}); "
                        "see the kernel log")
    return {"bdf": bdf, "driver": VFIO, "previous": old, "changed": True}


def remove(state_dir: Path, bdf: str, held: dict[str, str], *, rebind: bool = True) -> dict[str, Any]:
    """Unbind ``bdf`` from vfio-pci and give it back to the driver it had (or the kernel's choice)."""
    dev = _dev(bdf)
    if bdf in held:
        raise ConflictError(f"pci-assignable-remove: {bdf} is passed through to domain '{held[bdf]}'; "
                            "detach it first (xm pci-detach)")
    if driver_of(bdf) != VFIO:
        raise ConflictError(f"pci-assignable-remove: {bdf} is not bound to {VFIO} "
                            f"(bound to {driver_of(bdf) or 'no driver'})")
    record = _record(state_dir)
    old = record.get(bdf)
    write(dev / "driver_override", "\n")  # an empty override: any driver may take it again
    write(dev / "driver" / "unbind", bdf)
    if rebind:
        bind = sysfs_root() / "bus" / "pci" / "drivers" / old / "bind" if old else None
        if bind is not None and bind.parent.is_dir():
            write(bind, bdf)
        else:
            write(sysfs_root() / "bus" / "pci" / "drivers_probe", bdf)
    if bdf in record:
        del record[bdf]
        _save(state_dir, record)
    return {"bdf": bdf, "driver": driver_of(bdf), "previous": old, "changed": True}
