"""``image create``/``info``, the format left to detection, the CLI staying light."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from hvmctl.config.specs import parse_disk
from hvmctl.daemon import hostcheck
from hvmctl.errors import ConfigError, ConflictError
from hvmctl.storage.images import create_image, detect_format, image_info, parse_size

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize(("text", "size"), [("20G", 20 << 30), ("512M", 512 << 20), ("20480M", 20 << 30),
                                            ("10GiB", 10 << 30), ("1.5G", 3 << 29), ("1048576", 1 << 20),
                                            ("64k", 64 << 10)])
def test_parse_size(text: str, size: int) -> None:
    assert parse_size(text) == size


@pytest.mark.parametrize("text", ["", "G", "-1G", "0", "12X", "1000"])
def test_parse_size_refuses(text: str) -> None:
    with pytest.raises(ConfigError):
        parse_size(text)


def test_raw_is_sparse_like_the_seeds_dd_and_never_clobbers(tmp_path: Path) -> None:
    path = tmp_path / "lists.img"
    info = create_image(str(path), 20 << 30)
    assert path.stat().st_size == 20 << 30 and path.stat().st_blocks == 0
    assert (info["format"], info["virtual_size"], info["data"]) == ("raw", 20 << 30, 0)
    path.write_bytes(b"precious")
    with pytest.raises(ConflictError, match="already exists"):
        create_image(str(path), 1 << 20)
    assert path.read_bytes() == b"precious"
    create_image(str(path), 1 << 20, force=True)
    assert path.stat().st_size == 1 << 20
    assert sorted(p.name for p in tmp_path.iterdir()) == ["lists.img"]  # no temp file left


def test_qcow2_through_qemu_img_and_detected(tmp_path: Path) -> None:
    path = tmp_path / "q.img"  # the name says nothing: the magic does
    info = create_image(str(path), 512 << 20, "qcow2")
    assert info["format"] == "qcow2" and info["virtual_size"] == 512 << 20 and detect_format(str(path)) == "qcow2"
    cfg_formats = hostcheck.check_disks(_cfg(f"file:{path},hda,w"))
    assert cfg_formats == {"hda": "qcow2"}


def _cfg(entry: str) -> object:
    from hvmctl.config import parse_profile

    return parse_profile(f"name='t'\nbuilder='hvm'\ndisk=['{entry}']\n", filename="t").config


def test_file_disks_leave_the_format_to_detection() -> None:
    assert parse_disk("file:/a,hda,w")[0].format is None
    assert parse_disk("format=qcow2, vdev=xvda, target=/a")[0].format == "qcow2"
    assert parse_disk("tap:qcow2:/a,xvda,w")[0].format == "qcow2"
    assert parse_disk("tap:aio:/a,xvda,w")[0].format == "raw"
    assert parse_disk("/a,,hda")[0].format == "raw" and parse_disk("vdev=hda, target=/a")[0].format is None


def test_disk_identity_sees_through_links(tmp_path: Path) -> None:
    a = tmp_path / "a.img"
    a.write_bytes(b"x")
    os.link(a, tmp_path / "hard.img")
    os.symlink(a, tmp_path / "soft.img")
    ids = {hostcheck.disk_identity(str(tmp_path / n)) for n in ("a.img", "hard.img", "soft.img")}
    assert len(ids) == 1


def test_info_cli_and_no_heavy_imports(tmp_path: Path) -> None:
    path = tmp_path / "x.img"
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    out = subprocess.run([sys.executable, "-m", "hvmctl", "image", "create", str(path), "1G", "--json"],
                         capture_output=True, text=True, env=env, timeout=60, check=True)
    assert json.loads(out.stdout)["virtual_size"] == 1 << 30
    assert image_info(str(path))["allocated"] == 0
    probe = ("import sys, hvmctl.cli.main as m; "
             "print(sorted(k for k in ('rich', 'fastapi', 'zstandard', 'pydantic', 'msgspec') if k in sys.modules)); "
             "print(sorted(c for c in m.COMMANDS if c in ('image', 'convert', 'export', 'import', "
             "'block-attach', 'block-detach', 'block-list')))")
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, env=env, timeout=60, check=True)
    lines = out.stdout.splitlines()
    assert lines[0] == "[]"
    assert lines[1] == str(sorted(["image", "convert", "export", "import", "block-attach", "block-detach",
                                   "block-list"]))


def test_detected_qcow2_naming_a_backing_file_is_refused(tmp_path: Path) -> None:
    """A guest can write a qcow2 header into its raw disk: a detected format must not make
    QEMU open a host file on the next start; an explicit format is the user's word."""
    from hvmctl.config.model import DiskSpec, DomainConfig
    from hvmctl.daemon.hostcheck import check_disks
    from hvmctl.errors import ConfigError

    base = tmp_path / "base.img"
    base.write_bytes(b"\0" * 1024 * 1024)
    planted = tmp_path / "guest.img"
    subprocess.run(["qemu-img", "create", "-q", "-f", "qcow2", "-F", "raw", "-b", str(base), str(planted)],
                   check=True, timeout=30)
    cfg = DomainConfig(name="g", disks=(DiskSpec(str(planted), "hda"),), source="/etc/xen/g", key_lines={"disk": 4})
    with pytest.raises(ConfigError, match=r"/etc/xen/g:4: disk: hda: .*backing file .*base.img"):
        check_disks(cfg)
    explicit = DomainConfig(name="g", disks=(DiskSpec(str(planted), "hda", format="qcow2"),))
    assert check_disks(explicit) == {"hda": "qcow2"}
    plain = tmp_path / "plain.qcow2"
    subprocess.run(["qemu-img", "create", "-q", "-f", "qcow2", str(plain), "1M"], check=True, timeout=30)
    assert check_disks(DomainConfig(name="g", disks=(DiskSpec(str(plain), "hda"),))) == {"hda": "qcow2"}


def test_garbage_qcow2_header_does_not_crash_the_check(tmp_path: Path) -> None:
    from hvmctl.storage.images import qcow2_external_refs

    junk = tmp_path / "junk"
    junk.write_bytes(b"QFI\xfb" + b"\x00\x00\x00\x03" + b"\xff" * 504)
    assert qcow2_external_refs(str(junk))[0].startswith("backing file")
