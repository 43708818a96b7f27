"""One image by two names is one image (issue 9, broken case 10): a guest writing a file
keeps it from every other guest however the file is named -- a symlink, a bind-mounted
path, or a ``phy:`` loop device backed by it -- at create and at hot-plug. The guests are
created paused: nothing needs to boot for the daemon to hold their disks."""

from __future__ import annotations

import os
import subprocess
from collections.abc import Iterator

import pytest

from tests.integration.hvenv import HvEnv, tiny_profile


@pytest.fixture
def aliases(hv: HvEnv) -> Iterator[dict[str, str]]:
    """The image, a symlink, the same file through a bind mount, and a loop device on it."""
    if os.geteuid() != 0:
        pytest.skip("loop devices and bind mounts need root")
    src = hv.base / "src"
    src.mkdir()
    img = src / "disk.img"
    with img.open("wb") as fh:
        fh.truncate(8 << 20)
    (hv.base / "link.img").symlink_to(img)
    mnt = hv.base / "mnt"
    mnt.mkdir()
    made: list[list[str]] = []
    try:
        try:
            subprocess.run(["mount", "--bind", str(src), str(mnt)], check=True, capture_output=True, timeout=20)
            made.append(["umount", str(mnt)])
            loop = subprocess.run(["losetup", "-f", "--show", str(img)], check=True, capture_output=True,
                                  text=True, timeout=20).stdout.strip()
            made.append(["losetup", "-d", loop])
        except (OSError, subprocess.SubprocessError) as exc:
            pytest.skip(f"cannot make the aliases: {exc}")
        yield {"file": str(img), "link": str(hv.base / "link.img"), "bind": str(mnt / "disk.img"), "loop": loop}
    finally:
        for pids in (hv.base / "run").glob("dom/*/qemu.pid"):  # QEMU must let go before losetup -d
            try:
                os.kill(int(pids.read_text().strip()), 9)
            except (OSError, ValueError):
                pass
        for argv in reversed(made):
            subprocess.run(argv, capture_output=True, timeout=20)


def test_one_image_by_any_name_is_refused_to_a_second_writer(hv: HvEnv, aliases: dict[str, str]) -> None:
    hv.write_profile("w1", tiny_profile("w1", vnc=False, more=f"disk = ['phy:{aliases['loop']},hdb,w']\n"))
    hv.hv("create", "-p", "w1")
    for kind in ("file", "link", "bind"):
        hv.write_profile(f"w2{kind}", tiny_profile("w2", vnc=False, more=f"disk = ['file:{aliases[kind]},hdb,w']\n"))
        for dry in ((), ("-n",)):
            res = hv.hv("create", *dry, "-p", f"w2{kind}", check=False)
            assert res.returncode == 1, (kind, dry, res.stdout)
            assert (f"disk {aliases[kind]} (hdb) is already in use by domain 'w1' (hdb, mode w); "
                    "use mode 'w!' to share it on purpose") in res.stderr, (kind, res.stderr)
    # a second guest running on its own disk may not hot-plug the image either
    hv.write_profile("w3", tiny_profile("w3", vnc=False))
    hv.hv("create", "-p", "w3")
    res = hv.hv("block-attach", "w3", f"file:{aliases['link']}", "xvdb", "w", check=False)
    assert res.returncode == 1 and "already in use by domain 'w1'" in res.stderr, res.stderr
    hv.hv("destroy", "w1")
    # the writer gone, the loop device is free again (and opened as the block device it is)
    hv.hv("block-attach", "w3", f"phy:{aliases['loop']}", "xvdb", "w")
    assert aliases["loop"] in hv.hv("block-list", "w3").stdout
    res = hv.hv("create", "-n", "-p", "w1", check=False)
    assert res.returncode == 1 and "already in use by domain 'w3' (xvdb, mode w)" in res.stderr, res.stderr
    hv.write_profile("w4", tiny_profile("w4", vnc=False, more=f"disk = ['file:{aliases['bind']},hdb,r']\n"))
    res = hv.hv("create", "-p", "w4", check=False)  # not even to read: w3 writes it
    assert res.returncode == 1 and "already in use by domain 'w3' (xvdb, mode w)" in res.stderr, res.stderr
    assert sorted(d["name"] for d in hv.domains()) == ["w3"]
