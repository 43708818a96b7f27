"""``xm migrate``: move a guest to another host's hvmctl daemon.

Steps (Ganeti-style, each one undoable until the last):

1. connect (TLS + token, or SSH) and send the guest's facts for the destination's pre-flight;
   any problem refuses the migration with every problem listed (``--dry-run`` stops here);
2. ``prepare``: the destination starts QEMU with ``-incoming defer -S`` from our record and,
   for ``--copy-storage``, creates the images and exports them over NBD;
3. ``--copy-storage``: ``drive-mirror`` every writable disk into the NBD exports while the
   guest runs, until every mirror is in sync;
4. QEMU migration (``--live``: pre-copy while running; else ``stop`` first). With mirrors the
   ``pause-before-switchover`` capability stops the migration once the guest is paused, the
   mirrors are completed (in sync, nothing new can be written), then it continues;
5. handover: the destination's QEMU runs the guest the moment it has loaded the whole state
   (it was started without ``-S``; no round trip, no poll) and its daemon commits on the
   ``MIGRATION completed`` event; ``finish`` then only reports (or says the stream did not
   load); our guest ends after that. Downtime is measured end to end from QEMU's event
   timestamps: ``STOP`` here to ``RESUME`` there.

Any failure before our QEMU has sent the whole state (destination killed, link cut, stream
refused) cancels what runs, resumes the guest here, and tells the destination to discard its
half (which it also does by itself when our connection drops). After that only the
destination knows: if it answers that the stream did not load, the guest resumes here; if
no answer comes, the guest is left paused here (never two running copies) and the
destination, recorded in the intent before the stream started, is asked again until it
says who runs it -- also by a daemon restarted after being killed (``handover.py``). The
guest is never lost.
"""

from __future__ import annotations

import asyncio
import logging
import os
import socket
import time
import uuid as uuidlib
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from hvmctl.daemon.domain import Domain
from hvmctl.daemon.state import DomainState
from hvmctl.errors import ConflictError, DaemonError, HvmctlError, NotFoundError, QemuError, StateError, TimeoutError_
from hvmctl.migration import handover, protocol, qmpmig, sshlink
from hvmctl.migration.relay import NbdRelay
from hvmctl.migration.saverestore import saved_facts
from hvmctl.migration.target import FINISH_TIMEOUT, copied_disks
from hvmctl.qemu.version import running_version

if TYPE_CHECKING:
    from hvmctl.daemon.service import Daemon

log = logging.getLogger("hvmctl.migration")

DEFAULT_PORT = 8002  # xend's relocation server listened on 8002
PING_EVERY = 3.0
PROGRESS_EVERY = 0.2  # s between query-migrate for the progress figures and stall detection


@dataclass
class MigrateRequest:
    host: str
    port: int = DEFAULT_PORT
    transport: str = "tls"  # "tls" | "ssh"
    live: bool = False
    copy_storage: bool = False
    dry_run: bool = False
    token: str = ""
    ca_pem: str | None = None
    ssh_user: str | None = None
    ssh_port: int | None = None
    ssh_options: tuple[str, ...] = ()
    remote_hvmctl: tuple[str, ...] = ("hvmctl",)  # how the destination runs hvmctl (ssh)
    downtime_ms: int = 30
    bandwidth: int = qmpmig.UNLIMITED_BANDWIDTH
    stall_timeout: float = 10.0


async def source_facts(dom: Domain, copy_storage: bool) -> dict[str, Any]:
    """Everything the destination's pre-flight and prepare need to know about the guest."""
    rt = dom.runtime
    assert rt is not None
    disks = []
    blocks = {b["device"]: b for b in await dom.qmp("query-block")}
    for disk in dom.config.disks:
        if disk.empty:
            continue
        image = (blocks.get(f"drive-{disk.vdev}", {}).get("inserted") or {}).get("image") or {}
        try:
            st = os.stat(disk.target)
            size, allocated = st.st_size, st.st_blocks * 512
        except OSError:
            size, allocated = None, 0
        disks.append({"vdev": disk.vdev, "target": disk.target, "size": size, "allocated": allocated,
                      "virtual_size": image.get("virtual-size", size), "format": image.get("format", "raw")})
    return {
        "record": dom.to_record(),
        "facts": saved_facts(dom),
        "nics": rt.nics,
        "disks": disks,
        "qemu": await running_version(dom.qmp),
        "machine": await _machine_type(dom),
        "accel": rt.accel,
        "copy_storage": copy_storage,
        "state_files": dom.host.state_files(dom),
    }


async def _machine_type(dom: Domain) -> str:
    """The versioned machine type the guest runs (``pc`` is an alias that moves between
    QEMU versions; the destination must support the exact one)."""
    argv = dom.runtime.argv if dom.runtime else []
    name = argv[argv.index("-machine") + 1].split(",")[0] if "-machine" in argv else "pc"
    for machine in await dom.qmp("query-machines"):
        if machine.get("alias") == name or machine.get("name") == name:
            return str(machine["name"])
    return name


class MigrationJob:
    """One outgoing migration, run in the background; the CLI polls ``view()``."""

    def __init__(self, daemon: "Daemon", dom: Domain, req: MigrateRequest, channel: Any,
                 facts: dict[str, Any], report: dict[str, Any]) -> None:
        self.id = uuidlib.uuid4().hex[:12]
        self.daemon, self.dom, self.req, self.channel = daemon, dom, req, channel
        self.facts, self.report = facts, report
        self.name = dom.name
        self.phase = "starting"
        self.failed_phase: str | None = None  # the phase a failure hit (the error names it)
        self.state = "running"
        self.progress: dict[str, Any] = {}
        self.result: dict[str, Any] | None = None
        self.error: dict[str, str] | None = None
        self.started = time.monotonic()
        self.finished: float | None = None  # when it ended (for pruning finished jobs)
        self.task: asyncio.Task[None] | None = None
        self._last_ping = time.monotonic()
        self.relay: NbdRelay | None = None
        self.mirrors: list[str] = []
        self.pre_steps: dict[str, float] = {}  # connect and pre-flight, before the job
        self.dest_steps: dict[str, float] = {}
        self.t_migrate = time.monotonic()
        self.source_state = "running"  # where a failure leaves the guest here (for the CLI)

    def view(self) -> dict[str, Any]:
        return {"id": self.id, "domain": self.name, "destination": self.req.host, "state": self.state,
                "phase": self.phase, "progress": self.progress, "result": self.result, "error": self.error,
                "elapsed": round(time.monotonic() - self.started, 3)}

    async def _ping(self) -> None:
        """Keep the destination's session alive, and notice a dead destination daemon early."""
        if time.monotonic() - self._last_ping >= PING_EVERY:
            self._last_ping = time.monotonic()
            await self.channel.call("ping", timeout=10.0)

    async def run(self) -> None:
        try:
            self.result = await self._run()
            self.state = "completed"
        except BaseException as exc:
            self.state = "failed"
            message = exc.message if isinstance(exc, HvmctlError) else f"{exc.__class__.__name__}: {exc}"
            kind = exc.kind if isinstance(exc, HvmctlError) else "error"
            phase = self.failed_phase or self.phase
            self.error = {"error": kind, "message": message, "source": self.source_state, "phase": phase}
            log.error("migration of %s to %s failed: %s", self.name, self.req.host, message)
            if not isinstance(exc, Exception):
                raise
        finally:
            self.finished = time.monotonic()
            await self.channel.close()

    async def _run(self) -> dict[str, Any]:
        dom, req = self.dom, self.req
        t0, wall0 = time.monotonic(), time.time()
        steps = dict(self.pre_steps)
        async with dom.lock:
            dom.require("migrate")
            was_running = dom.state is DomainState.RUNNING
            # where the guest goes, before it goes: a daemon that dies after the stream (or
            # loses the answer) asks there whether it runs there (handover.py)
            dest = handover.record_destination(self.daemon.paths, dom.uuid, req, self.id)
            try:
                dom.set_state(DomainState.MIGRATING, intent={"op": "migrate-out", "was_running": was_running,
                                                             "dest": dest})
            except BaseException:
                handover.forget_destination(self.daemon.paths, dom.uuid)
                raise
            dom.host.crash_point("migrate-out:intent")
            assert dom.monitor is not None
            # QEMU's own timestamps: when our guest stops (the downtime's start)
            stops = dom.monitor.listen(["STOP"])
            changes = dom.monitor.listen(["MIGRATION"])
            try:
                try:
                    info = await self._send(was_running, changes, steps)
                except Exception as exc:
                    if not await self._stream_completed():
                        raise
                    # the whole state went out before the failure: the destination decides
                    log.warning("migration of %s: %s after the stream completed; asking %s",
                                self.name, exc, req.host)
                    info = await dom.qmp("query-migrate")
            except BaseException as exc:
                self.failed_phase = self.phase
                dom.monitor.unlisten(stops)
                dom.monitor.unlisten(changes)
                await self._recover(was_running, exc)
                raise
            finally:
                dom.monitor.unlisten(changes)
            dom.host.crash_point("migrate-out:stream-complete")
            t_complete = time.monotonic()
            steps["memory_ms"] = round((t_complete - t0) * 1000 - sum(
                v for k, v in steps.items() if k in ("prepare_ms", "storage_ms")), 1)
            stop_events = stops.clear()
            dom.monitor.unlisten(stops)
            stopped_at = qmpmig.event_time(stop_events[0]) if stop_events else None
            self.phase = "handover"
            final = await self._handover(was_running)
            dom.host.crash_point("migrate-out:handed-over")
            t_finish = time.monotonic()
            steps["finish_call_ms"] = round((t_finish - t_complete) * 1000, 1)
            stream = "ssh" if isinstance(self.channel, sshlink.SshChannel) else "tcp"
            if (await dom.qmp("query-migrate-parameters")).get("tls-creds"):
                stream = "tls" if stream == "tcp" else stream
        ram = info.get("ram") or {}
        qemu_downtime = float(info.get("downtime") or 0)
        resumed_at = final.get("resumed_at")
        if resumed_at is not None and stopped_at is not None:
            # end to end: our QEMU stopped the guest -> the destination's QEMU ran it (QEMU's
            # event timestamps, one CLOCK_REALTIME: same host, or NTP-close hosts)
            downtime = (float(resumed_at) - stopped_at) * 1000
        else:  # paused guest (nothing to resume), or an older destination: the estimate
            downtime = qemu_downtime + (t_finish - t_complete) * 1000 - float(final.get("after_cont_ms") or 0)
        total = ((float(resumed_at) - wall0) if resumed_at is not None else (t_finish - t0)) * 1000
        await dom.destroy()  # the guest lives on at the destination now
        handover.forget_destination(self.daemon.paths, dom.uuid)
        steps["source_teardown_ms"] = round((time.monotonic() - t_finish) * 1000, 1)
        result = {
            "name": dom.name,
            "destination": req.host,
            "transport": req.transport,
            "stream": stream,  # how the memory went: tls (QEMU's), ssh (-W) or plain tcp
            "live": req.live,
            "copy_storage": req.copy_storage,
            "total_ms": round(total, 1),  # job start -> guest running at the destination
            "job_ms": round((time.monotonic() - t0) * 1000, 1),  # incl. our teardown
            "migrate_ms": round((t_complete - self.t_migrate) * 1000, 1),
            "downtime_ms": round(downtime, 1),
            "qemu_downtime_ms": qemu_downtime,
            # beyond QEMU's own downtime figure: the last bytes landing, loading, resuming
            "handover_ms": round(downtime - qemu_downtime, 1),
            "qemu_total_ms": info.get("total-time"),
            "ram_bytes": int(ram.get("transferred", 0)),
            "disk_bytes": int(self.progress.get("disk_total", 0)),
            "bytes": int(ram.get("transferred", 0)) + int(self.progress.get("disk_total", 0)),
            "dest_id": final.get("id"),
            "steps": steps,
            "dest_steps": self.dest_steps,
        }
        log.info("domain %s migrated to %s: %s", result["name"], req.host, result)
        return result

    async def _send(self, was_running: bool, changes: Any, steps: dict[str, float]) -> dict[str, Any]:
        """Prepare both ends, copy the disks, send the memory; returns QEMU's final figures."""
        dom, req = self.dom, self.req
        t = time.monotonic()
        self.phase = "prepare"
        # our side of the stream is set up while the destination starts its QEMU
        guess_tls = not isinstance(self.channel, sshlink.SshChannel)
        guess_host = self._peer_address()
        local = asyncio.create_task(self._setup_stream(guess_tls, guess_host))
        try:
            session = await self.channel.call(
                "prepare", self.facts | {"resume": was_running, "job": self.id}, timeout=120.0)
        finally:
            await asyncio.gather(local, return_exceptions=True)
        local.result()
        self.dest_steps = dict(session.get("steps") or {})
        dom.host.crash_point("migrate-out:prepared")
        if bool(session.get("tls")) != guess_tls or (guess_tls and str(session["host"]) != guess_host):
            await self._setup_stream(bool(session.get("tls")), str(session.get("host")))
        steps["prepare_ms"] = round((time.monotonic() - t) * 1000, 1)
        if req.copy_storage:
            t = time.monotonic()
            self.mirrors = await self._mirror(session)
            steps["storage_ms"] = round((time.monotonic() - t) * 1000, 1)
        self.phase = "memory"
        if self.mirrors:
            await dom.qmp("migrate-set-capabilities", {"capabilities": [
                {"capability": "pause-before-switchover", "state": True}]})
        if not req.live and was_running:
            await dom.qmp("stop")
        self.t_migrate = time.monotonic()
        await dom.qmp("migrate", {"uri": await self._stream_uri(session)})
        dom.host.crash_point("migrate-out:streaming")
        return await self._wait_memory(self.mirrors, changes)

    async def _setup_stream(self, tls: bool, host: str) -> None:
        """Our QEMU's capabilities and parameters for the stream (TLS to ``host``'s QEMU)."""
        tls_args = self._stream_tls(host) if tls else {}
        await qmpmig.prepare(self.dom, bandwidth=self.req.bandwidth, downtime_ms=self.req.downtime_ms,
                             **tls_args)

    def _peer_address(self) -> str:
        """The address our control connection reached: the destination listens for the
        stream on that one (it answers ``prepare`` with it; we guess it to start early)."""
        peer = self.channel.writer.get_extra_info("peername")
        return str(peer[0]) if isinstance(peer, tuple) else self.req.host

    async def _stream_completed(self) -> bool:
        """Did our QEMU send the whole state (so only the destination knows who runs it)?"""
        try:
            return bool((await self.dom.qmp("query-migrate", timeout=5.0)).get("status") == "completed")
        except HvmctlError:
            return False

    async def _handover(self, was_running: bool) -> dict[str, Any]:
        """Ask the destination how its side went. It resumed the guest by itself once loaded;
        if it says the stream did not load, the guest resumes here. If we cannot hear the
        answer, nobody can tell from here whether it runs there: the guest stays paused
        here (never two running copies) and the error says so."""
        try:
            final: dict[str, Any] = await self.channel.call(
                "finish", {"running": was_running}, timeout=FINISH_TIMEOUT + 10.0)
        except HvmctlError as exc:
            self.source_state = "paused"
            handover.unconfirmed(self.dom)  # paused here until the destination says who runs it
            handover.keep_asking(self.dom, first_delay=handover.FIRST_RETRY)
            raise DaemonError(
                f"the whole state went to {self.req.host} but its answer was lost ({exc.message}); "
                f"'{self.name}' is left paused here until {self.req.host} says whether it runs there "
                f"(asked every {handover.RETRY_EVERY:.0f} s: it is then ended or resumed here)") from exc
        if not final.get("loaded", True):
            why = str(final.get("why") or "the stream did not load")
            failure = QemuError(f"destination: {why}")
            await self._recover(was_running, failure)
            raise failure
        return final

    def _stream_tls(self, host: str) -> dict[str, Any]:
        """The TLS endpoint's memory stream is TLS as well (QEMU's own): the destination's
        QEMU presents a leaf signed by the certificate we pinned, naming its address."""
        assert self.dom.runtime is not None
        directory = Path(self.dom.runtime.run_dir) / "migration-tls"
        directory.mkdir(mode=0o700, exist_ok=True)
        ca = self.req.ca_pem
        if ca is None:  # trusted through the system's store, as the control channel was
            ca = Path("/etc/ssl/certs/ca-certificates.crt").read_text()
        (directory / "ca-cert.pem").write_text(ca)
        return {"tls_dir": str(directory), "tls_endpoint": "client", "tls_hostname": host}

    async def _stream_uri(self, session: dict[str, Any]) -> str:
        """QEMU writes into a connection the daemon made (``migrate fd:``): an ``ssh -W`` to
        the destination's loopback listener, or (TLS endpoint) a TCP connection to the
        destination's listener, QEMU's own TLS on it (``tls-hostname`` names the peer)."""
        if isinstance(self.channel, sshlink.SshChannel):
            sock = await self.channel.tunnel(str(session["host"]), int(session["port"]))
        else:
            sock = await _connect_tcp(str(session["host"]), int(session["port"]))
        try:
            assert self.dom.monitor is not None
            await self.dom.pass_fd(sock.fileno(), "getfd", {"fdname": "hvmctl-migrate"})
        finally:
            sock.close()  # QEMU holds its own copy now
        return "fd:hvmctl-migrate"

    async def _mirror(self, session: dict[str, Any]) -> list[str]:
        """Copy the writable disks into the destination's NBD exports; wait until in sync."""
        self.phase = "storage"
        nbd = session["nbd"]
        assert self.dom.runtime is not None
        opener: Callable[[], Awaitable[socket.socket]] | None = None
        if isinstance(self.channel, sshlink.SshChannel):
            channel, host, port = self.channel, str(nbd["host"]), int(nbd["port"])

            async def tunnel() -> socket.socket:
                return await channel.tunnel(host, port)

            opener = tunnel

        self.relay = NbdRelay(nbd["host"], int(nbd["port"]), Path(self.dom.runtime.run_dir) / "nbd.sock",
                              opener)
        await self.relay.start()
        from hvmctl.qemu.hostpaths import HostPath  # QEMU (its guest's uid) connects to it

        self.dom.host.grant_paths(self.dom, [HostPath(str(self.relay.path), "rw")])
        jobs = []
        for vdev in copied_disks(self.dom.config, True):
            job = f"hvmctl-mirror-{vdev}"
            target = f"{self.relay.target_prefix}:exportname={nbd['exports'][vdev]}"
            mirror: dict[str, Any] = {"device": f"drive-{vdev}", "job-id": job, "target": target,
                                      "format": "raw", "sync": "full", "mode": "existing"}
            if self.req.bandwidth < qmpmig.UNLIMITED_BANDWIDTH:  # xm's -r limits the whole move, disks too
                mirror["speed"] = self.req.bandwidth
            await self.dom.qmp("drive-mirror", mirror)
            jobs.append(job)
        last_move, last_done = time.monotonic(), -1
        while True:
            current = {j["device"]: j for j in await self.dom.qmp("query-block-jobs")}
            missing = [j for j in jobs if j not in current]
            if missing:
                raise QemuError(f"{self.dom.name}: disk copy {missing[0]} failed (see {self._qemu_log()})")
            total = sum(int(current[j]["len"]) for j in jobs)
            done = sum(int(current[j]["offset"]) for j in jobs)
            self.progress = {"phase": "storage", "disk_total": total, "disk_done": done}
            if all(current[j].get("ready") for j in jobs):
                return jobs
            if done != last_done:
                last_move, last_done = time.monotonic(), done
            elif time.monotonic() - last_move > self.req.stall_timeout:
                raise TimeoutError_(f"disk copy stalled for {self.req.stall_timeout:.0f} s (peer gone or link cut)")
            await self._ping()
            await asyncio.sleep(0.05)

    async def _wait_memory(self, mirrors: list[str], changes: Any) -> dict[str, Any]:
        switched = False

        async def progress(info: dict[str, Any]) -> None:
            nonlocal switched
            ram = info.get("ram") or {}
            self.progress = self.progress | {
                "phase": "memory", "status": info.get("status"), "ram_total": ram.get("total"),
                "ram_transferred": ram.get("transferred"), "ram_remaining": ram.get("remaining"),
                "mbps": ram.get("mbps"), "passes": ram.get("dirty-sync-count"),
            }
            if info.get("status") == "pre-switchover" and not switched:
                switched = True
                await self._complete_mirrors(mirrors)
                await self.dom.qmp("migrate-continue", {"state": "pre-switchover"})
            elif info.get("status") not in ("device", "pre-switchover"):
                await self._ping()

        # status changes arrive as events; query-migrate only for progress and stalls (a
        # 2 ms poll took CPU from the migration thread on a busy host)
        return await qmpmig.wait_outgoing(self.dom, progress=progress, poll=PROGRESS_EVERY,
                                          stall_timeout=self.req.stall_timeout, listener=changes)

    async def _complete_mirrors(self, mirrors: list[str]) -> None:
        """The guest is paused: finish every mirror (in sync; nothing new can be written)."""
        for job in mirrors:
            await self.dom.qmp("block-job-cancel", {"device": job})
        await self._wait_jobs_gone(mirrors, timeout=60.0)
        if self.relay is not None:
            await self.relay.close()

    async def _wait_jobs_gone(self, jobs: list[str], timeout: float) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            current = {j["device"] for j in await self.dom.qmp("query-block-jobs")}
            if not current & set(jobs):
                return
            await asyncio.sleep(0.01)
        raise TimeoutError_(f"{self.dom.name}: disk copies did not stop within {timeout:.0f} s")

    async def _recover(self, was_running: bool, exc: BaseException) -> None:
        """Something failed before the destination took over: the guest stays here."""
        dom, mirrors = self.dom, self.mirrors
        self.phase = "recovering"
        try:
            if self.relay is not None:
                await self.relay.close()  # a dead peer must not block QEMU's disk copies
            await qmpmig.cancel(dom)
            for job in mirrors:
                try:
                    await dom.qmp("block-job-cancel", {"device": job, "force": True})
                except HvmctlError:
                    pass
            if mirrors:
                await self._wait_jobs_gone(mirrors, timeout=30.0)
        except HvmctlError as err:
            log.error("domain %s: recovering after a failed migration: %s", dom.name, err)
            if dom.state is DomainState.MIGRATING:
                dom.note_state(DomainState.PAUSED, intent=None)
        else:
            await qmpmig.resume_as_before(dom, was_running, DomainState.MIGRATING, "migration")
        if dom.intent is None:
            handover.forget_destination(self.daemon.paths, dom.uuid)
        try:
            why = exc.message if isinstance(exc, HvmctlError) else str(exc)
            await self.channel.call("abort", {"why": why}, timeout=5.0)
        except HvmctlError:
            pass  # the destination discards it by itself when our connection closes

    def _qemu_log(self) -> str:
        return self.dom.runtime.qemu_log if self.dom.runtime else "QEMU's log"


class MigrationJobs:
    """The daemon's outgoing migrations by job ID. A finished job stays visible for
    ``KEEP_FINISHED`` seconds (the CLI polls it to the end) and is then dropped, so a
    long-lived daemon does not keep every migration it ever ran."""

    KEEP_FINISHED = 600.0
    MAX_FINISHED = 64

    def __init__(self) -> None:
        self._jobs: dict[str, MigrationJob] = {}

    def add(self, job: MigrationJob) -> None:
        self.prune()
        self._jobs[job.id] = job

    def get(self, job_id: str) -> MigrationJob:
        self.prune()
        try:
            return self._jobs[job_id]
        except KeyError:
            raise NotFoundError(f"no migration job {job_id}") from None

    def prune(self, now: float | None = None) -> None:
        now = time.monotonic() if now is None else now
        done = sorted((j.finished, j.id) for j in self._jobs.values() if j.finished is not None)
        for index, (finished, job_id) in enumerate(done):
            if now - finished > self.KEEP_FINISHED or index < len(done) - self.MAX_FINISHED:
                del self._jobs[job_id]

    def __len__(self) -> int:
        return len(self._jobs)


JOBS = MigrationJobs()  # one per daemon process (tests build several daemons: IDs are random)


async def connect(req: MigrateRequest) -> Any:
    if req.transport == "tls":
        if not req.token:
            raise ConflictError("the tls transport needs the destination's token (--token-file)")
        return await protocol.connect_tls(req.host, req.port, token=req.token, ca_pem=req.ca_pem)
    if req.transport == "ssh":
        return await sshlink.connect_ssh(req.host, port=req.ssh_port, user=req.ssh_user,
                                         options=req.ssh_options, hvmctl=req.remote_hvmctl)
    raise ConflictError(f"unknown transport {req.transport!r} (tls or ssh)")


async def start_migration(daemon: "Daemon", dom: Domain, req: MigrateRequest) -> dict[str, Any]:
    """Pre-flight now (refusing with every problem); then run the migration as a job."""
    dom.require("migrate")
    if dom.config.pci:
        raise StateError(f"domain '{dom.name}' has host PCI devices passed through ({', '.join(dom.config.pci)}); "
                         "they cannot move with it: detach them first")
    t0 = time.monotonic()
    facts_task = asyncio.create_task(source_facts(dom, req.copy_storage))  # while we connect
    try:
        channel = await connect(req)
    except BaseException:
        facts_task.cancel()
        await asyncio.gather(facts_task, return_exceptions=True)
        raise
    t_connected = time.monotonic()
    try:
        facts = await facts_task
        report = await channel.call("preflight", facts, timeout=60.0)
    except BaseException:
        await channel.close()
        raise
    if req.dry_run or report["problems"]:
        await channel.close()
        if report["problems"] and not req.dry_run:
            raise ConflictError(f"pre-flight on {req.host} refused the migration of '{dom.name}': "
                                + "; ".join(report["problems"]))
        return {"dry_run": True, "report": report}
    job = MigrationJob(daemon, dom, req, channel, facts, report)
    job.pre_steps = {"connect_ms": round((t_connected - t0) * 1000, 1),
                     "preflight_ms": round((time.monotonic() - t_connected) * 1000, 1)}
    JOBS.add(job)
    job.task = asyncio.create_task(job.run(), name=f"migrate-{dom.name}")
    return {"job": job.id, "report": report}


def get_job(job_id: str) -> MigrationJob:
    return JOBS.get(job_id)


async def _connect_tcp(host: str, port: int, timeout: float = 10.0) -> socket.socket:
    """A TCP connection to the destination's stream listener, for QEMU to write into."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setblocking(False)
    try:
        await asyncio.wait_for(asyncio.get_running_loop().sock_connect(sock, (host, port)), timeout)
    except (OSError, asyncio.TimeoutError) as exc:
        sock.close()
        raise DaemonError(f"cannot reach {host}:{port} for the migration stream: {exc}") from exc
    return sock
