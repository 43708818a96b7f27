"""Seed 2.3.1 end to end, literally: a 20 GB sparse image, the install from the boot ISO with
the seed's own profile, power off, the cdrom line removed, the installed system booted from
``hda`` -- and the 20 GB image still holding only what the installer wrote.

The installer ISO is real (tests/fixtures/guests.py): it partitions the empty disk, copies a
FAT filesystem with SYSLINUX, a kernel and an init onto it, writes the MBR and powers off.
"""

from __future__ import annotations

import subprocess
from pathlib import Path

from tests.fixtures.guests import installer_iso
from tests.integration.hvenv import HvEnv
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
MIB = 1 << 20
SECTORS_20G = 20 * GIB // 512


def _gone(hv: HvEnv, name: str) -> bool:
    return name not in [d["name"] for d in hv.domains()]


def check_installed_mbr(image: Path) -> None:
    """What the installer wrote: boot code, one active FAT16 (LBA) partition from sector
    2048 to the end of the 20 GiB disk, the 55AA signature."""
    with image.open("rb") as fh:
        mbr = fh.read(512)
    assert mbr[510:512] == b"\x55\xaa", "no MBR signature: nothing was installed"
    assert any(mbr[:440]), "no boot code in the MBR"
    entry = mbr[446:462]
    assert entry[0] == 0x80 and entry[4] == 0x0E, f"partition 1 not active FAT16 LBA: {entry.hex()}"
    start = int.from_bytes(entry[8:12], "little")
    length = int.from_bytes(entry[12:16], "little")
    assert (start, start + length) == (2048, SECTORS_20G)


def test_seed_2_3_1_install_then_boot_installed(hv: HvEnv) -> None:
    domu = hv.base / "domU"
    link_media(domu, {"boot.iso": installer_iso().path})
    image = domu / NAME

    # 1. the 20 GB sparse image -- hvmctl's own command, and the seed's dd beside it
    hv.hv("image", "create", str(image), "20G")
    assert image.stat().st_size == 20 * GIB
    assert allocated(image) <= 64 * 1024, f"a new 20G image occupies {allocated(image)} bytes"
    again = hv.hv("image", "create", str(image), "20G", check=False)
    assert again.returncode != 0 and "exist" in again.stderr, again.stderr
    assert image.stat().st_size == 20 * GIB and allocated(image) <= 64 * 1024  # untouched
    seed_dd = domu / "SL50_64.dd"
    subprocess.run(["dd", "if=/dev/zero", f"of={seed_dd}", "bs=1k", "seek=20479k", "count=1"],
                   check=True, capture_output=True, timeout=30)
    assert abs(seed_dd.stat().st_size - image.stat().st_size) < MIB  # the same 20 GB, give or take dd's 1 MiB
    assert allocated(seed_dd) <= 64 * 1024
    hv.hv("image", "create", "--force", str(seed_dd), "20G")  # told to: replaced
    assert seed_dd.stat().st_size == 20 * GIB

    # 2. xm create with the boot ISO as hdc:cdrom,r and boot = "d" (the seed's profile)
    hv.write_profile(NAME, seed_profile("SL50_64.install", domu))
    out = hv.hv("create", NAME).stdout
    assert f"Started domain {NAME}" in out
    table = hv.hv("list").stdout.splitlines()
    assert table[0].split() == ["Name", "ID", "Mem", "VCPUs", "State", "Time(s)"]
    assert table[1].split()[0] == "Domain-0"
    row = next(line.split() for line in table if line.startswith(NAME))
    assert row[2:4] == ["1024", "1"]
    vnc = hv.hv("vncviewer", "--print", NAME).stdout.strip()
    assert vnc.startswith("127.0.0.1:59"), vnc  # vncunused=1: a free display on localhost

    log = wait_log(hv, NAME, "HVMCTL-INSTALL-DONE", timeout=180)
    assert "HVMCTL-BOOTED-FROM cdrom" in log
    assert f"HVMCTL-INSTALL-TARGET /dev/sda sectors={SECTORS_20G}" in log  # the guest saw 20 GiB
    # the installer powers off; on_shutdown = 'destroy' removes the domain
    hv.wait_for(lambda: _gone(hv, NAME), 60, f"{NAME} to be destroyed after the install")

    # 4. (after the install) the image holds what was written, nothing more
    check_installed_mbr(image)
    used = allocated(image)
    assert image.stat().st_size == 20 * GIB
    assert MIB < used < 64 * MIB, f"installed image occupies {used} bytes"

    # 3. the cdrom line removed (the seed's second profile), xm create again: boots hda
    hv.write_profile(NAME, seed_profile("SL50_64", domu))
    before = log_size(hv, NAME)
    hv.hv("create", NAME)
    log = wait_log(hv, NAME, "HVMCTL-READY", after=before, timeout=180)
    assert "HVMCTL-BOOTED-FROM disk" in log and "INSTALL" not in log
    assert "arch=x86_64" in log
    # userspace answers: the installed system's shell, its root on the installed disk
    answer = run_in_guest(hv, NAME, "cat /proc/cmdline; cat /sys/block/sda/size")
    assert "hvtest.bootedfrom=disk" in answer and str(SECTORS_20G) in answer, answer
    hv.hv("shutdown", "-w", NAME, timeout=120)
    hv.wait_for(lambda: _gone(hv, NAME), 30, f"{NAME} to go after shutdown")
    assert allocated(image) < 64 * MIB
    assert image.stat().st_size == 20 * GIB
