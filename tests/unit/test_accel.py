"""The accelerator probe: a real boot sector, a real verdict, a cache, and forcing."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest

from hvmctl.errors import ConfigError
from hvmctl.qemu import accel

PROBE_SOURCE = Path(accel.__file__).with_name("probe.S")


def test_boot_sector_shape() -> None:
    sector = accel.probe_boot_sector()
    assert len(sector) == 512 and sector[-2:] == b"\x55\xaa"


@pytest.mark.skipif(shutil.which("as") is None or shutil.which("ld") is None, reason="binutils not installed")
def test_embedded_bytes_match_the_source(tmp_path: Path) -> None:
    obj, binary = tmp_path / "p.o", tmp_path / "p.bin"
    subprocess.run(["as", "--64", "-o", str(obj), str(PROBE_SOURCE)], check=True, timeout=30)
    subprocess.run(["ld", "-Ttext=0x7c00", "--oformat=binary", "-o", str(binary), str(obj)], check=True, timeout=30)
    assert binary.read_bytes() == accel.probe_boot_sector()


@pytest.mark.skipif(shutil.which("qemu-system-x86_64") is None, reason="QEMU not installed")
def test_probe_guest_really_runs_under_tcg(tmp_path: Path) -> None:
    image = tmp_path / "probe.img"
    image.write_bytes(accel.probe_boot_sector())
    took = accel._run_probe("qemu-system-x86_64", image, "tcg", 20)
    assert isinstance(took, float) and took < 20


@pytest.mark.skipif(shutil.which("qemu-system-x86_64") is None, reason="QEMU not installed")
def test_verdict_is_cached_and_reused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    cache = tmp_path / "accel.json"
    first = accel.choose_accel("qemu-system-x86_64", cache)
    assert first.accel in ("kvm", "tcg") and first.reason
    assert json.loads(cache.read_text())["accel"] == first.accel

    def boom(*_: object, **__: object) -> tuple[bool, str]:
        raise AssertionError("probe ran again despite a fresh cache")

    monkeypatch.setattr(accel, "probe_kvm", boom)
    assert accel.choose_accel("qemu-system-x86_64", cache).accel == first.accel


def test_stale_or_foreign_cache_is_ignored(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    cache = tmp_path / "accel.json"
    cache.write_text(json.dumps({"accel": "kvm", "reason": "x", "key": "another host", "checked_at": 1e12}))
    monkeypatch.setattr(accel, "probe_kvm", lambda qemu, timeout=0: (False, "probed"))
    verdict = accel.choose_accel("qemu-system-x86_64", cache)
    assert verdict.accel == "tcg" and verdict.reason == "probed"


def test_forcing(tmp_path: Path) -> None:
    assert accel.choose_accel("q", tmp_path / "c", "kvm").accel == "kvm"
    assert accel.choose_accel("q", tmp_path / "c", "tcg").accel == "tcg"
    with pytest.raises(ConfigError, match="expected 'kvm' or 'tcg'"):
        accel.choose_accel("q", tmp_path / "c", "xen")


@pytest.mark.skipif(not os.environ.get("HVMCTL_EXPECT_ACCEL"), reason="HVMCTL_EXPECT_ACCEL not set")
def test_this_host_gets_the_truth() -> None:
    """CI's machines have /dev/kvm but KVM guests crawl (broken nested virtualisation):
    .ci/run sets HVMCTL_EXPECT_ACCEL=tcg and the probe must agree."""
    ok, reason = accel.probe_kvm("qemu-system-x86_64")
    assert ("kvm" if ok else "tcg") == os.environ["HVMCTL_EXPECT_ACCEL"], reason
