"""Xen's ``network-bridge start|stop|status`` done over netlink.

``start`` makes bridge ``xenbrN`` (``vifnum=N``; ``bridge=`` and ``netdev=`` override the
names) on NIC ``ethN``: the bridge takes the NIC's MAC, every IPv4/IPv6 address and every
route through the NIC (the default route included) move to the bridge, and the NIC becomes
a bridge port, so the host keeps its connectivity and guests' taps share the NIC's LAN.
``stop`` moves everything back and deletes the bridge. What was moved is recorded in the
state dir before anything changes, so ``stop`` restores it exactly even after a daemon
restart, and a ``start`` cut short (crash) can be resumed or undone.

Not carried over: address lifetimes (DHCP-given addresses become permanent on the bridge —
a DHCP client bound to the NIC must be pointed at the bridge), IPv6 addresses learnt by
SLAAC and routes learnt from router advertisements (the kernel relearns them on the bridge),
route metrics such as per-route MTU. ``antispoof=yes`` (iptables rules) is not supported.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from hvmctl.errors import ConflictError, HvmctlError, NotFoundError

from ._addrmove import (
    add_addresses,
    add_routes,
    addr_text,
    capture_addresses,
    capture_routes,
    del_addresses,
    del_routes,
)
from ._netlink import check_ifname, get_link, iproute, link_kind, lookup, nl_errors, where
from ._state import file_lock, read_json, write_json_atomic

COMMANDS = ("start", "stop", "status")
STATE_VERSION = 1
IFF_UP = 0x1


@dataclass(frozen=True)
class NetBridgeArgs:
    """One network-bridge call: ``start vifnum=1`` or ``stop bridge=br0 netdev=eth2``."""

    command: str
    vifnum: int = 0
    bridge: str | None = None
    netdev: str | None = None

    @property
    def bridge_name(self) -> str:
        return self.bridge or f"xenbr{self.vifnum}"

    @property
    def netdev_name(self) -> str:
        return self.netdev or f"eth{self.vifnum}"

    def argv(self) -> list[str]:
        """Back to the words Xen's script took (for messages and logs)."""
        words = [self.command, f"vifnum={self.vifnum}"]
        if self.bridge:
            words.append(f"bridge={self.bridge}")
        if self.netdev:
            words.append(f"netdev={self.netdev}")
        return words


def parse_netbridge_args(args: Sequence[str]) -> NetBridgeArgs:
    """Xen's network-bridge arguments: the command, then ``key=value`` (later keys win)."""
    words = list(args)
    if not words or words[0] not in COMMANDS:
        got = repr(words[0]) if words else "nothing"
        raise HvmctlError(f"network-bridge: expected one of {', '.join(COMMANDS)}, got {got}")
    result = NetBridgeArgs(command=words[0])
    for word in words[1:]:
        key, sep, value = word.partition("=")
        if not sep:
            raise HvmctlError(f"network-bridge: expected key=value, got {word!r}")
        if key == "vifnum":
            if not value.isdigit():
                raise HvmctlError(f"network-bridge: vifnum must be a number, got {value!r}")
            result = replace(result, vifnum=int(value))
        elif key == "bridge":
            result = replace(result, bridge=value)
        elif key == "netdev":
            result = replace(result, netdev=value)
        elif key == "antispoof":
            if value not in ("no", "false", "0"):
                raise HvmctlError("network-bridge: antispoof=yes is not supported (use antispoof=no)")
        else:
            raise HvmctlError(
                f"network-bridge: unknown argument {key!r} (known: vifnum, bridge, netdev, antispoof)"
            )
    if result.bridge != "null":
        check_ifname(result.bridge_name, what="bridge name")
    check_ifname(result.netdev_name, what="netdev")
    return result


@dataclass(frozen=True)
class NetBridgeResult:
    """What a network-bridge call did (``changed``) and the one line to print."""

    command: str
    bridge: str
    netdev: str
    changed: bool
    message: str
    started: bool = False
    addresses: tuple[str, ...] = ()
    interfaces: tuple[str, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        return {
            "command": self.command,
            "bridge": self.bridge,
            "netdev": self.netdev,
            "changed": self.changed,
            "started": self.started,
            "message": self.message,
            "addresses": list(self.addresses),
            "interfaces": list(self.interfaces),
        }


def state_path(state_dir: Path, bridge: str, netns: str | None = None) -> Path:
    """Where the record of one started bridge lives."""
    scope = "" if netns is None else f"{netns}-"
    return Path(state_dir) / "network" / f"netbridge-{scope}{bridge}.json"


def network_bridge(
    args: Sequence[str] | NetBridgeArgs,
    *,
    state_dir: Path,
    netns: str | None = None,
    force: bool = False,
) -> NetBridgeResult:
    """Run one network-bridge call (``["start", "vifnum=1"]`` or parsed args)."""
    call = args if isinstance(args, NetBridgeArgs) else parse_netbridge_args(args)
    if call.bridge == "null":  # Xen: bridge=null means "no bridge for this vifnum"
        return NetBridgeResult(
            call.command, "null", call.netdev_name, False, "bridge=null: nothing to do"
        )
    path = state_path(state_dir, call.bridge_name, netns)
    with file_lock(path.with_suffix(".lock")):
        if call.command == "start":
            return _start(call, path, netns)
        if call.command == "stop":
            return _stop(call, path, netns, force)
        return _status(call, path, netns)


# -- commands ----------------------------------------------------------------------------


def _nic(ipr: Any, call: NetBridgeArgs, netns: str | None) -> tuple[int, Any]:
    index = lookup(ipr, call.netdev_name)
    if index is None:
        raise NotFoundError(
            f"network-bridge {' '.join(call.argv())}: "
            f"netdev {call.netdev_name} not found in {where(netns)}"
        )
    link = get_link(ipr, index)
    if link_kind(link) == "bridge":
        raise ConflictError(f"network-bridge: netdev {call.netdev_name} is itself a bridge")
    return index, link


def _ports(ipr: Any, br_index: int) -> list[str]:
    return sorted(str(lk.get("ifname")) for lk in ipr.get_links() if lk.get("master") == br_index)


def _bridge_addresses(ipr: Any, br_index: int) -> tuple[str, ...]:
    return tuple(addr_text(a) for a in capture_addresses(ipr, br_index))


def _start(call: NetBridgeArgs, path: Path, netns: str | None) -> NetBridgeResult:
    bridge, netdev = call.bridge_name, call.netdev_name
    with iproute(netns) as ipr:
        nic_index, nic = _nic(ipr, call, netns)
        br_index = lookup(ipr, bridge)
        master = nic.get("master")
        if br_index is not None and link_kind(get_link(ipr, br_index)) != "bridge":
            raise ConflictError(f"network-bridge: {bridge} exists and is not a bridge")
        if master and master != br_index:
            other = get_link(ipr, int(master)).get("ifname")
            raise ConflictError(f"network-bridge: {netdev} is already a port of {other}")
        record = read_json(path)
        if br_index is not None and master == br_index:
            if record is None:  # a bridge someone else set up: leave it as it is
                return NetBridgeResult(
                    "start", bridge, netdev, False,
                    f"network-bridge: {netdev} is already a port of {bridge} "
                    "(not set up by network-bridge); nothing to do",
                    started=True, addresses=_bridge_addresses(ipr, br_index),
                    interfaces=tuple(_ports(ipr, br_index)),
                )
            have = set(_bridge_addresses(ipr, br_index))
            if all(addr_text(a) in have for a in record["addresses"]):
                add_routes(ipr, br_index, record["routes"], bridge)  # idempotent
                return NetBridgeResult(
                    "start", bridge, netdev, False,
                    f"network-bridge: {bridge} already started on {netdev}; nothing to do",
                    started=True, addresses=_bridge_addresses(ipr, br_index),
                    interfaces=tuple(_ports(ipr, br_index)),
                )
            # else: a start cut short after enslaving the NIC; finish it below
        if record is None:  # first start: write down what we are about to move
            record = {
                "version": STATE_VERSION,
                "bridge": bridge,
                "netdev": netdev,
                "netns": netns,
                "mac": str(nic.get("address")),
                "mtu": int(nic.get("mtu")),
                "nic_was_up": bool(nic["flags"] & IFF_UP),
                "created_bridge": br_index is None,
                "label_base": netdev,
                "addresses": capture_addresses(ipr, nic_index),
                "routes": capture_routes(ipr, nic_index),
            }
            write_json_atomic(path, record)
        # else: a start cut short earlier; the record holds what the NIC had then
        with nl_errors(f"create bridge {bridge} in {where(netns)}"):
            if br_index is None:
                ipr.link(
                    "add", ifname=bridge, kind="bridge", address=record["mac"],
                    mtu=record["mtu"], br_stp_state=0, br_forward_delay=0,
                )
                br_index = lookup(ipr, bridge)
                if br_index is None:
                    raise NotFoundError(f"bridge {bridge} vanished right after it was created")
            # the NIC's MAC, pinned: the host's ARP identity on the LAN stays the same
            ipr.link("set", index=br_index, address=record["mac"], state="up")
        del_routes(ipr, nic_index, record["routes"], netdev)
        del_addresses(ipr, nic_index, record["addresses"], netdev)
        with nl_errors(f"enslave {netdev} to {bridge}"):
            ipr.link("set", index=nic_index, master=br_index)
            ipr.link("set", index=nic_index, state="up")
        add_addresses(ipr, br_index, record["addresses"], netdev, bridge)
        add_routes(ipr, br_index, record["routes"], bridge)
        moved = tuple(addr_text(a) for a in record["addresses"])
        return NetBridgeResult(
            "start", bridge, netdev, True,
            f"network-bridge: started {bridge} on {netdev}"
            + (f"; moved {', '.join(moved)}" if moved else ""),
            started=True, addresses=moved, interfaces=tuple(_ports(ipr, br_index)),
        )


def _stop(call: NetBridgeArgs, path: Path, netns: str | None, force: bool) -> NetBridgeResult:
    bridge, netdev = call.bridge_name, call.netdev_name
    with iproute(netns) as ipr:
        record = read_json(path)
        br_index = lookup(ipr, bridge)
        if br_index is not None and link_kind(get_link(ipr, br_index)) != "bridge":
            raise ConflictError(f"network-bridge: {bridge} is not a bridge")
        if record is None and br_index is None:
            return NetBridgeResult(
                "stop", bridge, netdev, False, f"network-bridge: {bridge} not started; nothing to do"
            )
        if record is not None:
            netdev = str(record["netdev"])
        nic_index = lookup(ipr, netdev)
        if nic_index is None:
            raise NotFoundError(f"network-bridge stop: netdev {netdev} not found in {where(netns)}")
        if br_index is not None:
            guests = [p for p in _ports(ipr, br_index) if p != netdev]
            if guests and not force:
                raise ConflictError(
                    f"network-bridge: {bridge} still has guest interfaces: {', '.join(guests)}; "
                    "stop those guests first (or force)"
                )
            if record is None:  # started by someone else: move back what the bridge has now
                record = {
                    "addresses": capture_addresses(ipr, br_index),
                    "routes": capture_routes(ipr, br_index),
                    "nic_was_up": True,
                    "label_base": bridge,
                }
            del_routes(ipr, br_index, record["routes"], bridge)
            del_addresses(ipr, br_index, record["addresses"], bridge)
            with nl_errors(f"release {netdev} from {bridge}"):
                ipr.link("set", index=nic_index, master=0)
        label_base = str(record.get("label_base", netdev))
        add_addresses(ipr, nic_index, record["addresses"], label_base, netdev)
        with nl_errors(f"bring {netdev} {'up' if record.get('nic_was_up', True) else 'down'}"):
            ipr.link("set", index=nic_index, state="up" if record.get("nic_was_up", True) else "down")
        add_routes(ipr, nic_index, record["routes"], netdev)
        if br_index is not None:
            with nl_errors(f"delete bridge {bridge}"):
                ipr.link("del", index=br_index)
        path.unlink(missing_ok=True)
        moved = tuple(addr_text(a) for a in record["addresses"])
        return NetBridgeResult(
            "stop", bridge, netdev, True,
            f"network-bridge: stopped {bridge}"
            + (f"; {', '.join(moved)} back on {netdev}" if moved else ""),
            addresses=moved,
        )


def _status(call: NetBridgeArgs, path: Path, netns: str | None) -> NetBridgeResult:
    bridge, netdev = call.bridge_name, call.netdev_name
    with iproute(netns) as ipr:
        br_index = lookup(ipr, bridge)
        if br_index is None or link_kind(get_link(ipr, br_index)) != "bridge":
            return NetBridgeResult("status", bridge, netdev, False, f"{bridge}: not started")
        ports = tuple(_ports(ipr, br_index))
        addrs = _bridge_addresses(ipr, br_index)
        recorded = " (recorded)" if path.exists() else " (not started by network-bridge)"
        on = f" on {netdev}" if netdev in ports else f"; {netdev} is not a port"
        return NetBridgeResult(
            "status", bridge, netdev, False,
            f"{bridge}: started{on}{recorded}; addresses {', '.join(addrs) or 'none'}; "
            f"interfaces {', '.join(ports) or 'none'}",
            started=netdev in ports, addresses=addrs, interfaces=ports,
        )
