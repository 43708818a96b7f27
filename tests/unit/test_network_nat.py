"""plan_vif: bridge+tap or user-mode NAT, decided without touching the host."""

from __future__ import annotations

import pytest

from hvmctl.config.model import VifSpec
from hvmctl.errors import ConfigError, HvmctlError, NotFoundError
from hvmctl.network.nat import HostFwd, VifPlan, parse_hostfwd, plan_vif
from hvmctl.network.taps import tap_name


class exists:
    """A stand-in for bridge_exists that remembers what it was asked."""

    def __init__(self, *names: str) -> None:
        self.names = set(names)
        self.asked: list[str] = []

    def __call__(self, name: str) -> bool:
        self.asked.append(name)
        return name in self.names


def test_bridge_that_exists_gives_a_tap() -> None:
    vif = VifSpec(bridge="xenbr1", model="ne2k_pci", mac="00:16:3E:00:00:01", rate="10Mb/s")
    plan = plan_vif(vif, 1, 7, exists("xenbr1"))
    assert plan == VifPlan(
        kind="bridge", tap="vif7.1", bridge="xenbr1", mac="00:16:3e:00:00:01", model="ne2k_pci",
        note="vif 1: vif7.1 on bridge xenbr1", rate="10Mb/s",
    )


def test_default_bridge_is_xenbr0_and_default_model_rtl8139() -> None:
    check = exists("xenbr0")
    plan = plan_vif(VifSpec(), 0, 3, check, mac="00:16:3e:12:34:56")
    assert (plan.kind, plan.bridge, plan.tap, plan.model, plan.mac) == (
        "bridge", "xenbr0", "vif3.0", "rtl8139", "00:16:3e:12:34:56"
    )
    assert check.asked == ["xenbr0"]


def test_registry_mac_wins_over_profile_mac() -> None:
    plan = plan_vif(VifSpec(mac="00:16:3e:00:00:01"), 0, 1, exists("xenbr0"), mac="00:16:3e:00:00:02")
    assert plan.mac == "00:16:3e:00:00:02"


def test_missing_bridge_falls_back_to_user_mode() -> None:
    plan = plan_vif(VifSpec(model="e1000"), 0, 4, exists())
    assert plan.kind == "user" and plan.tap is None and plan.bridge is None
    assert plan.model == "e1000"
    assert plan.note == "vif 0: bridge xenbr0 not found; using user-mode NAT (10.0.2.15)"


def test_no_bridge_configured_at_all() -> None:
    plan = plan_vif(VifSpec(), 2, 4, exists("xenbr0"), default_bridge=None)
    assert plan.kind == "user"
    assert plan.note == "vif 2: no bridge configured; using user-mode NAT (10.0.2.15)"


def test_missing_bridge_is_an_error_when_host_networking_is_configured() -> None:
    with pytest.raises(NotFoundError, match="vif 0: bridge br9 not found"):
        plan_vif(VifSpec(bridge="br9"), 0, 4, exists("xenbr0"), nat_fallback=False)


def test_user_mode_forwards() -> None:
    plan = plan_vif(VifSpec(bridge="nope"), 0, 4, exists(), hostfwd=["tcp::2222-:22", HostFwd("udp", 5353, 53)])
    assert [h.to_qemu() for h in plan.hostfwd] == ["tcp:127.0.0.1:2222-:22", "udp:127.0.0.1:5353-:53"]
    assert plan.note == (
        "vif 0: bridge nope not found; using user-mode NAT (10.0.2.15, "
        "127.0.0.1:2222->22/tcp, 127.0.0.1:5353->53/udp)"
    )
    assert plan.to_dict()["hostfwd"] == ["tcp:127.0.0.1:2222-:22", "udp:127.0.0.1:5353-:53"]


def test_forwards_are_ignored_for_bridged_vifs() -> None:
    assert plan_vif(VifSpec(), 0, 1, exists("xenbr0"), hostfwd=["tcp::80-:80"]).hostfwd == ()


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("tcp::2222-:22", HostFwd("tcp", 2222, 22)),
        ("udp:0.0.0.0:53-10.0.2.15:53", HostFwd("udp", 53, 53, "0.0.0.0", "10.0.2.15")),
    ],
)
def test_parse_hostfwd(text: str, expected: HostFwd) -> None:
    assert parse_hostfwd(text) == expected


@pytest.mark.parametrize("text", ["tcp:2222-:22", "sctp::1-:1", "tcp::0-:22", "tcp::70000-:22", "tcp:1.2.3:1-:1"])
def test_parse_hostfwd_refuses(text: str) -> None:
    with pytest.raises(ConfigError):
        parse_hostfwd(text)


def test_vifname_and_ifnamsiz() -> None:
    assert plan_vif(VifSpec(vifname="web-eth0"), 0, 1, exists("xenbr0")).tap == "web-eth0"
    assert tap_name(12345, 12) == "vif12345.12"
    with pytest.raises(HvmctlError, match=r"at most 15 \(IFNAMSIZ\)"):
        tap_name(1, 0, "a-much-too-long-name")
    with pytest.raises(HvmctlError, match="15"):
        tap_name(123456789012, 0)
    with pytest.raises(HvmctlError, match="not a valid"):
        tap_name(1, 0, "eth0:1")
    with pytest.raises(HvmctlError, match="not a valid"):
        tap_name(1, 0, "a b")


def test_bad_profile_mac_is_a_config_error() -> None:
    with pytest.raises(ConfigError):
        plan_vif(VifSpec(mac="01:00:5e:00:00:01"), 0, 1, exists("xenbr0"))
