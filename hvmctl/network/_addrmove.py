"""Moving a NIC's addresses and routes to another interface and back (network-bridge).

Captured as plain dicts so they can be written to the state file and replayed later.
"""

from __future__ import annotations

import errno
import socket
from typing import Any

from ._netlink import nl_errors

RT_TABLE_LOCAL = 255
RTPROT_KERNEL = 2
RTPROT_RA = 9
RTN_UNICAST = 1
RT_SCOPE_LINK = 253
IFA_F_NODAD = 0x02
IFA_F_PERMANENT = 0x80


def _addr_flags(msg: Any) -> int:
    flags = msg.get("IFA_FLAGS")
    return int(flags if flags is not None else msg["flags"])


def capture_addresses(ipr: Any, index: int) -> list[dict[str, Any]]:
    """The NIC's addresses worth moving: all IPv4, permanent non-link-local IPv6."""
    found = []
    for msg in ipr.get_addr(index=index):
        family = int(msg["family"])
        if family == socket.AF_INET6 and (
            msg["scope"] == RT_SCOPE_LINK or not _addr_flags(msg) & IFA_F_PERMANENT
        ):
            continue
        if family not in (socket.AF_INET, socket.AF_INET6):
            continue
        found.append(
            {
                "family": family,
                "address": str(msg.get("address")),
                "prefixlen": int(msg["prefixlen"]),
                "broadcast": msg.get("broadcast"),
                "label": msg.get("label"),
                "scope": int(msg["scope"]),
            }
        )
    return found


def capture_routes(ipr: Any, index: int) -> list[dict[str, Any]]:
    """Routes through the NIC that the kernel would not recreate by itself."""
    found = []
    for family in (socket.AF_INET, socket.AF_INET6):
        for msg in ipr.get_routes(family=family):
            if msg.get("oif") != index:
                continue
            table = msg.get("table") or msg["table"]
            if table == RT_TABLE_LOCAL or msg["proto"] in (RTPROT_KERNEL, RTPROT_RA):
                continue
            if msg["type"] != RTN_UNICAST:
                continue
            found.append(
                {
                    "family": family,
                    "dst": msg.get("dst"),
                    "dst_len": int(msg["dst_len"]),
                    "gateway": msg.get("gateway"),
                    "prefsrc": msg.get("prefsrc"),
                    "priority": msg.get("priority"),
                    "table": int(table),
                    "proto": int(msg["proto"]),
                    "scope": int(msg["scope"]),
                }
            )
    return found


def addr_text(addr: dict[str, Any]) -> str:
    return f"{addr['address']}/{addr['prefixlen']}"


def _relabel(label: str | None, old: str, new: str) -> str | None:
    """eth0:1 → xenbr0:1 (a label must start with its interface's name)."""
    if not label or not (label == old or label.startswith(old + ":")):
        return None
    relabelled = new + label[len(old) :]
    return relabelled if len(relabelled) <= 15 else None


def del_addresses(ipr: Any, index: int, addrs: list[dict[str, Any]], dev: str) -> None:
    # reversed: IPv4 secondaries before their primary, which would take them along
    for a in reversed(addrs):
        with nl_errors(f"remove {addr_text(a)} from {dev}", ignore=(errno.EADDRNOTAVAIL, errno.ENODEV)):
            ipr.addr("del", index=index, address=a["address"], prefixlen=a["prefixlen"])


def add_addresses(
    ipr: Any, index: int, addrs: list[dict[str, Any]], old: str, new: str
) -> None:
    for a in addrs:
        kw: dict[str, Any] = {"address": a["address"], "prefixlen": a["prefixlen"]}
        if a["family"] == socket.AF_INET:
            if a.get("broadcast"):
                kw["broadcast"] = a["broadcast"]
            label = _relabel(a.get("label"), old, new)
            if label:
                kw["label"] = label
        else:
            kw["flags"] = IFA_F_NODAD  # the same host's address: no duplicate to detect
        with nl_errors(f"add {addr_text(a)} to {new}", ignore=(errno.EEXIST,)):
            ipr.addr("add", index=index, **kw)


def _route_kw(r: dict[str, Any], index: int) -> dict[str, Any]:
    kw: dict[str, Any] = {
        "family": r["family"],
        "dst_len": r["dst_len"],
        "oif": index,
        "table": r["table"],
        "proto": r["proto"],
        "scope": r["scope"],
        "type": RTN_UNICAST,
    }
    for key in ("dst", "gateway", "prefsrc", "priority"):
        if r.get(key) is not None:
            kw[key] = r[key]
    return kw


def _route_text(r: dict[str, Any], dev: str) -> str:
    return f"route {r.get('dst') or 'default'}/{r['dst_len']} via {r.get('gateway')} dev {dev}"


def del_routes(ipr: Any, index: int, routes: list[dict[str, Any]], dev: str) -> None:
    """Remove moved routes from their old device: IPv4 drops them with the last address,
    IPv6 keeps them (and would then refuse the same route on the new device)."""
    for r in routes:
        gone = (errno.ESRCH, errno.ENOENT, errno.ENODEV)
        with nl_errors(f"remove {_route_text(r, dev)}", ignore=gone):
            ipr.route("del", **_route_kw(r, index))


def add_routes(ipr: Any, index: int, routes: list[dict[str, Any]], dev: str) -> None:
    for r in routes:
        with nl_errors(f"add {_route_text(r, dev)}", ignore=(errno.EEXIST,)):
            ipr.route("add", **_route_kw(r, index))
