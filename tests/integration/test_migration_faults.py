"""Migration faults at each phase: the destination's QEMU killed while the disks are copied
and while the memory streams, and the ssh transport killed mid-stream. Each time the source
guest keeps running as it was (its counter goes on), the destination is left with nothing
(no domain, no record, no half-copied disk, no QEMU), and the error names the phase."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.integration.migration_hosts import Hosts, two_hosts
from tests.integration.test_migration import (
    _dst_qemu_pids,
    _start_slow_migration,
    _wait_prepared,
    console,
    counter_guest,
    counters,
)

pytestmark = pytest.mark.skipif(os.geteuid() != 0, reason="network namespaces need root")


def _assert_source_goes_on(h: Hosts, name: str) -> None:
    assert h.src.domain(name)["state"] == "running"
    seen = max(counters(console(h.src, name)))
    h.src.wait_console(name, f"COUNTER {seen + 3}", timeout=60)


def _assert_destination_empty(h: Hosts, pids: list[int]) -> None:
    h.dst.wait_for(lambda: h.dst.domains() == [], timeout=90, what="the destination discarding the guest")
    assert list((h.dst.base / "state" / "domains").glob("*.json")) == []
    h.dst.wait_for(lambda: not list((h.dst.base / "state" / "migration").glob("incoming-*")), timeout=30,
                   what="the incoming session's files going")
    for pid in pids:
        assert not Path(f"/proc/{pid}").exists() or "zombie" in Path(f"/proc/{pid}/status").read_text().lower()


def _kill(pids: list[int]) -> None:
    for pid in pids:
        try:
            os.kill(pid, signal.SIGKILL)
        except ProcessLookupError:
            pass


def test_destination_qemu_killed_in_the_memory_phase() -> None:
    with two_hosts() as h:
        counter_guest(h.src, "mf1")
        proc = _start_slow_migration(h, "mf1")
        _wait_prepared(h, "mf1")
        pids = _dst_qemu_pids(h.dst)
        assert pids
        _kill(pids)  # the destination daemon lives on; only its QEMU dies
        _, err = proc.communicate(timeout=90)
        assert proc.returncode == 1 and "in the memory phase" in err and "keeps running here" in err, err
        _assert_source_goes_on(h, "mf1")
        _assert_destination_empty(h, pids)


def test_destination_qemu_killed_in_the_storage_phase() -> None:
    with two_hosts(private_dir=True) as h:
        assert h.private is not None
        disk = h.private / "mirror.img"
        # 48 MiB of data at ~3 MB/s: the disk copy takes long enough to be cut
        subprocess.run(["dd", "if=/dev/urandom", f"of={disk}", "bs=1M", "count=48", "status=none"], check=True,
                       timeout=60)
        counter_guest(h.src, "mf2", more=f'disk = ["file:{disk},xvda,w"]\n')
        proc = _start_slow_migration(h, "mf2", "--copy-storage")
        _wait_prepared(h, "mf2")  # 2 s into a ~16 s disk copy (-r applies to the disks too)
        dst_disk = h.dst_root() / str(disk).lstrip("/")
        assert dst_disk.exists()
        pids = _dst_qemu_pids(h.dst)
        _kill(pids)
        _, err = proc.communicate(timeout=90)
        assert proc.returncode == 1 and "in the storage phase" in err and "keeps running here" in err, err
        _assert_source_goes_on(h, "mf2")
        _assert_destination_empty(h, pids)
        assert not dst_disk.exists()


def _ssh_clients_of(pid: int) -> list[int]:
    """The ssh processes a daemon started (its transport to the destination)."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
            cmd = (entry / "cmdline").read_bytes().split(b"\0")
        except OSError:
            continue
        ppid = int(stat.rsplit(")", 1)[1].split()[1])
        if ppid == pid and cmd and cmd[0].endswith(b"ssh"):
            found.append(int(entry.name))
    return found


def test_ssh_transport_killed_mid_stream() -> None:
    with two_hosts(sshd=True) as h:
        assert h.ssh is not None and h.src.daemon is not None
        counter_guest(h.src, "mf3")
        argv = [sys.executable, "-m", "hvmctl", "migrate", *h.ssh.client_args(h.dst), "--live", "-r", "24",
                "--stall-timeout", "3", "mf3", h.dst_addr]
        proc = subprocess.Popen(argv, env=h.src.env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        _wait_prepared(h, "mf3")
        pids = _dst_qemu_pids(h.dst)
        daemon_pid = h.src.daemon.pid
        clients = h.src.wait_for(lambda: _ssh_clients_of(daemon_pid), timeout=10, what="the ssh transport")
        _kill(clients)  # the link's carrier dies: control channel and memory stream alike
        _, err = proc.communicate(timeout=90)
        assert proc.returncode == 1 and "keeps running here" in err, err
        assert re.search(r"in the (prepare|memory) phase", err), err
        _assert_source_goes_on(h, "mf3")
        _assert_destination_empty(h, pids)
        time.sleep(0.5)
        assert not _ssh_clients_of(daemon_pid)  # nothing of the transport is left behind
