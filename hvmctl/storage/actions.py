"""The daemon's storage actions on running guests: block-attach/detach/list (hotplug) and
exporting a domain (paused, or ``--live`` through a temporary overlay).

Hot-plugged disks join the domain's config, so they are in its record: a daemon restart,
the guest's restart, conflict checks and export all know them, as xend kept them.
"""

from __future__ import annotations

import asyncio
import os
import threading
import time
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from hvmctl.config.keys import Mismatch
from hvmctl.config.model import DiskSpec, DomainConfig
from hvmctl.config.specs import parse_disk
from hvmctl.daemon import fdtable, hostcheck
from hvmctl.daemon.state import DomainState
from hvmctl.devices import disk as diskdev
from hvmctl.devices import layout, pci
from hvmctl.errors import ConfigError, ConflictError, HvmctlError, NotFoundError, QemuError, StateError, TimeoutError_
from hvmctl.storage import bundle as bundles
from hvmctl.storage import jobs

if TYPE_CHECKING:
    from hvmctl.daemon.domain import Domain
    from hvmctl.daemon.service import Daemon

UNPLUG_TIMEOUT = 30.0  # a TCG guest takes a few seconds to answer the ACPI eject
JOB_TIMEOUT = 600.0


# ---------------------------------------------------------------------------------------------
# hotplug


def parse_attach(uname: str, vdev: str, mode: str, *, hvm: bool) -> DiskSpec:
    """``xm block-attach DOM phy:/dev/sdb2 xvdb w`` -> DiskSpec."""
    try:
        disk, _ = parse_disk(f"{uname},{vdev},{mode}", hvm=hvm)
    except Mismatch as exc:
        raise ConfigError(f"block-attach: {exc.describe()}") from None
    if disk.empty or disk.devtype == "cdrom":
        raise ConfigError("block-attach: a cdrom is changed with the media commands, not attached")
    if disk.bus == "ide":
        raise ConfigError(f"block-attach: {vdev}: IDE disks cannot be hot-plugged; use xvdX (virtio) or sdX (SCSI)")
    return disk


def _check_attach(daemon: "Daemon", dom: "Domain", disk: DiskSpec) -> str:
    """Host checks and conflicts (the daemon's registry) for one new disk; returns its format."""
    from hvmctl.daemon.registry import disk_claims

    if any(d.vdev == disk.vdev for d in dom.config.disks):
        raise ConflictError(f"domain '{dom.name}' already has a disk {disk.vdev}")
    alone = replace(dom.config, disks=(disk,))
    claim = disk_claims([disk])
    if claim.disks[0].identity in {d.identity for d in disk_claims(dom.config.disks).disks}:
        raise ConflictError(f"{disk.target} is already attached to domain '{dom.name}'")
    formats = hostcheck.check_disks(alone)
    daemon.registry.check(claim, exclude=dom.config.uuid)  # the others: the registry's one check
    return formats[disk.vdev]


async def _peripherals(dom: "Domain") -> set[str]:
    items = await dom.qmp("qom-list", {"path": "/machine/peripheral"})
    return {str(i["name"]) for i in items}


async def block_attach(daemon: "Daemon", dom: "Domain", uname: str, vdev: str, mode: str) -> dict[str, Any]:
    if dom.state is DomainState.INACTIVE:
        return _attach_to_definition(daemon, dom, uname, vdev, mode)
    async with dom.lock:
        dom.require("hotplug")
        disk = parse_attach(uname, vdev, mode, hvm=dom.config.is_hvm)
        fmt = _check_attach(daemon, dom, disk)
        node = diskdev.node_name(disk.vdev)
        block = hostcheck.is_block_device(disk.target)  # a loop device's identity is its file's
        # the slots this attach takes (the controller's too, if it makes one): recorded in
        # the live definition with the disk, so every later argv puts them where they are now
        where = f"domain '{dom.name}'"
        slots = layout.pin(dom.config).slots  # a record from before slots were kept: as QEMU chose
        # the daemon opens the image; QEMU gets the fds (add-fd) and opens /dev/fdset/N
        key = f"disk:{disk.vdev}"
        file = await fdtable.add_fdset(dom, key, disk.target, fdtable.disk_flags(disk))
        try:
            await dom.qmp("blockdev-add", diskdev.blockdev_props(disk, fmt, block_device=block, file=file))
        except BaseException:
            await fdtable.remove_fdsets(dom, key)
            raise
        try:
            if disk.bus == "scsi" and diskdev.SCSI_CONTROLLER not in await _peripherals(dom):
                slots = pci.assign(slots, [diskdev.SCSI_CONTROLLER], where)
                await dom.qmp("device_add", diskdev.controller_props(slots))
            if disk.bus == "virtio":
                slots = pci.assign(slots, [disk.vdev], where)
            await dom.qmp("device_add", diskdev.device_props(disk, slots))
        except BaseException:
            try:
                await dom.qmp("blockdev-del", {"node-name": node})
                await fdtable.remove_fdsets(dom, key)
            except HvmctlError:
                pass
            raise
        dom.config = replace(dom.config, disks=dom.config.disks + (disk,), slots=slots)
        daemon.persist(dom)
    return {"name": dom.name, "vdev": disk.vdev, "target": disk.target, "mode": disk.mode, "format": fmt}


def _attach_to_definition(daemon: "Daemon", dom: "Domain", uname: str, vdev: str, mode: str) -> dict[str, Any]:
    """An inactive managed domain: the disk goes into its definition only (virsh's
    ``--config``, xl's change of an inactive domain); it is there at the next start. Its
    image must exist; who else uses it is checked then, as for any start."""
    disk = parse_attach(uname, vdev, mode, hvm=dom.config.is_hvm)
    if any(d.vdev == disk.vdev for d in dom.config.disks):
        raise ConflictError(f"domain '{dom.name}' already has a disk {disk.vdev}")
    fmt = hostcheck.check_disks(replace(dom.config, disks=(disk,)))[disk.vdev]
    dom.config = replace(dom.config, disks=dom.config.disks + (disk,))
    daemon.persist(dom)
    return {"name": dom.name, "vdev": disk.vdev, "target": disk.target, "mode": disk.mode, "format": fmt,
            "result": "added to the definition"}


NODE_RELEASE_TIMEOUT = 5.0  # seconds a detached device's block node may stay in use


async def _delete_node(dom: "Domain", node: str) -> None:
    """``blockdev-del`` of a hot-plugged disk's node. The device leaves QEMU's tree a moment
    before it lets go of its node, and a node still in use refuses: without a retry the
    node (and the image's fd) stayed open for the guest's life. A boot-time ``-drive`` has
    no such node: it went away with its device."""
    deadline = time.monotonic() + NODE_RELEASE_TIMEOUT
    while True:
        try:
            await dom.qmp("blockdev-del", {"node-name": node})
            return
        except QemuError as exc:
            absent = any(word in exc.message.lower() for word in ("find", "found"))  # QEMU: "Failed to find node"
            if absent or time.monotonic() > deadline:
                return  # no such node (a -drive), or still held: its fd set is given back anyway
            await asyncio.sleep(0.05)


async def block_detach(daemon: "Daemon", dom: "Domain", vdev: str, timeout: float = UNPLUG_TIMEOUT) -> dict[str, Any]:
    if dom.state is DomainState.INACTIVE:  # the definition only (see _attach_to_definition)
        disk = next((d for d in dom.config.disks if d.vdev == vdev), None)
        if disk is None:
            raise NotFoundError(f"domain '{dom.name}' has no disk {vdev}")
        dom.config = replace(dom.config, disks=tuple(d for d in dom.config.disks if d.vdev != vdev),
                             slots={k: v for k, v in dom.config.slots.items() if k != vdev})
        daemon.persist(dom)
        return {"name": dom.name, "vdev": vdev, "target": disk.target, "result": "removed from the definition"}
    async with dom.lock:
        dom.require("hotplug")
        disk = next((d for d in dom.config.disks if d.vdev == vdev), None)
        if disk is None:
            raise NotFoundError(f"domain '{dom.name}' has no disk {vdev}")
        if disk.bus == "ide":
            raise ConfigError(f"block-detach: {vdev}: IDE disks cannot be hot-unplugged")
        if vdev in await _peripherals(dom):
            await dom.qmp("device_del", {"id": vdev})
            deadline = time.monotonic() + timeout
            while vdev in await _peripherals(dom):
                if time.monotonic() > deadline:
                    raise TimeoutError_(f"domain '{dom.name}' did not release {vdev} within {timeout:.0f} s "
                                        "(the guest must support PCI hot-unplug)")
                await asyncio.sleep(0.1)
        await _delete_node(dom, f"drive-{vdev}")
        await fdtable.remove_fdsets(dom, f"disk:{vdev}")  # its fds: QEMU closes them now
        # the controller of an sdX stays (the guest has it; a migration stream carries it)
        dom.config = replace(dom.config, disks=tuple(d for d in dom.config.disks if d.vdev != vdev),
                             slots={k: v for k, v in dom.config.slots.items() if k != vdev})
        daemon.persist(dom)
    return {"name": dom.name, "vdev": vdev, "target": disk.target}


async def block_list(dom: "Domain") -> list[dict[str, Any]]:
    """The domain's disks, with what QEMU has open for each while it runs."""
    live: dict[str, dict[str, Any]] = {}
    if dom.monitor is not None:
        try:
            for blk in await dom.qmp("query-block"):
                qdev = str(blk.get("qdev") or "")
                name = qdev.split("/")[3] if qdev.startswith("/machine/peripheral/") else qdev
                live[name] = blk
        except HvmctlError:
            pass
    rows = []
    for disk in sorted(dom.config.disks, key=lambda d: (len(d.vdev), d.vdev)):
        blk = live.get(disk.vdev, {})
        inserted = blk.get("inserted") or {}
        rows.append({"vdev": disk.vdev, "target": disk.target, "mode": disk.mode, "devtype": disk.devtype,
                     "backend": disk.backend, "bus": disk.bus,
                     "format": inserted.get("drv") or disk.format,
                     "attached": bool(blk), "read_only": bool(inserted.get("ro", disk.readonly))})
    return rows


# ---------------------------------------------------------------------------------------------
# export of a known domain


def _profile_text(dom: "Domain") -> tuple[str, str]:
    """The profile to pack: the domain's own file when it still describes this guest (it
    keeps the user's comments), else the config as running (hot-plugged disks, the UUID and
    MACs the toolstack filled in)."""
    from hvmctl.config import parse_profile, write_xm

    cfg = dom.config
    name = os.path.basename(dom.profile_path) if dom.profile_path else cfg.name
    if dom.profile_path:
        try:
            text = Path(dom.profile_path).read_text()
            saved = parse_profile(text, filename=dom.profile_path).config
            same = (saved.uuid == cfg.uuid and saved.disks == cfg.disks and saved.name == cfg.name
                    and [v.mac for v in saved.vifs] == [v.mac for v in cfg.vifs])
            if same:
                return name, text
        except (OSError, HvmctlError):
            pass
    return name, write_xm(cfg)


def _nvram_image(daemon: "Daemon", dom: "Domain") -> list[bundles.ExportImage]:
    """An OVMF guest's UEFI variable store travels in its bundle (``import`` installs it)."""
    from hvmctl.daemon import statefiles

    if dom.config.bios != "ovmf":
        return []
    path = statefiles.nvram_path(daemon.paths, dom.uuid)
    if not path.exists():
        return []
    return [bundles.ExportImage(f"{dom.name}_VARS.fd", "nvram", str(path), "raw", kind="nvram")]


RUNNING_STATES = (DomainState.RUNNING, DomainState.STARTING, DomainState.MIGRATING, DomainState.SAVING)


def check_exportable(dom: "Domain", live: bool) -> None:
    if dom.state in RUNNING_STATES and not live:
        raise StateError(f"domain '{dom.name}' is {dom.state.value}; pause it first (xm pause) or export with "
                         "--live for a consistent copy while it runs")
    if dom.state is DomainState.DYING:
        raise StateError(f"domain '{dom.name}' is dying; cannot export it")


async def export_domain(daemon: "Daemon", dom: "Domain", out: str, *, live: bool, force: bool,
                        progress: Callable[[int, int], None], cancel: threading.Event) -> dict[str, Any]:
    """Pack a domain. Paused or stopped: its images as they are. Live: a brief QMP
    transaction puts every writable disk on a temporary overlay, the now-stable images are
    packed while the guest writes to the overlays, and an active commit folds them back."""

    def tick(done: int, total: int) -> None:
        if cancel.is_set():
            raise HvmctlError("export cancelled")
        progress(done, total)

    async with dom.lock:
        check_exportable(dom, live)
        profile_name, text = _profile_text(dom)
        images, notes = bundles.export_plan(dom.config)
        images += _nvram_image(daemon, dom)
        extra = {"domain": {"name": dom.name, "uuid": dom.uuid, "state": dom.state.value, "live": False}}
        running = dom.state in RUNNING_STATES and dom.monitor is not None
        if not (live and running):
            result = await asyncio.to_thread(bundles.write_bundle, out, profile_name=profile_name, profile_text=text,
                                             images=images, force=force, progress=tick, extra=extra)
        else:
            extra["domain"]["live"] = True
            overlays = await _freeze(dom, images)
            try:
                result = await asyncio.to_thread(bundles.write_bundle, out, profile_name=profile_name,
                                                 profile_text=text, images=images, force=force, progress=tick,
                                                 extra=extra)
            finally:
                await _thaw(dom, overlays)
    result["notes"] = notes
    return result


async def _node_of(dom: "Domain", vdev: str) -> str:
    for blk in await dom.qmp("query-block"):
        qdev = str(blk.get("qdev") or "")
        if qdev == vdev or qdev.startswith(f"/machine/peripheral/{vdev}/"):
            node = (blk.get("inserted") or {}).get("node-name")
            if node:
                return str(node)
    raise QemuError(f"domain '{dom.name}': QEMU has no open image for {vdev}")


async def _freeze(dom: "Domain", images: list[bundles.ExportImage]) -> list[tuple[str, str, str]]:
    """One transaction: every packed disk gets an overlay at the same instant, so the copy is
    consistent across disks. Returns (vdev, base node, overlay file)."""
    assert dom.runtime is not None
    plan = []
    actions = []
    for image in images:
        base = await _node_of(dom, image.vdev)
        overlay = os.path.join(dom.runtime.run_dir, f"export-{image.vdev}.qcow2")
        if os.path.exists(overlay):
            raise ConflictError(f"{overlay} exists: an earlier live export of '{dom.name}' did not finish")
        plan.append((image.vdev, base, overlay))
        actions.append({"type": "blockdev-snapshot-sync",
                        "data": {"node-name": base, "snapshot-file": overlay, "format": "qcow2",
                                 "snapshot-node-name": f"export-{image.vdev}", "mode": "absolute-paths"}})
    if actions:
        await dom.qmp("transaction", {"actions": actions})
    return plan


def _point_at_image(dom: "Domain", vdev: str, overlay: str) -> None:
    """Worker thread: the overlay QEMU made names its base as QEMU knew it -- /dev/fdset/N
    when the daemon passed the image -- so an offline commit is told the image's path."""
    from hvmctl.storage.images import detect_format, run_qemu_img

    disk = next((d for d in dom.config.disks if d.vdev == vdev), None)
    if disk is None:
        return
    fmt = disk.format or ("raw" if disk.backend == "phy" else detect_format(disk.target))
    run_qemu_img(["rebase", "-q", "-u", "-f", "qcow2", "-b", disk.target, "-F", fmt, overlay], JOB_TIMEOUT)


async def _thaw(dom: "Domain", plan: list[tuple[str, str, str]]) -> None:
    """Fold each overlay back into its image (active commit), then delete it. If QEMU is gone
    meanwhile, commit the overlay offline so no write the guest made is lost."""
    from hvmctl.storage.images import run_qemu_img

    failures = []
    for vdev, base, overlay in plan:
        job = f"export-commit-{vdev}"
        try:
            await dom.qmp("block-commit", {"job-id": job, "device": f"export-{vdev}", "base-node": base,
                                           "auto-dismiss": False})
            await _finish_job(dom, job)
            os.unlink(overlay)
        except HvmctlError as exc:
            if dom.process is None or not dom.process.alive:
                try:
                    await asyncio.to_thread(_point_at_image, dom, vdev, overlay)
                    await asyncio.to_thread(run_qemu_img, ["commit", "-q", "-f", "qcow2", overlay], JOB_TIMEOUT)
                    os.unlink(overlay)
                    continue
                except HvmctlError as offline:
                    exc = offline
            failures.append(f"{vdev}: {exc} (the guest's recent writes are in {overlay})")
    if failures:
        raise QemuError("live export: could not fold the overlays back: " + "; ".join(failures))


async def _finish_job(dom: "Domain", job: str) -> None:
    """Wait for a commit job (the one job loop: storage/jobs.py)."""
    await jobs.finish_job(dom, job, JOB_TIMEOUT)


# ---- --live / --config (daemon/scope.py) ---------------------------------------------------
def disk_added(dom: "Domain", uname: str, vdev: str, mode: str) -> Callable[[DomainConfig], DomainConfig]:
    """block-attach of a definition: the disk is in it from the next start (its image must
    exist; who else uses it is checked then, as for any start)."""
    disk = parse_attach(uname, vdev, mode, hvm=dom.config.is_hvm)

    def change(cfg: DomainConfig) -> DomainConfig:
        if any(d.vdev == disk.vdev for d in cfg.disks):
            raise ConflictError(f"the definition of domain '{dom.name}' already has a disk {disk.vdev}")
        hostcheck.check_disks(replace(cfg, disks=(disk,)))
        return replace(cfg, disks=cfg.disks + (disk,))
    return change


def disk_removed(dom: "Domain", vdev: str) -> Callable[[DomainConfig], DomainConfig]:
    def change(cfg: DomainConfig) -> DomainConfig:
        if not any(d.vdev == vdev for d in cfg.disks):
            raise NotFoundError(f"the definition of domain '{dom.name}' has no disk {vdev}")
        return replace(cfg, disks=tuple(d for d in cfg.disks if d.vdev != vdev),
                       slots={k: v for k, v in cfg.slots.items() if k != vdev})
    return change


async def block_attach_scoped(daemon: "Daemon", dom: "Domain", uname: str, vdev: str, mode: str, *,
                              live: bool = False, config: bool = False) -> dict[str, Any]:
    from hvmctl.daemon import scope

    where = scope.resolve(dom, "block-attach", live=live, config=config)
    result = await scope.apply(dom, where, lambda: block_attach(daemon, dom, uname, vdev, mode),
                               disk_added(dom, uname, vdev, mode))
    return {"vdev": vdev} | result


async def block_detach_scoped(daemon: "Daemon", dom: "Domain", vdev: str, timeout: float = UNPLUG_TIMEOUT, *,
                              live: bool = False, config: bool = False) -> dict[str, Any]:
    from hvmctl.daemon import scope

    where = scope.resolve(dom, "block-detach", live=live, config=config)
    result = await scope.apply(dom, where, lambda: block_detach(daemon, dom, vdev, timeout), disk_removed(dom, vdev))
    return {"vdev": vdev} | result
