"""``xm pci-attach`` / ``xm pci-detach``: a host PCI function hot-plugged into (or out of) a
running guest on vfio-pci, with create's host checks (hvmctl.daemon.passthrough).

The live definition follows each step: ``config.pci`` and the device's pinned slot, so a
restart gets the same device at the same slot, and save/migrate refuse the guest exactly
while it holds one."""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Iterable
from dataclasses import replace
from typing import TYPE_CHECKING, Any

from hvmctl.config.keys import Mismatch
from hvmctl.config.pcispec import parse_pci
from hvmctl.daemon import passthrough
from hvmctl.daemon.state import DomainState
from hvmctl.devices import layout, pci
from hvmctl.errors import ConfigError, ConflictError, HvmctlError, NotFoundError, QemuError, TimeoutError_

if TYPE_CHECKING:
    from hvmctl.daemon.domain import Domain

log = logging.getLogger(__name__)

#: how long a guest may take to let go of a device after device_del (ACPI eject)
DETACH_TIMEOUT = 30.0


def parse_bdf(text: str, verb: str) -> str:
    """``[DDDD:]BB:DD.F`` -> ``0000:01:00.0`` (no options: this is one device on a command line)."""
    try:
        bdfs, notes = parse_pci([text])
    except Mismatch as exc:
        raise ConfigError(f"{verb}: {exc.describe()}") from None
    if notes or "@" in text:
        raise ConfigError(f"{verb}: expected a bare PCI address [DDDD:]BB:DD.F; got {text!r}")
    return bdfs[0]


def parse_vslot(text: str | int | None, verb: str) -> int | None:
    """xm's VSLOT: the guest slot on pci.0, hexadecimal as xm printed it (``0x5`` or ``5``)."""
    if text is None or text == "":
        return None
    try:
        slot = text if isinstance(text, int) else int(str(text), 16)
    except ValueError:
        raise ConfigError(f"{verb}: expected a virtual slot in hex (e.g. 0x5); got {text!r}") from None
    if not pci.FIRST_SLOT <= slot <= pci.LAST_SLOT:
        raise ConfigError(f"{verb}: virtual slot {pci.addr(slot)} is outside {pci.addr(pci.FIRST_SLOT)}.."
                          f"{pci.addr(pci.LAST_SLOT)}")
    return slot


def _running(dom: "Domain") -> None:
    dom.require("hotplug")
    if dom.runtime is None or dom.monitor is None:
        raise HvmctlError(f"domain '{dom.name}' has no running QEMU")


async def attach(dom: "Domain", bdf_text: str, vslot: str | int | None,
                 known: Iterable["Domain"]) -> dict[str, Any]:
    """Check the function as create does, give it a slot (VSLOT or the lowest free), device_add."""
    bdf = parse_bdf(bdf_text, "pci-attach")
    slot = parse_vslot(vslot, "pci-attach")
    others = [d.config for d in known if d is not dom
              and d.state not in (DomainState.INACTIVE, DomainState.SUSPENDED)]
    async with dom.lock:
        _running(dom)
        if bdf in dom.config.pci:
            raise ConflictError(f"pci-attach: {bdf} is already passed through to domain '{dom.name}'")
        passthrough.check_device(bdf, f"pci-attach {dom.name}", passthrough.holders(dom.config.uuid, others))
        dev_id = layout.hostdev_id(bdf)
        slots = dict(layout.pin(dom.config).slots)
        if slot is not None:
            holder = [k for k, v in slots.items() if v == slot]
            if holder:
                raise ConflictError(f"pci-attach: virtual slot {pci.addr(slot)} of domain '{dom.name}' is "
                                    f"taken by {holder[0]}")
            slots[dev_id] = slot
        else:
            slots = pci.assign(slots, [dev_id], where=f"domain '{dom.name}'")
        _grant_vfio(dom, bdf)
        await dom.qmp("device_add", {"driver": passthrough.VFIO, "host": bdf, "id": dev_id,
                                     **pci.bus_props(slots, dev_id)})
        dom.config = replace(dom.config, pci=dom.config.pci + (bdf,), slots=slots)
        dom.host.persist(dom)
        log.info("domain %s: attached host PCI %s at slot %s", dom.name, bdf, pci.addr(slots[dev_id]))
        return {"name": dom.name, "bdf": bdf, "id": dev_id, "slot": slots[dev_id]}


def _grant_vfio(dom: "Domain", bdf: str) -> None:
    """What QEMU opens by name for vfio-pci, as create gives it (qemu/hostpaths.py): the
    group's node for its uid, and in its mount namespace the vfio nodes and /sys."""
    from hvmctl.qemu.hostpaths import HostPath

    group = passthrough.iommu_group(bdf)
    items = [HostPath(f"/dev/vfio/{group}", "rw")] if group is not None else []
    dom.host.grant_paths(dom, [*items, HostPath("/dev/vfio/vfio", "rw")])
    dom.host.bind_paths(dom, [HostPath("/sys", "r")])  # world-readable: nothing to grant


async def detach(dom: "Domain", bdf_text: str, *, timeout: float = DETACH_TIMEOUT) -> dict[str, Any]:
    """device_del, wait for the guest to let go (ACPI eject), then drop it from the definition."""
    bdf = parse_bdf(bdf_text, "pci-detach")
    async with dom.lock:
        _running(dom)
        if bdf not in dom.config.pci:
            raise NotFoundError(f"pci-detach: domain '{dom.name}' has no host PCI device {bdf}")
        dev_id = layout.hostdev_id(bdf)
        try:
            await dom.qmp("device_del", {"id": dev_id})
        except QemuError as exc:
            if "DeviceNotFound" not in exc.message:
                raise
        if not await _gone(dom, dev_id, timeout):
            raise TimeoutError_(f"domain '{dom.name}': the guest did not release host PCI device {bdf} within "
                                f"{timeout:.0f} s (no ACPI PCI hotplug in the guest?); it is still attached")
        slot = dom.config.slots.get(dev_id)
        dom.config = replace(dom.config, pci=tuple(b for b in dom.config.pci if b != bdf),
                             slots={k: v for k, v in dom.config.slots.items() if k != dev_id})
        dom.host.persist(dom)
        log.info("domain %s: detached host PCI %s", dom.name, bdf)
        return {"name": dom.name, "bdf": bdf, "id": dev_id, "slot": slot}


async def _gone(dom: "Domain", dev_id: str, timeout: float) -> bool:
    from hvmctl.daemon.netmgr import _pci_devices

    deadline = time.monotonic() + timeout
    while True:
        buses = await dom.qmp("query-pci")
        if dev_id not in {d.get("qdev_id") for bus in buses for d in _pci_devices(bus.get("devices", []))}:
            return True
        if time.monotonic() > deadline:
            return False
        await asyncio.sleep(0.1)
