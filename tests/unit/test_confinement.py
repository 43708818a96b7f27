"""QEMU unprivileged: one uid per guest (qemuuser), host files granted by ACL and taken
back exactly (hostacl, grants), and a daemon killed right after the grant leaves nothing
granted once the next one has started (fake backend, crash injection)."""

from __future__ import annotations

import asyncio
import os
from dataclasses import replace
from pathlib import Path

import pytest

from hvmctl.config.model import DiskSpec, DomainConfig
from hvmctl.daemon import grants, hostacl, qemuuser
from hvmctl.errors import ConfigError, HostError
from hvmctl.qemu.argv import FdSet, KernelBoot, LaunchPlan
from hvmctl.qemu.hostpaths import HostPath, host_paths

from tests.unit import crashkit as ck

UID = 1_900_000_123


def _state(path: Path) -> tuple[int, int, int, bytes | None]:
    st = os.stat(path)
    return st.st_uid, st.st_gid, st.st_mode, hostacl.read_acl(str(path))


# ---- identities ----------------------------------------------------------------------------
def test_range_parsed_and_checked_against_accounts(tmp_path: Path) -> None:
    assert qemuuser.parse_range("1000-1999") == (1000, 1999)
    for bad in ("", "5", "9-3", "0-10", "a-b"):
        with pytest.raises(ConfigError):
            qemuuser.parse_range(bad)
    passwd, group, subuid = tmp_path / "passwd", tmp_path / "group", tmp_path / "subuid"
    passwd.write_text("root:x:0:0::/root:/bin/sh\nlibvirt-qemu:x:64055:107::/:/bin/false\n")
    group.write_text("root:x:0:\n")
    subuid.write_text("alice:100000:65536\n")
    files = {"account_files": (str(passwd), str(group)), "subid_files": (str(subuid), str(tmp_path / "none"))}
    qemuuser.check_range(qemuuser.Settings(False, *qemuuser.DEFAULT_RANGE), **files)  # type: ignore[arg-type]
    with pytest.raises(HostError, match="libvirt-qemu"):
        qemuuser.check_range(qemuuser.Settings(False, 64000, 64100), **files)  # type: ignore[arg-type]
    with pytest.raises(HostError, match="alice"):
        qemuuser.check_range(qemuuser.Settings(False, 165535, 170000), **files)  # type: ignore[arg-type]


def test_default_range_is_free_on_this_host() -> None:
    qemuuser.check_range(qemuuser.Settings(False, *qemuuser.DEFAULT_RANGE))


def test_allocation_round_robin_and_root_opt_out() -> None:
    settings = qemuuser.Settings(False, 10, 12)
    taken = {10}
    assert qemuuser.allocate(settings, lambda u: u not in taken) == qemuuser.Identity(11, 11)
    assert qemuuser.allocate(settings, lambda u: u not in taken, hint=12) == qemuuser.Identity(12, 12)
    assert qemuuser.allocate(settings, lambda u: True, hint=13) == qemuuser.Identity(10, 10)  # wraps
    with pytest.raises(HostError, match="every uid"):
        qemuuser.allocate(settings, lambda u: False)
    assert qemuuser.allocate(qemuuser.Settings(True, 10, 12), lambda u: True) is None
    assert qemuuser.Settings.from_env({"HVMCTL_QEMU_USER": "root"}).root
    assert qemuuser.Settings.from_env({"HVMCTL_QEMU_UIDS": "5000-5009"}).start == 5000


# ---- ACL grants ----------------------------------------------------------------------------
def test_acl_grant_and_revoke_restore_exactly(tmp_path: Path) -> None:
    image = tmp_path / "disk.img"
    image.write_bytes(b"\0" * 512)
    os.chmod(image, 0o600)
    before = _state(image)
    entry = hostacl.grant(str(image), UID, "rw")
    assert hostacl.apply(entry) == "acl"
    assert hostacl.allows(str(image), UID, UID, "rw")
    assert not hostacl.allows(str(image), UID + 1, UID + 1, "r")
    assert os.stat(image).st_uid == before[0]  # the owner stays
    hostacl.revoke(entry)
    assert _state(image) == before


def test_two_uids_share_a_file_and_each_revoke_is_its_own(tmp_path: Path) -> None:
    iso = tmp_path / "cd.iso"
    iso.write_bytes(b"x")
    os.chmod(iso, 0o640)
    before = _state(iso)
    a, b = hostacl.grant(str(iso), UID, "r"), hostacl.grant(str(iso), UID + 1, "r")
    hostacl.apply(a)
    b = hostacl.grant(str(iso), UID + 1, "r")  # taken with A's grant in place
    hostacl.apply(b)
    hostacl.revoke(a)  # A ends first: B keeps its access
    assert hostacl.allows(str(iso), UID + 1, UID + 1, "r") and not hostacl.allows(str(iso), UID, UID, "r")
    hostacl.revoke(b)
    assert _state(iso) == before


def test_grants_pass_directories_and_the_ledger_undoes_them(tmp_path: Path) -> None:
    secret = tmp_path / "private"
    secret.mkdir(mode=0o700)
    os.chmod(secret, 0o700)
    image = secret / "disk.img"
    image.write_bytes(b"\0")
    os.chmod(image, 0o600)
    state = tmp_path / "state"
    before = {p: _state(p) for p in (secret, image)}
    ident = qemuuser.Identity(UID, UID)
    done = grants.grant(state, "u1", ident, [HostPath(str(image), "rw")])
    assert str(secret) in done and str(image) in done
    assert hostacl.allows(str(secret), UID, UID, "x") and not hostacl.allows(str(secret), UID, UID, "r")
    assert grants.grant(state, "u1", ident, [HostPath(str(image), "rw")]) == []  # held: nothing twice
    grants.revoke_all(state, "u1")
    assert {p: _state(p) for p in (secret, image)} == before
    assert not grants.ledger_path(state, "u1").exists()


def test_files_the_uid_made_in_a_granted_dir_are_taken_back(tmp_path: Path) -> None:
    directory = tmp_path / "tpm"
    directory.mkdir(mode=0o700)
    state = tmp_path / "state"
    grants.grant(state, "u1", qemuuser.Identity(UID, UID), [HostPath(str(directory), "rwx")])
    made = directory / "tpm2-00.permall"
    made.write_text("x")
    os.chown(made, UID, UID)  # as swtpm running as the uid would leave it
    grants.revoke_all(state, "u1")
    assert os.stat(made).st_uid == os.stat(directory).st_uid


def test_host_paths_of_a_plan() -> None:
    cfg = DomainConfig(name="g", uuid="u", disks=(DiskSpec("/img/a.img", "hda"), DiskSpec("/iso/b.iso", "hdc", "r",
                                                                                          "cdrom"),
                                                  DiskSpec("", "hdd", "r", "cdrom")),
                       serial="file:/var/log/g.serial")
    plan = LaunchPlan(domid=1, run_dir=Path("/run/x"), log_dir=Path("/log"), name="g",
                      kernel_boot=KernelBoot("/boot/k", "/boot/i"), nvram=Path("/state/nv.fd"))
    got = {(h.path, h.access) for h in host_paths(cfg, plan, accel="kvm")}
    assert got == {("/run/x", "rwx"), ("/img/a.img", "rw"), ("/iso/b.iso", "r"), ("/state/nv.fd", "rw"),
                   ("/boot/k", "r"), ("/boot/i", "r"), ("/log/g.console.log", "rw"),
                   ("/var/log/g.serial", "rw"), ("/dev/kvm", "rw")}
    # what the daemon passes as fds leaves the list: the one place that shrinks with fd passing
    passed = replace(plan, fdsets=(FdSet(1, "disk:hda", (10,)), FdSet(2, "nvram", (11,)),
                                   FdSet(3, "console-log", (12,))))
    got = {(h.path, h.access) for h in host_paths(cfg, passed)}
    assert got == {("/run/x", "rwx"), ("/iso/b.iso", "r"), ("/boot/k", "r"), ("/boot/i", "r"),
                   ("/var/log/g.serial", "rw")}


# ---- the daemon: a uid per guest, grants in the ledger, crash safety ---------------------------
def _disk(tmp_path: Path, name: str = "vmlinuz") -> Path:
    """A root-only kernel in a root-only dir: QEMU opens a direct-boot kernel by name
    (images and media are passed as fds, so they need no grant)."""
    images = tmp_path / "images"
    images.mkdir(mode=0o700, parents=True, exist_ok=True)
    os.chmod(images, 0o700)
    disk = images / name
    disk.write_bytes(b"\0" * 65536)
    os.chmod(disk, 0o600)
    return disk


def _create(disk: Path, name: str = "demo", uuid: str = ck.UUID) -> ck.Scenario:
    async def create(daemon: ck.Daemon, world: ck.FakeWorld) -> None:
        await daemon.create(ck.profile(name, uuid, f'kernel = "{disk}"\n'), filename=f"/etc/xen/{name}", overrides=[])
    return create


def test_each_guest_its_own_uid_and_nothing_granted_after_destroy(tmp_path: Path) -> None:
    disk = _disk(tmp_path)
    other = _disk(tmp_path, "other-vmlinuz")
    before = {p: _state(p) for p in (disk, other, disk.parent)}
    seen: dict[str, object] = {}

    async def scenario(daemon: ck.Daemon, world: ck.FakeWorld) -> None:
        await _create(disk)(daemon, world)
        await _create(other, "other", ck.OTHER_UUID)(daemon, world)
        a, b = daemon.lookup("demo"), daemon.lookup("other")
        ga = next(g for g in world.alive() if g.uuid == ck.UUID)
        seen["uids"] = (a.qemu_uid, b.qemu_uid, ga.identity)
        seen["record_uid"] = ck.records(tmp_path / "h")[ck.UUID]["runtime"]["qemu_uid"]
        seen["a_can"] = hostacl.allows(str(disk), a.qemu_uid or 0, a.qemu_uid or 0, "r")
        seen["b_cannot"] = not hostacl.allows(str(disk), b.qemu_uid or 0, b.qemu_uid or 0, "r")
        await a.destroy()
        await b.destroy()

    ck.run_scenario(tmp_path / "h", scenario)
    ua, ub, ident = seen["uids"]  # type: ignore[misc]
    start, end = qemuuser.DEFAULT_RANGE
    assert ua != ub and start <= ua <= end and start <= ub <= end
    assert ident == qemuuser.Identity(ua, ua) and seen["record_uid"] == ua
    assert seen["a_can"] and seen["b_cannot"]
    assert {p: _state(p) for p in (disk, other, disk.parent)} == before


def test_daemon_killed_right_after_the_grant_takes_it_back_on_start(tmp_path: Path) -> None:
    disk = _disk(tmp_path / "h2")  # on the host the photo keeps: what the dying daemon does after is undone
    before = {p: _state(p) for p in (disk, disk.parent)}
    create = _create(disk)
    points = ck.count_points(tmp_path / "count", None, _create(_disk(tmp_path / "count-host")))
    crasher, _ = ck.run_until_crash(tmp_path / "h2", None, create, points.index("launch:granted"))
    assert crasher.photo is not None and crasher.photo.point == "launch:granted"
    world = ck.restore_photo(tmp_path / "h2", crasher.photo)
    assert hostacl.read_acl(str(disk)) is not None  # the dead daemon left it granted
    ledger = grants.granted(ck.make_paths(tmp_path / "h2").state_dir, ck.UUID)
    assert {e["path"] for e in ledger} >= {str(disk), str(disk.parent)}
    record = ck.records(tmp_path / "h2")[ck.UUID]
    assert record["runtime"]["qemu_uid"] == ledger[0]["uid"]  # in the record before the spawn
    ck.restart(tmp_path / "h2", world)
    assert {p: _state(p) for p in (disk, disk.parent)} == before
    assert not grants.ledger_path(ck.make_paths(tmp_path / "h2").state_dir, ck.UUID).exists()


def test_root_opt_out_grants_nothing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HVMCTL_QEMU_USER", "root")
    disk = _disk(tmp_path)
    seen: dict[str, object] = {}

    async def scenario(daemon: ck.Daemon, world: ck.FakeWorld) -> None:
        await _create(disk)(daemon, world)
        seen["ident"] = next(g for g in world.alive() if g.uuid == ck.UUID).identity
        seen["acl"] = hostacl.read_acl(str(disk))

    ck.run_scenario(tmp_path / "h", scenario)
    assert seen == {"ident": None, "acl": None}


def test_rename_restart_old_qemu_keeps_its_uid_and_grants(tmp_path: Path) -> None:
    disk = _disk(tmp_path)
    seen: dict[str, object] = {}

    async def scenario(daemon: ck.Daemon, world: ck.FakeWorld) -> None:
        await daemon.create(ck.profile("demo", ck.UUID, f'kernel = "{disk}"\non_crash = "rename-restart"\n'),
                            filename="/etc/xen/demo", overrides=[])
        first = daemon.lookup("demo")
        uid = first.qemu_uid
        assert first.process is not None
        world.guest_panic(first.process.pid)
        for _ in range(500):  # until the new incarnation has launched (its grants come after its domid)
            await asyncio.sleep(0.01)
            again = daemon.lookup("demo")
            if again.domid != 1 and again.state.value == "running":
                break
        old = next(d for d in daemon.domains.values() if d.name.startswith("Domain-"))
        new = daemon.lookup("demo")
        seen["uids"] = (uid, old.qemu_uid, new.qemu_uid)
        state = daemon.paths.state_dir
        seen["old_ledger"] = {e["uid"] for e in grants.granted(state, old.uuid)}
        seen["new_ledger"] = {e["uid"] for e in grants.granted(state, new.uuid)}

    ck.run_scenario(tmp_path / "h", scenario)
    uid, old_uid, new_uid = seen["uids"]  # type: ignore[misc]
    assert old_uid == uid and new_uid != uid
    assert seen["old_ledger"] == {uid} and seen["new_ledger"] == {new_uid}
