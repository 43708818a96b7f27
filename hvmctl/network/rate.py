"""The vif ``rate=`` limit: Xen's syntax parsed, turned into token-bucket (tbf) parameters.

Syntax (libxlu): ``RATE/s`` or ``RATE/s@INTERVAL``; RATE is digits with an optional
decimal prefix K, M, G (we also take k) and B for bytes or b for bits; INTERVAL is digits
with ``s``, ``ms`` or ``us`` (bare digits are seconds), default 50 ms. Xen refilled a credit
of ``rate × interval`` bytes every interval; a token bucket with that burst behaves alike.

Direction: Xen's netback limited what the guest *sends*. A qdisc can only shape what an
interface transmits, and a tap transmits toward the guest, so the tbf we install limits
traffic *to* the guest (host/LAN → guest). See :mod:`hvmctl.network.taps`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from hvmctl.errors import ConfigError

DEFAULT_INTERVAL_US = 50_000
_RATE_RE = re.compile(r"^(\d+)([kKMG]?)([Bb])/s$")
_INTERVAL_RE = re.compile(r"^(\d+)(s|ms|us)?$")
_PREFIX = {"": 1, "k": 1000, "K": 1000, "M": 1000**2, "G": 1000**3}
_INTERVAL_UNIT = {None: 1_000_000, "s": 1_000_000, "ms": 1000, "us": 1}
#: tbf's rate field is a u32 of bytes/s (TCA_TBF_RATE64 is not sent by pyroute2 0.9)
TBF_MAX_RATE = 2**32 - 1
ETH_HLEN = 14
#: how long a packet may wait in the bucket's queue before it is dropped
TBF_LATENCY_MS = 50


@dataclass(frozen=True)
class Rate:
    """A parsed vif rate limit."""

    bytes_per_sec: int
    interval_us: int = DEFAULT_INTERVAL_US

    @property
    def bytes_per_interval(self) -> int:
        """Xen's credit: bytes the vif may send per replenishment interval."""
        return self.bytes_per_sec * self.interval_us // 1_000_000

    def tbf(self, mtu: int = 1500) -> dict[str, Any]:
        """Keyword arguments for pyroute2's ``tc('add', 'tbf', ...)``.

        The burst must hold at least one full frame or nothing ever passes.
        """
        burst = max(self.bytes_per_interval, mtu + ETH_HLEN)
        return {"rate": self.bytes_per_sec, "burst": burst, "latency": f"{TBF_LATENCY_MS}ms"}

    def __str__(self) -> str:
        return f"{self.bytes_per_sec}B/s@{self.interval_us}us"


def parse_rate(text: str) -> Rate:
    """``10Mb/s`` → Rate(1_250_000), ``10MB/s@20ms`` → Rate(10_000_000, 20_000)."""
    raw = text.strip()
    amount, sep, interval = raw.partition("@")
    m = _RATE_RE.match(amount)
    if not m:
        raise ConfigError(
            f"{text!r} is not a rate (expected e.g. 10Mb/s, 512KB/s or 10MB/s@20ms)", key="rate"
        )
    value = int(m.group(1)) * _PREFIX[m.group(2)]
    if m.group(3) == "b":
        value //= 8
    if value <= 0:
        raise ConfigError(f"{text!r}: the rate must be above zero", key="rate")
    if value > TBF_MAX_RATE:
        raise ConfigError(f"{text!r}: at most {TBF_MAX_RATE} bytes/s can be shaped", key="rate")
    interval_us = DEFAULT_INTERVAL_US
    if sep:
        im = _INTERVAL_RE.match(interval)
        if not im:
            raise ConfigError(
                f"{text!r}: bad interval {interval!r} (expected e.g. 20ms, 500us, 1s)", key="rate"
            )
        interval_us = int(im.group(1)) * _INTERVAL_UNIT[im.group(2)]
        if not 0 < interval_us <= 2**32 - 1:
            raise ConfigError(f"{text!r}: interval out of range", key="rate")
    return Rate(value, interval_us)
