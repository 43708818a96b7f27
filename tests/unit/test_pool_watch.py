"""The member loop with a watch (hvmctl/pool/member.py): the lease is renewed every tick,
the full pass (run locks, assignments, the manager) runs when a watched change or a timer
of the manager says so, every POLL_EVERY seconds, and every tick while the watch is down."""

from __future__ import annotations

import asyncio
import time
from pathlib import Path
from types import SimpleNamespace
from typing import Any

from hvmctl.pool import PoolSettings
from hvmctl.pool import member as pm


def _member(tmp_path: Path) -> tuple[pm.PoolMember, list[str]]:
    daemon: Any = SimpleNamespace(paths=SimpleNamespace(state_dir=tmp_path), domains={})
    m = pm.PoolMember(daemon, PoolSettings(endpoints=("http://127.0.0.1:9",), host="h1"))
    calls: list[str] = []

    def record(name: str) -> Any:
        async def step() -> None:
            calls.append(name)
        return step

    for name in ("_keep_lease", "_publish", "_reconcile", "_take_assignments", "_manage"):
        setattr(m, name, record(name))
    return m, calls


def _passes(m: pm.PoolMember, calls: list[str]) -> int:
    calls.clear()
    asyncio.run(m._step())
    assert calls[:2] == ["_keep_lease", "_publish"]  # always: the lease and the watchdog's feed
    return calls.count("_manage")


def test_full_pass_on_a_watched_change_a_due_timer_or_the_fallback_poll(tmp_path: Path) -> None:
    m, calls = _member(tmp_path)
    assert not m.watching
    assert _passes(m, calls) == 1 and _passes(m, calls) == 1  # no watch: every tick (the poll)
    m.watching = True
    assert _passes(m, calls) == 0  # set up, nothing changed
    m._poke()
    assert _passes(m, calls) == 1 and _passes(m, calls) == 0
    m._after(time.monotonic() - 0.01)  # the fence grace is over
    assert _passes(m, calls) == 1 and m._due == float("inf")
    m._full_at -= pm.POLL_EVERY  # the fallback poll, even with the watch silent
    assert _passes(m, calls) == 1 and _passes(m, calls) == 0


def test_a_failed_full_pass_is_done_again_at_the_next_tick(tmp_path: Path) -> None:
    m, calls = _member(tmp_path)
    m.watching = True
    m._poke()
    failing = [True]
    record = m._take_assignments

    async def flaky() -> None:
        if failing[0]:
            raise pm.PoolError("etcd unreachable")
        await record()

    setattr(m, "_take_assignments", flaky)
    try:
        asyncio.run(m._step())
        raise AssertionError("the step did not fail")
    except pm.PoolError:
        pass
    assert m._dirty  # not done: the next tick does it all again, though the watch is quiet
    failing[0] = False
    assert _passes(m, calls) == 1 and _passes(m, calls) == 0


def test_what_the_watch_wakes_the_loop_for(tmp_path: Path) -> None:
    m, _ = _member(tmp_path)
    acts = m._acts_on
    assert acts("DELETE", "members/h2") and not acts("PUT", "members/h2")  # a lease expired; not facts
    assert acts("DELETE", "run/u1") and acts("PUT", "run/u1")  # a lock gone, or taken elsewhere
    assert acts("PUT", "assign/h1/u1") and acts("DELETE", "assign/h3/u1") and acts("PUT", "defs/u1")
    assert acts("DELETE", "leader") and not acts("PUT", "leader")
    assert acts("PUT", "evacuate/h1") and not acts("PUT", "evacuate/h2")
    assert not acts("PUT", "domains/h2") and not acts("PUT", "events/0001-h2")  # views, not work


def test_a_command_sent_while_the_member_joins_waits_for_the_first_attempt(tmp_path: Path) -> None:
    """A daemon just started answers at once; a pool command then waits for the first join
    attempt instead of "not joined yet", and gets that attempt's own error if it failed."""
    import pytest

    from hvmctl.pool import PoolError

    async def joined_late() -> float:
        m, _ = _member(tmp_path)
        started = time.monotonic()

        async def join() -> None:
            await asyncio.sleep(0.2)
            m.healthy, m.error = True, None
            m._first_step.set()

        task = asyncio.create_task(join())
        await m.ready()
        await task
        return time.monotonic() - started

    assert 0.15 < asyncio.run(joined_late()) < 5

    async def failed() -> None:
        m, _ = _member(tmp_path)
        m.healthy, m.error = False, "etcd at http://127.0.0.1:9 does not answer"
        m._first_step.set()
        await m.ready()

    with pytest.raises(PoolError, match="the pool cannot answer: etcd at .* does not answer"):
        asyncio.run(failed())
