"""network-bridge and the seed's network script on a fake host made of network namespaces.

The fake host's eth0/eth1 are veth ends whose peers sit in LAN0/LAN1 namespaces; nothing
here touches the machine's own interfaces, and every namespace is removed afterwards.
"""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from hvmctl.errors import ConflictError, HostError, NotFoundError
from hvmctl.network import netbridge
from hvmctl.network.bridge import BridgeInfo, create_bridge, format_bridges, list_bridges
from hvmctl.network.netbridge import network_bridge, state_path
from hvmctl.network.netscript import run_network_script
from hvmctl.network.sandbox import FakeHost, Sandbox
from hvmctl.network.taps import create_tap, delete_tap, list_taps

pytestmark = [
    pytest.mark.integration,
    pytest.mark.skipif(os.geteuid() != 0, reason="needs root: creates network namespaces, bridges and veths"),
]

ROOT = Path(__file__).resolve().parents[2]
SEED_SCRIPT = """#!/bin/sh
dir=$(dirname "$0")
"$dir/network-bridge" "$@" vifnum=0
"$dir/network-bridge" "$@" vifnum=1
"""


def _ping_argv() -> list[str]:
    if shutil.which("ping"):
        return ["ping"]
    if shutil.which("busybox"):
        return ["busybox", "ping"]
    pytest.skip("no ping: install iputils-ping or busybox")


def ping(netns: str, address: str) -> bool:
    """One echo request from inside ``netns`` (argv, no shell, with a timeout)."""
    argv = ["ip", "netns", "exec", netns, *_ping_argv(), "-c1", "-W1", address]
    return subprocess.run(argv, capture_output=True, timeout=10).returncode == 0


@pytest.fixture
def fake() -> Iterator[FakeHost]:
    with Sandbox() as sb:
        try:
            host = FakeHost(sb)
        except HostError as e:
            pytest.skip(f"cannot make network namespaces here: {e}")
        yield host


def _addresses(netns: str, ifname: str) -> set[str]:
    from pyroute2 import IPRoute

    with IPRoute(netns=netns, flags=0) as ipr:
        index = ipr.link_lookup(ifname=ifname)
        if not index:
            return set()
        return {
            f"{a.get('address')}/{a['prefixlen']}"
            for a in ipr.get_addr(index=index[0])
            if a["scope"] != 253  # link-local
        }


def _default_routes(netns: str) -> dict[int, tuple[str, str]]:
    """family → (gateway, device) of the default routes."""
    from pyroute2 import IPRoute

    with IPRoute(netns=netns, flags=0) as ipr:
        names = {link["index"]: link.get("ifname") for link in ipr.get_links()}
        return {
            r["family"]: (r.get("gateway"), names[r.get("oif")])
            for family in (socket.AF_INET, socket.AF_INET6)
            for r in ipr.get_routes(family=family)
            if r["dst_len"] == 0 and r.get("gateway") and r.get("table") == 254
        }


def _link(netns: str, ifname: str) -> Any:
    from pyroute2 import IPRoute

    with IPRoute(netns=netns, flags=0) as ipr:
        return ipr.get_links(ifname=ifname)[0]


def test_start_keeps_the_host_reachable_and_its_default_route(fake: FakeHost, tmp_path: Path) -> None:
    assert ping(fake.lan0, FakeHost.HOST0)
    eth0_mac = _link(fake.host, "eth0").get("address")
    result = network_bridge(["start", "vifnum=0"], state_dir=tmp_path, netns=fake.host)
    assert result.changed and result.bridge == "xenbr0" and result.netdev == "eth0"
    assert result.message == "network-bridge: started xenbr0 on eth0; moved 192.0.2.1/24, 2001:db8::1/64"
    assert _addresses(fake.host, "xenbr0") == {"192.0.2.1/24", "2001:db8::1/64"}
    assert _addresses(fake.host, "eth0") == set()
    assert _default_routes(fake.host) == {
        socket.AF_INET: (FakeHost.LAN0, "xenbr0"),
        socket.AF_INET6: (FakeHost.LAN0_V6, "xenbr0"),
    }
    bridge = _link(fake.host, "xenbr0")
    assert bridge.get("address") == eth0_mac  # the host's ARP identity does not change
    assert _link(fake.host, "eth0").get("master") == bridge["index"]
    assert ping(fake.lan0, FakeHost.HOST0)
    assert ping(fake.lan0, FakeHost.HOST0_V6)
    assert ping(fake.host, FakeHost.LAN0)  # and the host still reaches out


def test_stop_restores_eth0(fake: FakeHost, tmp_path: Path) -> None:
    network_bridge(["start", "vifnum=0"], state_dir=tmp_path, netns=fake.host)
    assert state_path(tmp_path, "xenbr0", fake.host).exists()
    result = network_bridge(["stop", "vifnum=0"], state_dir=tmp_path, netns=fake.host)
    assert result.changed
    assert result.message == "network-bridge: stopped xenbr0; 192.0.2.1/24, 2001:db8::1/64 back on eth0"
    assert _addresses(fake.host, "eth0") == {"192.0.2.1/24", "2001:db8::1/64"}
    assert _default_routes(fake.host) == {
        socket.AF_INET: (FakeHost.LAN0, "eth0"),
        socket.AF_INET6: (FakeHost.LAN0_V6, "eth0"),
    }
    assert list_bridges(netns=fake.host) == []
    assert not state_path(tmp_path, "xenbr0", fake.host).exists()
    assert ping(fake.lan0, FakeHost.HOST0)
    again = network_bridge(["stop", "vifnum=0"], state_dir=tmp_path, netns=fake.host)
    assert not again.changed and "not started" in again.message


def test_start_twice_is_a_no_op(fake: FakeHost, tmp_path: Path) -> None:
    network_bridge(["start", "vifnum=0"], state_dir=tmp_path, netns=fake.host)
    record = state_path(tmp_path, "xenbr0", fake.host).read_text()
    again = network_bridge(["start", "vifnum=0"], state_dir=tmp_path, netns=fake.host)
    assert not again.changed
    assert again.message == "network-bridge: xenbr0 already started on eth0; nothing to do"
    assert state_path(tmp_path, "xenbr0", fake.host).read_text() == record  # what eth0 had is kept
    status = network_bridge(["status", "vifnum=0"], state_dir=tmp_path, netns=fake.host)
    assert status.started and status.interfaces == ("eth0",)


def test_stop_restores_from_the_record_in_a_new_process(fake: FakeHost, tmp_path: Path) -> None:
    """A daemon restart between start and stop: nothing in memory, the record is enough."""
    network_bridge(["start", "vifnum=0"], state_dir=tmp_path, netns=fake.host)
    code = (
        "import sys; from pathlib import Path; from hvmctl.network.netbridge import network_bridge;"
        "print(network_bridge(['stop', 'vifnum=0'], state_dir=Path(sys.argv[1]), netns=sys.argv[2]).message)"
    )
    out = subprocess.run(
        [sys.executable, "-c", code, str(tmp_path), fake.host],
        cwd=ROOT, capture_output=True, text=True, timeout=60, check=True,
    )
    assert "back on eth0" in out.stdout
    assert _addresses(fake.host, "eth0") == {"192.0.2.1/24", "2001:db8::1/64"}
    assert _default_routes(fake.host)[socket.AF_INET] == (FakeHost.LAN0, "eth0")


def test_a_start_cut_short_is_finished_by_the_next_start(
    fake: FakeHost, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def crash(*args: object) -> None:
        raise HostError("simulated crash after enslaving eth0")

    monkeypatch.setattr(netbridge, "add_addresses", crash)
    with pytest.raises(HostError, match="simulated crash"):
        network_bridge(["start", "vifnum=0"], state_dir=tmp_path, netns=fake.host)
    monkeypatch.undo()
    assert _addresses(fake.host, "eth0") == set() and _addresses(fake.host, "xenbr0") == set()
    result = network_bridge(["start", "vifnum=0"], state_dir=tmp_path, netns=fake.host)
    assert result.changed
    assert _addresses(fake.host, "xenbr0") == {"192.0.2.1/24", "2001:db8::1/64"}
    assert _default_routes(fake.host)[socket.AF_INET] == (FakeHost.LAN0, "xenbr0")
    assert ping(fake.lan0, FakeHost.HOST0)


def test_stop_refuses_while_guest_taps_are_attached(fake: FakeHost, tmp_path: Path) -> None:
    network_bridge(["start", "vifnum=0"], state_dir=tmp_path, netns=fake.host)
    create_tap("vif1.0", bridge="xenbr0", guest_mac="00:16:3e:00:00:01", netns=fake.host)
    with pytest.raises(ConflictError, match="xenbr0 still has guest interfaces: vif1.0"):
        network_bridge(["stop", "vifnum=0"], state_dir=tmp_path, netns=fake.host)
    assert _addresses(fake.host, "xenbr0") == {"192.0.2.1/24", "2001:db8::1/64"}  # untouched
    network_bridge(["stop", "vifnum=0"], state_dir=tmp_path, netns=fake.host, force=True)
    assert _addresses(fake.host, "eth0") == {"192.0.2.1/24", "2001:db8::1/64"}
    assert delete_tap("vif1.0", netns=fake.host)
    assert list_taps(netns=fake.host) == []


def test_seed_network_script_makes_xenbr0_and_xenbr1(fake: FakeHost, tmp_path: Path) -> None:
    scripts = tmp_path / "scripts"
    scripts.mkdir()
    (scripts / "my-network-script").write_text(SEED_SCRIPT)
    state = tmp_path / "state"
    results = run_network_script(
        "(network-script my-network-script)", "start", state_dir=state, scripts_dir=scripts, netns=fake.host
    )
    assert [(r.bridge, r.netdev, r.changed) for r in results] == [("xenbr0", "eth0", True), ("xenbr1", "eth1", True)]
    assert _addresses(fake.host, "xenbr1") == {"198.51.100.1/24"}
    assert ping(fake.lan0, FakeHost.HOST0) and ping(fake.lan1, FakeHost.HOST1)

    create_tap("vif1.0", bridge="xenbr0", guest_mac="00:16:3e:00:00:01", netns=fake.host)
    create_tap("vif1.1", bridge="xenbr1", guest_mac="00:16:3e:00:00:02", netns=fake.host)
    bridges = list_bridges(netns=fake.host)
    assert [(b.name, b.interfaces, b.stp) for b in bridges] == [
        ("xenbr0", ("eth0", "vif1.0"), False),
        ("xenbr1", ("eth1", "vif1.1"), False),
    ]
    eth0_mac = _link(fake.host, "eth0").get("address").replace(":", "")
    assert bridges[0].bridge_id == f"8000.{eth0_mac}"
    assert json.loads(json.dumps([b.to_dict() for b in bridges]))[1] == {
        "name": "xenbr1", "bridge_id": bridges[1].bridge_id, "stp": False, "interfaces": ["eth1", "vif1.1"],
    }
    table = format_bridges(bridges)
    assert table.splitlines()[0].split() == ["bridge", "name", "bridge", "id", "STP", "enabled", "interfaces"]
    assert "vif1.1" in table

    for tap in ("vif1.0", "vif1.1"):
        delete_tap(tap, netns=fake.host)
    results = run_network_script(
        "my-network-script", "stop", state_dir=state, scripts_dir=scripts, netns=fake.host
    )
    assert all(r.changed for r in results)
    assert list_bridges(netns=fake.host) == []
    assert _addresses(fake.host, "eth1") == {"198.51.100.1/24"}
    assert list_taps(netns=fake.host) == []


def test_missing_netdev_and_foreign_bridges(fake: FakeHost, tmp_path: Path) -> None:
    with pytest.raises(NotFoundError, match="netdev eth2 not found"):
        network_bridge(["start", "vifnum=2"], state_dir=tmp_path, netns=fake.host)
    assert list_bridges(netns=fake.host) == []
    # a plain bridge of the same name is adopted: eth0 joins it and its addresses move in
    assert create_bridge("xenbr0", netns=fake.host)
    assert network_bridge(["start"], state_dir=tmp_path, netns=fake.host).changed
    assert ping(fake.lan0, FakeHost.HOST0)
    # eth0 can't be a port of two bridges
    with pytest.raises(ConflictError, match="already a port of xenbr0"):
        network_bridge(["start", "bridge=br9"], state_dir=tmp_path, netns=fake.host)


def test_bridge_listing_before_anything(fake: FakeHost) -> None:
    assert list_bridges(netns=fake.host) == []
    assert create_bridge("br0", netns=fake.host)
    assert not create_bridge("br0", netns=fake.host)
    assert list_bridges(netns=fake.host) == [BridgeInfo("br0", "8000.000000000000", False, ())]
