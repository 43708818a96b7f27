"""Two hvmctl "hosts" on one machine for migration tests: two daemons, each in its own network
namespace with its own address, state dir and runtime dir, joined by a veth link; the
destination's remote endpoint (TLS + token) listens on its address. Optionally the
destination gets a private mount of a directory (its own local storage, invisible to the
source), for ``--copy-storage``, and an OpenSSH server of its own (``sshd=True``) for the
ssh transport: a throw-away host key and an authorized client key made in the test's temp
dir, root logins by key only, on a non-22 port inside the destination's namespace."""

from __future__ import annotations

import os
import secrets
import shlex
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from hvmctl.network.netns import create_netns, remove_netns
from tests.integration.hvenv import HvEnv

PORT = 8002
SSH_PORT = 2222
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
    ssh: "SshServer | None" = None

    def migrate(self, *args: str, src: HvEnv | None = None, check: bool = True, timeout: float = 180):
        """`hvmctl migrate -t tls ...` from ``src`` (default: the source host)."""
        return (src or self.src).hv("migrate", "-t", "tls", *args, check=check, timeout=timeout)

    def migrate_ssh(self, *args: str, key: Path | None = None, check: bool = True, timeout: float = 180):
        """`hvmctl migrate ...` over ssh (the default transport) to the destination's sshd."""
        assert self.ssh is not None
        return self.src.hv("migrate", *self.ssh.client_args(self.dst, key), *args, check=check, timeout=timeout)

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


class SshServer:
    """sshd (Debian's openssh-server) for one test, in the destination's network namespace."""

    def __init__(self, base: Path, ns: str, addr: str, port: int = SSH_PORT) -> None:
        self.dir, self.ns, self.addr, self.port = base, ns, addr, port
        self.proc: subprocess.Popen[bytes] | None = None
        base.mkdir(mode=0o700)
        for name in ("host_key", "client_key", "other_key"):
            subprocess.run(["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", name, "-f", str(base / name)],
                           check=True, timeout=30)
        (base / "authorized_keys").write_text((base / "client_key.pub").read_text())
        host_pub = (base / "host_key.pub").read_text().split()
        (base / "known_hosts").write_text(f"[{addr}]:{port} {host_pub[0]} {host_pub[1]}\n")
        (base / "sshd_config").write_text(
            f"Port {port}\nListenAddress {addr}\nHostKey {base / 'host_key'}\n"
            f"AuthorizedKeysFile {base / 'authorized_keys'}\n"
            "PermitRootLogin prohibit-password\nPubkeyAuthentication yes\nPasswordAuthentication no\n"
            "KbdInteractiveAuthentication no\nUsePAM no\nStrictModes no\nPidFile none\nLogLevel VERBOSE\n"
        )

    def start(self) -> None:
        from hvmctl.network.netns import netns_preexec

        os.makedirs("/run/sshd", mode=0o755, exist_ok=True)  # sshd's privilege separation directory
        log = open(self.dir / "sshd.log", "ab")
        pre = netns_preexec(self.ns)
        try:
            self.proc = subprocess.Popen(["/usr/sbin/sshd", "-f", str(self.dir / "sshd_config"), "-D", "-e"],
                                         stdout=log, stderr=log, preexec_fn=pre, start_new_session=True)
        finally:
            pre.close()
        deadline = time.monotonic() + 20
        while "Server listening" not in self.log():
            if self.proc.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"sshd did not start: {self.log()}")
            time.sleep(0.05)

    def log(self) -> str:
        try:
            return (self.dir / "sshd.log").read_text(errors="replace")
        except OSError:
            return ""

    def client_args(self, dst: HvEnv, key: Path | None = None) -> list[str]:
        """`migrate` options: our key and known_hosts only, and how to run this checkout's
        hvmctl against the destination's directories on the far side."""
        remote = ["env", *(f"{k}={dst.env[k]}" for k in ("PYTHONPATH", "HVMCTL_STATE_DIR", "HVMCTL_RUN_DIR",
                                                            "HVMCTL_SOCKET")),
                  "HVMCTL_NO_AUTOSTART=1", sys.executable, "-m", "hvmctl"]
        return ["-p", str(self.port), "-o", f"IdentityFile={key or self.dir / 'client_key'}",
                "-o", "IdentitiesOnly=yes", "-o", f"UserKnownHostsFile={self.dir / 'known_hosts'}",
                "-o", "StrictHostKeyChecking=yes", "-o", "GlobalKnownHostsFile=/dev/null",
                "--remote-hvmctl", shlex.join(remote)]

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait(10)


@contextmanager
def two_hosts(*, private_dir: bool = False, both_endpoints: bool = False, sshd: bool = False) -> Iterator[Hosts]:
    tag = secrets.token_hex(3)
    ns = (f"hvm{tag}a", f"hvm{tag}b")
    src = dst = None
    ssh: SshServer | None = None
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
        if sshd:
            ssh = SshServer(src.base / "ssh", ns[1], "10.98.0.2")
            ssh.start()
        yield Hosts(src, dst, "10.98.0.1", "10.98.0.2", ns, private, ssh)
    finally:
        if ssh is not None:
            ssh.stop()
        for env in (src, dst):
            if env is not None:
                env.cleanup()
        for name in ns:
            remove_netns(name)
