"""API routes for removable media: change, eject and insert the CD of a running guest.

What xm offered as ``block-configure DOM UNAME hdc:cdrom r`` (the seed swaps the install
ISO for a driver CD without restarting the guest). QEMU does the work with
``blockdev-change-medium`` and ``eject`` on the guest's own connection; the domain's
recorded config follows, so a restart (on_reboot) or a daemon that re-attaches knows which
medium is in the drive now -- the profile on disk is never edited.
"""

from __future__ import annotations

import dataclasses
import logging
import os
from typing import Annotated, Any

import msgspec
from msgspec import Meta

from hvmctl.api.actions import ActionRouter
from hvmctl.api.messages import Request
from hvmctl.api.pathguard import guard_use
from hvmctl.config.model import DiskSpec, DomainConfig
from hvmctl.daemon import fdtable
from hvmctl.daemon.domain import Domain
from hvmctl.daemon.service import Daemon
from hvmctl.devices import cdrom
from hvmctl.errors import ConfigError, ConflictError, NotFoundError, QemuError, StateError

log = logging.getLogger("hvmctl.media")


class BlockConfigureRequest(msgspec.Struct, kw_only=True):
    uname: Annotated[str, Meta(description="the new medium: 'file:/path.iso', 'phy:/dev/sr0', or 'file:' to eject")]
    vdev: Annotated[str, Meta(description="the guest device, e.g. 'hdc' or 'hdc:cdrom'")]
    mode: Annotated[str, Meta(description="access mode; removable media are read-only")] = "r"
    force: Annotated[bool, Meta(description="take the old medium out even if the guest locked the tray")] = False


class EjectRequest(msgspec.Struct, kw_only=True):
    vdev: str
    force: Annotated[bool, Meta(description="eject even if the guest locked the tray")] = False


class InsertRequest(msgspec.Struct, kw_only=True):
    vdev: str
    path: Annotated[str, Meta(description="absolute path of the image to insert (on the daemon's host)")]
    format: Annotated[str | None, Meta(description="image format; detected from the file when absent")] = None
    force: bool = False


# ---- pure helpers (no I/O, no QEMU) ------------------------------------------------------------
def parse_medium(uname: str, vdev: str, mode: str) -> DiskSpec:
    """xm's ``UNAME VDEV MODE`` triple as a DiskSpec, by the profile's own disk parser, so
    ``file:``, ``phy:``, ``tap:aio:`` and ``hdc:cdrom`` mean what they mean in a profile."""
    from hvmctl.config.keys import Mismatch
    from hvmctl.config.specs import parse_disk

    if mode.strip() not in ("r", "ro"):
        raise ConfigError(f"block-configure: removable media are read-only; mode {mode!r} refused (use r)")
    bare = vdev.removeprefix("ioemu:")
    front = bare if ":" in bare else f"{bare}:cdrom"
    try:
        spec, _notes = parse_disk(f"{uname},{front},{mode}")
    except Mismatch as exc:
        raise ConfigError(f"block-configure: {exc.describe()}") from None
    if spec.devtype != "cdrom":
        raise ConfigError(f"block-configure: {spec.vdev} must be a cdrom (hdX:cdrom); disks cannot change medium")
    return spec


def find_cdrom(cfg: DomainConfig, vdev: str) -> DiskSpec:
    """The domain's removable drive ``vdev`` (``hdc`` or ``hdc:cdrom``)."""
    name = vdev.removeprefix("ioemu:").split(":")[0]
    for disk in cfg.disks:
        if disk.vdev == name:
            if disk.devtype != "cdrom":
                raise ConfigError(f"domain '{cfg.name}': {name} is a hard disk, not a cdrom drive; "
                                  "only removable media can be changed")
            return disk
    drives = ", ".join(d.vdev for d in cfg.disks if d.devtype == "cdrom") or "none"
    raise NotFoundError(f"domain '{cfg.name}' has no device {name} (its cdrom drives: {drives})")


def with_medium(cfg: DomainConfig, vdev: str, medium: DiskSpec | None) -> DomainConfig:
    """``cfg`` with the drive ``vdev`` holding ``medium`` (None: empty), everything else kept."""
    disks = []
    for disk in cfg.disks:
        if disk.vdev == vdev:
            if medium is None:
                disk = dataclasses.replace(disk, target="", format=None, backend="file")
            else:
                disk = dataclasses.replace(disk, target=medium.target, format=medium.format,
                                           backend=medium.backend, mode="r")
        disks.append(disk)
    return dataclasses.replace(cfg, disks=tuple(disks))


# ---- the actions ------------------------------------------------------------------------------
def _check_image(daemon: Daemon, spec: DiskSpec) -> str:
    """The image exists, is readable, is nobody's writable disk; returns its format.

    A detected qcow2 that names a backing or data file is refused, as at start
    (hostcheck.check_disks): following it would hand the guest a host file."""
    from hvmctl.daemon.registry import disk_claims
    from hvmctl.storage.images import detect_format, qcow2_external_refs

    path = spec.target
    if not os.path.isabs(path):
        raise ConfigError(f"{path}: the medium must be given as an absolute path")
    if not os.path.exists(path):
        raise NotFoundError(f"{path}: no such file or device")
    if os.path.isdir(path):
        raise ConfigError(f"{path}: is a directory, not an image")
    if not os.access(path, os.R_OK):
        raise ConfigError(f"{path}: permission denied for reading")
    daemon.registry.check(disk_claims([spec]))  # every domain, this one too: no CD of a writable disk
    if spec.backend == "phy":
        return "raw"
    if spec.format:
        return spec.format
    fmt = detect_format(path)
    refs = qcow2_external_refs(path) if fmt != "raw" else []
    if refs:
        raise ConfigError(f"{path}: image has a qcow2 header naming {' and '.join(refs)}; refusing to follow it "
                          "on a detected format -- give --format qcow2 if that is intended")
    return fmt


def _is_block(path: str) -> bool:
    from hvmctl.daemon.hostcheck import is_block_device

    return is_block_device(path)


def _locked_hint(exc: QemuError, dom: Domain, vdev: str) -> QemuError:
    if "locked" in exc.message.lower():
        return QemuError(f"domain '{dom.name}': the guest has locked the tray of {vdev} (the CD is in use, "
                         "e.g. mounted); release it in the guest, or use --force", cause=exc)
    return exc


async def change_medium(daemon: Daemon, dom: Domain, vdev: str, medium: DiskSpec | None,
                        *, force: bool = False) -> dict[str, Any]:
    """Put ``medium`` into the drive ``vdev`` (None ejects), then record it in the config."""
    async with dom.lock:
        dom.require("media")
        drive = find_cdrom(dom.config, vdev)
        if medium is None:
            if not drive.empty or force:
                try:
                    await dom.qmp("eject", cdrom.eject_args(drive.vdev, force))
                except QemuError as exc:
                    raise _locked_hint(exc, dom, drive.vdev) from exc
                await fdtable.remove_fdsets(dom, f"disk:{drive.vdev}")  # closed once the medium is out
        else:
            # the config keeps only an explicit format: a detected one is detected (and
            # checked) again at the next start
            fmt = _check_image(daemon, medium)
            if force:
                await dom.qmp("blockdev-open-tray", cdrom.open_tray_args(drive.vdev))
            # the daemon opens the medium (read-only) and passes it; the old medium's set goes
            # (a host CD drive by name: blockdev-change-medium probes the driver from it)
            key = f"disk:{drive.vdev}"
            block = _is_block(medium.target)
            if block:  # opened by QEMU by name: the guest's uid may, before it tries
                daemon.grant_disks(dom, [medium])
            file = medium.target if block else await fdtable.add_fdset(dom, key, medium.target, (os.O_RDONLY,))
            try:
                await dom.qmp("blockdev-change-medium", cdrom.change_medium_args(drive.vdev, file, fmt))
            except QemuError as exc:
                if not block:
                    await fdtable.drop(dom, file)  # the old medium stays in, with its set
                else:
                    daemon.revoke_disks(dom, [medium.target])
                raise _locked_hint(exc, dom, drive.vdev) from exc
            await fdtable.remove_fdsets(dom, key, keep=file)  # the old medium's
        dom.config = with_medium(dom.config, drive.vdev, medium)  # the live definition
        dom.host.persist(dom)
        daemon.revoke_disks(dom, [drive.target])  # the medium that came out (unless still in a drive)
        log.info("domain %s: %s now holds %s", dom.name, drive.vdev, medium.target if medium else "no medium")
        return await _drive_view(dom, drive.vdev)


async def media_list(dom: Domain) -> list[dict[str, Any]]:
    """Every cdrom drive: what the config records and what QEMU says is in it."""
    if dom.monitor is None:
        raise StateError(f"domain '{dom.name}' has no running QEMU")
    return [await _drive_view(dom, d.vdev) for d in dom.config.disks if d.devtype == "cdrom"]


async def _drive_view(dom: Domain, vdev: str) -> dict[str, Any]:
    recorded = next(d for d in dom.config.disks if d.vdev == vdev)
    view: dict[str, Any] = {"vdev": vdev, "recorded": recorded.target or None, "format": recorded.format,
                            "medium": None, "tray_open": None, "locked": None}
    for blk in await dom.qmp("query-block"):
        if blk.get("qdev") in (vdev, f"/machine/peripheral/{vdev}/{vdev}") or blk.get("device") == f"drive-{vdev}":
            inserted = blk.get("inserted") or {}
            medium = inserted.get("file")
            if isinstance(medium, str) and medium.startswith("/dev/fdset/"):  # passed by fd: its path
                medium = (await fdtable.fdset_paths(dom)).get(medium, medium)
            view.update(medium=medium, tray_open=blk.get("tray_open"), locked=blk.get("locked"))
            break
    return view


def _guard_medium(request: Any, daemon: Daemon, action: str, spec: DiskSpec) -> None:
    """A medium is read-only; remotely it must be inside a pool (and no phy: drive)."""
    if spec.empty:
        return
    from hvmctl.storage.pools import PathUse

    guard_use(request, daemon, PathUse(spec.target, f"{action}: {spec.vdev}", "", write=False,
                                       device=spec.backend == "phy"))


def router(daemon: Daemon) -> ActionRouter:
    act = ActionRouter()

    @act("media-list")
    async def list_media(ref: str) -> list[dict[str, Any]]:
        return await media_list(daemon.lookup(ref))

    @act("block-configure")
    async def block_configure(ref: str, req: BlockConfigureRequest, request: Request) -> dict[str, Any]:
        dom = daemon.lookup(ref)
        spec = parse_medium(req.uname, req.vdev, req.mode)
        _guard_medium(request, daemon, "block-configure", spec)
        return await change_medium(daemon, dom, spec.vdev, None if spec.empty else spec, force=req.force)

    @act("eject")
    async def eject(ref: str, req: EjectRequest) -> dict[str, Any]:
        return await change_medium(daemon, daemon.lookup(ref), req.vdev, None, force=req.force)

    @act("insert")
    async def insert(ref: str, req: InsertRequest, request: Request) -> dict[str, Any]:
        dom = daemon.lookup(ref)
        vdev = find_cdrom(dom.config, req.vdev).vdev
        spec = parse_medium(f"file:{req.path}", vdev, "r")
        if req.format is not None:
            from hvmctl.config.specs import DISK_FORMATS

            if req.format not in DISK_FORMATS:
                raise ConfigError(f"insert: format {req.format!r} is not one of {', '.join(DISK_FORMATS)}")
            spec = dataclasses.replace(spec, format=req.format)
        if spec.empty:
            raise ConfigError("insert: name the image to insert")
        _guard_medium(request, daemon, "insert", spec)
        return await change_medium(daemon, dom, vdev, spec, force=req.force)

    return act
