"""Out of the box: on a host with no bridge and no network script, ``vif = ['']`` still gives
the guest a working network through user-mode NAT, and ``create`` says so; a port forward
lets the host reach a guest port. Once ``xenbr0`` exists, the same profile's tap joins it.

The daemon runs in a namespace of its own (a host with no bridges), so the test does not
depend on what this machine has.
"""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest

from hvmctl.errors import HostError
from hvmctl.network.sandbox import Sandbox, tcp_request
from tests.integration.hvenv import HvEnv

pytestmark = [
    pytest.mark.integration,
    pytest.mark.skipif(os.geteuid() != 0, reason="needs root: network namespaces, bridges, taps"),
]


def nics_profile(name: str, extra: str = "") -> str:
    """The seed's plain ``vif = ['']`` (default model rtl8139: the generic-kernel guest)."""
    from tests.fixtures.guests import nics_guest

    g = nics_guest()
    return (
        f'name = "{name}"\nbuilder = "hvm"\nmemory = 96\nvcpus = 1\n'
        f'kernel = "{g.kernel}"\nramdisk = "{g.initrd}"\nextra = "{g.cmdline} {extra}"\n'
        "vif = ['']\n"
    )


@pytest.fixture
def bare() -> Iterator[tuple[str, HvEnv]]:
    """A namespace with nothing but loopback, and an hvmctl daemon inside it."""
    with Sandbox("hvnat") as sb:
        try:
            ns = sb.netns("host")
        except HostError as e:
            pytest.skip(f"cannot make network namespaces here: {e}")
        hv = HvEnv.make(netns=ns)
        try:
            hv.start_daemon()
            yield ns, hv
        finally:
            hv.cleanup()


def test_nat_fallback_gives_an_address_and_a_reachable_port(bare: tuple[str, HvEnv]) -> None:
    ns, hv = bare
    hv.write_profile("nat", nics_profile("nat", "hvtest.net=1"))
    out = hv.hv("create", "nat").stdout
    assert "vif 0: bridge xenbr0 not found; using user-mode NAT (10.0.2.15), mac 00:16:3e:" in out, out
    assert out.rstrip().endswith("(rtl8139)")
    nic = hv.hv("network-list", "--json", "nat").json()[0]
    assert (nic["kind"], nic["tap"], nic["bridge"]) == ("user", None, None)
    log = hv.wait_console("nat", "HVMCTL-READY", timeout=90)
    assert "HVMCTL-IP 10.0.2.15 dev=eth0" in log  # DHCP from QEMU's user-mode stack
    assert f"driver=8139cp mac={nic['mac']}" in log

    hv.hv("console", "nat", input="mkdir -p /w; echo hello-$((6*7)) > /w/index.html; httpd -p 8080 -h /w\n",
          timeout=30)
    hv.hv("network-forward", "nat", "tcp::18080-:8080")
    answer = tcp_request(ns, "127.0.0.1", 18080, "GET /index.html HTTP/1.0\r\n\r\n", timeout=20)
    assert b"200 OK" in answer and b"hello-42" in answer
    assert hv.hv("network-list", "--json", "nat").json()[0]["hostfwd"] == ["tcp:127.0.0.1:18080-:8080"]
    dup = hv.hv("network-forward", "nat", "tcp::18080-:8080", check=False)
    assert dup.returncode == 1 and "already set" in dup.stderr
    hv.hv("network-forward", "--remove", "nat", "tcp::18080-:8080")
    with pytest.raises(OSError):
        tcp_request(ns, "127.0.0.1", 18080, "GET / HTTP/1.0\r\n\r\n", timeout=1)
    hv.hv("destroy", "nat")


def test_existing_xenbr0_is_joined_by_default(bare: tuple[str, HvEnv]) -> None:
    from hvmctl.network.bridge import create_bridge
    from hvmctl.network.taps import list_taps

    ns, hv = bare
    create_bridge("xenbr0", netns=ns)  # the admin's own bridge, not made by hvmctl
    hv.write_profile("br", nics_profile("br"))
    out = hv.hv("create", "br").stdout
    domid = hv.domain("br")["id"]
    assert f"vif 0: vif{domid}.0 on bridge xenbr0" in out, out
    assert list_taps(netns=ns) == [f"vif{domid}.0"]
    assert [b["interfaces"] for b in hv.hv("bridges", "--json").json()] == [[f"vif{domid}.0"]]
    hv.hv("destroy", "br")
    assert list_taps(netns=ns) == []
    assert [b["name"] for b in hv.hv("bridges", "--json").json()] == ["xenbr0"]  # not ours to remove
