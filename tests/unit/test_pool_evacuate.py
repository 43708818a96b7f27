"""Evacuation's progress (bytes moved of all the guests) and --copy-storage, with the
migrations stubbed: what the CLI's bar is fed, and what each migration is asked to do."""

from __future__ import annotations

import asyncio
from types import SimpleNamespace
from typing import Any

import pytest

from hvmctl.daemon.state import DomainState
from hvmctl.pool import member as pm

MiB = 1 << 20


class FakeJob:
    """A migration that sends its RAM in 4 steps (and its disk first, with copy_storage)."""

    def __init__(self, memory: int, disk: int, fail: bool) -> None:
        self.progress: dict[str, Any] = {}
        self.state = "running"
        self.memory, self.disk, self.fail = memory, disk, fail
        self.task = asyncio.ensure_future(self.run())

    async def run(self) -> None:
        for step in range(1, 5):
            await asyncio.sleep(0.3)
            self.progress = {"disk_total": self.disk, "disk_done": self.disk,
                             "ram_transferred": self.memory * step // 4 + (MiB if step == 4 else 0)}
        self.state = "failed" if self.fail else "completed"

    def view(self) -> dict[str, Any]:
        return {"state": self.state, "error": "boom" if self.fail else None}


@pytest.mark.parametrize("copy_storage", [False, True])
def test_progress_covers_every_guest_and_copy_storage_reaches_each_migration(
        monkeypatch: pytest.MonkeyPatch, copy_storage: bool) -> None:
    doms = [SimpleNamespace(name=n, uuid=n, state=DomainState.RUNNING, config=SimpleNamespace(memory=m))
            for n, m in (("a", 64), ("b", 32))]
    jobs: dict[str, FakeJob] = {}
    asked: list[tuple[str, str, bool]] = []

    async def migrate(member: Any, dom: Any, target: str, *, copy_storage: bool = False) -> dict[str, Any]:
        asked.append((dom.name, target, copy_storage))
        jobs[dom.name] = FakeJob(dom.config.memory * MiB, 8 * MiB if copy_storage else 0, dom.name == "b")
        return {"job": dom.name}

    async def event(text: str) -> None:
        pass

    async def members() -> dict[str, Any]:
        return {"here": {}, "there": {"free_memory": 4096}}

    monkeypatch.setattr(pm, "migrate", migrate)
    monkeypatch.setattr("hvmctl.migration.live.get_job", lambda job: jobs[job])
    async def ready() -> None:
        pass

    member = SimpleNamespace(host="here", _evacuating=False, ready=ready, members=members, event=event,
                             daemon=SimpleNamespace(all=lambda: doms),
                             _definition=lambda cfg, owner: {"name": "x", "memory": cfg.memory})
    seen: list[tuple[int, int]] = []

    async def progress(done: int, total: int) -> None:
        seen.append((done, total))

    result = asyncio.run(pm.evacuate(member, copy_storage=copy_storage, progress=progress))  # type: ignore[arg-type]
    assert asked == [("a", "there", copy_storage), ("b", "there", copy_storage)]
    assert [(m["name"], m["state"]) for m in result["moved"]] == [("a", "completed"), ("b", "failed")]
    disks = 16 * MiB if copy_storage else 0
    assert seen[0] == (0, 96 * MiB)
    assert seen[-1] == (96 * MiB + disks, 96 * MiB + disks)  # the end: all of it, the failed one too
    dones = [d for d, _ in seen]
    assert dones == sorted(dones) and len(set(dones)) >= 5  # it moved forward, in steps, within each guest
    assert all(d <= t for d, t in seen)
