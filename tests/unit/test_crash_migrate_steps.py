"""A live migration between two daemons (fake backend, fake network), the source or the
destination daemon killed at every crash point of the real sequence (live.py, target.py)
and restarted on its state (both daemons in one loop, the destination's endpoint on the
fake network: a restarted source asks it who owns the guest). Invariants: the guest exists
on exactly one side, never running on both; never lost; a stream that had not completed
leaves it running at the source; one that completed leaves it at the destination (a
restarted destination keeps a loaded guest; the source, told so, ends its paused copy),
never resumed at the source; the side that does not own it keeps nothing (record, run dir,
incoming marker, outgoing credentials, QEMU)."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest

from tests.unit import crashkit as ck


def _points(side: str) -> list[str]:
    import tempfile

    tmp = Path(tempfile.mkdtemp(prefix="migpoints-"))
    try:
        hosts = ck.migrate_until_crash(tmp, side, None)
        assert hosts.job_state == "completed"
        return hosts.seen
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


SRC_POINTS = _points("src")
DST_POINTS = _points("dst")


def test_the_sequences_pass_their_steps() -> None:
    assert SRC_POINTS[:5] == ["migrate-out:intent", "migrate-out:prepared", "migrate-out:streaming",
                              "migrate-out:stream-complete", "migrate-out:handed-over"]
    assert "destroy:torn-down" in SRC_POINTS  # the source's copy ends after the handover
    assert DST_POINTS[-3:] == ["migrate-in:listening", "migrate-in:loaded", "migrate-in:committed"]
    assert DST_POINTS[0] == "launch:domid"


def test_uninterrupted_migration_moves_the_guest(tmp_path: Path) -> None:
    hosts = ck.migrate_until_crash(tmp_path, "src", None)
    assert hosts.job_state == "completed"
    src, dst = ck.restart_hosts(hosts)
    owner = _check(hosts, src, dst)
    assert owner == "dst"


def _side(root: Path, world: ck.FakeWorld, out: dict[str, Any]) -> str | None:
    """The guest's state on one host after its restart: None when the host keeps nothing
    of it (asserted), else its state (the one QEMU, adopted)."""
    alive = world.alive_with_uuid(ck.UUID)
    assert len(alive) <= 1, f"{root.name}: two QEMUs for one guest"
    rest = ck.leftovers(root)
    assert rest["tmp"] == [] and rest["partial"] == [], rest
    dom = out["domains"].get(ck.UUID)
    if dom is None:
        assert alive == [], f"{root.name}: QEMU pid {alive[0].pid} runs untracked"
        assert rest["records"] == [] and rest["run_dirs"] == [], (root.name, rest)
        assert ck.markers(root) == [], (root.name, ck.markers(root))
        return None
    assert len(alive) == 1 and dom.process is not None and dom.process.pid == alive[0].pid, root.name
    assert out["intents"][ck.UUID] is None, (root.name, out["intents"])
    assert ck.markers(root) == [], (root.name, ck.markers(root))
    assert rest["records"] == [ck.UUID] and rest["run_dirs"] == [ck.UUID[:8]], (root.name, rest)
    state = str(dom.state.value)
    assert state in ("running", "paused"), (root.name, state)
    assert (alive[0].status == "running") == (state == "running"), (root.name, alive[0].status, state)
    return state


def _check(hosts: ck.Hosts, src: dict[str, Any], dst: dict[str, Any]) -> str:
    """The cross-host invariants; returns the side that runs the guest."""
    s, d = _side(hosts.src, hosts.src_world, src), _side(hosts.dst, hosts.dst_world, dst)
    if (s, d).count("running") != 1:
        pytest.fail(f"the guest runs on {(s, d).count('running')} hosts (src {s}, dst {d})", pytrace=False)
    assert src["spawned_on_start"] == 0 and dst["spawned_on_start"] == 0, "a restart started a guest"
    loaded_at_dst = any(g.loaded for g in hosts.dst_world.guests.values())
    if s == "running":
        assert not (loaded_at_dst and d is not None)
        (guest,) = hosts.src_world.alive_with_uuid(ck.UUID)
        assert guest.migration != "completed", "resumed after its whole state went out"
        return "src"
    (guest,) = hosts.dst_world.alive_with_uuid(ck.UUID)
    assert guest.loaded.get("uuid") == ck.UUID.lower(), "runs at the destination without the stream"
    if s is not None:
        pytest.fail(f"the source keeps a {s} copy of a guest that runs at the destination", pytrace=False)
    return "dst"


def _run(tmp_path: Path, side: str, index: int) -> tuple[ck.Hosts, dict[str, Any], dict[str, Any]]:
    hosts = ck.migrate_until_crash(tmp_path, side, index)
    points = SRC_POINTS if side == "src" else DST_POINTS
    assert hosts.photo is not None and hosts.photo.point == points[index]
    src, dst = ck.restart_hosts(hosts)
    return hosts, src, dst


def _src_cases() -> list[Any]:
    return [pytest.param(i, id=f"{i}-{point}") for i, point in enumerate(SRC_POINTS)]


#: the source killed once its QEMU sent the whole state: the restarted source asks the
#: destination, which runs the guest, and ends its paused copy
@pytest.mark.parametrize("index", _src_cases())
def test_source_killed_at_each_step(tmp_path: Path, index: int) -> None:
    hosts, src, dst = _run(tmp_path, "src", index)
    owner = _check(hosts, src, dst)
    point = SRC_POINTS[index]
    before_stream = point in ("migrate-out:intent", "migrate-out:prepared", "migrate-out:streaming")
    assert owner == ("src" if before_stream else "dst"), (point, owner)


#: the destination killed once its QEMU loaded (and ran) the stream: the source never hears
#: the answer and keeps its copy paused; the restarted destination keeps the loaded guest
#: (committed or not: the source's stream completed, it never resumes it unasked), and the
#: source, asking it, ends its paused copy
DEST_KEEPS = {"migrate-in:loaded", "migrate-in:committed"}


def _dst_cases() -> list[Any]:
    return [pytest.param(i, id=f"{i}-{p}") for i, p in enumerate(DST_POINTS)]


@pytest.mark.parametrize("index", _dst_cases())
def test_destination_killed_at_each_step(tmp_path: Path, index: int) -> None:
    hosts, src, dst = _run(tmp_path, "dst", index)
    owner = _check(hosts, src, dst)
    point = DST_POINTS[index]
    assert owner == ("dst" if point in DEST_KEEPS else "src"), (point, owner)


@pytest.mark.parametrize("side,point", [("src", "migrate-out:streaming"), ("src", "migrate-out:prepared"),
                                        ("dst", "migrate-in:listening")])
def test_live_migration_killed_before_the_stream_completed(tmp_path: Path, side: str, point: str) -> None:
    """Pre-copy (``--live``: the guest runs while its memory goes): the same rollback."""
    index = (SRC_POINTS if side == "src" else DST_POINTS).index(point)
    hosts = ck.migrate_until_crash(tmp_path, side, index, live=True)
    assert hosts.photo is not None and hosts.photo.point == point
    src, dst = ck.restart_hosts(hosts)
    assert _check(hosts, src, dst) == "src"
    (guest,) = hosts.src_world.alive_with_uuid(ck.UUID)
    assert "stop" not in guest.commands, "a live migration stopped the guest"


def test_live_migration_uninterrupted(tmp_path: Path) -> None:
    hosts = ck.migrate_until_crash(tmp_path, "src", None, live=True)
    assert hosts.job_state == "completed"
    src, dst = ck.restart_hosts(hosts)
    assert _check(hosts, src, dst) == "dst"
