"""Disks against real guests: phy: block devices (a loop device standing for /dev/sdb2),
read-only enforced by QEMU, a writable disk refused to a second guest (``w!`` shares it),
the refusal surviving a daemon restart and ending however the first guest ends, QEMU's own
lock refusing a second toolstack, and hotplug seen inside the guest."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.integration.hvenv import HvEnv, tiny_profile

READY = "HVMCTL-READY"
MARK = b"HVMCTL-DISK-MARK-0123456789"


def _image(path: Path, size: int = 16 << 20, mark: bytes = MARK) -> Path:
    with path.open("wb") as fh:
        fh.write(mark)
        fh.truncate(size)
    return path


def _start(hv: HvEnv, name: str, disks: list[str], *, more: str = "", wait: bool = True) -> None:
    entries = ", ".join(f"'{d}'" for d in disks)
    hv.write_profile(name, tiny_profile(name, vnc=False, more=f"disk = [ {entries} ]\n{more}"))
    hv.hv("create", name)
    if wait:
        hv.wait_console(name, READY)


def _type(hv: HvEnv, name: str, line: str) -> None:
    hv.hv("console", name, input=line + "\n", timeout=30)


def _qemu_pid(hv: HvEnv, name: str) -> int:
    return int(hv.domain(name)["pid"])


@pytest.fixture
def loopdev(tmp_path: Path) -> Iterator[str]:
    """A loop device over a marked file: the test's stand-in for a host partition."""
    backing = _image(tmp_path / "partition.raw", 32 << 20)
    try:
        dev = subprocess.run(["losetup", "--find", "--show", str(backing)], capture_output=True, text=True,
                             timeout=30, check=True).stdout.strip()
    except (OSError, subprocess.CalledProcessError) as exc:
        pytest.skip(f"no loop devices here: {exc}")
    try:
        yield dev
    finally:
        subprocess.run(["losetup", "-d", dev], timeout=30, check=False)


def test_phy_loop_device_as_seed_s5_and_mounted_refused(hv: HvEnv, loopdev: str, tmp_path: Path) -> None:
    disk = _image(tmp_path / "lists.img")
    _start(hv, "s5", [f"file:{disk},hda,w", f"phy:{loopdev},hdb,w"])  # seed 3.2's disk line
    _type(hv, "s5", "echo PHY\"\"-READ $(dd if=/dev/sdb bs=27 count=1 2>/dev/null)")
    hv.wait_console("s5", f"PHY-READ {MARK.decode()}")
    _type(hv, "s5", "echo -n GUEST-WROTE-THIS | dd of=/dev/sdb bs=512 seek=8 conv=notrunc,fsync;"
                    " echo PHY\"\"-WRITTEN rc=$?")
    log = hv.wait_console("s5", "PHY-WRITTEN")
    hv.hv("destroy", "s5")
    # whatever of QEMU's writes is still in the host's page cache of the device goes down first
    subprocess.run(["blockdev", "--flushbufs", loopdev], capture_output=True, timeout=30, check=True)
    # the write went to the host device itself (read past the host's page cache of the device)
    got = subprocess.run(["dd", f"if={loopdev}", "bs=512", "skip=8", "count=1", "iflag=direct", "status=none"],
                         capture_output=True, timeout=30, check=True).stdout
    assert got[:16] == b"GUEST-WROTE-THIS", log[-1500:]
    assert (tmp_path / "partition.raw").read_bytes()[4096:4112] == b"GUEST-WROTE-THIS"

    # a device mounted on the host is refused for writing (and allowed read-only)
    subprocess.run(["mkfs.ext2", "-q", "-F", loopdev], capture_output=True, timeout=60, check=True)
    mnt = tmp_path / "mnt"
    mnt.mkdir()
    if subprocess.run(["mount", loopdev, str(mnt)], capture_output=True, timeout=30).returncode != 0:
        pytest.skip("cannot mount here")
    try:
        hv.write_profile("busy", tiny_profile("busy", vnc=False, more=f"disk = ['phy:{loopdev},hdb,w']\n"))
        out = hv.hv("create", "busy", check=False)
        assert out.returncode == 1 and "mounted on the host" in out.stderr
    finally:
        subprocess.run(["umount", str(mnt)], timeout=30, check=False)


def test_read_only_disk_is_enforced_by_qemu(hv: HvEnv, tmp_path: Path) -> None:
    disk = _image(tmp_path / "ro.img")
    before = disk.read_bytes()
    _start(hv, "ro", [f"file:{disk},xvdb,r"])
    _type(hv, "ro", "echo RO\"\"=$(cat /sys/block/vda/ro); dd if=/dev/zero of=/dev/vda bs=512 count=1 conv=fsync"
                    " 2>/dev/null; echo WRITE\"\"-RC=$?")
    log = hv.wait_console("ro", "WRITE-RC=")
    assert "RO=1" in log and "WRITE-RC=0" not in log
    hv.hv("destroy", "ro")
    assert disk.read_bytes() == before


def test_writable_disk_refused_to_a_second_guest_and_w_bang_shares(hv: HvEnv, tmp_path: Path) -> None:
    disk = _image(tmp_path / "shared.img")
    _start(hv, "a", [f"file:{disk},xvda,w"], wait=False)
    for mode in ("w", "r"):
        hv.write_profile("b", tiny_profile("b", vnc=False, more=f"disk = ['file:{disk},xvda,{mode}']\n"))
        out = hv.hv("create", "b", check=False)
        assert out.returncode == 1 and "already in use by domain 'a'" in out.stderr, out.stderr
    link = tmp_path / "other-name.img"  # the same file under another name is the same disk
    os.link(disk, link)
    hv.write_profile("b", tiny_profile("b", vnc=False, more=f"disk = ['file:{link},xvda,w']\n"))
    assert "already in use by domain 'a'" in hv.hv("create", "b", check=False).stderr
    hv.hv("destroy", "a")

    # w! on both: allowed, as in xm (QEMU's own locking is off for it)
    _start(hv, "a", [f"file:{disk},xvda,w!"], wait=False)
    _start(hv, "b", [f"file:{disk},xvda,w!"])
    hv.wait_console("a", READY)
    # but w! does not let an exclusive writer in
    hv.write_profile("c", tiny_profile("c", vnc=False, more=f"disk = ['file:{disk},xvda,w']\n"))
    assert "already in use" in hv.hv("create", "c", check=False).stderr


def test_qemu_lock_refuses_a_second_toolstack(hv: HvEnv, tmp_path: Path) -> None:
    """Not only by convention: another hvmctl (own state, no shared records) is stopped by QEMU."""
    disk = _image(tmp_path / "locked.img")
    _start(hv, "a", [f"file:{disk},xvda,w"], wait=False)
    other = HvEnv.make()
    try:
        other.start_daemon()
        other.write_profile("b", tiny_profile("b", vnc=False, more=f"disk = ['file:{disk},xvda,w']\n"))
        out = other.hv("create", "b", check=False)
        assert out.returncode == 1 and "lock" in out.stderr.lower(), out.stderr
        assert other.domains() == []
    finally:
        other.cleanup()


def test_export_of_an_image_in_use_and_of_a_paused_domain(hv: HvEnv, tmp_path: Path) -> None:
    disk = _image(tmp_path / "busy.img")
    _start(hv, "a", [f"file:{disk},xvda,w"])
    bundle = tmp_path / "a.tar"
    out = hv.hv("export", str(hv.profile_dir / "a"), str(bundle), check=False)  # the profile, not the domain
    assert out.returncode == 1 and "in use by a running guest" in out.stderr and not bundle.exists()
    out = hv.hv("export", "a", str(bundle), check=False)
    assert out.returncode == 1 and "pause it first" in out.stderr and not bundle.exists()
    hv.hv("pause", "a")
    result = hv.hv("export", "a", str(bundle), "--json").json()
    assert result["files"][0]["path"] == str(disk) and bundle.exists()
    hv.hv("unpause", "a")
    _type(hv, "a", "echo AFTER\"\"-EXPORT")
    hv.wait_console("a", "AFTER-EXPORT")


def test_lock_released_when_the_guest_crashes(hv: HvEnv, tmp_path: Path) -> None:
    disk = _image(tmp_path / "crash.img")
    _start(hv, "a", [f"file:{disk},xvda,w"], more="on_crash = 'preserve'\n", wait=False)
    os.kill(_qemu_pid(hv, "a"), signal.SIGKILL)
    hv.wait_for(lambda: hv.domain("a")["state"] == "crashed", what="a crashed")
    _start(hv, "b", [f"file:{disk},xvda,w"])  # the crashed guest's QEMU is gone: so is its hold


def test_lock_survives_daemon_kill_and_ends_with_the_guest(hv: HvEnv, tmp_path: Path) -> None:
    disk = _image(tmp_path / "kill9.img")
    _start(hv, "a", [f"file:{disk},xvda,w"], wait=False)
    pid = _qemu_pid(hv, "a")
    hv.write_profile("b", tiny_profile("b", vnc=False, more=f"disk = ['file:{disk},xvda,w']\n"))

    hv.kill_daemon(signal.SIGKILL)
    hv.start_daemon()
    out = hv.hv("create", "b", check=False)  # still held: the record came back with the daemon
    assert out.returncode == 1 and "already in use by domain 'a'" in out.stderr

    hv.kill_daemon(signal.SIGKILL)
    os.kill(pid, signal.SIGKILL)  # the guest dies while no daemon watches
    deadline = time.monotonic() + 10
    while os.path.exists(f"/proc/{pid}") and _state(pid) not in ("Z", "X") and time.monotonic() < deadline:
        time.sleep(0.05)
    hv.start_daemon()  # it finds the guest gone: on_crash (restart by default: it holds the disk again)
    hv.wait_for(lambda: hv.domain("a")["state"] == "running" and hv.domain("a")["pid"] != pid, what="a restarted")
    assert "already in use" in hv.hv("create", "b", check=False).stderr
    hv.hv("destroy", "a")
    hv.hv("create", "b")
    hv.wait_console("b", READY)


def _state(pid: int) -> str:
    try:
        raw = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return "X"
    return raw[raw.rfind(")") + 2 :].split()[0]


def test_hotplug_attach_list_detach_seen_inside(hv: HvEnv, tmp_path: Path) -> None:
    boot = tmp_path / "root.qcow2"  # a virtio disk at boot (the guest loads virtio_blk), qcow2 detected
    hv.hv("image", "create", str(boot), "24M", "--format", "qcow2")
    extra = _image(tmp_path / "extra.img", 8 << 20, b"HOTPLUGGED-DISK-MARK")
    _start(hv, "hp", [f"file:{boot},xvda,w"])
    _type(hv, "hp", "echo QCOW\"\"-SIZE $(cat /sys/block/vda/size)")
    hv.wait_console("hp", f"QCOW-SIZE {24 << 20 >> 9}")  # the virtual size, not the file's

    hv.hv("block-attach", "hp", f"file:{extra}", "xvdb", "w")
    rows = hv.hv("block-list", "hp", "--json").json()
    assert [(r["vdev"], r["attached"], r["format"]) for r in rows] == [("xvda", True, "qcow2"), ("xvdb", True, "raw")]
    _type(hv, "hp", "sleep 1; echo HP\"\"-SEE $(cat /sys/block/vdb/size) $(dd if=/dev/vdb bs=20 count=1 2>/dev/null)")
    hv.wait_console("hp", f"HP-SEE {8 << 20 >> 9} HOTPLUGGED-DISK-MARK")

    # the attached disk is held like any other: a second guest may not write it
    hv.write_profile("b", tiny_profile("b", vnc=False, more=f"disk = ['file:{extra},xvda,w']\n"))
    assert "already in use by domain 'hp'" in hv.hv("create", "b", check=False).stderr
    assert any(d["target"] == str(extra) for d in
               json.loads((hv.base / "state" / "domains" / f"{hv.domain('hp')['uuid']}.json").read_text())
               ["config"]["disks"])  # in the record: known after a daemon restart too

    hv.hv("block-detach", "hp", "xvdb")
    assert [r["vdev"] for r in hv.hv("block-list", "hp", "--json").json()] == ["xvda"]
    _type(hv, "hp", "echo HP\"\"-GONE $(ls /sys/block | tr '\\n' ' ')")
    log = hv.wait_console("hp", "HP-GONE")
    assert "vdb" not in log.split("HP-GONE")[-1].splitlines()[0]
    hv.hv("create", "b")  # released
    hv.wait_console("b", READY)
    bad = hv.hv("block-attach", "hp", f"file:{extra}", "hdb", "w", check=False)
    assert bad.returncode == 1 and "cannot be hot-plugged" in bad.stderr
