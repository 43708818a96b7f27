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
    with EtcdCluster.running(3) as cluster:
        yield cluster


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


def _where(hv: HvEnv, name: str) -> list[dict[str, object]]:
    res = hv.hv("list", "--pool", "--json", check=False)
    return [r for r in res.json() if r["name"] == name] if res.returncode == 0 else []


def _running_on(hv: HvEnv, name: str, timeout: float = 60.0, expect: str | None = None) -> str:
    """The member whose published list shows ``name`` running (waits for it). With
    ``expect``, waits for the view to settle there: members publish every tick, so right
    after a move the source's last row can still be the one shown."""
    def rows() -> list[dict[str, object]]:
        found = [r for r in _where(hv, name) if r["state"] in ("running", "paused")]
        if expect is not None and [r["host"] for r in found] != [expect]:
            return []
        return found

    found = hv.wait_for(rows, timeout=timeout, what=f"{name} running in the pool" + (f" on {expect}" if expect else ""))
    assert len(found) == 1, found
    return str(found[0]["host"])


def test_one_view_create_on_a_named_member_and_placement(pool3: list[HvEnv]) -> None:
    h1, h2, h3 = pool3
    by_name = {"h1": h1, "h2": h2, "h3": h3}
    wait_members(h1, {"h1", "h2", "h3"})
    h1.write_profile("a", tiny_profile("a", vnc=False))
    out = h1.hv("create", "a", "--host", "h2").stdout
    assert "Started domain a" in out
    assert _running_on(h3, "a") == "h2"  # any member shows it, with its host
    assert [d["name"] for d in h2.domains()] == ["a"] and h1.domains() == []
    h2.wait_console("a", "HVMCTL-READY")
    table = h1.hv("list", "--pool").stdout.splitlines()
    assert table[0].split()[:2] == ["Name", "Host"]
    assert any(line.split()[:2] == ["a", "h2"] for line in table[1:])
    # the name is the pool's: another member cannot create a second 'a'
    h3.write_profile("a", tiny_profile("a", vnc=False))
    clash = h3.hv("create", "a", "--host", "h3", check=False)
    assert clash.returncode == 1 and "already in use in the pool" in clash.stderr
    # placement: among the members with the profile's tags (none has 'ssd'), the one with
    # the most free memory
    h3.write_profile("b", tiny_profile("b", vnc=False, more='ha = 1\nhost_tags = "ssd"\n'))
    refused = h3.hv("create", "b", check=False)
    assert refused.returncode == 1 and "host_tags ssd" in refused.stderr
    h1.write_profile("c", tiny_profile("c", vnc=False, more="ha = 1\n"))
    host = h1.hv("create", "c", "--json").json()["host"]
    assert host in by_name
    by_name[host].wait_console("c", "HVMCTL-READY")
    # a member running a pool domain does not leave (its guests would be restarted elsewhere)
    stay = h2.hv("pool", "leave", check=False)
    assert stay.returncode == 1 and "pool domains run on h2: a" in stay.stderr
    # xm destroy stops a pool domain for good: nothing brings it back
    h2.hv("destroy", "a")
    time.sleep(2)
    assert _where(h1, "a") == []


def test_ha_guest_of_a_killed_member_runs_elsewhere(pool3: list[HvEnv]) -> None:
    from tests.integration.poolenv import kill_member

    h1, h2, h3 = pool3
    by_name = {"h1": h1, "h2": h2, "h3": h3}
    wait_members(h1, {"h1", "h2", "h3"})
    h1.write_profile("web", tiny_profile("web", vnc=False, more="ha = 1\n"))
    h1.hv("create", "web", "--host", "h2")
    h2.wait_console("web", "HVMCTL-READY")
    killed = time.monotonic()
    kill_member(h2)  # the daemon and its QEMU, kill -9: the host died
    host = h1.wait_for(lambda: next((r["host"] for r in _where(h1, "web") if r["state"] == "running"
                                     and r["host"] != "h2"), None), timeout=60, what="web restarted")
    assert host in ("h1", "h3")
    by_name[host].wait_console("web", "HVMCTL-READY")  # the guest booted there
    took = time.monotonic() - killed
    assert took < 4 + 1 + 30, took  # lease + grace + a TCG boot
    events = [e["text"] for e in h1.hv("pool", "events", "--json").json()["events"]]
    assert any(t.startswith(f"HA: restarting web on {host}") for t in events), events


def test_frozen_member_never_runs_the_guest_twice(pool3: list[HvEnv]) -> None:
    from tests.integration.poolenv import qemu_pids

    h1, h2, h3 = pool3
    wait_members(h1, {"h1", "h2", "h3"})
    h1.write_profile("db", tiny_profile("db", vnc=False, more="ha = 1\n"))
    h1.hv("create", "db", "--host", "h2")
    h2.wait_console("db", "HVMCTL-READY")
    assert len(qemu_pids(h2)) == 1
    assert h2.daemon is not None
    h2.daemon.send_signal(signal.SIGSTOP)  # its daemon hangs; its QEMU and watchdog do not
    try:
        deadline = time.monotonic() + 60
        seen: list[tuple[float, int, int, int]] = []
        while time.monotonic() < deadline:
            counts = (len(qemu_pids(h1)), len(qemu_pids(h2)), len(qemu_pids(h3)))
            seen.append((time.monotonic(), *counts))
            assert sum(counts) <= 1, f"two QEMUs of db at once: {seen[-5:]}"
            if counts[0] + counts[2] == 1:
                break
            time.sleep(0.1)
        else:
            raise AssertionError(f"db not restarted elsewhere: {seen[-3:]}")
        gone = next(t for t, _, c2, _ in seen if c2 == 0)
        print(f"db: h2's QEMU gone {gone - seen[0][0]:.1f} s after SIGSTOP, "
              f"running elsewhere {seen[-1][0] - gone:.1f} s later")
    finally:
        h2.daemon.send_signal(signal.SIGCONT)
    assert "killed 1 HA guest(s)" in (h2.base / "state" / "watchdog.log").read_text()  # the self-fence
    survivor = h1 if qemu_pids(h1) else h3
    survivor.wait_console("db", "HVMCTL-READY")
    # the frozen member wakes: it learns its lease expired and does not start its copy again
    for _ in range(50):  # 5 s, polled every 100 ms
        assert qemu_pids(h2) == [] and len(qemu_pids(h1)) + len(qemu_pids(h3)) == 1
        time.sleep(0.1)
    wait_members(h1, {"h1", "h2", "h3"})
    rows = h1.wait_for(lambda: (lambda r: r if len(r) == 1 else None)(_where(h1, "db")), timeout=10,
                       what="one db in the pool view")
    assert rows[0]["host"] != "h2" and rows[0]["state"] == "running"
    assert all(d["name"] != "db" or d["state"] not in ("running", "paused") for d in h2.domains())


def test_daemon_restart_keeps_ha_guests_and_etcd_member_loss_changes_nothing(
        etcd: EtcdCluster, pool3: list[HvEnv]) -> None:
    from tests.integration.poolenv import qemu_pids

    h1, _, h3 = pool3
    # a member with an 8 s lease: its watchdog gives a restarting daemon 8 - 2 s
    h4 = member(etcd, "h4", prefix=h1.env["HVMCTL_POOL_PREFIX"], ttl=8)
    pool3.append(h4)
    wait_members(h1, {"h1", "h2", "h3", "h4"})
    h4.write_profile("app", tiny_profile("app", vnc=False, more="ha = 1\n"))
    h4.hv("create", "app", "--host", "h4")
    h4.wait_console("app", "HVMCTL-READY")
    pid = qemu_pids(h4)
    # a daemon restart takes over its own lease: the HA guest is neither fenced nor moved
    h4.kill_daemon(signal.SIGTERM)
    h4.start_daemon()
    for _ in range(120):  # 12 s: longer than the lease
        assert qemu_pids(h4) == pid and qemu_pids(h1) == qemu_pids(h3) == []
        time.sleep(0.1)
    assert h4.domain("app")["state"] == "running"
    assert "killed" not in (h4.base / "state" / "watchdog.log").read_text()
    # one etcd member down changes nothing
    etcd.stop_member("e0")
    try:
        time.sleep(4)
        hosts = {m["host"] for m in h1.hv("pool", "status", "--json").json()["members"]}
        assert hosts == {"h1", "h2", "h3", "h4"}
        assert qemu_pids(h4) == pid
    finally:
        etcd.start_member("e0")
        etcd.wait_healthy()


def test_etcd_down_local_commands_work_pool_commands_say_why_and_members_rejoin(
        etcd: EtcdCluster, pool3: list[HvEnv]) -> None:
    from tests.integration.poolenv import qemu_pids

    h1, h2, _ = pool3
    wait_members(h1, {"h1", "h2", "h3"})
    h1.write_profile("loc", tiny_profile("loc", vnc=False))  # not a pool domain: no ha, no --host
    h1.hv("create", "loc")
    h1.wait_console("loc", "HVMCTL-READY")
    pid = qemu_pids(h1)
    for name in list(etcd.procs):
        etcd.stop_member(name)
    try:
        time.sleep(6)  # longer than the lease
        assert h1.domain("loc")["state"] == "running" and qemu_pids(h1) == pid
        h1.hv("pause", "loc")
        h1.hv("unpause", "loc")
        res = h2.hv("pool", "status", check=False)
        assert res.returncode == 1 and "the pool cannot answer: etcd unreachable" in res.stderr, res.stderr
        res = h1.hv("list", "--pool", check=False)
        assert res.returncode == 1 and "etcd unreachable" in res.stderr
        # a pool domain cannot start: the pool cannot promise it runs nowhere else
        h2.write_profile("p", tiny_profile("p", vnc=False, more="ha = 1\n"))
        res = h2.hv("create", "p", check=False)
        assert res.returncode == 1 and "etcd unreachable" in res.stderr, res.stderr
    finally:
        for name in etcd.names:
            etcd.start_member(name)
        etcd.wait_healthy()
    wait_members(h2, {"h1", "h2", "h3"}, timeout=30)  # every member rejoined by itself
    assert _running_on(h2, "loc") == "h1" and qemu_pids(h1) == pid


def _on_a_terminal(hv: HvEnv, *args: str, timeout: float = 300) -> str:
    """What ``hvmctl ARGS`` writes to a terminal (a pty as stdout and stderr)."""
    import os
    import subprocess
    import sys

    master, slave = os.openpty()
    proc = subprocess.Popen([sys.executable, "-m", "hvmctl", *args], env=hv.env, stdin=subprocess.DEVNULL,
                            stdout=slave, stderr=slave)
    os.close(slave)
    out = b""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            chunk = os.read(master, 65536)
        except OSError:  # the child closed the terminal
            break
        if not chunk:
            break
        out += chunk
    os.close(master)
    assert proc.wait(timeout=30) == 0, out
    return out.decode(errors="replace")


def test_migrate_to_a_member_and_evacuate(etcd: EtcdCluster) -> None:
    """xm migrate DOM MEMBER and hvmctl host evacuate over the members' TLS endpoints: the
    guest keeps running (no second boot) and its run lock follows it."""
    from tests.integration.etcdcluster import free_ports
    from tests.integration.poolenv import qemu_pids

    prefix = new_prefix()
    ports = free_ports(2)
    hosts: list[HvEnv] = []
    try:
        for name, port in zip(("m1", "m2"), ports):
            hosts.append(member(etcd, name, prefix=prefix, extra={"HVMCTL_REMOTE_LISTEN": f"127.0.0.1:{port}"}))
        m1, m2 = hosts
        status = wait_members(m1, {"m1", "m2"})
        m1.wait_for(lambda: all("endpoint" in m for m in m1.hv("pool", "status", "--json").json()["members"]),
                    timeout=15, what="both endpoints published")
        assert "token" not in str(status)  # the endpoints' tokens are not shown
        m1.write_profile("mv", tiny_profile("mv", vnc=False, more="ha = 1\n"))
        m1.hv("create", "mv", "--host", "m1")
        m1.wait_console("mv", "HVMCTL-READY")
        out = m1.hv("migrate", "--live", "mv", "m2", "--json", timeout=180)
        assert out.returncode == 0
        assert _running_on(m1, "mv", expect="m2") == "m2" and qemu_pids(m1) == [] and len(qemu_pids(m2)) == 1
        assert "HVMCTL-READY" not in m2.console_log("mv")  # the same boot, carried on
        m2.wait_for(lambda: any(e["text"] == "mv migrated in from m1"
                                for e in m2.hv("pool", "events", "--json").json()["events"]),
                    timeout=10, what="the run lock handed over")
        time.sleep(5)  # longer than the lease: nothing restarts it anywhere, nothing kills it
        assert qemu_pids(m1) == [] and len(qemu_pids(m2)) == 1
        # evacuate m2, asked on m1
        moved = m1.hv("host", "evacuate", "m2", "--json", timeout=300).json()
        assert [(m["name"], m["to"], m["state"]) for m in moved["moved"]] == [("mv", "m1", "completed")]
        assert _running_on(m2, "mv", expect="m1") == "m1" and qemu_pids(m2) == [] and len(qemu_pids(m1)) == 1
        assert m1.console_log("mv").count("HVMCTL-READY") == 1  # its first boot only (the log is appended)
        # back to m2, asked on m2 (m1 reports its progress through etcd): a bar on a terminal
        shown = _on_a_terminal(m2, "host", "evacuate", "m1")
        assert "evacuate m1" in shown and "mv: -> m2 completed" in shown, shown
        assert _running_on(m1, "mv", expect="m2") == "m2" and qemu_pids(m1) == [] and len(qemu_pids(m2)) == 1
    finally:
        for hv in hosts:
            hv.cleanup()
