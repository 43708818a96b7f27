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
5. ``finish``: the destination checks the stream loaded and runs the guest; only then does
   the source guest end.

Any failure before 5 completes (destination killed, link cut, stream refused) cancels what
runs, resumes the guest here, and tells the destination to discard its half (which it also
does by itself when our connection drops). The source guest is never lost.
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
from hvmctl.errors import ConflictError, HvmctlError, NotFoundError, QemuError, TimeoutError_
from hvmctl.migration import protocol, qmpmig, sshlink
from hvmctl.migration.relay import NbdRelay
from hvmctl.migration.saverestore import saved_facts
from hvmctl.migration.target import copied_disks

if TYPE_CHECKING:
    from hvmctl.daemon.service import Daemon

log = logging.getLogger("hvmctl.migration")

DEFAULT_PORT = 8002  # xend's relocation server listened on 8002
PING_EVERY = 3.0


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
    version = (await dom.qmp("query-version"))["qemu"]
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
        "qemu": f"{version['major']}.{version['minor']}.{version['micro']}",
        "machine": await _machine_type(dom),
        "accel": rt.accel,
        "copy_storage": copy_storage,
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
        self.state = "running"
        self.progress: dict[str, Any] = {}
        self.result: dict[str, Any] | None = None
        self.error: dict[str, str] | None = None
        self.started = time.monotonic()
        self.task: asyncio.Task[None] | None = None
        self._last_ping = time.monotonic()
        self.relay: NbdRelay | None = None

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
            self.error = {"error": kind, "message": message}
            log.error("migration of %s to %s failed: %s", self.name, self.req.host, message)
            if not isinstance(exc, Exception):
                raise
        finally:
            await self.channel.close()

    async def _run(self) -> dict[str, Any]:
        dom, req = self.dom, self.req
        t0 = time.monotonic()
        async with dom.lock:
            dom.require("migrate")
            was_running = dom.state is DomainState.RUNNING
            dom.set_state(DomainState.MIGRATING)
            mirrors: list[str] = []
            try:
                self.phase = "prepare"
                session = await self.channel.call("prepare", self.facts, timeout=120.0)
                if req.copy_storage:
                    mirrors = await self._mirror(session)
                self.phase = "memory"
                await qmpmig.prepare(dom, bandwidth=req.bandwidth, downtime_ms=req.downtime_ms,
                                     **self._stream_tls(session))
                if mirrors:
                    await dom.qmp("migrate-set-capabilities", {"capabilities": [
                        {"capability": "pause-before-switchover", "state": True}]})
                stopped_at = None
                if not req.live and was_running:
                    await dom.qmp("stop")
                    stopped_at = time.monotonic()
                t_migrate = time.monotonic()
                await dom.qmp("migrate", {"uri": await self._stream_uri(session)})
                info = await self._wait_memory(mirrors)
                t_complete = time.monotonic()
                self.phase = "handover"
                final = await self.channel.call("finish", {"running": was_running}, timeout=60.0)
                t_resumed = time.monotonic()
                stream = "ssh" if isinstance(self.channel, sshlink.SshChannel) else "tcp"
                if (await dom.qmp("query-migrate-parameters")).get("tls-creds"):
                    stream = "tls" if stream == "tcp" else stream
            except BaseException as exc:
                await self._recover(mirrors, was_running, exc)
                raise
            ram = info.get("ram") or {}
            qemu_downtime = float(info.get("downtime") or 0)
            # from noticing completion to the guest running there (the destination's work
            # after its ``cont`` is not downtime)
            handover_ms = (t_resumed - t_complete) * 1000 - float(final.get("after_cont_ms") or 0)
            if stopped_at is not None:
                downtime = (t_complete - stopped_at) * 1000 + handover_ms
            else:
                downtime = qemu_downtime + handover_ms
            result = {
                "name": dom.name,
                "destination": req.host,
                "transport": req.transport,
                "stream": stream,  # how the memory went: tls (QEMU's), ssh (-W) or plain tcp
                "live": req.live,
                "copy_storage": req.copy_storage,
                "total_ms": round((t_resumed - t0) * 1000, 1),
                "migrate_ms": round((t_complete - t_migrate) * 1000, 1),
                "downtime_ms": round(downtime, 1),
                "qemu_downtime_ms": qemu_downtime,
                "handover_ms": round(handover_ms, 1),
                "qemu_total_ms": info.get("total-time"),
                "ram_bytes": int(ram.get("transferred", 0)),
                "disk_bytes": int(self.progress.get("disk_total", 0)),
                "bytes": int(ram.get("transferred", 0)) + int(self.progress.get("disk_total", 0)),
                "dest_id": final.get("id"),
            }
        await dom.destroy()  # the guest lives on at the destination now
        log.info("domain %s migrated to %s: %s", result["name"], req.host, result)
        return result

    def _stream_tls(self, session: dict[str, Any]) -> dict[str, Any]:
        """The TLS endpoint's memory stream is TLS as well (QEMU's own): the destination's
        QEMU presents a leaf signed by the certificate we pinned, naming its address."""
        if not session.get("tls"):
            return {}
        assert self.dom.runtime is not None
        directory = Path(self.dom.runtime.run_dir) / "migration-tls"
        directory.mkdir(mode=0o700, exist_ok=True)
        ca = self.req.ca_pem
        if ca is None:  # trusted through the system's store, as the control channel was
            ca = Path("/etc/ssl/certs/ca-certificates.crt").read_text()
        (directory / "ca-cert.pem").write_text(ca)
        return {"tls_dir": str(directory), "tls_endpoint": "client", "tls_hostname": str(session["host"])}

    async def _stream_uri(self, session: dict[str, Any]) -> str:
        if not isinstance(self.channel, sshlink.SshChannel):
            return str(session["uri"])
        # ssh: QEMU writes into an ``ssh -W`` to the destination's loopback listener
        sock = await self.channel.tunnel(str(session["host"]), int(session["port"]))
        try:
            assert self.dom.monitor is not None
            self.dom.monitor.send_fd(sock.fileno())
            await self.dom.qmp("getfd", {"fdname": "hvmctl-migrate"})
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
        jobs = []
        for vdev in copied_disks(self.dom.config, True):
            job = f"hvmctl-mirror-{vdev}"
            target = f"{self.relay.target_prefix}:exportname={nbd['exports'][vdev]}"
            await self.dom.qmp("drive-mirror", {"device": f"drive-{vdev}", "job-id": job, "target": target,
                                                "format": "raw", "sync": "full", "mode": "existing"})
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

    async def _wait_memory(self, mirrors: list[str]) -> dict[str, Any]:
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

        return await qmpmig.wait_outgoing(self.dom, progress=progress, poll=0.002,
                                          stall_timeout=self.req.stall_timeout)

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

    async def _recover(self, mirrors: list[str], was_running: bool, exc: BaseException) -> None:
        """Something failed before the destination took over: the guest stays here."""
        dom = self.dom
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
            if was_running:
                await dom.qmp("cont")
            dom.set_state(DomainState.RUNNING if was_running else DomainState.PAUSED)
        except HvmctlError as err:
            log.error("domain %s: recovering after a failed migration: %s", dom.name, err)
            if dom.state is DomainState.MIGRATING:
                dom.set_state(DomainState.PAUSED)
        try:
            why = exc.message if isinstance(exc, HvmctlError) else str(exc)
            await self.channel.call("abort", {"why": why}, timeout=5.0)
        except HvmctlError:
            pass  # the destination discards it by itself when our connection closes

    def _qemu_log(self) -> str:
        return self.dom.runtime.qemu_log if self.dom.runtime else "QEMU's log"


JOBS: dict[str, MigrationJob] = {}


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
    channel = await connect(req)
    try:
        facts = await source_facts(dom, req.copy_storage)
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
    JOBS[job.id] = job
    job.task = asyncio.create_task(job.run(), name=f"migrate-{dom.name}")
    return {"job": job.id, "report": report}


def get_job(job_id: str) -> MigrationJob:
    try:
        return JOBS[job_id]
    except KeyError:
        raise NotFoundError(f"no migration job {job_id}") from None
