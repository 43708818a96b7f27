"""Seed 2.3.1 without editing the profile: the CD is swapped, ejected and re-inserted on the
running guest (xm block-configure, hvmctl eject/insert), and with the drive empty the
install profile's ``boot = "d"`` falls back to ``hda`` on the next start. Image: qcow2.
"""

from __future__ import annotations

import json
from pathlib import Path

from tests.fixtures.guests import driver_cd, installer_iso
from tests.integration.hvenv import HvEnv
from tests.integration.screen import png_text
from tests.integration.seedprof import (
    GIB,
    allocated,
    link_media,
    log_size,
    run_in_guest,
    seed_profile,
    wait_log,
)

NAME = "SL50_64"
PROFILE = "SL50_64.install"
MIB = 1 << 20
MOUNT_CD = "mount -t iso9660 -o ro /dev/sr0 /mnt"


def _record(hv: HvEnv) -> dict[str, object]:
    path = next((Path(hv.env["HVMCTL_STATE_DIR"]) / "domains").glob("*.json"))
    return json.loads(path.read_text())  # type: ignore[no-any-return]


def _media(hv: HvEnv) -> dict[str, object]:
    views = hv.hv("media-list", "--json", NAME).json()
    assert [v["vdev"] for v in views] == ["hdc"]
    return views[0]  # type: ignore[no-any-return]


def _screen(hv: HvEnv) -> str:
    png = hv.base / "screen.png"
    hv.hv("screenshot", NAME, str(png))
    return png_text(png.read_bytes())


def test_seed_2_3_1_media_change_without_editing_the_profile(hv: HvEnv) -> None:
    domu = hv.base / "domU"
    link_media(domu, {"boot.iso": installer_iso().path, "drivers.iso": driver_cd().path})
    image = domu / NAME
    hv.hv("image", "create", "--format", "qcow2", str(image), "20G")
    with image.open("rb") as fh:
        assert fh.read(4) == b"QFI\xfb", "not a qcow2 image"
    profile_text = seed_profile(PROFILE, domu)
    profile = hv.write_profile(PROFILE, profile_text)

    # the install, as in the seed
    hv.hv("create", PROFILE)
    log = wait_log(hv, NAME, "HVMCTL-INSTALL-DONE", timeout=180)
    assert f"sectors={20 * GIB // 512}" in log
    hv.wait_for(lambda: NAME not in [d["name"] for d in hv.domains()], 60, "the installer's power-off")
    assert allocated(image) < 64 * MIB

    # the same profile again: the installer boots, finds no empty disk, leaves a shell
    before = log_size(hv, NAME)
    hv.hv("create", PROFILE)
    wait_log(hv, NAME, "HVMCTL-INSTALL-FAILED no empty disk", after=before, timeout=180)
    wait_log(hv, NAME, "hvtest#", after=before, timeout=60)
    assert _media(hv)["medium"] == str(domu / "boot.iso")

    # the failed installer still has the CD mounted, so the guest holds the tray locked:
    # xm block-configure says so instead of pulling the medium from under it
    swap = ["block-configure", NAME, f"file:{domu / 'drivers.iso'}", "hdc:cdrom", "r"]
    refused = hv.hv(*swap, check=False)
    assert refused.returncode == 1 and "locked the tray of hdc" in refused.stderr, refused.stderr
    assert _media(hv)["locked"] is True and _media(hv)["medium"] == str(domu / "boot.iso")
    run_in_guest(hv, NAME, "umount /cdrom")

    # now the driver CD replaces the boot ISO, and the guest reads it (Linux's first access
    # after a medium change fails with the drive's "medium changed" unit attention, as on
    # real hardware; the kernel then re-reads the capacity and the second mount works)
    assert "drivers.iso" in hv.hv(*swap).stdout
    assert _media(hv)["medium"] == str(domu / "drivers.iso")
    seen = run_in_guest(hv, NAME, f"{MOUNT_CD} 2>/dev/null || {MOUNT_CD}; cat /mnt/DRIVER.TXT")
    assert "HVMCTL-DRIVER-CD" in seen, seen

    # hvmctl eject: refused while mounted, forced on request; then the drive is empty for
    # QEMU and for the guest
    refused = hv.hv("eject", NAME, "hdc", check=False)
    assert refused.returncode == 1 and "locked" in refused.stderr, refused.stderr
    hv.hv("eject", "--force", NAME, "hdc")
    run_in_guest(hv, NAME, "umount /mnt")
    view = _media(hv)
    assert view["medium"] is None and view["recorded"] is None
    seen = run_in_guest(hv, NAME, "mount -t iso9660 -o ro /dev/sr0 /mnt || echo MOUNT-FAILED")
    assert "MOUNT-FAILED" in seen and "No medium found" in seen, seen

    # a restart keeps the drive empty (the recorded config follows the medium); boot = "d"
    # finds no CD and falls back to hda: the installed system comes up
    old_id = hv.domain(NAME)["id"]
    before = log_size(hv, NAME)
    hv.hv("reboot", "-w", NAME, timeout=120)
    log = wait_log(hv, NAME, "HVMCTL-READY", after=before, timeout=180)
    assert "HVMCTL-BOOTED-FROM disk" in log and "INSTALL" not in log
    assert hv.domain(NAME)["id"] != old_id
    argv = _record(hv)["runtime"]["argv"]  # type: ignore[index]
    drive = next(a for a in argv if a.startswith("if=none,id=drive-hdc") or "id=drive-hdc," in a)
    assert "file=" not in drive, drive
    screen = _screen(hv)
    assert screen.index("Booting from DVD/CD") < screen.index("Booting from Hard Disk"), screen

    # hvmctl insert: the boot ISO goes back in, the running installed system reads it
    hv.hv("insert", NAME, "hdc", str(domu / "boot.iso"))
    assert _media(hv)["medium"] == str(domu / "boot.iso")
    seen = run_in_guest(hv, NAME, f"{MOUNT_CD} 2>/dev/null || {MOUNT_CD}; ls /mnt/hvmctl; umount /mnt")
    assert "part.img" in seen, seen

    # a daemon restart re-attaches and still knows what is in the drive
    hv.kill_daemon()
    hv.start_daemon()
    view = _media(hv)
    assert view["medium"] == view["recorded"] == str(domu / "boot.iso"), view

    # refusals are clear: a hard disk has no medium to change, a missing file is named
    bad = hv.hv("eject", NAME, "hda", check=False)
    assert bad.returncode == 1 and "not a cdrom" in bad.stderr, bad.stderr
    bad = hv.hv("insert", NAME, "hdc", str(domu / "missing.iso"), check=False)
    assert bad.returncode == 1 and "missing.iso" in bad.stderr, bad.stderr
    bad = hv.hv("block-configure", NAME, f"file:{domu / 'drivers.iso'}", "hdc:cdrom", "w", check=False)
    assert bad.returncode == 1 and "read-only" in bad.stderr, bad.stderr

    assert profile.read_text() == profile_text  # nothing edited the profile
    hv.hv("shutdown", "-w", NAME, timeout=120)
    assert allocated(image) < 64 * MIB
