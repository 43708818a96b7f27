"""One way into netlink: an IPRoute for the host or a named namespace, errors translated.

pyroute2 is imported here lazily (inside functions) because it costs ~0.15 s to import and
the CLI's fast paths must not pay for it. pyroute2's sync API runs its own event loop, so
asyncio code calls these functions through ``asyncio.to_thread``.
"""

from __future__ import annotations

import errno
from collections.abc import Collection, Iterator
from contextlib import contextmanager
from typing import Any

from hvmctl.errors import ConfigError, ConflictError, HostError, HvmctlError, NotFoundError

#: Linux IFNAMSIZ is 16 including the trailing NUL
IFNAMSIZ = 16
MAX_IFNAME = IFNAMSIZ - 1


def check_ifname(name: str, *, what: str = "interface name") -> str:
    """Refuse names the kernel would refuse (dev_valid_name), with a message that says why."""
    if not name:
        raise ConfigError(f"{what} is empty")
    if len(name.encode()) > MAX_IFNAME:
        raise ConfigError(
            f"{what} {name!r} is {len(name.encode())} characters; "
            f"Linux allows at most {MAX_IFNAME} (IFNAMSIZ)"
        )
    if name in (".", "..") or any(c in name for c in "/:") or any(c.isspace() for c in name):
        raise ConfigError(f"{what} {name!r} is not a valid Linux interface name")
    return name


def translate(err: BaseException, what: str) -> HvmctlError:
    """Map a netlink/OS error to the toolstack's exception kinds, naming what was tried."""
    code = getattr(err, "code", None) or getattr(err, "errno", None) or 0
    text = errno.errorcode.get(code, str(code))
    detail = getattr(err, "strerror", None) or (err.args[1] if len(err.args) > 1 else str(err))
    message = f"{what}: {detail} ({text})"
    if code in (errno.EEXIST, errno.EBUSY, errno.EADDRINUSE):
        return ConflictError(message, cause=err)
    if code in (errno.ENODEV, errno.ENOENT, errno.ESRCH):
        return NotFoundError(message, cause=err)
    if code in (errno.EPERM, errno.EACCES):
        return HostError(f"{message}; this needs root (CAP_NET_ADMIN)", cause=err)
    return HostError(message, cause=err)


@contextmanager
def nl_errors(what: str, *, ignore: Collection[int] = ()) -> Iterator[None]:
    """Turn pyroute2's NetlinkError (and OSError from ioctls) into HvmctlErrors.

    Errors whose errno is in ``ignore`` are swallowed: "already there" (EEXIST) when
    adding, "already gone" (ENODEV, EADDRNOTAVAIL) when removing, keep operations idempotent.
    """
    from pyroute2.netlink.exceptions import NetlinkError

    try:
        yield
    except HvmctlError:
        raise
    except (NetlinkError, OSError) as e:
        code = getattr(e, "code", None) or getattr(e, "errno", None)
        if code in ignore:
            return
        raise translate(e, what) from e


@contextmanager
def iproute(netns: str | None = None) -> Iterator[Any]:
    """An IPRoute on the host (netns None) or inside an existing named namespace.

    ``flags=0`` matters: pyroute2 otherwise *creates* a missing namespace silently.
    """
    from pyroute2 import IPRoute

    try:
        ipr = IPRoute() if netns is None else IPRoute(netns=netns, flags=0)
    except FileNotFoundError as e:
        raise NotFoundError(f"network namespace {netns!r} not found", cause=e) from e
    except OSError as e:
        raise translate(e, f"cannot open netlink in {where(netns)}") from e
    try:
        yield ipr
    finally:
        ipr.close()


def where(netns: str | None) -> str:
    """'the host' or 'netns X', for messages."""
    return "the host" if netns is None else f"netns {netns}"


def lookup(ipr: Any, name: str) -> int | None:
    """Interface index by name, None when missing."""
    found = ipr.link_lookup(ifname=name)
    return int(found[0]) if found else None


def get_link(ipr: Any, index: int) -> Any:
    """The RTM_NEWLINK message of one interface."""
    return ipr.get_links(index)[0]


def link_kind(link: Any) -> str | None:
    """'bridge', 'tun', 'veth'... or None for a physical NIC."""
    kind = link.get(("linkinfo", "kind"))
    return str(kind) if kind is not None else None


def names_by_index(ipr: Any) -> dict[int, str]:
    """Every interface of the namespace, index → name."""
    return {int(link["index"]): str(link.get("ifname")) for link in ipr.get_links()}
