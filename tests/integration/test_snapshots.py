"""Snapshots against a real guest on a qcow2 disk: what the guest had in memory (its
hostname, its counter) and on its disk (a marker) at snapshot time is what it runs again
after a revert; a raw disk is refused in one line; a deleted snapshot leaves the image; a
snapshot whose devices differ from the guest's now (a disk attached since) is restored by
restarting QEMU from the snapshot's definition."""

from __future__ import annotations

import subprocess
from pathlib import Path

from tests.integration.hvenv import HvEnv, tiny_profile
from tests.integration.test_livedef import ask, console_file, counters, type_line


def _qemu_img_snapshots(disk: Path) -> str:
    return subprocess.run(["qemu-img", "snapshot", "-U", "-l", str(disk)], capture_output=True, text=True,
                          timeout=30, check=True).stdout


def _marker(hv: HvEnv, name: str) -> str:
    return ask(hv, name, "echo 3 > /proc/sys/vm/drop_caches; dd if=/dev/vda bs=512 skip=64 count=1 2>/dev/null"
                         " | head -c 12")


def _write_marker(hv: HvEnv, name: str, text: str) -> None:
    type_line(hv, name, f"echo {text} | dd of=/dev/vda bs=512 seek=64 conv=fsync 2>/dev/null && echo W-$((1+{len(text)}))")
    hv.wait_console(name, f"W-{1 + len(text)}", timeout=30)


def test_snapshot_revert_brings_back_memory_and_disk(hv: HvEnv, tmp_path: Path) -> None:
    disk = tmp_path / "snap.qcow2"
    subprocess.run(["qemu-img", "create", "-q", "-f", "qcow2", str(disk), "32M"], check=True, timeout=30)
    hv.write_profile("sn1", tiny_profile("sn1", extra="hvtest.counter=1", vnc=False,
                                         more=f"disk = ['tap:qcow2:{disk},xvda,w']\n"))
    hv.hv("create", "sn1")
    hv.wait_console("sn1", "COUNTER 2", timeout=90)
    type_line(hv, "sn1", "hostname before-snap")
    _write_marker(hv, "sn1", "MARK-BEFORE")
    assert ask(hv, "sn1", "hostname") == "before-snap"

    made = hv.hv("snapshot-create", "--json", "sn1", "s1", "--description", "first").json()
    assert made["snapshot"]["vmstate"] is True and made["snapshot"]["disks"] == ["xvda"]
    at_snap = max(counters(console_file(hv, "sn1")))
    listed = hv.hv("snapshot-list", "--json", "sn1").json()["snapshots"]
    assert [s["name"] for s in listed] == ["s1"] and listed[0]["description"] == "first"
    assert "s1" in _qemu_img_snapshots(disk)

    # the guest moves on: another hostname, another marker, the counter well past the snapshot
    type_line(hv, "sn1", "hostname after-snap")
    _write_marker(hv, "sn1", "MARK-AFTER!!")
    assert ask(hv, "sn1", "hostname") == "after-snap"
    hv.wait_console("sn1", f"COUNTER {at_snap + 8}", timeout=60)
    log_len = len(console_file(hv, "sn1"))

    out = hv.hv("snapshot-revert", "--json", "sn1", "s1").json()
    assert out["state"] == "running"
    # the guest carries on from the snapshot's counter (a few ticks of QEMU's save/load in
    # between), not from where it was, nor from a boot
    def back() -> list[int] | None:
        seq = counters(console_file(hv, "sn1")[log_len:])
        low = [i for i, n in enumerate(seq) if n <= at_snap + 3]
        return seq[low[0]:low[0] + 2] if low and len(seq) > low[0] + 1 else None

    seq_new = hv.wait_for(back, timeout=60, what="the reverted guest counting from the snapshot")
    assert at_snap <= seq_new[0] and seq_new[1] == seq_new[0] + 1, (at_snap, seq_new)
    assert console_file(hv, "sn1").count("HVMCTL-READY") == 1, "the guest booted again"
    assert ask(hv, "sn1", "hostname") == "before-snap"
    assert _marker(hv, "sn1").startswith("MARK-BEFORE")

    hv.hv("snapshot-delete", "sn1", "s1")
    assert hv.hv("snapshot-list", "--json", "sn1").json()["snapshots"] == []
    assert "s1" not in _qemu_img_snapshots(disk)
    hv.hv("destroy", "sn1")


def test_snapshot_of_raw_disk_is_refused(hv: HvEnv, tmp_path: Path) -> None:
    disk = tmp_path / "raw.img"
    disk.write_bytes(bytes(4 << 20))
    hv.write_profile("sn2", tiny_profile("sn2", vnc=False, more=f"disk = ['file:{disk},xvda,w']\n"))
    hv.hv("create", "sn2")
    res = hv.hv("snapshot-create", "sn2", "s1", check=False)
    assert res.returncode != 0
    err = res.stderr.strip()
    assert len(err.splitlines()) == 1 and "xvda" in err and "raw" in err and "qcow2" in err, err
    assert hv.hv("snapshot-list", "--json", "sn2").json()["snapshots"] == []
    hv.hv("destroy", "sn2")


def test_revert_across_a_device_change_restarts_qemu_from_the_snapshot(hv: HvEnv, tmp_path: Path) -> None:
    disk = tmp_path / "snap3.qcow2"
    subprocess.run(["qemu-img", "create", "-q", "-f", "qcow2", str(disk), "32M"], check=True, timeout=30)
    hv.write_profile("sn3", tiny_profile("sn3", extra="hvtest.counter=1", vnc=False,
                                         more=f"disk = ['tap:qcow2:{disk},xvda,w']\n"))
    hv.hv("create", "sn3")
    hv.wait_console("sn3", "COUNTER 2", timeout=90)
    type_line(hv, "sn3", "hostname before-plug")
    assert ask(hv, "sn3", "hostname") == "before-plug"
    hv.hv("snapshot-create", "sn3", "s1")
    at_snap = max(counters(console_file(hv, "sn3")))
    pid_before = hv.domain("sn3")["pid"]

    extra = tmp_path / "extra.img"
    extra.write_bytes(bytes(8 << 20))
    hv.hv("block-attach", "sn3", f"file:{extra}", "xvdb", "w")
    hv.wait_for(lambda: "vdb" in ask(hv, "sn3", "ls /sys/block"), timeout=30, what="the guest sees the new disk")
    type_line(hv, "sn3", "hostname after-plug")
    hv.wait_console("sn3", f"COUNTER {at_snap + 6}", timeout=60)
    log_len = len(console_file(hv, "sn3"))

    out = hv.hv("snapshot-revert", "--json", "sn3", "s1").json()
    assert out["restarted"] is True and out["changed"] == ["disks"] and out["state"] == "running"
    assert hv.domain("sn3")["pid"] != pid_before  # a new QEMU, from the snapshot's definition

    def back() -> list[int] | None:
        seq = counters(console_file(hv, "sn3")[log_len:])
        low = [i for i, n in enumerate(seq) if n <= at_snap + 3]
        return seq[low[0]:low[0] + 2] if low and len(seq) > low[0] + 1 else None

    seq_new = hv.wait_for(back, timeout=60, what="the restored guest counting from the snapshot")
    assert at_snap <= seq_new[0] and seq_new[1] == seq_new[0] + 1, (at_snap, seq_new)
    assert console_file(hv, "sn3").count("HVMCTL-READY") == 1, "the guest booted again"
    assert ask(hv, "sn3", "hostname") == "before-plug"
    assert "vdb" not in ask(hv, "sn3", "ls /sys/block")
    assert [d["vdev"] for d in hv.hv("block-list", "--json", "sn3").json()] == ["xvda"]
    hv.hv("destroy", "sn3")
