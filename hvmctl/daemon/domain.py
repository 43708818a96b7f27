"""One guest: its lifecycle, its QEMU process and QMP connection, and its on_* policy.

A ``Domain`` lives as long as the guest is known to the daemon; each start of QEMU is an
*incarnation* with its own domain ID (Xen gives a restarted domain a new ID too). Every
transition runs under the domain's lock; the supervisor task reads QMP events and the
process exit and turns them into poweroff / reboot / crash, then applies the profile's
``on_poweroff`` / ``on_reboot`` / ``on_crash`` action (S9).
"""

from __future__ import annotations

import asyncio
import logging
import os
import shutil
import time
import uuid as uuidlib
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Protocol

from hvmctl.config.model import DomainConfig
from hvmctl.daemon.filemodes import make_run_dir
from hvmctl.daemon.process import QemuProcess, cpu_seconds, thread_running
from hvmctl.daemon.state import DomainState, check_action, check_transition
from hvmctl.devices import memory
from hvmctl.errors import HvmctlError, QemuError, StateError, TimeoutError_
from hvmctl.qemu.argv import HostFacts, LaunchPlan, build_argv
from hvmctl.qemu.monitor import MONITOR_CLOSED, Monitor

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


class DomainHost(Protocol):
    """What a domain needs from the daemon around it."""

    def facts_for(self, config: DomainConfig) -> HostFacts: ...
    def next_domid(self) -> int: ...
    def run_dir_for(self, dom: "Domain") -> Path: ...
    def persist(self, dom: "Domain") -> None: ...
    def forget(self, dom: "Domain") -> None: ...
    def adopt_renamed(self, dom: "Domain") -> None: ...
    def dump_dir(self) -> Path: ...
    async def prepare_launch(self, dom: "Domain", domid: int, run_dir: Path) -> LaunchPlan: ...
    async def release_launch(self, dom: "Domain") -> None: ...


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
    nics: list[dict[str, Any]] = field(default_factory=list)
    accel: str = "tcg"
    console_log: str = ""
    qemu_log: str = ""
    vcpu_threads: list[int] = field(default_factory=list)
    memory_mib: int | None = None  # balloon target after `mem-set`

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
        self.process: QemuProcess | None = None
        self.monitor: Monitor | None = None
        self.lock = asyncio.Lock()
        self.ended = asyncio.Event()  # set when an incarnation ends (for shutdown -w)
        self.rapid_restarts = 0
        self.last_event: str | None = None
        self._supervisor: asyncio.Task[None] | None = None
        self._expect_exit = False

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

    # ---- state ----------------------------------------------------------------------
    def set_state(self, new: DomainState) -> None:
        check_transition(self.name, self.state, new)
        self.state = new
        self.host.persist(self)

    def require(self, action: str) -> None:
        check_action(self.name, self.state, action)

    def expect_exit(self, expected: bool = True) -> None:
        """Mark QEMU's exit as planned, not a crash: an incoming migration that fails ends
        its QEMU, and that must not trigger on_crash (a restart would boot a fresh guest)."""
        self._expect_exit = expected

    # ---- start ----------------------------------------------------------------------
    async def launch(
        self, *, paused: bool = False, incoming: str | None = None, vnc_display: int | None = None
    ) -> None:
        """Start a new incarnation: plan host resources, spawn QEMU, connect QMP.

        ``incoming`` starts QEMU waiting for a migration stream (restore, migration target):
        it then stays paused until the caller has fed it and sent ``cont``. ``vnc_display``
        pins the display (a restored or migrated guest keeps the one it had)."""
        domid = self.host.next_domid()
        run_dir = self.host.run_dir_for(self)
        if run_dir.exists():
            shutil.rmtree(run_dir, ignore_errors=True)
        make_run_dir(run_dir)  # 0750, HVMCTL_GROUP
        self.state = DomainState.STARTING
        self._expect_exit = False
        self.ended = asyncio.Event()
        try:
            plan = await self.host.prepare_launch(self, domid, run_dir)
            if incoming:
                plan = replace(plan, incoming=incoming)
            if vnc_display is not None:
                plan = replace(plan, vnc_display=vnc_display)
            if self.config.vfb is not None and self.config.vfb.vncpasswd:
                secret = Path(plan.vnc_secret_file)
                secret.touch(mode=0o600)
                secret.write_text(self.config.vfb.vncpasswd)
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
            )
            self.process = QemuProcess.spawn(argv, Path(self.runtime.qemu_log), logs=[Path(self.runtime.console_log)])
            self.runtime.pid = self.process.pid
            self.runtime.start_ticks = self.process.start_ticks
            self.host.persist(self)
            await self._connect(timeout=15.0)
            await self._read_vnc()
            await self._read_vcpu_threads()
            if not incoming and memory.needs_target_at_start(self.config):  # a restore's stream has it
                await self.qmp("balloon", memory.target_args(self.config.memory))
        except BaseException as exc:
            await self._abort_launch()
            if isinstance(exc, HvmctlError) and self.runtime is not None:
                reason = _last_line(self.runtime.qemu_log)
                if reason:
                    raise QemuError(f"{self.name}: QEMU refused to start: {reason}", cause=exc) from exc
            raise
        self.set_state(DomainState.PAUSED if paused or incoming else DomainState.RUNNING)
        self._start_supervisor()
        log.info("domain %s started as ID %d (pid %d)", self.name, domid, self.process.pid)

    async def _abort_launch(self) -> None:
        if self.monitor is not None:
            await self.monitor.close()
            self.monitor = None
        if self.process is not None:
            self.process.kill()
            await self.process.wait(5)
            self.process = None
        await self.host.release_launch(self)

    async def _connect(self, timeout: float) -> None:
        assert self.runtime is not None and self.process is not None
        proc = self.process
        self.monitor = Monitor(self.runtime.qmp_socket, self.name)
        await self.monitor.connect(timeout=timeout, alive=lambda: proc.alive)

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
        if self.state is DomainState.RUNNING and self.process is not None and self.runtime is not None:
            if self.runtime.vcpu_threads and not any(
                thread_running(self.process.pid, tid) for tid in self.runtime.vcpu_threads
            ):
                return "-b----"
        return self.state.flags

    async def _read_vnc(self) -> None:
        if self.config.vfb is None or self.config.vfb.type != "vnc" or self.monitor is None:
            return
        info = await self.monitor.execute("query-vnc")
        assert self.runtime is not None
        if info.get("enabled") and info.get("service"):
            self.runtime.vnc_host = info.get("host")
            self.runtime.vnc_port = int(info["service"])

    # ---- re-attach after a daemon restart -----------------------------------------------
    async def reattach(self) -> None:
        """Adopt the QEMU of a saved record; a guest that died meanwhile gets on_crash."""
        rt = self.runtime
        if rt is None or rt.pid is None or self.state in (DomainState.SHUTDOWN, DomainState.CRASHED):
            if self.state in (DomainState.SHUTDOWN, DomainState.CRASHED) and rt is not None and rt.pid:
                self.process = QemuProcess.adopt(rt.pid, rt.start_ticks)
                if self.process is not None:
                    await self._connect(timeout=5.0)
            return
        self.process = QemuProcess.adopt(rt.pid, rt.start_ticks)
        if self.process is None:
            log.warning("domain %s (ID %d) died while the daemon was away", self.name, rt.domid)
            await self._guest_event("crash")
            return
        try:
            await self._connect(timeout=5.0)
            status = (await self.monitor.execute("query-status"))["status"]  # type: ignore[union-attr]
        except HvmctlError:
            log.warning("domain %s: QMP unreachable after restart; treating as crashed", self.name)
            self.process.kill()
            await self.process.wait(5)
            await self._guest_event("crash")
            return
        if self.state is DomainState.STARTING:
            self.state = DomainState.RUNNING
        if not rt.vcpu_threads:
            await self._read_vcpu_threads()
        self._start_supervisor()
        if status == "shutdown":
            await self._guest_event("poweroff")
        elif status == "guest-panicked":
            await self._guest_event("crash")
        elif status == "paused" and self.state is DomainState.RUNNING:
            self.set_state(DomainState.PAUSED)
        elif status == "running" and self.state is DomainState.PAUSED:
            self.set_state(DomainState.RUNNING)

    # ---- supervision -----------------------------------------------------------------
    def _start_supervisor(self) -> None:
        assert self.monitor is not None and self.process is not None and self.runtime is not None
        self._supervisor = asyncio.create_task(
            self._supervise(self.monitor, self.process, self.runtime.domid), name=f"supervise-{self.name}"
        )

    async def _supervise(self, monitor: Monitor, process: QemuProcess, domid: int) -> None:
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
            self.set_state(DomainState.PAUSED)
        elif name == "RESUME" and self.state is DomainState.PAUSED:
            self.set_state(DomainState.RUNNING)

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
        if action == "destroy":
            await self._teardown()
            self.host.forget(self)
        elif action == "restart":
            await self._teardown()
            await self.launch()
        elif action == "soft-reset" and self.monitor is not None and self.process and self.process.alive:
            await self.monitor.execute("system_reset")
            await self.monitor.execute("cont")
        elif action == "rename-restart":
            self._hand_over_to_renamed(what)
            await self.launch()
        else:  # preserve (and soft-reset of a dead process)
            self.set_state(DomainState.CRASHED if what == "crash" else DomainState.SHUTDOWN)
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
        await self.monitor.execute("dump-guest-memory", {"paging": False, "protocol": f"file:{path}"}, timeout=600)
        log.info("domain %s: memory dumped to %s", self.name, path)

    # ---- teardown --------------------------------------------------------------------
    async def _teardown(self) -> None:
        """Stop this incarnation's QEMU and release what it held (caller holds the lock)."""
        self._expect_exit = True
        if self.state is not DomainState.DYING:
            self.state = DomainState.DYING
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
        if mon is not None:
            await mon.close()
        self.process, self.monitor = None, None
        await self.host.release_launch(self)
        if self.runtime is not None:
            shutil.rmtree(self.runtime.run_dir, ignore_errors=True)
        self.ended.set()

    # ---- user commands -----------------------------------------------------------------
    async def destroy(self) -> None:
        async with self.lock:
            self.require("destroy")
            await self._teardown()
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
        async with self.lock:
            self.require("pause")
            await self.qmp("stop")
            self.set_state(DomainState.PAUSED)

    async def unpause(self) -> None:
        async with self.lock:
            self.require("unpause")
            await self.qmp("cont")
            self.set_state(DomainState.RUNNING)

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
            "runtime": vars(self.runtime) if self.runtime else None,
        }

    @classmethod
    def from_record(cls, host: DomainHost, data: dict[str, Any]) -> "Domain":
        dom = cls(host, DomainConfig.from_dict(data["config"]), data.get("profile_path"))
        dom.state = DomainState(data["state"])
        if data.get("runtime"):
            dom.runtime = Runtime(**data["runtime"])
        return dom

    def summary(self) -> dict[str, Any]:
        """The facts `list`, `info` and the API show about this domain."""
        rt = self.runtime
        return {
            "name": self.name,
            "uuid": self.uuid,
            "id": self.domid,
            "state": self.state.value,
            "flags": self.flags(),
            "memory": (rt.memory_mib if rt and rt.memory_mib else self.config.memory),
            "vcpus": (len(rt.vcpu_threads) if rt and rt.vcpu_threads else self.config.vcpus),
            "cpu_time": round(self.cpu_time(), 1),
            "start_time": rt.started_at if rt else None,
            "pid": self.process.pid if self.process else None,
            "vnc": f"{rt.vnc_host}:{rt.vnc_port}" if rt and rt.vnc_port else None,
            "vnc_display": rt.vnc_port - 5900 if rt and rt.vnc_port else None,
            "serial": self.config.serial,
            "serial_socket": rt.serial_socket if rt and self.config.serial in ("pty", "vc", "stdio") else None,
            "console_log": rt.console_log if rt else None,
            "accel": rt.accel if rt else None,
            "nics": rt.nics if rt else [],
            "profile": self.profile_path,
            "on_poweroff": self.config.on_poweroff,
            "on_reboot": self.config.on_reboot,
            "on_crash": self.config.on_crash,
        }


def _last_line(path: str) -> str:
    try:
        lines = [ln.strip() for ln in Path(path).read_text(errors="replace").splitlines() if ln.strip()]
    except OSError:
        return ""
    return lines[-1].removeprefix("qemu-system-x86_64: ") if lines else ""
