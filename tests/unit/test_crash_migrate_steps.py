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


# ---- the handover's question: a source that lost the answer asks the destination ----------

ASKING_POINTS = [("src", "migrate-out:stream-complete"), ("src", "migrate-out:handed-over"),
                 ("dst", "migrate-in:loaded"), ("dst", "migrate-in:committed")]


@pytest.mark.parametrize("side,point", ASKING_POINTS)
def test_the_source_asked_the_destination(tmp_path: Path, side: str, point: str) -> None:
    """The paused copy ended because the destination said it owns the guest (not by luck)."""
    hosts, src, dst = _run(tmp_path, side, (SRC_POINTS if side == "src" else DST_POINTS).index(point))
    assert hosts.src_world.net is not None
    assert (ck.DEST_HOST, "status") in hosts.src_world.net.asked
    assert _check(hosts, src, dst) == "dst"


def _src_guest(hosts: ck.Hosts) -> ck.FakeGuest:
    (guest,) = hosts.src_world.alive_with_uuid(ck.UUID)
    return guest


def test_unreachable_destination_keeps_the_copy_paused_and_asks_again(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture) -> None:
    from hvmctl.daemon.state import DomainState
    from hvmctl.migration import handover
    from hvmctl.migration.startup import before_daemon_start

    monkeypatch.setattr(handover, "RETRY_EVERY", 0.02)
    hosts = ck.migrate_until_crash(tmp_path, "src", SRC_POINTS.index("migrate-out:stream-complete"))
    sent = len(_src_guest(hosts).commands)
    seen: dict[str, Any] = {}

    async def after(daemons: dict[str, ck.Daemon]) -> None:
        import asyncio

        dom = daemons["src"].domains[ck.UUID]
        seen["state"], seen["intent"], seen["note"] = dom.state, dict(dom.intent or {}), dom.summary()["handover"]
        seen["status"], seen["resumed"] = _src_guest(hosts).status, "cont" in _src_guest(hosts).commands[sent:]
        await asyncio.sleep(0.1)  # a few questions, none answered
        seen["still"] = ck.UUID in daemons["src"].domains
        dst = daemons["dst"] = ck.new_daemon(hosts.dst, hosts.dst_world)  # the destination comes back
        before_daemon_start(dst.paths, dst.backend)
        await dst.start()
        assert hosts.src_world.net is not None
        hosts.src_world.net.serve(ck.DEST_HOST, dst)
        for _ in range(300):
            if ck.UUID not in daemons["src"].domains:
                break
            await asyncio.sleep(0.01)

    with caplog.at_level("WARNING", logger="hvmctl.migration"):
        src, dst = ck.restart_hosts(hosts, order=("src",), serve_dst=False, after=after)
    assert seen["state"] is DomainState.PAUSED and seen["status"] == "postmigrate" and not seen["resumed"]
    assert seen["intent"]["op"] == "migrate-out" and seen["intent"]["handover"] == "unconfirmed"
    assert seen["still"], "ended before the destination said it runs the guest"
    assert "paused here" in seen["note"] and ck.DEST_HOST in seen["note"]
    assert "left paused here" in caplog.text and "asking again" in caplog.text
    # once it answered: the copy here is gone, the guest runs there only
    assert src["domains"] == {} and hosts.src_world.alive_with_uuid(ck.UUID) == []
    assert ck.markers(hosts.src) == [] and ck.leftovers(hosts.src)["records"] == []
    (there,) = hosts.dst_world.alive_with_uuid(ck.UUID)
    assert there.status == "running" and dst["domains"][ck.UUID].state.value == "running"


def test_a_destination_that_never_got_it_has_the_source_resume(tmp_path: Path) -> None:
    import dataclasses

    hosts = ck.migrate_until_crash(tmp_path, "src", SRC_POINTS.index("migrate-out:handed-over"))
    # the name now answers from a host that never received the guest (a reinstalled one)
    empty = dataclasses.replace(hosts, dst=tmp_path / "other", dst_world=ck.FakeWorld(hosts.src_world.net))
    sent = len(_src_guest(hosts).commands)
    src, _ = ck.restart_hosts(empty)
    dom = src["domains"][ck.UUID]
    assert dom.state.value == "running" and _src_guest(hosts).status == "running"
    assert "cont" in _src_guest(hosts).commands[sent:]
    assert src["intents"][ck.UUID] is None and ck.markers(hosts.src) == []


def test_a_guest_that_ended_at_the_destination_is_not_resumed_here(tmp_path: Path) -> None:
    hosts = ck.migrate_until_crash(tmp_path, "dst", DST_POINTS.index("migrate-in:committed"))

    async def destroy_there(daemons: dict[str, ck.Daemon]) -> None:
        await daemons["dst"].lookup("demo").destroy()  # the user ended it at its new host

    ck.restart_hosts(hosts, order=("dst",), after=destroy_there)
    sent = len(_src_guest(hosts).commands)
    src, dst = ck.restart_hosts(hosts)
    assert dst["domains"] == {}
    assert src["domains"][ck.UUID].state.value == "paused" and src["intents"][ck.UUID] is None
    assert "cont" not in _src_guest(hosts).commands[sent:], "resumed a copy whose life went on elsewhere"
    assert ck.markers(hosts.src) == []


def test_the_destination_credentials_stay_out_of_the_record(tmp_path: Path) -> None:
    import json
    import stat

    hosts = ck.migrate_until_crash(tmp_path, "src", SRC_POINTS.index("migrate-out:streaming"),
                                   token="s3cret-token-0123456789")
    record = ck.records(hosts.src)[ck.UUID]
    assert record["intent"]["dest"]["host"] == ck.DEST_HOST and record["intent"]["dest"]["transport"] == "tls"
    assert "s3cret" not in json.dumps(record)
    (secret,) = (hosts.src / "state" / "migration").glob("outgoing-*.json")
    assert json.loads(secret.read_text())["token"] == "s3cret-token-0123456789"
    assert stat.S_IMODE(secret.stat().st_mode) == 0o600
    src, dst = ck.restart_hosts(hosts)  # rolled back (the stream had not completed): it goes
    assert _check(hosts, src, dst) == "src" and ck.markers(hosts.src) == []


def test_the_status_answers(tmp_path: Path) -> None:
    import asyncio

    from hvmctl.config import parse_profile
    from hvmctl.migration import target

    async def main() -> list[str]:
        daemon = ck.new_daemon(tmp_path / "h", ck.FakeWorld())
        await daemon.start()
        loaded = parse_profile(ck.profile(), filename="/etc/xen/demo", overrides=[], default_name="demo")
        dom = await daemon.create_from_config(loaded.config, incoming="defer")
        answers = [target.owner_status(daemon, {"uuid": ck.UUID, "job": "j1"})["answer"]]
        dom.commit_incoming(dom.state)
        answers.append(target.owner_status(daemon, {"uuid": ck.UUID.upper(), "job": "j1"})["answer"])
        target.note_received(daemon.paths, ck.UUID, "j1")
        await dom.destroy()
        answers += [target.owner_status(daemon, {"uuid": ck.UUID, "job": j})["answer"] for j in ("j1", "j2", "")]
        return answers

    assert asyncio.run(main()) == ["pending", "owns", "gone", "no", "no"]


@pytest.mark.parametrize("by_source", [False, True])
def test_a_dropped_connection_keeps_a_loaded_stream_a_source_abort_does_not(tmp_path: Path, by_source: bool) -> None:
    """The source's connection drops after the whole stream arrived: the guest stays (the
    source stopped its copy for good). The source itself saying abort (it resumes its
    copy) discards it all the same: never two running copies."""
    import asyncio

    from hvmctl.config import parse_profile
    from hvmctl.migration.target import IncomingSession

    async def main() -> tuple[bool, list[ck.FakeGuest]]:
        world = ck.FakeWorld()
        daemon = ck.new_daemon(tmp_path / "h", world)
        await daemon.start()
        loaded = parse_profile(ck.profile(), filename="/etc/xen/demo", overrides=[], default_name="demo")
        session = IncomingSession(daemon, "127.0.0.1")
        session.dom = await daemon.create_from_config(loaded.config, incoming="defer")
        session._watch = asyncio.ensure_future(asyncio.sleep(3600))  # the commit still to come
        (guest,) = world.alive_with_uuid(ck.UUID)
        guest.status, guest.migration = "running", "completed"  # loaded whole, running
        await session.abort("the connection dropped", by_source=by_source)
        session._watch.cancel()
        return ck.UUID in daemon.domains, world.alive_with_uuid(ck.UUID)

    kept, alive = asyncio.run(main())
    assert kept is (not by_source) and (len(alive) == 1) is (not by_source)
