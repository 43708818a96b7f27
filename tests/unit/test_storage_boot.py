"""pygrub's job offline (menus, entries, root device) and ``convert --to-hvm``."""

from __future__ import annotations

import os
import shutil
import struct
import subprocess
from pathlib import Path

import pytest

from hvmctl.config import parse_profile
from hvmctl.errors import ConfigError, ConflictError
from hvmctl.qemu.argv import KernelBoot
from hvmctl.storage.bootloader import (
    adjust_root,
    extract_boot_files,
    hvm_boot_problems,
    kernel_boot_for,
    parse_extlinux,
    parse_grub2,
    parse_grub_legacy,
)
from hvmctl.storage.convert import check_image, convert_to_hvm, write_converted
from tests.fixtures.seedfiles import SEED_PROFILES

SEED = SEED_PROFILES

MENU_LST = """\
# menu.lst - see: info grub
default=1
timeout=5
title Red Hat Enterprise Linux Server (2.6.18-8.el5xen)
\troot (hd0,0)
\tkernel /vmlinuz-2.6.18-8.el5xen ro root=/dev/VolGroup00/LogVol00
\tinitrd /initrd-2.6.18-8.el5xen.img
title Debian (2.6.18-xen)
\troot (hd0,1)
\tkernel (hd0,1)/boot/vmlinuz-xen root=/dev/xvda2 ro console=xvc0
\tinitrd /boot/initrd.img-xen
"""
GRUB_CFG = """\
set default="Debian GNU/Linux, with Linux 6.1"
menuentry 'Debian GNU/Linux' --class debian {
\tlinux\t/boot/vmlinuz-6.1 root=UUID=abcd ro quiet
\tinitrd\t/boot/initrd.img-6.1
}
submenu 'Advanced' {
\tmenuentry "Debian GNU/Linux, with Linux 6.1" {
\t\tlinux /boot/vmlinuz-6.1 root=/dev/xvda1 ro single
\t\tinitrd /boot/initrd.img-6.1
\t}
}
"""


def test_menu_parsers() -> None:
    legacy = parse_grub_legacy(MENU_LST)
    assert legacy.default == 1 and len(legacy.entries) == 2
    e = legacy.entries[1]
    assert (e.kernel, e.initrd, e.args) == ("/boot/vmlinuz-xen", "/boot/initrd.img-xen", "root=/dev/xvda2 ro console=xvc0")
    grub2 = parse_grub2(GRUB_CFG)
    assert grub2.default == 1 and grub2.entries[1].args == "root=/dev/xvda1 ro single"
    ext = parse_extlinux("DEFAULT b\nLABEL a\n KERNEL /a\nLABEL b\n KERNEL /vmlinuz\n APPEND initrd=/i.gz root=/dev/xvda1\n")
    assert ext.default == 1 and (ext.entries[1].initrd, ext.entries[1].args) == ("/i.gz", "root=/dev/xvda1")


def _cfg(text: str) -> object:
    return parse_profile(text, filename="t").config


def test_root_device_follows_the_virtio_disks() -> None:
    cfg = parse_profile("name='t'\nbootloader='/usr/bin/pygrub'\n"
                        "disk=['file:/a,xvda,w','file:/c,xvdc,w','file:/d,hdb,w']\n", filename="t").config
    assert adjust_root("ro root=/dev/xvda2 resume=/dev/xvdc1", cfg) == "ro root=/dev/vda2 resume=/dev/vdb1"
    assert adjust_root("root=/dev/sda1 root=LABEL=x", cfg) == "root=/dev/sda1 root=LABEL=x"


def test_pv_direct_kernel_boot_adjusts_root(tmp_path: Path) -> None:
    kernel = tmp_path / "vmlinuz"
    kernel.write_bytes(b"k")
    cfg = parse_profile(f"name='t'\nkernel='{kernel}'\nroot='/dev/xvda1 ro'\nextra='console=hvc0'\n"
                        "disk=['file:/a,xvda,w']\n", filename="t").config
    assert kernel_boot_for(cfg, tmp_path, {}) == KernelBoot(str(kernel), None, "root=/dev/vda1 ro console=hvc0")
    hvm = parse_profile("name='t'\nbuilder='hvm'\n", filename="t").config
    assert kernel_boot_for(hvm, tmp_path, {}) is None


def _mbr_disk(tmp: Path, files: dict[str, bytes], boot_code: bytes = b"\xfa" * 440) -> Path:
    """An MBR disk, one ext4 partition at 1 MiB made by mke2fs -d (no root needed)."""
    if shutil.which("mke2fs") is None:
        pytest.skip("mke2fs not installed")
    root = tmp / "root"
    for name, data in files.items():
        (root / name.lstrip("/")).parent.mkdir(parents=True, exist_ok=True)
        (root / name.lstrip("/")).write_bytes(data)
    root.mkdir(exist_ok=True)
    disk = tmp / "disk.img"
    entry = b"\x80" + b"\0" * 3 + b"\x83" + b"\0" * 3 + struct.pack("<II", 2048, 16 * 2048)
    with disk.open("wb") as fh:
        fh.write(boot_code.ljust(446, b"\0") + entry.ljust(64, b"\0") + b"\x55\xaa")
        fh.truncate(20 << 20)
    subprocess.run(["mke2fs", "-q", "-F", "-t", "ext4", "-d", str(root), "-E", "offset=1048576", str(disk), "16M"],
                   check=True, capture_output=True, timeout=60)
    return disk


def test_pygrub_extracts_the_default_entry_and_honours_bootargs(tmp_path: Path) -> None:
    disk = _mbr_disk(tmp_path, {"/boot/grub/menu.lst": MENU_LST.encode(), "/boot/vmlinuz-xen": b"KERNEL-2",
                                "/boot/initrd.img-xen": b"INITRD-2", "/vmlinuz-2.6.18-8.el5xen": b"KERNEL-1",
                                "/initrd-2.6.18-8.el5xen.img": b"INITRD-1"})
    text = f"name='t'\nbootloader='/usr/bin/pygrub'\ndisk=['tap:aio:{disk},xvda,w']\nextra='quiet'\n"
    cfg = parse_profile(text, filename="t").config
    files = extract_boot_files(cfg, tmp_path / "run")
    assert Path(files.kernel).read_bytes() == b"KERNEL-2" and Path(str(files.initrd)).read_bytes() == b"INITRD-2"
    assert files.cmdline == "root=/dev/vda2 ro console=xvc0 quiet" and files.menu == "partition 1: /boot/grub/menu.lst"
    cfg = parse_profile(text + "bootargs='--entry=0'\n", filename="t").config
    files = extract_boot_files(cfg, tmp_path / "run")
    assert Path(files.kernel).read_bytes() == b"KERNEL-1" and Path(str(files.initrd)).read_bytes() == b"INITRD-1"
    assert files.cmdline == "ro root=/dev/VolGroup00/LogVol00 quiet"
    bad = parse_profile(text + "bootargs='--entry=7'\n", filename="t").config
    with pytest.raises(ConfigError, match="no entry '7'"):
        extract_boot_files(bad, tmp_path / "run")


def test_pygrub_without_a_menu_says_so(tmp_path: Path) -> None:
    disk = _mbr_disk(tmp_path, {"/etc/fstab": b"x"})
    cfg = parse_profile(f"name='t'\nbootloader='/usr/bin/pygrub'\ndisk=['file:{disk},xvda,w']\n", filename="t").config
    with pytest.raises(ConfigError, match="no GRUB menu"):
        extract_boot_files(cfg, tmp_path / "run")


# ---- convert ------------------------------------------------------------------------------


def _seed(name: str) -> str:
    if not (SEED / name).exists():
        pytest.skip("seed profiles not available")
    return (SEED / name).read_text()


def _body(text: str) -> list[str]:
    return [line for line in text.splitlines() if line.strip() and not line.startswith("#")]


def test_convert_turns_the_seed_pv_profile_into_the_seed_hvm_profile() -> None:
    conv = convert_to_hvm(_seed("lists.pv"), filename="lists")
    assert _body(conv.new_text) == _body(_seed("lists"))
    seed_hvm = parse_profile(_seed("lists"), filename="lists").config
    assert conv.config == seed_hvm  # same guest: name, memory, MAC, UUID, VNC, disks...
    assert "-bootloader=\"/usr/bin/pygrub\"" in conv.diff("lists")


def test_convert_xl_style_disks_and_comments_kept() -> None:
    text = ("# my guest\nname = 'g'  # the name\nmemory = 256\n"
            "disk = ['format=raw, vdev=xvda, access=rw, target=/img/g.img', 'phy:/dev/vg/data,xvdb,w']\n"
            "kernel = '/boot/vmlinuz-xen'\nramdisk = '/boot/initrd-xen'\nroot = '/dev/xvda1 ro'\n"
            "extra = 'console=xvc0'\nvif = ['mac=00:16:3e:00:00:01']\n")
    conv = convert_to_hvm(text, filename="g")
    assert "name = 'g'  # the name" in conv.new_text and "# my guest" in conv.new_text
    assert [(d.vdev, d.backend, d.target) for d in conv.config.disks] == [("hda", "file", "/img/g.img"),
                                                                         ("hdb", "phy", "/dev/vg/data")]
    assert conv.config.kernel is None and conv.config.root is None and conv.config.extra is None
    assert conv.config.vifs[0].mac == "00:16:3e:00:00:01"


def test_convert_refuses_what_hvm_cannot_hold() -> None:
    with pytest.raises(ConfigError, match="already an HVM"):
        convert_to_hvm(_seed("lists"), filename="lists")
    with pytest.raises(ConfigError, match="partition given as a disk"):
        convert_to_hvm("name='p'\nbootloader='pygrub'\ndisk=['file:/a,xvda1,w']\n", filename="p")
    with pytest.raises(ConfigError, match="4 IDE disks"):
        convert_to_hvm("name='p'\nbootloader='pygrub'\ndisk=['file:/a,xvda,w','file:/e,xvde,w']\n", filename="p")


def test_convert_writes_in_place_with_a_backup_or_to_output(tmp_path: Path) -> None:
    profile = tmp_path / "lists"
    profile.write_text(_seed("lists.pv"))
    conv = convert_to_hvm(profile.read_text(), filename=str(profile))
    out = write_converted(str(profile), conv.new_text, output=str(tmp_path / "lists.hvm"))
    assert out == {"profile": str(tmp_path / "lists.hvm")} and profile.read_text() == _seed("lists.pv")
    with pytest.raises(ConflictError):
        write_converted(str(profile), conv.new_text, output=str(tmp_path / "lists.hvm"))
    out = write_converted(str(profile), conv.new_text, output=None)
    assert out["backup"] == f"{profile}.bak" and Path(out["backup"]).read_text() == _seed("lists.pv")
    assert profile.read_text() == conv.new_text
    assert sorted(p.name for p in tmp_path.iterdir()) == ["lists", "lists.bak", "lists.hvm"]


def test_convert_checks_the_image_boots_as_hvm(tmp_path: Path) -> None:
    blank = tmp_path / "blank.img"
    blank.write_bytes(bytes(1 << 20))
    conv = convert_to_hvm(f"name='b'\nbootloader='pygrub'\ndisk=['tap:aio:{blank},xvda,w']\n", filename="b")
    warnings = check_image(conv)
    assert any("no boot sector" in w for w in warnings) and any("no boot loader config" in w for w in warnings)
    disk = _mbr_disk(tmp_path, {"/boot/grub/menu.lst": MENU_LST.encode()})
    conv = convert_to_hvm(f"name='b'\nbootloader='pygrub'\ndisk=['tap:aio:{disk},xvda,w']\n", filename="b")
    warnings = check_image(conv)
    assert not any("boot sector" in w or "config" in w for w in warnings)
    assert any("/dev/xvd" in w for w in warnings)  # menu.lst's root=/dev/xvda2 will not be found as HVM
    assert hvm_boot_problems(str(disk)) == []
    assert os.path.exists(disk)
