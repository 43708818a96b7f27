"""Removable media without QEMU: xm's UNAME VDEV MODE triple, the drive lookup, and the
config a medium change leaves behind (what a restart boots with)."""

from __future__ import annotations

from pathlib import Path

import pytest

from hvmctl.api.routes_media import _check_image, find_cdrom, parse_medium, with_medium
from hvmctl.config.model import DiskSpec, DomainConfig
from hvmctl.daemon.service import Daemon
from hvmctl.errors import ConfigError, NotFoundError
from hvmctl.paths import Paths

CFG = DomainConfig(
    name="SL50_64",
    disks=(
        DiskSpec("/xen/domU/boot.iso", "hdc", "r", "cdrom"),
        DiskSpec("/xen/domU/SL50_64", "hda", "w", "disk"),
    ),
)


@pytest.mark.parametrize(
    ("uname", "vdev", "target", "backend", "fmt"),
    [
        ("file:/xen/domU/drivers.iso", "hdc:cdrom", "/xen/domU/drivers.iso", "file", None),
        ("file:/xen/domU/drivers.iso", "hdc", "/xen/domU/drivers.iso", "file", None),
        ("phy:/dev/sr0", "hdc:cdrom", "/dev/sr0", "phy", "raw"),
        ("tap:aio:/xen/domU/d.iso", "ioemu:hdc:cdrom", "/xen/domU/d.iso", "tap:aio", "raw"),
        ("file:", "hdc:cdrom", "", "file", None),
    ],
)
def test_parse_medium(uname: str, vdev: str, target: str, backend: str, fmt: str | None) -> None:
    spec = parse_medium(uname, vdev, "r")
    assert (spec.target, spec.vdev, spec.devtype, spec.backend, spec.format, spec.mode) == (
        target, "hdc", "cdrom", backend, fmt, "r")


@pytest.mark.parametrize(
    ("uname", "vdev", "mode", "message"),
    [
        ("file:/x.iso", "hdc:cdrom", "w", "read-only"),
        ("file:relative.iso", "hdc:cdrom", "r", "absolute path"),
        ("file:/x.iso", "hda:disk", "r", "must be a cdrom"),
        ("file:/x.iso", "xvdc:cdrom", "r", "cdrom on hdX"),
        ("nbd:/x.iso", "hdc", "r", "disk type"),
    ],
)
def test_parse_medium_refuses(uname: str, vdev: str, mode: str, message: str) -> None:
    with pytest.raises(ConfigError, match=message):
        parse_medium(uname, vdev, mode)


def test_find_cdrom() -> None:
    assert find_cdrom(CFG, "hdc:cdrom").target == "/xen/domU/boot.iso"
    with pytest.raises(ConfigError, match="hard disk, not a cdrom"):
        find_cdrom(CFG, "hda")
    with pytest.raises(NotFoundError, match=r"no device hdd \(its cdrom drives: hdc\)"):
        find_cdrom(CFG, "hdd")


def test_with_medium_changes_only_the_drive() -> None:
    new = with_medium(CFG, "hdc", DiskSpec("/xen/domU/drivers.iso", "hdc", "r", "cdrom", format="raw"))
    assert new.disks[0] == DiskSpec("/xen/domU/drivers.iso", "hdc", "r", "cdrom", "file", "raw")
    assert new.disks[1] is CFG.disks[1] and new.name == CFG.name
    empty = with_medium(new, "hdc", None)
    assert empty.disks[0].empty and empty.disks[0].devtype == "cdrom" and empty.disks[0].format is None
    assert DomainConfig.from_dict(empty.to_dict()) == empty  # what the record keeps


def _daemon(tmp: Path) -> Daemon:
    paths = Paths(state_dir=tmp / "state", run_dir=tmp / "run", socket=tmp / "run" / "api.sock",
                  log_dir=tmp / "log", profile_dir=tmp / "xen", qemu="/bin/false")
    return Daemon(paths, accel="tcg")


def test_inserted_image_checks(tmp_path: Path) -> None:
    """The medium's format: explicit wins; raw and plain qcow2 are detected; a qcow2 header
    naming a host file (a backing file) is refused unless the format is given."""
    daemon = _daemon(tmp_path)
    iso = tmp_path / "cd.iso"
    iso.write_bytes(b"\0" * 4096)
    assert _check_image(daemon, parse_medium(f"file:{iso}", "hdc", "r")) == "raw"
    sneaky = tmp_path / "sneaky.iso"
    name = b"/etc/shadow"
    header = b"QFI\xfb" + (3).to_bytes(4, "big") + (104).to_bytes(8, "big") + len(name).to_bytes(4, "big")
    sneaky.write_bytes(header.ljust(104, b"\0") + name)
    with pytest.raises(ConfigError, match="backing file '/etc/shadow'"):
        _check_image(daemon, parse_medium(f"file:{sneaky}", "hdc", "r"))
    assert _check_image(daemon, parse_medium(f"tap:qcow2:{sneaky}", "hdc", "r")) == "qcow2"  # explicit
    with pytest.raises(NotFoundError, match="no such file"):
        _check_image(daemon, parse_medium(f"file:{tmp_path / 'nope.iso'}", "hdc", "r"))
