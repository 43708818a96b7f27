"""The daemon's side of host networking: what each vif of a starting guest becomes on the
host, NIC hotplug on running guests, and cleaning up after both.

A vif whose bridge exists gets a persistent tap ``vif<DOMID>.<N>`` (or its ``vifname=``),
joined to the bridge, shaped by ``rate=``, announced to its ``script=`` (Xen's vif-script
interface, ``add``/``remove``) before QEMU starts; QEMU opens the tap by name. A vif whose
bridge does not exist falls back to QEMU's user-mode NAT, unless a network script is
configured (then the bridge was meant to be there, and its absence is an error).

Everything that touches the kernel runs in worker threads (pyroute2's sync API). The
daemon works in whatever network namespace it was started in: tests start it inside one.

What is made for a guest is written to ``STATE_DIR/network/nics.json`` (per incarnation,
i.e. per domain ID) *before* it is made, so a daemon killed at any moment finds and removes
it on its next start (:meth:`NetworkManager.reconcile`).

Settings (environment of the daemon, see README):
``HVMCTL_NETWORK_SCRIPT``  xend's ``network-script``, run as ``start`` at daemon start, e.g.
                           ``my-network-script`` or ``network-bridge netdev=eth1``
``HVMCTL_SCRIPTS_DIR``     where script names without a directory live (/etc/xen/scripts)
"""

from __future__ import annotations

import asyncio
import dataclasses
import logging
import os
import re
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from hvmctl.config.model import DomainConfig, VifSpec
from hvmctl.errors import (
    ConfigError,
    ConflictError,
    HostError,
    HvmctlError,
    NotFoundError,
    QemuError,
    TimeoutError_,
)
from hvmctl.network import XEN_SCRIPTS_DIR
from hvmctl.network._state import read_json, write_json_atomic
from hvmctl.network.mac import MacRegistry, is_valid_mac, normalise_mac
from hvmctl.network.nat import DEFAULT_BRIDGE, VifPlan, parse_hostfwd, plan_vif
from hvmctl.paths import Paths
from hvmctl.devices import nic as nicdev
from hvmctl.devices import layout, pci
from hvmctl.qemu.argv import NicPlan

if TYPE_CHECKING:
    from hvmctl.daemon.domain import Domain

log = logging.getLogger("hvmctl.network")

LEDGER_VERSION = 1
#: how long a guest may take to let go of a NIC after device_del (ACPI eject under TCG)
DETACH_TIMEOUT = 15.0
_VIF_TAP = re.compile(r"^vif(\d+)\.(\d+)$")


@dataclass(frozen=True)
class NetworkSettings:
    """The host-wide network settings (xend-config.sxp's, from the daemon's environment)."""

    network_script: str | None = None
    scripts_dir: Path = XEN_SCRIPTS_DIR
    default_bridge: str = DEFAULT_BRIDGE

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> "NetworkSettings":
        environ = os.environ if env is None else env
        return cls(
            network_script=environ.get("HVMCTL_NETWORK_SCRIPT") or None,
            scripts_dir=Path(environ.get("HVMCTL_SCRIPTS_DIR") or XEN_SCRIPTS_DIR),
        )

    @property
    def nat_fallback(self) -> bool:
        """With no network script, a missing bridge means "this host has none": use NAT."""
        return self.network_script is None


def mac_key(name: str, uuid: str | None, recorded: Iterable[str]) -> str:
    """The MAC registry key of a domain: its UUID when the registry knows it, else its name.

    Profiles without ``uuid`` get a fresh UUID on every create, so their MACs are kept
    under ``name:NAME`` instead (renaming such a profile gives new MACs).
    """
    return uuid if uuid is not None and uuid in set(recorded) else f"name:{name}"


def parse_attach_words(words: Sequence[str]) -> tuple[VifSpec, tuple[str, ...]]:
    """``network-attach`` arguments (``bridge=xenbr1 mac=... model=e1000``) → VifSpec, plus
    hvmctl's ``hostfwd=RULE`` (repeatable, for user-mode NAT), which xm did not have."""
    from hvmctl.config.keys import Mismatch
    from hvmctl.config.specs import parse_vif

    spec: list[str] = []
    forwards: list[str] = []
    for word in words:
        key, sep, value = word.partition("=")
        if not sep:
            raise ConfigError(f"network-attach: expected key=value, got {word!r}")
        if key.strip() == "hostfwd":
            forwards.append(parse_hostfwd(value).to_qemu())
        else:
            if "," in word:
                raise ConfigError(f"network-attach: one key=value per argument, got {word!r}")
            spec.append(word)
    try:
        vif, _notes = parse_vif(",".join(spec))
    except Mismatch as exc:
        raise ConfigError(f"network-attach: {exc.describe()}") from None
    if vif.backend not in (None, "0", "Domain-0"):
        raise ConfigError("network-attach: only backend=0 (this host) is supported")
    return vif, tuple(forwards)


def _vif_dict(vif: VifSpec) -> dict[str, Any]:
    return dataclasses.asdict(vif)


def _nic_plan(rec: Mapping[str, Any]) -> NicPlan:
    """What the argv needs of one recorded NIC."""
    return NicPlan(rec["index"], rec["mac"], rec["model"], rec["kind"], rec["tap"], tuple(rec["hostfwd"]))


def _record(plan: VifPlan, index: int, vif: VifSpec, *, hotplug: bool) -> dict[str, Any]:
    """One NIC as the daemon keeps it (runtime.nics for hotplugged ones, and the ledger)."""
    rec = plan.to_dict()
    # state: planned -> making (the name is ours to take) -> made (tap exists) -> added
    # (vif script ran); teardown undoes exactly what the state says was done
    rec.update(index=index, hotplug=hotplug, vif=_vif_dict(vif), state="planned")
    return rec


def _view(rec: Mapping[str, Any]) -> dict[str, Any]:
    """A NIC record without the bookkeeping, for runtime.nics and the API."""
    return {k: v for k, v in rec.items() if k != "state"}


def format_nic_list(nics: Sequence[Mapping[str, Any]]) -> str:
    """``xm network-list``'s table, with what a QEMU NIC has instead of rings and channels."""
    head = f"{'Idx':<4}{'BE':<4}{'MAC Addr.':<19}{'Model':<9}{'Kind':<8}{'Interface':<17}{'Bridge':<16}IP"
    rows = [head]
    for n in nics:
        where = n.get("tap") or "-"
        bridge = n.get("bridge") or ("(NAT)" if n.get("kind") == "user" else "-")
        rows.append(
            f"{n['index']:<4}{0:<4}{n.get('mac') or '-':<19}{n.get('model') or '-':<9}"
            f"{n.get('kind') or '-':<8}{where:<17}{bridge:<16}{n.get('ip') or '-'}"
        )
    return "\n".join(rows)


class NetworkManager:
    """Taps, vif scripts, NAT fallback, MACs and NIC hotplug for the daemon's guests."""

    def __init__(self, paths: Paths, settings: NetworkSettings | None = None) -> None:
        self.paths = paths
        self.settings = settings if settings is not None else NetworkSettings.from_env()
        self.macs = MacRegistry(paths.state_dir)
        self.ledger_path = paths.state_dir / "network" / "nics.json"
        self._ledger: dict[str, dict[str, Any]] = self._load_ledger()
        # uuid -> domain ID being launched: release() must also undo a launch that failed
        # after plan_nics but before the new incarnation became dom.runtime
        self._launching: dict[str, int] = {}
        self.script_results: list[dict[str, Any]] = []
        self.script_error: str | None = None

    # ---- the ledger of what we made ------------------------------------------------------
    def _load_ledger(self) -> dict[str, dict[str, Any]]:
        try:
            data = read_json(self.ledger_path)
        except HvmctlError as exc:
            log.error("%s; starting with an empty one", exc)
            return {}
        if not isinstance(data, dict) or not isinstance(data.get("incarnations"), dict):
            return {}
        return dict(data["incarnations"])

    def _save_ledger(self) -> None:
        write_json_atomic(self.ledger_path, {"version": LEDGER_VERSION, "incarnations": self._ledger})

    def _entry(self, domid: int, dom: "Domain") -> dict[str, Any]:
        return self._ledger.setdefault(str(domid), {"uuid": dom.uuid, "name": dom.name, "nics": []})

    def ledger(self) -> dict[str, dict[str, Any]]:
        """What the daemon holds on the host, per domain ID (a copy, for views and tests)."""
        return {k: dict(v) for k, v in self._ledger.items()}

    # ---- daemon start -------------------------------------------------------------------
    async def start(self) -> None:
        """Daemon start: run the configured network script (``start``; idempotent).

        A failing script is logged, not fatal: running guests must still be re-attached,
        and a guest whose bridge is missing then gets a clear error at create.
        """
        spec = self.settings.network_script
        if spec is None:
            return
        from hvmctl.network.netscript import run_network_script

        try:
            results = await asyncio.to_thread(
                run_network_script, spec, "start", state_dir=self.paths.state_dir,
                scripts_dir=self.settings.scripts_dir,
            )
        except HvmctlError as exc:
            self.script_error = f"network-script {spec!r}: {exc.message}"
            log.error("%s", self.script_error)
            return
        self.script_results = [r.to_dict() for r in results]
        for r in results:
            log.info("%s", r.message)

    async def reconcile(self, domains: Iterable["Domain"]) -> list[str]:
        """After re-attach: remove what belongs to no live QEMU any more; return tap names.

        Live = a domain whose QEMU process we hold. Recorded incarnations that are not live
        are released (vif script ``remove``, tap deleted). Untracked taps named ``vifD.N``
        are removed when domain ID D is not live *and* nobody holds the tap open (no
        carrier): another toolstack's tap in use is never touched.
        """
        live = {d.domid for d in domains if d.domid is not None and d.process is not None}
        removed: list[str] = []
        for key in list(self._ledger):
            if int(key) not in live:
                removed += await self._release_incarnation(int(key))
        if not any(name.startswith("vif") for name in _interface_names()):
            return removed  # no tap of ours can be left: netlink (pyroute2, ~13 MiB) not needed
        from hvmctl.network.taps import delete_tap, tap_carriers

        tracked = {n["tap"] for e in self._ledger.values() for n in e["nics"] if n.get("tap")}
        try:
            carriers = await asyncio.to_thread(tap_carriers, prefix="vif")
        except HvmctlError as exc:
            log.warning("cannot list taps: %s", exc)
            return removed
        for name, carrier in sorted(carriers.items()):
            m = _VIF_TAP.match(name)
            if name in tracked or m is None or int(m.group(1)) in live or carrier:
                continue
            try:
                if await asyncio.to_thread(delete_tap, name):
                    removed.append(name)
                    log.info("removed orphan tap %s", name)
            except HvmctlError as exc:
                log.warning("orphan tap %s: %s", name, exc)
        return removed

    # ---- MACs ---------------------------------------------------------------------------
    def key_of(self, dom: "Domain") -> str:
        """The MAC registry key of a known domain (see :func:`mac_key`)."""
        return mac_key(dom.name, dom.uuid, self.macs.domains())

    def _active_keys(self, known: Iterable["Domain"]) -> set[str]:
        recorded = self.macs.domains()
        return {mac_key(d.name, d.uuid, recorded) for d in known}

    def assign_macs(
        self, cfg: DomainConfig, *, keyed_by_uuid: bool, known: Iterable["Domain"], record: bool = True
    ) -> DomainConfig:
        """Give every vif its MAC: the profile's ``mac=``, else the one this domain had
        before (kept across restarts and daemon restarts), else a fresh unique one.

        ``keyed_by_uuid``: the profile named its UUID (else the name is the key, because
        such profiles get a fresh UUID on every create). A ``mac=`` held by a domain that
        exists now is refused (ConflictError); one recorded for a domain gone is taken over.
        ``record=False`` (dry-run): the same MACs and refusals, the registry left as it is.
        """
        assert cfg.uuid is not None
        known = list(known)
        key = cfg.uuid if keyed_by_uuid else f"name:{cfg.name}"
        recorded = self.macs.domains()
        others = [d for d in known if mac_key(d.name, d.uuid, recorded) != key]  # same key: a name clash
        self.refuse_duplicates([v.mac for v in cfg.vifs], others)
        decide = self.macs.assign_all if record else self.macs.preview_all
        macs = decide(
            key, {i: v.mac for i, v in enumerate(cfg.vifs)}, name=cfg.name, active=self._active_keys(known)
        )
        return replace(cfg, vifs=tuple(replace(v, mac=macs[i]) for i, v in enumerate(cfg.vifs)))

    @staticmethod
    def refuse_duplicates(wanted: Iterable[str | None], known: Iterable["Domain"]) -> None:
        """ConflictError when a requested MAC is on a NIC of a domain that exists now: the
        daemon's one conflict check (daemon.registry), asked about ``known`` only."""
        from hvmctl.daemon.registry import LocalRegistry, mac_claim

        others = list(known)
        LocalRegistry(lambda: others).check(mac_claim(wanted))

    # ---- launch / teardown ----------------------------------------------------------------
    def _wanted(self, dom: "Domain") -> list[tuple[int, VifSpec, str | None, bool, tuple[str, ...]]]:
        """(index, vif, mac, hotplugged, forwards) of the NICs this incarnation gets.

        The live definition's vifs are the NICs (a NIC hot-attached is in it, one detached
        is not), so a restart, restore or migration target gets the NICs the guest had at
        its end; NAT port forwards stay from the incarnation before.
        """
        previous = dom.runtime.nics if dom.runtime is not None else []
        by_index = {int(n["index"]): n for n in previous}
        wanted = []
        numbered = nicdev.numbered(dom.config)
        for index, vif in numbered:
            old = by_index.get(index, {})
            hotplug = bool(old.get("hotplug", vif.devid is not None))
            wanted.append((index, vif, vif.mac, hotplug, tuple(old.get("hostfwd") or ())))
        mine = {index for index, _ in numbered}
        for index, old in sorted(by_index.items()):  # records from before the live definition
            if old.get("hotplug") and index not in mine and isinstance(old.get("vif"), dict):
                vif = VifSpec(**old["vif"])
                wanted.append((index, vif, old.get("mac"), True, tuple(old.get("hostfwd") or ())))
        return wanted

    async def plan_nics(self, dom: "Domain", domid: int, *, dry_run: bool = False) -> tuple[NicPlan, ...]:
        """Before QEMU starts: decide every vif, create and wire its tap, run its script.

        On any failure whatever this call made is removed again before the error goes up.
        ``dry_run``: the same decisions and errors, and nothing made or written down.
        """
        from hvmctl.network.bridge import list_bridges

        wanted = self._wanted(dom)
        if not wanted:
            return ()
        bridges = {b.name for b in await asyncio.to_thread(list_bridges)}
        ovs = await asyncio.to_thread(self._ovs_bridges, [v for _, v, _, _, _ in wanted], bridges)
        if dry_run:
            return tuple(_nic_plan(_record(self._plan_vif(dom, domid, index, vif, mac, forwards, bridges, ovs,
                                                          record=False),
                                           index, vif, hotplug=hotplug))
                         for index, vif, mac, hotplug, forwards in wanted)
        self._launching[dom.uuid] = domid
        entry = self._entry(domid, dom)
        try:
            for index, vif, mac, hotplug, forwards in wanted:
                plan = self._plan_vif(dom, domid, index, vif, mac, forwards, bridges, ovs)
                rec = _record(plan, index, vif, hotplug=hotplug)
                entry["nics"].append(rec)
                self._save_ledger()
                if plan.kind == "bridge":
                    await self._bring_up(rec, domid)
        except BaseException:
            await self._release_incarnation(domid)
            raise
        return tuple(_nic_plan(r) for r in entry["nics"])

    def _ovs_bridges(self, vifs: Sequence[VifSpec], bridges: set[str]) -> frozenset[str] | None:
        """Worker thread: Open vSwitch's bridges when a vif names a bridge Linux does not
        have (None: OVS not installed). An OVS that does not answer counts as having none,
        unless a vif asks for a VLAN (then only OVS can serve it, and its error is the answer)."""
        from hvmctl.config.specs import ovs_bridge
        from hvmctl.network import ovs

        names = [v.bridge or self.settings.default_bridge for v in vifs]
        wanted = [n for n in names if n is not None and n not in bridges]
        if not wanted:
            return frozenset()
        try:
            return ovs.list_bridges()
        except HvmctlError as exc:
            if any(ovs_bridge(n) is not None for n in wanted):
                raise
            log.warning("%s", exc)
            return frozenset()

    def _plan_vif(self, dom: "Domain", domid: int, index: int, vif: VifSpec, mac: str | None,
                  forwards: tuple[str, ...], bridges: set[str], ovs: frozenset[str] | None = frozenset(),
                  *, record: bool = True) -> VifPlan:
        """What one vif becomes (pure but for the MAC registry write when it had no MAC)."""
        if mac is None:
            if record:
                mac = self.macs.assign(self.key_of(dom), index, name=dom.name)
            else:
                mac = self.macs.preview_all(self.key_of(dom), {index: None}, name=dom.name)[index]
        return plan_vif(
            vif, index, domid, bridges.__contains__, mac=mac,
            default_bridge=self.settings.default_bridge,
            nat_fallback=self.settings.nat_fallback, hostfwd=forwards, ovs_bridges=ovs,
        )

    async def _bring_up(self, rec: dict[str, Any], domid: int) -> None:
        """The tap (replacing a stale one nobody holds), its bridge and rate, then the vif
        script's ``add`` — Xen's order: the device exists before the hook. Each step is
        written down before it is taken, so a crash at any point is undone on restart."""
        await asyncio.to_thread(self._claim_name, rec)
        rec["state"] = "making"
        self._save_ledger()
        await asyncio.to_thread(self._make_tap, rec)
        rec["state"] = "made"
        self._save_ledger()
        await asyncio.to_thread(self._vif_script, rec, "add", domid)
        rec["state"] = "added"
        self._save_ledger()

    @staticmethod
    def _claim_name(rec: dict[str, Any]) -> None:
        """Worker thread: refuse a tap of that name in use; remove a stale one (no carrier)."""
        from hvmctl.network.taps import delete_tap, tap_carriers, tap_info

        name = rec["tap"]
        if tap_info(name) is not None:  # ConflictError when it is not a tap at all
            if tap_carriers(prefix=name).get(name):
                raise ConflictError(f"vif {rec['index']}: interface {name} exists and is in use")
            log.warning("replacing stale tap %s", name)
            delete_tap(name)

    @staticmethod
    def _make_tap(rec: dict[str, Any]) -> None:
        from hvmctl.network.taps import create_tap, delete_tap

        if not rec.get("ovs"):
            create_tap(rec["tap"], bridge=rec["bridge"], guest_mac=rec["mac"], rate=rec.get("rate"))
            return
        from hvmctl.network import ovs

        create_tap(rec["tap"], bridge=None, guest_mac=rec["mac"], rate=rec.get("rate"))
        try:
            ovs.add_port(ovs.OvsPort.from_dict(rec["ovs"]), rec["tap"])
        except BaseException:
            delete_tap(rec["tap"])
            raise

    def _vif_script(self, rec: dict[str, Any], action: str, domid: int) -> None:
        from hvmctl.network.vifscript import run_vif_script

        run_vif_script(
            rec.get("script"), action, vif=rec["tap"], bridge=rec.get("bridge"), mac=rec.get("mac"),
            ip=rec.get("ip"), domid=domid, devid=rec["index"], scripts_dir=self.settings.scripts_dir,
        )

    def _tear_down(self, rec: dict[str, Any], domid: int) -> None:
        """Worker thread: the vif script's ``remove`` (if ``add`` ran), then the tap goes.
        Errors are logged: a teardown must finish whatever one step says."""
        from hvmctl.network.taps import delete_tap

        name = rec.get("tap")
        state = rec.get("state")
        if not name or state not in ("making", "made", "added"):
            return  # never made by us: a tap of that name is someone else's
        if state == "added":
            try:
                self._vif_script(rec, "remove", domid)
            except HvmctlError as exc:
                log.warning("%s", exc)
        if rec.get("ovs"):
            from hvmctl.network import ovs

            try:
                ovs.del_port(name)
            except HvmctlError as exc:
                log.warning("%s", exc)
        try:
            delete_tap(name)
        except HvmctlError as exc:
            log.warning("tap %s: %s", name, exc)

    async def _release_incarnation(self, domid: int) -> list[str]:
        entry = self._ledger.get(str(domid))
        if entry is None:
            return []
        gone = []
        for rec in entry["nics"]:
            if rec.get("tap"):
                await asyncio.to_thread(self._tear_down, rec, domid)
                gone.append(rec["tap"])
        self._ledger.pop(str(domid), None)  # only once done: a crash midway is retried
        self._save_ledger()
        return gone

    async def release(self, dom: "Domain") -> None:
        """The guest's QEMU is gone (or never started): remove its taps. Idempotent."""
        domids = {dom.domid, self._launching.pop(dom.uuid, None)}
        for domid in sorted(d for d in domids if d is not None):
            await self._release_incarnation(domid)

    # ---- views ----------------------------------------------------------------------------
    def nics(self, dom: "Domain") -> list[dict[str, Any]]:
        """Every NIC of the running incarnation, with what the ledger knows about it."""
        if dom.runtime is None:
            return []
        entry = self._ledger.get(str(dom.runtime.domid), {"nics": []})
        rich = {int(n["index"]): n for n in entry["nics"]}
        out = []
        for nic in dom.runtime.nics:
            out.append(_view(dict(rich.get(int(nic["index"]), {})) | dict(nic)))
        return sorted(out, key=lambda n: int(n["index"]))

    def notes(self, dom: "Domain") -> list[str]:
        """One line per NIC for ``create``'s output: tap and bridge, or NAT and why."""
        return [f"{n['note']}, mac {n['mac']} ({n['model']})" for n in self.nics(dom) if n.get("note")]

    # ---- hotplug ---------------------------------------------------------------------------
    async def attach(self, dom: "Domain", words: Sequence[str], known: Iterable["Domain"]) -> dict[str, Any]:
        """``network-attach``: a new NIC on a running guest (tap + netdev_add + device_add)."""
        from hvmctl.network.bridge import list_bridges

        vif, forwards = parse_attach_words(words)
        known = list(known)
        async with dom.lock:
            dom.require("hotplug")
            rt = dom.runtime
            if rt is None or dom.monitor is None:
                raise HvmctlError(f"domain '{dom.name}' has no running QEMU")
            index = nicdev.next_index(dom.config, [int(n["index"]) for n in rt.nics])
            slots = pci.assign(layout.pin(dom.config).slots, [nicdev.device_id(index)], where=f"domain '{dom.name}'")
            key = self.key_of(dom)
            requested = normalise_mac(vif.mac) if vif.mac else None
            self.refuse_duplicates([requested], known)
            if vif.vifname:
                from hvmctl.daemon.registry import LocalRegistry, tap_claim

                LocalRegistry(lambda: known).check(tap_claim([vif.vifname]), exclude=dom.uuid)
            mac = self.macs.assign(key, index, name=dom.name, requested=requested,
                                   active=self._active_keys(known))
            bridges = {b.name for b in await asyncio.to_thread(list_bridges)}
            try:
                ovs = await asyncio.to_thread(self._ovs_bridges, [vif], bridges)
                plan = plan_vif(vif, index, rt.domid, bridges.__contains__, mac=mac,
                                default_bridge=self.settings.default_bridge,
                                nat_fallback=self.settings.nat_fallback, hostfwd=forwards, ovs_bridges=ovs)
            except BaseException:
                self.macs.release(key, index=index)
                raise
            rec = _record(plan, index, vif, hotplug=True)
            entry = self._entry(rt.domid, dom)
            entry["nics"].append(rec)
            self._save_ledger()
            try:
                if plan.kind == "bridge":
                    await self._bring_up(rec, rt.domid)
                await self._qmp_add(dom, rec, slots)
            except BaseException:
                await asyncio.to_thread(self._tear_down, rec, rt.domid)
                entry["nics"].remove(rec)
                self._save_ledger()
                self.macs.release(key, index=index)
                raise
            nic = _view(rec)
            rt.nics.append(nic)
            # the live definition: a restart, restore or migration target gets this NIC,
            # with the same number, MAC and PCI slot
            live = replace(vif, mac=rec["mac"], devid=index)
            dom.config = replace(dom.config, vifs=dom.config.vifs + (live,), slots=slots)
            dom.host.persist(dom)
            log.info("domain %s: attached %s", dom.name, rec["note"])
            return nic

    @staticmethod
    async def _qmp_add(dom: "Domain", rec: dict[str, Any], slots: dict[str, int]) -> None:
        """netdev_add + device_add from the same description the argv renders. A bridged
        NIC's tap is opened by the daemon and passed (getfd; QEMU's netdev takes it over)."""
        index = int(rec["index"])
        fdname = None
        if rec["kind"] == "bridge" and rec.get("tap") and dom.monitor is not None:
            from hvmctl.network.taps import open_tap

            fd = await asyncio.to_thread(open_tap, rec["tap"])
            try:
                fdname = f"hvmctl-tap{index}"
                await dom.pass_fd(fd, "getfd", {"fdname": fdname})
            finally:
                os.close(fd)
        netdev = nicdev.netdev_props(index, rec["kind"], rec.get("tap"), rec.get("hostfwd") or (), fd=fdname)
        try:
            await dom.qmp("netdev_add", nicdev.netdev_add_args(netdev))
        except BaseException:
            if fdname is not None:
                try:  # refused before the netdev took the fd: QEMU must not keep it
                    await dom.qmp("closefd", {"fdname": fdname})
                except HvmctlError:
                    pass
            raise
        try:
            await dom.qmp("device_add", nicdev.device_props(index, rec["model"], rec["mac"], slots))
        except BaseException:
            try:
                await dom.qmp("netdev_del", {"id": nicdev.netdev_id(index)})
            except HvmctlError:
                pass
            raise

    @staticmethod
    def _find(dom: "Domain", which: str) -> dict[str, Any]:
        rt = dom.runtime
        nics = rt.nics if rt is not None else []
        if which.isdigit():
            found = [n for n in nics if int(n["index"]) == int(which)]
        elif is_valid_mac(which):
            found = [n for n in nics if n.get("mac") == normalise_mac(which)]
        else:
            raise ConfigError(f"network-detach: expected a device number or a MAC, got {which!r}")
        if not found:
            raise NotFoundError(f"domain '{dom.name}' has no network device {which}")
        return found[0]

    async def detach(self, dom: "Domain", which: str, *, force: bool = False,
                     timeout: float = DETACH_TIMEOUT) -> dict[str, Any]:
        """``network-detach``: unplug a NIC (the guest must let go: ACPI eject), then its
        netdev and tap. ``force`` removes the backend even when the guest did not answer."""
        async with dom.lock:
            dom.require("hotplug")
            rt = dom.runtime
            if rt is None or dom.monitor is None:
                raise HvmctlError(f"domain '{dom.name}' has no running QEMU")
            nic = self._find(dom, which)
            index = int(nic["index"])
            device = f"nic{index}"
            try:
                await dom.qmp("device_del", {"id": device})
            except QemuError as exc:
                if "DeviceNotFound" not in exc.message:
                    raise
            if not await self._device_gone(dom, device, timeout) and not force:
                raise TimeoutError_(
                    f"domain '{dom.name}': the guest did not release network device {index} within "
                    f"{timeout:.0f} s (no ACPI PCI hotplug in the guest?); use --force to remove it anyway"
                )
            try:
                await dom.qmp("netdev_del", {"id": f"net{index}"})
            except QemuError as exc:
                if "not found" not in exc.message.lower():
                    raise
            entry = self._ledger.get(str(rt.domid), {"nics": []})
            for rec in [n for n in entry["nics"] if int(n["index"]) == index]:
                await asyncio.to_thread(self._tear_down, rec, rt.domid)
                entry["nics"].remove(rec)
            self._save_ledger()
            rt.nics.remove(nic)
            dom.config = without_nic(dom.config, index)
            dom.host.persist(dom)
            if nic.get("hotplug"):
                self.macs.release(self.key_of(dom), index=index)
            log.info("domain %s: detached network device %d (%s)", dom.name, index, nic.get("mac"))
            return _view(nic)

    @staticmethod
    async def _device_gone(dom: "Domain", device: str, timeout: float) -> bool:
        deadline = time.monotonic() + timeout
        while True:
            buses = await dom.qmp("query-pci")
            ids = {d.get("qdev_id") for bus in buses for d in _pci_devices(bus.get("devices", []))}
            if device not in ids:
                return True
            if time.monotonic() > deadline:
                return False
            await asyncio.sleep(0.1)

    async def forward(self, dom: "Domain", rule: str, *, index: int | None = None,
                      remove: bool = False) -> dict[str, Any]:
        """Add (or remove) a host port forward on a user-mode NAT NIC of a running guest;
        it is kept for the domain's later incarnations."""
        fwd = parse_hostfwd(rule)
        async with dom.lock:
            dom.require("hotplug")
            rt = dom.runtime
            if rt is None or dom.monitor is None:
                raise HvmctlError(f"domain '{dom.name}' has no running QEMU")
            users = [n for n in rt.nics if n.get("kind") == "user"]
            if index is not None:
                users = [n for n in users if int(n["index"]) == index]
            if not users:
                which = f"network device {index}" if index is not None else "any network device"
                raise ConfigError(f"domain '{dom.name}': {which} on user-mode NAT; forwards need one")
            nic = users[0]
            text = fwd.to_qemu()
            if remove:
                line = f"hostfwd_remove net{nic['index']} {fwd.proto}:{fwd.host_addr}:{fwd.host_port}"
            else:
                if text in (nic.get("hostfwd") or []):
                    raise ConflictError(f"forward {text} is already set on network device {nic['index']}")
                line = f"hostfwd_add net{nic['index']} {text}"
            answer = str(await dom.qmp("human-monitor-command", {"command-line": line}) or "").strip()
            # HMP's only report: silence when a rule was added, "... removed" / "... not found"
            if (remove and not answer.endswith("removed")) or (not remove and answer):
                raise HostError(f"domain '{dom.name}': {line}: {answer or 'failed'}")
            current = [f for f in (nic.get("hostfwd") or []) if f != text]
            nic["hostfwd"] = current if remove else current + [text]
            dom.host.persist(dom)
            return dict(nic)

    # ---- host bridges ---------------------------------------------------------------------
    async def bridges(self) -> list[dict[str, Any]]:
        """``brctl show``: every bridge of the daemon's network namespace."""
        from hvmctl.network.bridge import list_bridges

        return [b.to_dict() for b in await asyncio.to_thread(list_bridges)]

    async def network_bridge(self, args: Sequence[str], *, force: bool = False) -> dict[str, Any]:
        """Xen's ``network-bridge start|stop|status vifnum=N [bridge=] [netdev=]``."""
        from hvmctl.network.netbridge import network_bridge

        result = await asyncio.to_thread(network_bridge, list(args), state_dir=self.paths.state_dir, force=force)
        log.info("%s", result.message)
        return result.to_dict()


def without_nic(cfg: DomainConfig, index: int) -> DomainConfig:
    """The live definition without NIC ``index``; the NICs after it keep their numbers
    (their ``devid`` is recorded), and its PCI slot is free again."""
    vifs = tuple(replace(v, devid=n) for n, v in nicdev.numbered(cfg) if n != index)
    slots = {k: v for k, v in cfg.slots.items() if k != nicdev.device_id(index)}
    return replace(cfg, vifs=vifs, slots=slots)


def _pci_devices(devices: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """query-pci's devices, including those behind PCI bridges."""
    out = []
    for d in devices:
        out.append(d)
        bridge = d.get("pci_bridge") or {}
        out += _pci_devices(bridge.get("devices", []))
    return out


# ---- --live / --config (daemon/scope.py) ---------------------------------------------------
def vif_added(dom: "Domain", vif: VifSpec, live_mac: dict[str, str]) -> Callable[[DomainConfig], DomainConfig]:
    """network-attach of a definition: one more vif (the MAC the live NIC got, when it got
    one; else the profile's or one given at the next start). Its number follows the others'."""
    def change(cfg: DomainConfig) -> DomainConfig:
        mac = live_mac.get("mac") or (normalise_mac(vif.mac) if vif.mac else None)
        if mac is not None and mac in {normalise_mac(v.mac) for v in cfg.vifs if v.mac}:
            raise ConflictError(f"the definition of domain '{dom.name}' already has a NIC with mac {mac}")
        numbered = any(v.devid is not None for v in cfg.vifs)
        new = replace(vif, mac=mac, devid=nicdev.next_index(cfg) if numbered else None)
        return replace(cfg, vifs=cfg.vifs + (new,))
    return change


def vif_removed(dom: "Domain", which: str, live_mac: dict[str, str]) -> Callable[[DomainConfig], DomainConfig]:
    """network-detach of a definition: the vif of that number (or MAC; the live NIC's MAC
    when both change)."""
    def change(cfg: DomainConfig) -> DomainConfig:
        mac = live_mac.get("mac") or (normalise_mac(which) if is_valid_mac(which) else None)
        for index, v in nicdev.numbered(cfg):
            if (mac is not None and v.mac and normalise_mac(v.mac) == mac) or (mac is None and str(index) == which):
                return without_nic(cfg, index)
        if not which.isdigit() and mac is None:
            raise ConfigError(f"network-detach: expected a device number or a MAC, got {which!r}")
        raise NotFoundError(f"the definition of domain '{dom.name}' has no network device {which}")
    return change


async def attach_scoped(net: NetworkManager, dom: "Domain", words: Sequence[str], known: Iterable["Domain"], *,
                        live: bool = False, config: bool = False) -> dict[str, Any]:
    from hvmctl.daemon import scope

    where = scope.resolve(dom, "network-attach", live=live, config=config)
    vif, forwards = parse_attach_words(words)
    others = [d for d in known if d.uuid != dom.uuid]
    if not where.live:
        if forwards:
            raise ConfigError("network-attach --config: hostfwd= is for a running guest's NAT NIC")
        net.refuse_duplicates([vif.mac], others)
        if vif.vifname:
            from hvmctl.daemon.registry import LocalRegistry, tap_claim

            LocalRegistry(lambda: others).check(tap_claim([vif.vifname]))
    got: dict[str, str] = {}

    async def change_guest() -> dict[str, Any]:
        nic = await net.attach(dom, words, known)
        got["mac"] = str(nic["mac"])
        return {"name": dom.name, "nic": nic}
    return await scope.apply(dom, where, change_guest, vif_added(dom, vif, got))


async def detach_scoped(net: NetworkManager, dom: "Domain", which: str, *, force: bool = False,
                        timeout: float = DETACH_TIMEOUT, live: bool = False, config: bool = False) -> dict[str, Any]:
    from hvmctl.daemon import scope

    where = scope.resolve(dom, "network-detach", live=live, config=config)
    got: dict[str, str] = {}

    async def change_guest() -> dict[str, Any]:
        nic = await net.detach(dom, which, force=force, timeout=timeout)
        if nic.get("mac"):
            got["mac"] = str(nic["mac"])
        return {"name": dom.name, "nic": nic}
    return await scope.apply(dom, where, change_guest, vif_removed(dom, which, got))


def _interface_names() -> list[str]:
    """The interfaces of this process's network namespace, from /proc/net/dev (per netns,
    unlike /sys/class/net, which shows the namespace sysfs was mounted in); on a read error,
    a name that makes the caller look with netlink."""
    try:
        with open("/proc/net/dev") as fh:
            return [line.split(":", 1)[0].strip() for line in fh.readlines()[2:] if ":" in line]
    except OSError:
        return ["vif?"]
