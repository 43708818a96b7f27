"""Per-vif decision: a tap on a host bridge, or QEMU user-mode networking (NAT).

Xen needed a bridge for every vif. On a host where none was set up (no network-script,
a laptop, a CI machine) a guest still gets a working NIC through QEMU's user-mode stack:
the guest sees 10.0.2.15 by DHCP and reaches out through the host; ``hostfwd`` rules bring
host ports in. This module only decides — pure, no I/O — so the daemon and the argv
builder agree on what a vif becomes and ``create`` can print why.
"""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, Literal

from hvmctl.config.model import VifSpec
from hvmctl.errors import ConfigError, NotFoundError

from .mac import normalise_mac
from .ovs import OvsPort, port_for
from .taps import tap_name

USER_GUEST_IP = "10.0.2.15"  # what QEMU's slirp DHCP hands the first guest
DEFAULT_BRIDGE = "xenbr0"  # Xen 3's default when a vif names none
_HOSTFWD_RE = re.compile(
    r"^(?P<proto>tcp|udp):(?P<haddr>[0-9.]*):(?P<hport>\d+)-(?P<gaddr>[0-9.]*):(?P<gport>\d+)$"
)


@dataclass(frozen=True)
class HostFwd:
    """One user-mode port forward: host ``addr:port`` → guest ``addr:port``."""

    proto: Literal["tcp", "udp"]
    host_port: int
    guest_port: int
    host_addr: str = "127.0.0.1"
    guest_addr: str = ""

    def to_qemu(self) -> str:
        """The ``hostfwd=`` value of ``-netdev user``."""
        return f"{self.proto}:{self.host_addr}:{self.host_port}-{self.guest_addr}:{self.guest_port}"


def parse_hostfwd(text: str) -> HostFwd:
    """QEMU's syntax ``tcp:[haddr]:hport-[gaddr]:gport``; a host address left empty means
    127.0.0.1 here (QEMU's own default is every address, which exposes the guest)."""
    m = _HOSTFWD_RE.match(text.strip())
    if not m:
        raise ConfigError(
            f"{text!r} is not a forward rule (expected e.g. tcp::2222-:22)", key="hostfwd"
        )
    for key in ("haddr", "gaddr"):
        if m.group(key):
            try:
                ipaddress.IPv4Address(m.group(key))
            except ValueError as e:
                raise ConfigError(f"{text!r}: bad address {m.group(key)!r}", key="hostfwd") from e
    host_port, guest_port = int(m.group("hport")), int(m.group("gport"))
    if not (0 < host_port < 65536 and 0 < guest_port < 65536):
        raise ConfigError(f"{text!r}: ports must be 1-65535", key="hostfwd")
    proto: Literal["tcp", "udp"] = "tcp" if m.group("proto") == "tcp" else "udp"
    return HostFwd(proto, host_port, guest_port, m.group("haddr") or "127.0.0.1", m.group("gaddr"))


@dataclass(frozen=True)
class VifPlan:
    """What one vif becomes on the host, and the line ``create`` prints about it."""

    kind: Literal["bridge", "user"]
    tap: str | None
    bridge: str | None
    mac: str | None
    model: str
    note: str
    hostfwd: tuple[HostFwd, ...] = ()
    rate: str | None = None
    script: str | None = None
    ip: str | None = None
    ovs: OvsPort | None = None  # the tap is a port of this Open vSwitch bridge

    def to_dict(self) -> dict[str, Any]:
        """JSON-able form for the runtime record."""
        return {
            "kind": self.kind,
            "tap": self.tap,
            "bridge": self.bridge,
            "mac": self.mac,
            "model": self.model,
            "note": self.note,
            "hostfwd": [h.to_qemu() for h in self.hostfwd],
            "rate": self.rate,
            "script": self.script,
            "ip": self.ip,
            "ovs": self.ovs.to_dict() if self.ovs is not None else None,
        }


def plan_vif(
    vif: VifSpec,
    index: int,
    domid: int,
    bridge_exists: Callable[[str], bool],
    *,
    mac: str | None = None,
    default_bridge: str | None = DEFAULT_BRIDGE,
    nat_fallback: bool = True,
    hostfwd: Sequence[HostFwd | str] = (),
    ovs_bridges: frozenset[str] | None = None,
) -> VifPlan:
    """Decide how vif ``index`` of domain ``domid`` reaches the network.

    ``mac`` is the one the MAC registry assigned (else the profile's ``mac=``).
    ``bridge_exists`` is asked about the vif's bridge (or ``default_bridge``); when it is
    missing the vif falls back to user-mode NAT, unless ``nat_fallback`` is False (the host
    has a network-script configured, so a missing bridge is a mistake to report).
    ``hostfwd`` applies to user-mode only. ``ovs_bridges``: Open vSwitch's bridges (None:
    not installed), asked when no Linux bridge has the name (``ovsbr0``, ``ovsbr0.10:20:30``).
    """
    chosen_mac = normalise_mac(mac) if mac else (normalise_mac(vif.mac) if vif.mac else None)
    bridge = vif.bridge or default_bridge
    forwards = tuple(parse_hostfwd(h) if isinstance(h, str) else h for h in hostfwd)
    common: dict[str, Any] = {"mac": chosen_mac, "model": vif.nic_model, "ip": vif.ip}
    if bridge is not None and bridge_exists(bridge):
        tap = tap_name(domid, index, vif.vifname)
        return VifPlan(
            kind="bridge", tap=tap, bridge=bridge, rate=vif.rate, script=vif.script,
            note=f"vif {index}: {tap} on bridge {bridge}", **common,
        )
    port = port_for(bridge, ovs_bridges) if bridge is not None else None
    if port is not None:
        tap = tap_name(domid, index, vif.vifname)
        vlan = "".join([f" tag {port.tag}" if port.tag is not None else "",
                        " trunks " + ",".join(map(str, port.trunks)) if port.trunks else ""])
        return VifPlan(
            kind="bridge", tap=tap, bridge=port.bridge, rate=vif.rate, script=vif.script, ovs=port,
            note=f"vif {index}: {tap} on Open vSwitch bridge {port.bridge}{vlan}", **common,
        )
    why = f"bridge {bridge} not found" if bridge is not None else "no bridge configured"
    if not nat_fallback:
        raise NotFoundError(f"vif {index}: {why}")
    fwd = "".join(f", {h.host_addr}:{h.host_port}->{h.guest_port}/{h.proto}" for h in forwards)
    return VifPlan(
        kind="user", tap=None, bridge=None, hostfwd=forwards,
        note=f"vif {index}: {why}; using user-mode NAT ({USER_GUEST_IP}{fwd})", **common,
    )
