"""The offline readers against images the real tools made: FAT12/16/32 (mkfs.vfat + mcopy),
ext2/3/4 (mke2fs -d), qcow2 (qemu-img, compressed and with a backing file), MBR with
logical partitions and GPT (sfdisk)."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

from hvmctl.storage.blockio import RawImage, Slice, open_image, partitions
from hvmctl.storage.fs import ExtFs, FatFs, FsNotFound, open_fs

BIG = os.urandom(3 << 20) + b"tail"  # > 12 direct + 256 indirect 1 KiB blocks: double indirect on ext2
SMALL = b"hello from the guest\n"


def _need(*tools: str) -> None:
    for tool in tools:
        if shutil.which(tool) is None:
            pytest.skip(f"{tool} not installed")


def _run(*argv: str) -> None:
    subprocess.run(argv, check=True, capture_output=True, timeout=120,
                   env=dict(os.environ, MTOOLS_SKIP_CHECK="1"))


@pytest.mark.parametrize(("bits", "mib"), [(12, 4), (16, 40), (32, 64)])
def test_fat(tmp_path: Path, bits: int, mib: int) -> None:
    _need("mkfs.vfat", "mcopy", "mmd")
    img = tmp_path / "fat.img"
    with img.open("wb") as fh:
        fh.truncate(mib << 20)
    _run("mkfs.vfat", "-F", str(bits), str(img))
    (tmp_path / "big.bin").write_bytes(BIG[: 1 << 20] if bits == 12 else BIG)
    (tmp_path / "Menu List.cfg").write_bytes(SMALL)
    _run("mmd", "-i", str(img), "::/boot", "::/boot/grub")
    _run("mcopy", "-i", str(img), str(tmp_path / "big.bin"), "::/boot/vmlinuz-2.6.18-xen")
    _run("mcopy", "-i", str(img), str(tmp_path / "Menu List.cfg"), "::/boot/grub/Menu List.cfg")
    fs = open_fs(RawImage(str(img)))
    assert isinstance(fs, FatFs) and fs.bits == bits
    assert fs.read_file("/boot/vmlinuz-2.6.18-xen") == (BIG[: 1 << 20] if bits == 12 else BIG)
    assert fs.read_file("/BOOT/GRUB/menu list.cfg") == SMALL  # long names, any case
    assert not fs.exists("/boot/grub/menu.lst")
    with pytest.raises(FsNotFound):
        fs.read_file("/nope")


@pytest.mark.parametrize(("kind", "block"), [("ext2", 1024), ("ext3", 4096), ("ext4", 1024), ("ext4", 4096)])
def test_ext(tmp_path: Path, kind: str, block: int) -> None:
    _need("mke2fs")
    root = tmp_path / "root"
    (root / "boot" / "grub").mkdir(parents=True)
    (root / "boot" / "vmlinuz-2.6.18-xen").write_bytes(BIG)
    (root / "boot" / "grub" / "menu.lst").write_bytes(SMALL)
    os.symlink("boot/vmlinuz-2.6.18-xen", root / "vmlinuz")  # relative, fast symlink
    os.symlink("/boot/grub/" + "../grub/./menu.lst", root / "boot" / "menu-abs")  # absolute, with ..
    long_target = "/boot/" + "d" * 70 + "/../vmlinuz-2.6.18-xen"  # > 60 bytes: a slow symlink
    os.symlink(long_target, root / "long-link")
    for i in range(300):  # a directory spanning blocks (htree on ext3/4)
        (root / "boot" / f"file-{i:04d}").write_bytes(b"%d" % i)
    img = tmp_path / "fs.img"
    _run("mke2fs", "-q", "-F", "-t", kind, "-b", str(block), "-d", str(root), str(img), "16M")
    fs = open_fs(RawImage(str(img)))
    assert isinstance(fs, ExtFs)
    assert fs.read_file("/boot/vmlinuz-2.6.18-xen") == BIG
    assert fs.read_file("/vmlinuz") == BIG
    assert fs.read_file("/boot/menu-abs") == SMALL
    assert fs.read_file("/boot/file-0299") == b"299"
    with pytest.raises(FsNotFound):
        fs.read_file("/long-link")  # points through a directory that does not exist
    with pytest.raises(FsNotFound):
        fs.read_file("/boot/grub/grub.cfg")


def test_qcow2_reader_matches_the_raw_image(tmp_path: Path) -> None:
    _need("qemu-img")
    raw = tmp_path / "disk.raw"
    with raw.open("wb") as fh:
        fh.write(BIG)
        fh.seek(40 << 20)
        fh.write(SMALL)
        fh.truncate(64 << 20)
    plain, packed, top = tmp_path / "plain.qcow2", tmp_path / "packed.qcow2", tmp_path / "top.qcow2"
    _run("qemu-img", "convert", "-O", "qcow2", str(raw), str(plain))
    _run("qemu-img", "convert", "-c", "-O", "qcow2", str(raw), str(packed))
    _run("qemu-img", "create", "-q", "-f", "qcow2", "-b", "plain.qcow2", "-F", "qcow2", str(top))
    _run("qemu-io", "-c", "write -P 0x41 1M 64k", str(top))
    want = bytearray(raw.read_bytes())
    for path, expect in ((plain, bytes(want)), (packed, bytes(want))):
        img = open_image(str(path))
        assert img.size == 64 << 20
        assert img.pread(len(BIG) + 10, 0) == expect[: len(BIG) + 10]
        assert img.pread(100, (40 << 20) - 50) == expect[(40 << 20) - 50 : (40 << 20) + 50]
    want[1 << 20 : (1 << 20) + 65536] = b"A" * 65536
    img = open_image(str(top))  # the overlay's cluster, the backing file's elsewhere
    assert img.pread(3 << 20, 0) == bytes(want[: 3 << 20])


def test_partitions_mbr_logical_and_gpt(tmp_path: Path) -> None:
    _need("sfdisk")
    for label, script, expected in (
        ("dos", "label: dos\n,10M,83,*\n,4M,83\n,4M,c\n,20M,5\n,5M,83\n,5M,82\n",
         [(1, "83"), (2, "83"), (3, "0c"), (5, "83"), (6, "82")]),
        ("gpt", "label: gpt\n,10M\n,10M\n", [(1, None), (2, None)]),
    ):
        img = tmp_path / f"{label}.img"
        with img.open("wb") as fh:
            fh.truncate(64 << 20)
        subprocess.run(["sfdisk", "-q", str(img)], input=script.encode(), check=True, capture_output=True, timeout=60)
        parts = partitions(RawImage(str(img)))
        assert [(p.number, p.type if label == "dos" else None) for p in parts] == expected
        assert parts[0].start == 1 << 20 and parts[0].size == 10 << 20


def test_hostile_images_do_not_crash_the_reader(tmp_path: Path) -> None:
    """Random bytes where structures should be: errors or None, never a hang or a crash."""
    img = tmp_path / "junk.img"
    img.write_bytes(b"\xeb\x3c\x90" + os.urandom(8189) + b"\x55\xaa" + os.urandom(4096))
    reader = RawImage(str(img))
    partitions(reader)
    try:
        fs = open_fs(Slice(reader, 0, reader.size))
        if fs is not None:
            fs.exists("/boot/grub/menu.lst")
    except Exception as exc:  # a clean error type, not an IndexError from deep inside
        from hvmctl.errors import HvmctlError

        assert isinstance(exc, (HvmctlError, ValueError)), repr(exc)
