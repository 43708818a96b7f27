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
import os
import shutil
import time
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
            shutil.copytree(self.root, files, symlinks=True, ignore=_sockets)
            self.photo = Photo(name, self.world.snapshot(), files)
            if self.fired is not None:
                self.fired.set()
            self.crashed_in = asyncio.current_task()
            raise SimulatedCrash(name)


def _sockets(folder: str, names: list[str]) -> list[str]:
    """Listening sockets (the daemon binds QMP's): not files to copy; the fake world knows
    them by path (its guests outlive the daemon, as QEMU keeps the listening fd)."""
    import stat

    return [n for n in names if stat.S_ISSOCK(os.lstat(os.path.join(folder, n)).st_mode)]


Scenario = Callable[[Daemon, FakeWorld], Awaitable[None]]


def run_scenario(root: Path, scenario: Scenario, world: FakeWorld | None = None) -> None:
    """One daemon on the fake backend, started on ``root``, runs ``scenario`` (no crash)."""
    world = world or FakeWorld()

    async def main() -> None:
        daemon = new_daemon(root, world)
        await daemon.start()
        await scenario(daemon, world)

    asyncio.run(main())


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


def restart(root: Path, world: FakeWorld, after: Scenario | None = None, *,
            as_main: bool = False) -> dict[str, Any]:
    """A new daemon over ``root``: start() and report what it holds. ``as_main``: first
    what the daemon's main does before start (discard unfinished incoming migrations)."""
    out: dict[str, Any] = {}

    async def main() -> None:
        daemon = new_daemon(root, world)
        spawned = world.spawned
        if as_main:
            from hvmctl.migration.startup import before_daemon_start

            before_daemon_start(daemon.paths, daemon.backend)
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


# ---- two hosts: a live migration between a source and a destination daemon -------------

class _Writer:
    """What the migration job reads off its connection's writer: the peer's address."""

    def get_extra_info(self, name: str) -> Any:
        return ("127.0.0.1", 8002) if name == "peername" else None


class LinkChannel:
    """The source's control connection to the destination, in process. Each call runs
    the destination's handler (remote.py's ``_dispatch``) in a task of its own, so a
    destination killed inside one reads here as a lost connection; ``close`` (or the
    source's death) discards an unfinished session, as remote.py's ``_serve`` does."""

    peer = "dest"

    def __init__(self, session: Any) -> None:
        self.session = session
        self.writer = _Writer()
        self.dead = False  # one end died: the connection is gone
        self.ops: list[str] = []
        self._inflight: "asyncio.Task[Any] | None" = None
        self._closed = False

    async def call(self, op: str, args: dict[str, Any] | None = None, timeout: float = 30.0) -> Any:
        from hvmctl.api.remote import RemoteEndpoint
        from hvmctl.errors import DaemonError

        if self.dead:
            raise DaemonError(f"lost the connection to {self.peer} during '{op}': closed")
        self.ops.append(op)
        self._inflight = task = asyncio.ensure_future(
            RemoteEndpoint._dispatch(None, self.session, op, args or {}))  # type: ignore[arg-type]
        try:
            await asyncio.wait({task}, timeout=timeout)
        finally:
            self._inflight = None
        if not task.done():
            task.cancel()
            raise DaemonError(f"destination {self.peer} did not answer '{op}' within {timeout:.0f} s")
        if task.cancelled() or isinstance(task.exception(), SimulatedCrash):
            self.dead = True
            raise DaemonError(f"lost the connection to {self.peer} during '{op}': reset")
        return task.result()

    def destination_died(self) -> None:
        self.dead = True
        if self._inflight is not None:
            self._inflight.cancel()

    async def source_died(self) -> None:
        """The source's end drops: the destination finishes what it was doing, then sees it."""
        self.dead = True
        if self._inflight is not None:
            await asyncio.wait({self._inflight}, timeout=5.0)
        await self.close()

    async def close(self) -> None:
        if self._closed:
            return
        self._closed = True
        if not self.session.done and not getattr(self.session.daemon, "_killed", False):
            await self.session.abort("the source's connection closed before the migration finished")


@dataclass
class Hosts:
    """Both ends after the run: which one was killed, where, and each one's host."""

    src: Path
    dst: Path
    src_world: FakeWorld
    dst_world: FakeWorld
    killed: str | None  # "src" | "dst" | None
    photo: Photo | None
    job_state: str
    seen: list[str]


def migrate_until_crash(tmp: Path, side: str, arm_at: int | None, live: bool = False,
                        token: str = "") -> Hosts:
    """A guest created on the source is migrated to the destination (both daemons in one
    loop, over the fake network); ``side``'s daemon is killed at its ``arm_at``-th crash
    point of the migration. The other one lives on and does what it does when its peer
    vanishes. Returns both hosts, the killed one as its photograph."""
    from hvmctl.daemon.fakebackend import FakeNet
    from hvmctl.migration import live as livemig
    from hvmctl.migration.saverestore import saved_facts
    from hvmctl.migration import target
    from hvmctl.migration.target import IncomingSession

    net = FakeNet()
    src_root, dst_root = tmp / "src", tmp / "dst"
    worlds = {"src": FakeWorld(net), "dst": FakeWorld(net)}
    worlds["dst"].next_pid += 500_000  # pids tell the hosts apart
    crasher = Crasher(src_root if side == "src" else dst_root, worlds[side])
    result: dict[str, Any] = {}

    async def main() -> None:
        src, dst = new_daemon(src_root, worlds["src"]), new_daemon(dst_root, worlds["dst"])
        await src.start()
        await dst.start()
        await src.create(profile(), filename="/etc/xen/demo", overrides=[])
        dom = src.lookup("demo")
        assert dom.runtime is not None
        session = IncomingSession(dst, "127.0.0.1")
        channel = LinkChannel(session)
        facts = {"record": dom.to_record(), "facts": saved_facts(dom), "nics": dom.runtime.nics, "disks": [],
                 "qemu": "7.2.0", "machine": "", "accel": dom.runtime.accel, "copy_storage": False}
        # pre-flight passed (its checks probe the real host's QEMU and memory: not this test's)
        session._preflighted = (target._digest(facts), time.monotonic())
        job = livemig.MigrationJob(src, dom, livemig.MigrateRequest(host=DEST_HOST, live=live, ca_pem="fake CA",
                                                                     token=token), channel, facts,
                                   {"ok": True, "problems": []})
        crasher.arm_at, crasher.fired = arm_at, asyncio.Event()
        (src if side == "src" else dst).crash_hook = crasher
        job.task = asyncio.ensure_future(job.run())
        fired = asyncio.ensure_future(crasher.fired.wait())
        await asyncio.wait({job.task, fired}, return_when=asyncio.FIRST_COMPLETED)
        if crasher.photo is not None:
            if side == "dst":
                dst._killed = True  # type: ignore[attr-defined]
                channel.destination_died()
                await asyncio.wait({job.task}, timeout=30.0)  # the source sees its peer gone
            else:
                src._killed = True  # type: ignore[attr-defined]
                await channel.source_died()
        if not job.task.done():
            await asyncio.wait({job.task}, timeout=1.0 if crasher.photo is not None else 30.0)
        result["job_state"] = job.state
        if job.task.done() and not job.task.cancelled():
            job.task.exception()  # retrieved: a SimulatedCrash, or what the job reported failing
        fired.cancel()
        others = [t for t in asyncio.all_tasks() if t is not asyncio.current_task()]
        for t in others:
            t.cancel()
        await asyncio.gather(*others, return_exceptions=True)

    asyncio.run(main())
    photo = crasher.photo
    if photo is not None:
        worlds[side] = restore_photo(src_root if side == "src" else dst_root, photo)
    return Hosts(src_root, dst_root, worlds["src"], worlds["dst"], side if photo is not None else None,
                 photo, result["job_state"], list(crasher.seen))


def restart_host(root: Path, world: FakeWorld) -> dict[str, Any]:
    """A new daemon over ``root`` as the real one starts: stale incoming migrations first."""
    return restart(root, world, as_main=True)


DEST_HOST = "dest"  # the destination's name on the fake network (MigrateRequest.host)

HostsScenario = Callable[[dict[str, Daemon]], Awaitable[None]]


def restart_hosts(hosts: Hosts, order: tuple[str, ...] = ("dst", "src"), *, serve_dst: bool = True,
                  after: HostsScenario | None = None) -> tuple[dict[str, Any], dict[str, Any]]:
    """Both daemons restarted in one loop, in ``order``, as the real ones start; the
    destination's remote endpoint answers on the fake network from its start on (unless
    ``serve_dst`` is false: it cannot be reached), so a restarted source can ask it. Returns
    what each one holds once started (and after ``after``, given both daemons)."""
    assert hosts.src_world.net is not None
    net = hosts.src_world.net
    roots = {"src": (hosts.src, hosts.src_world), "dst": (hosts.dst, hosts.dst_world)}
    outs: dict[str, dict[str, Any]] = {"src": {}, "dst": {}}

    async def main() -> None:
        from hvmctl.migration.startup import before_daemon_start

        daemons: dict[str, Daemon] = {}
        for side in order:
            root, world = roots[side]
            daemon = daemons[side] = new_daemon(root, world)
            spawned = world.spawned
            before_daemon_start(daemon.paths, daemon.backend)
            await daemon.start()
            await asyncio.sleep(0)
            if side == "dst" and serve_dst:
                net.serve(DEST_HOST, daemon)
            outs[side]["spawned_on_start"] = world.spawned - spawned
        if after is not None:
            await after(daemons)
        for side, daemon in daemons.items():
            outs[side]["domains"] = {d.uuid: d for d in daemon.domains.values()}
            outs[side]["summaries"] = {d.uuid: d.summary() for d in daemon.domains.values()}
            outs[side]["intents"] = {d.uuid: d.intent for d in daemon.domains.values()}
        net.unserve(DEST_HOST)
        others = [t for t in asyncio.all_tasks() if t is not asyncio.current_task()]
        for t in others:  # the daemons' background work (supervisors, handover questions)
            t.cancel()
        await asyncio.gather(*others, return_exceptions=True)
        for daemon in daemons.values():
            for dom in daemon.domains.values():
                if dom.monitor is not None:
                    await dom.monitor.close()

    asyncio.run(main())
    return outs["src"], outs["dst"]


def markers(root: Path) -> list[str]:
    """The migration area's bookkeeping files of one guest (incoming markers, outgoing
    credentials): none may outlive its migration."""
    directory = make_paths(root).state_dir / "migration"
    return sorted(p.name for p in [*directory.glob("incoming-*.json"), *directory.glob("outgoing-*.json")])
