"""Network scripts are parsed as data, never run: the seed's script, xend-config forms,
network-bridge arguments, and refusals that name the offending line."""

from __future__ import annotations

from pathlib import Path

import pytest

from hvmctl.errors import ConfigError, HvmctlError, NotFoundError
from hvmctl.network.netbridge import NetBridgeArgs, parse_netbridge_args
from hvmctl.network.netscript import parse_script_text, parse_xend_setting, plan_network_script
from tests.fixtures.seedfiles import SEED_PROFILES

# the seed's /etc/xen/scripts/my-network-script, verbatim
SEED_SCRIPT = """#!/bin/sh
# seed 3.1.1: /etc/xen/scripts/my-network-script, named by (network-script my-network-script) in xend-config.sxp
dir=$(dirname "$0")
"$dir/network-bridge" "$@" vifnum=0
"$dir/network-bridge" "$@" vifnum=1
"""
SEED_FILE = SEED_PROFILES / "my-network-script"


@pytest.fixture
def scripts(tmp_path: Path) -> Path:
    (tmp_path / "my-network-script").write_text(SEED_SCRIPT)
    return tmp_path


def test_seed_script_is_two_network_bridge_calls(scripts: Path) -> None:
    calls = plan_network_script("my-network-script", "start", scripts_dir=scripts)
    assert [c.args for c in calls] == [NetBridgeArgs("start", 0), NetBridgeArgs("start", 1)]
    assert [(c.args.bridge_name, c.args.netdev_name) for c in calls] == [("xenbr0", "eth0"), ("xenbr1", "eth1")]
    assert [c.line for c in calls] == [4, 5]
    assert calls[0].source == str(scripts / "my-network-script")


@pytest.mark.skipif(not SEED_FILE.exists(), reason="the seed is not checked out beside the work tree")
def test_the_real_seed_file_parses() -> None:
    calls = plan_network_script(str(SEED_FILE), "stop")
    assert [c.args for c in calls] == [NetBridgeArgs("stop", 0), NetBridgeArgs("stop", 1)]


def test_xend_config_forms(scripts: Path) -> None:
    assert parse_xend_setting("(network-script 'network-bridge netdev=eth1')") == "network-bridge netdev=eth1"
    assert parse_xend_setting('(network-script "my-network-script")') == "my-network-script"
    assert parse_xend_setting("(network-script my-network-script)") == "my-network-script"
    assert parse_xend_setting("network-bridge") == "network-bridge"
    (call,) = plan_network_script("(network-script 'network-bridge netdev=eth1')", scripts_dir=scripts)
    assert call.args == NetBridgeArgs("start", 0, netdev="eth1")
    assert (call.args.bridge_name, call.args.netdev_name) == ("xenbr0", "eth1")
    calls = plan_network_script("(network-script my-network-script)", "stop", scripts_dir=scripts)
    assert [c.args.command for c in calls] == ["stop", "stop"]


def test_arguments_of_the_setting_reach_dollar_at(scripts: Path) -> None:
    calls = plan_network_script("(network-script 'my-network-script netdev=eth7')", scripts_dir=scripts)
    # "$@" = start netdev=eth7, then vifnum=N: both vifnums on eth7, as sh would have done
    assert [c.args for c in calls] == [NetBridgeArgs("start", 0, netdev="eth7"), NetBridgeArgs("start", 1, netdev="eth7")]


def test_true_switches_host_networking_off(scripts: Path) -> None:
    assert plan_network_script("(network-script /bin/true)", scripts_dir=scripts) == []
    assert plan_network_script("(network-script '')", scripts_dir=scripts) == []


def test_explicit_commands_and_absolute_paths() -> None:
    text = "network-bridge start vifnum=2 bridge=br2\n/etc/xen/scripts/network-bridge \"$@\" netdev=eth3 # trailing comment\n"
    calls = parse_script_text(text, ["stop"])
    assert [c.args for c in calls] == [NetBridgeArgs("start", 2, bridge="br2"), NetBridgeArgs("stop", 0, netdev="eth3")]


@pytest.mark.parametrize(
    ("line", "why"),
    [
        ("rm -rf /", "not a network-bridge call"),
        ('"$dir/network-route" "$@"', "not a network-bridge call"),
        ('"$dir/network-bridge" "$@" vifnum=0; reboot', "unsupported argument"),
        ('"$dir/network-bridge" "$@" vifnum=0 && reboot', "unsupported argument"),
        ('"$dir/network-bridge" "$@" vifnum=$(id -u)', "unsupported argument"),
        ('"$dir/network-bridge" "$@" vifnum=`id -u`', "unsupported argument"),
        ('"$dir/network-bridge" "$@" vifnum=0 > /etc/passwd', "unsupported argument"),
        ('"$dir/network-bridge" "$@" vifnum=0 | sh', "unsupported argument"),
        ('"$dir/network-bridge" "$@" bogus=1', "unknown argument 'bogus'"),
        ('"$dir/network-bridge" "$@" vifnum=x', "vifnum must be a number"),
        ('"$(echo /tmp)/network-bridge" "$@"', "not a network-bridge call"),
        ('eval "$dir/network-bridge $@"', "not a network-bridge call"),
        ('"$dir/network-bridge "$@" vifnum=0', "cannot parse"),
        ("dir=/tmp", "not a network-bridge call"),
    ],
)
def test_anything_else_is_refused_naming_the_line(tmp_path: Path, line: str, why: str) -> None:
    script = tmp_path / "evil-script"
    script.write_text(f'#!/bin/sh\ndir=$(dirname "$0")\n"$dir/network-bridge" "$@" vifnum=0\n{line}\n')
    with pytest.raises(ConfigError) as err:
        plan_network_script("evil-script", scripts_dir=tmp_path)
    assert err.value.line == 4 and err.value.file == str(script)
    assert why in str(err.value)
    assert line in str(err.value)
    assert str(err.value).startswith(f"{script}:4: ")


def test_rm_rf_is_refused_before_anything_runs(tmp_path: Path) -> None:
    (tmp_path / "s").write_text('network-bridge start vifnum=0\nrm -rf /\n')
    with pytest.raises(ConfigError, match=r":2: not a network-bridge call: 'rm -rf /'"):
        plan_network_script("s", scripts_dir=tmp_path)


def test_missing_script(tmp_path: Path) -> None:
    with pytest.raises(NotFoundError, match="not found"):
        plan_network_script("no-such-script", scripts_dir=tmp_path)


def test_bad_command() -> None:
    with pytest.raises(HvmctlError, match="unknown command"):
        plan_network_script("network-bridge", "restart")


def test_parse_netbridge_args() -> None:
    assert parse_netbridge_args(["start"]) == NetBridgeArgs("start")
    a = parse_netbridge_args(["stop", "vifnum=1", "vifnum=3", "bridge=lan", "netdev=eno1", "antispoof=no"])
    assert a == NetBridgeArgs("stop", 3, bridge="lan", netdev="eno1")
    assert a.argv() == ["stop", "vifnum=3", "bridge=lan", "netdev=eno1"]
    assert parse_netbridge_args(["status", "vifnum=4"]).bridge_name == "xenbr4"


@pytest.mark.parametrize(
    ("args", "match"),
    [
        ([], "expected one of start, stop, status"),
        (["restart"], "expected one of"),
        (["start", "vifnum"], "expected key=value"),
        (["start", "antispoof=yes"], "antispoof=yes is not supported"),
        (["start", "bridge=a-very-long-bridge-name"], "IFNAMSIZ"),
        (["start", "netdev=eth0/1"], "not a valid"),
    ],
)
def test_parse_netbridge_args_refuses(args: list[str], match: str) -> None:
    with pytest.raises(HvmctlError, match=match):
        parse_netbridge_args(args)
