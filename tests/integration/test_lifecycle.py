"""The spine end to end: real guests under QEMU, driven through the xm command line."""

from __future__ import annotations

import json
import os
import re
import signal
import socket
import time

import pytest

from tests.integration.hvenv import HvEnv, tiny_profile

READY = "HVMCTL-READY"


def create(hv: HvEnv, name: str, **kw: object) -> dict[str, object]:
    hv.write_profile(name, tiny_profile(name, **kw))  # type: ignore[arg-type]
    hv.hv("create", name)
    hv.wait_console(name, READY)
    return hv.domain(name)


def type_into(hv: HvEnv, name: str, line: str) -> None:
    """Type one line on the guest's serial console, as a user at `xm console` would."""
    hv.hv("console", name, input=line + "\n", timeout=30)


def test_create_list_console_screenshot_vnc_shutdown(hv: HvEnv, tmp_path: object) -> None:
    hv.write_profile("tiny1", tiny_profile("tiny1"))
    out = hv.hv("create", "tiny1")  # found in the profile dir, like /etc/xen
    assert re.match(r"Started domain tiny1 \(id=\d+\)", out.stdout)
    hv.wait_console("tiny1", READY)

    table = hv.hv("list").stdout.splitlines()
    assert table[0] == "Name" + " " * 38 + "ID   Mem VCPUs      State   Time(s)"  # xm's header, exactly
    assert table[1].startswith("%-40s %3s " % ("Domain-0", "0"))
    row = next(line for line in table if line.startswith("tiny1 "))
    assert re.fullmatch(r"tiny1 {36}\s+\d+ {4}96 {5}1 {5}(r-----|-b----) +\d+\.\d", row), row

    dom = hv.domain("tiny1")
    assert dom["cpu_time"] > 0

    type_into(hv, "tiny1", "echo MARK-$((40+2))")
    hv.wait_console("tiny1", "MARK-42")

    png = hv.base / "screen.png"
    hv.hv("screenshot", "tiny1", str(png))
    data = png.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n" and len(data) > 100

    address = hv.hv("vncviewer", "--print", "tiny1").stdout.strip()
    host, _, port = address.rpartition(":")
    assert host == "127.0.0.1" and 5900 <= int(port) < 6000
    with socket.create_connection((host, int(port)), timeout=5) as sock:
        assert sock.recv(12).startswith(b"RFB 003.")

    hv.hv("shutdown", "-w", "--timeout", "30", "tiny1")
    assert "HVMCTL-POWERDOWN" in (hv.base / "state" / "log" / "tiny1.console.log").read_text()
    assert [d["name"] for d in hv.domains()] == []


def test_ids_grow_and_domain_named_by_id_and_uuid(hv: HvEnv) -> None:
    a = create(hv, "ida", more='uuid = "2a1c2f06-1b64-4a55-9d1b-7d7f6b0c1a11"\n')
    assert hv.hv("domid", "ida").stdout.strip() == str(a["id"])
    assert hv.hv("domname", str(a["id"])).stdout.strip() == "ida"
    assert hv.domain("2a1c2f06-1b64-4a55-9d1b-7d7f6b0c1a11")["name"] == "ida"
    hv.hv("destroy", "ida")
    b = create(hv, "ida")
    assert int(b["id"]) > int(a["id"])  # never reused, like Xen
    hv.hv("pause", "ida")
    assert hv.domain("ida")["flags"] == "--p---"
    hv.hv("unpause", "ida")
    assert hv.domain("ida")["flags"] in ("r-----", "-b----")  # running, or idle (blocked) as xm shows it
    up = hv.hv("uptime").stdout.splitlines()
    assert up[0].split() == ["Name", "ID", "Uptime"] and any(line.startswith("ida ") for line in up)


def test_on_reboot_restart_gives_new_id_and_destroy_removes(hv: HvEnv) -> None:
    first = create(hv, "rb", more="on_reboot = 'restart'\n")
    type_into(hv, "rb", "reboot -f")
    hv.wait_for(lambda: hv.domain("rb")["id"] != first["id"] and hv.domain("rb")["state"] == "running",
                what="restart with a new ID")
    hv.wait_console("rb", READY, count=2)  # the new incarnation booted (the log spans both)

    create(hv, "rbd", more="on_reboot = 'destroy'\n")
    hv.hv("reboot", "rbd")  # xm reboot: the on_reboot action applies
    hv.wait_for(lambda: "rbd" not in [d["name"] for d in hv.domains()], what="rbd destroyed")


def test_on_crash_panic_preserve_and_restart(hv: HvEnv) -> None:
    create(hv, "pv", more="on_crash = 'preserve'\n")
    type_into(hv, "pv", "echo c > /proc/sysrq-trigger")
    hv.wait_for(lambda: hv.domain("pv")["flags"] == "----c-", what="preserved as crashed")
    hv.hv("destroy", "pv")

    first = create(hv, "pr", more="on_crash = 'restart'\n")
    type_into(hv, "pr", "echo c > /proc/sysrq-trigger")
    hv.wait_for(lambda: hv.domain("pr")["id"] != first["id"], what="restart after panic")


def test_on_crash_when_qemu_is_killed(hv: HvEnv) -> None:
    gone = create(hv, "kd", more="on_crash = 'destroy'\n")
    os.kill(int(gone["pid"]), signal.SIGKILL)  # type: ignore[call-overload]
    hv.wait_for(lambda: "kd" not in [d["name"] for d in hv.domains()], what="kd destroyed after kill -9")

    first = create(hv, "kr", more="on_crash = 'restart'\n")
    os.kill(int(first["pid"]), signal.SIGKILL)  # type: ignore[call-overload]
    hv.wait_for(lambda: hv.domain("kr")["id"] != first["id"] and hv.domain("kr")["state"] == "running",
                what="kr restarted after kill -9")


def test_poweroff_preserve_and_coredump(hv: HvEnv) -> None:
    create(hv, "keep", more="on_poweroff = 'preserve'\n")
    type_into(hv, "keep", "poweroff -f")
    hv.wait_for(lambda: hv.domain("keep")["flags"] == "---s--", what="preserved as shut down")
    hv.hv("destroy", "keep")

    create(hv, "dump", more="on_crash = 'coredump-destroy'\n")
    type_into(hv, "dump", "echo c > /proc/sysrq-trigger")
    hv.wait_for(lambda: "dump" not in [d["name"] for d in hv.domains()], timeout=60, what="dumped and destroyed")
    dumps = list((hv.base / "state" / "dump").glob("*.dump.*.core"))
    assert len(dumps) == 1 and dumps[0].stat().st_size > 90 * 1024 * 1024


def test_rename_restart_keeps_the_old_incarnation(hv: HvEnv) -> None:
    first = create(hv, "rr", more="on_crash = 'rename-restart'\n")
    type_into(hv, "rr", "echo c > /proc/sysrq-trigger")
    hv.wait_for(lambda: hv.domain("rr")["id"] != first["id"], what="rr restarted")
    old = [d for d in hv.domains() if d["name"].startswith("Domain-") and d["id"] == first["id"]]
    assert len(old) == 1 and old[0]["flags"] == "----c-"


def test_daemon_kill9_reattach_and_reconcile(hv: HvEnv) -> None:
    a = create(hv, "ra", more="on_crash = 'destroy'\n")
    b = create(hv, "rb2", more="on_crash = 'restart'\n")
    c = create(hv, "rc")
    hv.kill_daemon(signal.SIGKILL)
    os.kill(int(b["pid"]), signal.SIGKILL)  # type: ignore[call-overload]  # dies while the daemon is away
    time.sleep(0.5)
    hv.start_daemon()
    doms = {d["name"]: d for d in hv.domains()}
    assert doms["ra"]["id"] == a["id"] and doms["rc"]["id"] == c["id"]
    hv.wait_for(lambda: hv.domain("rb2")["id"] != b["id"] and hv.domain("rb2")["state"] == "running",
                what="rb2 restarted by its on_crash")
    hv.hv("pause", "ra")
    assert hv.domain("ra")["flags"] == "--p---"
    hv.hv("unpause", "ra")
    type_into(hv, "rc", "echo STILL-$((2*21))")
    hv.wait_console("rc", "STILL-42")
    hv.hv("shutdown", "-w", "--timeout", "30", "rc")
    assert "rc" not in [d["name"] for d in hv.domains()]


def test_refusals_leave_nothing_behind(hv: HvEnv) -> None:
    create(hv, "one", more="vif = ['mac=00:16:3e:00:00:aa']\n")
    before = hv.domains()
    hv.write_profile("dupname", tiny_profile("one"))
    res = hv.hv("create", "dupname", check=False)
    assert res.returncode == 1 and "domain name 'one' is already in use" in res.stderr
    hv.write_profile("dupmac", tiny_profile("two", more="vif = ['mac=00:16:3e:00:00:aa']\n"))
    res = hv.hv("create", "dupmac", check=False)
    assert res.returncode == 1 and "mac 00:16:3e:00:00:aa is already used by domain 'one'" in res.stderr
    hv.write_profile("noimg", tiny_profile("three", more="disk = ['file:/nonexistent/x.img,hda,w']\n"))
    res = hv.hv("create", "noimg", check=False)
    assert res.returncode == 1 and "/nonexistent/x.img: no such file" in res.stderr
    assert res.stderr.count("\n") == 1  # one line
    img = hv.base / "shared.img"
    img.write_bytes(b"\0" * 1024 * 1024)
    hv.write_profile("w1", tiny_profile("w1", more=f"disk = ['file:{img},hdb,w']\n"))
    hv.hv("create", "w1")
    hv.write_profile("w2", tiny_profile("w2", more=f"disk = ['file:{img},hdb,w']\n"))
    res = hv.hv("create", "w2", check=False)
    assert res.returncode == 1 and "already in use by domain 'w1'" in res.stderr
    res = hv.hv("create", "nosuchprofile", check=False)
    assert res.returncode == 1 and "nosuchprofile" in res.stderr
    names = sorted(d["name"] for d in hv.domains())
    assert names == sorted([d["name"] for d in before] + ["w1"])


def test_dry_run_prints_argv_and_starts_nothing(hv: HvEnv) -> None:
    hv.write_profile("dry", tiny_profile("dry"))
    out = hv.hv("create", "--dry-run", "dry", "memory=200").stdout.splitlines()
    assert out[0].endswith("qemu-system-x86_64") and "200M" in out
    assert hv.domains() == []
    data = json.loads(hv.hv("create", "--dry-run", "--json", "dry").stdout)
    assert data["config"]["name"] == "dry"


def test_idle_guest_shows_blocked_busy_guest_running(hv: HvEnv) -> None:
    """xm's r/b flags come from the vCPU threads: an idle guest sleeps in HLT (-b----),
    a guest spinning a loop is on the CPU (r-----)."""
    create(hv, "flags")
    hv.wait_for(lambda: hv.domain("flags")["flags"] == "-b----", timeout=20, what="idle guest blocked")
    type_into(hv, "flags", "while :; do :; done &")
    hv.wait_for(lambda: hv.domain("flags")["flags"] == "r-----", timeout=20, what="busy guest running")


def test_mem_set_and_vcpu_set_on_a_running_guest(hv: HvEnv) -> None:
    """xm mem-set through the balloon (up to maxmem) and vcpu-set by CPU hotplug (up to
    maxvcpus), seen by QEMU, in xm list, and by the guest itself."""
    create(hv, "res", memory=128, more="maxmem = 192\nmaxvcpus = 2\n")
    out = hv.hv("mem-set", "--json", "res", "80").json()
    assert out["target_mib"] == 80
    hv.wait_for(lambda: hv.hv("mem-set", "--json", "res", "80").json()["actual_mib"] <= 84, timeout=30,
                what="the balloon inflated")
    assert hv.domain("res")["memory"] == 80
    refused = hv.hv("mem-set", "res", "500", check=False)
    assert refused.returncode == 1 and "expected 32..192 MiB" in refused.stderr

    hv.hv("vcpu-set", "res", "2")
    assert hv.domain("res")["vcpus"] == 2
    type_into(hv, "res", "echo CPUS-$(ls -d /sys/devices/system/cpu/cpu[0-9]* | wc -l)")
    hv.wait_console("res", "CPUS-2")
    refused = hv.hv("vcpu-set", "res", "3", check=False)
    assert refused.returncode == 1 and "expected 1..2" in refused.stderr

    plain = create(hv, "nobal")
    res = hv.hv("mem-set", "nobal", "64", check=False)
    assert res.returncode == 1 and "has no balloon" in res.stderr and plain["memory"] == 96
