"""Linux bridges: what ``brctl show`` showed, and plain create/delete — over netlink."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from hvmctl.errors import ConflictError, NotFoundError

from ._netlink import check_ifname, get_link, iproute, link_kind, lookup, nl_errors, where
from .mac import normalise_mac


@dataclass(frozen=True)
class BridgeInfo:
    """One row of ``brctl show``: name, id ``8000.<mac>``, STP, member interfaces."""

    name: str
    bridge_id: str
    stp: bool
    interfaces: tuple[str, ...]

    def to_dict(self) -> dict[str, Any]:
        """JSON-able form for ``--json`` and the API."""
        return {
            "name": self.name,
            "bridge_id": self.bridge_id,
            "stp": self.stp,
            "interfaces": list(self.interfaces),
        }


def _bridge_id(link: Any) -> str:
    """``8000.001122334455`` like brctl.

    pyroute2 0.9 decodes IFLA_BR_BRIDGE_ID's two priority bytes in host order (0x8000
    shows as 128), so the priority comes from IFLA_BR_PRIORITY instead. A bridge with no
    ports has an all-zero id, as brctl shows it too.
    """
    data = link.get(("linkinfo", "data"))
    prio = 0x8000
    addr = "00:00:00:00:00:00"
    if data is not None:
        if data.get("IFLA_BR_PRIORITY") is not None:
            prio = int(data.get("IFLA_BR_PRIORITY"))
        bid = data.get("IFLA_BR_BRIDGE_ID")
        if bid is not None:
            addr = str(bid["addr"])
    return f"{prio:04x}." + addr.replace(":", "").lower()


def _stp(link: Any) -> bool:
    data = link.get(("linkinfo", "data"))
    return bool(data.get("IFLA_BR_STP_STATE")) if data is not None else False


def _bridges(ipr: Any) -> list[BridgeInfo]:
    links = list(ipr.get_links())
    names = {int(link["index"]): str(link.get("ifname")) for link in links}
    members: dict[int, list[str]] = {}
    for link in links:
        master = link.get("master")
        if master:
            members.setdefault(int(master), []).append(str(link.get("ifname")))
    result = [
        BridgeInfo(
            name=names[int(link["index"])],
            bridge_id=_bridge_id(link),
            stp=_stp(link),
            interfaces=tuple(sorted(members.get(int(link["index"]), []))),
        )
        for link in links
        if link_kind(link) == "bridge"
    ]
    return sorted(result, key=lambda b: b.name)


def list_bridges(*, netns: str | None = None) -> list[BridgeInfo]:
    """Every bridge with its members, sorted by name (``brctl show``)."""
    with iproute(netns) as ipr, nl_errors(f"list bridges in {where(netns)}"):
        return _bridges(ipr)


def get_bridge(name: str, *, netns: str | None = None) -> BridgeInfo:
    """One bridge; NotFoundError when there is none of that name."""
    for bridge in list_bridges(netns=netns):
        if bridge.name == name:
            return bridge
    raise NotFoundError(f"bridge {name} not found in {where(netns)}")


def bridge_exists(name: str, *, netns: str | None = None) -> bool:
    """True when ``name`` exists and is a bridge (another kind of interface is not)."""
    with iproute(netns) as ipr, nl_errors(f"look up bridge {name}"):
        index = lookup(ipr, name)
        return index is not None and link_kind(get_link(ipr, index)) == "bridge"


def format_bridges(bridges: list[BridgeInfo]) -> str:
    """The table ``brctl show`` printed, for the CLI."""
    lines = ["bridge name\tbridge id\t\tSTP enabled\tinterfaces"]
    for b in bridges:
        first, *rest = b.interfaces or ("",)
        lines.append(f"{b.name:<15}\t{b.bridge_id}\t{'yes' if b.stp else 'no'}\t\t{first}")
        lines.extend(f"\t\t\t\t\t\t\t{iface}" for iface in rest)
    return "\n".join(lines) + "\n"


def create_bridge(
    name: str,
    *,
    mac: str | None = None,
    mtu: int | None = None,
    stp: bool = False,
    forward_delay: int = 0,
    up: bool = True,
    netns: str | None = None,
) -> bool:
    """Create a bridge (False if one of that name exists already).

    STP off and forward delay 0, as Xen's network-bridge set them: a port (a new guest's
    tap) forwards at once instead of listening for 15 s.
    """
    check_ifname(name, what="bridge name")
    with iproute(netns) as ipr:
        index = lookup(ipr, name)
        if index is not None:
            if link_kind(get_link(ipr, index)) != "bridge":
                raise ConflictError(f"{name} exists in {where(netns)} and is not a bridge")
            return False
        kw: dict[str, Any] = {
            "br_stp_state": 1 if stp else 0,
            "br_forward_delay": forward_delay * 100,  # centiseconds
        }
        if mac is not None:
            kw["address"] = normalise_mac(mac)
        if mtu is not None:
            kw["mtu"] = mtu
        with nl_errors(f"create bridge {name} in {where(netns)}"):
            ipr.link("add", ifname=name, kind="bridge", **kw)
            if up:
                ipr.link("set", index=lookup(ipr, name), state="up")
        return True


def delete_bridge(name: str, *, force: bool = False, netns: str | None = None) -> bool:
    """Delete a bridge (False if already gone); refuses while ports remain unless ``force``."""
    with iproute(netns) as ipr:
        index = lookup(ipr, name)
        if index is None:
            return False
        if link_kind(get_link(ipr, index)) != "bridge":
            raise ConflictError(f"refusing to delete {name} in {where(netns)}: not a bridge")
        ports = sorted(str(lk.get("ifname")) for lk in ipr.get_links() if lk.get("master") == index)
        if ports and not force:
            raise ConflictError(f"bridge {name} still has interfaces: {', '.join(ports)}")
        with nl_errors(f"delete bridge {name}"):
            ipr.link("del", index=index)
        return True
