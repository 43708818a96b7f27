"""A real etcd cluster for pool tests: N members of Debian's etcd on free loopback ports,
each in its own temporary data dir; stopped (and its dirs removed) by ``stop``."""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import tempfile
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

ETCD = os.environ.get("HVMCTL_TEST_ETCD", "/usr/bin/etcd")


def free_ports(count: int) -> list[int]:
    """Ports the kernel just handed out (held open together, so they differ)."""
    socks = []
    for _ in range(count):
        s = socket.socket()
        s.bind(("127.0.0.1", 0))
        socks.append(s)
    ports = [s.getsockname()[1] for s in socks]
    for s in socks:
        s.close()
    return ports


@dataclass
class EtcdCluster:
    base: Path
    names: list[str]
    client_ports: list[int]
    peer_ports: list[int]
    procs: dict[str, subprocess.Popen[bytes]] = field(default_factory=dict)

    @classmethod
    def start(cls, size: int = 3) -> "EtcdCluster":
        base = Path(tempfile.mkdtemp(prefix="etcd", dir="/tmp"))
        ports = free_ports(2 * size)
        cluster = cls(base, [f"e{i}" for i in range(size)], ports[:size], ports[size:])
        for name in cluster.names:
            cluster.start_member(name)
        cluster.wait_healthy()
        return cluster

    @classmethod
    @contextmanager
    def running(cls, size: int = 3) -> Iterator["EtcdCluster"]:
        """A cluster for a ``with`` block (a test module's fixture), stopped after it."""
        cluster = cls.start(size)
        try:
            yield cluster
        finally:
            cluster.stop()

    @property
    def endpoints(self) -> str:
        """What HVMCTL_POOL_ETCD takes."""
        return ",".join(f"http://127.0.0.1:{p}" for p in self.client_ports)

    def start_member(self, name: str) -> None:
        i = self.names.index(name)
        initial = ",".join(f"{n}=http://127.0.0.1:{p}" for n, p in zip(self.names, self.peer_ports))
        client, peer = f"http://127.0.0.1:{self.client_ports[i]}", f"http://127.0.0.1:{self.peer_ports[i]}"
        log = open(self.base / f"{name}.log", "ab")
        self.procs[name] = subprocess.Popen(
            [ETCD, "--name", name, "--data-dir", str(self.base / name),
             "--listen-client-urls", client, "--advertise-client-urls", client,
             "--listen-peer-urls", peer, "--initial-advertise-peer-urls", peer,
             "--initial-cluster", initial, "--initial-cluster-state", "new",
             "--initial-cluster-token", self.base.name,
             # a loopback cluster: fast elections keep the tests short
             "--heartbeat-interval", "50", "--election-timeout", "500"],
            stdout=log, stderr=log, start_new_session=True)
        log.close()

    def stop_member(self, name: str, sig: int = signal.SIGKILL) -> None:
        proc = self.procs.pop(name)
        proc.send_signal(sig)
        proc.wait(10)

    def healthy(self, name: str) -> bool:
        port = self.client_ports[self.names.index(name)]
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/health", timeout=1) as resp:
                return b'"true"' in resp.read()
        except OSError:
            return False

    def wait_healthy(self, timeout: float = 30.0) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if all(self.healthy(n) for n in self.procs):
                return
            time.sleep(0.1)
        logs = "\n".join((self.base / f"{n}.log").read_text()[-800:] for n in self.procs)
        raise RuntimeError(f"etcd cluster not healthy within {timeout} s:\n{logs}")

    def stop(self) -> None:
        for name in list(self.procs):
            self.stop_member(name)
        shutil.rmtree(self.base, ignore_errors=True)
