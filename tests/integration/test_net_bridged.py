"""Host networking end to end (S4): real guests on bridges of a fake host.

Each test builds its own host out of network namespaces (``FakeHost``: namespace ``host``
with eth0/eth1, veth ends whose peers stand for LAN0 192.0.2.0/24 and LAN1 198.51.100.0/24)
and runs the hvmctl daemon *inside* the host namespace, so its taps, bridges and QEMUs live
there. Nothing touches the machine's own interfaces; the namespaces go at the end.

Guests type on their serial shell; what a command prints is told apart from its echo by
arithmetic the shell does (``echo R$((40+2))`` prints ``R42``, the echo shows the formula).
"""

from __future__ import annotations

import json
import os
import re
import signal
import stat
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from hvmctl.errors import HostError
from hvmctl.network.sandbox import FakeHost, Sandbox, ping
from tests.integration.hvenv import HvEnv, tiny_profile

pytestmark = [
    pytest.mark.integration,
    pytest.mark.skipif(os.geteuid() != 0, reason="needs root: network namespaces, bridges, taps"),
]

READY = "HVMCTL-READY"
SEED_SCRIPT = """#!/bin/sh
dir=$(dirname "$0")
"$dir/network-bridge" "$@" vifnum=0
"$dir/network-bridge" "$@" vifnum=1
"""
VIF_LOG_SCRIPT = """#!/bin/sh
echo "$1 vif=$vif bridge=$bridge mac=$mac ip=$ip domid=$domid devid=$devid" >> "$(dirname "$0")/vif.log"
"""


# ---- fixtures ------------------------------------------------------------------------------
@pytest.fixture
def fake() -> Iterator[FakeHost]:
    with Sandbox("hvn") as sb:
        try:
            host = FakeHost(sb)
        except HostError as e:
            pytest.skip(f"cannot make network namespaces here: {e}")
        yield host


@pytest.fixture
def scripts(tmp_path: Path) -> Path:
    """A /etc/xen/scripts stand-in: the seed's my-network-script and a logging vif script."""
    d = tmp_path / "scripts"
    d.mkdir()
    for name, text in (("my-network-script", SEED_SCRIPT), ("vif-log", VIF_LOG_SCRIPT)):
        (d / name).write_text(text)
        (d / name).chmod(0o755 | stat.S_IXUSR)
    return d


@pytest.fixture
def daemon_in(fake: FakeHost, scripts: Path) -> Iterator[Callable[..., HvEnv]]:
    """``daemon_in(network_script=None)``: an hvmctl whose daemon runs in the fake host."""
    made: list[HvEnv] = []

    def start(network_script: str | None = None) -> HvEnv:
        env = HvEnv.make(netns=fake.host)
        env.env["HVMCTL_SCRIPTS_DIR"] = str(scripts)
        if network_script:
            env.env["HVMCTL_NETWORK_SCRIPT"] = network_script
        made.append(env)
        env.start_daemon()
        return env

    yield start
    for env in made:
        env.cleanup()


# ---- helpers -------------------------------------------------------------------------------
def taps(fake: FakeHost) -> list[str]:
    from hvmctl.network.taps import list_taps

    return list_taps(netns=fake.host, prefix=None)


def bridges(hv: HvEnv) -> dict[str, dict[str, Any]]:
    return {b["name"]: b for b in hv.hv("bridges", "--json").json()}


def addresses(netns: str, ifname: str) -> set[str]:
    from pyroute2 import IPRoute

    with IPRoute(netns=netns, flags=0) as ipr:
        index = ipr.link_lookup(ifname=ifname)
        if not index:
            return set()
        return {f"{a.get('address')}/{a['prefixlen']}" for a in ipr.get_addr(index=index[0]) if a["scope"] != 253}


def guest(hv: HvEnv, name: str, vifs: list[str], *, ip: str | None = None, more: str = "") -> str:
    """Create a tiny guest with these vif entries; return create's output."""
    vif_line = "vif = [" + ", ".join(repr(v) for v in vifs) + "]\n"
    extra = f"hvtest.ip={ip}" if ip else ""
    hv.write_profile(name, tiny_profile(name, extra=extra, more=vif_line + more, vnc=False))
    return hv.hv("create", name).stdout


def type_into(hv: HvEnv, name: str, line: str) -> None:
    hv.hv("console", name, input=line + "\n", timeout=30)


_marks = iter(range(1000, 10_000))


def guest_ok(hv: HvEnv, name: str, command: str, timeout: float = 40.0) -> None:
    """Run ``command`` in the guest's shell and wait until it has succeeded."""
    n = next(_marks)
    type_into(hv, name, f"{command} && echo OK$((n={n}+0))-$((n+1))")
    hv.wait_console(name, f"OK{n}-{n + 1}", timeout=timeout)


def nics(hv: HvEnv, name: str) -> list[dict[str, Any]]:
    return hv.hv("network-list", "--json", name).json()  # type: ignore[no-any-return]


def domid(hv: HvEnv, name: str) -> int:
    return int(hv.domain(name)["id"])


# ---- network-bridge -------------------------------------------------------------------------
def test_network_bridge_start_stop_keeps_the_host_reachable(fake: FakeHost, daemon_in: Callable[..., HvEnv]) -> None:
    hv = daemon_in()
    assert ping(fake.lan0, FakeHost.HOST0)
    assert bridges(hv) == {}

    out = hv.hv("network-bridge", "start", "vifnum=0").stdout
    assert out.strip() == "network-bridge: started xenbr0 on eth0; moved 192.0.2.1/24, 2001:db8::1/64"
    out = hv.hv("network-bridge", "start", "vifnum=1").stdout
    assert "started xenbr1 on eth1" in out
    table = bridges(hv)
    assert table["xenbr0"]["interfaces"] == ["eth0"] and table["xenbr1"]["interfaces"] == ["eth1"]
    assert table["xenbr0"]["stp"] is False and re.fullmatch(r"8000\.[0-9a-f]{12}", table["xenbr0"]["bridge_id"])
    text = hv.hv("bridges").stdout
    assert text.startswith("bridge name\tbridge id\t\tSTP enabled\tinterfaces\n")
    assert re.search(r"^xenbr0\s+8000\.[0-9a-f]{12}\s+no\s+eth0$", text, re.M), text
    assert addresses(fake.host, "xenbr0") == {"192.0.2.1/24", "2001:db8::1/64"}
    assert addresses(fake.host, "eth0") == set()
    # the host keeps its addresses on the LANs, both ways, and its default route
    assert ping(fake.lan0, FakeHost.HOST0) and ping(fake.lan0, FakeHost.HOST0_V6)
    assert ping(fake.lan1, FakeHost.HOST1)
    assert ping(fake.host, FakeHost.LAN0) and ping(fake.host, "203.0.113.1") is False  # no route beyond
    status = hv.hv("network-bridge", "status", "vifnum=0", "--json").json()
    assert status["started"] is True and status["interfaces"] == ["eth0"]

    assert "stopped xenbr0" in hv.hv("network-bridge", "stop", "vifnum=0").stdout
    assert "stopped xenbr1" in hv.hv("network-bridge", "stop", "vifnum=1").stdout
    assert bridges(hv) == {}
    assert addresses(fake.host, "eth0") == {"192.0.2.1/24", "2001:db8::1/64"}
    assert addresses(fake.host, "eth1") == {"198.51.100.1/24"}
    assert ping(fake.lan0, FakeHost.HOST0) and ping(fake.lan1, FakeHost.HOST1) and ping(fake.host, FakeHost.LAN0)
    bad = hv.hv("network-bridge", "start", "vifnum=7", check=False)
    assert bad.returncode == 1 and "netdev eth7 not found" in bad.stderr


# ---- guests on two bridges ---------------------------------------------------------------------
def test_network_script_two_guests_ping_each_other_and_both_lans(
    fake: FakeHost, daemon_in: Callable[..., HvEnv], scripts: Path
) -> None:
    hv = daemon_in(network_script="my-network-script")
    table = bridges(hv)  # the daemon ran the seed's script at start: two bridges, NICs moved
    assert table["xenbr0"]["interfaces"] == ["eth0"] and table["xenbr1"]["interfaces"] == ["eth1"]
    assert ping(fake.lan0, FakeHost.HOST0) and ping(fake.lan1, FakeHost.HOST1)

    out1 = guest(hv, "g1", ["bridge=xenbr0,model=virtio,script=vif-log,rate=100Mb/s,ip=192.0.2.10",
                            "bridge=xenbr1,model=virtio"], ip="192.0.2.10/24")
    out2 = guest(hv, "g2", ["model=virtio"], ip="192.0.2.11/24")  # no bridge named: xenbr0
    d1, d2 = domid(hv, "g1"), domid(hv, "g2")
    assert re.search(rf"vif 0: vif{d1}\.0 on bridge xenbr0, mac 00:16:3e(:[0-9a-f]{{2}}){{3}} \(virtio\)", out1), out1
    assert f"vif 1: vif{d1}.1 on bridge xenbr1" in out1
    assert f"vif 0: vif{d2}.0 on bridge xenbr0" in out2
    table = bridges(hv)
    assert table["xenbr0"]["interfaces"] == sorted(["eth0", f"vif{d1}.0", f"vif{d2}.0"])
    assert table["xenbr1"]["interfaces"] == ["eth1", f"vif{d1}.1"]

    # the tap is shaped, and the vif script ran with Xen's interface
    from hvmctl.network.taps import tap_info

    info = tap_info(f"vif{d1}.0", netns=fake.host)
    assert info is not None and info.qdisc == "tbf" and info.up
    mac0 = nics(hv, "g1")[0]["mac"]
    assert info.mac == "fe:" + mac0[3:]  # the host end never wins the bridge's MAC election
    log = (scripts / "vif.log").read_text()
    assert log == f"add vif=vif{d1}.0 bridge=xenbr0 mac={mac0} ip=192.0.2.10 domid={d1} devid=0\n"

    hv.wait_console("g1", READY)
    hv.wait_console("g2", READY)
    assert f"mac={mac0}" in hv.console_log("g1")  # the guest's NIC has the MAC we chose
    type_into(hv, "g1", "ip addr add 198.51.100.10/24 dev eth1; ip link set eth1 up")
    # each guest reaches the other and the LAN beyond eth0; g1 also the LAN beyond eth1
    guest_ok(hv, "g1", "ping -c 1 -w 15 192.0.2.11 >/dev/null")
    guest_ok(hv, "g2", "ping -c 1 -w 15 192.0.2.10 >/dev/null")
    guest_ok(hv, "g2", f"ping -c 1 -w 15 {FakeHost.LAN0} >/dev/null")
    guest_ok(hv, "g1", f"ping -c 1 -w 15 {FakeHost.LAN0} >/dev/null")
    guest_ok(hv, "g1", f"ping -c 1 -w 15 {FakeHost.LAN1} >/dev/null")
    guest_ok(hv, "g1", f"ping -c 1 -w 15 {FakeHost.HOST0} >/dev/null")  # the host, on the bridge
    # and the LANs reach the guests: two NICs on two networks
    assert ping(fake.lan0, "192.0.2.10", timeout=10) and ping(fake.lan0, "192.0.2.11", timeout=10)
    assert ping(fake.lan1, "198.51.100.10", timeout=10)
    assert not ping(fake.lan1, "192.0.2.11", timeout=1)  # g2 has no leg on LAN1

    hv.hv("destroy", "g1")
    hv.hv("destroy", "g2")
    assert taps(fake) == []
    assert bridges(hv)["xenbr0"]["interfaces"] == ["eth0"]
    assert (scripts / "vif.log").read_text().splitlines()[-1].startswith(f"remove vif=vif{d1}.0 bridge=xenbr0")
    # the bridges stay (host configuration, like Xen's), and the host stays reachable
    assert ping(fake.lan0, FakeHost.HOST0)


# ---- MACs ---------------------------------------------------------------------------------------
def test_mac_kept_across_restarts_and_daemon_restarts_duplicates_refused(
    fake: FakeHost, daemon_in: Callable[..., HvEnv]
) -> None:
    hv = daemon_in()
    hv.hv("network-bridge", "start", "vifnum=0")
    guest(hv, "m1", ["bridge=xenbr0,model=virtio", "bridge=xenbr0,model=virtio"])
    macs = [n["mac"] for n in nics(hv, "m1")]
    assert all(re.fullmatch(r"00:16:3e:[0-7][0-9a-f](:[0-9a-f]{2}){2}", m) for m in macs) and len(set(macs)) == 2
    hv.hv("destroy", "m1")
    hv.hv("create", "m1")  # a profile without uuid: a fresh UUID, the same MACs (kept by name)
    assert [n["mac"] for n in nics(hv, "m1")] == macs

    hv.kill_daemon()  # kill -9: what the daemon knew must come from its state dir
    hv.start_daemon()
    hv.hv("destroy", "m1")
    hv.hv("create", "m1")
    assert [n["mac"] for n in nics(hv, "m1")] == macs
    log = hv.wait_console("m1", READY)
    assert f"HVMCTL-NIC eth0 driver=virtio_net mac={macs[0]}" in log
    assert f"HVMCTL-NIC eth1 driver=virtio_net mac={macs[1]}" in log

    # a profile asking for a MAC a running guest holds is refused, and nothing is left behind
    before = taps(fake)
    guest_text = f"bridge=xenbr0,model=virtio,mac={macs[1].upper()}"
    hv.write_profile("m2", tiny_profile("m2", more=f"vif = ['{guest_text}']\n", vnc=False))
    res = hv.hv("create", "m2", check=False)
    assert res.returncode == 1
    assert f"mac {macs[1]} is already used by domain 'm1' (vif 1)" in res.stderr, res.stderr
    assert taps(fake) == before and [d["name"] for d in hv.domains()] == ["m1"]
    # hotplug with a duplicate is refused as well
    res = hv.hv("network-attach", "m1", f"mac={macs[0]}", check=False)
    assert res.returncode == 1 and "already used" in res.stderr
    # once m1 is gone, m2 may have that MAC (xm refused duplicates among running guests)
    hv.hv("destroy", "m1")
    hv.hv("create", "m2")
    assert nics(hv, "m2")[0]["mac"] == macs[1]
    hv.hv("destroy", "m2")
    # and m1, started again, draws a new MAC for the vif it lost; vif 0 stays
    hv.hv("create", "m1")
    again = [n["mac"] for n in nics(hv, "m1")]
    assert again[0] == macs[0] and again[1] not in macs


# ---- hotplug --------------------------------------------------------------------------------------
def test_network_attach_detach_seen_inside_the_guest(fake: FakeHost, daemon_in: Callable[..., HvEnv]) -> None:
    hv = daemon_in()
    hv.hv("network-bridge", "start", "vifnum=0")
    hv.hv("network-bridge", "start", "vifnum=1")
    guest(hv, "hp", ["bridge=xenbr0,model=virtio"], ip="192.0.2.30/24")
    d = domid(hv, "hp")
    hv.wait_console("hp", READY)

    out = hv.hv("network-attach", "hp", "bridge=xenbr1", "model=virtio").stdout
    assert out.startswith(f"vif 1: vif{d}.1 on bridge xenbr1, mac 00:16:3e:")
    listed = nics(hv, "hp")
    assert [(n["index"], n["kind"], n["tap"], n["bridge"]) for n in listed] == [
        (0, "bridge", f"vif{d}.0", "xenbr0"), (1, "bridge", f"vif{d}.1", "xenbr1")]
    mac1 = listed[1]["mac"]
    assert bridges(hv)["xenbr1"]["interfaces"] == ["eth1", f"vif{d}.1"]
    table = hv.hv("network-list", "hp").stdout.splitlines()
    assert table[0].startswith("Idx BE  MAC Addr.") and table[2].split()[:6] == [
        "1", "0", mac1, "virtio", "bridge", f"vif{d}.1"]

    # the guest sees a new NIC with that MAC, and it works on LAN1
    type_into(hv, "hp", "cat /sys/class/net/eth1/address")
    hv.wait_console("hp", mac1)
    type_into(hv, "hp", "ip addr add 198.51.100.30/24 dev eth1; ip link set eth1 up")
    assert ping(fake.lan1, "198.51.100.30", timeout=15)

    # a NIC on a missing bridge falls back to NAT (no network script configured)
    out = hv.hv("network-attach", "hp", "bridge=nobr0", "model=virtio").stdout
    assert "vif 2: bridge nobr0 not found; using user-mode NAT" in out
    type_into(hv, "hp", "sleep 1; echo NICS$((0+0))=$(ls /sys/class/net | wc -w)")
    hv.wait_console("hp", "NICS0=4")  # lo eth0 eth1 eth2

    hv.hv("network-detach", "hp", "1")
    hv.hv("network-detach", "hp", "2")
    assert [n["index"] for n in nics(hv, "hp")] == [0]
    assert taps(fake) == [f"vif{d}.0"] and bridges(hv)["xenbr1"]["interfaces"] == ["eth1"]
    type_into(hv, "hp", "echo NICS$((1+0))=$(ls /sys/class/net | wc -w)")
    hv.wait_console("hp", "NICS1=2")  # lo eth0: the guest let both go
    assert not ping(fake.lan1, "198.51.100.30", timeout=1)

    # attach again by MAC and detach by MAC; errors are one line
    hv.hv("network-attach", "hp", "bridge=xenbr0", "model=virtio", "mac=00:16:3e:12:34:56")
    assert [n["mac"] for n in nics(hv, "hp")][-1] == "00:16:3e:12:34:56"
    hv.hv("network-detach", "hp", "00:16:3E:12:34:56")
    res = hv.hv("network-detach", "hp", "9", check=False)
    assert res.returncode == 1 and "has no network device 9" in res.stderr
    res = hv.hv("network-attach", "hp", "model=nosuch", check=False)
    assert res.returncode == 1 and "NIC model" in res.stderr
    assert [n["index"] for n in nics(hv, "hp")] == [0]
    hv.hv("destroy", "hp")
    assert taps(fake) == []


def test_hotplugged_nic_survives_a_reboot(fake: FakeHost, daemon_in: Callable[..., HvEnv]) -> None:
    """As with xend, a NIC attached to a running domain stays with it across its reboots."""
    hv = daemon_in()
    hv.hv("network-bridge", "start", "vifnum=0")
    guest(hv, "rb", ["bridge=xenbr0,model=virtio"], more='on_reboot = "restart"\n')
    hv.wait_console("rb", READY)
    hv.hv("network-attach", "rb", "bridge=xenbr0", "model=virtio")
    before = nics(hv, "rb")
    old = domid(hv, "rb")
    hv.hv("reboot", "-w", "--timeout", "60", "rb")
    new = domid(hv, "rb")
    assert new != old
    after = nics(hv, "rb")
    assert [(n["index"], n["mac"], n["tap"]) for n in after] == [
        (n["index"], n["mac"], f"vif{new}.{n['index']}") for n in before]
    assert taps(fake) == [f"vif{new}.0", f"vif{new}.1"]
    log = hv.wait_console("rb", READY, count=2)
    assert f"HVMCTL-NIC eth1 driver=virtio_net mac={before[1]['mac']}" in log.split(READY)[1]
    hv.hv("destroy", "rb")
    assert taps(fake) == []


# ---- nothing leaks ------------------------------------------------------------------------------
def _wait_gone(hv: HvEnv, name: str) -> None:
    hv.wait_for(lambda: name not in [d["name"] for d in hv.domains()], timeout=30, what=f"{name} to go")


def _qemu_pid(hv: HvEnv, name: str) -> int:
    return int(hv.domain(name)["pid"])


def test_no_tap_left_after_destroy_crash_or_daemon_kill9(fake: FakeHost, daemon_in: Callable[..., HvEnv]) -> None:
    from hvmctl.network.taps import create_tap

    hv = daemon_in()
    hv.hv("network-bridge", "start", "vifnum=0")
    crash = 'on_crash = "destroy"\n'
    vifs = ["bridge=xenbr0,model=virtio", "bridge=xenbr0,model=virtio"]

    guest(hv, "lk", vifs, more=crash)  # destroy
    d = domid(hv, "lk")
    assert taps(fake) == [f"vif{d}.0", f"vif{d}.1"]
    hv.hv("destroy", "lk")
    assert taps(fake) == []

    hv.hv("create", "lk")  # QEMU crashes (killed): on_crash destroy
    os.kill(_qemu_pid(hv, "lk"), signal.SIGKILL)
    _wait_gone(hv, "lk")
    assert taps(fake) == []

    hv.hv("create", "lk")  # the daemon is killed, then the guest dies while it is away
    pid = _qemu_pid(hv, "lk")
    hv.kill_daemon()
    os.kill(pid, signal.SIGKILL)
    create_tap("vif999.0", bridge="xenbr0", netns=fake.host)  # left by someone long gone
    hv.start_daemon()
    _wait_gone(hv, "lk")
    # the start's tap reconcile runs after the guests are settled (and listed): wait for it
    hv.wait_for(lambda: taps(fake) == [], timeout=20, what="the stale taps to be removed")
    assert bridges(hv)["xenbr0"]["interfaces"] == ["eth0"]

    hv.hv("create", "lk")  # the daemon is killed; the guest lives on and keeps its taps
    d = domid(hv, "lk")
    hv.kill_daemon()
    hv.start_daemon()
    assert hv.domain("lk")["state"] == "running"
    assert taps(fake) == [f"vif{d}.0", f"vif{d}.1"]
    hv.hv("destroy", "lk")
    assert taps(fake) == []
    ledger = json.loads((hv.base / "state" / "network" / "nics.json").read_text())
    assert ledger["incarnations"] == {}


def test_missing_bridge_with_a_network_script_is_an_error(fake: FakeHost, daemon_in: Callable[..., HvEnv]) -> None:
    """With a network script the host is meant to have its bridges: no silent NAT then."""
    hv = daemon_in(network_script="network-bridge")  # xenbr0 on eth0 only
    assert list(bridges(hv)) == ["xenbr0"]
    hv.write_profile("nb", tiny_profile("nb", more="vif = ['bridge=xenbr1,model=virtio']\n", vnc=False))
    res = hv.hv("create", "nb", check=False)
    assert res.returncode == 1 and "vif 0: bridge xenbr1 not found" in res.stderr
    assert hv.domains() == [] and taps(fake) == []
