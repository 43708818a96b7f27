"""Seed 4.1/4.2 (S7): the Windows profiles, with the installer ISO in place of Windows media.

- winsrv2003 and vista-enterprise.install run verbatim (paths aside): the guest boots the ISO
  (boot = "d") and installs onto the image; the NIC it finds is the profile's (rtl8139,
  Xen 3's default, when ``model=`` is absent).
- vista-enterprise (after the install) boots the installed disk with the driver CD in hdc:
  the guest sees the NE2000 (10ec:8029) and reads the CD; ``xm create ... localtime=1
  usbdevice=tablet stdvga=1`` (command-line keys, the profile untouched) show inside the
  guest: its clock, its PCI devices, a device on its USB controller's port.
- Each NIC model is checked from inside a guest whose kernel has every NIC driver (the
  ``nics`` guest, booted directly with the seed's disk/vif/vfb keys): PCI vendor:device,
  the driver that bound it, the profile's MAC.
"""

from __future__ import annotations

import os
import re
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.fixtures.guests import driver_cd, installer_iso, nics_guest, tiny_guest
from tests.integration.hvenv import HvEnv
from tests.integration.seedprof import (
    GIB,
    link_media,
    log_size,
    run_in_guest,
    seed_profile,
    wait_log,
)

# QEMU NIC model -> (PCI vendor:device the guest sees, the Linux driver that binds it)
NIC_IDS = {
    "rtl8139": ("10ec:8139", "8139cp"),
    "ne2k_pci": ("10ec:8029", "ne2k-pci"),
    "e1000": ("8086:100e", "e1000"),
    "virtio": ("1af4:1000", "virtio_net"),
}
ALL_NIC_IDS = {pci for pci, _ in NIC_IDS.values()}
CIRRUS, STDVGA, UHCI = "1013:00b8", "1234:1111", "8086:7020"
TZ_OFFSET = -10 * 3600  # the daemon runs with TZ=HVT+10: local time is UTC-10h
# the two port status registers of the guest's UHCI controller, read with 16-bit I/O through
# sysfs (the guests have no USB drivers; the PCI core alone gives this)
UHCI_PORTSC = ("d=$(grep -l 0x0c0300 /sys/bus/pci/devices/*/class); d=${d%/class}; "
               "for o in 8 9; do dd if=$d/resource4 bs=2 skip=$o count=1 2>/dev/null | od -An -tx2; done")


def pci_ids(log: str) -> list[str]:
    return re.findall(r"^HVMCTL-PCI ([0-9a-f]{4}:[0-9a-f]{4}) ", log, re.M)


@pytest.fixture
def hv_tz() -> Iterator[HvEnv]:
    """An hvmctl whose daemon (and so QEMU) lives in a time zone 10 hours west of UTC."""
    env = HvEnv.make()
    env.env["TZ"] = "HVT+10"
    env.start_daemon()
    try:
        yield env
    finally:
        env.cleanup()


def _blank_image(path: Path) -> None:
    """A fresh sparse 20 GiB image for the install (the image command is tested elsewhere)."""
    with path.open("wb") as fh:
        fh.truncate(20 * GIB)


def _gone(hv: HvEnv, name: str) -> bool:
    return name not in [d["name"] for d in hv.domains()]


def test_winsrv2003_installs_from_iso(hv: HvEnv) -> None:
    domu = hv.base / "domU"
    link_media(domu, {"winsrv2003.iso": installer_iso().path})
    _blank_image(domu / "winsrv2003.img")
    hv.write_profile("winsrv2003", seed_profile("winsrv2003", domu))
    created = hv.hv("create", "winsrv2003").stdout
    assert "mac 00:16:3e:3f:a9:16 (rtl8139)" in created, created
    log = wait_log(hv, "winsrv2003", "HVMCTL-INSTALL-DONE", timeout=180)
    assert "HVMCTL-BOOTED-FROM cdrom" in log
    ids = pci_ids(log)
    assert NIC_IDS["rtl8139"][0] in ids and not (ALL_NIC_IDS - {NIC_IDS["rtl8139"][0]}) & set(ids), ids
    hv.wait_for(lambda: _gone(hv, "winsrv2003"), 60, "winsrv2003 to go after the install")
    with (domu / "winsrv2003.img").open("rb") as fh:
        assert fh.read(512)[510:] == b"\x55\xaa", "the installer wrote no MBR"


def test_vista_enterprise_install_then_driver_cd_localtime_tablet_stdvga(hv_tz: HvEnv) -> None:
    hv = hv_tz
    name = "vista-enterprise"
    domu = hv.base / "domU"
    link_media(domu, {"vista-enterprise.iso": installer_iso().path, "drivercd.iso": driver_cd().path})
    _blank_image(domu / "vista-enterprise.img")

    # the install profile: no model= -> rtl8139
    hv.write_profile("vista-enterprise.install", seed_profile("vista-enterprise.install", domu))
    hv.hv("create", "vista-enterprise.install")
    log = wait_log(hv, name, "HVMCTL-INSTALL-DONE", timeout=180)
    ids = pci_ids(log)
    assert NIC_IDS["rtl8139"][0] in ids and NIC_IDS["ne2k_pci"][0] not in ids, ids
    assert CIRRUS in ids and STDVGA not in ids and UHCI not in ids, ids
    hv.wait_for(lambda: _gone(hv, name), 60, "the installer's power-off")

    # the seed's post-install profile, with xm create's command-line keys for the rest
    hv.write_profile(name, seed_profile(name, domu))
    before = log_size(hv, name)
    hv.hv("create", name, "localtime=1", "usbdevice=tablet", "stdvga=1")
    log = wait_log(hv, name, "HVMCTL-READY", after=before, timeout=180)
    assert "HVMCTL-BOOTED-FROM disk" in log
    ids = pci_ids(log)
    assert NIC_IDS["ne2k_pci"][0] in ids and NIC_IDS["rtl8139"][0] not in ids, ids  # model=ne2k_pci
    assert STDVGA in ids and CIRRUS not in ids, ids  # stdvga
    assert UHCI in ids, ids  # usbdevice: the USB controller the tablet hangs on

    # the driver CD is readable in the guest
    seen = run_in_guest(hv, name, "mount -t iso9660 -o ro /dev/sr0 /mnt && cat /mnt/DRIVER.TXT; umount /mnt")
    assert "HVMCTL-DRIVER-CD" in seen, seen

    # localtime: the guest's hardware clock runs on the host's local time (UTC-10h here)
    seen = run_in_guest(hv, name, "cat /sys/class/rtc/rtc0/since_epoch")
    offset = int(seen.split()[-1]) - time.time()
    assert abs(offset - TZ_OFFSET) < 300, f"guest RTC is {offset:.0f} s from UTC; expected {TZ_OFFSET}"

    # the tablet: a device is plugged into port 1 of the guest's UHCI controller (PORTSC1,
    # read through the controller's I/O BAR: bit 0 "current connect status")
    seen = run_in_guest(hv, name, UHCI_PORTSC)
    portsc = [int(w, 16) for w in seen.split() if re.fullmatch(r"[0-9a-f]{4}", w)]
    assert len(portsc) == 2 and portsc[0] & 1, f"UHCI PORTSC1/2: {seen!r}"
    hv.hv("destroy", name)
    argv = hv.hv("create", "--dry-run", name, "usbdevice=tablet").stdout
    assert "usb-tablet,bus=usb.0" in argv  # ... and it is the tablet

    # control, same daemon and time zone: without those keys, UTC clock, relative pointer, cirrus
    hv.write_profile("ctl", _direct_profile("ctl", tiny_guest()))
    hv.hv("create", "ctl")
    log = wait_log(hv, "ctl", "HVMCTL-READY", timeout=120)
    ids = pci_ids(log)
    assert CIRRUS in ids and STDVGA not in ids and UHCI not in ids, ids
    seen = run_in_guest(hv, "ctl", "cat /sys/class/rtc/rtc0/since_epoch")
    assert abs(int(seen.split()[-1]) - time.time()) < 300


def _direct_profile(name: str, guest: object) -> str:
    from tests.fixtures.guests import Guest

    assert isinstance(guest, Guest)
    return (f'name = "{name}"\nbuilder = "hvm"\nmemory = 128\nkernel = "{guest.kernel}"\n'
            f'ramdisk = "{guest.initrd}"\nextra = "{guest.cmdline}"\nvfb = ["type=vnc,vncunused=1"]\n')


@pytest.mark.parametrize("model", sorted(NIC_IDS))
def test_nic_model_is_what_the_guest_sees(hv: HvEnv, model: str) -> None:
    """vista-enterprise's profile (its ne2k_pci swapped for the model under test; for rtl8139
    the ``model=`` is dropped, which must mean rtl8139) booting the nics guest directly."""
    name = "vista-enterprise"
    domu = hv.base / "domU"
    link_media(domu, {"drivercd.iso": driver_cd().path})
    with (domu / "vista-enterprise.img").open("wb") as fh:
        fh.truncate(GIB)
    swap: dict[str, str] = {}
    if model == "rtl8139":
        swap = {", model=ne2k_pci": ""}
    elif model != "ne2k_pci":
        swap = {"model=ne2k_pci": f"model={model}"}
    hv.write_profile(name, seed_profile(name, domu, replace=swap))
    guest = nics_guest()
    hv.hv("create", name, f"kernel={guest.kernel}", f"ramdisk={guest.initrd}", f"extra={guest.cmdline}")
    log = wait_log(hv, name, "HVMCTL-READY", timeout=180)
    pci, driver = NIC_IDS[model]
    lines = [ln for ln in log.splitlines() if ln.startswith("HVMCTL-PCI ")]
    nic_lines = [ln for ln in lines if ln.split()[1] in ALL_NIC_IDS]
    assert len(nic_lines) == 1 and nic_lines[0].split()[1] == pci, lines
    nics = re.findall(r"^HVMCTL-NIC (\S+) driver=(\S+) mac=(\S+)", log, re.M)
    assert nics == [("eth0", driver, "00:16:3e:4f:a9:17")], nics
    assert os.path.exists(domu / "drivercd.iso")
    seen = run_in_guest(hv, name, "mount -t iso9660 -o ro /dev/sr0 /mnt && cat /mnt/DRIVER.TXT; umount /mnt")
    assert "HVMCTL-DRIVER-CD" in seen, seen
