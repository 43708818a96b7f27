"""Crash injection for the daemon's sequences, over the fake backend.

A scenario runs against a Daemon whose ``crash_hook`` is armed at the N-th crash point it
reaches: there the whole host is photographed (state, run and log dirs copied; the fake
process table snapshotted: QEMUs outlive their daemon) and ``SimulatedCrash`` is raised.
Whatever the dying daemon still does after that point is thrown away: the photograph is
put back, and a new Daemon is started over it -- as after ``kill -9`` at that instant.
"""

from __future__ import annotations

import asyncio
import json
import shutil
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from hvmctl.daemon.fakebackend import FakeBackend, FakeWorld
from hvmctl.daemon.service import Daemon
from hvmctl.paths import Paths

PROFILE = """
name = "{name}"
uuid = "{uuid}"
builder = "hvm"
memory = 64
vcpus = 2
vnc = 1
vncunused = 1
on_crash = "restart"
on_poweroff = "destroy"
on_reboot = "restart"
"""

UUID = "6f1c2a3b-0000-4000-8000-00000000aaaa"
OTHER_UUID = "7e2d3c4b-0000-4000-8000-00000000bbbb"


class SimulatedCrash(BaseException):
    """The daemon dies here (a BaseException: no handler of the daemon's may catch it)."""


def make_paths(root: Path) -> Paths:
    return Paths(state_dir=root / "state", run_dir=root / "run", socket=root / "run" / "hvmctl.sock",
                 log_dir=root / "log", profile_dir=root / "profiles", qemu="/bin/true")


def profile(name: str = "demo", uuid: str = UUID, more: str = "") -> str:
    return PROFILE.format(name=name, uuid=uuid) + more


def new_daemon(root: Path, world: FakeWorld) -> Daemon:
    return Daemon(make_paths(root), accel="tcg", backend=FakeBackend(world))


@dataclass
class Photo:
    """The host at the instant the daemon died."""

    point: str
    world: FakeWorld
    files: Path


@dataclass
class Crasher:
    """Counts crash points; photographs the host and raises at the armed one."""

    root: Path
    world: FakeWorld
    arm_at: int | None = None
    seen: list[str] = field(default_factory=list)
    photo: Photo | None = None
    fired: asyncio.Event | None = None
    crashed_in: "asyncio.Task[Any] | None" = None

    def __call__(self, name: str) -> None:
        self.seen.append(name)
        if self.arm_at is not None and len(self.seen) - 1 == self.arm_at:
            files = self.root.with_name(self.root.name + ".photo")
            shutil.rmtree(files, ignore_errors=True)
            shutil.copytree(self.root, files, symlinks=True)
            self.photo = Photo(name, self.world.snapshot(), files)
            if self.fired is not None:
                self.fired.set()
            self.crashed_in = asyncio.current_task()
            raise SimulatedCrash(name)


Scenario = Callable[[Daemon, FakeWorld], Awaitable[None]]


def run_until_crash(root: Path, setup: Scenario | None, scenario: Scenario, arm_at: int | None,
                    world: FakeWorld | None = None) -> tuple[Crasher, FakeWorld]:
    """Run ``setup`` (no crash) then ``scenario`` with the crash armed at point ``arm_at``;
    returns the crasher (its photo, if it fired) and the world the scenario ran in."""
    world = world or FakeWorld()
    crasher = Crasher(root, world)

    async def main() -> None:
        daemon = new_daemon(root, world)
        await daemon.start()
        if setup is not None:
            await setup(daemon, world)
        crasher.seen.clear()
        crasher.arm_at = arm_at
        crasher.fired = asyncio.Event()
        daemon.crash_hook = crasher
        task = asyncio.ensure_future(scenario(daemon, world))
        fired = asyncio.ensure_future(crasher.fired.wait())
        # the crash may hit a background task (a supervisor): the scenario then stops too
        await asyncio.wait({task, fired}, return_when=asyncio.FIRST_COMPLETED)
        fired.cancel()
        if not task.done():
            task.cancel()
        try:
            await task
        except (SimulatedCrash, asyncio.CancelledError):
            pass
        except Exception:
            if crasher.photo is None:  # a failure that is no crash is the scenario's bug
                raise
        # the dead daemon's tasks: end them, and collect what they raised (SimulatedCrash)
        others = [t for t in asyncio.all_tasks() if t is not asyncio.current_task()]
        for t in others:
            t.cancel()
        await asyncio.gather(*others, return_exceptions=True)
        if crasher.crashed_in is not None and crasher.crashed_in.done() and not crasher.crashed_in.cancelled():
            crasher.crashed_in.exception()  # retrieved: it is the crash we injected

    asyncio.run(main())
    return crasher, world


def restore_photo(root: Path, photo: Photo) -> FakeWorld:
    """Put the host back as it was when the daemon died."""
    shutil.rmtree(root)
    shutil.copytree(photo.files, root, symlinks=True)
    shutil.rmtree(photo.files)
    return photo.world


def restart(root: Path, world: FakeWorld, after: Scenario | None = None) -> dict[str, Any]:
    """A new daemon over ``root``: start() and report what it holds."""
    out: dict[str, Any] = {}

    async def main() -> None:
        daemon = new_daemon(root, world)
        spawned = world.spawned
        await daemon.start()
        await asyncio.sleep(0)
        out["spawned_on_start"] = world.spawned - spawned
        out["domains"] = {d.uuid: d for d in daemon.domains.values()}
        out["summaries"] = {d.uuid: d.summary() for d in daemon.domains.values()}
        out["intents"] = {d.uuid: d.intent for d in daemon.domains.values()}
        if after is not None:
            await after(daemon, world)
        out["next_domid"] = daemon._next_domid
        for dom in daemon.domains.values():  # leave the loop clean: close connections
            if dom.monitor is not None:
                await dom.monitor.close()

    asyncio.run(main())
    return out


def leftovers(root: Path) -> dict[str, list[str]]:
    """Files that must not outlive what they belonged to."""
    paths = make_paths(root)
    return {
        "tmp": sorted(str(p) for p in paths.state_dir.rglob(".*.tmp")),
        "partial": sorted(str(p) for p in root.rglob("*.partial")),
        "run_dirs": sorted(p.name for p in (paths.run_dir / "dom").glob("*")),
        "records": sorted(p.stem for p in paths.domains_dir.glob("*.json")),
    }


def records(root: Path) -> dict[str, dict[str, Any]]:
    out = {}
    for p in make_paths(root).domains_dir.glob("*.json"):
        out[p.stem] = json.loads(p.read_text())
    return out


def count_points(root: Path, setup: Scenario | None, scenario: Scenario) -> list[str]:
    """The crash points a scenario passes through when nothing goes wrong."""
    crasher, _ = run_until_crash(root, setup, scenario, None)
    shutil.rmtree(root)
    return list(crasher.seen)


def check_one_or_none(root: Path, world: FakeWorld, out: dict[str, Any], uuid: str = UUID) -> bool:
    """The invariants after a restart, for one guest: it is either there exactly once --
    registered, running or paused, its one QEMU adopted, its console known, no intent left
    -- or gone without a trace (no QEMU, record, run dir). Returns whether it is there."""
    alive = world.alive_with_uuid(uuid)
    assert len(alive) <= 1, f"two QEMUs for one guest: {[g.pid for g in alive]}"
    rest = leftovers(root)
    assert rest["tmp"] == [] and rest["partial"] == [], rest
    dom = out["domains"].get(uuid)
    if dom is None:
        assert alive == [], f"QEMU pid {alive[0].pid} runs untracked"
        assert uuid not in rest["records"], rest
        assert uuid[:8] not in rest["run_dirs"], rest
        return False
    assert len(alive) == 1, "a registered guest without its QEMU"
    assert dom.process is not None and dom.process.pid == alive[0].pid
    assert dom.state.value in ("running", "paused"), dom.state
    assert out["intents"][uuid] is None
    assert out["summaries"][uuid]["vnc"] is not None, "VNC display never read"
    assert rest["records"] == [uuid] or uuid in rest["records"]
    assert uuid[:8] in rest["run_dirs"]
    return True


from hvmctl.daemon.fakebackend import FakeGuest as FakeGuest  # noqa: E402  (for the tests)
from hvmctl.errors import HvmctlError as HvmctlError  # noqa: E402
