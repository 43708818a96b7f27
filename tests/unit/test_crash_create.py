"""Kill the daemon at every step of ``create`` (fake backend): after a restart the guest is
adopted exactly once or gone without a trace, and no domain ID is ever handed out twice."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from hvmctl.errors import ConflictError

from tests.unit import crashkit as ck

#: one per fd the launch opens: the console log, the QMP and serial sockets
FD_POINTS = ["launch:fd"] * 3
CREATE_POINTS = ["launch:domid", *FD_POINTS, "launch:intent", "launch:granted", "launch:spawned", "launch:pid", "launch:connected",
                 "launch:ready", "launch:committed"]


async def create(daemon: ck.Daemon, world: ck.FakeWorld) -> None:
    await daemon.create(ck.profile(), filename="/etc/xen/demo", overrides=[])


def test_create_passes_every_point(tmp_path: Path) -> None:
    assert ck.count_points(tmp_path / "h", None, create) == CREATE_POINTS


@pytest.mark.parametrize("index", range(len(CREATE_POINTS)), ids=CREATE_POINTS)
@pytest.mark.parametrize("pidfile", [True, False], ids=["pidfile", "no-pidfile"])
def test_kill_during_create(tmp_path: Path, index: int, pidfile: bool) -> None:
    root = tmp_path / "h"
    world = ck.FakeWorld()
    world.write_pidfile = pidfile  # QEMU may not have written its pidfile yet
    crasher, _ = ck.run_until_crash(root, None, create, index, world)
    assert crasher.photo is not None and crasher.photo.point == CREATE_POINTS[index]
    world = ck.restore_photo(root, crasher.photo)
    spawned_before = [g for g in world.alive() if g.uuid == ck.UUID]
    used = {r["runtime"]["domid"] for r in ck.records(root).values() if r.get("runtime")}

    async def create_again(daemon: ck.Daemon, world: ck.FakeWorld) -> None:
        # the same name again: refused if the guest was adopted, else exactly one QEMU
        try:
            await create(daemon, world)
        except ConflictError:
            return
        dom = daemon.lookup("demo")
        assert dom.domid is not None and dom.domid not in used
        await daemon.create(ck.profile("other", ck.OTHER_UUID), filename="/etc/xen/other", overrides=[])
        other = daemon.lookup("other").domid
        assert other is not None and other > dom.domid

    out = ck.restart(root, world)
    there = ck.check_one_or_none(root, world, out)
    assert out["spawned_on_start"] == 0, "a guest that never finished starting was restarted"
    # adopted exactly when a QEMU had been spawned (and it is that QEMU, not a new one)
    assert there == bool(spawned_before)
    if there:
        assert out["domains"][ck.UUID].domid == 1
        assert out["next_domid"] == 2
    ck.restart(root, world, create_again)
    assert len(world.alive_with_uuid(ck.UUID)) == 1


def test_unrecorded_qemu_is_stopped_and_stale_temps_removed(tmp_path: Path) -> None:
    """A QEMU whose record is missing (lost record, older daemon) is found by its pidfile
    and stopped; half-written records are removed."""
    root = tmp_path / "h"
    crasher, _ = ck.run_until_crash(root, None, create, CREATE_POINTS.index("launch:pid"))
    assert crasher.photo is not None
    world = ck.restore_photo(root, crasher.photo)
    paths = ck.make_paths(root)
    (paths.domains_dir / f"{ck.UUID}.json").unlink()
    stale = paths.domains_dir / f".{ck.UUID}.json.abc123.tmp"
    stale.write_text("{")
    assert len(world.alive_with_uuid(ck.UUID)) == 1
    out = ck.restart(root, world)
    assert out["domains"] == {}
    assert world.alive_with_uuid(ck.UUID) == []
    assert ck.leftovers(root) == {"tmp": [], "partial": [], "run_dirs": [], "records": []}


def test_failed_create_leaves_no_run_dir_and_uses_no_id(tmp_path: Path) -> None:
    root = tmp_path / "h"

    async def scenario(daemon: ck.Daemon, world: ck.FakeWorld) -> None:
        bad = ck.profile(more="disk = ['file:/nonexistent/disk.img,xvda,w']\n")
        for _ in range(3):
            with pytest.raises(ck.HvmctlError):
                await daemon.create(bad, filename="/etc/xen/demo", overrides=[])
        assert list((daemon.paths.run_dir / "dom").glob("*")) == []
        await create(daemon, world)
        assert daemon.lookup("demo").domid == 1

    ck.run_until_crash(root, None, scenario, None)


def test_qemu_that_refuses_to_start_gives_its_id_back(tmp_path: Path) -> None:
    root = tmp_path / "h"

    async def scenario(daemon: ck.Daemon, world: ck.FakeWorld) -> None:
        real_spawn = world.spawn

        def dying(argv: list[str], sockets: dict[int, str] | None = None) -> ck.FakeGuest:
            guest = real_spawn(argv)  # not reachable by the QMP socket the daemon passed
            asyncio.get_running_loop().call_soon(world.exit, guest.pid)
            guest.argv = [a.replace("qmp.sock", "nowhere.sock") for a in guest.argv]
            return guest

        world.spawn = dying  # type: ignore[method-assign]  # QEMU exits before its monitor answers
        with pytest.raises(ck.HvmctlError):
            await create(daemon, world)
        world.spawn = real_spawn  # type: ignore[method-assign]
        assert list((daemon.paths.run_dir / "dom").glob("*")) == []
        assert daemon.domains == {}
        await create(daemon, world)
        assert daemon.lookup("demo").domid == 1

    ck.run_until_crash(root, None, scenario, None)


def test_qemu_of_an_unreadable_record_is_left_alone(tmp_path: Path) -> None:
    root = tmp_path / "h"
    _, world = ck.run_until_crash(root, None, create, None)
    record = ck.make_paths(root).domains_dir / f"{ck.UUID}.json"
    record.write_text("{not json")
    out = ck.restart(root, world)
    assert out["domains"] == {}
    assert len(world.alive_with_uuid(ck.UUID)) == 1, "a guest was killed for an unreadable record"
    assert record.with_suffix(".broken").exists()
