"""Logs and run dirs are not world-readable: what QemuProcess.spawn and the launch's run dir
leave on disk, with a stand-in for QEMU that writes like QEMU does (stdout, a logfile= it
appends to, files and dirs it creates itself)."""

from __future__ import annotations

import asyncio
import grp
import os
import stat
from pathlib import Path

import pytest

from hvmctl.daemon import filemodes
from hvmctl.daemon.main import _private_files
from hvmctl.daemon.process import QemuProcess
from hvmctl.errors import HostError
from hvmctl.paths import Paths


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@pytest.fixture
def loose_umask() -> object:
    old = os.umask(0o022)  # what a daemon started from a login shell has
    yield
    os.umask(old)


def _spawn(tmp_path: Path, script: str) -> None:
    async def go() -> None:
        proc = QemuProcess.spawn(
            ["/bin/sh", "-c", script], tmp_path / "web.qemu.log", logs=[tmp_path / "web.console.log"]
        )
        assert await proc.wait(10)

    asyncio.run(go())


def test_qemu_logs_and_what_qemu_creates_are_not_world_readable(tmp_path: Path, loose_umask: object) -> None:
    (tmp_path / "web.qemu.log").write_text("an older run\n")
    os.chmod(tmp_path / "web.qemu.log", 0o644)
    _spawn(tmp_path, f"echo started; echo 'login: root' >> {tmp_path}/web.console.log; "
                     f": > {tmp_path}/qemu.pid; mkdir {tmp_path}/dump")
    assert (tmp_path / "web.qemu.log").read_text() == "an older run\nstarted\n"
    assert (tmp_path / "web.console.log").read_text() == "login: root\n"
    assert _mode(tmp_path / "web.qemu.log") == 0o640  # tightened, though it was 0644
    assert _mode(tmp_path / "web.console.log") == 0o640  # made before QEMU opens it
    assert _mode(tmp_path / "qemu.pid") == 0o640  # QEMU's umask
    assert _mode(tmp_path / "dump") == 0o750


def test_log_group_is_configurable(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    groups = [g for g in grp.getgrall() if g.gr_gid != os.getegid()]
    if os.geteuid() != 0 or not groups:
        pytest.skip("needs root and a second group")
    monkeypatch.setenv("HVMCTL_GROUP", groups[0].gr_name)
    _spawn(tmp_path, "echo started")
    filemodes.make_run_dir(tmp_path / "run" / "dom" / "abcd1234")
    for path in (tmp_path / "web.qemu.log", tmp_path / "web.console.log", tmp_path / "run" / "dom" / "abcd1234"):
        assert path.stat().st_gid == groups[0].gr_gid, path


def test_run_dir_is_0750_whatever_the_umask(tmp_path: Path, loose_umask: object) -> None:
    os.umask(0)
    run = tmp_path / "run" / "dom" / "abcd1234"
    filemodes.make_run_dir(run)
    assert _mode(run) == 0o750
    os.chmod(run, 0o777)
    filemodes.make_run_dir(run)
    assert _mode(run) == 0o750


def test_group_from_the_environment() -> None:
    assert filemodes.group_id({}) is None  # files keep the daemon's group (root's as root)
    assert filemodes.group_id({"HVMCTL_GROUP": "root"}) == 0
    assert filemodes.group_id({"HVMCTL_GROUP": "1234"}) == 1234
    with pytest.raises(HostError, match=r"^HVMCTL_GROUP='no-such-group-x': no such group$"):
        filemodes.group_id({"HVMCTL_GROUP": "no-such-group-x"})


def test_daemon_start_tightens_its_run_dir_and_log(tmp_path: Path) -> None:
    old = os.umask(0o022)
    try:
        run = tmp_path / "run"
        run.mkdir(mode=0o755)
        (run / "daemon.log").write_text("started by the CLI\n")
        os.chmod(run / "daemon.log", 0o644)
        paths = Paths(state_dir=tmp_path / "state", run_dir=run, socket=run / "hvmctl.sock",
                      log_dir=tmp_path / "log", profile_dir=tmp_path / "xen", qemu="/bin/false")
        _private_files(paths)
        assert os.umask(0o022) == filemodes.UMASK
        assert _mode(run) == 0o750
        assert _mode(run / "daemon.log") == 0o640
    finally:
        os.umask(old)


def test_daemon_start_leaves_a_shared_sticky_dir_alone(tmp_path: Path) -> None:
    old = os.umask(0o022)
    try:
        shared = tmp_path / "tmp"
        shared.mkdir()
        os.chmod(shared, 0o1777)
        paths = Paths(state_dir=tmp_path / "state", run_dir=shared, socket=shared / "hvmctl.sock",
                      log_dir=tmp_path / "log", profile_dir=tmp_path / "xen", qemu="/bin/false")
        _private_files(paths)
        assert _mode(shared) == 0o1777
    finally:
        os.umask(old)
