"""The one conflict check (daemon/registry.py) and disk identity through every alias: real
files, hard and symbolic links, a bind mount and a loop device (the last two as root)."""

from __future__ import annotations

import asyncio
import contextlib
import os
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from hvmctl.api.routes_media import _check_image, parse_medium
from hvmctl.config.model import DiskSpec, DomainConfig, VfbSpec, VifSpec
from hvmctl.daemon import hostcheck
from hvmctl.daemon.domain import Domain, Runtime
from hvmctl.daemon.registry import Claim, LocalRegistry, claim_for_config, disk_claims, mac_claim
from hvmctl.daemon.service import Daemon
from hvmctl.daemon.state import DomainState
from hvmctl.errors import ConflictError
from hvmctl.paths import Paths
from hvmctl.storage.actions import _check_attach, parse_attach

UUID_A = "aaaaaaaa-0000-4000-8000-000000000001"
UUID_B = "bbbbbbbb-0000-4000-8000-000000000002"


def _daemon(tmp: Path) -> Daemon:
    paths = Paths(state_dir=tmp / "state", run_dir=tmp / "run", socket=tmp / "run" / "api.sock",
                  log_dir=tmp / "log", profile_dir=tmp / "xen", qemu="/bin/false")
    return Daemon(paths, accel="tcg")


def _image(path: Path, size: int = 1 << 20) -> Path:
    with path.open("wb") as fh:
        fh.truncate(size)
    return path


def _holder(daemon: Daemon, name: str, uuid: str, *, disks: tuple[DiskSpec, ...] = (),
            vifs: tuple[VifSpec, ...] = (), domid: int = 1) -> Domain:
    """A domain as the daemon knows it while it runs (registered, with a runtime)."""
    dom = Domain(daemon, DomainConfig(name=name, uuid=uuid, disks=disks, vifs=vifs, builder="hvm"))
    dom.state = DomainState.RUNNING
    dom.runtime = Runtime(domid=domid, run_dir="/nonexistent", argv=[])
    daemon.domains[dom.uuid] = dom
    return dom


def _wants(target: str, mode: str = "w", vdev: str = "xvda", name: str = "b") -> DomainConfig:
    return DomainConfig(name=name, uuid=UUID_B, disks=(DiskSpec(target, vdev, mode),), builder="hvm")


@contextlib.contextmanager
def _loop_device(image: Path) -> Iterator[str]:
    if os.geteuid() != 0:
        pytest.skip("a loop device needs root")
    try:
        dev = subprocess.run(["losetup", "-f", "--show", str(image)], capture_output=True, text=True,
                             timeout=20, check=True).stdout.strip()
    except (OSError, subprocess.SubprocessError) as exc:
        pytest.skip(f"losetup failed: {exc}")
    try:
        yield dev
    finally:
        subprocess.run(["losetup", "-d", dev], capture_output=True, timeout=20)


@contextlib.contextmanager
def _bind_mount(source: Path, target: Path) -> Iterator[Path]:
    if os.geteuid() != 0:
        pytest.skip("a bind mount needs root")
    target.mkdir()
    try:
        subprocess.run(["mount", "--bind", str(source), str(target)], capture_output=True, timeout=20, check=True)
    except (OSError, subprocess.SubprocessError) as exc:
        pytest.skip(f"mount --bind failed: {exc}")
    try:
        yield target
    finally:
        subprocess.run(["umount", str(target)], capture_output=True, timeout=20)


# ---- identity ---------------------------------------------------------------------------------
def test_identity_through_links_and_of_different_files(tmp_path: Path) -> None:
    img = _image(tmp_path / "a.img")
    os.symlink(img, tmp_path / "soft.img")
    os.symlink(tmp_path / "soft.img", tmp_path / "soft2.img")  # a chain of links
    os.link(img, tmp_path / "hard.img")
    other = _image(tmp_path / "b.img")
    ids = {hostcheck.disk_identity(str(tmp_path / n)) for n in ("a.img", "soft.img", "soft2.img", "hard.img")}
    assert len(ids) == 1 and ids.pop().startswith("ino:")
    assert hostcheck.disk_identity(str(other)) != hostcheck.disk_identity(str(img))
    # a path through ".." and a missing file: still one name per image
    (tmp_path / "x").mkdir()
    assert hostcheck.disk_identity(str(tmp_path / "x" / ".." / "a.img")) == hostcheck.disk_identity(str(img))
    assert hostcheck.disk_identity(str(tmp_path / "nope.img")) == str(tmp_path / "nope.img")


def test_identity_of_a_loop_device_is_its_backing_file(tmp_path: Path) -> None:
    img = _image(tmp_path / "loop.img")
    os.symlink(img, tmp_path / "link.img")
    with _loop_device(tmp_path / "link.img") as dev:  # set up through the link: sysfs shows the real file
        assert hostcheck.is_block_device(dev) and not hostcheck.is_block_device(str(img))
        assert hostcheck.disk_identity(dev) == hostcheck.disk_identity(str(img))
        assert hostcheck.disk_identity(dev) != hostcheck.disk_identity(str(_image(tmp_path / "other.img")))
    # a block device that is not a loop device keeps its major:minor
    assert hostcheck.loop_backing_file(os.makedev(1, 3)) is None  # /dev/null's numbers: no loop/ in sysfs


def test_identity_through_a_bind_mount(tmp_path: Path) -> None:
    (tmp_path / "src").mkdir()
    img = _image(tmp_path / "src" / "disk.img")
    with _bind_mount(tmp_path / "src", tmp_path / "mnt") as mnt:
        assert (mnt / "disk.img").exists() and str(mnt / "disk.img") != str(img)
        assert hostcheck.disk_identity(str(mnt / "disk.img")) == hostcheck.disk_identity(str(img))


# ---- broken case 10: one image by two names, writable to two guests -----------------------------
def test_create_refuses_the_same_image_by_any_alias(tmp_path: Path) -> None:
    daemon = _daemon(tmp_path)
    (tmp_path / "src").mkdir()
    img = _image(tmp_path / "src" / "disk.img")
    os.symlink(img, tmp_path / "alias.img")
    _holder(daemon, "a", UUID_A, disks=(DiskSpec(str(img), "xvda", "w"),))
    msg = f"is already in use by domain 'a' (xvda, mode w); use mode 'w!' to share it on purpose"
    with pytest.raises(ConflictError, match=r"disk .*alias.img \(xvda\) " + r"is already in use by domain 'a'"):
        daemon._check_conflicts(_wants(str(tmp_path / "alias.img")))
    with pytest.raises(ConflictError) as err:
        daemon._check_conflicts(_wants(str(tmp_path / "alias.img"), "r"))  # reading it while a writes: refused
    assert str(err.value).endswith(msg)
    with _bind_mount(tmp_path / "src", tmp_path / "mnt") as mnt, _loop_device(img) as dev:
        with pytest.raises(ConflictError, match="already in use by domain 'a'"):
            daemon._check_conflicts(_wants(str(mnt / "disk.img")))
        with pytest.raises(ConflictError, match=f"disk {dev} \\(xvda\\) is already in use by domain 'a'"):
            daemon._check_conflicts(_wants(dev))
        # and the other way round: the loop device is the writable disk, the file comes second
        del daemon.domains[UUID_A]
        _holder(daemon, "a", UUID_A, disks=(DiskSpec(dev, "xvda", "w"),))
        with pytest.raises(ConflictError, match="already in use by domain 'a'"):
            daemon._check_conflicts(_wants(str(mnt / "disk.img"), vdev="hda"))


def test_what_may_be_shared(tmp_path: Path) -> None:
    daemon = _daemon(tmp_path)
    img = _image(tmp_path / "disk.img")
    os.symlink(img, tmp_path / "alias.img")
    alias = str(tmp_path / "alias.img")
    holder = _holder(daemon, "a", UUID_A, disks=(DiskSpec(str(img), "xvda", "r"),))
    daemon._check_conflicts(_wants(alias, "r"))  # two readers
    with pytest.raises(ConflictError):
        daemon._check_conflicts(_wants(alias, "w"))
    holder.config = DomainConfig(name="a", uuid=UUID_A, disks=(DiskSpec(str(img), "xvda", "w!"),))
    daemon._check_conflicts(_wants(alias, "w!"))  # shared on purpose, both sides
    daemon._check_conflicts(_wants(alias, "r"))
    with pytest.raises(ConflictError):
        daemon._check_conflicts(_wants(alias, "w"))
    # a guest preserved after its QEMU is gone holds nothing
    holder.config = DomainConfig(name="a", uuid=UUID_A, disks=(DiskSpec(str(img), "xvda", "w"),))
    holder.state = DomainState.SHUTDOWN
    daemon._check_conflicts(_wants(alias, "w"))
    # and one domain naming one image twice, writable, is refused too
    twice = DomainConfig(name="b", uuid=UUID_B, disks=(DiskSpec(str(img), "xvda", "w"), DiskSpec(alias, "xvdb", "r")))
    with pytest.raises(ConflictError, match=r"alias.img \(xvdb\) is the same image as .*disk.img \(xvda\)"):
        daemon._check_conflicts(twice)


def test_hotplug_and_media_use_the_same_check(tmp_path: Path) -> None:
    daemon = _daemon(tmp_path)
    img = _image(tmp_path / "disk.img")
    os.symlink(img, tmp_path / "alias.img")
    alias = str(tmp_path / "alias.img")
    _holder(daemon, "a", UUID_A, disks=(DiskSpec(str(img), "xvda", "w"),))
    me = _holder(daemon, "b", UUID_B, disks=(DiskSpec("", "hdc", "r", "cdrom"),), domid=2)
    with pytest.raises(ConflictError, match="already in use by domain 'a' \\(xvda, mode w\\)"):
        _check_attach(daemon, me, parse_attach(f"file:{alias}", "xvdb", "w", hvm=True))
    with pytest.raises(ConflictError, match="is a writable disk of domain 'a' \\(xvda\\); it cannot be a CD"):
        _check_image(daemon, parse_medium(f"file:{alias}", "hdc", "r"))
    # its own disk by another name: refused as already attached; not a clash with itself
    own = _image(tmp_path / "own.img")
    os.symlink(own, tmp_path / "own-alias.img")
    me.config = DomainConfig(name="b", uuid=UUID_B, builder="hvm",
                             disks=(DiskSpec(str(own), "xvda", "w"), DiskSpec("", "hdc", "r", "cdrom")))
    with pytest.raises(ConflictError, match="own-alias.img is already attached to domain 'b'"):
        _check_attach(daemon, me, parse_attach(f"file:{tmp_path / 'own-alias.img'}", "xvdb", "r", hvm=True))
    assert _check_attach(daemon, me, parse_attach(f"file:{_image(tmp_path / 'new.img')}", "xvdb", "w", hvm=True)) == "raw"
    with pytest.raises(ConflictError, match="writable disk of domain 'b' \\(xvda\\)"):  # a CD of its own disk
        _check_image(daemon, parse_medium(f"file:{tmp_path / 'own-alias.img'}", "hdc", "r"))


def test_identity_claims_name_uuid_mac_vnc_domid(tmp_path: Path) -> None:
    daemon = _daemon(tmp_path)
    dom = _holder(daemon, "web", UUID_A, vifs=(VifSpec(mac="00:16:3E:00:00:01"),), domid=7)
    assert dom.runtime is not None
    dom.runtime.vnc_port = 5903
    dom.runtime.nics = [{"index": 0, "mac": "00:16:3e:00:00:01"}, {"index": 1, "mac": "00:16:3e:00:00:09"}]
    reg = daemon.registry
    assert reg.claims_of(dom) == Claim(name="web", uuid=UUID_A, domid=7, vnc_display=3,
                                       macs=((0, "00:16:3e:00:00:01"), (1, "00:16:3e:00:00:09")))
    cfg = DomainConfig(name="web", uuid=UUID_A, source="/etc/xen/web", vifs=(VifSpec(mac="00:16:3e:00:00:09"),),
                       vfb=VfbSpec(vncunused=False, vncdisplay=3))
    assert reg.conflicts(claim_for_config(cfg, domid=7)) == [
        "domain name 'web' is already in use by domain 7 (/etc/xen/web)",
        f"uuid {UUID_A} is already in use by domain 'web' (/etc/xen/web)",
        "domain ID 7 is already in use by domain 'web'",
        "mac 00:16:3e:00:00:09 is already used by domain 'web' (vif 1)",  # hot-plugged NICs count
        "vncdisplay 3 is already used by domain 'web'",
    ]
    assert reg.conflicts(claim_for_config(cfg), exclude=UUID_A) == []
    with pytest.raises(ConflictError, match="domain name 'web' is already in use by domain 7"):
        daemon._check_conflicts(cfg)
    # the network manager's check is the registry's, over the domains it is given
    with pytest.raises(ConflictError, match="mac 00:16:3e:00:00:01 is already used by domain 'web' \\(vif 0\\)"):
        daemon.network.refuse_duplicates(["00:16:3E:00:00:01"], [dom])
    daemon.network.refuse_duplicates(["00:16:3e:00:00:01"], [])
    LocalRegistry(lambda: [dom]).check(mac_claim([None, "00:16:3e:00:00:02"]))
    assert disk_claims([DiskSpec("", "hdc", "r", "cdrom")]) == Claim()


# ---- migration pre-flight lists every clash from the same check -----------------------------------
def test_migration_preflight_lists_the_registry_clashes(tmp_path: Path) -> None:
    from hvmctl.migration import target

    daemon = _daemon(tmp_path)
    img = _image(tmp_path / "disk.img")
    os.symlink(img, tmp_path / "alias.img")
    _holder(daemon, "web", UUID_A, disks=(DiskSpec(str(img), "xvda", "w"),))
    cfg = DomainConfig(name="web", uuid=UUID_B, disks=(DiskSpec(str(tmp_path / "alias.img"), "xvda", "w"),))
    report: dict[str, Any] = asyncio.run(target.preflight(daemon, {"record": {"config": cfg.to_dict()}}))
    identity = next(c for c in report["checks"] if c["check"] == "identity")
    assert not identity["ok"]
    assert identity["detail"].startswith("domain name 'web' is already in use by domain 1; disk ")
    assert "alias.img (xvda) is already in use by domain 'web'" in identity["detail"]
