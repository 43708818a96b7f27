"""A pool of hosts on etcd (issue 13): membership, one view, placement, HA restart.

Nothing here is imported unless the daemon is a pool member (``HVMCTL_POOL_ETCD``):
the daemon's start and ``xm list`` never pay for the etcd client. ``settings()`` reads
the environment only (stdlib).
"""

from __future__ import annotations

import os
import socket
from dataclasses import dataclass


@dataclass(frozen=True)
class PoolSettings:
    """How this daemon joins the pool. Times in seconds.

    ``ttl``: the member lease; a member whose lease expires is presumed dead.
    ``margin``: the self-fence watchdog kills this member's HA guests ``margin`` seconds
    before its lease can expire, counted from the send time of the last renewal that
    succeeded (so always before etcd expires it). ``grace``: after a lease expired, the
    manager waits this long (for the watchdog's SIGKILL to have taken effect) before it
    takes the guests as fenced, unless the fence agent said so first."""

    endpoints: tuple[str, ...]
    host: str
    ttl: int = 10
    margin: float = 2.0
    grace: float = 1.0
    fence_agent: str | None = None
    prefix: str = "/hvmctl/"
    etcd_ca: str | None = None  # https:// endpoints: the CA of etcd's certificate (None: system roots)
    etcd_cert: str | None = None  # this member's client certificate and key (etcd --client-cert-auth)
    etcd_key: str | None = None


def settings(env: dict[str, str] | None = None) -> PoolSettings | None:
    """The pool this daemon is a member of, or None (not configured)."""
    env = dict(os.environ) if env is None else env
    raw = env.get("HVMCTL_POOL_ETCD", "").strip()
    if not raw:
        return None
    endpoints = tuple(e.strip() for e in raw.split(",") if e.strip())
    ttl = int(env.get("HVMCTL_POOL_TTL", "10"))
    if ttl < 2:
        raise ValueError(f"HVMCTL_POOL_TTL={ttl}: the lease needs at least 2 seconds")
    margin = float(env.get("HVMCTL_POOL_FENCE_MARGIN", str(min(2.0, ttl / 3))))
    cert, key = env.get("HVMCTL_POOL_ETCD_CERT") or None, env.get("HVMCTL_POOL_ETCD_KEY") or None
    if (cert is None) != (key is None):
        raise ValueError("HVMCTL_POOL_ETCD_CERT and HVMCTL_POOL_ETCD_KEY (pool_etcd_cert, pool_etcd_key) go together")
    return PoolSettings(
        endpoints=endpoints,
        host=env.get("HVMCTL_HOST_NAME") or socket.gethostname(),
        ttl=ttl,
        margin=margin,
        grace=float(env.get("HVMCTL_POOL_GRACE", "1.0")),
        fence_agent=env.get("HVMCTL_FENCE_AGENT") or None,
        prefix="/" + env.get("HVMCTL_POOL_PREFIX", "hvmctl").strip("/") + "/",
        etcd_ca=env.get("HVMCTL_POOL_ETCD_CA") or None,
        etcd_cert=cert,
        etcd_key=key,
    )


from hvmctl.errors import HvmctlError  # noqa: E402  (stdlib-only module)


class PoolError(HvmctlError):
    """The pool cannot answer (etcd unreachable, not a member): local commands still work."""

    kind = "pool"
    http_status = 409  # a state of the pool, not a fault of the daemon
