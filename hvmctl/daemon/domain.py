"""One guest: its lifecycle, its QEMU process and QMP connection, and its on_* policy.

A ``Domain`` lives as long as the guest is known to the daemon; each start of QEMU is an
*incarnation* with its own domain ID (Xen gives a restarted domain a new ID too). Every
transition runs under the domain's lock; the supervisor task reads QMP events and the
process exit and turns them into poweroff / reboot / crash, then applies the profile's
``on_poweroff`` / ``on_reboot`` / ``on_crash`` action (S9).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import shutil
import time
import uuid as uuidlib
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Protocol

from hvmctl.config.model import DomainConfig
from hvmctl.daemon.backend import Backend, GuestMonitor, GuestProcess, argv_uuid
from hvmctl.daemon.filemodes import make_run_dir
from hvmctl.daemon import listing
from hvmctl.daemon.process import cpu_seconds
from hvmctl.daemon.qemuuser import Identity
from hvmctl.daemon.state import DomainState, check_action, check_transition
from hvmctl.daemon import fdtable, sched, vcpus, vncserve
from hvmctl.devices import memory
from hvmctl.errors import HostError, HvmctlError, QemuError, StateError, TimeoutError_
from hvmctl.daemon.fdtable import FdTable
from hvmctl.qemu.argv import HostFacts, LaunchPlan, build_argv
from hvmctl.qemu.events import MONITOR_CLOSED
from hvmctl.qemu.hostpaths import HostPath

log = logging.getLogger("hvmctl.domain")

RECORD_VERSION = 1
RESTART_STORM_WINDOW = 10.0  # seconds: an incarnation shorter than this counts as rapid
RESTART_STORM_LIMIT = 5  # rapid restarts in a row before we give up (xend did the same)

# QMP SHUTDOWN reasons -> what the guest did
SHUTDOWN_REASONS = {
    "guest-shutdown": "poweroff",
    "guest-reset": "reboot",
    "host-qmp-system-reset": "reboot",
    "guest-panic": "crash",
}


#: ``set_state``'s default: leave the record's intent as it is
KEEP: Any = object()
#: intents written before QEMU is spawned; on daemon start such a domain is adopted (if its
#: QEMU lives and the start got far enough) or cleaned up, never restarted by on_crash
#: (``relaunch``: the new incarnation of a restart -- cleaned up means started again)
LAUNCH_INTENTS = frozenset({"create", "relaunch", "restore", "migrate-in"})


class DomainHost(Protocol):
    """What a domain needs from the daemon around it."""

    backend: Backend

    def crash_point(self, name: str) -> None: ...
    def release_domid(self, domid: int) -> None: ...
    def facts_for(self, config: DomainConfig) -> HostFacts: ...
    def next_domid(self) -> int: ...
    def run_dir_for(self, dom: "Domain") -> Path: ...
    def persist(self, dom: "Domain", *, durable: bool = True) -> None: ...
    def forget(self, dom: "Domain") -> None: ...
    def adopt_renamed(self, dom: "Domain") -> None: ...
    def dump_dir(self) -> Path: ...
    async def prepare_launch(self, dom: "Domain", domid: int, run_dir: Path) -> LaunchPlan: ...
    async def release_launch(self, dom: "Domain") -> None: ...
    def state_files(self, dom: "Domain") -> dict[str, Any]: ...
    def qemu_identity(self, dom: "Domain") -> Identity | None: ...
    def grant_launch(self, dom: "Domain", plan: LaunchPlan) -> None: ...
    def jail_prefix(self, dom: "Domain", plan: LaunchPlan, argv: list[str]) -> list[str]: ...
    def grant_paths(self, dom: "Domain", items: list[HostPath]) -> None: ...
    def bind_paths(self, dom: "Domain", items: list[HostPath]) -> None: ...
    def revoke_paths(self, dom: "Domain", paths: list[str]) -> None: ...
    def move_grants(self, from_uuid: str, to_uuid: str) -> None: ...


@dataclass
class Runtime:
    """What one incarnation holds on the host, persisted for re-attach."""

    domid: int
    run_dir: str
    argv: list[str]
    pid: int | None = None
    start_ticks: int | None = None
    started_at: float = field(default_factory=time.time)
    vnc_host: str | None = None
    vnc_port: int | None = None
    vnc_listen_fd: int | None = None  # QEMU's copy of the VNC listening socket (unused by it; vncserve)
    nics: list[dict[str, Any]] = field(default_factory=list)
    accel: str = "tcg"
    console_log: str = ""
    qemu_log: str = ""
    vcpu_threads: list[int] = field(default_factory=list)
    memory_mib: int | None = None  # balloon target after `mem-set`
    qemu_uid: int | None = None  # who its QEMU runs as (None: root; daemon/qemuuser.py)
    qemu_gid: int | None = None

    @property
    def qmp_socket(self) -> str:
        return os.path.join(self.run_dir, "qmp.sock")

    @property
    def serial_socket(self) -> str:
        return os.path.join(self.run_dir, "serial.sock")



class Domain:
    """One guest known to the daemon."""

    def __init__(self, host: DomainHost, config: DomainConfig, profile_path: str | None = None) -> None:
        self.host = host
        self.config = config
        self.profile_path = profile_path
        self.state = DomainState.STARTING
        self.runtime: Runtime | None = None
        self.process: GuestProcess | None = None
        self.monitor: GuestMonitor | None = None
        # the write-ahead intent: the state change under way ({"op": "create"|"destroy"|
        # "save"|"restore"|"restart"|"migrate-in"|"migrate-out", ...}), on disk before it is
        # acted on and cleared once it is done; a daemon start completes or rolls it back
        self.intent: dict[str, Any] | None = None
        self.lock = asyncio.Lock()
        self.ended = asyncio.Event()  # set when an incarnation ends (for shutdown -w)
        self.rapid_restarts = 0
        self.last_event: str | None = None
        self._supervisor: asyncio.Task[None] | None = None
        self._tpm_watch: asyncio.Task[str | None] | None = None
        self.vnc: vncserve.VncListener | None = None  # the VNC socket the daemon serves for QEMU
        self._fd_lock = asyncio.Lock()  # one SCM_RIGHTS fd and the command taking it at a time
        self._expect_exit = False
        # a managed domain (xm new) keeps its definition when it stops: it goes back to
        # inactive (or suspended) instead of being forgotten; ``autostart``: with the host
        self.managed = False
        self.autostart = False
        # a managed domain's definition when a ``--live`` change made the running guest
        # differ from it (daemon/scope.py); None: the live definition is the definition
        self.definition: DomainConfig | None = None
        # the uid/gid this incarnation's QEMU runs as, from its choice (before the record
        # has a runtime) until its end: what the registry's uid claim reads
        self.qemu_ident: Identity | None = None

    # ---- identity -------------------------------------------------------------------
    @property
    def name(self) -> str:
        return self.config.name

    @property
    def uuid(self) -> str:
        assert self.config.uuid is not None
        return self.config.uuid

    @property
    def domid(self) -> int | None:
        return self.runtime.domid if self.runtime else None

    @property
    def qemu_uid(self) -> int | None:
        return self.qemu_ident.uid if self.qemu_ident is not None else None

    # ---- state ----------------------------------------------------------------------
    def set_state(self, new: DomainState, *, intent: Any = KEEP, durable: bool = True) -> None:
        """Change state (and intent) on disk first, then in memory: a failed write (disk
        full, I/O error) raises HostError naming the record and changes nothing."""
        check_transition(self.name, self.state, new)
        self._write(new, self.intent if intent is KEEP else intent, durable)

    def set_intent(self, intent: dict[str, Any] | None, *, durable: bool = True) -> None:
        self._write(self.state, intent, durable)

    def _write(self, state: DomainState, intent: dict[str, Any] | None, durable: bool = True) -> None:
        old = self.state, self.intent
        self.state, self.intent = state, intent
        try:
            self.host.persist(self, durable=durable)
        except BaseException:
            self.state, self.intent = old
            raise

    def note_state(self, new: DomainState, *, intent: Any = KEEP) -> None:
        """Record what already happened (the guest paused, resumed, powered off): memory
        follows the facts even when the record cannot be written (logged; rewritten with
        the next change that can be)."""
        self.state = new
        if intent is not KEEP:
            self.intent = intent
        try:
            self.host.persist(self)
        except HvmctlError as exc:
            log.error("domain %s: %s (state %s kept in memory only)", self.name, exc.message, new.value)

    def require(self, action: str) -> None:
        check_action(self.name, self.state, action)

    def expect_exit(self, expected: bool = True) -> None:
        """Mark QEMU's exit as planned, not a crash: an incoming migration that fails ends
        its QEMU, and that must not trigger on_crash (a restart would boot a fresh guest)."""
        self._expect_exit = expected

    # ---- start ----------------------------------------------------------------------
    async def launch(
        self, *, paused: bool = False, incoming: str | None = None, vnc_display: int | None = None,
        intent: str | None = None,
    ) -> None:
        """Start a new incarnation: plan host resources, spawn QEMU, connect QMP.

        ``incoming`` starts QEMU waiting for a migration stream (restore, migration target):
        it then stays paused until the caller has fed it and sent ``cont``, and the launch
        intent (``restore``/``migrate-in``) stays until the caller ``commit_incoming()``s.
        ``vnc_display`` pins the display (a restored or migrated guest keeps the one it had).

        The record, with the intent and the argv, is on disk before QEMU is spawned: a
        daemon killed at any point after finds the QEMU (pid in the record, its pidfile, or
        its ``-uuid``) and adopts or ends it. A failed launch leaves no run dir and gives
        its domain ID back when nothing else took one since."""
        op = intent or ("migrate-in" if incoming else "create")
        run_dir = self.host.run_dir_for(self)
        if run_dir.exists():
            shutil.rmtree(run_dir, ignore_errors=True)
        domid = self.host.next_domid()  # HostError if it cannot be written: nothing made yet
        self.host.crash_point("launch:domid")
        self.state = DomainState.STARTING
        self._expect_exit = False
        self.ended = asyncio.Event()
        fds = FdTable(self.host.crash_point)  # what QEMU gets opened: closed here after the spawn
        try:
            make_run_dir(run_dir)  # 0750, HVMCTL_GROUP
            self.qemu_ident = self.host.qemu_identity(self)  # the registry's uid claim from here
            plan = await self.host.prepare_launch(self, domid, run_dir)
            if incoming:
                plan = replace(plan, incoming=incoming)
            if vnc_display is not None:
                plan = replace(plan, vnc_display=vnc_display)
            if self.config.vfb is not None and self.config.vfb.vncpasswd:
                secret = Path(plan.vnc_secret_file)
                secret.touch(mode=0o600)
                secret.write_text(self.config.vfb.vncpasswd)
            plan = fdtable.open_launch(self.config, plan, fds)
            facts = self.host.facts_for(self.config)
            argv = build_argv(self.config, facts, plan)
            if paused:
                argv.append("-S")
            self.runtime = Runtime(
                domid=domid,
                run_dir=str(run_dir),
                argv=argv,
                nics=[vars(n) | {"hostfwd": list(n.hostfwd)} for n in plan.nics],
                accel=facts.accel,
                console_log=str(plan.console_log),
                qemu_log=str(Path(plan.console_log).with_name(f"{self.name}.qemu.log")),
                qemu_uid=self.qemu_uid,
                qemu_gid=self.qemu_ident.gid if self.qemu_ident is not None else None,
            )
            self.vnc = vncserve.listen(self, domid, plan.vnc_display)  # HOST:5900+N, bound by us
            vnc_fd: tuple[int, ...] = ()
            if self.vnc is not None:  # QEMU holds a copy too: the port outlives a killed daemon
                self.runtime.vnc_host, self.runtime.vnc_port = self.vnc.host, self.vnc.port
                vnc_fd = (self.vnc.sock.fileno(),)
                self.runtime.vnc_listen_fd = vnc_fd[0]  # inherited under the same number
            # write-ahead: a QEMU may exist from now on. Not fsynced (create's latency): a
            # killed daemon's successor reads it all the same, and a host crash that could
            # lose it ends the QEMU too; the record written after the spawn is durable
            self.set_intent({"op": op, "paused": paused}, durable=False)
            self.host.crash_point("launch:intent")
            self.host.grant_launch(self, plan)  # what QEMU still opens by path: its uid's, ledger first
            self.host.crash_point("launch:granted")
            try:
                self.process = self.host.backend.spawn(argv, Path(self.runtime.qemu_log),
                                                       logs=[Path(self.runtime.console_log)],
                                                       pass_fds=(*fds.fds, *vnc_fd),
                                                       identity=self.qemu_ident,
                                                       prefix=self.host.jail_prefix(self, plan, argv))
            finally:
                fds.close()  # QEMU has its own copies now
            self.host.crash_point("launch:spawned")
            self.runtime.pid = self.process.pid
            self.runtime.start_ticks = self.process.start_ticks
            sched.apply_at_start(self)  # its own cgroup, before it runs long
            self.host.persist(self)
            self.host.crash_point("launch:pid")
            await self._connect(timeout=15.0)
            self.host.crash_point("launch:connected")
            await self._read_vcpu_threads()
            vcpus.apply_pins(self)  # the profile's cpus= and vcpu-pin's pins
            if not incoming and memory.needs_target_at_start(self.config):  # a restore's stream has it
                await self.qmp("balloon", memory.target_args(self.config.memory))
            self.host.crash_point("launch:ready")
            # commit: a create is done; an incoming one is committed by its caller
            self.set_state(DomainState.PAUSED if paused or incoming else DomainState.RUNNING,
                           intent=self.intent if incoming else None)
        except BaseException as exc:
            fds.close()
            qemu_log = self.runtime.qemu_log if self.runtime is not None else None
            argv = self.runtime.argv if self.runtime is not None else []
            await self._abort_launch(run_dir, domid, preserve=op == "relaunch")
            if isinstance(exc, HvmctlError) and qemu_log is not None:
                reason = fdtable.named(_last_line(qemu_log), argv)  # /dev/fdset/N: the path passed
                if reason and not isinstance(exc, HostError):
                    raise QemuError(f"{self.name}: QEMU refused to start: {reason}", cause=exc) from exc
            raise
        self.host.crash_point("launch:committed")
        self._start_supervisor()
        log.info("domain %s started as ID %d (pid %d)", self.name, domid, self.process.pid)

    def commit_incoming(self, state: DomainState) -> None:
        """A restored or migrated-in guest is complete here: its intent is done."""
        self.set_state(state, intent=None)

    async def _abort_launch(self, run_dir: Path, domid: int, *, preserve: bool) -> None:
        """Undo a launch that failed: no QEMU, no run dir, no host resources; the domain
        ID goes back if no guest ran with it (its monitor never answered). A restart that
        failed leaves the domain preserved as crashed (``preserve``); a first start is
        forgotten by its caller (until then the record's intent says: clean up)."""
        ran = self.monitor is not None
        self._close_vnc()
        if self.monitor is not None:
            await self.monitor.close()
            self.monitor = None
        if self.process is not None:
            self.process.kill()
            await self.process.wait(5)
            self.process = None
        await self.host.release_launch(self)
        sched.release(self)
        self.qemu_ident = None
        shutil.rmtree(run_dir, ignore_errors=True)
        if not ran:
            self.host.release_domid(domid)
        self.runtime = None
        if preserve:
            self.note_state(DomainState.CRASHED, intent=None)
        else:
            self.state, self.intent = DomainState.CRASHED, None

    async def _connect(self, timeout: float) -> None:
        assert self.runtime is not None and self.process is not None
        proc = self.process
        monitor = self.host.backend.monitor(self.runtime.qmp_socket, self.name)
        await monitor.connect(timeout=timeout, alive=lambda: proc.alive)
        self.monitor = monitor  # only a monitor that answered: a guest ran

    async def refresh_vcpus(self) -> None:
        """Re-read the vCPU threads after a hotplug (list's VCPUs column and r/b flags)."""
        await self._read_vcpu_threads()
        self.host.persist(self)

    async def _read_vcpu_threads(self) -> None:
        """vCPU thread ids, so `list` can tell running (r) from blocked/idle (b) as xm did."""
        if self.monitor is None or self.runtime is None:
            return
        cpus = await self.monitor.execute("query-cpus-fast")
        self.runtime.vcpu_threads = [int(c["thread-id"]) for c in cpus if "thread-id" in c]

    def flags(self) -> str:
        """xm's state column; a running guest whose vCPUs all sleep is 'blocked' (-b----)."""
        return listing.flags(self.state.value, self.process.pid if self.process is not None else None,
                             self.runtime.vcpu_threads if self.runtime is not None else None)

    def _close_vnc(self) -> None:
        if self.vnc is not None:
            self.vnc.close()
            self.vnc = None
        if self.runtime is not None:
            self.runtime.vnc_listen_fd = None

    # ---- re-attach after a daemon restart -----------------------------------------------
    def _find_process(self) -> GuestProcess | None:
        """This domain's QEMU, if it lives: by the pid in the record, else (killed between
        spawn and the pid's write) by QEMU's own pidfile, else by its ``-uuid``."""
        rt = self.runtime
        if rt is None:
            return None
        backend = self.host.backend
        if rt.pid is not None:
            return backend.adopt(rt.pid, rt.start_ticks)
        candidates: list[int] = []
        try:
            candidates.append(int(Path(rt.run_dir, "qemu.pid").read_text().strip()))
        except (OSError, ValueError):
            pass
        candidates += backend.pids_with_uuid(self.uuid)
        for pid in candidates:
            argv = backend.cmdline(pid)
            if argv is not None and argv_uuid(argv) == self.uuid.lower():
                found = backend.adopt(pid, backend.start_ticks(pid))
                if found is not None:
                    rt.pid, rt.start_ticks = found.pid, found.start_ticks
                    return found
        return None

    async def reattach(self) -> None:
        """Adopt the QEMU of a saved record and finish or undo the intent it was left with;
        a guest that died meanwhile (with no intent under way) gets on_crash."""
        op = (self.intent or {}).get("op")
        if op is None and self.state is DomainState.STARTING:
            op = "create"  # a record from before intents: it never finished starting
        if self.state in (DomainState.SHUTDOWN, DomainState.CRASHED) and op is None:
            self.process = self._find_process()
            if self.process is not None:
                await self._connect(timeout=5.0)
            return
        self.process = self._find_process()
        if op in LAUNCH_INTENTS:
            await self._recover_launch(op)
            return
        if op == "destroy":
            log.info("domain %s: finishing the destroy a killed daemon left", self.name)
            await self._finish_teardown()
            return
        if op == "restart":
            log.info("domain %s: finishing the restart a killed daemon left", self.name)
            await self._finish_teardown(forget=False)
            await self.launch(intent="relaunch")
            return
        rt = self.runtime
        if rt is None:
            return
        if self.process is None:
            intent = self.intent or {}
            if op == "save" and not intent.get("checkpoint") and _save_complete(intent):
                log.info("domain %s: saved to %s before the daemon died; its QEMU is gone", self.name,
                         intent.get("path"))
                await self._finish_teardown()
                return
            if op == "migrate-out":  # it may run at the destination: never restarted here
                log.warning("domain %s: its QEMU died during a migration; kept as crashed", self.name)
                self.process = None
                await self._teardown()
                self.note_state(DomainState.CRASHED, intent=None)
                return
            log.warning("domain %s (ID %d) died while the daemon was away", self.name, rt.domid)
            self.intent = None
            await self._guest_event("crash")
            return
        try:
            await self._connect(timeout=5.0)
            assert self.monitor is not None
            status = (await self.monitor.execute("query-status"))["status"]
        except HvmctlError:
            log.warning("domain %s: QMP unreachable after restart; treating as crashed", self.name)
            self.process.kill()
            await self.process.wait(5)
            self.intent = None
            await self._guest_event("crash")
            return
        if op in ("save", "migrate-out"):
            await self._recover_outgoing(op, str(status))
            return
        if not rt.vcpu_threads:
            await self._read_vcpu_threads()
        self._start_supervisor()
        await self._follow_status(str(status))

    async def _follow_status(self, status: str) -> None:
        """Take over what QEMU says the guest did while nobody watched."""
        if status == "shutdown":
            await self._guest_event("poweroff")
        elif status == "guest-panicked":
            await self._guest_event("crash")
        elif status in ("paused", "prelaunch", "postmigrate") and self.state is not DomainState.PAUSED:
            self.note_state(DomainState.PAUSED, intent=None)
        elif status == "running" and self.state is not DomainState.RUNNING:
            self.note_state(DomainState.RUNNING, intent=None)
        elif self.intent is not None:
            self.note_state(self.state, intent=None)

    async def _recover_launch(self, op: str) -> None:
        """A start the daemon died in: adopt a QEMU that got far enough, else clean up.
        A guest that never finished starting gets no on_crash: it never ran for the user."""
        intent = self.intent or {}
        status = None
        loaded = False  # migrate-in: its QEMU loaded the whole stream
        if self.process is not None:
            try:
                await self._connect(timeout=5.0)
                assert self.monitor is not None
                status = str((await self.monitor.execute("query-status"))["status"])
                if op == "migrate-in" and status not in ("inmigrate", "exited"):
                    migration = await self.monitor.execute("query-migrate")
                    loaded = migration.get("status") == "completed"
            except HvmctlError as exc:
                log.warning("domain %s: the QEMU of an unfinished %s does not answer: %s", self.name, op, exc)
        # an incoming stream that was not loaded is undone: the save file / the source still
        # has the guest (it must never run twice). One that loaded whole stays here: the
        # source stopped its copy for good when its stream completed
        usable = status is not None and status not in ("inmigrate", "exited") and not (
            (op == "migrate-in" and not loaded) or (op == "restore" and status not in ("paused", "running")))
        if not usable:
            log.warning("domain %s: unfinished %s (QEMU %s): cleaning up", self.name, op,
                        "gone" if self.process is None else f"in state {status}")
            await self._finish_teardown(forget=op != "relaunch")
            if op == "migrate-in":
                from hvmctl.migration import target

                target.incoming_discarded(self)
            if op == "relaunch":  # the guest was restarting: it must not be lost
                await self.launch(intent="relaunch")
            return
        log.info("domain %s: adopting the QEMU of an unfinished %s (state %s)", self.name, op, status)
        await self._read_vcpu_threads()
        self._start_supervisor()
        assert status is not None
        if op in ("restore", "migrate-in") and not intent.get("paused") and status == "paused":
            assert self.monitor is not None  # it ran at the source: it runs here
            await self.monitor.execute("cont")
            status = "running"
        if op == "migrate-in":
            from hvmctl.migration import target

            await target.incoming_kept(self)
        self.state = DomainState.PAUSED if status != "running" else DomainState.RUNNING
        await self._follow_status(status)
        if self.intent is not None:
            self.note_state(self.state, intent=None)

    async def _recover_outgoing(self, op: str, status: str) -> None:
        """A save or live migration the daemon died in. A save whose file is complete is
        rolled forward (the guest is in the file: end this QEMU); a migration whose stream
        completed may run at the destination: left paused, never resumed here. Anything
        else is rolled back: migration cancelled, the guest resumed as it was."""
        intent = self.intent or {}
        if op == "save":
            tmp = intent.get("tmp")
            if tmp:
                with contextlib.suppress(OSError):
                    os.unlink(tmp)
            if not intent.get("checkpoint") and _save_complete(intent):
                log.info("domain %s: its save to %s completed; ending its QEMU", self.name, intent.get("path"))
                await self._finish_teardown()
                return
        assert self.monitor is not None
        self._start_supervisor()
        if op == "migrate-out" and status == "postmigrate" and intent.get("dest"):
            from hvmctl.migration import handover  # the destination knows: ask it

            await handover.after_restart(self)
            return
        if op == "migrate-out" and status == "postmigrate":
            log.warning("domain %s: its migration completed before the daemon died; it may run at "
                        "the destination, so it stays paused here", self.name)
            self.note_state(DomainState.PAUSED, intent=None)
            return
        with contextlib.suppress(HvmctlError):
            await self.monitor.execute("migrate_cancel")
        if intent.get("was_running") and status in ("paused", "postmigrate"):
            await self.monitor.execute("cont")
            status = "running"
        log.info("domain %s: the unfinished %s was rolled back; the guest is %s", self.name, op, status)
        if op == "migrate-out" and intent.get("dest"):
            from hvmctl.migration import handover

            handover.forget_destination_of(self)
        await self._follow_status(status)
        if self.intent is not None:
            self.note_state(DomainState.RUNNING if status == "running" else DomainState.PAUSED, intent=None)

    async def _finish_teardown(self, *, forget: bool = True) -> None:
        """Complete a teardown: QEMU (if it lives) ended, resources released, run dir gone."""
        if self.process is not None and self.monitor is None and self.process.alive:
            self.process.kill()
            await self.process.wait(5.0)
        await self._teardown()
        if forget:
            self.host.forget(self)

    # ---- supervision -----------------------------------------------------------------
    def _start_supervisor(self) -> None:
        assert self.monitor is not None and self.process is not None and self.runtime is not None
        self._supervisor = asyncio.create_task(
            self._supervise(self.monitor, self.process, self.runtime.domid), name=f"supervise-{self.name}"
        )
        if self.vnc is None:  # re-attach: the port of the record, bound again
            self.vnc = vncserve.relisten(self)
        if self.vnc is not None:
            self.vnc.start(self.process.exited)
        if self.config.vtpm is not None:  # its swtpm is watched too (hvmctl.daemon.vtpmwatch)
            from hvmctl.daemon import vtpmwatch

            self._tpm_watch = asyncio.create_task(
                vtpmwatch.watch(self, Path(self.runtime.run_dir), self.runtime.domid), name=f"swtpm-{self.name}")

    @property
    def exit_expected(self) -> bool:
        """QEMU is being stopped on purpose (destroy, save, migration): its end is no news."""
        return self._expect_exit

    async def _supervise(self, monitor: GuestMonitor, process: GuestProcess, domid: int) -> None:
        try:
            while self.domid == domid:
                getter: asyncio.Future[Any] = asyncio.ensure_future(monitor.events.get())
                exited: asyncio.Future[Any] = process.exited
                await asyncio.wait({getter, exited}, return_when=asyncio.FIRST_COMPLETED)
                if not getter.done():
                    getter.cancel()
                    await self._on_exit(domid)
                    return
                event = getter.result()
                if event["event"] == MONITOR_CLOSED:
                    if not await process.wait(3.0):
                        log.warning("domain %s: monitor lost but QEMU lives; killing it", self.name)
                        process.kill()
                        await process.wait(5.0)
                    await self._on_exit(domid)
                    return
                await self._on_qmp_event(domid, event)
        except Exception:  # a supervisor must never die silently
            log.exception("domain %s: supervisor failed", self.name)

    async def _on_qmp_event(self, domid: int, event: dict[str, Any]) -> None:
        name = event["event"]
        data = event.get("data") or {}
        self.last_event = name
        if name == "SHUTDOWN":
            what = SHUTDOWN_REASONS.get(str(data.get("reason")))
            if what and not self._expect_exit:
                await self._guest_event(what, domid)
        elif name == "GUEST_PANICKED":
            if not self._expect_exit:
                await self._guest_event("crash", domid)
        elif name == "STOP" and self.state is DomainState.RUNNING:
            self.note_state(DomainState.PAUSED)
        elif name == "RESUME" and self.state is DomainState.PAUSED:
            self.note_state(DomainState.RUNNING)

    async def _on_exit(self, domid: int) -> None:
        if self._expect_exit or self.domid != domid:
            return
        log.warning("domain %s: QEMU (ID %d) exited unexpectedly", self.name, domid)
        await self._guest_event("crash", domid)

    async def _guest_event(self, what: str, domid: int | None = None) -> None:
        """The guest powered off, rebooted or crashed: apply the profile's policy."""
        async with self.lock:
            if domid is not None and self.domid != domid:
                return  # an older incarnation's news
            if self.state in (DomainState.DYING, DomainState.SHUTDOWN, DomainState.CRASHED):
                return
            action = {"poweroff": self.config.on_poweroff, "reboot": self.config.on_reboot}.get(
                what, self.config.on_crash
            )
            log.info("domain %s (ID %s): %s -> %s", self.name, self.domid, what, action)
            await self._apply(what, action)

    async def _apply(self, what: str, action: str) -> None:
        if action.startswith("coredump-"):
            await self._coredump()
            action = action.removeprefix("coredump-")
        if action == "restart" and self._restart_storm():
            log.error("domain %s is restarting too fast; destroying it", self.name)
            action = "destroy"
        if action in ("destroy", "restart"):
            try:  # write-ahead: a daemon killed from here on never brings a destroyed guest back
                self.set_state(DomainState.DYING, intent={"op": action})
            except HvmctlError as exc:
                log.error("domain %s: cannot %s it: %s; kept %s", self.name, action, exc.message,
                          "crashed" if what == "crash" else "shut down")
                self.note_state(DomainState.CRASHED if what == "crash" else DomainState.SHUTDOWN)
                self.ended.set()
                return
            self.host.crash_point(f"{action}:intent")
            await self._teardown()
            self.host.crash_point(f"{action}:torn-down")
            if action == "destroy":
                self.host.forget(self)
            else:
                await self.launch(intent="relaunch")
        elif action == "soft-reset" and self.monitor is not None and self.process and self.process.alive:
            await self.monitor.execute("system_reset")
            await self.monitor.execute("cont")
        elif action == "rename-restart":
            self._hand_over_to_renamed(what)
            await self.launch(intent="relaunch")
        else:  # preserve (and soft-reset of a dead process): a fact, recorded as it is
            self.note_state(DomainState.CRASHED if what == "crash" else DomainState.SHUTDOWN, intent=None)
            self.ended.set()

    def _restart_storm(self) -> bool:
        if self.runtime is not None and time.time() - self.runtime.started_at < RESTART_STORM_WINDOW:
            self.rapid_restarts += 1
        else:
            self.rapid_restarts = 0
        return self.rapid_restarts >= RESTART_STORM_LIMIT

    def _hand_over_to_renamed(self, what: str) -> None:
        """rename-restart: this incarnation stays, preserved, as 'Domain-<new uuid>' (xend's
        naming), and this domain starts afresh under its own name."""
        new_uuid = str(uuidlib.uuid4())
        old = Domain(self.host, replace(self.config, name=f"Domain-{new_uuid}", uuid=new_uuid), self.profile_path)
        old.runtime, old.process, old.monitor = self.runtime, self.process, self.monitor
        self._close_vnc()  # the preserved one has no console; the new start binds its own
        if self.runtime is not None:
            self.runtime.vnc_port = None
        old.qemu_ident, self.qemu_ident = self.qemu_ident, None  # its QEMU keeps its uid...
        self.host.move_grants(self.uuid, new_uuid)  # ...and what that uid was given
        old.state = DomainState.CRASHED if what == "crash" else DomainState.SHUTDOWN
        old._expect_exit = True
        self.runtime, self.process, self.monitor = None, None, None
        self.host.adopt_renamed(old)
        self.ended.set()

    async def _coredump(self) -> None:
        if self.monitor is None or self.process is None or not self.process.alive:
            log.warning("domain %s: no memory to dump (QEMU is gone)", self.name)
            return
        dump_dir = self.host.dump_dir()
        dump_dir.mkdir(parents=True, exist_ok=True)
        path = dump_dir / f"{time.strftime('%Y-%m-%d-%H%M')}.{self.name}.{self.domid}.core"
        # the daemon makes the file (0600; a same-minute dump of the same ID is not overwritten)
        try:
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_CLOEXEC, 0o600)
        except OSError as exc:
            log.warning("domain %s: cannot create %s: %s", self.name, path, exc.strerror)
            return
        try:
            await self.pass_fd(fd, "getfd", {"fdname": "hvmctl-coredump"})
        finally:
            os.close(fd)
        await self.monitor.execute("dump-guest-memory", {"paging": False, "protocol": "fd:hvmctl-coredump"},
                                   timeout=600)
        log.info("domain %s: memory dumped to %s", self.name, path)

    # ---- teardown --------------------------------------------------------------------
    async def _teardown(self) -> None:
        """Stop this incarnation's QEMU and release what it held (caller holds the lock)."""
        self._expect_exit = True
        if self.state is not DomainState.DYING:
            self.state = DomainState.DYING
        self._close_vnc()  # no new viewers; QEMU's sessions end with it
        proc, mon = self.process, self.monitor
        if proc is not None and proc.alive:
            if mon is not None:
                try:
                    await mon.execute("quit", timeout=2.0)
                except HvmctlError:
                    pass
            if not await proc.wait(3.0):
                proc.kill()
                await proc.wait(5.0)
        self.host.crash_point("teardown:quit")
        if mon is not None:
            await mon.close()
        self.process, self.monitor = None, None
        await self.host.release_launch(self)
        sched.release(self)  # its cgroup
        self.qemu_ident = None
        self.host.crash_point("teardown:released")
        if self.runtime is not None:
            shutil.rmtree(self.runtime.run_dir, ignore_errors=True)
        self.ended.set()

    # ---- user commands -----------------------------------------------------------------
    async def destroy(self) -> None:
        async with self.lock:
            self.require("destroy")
            # write-ahead: refused (nothing changed) if the record cannot say so first
            self.set_state(DomainState.DYING, intent={"op": "destroy"})
            self.host.crash_point("destroy:intent")
            await self._teardown()
            self.host.crash_point("destroy:torn-down")
            self.host.forget(self)

    async def shutdown(self, *, wait: bool, timeout: float, force: bool) -> str:
        """ACPI power button; optionally wait for the guest to go, and force it after."""
        async with self.lock:
            self.require("shutdown")
            ended = self.ended
            await self.qmp("system_powerdown")
        if not wait and not force:
            return "requested"
        try:
            await asyncio.wait_for(ended.wait(), timeout)
            return "shut down"
        except asyncio.TimeoutError:
            if force:
                await self.destroy()
                return "forced off after timeout"
            raise TimeoutError_(f"domain '{self.name}' did not shut down within {timeout:.0f} s") from None

    async def reboot(self, *, wait: bool, timeout: float) -> str:
        async with self.lock:
            self.require("reboot")
            old = self.domid
            ended = self.ended
            await self.qmp("system_reset")
        if wait:
            try:
                await asyncio.wait_for(ended.wait(), timeout)
                async with self.lock:  # the on_reboot action (a restart) runs under the lock
                    pass
            except asyncio.TimeoutError:
                raise TimeoutError_(f"domain '{self.name}' did not reboot within {timeout:.0f} s") from None
            return f"rebooted (ID {old} -> {self.domid})" if self.domid != old else "rebooted"
        return "requested"

    async def pause(self) -> None:
        """Recorded first, then done: a full state dir refuses it before the guest stops."""
        async with self.lock:
            self.require("pause")
            self.set_state(DomainState.PAUSED)
            try:
                await self.qmp("stop")
            except BaseException:
                self.note_state(DomainState.RUNNING)
                raise

    async def unpause(self) -> None:
        async with self.lock:
            self.require("unpause")
            self.set_state(DomainState.RUNNING)
            try:
                await self.qmp("cont")
            except BaseException:
                self.note_state(DomainState.PAUSED)
                raise

    async def screenshot(self) -> bytes:
        self.require("screenshot")
        assert self.runtime is not None
        path = os.path.join(self.runtime.run_dir, f"screen-{time.monotonic_ns()}.png")
        await self.qmp("screendump", {"filename": path, "format": "png"})
        try:
            return Path(path).read_bytes()
        finally:
            os.unlink(path)

    async def qmp(self, command: str, args: dict[str, Any] | None = None, timeout: float = 30.0) -> Any:
        """One QMP command on this guest's connection (the only one there is)."""
        if self.monitor is None:
            raise StateError(f"domain '{self.name}' has no running QEMU")
        return await self.monitor.execute(command, args, timeout)

    async def pass_fd(self, fd: int, command: str, args: dict[str, Any], timeout: float = 30.0) -> Any:
        """Send ``fd`` (SCM_RIGHTS) and run the command that takes it (``getfd``, ``add-fd``)
        as one step: QEMU keeps only the last fd it received, and VNC hand-overs run beside
        every other user of the monitor, so two senders must not interleave."""
        async with self._fd_lock:
            if self.monitor is None:
                raise StateError(f"domain '{self.name}' has no running QEMU")
            self.monitor.send_fd(fd)
            return await self.monitor.execute(command, args, timeout)

    # ---- views -----------------------------------------------------------------------
    def cpu_time(self) -> float:
        if self.process is not None and self.process.alive:
            return cpu_seconds(self.process.pid)
        return 0.0

    def to_record(self) -> dict[str, Any]:
        return {
            "version": RECORD_VERSION,
            "config": self.config.to_dict(),
            "profile_path": self.profile_path,
            "state": self.state.value,
            "intent": self.intent,
            "runtime": vars(self.runtime) if self.runtime else None,
            "managed": self.managed,
            "autostart": self.autostart,
            "definition": self.definition.to_dict() if self.definition is not None else None,
        }

    @classmethod
    def from_record(cls, host: DomainHost, data: dict[str, Any]) -> "Domain":
        dom = cls(host, DomainConfig.from_dict(data["config"]), data.get("profile_path"))
        dom.state = DomainState(data["state"])
        dom.intent = data.get("intent")
        if data.get("runtime"):
            runtime = dict(data["runtime"])
            runtime.pop("vnc_keeper", None)  # a record of the keeper-process version: re-bound at re-attach
            dom.runtime = Runtime(**runtime)
            if dom.runtime.qemu_uid is not None:
                dom.qemu_ident = Identity(dom.runtime.qemu_uid, dom.runtime.qemu_gid or dom.runtime.qemu_uid)
        dom.managed = bool(data.get("managed", False))
        dom.autostart = bool(data.get("autostart", False))
        if data.get("definition"):
            dom.definition = DomainConfig.from_dict(data["definition"])
        return dom

    def summary(self) -> dict[str, Any]:
        """The facts `list`, `info` and the API show about this domain (hvmctl.daemon.listing:
        the same function answers a restarted daemon's first list from the records on disk)."""
        cfg = self.config
        return listing.row(
            {key: getattr(cfg, key) for key in listing.CONFIG_KEYS},
            vars(self.runtime) if self.runtime is not None else None,
            state=self.state.value,
            pid=self.process.pid if self.process is not None else None,
            alive=self.process is not None and self.process.alive,
            profile=self.profile_path, managed=self.managed, autostart=self.autostart, intent=self.intent,
        )


def _save_complete(intent: dict[str, Any]) -> bool:
    """Is the save file an intent names complete (renamed into place by this very save)?"""
    from hvmctl.migration import savefile

    try:
        header = savefile.read_header(Path(str(intent.get("path"))))
    except (OSError, HvmctlError, ValueError, KeyError):
        return False
    return header.data.get("saved_at") == intent.get("token")


def _last_line(path: str) -> str:
    try:
        lines = [ln.strip() for ln in Path(path).read_text(errors="replace").splitlines() if ln.strip()]
    except OSError:
        return ""
    return lines[-1].removeprefix("qemu-system-x86_64: ") if lines else ""
