"""A source daemon killed (kill -9) after its QEMU sent the whole state but before it heard the
destination's answer: the restarted source asks the destination (the ``status`` op over
the TLS endpoint), hears that the guest runs there, and ends its own paused copy -- the
guest runs at the destination only (its counter goes on), the source keeps no QEMU."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from tests.integration.migration_hosts import two_hosts
from tests.integration.test_migration import _wait_prepared, console, counter_guest, counters

pytestmark = pytest.mark.skipif(os.geteuid() != 0, reason="network namespaces need root")


def _record(state_dir: Path) -> dict[str, object]:
    (path,) = (state_dir / "domains").glob("*.json")
    return json.loads(path.read_text())  # type: ignore[no-any-return]


def _streaming(pid: int) -> bool:
    """Is QEMU's migration thread there (``debug-threads=on`` names it)?"""
    names = set()
    for comm in Path(f"/proc/{pid}/task").glob("*/comm"):
        try:
            names.add(comm.read_text().strip())
        except OSError:
            pass
    return bool(names & {"live_migration", "mig/src/main"})


def test_source_killed_after_the_stream_completed_ends_its_copy() -> None:
    with two_hosts() as h:
        assert h.src.daemon is not None
        counter_guest(h.src, "ho1")
        src_pid = int(h.src.domain("ho1")["pid"])
        # not live (a throttled live stream of a busy guest need not converge): the guest
        # stops, its memory goes at ~3 MB/s -- seconds, long enough to freeze the daemon
        proc = subprocess.Popen([sys.executable, "-m", "hvmctl", "migrate", "-t", "tls", "-r", "24", "ho1",
                                 h.dst_addr], env=h.src.env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        _wait_prepared(h, "ho1")
        h.src.wait_for(lambda: _streaming(src_pid), timeout=60, what="the source QEMU streaming")
        # the source daemon freezes mid-stream: its QEMU sends the rest on its own, the
        # destination runs and commits the guest, and the source never hears of it
        h.src.daemon.send_signal(signal.SIGSTOP)
        try:
            h.dst.wait_for(lambda: [d["state"] for d in h.dst.domains() if d["name"] == "ho1"] == ["running"],
                           timeout=120, what="the destination running the migrated guest")
            record = _record(h.src.base / "state")
            intent = record["intent"]
            assert isinstance(intent, dict) and intent["op"] == "migrate-out", intent
            assert intent["dest"]["host"] == h.dst_addr, intent
        finally:
            h.src.kill_daemon(signal.SIGKILL)  # kill -9 (a stopped process dies of it too)
            proc.kill()
            proc.communicate(timeout=30)
        assert Path(f"/proc/{src_pid}").exists(), "the source QEMU should outlive its daemon"
        h.src.start_daemon()
        h.src.wait_for(lambda: h.src.domains() == [], timeout=60, what="the source ending its paused copy")
        h.src.wait_for(lambda: not Path(f"/proc/{src_pid}").exists(), timeout=30, what="the source QEMU to end")
        assert "runs on" in h.src.daemon_log() and "ending the paused copy here" in h.src.daemon_log()
        assert list((h.src.base / "state" / "domains").glob("*.json")) == []
        assert list((h.src.base / "state" / "migration").glob("outgoing-*")) == []
        # the guest goes on at the destination only, without booting again
        (there,) = [d for d in h.dst.domains() if d["name"] == "ho1"]
        assert there["state"] == "running"
        seen = max(counters(console(h.dst, "ho1")))
        h.dst.wait_console("ho1", f"COUNTER {seen + 2}", timeout=60)
        assert "HVMCTL-READY" not in console(h.dst, "ho1")
