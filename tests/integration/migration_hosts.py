"""Two hvmctl "hosts" on one machine for migration tests: two daemons, each in its own network
namespace with its own address, state dir and runtime dir, joined by a veth link; the
destination's remote endpoint (TLS + token) listens on its address. Optionally the
destination gets a private mount of a directory (its own local storage, invisible to the
source), for ``--copy-storage``."""

from __future__ import annotations

import secrets
import shutil
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from hvmctl.network.netns import create_netns, remove_netns
from tests.integration.hvenv import HvEnv

PORT = 8002
# run as: python -c MOUNT_SCRIPT DIR ARGV...: a private tmpfs on DIR, then exec ARGV
MOUNT_SCRIPT = (
    "import os, subprocess, sys\n"
    "subprocess.run(['mount', '-t', 'tmpfs', '-o', 'size=512m', 'tmpfs', sys.argv[1]], check=True, timeout=10)\n"
    "os.execv(sys.argv[2], sys.argv[2:])\n"
)


def ip(*args: str) -> None:
    subprocess.run(["ip", *args], check=True, timeout=10, capture_output=True)


@dataclass
class Hosts:
    src: HvEnv
    dst: HvEnv
    src_addr: str
    dst_addr: str
    ns: tuple[str, str]
    private: Path | None = None

    def migrate(self, *args: str, src: HvEnv | None = None, check: bool = True, timeout: float = 180):
        """`hvmctl migrate -t tls ...` from ``src`` (default: the source host)."""
        return (src or self.src).hv("migrate", "-t", "tls", *args, check=check, timeout=timeout)

    def link(self, up: bool) -> None:
        ip("-n", self.ns[1], "link", "set", "vb", "up" if up else "down")

    def dst_root(self) -> Path:
        """The destination daemon's view of the filesystem (its private mount included)."""
        assert self.dst.daemon is not None
        return Path(f"/proc/{self.dst.daemon.pid}/root")


def _trust(src: HvEnv, dst: HvEnv, dst_addr: str) -> None:
    """Give the source the destination's token and certificate, where migrate looks by default."""
    # the API socket listens before the daemon has opened its remote endpoint
    dst.wait_for(lambda: "remote endpoint: TLS" in dst.daemon_log(), timeout=30, what="the remote endpoint")
    peers = src.base / "state" / "remote" / "peers" / dst_addr
    peers.mkdir(parents=True, exist_ok=True)
    for name in ("token", "cert.pem"):
        shutil.copy(dst.base / "state" / "remote" / name, peers / name)


@contextmanager
def two_hosts(*, private_dir: bool = False, both_endpoints: bool = False) -> Iterator[Hosts]:
    tag = secrets.token_hex(3)
    ns = (f"hvm{tag}a", f"hvm{tag}b")
    src = dst = None
    try:
        for name in ns:
            create_netns(name)
        ip("link", "add", f"hv{tag}a", "type", "veth", "peer", "name", f"hv{tag}b")
        for name, dev, new, addr in ((ns[0], f"hv{tag}a", "va", "10.98.0.1"), (ns[1], f"hv{tag}b", "vb", "10.98.0.2")):
            ip("link", "set", dev, "netns", name)
            ip("-n", name, "link", "set", dev, "name", new)
            ip("-n", name, "addr", "add", f"{addr}/24", "dev", new)
            ip("-n", name, "link", "set", new, "up")
        src, dst = HvEnv.make(netns=ns[0]), HvEnv.make(netns=ns[1])
        dst.env["HVMCTL_REMOTE_LISTEN"] = f"10.98.0.2:{PORT}"
        if both_endpoints:
            src.env["HVMCTL_REMOTE_LISTEN"] = f"10.98.0.1:{PORT}"
        private = None
        if private_dir:
            private = Path(src.base / "images")
            private.mkdir()
            dst.wrap = ["unshare", "--mount", "--propagation", "private", "--",
                        sys.executable, "-c", MOUNT_SCRIPT, str(private)]
        src.start_daemon()
        dst.start_daemon()
        _trust(src, dst, "10.98.0.2")
        if both_endpoints:
            _trust(dst, src, "10.98.0.1")
        yield Hosts(src, dst, "10.98.0.1", "10.98.0.2", ns, private)
    finally:
        for env in (src, dst):
            if env is not None:
                env.cleanup()
        for name in ns:
            remove_netns(name)
