"""vif rate= parsing (libxlu's syntax) and the tbf parameters derived from it."""

from __future__ import annotations

import pytest

from hvmctl.errors import ConfigError
from hvmctl.network.rate import DEFAULT_INTERVAL_US, Rate, parse_rate


@pytest.mark.parametrize(
    ("text", "bytes_per_sec", "interval_us"),
    [
        ("10Mb/s", 1_250_000, DEFAULT_INTERVAL_US),
        ("10MB/s", 10_000_000, DEFAULT_INTERVAL_US),
        ("10MB/s@20ms", 10_000_000, 20_000),
        ("512KB/s", 512_000, DEFAULT_INTERVAL_US),
        ("512kB/s", 512_000, DEFAULT_INTERVAL_US),
        ("1Gb/s@500us", 125_000_000, 500),
        ("100B/s@1s", 100, 1_000_000),
        ("800b/s@2", 100, 2_000_000),  # bare interval digits are seconds, as in libxlu
    ],
)
def test_parse_rate(text: str, bytes_per_sec: int, interval_us: int) -> None:
    assert parse_rate(text) == Rate(bytes_per_sec, interval_us)


@pytest.mark.parametrize(
    "text",
    ["", "10", "10Mb", "10 Mb/s", "10Mbit/s", "10Tb/s", "0Mb/s", "7b/s", "-1Mb/s", "10Mb/s@", "10Mb/s@20h",
     "10Mb/s@0ms", "5GB/s", "10Mb/s@20ms@1s"],
)
def test_parse_rate_refuses(text: str) -> None:
    with pytest.raises(ConfigError) as err:
        parse_rate(text)
    assert err.value.key == "rate"


def test_credit_per_interval_like_xen() -> None:
    assert parse_rate("10MB/s@20ms").bytes_per_interval == 200_000


def test_tbf_burst_is_the_credit_but_holds_a_frame() -> None:
    assert parse_rate("10MB/s@20ms").tbf() == {"rate": 10_000_000, "burst": 200_000, "latency": "50ms"}
    assert parse_rate("100B/s").tbf(mtu=1500)["burst"] == 1514
    assert parse_rate("100B/s").tbf(mtu=9000)["burst"] == 9014
