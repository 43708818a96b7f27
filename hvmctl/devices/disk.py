"""Disks and CD drives: the ``-drive``/``-device`` pair of the argv and the
``blockdev-add``/``device_add`` pair of a hot-plug, from one description.

The guest bus follows the device name (hdX: IDE, sdX: SCSI on the virtio-scsi controller
``scsi0``, xvdX/vdX: virtio-blk on pci.0). Every address is explicit and derived from the
name or the slot map, so a disk sits at the same place in every incarnation.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from hvmctl.config.model import DiskSpec, DomainConfig
from hvmctl.devices import Props, escape, render
from hvmctl.devices import cdrom, pci

SCSI_CONTROLLER = "scsi0"


def node_name(vdev: str) -> str:
    """The block backend / node of a disk: ``-drive id=`` at start, ``node-name`` on hot-plug."""
    return f"drive-{vdev}"


def ide_address(vdev: str, ahci: bool = False) -> dict[str, str | int]:
    """PIIX's two IDE channels of two units; q35's AHCI has one unit per port (ide.0..ide.5)."""
    index = ord(vdev[2]) - ord("a")  # hda=0 .. hdd=3
    if ahci:
        return {"bus": f"ide.{index}"}
    return {"bus": f"ide.{index // 2}", "unit": index % 2}


def scsi_id(vdev: str) -> int:
    """sda=0, sdb=1 .. sdz=25, sdaa=26: the target on scsi0, fixed by the name so that a disk
    attached after others were detached keeps its address in every later argv."""
    n = 0
    for ch in vdev[2:]:
        n = n * 26 + (ord(ch) - ord("a") + 1)
    return n - 1


def needs_controller(cfg: DomainConfig) -> bool:
    """A SCSI disk needs the controller; once made (a hot-plugged sdX) it stays, detached
    disks or not: the guest has it, and a migration stream carries it."""
    return any(d.bus == "scsi" for d in cfg.disks) or SCSI_CONTROLLER in cfg.slots


def pci_ids(cfg: DomainConfig) -> list[str]:
    """The PCI devices this class puts on pci.0, in argv order."""
    ids = [SCSI_CONTROLLER] if needs_controller(cfg) else []
    return ids + [d.vdev for d in sorted(cfg.disks, key=lambda d: d.vdev) if d.bus == "virtio"]


def controller_props(slots: Mapping[str, int]) -> Props:
    return {"driver": "virtio-scsi-pci", "id": SCSI_CONTROLLER, **pci.bus_props(slots, SCSI_CONTROLLER)}


def device_props(disk: DiskSpec, slots: Mapping[str, int], bootindex: int | None = None, *,
                 ahci: bool = False) -> Props:
    """The guest device of one disk or CD drive (the one description argv and hot-plug use)."""
    props: Props
    if disk.bus == "ide":
        kind = cdrom.DRIVERS["ide"] if disk.devtype == "cdrom" else "ide-hd"
        props = {"driver": kind, "drive": node_name(disk.vdev), "id": disk.vdev, **ide_address(disk.vdev, ahci)}
    elif disk.bus == "scsi":
        kind = cdrom.DRIVERS["scsi"] if disk.devtype == "cdrom" else "scsi-hd"
        props = {"driver": kind, "drive": node_name(disk.vdev), "id": disk.vdev, "bus": f"{SCSI_CONTROLLER}.0",
                 "scsi-id": scsi_id(disk.vdev), "lun": 0}
    else:
        props = {"driver": "virtio-blk-pci", "drive": node_name(disk.vdev), "id": disk.vdev,
                 **pci.bus_props(slots, disk.vdev)}
    if bootindex is not None:
        props["bootindex"] = bootindex
    return props


def drive_opts(disk: DiskSpec, fmt: str | None, file: tuple[str, bool] | None = None) -> str:
    """The ``-drive`` backend of a disk present at start (every value escaped); ``file``:
    the ``/dev/fdset/ID`` the daemon passed the image as, instead of its path, and whether
    it is a block device (QEMU cannot probe that from the name)."""
    opts = [f"if=none,id={node_name(disk.vdev)}"]
    if disk.devtype == "cdrom":
        opts.append("media=cdrom")
    if not disk.empty:
        opts.insert(0, f"file={escape(file[0] if file else disk.target)}")
        if file:  # opened read-write from the start: QEMU never swaps fds (see fdtable.disk_flags)
            opts.append("auto-read-only=off")
        if file and file[1]:
            opts.append("file.driver=" + ("host_cdrom" if disk.devtype == "cdrom" else "host_device"))
        opts.append(f"format={escape(fmt or disk.format or 'raw')}")
        if disk.readonly or disk.devtype == "cdrom":
            opts.append("readonly=on")
        if disk.shared:
            opts.append("file.locking=off")  # w!: the user allows sharing, as xm did
        if disk.backend == "phy":
            opts.append("cache=none,aio=native")
    return ",".join(opts)


def disk_args(cfg: DomainConfig, slots: Mapping[str, int], formats: Mapping[str, str],
              boot: Mapping[str, int], *, ahci: bool = False,
              files: Mapping[str, tuple[str, bool]] | None = None) -> list[str]:
    args: list[str] = []
    if needs_controller(cfg):
        args += ["-device", render(controller_props(slots))]
    for disk in sorted(cfg.disks, key=lambda d: d.vdev):
        args += ["-drive", drive_opts(disk, formats.get(disk.vdev), (files or {}).get(disk.vdev)),
                 "-device", render(device_props(disk, slots, boot.get(disk.vdev), ahci=ahci))]
    return args


def blockdev_props(disk: DiskSpec, fmt: str, *, block_device: bool, file: str | None = None) -> dict[str, Any]:
    """``blockdev-add`` arguments for a hot-plugged disk: the same node the argv's -drive
    names (``file``: the ``/dev/fdset/ID`` of the fds the daemon passed, else the path)."""
    proto: dict[str, Any] = {"driver": "host_device" if block_device else "file", "filename": file or disk.target,
                             "read-only": disk.readonly}
    if disk.shared:
        proto["locking"] = "off"  # w!: sharing allowed on purpose, as xm did
    if disk.backend == "phy":
        proto.update({"cache": {"direct": True}, "aio": "native"})
    return {"driver": fmt, "node-name": node_name(disk.vdev), "read-only": disk.readonly, "file": proto}
