"""Bundles without QEMU: sparse round trips through hvmctl and through plain GNU tar,
checksums, corrupt and truncated bundles leaving nothing behind, seed-style tarballs."""

from __future__ import annotations

import os
import subprocess
import tarfile
from pathlib import Path

import pytest

from hvmctl.errors import ConflictError, HvmctlError
from hvmctl.storage.bundle import MANIFEST, ExportImage, read_bundle, rewrite_disk_paths, write_bundle
from hvmctl.storage.sparse import data_extents
from hvmctl.storage.tarstream import BundleError

SIZE = 2 << 30  # 2 GiB apparent
CHUNKS = [(0, b"MBR!" * 128), (5 << 20, os.urandom(300_000)), (1 << 30, b"x" * 70_000), (SIZE - 4096, b"end!" * 1024)]


def _sparse_image(path: Path, trailing_hole: bool = False) -> Path:
    with path.open("wb") as fh:
        for offset, data in CHUNKS[: -1 if trailing_hole else None]:
            fh.seek(offset)
            fh.write(data)
        fh.truncate(SIZE)
    return path


def _profile(image: Path) -> str:
    return f'# moved guest\nname = "mv"\nbuilder = "hvm"\ndisk = [ "file:{image},hda,w", "file:/iso/x.iso,hdc:cdrom,r" ]\n'


def _export(tmp: Path, name: str, trailing_hole: bool = False) -> tuple[Path, Path]:
    image = _sparse_image(tmp / "disk.img", trailing_hole)
    out = tmp / name
    result = write_bundle(str(out), profile_name="mv", profile_text=_profile(image),
                          images=[ExportImage(str(image), "hda", str(image))])
    assert result["data"] < 2 << 20 and result["bundle_bytes"] < 2 << 20  # follows the data, not 2 GiB
    return image, out


def _same(a: Path, b: Path) -> None:
    assert a.stat().st_size == b.stat().st_size
    with a.open("rb") as fa, b.open("rb") as fb:
        for offset, length in data_extents(fa.fileno()) + data_extents(fb.fileno()):
            fa.seek(offset)
            fb.seek(offset)
            assert fa.read(length) == fb.read(length)


@pytest.mark.parametrize("name", ["b.tar", "b.tar.zst", "b.tar.gz"])
@pytest.mark.parametrize("trailing_hole", [False, True])
def test_round_trip_keeps_holes_and_rewrites_the_profile(tmp_path: Path, name: str, trailing_hole: bool) -> None:
    image, bundle = _export(tmp_path, name, trailing_hole)
    dest = tmp_path / "newhost"
    result = read_bundle(str(bundle), str(dest))
    assert result["verified"] and sorted(os.listdir(dest)) == ["disk.img", "mv"]
    moved = dest / "disk.img"
    _same(image, moved)
    assert moved.stat().st_blocks * 512 < 4 << 20  # unpacked sparse
    text = (dest / "mv").read_text()
    assert f"file:{moved},hda,w" in text and "# moved guest" in text and "/iso/x.iso" in text


def test_plain_gnu_tar_unpacks_an_uncompressed_bundle_sparse(tmp_path: Path) -> None:
    image, bundle = _export(tmp_path, "b.tar", trailing_hole=True)
    dest = tmp_path / "tar"
    dest.mkdir()
    subprocess.run(["tar", "-xSf", str(bundle), "-C", str(dest)], check=True, timeout=120)
    assert sorted(os.listdir(dest)) == sorted(["disk.img", "mv", MANIFEST])
    _same(image, dest / "disk.img")
    assert (dest / "disk.img").stat().st_blocks * 512 < 4 << 20
    with tarfile.open(bundle) as tf:  # and Python's reader understands the sparse member too
        assert tf.getmember("disk.img").size == SIZE


def test_seed_style_tarball_imports_unverified(tmp_path: Path) -> None:
    """``tar -cvzSf lists.img.tar.gz lists.img`` (old GNU sparse) as the seed made it."""
    image = _sparse_image(tmp_path / "lists.img")
    tarball = tmp_path / "lists.img.tar.gz"
    subprocess.run(["tar", "-czSf", str(tarball), "-C", str(tmp_path), "lists.img"], check=True, timeout=120)
    result = read_bundle(str(tarball), str(tmp_path / "new"))
    assert not result["verified"] and result["profile"] is None
    _same(image, tmp_path / "new" / "lists.img")


def _left(dest: Path) -> list[str]:
    return sorted(os.listdir(dest)) if dest.exists() else []


def test_corrupt_data_is_refused_and_nothing_is_left(tmp_path: Path) -> None:
    _, bundle = _export(tmp_path, "b.tar")
    raw = bytearray(bundle.read_bytes())
    at = raw.find(CHUNKS[2][1][:512])
    raw[at + 100] ^= 0xFF  # one flipped bit in the image's data: tar headers stay valid
    bundle.write_bytes(bytes(raw))
    dest = tmp_path / "new"
    with pytest.raises(BundleError, match="checksum mismatch"):
        read_bundle(str(bundle), str(dest))
    assert _left(dest) == []


@pytest.mark.parametrize("name", ["b.tar", "b.tar.zst", "b.tar.gz"])
def test_truncated_bundle_is_refused_and_nothing_is_left(tmp_path: Path, name: str) -> None:
    _, bundle = _export(tmp_path, name)
    data = bundle.read_bytes()
    bundle.write_bytes(data[: len(data) * 2 // 3])
    dest = tmp_path / "existing-dir"
    dest.mkdir()
    (dest / "keep.txt").write_text("mine")
    with pytest.raises(BundleError, match="truncated|corrupt"):
        read_bundle(str(bundle), str(dest))
    assert _left(dest) == ["keep.txt"]  # the directory was there: it stays, with only its own file


def test_corrupt_zstd_frame_is_refused(tmp_path: Path) -> None:
    _, bundle = _export(tmp_path, "b.tar.zst")
    raw = bytearray(bundle.read_bytes())
    raw[len(raw) // 2] ^= 0x55
    bundle.write_bytes(bytes(raw))
    with pytest.raises(BundleError):
        read_bundle(str(bundle), str(tmp_path / "new"))
    assert _left(tmp_path / "new") == []


def test_existing_files_are_never_overwritten(tmp_path: Path) -> None:
    _, bundle = _export(tmp_path, "b.tar.zst")
    dest = tmp_path / "new"
    dest.mkdir()
    (dest / "mv").write_text("someone else's profile")
    with pytest.raises(ConflictError, match="already exists"):
        read_bundle(str(bundle), str(dest))
    assert _left(dest) == ["mv"] and (dest / "mv").read_text() == "someone else's profile"


def test_export_refuses_to_replace_a_bundle_unless_forced(tmp_path: Path) -> None:
    image, bundle = _export(tmp_path, "b.tar")
    args = dict(profile_name="mv", profile_text=_profile(image), images=[ExportImage(str(image), "hda", str(image))])
    with pytest.raises(ConflictError):
        write_bundle(str(bundle), **args)  # type: ignore[arg-type]
    write_bundle(str(bundle), force=True, **args)  # type: ignore[arg-type]
    assert [p.name for p in tmp_path.iterdir() if p.name.endswith(".part")] == []
    with pytest.raises(HvmctlError, match="name the bundle"):
        write_bundle(str(tmp_path / "b.zip"), **args)  # type: ignore[arg-type]


def test_members_outside_the_directory_are_refused(tmp_path: Path) -> None:
    evil = tmp_path / "evil.tar"
    payload = tmp_path / "payload"
    payload.write_text("x")
    with tarfile.open(evil, "w", format=tarfile.GNU_FORMAT) as tf:
        tf.add(payload, arcname="../escaped")
    with pytest.raises(BundleError, match="not a plain file name"):
        read_bundle(str(evil), str(tmp_path / "new"))
    assert not (tmp_path / "escaped").exists()
    with tarfile.open(evil, "w") as tf:
        info = tarfile.TarInfo("link")
        info.type = tarfile.SYMTYPE
        info.linkname = "/etc/passwd"
        tf.addfile(info)
    with pytest.raises(BundleError, match="link or device"):
        read_bundle(str(evil), str(tmp_path / "new"))


def test_rewrite_disk_paths_only_touches_whole_paths() -> None:
    text = "disk = [ 'file:/x/a.img,hda,w', 'file:/x/a.img2,hdb,w' ]\nname='t'\nbuilder='hvm'\n"
    new = rewrite_disk_paths(text, {"/x/a.img": "/new/a.img"})
    assert "file:/new/a.img,hda" in new and "file:/x/a.img2,hdb" in new


def _checksum(image: Path) -> str:
    """The manifest's checksum, by its definition: SHA-256 over each data extent's (offset,
    length) as 16 little-endian bytes, then its data. Import and export must both keep it."""
    import hashlib
    import struct

    digest = hashlib.sha256()
    with image.open("rb") as fh:
        for offset, length in data_extents(fh.fileno()):
            fh.seek(offset)
            digest.update(struct.pack("<QQ", offset, length) + fh.read(length))
    return digest.hexdigest()


@pytest.mark.parametrize("name", ["b.tar", "b.tar.zst", "b.tar.gz"])
def test_small_buffers_recycled_many_times_keep_every_byte(tmp_path: Path, name: str,
                                                           monkeypatch: pytest.MonkeyPatch) -> None:
    """Tiny, odd-sized buffers: members, headers and extents straddle buffers and every buffer
    is reused many times; a buffer reused before hashing and writing were done with it would
    show up as a checksum mismatch or a wrong byte. The writeback hint may fail harmlessly."""
    import hvmctl.storage.bundle as bundle_mod

    monkeypatch.setattr(bundle_mod, "CHUNK", 4096 + 512 + 7)
    monkeypatch.setattr(bundle_mod, "BUFFERS", 2)

    def refuse(*_args: object) -> None:
        raise OSError(22, "Invalid argument")

    monkeypatch.setattr(os, "posix_fadvise", refuse)
    image, bundle = _export(tmp_path, name)
    result = read_bundle(str(bundle), str(tmp_path / "new"))
    assert result["verified"]
    _same(image, tmp_path / "new" / "disk.img")


def test_manifest_checksum_keeps_its_definition(tmp_path: Path) -> None:
    import json

    image, bundle = _export(tmp_path, "b.tar")
    with tarfile.open(bundle) as tf:
        fh = tf.extractfile(MANIFEST)
        assert fh is not None
        manifest = json.load(fh)
    entry = next(f for f in manifest["files"] if f["kind"] == "image")
    assert entry["sha256"] == _checksum(image) and manifest["version"] == 1


def test_write_error_is_reported_and_nothing_is_left(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A failing write on the writer thread (disk full) reaches the caller as a clear error."""
    import errno

    _, bundle = _export(tmp_path, "b.tar.zst")
    real_pwrite = os.pwrite

    def full(fd: int, data: bytes, offset: int) -> int:
        if len(data) > 100_000:
            raise OSError(errno.ENOSPC, "No space left on device")
        return real_pwrite(fd, data, offset)

    monkeypatch.setattr(os, "pwrite", full)
    dest = tmp_path / "new"
    with pytest.raises(HvmctlError, match="No space left on device"):
        read_bundle(str(bundle), str(dest))
    assert _left(dest) == []


def test_plain_member_zero_runs_become_holes(tmp_path: Path) -> None:
    """A tarball made without -S (non-sparse member): all-zero buffers are not written."""
    big = tmp_path / "flat.img"
    with big.open("wb") as fh:
        fh.write(b"head" * 1024)
        fh.write(bytes(12 << 20))
        fh.write(b"tail" * 1024)
    tarball = tmp_path / "flat.tar"
    with tarfile.open(tarball, "w") as tf:
        tf.add(big, arcname="flat.img")
    read_bundle(str(tarball), str(tmp_path / "new"))
    moved = tmp_path / "new" / "flat.img"
    assert moved.read_bytes() == big.read_bytes()
    assert moved.stat().st_blocks * 512 < 8 << 20  # the zero run in the middle is a hole


def test_cli_import_path_stays_lean() -> None:
    """``hvmctl import`` imports the bundle module at start-up: no tempfile, concurrent.futures
    (logging), dataclasses, gzip or config on that path (the config loads on a thread later)."""
    import sys

    code = ("import sys, hvmctl.cli.main, hvmctl.storage.bundle; "
            "print(' '.join(sorted(m for m in ('tempfile', 'concurrent.futures', 'logging', 'dataclasses', "
            "'gzip', 'hvmctl.config', 'fastapi', 'pydantic', 'msgspec', 'rich') if m in sys.modules)))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=60,
                         env=dict(os.environ, PYTHONPATH=str(Path(__file__).resolve().parents[2])))
    assert out.stdout.strip() == ""
