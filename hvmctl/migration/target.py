"""The destination's side of a migration: pre-flight checks, preparing an incoming guest
(QEMU waiting with ``-incoming defer -S``, image copies exported over NBD), and finishing or
discarding it.

Nothing half-created outlives a failed migration: every image we create and the incoming
domain are listed in a marker file (``STATE_DIR/migration/incoming-UUID.json``) before they
exist; ``abort`` (also run when the source's connection drops) and the next daemon start
(after a crash or kill) remove whatever a marker names.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import json
import logging
import os
import re
import socket
import subprocess
import time
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

from hvmctl import __version__
from hvmctl.config.model import DomainConfig
from hvmctl.devices import nic as nicdev
from hvmctl.daemon.domain import Domain
from hvmctl.daemon.registry import claim_for_config
from hvmctl.daemon.state import DomainState
from hvmctl.daemon.store import write_json_atomic
from hvmctl.errors import ConflictError, HostError, HvmctlError, QemuError, StateError
from hvmctl.migration import protocol, qmpmig
from hvmctl.migration.saverestore import vnc_display_free
from hvmctl.paths import Paths
from hvmctl.qemu.version import binary_machines, binary_version, version_tuple

if TYPE_CHECKING:
    from hvmctl.daemon.backend import Backend
    from hvmctl.daemon.service import Daemon

log = logging.getLogger("hvmctl.migration")

MEMORY_HEADROOM_MIB = 64  # QEMU's own overhead beyond guest RAM


def _mem_available_mib() -> int:
    with open("/proc/meminfo") as fh:
        for line in fh:
            if line.startswith("MemAvailable:"):
                return int(line.split()[1]) // 1024
    return 0


def marker_dir(daemon: "Daemon") -> Path:
    return daemon.paths.state_dir / "migration"


def copied_disks(cfg: DomainConfig, copy_storage: bool) -> list[str]:
    """The vdevs whose contents move with a ``--copy-storage`` migration: writable disks.
    Read-only disks and CD-ROMs must exist on both hosts, like shared storage."""
    if not copy_storage:
        return []
    return [d.vdev for d in cfg.disks if not d.empty and d.devtype == "disk" and not d.readonly]


async def preflight(daemon: "Daemon", req: dict[str, Any]) -> dict[str, Any]:
    """Check, before any data moves, everything the destination needs; list every problem."""
    cfg = DomainConfig.from_dict(req["record"]["config"])
    problems: list[str] = []
    checks: list[dict[str, Any]] = []

    def check(name: str, ok: bool, detail: str) -> None:
        checks.append({"check": name, "ok": ok, "detail": detail})
        if not ok:
            problems.append(f"{name}: {detail}")

    # identity: the registry's check (each clash listed), then the host's VNC port as create checks it
    clashes = daemon.registry.conflicts(claim_for_config(cfg))
    if not clashes:
        try:
            daemon._check_conflicts(cfg)
        except ConflictError as exc:
            clashes.append(exc.message)
    check("identity", not clashes, "; ".join(clashes) or f"name, uuid and macs of '{cfg.name}' are free")

    # bridges the guest's NICs are on at the source
    for nic in req.get("nics") or []:
        if nic.get("kind") != "bridge":
            continue
        vif = dict(nicdev.numbered(cfg)).get(int(nic["index"]))  # by NIC number (live definition)
        bridge = (vif.bridge if vif else None) or "xenbr0"
        ok = Path(f"/sys/class/net/{bridge}/bridge").is_dir()
        check(f"bridge {bridge}", ok, f"vif {nic['index']} needs bridge {bridge}: " + ("present" if ok else "missing"))

    # storage: shared images must be there; copies need a free path and the space
    copy = set(copied_disks(cfg, bool(req.get("copy_storage"))))
    sizes = {d["vdev"]: d for d in req.get("disks") or []}
    need_by_dir: dict[str, int] = {}
    for disk in cfg.disks:
        if disk.empty:
            continue
        src = sizes.get(disk.vdev, {})
        if disk.vdev in copy:
            parent = os.path.dirname(disk.target) or "."
            if os.path.lexists(disk.target):
                check(f"disk {disk.vdev}", False, f"{disk.target} already exists here; refusing to overwrite it")
            elif not os.path.isdir(parent) or not os.access(parent, os.W_OK):
                check(f"disk {disk.vdev}", False, f"cannot create {disk.target}: {parent} is not a writable directory")
            else:
                need_by_dir[parent] = need_by_dir.get(parent, 0) + int(src.get("allocated", 0))
                check(f"disk {disk.vdev}", True, f"{disk.target} will be copied")
        else:
            if not os.path.exists(disk.target):
                check(f"disk {disk.vdev}", False, f"{disk.target} does not exist here "
                      "(shared storage must have the same path on both hosts; or use --copy-storage)")
            elif src.get("size") is not None and disk.backend != "phy" and os.path.getsize(disk.target) != src["size"]:
                check(f"disk {disk.vdev}", False, f"{disk.target} is {os.path.getsize(disk.target)} bytes here, "
                      f"{src['size']} at the source: not the same image")
            else:
                check(f"disk {disk.vdev}", True, f"{disk.target} present (shared)")
    for parent, need in need_by_dir.items():
        st = os.statvfs(parent)
        free = st.f_bavail * st.f_frsize
        check(f"space in {parent}", free >= need, f"{need >> 20} MiB needed, {free >> 20} MiB free")
    for key in ("kernel", "ramdisk"):
        value = getattr(cfg, key)
        if value:
            check(key, os.path.isfile(value), f"{value} " + ("present" if os.path.isfile(value) else "missing"))

    # memory, QEMU, machine type, accelerator
    avail = _mem_available_mib()
    check("memory", avail >= cfg.memory + MEMORY_HEADROOM_MIB,
          f"{cfg.memory} MiB (+{MEMORY_HEADROOM_MIB} MiB QEMU) needed, {avail} MiB available")
    mine = binary_version(daemon.paths.qemu)
    src_qemu = str(req.get("qemu") or "unknown")
    check("qemu version", version_tuple(mine) >= version_tuple(src_qemu),
          f"source {src_qemu}, destination {mine}" + ("" if version_tuple(mine) >= version_tuple(src_qemu)
                                                      else " (older: cannot load a newer stream)"))
    machine = str(req.get("machine") or "")
    if machine:
        ok = machine in binary_machines(daemon.paths.qemu)
        check("machine type", ok, f"{machine} " + ("supported" if ok else "not supported by this QEMU"))
    facts = await daemon.ensure_accel(cfg.accel)
    src_accel = str(req.get("accel") or facts.accel)
    check("accelerator", src_accel == facts.accel, f"source {src_accel}, destination {facts.accel}")
    firmware_problem(cfg, facts.firmware_dir, check)
    host_paths_problem(cfg, daemon, check)
    return {"host": os.uname().nodename, "hvmctl": __version__, "qemu": mine, "checks": checks,
            "problems": problems, "ok": not problems}


def host_paths_problem(cfg: DomainConfig, daemon: "Daemon", check: Any) -> None:
    """The one path rule (storage/pools.py) for what a peer hands this host: a migration
    token is a host's credential, so the local-root rule applies (no system files), not the
    remote API's pools-only rule -- a guest that runs at the source with phy: devices on
    shared storage keeps migrating."""
    from hvmctl.api.auth import Principal
    from hvmctl.storage import pools

    try:
        pools.check_paths(cfg, Principal("migration peer", "admin", "peer"), pools.pools_from_env(),
                          state_dir=str(daemon.paths.state_dir))
    except pools.PathRefusedError as exc:
        check("host paths", False, exc.message)
        return
    check("host paths", True, "no system files")


def firmware_problem(cfg: DomainConfig, firmware_dir: str, check: Any) -> None:
    """A guest's OVMF files and its swtpm must be here before any stream comes (the source
    sends the variable store and TPM state, not the firmware or the emulator)."""
    from hvmctl.daemon import vtpm
    from hvmctl.devices import firmware

    if firmware.uses_ovmf(cfg):
        missing = [p for p in (firmware.code_file(cfg, firmware_dir), firmware.vars_template(cfg, firmware_dir))
                   if not os.path.isfile(p)]
        check("firmware", not missing, f"OVMF present in {firmware_dir}" if not missing else
              f"the guest boots with OVMF; {', '.join(missing)} missing here (Debian package 'ovmf')")
    if cfg.vtpm is not None:
        import shutil

        found = shutil.which(vtpm.swtpm_binary())
        check("swtpm", found is not None, f"the guest has a TPM; {vtpm.swtpm_binary()} " +
              (f"present ({found})" if found else "not found here (Debian packages swtpm, swtpm-tools)"))


def _listen_tcp(host: str) -> socket.socket:
    """A listening socket on ``host``, a port the kernel picks (non-blocking, for the loop)."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    try:
        sock.bind((host, 0))
        sock.listen(1)
        sock.setblocking(False)
    except OSError as exc:
        sock.close()
        raise HostError(f"cannot listen on {host} for the incoming migration: {exc.strerror or exc}",
                        cause=exc) from exc
    return sock


async def _hand_stream(dom: Domain, server: socket.socket) -> None:
    """Accept the source's stream connection and give it to the waiting QEMU
    (``getfd`` + ``migrate-incoming fd:``); the listener is closed after the first one."""
    try:
        conn, peer = await asyncio.get_running_loop().sock_accept(server)
    finally:
        server.close()
    with conn:
        try:
            await dom.pass_fd(conn.fileno(), "getfd", {"fdname": "hvmctl-incoming"})
            await dom.qmp("migrate-incoming", {"uri": "fd:hvmctl-incoming"})
        except HvmctlError as exc:
            log.warning("incoming migration of %s: the stream from %s not handed over: %s",
                        dom.name, peer[0], exc.message)


def _hostport(host: str, port: int) -> str:
    return f"[{host}]:{port}" if ":" in host else f"{host}:{port}"


class IncomingSession:
    """One incoming migration, bound to the source's connection.

    The destination resumes the guest itself, the moment its QEMU has loaded the whole
    state: QEMU starts without ``-S`` when the guest ran at the source, so it runs it as
    soon as the stream is in (no round trip, no poll); a watcher on the ``MIGRATION``
    event then commits (records, marker, NBD) after the guest already runs, and ``finish``
    only reports. Once committed the guest stays here whatever happens to the connection:
    the source, which stopped it for good when its stream completed, never resumes it
    unless we answer that the stream failed to load.
    """

    def __init__(self, daemon: "Daemon", listen_host: str, *, tls: bool = False) -> None:
        self.daemon = daemon
        self.listen_host = listen_host
        self.tls = tls  # the source came over the TLS endpoint: its memory stream is TLS too
        self.dom: Domain | None = None
        self.created: list[str] = []
        self.marker: Path | None = None
        self.nbd = False
        self.done = False
        self._preflighted: tuple[str, float] | None = None  # (request digest, when) that passed
        self._watch: asyncio.Task[dict[str, Any]] | None = None
        self._stream: asyncio.Task[None] | None = None  # accepts the stream, hands it to QEMU
        self.job = ""  # the source's job ID: the ledger of received migrations names it

    def _write_marker(self, uuid: str) -> None:
        self.marker = marker_dir(self.daemon) / f"incoming-{uuid}.json"
        write_json_atomic(self.marker, {"uuid": uuid, "created": self.created, "since": time.time(),
                                        "job": self.job, "nbd": bool(self.created)})

    async def preflight(self, req: dict[str, Any]) -> dict[str, Any]:
        """Pre-flight for this connection; a pass is remembered so ``prepare`` of the same
        request does not run every check (and its subprocesses) a second time."""
        report = await preflight(self.daemon, req)
        if report["ok"]:
            self._preflighted = (_digest(req), time.monotonic())
        return report

    async def prepare(self, req: dict[str, Any]) -> dict[str, Any]:
        if self.dom is not None:
            raise StateError("this connection already prepared a migration")
        steps: dict[str, float] = {}
        t0 = time.monotonic()
        # the TLS leaf (made at endpoint start, else once here) while QEMU starts
        tls_task = (asyncio.create_task(asyncio.to_thread(protocol.ensure_qemu_tls, self.daemon.paths.state_dir,
                                                          [self.listen_host])) if self.tls else None)
        try:
            return await self._prepare(req, steps, t0, tls_task)
        finally:
            if tls_task is not None and not tls_task.done():
                tls_task.cancel()

    async def _prepare(self, req: dict[str, Any], steps: dict[str, float], t0: float,
                       tls_task: "asyncio.Task[Path] | None") -> dict[str, Any]:
        fresh = self._preflighted
        if fresh is None or fresh[0] != _digest(req) or time.monotonic() - fresh[1] > PREFLIGHT_FRESH_S:
            # identity clashes are checked again (atomically) by create_from_config, copy
            # targets by O_EXCL; the rest cannot change between the two calls that matters
            report = await preflight(self.daemon, req)
            if report["problems"]:
                raise ConflictError("pre-flight refused: " + "; ".join(report["problems"]))
        steps["preflight_ms"] = _ms(t0)
        cfg = DomainConfig.from_dict(req["record"]["config"])
        assert cfg.uuid is not None
        resume = bool(req.get("resume", False))
        copy = copied_disks(cfg, bool(req.get("copy_storage")))
        self.job = str(req.get("job") or "")
        sizes = {d["vdev"]: d for d in req.get("disks") or []}
        targets = [d for d in cfg.disks if d.vdev in copy]
        self.created = [d.target for d in targets]
        self._write_marker(cfg.uuid)  # before the files exist: a crash now still cleans up
        for disk in targets:
            await _create_image(disk.target, sizes[disk.vdev].get("format") or "raw",
                                int(sizes[disk.vdev]["virtual_size"]))
        display = (req.get("facts") or {}).get("vnc_display")
        vnc_host = cfg.vfb.vnclisten if cfg.vfb else "127.0.0.1"
        pin = display if cfg.vfb and cfg.vfb.type == "vnc" and vnc_display_free(display, vnc_host) else None
        # without -S QEMU runs the guest the moment the stream is loaded (if it ran at the
        # source: the stream says so); with -S (paused guest, older source) it waits for cont
        self.dom = dom = await self.daemon.create_from_config(
            cfg, profile_path=req["record"].get("profile_path"), paused=not resume, incoming="defer",
            vnc_display=pin, state_files=req.get("state_files"),
        )
        steps["launch_ms"] = _ms(t0) - steps["preflight_ms"]
        dom.expect_exit(True)  # until committed: a broken stream ends QEMU, that is no crash
        dom.set_state(DomainState.MIGRATING)
        tls_dir = str(await tls_task) if tls_task is not None else None
        await qmpmig.prepare(dom, tls_dir=tls_dir, tls_endpoint="server")
        assert dom.monitor is not None
        listener = dom.monitor.listen(["MIGRATION", "RESUME"])  # before the stream can start
        server = _listen_tcp(self.listen_host)  # ours: QEMU listens on nothing, it gets the connection
        port = int(server.getsockname()[1])
        self._stream = asyncio.create_task(_hand_stream(dom, server), name=f"incoming-stream-{dom.name}")
        self._watch = asyncio.create_task(self._commit_when_loaded(dom, listener, resume),
                                          name=f"incoming-{dom.name}")
        self.daemon.crash_point("migrate-in:listening")
        result: dict[str, Any] = {"uri": f"tcp:{_hostport(self.listen_host, port)}", "host": self.listen_host,
                                  "port": port, "domid": dom.domid, "tls": self.tls, "self_resume": True}
        if copy:  # the NBD server accepts on a socket the daemon bound and passed (type fd)
            nbd_server = _listen_tcp(self.listen_host)
            nbd_port = int(nbd_server.getsockname()[1])
            try:
                await dom.pass_fd(nbd_server.fileno(), "getfd", {"fdname": "hvmctl-nbd"})
            finally:
                nbd_server.close()  # QEMU holds its own copy
            await dom.qmp("nbd-server-start", {"addr": {"type": "fd", "data": {"str": "hvmctl-nbd"}}})
            self.nbd = True
            for vdev in copy:
                await dom.qmp("nbd-server-add", {"device": f"drive-{vdev}", "writable": True})
            result["nbd"] = {"host": self.listen_host, "port": nbd_port,
                             "exports": {vdev: f"drive-{vdev}" for vdev in copy}}
        steps["total_ms"] = _ms(t0)
        result["steps"] = {k: round(v, 1) for k, v in steps.items()}
        log.info("incoming migration of %s prepared (ID %s, %s, %s)", cfg.name, dom.domid, result["uri"],
                 result["steps"])
        return result

    async def _commit_when_loaded(self, dom: Domain, listener: Any, resume: bool) -> dict[str, Any]:
        """Wait for QEMU to load the whole stream; have the guest run (QEMU did it already
        unless it was paused at the source, or stopped first for a non-live migration);
        then commit. Returns the figures ``finish`` reports; raises if the stream failed."""
        assert dom.monitor is not None and dom.process is not None
        try:
            try:
                loaded_at, resumed_at = await qmpmig.wait_incoming(dom, listener)
            except QemuError as exc:
                raise QemuError(f"{exc.message}: {_last_log_line(dom)}", cause=exc) from exc
            running = resumed_at is not None
            if resume and not running:  # the source stopped it first (non-live): run it now
                await dom.qmp("cont")
                while resumed_at is None:
                    event = await qmpmig.next_event(listener, 5.0)
                    if event is None:
                        resumed_at = time.time()  # cont answered: it runs; the event is late
                    elif event["event"] == "RESUME":
                        resumed_at = qmpmig.event_time(event)
                running = True
        finally:
            dom.monitor.unlisten(listener)
        self.daemon.crash_point("migrate-in:loaded")
        t_commit = time.time()
        if self.done:  # aborted meanwhile (the source's connection dropped): abort cleans up
            raise StateError(f"{dom.name}: the incoming migration was discarded")
        # the guest runs (or stays paused as at the source): from here on it lives here, so
        # nothing below may fail the migration (the source would resume its copy too)
        self.done = True
        dom.expect_exit(False)
        try:
            note_received(self.daemon.paths, dom.uuid, self.job)  # before the marker goes: asked later
            self._drop_marker()
            dom.note_state(DomainState.RUNNING if running else DomainState.PAUSED, intent=None)  # committed
            if self.nbd:
                await dom.qmp("nbd-server-stop")
        except (HvmctlError, OSError) as exc:
            log.error("domain %s: bookkeeping after the incoming migration: %s", dom.name, exc)
        self.daemon.crash_point("migrate-in:committed")
        log.info("incoming migration of %s finished (ID %s)", dom.name, dom.domid)
        return {"loaded_at": loaded_at, "resumed_at": resumed_at, "running": running,
                "commit_ms": round((time.time() - t_commit) * 1000, 1)}

    async def finish(self, req: dict[str, Any]) -> dict[str, Any]:
        """The source's stream is complete: report how it went here. The guest already runs
        (or failed to load: then ``loaded`` is false and nothing ran here -- the source,
        and only it, resumes it)."""
        dom = self.dom
        if dom is None or self._watch is None:
            raise StateError("nothing was prepared on this connection")
        try:
            outcome = await asyncio.wait_for(asyncio.shield(self._watch), FINISH_TIMEOUT)
        except asyncio.TimeoutError:
            # the stream never completed here: nothing runs; discard, the source resumes it
            await self.abort("the stream did not complete")
            return {"loaded": False, "why": f"the stream did not load within {FINISH_TIMEOUT:.0f} s"}
        except HvmctlError as exc:
            await self.abort(exc.message)
            return {"loaded": False, "why": exc.message}
        if req.get("running") and not outcome["running"] and not outcome.get("resumed_at"):
            # a source that does not send ``resume`` (older hvmctl) expects us to run it now
            await dom.qmp("cont")
            dom.set_state(DomainState.RUNNING)
            outcome = outcome | {"running": True, "resumed_at": time.time()}
        return dom.summary() | outcome | {"loaded": True}

    async def abort(self, why: str, *, by_source: bool = False) -> None:
        """Discard everything this migration created here (never a committed guest).
        ``by_source``: the source decided (it resumes its copy): discard even a loaded
        stream. Otherwise (its connection dropped) a stream loaded whole is kept."""
        if self.done:
            return
        if not by_source and self._watch is not None and not self._watch.done() and await self._stream_loaded():
            # the whole state is here (so the source stopped its copy for good): the watcher
            # commits it; discarding it now would leave the guest running nowhere
            log.warning("incoming migration of %s: %s after the whole stream arrived; keeping it",
                        self.dom.name if self.dom else "?", why)
            return
        self.done = True
        if self._watch is not None and not self._watch.done():
            self._watch.cancel()
        if self._stream is not None and not self._stream.done():
            self._stream.cancel()  # its finally closes the listener
        if self.dom is not None:
            log.warning("incoming migration of %s discarded: %s", self.dom.name, why)
            try:
                await self.dom.destroy()
            except HvmctlError as exc:
                log.error("discarding %s: %s", self.dom.name, exc)
        _remove_files(self.created)
        self._drop_marker()

    async def _stream_loaded(self) -> bool:
        """Has our QEMU loaded the whole incoming stream (it left ``inmigrate``)?"""
        if self.dom is None or self.dom.monitor is None:
            return False
        try:
            return await stream_loaded(self.dom)
        except HvmctlError:
            return False

    def _drop_marker(self) -> None:
        if self.marker is not None:
            self.marker.unlink(missing_ok=True)


async def stream_loaded(dom: Domain) -> bool:
    """Did this incoming QEMU load a whole stream? Then the source's copy stopped for good
    (its stream completed) and the guest must live on here."""
    status = str((await dom.qmp("query-status", timeout=5.0)).get("status"))
    if status in ("inmigrate", "exited", "shutdown"):
        return False
    return bool((await dom.qmp("query-migrate", timeout=5.0)).get("status") == "completed")


# ---- the ledger of received migrations: what a source whose answer was lost asks about ----
RECEIVED_KEEP = 256  # the newest entries kept (a source asks within minutes, or at its restart)


def _ledger(paths: Paths) -> Path:
    return paths.state_dir / "migration" / "received.json"


def note_received(paths: Paths, uuid: str, job: str) -> None:
    """Remember that the stream of ``job`` was committed here: if the guest later ends here,
    a source asking about it must still hear that it ran here (never resume its old copy)."""
    if not job:
        return
    try:
        known = json.loads(_ledger(paths).read_text())
    except (OSError, ValueError):
        known = {}
    known = known if isinstance(known, dict) else {}
    known[job] = {"uuid": uuid, "at": time.time()}
    newest = sorted(known.items(), key=lambda kv: float(kv[1].get("at", 0)))[-RECEIVED_KEEP:]
    write_json_atomic(_ledger(paths), dict(newest))


def received(paths: Paths, job: str) -> bool:
    try:
        return bool(job) and job in json.loads(_ledger(paths).read_text())
    except (OSError, ValueError, TypeError):
        return False


def owner_status(daemon: "Daemon", args: dict[str, Any]) -> dict[str, Any]:
    """The ``status`` op: does this host own the guest a source migrated (job ``job``)?
    ``owns``: it is here, committed; ``pending``: its incoming migration is not settled
    yet (ask again); ``gone``: it ran here and ended here; ``no``: it never ran here."""
    uuid, job = str(args.get("uuid") or "").lower(), str(args.get("job") or "")
    dom = next((d for d in daemon.domains.values() if d.uuid.lower() == uuid), None)
    if dom is not None:
        if (dom.intent or {}).get("op") == "migrate-in":
            return {"answer": "pending", "state": dom.state.value}
        return {"answer": "owns", "state": dom.state.value, "id": dom.domid}
    return {"answer": "gone" if received(daemon.paths, job) else "no"}


def _marker_of(dom: Domain) -> Path:
    return cast("Daemon", dom.host).paths.state_dir / "migration" / f"incoming-{dom.uuid}.json"


async def incoming_kept(dom: Domain) -> None:
    """A restarted daemon keeps an incoming guest whose stream had loaded: it is recorded as
    received, its NBD exports end, and its marker goes (its copied images are its disks)."""
    marker = _marker_of(dom)
    try:
        data = json.loads(marker.read_text())
    except (OSError, ValueError):
        data = {}
    if data.get("nbd"):
        with contextlib.suppress(HvmctlError):
            await dom.qmp("nbd-server-stop")
    try:
        note_received(cast("Daemon", dom.host).paths, dom.uuid, str(data.get("job") or ""))
    except HvmctlError as exc:
        log.error("domain %s: recording the received migration: %s", dom.name, exc.message)
    marker.unlink(missing_ok=True)


def incoming_discarded(dom: Domain) -> None:
    """A restarted daemon discarded an incoming guest whose stream had not loaded: the
    images it created for it and its marker go too."""
    marker = _marker_of(dom)
    try:
        data = json.loads(marker.read_text())
    except (OSError, ValueError):
        data = {}
    _remove_files(list(data.get("created") or []))
    marker.unlink(missing_ok=True)


PREFLIGHT_FRESH_S = 60.0
FINISH_TIMEOUT = 60.0  # from the source's completion: the last bytes are in flight at most


def _digest(req: dict[str, Any]) -> str:
    """What pre-flight judged: the request less how to start the guest (``resume``, ``job``)."""
    facts = {k: v for k, v in req.items() if k not in ("resume", "job")}
    import hashlib  # here, not at import: it loads libcrypto (3.6 MiB of RSS)

    return hashlib.sha256(json.dumps(facts, sort_keys=True, default=str).encode()).hexdigest()


def _ms(t0: float) -> float:
    return (time.monotonic() - t0) * 1000


def _last_log_line(dom: Domain) -> str:
    path = dom.runtime.qemu_log if dom.runtime else None
    try:
        lines = [ln for ln in Path(path).read_text(errors="replace").splitlines() if ln.strip()] if path else []
    except OSError:
        lines = []
    return lines[-1].strip() if lines else "see QEMU's log"


async def _create_image(path: str, fmt: str, size: int) -> None:
    """An empty image of the source's virtual size, to mirror into (never over a file)."""
    from hvmctl.storage import images

    if fmt in ("raw", "qcow2"):
        await asyncio.to_thread(images.create_image, path, size, fmt)
        return
    if os.path.lexists(path):
        raise ConflictError(f"{path}: already exists")
    await asyncio.to_thread(images.run_qemu_img, ["create", "-q", "-f", fmt, path, str(size)], 60.0)


def _remove_files(paths: list[str]) -> None:
    for path in paths:
        try:
            os.unlink(path)
        except FileNotFoundError:
            pass
        except OSError as exc:
            log.error("cannot remove %s: %s", path, exc)


def cleanup_stale(paths: Paths, backend: "Backend | None" = None) -> None:
    """Before the daemon loads its records: settle the incoming migrations a killed daemon
    left. A marker whose record still has its ``migrate-in`` intent is left to re-attach,
    which keeps the guest if its QEMU had loaded the whole stream (the source never resumes
    a copy whose stream completed) and else discards it -- QEMU, record, created images and
    marker (``incoming_kept`` / ``incoming_discarded``). A marker without a record (killed
    before the record's write) loses its created images; one whose record is committed
    only loses the marker. ``backend``: unused, kept for callers."""
    directory = paths.state_dir / "migration"
    if not directory.is_dir():
        return
    for marker in directory.glob("incoming-*.json"):
        try:
            data = json.loads(marker.read_text())
        except (OSError, ValueError):
            marker.unlink(missing_ok=True)
            continue
        record = paths.domains_dir / f"{data.get('uuid')}.json"
        try:
            intent = json.loads(record.read_text()).get("intent") or {}
        except FileNotFoundError:
            intent = None
        except (OSError, ValueError):
            continue  # unreadable: the daemon sets it aside; its files are left alone
        if intent is not None and intent.get("op") == "migrate-in":
            continue  # re-attach decides, with the QEMU's own word on the stream
        if intent is None:
            # its run dir stays for the daemon's scan of unrecorded run dirs: a QEMU spawned
            # before its pid reached the record is found there by its pidfile, and stopped
            if data.get("uuid"):
                from hvmctl.daemon import statefiles

                statefiles.remove(paths, str(data["uuid"]))  # the UEFI variables it brought
            _remove_files(list(data.get("created") or []))
            log.warning("discarded unfinished incoming migration of %s", data.get("uuid"))
        marker.unlink(missing_ok=True)
