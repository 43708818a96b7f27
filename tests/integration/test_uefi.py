"""A UEFI guest (``bios = "ovmf"``): OVMF boots the tiny guest from an EFI system partition
by the removable-media path, the guest sees /sys/firmware/efi, and a UEFI variable it
writes through efivarfs is still there after a reboot (the daemon's restart of QEMU) and
after a save and a restore followed by another reboot -- the domain's own variable store
is what the firmware reads each time."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from tests.fixtures import efi
from tests.integration.hvenv import HvEnv
from tests.integration.test_migration import run_in_guest, type_line

pytestmark = pytest.mark.skipif(not (Path("/usr/share/OVMF/OVMF_CODE_4M.fd").is_file() and efi.have_tools()),
                                reason="needs Debian's ovmf and grub-efi-amd64-bin, mtools, dosfstools")
UUID = "6f1c2a3b-0000-4000-8000-0000000ef100"
VAR = "/sys/firmware/efi/efivars/HvmctlTest-6f1c2a3b-1111-4222-8333-444455556666"


def uefi_profile(name: str, disk: Path) -> str:
    return (f'name = "{name}"\nuuid = "{UUID}"\ntype = "hvm"\nbios = "ovmf"\nmemory = 256\n'
            f'disk = ["file:{disk},hda,w"]\nvnc = 0\non_reboot = "restart"\n')


def read_var(hv: HvEnv, name: str, tag: str) -> str:
    return run_in_guest(hv, name, tag, f"tail -c +5 {VAR} 2>&1 || echo none")


def mount_efivarfs(hv: HvEnv, name: str) -> None:
    type_line(hv, name, "insmod /lib/efivarfs.ko; mount -t efivarfs efivarfs /sys/firmware/efi/efivars")


def test_uefi_guest_boots_and_keeps_its_variables(hv: HvEnv, tmp_path: Path) -> None:
    disk = tmp_path / "esp.img"
    shutil.copyfile(efi.esp_disk().path, disk)
    hv.write_profile("uefi", uefi_profile("uefi", disk))
    dry = hv.hv("create", "uefi", "--dry-run", "--json").json()
    nvram = hv.base / "state" / "nvram" / f"{UUID}.fd"
    assert f"if=pflash,format=raw,unit=1,file={nvram}" in dry["argv"]
    assert not [w for w in dry["warnings"] if "bios" in w]

    hv.hv("create", "uefi")
    assert nvram.stat().st_size == Path("/usr/share/OVMF/OVMF_VARS_4M.fd").stat().st_size
    hv.wait_console("uefi", "HVMCTL-BOOTED-FROM esp", timeout=240)
    hv.wait_console("uefi", "HVMCTL-READY", timeout=60)
    assert run_in_guest(hv, "uefi", "EFI", "test -d /sys/firmware/efi && echo yes || echo no") == "yes"
    mount_efivarfs(hv, "uefi")
    type_line(hv, "uefi", rf"printf '\007\000\000\000HVMCTL42' > {VAR}")
    assert read_var(hv, "uefi", "V1") == "HVMCTL42"
    assert b"HVMCTL42" in nvram.read_bytes()  # in the domain's own store on the host

    # a reboot: QEMU ends and the daemon starts a new one on the same store
    type_line(hv, "uefi", "reboot -f")
    hv.wait_console("uefi", "HVMCTL-READY", timeout=240, count=2)
    mount_efivarfs(hv, "uefi")
    assert read_var(hv, "uefi", "V2") == "HVMCTL42"

    # save and restore: the transient domain's store is gone with it, and comes back
    # from the save file; a reboot after the restore reads it again from the firmware
    save = tmp_path / "uefi.save"
    hv.hv("save", "uefi", str(save))
    hv.wait_for(lambda: not nvram.exists(), timeout=30, what="the saved domain's store removed")
    hv.hv("restore", str(save))
    assert b"HVMCTL42" in nvram.read_bytes()
    assert read_var(hv, "uefi", "V3") == "HVMCTL42"
    type_line(hv, "uefi", "reboot -f")
    hv.wait_console("uefi", "HVMCTL-READY", timeout=240, count=3)
    mount_efivarfs(hv, "uefi")
    assert read_var(hv, "uefi", "V4") == "HVMCTL42"
    log = (hv.base / "state" / "log" / "uefi.console.log").read_text(errors="replace")
    assert len(re.findall(r"HVMCTL-BOOTED-FROM esp", log)) == 3

    hv.hv("destroy", "uefi")
    assert not nvram.exists()


def test_secure_boot_firmware_refuses_an_unsigned_loader(hv: HvEnv, tmp_path: Path) -> None:
    """secure_boot = 1: q35 + SMM and OVMF's Secure Boot build with Microsoft's keys; the
    ESP's GRUB is not signed, so the firmware refuses it (and the guest never starts)."""
    disk = tmp_path / "esp.img"
    shutil.copyfile(efi.esp_disk().path, disk)
    hv.write_profile("sb", uefi_profile("sb", disk).replace('bios = "ovmf"\n', "secure_boot = 1\n"))
    dry = hv.hv("create", "sb", "--dry-run", "--json").json()
    assert any(n.startswith("secure_boot: machine q35 with SMM") for n in dry["notes"])
    hv.hv("create", "sb")
    text = hv.wait_console("sb", "Access Denied", timeout=180)
    assert "HVMCTL-BOOTED-FROM" not in text
    argv = " ".join(hv.hv("profile", "sb").stdout.splitlines())
    assert "machine pc-q35" in argv  # pinned to q35's versioned type
    hv.hv("destroy", "sb")
