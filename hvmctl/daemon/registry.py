"""The one conflict check: what every domain holds on the host, and whether a new claim
clashes with it.

A domain *claims* its name, UUID, domain ID, the MACs of its NICs (hot-plugged ones
included), the host tap names its vifs ask for (``vifname=``), its VNC display and its disks, by identity (see ``hostcheck.disk_identity``: the
same image however it is named). Create, restore, incoming migration, disk hot-plug, media
change and network-attach all ask the same :class:`Registry` before they act, and get the
same one-line :class:`ConflictError`.

:class:`LocalRegistry` derives every claim from the daemon's own domains on each check
(``Daemon.domains``): there is no second copy to drift, and nothing to release when a domain
goes -- it simply stops being there. A later pool-wide registry (etcd) implements the same
interface; see :class:`Registry` for what it must make atomic.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Protocol

from hvmctl.config.model import DiskSpec, DomainConfig
from hvmctl.daemon.state import DomainState
from hvmctl.errors import ConflictError
from hvmctl.network.mac import normalise_mac

if TYPE_CHECKING:
    from hvmctl.daemon.domain import Domain

VNC_BASE_PORT = 5900


@dataclass(frozen=True)
class DiskClaim:
    """One image a domain has (or wants) open, by identity, with how it opens it."""

    identity: str
    target: str
    vdev: str
    mode: str  # "r", "w" (exclusive) or "w!" (shared on purpose)
    cdrom: bool = False

    @classmethod
    def of(cls, disk: DiskSpec) -> "DiskClaim":
        from hvmctl.daemon import hostcheck  # storage probes: not on the start-up path

        return cls(hostcheck.disk_identity(disk.target), disk.target, disk.vdev, disk.mode,
                   disk.devtype == "cdrom")


@dataclass(frozen=True)
class Claim:
    """What a domain holds, or what an action wants to take. ``None``/empty: not claimed
    (a media change claims only its image, a network-attach only its MAC)."""

    name: str | None = None
    uuid: str | None = None
    domid: int | None = None
    macs: tuple[tuple[int, str], ...] = ()  # (vif index, normalised MAC)
    vnc_display: int | None = None
    disks: tuple[DiskClaim, ...] = ()
    source: str | None = None  # the profile file, named in name/uuid errors
    taps: tuple[str, ...] = ()  # host tap names a vif asks for (vifname=)
    qemu_uid: int | None = None  # the uid its QEMU runs as (daemon/qemuuser.py)


def claim_for_config(cfg: DomainConfig, *, domid: int | None = None, vnc_display: int | None = None) -> Claim:
    """What starting ``cfg`` would claim. ``vnc_display`` pins the display (a restored or
    migrated guest keeps its own); else a fixed ``vncdisplay`` of the profile is claimed."""
    display = vnc_display
    if display is None and cfg.vfb is not None and cfg.vfb.type == "vnc" and not cfg.vfb.vncunused:
        display = cfg.vfb.vncdisplay
    return Claim(
        name=cfg.name,
        uuid=cfg.uuid,
        domid=domid,
        macs=tuple((i, normalise_mac(v.mac)) for i, v in enumerate(cfg.vifs) if v.mac),
        vnc_display=display,
        disks=tuple(DiskClaim.of(d) for d in cfg.disks if not d.empty),
        source=cfg.source,
        taps=tuple(v.vifname for v in cfg.vifs if v.vifname),
    )


def uid_claim(uid: int) -> Claim:
    """A claim of a QEMU uid only (a launch choosing its guest's uid)."""
    return Claim(qemu_uid=uid)


def tap_claim(names: Iterable[str | None]) -> Claim:
    """A claim of host tap names only (network-attach with vifname=)."""
    return Claim(taps=tuple(n for n in names if n))


def disk_claims(disks: Iterable[DiskSpec]) -> Claim:
    """A claim of images only: a hot-plugged disk, a medium put into a drive."""
    return Claim(disks=tuple(DiskClaim.of(d) for d in disks if not d.empty))


def mac_claim(macs: Iterable[str | None]) -> Claim:
    """A claim of MACs only (network-attach); the index is that of the wanted list."""
    return Claim(macs=tuple((i, normalise_mac(m)) for i, m in enumerate(macs) if m))


def holds_disks(dom: "Domain") -> bool:
    """A domain holds its disks while its QEMU may have them open: a preserved guest whose
    QEMU is gone (killed, crashed) no longer does, however it ended."""
    if dom.state in (DomainState.SHUTDOWN, DomainState.CRASHED):
        return dom.process is not None and dom.process.alive
    if dom.state in (DomainState.INACTIVE, DomainState.SUSPENDED):
        return False  # a definition holds its name, UUID and MACs, not its images
    return True


class Registry(Protocol):
    """Every claim on this host (later: in the pool), and the one conflict check.

    Atomicity: a check is only good until the claim is registered. ``LocalRegistry`` runs
    in the daemon's one event loop, so its callers check and then register the domain (or
    record the device in its config) with no ``await`` in between -- that is what makes
    check-then-take atomic here. A distributed implementation must instead make
    "check + take" one transaction (etcd: a compare-and-put of every key of the claim --
    ``names/NAME``, ``uuids/UUID``, ``macs/MAC``, ``vnc/N``, ``disks/IDENTITY`` with its
    mode -- under a lease of the holding host, released when the domain goes), and must
    keep ``check`` free of side effects: dry-runs and pre-flights call it too.

    Known window (local): disk hot-plug and media change check, then await QMP, then
    record the device in the domain's config; a create in that gap is stopped by QEMU's
    own image lock, not by this check. A ``reserve(claim)`` held across the QMP calls is
    the way to close it, and what an etcd registry needs anyway.
    """

    def claims_of(self, domain: "Domain") -> Claim:
        """What ``domain`` holds now, derived from its config and runtime."""
        ...

    def conflicts(self, claim: Claim, *, exclude: str | None = None) -> list[str]:
        """Every clash of ``claim`` with what others hold (the domain with UUID
        ``exclude`` is not an other: a hot-plug into it), one line each, in check order."""
        ...

    def check(self, claim: Claim, *, exclude: str | None = None) -> None:
        """Raise ConflictError with the first clash, if any."""
        ...


class LocalRegistry:
    """The registry of one host, read from the daemon's domains on every call."""

    def __init__(self, domains: Callable[[], Iterable["Domain"]]) -> None:
        self._domains = domains

    def claims_of(self, domain: "Domain") -> Claim:
        return self._claims_of(domain, with_macs=True, with_disks=True)

    @staticmethod
    def _claims_of(dom: "Domain", *, with_macs: bool, with_disks: bool) -> Claim:
        """A holder's claim; MACs and disks (a stat each) only when the check needs them."""
        cfg = dom.config
        rt = dom.runtime
        macs: list[tuple[int, object]] = []
        if with_macs:
            macs = [(i, v.mac) for i, v in enumerate(cfg.vifs) if v.mac]
            if rt is not None:  # NICs hot-attached to this incarnation
                macs += [(int(n["index"]), n.get("mac")) for n in rt.nics
                         if int(n["index"]) >= len(cfg.vifs) and n.get("mac")]
        vnc_port = getattr(rt, "vnc_port", None) if rt is not None else None
        disks: tuple[DiskClaim, ...] = ()
        if with_disks and holds_disks(dom):
            disks = tuple(DiskClaim.of(d) for d in cfg.disks if not d.empty)
        taps = {v.vifname for v in cfg.vifs if v.vifname}  # a definition keeps its vifnames
        if rt is not None:
            taps |= {str(n["tap"]) for n in rt.nics if n.get("tap")}
        return Claim(
            name=dom.name,
            uuid=dom.uuid,
            domid=dom.domid,
            macs=tuple((i, _held_mac(str(m))) for i, m in macs),
            vnc_display=vnc_port - VNC_BASE_PORT if vnc_port else None,
            disks=disks,
            taps=tuple(sorted(taps)),
            qemu_uid=uid if (uid := getattr(dom, "qemu_uid", None)) is not None and holds_disks(dom) else None,
        )

    def conflicts(self, claim: Claim, *, exclude: str | None = None) -> list[str]:
        found = _own_clashes(claim)
        where = f" ({claim.source})" if claim.source else ""
        for dom in self._domains():
            if exclude is not None and dom.uuid == exclude:
                continue
            theirs = self._claims_of(dom, with_macs=bool(claim.macs), with_disks=bool(claim.disks))
            if claim.name is not None and theirs.name == claim.name:
                holder = theirs.domid if theirs.domid is not None else f"'{theirs.name}' (defined, not running)"
                found.append(f"domain name '{claim.name}' is already in use by domain {holder}{where}")
            if claim.uuid is not None and theirs.uuid == claim.uuid:
                found.append(f"uuid {claim.uuid} is already in use by domain '{theirs.name}'{where}")
            if claim.domid is not None and theirs.domid == claim.domid:
                found.append(f"domain ID {claim.domid} is already in use by domain '{theirs.name}'")
            held = {mac: index for index, mac in theirs.macs}
            found += [f"mac {mac} is already used by domain '{theirs.name}' (vif {held[mac]})"
                      for _, mac in claim.macs if mac in held]
            for disk in claim.disks:
                them = next((t for t in theirs.disks if t.identity == disk.identity and _clash(disk, t)), None)
                if them is None:
                    continue
                if disk.cdrom and not them.cdrom:
                    found.append(f"{disk.target} is a writable disk of domain '{theirs.name}' ({them.vdev}); "
                                 "it cannot be a CD at the same time")
                else:
                    found.append(f"disk {disk.target} ({disk.vdev}) is already in use by domain '{theirs.name}' "
                                 f"({them.vdev}, mode {them.mode}); use mode 'w!' to share it on purpose")
            found += [f"vifname {tap} is already the host tap of a NIC of domain '{theirs.name}'{where}"
                      for tap in claim.taps if tap in theirs.taps]
            if claim.qemu_uid is not None and theirs.qemu_uid == claim.qemu_uid:
                found.append(f"qemu uid {claim.qemu_uid} is already the uid of domain '{theirs.name}'")
            if claim.vnc_display is not None and theirs.vnc_display == claim.vnc_display:
                found.append(f"vncdisplay {claim.vnc_display} is already used by domain '{theirs.name}'")
        return found

    def check(self, claim: Claim, *, exclude: str | None = None) -> None:
        found = self.conflicts(claim, exclude=exclude)
        if found:
            raise ConflictError(found[0])


def _held_mac(mac: str) -> str:
    """A MAC a domain holds, as normalise_mac writes it: held ones were checked when they
    were taken, so only the separators and case can differ (and this runs for every NIC)."""
    text = mac.strip().lower().replace("-", ":")
    return text if len(text) == 17 else normalise_mac(mac)


def _clash(mine: DiskClaim, theirs: DiskClaim) -> bool:
    """Two opens of one image clash when either writes exclusively (``w``); a CD also
    refuses an image someone writes at all (``w!`` included): it must not change under it."""
    if "w" in (mine.mode, theirs.mode):
        return True
    if mine.cdrom and theirs.mode != "r" or theirs.cdrom and mine.mode != "r":
        return True
    return False


def _own_clashes(claim: Claim) -> list[str]:
    """One domain naming the same image twice, one of them writable (xvda and a symlink to
    it as xvdb): QEMU would open it twice and corrupt it just the same."""
    found = []
    for i, disk in enumerate(claim.disks):
        for other in claim.disks[:i]:
            if disk.identity == other.identity and _clash(disk, other):
                found.append(f"disk {disk.target} ({disk.vdev}) is the same image as {other.target} "
                             f"({other.vdev}) of the same domain")
    return found
