"""Seed scenario S3 end to end (seed 2.3.2): the PV guest ``lists`` runs from its PV profile
through pygrub, ``convert --to-hvm`` turns the profile into the seed's HVM one, the converted
guest boots as HVM through SeaBIOS, and ``export``/``import`` move it to another host (a
second, separate hvmctl) where it boots with the same MAC and UUID."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.fixtures.pvimage import HVM_MARK, PYGRUB_MARK, copy_pv_image
from tests.integration.hvenv import HvEnv
from tests.fixtures.seedfiles import SEED_PROFILES

SEED = SEED_PROFILES
SEED_IMAGE = "/xen/domU/lists.img"
UUID = "ffc68565-354a-32da-7302-72a1bd5ff1af"
MAC = "00:16:3e:3f:a9:f5"
READY = "HVMCTL-READY"


def _seed(name: str) -> str:
    path = SEED / name
    if not path.exists():
        pytest.skip(f"seed profile {path} not available")
    return path.read_text()


def _type(hv: HvEnv, name: str, line: str) -> None:
    hv.hv("console", name, input=line + "\n", timeout=30)


def _nic_mac(hv: HvEnv, name: str) -> str:
    return str(hv.domain(name)["nics"][0]["mac"])


def _body(text: str) -> list[str]:
    return [line for line in text.splitlines() if line.strip() and not line.startswith("#")]


def test_lists_pv_to_hvm_and_to_a_new_host(hv: HvEnv) -> None:
    image = copy_pv_image(hv.base / "lists.img")
    pv_text = _seed("lists.pv").replace(SEED_IMAGE, str(image))
    hv.write_profile("lists", pv_text)

    # 1. the PV profile, unchanged, runs: pygrub's job done offline from the image's ext4 /boot
    hv.hv("create", "lists", "memory=96")
    hv.wait_console("lists", f"HVMCTL-BOOTED-FROM {PYGRUB_MARK}", timeout=90)
    hv.wait_console("lists", READY)
    _type(hv, "lists", "echo CMD\"\"LINE: $(cat /proc/cmdline); echo DIS\"\"KS: $(ls /sys/block | tr '\\n' ' ')")
    log = hv.wait_console("lists", "DISKS:")
    cmdline = re.search(r"CMDLINE: (.*)", log)
    assert cmdline and "root=/dev/vda2" in cmdline.group(1) and "xvda" not in cmdline.group(1), log[-800:]
    assert re.search(r"DISKS: .*\bvda\b", log), log[-800:]  # xvda is a virtio disk
    assert _nic_mac(hv, "lists") == MAC
    hv.hv("destroy", "lists")

    # 2. convert: the seed's own HVM profile comes out (only the path and comments differ)
    profile = hv.profile_dir / "lists"
    diff = hv.hv("convert", "--to-hvm", "--dry-run", "lists").stdout
    assert "-bootloader=\"/usr/bin/pygrub\"" in diff and "+builder = \"hvm\"" in diff
    assert profile.read_text() == pv_text  # a dry run writes nothing
    hv.hv("convert", "--to-hvm", "lists")
    expected = _seed("lists").replace(SEED_IMAGE, str(image))
    assert _body(profile.read_text()) == _body(expected)
    assert (hv.profile_dir / "lists.bak").read_text() == pv_text

    # 3. the converted guest boots as HVM: SeaBIOS -> MBR -> SYSLINUX on the image's partition 1
    hv.hv("create", "lists", "memory=96")
    hv.wait_console("lists", f"HVMCTL-BOOTED-FROM {HVM_MARK}", timeout=120)
    hv.wait_console("lists", READY)
    _type(hv, "lists", "echo DMI\"\"-UUID: $(cat /sys/class/dmi/id/product_uuid)")
    log = hv.wait_console("lists", "DMI-UUID: ")
    assert f"dmi-uuid: {UUID}" in log.lower()

    # 4. export: refused while it runs, unless --live, which copies it consistently
    bundle = hv.base / "lists.tar.zst"
    refused = hv.hv("export", "lists", str(bundle), check=False)
    assert refused.returncode == 1 and "pause it first" in refused.stderr and not bundle.exists()
    _type(hv, "lists", "echo LIVE-MARK > /dev/null; sync")
    out = hv.hv("export", "--live", "lists", str(bundle), "--json").json()
    assert out["files"][0]["name"] == "lists.img" and out["bundle_bytes"] < out["files"][0]["size"]
    _type(hv, "lists", "echo STILL-$((6*7))")  # the guest ran on through the export
    hv.wait_console("lists", "STILL-42")
    blocks = hv.hv("block-list", "lists", "--json").json()
    assert [(d["vdev"], d["target"]) for d in blocks] == [("hda", str(image))]  # overlay folded back
    assert not list(Path(hv.domain("lists")["console_log"]).parent.glob("export-*.qcow2"))
    hv.hv("destroy", "lists")

    # 5. the new host: a separate hvmctl; import, then the same guest boots with its identity
    other = HvEnv.make()
    try:
        other.start_daemon()
        dest = other.base / "domU"
        result = other.hv("import", str(bundle), str(dest), "--json").json()
        assert result["verified"] and result["profile"] == str(dest / "lists")
        moved = (dest / "lists").read_text()
        assert f"file:{dest / 'lists.img'},hda,w" in moved and str(image) not in moved
        assert (dest / "lists.img").stat().st_blocks * 512 < image.stat().st_size  # unpacked sparse
        again = other.hv("import", str(bundle), str(dest), check=False)
        assert again.returncode == 1 and "already exists" in again.stderr
        other.hv("create", str(dest / "lists"), "memory=96")
        other.wait_console("lists", f"HVMCTL-BOOTED-FROM {HVM_MARK}", timeout=120)
        other.wait_console("lists", READY)
        dom = other.domain("lists")
        assert dom["uuid"] == UUID and _nic_mac(other, "lists") == MAC
        _type(other, "lists", "echo DMI\"\"-UUID: $(cat /sys/class/dmi/id/product_uuid)")
        assert f"dmi-uuid: {UUID}" in other.wait_console("lists", "DMI-UUID: ").lower()
        other.hv("destroy", "lists")
    finally:
        other.cleanup()


def test_pv_profile_with_its_own_kernel_runs_unchanged(hv: HvEnv) -> None:
    """The other PV form: kernel=/ramdisk=/root=/extra= (no builder): direct kernel boot, the
    xvda disk on virtio, root=/dev/xvda1 adjusted to the name the guest gives it."""
    from tests.fixtures.guests import tiny_guest

    guest = tiny_guest()
    disk = hv.base / "pv-root.img"
    with disk.open("wb") as fh:
        fh.truncate(16 << 20)
    hv.write_profile("pvk", f'name = "pvk"\nmemory = 96\nkernel = "{guest.kernel}"\nramdisk = "{guest.initrd}"\n'
                            f'root = "/dev/xvda1 ro"\nextra = "{guest.cmdline}"\n'
                            f"disk = [ 'tap:aio:{disk},xvda,w' ]\n")
    hv.hv("create", "pvk")
    hv.wait_console("pvk", READY)
    _type(hv, "pvk", "echo CMD\"\"LINE: $(cat /proc/cmdline); echo DIS\"\"KS: $(ls /sys/block | tr '\\n' ' ')")
    log = hv.wait_console("pvk", "DISKS:")
    cmdline = re.search(r"CMDLINE: (.*)", log)
    assert cmdline and cmdline.group(1).startswith("root=/dev/vda1 ro console=ttyS0"), log[-600:]
    assert re.search(r"DISKS: .*\bvda\b", log)
