"""Guest taps in a namespace: create, attach, shape, open from QEMU, delete; no leaks."""

from __future__ import annotations

import asyncio
import os
import shutil
import stat
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from hvmctl.errors import ConflictError, HostError, HvmctlError, NotFoundError
from hvmctl.network.bridge import bridge_exists, create_bridge, delete_bridge, get_bridge, list_bridges
from hvmctl.network.netns import netns_preexec
from hvmctl.network.sandbox import Sandbox
from hvmctl.network.taps import (
    attach_tap,
    create_tap,
    delete_tap,
    detach_tap,
    list_taps,
    set_tap_rate,
    tap_info,
)
from hvmctl.network.vifscript import run_vif_script

pytestmark = [
    pytest.mark.integration,
    pytest.mark.skipif(os.geteuid() != 0, reason="needs root: creates network namespaces, bridges and taps"),
]


@pytest.fixture
def ns() -> Iterator[str]:
    """A namespace standing for the host, with bridge xenbr0 (MTU 1400) in it."""
    with Sandbox() as sb:
        try:
            name = sb.netns("host")
        except HostError as e:
            pytest.skip(f"cannot make network namespaces here: {e}")
        create_bridge("xenbr0", mtu=1400, netns=name)
        yield name
        assert list_taps(netns=name) == [], "a test leaked a tap"


def test_tap_lifecycle(ns: str) -> None:
    info = create_tap("vif5.0", bridge="xenbr0", guest_mac="00:16:3e:0a:0b:0c", owner=65534, group=65534, netns=ns)
    assert (info.name, info.bridge, info.mtu, info.mac, info.up) == ("vif5.0", "xenbr0", 1400, "fe:16:3e:0a:0b:0c", True)
    assert (info.owner, info.group) == (65534, 65534)
    assert list_taps(netns=ns) == ["vif5.0"]
    assert get_bridge("xenbr0", netns=ns).interfaces == ("vif5.0",)
    assert get_bridge("xenbr0", netns=ns).bridge_id == "8000.fe163e0a0b0c"

    detach_tap("vif5.0", netns=ns)
    info2 = tap_info("vif5.0", netns=ns)
    assert info2 is not None and info2.bridge is None and not info2.up
    attach_tap("vif5.0", "xenbr0", netns=ns)
    assert get_bridge("xenbr0", netns=ns).interfaces == ("vif5.0",)

    with pytest.raises(ConflictError, match="vif5.0 already exists"):
        create_tap("vif5.0", netns=ns)
    with pytest.raises(ConflictError, match="bridge xenbr0 still has interfaces: vif5.0"):
        delete_bridge("xenbr0", netns=ns)
    assert delete_tap("vif5.0", netns=ns) is True
    assert delete_tap("vif5.0", netns=ns) is False  # idempotent
    assert tap_info("vif5.0", netns=ns) is None


def test_tap_without_bridge_and_default_owner(ns: str) -> None:
    info = create_tap("vif6.0", netns=ns)
    assert info.bridge is None and info.up and info.owner is None and info.group is None
    delete_tap("vif6.0", netns=ns)


def test_rate_is_a_tbf_on_the_tap(ns: str) -> None:
    from pyroute2 import IPRoute

    info = create_tap("vif7.0", bridge="xenbr0", rate="10Mb/s", netns=ns)
    assert info.qdisc == "tbf"
    with IPRoute(netns=ns, flags=0) as ipr:
        (qdisc,) = [q for q in ipr.get_qdiscs(index=info.ifindex) if q.get("kind") == "tbf"]
        parms = qdisc.get(("options", "TCA_TBF_PARMS"))
        assert parms["rate"] == 1_250_000
    set_tap_rate("vif7.0", "1MB/s@20ms", netns=ns)
    with IPRoute(netns=ns, flags=0) as ipr:
        (qdisc,) = [q for q in ipr.get_qdiscs(index=info.ifindex) if q.get("kind") == "tbf"]
        assert qdisc.get(("options", "TCA_TBF_PARMS"))["rate"] == 1_000_000
    set_tap_rate("vif7.0", None, netns=ns)
    after = tap_info("vif7.0", netns=ns)
    assert after is not None and after.qdisc != "tbf"
    delete_tap("vif7.0", netns=ns)


def test_failures_leave_nothing_behind(ns: str) -> None:
    with pytest.raises(NotFoundError, match="bridge nobr not found"):
        create_tap("vif8.0", bridge="nobr", netns=ns)
    with pytest.raises(ConflictError, match=r"^lo in netns \S+ is not a bridge$"):
        create_tap("vif8.0", bridge="lo", netns=ns)
    with pytest.raises(HvmctlError, match="IFNAMSIZ"):
        create_tap("vif12345678.1234", netns=ns)  # 16 characters
    assert create_tap("vif1234567.1234", netns=ns).name == "vif1234567.1234"  # exactly 15
    delete_tap("vif1234567.1234", netns=ns)
    assert list_taps(netns=ns, prefix=None) == []
    with pytest.raises(ConflictError, match="not a tap"):
        delete_tap("xenbr0", netns=ns)
    with pytest.raises(ConflictError, match="not a tap"):
        delete_tap("lo", netns=ns)
    assert bridge_exists("xenbr0", netns=ns) and not bridge_exists("lo", netns=ns)


def test_missing_namespace_is_not_found() -> None:
    with pytest.raises(NotFoundError, match="network namespace 'hvt-no-such-ns' not found"):
        list_bridges(netns="hvt-no-such-ns")
    assert not Path("/run/netns/hvt-no-such-ns").exists()  # and was not created on the way


def test_sync_api_from_asyncio_code(ns: str) -> None:
    """The daemon calls these through asyncio.to_thread (pyroute2 runs its own loop)."""

    async def main() -> list[str]:
        await asyncio.to_thread(create_tap, "vif9.0", bridge="xenbr0", netns=ns)
        bridges = await asyncio.to_thread(list_bridges, netns=ns)
        await asyncio.to_thread(delete_tap, "vif9.0", netns=ns)
        return [i for b in bridges for i in b.interfaces]

    assert asyncio.run(main()) == ["vif9.0"]


@pytest.mark.skipif(shutil.which("qemu-system-x86_64") is None, reason="qemu-system-x86_64 not installed")
def test_qemu_opens_the_tap_by_name(ns: str) -> None:
    """``-netdev tap,ifname=...,script=no,downscript=no`` attaches; the tap outlives QEMU."""
    from pyroute2 import IPRoute

    info = create_tap("vif10.0", bridge="xenbr0", guest_mac="00:16:3e:00:10:00", netns=ns)
    argv = [
        "qemu-system-x86_64", "-M", "none", "-nodefaults", "-display", "none", "-S",
        "-netdev", "tap,id=n0,ifname=vif10.0,script=no,downscript=no",
    ]
    preexec = netns_preexec(ns)
    proc = subprocess.Popen(argv, preexec_fn=preexec, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    preexec.close()
    try:
        carrier = False
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline and proc.poll() is None and not carrier:
            with IPRoute(netns=ns, flags=0) as ipr:
                carrier = ipr.get_links(info.ifindex)[0].get("carrier") == 1
            time.sleep(0.05)
        assert proc.poll() is None, proc.stderr.read().decode() if proc.stderr else ""
        assert carrier, "QEMU did not attach to the tap"
    finally:
        proc.terminate()
        proc.wait(timeout=10)
    assert tap_info("vif10.0", netns=ns) is not None  # persistent: the daemon removes it
    assert delete_tap("vif10.0", netns=ns)


def test_vif_script_runs_inside_the_namespace(ns: str, tmp_path: Path) -> None:
    create_tap("vif11.0", bridge="xenbr0", netns=ns)
    script = tmp_path / "vif-custom"
    script.write_text('#!/bin/sh\ncat /proc/net/dev > "$(dirname "$0")/dev.txt"\necho "$1 $vif $bridge" >> "$(dirname "$0")/dev.txt"\n')
    script.chmod(script.stat().st_mode | stat.S_IXUSR)
    run_vif_script("vif-custom", "online", vif="vif11.0", bridge="xenbr0", scripts_dir=tmp_path, netns=ns)
    text = (tmp_path / "dev.txt").read_text()
    assert "vif11.0:" in text and "xenbr0:" in text  # it saw the namespace's interfaces
    assert "eth0:" not in text  # and not the machine's own
    assert text.rstrip().endswith("online vif11.0 xenbr0")
    delete_tap("vif11.0", netns=ns)
