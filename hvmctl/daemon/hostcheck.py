"""Host checks done before anything starts: images exist and can be opened in the asked
mode, formats detected, VNC displays free. Errors name the profile file and line."""

from __future__ import annotations

import os
import stat
from pathlib import Path

from hvmctl.config.model import DiskSpec, DomainConfig
from hvmctl.errors import ConfigError, ConflictError, HostError
from hvmctl.storage.images import detect_format as detect_format  # re-exported for callers here
from hvmctl.storage.images import qcow2_external_refs

def _disk_error(cfg: DomainConfig, disk: DiskSpec, what: str) -> ConfigError:
    return ConfigError(f"{disk.vdev}: {disk.target}: {what}", file=cfg.source, line=cfg.line_of("disk"), key="disk")


def check_disks(cfg: DomainConfig) -> dict[str, str]:
    """Every image exists and opens as asked; returns vdev -> image format."""
    formats: dict[str, str] = {}
    for disk in cfg.disks:
        if disk.empty:
            continue
        path = disk.target
        if not os.path.exists(path):
            raise _disk_error(cfg, disk, "no such file or device")
        if os.path.isdir(path):
            raise _disk_error(cfg, disk, "is a directory, not an image")
        want = os.R_OK if disk.readonly or disk.devtype == "cdrom" else os.R_OK | os.W_OK
        if not os.access(path, want):
            mode = "reading" if want == os.R_OK else "writing"
            raise _disk_error(cfg, disk, f"permission denied for {mode}")
        if disk.backend == "phy":
            formats[disk.vdev] = "raw"
            if not disk.readonly and _mounted(path):
                raise _disk_error(cfg, disk, "is mounted on the host; refusing to give it to a guest for writing")
        elif disk.format:
            formats[disk.vdev] = disk.format
        else:
            formats[disk.vdev] = detect_format(path)
            refs = qcow2_external_refs(path) if formats[disk.vdev] != "raw" else []
            if refs:
                # a guest can write a qcow2 header into its own raw disk; trusting it on the
                # next start would hand the guest a host file. Only an explicit format may.
                raise _disk_error(cfg, disk, f"image has a qcow2 header naming {' and '.join(refs)}; "
                                             "refusing to follow it on a detected format -- give the format "
                                             "explicitly (xl format=qcow2, or tap:qcow2:) if that is intended")
    return formats


def _mounted(device: str) -> bool:
    """Whether the host uses the device: mounted or swapped on, itself, one of its partitions
    (a whole disk given to a guest while /dev/sdb1 is mounted) or something stacked on it
    (LVM, dm-crypt)."""
    try:
        st = os.stat(device)
        family = _block_family(st.st_rdev) if stat.S_ISBLK(st.st_mode) else set()
        real = os.path.realpath(device)
        sources = []
        with open("/proc/mounts") as fh:
            sources += [line.split()[0] for line in fh if line.startswith("/")]
        with open("/proc/swaps") as fh:
            sources += [line.split()[0] for line in fh if line.startswith("/")]
    except OSError:
        return False
    for source in sources:
        if os.path.realpath(source) == real:
            return True
        try:
            src = os.stat(source)
        except OSError:
            continue
        if stat.S_ISBLK(src.st_mode) and src.st_rdev in family:
            return True
    return False


def _block_family(rdev: int, depth: int = 0) -> set[int]:
    """A block device, its partitions and its holders (recursively), as device numbers."""
    family = {rdev}
    base = Path(f"/sys/dev/block/{os.major(rdev)}:{os.minor(rdev)}")
    if depth > 8 or not base.exists():
        return family
    nodes = [p for p in base.iterdir() if (p / "partition").exists()]
    nodes += list((base / "holders").iterdir()) if (base / "holders").is_dir() else []
    for node in nodes:
        try:
            major, minor = (int(x) for x in (node / "dev").read_text().split(":"))
        except (OSError, ValueError):
            continue
        family |= _block_family(os.makedev(major, minor), depth + 1)
    return family


def disk_identity(path: str) -> str:
    """What makes two disk paths the same image: the same inode (hard links, symlinks and
    bind mounts included), the file behind a loop device (``phy:/dev/loop0`` and its
    backing file are one image), or the same block device however it is named."""
    try:
        st = os.stat(path)
    except OSError:
        return os.path.realpath(path)
    if stat.S_ISBLK(st.st_mode):
        backing = loop_backing_file(st.st_rdev)
        if backing is not None:
            try:
                inner = os.stat(backing)
            except OSError:
                pass  # the file was deleted under the loop device: only the device is left
            else:
                if not stat.S_ISBLK(inner.st_mode):
                    return f"ino:{inner.st_dev}:{inner.st_ino}"
        return f"blk:{os.major(st.st_rdev)}:{os.minor(st.st_rdev)}"
    return f"ino:{st.st_dev}:{st.st_ino}"


def loop_backing_file(rdev: int) -> str | None:
    """The file a loop device shows, from sysfs (None: not a loop device, or unbound)."""
    node = Path(f"/sys/dev/block/{os.major(rdev)}:{os.minor(rdev)}/loop/backing_file")
    try:
        text = node.read_text().rstrip("\n")
    except OSError:
        return None
    return text or None


def is_block_device(path: str) -> bool:
    try:
        return stat.S_ISBLK(os.stat(path).st_mode)
    except OSError:
        return False


def check_kernel_files(cfg: DomainConfig) -> None:
    for key in ("kernel", "ramdisk"):
        value = getattr(cfg, key)
        if value and not Path(value).is_file():
            raise ConfigError(f"{value}: no such file", file=cfg.source, line=cfg.line_of(key), key=key)


def check_vnc_display_free(cfg: DomainConfig, display: int) -> None:
    """A fixed vncdisplay that something already listens on is refused clearly, before
    anything starts (the launch binds it for real: vncserve.bind, the same probe)."""
    from hvmctl.daemon import vncserve

    assert cfg.vfb is not None
    try:
        vncserve.bind(cfg.vfb.vnclisten or "127.0.0.1", [display]).close()
    except HostError as exc:
        raise ConflictError(exc.message, cause=exc) from exc
