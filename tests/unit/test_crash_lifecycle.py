"""Kill the daemon at every step of ``destroy``, of a guest's poweroff (on_poweroff =
destroy) and of its reboot (on_reboot = restart), fake backend: a destroyed guest never
comes back, a rebooting one is never lost, none runs twice."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from hvmctl.daemon.domain import Domain
from hvmctl.daemon.state import DomainState
from tests.unit import crashkit as ck

#: one per fd the launch opens: the console log, the QMP and serial sockets
FD_POINTS = ["launch:fd"] * 3
DESTROY_POINTS = ["destroy:intent", "teardown:quit", "teardown:released", "destroy:torn-down"]
RESTART_POINTS = ["restart:intent", "teardown:quit", "teardown:released", "restart:torn-down",
                  "launch:domid", *FD_POINTS, "launch:intent", "launch:granted", "launch:spawned", "launch:pid", "launch:connected",
                  "launch:ready", "launch:committed"]


async def create(daemon: ck.Daemon, world: ck.FakeWorld) -> None:
    await daemon.create(ck.profile(), filename="/etc/xen/demo", overrides=[])


async def destroy(daemon: ck.Daemon, world: ck.FakeWorld) -> None:
    await daemon.lookup("demo").destroy()


async def poweroff(daemon: ck.Daemon, world: ck.FakeWorld) -> None:
    dom = daemon.lookup("demo")
    assert await dom.shutdown(wait=True, timeout=5.0, force=False) == "shut down"
    await _settle(dom)


async def guest_reboots(daemon: ck.Daemon, world: ck.FakeWorld) -> None:
    dom = daemon.lookup("demo")
    assert dom.process is not None
    world.guest_reboot(dom.process.pid)
    await _settle(dom)


async def _settle(dom: Domain) -> None:
    for _ in range(200):  # the supervisor applies on_* under the lock
        await asyncio.sleep(0)
        async with dom.lock:
            pass


def test_points(tmp_path: Path) -> None:
    assert ck.count_points(tmp_path / "a", create, destroy) == DESTROY_POINTS
    assert ck.count_points(tmp_path / "b", create, poweroff) == DESTROY_POINTS
    assert ck.count_points(tmp_path / "c", create, guest_reboots) == RESTART_POINTS


def _gone(root: Path, world: ck.FakeWorld, out: dict[str, object]) -> None:
    assert ck.check_one_or_none(root, world, out) is False
    assert out["spawned_on_start"] == 0, "a destroyed guest was started again"
    assert ck.leftovers(root) == {"tmp": [], "partial": [], "run_dirs": [], "records": []}


@pytest.mark.parametrize("index", range(len(DESTROY_POINTS)), ids=DESTROY_POINTS)
@pytest.mark.parametrize("how", [destroy, poweroff], ids=["xm-destroy", "poweroff-destroy"])
def test_kill_during_destroy(tmp_path: Path, index: int, how: ck.Scenario) -> None:
    root = tmp_path / "h"
    crasher, _ = ck.run_until_crash(root, create, how, index)
    assert crasher.photo is not None
    world = ck.restore_photo(root, crasher.photo)
    _gone(root, world, ck.restart(root, world))


def test_destroy_intent_on_disk_before_qemu_is_told_to_quit(tmp_path: Path) -> None:
    root = tmp_path / "h"
    crasher, _ = ck.run_until_crash(root, create, destroy, 0)
    assert crasher.photo is not None
    world = ck.restore_photo(root, crasher.photo)
    (rec,) = ck.records(root).values()
    assert rec["intent"] == {"op": "destroy"} and rec["state"] == "dying"
    assert len(world.alive_with_uuid(ck.UUID)) == 1  # QEMU not told yet


def test_qemu_gone_without_an_intent_is_a_crash(tmp_path: Path) -> None:
    """The contrast that makes the tests above mean something: with no intent under way a
    QEMU that vanished while the daemon was away is a crash, and on_crash=restart restarts
    it (what resurrected destroyed guests before intents: case 4)."""
    root = tmp_path / "h"
    _, world = ck.run_until_crash(root, create, _noop, None)
    for guest in world.alive():
        world.exit(guest.pid)
    out = ck.restart(root, world)
    assert out["spawned_on_start"] == 1 and ck.check_one_or_none(root, world, out) is True


async def _noop(daemon: ck.Daemon, world: ck.FakeWorld) -> None:
    return None


def test_guest_powered_off_while_daemon_away_is_destroyed(tmp_path: Path) -> None:
    root = tmp_path / "h"
    _, world = ck.run_until_crash(root, create, _noop, None)
    (guest,) = world.alive()
    guest.status = "shutdown"  # it powered off; QEMU (shutdown=pause) waits for the daemon
    _gone(root, world, ck.restart(root, world))


@pytest.mark.parametrize("index", range(len(RESTART_POINTS)), ids=RESTART_POINTS)
def test_kill_during_reboot_restart(tmp_path: Path, index: int) -> None:
    root = tmp_path / "h"
    crasher, _ = ck.run_until_crash(root, create, guest_reboots, index)
    assert crasher.photo is not None
    world = ck.restore_photo(root, crasher.photo)
    old_pid = min(g.pid for g in world.guests.values())
    out = ck.restart(root, world)
    assert ck.check_one_or_none(root, world, out) is True, "a rebooting guest was lost"
    dom = out["domains"][ck.UUID]
    assert dom.process.pid != old_pid, "the old incarnation was kept"
    assert dom.domid is not None and dom.domid >= 2
    assert dom.state is DomainState.RUNNING


def test_restart_that_cannot_start_leaves_guest_preserved_crashed(tmp_path: Path) -> None:
    async def scenario(daemon: ck.Daemon, world: ck.FakeWorld) -> None:
        dom = daemon.lookup("demo")
        real_spawn = world.spawn

        def refused(argv: list[str], sockets: dict[int, str] | None = None) -> ck.FakeGuest:
            guest = real_spawn(argv, sockets)
            world.exit(guest.pid)  # QEMU refuses the argv (a disk gone meanwhile, say)
            return guest

        world.spawn = refused  # type: ignore[method-assign]
        await guest_reboots(daemon, world)
        assert dom.state is DomainState.CRASHED and dom.intent is None
        assert daemon.lookup("demo") is dom
        assert ck.leftovers(root)["run_dirs"] == []
        (rec,) = ck.records(root).values()
        assert rec["state"] == "crashed" and rec["intent"] is None

    root = tmp_path / "h"
    ck.run_until_crash(root, create, scenario, None)
