"""A daemon killed during a live migration (fake backend). Source: a migration whose
stream completed may run at the destination, so the guest stays paused here and is never
resumed; one that did not complete is cancelled and the guest resumes as it was.
Destination: an incoming guest not yet committed is discarded (the source keeps it)."""

from __future__ import annotations

from pathlib import Path

import pytest

from hvmctl.config import parse_profile
from hvmctl.daemon.state import DomainState
from tests.unit import crashkit as ck


async def create(daemon: ck.Daemon, world: ck.FakeWorld) -> None:
    await daemon.create(ck.profile(), filename="/etc/xen/demo", overrides=[])


def outgoing(qemu_status: str, migration: str) -> ck.Scenario:
    async def scenario(daemon: ck.Daemon, world: ck.FakeWorld) -> None:
        dom = daemon.lookup("demo")
        dom.set_state(DomainState.MIGRATING, intent={"op": "migrate-out", "was_running": True})
        (guest,) = world.alive_with_uuid(ck.UUID)
        guest.status, guest.migration = qemu_status, migration
        daemon.crash_point("migrate:streaming")

    return scenario


@pytest.mark.parametrize("qemu_status,migration", [("running", "active"), ("paused", "device")])
def test_source_killed_mid_stream_resumes_guest(tmp_path: Path, qemu_status: str, migration: str) -> None:
    root = tmp_path / "h"
    crasher, _ = ck.run_until_crash(root, create, outgoing(qemu_status, migration), 0)
    assert crasher.photo is not None and crasher.photo.point == "migrate:streaming"
    world = ck.restore_photo(root, crasher.photo)
    out = ck.restart(root, world)
    assert ck.check_one_or_none(root, world, out) is True
    (guest,) = world.alive_with_uuid(ck.UUID)
    assert out["domains"][ck.UUID].state is DomainState.RUNNING and guest.status == "running"
    assert "migrate_cancel" in guest.commands


def test_source_killed_after_stream_completed_stays_paused(tmp_path: Path) -> None:
    root = tmp_path / "h"
    crasher, _ = ck.run_until_crash(root, create, outgoing("postmigrate", "completed"), 0)
    assert crasher.photo is not None and crasher.photo.point == "migrate:streaming"
    world = ck.restore_photo(root, crasher.photo)
    (guest,) = world.alive_with_uuid(ck.UUID)
    sent = len(guest.commands)
    out = ck.restart(root, world)
    assert out["domains"][ck.UUID].state is DomainState.PAUSED
    assert out["intents"][ck.UUID] is None
    assert "cont" not in guest.commands[sent:], "resumed: it may run at the destination too"


@pytest.mark.parametrize("qemu_status", ["inmigrate", "running"])
def test_destination_killed_before_commit_discards(tmp_path: Path, qemu_status: str) -> None:
    root = tmp_path / "h"

    async def incoming(daemon: ck.Daemon, world: ck.FakeWorld) -> None:
        loaded = parse_profile(ck.profile(), filename="/etc/xen/demo", overrides=[], default_name="demo")
        dom = await daemon.create_from_config(loaded.config, incoming="defer")
        assert dom.intent is not None and dom.intent["op"] == "migrate-in"
        (guest,) = world.alive_with_uuid(ck.UUID)
        guest.status = qemu_status  # still loading, or loaded and resumed by QEMU itself
        daemon.crash_point("migrate-in:loaded")

    crasher, _ = ck.run_until_crash(root, None, incoming, 11)  # after the 11 points of the launch
    assert crasher.photo is not None and crasher.photo.point == "migrate-in:loaded"
    world = ck.restore_photo(root, crasher.photo)
    out = ck.restart(root, world)
    assert ck.check_one_or_none(root, world, out) is False
    assert out["spawned_on_start"] == 0


def test_source_qemu_died_mid_migration_is_not_restarted(tmp_path: Path) -> None:
    root = tmp_path / "h"
    crasher, _ = ck.run_until_crash(root, create, outgoing("postmigrate", "completed"), 0)
    assert crasher.photo is not None
    world = ck.restore_photo(root, crasher.photo)
    for guest in world.alive():
        world.exit(guest.pid)
    out = ck.restart(root, world)
    assert out["spawned_on_start"] == 0
    assert out["domains"][ck.UUID].state is DomainState.CRASHED
