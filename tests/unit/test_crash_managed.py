"""Kill the daemon at every step of the managed-domain commands (fake backend): after a
restart the definition is there exactly once -- inactive, suspended with its save, or
running with its one QEMU -- never lost, never doubled; a deleted domain never comes back."""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any

import pytest

from hvmctl.daemon import managed
from hvmctl.daemon.state import DomainState
from hvmctl.migration import saverestore
from tests.unit import crashkit as ck


async def define(daemon: ck.Daemon, world: ck.FakeWorld) -> None:
    managed.define(daemon, ck.profile(), filename="/etc/xen/demo", overrides=[])


async def start(daemon: ck.Daemon, world: ck.FakeWorld) -> None:
    await managed.start(daemon, daemon.lookup("demo"))


async def define_start(daemon: ck.Daemon, world: ck.FakeWorld) -> None:
    await define(daemon, world)
    await start(daemon, world)


async def destroy(daemon: ck.Daemon, world: ck.FakeWorld) -> None:
    await daemon.lookup("demo").destroy()


async def delete(daemon: ck.Daemon, world: ck.FakeWorld) -> None:
    await managed.delete(daemon, daemon.lookup("demo"))


async def suspend(daemon: ck.Daemon, world: ck.FakeWorld) -> None:
    await managed.suspend(daemon, daemon.lookup("demo"))
    await saverestore.teardown_pending(ck.UUID)


async def define_start_suspend(daemon: ck.Daemon, world: ck.FakeWorld) -> None:
    await define_start(daemon, world)
    await suspend(daemon, world)


async def resume(daemon: ck.Daemon, world: ck.FakeWorld) -> None:
    await managed.resume(daemon, daemon.lookup("demo"))


async def delete_suspended(daemon: ck.Daemon, world: ck.FakeWorld) -> None:
    await delete(daemon, world)


SCENARIOS: dict[str, tuple[ck.Scenario | None, ck.Scenario]] = {
    "new": (None, define),
    "start": (define, start),
    "destroy": (define_start, destroy),
    "delete": (define, delete),
    "suspend": (define_start, suspend),
    "resume": (define_start_suspend, resume),
    "delete-suspended": (define_start_suspend, delete_suspended),
}


def cases() -> list[tuple[str, int]]:
    """Every (command, crash point) pair, counted by a run that does not crash."""
    out = []
    with tempfile.TemporaryDirectory(prefix="hvmctl-crash-managed-") as scratch:
        for name, (setup, scenario) in SCENARIOS.items():
            points = ck.count_points(Path(scratch) / name, setup, scenario)
            out += [(name, i) for i in range(len(points))]
    return out


CASES = cases()


def check_definition(root: Path, world: ck.FakeWorld, out: dict[str, Any], deleted: bool) -> None:
    alive = world.alive_with_uuid(ck.UUID)
    assert len(alive) <= 1, f"two QEMUs for one guest: {[g.pid for g in alive]}"
    rest = ck.leftovers(root)
    assert rest["tmp"] == [] and rest["partial"] == [], rest
    saves = sorted(p.name for p in (root / "state" / "managed-save").glob("*"))
    dom = out["domains"].get(ck.UUID)
    if dom is None:
        assert deleted, "the definition was lost"
        assert alive == [] and ck.UUID not in rest["records"] and saves == [], (alive, rest, saves)
        return
    assert not deleted, "a deleted domain came back"
    assert dom.managed and rest["records"] == [ck.UUID] and out["intents"][ck.UUID] is None
    if dom.state in (DomainState.RUNNING, DomainState.PAUSED):
        assert len(alive) == 1 and dom.process is not None and dom.process.pid == alive[0].pid
        assert saves == [], "a running domain kept a stale managed save"
    elif dom.state is DomainState.SUSPENDED:
        assert alive == [] and saves == [f"{ck.UUID}.save"]
    else:
        assert dom.state is DomainState.INACTIVE, dom.state
        assert alive == [] and saves == [] and rest["run_dirs"] == []


@pytest.mark.parametrize(("name", "index"), CASES, ids=[f"{n}-{i}" for n, i in CASES])
def test_kill_during_managed_command(tmp_path: Path, name: str, index: int) -> None:
    root = tmp_path / "h"
    setup, scenario = SCENARIOS[name]
    crasher, _ = ck.run_until_crash(root, setup, scenario, index)
    assert crasher.photo is not None
    world = ck.restore_photo(root, crasher.photo)
    out = ck.restart(root, world)
    assert out["spawned_on_start"] == 0, "a command the daemon died in was redone at start"
    check_definition(root, world, out, deleted=crasher.photo.point == "delete:undefined")

    # and the definition still works (or, deleted, its name is free)
    async def after(daemon: ck.Daemon, world: ck.FakeWorld) -> None:
        if ck.UUID not in daemon.domains:
            await define(daemon, world)
        dom = daemon.lookup("demo")
        if dom.state in (DomainState.INACTIVE, DomainState.SUSPENDED):
            await managed.start(daemon, dom)
        # (a restore the daemon died in after the stream was fed is adopted paused, as xm restore)
        assert daemon.lookup("demo").state in (DomainState.RUNNING, DomainState.PAUSED)

    ck.restart(root, world, after)
    assert len(world.alive_with_uuid(ck.UUID)) == 1


def test_every_command_passes_its_points(tmp_path: Path) -> None:
    """The crash points the cases above cover, so that a new step is not silently skipped."""
    seen = {name: [] for name in SCENARIOS}  # type: dict[str, list[str]]
    for name, (setup, scenario) in SCENARIOS.items():
        seen[name] = ck.count_points(tmp_path / name, setup, scenario)
    assert seen["new"] == ["new:persisted"]
    assert seen["delete"] == ["delete:undefined"]
    assert "deactivate:persisted" in seen["destroy"] and "deactivate:persisted" in seen["suspend"]
    assert seen["resume"][-1] == "resume:restored" and "restore:fed" in seen["resume"]
    assert seen["start"][0] == "launch:domid"
