"""kill -9 the real daemon in the middle of `xm destroy` and `xm create` (raced with small
delays), restart it: a destroyed guest stays gone, a created one is adopted exactly once
(or, if the kill came before QEMU existed, is gone without a trace) -- counted as QEMU
processes carrying the domain's UUID in /proc/*/cmdline."""

from __future__ import annotations

import signal
import subprocess
import sys
import time
import uuid as uuidlib
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.integration.hvenv import HvEnv, tiny_profile

READY = "HVMCTL-READY"


@pytest.fixture
def uuid() -> str:
    """Each test's own guest UUID: QEMUs are counted host-wide, tests may run side by side."""
    return str(uuidlib.uuid4())


def qemus_with(uuid: str) -> list[int]:
    """Live processes whose command line carries ``-uuid UUID``."""
    needle = b"\0-uuid\0" + uuid.encode() + b"\0"
    pids = []
    for proc in Path("/proc").iterdir():
        if not proc.name.isdigit():
            continue
        try:
            if needle in (proc / "cmdline").read_bytes():
                state = (proc / "stat").read_text().rsplit(")", 1)[1].split()[0]
                if state not in ("Z", "X"):
                    pids.append(int(proc.name))
        except OSError:
            continue
    return pids


def cli(hv: HvEnv, *args: str) -> subprocess.Popen[str]:
    return subprocess.Popen([sys.executable, "-m", "hvmctl", *args], env=hv.env, text=True,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)


def restart_daemon(hv: HvEnv) -> None:
    hv.kill_daemon(signal.SIGKILL)
    hv.start_daemon()


def names(hv: HvEnv) -> list[str]:
    return [d["name"] for d in hv.domains()]


def poll(predicate: Callable[[], object], timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            raise AssertionError("the moment to kill the daemon never came")
        time.sleep(0.001)


def record_says(hv: HvEnv, uuid: str, text: str) -> bool:
    try:
        return text in (hv.base / "state" / "domains" / f"{uuid}.json").read_text()
    except OSError:
        return False


# when to kill: as soon as the destroy intent is on disk (QEMU not told yet), or right
# after QEMU quit on the destroy (case 4: the moment that used to resurrect the guest)
@pytest.mark.parametrize("moment,delay", [("intent", 0.0), ("quit", 0.0), ("quit", 0.005), ("quit", 0.02),
                                          ("quit", 0.05)])
def test_kill_during_destroy_never_resurrects(hv: HvEnv, moment: str, delay: float, uuid: str) -> None:
    hv.env["HVMCTL_NO_AUTOSTART"] = "1"  # the in-flight CLI must not start a daemon itself
    hv.write_profile("doomed", tiny_profile("doomed", more=f'uuid = "{uuid}"\non_crash = "restart"\n'))
    hv.hv("create", "doomed")
    assert len(qemus_with(uuid)) == 1
    destroy = cli(hv, "destroy", "doomed")
    if moment == "intent":
        poll(lambda: record_says(hv, uuid, '"op": "destroy"'))
    else:
        poll(lambda: not qemus_with(uuid))
    time.sleep(delay)
    restart_daemon(hv)
    destroy.communicate(timeout=30)
    time.sleep(1.0)  # an on_crash restart would have happened by now
    assert "doomed" not in names(hv), f"destroyed guest came back\n{hv.daemon_log()}"
    assert qemus_with(uuid) == []
    assert not list((hv.base / "run" / "dom").glob(uuid[:8]))
    assert not list((hv.base / "state" / "domains").glob("*"))


# when to kill: as soon as the run dir exists (before QEMU), as soon as QEMU exists (before
# its pid is recorded or its monitor answers), and a little later (booting / adopted)
@pytest.mark.parametrize("moment,delay", [("run-dir", 0.0), ("qemu", 0.0), ("qemu", 0.01), ("qemu", 0.05),
                                          ("qemu", 0.3)])
def test_kill_during_create_adopts_exactly_once(hv: HvEnv, moment: str, delay: float, uuid: str) -> None:
    hv.env["HVMCTL_NO_AUTOSTART"] = "1"
    hv.write_profile("newborn", tiny_profile("newborn", more=f'uuid = "{uuid}"\n'))
    create = cli(hv, "create", "newborn")
    if moment == "run-dir":
        poll(lambda: (hv.base / "run" / "dom" / uuid[:8]).exists())
    else:
        poll(lambda: qemus_with(uuid))
    time.sleep(delay)
    spawned = len(qemus_with(uuid))
    restart_daemon(hv)
    create.communicate(timeout=30)
    time.sleep(0.5)
    there = "newborn" in names(hv)
    found = qemus_with(uuid)
    assert len(found) == (1 if there else 0), f"{found} QEMUs, listed: {there}\n{hv.daemon_log()}"
    assert there or not spawned, "a QEMU that was running was stopped, not adopted"
    assert not list((hv.base / "state" / "domains").glob(".*.tmp"))
    if there:
        dom = hv.domain("newborn")
        assert dom["state"] in ("running", "paused") and dom["pid"] == found[0]
        assert dom["vnc"], "VNC display never read after adopting"
        hv.wait_console("newborn", READY)
        again = hv.hv("create", "newborn", check=False)
        assert again.returncode != 0 and "already in use" in again.stderr
    else:
        assert not list((hv.base / "run" / "dom").glob(uuid[:8]))
        hv.hv("create", "newborn")
        hv.wait_console("newborn", READY)
    assert len(qemus_with(uuid)) == 1


def test_save_to_full_filesystem_leaves_guest_running(hv: HvEnv, tmp_path: Path, uuid: str) -> None:
    """Case 7: `xm save` onto a full filesystem (a 2 MiB tmpfs): one clean line, no partial
    file, and the guest goes on running -- its shell still answers."""
    mnt = tmp_path / "full"
    mnt.mkdir()
    try:
        subprocess.run(["mount", "-t", "tmpfs", "-o", "size=2m", "tmpfs", str(mnt)], check=True, timeout=10)
    except (OSError, subprocess.CalledProcessError) as exc:
        pytest.skip(f"cannot mount a tmpfs here: {exc}")
    try:
        hv.write_profile("fullsave", tiny_profile("fullsave", more=f'uuid = "{uuid}"\n'))
        hv.hv("create", "fullsave")
        hv.wait_console("fullsave", READY)
        target = mnt / "fullsave.save"
        res = hv.hv("save", "fullsave", str(target), check=False)
        assert res.returncode != 0
        assert res.stderr.strip().endswith(f"{target}: cannot write the save file: No space left on device"), \
            res.stderr
        assert len(res.stderr.strip().splitlines()) == 1
        assert list(mnt.iterdir()) == [], "a partial save file was left"
        dom = hv.domain("fullsave")
        assert dom["state"] == "running"
        hv.hv("console", "fullsave", input="echo ALIVE-$((6*7))\n", timeout=30)
        hv.wait_console("fullsave", "ALIVE-42")
    finally:
        subprocess.run(["umount", "-l", str(mnt)], timeout=10)
