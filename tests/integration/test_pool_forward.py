"""Forwarding (issue 13): a command naming a domain of another pool member, typed on any
member, is relayed to that member's remote API and acts on the guest there."""

from __future__ import annotations

import re
import time
from collections.abc import Iterator

import pytest

from tests.integration.etcdcluster import EtcdCluster, free_ports
from tests.integration.hvenv import HvEnv, tiny_profile
from tests.integration.poolenv import listening_members, member, new_prefix, qemu_pids, wait_members

READY = "HVMCTL-READY"


@pytest.fixture(scope="module")
def etcd() -> Iterator[EtcdCluster]:
    with EtcdCluster.running(1) as cluster:
        yield cluster


def _counters(hv: HvEnv, name: str) -> list[int]:
    text = hv.console_log(name)
    return [int(n) for n in re.findall(r"^COUNTER (\d+)\r?$", text, re.M)]


def _rows(listed: object) -> list[dict[str, object]]:
    return listed if isinstance(listed, list) else listed["domains"]  # type: ignore[index,return-value]


def test_pause_unpause_shutdown_of_another_members_guest(etcd: EtcdCluster) -> None:
    prefix = new_prefix()
    hosts: list[HvEnv] = []
    try:
        pa, pb = free_ports(2)
        hosts.append(member(etcd, "fa", prefix=prefix, extra={"HVMCTL_LISTEN": f"127.0.0.1:{pa}"}))
        # fb's remote API comes from its daemon config file (HVMCTL_CONFIG), not the environment
        conf = hosts[0].base.parent / f"{prefix}-fb.conf"
        conf.write_text(f"# fb\nlisten = 127.0.0.1:{pb}\n")
        try:
            hosts.append(member(etcd, "fb", prefix=prefix, extra={"HVMCTL_CONFIG": str(conf)}))
        finally:
            conf.unlink()  # read once, at the start
        a, b = hosts
        assert "HVMCTL_LISTEN" not in b.env
        wait_members(a, {"fa", "fb"})
        b.write_profile("fwd", tiny_profile("fwd", extra="hvtest.counter=1", vnc=False))
        b.hv("create", "fwd")
        b.wait_console("fwd", "COUNTER 2", timeout=120)
        a.wait_for(lambda: any(d["name"] == "fwd" for d in _rows(a.hv("list", "--pool", "--json").json())),
                   timeout=15, what="fwd in the pool view")
        # A has no such domain: its `pause` goes to B
        a.hv("pause", "fwd")
        assert b.domain("fwd")["flags"] == "--p---"
        frozen = max(_counters(b, "fwd"))
        time.sleep(2.5)
        assert max(_counters(b, "fwd")) <= frozen + 1  # the vCPUs of B's guest stopped
        a.hv("unpause", "fwd")
        b.wait_for(lambda: max(_counters(b, "fwd")) >= frozen + 3, timeout=30, what="the counter going on")
        # an action refused on B comes back as B said it
        again = a.hv("unpause", "fwd", check=False)
        assert again.returncode != 0 and "fwd" in again.stderr
        a.hv("shutdown", "-w", "--timeout", "60", "fwd", timeout=90)
        b.wait_for(lambda: qemu_pids(b) == [], timeout=30, what="B's QEMU gone")
        assert qemu_pids(a) == []  # it never ran on A
        # a name nobody has is still a local not-found
        missing = a.hv("pause", "nosuch", check=False)
        assert missing.returncode != 0 and "nosuch" in missing.stderr
    finally:
        for hv in hosts:
            hv.cleanup()


def test_console_of_another_members_guest(etcd: EtcdCluster) -> None:
    """`xm console` typed on A for B's guest: the line reaches B's guest and its answer comes
    back to A's terminal through the relayed serial stream."""
    prefix = new_prefix()
    hosts: list[HvEnv] = []
    try:
        a, b = listening_members(etcd, ["ca", "cb"], prefix=prefix, into=hosts)
        b.write_profile("con", tiny_profile("con", vnc=False))
        b.hv("create", "con")
        b.wait_console("con", READY, timeout=120)
        a.wait_for(lambda: any(d["name"] == "con" for d in _rows(a.hv("list", "--pool", "--json").json())),
                   timeout=15, what="con in the pool view")
        # `xm list NAME` on A: B's guest, from the pool view (not "does not exist")
        row = a.hv("list", "con").stdout.splitlines()[1]
        assert row.split()[0] == "con" and row.split()[-2] in ("r-----", "-b----"), row
        assert [r["host"] for r in a.hv("list", "--json", "con").json()] == ["cb"]
        assert a.hv("list", "nosuch", check=False).returncode != 0
        out = a.hv("console", "con", input="echo MARK-$((40+2))\n", timeout=60)
        assert "MARK-42" in out.stdout, out.stdout  # the guest's answer, read on A
        b.wait_console("con", "MARK-42")  # and it is B's guest that answered
        assert qemu_pids(a) == []
    finally:
        for hv in hosts:
            hv.cleanup()
