"""The daemon's single set of actions, shared by every front end (HTTP API, CLI).

``Daemon`` is the registry of domains (by UUID, name and ID), allocates domain IDs like
Xen (monotonic, never reused), persists one record per domain, refuses conflicts before
anything starts, and re-attaches to running guests after a restart.
"""

from __future__ import annotations

import asyncio
import logging
import os
import platform
import shutil
import time
import uuid as uuidlib
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import Any

from hvmctl import __version__
from hvmctl.atomic import write_bytes_atomic
from hvmctl.config import LoadedProfile, parse_profile
from hvmctl.config.model import DomainConfig
from hvmctl.daemon import hostcheck
from hvmctl.daemon.backend import Backend, QemuBackend, argv_name, argv_uuid
from hvmctl.daemon.domain import Domain
from hvmctl.daemon.netmgr import NetworkManager
from hvmctl.daemon.state import DomainState
from hvmctl.daemon.store import read_json, write_json_atomic
from hvmctl.errors import ConflictError, HvmctlError, NotFoundError
from hvmctl.paths import Paths
from hvmctl.qemu.accel import choose_accel
from hvmctl.qemu.argv import HostFacts, LaunchPlan, NicPlan, build_argv
from hvmctl.storage.bootloader import kernel_boot_for

log = logging.getLogger("hvmctl.daemon")

LIVE_STATES = frozenset(set(DomainState))  # every known domain holds its name/uuid/disks


class Daemon:
    """All domains on this host, and the actions on them."""

    def __init__(self, paths: Paths, *, accel: str | None = None, backend: Backend | None = None) -> None:
        self.paths = paths
        self.backend: Backend = backend or QemuBackend()
        #: tests set this to stop the daemon at a numbered step ("crash injection")
        self.crash_hook: Callable[[str], None] | None = None
        self.domains: dict[str, Domain] = {}  # uuid -> Domain
        self.started_at = time.time()
        self._forced_accel = accel or os.environ.get("HVMCTL_ACCEL") or None
        self._domid_file = paths.state_dir / "next-domid"
        self._next_domid = self._load_next_domid()
        self.facts = HostFacts(accel="tcg", qemu_binary=paths.qemu)
        self.accel_reason = "not probed yet"
        self._accel_ready = False
        self._accel_lock = asyncio.Lock()
        self.network = NetworkManager(paths)

    # ---- start-up ----------------------------------------------------------------------
    async def start(self) -> None:
        """Load every saved record, re-attach to the guests still running, and complete or
        roll back the intent each record was left with (see ``Domain.reattach``)."""
        self.paths.domains_dir.mkdir(parents=True, exist_ok=True)
        self.paths.run_dir.mkdir(parents=True, exist_ok=True)
        self._remove_stale_temps()
        await self.network.start()
        records = sorted(self.paths.domains_dir.glob("*.json"))
        for path in records:
            try:
                dom = Domain.from_record(self, read_json(path))
            except (OSError, ValueError, KeyError, TypeError) as exc:
                log.error("%s: unreadable domain record, set aside: %s", path, exc)
                path.rename(path.with_suffix(".broken"))
                continue
            self.domains[dom.uuid] = dom
        used = [d.domid for d in self.domains.values() if d.domid is not None]
        if used and max(used) >= self._next_domid:  # never hand out an ID a guest ran with
            self._next_domid = max(used) + 1
        await self._stop_unrecorded()
        await asyncio.gather(*(self._reattach(d) for d in list(self.domains.values())))
        await self.network.reconcile(list(self.domains.values()))  # taps whose guest is gone

    async def _reattach(self, dom: Domain) -> None:
        try:
            await dom.reattach()
        except Exception:
            log.exception("domain %s: re-attach failed", dom.name)

    def _remove_stale_temps(self) -> None:
        """Temporaries of atomic writes a killed daemon left (``.NAME.*.tmp``)."""
        for directory in (self.paths.domains_dir, self.paths.state_dir):
            for tmp in directory.glob(".*.tmp"):
                log.info("%s: removing a temporary file a killed daemon left", tmp)
                tmp.unlink(missing_ok=True)

    async def _stop_unrecorded(self) -> None:
        """Run dirs no record names: a QEMU found there (its pidfile, checked against its
        ``-uuid`` in its command line) is stopped, not adopted -- a record is written before
        every spawn, so a QEMU without one belongs to a create that never committed (its
        user got an error) and the daemon does not know its definition -- and the dir goes."""
        known = {Path(d.runtime.run_dir) for d in self.domains.values() if d.runtime is not None}
        known |= {self.run_dir_for(d) for d in self.domains.values()}
        set_aside = {p.name[:8] for p in self.paths.domains_dir.glob("*.broken")}
        for run_dir in sorted((self.paths.run_dir / "dom").glob("*")):
            if run_dir in known or not run_dir.is_dir():
                continue
            if run_dir.name in set_aside:  # its record is unreadable, not missing: hands off
                log.warning("%s: its domain's record was set aside as unreadable; left alone", run_dir)
                continue
            try:
                pid = int((run_dir / "qemu.pid").read_text().strip())
            except (OSError, ValueError):
                pid = None
            argv = self.backend.cmdline(pid) if pid is not None else None
            uuid = argv_uuid(argv) if argv else None
            if pid is not None and argv and uuid and uuid.startswith(run_dir.name):
                proc = self.backend.adopt(pid, self.backend.start_ticks(pid))
                if proc is not None:
                    log.warning("stopping QEMU pid %d (guest %s, uuid %s): no record was written for it, "
                                "its create never completed", pid, argv_name(argv), uuid)
                    proc.kill()
                    await proc.wait(5.0)
            log.info("%s: removing a run dir no domain owns", run_dir)
            shutil.rmtree(run_dir, ignore_errors=True)

    def crash_point(self, name: str) -> None:
        """A numbered step of a sequence, where tests kill the daemon (crash injection)."""
        if self.crash_hook is not None:
            self.crash_hook(name)

    def facts_for(self, cfg: DomainConfig) -> HostFacts:
        """Host facts for one guest: the profile's ``accel`` key overrides the probe."""
        want = cfg.accel or self._forced_accel
        return replace(self.facts, accel=want) if want else self.facts

    async def ensure_accel(self, forced: str | None = None) -> HostFacts:
        """The accelerator: forced by the profile/flag/env, else the cached probe verdict."""
        want = forced or self._forced_accel
        if want:
            return replace(self.facts, accel=choose_accel(self.paths.qemu, self._accel_cache, want).accel)
        async with self._accel_lock:
            if not self._accel_ready:
                verdict = await asyncio.to_thread(choose_accel, self.paths.qemu, self._accel_cache)
                self.facts = replace(self.facts, accel=verdict.accel)
                self.accel_reason = verdict.reason
                self._accel_ready = True
                log.info("accelerator: %s (%s)", verdict.accel, verdict.reason)
        return self.facts

    @property
    def _accel_cache(self) -> Path:
        return self.paths.state_dir / "accel.json"

    # ---- DomainHost -------------------------------------------------------------------
    def _load_next_domid(self) -> int:
        try:
            return int(self._domid_file.read_text().strip())
        except (OSError, ValueError):
            return 1

    def next_domid(self) -> int:
        """The next domain ID, on disk before any guest can run with it (HostError, and no
        ID taken, when it cannot be written)."""
        domid = self._next_domid
        # not fsynced (the create path's latency): a killed daemon's successor sees it (only
        # a host crash could lose it, and Xen too counts afresh after a reboot); start()
        # also counts past every record's ID
        write_bytes_atomic(self._domid_file, f"{domid + 1}\n".encode(), 0o644, durable=False)
        self._next_domid = domid + 1
        return domid

    def release_domid(self, domid: int) -> None:
        """A launch that failed before any guest ran gives its ID back -- only if it is the
        last one handed out, so IDs stay monotonic and none is ever used twice."""
        if self._next_domid != domid + 1:
            return
        try:
            write_bytes_atomic(self._domid_file, f"{domid}\n".encode(), 0o644, durable=False)
        except HvmctlError:
            return  # keeping it used is always safe
        self._next_domid = domid

    def run_dir_for(self, dom: Domain) -> Path:
        return self.paths.domain_run_dir(dom.uuid)

    def record_path(self, dom: Domain) -> Path:
        return self.paths.domains_dir / f"{dom.uuid}.json"

    def persist(self, dom: Domain, *, durable: bool = True) -> None:
        if self.domains.get(dom.uuid) is dom:
            write_json_atomic(self.record_path(dom), dom.to_record(), durable=durable)

    def forget(self, dom: Domain) -> None:
        """Drop a domain and its record -- only if it is still the one registered under its
        UUID (a saved guest's late teardown must not drop the guest restored meanwhile)."""
        if self.domains.get(dom.uuid) is not dom:
            return
        del self.domains[dom.uuid]
        try:
            self.record_path(dom).unlink()
        except FileNotFoundError:
            pass

    def adopt_renamed(self, dom: Domain) -> None:
        self.domains[dom.uuid] = dom
        self.persist(dom)

    def dump_dir(self) -> Path:
        return self.paths.state_dir / "dump"

    async def prepare_launch(self, dom: Domain, domid: int, run_dir: Path) -> LaunchPlan:
        formats = hostcheck.check_disks(dom.config)
        hostcheck.check_kernel_files(dom.config)
        # PV profiles: direct kernel boot, or the kernel pygrub would have found in the image
        kernel_boot = await asyncio.to_thread(kernel_boot_for, dom.config, run_dir, formats)
        nics = await self.network.plan_nics(dom, domid)
        self.paths.log_dir.mkdir(parents=True, exist_ok=True)
        return LaunchPlan(domid=domid, run_dir=run_dir, nics=nics, disk_formats=formats,
                          log_dir=self.paths.log_dir, name=dom.name, kernel_boot=kernel_boot)

    async def release_launch(self, dom: Domain) -> None:
        await self.network.release(dom)

    # ---- lookups ---------------------------------------------------------------------
    def lookup(self, ref: str) -> Domain:
        """A domain by name, ID or UUID (xm accepts all three)."""
        for dom in self.domains.values():
            if dom.name == ref or dom.uuid == ref.lower():
                return dom
        if ref.isdigit():
            for dom in self.domains.values():
                if dom.domid == int(ref):
                    return dom
        raise NotFoundError(f"domain '{ref}' does not exist")

    def all(self) -> list[Domain]:
        return sorted(self.domains.values(), key=lambda d: (d.domid is None, d.domid or 0, d.name))

    # ---- create ----------------------------------------------------------------------
    async def create(
        self,
        text: str,
        *,
        filename: str,
        overrides: list[str],
        dry_run: bool = False,
        paused: bool = False,
    ) -> dict[str, Any]:
        loaded = parse_profile(text, filename=filename, overrides=overrides, default_name=Path(filename).name)
        cfg = self._complete(loaded)
        self._check_conflicts(cfg)
        facts = await self.ensure_accel(cfg.accel)
        result: dict[str, Any] = {"warnings": [str(w) for w in loaded.warnings], "notes": []}
        if dry_run:
            plan = LaunchPlan(domid=self._next_domid, run_dir=self.paths.domain_run_dir(cfg.uuid or "dry-run"),
                              log_dir=self.paths.log_dir, name=cfg.name,
                              nics=tuple(NicPlan(i, v.mac or "", v.nic_model) for i, v in enumerate(cfg.vifs)))
            result["argv"] = build_argv(cfg, facts, plan)
            result["config"] = cfg.to_dict()
            return result
        dom = await self.create_from_config(
            cfg, profile_path=filename if filename.startswith("/") else None, paused=paused
        )
        result["notes"] = self.network.notes(dom)
        result["domain"] = dom.summary()
        return result

    async def create_from_config(
        self,
        cfg: DomainConfig,
        *,
        profile_path: str | None = None,
        paused: bool = False,
        incoming: str | None = None,
        vnc_display: int | None = None,
        intent: str | None = None,
    ) -> Domain:
        """Register and launch a domain from a complete config (a parsed profile, or the
        record a save file or a migration source carries): one path for every way in."""
        await self.ensure_accel(cfg.accel)
        self._check_conflicts(cfg)  # after the last await: nothing can slip in before we register
        dom = Domain(self, cfg, profile_path)
        self.domains[dom.uuid] = dom
        try:
            await dom.launch(paused=paused, incoming=incoming, vnc_display=vnc_display, intent=intent)
        except BaseException:
            self.forget(dom)
            raise
        return dom

    def _complete(self, loaded: LoadedProfile) -> DomainConfig:
        """Fill what the profile left to the toolstack: a UUID and stable MACs (kept in the
        MAC registry by UUID, or by name for profiles without one: see NetworkManager)."""
        cfg = loaded.config
        cfg = replace(cfg, uuid=cfg.uuid or str(uuidlib.uuid4()))
        return self.network.assign_macs(
            cfg, keyed_by_uuid=loaded.config.uuid is not None, known=self.domains.values()
        )

    def _check_conflicts(self, cfg: DomainConfig) -> None:
        """Refuse before anything starts: name, UUID, MAC, writable disks, VNC display."""
        where = f" ({cfg.source})" if cfg.source else ""
        for dom in self.domains.values():
            if dom.name == cfg.name:
                raise ConflictError(f"domain name '{cfg.name}' is already in use by domain {dom.domid}{where}")
            if dom.uuid == cfg.uuid:
                raise ConflictError(f"uuid {cfg.uuid} is already in use by domain '{dom.name}'{where}")
            theirs = {v.mac.lower(): i for i, v in enumerate(dom.config.vifs) if v.mac}
            for vif in cfg.vifs:
                if vif.mac and vif.mac.lower() in theirs:
                    raise ConflictError(
                        f"mac {vif.mac} is already used by domain '{dom.name}' (vif {theirs[vif.mac.lower()]})"
                    )
            if holds_disks(dom):
                self._check_disk_sharing(cfg, dom)
            if cfg.vfb and dom.config.vfb and cfg.vfb.vncdisplay is not None and not cfg.vfb.vncunused:
                if dom.runtime and dom.runtime.vnc_port == 5900 + cfg.vfb.vncdisplay:
                    raise ConflictError(f"vncdisplay {cfg.vfb.vncdisplay} is already used by domain '{dom.name}'")
        if cfg.vfb and cfg.vfb.type == "vnc" and not cfg.vfb.vncunused and cfg.vfb.vncdisplay is not None:
            hostcheck.check_vnc_display_free(cfg, cfg.vfb.vncdisplay)

    @staticmethod
    def _check_disk_sharing(cfg: DomainConfig, other: Domain) -> None:
        theirs = {hostcheck.disk_identity(d.target): d for d in other.config.disks if not d.empty}
        for disk in cfg.disks:
            if disk.empty:
                continue
            them = theirs.get(hostcheck.disk_identity(disk.target))
            if them is None:
                continue
            writes = (disk.mode == "w", them.mode == "w")
            if any(writes):
                raise ConflictError(
                    f"disk {disk.target} ({disk.vdev}) is already in use by domain '{other.name}' "
                    f"({them.vdev}, mode {them.mode}); use mode 'w!' to share it on purpose"
                )

    # ---- host ------------------------------------------------------------------------
    def host_info(self) -> dict[str, Any]:
        mem_total, mem_free = _meminfo()
        uname = os.uname()
        return {
            "host": uname.nodename,
            "release": uname.release,
            "version": uname.version,
            "machine": uname.machine,
            "nr_cpus": os.cpu_count() or 1,
            "total_memory": mem_total,
            "free_memory": mem_free,
            "hvmctl_version": __version__,
            "qemu": self.paths.qemu,
            "accel": self.facts.accel if self._accel_ready else None,
            "accel_reason": self.accel_reason,
            "daemon_pid": os.getpid(),
            "daemon_uptime": round(time.time() - self.started_at, 1),
            "domains": len(self.domains),
            "cpu_time": round(_host_cpu_seconds(), 1),
            "boot_time": _boot_time(),
            "platform": platform.platform(),
        }

    async def shutdown_daemon(self) -> None:
        """Close monitors (guests keep running: they are not the daemon's to end)."""
        for dom in self.domains.values():
            if dom.monitor is not None:
                await dom.monitor.close()


def holds_disks(dom: Domain) -> bool:
    """A domain holds its disks while its QEMU may have them open: a preserved guest whose
    QEMU is gone (killed, crashed) no longer does, however it ended."""
    if dom.state in (DomainState.SHUTDOWN, DomainState.CRASHED):
        return dom.process is not None and dom.process.alive
    return True


def _meminfo() -> tuple[int, int]:
    values: dict[str, int] = {}
    with open("/proc/meminfo") as fh:
        for line in fh:
            key, _, rest = line.partition(":")
            values[key] = int(rest.split()[0])
    return values["MemTotal"] // 1024, values.get("MemAvailable", values["MemFree"]) // 1024


def _host_cpu_seconds() -> float:
    with open("/proc/stat") as fh:
        parts = fh.readline().split()
    user, nice, system = (int(x) for x in parts[1:4])
    return (user + nice + system) / os.sysconf("SC_CLK_TCK")


def _boot_time() -> float:
    with open("/proc/stat") as fh:
        for line in fh:
            if line.startswith("btime"):
                return float(line.split()[1])
    return 0.0
