"""This daemon as a pool member: its lease, what it publishes, its run locks, the
assignments it carries out, and (when elected) the pool's HA manager.

Keys (under the pool's prefix, ``/hvmctl/`` by default):

``members/HOST``        the member's facts, under its lease: present = alive
``leader``              the elected manager's host name, under its lease
``domains/HOST``        the member's domains (summaries) for ``xm list --pool``, under its lease
``run/UUID``            the per-domain run lock: the host whose QEMU may run the guest, under
                        that host's lease. Taken by a transaction before every spawn of a
                        pool domain (``claim_run``); two hosts can never both hold it
``defs/UUID``           a pool domain's definition: config, ``ha``, owner, wanted state
``assign/HOST/UUID``    "HOST, start this definition" (placement, HA restart)
``storage/UUID``        the member whose own storage holds the domain's disks since a
                        ``--copy-storage`` migration there: an HA restart goes there only
                        (any other member has at most a stale copy)
``events/NS-HOST``      what the pool did (``hvmctl pool events``)

One loop (``_run``) does everything. Every ``tick`` seconds it renews the lease and
publishes; the rest (run locks, assignments, the manager) runs when a watch of the pool's
keys (``_watch``) says something it acts on changed -- a member's lease expired (its
``members/`` and ``run/`` keys go), an assignment, a definition -- or a timer of the
manager is due, and every ``POLL_EVERY`` seconds as a fallback; while the watch is broken,
every tick (the poll it replaced). An etcd outage makes the steps fail and the member
reports why (``pool status``) while its guests and local commands go on; it rejoins by
itself.

Fencing: after each renewal the watchdog (``pool/watchdog.py``, a child process) is told
to SIGKILL this member's HA QEMUs ``ttl - margin`` seconds after that renewal was sent,
unless fed again: its deadline always comes before etcd can expire the lease. The manager
restarts an HA guest only when its run lock is gone (the lease expired, so the deadline
has passed) and then ``grace`` seconds more have passed or the fence agent
(``HVMCTL_FENCE_AGENT HOST``) reported success.
"""

from __future__ import annotations

import asyncio
import json
import logging
import os
import signal
import time
from pathlib import Path
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Any

from hvmctl.daemon.state import DomainState
from hvmctl.errors import ConflictError, HvmctlError, NotFoundError
from hvmctl.pool import PoolError, PoolSettings
from hvmctl.pool.etcd import Etcd, EtcdTls
from hvmctl.pool.watchdog import Feeder

if TYPE_CHECKING:
    from hvmctl.config.model import DomainConfig
    from hvmctl.daemon.domain import Domain
    from hvmctl.daemon.service import Daemon

log = logging.getLogger("hvmctl.pool")

FACTS_EVERY = 5.0  # seconds between two publications of the member's facts
MAX_EVENTS = 500  # kept in etcd (hvmctl pool events)
MAX_ATTEMPTS = 3  # HA restarts of one guest before the manager gives up (pool events says so)
POLL_EVERY = 2.0  # seconds between two full passes while the watch works (the fallback poll)
JOIN_WAIT = 10.0  # seconds a command sent to a daemon just started waits for its first join attempt
PROGRESS_EVERY = 0.25  # seconds between two progress reports of an evacuation
Progress = Callable[[int, int], Awaitable[None]]  # (bytes moved, bytes to move)
NOT_RUNNING = (DomainState.INACTIVE, DomainState.SUSPENDED, DomainState.SHUTDOWN, DomainState.CRASHED)


class PoolMember:
    """The daemon's membership of one pool."""

    def __init__(self, daemon: "Daemon", settings: PoolSettings) -> None:
        self.daemon = daemon
        self.s = settings
        self.host = settings.host
        self.etcd = Etcd(settings.endpoints, timeout=max(0.5, min(2.0, settings.ttl / 4)),
                         tls=EtcdTls(ca=settings.etcd_ca, cert=settings.etcd_cert, key=settings.etcd_key))
        self.tick = max(0.1, min(0.5, settings.ttl / 8))
        self.lease: int | None = None
        self.healthy = False
        self.error: str | None = "not joined yet"
        self._first_step = asyncio.Event()  # the first join attempt has ended (either way)
        self.is_leader = False
        self.left = False
        self.watchdog = Feeder(str(daemon.paths.state_dir / "watchdog.log"))
        self.defs: dict[str, dict[str, Any]] = {}
        self.runs: dict[str, str] = {}  # uuid -> holder, as of the last step
        self.held: set[str] = set()  # run locks this member took for its current incarnations
        self.fenced: set[str] = set()  # HA guests this member lost with an expired lease
        self._facts_at = 0.0
        self._published: str | None = None
        self._starting: set[str] = set()
        self._missing: dict[str, float] = {}  # manager: uuid -> when its run lock was first seen gone
        self._fence_ok: dict[str, float] = {}  # manager: host -> when the fence agent confirmed
        self._attempts: dict[str, int] = {}
        self.storage: dict[str, str] = {}  # uuid -> the member whose own storage has its disks
        self._stranded: set[str] = set()  # manager: HA guests whose disks are on a lost member
        self._incoming: set[str] = set()  # pool domains migrating in: their lock is handed over
        self._outgoing: set[str] = set()  # pool domains migrating out through the pool
        self._evacuating = False
        self._trimmed_at = 0.0
        self._task: asyncio.Task[None] | None = None
        self._watch_task: asyncio.Task[None] | None = None
        self.watching = False  # the watch is set up: the full pass may wait for its events
        self._wake = asyncio.Event()
        self._dirty = True  # something the full pass acts on changed (or may have)
        self._full_at = 0.0
        self._due = float("inf")  # when a timer of the manager expires (fence grace, on_crash wait)
        self._lease_file = daemon.paths.state_dir / "pool-lease.json"
        self.api: dict[str, Any] | None = None  # this member's remote API, for forwarding
        from hvmctl.pool.defs import PoolDefs

        self.managed_defs = PoolDefs(self)  # managed domains (xm new) in the pool

    def key(self, *parts: str) -> str:
        return self.s.prefix + "/".join(parts)

    # ---- life -----------------------------------------------------------------------------
    async def start(self) -> None:
        """Join in the background: the daemon serves at once, etcd or not."""
        self._task = asyncio.create_task(self._run())
        self._watch_task = asyncio.create_task(self._watch())

    async def close(self) -> None:
        """The daemon stops: the lease is left to a successor (a restart within the TTL
        takes it over), and the watchdog keeps its deadline: HA guests are never left
        running on a member nobody renews."""
        await self._stop_tasks()
        self.watchdog.detach()
        await self.etcd.close()

    async def _stop_tasks(self) -> None:
        tasks = [t for t in (self._task, self._watch_task) if t is not None and t is not asyncio.current_task()]
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)

    async def _run(self) -> None:
        while not self.left:
            began = time.monotonic()
            try:
                await self._step()
                if not self.healthy:
                    log.info("pool: member %s of %s (lease %x)", self.host, self.etcd.endpoint, self.lease or 0)
                    self._rewatch()  # after an outage: a stream that hangs on a dead peer is replaced
                self.healthy, self.error = True, None
            except asyncio.CancelledError:
                raise
            except HvmctlError as exc:
                if self.healthy or self.error != exc.message:
                    log.warning("pool: %s", exc.message)
                self.healthy, self.error = False, exc.message
            except Exception as exc:  # a bug must not end membership: logged, tried again
                log.exception("pool: step failed")
                self.healthy, self.error = False, f"internal error: {type(exc).__name__}: {exc}"
            self._first_step.set()
            delay = max(0.02, self.tick - (time.monotonic() - began))
            try:  # a watched change or a due timer ends the wait at once
                await asyncio.wait_for(self._wake.wait(), max(0.0, min(delay, self._due - time.monotonic())))
            except asyncio.TimeoutError:
                pass

    async def _step(self) -> None:
        await self._keep_lease()
        await self._publish()
        now = time.monotonic()
        if self.watching and not self._dirty and now < self._due and now - self._full_at < POLL_EVERY:
            return  # nothing changed that the full pass acts on: the watch would have said
        self._wake.clear()
        self._dirty, self._full_at, self._due = False, now, float("inf")
        try:
            await self._reconcile()
            await self._take_assignments()
            await self._manage()
        except BaseException:
            self._dirty = True  # not done: the next tick does it all again
            raise

    # ---- the watch ---------------------------------------------------------------------------
    async def _watch(self) -> None:
        """Wake the loop when a key it acts on changes. Broken (etcd down, a member of it
        lost), it is set up again; meanwhile every tick is a full pass."""
        while not self.left:
            try:
                async for kind, key in self.etcd.watch(self.s.prefix):
                    if kind == "WATCHING":
                        self.watching = True
                        self._poke()  # what changed while it was not set up: one full pass
                    elif self._acts_on(kind, key[len(self.s.prefix):]):
                        self._poke()
            except PoolError as exc:
                log.debug("pool: %s", exc.message)
            self.watching = False
            self._poke()
            await asyncio.sleep(self.tick)

    def _acts_on(self, kind: str, key: str) -> bool:
        """Does the full pass act on this change? A member or the manager gone (lease
        expired), a run lock or definition, an assignment, an evacuation asked of us."""
        if key.startswith(("members/", "leader")):
            return kind == "DELETE"
        if key.startswith("evacuate/"):
            return key == f"evacuate/{self.host}"
        return key.startswith(("run/", "defs/", "assign/"))

    def _poke(self) -> None:
        self._dirty = True
        self._wake.set()

    def _after(self, at: float) -> None:
        """The manager waits until ``at`` (monotonic): the loop wakes then."""
        self._due = min(self._due, at)

    def _rewatch(self) -> None:
        if self._watch_task is not None and not self.left:
            self._watch_task.cancel()
            self.watching = False
            self._watch_task = asyncio.get_running_loop().create_task(self._watch())

    # ---- the lease and the watchdog ---------------------------------------------------------
    async def _keep_lease(self) -> None:
        sent = time.monotonic()
        if self.lease is None:
            self.lease = await self._take_over() or await self._grant()
        else:
            left = await self.etcd.refresh(self.lease)
            if left <= 0:
                await self._lost_lease()
                self.lease = await self._grant()
        self.watchdog.arm(sent + self.s.ttl - self.s.margin - time.monotonic(), self._ha_targets(),
                          self._ha_uuids())

    async def _grant(self) -> int:
        lease = await self.etcd.grant(self.s.ttl)
        self._published, self._facts_at = None, 0.0
        self._save_lease(lease)
        await self.event("joined the pool")
        return lease

    async def _take_over(self) -> int | None:
        """A restarted daemon keeps its predecessor's lease while it is alive: its HA guests
        were never unfenced, so they go on; the old watchdog stands down once ours is fed."""
        try:
            saved = json.loads(self._lease_file.read_text())
            lease, old_pid = int(saved["lease"]), saved.get("watchdog")
        except (OSError, ValueError, KeyError, TypeError):
            return None
        sent = time.monotonic()
        if await self.etcd.refresh(lease) <= 0:
            return None
        self.watchdog.arm(sent + self.s.ttl - self.s.margin - time.monotonic(), self._ha_targets(),
                          self._ha_uuids())
        if isinstance(old_pid, int) and old_pid != self.watchdog.pid and _is_watchdog(old_pid):
            os.kill(old_pid, signal.SIGUSR1)
        self._save_lease(lease)
        log.info("pool: took over lease %x of the previous daemon", lease)
        return lease

    def _save_lease(self, lease: int) -> None:
        from hvmctl.atomic import write_bytes_atomic

        self.watchdog.start()  # its pid goes with the lease: a successor stands it down
        data = json.dumps({"lease": lease, "watchdog": self.watchdog.pid}).encode()
        write_bytes_atomic(self._lease_file, data, 0o600, durable=False)

    async def _lost_lease(self) -> None:
        """The lease expired: the pool took this member for dead, the watchdog has killed
        its HA guests (they may run elsewhere now); they are never started here again
        unless the pool asks."""
        lost = [d for d in self.daemon.domains.values() if d.config.ha]
        self.fenced |= {d.uuid for d in lost}
        self.held -= self.fenced
        for dom in lost:
            if dom.process is not None and dom.process.alive:
                dom.process.kill()  # the watchdog's job; never leave one running
        self.lease = None
        await self.event(f"lease expired; fenced HA guests: {', '.join(d.name for d in lost) or 'none'}")

    def _ha_uuids(self) -> tuple[str, ...]:
        """HA guests this member holds (or is starting): found by ``-uuid`` when fired."""
        return tuple(sorted({d.uuid for d in self.daemon.domains.values() if d.config.ha and d.uuid in self.held}))

    def _ha_targets(self) -> list[tuple[int, int]]:
        out = []
        for dom in self.daemon.domains.values():
            proc = dom.process
            if dom.config.ha and proc is not None and proc.alive and proc.start_ticks is not None:
                out.append((proc.pid, proc.start_ticks))
        return out

    # ---- what the member publishes ----------------------------------------------------------
    async def _publish(self) -> None:
        now = time.monotonic()
        if now - self._facts_at >= FACTS_EVERY:
            await self.etcd.put(self.key("members", self.host), json.dumps(self.facts()), lease=self.lease)
            self._facts_at = now
        rows = json.dumps([_row(d) for d in self.daemon.all() if not self.managed_defs.hidden(d)], sort_keys=True)
        if rows != self._published:
            await self.etcd.put(self.key("domains", self.host), rows, lease=self.lease)
            self._published = rows
            self._dirty = True  # a local guest changed (paused, stopped): the full pass records it

    def facts(self) -> dict[str, Any]:
        """What placement and `pool status` need of this host."""
        from hvmctl.daemon.service import _meminfo

        total, free = _meminfo()
        used = sum(d.config.memory for d in self.daemon.domains.values() if d.state not in NOT_RUNNING)
        info = self.daemon.host_info() if self._facts_at == 0.0 else {}
        facts = {
            "host": self.host, "free_memory": free, "total_memory": total, "guest_memory": used,
            "nr_cpus": os.cpu_count() or 1, "accel": self.daemon.facts.accel, "pid": os.getpid(),
            "tags": sorted(t for t in os.environ.get("HVMCTL_HOST_TAGS", "").replace(",", " ").split() if t),
            "migration_address": os.environ.get("HVMCTL_MIGRATION_ADDRESS") or self.host,
            "renewed": time.time(),
        }
        if info:
            self._static = {k: info.get(k) for k in ("qemu_version", "qemu_machines", "bridges", "hvmctl_version")}
        remote = self._remote()
        if remote is not None:
            facts["remote"] = remote
        if self.api is not None:
            facts["api"] = self.api
        return facts | getattr(self, "_static", {})

    def publish_api(self, listener: Any) -> None:
        """The remote API (HVMCTL_LISTEN) runs: publish where peers forward commands for
        this member's domains (pool/forward.py), with its certificate and our pool token."""
        from hvmctl.pool.forward import own_token

        host = listener.bound[0]
        address = host if host not in ("", "0.0.0.0", "::") else \
            os.environ.get("HVMCTL_MIGRATION_ADDRESS") or self.host
        self.api = {"address": address, "port": listener.bound[1], "cert": Path(listener.cert).read_text(),
                    "token": own_token(self.daemon)}
        self._facts_at = -FACTS_EVERY  # published at the next step

    def _remote(self) -> dict[str, Any] | None:
        """Where members migrate guests in (the TLS endpoint, HVMCTL_REMOTE_LISTEN), with its
        certificate and token: etcd is the pool's root of trust (it places guests anyway)."""
        listen = os.environ.get("HVMCTL_REMOTE_LISTEN")
        if not listen:
            return None
        host, _, port = listen.rpartition(":")
        remote = self.daemon.paths.state_dir / "remote"
        try:
            token, cert = (remote / "token").read_text().strip(), (remote / "cert.pem").read_text()
        except OSError:
            return None  # not made yet (the endpoint starts after the pool): next time
        address = host.strip("[]") if host.strip("[]") not in ("", "0.0.0.0", "::") else \
            os.environ.get("HVMCTL_MIGRATION_ADDRESS") or self.host
        return {"address": address, "port": int(port), "token": token, "cert": cert}

    async def event(self, text: str) -> None:
        """A line of `hvmctl pool events` (logged here too; kept in etcd when it answers)."""
        log.info("pool event: %s", text)
        body = json.dumps({"time": time.time(), "host": self.host, "text": text})
        try:
            await self.etcd.put(self.key("events", f"{time.time_ns():020d}-{self.host}"), body)
        except PoolError:
            pass

    # ---- run locks ----------------------------------------------------------------------------
    def pooled(self, dom: "Domain") -> bool:
        """A pool domain: HA, or defined in the pool (placed, or started from there)."""
        return bool(dom.config.ha) or dom.uuid in self.defs

    async def claim_run(self, dom: "Domain") -> None:
        """Before a pool domain's QEMU is spawned here: take its run lock (a transaction),
        with its definition. ConflictError when another member holds it; PoolError when
        the pool cannot be asked (then nothing starts: it may run elsewhere)."""
        if not self.pooled(dom) or dom.uuid in self._incoming:
            return  # an incoming migration takes the lock over once its guest runs here
        if self.lease is None or not self.healthy:
            raise PoolError(f"domain '{dom.name}' is a pool domain and the pool cannot be asked: "
                            f"{self.error or 'no lease'}")
        known = self.defs.get(dom.uuid, {})
        if known.get("want") == "suspended" and known.get("owner") not in (None, self.host):
            raise ConflictError(f"domain '{dom.name}' has a managed save on pool member '{known['owner']}': "
                                f"xm resume it there (its disks are as that save left them)")
        definition = self._definition(dom.config, owner=self.host)
        if dom.config.ha:  # before the lock exists: a QEMU spawned after it is fenced too
            self.watchdog.include(dom.uuid)
        ok, holder = await self.etcd.create(self.key("run", dom.uuid), self.host, lease=self.lease,
                                            also={self.key("defs", dom.uuid): json.dumps(definition)})
        if not ok and holder != self.host:
            raise ConflictError(f"domain '{dom.name}' runs on pool member '{holder}' (its run lock in etcd)")
        self.defs[dom.uuid] = definition
        self.runs[dom.uuid] = self.host
        self.held.add(dom.uuid)
        self.fenced.discard(dom.uuid)

    def _definition(self, cfg: "DomainConfig", *, owner: str, want: str = "running") -> dict[str, Any]:
        local = self.daemon.domains.get(str(cfg.uuid))
        return {"name": cfg.name, "uuid": cfg.uuid, "ha": bool(cfg.ha), "host_tags": list(cfg.host_tags),
                "owner": owner, "want": want, "memory": cfg.memory, "config": cfg.to_dict(),
                "managed": bool(local is not None and local.managed)  # once in the pool's defs, for good:
                or bool(self.defs.get(str(cfg.uuid), {}).get("managed"))}  # an HA restart keeps it

    def expect_incoming(self, uuid: str | None) -> None:
        """A guest migrates in: its run lock stays with the source until it runs here."""
        if uuid is not None:
            self._incoming.add(uuid)

    def note_forgotten(self, dom: "Domain") -> None:
        """A pool domain this member ran has ended for good here (destroyed, shut down):
        the pool must not bring it back. One that migrated away is not stopped."""
        if dom.uuid in self._outgoing:
            self._outgoing.discard(dom.uuid)
            self.held.discard(dom.uuid)
            return
        if dom.uuid not in self.held or dom.uuid in self.fenced:
            return
        self.held.discard(dom.uuid)
        cfg = dom.config
        if dom.managed and dom.definition is not None:  # what managed.deactivate keeps: --live ends here
            from dataclasses import replace

            cfg = replace(dom.definition, name=dom.config.name)
        from hvmctl.daemon.managed import save_path

        suspended = dom.managed and save_path(self.daemon, dom.uuid).is_file()  # xm suspend: resumed only here
        definition = self._definition(cfg, owner=self.host, want="suspended" if suspended else "stopped")
        self.defs[dom.uuid] = definition

        async def write() -> None:
            try:
                holder = await self.etcd.get(self.key("run", dom.uuid))
                if holder not in (None, self.host):
                    return  # it runs elsewhere now (a migration not made through the pool)
                await self.etcd.put(self.key("defs", dom.uuid), json.dumps(definition))
                await self.etcd.delete_if(self.key("run", dom.uuid), self.host)
            except PoolError as exc:
                log.warning("pool: %s: could not record it stopped: %s", dom.name, exc.message)

        asyncio.get_running_loop().create_task(write())

    async def _reconcile(self) -> None:
        """Run locks against this host's QEMUs: a running pool domain holds its lock (taken
        again after an outage, unless fenced); a lock whose guest no longer runs here is
        released; a stale local copy of a guest that now runs elsewhere is dropped."""
        self.defs = {k.rsplit("/", 1)[1]: json.loads(v) for k, v, _ in await self.etcd.get_prefix(self.key("defs", ""))}
        self.runs = {k.rsplit("/", 1)[1]: v for k, v, _ in await self.etcd.get_prefix(self.key("run", ""))}
        self.storage = {k.rsplit("/", 1)[1]: v for k, v, _ in await self.etcd.get_prefix(self.key("storage", ""))}
        self._incoming &= set(self.daemon.domains)
        for dom in list(self.daemon.domains.values()):
            if not self.pooled(dom) or dom.state is DomainState.STARTING:
                continue
            holder = self.runs.get(dom.uuid)
            alive = dom.process is not None and dom.process.alive and dom.state not in NOT_RUNNING
            if dom.uuid in self._incoming:
                if (dom.intent or {}).get("op") == "migrate-in":
                    continue  # not ours yet: the source's QEMU has the guest
                self._incoming.discard(dom.uuid)
                if alive:
                    await self._hand_over(dom, holder)
                continue
            if alive and holder not in (None, self.host):
                dom.process.kill()  # type: ignore[union-attr]  # never two at once
                await self.event(f"killed the local copy of {dom.name}: it runs on {holder}")
            elif alive and holder is None:
                if dom.uuid in self.fenced:
                    dom.process.kill()  # type: ignore[union-attr]
                    continue
                ok, holder = await self.etcd.create(self.key("run", dom.uuid), self.host, lease=self.lease)
                if ok or holder == self.host:
                    self.held.add(dom.uuid)
            if alive and dom.uuid in self.held and dom.uuid not in self._outgoing:
                await self._record_paused(dom)
            elif not alive and holder not in (None, self.host) and not dom.lock.locked() and not dom.managed:
                self.daemon.undefine(dom)  # a managed copy stays: it is the definition here
                await self.event(f"dropped the stopped local copy of {dom.name}: it runs on {holder}")
        starting = {d.uuid for d in self.daemon.domains.values() if d.state is DomainState.STARTING}
        for uuid, holder in list(self.runs.items()):
            mine = self.daemon.domains.get(uuid)
            alive = mine is not None and mine.process is not None and mine.process.alive \
                and mine.state not in NOT_RUNNING
            if holder == self.host and not alive and uuid not in starting and uuid not in self._starting:
                await self.etcd.delete_if(self.key("run", uuid), self.host)
                self.runs.pop(uuid, None)
        await self.managed_defs.sync()

    async def _record_paused(self, dom: "Domain") -> None:
        """A pool domain's definition says whether it is paused: an HA restart elsewhere
        starts it paused (the user stopped its vCPUs; a restart must not run them), as
        Proxmox's HA recovers a stopped service to another node without starting it."""
        known = self.defs.get(dom.uuid)
        paused = dom.state is DomainState.PAUSED
        if known is None or bool(known.get("paused")) == paused or self.runs.get(dom.uuid) != self.host:
            return
        known = known | {"paused": paused}
        await self.etcd.put(self.key("defs", dom.uuid), json.dumps(known))
        self.defs[dom.uuid] = known

    async def _hand_over(self, dom: "Domain", holder: str | None) -> None:
        """A migrated-in pool domain runs here now: its run lock (and definition) move here."""
        key = self.key("run", dom.uuid)
        origin = holder or self.defs.get(dom.uuid, {}).get("owner")
        if holder == self.host:
            ok = True
        elif holder is None:
            ok, holder = await self.etcd.create(key, self.host, lease=self.lease)
            ok = ok or holder == self.host
        else:
            ok = await self.etcd.replace(key, holder, self.host, lease=self.lease)
        if not ok:
            dom.process.kill()  # type: ignore[union-attr]  # someone else took it meanwhile
            await self.event(f"killed the migrated-in copy of {dom.name}: its run lock is held elsewhere")
            return
        self.runs[dom.uuid] = self.host
        self.held.add(dom.uuid)
        definition = self._definition(dom.config, owner=self.host)
        self.defs[dom.uuid] = definition
        await self.etcd.put(self.key("defs", dom.uuid), json.dumps(definition))
        await self.event(f"{dom.name} migrated in from {origin}")

    # ---- assignments: "start this definition here" --------------------------------------------
    async def _take_assignments(self) -> None:
        request = await self.etcd.get(self.key("evacuate", self.host))
        if request is not None and "result" not in json.loads(request) and not self._evacuating:
            asyncio.get_running_loop().create_task(self._evacuate_requested(request))
        for key, value, _ in await self.etcd.get_prefix(self.key("assign", self.host, "")):
            uuid = key.rsplit("/", 1)[1]
            if uuid not in self._starting:
                self._starting.add(uuid)
                asyncio.get_running_loop().create_task(self._start_assigned(uuid, key, value))

    async def _evacuate_requested(self, request: str) -> None:
        """`hvmctl host evacuate ME` asked on another member: do it, leave the result there."""
        asked = json.loads(request)

        async def progress(done: int, total: int) -> None:  # for the asking member's bar
            try:
                await self.etcd.put(self.key("evacuate", self.host), json.dumps(asked | {"progress": [done, total]}))
            except PoolError:
                pass

        try:
            result: dict[str, Any] = await evacuate(self, copy_storage=bool(asked.get("copy_storage")),
                                                    progress=progress)
        except HvmctlError as exc:
            result = {"host": self.host, "error": exc.message, "moved": []}
        try:
            await self.etcd.put(self.key("evacuate", self.host), json.dumps(asked | {"result": result}))
        except PoolError as exc:
            log.warning("pool: evacuation result not recorded: %s", exc.message)

    async def evacuate_member(self, host: str, timeout: float = 900.0, *, copy_storage: bool = False,
                              progress: Progress | None = None) -> dict[str, Any]:
        """Evacuate pool member ``host``: here, or asked through etcd and waited for (its
        progress read back from there)."""
        await self.ready()
        if host == self.host:
            return await evacuate(self, copy_storage=copy_storage, progress=progress)
        if host not in await self.members():
            raise NotFoundError(f"pool member '{host}' is not in the pool")
        key = self.key("evacuate", host)
        ok, _ = await self.etcd.create(key, json.dumps({"by": self.host, "at": time.time(),
                                                        "copy_storage": copy_storage}))
        if not ok:
            raise ConflictError(f"{host} is already being evacuated")
        try:
            deadline = time.monotonic() + timeout
            while time.monotonic() < deadline:
                answer = json.loads(await self.etcd.get(key) or "{}")
                if "result" in answer:
                    result: dict[str, Any] = answer["result"]
                    if "error" in result:
                        raise PoolError(f"{host}: {result['error']}")
                    return result
                if progress is not None and "progress" in answer:
                    await progress(*(int(n) for n in answer["progress"]))
                await asyncio.sleep(0.2)
            raise PoolError(f"{host} did not finish its evacuation within {timeout:.0f} s")
        finally:
            await self.etcd.delete(key)

    async def _start_assigned(self, uuid: str, key: str, value: str) -> None:
        from hvmctl.config.model import DomainConfig

        reason = json.loads(value).get("reason", "assigned")
        try:
            definition = self.defs.get(uuid) or json.loads(await self.etcd.get(self.key("defs", uuid)) or "{}")
            if not definition:
                raise NotFoundError(f"no pool definition {uuid}")
            cfg = DomainConfig.from_dict(definition["config"])
            old = self.daemon.domains.get(uuid)
            if old is not None and (old.process is None or not old.process.alive):
                self.daemon.undefine(old)  # a stale local copy (this member was fenced)
            paused = bool(definition.get("paused"))
            dom = await self.daemon.create_from_config(cfg, paused=paused)
            if definition.get("managed"):  # a managed domain stays one on the member that runs it now
                dom.managed = True
                self.daemon.persist(dom)
            await self.event(f"started {cfg.name} here ({reason}) as ID {dom.domid}{', paused' if paused else ''}")
        except HvmctlError as exc:
            await self.event(f"could not start {uuid[:8]} ({reason}): {exc.message}")
        except Exception as exc:  # noqa: BLE001
            log.exception("pool: assigned start of %s failed", uuid)
            await self.event(f"could not start {uuid[:8]} ({reason}): internal error: {exc}")
        finally:
            try:
                await self.etcd.delete(key)
            except PoolError:
                pass
            self._starting.discard(uuid)

    # ---- the manager (the elected member) --------------------------------------------------------
    async def _manage(self) -> None:
        ok, holder = await self.etcd.create(self.key("leader"), self.host, lease=self.lease)
        if ok and not self.is_leader:
            await self.event("elected pool manager")
        self.is_leader = ok or holder == self.host
        if not self.is_leader:
            self._missing.clear()
            return
        if time.monotonic() - self._trimmed_at > 60:
            await self._trim_events()
        members = await self.members()
        pending = {k.rsplit("/", 1)[1] for k, _, _ in await self.etcd.get_prefix(self.key("assign", ""))}
        now = time.monotonic()
        planned: dict[str, int] = {}
        for uuid, d in self.defs.items():
            if not d.get("ha") or d.get("want") != "running" or uuid in self.runs:
                self._missing.pop(uuid, None)
                if uuid in self.runs:
                    self._attempts.pop(uuid, None)
                    self._stranded.discard(uuid)
                continue
            if uuid in pending:
                continue
            first = self._missing.setdefault(uuid, now)
            owner = d.get("owner")
            if owner in members:
                if now - first < self.s.ttl:  # its own on_crash restart goes first
                    self._after(first + self.s.ttl)
                    continue
            elif not await self._fenced(str(owner), first, now):
                self._after(first + self.s.grace)
                continue
            attempts = self._attempts.get(uuid, 0)
            if attempts >= MAX_ATTEMPTS:
                if attempts == MAX_ATTEMPTS:
                    await self.event(f"HA: gave up restarting {d['name']} after {attempts} attempts")
                    self._attempts[uuid] = attempts + 1
                continue
            home = self.storage.get(uuid)
            if home is not None and home not in members:
                if uuid not in self._stranded:
                    self._stranded.add(uuid)
                    await self.event(f"HA: not restarting {d['name']}: its disks are on {home}'s own storage "
                                     f"(copied there by --copy-storage), which is gone; elsewhere a stale copy "
                                     f"at most")
                self._missing.pop(uuid, None)
                continue
            try:
                target = place(d, members if home is None else {home: members[home]}, planned,
                               exclude=None if owner in members else str(owner))
            except HvmctlError as exc:
                await self.event(f"HA: cannot restart {d['name']}: {exc.message}")
                self._missing[uuid] = now  # try again later, not every tick
                continue
            planned[target] = planned.get(target, 0) + int(d.get("memory", 0))
            self._attempts[uuid] = attempts + 1
            why = f"HA restart, {owner} {'lost it' if owner in members else 'is gone'}"
            await self.etcd.put(self.key("assign", target, uuid), json.dumps({"reason": why}))
            await self.event(f"HA: restarting {d['name']} on {target} (attempt {attempts + 1}; {why})")
            self._missing.pop(uuid, None)

    async def _trim_events(self, keep: int = MAX_EVENTS) -> None:
        """The manager keeps the last ``keep`` events."""
        self._trimmed_at = time.monotonic()
        rows = await self.etcd.get_prefix(self.key("events", ""))
        for key, _, _ in rows[:-keep]:
            await self.etcd.delete(key)

    async def _fenced(self, host: str, first: float, now: float) -> bool:
        """Is ``host`` (whose lease is gone) fenced? The fence agent said so, or the
        self-fence deadline is behind us (the lease expired before ``first``, and the
        watchdog fires before the lease can expire; ``grace`` for the kill to land)."""
        if now - first >= self.s.grace:
            return True
        if self.s.fence_agent and host not in self._fence_ok:
            self._fence_ok[host] = now
            ok, text = await run_fence_agent(self.s.fence_agent, host)
            await self.event(f"fence agent for {host}: {'success' if ok else 'failed'}{': ' + text if text else ''}")
            if ok:
                self._fence_ok[host] = -1.0
        return self._fence_ok.get(host) == -1.0

    # ---- reads and actions for the API -------------------------------------------------------------
    async def members(self) -> dict[str, dict[str, Any]]:
        rows = await self.etcd.get_prefix(self.key("members", ""))
        return {k.rsplit("/", 1)[1]: json.loads(v) for k, v, _ in rows}

    async def ready(self) -> None:
        """:meth:`require`, after the first join attempt of a daemon just started: a command
        sent the moment the member's socket answers waits for the join (at most
        ``JOIN_WAIT`` s) instead of being told "not joined yet"."""
        if not self._first_step.is_set() and not self.left:
            try:
                await asyncio.wait_for(self._first_step.wait(), JOIN_WAIT)
            except asyncio.TimeoutError:
                pass
        self.require()

    def require(self) -> None:
        if self.left:
            raise PoolError(f"this daemon left the pool (restart it to join {', '.join(self.s.endpoints)} again)")
        if not self.healthy:
            raise PoolError(f"the pool cannot answer: {self.error}")

    async def status(self) -> dict[str, Any]:
        await self.ready()
        members = await self.members()
        leader = await self.etcd.get(self.key("leader"))
        try:
            cluster = await self.etcd.cluster()
        except PoolError as exc:
            cluster = {"error": exc.message}
        shown = [{k: v for k, v in members[h].items() if k not in ("remote", "api")}
                 | ({"endpoint": f"{members[h]['remote']['address']}:{members[h]['remote']['port']}"}
                    if "remote" in members[h] else {}) for h in sorted(members)]
        return {"host": self.host, "leader": leader, "members": shown,
                "etcd": cluster, "lease_ttl": self.s.ttl, "fence_agent": self.s.fence_agent}

    async def domains(self) -> dict[str, Any]:
        """Every domain of every member (what each published), with its host."""
        await self.ready()
        rows = []
        for key, value, _ in await self.etcd.get_prefix(self.key("domains", "")):
            host = key.rsplit("/", 1)[1]
            rows += [r | {"host": host} for r in json.loads(value)]
        return {"domains": rows, "host": self.host}

    async def events(self, limit: int = 100) -> list[dict[str, Any]]:
        await self.ready()
        rows = await self.etcd.get_prefix(self.key("events", ""))
        return [json.loads(v) for _, v, _ in rows[-limit:]]

    async def leave(self) -> dict[str, Any]:
        """Leave the pool: refused while pool domains run here (their HA would restart them
        elsewhere at once); the lease is revoked, the watchdog stands down."""
        await self.ready()
        running = [d.name for d in self.daemon.domains.values() if self.pooled(d) and d.state not in NOT_RUNNING]
        if running:
            raise ConflictError(f"pool domains run on {self.host}: {', '.join(running)}; "
                                "stop or migrate them first")
        self.left = True
        await self._stop_tasks()
        await self.event("left the pool")
        if self.lease is not None:
            await self.etcd.revoke(self.lease)
        self.lease, self.healthy, self.is_leader = None, False, False
        self.watchdog.stop()
        self._lease_file.unlink(missing_ok=True)
        return {"host": self.host, "result": "left"}

    async def create(self, cfg: "DomainConfig", *, host: str | None, paused: bool = False) -> dict[str, Any]:
        """Create a pool domain: on ``host``, or on the member with the most free memory
        (that has the profile's ``host_tags``). Its definition goes into etcd first."""
        await self.ready()
        members = await self.members()
        for uuid, d in self.defs.items():
            if d.get("name") == cfg.name and uuid != cfg.uuid and d.get("want") == "running":
                raise ConflictError(f"domain name '{cfg.name}' is already in use in the pool "
                                    f"(on {self.runs.get(uuid) or d.get('owner')})")
        definition = self._definition(cfg, owner="")
        if host is not None and host not in members:
            raise NotFoundError(f"pool member '{host}' is not in the pool (members: {', '.join(sorted(members))})")
        target = host or place(definition, members, {})
        if host is not None:
            check_tags(definition, members[host])
        definition["owner"] = target
        await self.etcd.put(self.key("defs", str(cfg.uuid)), json.dumps(definition))
        self.defs[str(cfg.uuid)] = definition
        if target == self.host:
            dom = await self.daemon.create_from_config(cfg, paused=paused)
            return {"domain": dom.summary() | {"host": target}, "host": target, "notes": []}
        await self.etcd.put(self.key("assign", target, str(cfg.uuid)), json.dumps({"reason": "xm create"}))
        return await self._wait_started(cfg, target)

    async def _wait_started(self, cfg: "DomainConfig", target: str, timeout: float = 90.0) -> dict[str, Any]:
        deadline = time.monotonic() + timeout
        assign = self.key("assign", target, str(cfg.uuid))
        while time.monotonic() < deadline:
            rows = json.loads(await self.etcd.get(self.key("domains", target)) or "[]")
            row = next((r for r in rows if r["uuid"] == cfg.uuid and r["state"] not in ("inactive", "starting")), None)
            if row is not None and await self.etcd.get(self.key("run", str(cfg.uuid))) == target:
                return {"domain": row | {"host": target}, "host": target, "notes": []}
            if await self.etcd.get(assign) is None and row is None:
                failed = [e for e in await self.events(20) if e["host"] == target and str(cfg.uuid)[:8] in e["text"]]
                if failed:
                    raise PoolError(f"{target}: {failed[-1]['text']}")
            await asyncio.sleep(0.1)
        raise PoolError(f"{target} did not start {cfg.name} within {timeout:.0f} s")


async def migrate(member: PoolMember, dom: "Domain", target: str, *, live: bool = True,
                  copy_storage: bool = False) -> dict[str, Any]:
    """Start a live migration of ``dom`` to pool member ``target`` over its TLS endpoint
    (address, certificate and token from its facts); the run lock moves when it runs there."""
    from hvmctl.migration import live as livemig

    await member.ready()
    members = await member.members()
    if target not in members:
        raise NotFoundError(f"pool member '{target}' is not in the pool (members: {', '.join(sorted(members))})")
    if target == member.host:
        raise ConflictError(f"domain '{dom.name}' already runs on {target}")
    remote = members[target].get("remote")
    if not remote:
        raise PoolError(f"pool member '{target}' has no remote endpoint to migrate into (HVMCTL_REMOTE_LISTEN)")
    req = livemig.MigrateRequest(host=str(remote["address"]), port=int(remote["port"]), transport="tls",
                                 live=live, token=str(remote["token"]), ca_pem=str(remote["cert"]),
                                 copy_storage=copy_storage)
    member._outgoing.add(dom.uuid)
    try:
        started: dict[str, Any] = await livemig.start_migration(member.daemon, dom, req)
    except BaseException:
        member._outgoing.discard(dom.uuid)
        raise
    if (copy_storage or dom.uuid in member.storage) and member.pooled(dom):  # its disks are where it goes
        asyncio.get_running_loop().create_task(_note_copied(member, livemig.get_job(started["job"]), dom, target))
    await member.event(f"migrating {dom.name} to {target}")
    return started | {"member": target}


async def _note_copied(member: PoolMember, job: Any, dom: "Domain", target: str) -> None:
    """A --copy-storage migration completed (or any migration of a guest that once had
    one): the guest's disks are on ``target``'s own storage now, this member keeps its
    older copy (the user's file): recorded for HA."""
    if job.task is not None:
        await asyncio.gather(asyncio.shield(job.task), return_exceptions=True)
    if job.state != "completed":
        return
    try:
        await member.etcd.put(member.key("storage", dom.uuid), target)
    except PoolError as exc:
        log.warning("pool: %s: where its copied disks are was not recorded: %s", dom.name, exc.message)
        return
    await member.event(f"{dom.name}: its disks are on {target}'s own storage now (--copy-storage)")


def _moved(job: Any, memory: int) -> tuple[int, int]:
    """(bytes moved, bytes to move) of one guest's migration so far: its RAM (clamped: dirty
    pages are sent again) and, with copy_storage, its disks."""
    p = job.progress
    return (min(int(p.get("ram_transferred") or 0), memory) + int(p.get("disk_done") or 0),
            memory + int(p.get("disk_total") or 0))


async def evacuate(member: PoolMember, *, copy_storage: bool = False,
                   progress: Progress | None = None) -> dict[str, Any]:
    """Live-migrate every running guest of this member to the others (placement by free
    memory and host_tags), one at a time; each result is listed, failures too.
    ``progress`` hears (bytes moved, bytes to move) of the whole evacuation as it goes."""
    from hvmctl.migration import live as livemig

    await member.ready()
    if member._evacuating:
        raise ConflictError(f"{member.host} is already being evacuated")
    member._evacuating = True
    try:
        others = {h: f for h, f in (await member.members()).items() if h != member.host}
        planned: dict[str, int] = {}
        results = []
        guests = [d for d in member.daemon.all() if d.state in (DomainState.RUNNING, DomainState.PAUSED)]
        left = sum(d.config.memory << 20 for d in guests)  # bytes of the guests not started yet
        finished = [0, 0]  # (moved, to move) of the guests done

        async def report(now: tuple[int, int]) -> None:
            if progress is not None:
                await progress(finished[0] + now[0], finished[1] + now[1] + left)

        await report((0, 0))
        for dom in guests:
            memory = dom.config.memory << 20
            left -= memory
            try:
                target = place(member._definition(dom.config, owner=member.host), others, planned)
                planned[target] = planned.get(target, 0) + dom.config.memory
                job = livemig.get_job((await migrate(member, dom, target, copy_storage=copy_storage))["job"])
                while job.task is not None and not job.task.done():
                    await report(_moved(job, memory))
                    await asyncio.wait({job.task}, timeout=PROGRESS_EVERY)  # never cancels the job
                if job.task is not None:
                    await asyncio.gather(asyncio.shield(job.task), return_exceptions=True)
                sent, size = _moved(job, memory)
                finished[0] += size if job.state == "completed" else sent
                finished[1] += size
                view = job.view()
                results.append({"name": dom.name, "to": target, "state": view["state"], "error": view["error"]})
            except HvmctlError as exc:
                results.append({"name": dom.name, "to": None, "state": "failed", "error": exc.message})
                finished[1] += memory
                finished[0] += memory  # nothing more to wait for on this one
            await report((0, 0))
        moved = ", ".join(f"{r['name']} -> {r['to']}" for r in results) or "nothing ran"
        await member.event(f"evacuated: {moved}")
        return {"host": member.host, "moved": results}
    finally:
        member._evacuating = False


def check_tags(definition: dict[str, Any], facts: dict[str, Any]) -> None:
    want = set(definition.get("host_tags") or ())
    if not want <= set(facts.get("tags") or ()):
        raise ConflictError(f"{facts.get('host')}: lacks host_tags {', '.join(sorted(want - set(facts.get('tags') or ())))} "
                            f"of domain '{definition.get('name')}'")


def place(definition: dict[str, Any], members: dict[str, dict[str, Any]], planned: dict[str, int], *,
          exclude: str | None = None) -> str:
    """The member with the most free memory (less what this round already put there) that
    has every host tag the domain asks for and room for its memory."""
    want = set(definition.get("host_tags") or ())
    need = int(definition.get("memory") or 0)
    fits = []
    for host, facts in members.items():
        if host == exclude or not want <= set(facts.get("tags") or ()):
            continue
        free = int(facts.get("free_memory") or 0) - planned.get(host, 0)
        if free >= need:
            fits.append((free, host))
    if not fits:
        tags = f" with host_tags {', '.join(sorted(want))}" if want else ""
        raise ConflictError(f"no pool member{tags} has {need} MiB free for '{definition.get('name')}'")
    return max(fits, key=lambda f: (f[0], f[1]))[1]


async def run_fence_agent(agent: str, host: str, timeout: float = 30.0) -> tuple[bool, str]:
    """``AGENT HOST``: exit 0 = the host is fenced (powered off, isolated)."""
    import shlex

    argv = shlex.split(agent) + [host]
    try:
        proc = await asyncio.create_subprocess_exec(*argv, stdout=asyncio.subprocess.PIPE,
                                                    stderr=asyncio.subprocess.STDOUT, start_new_session=True)
    except OSError as exc:
        return False, f"{argv[0]}: {exc.strerror}"
    try:
        out, _ = await asyncio.wait_for(proc.communicate(), timeout)
    except asyncio.TimeoutError:
        try:
            os.killpg(proc.pid, signal.SIGKILL)  # the agent and whatever it started (its pipe)
        except ProcessLookupError:
            pass
        await proc.wait()
        return False, f"timed out after {timeout:.0f} s"
    text = out.decode(errors="replace").strip().splitlines()
    return proc.returncode == 0, (text[-1] if text else f"exit {proc.returncode}")


def _row(dom: "Domain") -> dict[str, Any]:
    s = dom.summary()
    return {k: s[k] for k in ("name", "uuid", "id", "state", "flags", "memory", "vcpus", "cpu_time")} | \
        {"ha": bool(dom.config.ha)}


def _is_watchdog(pid: int) -> bool:
    try:
        return b"hvmctl.pool.watchdog" in Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        return False
