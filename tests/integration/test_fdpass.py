"""The daemon opens what a guest uses and QEMU gets fds (issue 16): QEMU's command line
names no image, its fds are the images; the guest boots from and writes to a passed disk;
hot-plug and a CD change pass fds too, and QEMU holds none of a disk once it left."""

from __future__ import annotations

import os
import time
from pathlib import Path

from tests.integration.hvenv import HvEnv, tiny_profile
from tests.integration.test_storage_disks import _image

READY = "HVMCTL-READY"
MARK = b"HVMCTL-FDPASS-MARK"




def _type(hv: HvEnv, name: str, line: str) -> None:
    hv.hv("console", name, input=line + "\n", timeout=30)


def _cmdline(pid: int) -> str:
    return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode()


def _fd_targets(pid: int) -> list[str]:
    out = []
    for name in os.listdir(f"/proc/{pid}/fd"):
        try:
            out.append(os.readlink(f"/proc/{pid}/fd/{name}"))
        except OSError:
            pass
    return out


def test_boot_write_hotplug_and_cd_change_by_fd(hv: HvEnv, tmp_path: Path) -> None:
    disk = _image(tmp_path / "root.img", 8 << 20, MARK)
    iso1 = _image(tmp_path / "one.iso", 1 << 20, b"CD-ONE")
    iso2 = _image(tmp_path / "two.iso", 1 << 20, b"CD-TWO")
    extra = _image(tmp_path / "extra.img", 4 << 20, b"HOTPLUG-MARK")
    hv.write_profile("fd", tiny_profile("fd", vnc=False, more=(
        f"disk = ['file:{disk},xvda,w', 'file:{iso1},hdc:cdrom,r']\n")))
    hv.hv("create", "fd")
    hv.wait_console("fd", READY)
    pid = int(hv.domain("fd")["pid"])
    cmdline = _cmdline(pid)
    # no image by path: only in the -add-fd opaque strings (what query-fdsets shows)
    assert "file=/dev/fdset/" in cmdline
    assert f"file={disk}" not in cmdline and f"file={iso1}" not in cmdline
    fds = _fd_targets(pid)
    assert fds.count(str(disk)) >= 1 and str(iso1) in fds
    # the console socket is the daemon's, bound before the spawn: QEMU listens on the fd
    # (each _type below is an `xm console` that connects, types and leaves: reconnects work)
    sock = Path(hv.domain("fd")["serial_socket"])
    assert "socket,id=serial0,fd=" in cmdline and "serial.sock" not in cmdline
    assert sock.is_socket() and sock.stat().st_uid == os.getuid()
    # the guest reads and writes the passed disk
    _type(hv, "fd", "echo R\"\"D $(dd if=/dev/vda bs=18 count=1 2>/dev/null); "
          "echo GUEST-WROTE-THIS | dd of=/dev/vda bs=512 seek=100 conv=fsync 2>/dev/null; echo W\"\"DONE")
    hv.wait_console("fd", "WDONE")
    assert "RD HVMCTL-FDPASS-MARK" in hv.console_log("fd")

    # hot-plug: the image passed with add-fd; after detach QEMU holds no fd of it
    hv.hv("block-attach", "fd", f"file:{extra}", "xvdb", "w")
    assert str(extra) in _fd_targets(pid) and str(extra) not in _cmdline(pid)
    _type(hv, "fd", "sleep 1; echo HP\"\"-SEE $(dd if=/dev/vdb bs=12 count=1 2>/dev/null)")
    hv.wait_console("fd", "HP-SEE HOTPLUG-MARK")
    hv.hv("block-detach", "fd", "xvdb")
    hv.wait_for(lambda: str(extra) not in _fd_targets(pid), timeout=30, what="QEMU to close the detached image")

    # a CD change: the new medium by fd, the old one's fd set given back
    hv.hv("insert", "fd", "hdc", str(iso2))
    media = hv.hv("media-list", "fd", "--json").json()
    assert [m["medium"] for m in media] == [str(iso2)]  # the path, not /dev/fdset/N
    hv.wait_for(lambda: str(iso1) not in _fd_targets(pid), timeout=30, what="QEMU to close the old medium")
    assert str(iso2) in _fd_targets(pid)
    hv.hv("eject", "fd", "hdc")
    hv.wait_for(lambda: str(iso2) not in _fd_targets(pid), timeout=30, what="QEMU to close the ejected medium")

    hv.hv("destroy", "fd")
    # what the guest wrote is in the image: it wrote through the fd the daemon opened
    with disk.open("rb") as fh:
        fh.seek(100 * 512)
        assert fh.read(16) == b"GUEST-WROTE-THIS"


def test_dump_core_into_a_file_the_daemon_made(hv: HvEnv) -> None:
    hv.write_profile("dc", tiny_profile("dc", vnc=False))
    hv.hv("create", "dc")
    hv.wait_console("dc", READY)
    core = hv.base / "dc.core"
    started = time.time()
    hv.hv("dump-core", "dc", str(core), timeout=300)
    assert core.read_bytes()[:4] == b"\x7fELF"
    st = core.stat()
    assert st.st_mode & 0o777 == 0o600 and st.st_mtime >= started - 1
    assert str(core) not in " ".join(_fd_targets(int(hv.domain("dc")["pid"])))  # QEMU closed it
