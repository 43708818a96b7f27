"""The ``boot`` letters (S1/S2): which medium actually boots, told by the guest and the screen.

The guest says where it came from on its serial console (``HVMCTL-BOOTED-FROM disk`` from
the installed disk, ``cdrom`` from the installer ISO); the firmware's screen, read as text,
shows what it tried in which order -- including the fall-back when the first choice is
empty or not bootable, and the network boot (iPXE gets an address by DHCP, finds nothing
to boot and hands over to the next device).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.fixtures.guests import boot_disk, installer_iso
from tests.integration.hvenv import HvEnv
from tests.integration.screen import png_text
from tests.integration.seedprof import wait_log, writable_copy

MAC = "00:16:3e:5a:00:01"
HARD_DISK = "Booting from Hard Disk..."
CDROM = "Booting from DVD/CD..."


@dataclass(frozen=True)
class Case:
    boot: str
    hda: str  # "installed" | "unbootable"
    hdc: str  # "iso" | "empty" | "none"
    booted: str  # what the guest reports
    screen: tuple[str, ...]  # lines that must appear on the screen, in this order
    absent: tuple[str, ...] = ()
    nic: bool = False


CASES = {
    "c": Case("c", "installed", "iso", "disk", (HARD_DISK, "SYSLINUX"), (CDROM,)),
    "d": Case("d", "installed", "iso", "cdrom", (CDROM, "ISOLINUX"), (HARD_DISK,)),
    "dc": Case("dc", "installed", "iso", "cdrom", (CDROM, "ISOLINUX"), (HARD_DISK,)),
    "cd": Case("cd", "installed", "iso", "disk", (HARD_DISK, "SYSLINUX"), (CDROM,)),
    "dc-empty-drive": Case("dc", "installed", "empty", "disk",
                           (CDROM, "Boot failed: Could not read from CDROM", HARD_DISK, "SYSLINUX")),
    "cd-unbootable-disk": Case("cd", "unbootable", "iso", "cdrom",
                               (HARD_DISK, "Boot failed: not a bootable disk", CDROM, "ISOLINUX")),
    "n": Case("n", "installed", "none", "disk",
              ("Booting from ROM...", "iPXE", f"net0: {MAC} using rtl8139", "net0: 10.0.2.15/255.255.255.0",
               "Nothing to boot", HARD_DISK, "SYSLINUX"), nic=True),
}


def _unbootable(path: Path) -> Path:
    """A disk with data in its first sector but no boot signature (and so not 'empty' for the
    installer either)."""
    with path.open("wb") as fh:
        fh.write(b"\xff" * 512)
        fh.truncate(64 << 20)
    return path


def _profile(name: str, case: Case, media: Path) -> str:
    disks = []
    if case.hda == "installed":
        disks.append(f"'file:{writable_copy(boot_disk().path, media / 'disk.img')},hda,w'")
    else:
        disks.append(f"'file:{_unbootable(media / 'junk.img')},hda,w'")
    if case.hdc == "iso":
        disks.append(f"'file:{installer_iso().path},hdc:cdrom,r'")
    elif case.hdc == "empty":
        disks.append("',hdc:cdrom,r'")
    vif = f"vif = [ 'mac={MAC}, bridge=xenbr0' ]\n" if case.nic else ""
    return (f'name = "{name}"\nbuilder = "hvm"\nmemory = 128\nkernel = "/usr/lib/xen/boot/hvmloader"\n'
            f"disk = [ {', '.join(disks)} ]\nboot = \"{case.boot}\"\n{vif}"
            'vfb = ["type=vnc,vncunused=1"]\n')


@pytest.mark.parametrize("case_id", list(CASES))
def test_boot_order(hv: HvEnv, case_id: str) -> None:
    case = CASES[case_id]
    name = "boot-" + case_id
    media = hv.base / "media"
    media.mkdir()
    hv.write_profile(name, _profile(name, case, media))
    hv.hv("create", name)
    log = wait_log(hv, name, "HVMCTL-READY", timeout=180)
    assert f"HVMCTL-BOOTED-FROM {case.booted}" in log, log[-1500:]
    if case.booted == "cdrom":  # the installer runs; with no empty disk it leaves a shell
        wait_log(hv, name, "hvtest#", timeout=60)
    png = hv.base / "screen.png"
    hv.hv("screenshot", name, str(png))
    text = png_text(png.read_bytes())
    at = 0
    for line in case.screen:
        found = text.find(line, at)
        assert found >= 0, f"{line!r} not on the screen after position {at}:\n{text}"
        at = found + len(line)
    for line in case.absent:
        assert line not in text, f"{line!r} should not be on the screen:\n{text}"
