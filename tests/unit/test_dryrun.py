"""Dry-run = run (broken case 9): ``xm create -n`` plans and checks exactly as ``create``
does, gives the same errors, changes nothing on the host, and prints the argv ``create``
runs -- compared here with the argv a real create hands to QEMU (spawn stubbed out)."""

from __future__ import annotations

import asyncio
import os
import shutil
import struct
import subprocess
from pathlib import Path
from typing import Any

import pytest

from hvmctl.daemon import fdtable
from hvmctl.daemon.process import QemuProcess
from hvmctl.daemon.service import Daemon
from hvmctl.errors import ConfigError, ConflictError, HvmctlError
from hvmctl.network.bridge import BridgeInfo
from hvmctl.paths import Paths

UUID = "dddddddd-0000-4000-8000-000000000001"
MAC = "00:16:3e:12:34:56"


class Host:
    """The host as the daemon sees it: bridges, taps and vif scripts stubbed, QEMU's spawn
    recording its argv and failing (nothing boots)."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch, bridges: tuple[str, ...] = ("xenbr0",)) -> None:
        import hvmctl.network.bridge as bridge
        import hvmctl.network.taps as taps
        import hvmctl.network.vifscript as vifscript

        self.made: list[str] = []
        self.spawned: list[list[str]] = []
        monkeypatch.setattr(bridge, "list_bridges", lambda **kw: [BridgeInfo(b, "8000.0", False, ()) for b in bridges])
        monkeypatch.setattr(taps, "tap_info", lambda name, **kw: None)
        monkeypatch.setattr(taps, "tap_carriers", lambda **kw: {})
        monkeypatch.setattr(taps, "create_tap", lambda name, **kw: self.made.append(name))
        monkeypatch.setattr(taps, "delete_tap", lambda name, **kw: True)
        monkeypatch.setattr(vifscript, "run_vif_script", lambda *a, **kw: None)

        def spawn(argv: list[str], log_path: Path, **_: object) -> QemuProcess:
            self.spawned.append(list(argv))
            raise HvmctlError("spawn stubbed out by the test")

        monkeypatch.setattr(QemuProcess, "spawn", staticmethod(spawn))
        # the fds a real start passes (test_fdtable) are the one thing a dry run cannot show:
        # it names the files QEMU is given; compared here, the plan with its paths
        monkeypatch.setattr(fdtable, "open_launch", lambda cfg, plan, table, open_tap=None: plan)


def _daemon(tmp: Path) -> Daemon:
    paths = Paths(state_dir=tmp / "state", run_dir=tmp / "run", socket=tmp / "run" / "api.sock",
                  log_dir=tmp / "log", profile_dir=tmp / "xen", qemu="/usr/bin/qemu-system-x86_64")
    return Daemon(paths, accel="tcg")


def _tree(root: Path) -> dict[str, tuple[int, int]]:
    """Every path under ``root`` with its size and mtime: what a side effect would change."""
    out = {}
    for dirpath, dirnames, filenames in os.walk(root):
        for name in dirnames + filenames:
            path = os.path.join(dirpath, name)
            st = os.lstat(path)
            out[path] = (st.st_size, st.st_mtime_ns)
    return out


def _warm_up(daemon: Daemon) -> None:
    """A first dry-run of an empty profile: the daemon's host-wide probe caches (accelerator,
    machine type) may be written then -- they are the host's, not a domain's side effects."""
    _create(daemon, "name='warm-up'\nbuilder='hvm'\n", dry_run=True)


def _create(daemon: Daemon, text: str, **kw: Any) -> dict[str, Any]:
    return asyncio.run(daemon.create(text, filename="/etc/xen/t", overrides=[], **kw))


def _qcow2(path: Path) -> Path:
    if shutil.which("qemu-img") is None:
        pytest.skip("qemu-img not installed")
    subprocess.run(["qemu-img", "create", "-q", "-f", "qcow2", str(path), "16M"], check=True, timeout=30)
    return path


def _error(daemon: Daemon, text: str, **kw: Any) -> str:
    with pytest.raises(HvmctlError) as err:
        _create(daemon, text, **kw)
    return f"{type(err.value).__name__}: {err.value}"


def test_dry_run_is_the_argv_create_runs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """qcow2 detected, a bridged vif on its tap, a fixed UUID: dry-run's argv is the one the
    real create gives QEMU, and the dry-run left nothing behind (no MAC, ID, tap, run dir)."""
    host = Host(monkeypatch)
    daemon = _daemon(tmp_path)
    img = _qcow2(tmp_path / "disk.qcow2")
    text = (f"name='t'\nuuid='{UUID}'\nbuilder='hvm'\nmemory=64\ndisk=['file:{img},hda,w']\n"
            f"vif=['bridge=xenbr0,mac={MAC}', 'bridge=nosuch,mac=00:16:3e:12:34:57']\n")
    _warm_up(daemon)
    before = _tree(tmp_path)
    dry = _create(daemon, text, dry_run=True)["argv"]
    assert _tree(tmp_path) == before and host.made == [] and host.spawned == []
    line = " ".join(dry)
    assert f"file={img},if=none,id=drive-hda,format=qcow2" in line and "format=raw" not in line
    assert "-netdev tap,id=net0,ifname=vif1.0,script=no,downscript=no" in line  # bridged, not NAT
    assert "-netdev user,id=net1" in line  # the missing bridge falls back to NAT, as at start
    with pytest.raises(HvmctlError, match="stubbed out"):
        _create(daemon, text)
    assert host.spawned == [dry] and host.made == ["vif1.0"]
    # paused: the same argv, with -S
    later = _create(daemon, text, dry_run=True)["argv"]
    assert _create(daemon, text, dry_run=True, paused=True)["argv"] == later + ["-S"]


def test_dry_run_gives_the_errors_of_create(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    host = Host(monkeypatch, bridges=())
    daemon = _daemon(tmp_path)
    missing = f"name='t'\nbuilder='hvm'\ndisk=['file:{tmp_path / 'nope.img'},hda,w']\n"
    _warm_up(daemon)
    before = _tree(tmp_path)
    dry = _error(daemon, missing, dry_run=True)
    assert dry.startswith("ConfigError: ") and "nope.img: no such file or device" in dry
    assert _tree(tmp_path) == before
    assert _error(daemon, missing) == dry and host.spawned == []
    # a vif whose bridge must exist (a network script is configured): the planner's error
    monkeypatch.setenv("HVMCTL_NETWORK_SCRIPT", "network-bridge")
    scripted = _daemon(tmp_path / "scripted")
    img = tmp_path / "disk.img"
    img.write_bytes(b"\0" * 65536)
    nobridge = f"name='n'\nbuilder='hvm'\ndisk=['file:{img},hda,w']\nvif=['bridge=xenbr9,mac={MAC}']\n"
    dry = _error(scripted, nobridge, dry_run=True)
    assert "vif 0: bridge xenbr9 not found" in dry and _error(scripted, nobridge) == dry
    # a qcow2 header naming a host file in a "raw" image: refused by both
    sneaky = tmp_path / "sneaky.img"
    name = b"/etc/shadow"
    header = b"QFI\xfb" + (3).to_bytes(4, "big") + (104).to_bytes(8, "big") + len(name).to_bytes(4, "big")
    sneaky.write_bytes(header.ljust(104, b"\0") + name)
    text = f"name='s'\nbuilder='hvm'\ndisk=['file:{sneaky},hda,w']\n"
    assert "refusing to follow it" in _error(daemon, text, dry_run=True) == _error(daemon, text)


def test_dry_run_refuses_what_create_refuses(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A clash with a running domain: the same ConflictError, from the same registry."""
    from hvmctl.daemon.domain import Domain, Runtime
    from hvmctl.daemon.state import DomainState

    Host(monkeypatch)
    daemon = _daemon(tmp_path)
    img = tmp_path / "disk.img"
    img.write_bytes(b"\0" * 65536)
    os.symlink(img, tmp_path / "alias.img")
    first = asyncio.run(_parsed(daemon, f"name='a'\nbuilder='hvm'\ndisk=['file:{img},hda,w']\n"))
    dom = Domain(daemon, first)
    dom.state, dom.runtime = DomainState.RUNNING, Runtime(domid=1, run_dir="/nonexistent", argv=[])
    daemon.domains[dom.uuid] = dom
    text = f"name='b'\nbuilder='hvm'\ndisk=['file:{tmp_path / 'alias.img'},hda,w']\n"
    dry = _error(daemon, text, dry_run=True)
    assert dry.startswith("ConflictError: disk ") and "already in use by domain 'a'" in dry
    assert _error(daemon, text) == dry
    with pytest.raises(ConflictError, match="domain name 'a' is already in use"):
        _create(daemon, f"name='a'\nbuilder='hvm'\n", dry_run=True)


async def _parsed(daemon: Daemon, text: str) -> Any:
    from hvmctl.config import parse_profile

    return daemon._complete(parse_profile(text, filename="/etc/xen/a"))


def test_dry_run_macs_are_the_recorded_ones_and_none_is_written(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    Host(monkeypatch, bridges=())
    daemon = _daemon(tmp_path)
    text = f"name='m'\nuuid='{UUID}'\nbuilder='hvm'\nvif=['model=e1000', 'model=e1000']\n"
    macs = daemon.network.macs.path
    dry = " ".join(_create(daemon, text, dry_run=True)["argv"])
    assert not macs.exists() and not macs.with_name(macs.name + ".lock").exists()
    assert dry.count("-netdev user") == 2
    with pytest.raises(HvmctlError, match="stubbed out"):
        _create(daemon, text)
    recorded = daemon.network.macs.domains()[UUID]
    before = macs.read_bytes()
    again = " ".join(_create(daemon, text, dry_run=True)["argv"])
    assert f"mac={recorded[0]}," in again and f"mac={recorded[1]}," in again and macs.read_bytes() == before


def _mbr_disk(tmp: Path, files: dict[str, bytes]) -> Path:
    """An MBR disk with one ext4 partition at 1 MiB, by mke2fs -d (no root needed)."""
    if shutil.which("mke2fs") is None:
        pytest.skip("mke2fs not installed")
    root = tmp / "root"
    for name, data in files.items():
        (root / name.lstrip("/")).parent.mkdir(parents=True, exist_ok=True)
        (root / name.lstrip("/")).write_bytes(data)
    disk = tmp / "pv.img"
    entry = b"\x80" + b"\0" * 3 + b"\x83" + b"\0" * 3 + struct.pack("<II", 2048, 16 * 2048)
    with disk.open("wb") as fh:
        fh.write(b"\xfa" * 440 + b"\0" * 6 + entry.ljust(64, b"\0") + b"\x55\xaa")
        fh.truncate(20 << 20)
    subprocess.run(["mke2fs", "-q", "-F", "-t", "ext4", "-d", str(root), "-E", "offset=1048576", str(disk), "16M"],
                   check=True, capture_output=True, timeout=60)
    return disk


def test_dry_run_runs_pygrub_without_leaving_its_files(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    host = Host(monkeypatch, bridges=())
    daemon = _daemon(tmp_path / "d")
    menu = "default 0\ntimeout 1\ntitle X\n\troot (hd0,0)\n\tkernel /boot/vmlinuz root=/dev/xvda1\n\tinitrd /boot/initrd\n"
    disk = _mbr_disk(tmp_path, {"/boot/grub/menu.lst": menu.encode(), "/boot/vmlinuz": b"K", "/boot/initrd": b"I"})
    text = f"name='pv'\nuuid='{UUID}'\nbootloader='pygrub'\ndisk=['file:{disk},xvda,w']\n"
    _warm_up(daemon)
    before = _tree(tmp_path)
    dry = _create(daemon, text, dry_run=True)["argv"]
    assert _tree(tmp_path) == before
    run_dir = daemon.paths.domain_run_dir(UUID)
    assert dry[dry.index("-kernel") + 1] == str(run_dir / "boot" / "kernel")
    assert dry[dry.index("-initrd") + 1] == str(run_dir / "boot" / "initrd")
    with pytest.raises(HvmctlError, match="stubbed out"):
        _create(daemon, text)
    assert host.spawned == [dry]
    (tmp_path / "nomenu").mkdir()
    broken = _mbr_disk(tmp_path / "nomenu", {"/etc/fstab": b"x"})
    text = f"name='pv2'\nbootloader='pygrub'\ndisk=['file:{broken},xvda,w']\n"
    assert "no GRUB menu" in _error(daemon, text, dry_run=True) == _error(daemon, text)
