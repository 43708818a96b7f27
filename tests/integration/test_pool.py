"""The pool on real etcd: three members, one view, placement, HA restart that never runs a
guest twice (issue 13)."""

from __future__ import annotations

import signal
import time
from collections.abc import Iterator

import pytest

from tests.integration.etcdcluster import EtcdCluster
from tests.integration.hvenv import HvEnv, tiny_profile
from tests.integration.poolenv import member, new_prefix, wait_members


@pytest.fixture(scope="module")
def etcd() -> Iterator[EtcdCluster]:
    cluster = EtcdCluster.start(3)
    try:
        yield cluster
    finally:
        cluster.stop()


@pytest.fixture
def pool3(etcd: EtcdCluster) -> Iterator[list[HvEnv]]:
    prefix = new_prefix()
    members: list[HvEnv] = []
    try:
        for host in ("h1", "h2", "h3"):
            members.append(member(etcd, host, prefix=prefix))
        yield members
    finally:
        for hv in members:
            hv.cleanup()


def test_members_join_elect_one_manager_and_leave(pool3: list[HvEnv]) -> None:
    h1, h2, h3 = pool3
    status = wait_members(h1, {"h1", "h2", "h3"})
    assert status["leader"] in {"h1", "h2", "h3"}
    assert {m["name"] for m in status["etcd"]["members"]} == {"e0", "e1", "e2"}
    for m in status["members"]:
        assert m["free_memory"] > 0 and m["nr_cpus"] >= 1
    assert h2.hv("pool", "status", "--json").json()["leader"] == status["leader"]  # one manager
    assert "h3 left the pool" in h3.hv("pool", "leave").stdout
    wait_members(h1, {"h1", "h2"})
    refused = h3.hv("pool", "status", check=False)
    assert refused.returncode == 1 and "left the pool" in refused.stderr
    events = h1.hv("pool", "events", "--json").json()["events"]
    assert any(e["host"] == "h3" and e["text"] == "left the pool" for e in events)


def test_not_a_member_says_so(hv: HvEnv) -> None:
    res = hv.hv("pool", "status", check=False)
    assert res.returncode == 1 and "not a pool member" in res.stderr
    res = hv.hv("list", "--pool", check=False)
    assert res.returncode == 1 and "not a pool member" in res.stderr
