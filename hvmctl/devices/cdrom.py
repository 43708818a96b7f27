"""Removable media (``hdc:cdrom``): the CD drive's device and the QMP arguments that change,
eject and insert its medium. The drive itself is a disk (see ``disk.device_props``); what
is in it is recorded in the live definition (the DiskSpec's target) by the media routes."""

from __future__ import annotations

from typing import Any

DRIVERS = {"ide": "ide-cd", "scsi": "scsi-cd"}  # a virtio-blk device cannot hold a medium


def change_medium_args(vdev: str, target: str, fmt: str) -> dict[str, Any]:
    return {"id": vdev, "filename": target, "format": fmt, "read-only-mode": "read-only"}


def eject_args(vdev: str, force: bool) -> dict[str, Any]:
    return {"id": vdev, "force": force}


def open_tray_args(vdev: str) -> dict[str, Any]:
    return {"id": vdev, "force": True}
