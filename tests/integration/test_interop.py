"""hvmctl profile --format libvirt of a running guest is accepted by Debian's libvirt:
``virsh define`` then ``virsh dumpxml`` shows the same name, UUID, memory and disks.

The test's libvirtd is its own: a session daemon run as ``nobody`` in a temporary
directory (its socket there, not /run/libvirt/libvirt-sock), so neither the host's system
libvirtd nor the one bench/bench_peer.py starts is touched; it is killed by its pid."""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
import time
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from tests.integration.hvenv import HvEnv, tiny_profile

NOBODY = 65534

pytestmark = pytest.mark.skipif(shutil.which("libvirtd") is None or shutil.which("virsh") is None,
                                reason="libvirt not installed (scripts/setup.sh)")


def _as_nobody(home: Path, *argv: str, timeout: float = 60) -> subprocess.CompletedProcess[str]:
    env = {"HOME": str(home), "XDG_RUNTIME_DIR": str(home / "run"), "XDG_CONFIG_HOME": str(home / "config"),
           "XDG_CACHE_HOME": str(home / "cache"), "PATH": "/usr/sbin:/usr/bin:/sbin:/bin"}
    return subprocess.run(["setpriv", f"--reuid={NOBODY}", f"--regid={NOBODY}", "--clear-groups", *argv],
                          env=env, capture_output=True, text=True, timeout=timeout, check=False)


def test_libvirt_xml_is_defined_by_libvirt(hv: HvEnv, tmp_path: Path) -> None:
    disk = tmp_path / "lv.qcow2"
    subprocess.run(["qemu-img", "create", "-q", "-f", "qcow2", str(disk), "16M"], check=True, timeout=30)
    hv.write_profile("lv1", tiny_profile("lv1", vnc=True, more=f"disk = ['tap:qcow2:{disk},xvda,w']\n"))
    hv.hv("create", "lv1")
    xml = hv.hv("profile", "--format", "libvirt", "lv1").stdout
    ours = ET.fromstring(xml)

    home = Path(tempfile.mkdtemp(prefix="hvmctl-libvirt-", dir="/tmp"))
    os.chmod(home, 0o755)
    os.chown(home, NOBODY, NOBODY)
    (home / "dom.xml").write_text(xml)
    os.chmod(home / "dom.xml", 0o644)
    env = {"HOME": str(home), "XDG_RUNTIME_DIR": str(home / "run"), "XDG_CONFIG_HOME": str(home / "config"),
           "XDG_CACHE_HOME": str(home / "cache"), "PATH": "/usr/sbin:/usr/bin:/sbin:/bin"}
    daemon = subprocess.Popen(["setpriv", f"--reuid={NOBODY}", f"--regid={NOBODY}", "--clear-groups",
                               "/usr/sbin/libvirtd"], env=env, stdout=subprocess.DEVNULL,
                              stderr=open(home / "libvirtd.log", "w"))
    sock = home / "run" / "libvirt" / "libvirt-sock"
    uri = f"qemu:///session?socket={sock}"
    try:
        deadline = time.monotonic() + 30
        while not sock.exists():
            assert daemon.poll() is None and time.monotonic() < deadline, (home / "libvirtd.log").read_text()
            time.sleep(0.2)
        res = _as_nobody(home, "virsh", "-c", uri, "define", str(home / "dom.xml"))
        assert res.returncode == 0, res.stderr + "\n" + xml
        dumped = _as_nobody(home, "virsh", "-c", uri, "dumpxml", "lv1")
        assert dumped.returncode == 0, dumped.stderr
        theirs = ET.fromstring(dumped.stdout)
        assert theirs.findtext("name") == "lv1" == ours.findtext("name")
        assert theirs.findtext("uuid") == ours.findtext("uuid") == hv.domain("lv1")["uuid"]
        # libvirt answers in KiB
        assert int(theirs.findtext("memory") or 0) == int(ours.findtext("memory") or 0) * 1024
        assert int(theirs.findtext("currentMemory") or 0) == 96 * 1024
        disks = [(d.find("source").get("file"), d.find("target").get("dev"))  # type: ignore[union-attr]
                 for d in theirs.iterfind("devices/disk")]
        assert (str(disk), "vda") in disks, disks
        assert theirs.find("devices/graphics").get("type") == "vnc"  # type: ignore[union-attr]
        res = _as_nobody(home, "virsh", "-c", uri, "undefine", "lv1")
        assert res.returncode == 0, res.stderr
    finally:
        daemon.terminate()  # the setpriv'd libvirtd (setpriv execs it: same pid)
        try:
            daemon.wait(timeout=15)
        except subprocess.TimeoutExpired:
            daemon.kill()
            daemon.wait(timeout=5)
        shutil.rmtree(home, ignore_errors=True)
        hv.hv("destroy", "lv1", check=False)
