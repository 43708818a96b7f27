"""A full (or failing) state dir or save filesystem, fake backend: every action is refused
with one line naming the path and changes nothing -- or, where it already took effect,
says so truthfully; no domain is left in a transitional state, no partial file stays."""

from __future__ import annotations

import errno
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

import hvmctl.atomic
import hvmctl.daemon.service
from hvmctl.daemon.state import DomainState
from hvmctl.errors import HostError
from hvmctl.migration import saverestore
from tests.unit import crashkit as ck

REAL_WRITER = hvmctl.atomic.write_bytes_atomic


class Disk:
    """Makes writes under one directory fail with ENOSPC (the atomic writer's contract:
    it turns the OSError into a one-line HostError naming the file)."""

    def __init__(self) -> None:
        self.full: Path | None = None

    def write(self, path: Path, data: bytes, mode: int = 0o600, *, durable: bool = True) -> None:
        if self.full is not None and self.full in path.parents:
            exc = OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
            raise HostError(f"{path}: cannot write: {exc.strerror}", cause=exc)
        REAL_WRITER(path, data, mode, durable=durable)


@pytest.fixture
def disk(monkeypatch: pytest.MonkeyPatch) -> Iterator[Disk]:
    d = Disk()
    monkeypatch.setattr(hvmctl.atomic, "write_bytes_atomic", d.write)
    monkeypatch.setattr(hvmctl.daemon.service, "write_bytes_atomic", d.write)
    yield d


async def create(daemon: ck.Daemon, world: ck.FakeWorld) -> None:
    await daemon.create(ck.profile(), filename="/etc/xen/demo", overrides=[])


def run(tmp_path: Path, scenario: ck.Scenario, setup: ck.Scenario | None = create) -> None:
    ck.run_until_crash(tmp_path / "h", setup, scenario, None)


def one_line(exc: BaseException, path: Path) -> str:
    text = str(exc)
    assert "\n" not in text and str(path) in text and "No space left on device" in text, text
    return text


def test_real_writer_turns_enospc_into_one_line_and_leaves_no_temp(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def full(fd: int) -> None:
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(hvmctl.atomic.os, "fsync", full)
    target = tmp_path / "rec.json"
    with pytest.raises(HostError) as err:
        REAL_WRITER(target, b"{}")
    assert str(err.value) == f"{target}: cannot write: No space left on device"
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("action", ["pause", "unpause", "destroy"])
def test_full_state_dir_refuses_and_changes_nothing(tmp_path: Path, disk: Disk, action: str) -> None:
    async def scenario(daemon: ck.Daemon, world: ck.FakeWorld) -> None:
        dom = daemon.lookup("demo")
        if action == "unpause":
            await dom.pause()
        before = dom.state
        (guest,) = world.alive_with_uuid(ck.UUID)
        status = guest.status
        disk.full = daemon.paths.state_dir
        with pytest.raises(HostError) as err:
            await getattr(dom, action)()
        one_line(err.value, daemon.record_path(dom))
        assert dom.state is before and dom.intent is None
        assert guest.alive and guest.status == status, "refused, but QEMU was changed"
        disk.full = None
        await dom.destroy()  # still fully usable
        assert world.alive() == []

    run(tmp_path, scenario)


def test_full_state_dir_refuses_save_guest_untouched(tmp_path: Path, disk: Disk) -> None:
    async def scenario(daemon: ck.Daemon, world: ck.FakeWorld) -> None:
        dom = daemon.lookup("demo")
        (guest,) = world.alive_with_uuid(ck.UUID)
        target = tmp_path / "demo.save"
        disk.full = daemon.paths.state_dir
        with pytest.raises(HostError) as err:
            await saverestore.save_domain(dom, target)
        one_line(err.value, daemon.record_path(dom))
        assert dom.state is DomainState.RUNNING and dom.intent is None  # never stuck in "saving"
        assert guest.status == "running" and "stop" not in guest.commands
        assert list(tmp_path.glob("*demo.save*")) == []
        disk.full = None
        await dom.pause()  # pause/save/shutdown are not refused afterwards
        await dom.unpause()

    run(tmp_path, scenario)


def test_state_dir_full_when_save_commits_resumes_guest(tmp_path: Path, disk: Disk) -> None:
    """The file is complete but the record cannot say so: the save is undone, not half-done."""
    async def scenario(daemon: ck.Daemon, world: ck.FakeWorld) -> None:
        dom = daemon.lookup("demo")
        (guest,) = world.alive_with_uuid(ck.UUID)
        target = tmp_path / "demo.save"

        def fill(name: str) -> None:
            if name == "save:renamed":
                disk.full = daemon.paths.state_dir

        daemon.crash_hook = fill
        with pytest.raises(HostError):
            await saverestore.save_domain(dom, target)
        assert dom.state is DomainState.RUNNING and guest.status == "running"
        assert list(tmp_path.glob("*demo.save*")) == []

    run(tmp_path, scenario)


class FullFile:
    """A file on a full filesystem: writes and flushes fail, so does close() (its flush)."""

    def __init__(self, fh: Any) -> None:
        self.fh = fh

    def __getattr__(self, name: str) -> Any:
        return getattr(self.fh, name)

    def write(self, data: bytes) -> int:
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    flush = write

    def close(self) -> None:
        self.fh.close()
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))


@pytest.mark.parametrize("where", ["header", "stream"])
def test_save_to_full_filesystem(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, where: str) -> None:
    async def scenario(daemon: ck.Daemon, world: ck.FakeWorld) -> None:
        dom = daemon.lookup("demo")
        await dom.pause() if where == "header" else None
        was = dom.state
        (guest,) = world.alive_with_uuid(ck.UUID)
        target = tmp_path / "demo.save"
        if where == "header":  # our header write, and then close()'s flush, hit the full disk
            real_open = saverestore._open_temp

            def on_full_disk(p: Path) -> tuple[Any, Path]:
                fh, tmp = real_open(p)
                return FullFile(fh), tmp

            monkeypatch.setattr(saverestore, "_open_temp", on_full_disk)
        else:  # QEMU's stream hits the full disk
            world.migrate_error = "Unable to write to file: No space left on device"
        with pytest.raises(HostError) as err:
            await saverestore.save_domain(dom, target)
        assert str(err.value) == f"{target}: cannot write the save file: No space left on device"
        assert list(tmp_path.glob("*demo.save*")) == [], "a partial file was left"
        assert dom.state is was and dom.intent is None
        assert guest.status == ("paused" if was is DomainState.PAUSED else "running")

    run(tmp_path, scenario)


@pytest.mark.parametrize("full", ["state", "domains"])
def test_full_state_dir_refuses_create_leaves_nothing(tmp_path: Path, disk: Disk, full: str) -> None:
    async def scenario(daemon: ck.Daemon, world: ck.FakeWorld) -> None:
        disk.full = daemon.paths.state_dir if full == "state" else daemon.paths.domains_dir
        with pytest.raises(HostError) as err:
            await create(daemon, world)
        assert "\n" not in str(err.value) and str(disk.full) in str(err.value)
        assert daemon.domains == {} and world.alive() == []
        assert list((daemon.paths.run_dir / "dom").glob("*")) == []
        disk.full = None
        await create(daemon, world)
        assert daemon.lookup("demo").domid == 1, "the failed create used up an ID"

    run(tmp_path, scenario, setup=None)


def test_poweroff_with_full_state_dir_keeps_guest_then_destroys_after_restart(tmp_path: Path, disk: Disk) -> None:
    """on_poweroff=destroy cannot be written ahead: the guest stays (shut down, QEMU kept),
    and a later daemon start, with room again, completes it."""
    root = tmp_path / "h"

    async def scenario(daemon: ck.Daemon, world: ck.FakeWorld) -> None:
        dom = daemon.lookup("demo")
        disk.full = daemon.paths.state_dir
        assert await dom.shutdown(wait=True, timeout=5.0, force=False) == "shut down"
        assert dom.state is DomainState.SHUTDOWN
        assert len(world.alive_with_uuid(ck.UUID)) == 1
        disk.full = None

    _, world = ck.run_until_crash(root, create, scenario, None)
    out = ck.restart(root, world)
    assert out["domains"] == {} and world.alive() == []
    assert ck.leftovers(root) == {"tmp": [], "partial": [], "run_dirs": [], "records": []}
