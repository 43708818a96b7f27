"""Managed domains against a real guest: xm new, start, shutdown back to inactive, start
again, suspend (QEMU gone, listed suspended), resume (the counter carries on), destroy
(inactive again), delete (gone, the name free); a disk attached while it ran is in the
definition at the next start, and the guest sees it."""

from __future__ import annotations

import re
import signal
import socket
import time
from pathlib import Path

from tests.integration.hvenv import HvEnv, tiny_profile

MAC = "00:16:3e:5a:20:01"


def console_file(hv: HvEnv, name: str) -> str:
    return (hv.base / "state" / "log" / f"{name}.console.log").read_text(errors="replace")


def counters(text: str) -> list[int]:
    return [int(n) for n in re.findall(r"COUNTER (\d+)\r?$", text, re.M)]


def ask(hv: HvEnv, name: str, command: str, tag: str) -> str:
    """What ``command`` prints inside the guest (one line), typed on its serial shell."""
    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as sock:
        sock.settimeout(10)
        sock.connect(str(hv.domain(name)["serial_socket"]))
        sock.sendall(f"echo {tag[:2]}\"\"{tag[2:]}: $({command} | tr '\\n' ' ') :END\n".encode())
        time.sleep(0.2)
    found = hv.wait_for(lambda: re.findall(rf"{tag}: (.*?) ?:END", console_file(hv, name)), timeout=30,
                        what=f"the guest's answer to {command!r}")
    return str(found[-1]).strip()


def row(hv: HvEnv, name: str) -> dict[str, object]:
    rows = [r for r in hv.hv("list", "--json").json() if r["name"] == name]
    assert len(rows) == 1, rows
    return rows[0]


def test_managed_lifecycle(hv: HvEnv, tmp_path: Path) -> None:
    boot = tmp_path / "boot.img"
    boot.write_bytes(bytes(4 << 20))  # a virtio disk at boot: the guest loads virtio_blk
    hv.write_profile("mg1", tiny_profile("mg1", extra="hvtest.counter=1", vnc=False,
                                         more=f'vif = ["mac={MAC},model=virtio"]\n'
                                              f"disk = ['file:{boot},xvda,w']\n"))
    hv.hv("new", "mg1")
    r = row(hv, "mg1")
    assert (r["state"], r["id"], r["flags"], r["memory"], r["cpu_time"]) == ("inactive", None, "------", 96, 0.0)
    text = hv.hv("list").stdout
    assert re.search(r"^mg1\s+96\s+1\s+------\s+0\.0$", text, re.M), text

    hv.hv("start", "mg1")
    hv.wait_console("mg1", "COUNTER 2", timeout=120)
    extra = tmp_path / "extra.img"
    extra.write_bytes(b"MANAGED-MARK" + bytes(8 << 20))
    hv.hv("block-attach", "mg1", f"file:{extra}", "xvdb", "w")  # while it runs: into the definition
    hv.hv("shutdown", "-w", "--timeout", "60", "mg1")
    r = row(hv, "mg1")
    assert r["state"] == "inactive" and r["id"] is None  # still listed: only delete removes it

    log_before = len(console_file(hv, "mg1"))
    hv.hv("start", "mg1")
    hv.wait_for(lambda: "COUNTER 2" in console_file(hv, "mg1")[log_before:], timeout=120,
                what="the second boot's counter")
    assert "vdb" in ask(hv, "mg1", "ls /sys/block", "MGA1X")  # the hot-plugged disk is in the definition
    assert ask(hv, "mg1", "dd if=/dev/vdb bs=12 count=1 2>/dev/null", "MGA2X") == "MANAGED-MARK"

    pid = hv.domain("mg1")["pid"]
    hv.hv("suspend", "mg1")
    r = row(hv, "mg1")
    assert r["state"] == "suspended" and r["id"] is None
    hv.wait_for(lambda: not Path(f"/proc/{pid}").exists(), timeout=30, what="QEMU gone after suspend")
    last = max(counters(console_file(hv, "mg1")))
    time.sleep(3)
    assert max(counters(console_file(hv, "mg1"))) == last  # nothing runs while suspended

    hv.hv("resume", "mg1")
    assert row(hv, "mg1")["state"] == "running"
    hv.wait_console("mg1", f"COUNTER {last + 3}", timeout=60)
    seq = counters(console_file(hv, "mg1"))
    assert seq[len(seq) - seq[::-1].index(last)] == last + 1, seq  # carried on where it stopped
    assert console_file(hv, "mg1").count("HVMCTL-READY") == 2, "the resumed guest booted again"
    assert not list((hv.base / "state").rglob("managed-save/*.save"))  # removed once resumed

    refused = hv.hv("delete", "mg1", check=False)
    assert refused.returncode == 1 and "is running; cannot delete it" in refused.stderr
    hv.hv("destroy", "mg1")
    assert row(hv, "mg1")["state"] == "inactive"
    hv.hv("delete", "mg1")
    assert "mg1" not in [r["name"] for r in hv.hv("list", "--json").json()]
    hv.hv("create", "mg1")  # the name is free again
    assert row(hv, "mg1")["state"] in ("running", "starting")


def test_managed_autostart_and_host_stop_start(hv: HvEnv) -> None:
    """A managed domain marked auto (a flag in its record, no profile link) starts at host
    start; host stop saves it and the next host start brings the save back -- the counter
    goes on, it is still managed, and it never started twice."""
    hv.kill_daemon(signal.SIGTERM)  # again with xendomains settings of our own (never the machine's)
    Path(hv.env["HVMCTL_SOCKET"]).unlink(missing_ok=True)
    hv.env["HVMCTL_XENDOMAINS"] = str(hv.base / "xendomains")
    (hv.base / "xendomains").write_text(f'XENDOMAINS_SAVE="{hv.base}/save"\nXENDOMAINS_STOP_MAXWAIT=30\n')
    hv.start_daemon()
    hv.write_profile("mg2", tiny_profile("mg2", extra="hvtest.counter=1", vnc=False))
    hv.hv("new", "mg2")
    assert "enabled: managed domain mg2" in hv.hv("autostart", "enable", "mg2").stdout
    assert not (hv.profile_dir / "auto").exists()  # no link: the record holds the flag
    report = hv.hv("host-start", "--json").json()
    assert [s["name"] for s in report["started"]] == ["mg2"], report
    hv.wait_console("mg2", "COUNTER 2", timeout=120)

    stopped = hv.hv("host-stop", "--json").json()
    assert [s["name"] for s in stopped["saved"]] == ["mg2"], stopped
    assert row(hv, "mg2")["state"] == "inactive"  # saved: back to its definition, still listed
    last = max(counters(console_file(hv, "mg2")))
    report = hv.hv("host-start", "--json").json()
    assert [s["name"] for s in report["restored"]] == ["mg2"] and report["started"] == [], report
    r = row(hv, "mg2")
    assert r["state"] == "running" and r["managed"] and r["autostart"]
    hv.wait_console("mg2", f"COUNTER {last + 2}", timeout=60)
    assert console_file(hv, "mg2").count("HVMCTL-READY") == 1, "restored, not booted again"
