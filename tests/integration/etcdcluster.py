"""A real etcd cluster for pool tests: N members of Debian's etcd on free loopback ports,
each in its own temporary data dir; stopped (and its dirs removed) by ``stop``. With
``tls`` its clients speak TLS and must show a certificate of the test CA
(``--client-cert-auth``; the files from :func:`make_tls`)."""

from __future__ import annotations

import os
import shutil
import signal
import socket
import ssl
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


@dataclass(frozen=True)
class TlsFiles:
    ca: Path
    server_cert: Path
    server_key: Path
    client_cert: Path
    client_key: Path


def make_tls(where: Path) -> TlsFiles:
    """A throw-away CA, etcd's certificate for 127.0.0.1 and a member's client certificate
    (openssl, EC P-256)."""
    def run(*argv: str) -> None:
        subprocess.run(["openssl", *argv], check=True, capture_output=True, timeout=30)

    where.mkdir(parents=True, exist_ok=True)
    ca, ca_key = where / "ca.pem", where / "ca.key"
    newkey = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes"]
    run("req", "-x509", *newkey, "-keyout", str(ca_key), "-out", str(ca), "-days", "2", "-subj", "/CN=test pool CA")
    for name, ext in (("server", "subjectAltName=IP:127.0.0.1\nextendedKeyUsage=serverAuth"),
                      ("client", "extendedKeyUsage=clientAuth")):
        extfile = where / f"{name}.ext"
        extfile.write_text(ext + "\n")
        run("req", "-new", *newkey, "-keyout", str(where / f"{name}.key"), "-out", str(where / f"{name}.csr"),
            "-subj", f"/CN=pool {name}")
        run("x509", "-req", "-in", str(where / f"{name}.csr"), "-CA", str(ca), "-CAkey", str(ca_key),
            "-CAcreateserial", "-days", "2", "-extfile", str(extfile), "-out", str(where / f"{name}.pem"))
    return TlsFiles(ca, where / "server.pem", where / "server.key", where / "client.pem", where / "client.key")


@dataclass
class EtcdCluster:
    base: Path
    names: list[str]
    client_ports: list[int]
    peer_ports: list[int]
    procs: dict[str, subprocess.Popen[bytes]] = field(default_factory=dict)
    tls: TlsFiles | None = None

    @classmethod
    def start(cls, size: int = 3, *, tls: bool = False) -> "EtcdCluster":
        base = Path(tempfile.mkdtemp(prefix="etcd", dir="/tmp"))
        ports = free_ports(2 * size)
        cluster = cls(base, [f"e{i}" for i in range(size)], ports[:size], ports[size:],
                      tls=make_tls(base / "tls") if tls else None)
        for name in cluster.names:
            cluster.start_member(name)
        cluster.wait_healthy()
        return cluster

    @classmethod
    @contextmanager
    def running(cls, size: int = 3, *, tls: bool = False) -> Iterator["EtcdCluster"]:
        """A cluster for a ``with`` block (a test module's fixture), stopped after it."""
        cluster = cls.start(size, tls=tls)
        try:
            yield cluster
        finally:
            cluster.stop()

    @property
    def endpoints(self) -> str:
        """What HVMCTL_POOL_ETCD takes."""
        return ",".join(f"{self.scheme}://127.0.0.1:{p}" for p in self.client_ports)

    @property
    def scheme(self) -> str:
        return "https" if self.tls else "http"

    def start_member(self, name: str) -> None:
        i = self.names.index(name)
        initial = ",".join(f"{n}=http://127.0.0.1:{p}" for n, p in zip(self.names, self.peer_ports))
        client, peer = f"{self.scheme}://127.0.0.1:{self.client_ports[i]}", f"http://127.0.0.1:{self.peer_ports[i]}"
        tls = [] if self.tls is None else [
            "--cert-file", str(self.tls.server_cert), "--key-file", str(self.tls.server_key),
            "--client-cert-auth", "--trusted-ca-file", str(self.tls.ca)]
        log = open(self.base / f"{name}.log", "ab")
        self.procs[name] = subprocess.Popen(
            [ETCD, "--name", name, "--data-dir", str(self.base / name),
             "--listen-client-urls", client, "--advertise-client-urls", client,
             "--listen-peer-urls", peer, "--initial-advertise-peer-urls", peer,
             "--initial-cluster", initial, "--initial-cluster-state", "new",
             "--initial-cluster-token", self.base.name,
             # a loopback cluster: fast elections keep the tests short
             "--heartbeat-interval", "50", "--election-timeout", "500", *tls],
            stdout=log, stderr=log, start_new_session=True)
        log.close()

    def stop_member(self, name: str, sig: int = signal.SIGKILL) -> None:
        proc = self.procs.pop(name)
        proc.send_signal(sig)
        proc.wait(10)

    def healthy(self, name: str) -> bool:
        port = self.client_ports[self.names.index(name)]
        context = None
        if self.tls is not None:
            context = ssl.create_default_context(cafile=str(self.tls.ca))
            context.load_cert_chain(str(self.tls.client_cert), str(self.tls.client_key))
        try:
            with urllib.request.urlopen(f"{self.scheme}://127.0.0.1:{port}/health", timeout=1,
                                        context=context) as resp:
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
