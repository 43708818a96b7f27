"""Throwaway network namespaces for tests: a fake host wired to fake LANs.

Nothing here touches the real host: every interface is created inside a namespace this
object made, and :meth:`Sandbox.close` removes the namespaces (and so everything in them).
Names carry the pid and a counter, so parallel test runs never collide.
"""

from __future__ import annotations

import ipaddress
import itertools
import os
import subprocess
import sys
from types import TracebackType

from .netns import create_netns, netns_preexec, remove_netns

_counter = itertools.count()
IFA_F_NODAD = 0x02


class Sandbox:
    """A set of namespaces named ``<tag><pid>x<n><role>``, removed together."""

    def __init__(self, tag: str = "hvt") -> None:
        self.prefix = f"{tag}{os.getpid()}x{next(_counter)}"
        self.namespaces: list[str] = []

    def netns(self, role: str) -> str:
        """Create the namespace for ``role`` (e.g. "host", "lan0") and return its name."""
        name = f"{self.prefix}{role}"
        create_netns(name)
        self.namespaces.append(name)
        return name

    def wire(
        self,
        a_ns: str,
        a_if: str,
        b_ns: str,
        b_if: str,
        *,
        a_addrs: tuple[str, ...] = (),
        b_addrs: tuple[str, ...] = (),
    ) -> None:
        """A veth pair: ``a_if`` in ``a_ns``, ``b_if`` in ``b_ns``, both up, with addresses
        like ``"192.0.2.1/24"`` (IPv6 ones without duplicate detection, usable at once)."""
        from pyroute2 import IPRoute

        assert a_ns in self.namespaces and b_ns in self.namespaces, "only our own namespaces"
        with IPRoute(netns=a_ns, flags=0) as ipr:
            ipr.link("add", ifname=a_if, kind="veth", peer={"ifname": b_if, "net_ns_fd": b_ns})
        for ns, ifname, addrs in ((a_ns, a_if, a_addrs), (b_ns, b_if, b_addrs)):
            with IPRoute(netns=ns, flags=0) as ipr:
                index = ipr.link_lookup(ifname=ifname)[0]
                for text in addrs:
                    iface = ipaddress.ip_interface(text)
                    kw = {"flags": IFA_F_NODAD} if iface.version == 6 else {}
                    ipr.addr("add", index=index, address=str(iface.ip),
                             prefixlen=iface.network.prefixlen, **kw)
                ipr.link("set", index=index, state="up")

    def default_route(self, ns: str, gateway: str) -> None:
        """``ip route add default via GATEWAY`` inside ``ns``."""
        from pyroute2 import IPRoute

        assert ns in self.namespaces, "only our own namespaces"
        family = 10 if ipaddress.ip_address(gateway).version == 6 else 2
        with IPRoute(netns=ns, flags=0) as ipr:
            ipr.route("add", family=family, dst_len=0, gateway=gateway)

    def close(self) -> None:
        """Remove every namespace made here (idempotent)."""
        while self.namespaces:
            remove_netns(self.namespaces.pop())

    def __enter__(self) -> "Sandbox":
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()


class FakeHost:
    """The host of scenario S4 in miniature: namespace ``host`` with ``eth0`` on LAN0
    (192.0.2.0/24, 2001:db8::/64, default routes via LAN0's router) and ``eth1`` on LAN1
    (198.51.100.0/24). Only documentation ranges, only inside our own namespaces."""

    HOST0, LAN0 = "192.0.2.1", "192.0.2.254"
    HOST0_V6, LAN0_V6 = "2001:db8::1", "2001:db8::fe"
    HOST1, LAN1 = "198.51.100.1", "198.51.100.254"

    def __init__(self, sandbox: Sandbox) -> None:
        self.host = sandbox.netns("host")
        self.lan0 = sandbox.netns("lan0")
        self.lan1 = sandbox.netns("lan1")
        sandbox.wire(
            self.host, "eth0", self.lan0, "lan0",
            a_addrs=(f"{self.HOST0}/24", f"{self.HOST0_V6}/64"),
            b_addrs=(f"{self.LAN0}/24", f"{self.LAN0_V6}/64"),
        )
        sandbox.wire(
            self.host, "eth1", self.lan1, "lan1",
            a_addrs=(f"{self.HOST1}/24",), b_addrs=(f"{self.LAN1}/24",),
        )
        sandbox.default_route(self.host, self.LAN0)
        sandbox.default_route(self.host, self.LAN0_V6)


# -- probes run from inside a namespace (no ping binary needed) -----------------------------

_PING = r"""
import ipaddress, os, socket, struct, sys, time
addr, timeout = sys.argv[1], float(sys.argv[2])
v6 = ipaddress.ip_address(addr).version == 6
sock = socket.socket(socket.AF_INET6 if v6 else socket.AF_INET, socket.SOCK_RAW,
                     socket.IPPROTO_ICMPV6 if v6 else socket.IPPROTO_ICMP)
ident, payload = os.getpid() & 0xFFFF, b"hvmctl-probe"
def checksum(b):
    b += b"\0" * (len(b) % 2)
    t = sum(struct.unpack(f"!{len(b) // 2}H", b))
    t = (t >> 16) + (t & 0xFFFF)
    return ~(t + (t >> 16)) & 0xFFFF
deadline, seq = time.monotonic() + timeout, 0
while time.monotonic() < deadline:
    seq += 1
    head = struct.pack("!BBHHH", 128 if v6 else 8, 0, 0, ident, seq)
    if not v6:  # the kernel fills in ICMPv6 checksums itself
        head = struct.pack("!BBHHH", 8, 0, checksum(head + payload), ident, seq)
    sock.sendto(head + payload, (addr, 0))
    until = min(deadline, time.monotonic() + 0.5)
    while time.monotonic() < until:
        sock.settimeout(max(0.01, until - time.monotonic()))
        try:
            data = sock.recv(2048)
        except socket.timeout:
            break
        if not v6:
            data = data[(data[0] & 0x0F) * 4:]
        if data[0] == (129 if v6 else 0) and struct.unpack("!H", data[4:6])[0] == ident:
            sys.exit(0)
sys.exit(1)
"""

_TCP = r"""
import socket, sys, time
host, port, timeout = sys.argv[1], int(sys.argv[2]), float(sys.argv[3])
deadline, last = time.monotonic() + timeout, None
while time.monotonic() < deadline:
    try:
        with socket.create_connection((host, port), timeout=max(0.1, deadline - time.monotonic())) as c:
            c.sendall(sys.argv[4].encode())
            chunks = []
            while True:
                b = c.recv(65536)
                if not b:
                    break
                chunks.append(b)
            sys.stdout.buffer.write(b"".join(chunks))
            sys.exit(0)
    except OSError as e:
        last = e
        time.sleep(0.2)
sys.stderr.write(f"{last}\n")
sys.exit(1)
"""


def _run_in(netns: str | None, code: str, args: list[str], timeout: float) -> "subprocess.CompletedProcess[bytes]":
    preexec = netns_preexec(netns) if netns is not None else None
    try:
        return subprocess.run(
            [sys.executable, "-c", code, *args], capture_output=True, timeout=timeout + 5,
            preexec_fn=preexec, stdin=subprocess.DEVNULL,
        )
    finally:
        if preexec is not None:
            preexec.close()


def ping(netns: str | None, address: str, timeout: float = 3.0) -> bool:
    """True when ``address`` answers an ICMP echo sent from inside ``netns`` within
    ``timeout`` seconds (a raw socket in a child process: no ping binary needed)."""
    return _run_in(netns, _PING, [address, str(timeout)], timeout).returncode == 0


def tcp_request(netns: str | None, host: str, port: int, data: str = "", timeout: float = 10.0) -> bytes:
    """Connect from inside ``netns`` (retrying until ``timeout``), send ``data``, return
    everything the peer sent before closing; OSError when no connection was made."""
    proc = _run_in(netns, _TCP, [host, str(port), str(timeout), data], timeout)
    if proc.returncode != 0:
        raise OSError(f"no TCP answer from {host}:{port} in {netns or 'the host'}: "
                      f"{proc.stderr.decode(errors='replace').strip()}")
    return proc.stdout
