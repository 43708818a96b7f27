"""Pool tests: hvmctl daemons (HvEnv, each with its own dirs) joined to one etcd cluster
as members named h1, h2, ..., and helpers that look at them."""

from __future__ import annotations

import os
import signal
import time
import uuid
from typing import Any

from tests.integration.etcdcluster import EtcdCluster
from tests.integration.hvenv import HvEnv


def member(cluster: EtcdCluster, host: str, *, prefix: str, ttl: int = 4, extra: dict[str, str] | None = None,
           wrap: list[str] | None = None) -> HvEnv:
    """A daemon that is pool member ``host`` (a short lease: the tests wait for expiries);
    ``wrap``: the argv prefix it runs under (a private mount: storage of its own)."""
    env = HvEnv.make()
    env.wrap = list(wrap or [])
    env.env.update(HVMCTL_POOL_ETCD=cluster.endpoints, HVMCTL_HOST_NAME=host, HVMCTL_POOL_PREFIX=prefix,
                   HVMCTL_POOL_TTL=str(ttl), HVMCTL_NO_AUTOSTART="1", **(extra or {}))
    env.start_daemon()
    return env


def listening_members(cluster: EtcdCluster, names: list[str], *, prefix: str, into: list[HvEnv]) -> list[HvEnv]:
    """Members each with a remote API on its own loopback port (how forwarding reaches them),
    appended to ``into`` as they start (so the caller's cleanup stops those that did), and
    seen by each other in the pool."""
    from tests.integration.etcdcluster import free_ports

    for name, port in zip(names, free_ports(len(names))):
        into.append(member(cluster, name, prefix=prefix, extra={"HVMCTL_LISTEN": f"127.0.0.1:{port}"}))
    wait_members(into[-1], set(names))
    return into[-len(names):]


def new_prefix() -> str:
    return "t" + uuid.uuid4().hex[:10]


def wait_members(hv: HvEnv, hosts: set[str], timeout: float = 20.0) -> dict[str, Any]:
    deadline = time.monotonic() + timeout
    status: dict[str, Any] = {}
    while time.monotonic() < deadline:
        res = hv.hv("pool", "status", "--json", check=False)
        if res.returncode == 0:
            status = res.json()
            if {m["host"] for m in status["members"]} == hosts and status["leader"]:
                return status
        time.sleep(0.2)
    raise AssertionError(f"pool members not {sorted(hosts)} within {timeout} s: {status}\n{hv.daemon_log()}")


def qemu_pids(hv: HvEnv) -> list[int]:
    """The QEMUs of this member that are alive now (their pidfiles, checked in /proc)."""
    pids = []
    for pidfile in (hv.base / "run").glob("dom/*/qemu.pid"):
        try:
            pid = int(pidfile.read_text().strip())
            with open(f"/proc/{pid}/stat") as fh:
                state = fh.read().rsplit(")", 1)[1].split()[0]
        except (OSError, ValueError):
            continue
        if state not in ("Z", "X"):
            pids.append(pid)
    return pids


def kill_member(hv: HvEnv) -> None:
    """kill -9 of the daemon and its QEMUs: a host that died."""
    for pid in qemu_pids(hv):
        os.kill(pid, signal.SIGKILL)
    hv.kill_daemon(signal.SIGKILL)
