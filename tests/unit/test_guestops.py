"""The pure parts of xm's other domain commands: trigger and sysrq mapped to QMP."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path

import pytest

from hvmctl.daemon import guestops
from hvmctl.daemon.state import DomainState
from hvmctl.errors import ConfigError, ConflictError, StateError
from tests.unit import crashkit as ck


def test_triggers_map_to_qmp() -> None:
    assert [guestops.trigger_command(t) for t in ("nmi", "reset", "power", "s3resume")] == [
        "inject-nmi", "system_reset", "system_powerdown", "system_wakeup"]
    with pytest.raises(ConfigError, match="INIT IPI; 'trigger reset'"):
        guestops.trigger_command("init")
    with pytest.raises(ConfigError, match="expected one of nmi"):
        guestops.trigger_command("boom")


def test_sysrq_is_alt_sysrq_key() -> None:
    assert guestops.sysrq_args("h")["keys"] == [
        {"type": "qcode", "data": "alt"}, {"type": "qcode", "data": "sysrq"}, {"type": "qcode", "data": "h"}]
    for bad in ("", "hh", "H", "-", "ret"):
        with pytest.raises(ConfigError, match="one letter or digit"):
            guestops.sysrq_args(bad)


def test_rename_checks_the_name_and_the_registry_and_persists(tmp_path: Path) -> None:
    async def scenario() -> None:
        world = ck.FakeWorld()
        daemon = ck.new_daemon(tmp_path, world)
        await daemon.start()
        await daemon.create(ck.profile(), filename="/etc/xen/demo", overrides=[])
        await daemon.create(ck.profile("other", ck.OTHER_UUID), filename="/etc/xen/other", overrides=[])
        dom = daemon.lookup("demo")
        log = Path(dom.runtime.console_log) if dom.runtime else None
        assert log is not None
        log.parent.mkdir(parents=True, exist_ok=True)
        log.write_text("booted\n")
        with pytest.raises(ConflictError, match="other"):
            await guestops.rename(dom, daemon.registry, "other")
        for bad in ("a/b", "Domain-0", "has space", ""):
            with pytest.raises(ConfigError, match="expected a domain name"):
                await guestops.rename(dom, daemon.registry, bad)
        result = await guestops.rename(dom, daemon.registry, "web")
        assert result["name"] == "web" and daemon.lookup("web") is dom
        assert not log.exists() and Path(result["console_log"]).read_text() == "booted\n"
        assert Path(result["console_log"]).name == "web.console.log"
        record = json.loads(daemon.record_path(dom).read_text())
        assert record["config"]["name"] == "web"
        dom.state = DomainState.SAVING
        with pytest.raises(StateError, match="saving; cannot rename"):
            await guestops.rename(dom, daemon.registry, "web2")
        dom.state = DomainState.RUNNING
        await daemon.shutdown_daemon()

    asyncio.run(scenario())


def test_cpu_lists_as_xm_writes_them() -> None:
    from hvmctl.daemon.vcpus import format_cpus, parse_cpus

    assert parse_cpus("0-1,3", 4) == {0, 1, 3} and parse_cpus("all", 4) == {0, 1, 2, 3}
    assert parse_cpus("0-3,^1", 4) == {0, 2, 3}
    assert format_cpus({0, 1, 3}, 8) == "0-1,3" and format_cpus({0, 1, 2, 3}, 4) == "any cpu"
    for bad in ("", "x", "3-1", "^0", "0-", "9"):
        with pytest.raises(ConfigError):
            parse_cpus(bad, 4)


@pytest.mark.parametrize("version", [1, 2])
def test_cgroup_weight_and_cap_in_both_hierarchies(tmp_path: Path, version: int) -> None:
    from hvmctl.daemon import cgroups

    if version == 2:  # hybrid: the cpu controller on the unified hierarchy
        (tmp_path / "unified").mkdir()
        (tmp_path / "unified" / "cgroup.controllers").write_text("cpu memory\n")
        (tmp_path / "unified" / "cgroup.subtree_control").write_text("")
    else:
        (tmp_path / "cpu").mkdir()
        (tmp_path / "cpu" / "cpu.shares").write_text("1024\n")
    ctl = cgroups.find(str(tmp_path))
    assert ctl is not None and ctl.version == version
    group = Path(cgroups.apply(ctl, "u1", 4242, 512, 50))
    if version == 2:
        assert (group / "cpu.weight").read_text() == "200" and (group / "cpu.max").read_text() == "50000 100000"
    else:
        assert (group / "cpu.shares").read_text() == "2048" and (group / "cpu.cfs_quota_us").read_text() == "50000"
    assert cgroups.read(ctl, "u1") == {"weight": 512, "cap": 50} and cgroups.procs(ctl, "u1") == [4242]
    cgroups.apply(ctl, "u1", 4242, None, 0)
    assert cgroups.read(ctl, "u1") == {"weight": 256, "cap": 0}


def test_profile_weight_and_cap_in_both_spellings() -> None:
    from hvmctl.config import parse_profile

    xm = parse_profile('name = "a"\nbuilder = "hvm"\ncpu_weight = 512\ncpu_cap = 50\n', filename="/etc/xen/a").config
    xl = parse_profile('name = "a"\ntype = "hvm"\nweight = 512\ncap = 50\n', filename="/etc/xen/a").config
    assert (xm.cpu_weight, xm.cpu_cap) == (xl.cpu_weight, xl.cpu_cap) == (512, 50)
    with pytest.raises(ConfigError):
        parse_profile('name = "a"\nbuilder = "hvm"\ncpu_weight = 0\n', filename="/etc/xen/a")
