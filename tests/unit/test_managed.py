"""Managed domains on the fake backend: xm new / start / delete / suspend / resume, the
definition kept across stops, and autostart by the record's flag."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from hvmctl.cli import render
from hvmctl.daemon import managed
from hvmctl.daemon.state import DomainState
from hvmctl.errors import ConflictError, StateError
from hvmctl.migration import saverestore
from tests.unit import crashkit as ck


def run(root: Path, scenario: ck.Scenario) -> None:
    ck.run_scenario(root, scenario)


async def settle() -> None:
    for _ in range(20):
        await asyncio.sleep(0)


def test_new_defines_an_inactive_domain_that_holds_its_name(tmp_path: Path) -> None:
    async def scenario(daemon: ck.Daemon, world: ck.FakeWorld) -> None:
        result = managed.define(daemon, ck.profile(), filename="/etc/xen/demo", overrides=["memory=96"])
        row = result["domain"]
        assert (row["state"], row["id"], row["flags"], row["memory"], row["cpu_time"]) == (
            "inactive", None, "------", 96, 0.0)
        assert world.spawned == 0  # nothing started
        assert ck.records(tmp_path / "h")[ck.UUID]["state"] == "inactive"
        with pytest.raises(ConflictError, match="domain name 'demo' is already in use by domain 'demo'"):
            await daemon.create(ck.profile(uuid=ck.OTHER_UUID), filename="/etc/xen/x", overrides=[])
        with pytest.raises(StateError, match="is inactive; cannot destroy it"):
            await daemon.lookup("demo").destroy()
        line = render.list_table([row]).splitlines()[1]
        assert line.split() == ["demo", "96", "2", "------", "0.0"]  # no ID, as xm showed it

    run(tmp_path / "h", scenario)


def test_start_stop_keeps_the_definition_with_its_live_changes(tmp_path: Path) -> None:
    async def scenario(daemon: ck.Daemon, world: ck.FakeWorld) -> None:
        managed.define(daemon, ck.profile(), filename="/etc/xen/demo", overrides=[])
        dom = await managed.start(daemon, daemon.lookup("demo"))
        assert dom.state is DomainState.RUNNING and dom.domid == 1
        dom.config = dom.config.__class__.from_dict(dom.config.to_dict() | {"memory": 48})  # a live change
        daemon.persist(dom)
        world.guest_poweroff(dom.process.pid)  # type: ignore[union-attr]  # on_poweroff=destroy
        await dom.ended.wait()
        await settle()
        again = daemon.lookup("demo")
        assert again.state is DomainState.INACTIVE and again.domid is None and again.config.memory == 48
        assert ck.records(tmp_path / "h")[ck.UUID]["state"] == "inactive"
        assert world.alive_with_uuid(ck.UUID) == []
        dom2 = await managed.start(daemon, again)
        assert dom2.domid == 2 and dom2.config.memory == 48
        await dom2.destroy()
        assert daemon.lookup("demo").state is DomainState.INACTIVE
        with pytest.raises(StateError, match="is running; cannot delete it"):
            await managed.delete(daemon, await managed.start(daemon, daemon.lookup("demo")))
        await daemon.lookup("demo").destroy()
        await managed.delete(daemon, daemon.lookup("demo"))
        assert daemon.domains == {} and ck.records(tmp_path / "h") == {}
        await daemon.create(ck.profile(), filename="/etc/xen/demo", overrides=[])  # the name is free

    run(tmp_path / "h", scenario)


def test_suspend_resume_and_start_of_a_suspended_domain(tmp_path: Path) -> None:
    async def scenario(daemon: ck.Daemon, world: ck.FakeWorld) -> None:
        managed.define(daemon, ck.profile(), filename="/etc/xen/demo", overrides=[])
        await managed.start(daemon, daemon.lookup("demo"))
        await managed.suspend(daemon, daemon.lookup("demo"))
        await saverestore.teardown_pending(ck.UUID)
        dom = daemon.lookup("demo")
        path = managed.save_path(daemon, ck.UUID)
        assert dom.state is DomainState.SUSPENDED and path.is_file()
        assert world.alive_with_uuid(ck.UUID) == []
        resumed = await managed.resume(daemon, dom)
        assert resumed.state is DomainState.RUNNING and resumed.managed and not path.exists()
        assert len(world.alive_with_uuid(ck.UUID)) == 1
        await managed.suspend(daemon, resumed)
        await saverestore.teardown_pending(ck.UUID)
        started = await managed.start(daemon, daemon.lookup("demo"))  # start resumes, as managedsave
        assert started.state is DomainState.RUNNING and not path.exists()
        await managed.suspend(daemon, started)
        await saverestore.teardown_pending(ck.UUID)
        await managed.delete(daemon, daemon.lookup("demo"))  # the save goes with it
        assert not path.exists() and daemon.domains == {}

    run(tmp_path / "h", scenario)


def test_suspend_refuses_an_unmanaged_domain(tmp_path: Path) -> None:
    async def scenario(daemon: ck.Daemon, world: ck.FakeWorld) -> None:
        await daemon.create(ck.profile(), filename="/etc/xen/demo", overrides=[])
        with pytest.raises(StateError, match="not managed"):
            await managed.suspend(daemon, daemon.lookup("demo"))

    run(tmp_path / "h", scenario)


def test_a_definition_survives_a_daemon_restart(tmp_path: Path) -> None:
    root = tmp_path / "h"
    world = ck.FakeWorld()

    async def define(daemon: ck.Daemon, world: ck.FakeWorld) -> None:
        managed.define(daemon, ck.profile(), filename="/etc/xen/demo", overrides=[])

    crasher, world = ck.run_until_crash(root, None, define, None, world)
    out = ck.restart(root, world)
    dom = out["domains"][ck.UUID]
    assert dom.managed and dom.state is DomainState.INACTIVE and out["spawned_on_start"] == 0


def test_autostart_flag_and_host_stop_start_of_a_managed_domain(tmp_path: Path,
                                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    from hvmctl.migration import hoststart

    monkeypatch.setenv(hoststart.SETTINGS_ENV, str(tmp_path / "no-such-xendomains"))  # defaults: save dir

    async def scenario(daemon: ck.Daemon, world: ck.FakeWorld) -> None:
        managed.define(daemon, ck.profile(), filename="/etc/xen/demo", overrides=[])
        managed.define(daemon, ck.profile("other", ck.OTHER_UUID), filename="/etc/xen/other", overrides=[])
        life = hoststart.lifecycle(daemon)
        assert life.enable("demo")["result"] == "enabled"  # no profile link: a flag in the record
        assert ck.records(tmp_path / "h")[ck.UUID]["autostart"] is True
        assert [r["name"] for r in life.auto_links() if r.get("managed")] == ["demo"]
        report = await life.start()
        assert [s["name"] for s in report["started"]] == ["demo"], report
        assert daemon.lookup("demo").state is DomainState.RUNNING
        assert daemon.lookup("other").state is DomainState.INACTIVE  # not marked auto
        # host stop saves it (it goes back to its definition); host start brings the save back
        stopped = await life.stop()
        assert [s["name"] for s in stopped["saved"]] == ["demo"], stopped
        assert daemon.lookup("demo").state is DomainState.INACTIVE
        report = await life.start()
        assert [s["name"] for s in report["restored"]] == ["demo"] and report["started"] == [], report
        dom = daemon.lookup("demo")
        assert dom.state is DomainState.RUNNING and dom.managed and dom.autostart
        assert life.disable("demo")["result"] == "disabled" and not daemon.lookup("demo").autostart

    run(tmp_path / "h", scenario)


def test_block_attach_to_an_inactive_domain_changes_its_definition(tmp_path: Path) -> None:
    from hvmctl.storage import actions

    image = tmp_path / "extra.img"
    image.write_bytes(bytes(1 << 20))

    async def scenario(daemon: ck.Daemon, world: ck.FakeWorld) -> None:
        managed.define(daemon, ck.profile(), filename="/etc/xen/demo", overrides=[])
        result = await actions.block_attach(daemon, daemon.lookup("demo"), f"file:{image}", "xvdb", "w")
        assert result["result"] == "added to the definition" and world.spawned == 0
        assert [d["vdev"] for d in ck.records(tmp_path / "h")[ck.UUID]["config"]["disks"]] == ["xvdb"]
        dom = await managed.start(daemon, daemon.lookup("demo"))
        assert dom.runtime is not None and any(str(image) in a for a in dom.runtime.argv)
        await dom.destroy()
        await actions.block_detach(daemon, daemon.lookup("demo"), "xvdb")
        assert daemon.lookup("demo").config.disks == ()
        with pytest.raises(Exception, match="has no disk xvdb"):
            await actions.block_detach(daemon, daemon.lookup("demo"), "xvdb")

    run(tmp_path / "h", scenario)
