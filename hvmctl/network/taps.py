"""Guest network interfaces on the host: persistent tap devices named like Xen's vifs.

Xen showed a guest's NIC N on the host as ``vif<DOMID>.<N>``; we create a persistent tap of
that name (or the vif's ``vifname=``), join it to the bridge, and QEMU opens it with
``-netdev tap,ifname=NAME,script=no,downscript=no``. The tap is persistent so it outlives
a QEMU restart and the daemon, not QEMU, decides when it goes.

Ownership: a persistent tap with no owner can be opened only with CAP_NET_ADMIN. Pass
``owner``/``group`` when QEMU runs as an unprivileged user; it also needs read/write access
to ``/dev/net/tun`` (mode 0600 root on these machines, so either loosen that or hand QEMU an
open fd instead of a name).

Rate: see :mod:`hvmctl.network.rate` — the tbf on the tap shapes traffic toward the guest.
"""

from __future__ import annotations

import errno
from dataclasses import dataclass
from typing import Any

from hvmctl.errors import ConflictError, HvmctlError, NotFoundError

from ._netlink import check_ifname, get_link, iproute, link_kind, lookup, nl_errors, where
from .mac import host_side_mac
from .rate import Rate, parse_rate

#: qdisc handle for the rate limit, as in ``tc qdisc add dev vif1.0 root handle 1: tbf``
TBF_HANDLE = 0x10000
TC_H_ROOT = 0xFFFFFFFF


def tap_name(domid: int, index: int, vifname: str | None = None) -> str:
    """``vif<domid>.<index>``, or the profile's ``vifname=``; checked against IFNAMSIZ."""
    if vifname:
        return check_ifname(vifname, what=f"vifname of vif {index}")
    if domid < 0 or index < 0:
        raise HvmctlError(f"bad domain id {domid} or vif index {index}")
    return check_ifname(f"vif{domid}.{index}", what=f"tap name for vif {index}")


@dataclass(frozen=True)
class TapInfo:
    """What the host shows for one tap."""

    name: str
    ifindex: int
    bridge: str | None
    mtu: int
    mac: str
    up: bool
    owner: int | None
    group: int | None
    qdisc: str | None

    def to_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "ifindex": self.ifindex,
            "bridge": self.bridge,
            "mtu": self.mtu,
            "mac": self.mac,
            "up": self.up,
            "owner": self.owner,
            "group": self.group,
            "qdisc": self.qdisc,
        }


def _is_tap(link: Any) -> bool:
    if link_kind(link) != "tun":
        return False
    data = link.get(("linkinfo", "data"))
    tun_type = data.get("IFLA_TUN_TYPE") if data is not None else None
    return tun_type in (None, 2)  # 2 = IFF_TAP; older kernels report no data


def _owner(value: Any) -> int | None:
    # the kernel reports "no owner" as (uid_t)-1
    return None if value is None or int(value) == 2**32 - 1 else int(value)


def _info(ipr: Any, index: int) -> TapInfo:
    link = get_link(ipr, index)
    data = link.get(("linkinfo", "data"))
    master = link.get("master")
    bridge = None
    if master:
        bridge = str(get_link(ipr, int(master)).get("ifname"))
    qdiscs = [q for q in ipr.get_qdiscs(index=index) if q.get("parent") == TC_H_ROOT]
    return TapInfo(
        name=str(link.get("ifname")),
        ifindex=index,
        bridge=bridge,
        mtu=int(link.get("mtu")),
        mac=str(link.get("address")),
        up=bool(link["flags"] & 1),
        owner=_owner(data.get("IFLA_TUN_OWNER")) if data is not None else None,
        group=_owner(data.get("IFLA_TUN_GROUP")) if data is not None else None,
        qdisc=str(qdiscs[0].get("kind")) if qdiscs else None,
    )


def tap_info(name: str, *, netns: str | None = None) -> TapInfo | None:
    """The tap's state, None when there is no such interface."""
    with iproute(netns) as ipr, nl_errors(f"tap {name}"):
        index = lookup(ipr, name)
        if index is None:
            return None
        if not _is_tap(get_link(ipr, index)):
            raise ConflictError(f"{name} in {where(netns)} exists but is not a tap device")
        return _info(ipr, index)


def list_taps(*, netns: str | None = None, prefix: str | None = "vif") -> list[str]:
    """Names of the tap devices (those starting with ``prefix``; None for all)."""
    with iproute(netns) as ipr, nl_errors(f"list taps in {where(netns)}"):
        names = [
            str(link.get("ifname"))
            for link in ipr.get_links()
            if _is_tap(link) and (prefix is None or str(link.get("ifname")).startswith(prefix))
        ]
    return sorted(names)


def tap_carriers(*, netns: str | None = None, prefix: str | None = "vif") -> dict[str, bool]:
    """``{tap name: carrier}``: carrier is up while a process (QEMU) holds the tap open,
    so a persistent tap without carrier is one nobody uses any more."""
    with iproute(netns) as ipr, nl_errors(f"list taps in {where(netns)}"):
        return {
            str(link.get("ifname")): link.get("carrier") == 1
            for link in ipr.get_links()
            if _is_tap(link) and (prefix is None or str(link.get("ifname")).startswith(prefix))
        }


def create_tap(
    name: str,
    *,
    bridge: str | None = None,
    guest_mac: str | None = None,
    owner: int | None = None,
    group: int | None = None,
    rate: Rate | str | None = None,
    netns: str | None = None,
) -> TapInfo:
    """Create the persistent tap ``name``, optionally join it to ``bridge`` and shape it.

    The tap's own MAC is derived from ``guest_mac`` (:func:`host_side_mac`) so the bridge
    keeps its MAC. A leftover interface of the same name is a ConflictError: the caller
    decides whether a stale tap may be deleted. On any failure the new tap is removed.
    """
    check_ifname(name, what="tap name")
    limit = parse_rate(rate) if isinstance(rate, str) else rate
    with iproute(netns) as ipr:
        if lookup(ipr, name) is not None:
            raise ConflictError(f"interface {name} already exists in {where(netns)}")
        with nl_errors(f"create tap {name} in {where(netns)}"):
            kw: dict[str, Any] = {}
            if owner is not None:
                kw["uid"] = owner
            if group is not None:
                kw["gid"] = group
            ipr.link(
                "add",
                ifname=name,
                kind="tuntap",
                mode="tap",
                ifr={"no_pi": 1, "vnet_hdr": 1},
                **kw,
            )
        index = lookup(ipr, name)
        if index is None:  # the ioctl ran in a helper process; be sure it took
            raise NotFoundError(f"tap {name} vanished right after it was created")
        try:
            if guest_mac is not None:
                with nl_errors(f"set MAC of tap {name}"):
                    ipr.link("set", index=index, address=host_side_mac(guest_mac))
            if bridge is not None:
                _attach(ipr, index, name, bridge, netns)
            else:
                with nl_errors(f"bring up tap {name}"):
                    ipr.link("set", index=index, state="up")
            if limit is not None:
                _set_rate(ipr, index, name, limit)
            return _info(ipr, index)
        except BaseException:
            with nl_errors(f"remove half-made tap {name}"):
                ipr.link("del", index=index)
            raise


def _attach(ipr: Any, index: int, name: str, bridge: str, netns: str | None) -> None:
    br_index = lookup(ipr, bridge)
    if br_index is None:
        raise NotFoundError(f"bridge {bridge} not found in {where(netns)}")
    br_link = get_link(ipr, br_index)
    if link_kind(br_link) != "bridge":
        raise ConflictError(f"{bridge} in {where(netns)} is not a bridge")
    with nl_errors(f"attach tap {name} to bridge {bridge}"):
        # MTU first: a smaller port would otherwise pull the bridge's MTU down
        ipr.link("set", index=index, mtu=int(br_link.get("mtu")))
        ipr.link("set", index=index, master=br_index)
        ipr.link("set", index=index, state="up")


def attach_tap(name: str, bridge: str, *, netns: str | None = None) -> None:
    """Join an existing tap to ``bridge`` (taking the bridge's MTU) and bring it up."""
    with iproute(netns) as ipr:
        index = _tap_index(ipr, name, netns)
        _attach(ipr, index, name, bridge, netns)


def detach_tap(name: str, *, netns: str | None = None) -> None:
    """Take the tap out of its bridge (it stays, down)."""
    with iproute(netns) as ipr:
        index = _tap_index(ipr, name, netns)
        with nl_errors(f"detach tap {name}"):
            ipr.link("set", index=index, state="down")
            ipr.link("set", index=index, master=0)


def _tap_index(ipr: Any, name: str, netns: str | None) -> int:
    index = lookup(ipr, name)
    if index is None:
        raise NotFoundError(f"tap {name} not found in {where(netns)}")
    if not _is_tap(get_link(ipr, index)):
        raise ConflictError(f"{name} in {where(netns)} is not a tap device")
    return index


def _set_rate(ipr: Any, index: int, name: str, limit: Rate | None) -> None:
    with nl_errors(f"set rate on tap {name}"):
        if limit is not None:
            mtu = int(get_link(ipr, index).get("mtu"))
            ipr.tc("replace", "tbf", index=index, handle=TBF_HANDLE, **limit.tbf(mtu))
            return
        root = [q for q in ipr.get_qdiscs(index=index) if q.get("parent") == TC_H_ROOT]
        if root and root[0].get("kind") == "tbf":
            ipr.tc("del", index=index, handle=TBF_HANDLE, parent=TC_H_ROOT)


def set_tap_rate(name: str, rate: Rate | str | None, *, netns: str | None = None) -> None:
    """Install, replace or (None) remove the tbf limit on a tap (traffic toward the guest)."""
    limit = parse_rate(rate) if isinstance(rate, str) else rate
    with iproute(netns) as ipr:
        _set_rate(ipr, _tap_index(ipr, name, netns), name, limit)


def delete_tap(name: str, *, netns: str | None = None) -> bool:
    """Remove the tap; False when it was already gone. Refuses anything that is not a tap."""
    with iproute(netns) as ipr:
        index = lookup(ipr, name)
        if index is None:
            return False
        if not _is_tap(get_link(ipr, index)):
            raise ConflictError(f"refusing to delete {name} in {where(netns)}: not a tap device")
        # ENODEV: raced with another deleter, and gone is what we wanted
        with nl_errors(f"delete tap {name}", ignore=(errno.ENODEV,)):
            ipr.link("del", index=index)
        return True


#: linux/if_tun.h
TUNSETIFF = 0x400454CA
TUNGETIFF = 0x800454D2
IFF_TAP = 0x0002
IFF_NO_PI = 0x1000
IFF_VNET_HDR = 0x4000
IFF_PERSIST = 0x0800


def open_tap(name: str) -> int:
    """An fd on the persistent tap ``name`` (``-netdev tap,fd=``), with the flags QEMU's own
    ``ifname=`` open asks for: no packet info, virtio-net headers (QEMU probes them on the fd).
    A name that is not a persistent tap is refused: TUNSETIFF would make a new, private one."""
    import fcntl
    import os
    import struct

    check_ifname(name, what="tap name")
    fd = os.open("/dev/net/tun", os.O_RDWR | os.O_CLOEXEC)
    try:
        req = struct.pack("16sH22x", name.encode(), IFF_TAP | IFF_NO_PI | IFF_VNET_HDR)
        try:
            fcntl.ioctl(fd, TUNSETIFF, req)
            got = fcntl.ioctl(fd, TUNGETIFF, bytes(40))
        except OSError as exc:
            raise HvmctlError(f"cannot open tap {name}: {exc.strerror}") from exc
        if not struct.unpack("16sH22x", got)[1] & IFF_PERSIST:
            raise NotFoundError(f"tap {name} does not exist (it is made before QEMU starts)")
        return fd
    except BaseException:
        os.close(fd)
        raise
