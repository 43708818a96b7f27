"""A restarted daemon's first `xm list` comes from the records on disk (daemon/listing.py),
before the daemon is loaded: its rows must be the daemon's own for the same records, and a
guest whose QEMU died while no daemon watched must not show as running."""

from __future__ import annotations

import asyncio
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from hvmctl.config.model import DomainConfig
from hvmctl.daemon import listing
from hvmctl.daemon.domain import Domain, Runtime
from hvmctl.daemon.procfs import process_start_ticks
from hvmctl.daemon.service import Daemon
from hvmctl.daemon.store import read_json, write_json_atomic
from hvmctl.paths import Paths


@pytest.fixture
def paths(tmp_path: Path) -> Paths:
    return Paths(state_dir=tmp_path / "state", run_dir=tmp_path / "run", socket=tmp_path / "run" / "api.sock",
                 log_dir=tmp_path / "log", profile_dir=tmp_path / "xen", qemu="qemu-system-x86_64")


@pytest.fixture
def sleepers() -> Iterator[list[subprocess.Popen[bytes]]]:
    """Live processes standing in for QEMUs (sleeping: their 'vCPU' shows blocked)."""
    procs = [subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"]) for _ in range(2)]
    deadline = time.monotonic() + 20
    while not all(thread_state(p.pid) == "S" for p in procs):  # asleep: no flag flips between two reads
        assert time.monotonic() < deadline, "the stand-in processes never went to sleep"
        time.sleep(0.01)
    yield procs
    for proc in procs:
        proc.kill()
        proc.wait()


def thread_state(pid: int) -> str:
    raw = Path(f"/proc/{pid}/stat").read_text()
    return raw[raw.rfind(")") + 2]


def _dead_pid() -> tuple[int, int]:
    proc = subprocess.Popen(["true"])
    ticks = process_start_ticks(proc.pid) or 1
    proc.wait()
    return proc.pid, ticks


def _record(paths: Paths, name: str, uuid: str, state: str, *, pid: int | None = None, ticks: int | None = None,
            domid: int | None = None, managed: bool = False, intent: str | None = None, **runtime: Any) -> None:
    cfg = DomainConfig(name=name, uuid=uuid, memory=64 + len(name), vcpus=2, serial="pty", on_crash="preserve")
    rt = None
    if domid is not None:
        rt = vars(Runtime(domid=domid, run_dir=str(paths.run_dir / "dom" / uuid[:8]), argv=["qemu"], pid=pid,
                          start_ticks=ticks, console_log=f"/log/{name}.console.log", **runtime))
    record = {"version": 1, "config": cfg.to_dict(), "profile_path": f"/etc/xen/{name}", "state": state,
              "intent": {"op": intent} if intent else None, "runtime": rt, "managed": managed, "autostart": managed, "definition": None}
    paths.domains_dir.mkdir(parents=True, exist_ok=True)
    write_json_atomic(paths.domains_dir / f"{uuid}.json", record)


def _daemon_rows(paths: Paths) -> list[dict[str, Any]]:
    """What the full daemon lists for the same records, its QEMUs found as re-attach finds them."""
    async def run() -> list[dict[str, Any]]:
        daemon = Daemon(paths)
        for path in sorted(paths.domains_dir.glob("*.json")):
            dom = Domain.from_record(daemon, read_json(path))
            dom.process = dom._find_process()
            daemon.domains[dom.uuid] = dom
        return [d.summary() for d in daemon.all()]

    return asyncio.run(run())


def test_disk_rows_are_the_daemons_rows(paths: Paths, sleepers: list[subprocess.Popen[bytes]]) -> None:
    run, paused = sleepers
    dead, dead_ticks = _dead_pid()
    _record(paths, "web", "11111111-0000-0000-0000-000000000001", "running", pid=run.pid,
            ticks=process_start_ticks(run.pid), domid=3, vcpu_threads=[run.pid], vnc_host="127.0.0.1",
            vnc_port=5901, nics=[{"mac": "00:16:3e:00:00:01", "tap": "vif3.0"}])
    _record(paths, "db", "22222222-0000-0000-0000-000000000002", "paused", pid=paused.pid,
            ticks=process_start_ticks(paused.pid), domid=2, memory_mib=40)
    _record(paths, "oops", "33333333-0000-0000-0000-000000000003", "crashed", pid=dead, ticks=dead_ticks, domid=1)
    _record(paths, "idle", "44444444-0000-0000-0000-000000000004", "inactive", managed=True)

    disk = listing.from_disk(paths)
    assert disk == _daemon_rows(paths)
    shown = {r["name"]: (r["state"], r["flags"], r["pid"]) for r in disk}
    assert shown == {"web": ("running", "-b----", run.pid), "db": ("paused", "--p---", paused.pid),
                     "oops": ("crashed", "----c-", None), "idle": ("inactive", "------", None)}
    assert [r["name"] for r in disk] == ["oops", "db", "web", "idle"]  # by ID, definitions last
    web = disk[2]
    assert web["vnc"] == "127.0.0.1:5901" and web["vcpus"] == 1 and web["serial_socket"].endswith("/serial.sock")


def test_a_qemu_that_died_while_the_daemon_was_away_is_not_listed_running(
        paths: Paths, sleepers: list[subprocess.Popen[bytes]]) -> None:
    dead, dead_ticks = _dead_pid()
    live = sleepers[0]
    _record(paths, "gone", "55555555-0000-0000-0000-000000000005", "running", pid=dead, ticks=dead_ticks, domid=4)
    # the pid lives, but it is another process now (its start ticks differ): not our QEMU
    _record(paths, "reused", "66666666-0000-0000-0000-000000000006", "paused", pid=live.pid,
            ticks=(process_start_ticks(live.pid) or 0) + 1, domid=5)
    rows = {r["name"]: r for r in listing.from_disk(paths)}
    for name in ("gone", "reused"):
        assert (rows[name]["state"], rows[name]["flags"], rows[name]["pid"], rows[name]["cpu_time"]) == \
            ("crashed", "----c-", None, 0.0)


def test_a_start_the_daemon_died_in_is_not_listed_when_its_qemu_is_gone(
        paths: Paths, sleepers: list[subprocess.Popen[bytes]]) -> None:
    """An unfinished create/restore/migrate-in whose QEMU is dead is forgotten by the daemon's
    re-attach: the first list (from disk) must not show it either; a relaunch stays (the
    daemon starts it again), and a live QEMU of an unfinished start is shown."""
    dead, dead_ticks = _dead_pid()
    live = sleepers[0]
    for i, op in enumerate(("create", "restore", "migrate-in", "relaunch")):
        _record(paths, f"d-{op}", f"9999999{i}-0000-0000-0000-00000000000{i}", "starting", pid=dead,
                ticks=dead_ticks, domid=10 + i, intent=op)
    _record(paths, "alive", "aaaaaaaa-0000-0000-0000-00000000000a", "paused", pid=live.pid,
            ticks=process_start_ticks(live.pid), domid=20, intent="migrate-in")
    assert [r["name"] for r in listing.from_disk(paths)] == ["d-relaunch", "alive"]


def test_an_unreadable_record_is_skipped_not_fatal(paths: Paths) -> None:
    _record(paths, "ok", "77777777-0000-0000-0000-000000000007", "inactive", managed=True)
    (paths.domains_dir / "88888888-0000-0000-0000-000000000008.json").write_text("{not json")
    assert [r["name"] for r in listing.from_disk(paths)] == ["ok"]


def test_the_disk_path_imports_nothing_heavy() -> None:
    """The early answer must come before the daemon's modules load (that is its point)."""
    code = ("import sys, hvmctl.api.early; heavy = [m for m in ('hvmctl.daemon.service', 'hvmctl.daemon.domain',"
            " 'hvmctl.config.model', 'pydantic', 'fastapi', 'msgspec', 'pyroute2') if m in sys.modules];"
            " print(heavy)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=30, check=True)
    assert out.stdout.strip() == "[]"
