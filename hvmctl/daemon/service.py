"""The daemon's single set of actions, shared by every front end (HTTP API, CLI).

``Daemon`` is the registry of domains (by UUID, name and ID), allocates domain IDs like
Xen (monotonic, never reused), persists one record per domain, refuses conflicts before
anything starts, and re-attaches to running guests after a restart.
"""

from __future__ import annotations

import asyncio
import logging
import os
import shutil
import tempfile
import time
import uuid as uuidlib
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from hvmctl.atomic import write_bytes_atomic
from hvmctl.config.model import DiskSpec, DomainConfig
from hvmctl.daemon import grants, hostreport, jail, listing, qemuuser, statefiles, vtpm
from hvmctl.daemon.backend import Backend, QemuBackend, argv_name, argv_uuid
from hvmctl.daemon.changes import ChangeFeed
from hvmctl.daemon.domain import Domain
from hvmctl.daemon.netmgr import NetworkManager
from hvmctl.daemon.registry import LocalRegistry, Registry, claim_for_config, uid_claim
from hvmctl.daemon.registry import holds_disks as holds_disks  # where callers found it before
from hvmctl.daemon.state import DomainState
from hvmctl.daemon.store import read_json, write_json_atomic
from hvmctl.devices import firmware, layout
from hvmctl.errors import ConflictError, HvmctlError, NotFoundError
from hvmctl.paths import Paths
from hvmctl.qemu import hostpaths
from hvmctl.qemu import machine as machine_type
from hvmctl.qemu.accel import choose_accel, nested_flag
from hvmctl.qemu.argv import HostFacts, KernelBoot, LaunchPlan, build_argv

if TYPE_CHECKING:
    from hvmctl.api.auth import SessionStore, TokenStore
    from hvmctl.config import LoadedProfile

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
        self.facts = HostFacts(accel="tcg", qemu_binary=paths.qemu, nested=nested_flag())
        self.accel_reason = "not probed yet"
        self._accel_ready = False
        self._accel_lock = asyncio.Lock()
        self.network = NetworkManager(paths)
        # claims are read from self.domains on every check: no second copy to keep in step
        self.registry: Registry = LocalRegistry(lambda: self.domains.values())
        self._machine: str | None = None
        self._tokens: "TokenStore | None" = None
        self._sessions: "SessionStore | None" = None
        #: bumped on every record write or removal: the web console's live view waits on it
        self.changes = ChangeFeed()
        #: the pool membership (hvmctl.pool.member.PoolMember) when HVMCTL_POOL_ETCD is set
        self.pool: Any = None
        #: who guests' QEMUs run as (one uid each from a range, or root): daemon/qemuuser.py
        self.qemu_users = qemuuser.Settings.from_env()
        self._last_uid = 0
        #: each QEMU's own mount namespace (daemon/jail.py): decided at start
        self.jail = jail.Jail(False, "not decided yet")

    # ---- remote API: tokens and web sessions (made on first use: the start stays lean) --
    @property
    def tokens(self) -> "TokenStore":
        if self._tokens is None:
            from hvmctl.api.auth import TokenStore

            self._tokens = TokenStore(self.paths.state_dir / "tokens.json")
        return self._tokens

    @property
    def sessions(self) -> "SessionStore":
        if self._sessions is None:
            from hvmctl.api.auth import SessionStore

            self._sessions = SessionStore(self.tokens)
        return self._sessions

    # ---- start-up ----------------------------------------------------------------------
    async def start(self, loaded: asyncio.Event | None = None,
                    reattached: Callable[[], None] | None = None) -> None:
        """Load every saved record, re-attach to the guests still running, and complete or
        roll back the intent each record was left with (see ``Domain.reattach``). ``loaded``
        is set once the records are in memory; ``reattached`` is called once every guest is
        re-attached: the early API lists from the daemon from then on (from disk before)."""
        self.paths.domains_dir.mkdir(parents=True, exist_ok=True)
        self.paths.run_dir.mkdir(parents=True, exist_ok=True)
        qemuuser.check_range(self.qemu_users)  # a range an account uses: refused at start
        qemuuser.announce(self.qemu_users)
        self.jail = await asyncio.to_thread(jail.decide, self.paths.run_dir, qemu_as_root=self.qemu_users.root,
                                            fake=not isinstance(self.backend, QemuBackend))
        self._remove_stale_temps()
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
        if loaded is not None:
            loaded.set()
        await self.network.start()  # bridges (and pyroute2's import) after the records: list first
        await self._stop_unrecorded()
        await asyncio.gather(*(self._reattach(d) for d in list(self.domains.values())))
        # host files granted to QEMUs that are gone (killed daemon, crash): taken back
        grants.recover(self.paths.state_dir, {d.uuid for d in self.domains.values()
                                              if d.process is not None and d.process.alive})
        if reattached is not None:
            reattached()
        from hvmctl.daemon import managed

        managed.remove_stale_saves(self)  # after the intents are settled: which saves still count
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
        # an inactive or suspended definition runs nothing: a QEMU left in its dir (its
        # last incarnation, ended in the background when the daemon died) is stopped
        known |= {self.run_dir_for(d) for d in self.domains.values()
                  if d.state not in (DomainState.INACTIVE, DomainState.SUSPENDED)}
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
            await asyncio.to_thread(vtpm.stop, run_dir)  # its swtpm, if it had one
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

    async def pinned_machine(self, alias: str | None = None) -> str:
        """The versioned machine type new guests are pinned to (``pc`` -> ``pc-i440fx-7.2``;
        ``alias`` another one, e.g. q35 for Secure Boot)."""
        if alias is not None and alias != self.facts.machine:
            return await asyncio.to_thread(
                machine_type.resolve, self.paths.qemu, alias, self.paths.state_dir / "machines.json")
        if self._machine is None:
            self._machine = await asyncio.to_thread(
                machine_type.resolve, self.paths.qemu, self.facts.machine, self.paths.state_dir / "machines.json")
        return self._machine

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
            self.changes.notify()

    def forget(self, dom: Domain) -> None:
        """Drop a domain and its record -- only if it is still the one registered under its
        UUID (a saved guest's late teardown must not drop the guest restored meanwhile).
        A managed domain is not dropped: its definition comes back inactive (or suspended,
        when its managed save file holds it), only ``undefine`` removes it."""
        if self.domains.get(dom.uuid) is not dom:
            return
        if self.pool is not None:
            self.pool.note_forgotten(dom)
        if dom.managed:
            from hvmctl.daemon import managed

            managed.deactivate(self, dom)
            return
        self.undefine(dom)

    def undefine(self, dom: Domain) -> None:
        """Remove a domain and its record for good (``forget``, or ``xm delete``)."""
        if self.domains.get(dom.uuid) is not dom:
            return
        del self.domains[dom.uuid]
        self.changes.notify()
        try:
            self.record_path(dom).unlink()
        except FileNotFoundError:
            pass
        statefiles.remove(self.paths, dom.uuid)  # what it owned goes with it (UEFI variables)

    def adopt_renamed(self, dom: Domain) -> None:
        self.domains[dom.uuid] = dom
        self.persist(dom)

    def dump_dir(self) -> Path:
        return self.paths.state_dir / "dump"

    async def plan_launch(self, dom: Domain, domid: int, run_dir: Path, *, dry_run: bool = False) -> LaunchPlan:
        """Every check and decision a start makes: disks and their formats, kernel files,
        the kernel pygrub would find, each NIC's tap or NAT. ``dry_run`` changes nothing on
        the host (no tap, no ledger entry, no MAC recorded, nothing in the run dir) and
        gives the same plan, or the same error, as the real start."""
        from hvmctl.daemon import hostcheck  # the start path lists guests without it

        formats = hostcheck.check_disks(dom.config)
        hostcheck.check_kernel_files(dom.config)
        # PV profiles: direct kernel boot, or the kernel pygrub would have found in the image
        kernel_boot = await asyncio.to_thread(_kernel_boot, dom.config, run_dir, formats, dry_run)
        # an OVMF guest's own UEFI variable store: made at its first start, kept after
        nvram = statefiles.prepare_nvram(self.paths, dom.config, self.facts.firmware_dir, dry_run=dry_run)
        vtpm.check(dom.config)
        if dom.config.pci:
            from hvmctl.daemon import passthrough

            passthrough.check(dom.config, [d.config for d in self.domains.values() if d is not dom
                                           and d.state not in (DomainState.INACTIVE, DomainState.SUSPENDED)])
        nics = await self.network.plan_nics(dom, domid, dry_run=dry_run)
        # the live definition: machine type and PCI slots fixed at first start, kept after
        alias = firmware.machine_alias(dom.config, self.facts.machine)  # q35 for Secure Boot
        dom.config = layout.pin(dom.config, [n.index for n in nics], await self.pinned_machine(alias))
        return LaunchPlan(domid=domid, run_dir=run_dir, nics=nics, disk_formats=formats,
                          log_dir=self.paths.log_dir, name=dom.name, kernel_boot=kernel_boot, nvram=nvram)

    async def prepare_launch(self, dom: Domain, domid: int, run_dir: Path) -> LaunchPlan:
        if self.pool is not None:  # a pool domain's run lock, before anything is made for it
            await self.pool.claim_run(dom)
        plan = await self.plan_launch(dom, domid, run_dir)
        self.paths.log_dir.mkdir(parents=True, exist_ok=True)
        if dom.config.vtpm is not None:  # swtpm runs as its guest's uid: its files first
            grants.grant(self.paths.state_dir, dom.uuid, dom.qemu_ident,
                         vtpm.host_paths(self.paths, dom.config, run_dir))
        # listening before QEMU connects to it
        await vtpm.start(self.paths, dom.config, run_dir, identity=dom.qemu_ident)
        return plan

    async def release_launch(self, dom: Domain) -> None:
        await self.network.release(dom)
        if dom.config.vtpm is not None:
            await asyncio.to_thread(vtpm.stop, self.run_dir_for(dom))
        grants.revoke_all(self.paths.state_dir, dom.uuid)

    def qemu_identity(self, dom: Domain) -> qemuuser.Identity | None:
        """The uid/gid of a new incarnation's QEMU: the first of the range that the
        registry's one check finds nobody holding (None: QEMU runs as root)."""
        ident = qemuuser.allocate(self.qemu_users, lambda uid: not self.registry.conflicts(uid_claim(uid)),
                                  self._last_uid + 1)
        if ident is not None:
            self._last_uid = ident.uid
        return ident

    def grant_paths(self, dom: Domain, items: list[hostpaths.HostPath]) -> None:
        """Paths a running QEMU opens next by name: its uid's, and in its tree if jailed."""
        grants.grant(self.paths.state_dir, dom.uuid, dom.qemu_ident, items)
        self.bind_paths(dom, items)

    def bind_paths(self, dom: Domain, items: list[hostpaths.HostPath]) -> None:
        """Paths a running QEMU opens next by name, in its mount namespace if it has one."""
        if self.jail.on and dom.process is not None and dom.runtime is not None:
            jail.bind_into(dom.process.pid, dom.runtime.run_dir, items)

    def revoke_paths(self, dom: Domain, paths: list[str]) -> None:
        grants.revoke(self.paths.state_dir, dom.uuid, paths)

    def move_grants(self, from_uuid: str, to_uuid: str) -> None:
        """rename-restart: the old incarnation's grants go with it to its new UUID."""
        grants.move(self.paths.state_dir, from_uuid, to_uuid)

    def grant_disks(self, dom: Domain, disks: list[DiskSpec]) -> None:
        """A hot-plugged disk or a new medium: its uid's before the QMP call opens it."""
        grants.grant(self.paths.state_dir, dom.uuid, dom.qemu_ident, hostpaths.disk_paths(disks))
        self.bind_paths(dom, hostpaths.disk_paths(disks))

    def revoke_disks(self, dom: Domain, targets: list[str]) -> None:
        """A detached disk or an ejected medium: taken back, unless another drive of the
        domain still has that image."""
        kept = {os.path.abspath(d.target) for d in dom.config.disks if d.target}
        gone = [t for t in targets if t and os.path.abspath(t) not in kept]
        if gone:
            grants.revoke(self.paths.state_dir, dom.uuid, gone)

    def _launch_paths(self, dom: Domain, plan: LaunchPlan) -> list[hostpaths.HostPath]:
        groups: dict[str, str] = {}
        if dom.config.pci:
            from hvmctl.daemon import passthrough

            groups = {bdf: g for bdf in dom.config.pci if (g := passthrough.iommu_group(bdf)) is not None}
        return hostpaths.host_paths(dom.config, plan, accel=self.facts_for(dom.config).accel, iommu_groups=groups)

    def grant_launch(self, dom: Domain, plan: LaunchPlan) -> None:
        """Give the guest's uid what its QEMU opens by path (qemu/hostpaths.py)."""
        if dom.qemu_ident is None:
            return
        for port in hostpaths.serial_files([dom.config.serial, *dom.config.more_serials]):
            if os.path.isdir(os.path.dirname(port)) and not os.path.exists(port):
                os.close(os.open(port, os.O_WRONLY | os.O_CREAT | os.O_CLOEXEC, 0o640))
        grants.grant(self.paths.state_dir, dom.uuid, dom.qemu_ident, self._launch_paths(dom, plan))

    def jail_prefix(self, dom: Domain, plan: LaunchPlan, argv: list[str]) -> list[str]:
        """The exec helper that puts QEMU in its own mount namespace (daemon/jail.py), or
        nothing: the jail is off on this host, or QEMU of this guest runs as root."""
        if not self.jail.on or dom.qemu_ident is None:
            return []
        from hvmctl.qemu import jailplan

        exe = os.path.realpath(shutil.which(argv[0]) or argv[0])
        assert self.jail.layout is not None
        items = self._launch_paths(dom, plan)
        if firmware.uses_ovmf(dom.config):  # public, so not granted; there if outside /usr
            items.append(hostpaths.HostPath(firmware.code_file(dom.config, self.facts.firmware_dir), "r"))
        mounts = jailplan.jail_mounts(dom.config, plan, items, exe=exe, layout=self.jail.layout)
        return jail.prefix(self.jail, dom.qemu_ident.uid, dom.qemu_ident.gid, exe, mounts)

    def state_files(self, dom: Domain) -> dict[str, Any]:
        """What a save file or a migration carries besides the record (UEFI variables)."""
        return statefiles.collect(self.paths, dom.config)

    # ---- lookups ---------------------------------------------------------------------
    def lookup(self, ref: str) -> Domain:
        """A domain by name, ID or UUID (xm accepts all three)."""
        for dom in self.domains.values():
            if dom.name == ref or dom.uuid == ref.lower():
                return dom
        if ref.isascii() and ref.isdigit():  # "²".isdigit() is True, int("²") fails
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
        host: str | None = None,
        check: Callable[[DomainConfig], None] | None = None,
    ) -> dict[str, Any]:
        """``check``: the caller's gate on the parsed profile (the API's host-path rule),
        run before anything else, dry runs included."""
        from hvmctl.config import parse_profile  # the profile reader: only when a profile comes

        loaded = parse_profile(text, filename=filename, overrides=overrides, default_name=Path(filename).name)
        if check is not None:
            check(loaded.config)
        cfg = self._complete(loaded, record=not dry_run)
        self._check_conflicts(cfg)
        result: dict[str, Any] = {"warnings": [str(w) for w in loaded.warnings], "notes": []}
        if dry_run:
            result["argv"] = await self.dry_run_argv(cfg, paused=paused)
            result["config"] = cfg.to_dict()
            result["notes"] = self.machine_notes(cfg)
            return result
        if self.pool is not None and (host is not None or cfg.ha or cfg.host_tags):
            placed: dict[str, Any] = await self.pool.create(cfg, host=host, paused=paused)  # placement
            return result | placed
        if host is not None:
            from hvmctl.pool import PoolError

            raise PoolError(f"--host {host}: this daemon is not a pool member (HVMCTL_POOL_ETCD is not set)")
        dom = await self.create_from_config(
            cfg, profile_path=filename if filename.startswith("/") else None, paused=paused
        )
        result["notes"] = self.network.notes(dom) + self.machine_notes(dom.config)
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
        managed: Domain | None = None,
        state_files: dict[str, Any] | None = None,
    ) -> Domain:
        """Register and launch a domain from a complete config (a parsed profile, or the
        record a save file or a migration source carries): one path for every way in.
        ``managed``: the definition this is an incarnation of (a resumed managed domain),
        whose flags the new domain takes before its first record is written.
        ``state_files``: what a save file or a migration carried besides the record (the
        UEFI variable store), put in place once nothing else holds the UUID."""
        await self.ensure_accel(cfg.accel)
        self._check_conflicts(cfg, vnc_display=vnc_display)  # after the last await: nothing slips in
        statefiles.install(self.paths, cfg, state_files)
        dom = Domain(self, cfg, profile_path)
        if managed is not None:
            dom.managed, dom.autostart = True, managed.autostart
        if incoming and self.pool is not None:
            self.pool.expect_incoming(dom.uuid)
        self.domains[dom.uuid] = dom
        try:
            await dom.launch(paused=paused, incoming=incoming, vnc_display=vnc_display, intent=intent)
        except BaseException:
            self.forget(dom)
            raise
        return dom

    async def dry_run_argv(self, cfg: DomainConfig, *, paused: bool = False) -> list[str]:
        """The argv ``create`` would run for ``cfg`` now: the same planning and checks as
        :meth:`Domain.launch`, on a domain that is never registered, with no side effects
        (the domain ID is the next one, not taken). The files a start passes as fds are
        planned, not opened (fdtable.PlannedFds): the argv is the start's but for the fd
        numbers, and ``-add-fd ...,opaque=KEY=PATH`` names each file."""
        from hvmctl.daemon import fdtable

        await self.ensure_accel(cfg.accel)
        dom = Domain(self, cfg)
        plan = await self.plan_launch(dom, self._next_domid, self.run_dir_for(dom), dry_run=True)
        plan = fdtable.open_launch(dom.config, plan, fdtable.PlannedFds())
        # dom.config, not cfg: planning may settle parts of the definition (as at a real start)
        argv = build_argv(dom.config, self.facts_for(dom.config), plan)
        return argv + ["-S"] if paused else argv

    def machine_notes(self, cfg: DomainConfig) -> list[str]:
        """What the guest asked for and does not get on this host (a line each)."""
        from hvmctl.devices import cpu

        facts = self.facts_for(cfg)
        return firmware.notes(cfg) + cpu.left_out(cfg, facts.accel, facts.nested)

    def _complete(self, loaded: "LoadedProfile", *, record: bool = True) -> DomainConfig:
        """Fill what the profile left to the toolstack: a UUID and stable MACs (kept in the
        MAC registry by UUID, or by name for profiles without one: see NetworkManager).
        ``record=False`` (dry-run): the MACs a create would get, the registry untouched."""
        cfg = loaded.config
        cfg = replace(cfg, uuid=cfg.uuid or str(uuidlib.uuid4()))
        return self.network.assign_macs(
            cfg, keyed_by_uuid=loaded.config.uuid is not None, known=self.domains.values(), record=record
        )

    def _check_conflicts(self, cfg: DomainConfig, *, vnc_display: int | None = None) -> None:
        """Refuse before anything starts: the registry's one check (name, UUID, MACs, disks
        by identity, VNC display), then whether a fixed VNC port is free on the host."""
        self.registry.check(claim_for_config(cfg, vnc_display=vnc_display))
        if cfg.vfb and cfg.vfb.type == "vnc" and not cfg.vfb.vncunused and cfg.vfb.vncdisplay is not None:
            from hvmctl.daemon import hostcheck

            hostcheck.check_vnc_display_free(cfg, cfg.vfb.vncdisplay)

    # ---- host ------------------------------------------------------------------------
    def host_info(self) -> dict[str, Any]:
        base = listing.host_base(self.paths, started_at=self.started_at, domains=len(self.domains),
                                 accel=self.facts.accel if self._accel_ready else None,
                                 accel_reason=self.accel_reason)
        return {**base, **hostreport.report(self)}

    async def shutdown_daemon(self) -> None:
        """Close monitors (guests keep running: they are not the daemon's to end)."""
        for dom in self.domains.values():
            if dom.monitor is not None:
                await dom.monitor.close()


def _kernel_boot(cfg: DomainConfig, run_dir: Path, formats: dict[str, str], dry_run: bool) -> KernelBoot | None:
    """kernel_boot_for; a dry-run extracts into a scratch dir that is removed, and names
    the files where the real start puts them (the run dir)."""
    from hvmctl.storage.bootloader import kernel_boot_for  # pygrub's readers: only at a start

    if not dry_run:
        return kernel_boot_for(cfg, run_dir, formats)
    with tempfile.TemporaryDirectory(prefix="hvmctl-dry-") as scratch:
        boot = kernel_boot_for(cfg, Path(scratch), formats)

    def moved(path: str | None) -> str | None:
        if path is not None and path.startswith(scratch + os.sep):
            return str(run_dir / os.path.relpath(path, scratch))
        return path

    if boot is None:
        return None
    return replace(boot, kernel=moved(boot.kernel) or boot.kernel, initrd=moved(boot.initrd))


# where callers found them before they moved to listing (lean to import)
_platform_string = listing.platform_string
_meminfo = listing.meminfo
_host_cpu_seconds = listing.host_cpu_seconds
_boot_time = listing.boot_time
