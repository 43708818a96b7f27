"""Named network namespaces (``ip netns`` style, under /run/netns) and running in one.

Tests build a whole fake host inside namespaces; the daemon may be told to manage one
instead of the real host. Creation and removal go through pyroute2's netns API.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import os
from pathlib import Path

from hvmctl.errors import HostError, NotFoundError

NETNS_DIR = Path("/run/netns")
CLONE_NEWNET = 0x40000000


def netns_exists(name: str) -> bool:
    """True when ``/run/netns/NAME`` exists."""
    return (NETNS_DIR / name).exists()


def list_netns() -> list[str]:
    """Names of the named namespaces."""
    try:
        return sorted(p.name for p in NETNS_DIR.iterdir())
    except FileNotFoundError:
        return []


def create_netns(name: str) -> None:
    """Create a named namespace with its loopback up."""
    from pyroute2 import IPRoute, netns

    if "/" in name or name in ("", ".", ".."):
        raise HostError(f"bad network namespace name {name!r}")
    try:
        netns.create(name)
        with IPRoute(netns=name, flags=0) as ipr:
            ipr.link("set", index=ipr.link_lookup(ifname="lo")[0], state="up")
    except OSError as e:
        raise HostError(f"cannot create network namespace {name}: {e}", cause=e) from e


def remove_netns(name: str) -> bool:
    """Remove a named namespace (False if it was gone); its interfaces go with it."""
    from pyroute2 import netns

    if not netns_exists(name):
        return False
    try:
        netns.remove(name)
    except FileNotFoundError:
        return False
    except OSError as e:
        raise HostError(f"cannot remove network namespace {name}: {e}", cause=e) from e
    return True


class NetnsPreexec:
    """A ``preexec_fn`` that moves the child into a namespace before exec.

    The namespace file is opened and libc's setns looked up in the parent, so the child
    only makes one system call between fork and exec (no imports, no allocation).
    Close it after the child started.
    """

    def __init__(self, name: str) -> None:
        path = NETNS_DIR / name
        try:
            self._fd = os.open(path, os.O_RDONLY | os.O_CLOEXEC)
        except FileNotFoundError as e:
            raise NotFoundError(f"network namespace {name!r} not found", cause=e) from e
        libc = ctypes.CDLL(ctypes.util.find_library("c"), use_errno=True)
        self._setns = libc.setns
        self.name = name

    def __call__(self) -> None:
        if self._setns(self._fd, CLONE_NEWNET) != 0:
            raise OSError(ctypes.get_errno(), f"setns({self.name}) failed")

    def close(self) -> None:
        if self._fd >= 0:
            os.close(self._fd)
            self._fd = -1


def netns_preexec(name: str) -> NetnsPreexec:
    """See :class:`NetnsPreexec`."""
    return NetnsPreexec(name)
