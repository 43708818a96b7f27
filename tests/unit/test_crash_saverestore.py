"""Kill the daemon at every step of ``save`` and ``restore`` (fake backend): the guest is
always in exactly one place -- running here, or complete in the save file -- never lost,
never twice; no partial file, temp or run dir is left."""

from __future__ import annotations

from pathlib import Path

import pytest

from hvmctl.daemon.state import DomainState
from hvmctl.migration import saverestore
from tests.unit import crashkit as ck

#: one per fd the launch opens: the console log, the QMP and serial sockets
FD_POINTS = ["launch:fd"] * 3
SAVE_POINTS = ["save:intent", "save:stopped", "save:streamed", "save:renamed", "save:committed",
               "teardown:quit", "teardown:released"]
RESTORE_POINTS = ["launch:domid", *FD_POINTS, "launch:intent", "launch:granted", "launch:spawned", "launch:pid", "launch:connected",
                  "launch:ready", "launch:committed", "restore:launched", "restore:fed", "restore:committed"]


def save_path(daemon: ck.Daemon) -> Path:
    path = daemon.paths.state_dir.parent / "saves" / "demo.save"
    path.parent.mkdir(parents=True, exist_ok=True)
    return path


async def create(daemon: ck.Daemon, world: ck.FakeWorld) -> None:
    await daemon.create(ck.profile(), filename="/etc/xen/demo", overrides=[])


async def save(daemon: ck.Daemon, world: ck.FakeWorld) -> None:
    result = await saverestore.save_domain(daemon.lookup("demo"), save_path(daemon))
    assert result["result"] == "saved"
    await saverestore.teardown_pending(ck.UUID)


async def create_and_save(daemon: ck.Daemon, world: ck.FakeWorld) -> None:
    await create(daemon, world)
    await save(daemon, world)


async def restore(daemon: ck.Daemon, world: ck.FakeWorld) -> None:
    await saverestore.restore_domain(daemon, save_path(daemon))


def test_points(tmp_path: Path) -> None:
    assert ck.count_points(tmp_path / "a", create, save) == SAVE_POINTS
    assert ck.count_points(tmp_path / "b", create_and_save, restore) == RESTORE_POINTS


def _restored_once(root: Path, world: ck.FakeWorld) -> None:
    """The save file brings the guest back, from its state (not a fresh boot), once."""
    out = ck.restart(root, world, restore)
    (guest,) = world.alive_with_uuid(ck.UUID)
    assert guest.loaded.get("uuid") == ck.UUID


@pytest.mark.parametrize("index", range(len(SAVE_POINTS)), ids=SAVE_POINTS)
def test_kill_during_save(tmp_path: Path, index: int) -> None:
    root = tmp_path / "h"
    crasher, _ = ck.run_until_crash(root, create, save, index)
    assert crasher.photo is not None
    world = ck.restore_photo(root, crasher.photo)
    out = ck.restart(root, world)
    saved = (root / "saves" / "demo.save").exists()
    there = ck.check_one_or_none(root, world, out)
    assert there != saved, f"the guest is {'in two places' if there else 'lost'}"
    assert out["spawned_on_start"] == 0
    if there:  # rolled back: it carries on as it was, running
        assert out["domains"][ck.UUID].state is DomainState.RUNNING
        (guest,) = world.alive_with_uuid(ck.UUID)
        assert guest.status == "running"
    else:
        _restored_once(root, world)


@pytest.mark.parametrize("index", range(len(RESTORE_POINTS)), ids=RESTORE_POINTS)
def test_kill_during_restore(tmp_path: Path, index: int) -> None:
    root = tmp_path / "h"
    crasher, _ = ck.run_until_crash(root, create_and_save, restore, index)
    assert crasher.photo is not None
    world = ck.restore_photo(root, crasher.photo)
    out = ck.restart(root, world)
    assert (root / "saves" / "demo.save").exists()
    assert out["spawned_on_start"] == 0
    if ck.check_one_or_none(root, world, out):
        (guest,) = world.alive_with_uuid(ck.UUID)
        assert guest.loaded.get("uuid") == ck.UUID, "adopted a QEMU that never loaded the state"
    else:
        _restored_once(root, world)


def test_checkpoint_resumes_and_leaves_no_intent(tmp_path: Path) -> None:
    async def checkpoint(daemon: ck.Daemon, world: ck.FakeWorld) -> None:
        dom = daemon.lookup("demo")
        result = await saverestore.save_domain(dom, save_path(daemon), checkpoint=True)
        assert result["result"] == "checkpointed"
        assert dom.state is DomainState.RUNNING and dom.intent is None
        (guest,) = world.alive_with_uuid(ck.UUID)
        assert guest.status == "running"

    ck.run_until_crash(tmp_path / "h", create, checkpoint, None)


def test_saved_guest_whose_qemu_died_is_not_restarted(tmp_path: Path) -> None:
    """Killed after the file was complete, and its QEMU gone too: the guest is in the file;
    on_crash=restart must not start a second copy of it."""
    root = tmp_path / "h"
    crasher, _ = ck.run_until_crash(root, create, save, SAVE_POINTS.index("save:renamed"))
    assert crasher.photo is not None
    world = ck.restore_photo(root, crasher.photo)
    for guest in world.alive():
        world.exit(guest.pid)
    out = ck.restart(root, world)
    assert out["spawned_on_start"] == 0 and out["domains"] == {}
    assert (root / "saves" / "demo.save").exists()
    _restored_once(root, world)
