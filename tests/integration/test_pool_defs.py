"""Definitions in the pool (issue 13): a managed domain defined on one member (xm new) is
in etcd, shows on every member, starts on any of them -- never on two at once -- and `xm
delete` removes it everywhere."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.integration.etcdcluster import EtcdCluster
from tests.integration.hvenv import HvEnv, tiny_profile
from tests.integration.poolenv import member, new_prefix, qemu_pids, wait_members

READY = "HVMCTL-READY"


@pytest.fixture(scope="module")
def etcd() -> Iterator[EtcdCluster]:
    with EtcdCluster.running(1) as cluster:
        yield cluster


def _local(hv: HvEnv, name: str) -> dict[str, object] | None:
    rows = hv.hv("list", "--json").json()
    return next((r for r in rows if r["name"] == name), None)


def test_defined_on_one_member_started_on_another_deleted_everywhere(etcd: EtcdCluster) -> None:
    prefix = new_prefix()
    hosts: list[HvEnv] = []
    try:
        hosts.append(member(etcd, "da", prefix=prefix))
        hosts.append(member(etcd, "db", prefix=prefix))
        a, b = hosts
        wait_members(a, {"da", "db"})
        a.write_profile("pd", tiny_profile("pd", vnc=False))
        a.hv("new", "pd")
        # B's own managed list shows A's definition (inactive), from etcd
        b.wait_for(lambda: _local(b, "pd") is not None, timeout=15, what="pd defined on B")
        assert _local(b, "pd")["state"] == "inactive"  # type: ignore[index]
        assert _local(b, "pd")["uuid"] == _local(a, "pd")["uuid"]  # type: ignore[index]
        b.hv("start", "pd")
        b.wait_console("pd", READY, timeout=120)
        # A's start of it: refused (it runs on B; its run lock), nothing spawned on A
        again = a.hv("start", "pd", check=False)
        assert again.returncode != 0 and "pd" in again.stderr, again.stderr
        assert qemu_pids(a) == [] and len(qemu_pids(b)) == 1
        # the pool view has it once, on B; and a delete while B runs it is refused
        pool = [r for r in a.hv("list", "--pool", "--json").json() if r["name"] == "pd"]
        assert [r["host"] for r in pool] == ["db"] and pool[0]["state"] == "running", pool
        refused = a.hv("delete", "pd", check=False)
        assert refused.returncode != 0 and "db" in refused.stderr, refused.stderr
        b.hv("destroy", "pd")
        b.wait_for(lambda: qemu_pids(b) == [], timeout=30, what="B's QEMU gone")
        assert b.domain("pd")["state"] == "inactive"  # a definition still, on B
        # deleted on A: gone from B too, and from etcd (a new member never sees it)
        a.wait_for(lambda: a.hv("delete", "pd", check=False).returncode == 0, timeout=15, what="delete on A")
        assert _local(a, "pd") is None
        b.wait_for(lambda: _local(b, "pd") is None, timeout=15, what="pd gone from B")
        assert b.hv("start", "pd", check=False).returncode != 0
    finally:
        for hv in hosts:
            hv.cleanup()

