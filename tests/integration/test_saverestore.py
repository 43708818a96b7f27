"""xm save / xm restore against real guests: the guest's processes carry on (its counter
continues, its uptime grows, it never boots again), its identity is kept, and a save that
fails leaves the guest running with no file behind."""

from __future__ import annotations

import os
import re
import socket
import subprocess
import time
from pathlib import Path

import pytest

from tests.integration.hvenv import HvEnv, tiny_profile

MAC = "00:16:3e:5a:00:01"


def counters(text: str) -> list[int]:
    # not anchored at the line start: a shell prompt may stand before a counter line
    return [int(n) for n in re.findall(r"COUNTER (\d+)\r?$", text, re.M)]


def console_file(hv: HvEnv, name: str) -> str:
    return (hv.base / "state" / "log" / f"{name}.console.log").read_text(errors="replace")


def type_line(hv: HvEnv, name: str, line: str) -> None:
    """Type on the guest's serial shell. (`xm console` with piped stdin waits for the guest to
    go quiet before it exits, and a counting guest never does.)"""
    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as sock:
        sock.settimeout(10)
        sock.connect(str(hv.domain(name)["serial_socket"]))
        sock.sendall(line.encode() + b"\n")
        time.sleep(0.2)


def guest_uptime(hv: HvEnv, name: str, tag: str) -> float:
    """The guest's own uptime (/proc/uptime), typed on its serial shell."""
    type_line(hv, name, f"echo UP-{tag} $(cut -d' ' -f1 /proc/uptime)")
    found = hv.wait_for(lambda: re.findall(rf"UP-{tag} ([0-9.]+)", console_file(hv, name)), timeout=30,
                        what=f"the guest's uptime ({tag})")
    return float(found[-1])


def start_counter_guest(hv: HvEnv, name: str) -> dict[str, object]:
    hv.write_profile(name, tiny_profile(name, extra="hvtest.counter=1", more=f'vif = ["mac={MAC}"]\n'))
    hv.hv("create", name)
    hv.wait_console(name, "COUNTER 2", timeout=90)
    return hv.domain(name)


def test_save_restore_continues_where_it_stopped(hv: HvEnv) -> None:
    before = start_counter_guest(hv, "sr1")
    up_before = guest_uptime(hv, "sr1", "A")
    save = hv.base / "sr1.save"

    out = hv.hv("save", "--json", "sr1", str(save)).json()
    assert out["result"] == "saved" and save.stat().st_size == out["bytes"] > 1 << 20
    assert save.read_bytes()[:14] == b"HVMCTL-SAVE 1\n"
    assert [d["name"] for d in hv.domains()] == []  # saved = stopped, like xm
    last = max(counters(console_file(hv, "sr1")))
    assert not list(hv.base.glob(".sr1.save*")), "temporary file left behind"

    time.sleep(1.0)  # the guest must not notice the wall-clock gap as running time
    restored = hv.hv("restore", "--json", str(save)).json()
    assert restored["name"] == "sr1" and restored["uuid"] == before["uuid"]
    assert restored["state"] == "running" and restored["id"] != before["id"]
    assert [n["mac"] for n in restored["nics"]] == [MAC] == [n["mac"] for n in before["nics"]]  # type: ignore[index]
    # the same VNC settings: the old display is asked for again; other tests' guests running
    # beside this one may have taken it in the gap, so only the listener is compared
    assert restored["vnc"].rpartition(":")[0] == before["vnc"].rpartition(":")[0]

    hv.wait_console("sr1", f"COUNTER {last + 5}", timeout=30)
    after = console_file(hv, "sr1")
    seq = counters(after)
    # the counter after the restore picks up exactly where the saved guest stopped
    resumed = seq[seq.index(last) + 1]
    assert resumed == last + 1, seq
    assert after.count("HVMCTL-READY") == 1, "the guest booted again"
    assert guest_uptime(hv, "sr1", "B") > up_before

    # a second save/restore round trip of the restored guest works too
    hv.hv("save", "sr1", str(save))
    hv.hv("restore", str(save))
    hv.wait_console("sr1", f"COUNTER {max(counters(console_file(hv, 'sr1'))) + 3}", timeout=30)
    assert console_file(hv, "sr1").count("HVMCTL-READY") == 1


@pytest.mark.skipif(os.geteuid() != 0, reason="mounting a small tmpfs needs root")
def test_failed_save_leaves_guest_running(hv: HvEnv) -> None:
    start_counter_guest(hv, "sr2")
    full = hv.base / "full"
    full.mkdir()
    subprocess.run(["mount", "-t", "tmpfs", "-o", "size=2m", "tmpfs", str(full)], check=True, timeout=10)
    try:
        res = hv.hv("save", "sr2", str(full / "sr2.save"), check=False)
        assert res.returncode == 1 and "No space left on device" in res.stderr, res.stderr
        assert list(full.iterdir()) == [], "a partial save file was left behind"
    finally:
        subprocess.run(["umount", str(full)], check=False, timeout=10)

    res = hv.hv("save", "sr2", str(hv.base / "no" / "such" / "dir" / "sr2.save"), check=False)
    assert res.returncode == 1 and "no such directory" in res.stderr

    dom = hv.domain("sr2")
    assert dom["state"] == "running"
    seen = max(counters(console_file(hv, "sr2")))
    hv.wait_console("sr2", f"COUNTER {seen + 3}", timeout=30)  # still running, not merely listed

    # a paused guest stays paused after a failed save
    hv.hv("pause", "sr2")
    res = hv.hv("save", "sr2", str(hv.base / "nodir" / "x"), check=False)
    assert res.returncode == 1 and hv.domain("sr2")["state"] == "paused"
    hv.hv("unpause", "sr2")

    # checkpoint: the state is written and the guest keeps running
    ck = hv.base / "sr2.ckpt"
    assert hv.hv("save", "--json", "-c", "sr2", str(ck)).json()["result"] == "checkpointed"
    assert hv.domain("sr2")["state"] == "running"
    # restoring it while the original still runs is refused (same name and UUID)
    res = hv.hv("restore", str(ck), check=False)
    assert res.returncode == 1 and "already in use" in res.stderr
    # a file that is not a save file is refused before anything starts
    junk = hv.base / "junk"
    junk.write_bytes(b"hello" * 100)
    res = hv.hv("restore", str(junk), check=False)
    assert res.returncode == 1 and "not an hvmctl save file" in res.stderr
    # a truncated save file is refused too
    cut = hv.base / "cut.save"
    cut.write_bytes(ck.read_bytes()[: ck.stat().st_size // 2])
    hv.hv("destroy", "sr2")
    res = hv.hv("restore", str(cut), check=False)
    assert res.returncode == 1 and "truncated" in res.stderr
    assert hv.domains() == []
