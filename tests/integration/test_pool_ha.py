"""HA restart rules on real etcd (issue 13): a paused HA guest of a failed member is
restarted paused; a managed HA domain (xm new + xm start) is restarted on a survivor from
its definition in etcd, once; and `xm create -c` of a guest placed on another member
attaches to its console there."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
import time
from collections.abc import Iterator

import pytest

from tests.integration.etcdcluster import EtcdCluster
from tests.integration.hvenv import HvEnv, tiny_profile
from tests.integration.poolenv import kill_member, listening_members, member, new_prefix, qemu_pids, wait_members

READY = "HVMCTL-READY"


@pytest.fixture(scope="module")
def etcd() -> Iterator[EtcdCluster]:
    with EtcdCluster.running(1) as cluster:
        yield cluster


@pytest.fixture
def pair(etcd: EtcdCluster) -> Iterator[tuple[HvEnv, HvEnv]]:
    prefix = new_prefix()
    hosts: list[HvEnv] = []
    try:
        hosts.append(member(etcd, "ka", prefix=prefix))
        hosts.append(member(etcd, "kb", prefix=prefix))
        wait_members(hosts[0], {"ka", "kb"})
        yield hosts[0], hosts[1]
    finally:
        for hv in hosts:
            hv.cleanup()


def _events(hv: HvEnv) -> list[str]:
    return [e["text"] for e in hv.hv("pool", "events", "--json").json()["events"]]


def test_paused_ha_guest_of_a_failed_member_is_restarted_paused(pair: tuple[HvEnv, HvEnv]) -> None:
    a, b = pair
    a.write_profile("pz", tiny_profile("pz", vnc=False, more="ha = 1\n"))
    a.hv("create", "pz", "--host", "kb")
    b.wait_console("pz", READY, timeout=120)
    b.hv("pause", "pz")
    time.sleep(1.5)  # a few ticks: the member records "paused" in the pool's definition
    kill_member(b)
    row = a.wait_for(lambda: next((d for d in a.domains() if d["name"] == "pz" and d["state"] != "starting"), None),
                     timeout=60, what="pz restarted on ka")
    assert row["state"] == "paused" and row["flags"][2] == "p", row
    assert len(qemu_pids(a)) == 1
    time.sleep(3)  # paused from its first instruction: nothing boots
    assert READY not in a.console_log("pz") and a.domain("pz")["state"] == "paused"
    assert any(t.startswith("started pz here (HA restart") and t.endswith(", paused") for t in _events(a))
    a.hv("unpause", "pz")  # the user's call, as before the failure
    a.wait_console("pz", READY, timeout=120)


def test_managed_ha_domain_is_restarted_on_a_survivor_from_etcd_once(pair: tuple[HvEnv, HvEnv]) -> None:
    a, b = pair
    a.write_profile("md", tiny_profile("md", vnc=False, more="ha = 1\n"))
    a.hv("new", "md")
    b.wait_for(lambda: any(d["name"] == "md" for d in b.domains()), timeout=15, what="md defined on kb")
    os.unlink(a.profile_dir / "md")  # the survivor has no profile: the definition comes from etcd
    b.hv("start", "md")
    b.wait_console("md", READY, timeout=120)
    assert qemu_pids(a) == []
    kill_member(b)
    seen: list[tuple[int, int]] = []
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and not qemu_pids(a):
        seen.append((len(qemu_pids(a)), len(qemu_pids(b))))
        assert sum(seen[-1]) <= 1, seen[-5:]
        time.sleep(0.1)
    a.wait_console("md", READY, timeout=120)
    for _ in range(60):  # 6 s, more than the lease: one copy, never a second start
        assert len(qemu_pids(a)) == 1 and qemu_pids(b) == []
        time.sleep(0.1)
    restarts = [t for t in _events(a) if t.startswith("HA: restarting md")]
    assert len(restarts) == 1, restarts
    # still a managed domain on the survivor: destroyed, it stays defined (inactive)
    a.hv("destroy", "md")
    a.wait_for(lambda: qemu_pids(a) == [], timeout=30, what="md's QEMU gone")
    assert a.domain("md")["state"] == "inactive"
    time.sleep(2)
    assert qemu_pids(a) == []  # and HA does not bring a stopped one back


def test_create_with_console_follows_the_guest_to_its_member(etcd: EtcdCluster) -> None:
    prefix = new_prefix()
    hosts: list[HvEnv] = []
    try:
        a, b = listening_members(etcd, ["xa", "xb"], prefix=prefix, into=hosts)
        a.write_profile("cc", tiny_profile("cc", vnc=False))
        proc = subprocess.Popen([sys.executable, "-m", "hvmctl", "create", "-c", "cc", "--host", "xb"], env=a.env,
                                stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        out: list[bytes] = []
        reader = threading.Thread(target=lambda: out.extend(iter(lambda: proc.stdout.read1(4096), b"")),  # type: ignore[union-attr]
                                  daemon=True)
        reader.start()
        try:
            b.wait_console("cc", READY, timeout=120)  # it boots on xb
            assert qemu_pids(a) == [] and len(qemu_pids(b)) == 1
            assert proc.stdin is not None
            proc.stdin.write(b"echo MARK-$((40+2))\n")
            proc.stdin.flush()
            deadline = time.monotonic() + 30
            while b"MARK-42" not in b"".join(out) and time.monotonic() < deadline:
                time.sleep(0.1)
            assert b"MARK-42" in b"".join(out), b"".join(out)[-800:]  # the answer, read by xa's CLI
            proc.stdin.close()
            assert proc.wait(timeout=30) == 0
        finally:
            if proc.poll() is None:
                proc.kill()
                proc.wait(10)
        assert "Started domain cc" in proc.stderr.read().decode()  # type: ignore[union-attr]
        b.wait_console("cc", "MARK-42")  # xb's guest answered
    finally:
        for hv in hosts:
            hv.cleanup()
