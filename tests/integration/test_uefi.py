"""A UEFI guest (``bios = "ovmf"``): OVMF boots the tiny guest from an EFI system partition
by the removable-media path, the guest sees /sys/firmware/efi, and a UEFI variable it
writes through efivarfs is still there after a reboot (the daemon's restart of QEMU),
after a save and a restore followed by another reboot, and after a live migration to
another host followed by a reboot there -- the domain's own variable store is what the
firmware reads each time. With ``secure_boot = 1`` Debian's signed chain (shim, GRUB,
kernel) boots with Secure Boot on, and the firmware or GRUB refuse what is not signed."""

from __future__ import annotations

import os
import re
import shutil
from pathlib import Path

import pytest

from tests.fixtures import efi, sbesp
from tests.integration.hvenv import HvEnv
from tests.integration.migration_hosts import two_hosts
from tests.integration.test_migration import run_in_guest, type_line

pytestmark = pytest.mark.skipif(not (Path("/usr/share/OVMF/OVMF_CODE_4M.fd").is_file() and efi.have_tools()),
                                reason="needs Debian's ovmf and grub-efi-amd64-bin, mtools, dosfstools")
UUID = "6f1c2a3b-0000-4000-8000-0000000ef100"
VAR = "/sys/firmware/efi/efivars/HvmctlTest-6f1c2a3b-1111-4222-8333-444455556666"
#: the firmware's own report (EFI global variable GUID): 4 attribute bytes, then 1 = on
SECURE_BOOT_VAR = "/sys/firmware/efi/efivars/SecureBoot-8be4df61-93ca-11d2-aa0d-00e098032b8c"
#: OVMF's SMM build on q35 leaves a 256 MiB guest too little memory below the kernel's
#: load address for this kernel (init_size 51 MiB at 16 MiB): the signed GRUB then says
#: "couldn't find suitable memory target" (Secure Boot off), or under Secure Boot the
#: kernel's EFI stub it hands over to triple-faults (TCG, measured); 320 MiB boots
SB_MEMORY = 384
signed_chain = pytest.mark.skipif(not sbesp.have_chain(), reason="needs Debian's shim-signed, grub-efi-amd64-signed")


def uefi_profile(name: str, disk: Path) -> str:
    return (f'name = "{name}"\nuuid = "{UUID}"\ntype = "hvm"\nbios = "ovmf"\nmemory = 256\n'
            f'disk = ["file:{disk},hda,w"]\nvnc = 0\non_reboot = "restart"\n')


def sb_profile(name: str, disk: Path) -> str:
    return uefi_profile(name, disk).replace('bios = "ovmf"\n', "secure_boot = 1\n") \
        .replace("memory = 256\n", f"memory = {SB_MEMORY}\n")


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
    # the domain's own store, passed as an fd set (the dry run names the file in it)
    fdset = next(a for a in dry["argv"] if a.endswith(f",opaque=nvram={nvram}")).split(",set=")[1].split(",")[0]
    assert f"if=pflash,format=raw,unit=1,file=/dev/fdset/{fdset},auto-read-only=off" in dry["argv"]
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


@signed_chain
def test_secure_boot_guest_boots_debians_signed_chain(hv: HvEnv, tmp_path: Path) -> None:
    """shim (Microsoft-signed) -> GRUB (Debian-signed) -> the tiny guest's kernel (Debian-
    signed): each stage verified by the one before, and the guest sees Secure Boot on."""
    disk = tmp_path / "sb.img"
    shutil.copyfile(sbesp.signed_esp_disk().path, disk)
    hv.write_profile("sbok", sb_profile("sbok", disk))
    hv.hv("create", "sbok")
    text = hv.wait_console("sbok", "HVMCTL-BOOTED-FROM signed", timeout=480)
    assert sbesp.CFG_MARK in text and sbesp.KERNEL_MARK in text  # GRUB found its grub.cfg, shim passed the kernel
    hv.wait_console("sbok", "HVMCTL-READY", timeout=60)
    assert run_in_guest(hv, "sbok", "SBK", "dmesg | grep -c 'secureboot: Secure boot enabled'") == "1"
    assert run_in_guest(hv, "sbok", "LCK", "dmesg | grep -c 'locked down from EFI Secure Boot'") == "1"
    mount_efivarfs(hv, "sbok")  # a signed module: lockdown loads it
    assert run_in_guest(hv, "sbok", "SBV", f"tail -c 1 {SECURE_BOOT_VAR} | od -An -tu1 | tr -d ' '") == "1"
    hv.hv("destroy", "sbok")


@signed_chain
def test_secure_boot_refuses_an_unsigned_kernel_behind_the_signed_chain(hv: HvEnv, tmp_path: Path) -> None:
    """The same chain with the kernel's signature stripped: shim and GRUB start (they are
    signed), GRUB asks shim to verify the kernel and refuses it; the guest never starts."""
    disk = tmp_path / "sbno.img"
    shutil.copyfile(sbesp.signed_esp_disk(unsigned=True).path, disk)
    hv.write_profile("sbno", sb_profile("sbno", disk))
    hv.hv("create", "sbno")
    text = hv.wait_console("sbno", "bad shim signature", timeout=480)
    assert sbesp.CFG_MARK in text  # the signed GRUB ran its grub.cfg
    text = hv.wait_console("sbno", "you need to load the kernel first", timeout=60)
    assert "EFI stub" not in text and "HVMCTL-BOOTED-FROM" not in text
    hv.hv("destroy", "sbno")


@pytest.mark.skipif(os.geteuid() != 0, reason="network namespaces need root")
def test_uefi_variable_survives_a_live_migration() -> None:
    """The guest writes a variable, moves live to another host (its own state dir), reboots
    there -- a new QEMU reads the variable store from that host's file -- and reads it."""
    with two_hosts() as h:
        disk = h.src.base / "esp-lm.img"  # the same path on both hosts: shared storage
        shutil.copyfile(efi.esp_disk().path, disk)
        h.src.write_profile("ulm", uefi_profile("ulm", disk))
        h.src.hv("create", "ulm")
        h.src.wait_console("ulm", "HVMCTL-READY", timeout=300)
        mount_efivarfs(h.src, "ulm")
        type_line(h.src, "ulm", rf"printf '\007\000\000\000HVMCTL77' > {VAR}")
        assert read_var(h.src, "ulm", "M1") == "HVMCTL77"
        src_nvram = h.src.base / "state" / "nvram" / f"{UUID}.fd"
        dst_nvram = h.dst.base / "state" / "nvram" / f"{UUID}.fd"
        assert b"HVMCTL77" in src_nvram.read_bytes() and not dst_nvram.exists()

        res = h.migrate("--live", "--json", "ulm", h.dst_addr, timeout=300).json()
        assert res["live"] and h.src.domains() == []
        assert not src_nvram.exists()  # the store left with the domain...
        assert b"HVMCTL77" in dst_nvram.read_bytes()  # ...and is the destination's own now
        assert read_var(h.dst, "ulm", "M2") == "HVMCTL77"
        qemu_before = h.dst.domain("ulm")["pid"]

        type_line(h.dst, "ulm", "reboot -f")  # on_reboot = "restart": a new QEMU on dst_nvram
        h.dst.wait_console("ulm", "HVMCTL-BOOTED-FROM esp", timeout=300)
        h.dst.wait_console("ulm", "HVMCTL-READY", timeout=60)
        assert h.dst.domain("ulm")["pid"] != qemu_before
        mount_efivarfs(h.dst, "ulm")
        assert read_var(h.dst, "ulm", "M3") == "HVMCTL77"
        h.dst.hv("destroy", "ulm")
        assert not dst_nvram.exists()
