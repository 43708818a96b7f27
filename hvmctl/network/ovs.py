"""Open vSwitch bridges for vifs: ``bridge=ovsbr0``, ``ovsbr0.10`` (VLAN tag 10) and
``ovsbr0.10:20:30`` (tag 10, trunks 20 and 30), as Xen's ``vif-openvswitch`` spells them.

The tap is made as for a Linux bridge (taps.create_tap, not joined to anything), then made a
port of the OVS bridge with ``ovs-vsctl add-port BR TAP tag=10 trunks=20,30``; a leftover
port of that name (a daemon killed before teardown) is dropped in the same transaction, as
vif-openvswitch does. ``ovs-vsctl`` is found on the daemon's PATH; where it is missing a vif
that needs Open vSwitch gets a one-line error, never a silent fallback to NAT.
"""

from __future__ import annotations

import shutil
import subprocess
from dataclasses import dataclass
from typing import Any

from hvmctl.config.specs import ovs_bridge
from hvmctl.errors import ConfigError, HostError, NotFoundError, TimeoutError_

OVS_TIMEOUT = 30  # ovs-vsctl's own --timeout (seconds); the process gets a little more
LIST_TIMEOUT = 5  # list-br runs for every vif whose bridge Linux does not have: keep it short
_GRACE = 5


@dataclass(frozen=True)
class OvsPort:
    """Where a tap goes on Open vSwitch."""

    bridge: str
    tag: int | None = None
    trunks: tuple[int, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        return {"bridge": self.bridge, "tag": self.tag, "trunks": list(self.trunks)}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> "OvsPort":
        return cls(str(data["bridge"]), data.get("tag"), tuple(int(t) for t in data.get("trunks") or ()))

    def settings(self) -> list[str]:
        """The port columns of ``add-port``."""
        out = [f"tag={self.tag}"] if self.tag is not None else []
        if self.trunks:
            out.append("trunks=" + ",".join(str(t) for t in self.trunks))
        return out


def ovs_vsctl() -> str | None:
    """The ovs-vsctl on PATH, None when Open vSwitch is not installed."""
    return shutil.which("ovs-vsctl")


def needs_ovs(bridge: str) -> bool:
    """The name can only be an Open vSwitch target (it has trunks: ':' is no interface name)."""
    return ":" in bridge


def port_for(bridge: str, ovs_bridges: frozenset[str] | None) -> OvsPort | None:
    """The OVS port a vif's ``bridge=`` asks for, None when it is not an OVS bridge.

    Called only when no Linux bridge has that exact name. ``ovs_bridges`` is what
    ``ovs-vsctl list-br`` said (None: Open vSwitch is not installed). A VLAN form whose
    bridge OVS does not have is a NotFoundError, and without OVS a HostError: the profile
    asked for a VLAN, so user-mode NAT would be a wrong guess.
    """
    parts = ovs_bridge(bridge)
    if parts is None:
        if ovs_bridges is not None and bridge in ovs_bridges:
            return OvsPort(bridge)
        return None
    base, tag, trunks = parts
    if ovs_bridges is None:
        raise HostError(f"bridge {bridge}: an Open vSwitch bridge with a VLAN tag or trunks, and Open vSwitch is "
                        "not installed (no ovs-vsctl on PATH; apt install openvswitch-switch)")
    if base not in ovs_bridges:
        raise NotFoundError(f"bridge {bridge}: Open vSwitch has no bridge {base} (ovs-vsctl list-br)")
    for vlan in ([tag] if tag is not None else []) + list(trunks):
        if not 0 <= vlan <= 4095 or vlan == 0 and vlan == tag:
            raise ConfigError(f"bridge {bridge}: VLAN {vlan} is out of range (tags 1-4095, trunks 0-4095)")
    return OvsPort(base, tag, trunks)


def _run(args: list[str], what: str, timeout: int = OVS_TIMEOUT) -> str:
    exe = ovs_vsctl()
    if exe is None:
        raise HostError(f"{what}: Open vSwitch is not installed (no ovs-vsctl on PATH)")
    argv = [exe, f"--timeout={timeout}", *args]
    try:
        done = subprocess.run(argv, capture_output=True, text=True, timeout=timeout + _GRACE, check=False)
    except subprocess.TimeoutExpired:
        raise TimeoutError_(f"{what}: ovs-vsctl did not answer within {timeout + _GRACE} s") from None
    except OSError as exc:
        raise HostError(f"{what}: cannot run {exe}: {exc.strerror}") from None
    if done.returncode != 0:
        last = (done.stderr.strip().splitlines() or [f"exit status {done.returncode}"])[-1]
        raise HostError(f"{what}: ovs-vsctl: {last}")
    return done.stdout


def list_bridges() -> frozenset[str] | None:
    """Open vSwitch's bridges; None when it is not installed."""
    if ovs_vsctl() is None:
        return None
    out = _run(["list-br"], "list Open vSwitch bridges", timeout=LIST_TIMEOUT)
    return frozenset(line.strip() for line in out.splitlines() if line.strip())


def add_port(port: OvsPort, tap: str) -> None:
    """Make ``tap`` a port of the OVS bridge (a stale port of that name goes first)."""
    _run(["--", "--if-exists", "del-port", tap, "--", "add-port", port.bridge, tap, *port.settings()],
         f"tap {tap} on Open vSwitch bridge {port.bridge}")


def del_port(tap: str) -> None:
    """Drop the tap's port, if OVS still has it."""
    _run(["--if-exists", "del-port", tap], f"remove tap {tap} from Open vSwitch")
