"""--live / --config (daemon/scope.py) on the fake backend: what changes the running guest,
what changes the managed definition, and what the domain is after it stops."""

from __future__ import annotations

import json
from pathlib import Path
import pytest

from hvmctl.daemon import managed, netmgr, resources
from hvmctl.daemon.domain import Domain
from hvmctl.daemon.state import DomainState
from hvmctl.errors import ConfigError, NotFoundError, StateError
from hvmctl.storage import actions
from tests.unit import crashkit as ck

BALLOON = "maxmem = 128\n"


def run(root: Path, scenario: ck.Scenario) -> None:
    ck.run_scenario(root, scenario)


async def stop(daemon: ck.Daemon, dom: Domain) -> Domain:
    await dom.destroy()
    return daemon.lookup(dom.name)


async def start_managed(daemon: ck.Daemon, more: str = BALLOON) -> Domain:
    managed.define(daemon, ck.profile(more=more), filename="/etc/xen/demo", overrides=[])
    return await managed.start(daemon, daemon.lookup("demo"))


def test_live_changes_the_guest_and_leaves_the_definition(tmp_path: Path) -> None:
    async def scenario(daemon: ck.Daemon, world: ck.FakeWorld) -> None:
        dom = await start_managed(daemon)
        result = await resources.mem_set_scoped(dom, 48, live=True)
        assert (result["target_mib"], result["actual_mib"], result["scope"]) == (48, 48, ["live"])
        assert dom.config.memory == 48 and dom.definition is not None and dom.definition.memory == 64
        record = ck.records(tmp_path / "h")[ck.UUID]
        assert (record["config"]["memory"], record["definition"]["memory"]) == (48, 64)
        assert (await stop(daemon, dom)).config.memory == 64  # the definition it goes back to

    run(tmp_path / "h", scenario)


def test_config_changes_the_definition_and_leaves_the_guest(tmp_path: Path) -> None:
    async def scenario(daemon: ck.Daemon, world: ck.FakeWorld) -> None:
        dom = await start_managed(daemon)
        result = await resources.mem_set_scoped(dom, 96, config=True)
        assert result["scope"] == ["config"] and "running guest is unchanged" in result["result"]
        assert dom.config.memory == 64 and dom.definition is not None and dom.definition.memory == 96
        again = await stop(daemon, dom)
        assert again.state is DomainState.INACTIVE and again.config.memory == 96 and again.definition is None

    run(tmp_path / "h", scenario)


def test_both_flags_change_both_and_no_flag_is_as_before(tmp_path: Path) -> None:
    async def scenario(daemon: ck.Daemon, world: ck.FakeWorld) -> None:
        dom = await start_managed(daemon)
        await resources.mem_set_scoped(dom, 100, live=True)  # the two differ from here
        result = await resources.mem_set_scoped(dom, 80, live=True, config=True)
        assert result["scope"] == ["live", "config"]
        assert dom.config.memory == 80 and dom.definition is not None and dom.definition.memory == 80
        await resources.mem_set_scoped(dom, 72)  # default: the guest, and the definition follows
        assert dom.config.memory == 72 and dom.definition.memory == 72
        assert (await stop(daemon, dom)).config.memory == 72

    run(tmp_path / "h", scenario)


def test_default_on_a_managed_guest_keeps_one_definition(tmp_path: Path) -> None:
    async def scenario(daemon: ck.Daemon, world: ck.FakeWorld) -> None:
        dom = await start_managed(daemon)
        assert (await resources.mem_set_scoped(dom, 56))["scope"] == ["live", "config"]
        assert dom.definition is None and (await stop(daemon, dom)).config.memory == 56

    run(tmp_path / "h", scenario)


def test_config_needs_a_managed_domain_and_live_a_running_one(tmp_path: Path) -> None:
    async def scenario(daemon: ck.Daemon, world: ck.FakeWorld) -> None:
        await daemon.create(ck.profile(name="plain", uuid=ck.OTHER_UUID, more=BALLOON), filename="/etc/xen/plain",
                            overrides=[])
        plain = daemon.lookup("plain")
        with pytest.raises(StateError, match=r"^mem-set --config: domain 'plain' is not managed"):
            await resources.mem_set_scoped(plain, 48, config=True)
        with pytest.raises(StateError, match=r"^network-attach --config: domain 'plain' is not managed"):
            await netmgr.attach_scoped(daemon.network, plain, ["bridge=xenbr0"], daemon.all(), config=True)
        managed.define(daemon, ck.profile(more=BALLOON), filename="/etc/xen/demo", overrides=[])
        idle = daemon.lookup("demo")
        with pytest.raises(StateError, match=r"^vcpu-set --live: domain 'demo' is not running \(inactive\)"):
            await resources.vcpu_set_scoped(idle, 1, live=True)
        with pytest.raises(ConfigError, match=r"mem-set --config: expected 32\.\.128 MiB"):
            await resources.mem_set_scoped(idle, 256, config=True)

    run(tmp_path / "h", scenario)


def test_a_stopped_managed_domain_takes_config_changes(tmp_path: Path) -> None:
    async def scenario(daemon: ck.Daemon, world: ck.FakeWorld) -> None:
        managed.define(daemon, ck.profile(more="maxvcpus = 4\n"), filename="/etc/xen/demo", overrides=[])
        dom = daemon.lookup("demo")
        assert (await resources.vcpu_set_scoped(dom, 3, config=True))["scope"] == ["config"]
        assert dom.config.vcpus == 3
        with pytest.raises(ConfigError, match=r"vcpu-set --config: expected 1\.\.4"):
            await resources.vcpu_set_scoped(dom, 5, config=True)
        image = tmp_path / "extra.img"
        image.write_bytes(b"\0" * 65536)
        await actions.block_attach_scoped(daemon, dom, f"file:{image}", "xvdb", "w", config=True)
        assert [d.vdev for d in dom.config.disks] == ["xvdb"]
        await actions.block_detach_scoped(daemon, dom, "xvdb", config=True)
        assert dom.config.disks == ()
        with pytest.raises(NotFoundError, match="the definition of domain 'demo' has no disk xvdb"):
            await actions.block_detach_scoped(daemon, dom, "xvdb")
        await netmgr.attach_scoped(daemon.network, dom, ["bridge=xenbr1", "mac=00:16:3e:00:00:42"], daemon.all(),
                                   config=True)
        await netmgr.attach_scoped(daemon.network, dom, ["model=e1000"], daemon.all(), config=True)
        assert [(v.bridge, v.mac) for v in dom.config.vifs] == [("xenbr1", "00:16:3e:00:00:42"), (None, None)]
        await netmgr.detach_scoped(daemon.network, dom, "00:16:3e:00:00:42", config=True)
        assert [v.model for v in dom.config.vifs] == ["e1000"]
        with pytest.raises(NotFoundError, match="has no network device 5"):
            await netmgr.detach_scoped(daemon.network, dom, "5", config=True)
        stored = json.loads((daemon.record_path(dom)).read_text())
        assert (stored["config"]["vcpus"], len(stored["config"]["vifs"])) == (3, 1)

    run(tmp_path / "h", scenario)


def test_the_kept_definition_survives_a_daemon_restart(tmp_path: Path) -> None:
    async def scenario(daemon: ck.Daemon, world: ck.FakeWorld) -> None:
        dom = await start_managed(daemon)
        await resources.mem_set_scoped(dom, 40, live=True)
        again = Domain.from_record(daemon, dom.to_record())
        assert again.config.memory == 40 and again.definition is not None and again.definition.memory == 64

    run(tmp_path / "h", scenario)


def test_a_revert_restart_refuses_before_touching_the_guest(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    """snapshot-revert across a device change restarts QEMU from the snapshot's definition:
    a missing image or one another guest holds is refused while the guest runs on; else a
    new QEMU runs paused from that definition, with the restart intent written first."""
    from dataclasses import replace

    from hvmctl.config.model import DiskSpec
    from hvmctl.errors import ConflictError, HvmctlError
    from hvmctl.storage import snapshots

    async def scenario(daemon: ck.Daemon, world: ck.FakeWorld) -> None:
        await daemon.create(ck.profile(), filename="/etc/xen/demo", overrides=[])
        dom = daemon.lookup("demo")
        pid = dom.process.pid  # type: ignore[union-attr]
        gone = replace(dom.config, disks=(DiskSpec(str(tmp_path / "gone.qcow2"), "xvda"),))
        with pytest.raises(HvmctlError, match="gone.qcow2"):
            await snapshots._restart_as(daemon, dom, gone)
        held = tmp_path / "held.img"
        held.write_bytes(bytes(65536))
        await daemon.create(ck.profile(name="other", uuid=ck.OTHER_UUID, more=f"disk = ['file:{held},xvda,w']\n"),
                            filename="/etc/xen/other", overrides=[])
        with pytest.raises(ConflictError, match="already in use by domain 'other'"):
            await snapshots._restart_as(daemon, dom, replace(dom.config, disks=(DiskSpec(str(held), "xvdb"),)))
        assert dom.process.pid == pid and dom.state is DomainState.RUNNING and dom.config.disks == ()  # type: ignore[union-attr]
        mine = tmp_path / "mine.img"
        mine.write_bytes(bytes(65536))
        async with dom.lock:
            await snapshots._restart_as(daemon, dom, replace(dom.config, vcpus=1, disks=(DiskSpec(str(mine), "xvdb"),)))
        assert dom.process.pid != pid and dom.state is DomainState.PAUSED  # type: ignore[union-attr]
        assert [g.pid for g in world.alive_with_uuid(ck.UUID)] == [dom.process.pid]  # type: ignore[union-attr]
        assert (dom.config.vcpus, [d.vdev for d in dom.config.disks]) == (1, ["xvdb"])
        assert "-S" in dom.runtime.argv and str(mine) in " ".join(dom.runtime.argv)  # type: ignore[union-attr]
        assert ck.records(tmp_path / "h")[ck.UUID]["intent"] is None

    run(tmp_path / "h", scenario)
    assert "exited unexpectedly" not in caplog.text  # the old QEMU's end was expected
