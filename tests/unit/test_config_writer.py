"""The writers: the seed profiles, and configs of every device kind, read back equal."""

from __future__ import annotations

from pathlib import Path

import pytest

from hvmctl.config import LoadedProfile, load_profile, parse_profile, write_xl, write_xm
from hvmctl.config.model import DiskSpec, DomainConfig, VfbSpec, VifSpec
from hvmctl.config.writer import quote, vif_entry, xl_disk, xm_disk
from hvmctl.errors import ConfigError
from tests.fixtures.seedfiles import SEED_PROFILES

SEED = SEED_PROFILES
SEED_PROFILES = [
    "SL50_64", "SL50_64.install", "lists", "lists.phy", "lists.pv",
    "vista-enterprise", "vista-enterprise.install", "winsrv2003",
]  # fmt: skip
WRITERS = {"xm": write_xm, "xl": write_xl}


def reread(text: str) -> LoadedProfile:
    return parse_profile(text, filename="/etc/xen/written", default_name="written")


@pytest.mark.parametrize("writer", list(WRITERS))
@pytest.mark.parametrize("name", SEED_PROFILES)
def test_seed_profiles_round_trip(name: str, writer: str) -> None:
    cfg = load_profile(name, search_dirs=[SEED]).config
    text = WRITERS[writer](cfg)
    again = reread(text)
    assert again.config == cfg
    assert again.warnings == ()
    assert WRITERS[writer](again.config) == text  # writing is stable


def test_xm_output_looks_like_the_seed() -> None:
    text = write_xm(load_profile("SL50_64.install", search_dirs=[SEED]).config)
    assert 'builder = "hvm"' in text
    assert 'kernel = "/usr/lib/xen/boot/hvmloader"' in text
    assert '"file:/xen/domU/boot.iso,hdc:cdrom,r",' in text
    assert '"mac=00:16:3e:3f:a9:06, bridge=xenbr0",' in text
    assert '"type=vnc,vncunused=1,vnclisten=127.0.0.1",' in text
    assert 'uuid = "ffc68565-354a-32da-7302-72a1bd5ff1bf"' in text


def test_xl_output_uses_xl_spellings() -> None:
    text = write_xl(load_profile("lists.phy", search_dirs=[SEED]).config)
    assert 'type = "hvm"' in text and "builder" not in text
    assert '"format=raw, vdev=hdb, access=rw, backendtype=phy, target=/dev/sdb2",' in text
    assert 'device_model_override = "/usr/lib64/xen/bin/qemu-dm"' in text
    assert "vnc = 1\nvncunused = 1\n" in text
    assert "kernel" not in text


@pytest.mark.parametrize(
    ("disk", "xm", "xl"),
    [
        (DiskSpec("/a", "hda", "w", "disk", "file", None), "file:/a,hda,w", "vdev=hda, access=rw, target=/a"),
        (DiskSpec("/a", "hda", "w", "disk", "file", "raw"), "raw:/a,hda,w", "format=raw, vdev=hda, access=rw, target=/a"),
        (DiskSpec("/a", "vda", "w", "disk", "file", "qcow2"), "qcow2:/a,vda,w", "format=qcow2, vdev=vda, access=rw, target=/a"),
        (DiskSpec("/dev/sdb2", "hdb", "w!", "disk", "phy", "raw"), "phy:/dev/sdb2,hdb,w!",
         "format=raw, vdev=hdb, access=w!, backendtype=phy, target=/dev/sdb2"),
        (DiskSpec("/a", "xvda", "r", "disk", "tap:aio", "raw"), "tap:aio:/a,xvda,r",
         "format=raw, vdev=xvda, access=ro, backendtype=tap, target=/a"),
        (DiskSpec("/q", "xvdb", "w", "disk", "tap:qcow2", "qcow2"), "tap:qcow2:/q,xvdb,w",
         "format=qcow2, vdev=xvdb, access=rw, backendtype=tap, target=/q"),
        (DiskSpec("/i.iso", "hdc", "r", "cdrom", "file", None), "file:/i.iso,hdc:cdrom,r",
         "vdev=hdc, access=ro, devtype=cdrom, target=/i.iso"),
        (DiskSpec("", "hdc", "r", "cdrom", "file", None), ",hdc:cdrom,r", "vdev=hdc, access=ro, devtype=cdrom"),
    ],
)  # fmt: skip
def test_disk_syntaxes(disk: DiskSpec, xm: str, xl: str) -> None:
    from hvmctl.config.specs import parse_disk

    assert xm_disk(disk) == xm and xl_disk(disk) == xl
    assert parse_disk(xm)[0] == disk and parse_disk(xl)[0] == disk


def test_xm_cannot_write_a_comma_in_a_path() -> None:
    cfg = DomainConfig(name="x", disks=(DiskSpec("/img/a,b", "hda", "w", "disk", "file", "raw"),))
    with pytest.raises(ConfigError, match="contains a comma"):
        write_xm(cfg)
    assert reread(write_xl(cfg)).config == cfg  # xl's target= takes it


def test_vif_entries() -> None:
    assert vif_entry(VifSpec()) == ""
    full = VifSpec("00:16:3e:00:00:01", "xenbr0", "e1000", "10.0.0.1 10.0.0.2", "vif-route", "ioemu", "web0", "10Mb/s", "0")
    assert vif_entry(full) == (
        "mac=00:16:3e:00:00:01, bridge=xenbr0, model=e1000, ip=10.0.0.1 10.0.0.2, script=vif-route, "
        "type=ioemu, vifname=web0, rate=10Mb/s, backend=0"
    )


def test_quoting_reads_back_exactly() -> None:
    tricky = 'say "hi"\\ \n\ttab é,'
    assert parse_profile(f"builder = 'hvm'\nextra = {quote(tricky)}\n", filename="/x").config.extra == tricky


@pytest.mark.parametrize(
    "cfg",
    [
        DomainConfig(name="sdl", vfb=VfbSpec(type="sdl", keymap="it"), keymap="it"),
        DomainConfig(name="pw", vfb=VfbSpec(vncpasswd=" a,b ", vncunused=False, vncdisplay=5)),
        DomainConfig(name="km", vfb=VfbSpec(keymap="de"), keymap="it"),
        DomainConfig(name="v6", vfb=VfbSpec(vnclisten="::1")),
        DomainConfig(name="pv", builder="linux", bootloader="pygrub", bootargs="-q", vfb=VfbSpec(vncunused=False)),
        DomainConfig(name="gen", builder="generic", kernel="/k", ramdisk="/r", root="/dev/xvda1 ro", extra="x=1"),
        DomainConfig(name="pvh", builder="pvh", kernel="/k"),
        DomainConfig(name="hw", usbdevices=("tablet", "host:046d:c52b"), usb=True, soundhw="ac97", stdvga=True,
                      rtc_timeoffset=-60, localtime=True, serial="unix:/run/s", acpi=False, accel="kvm",
                      maxmem=1024, memory=512, vcpus=2, maxvcpus=8, cpus="0-3", boot="ndc",
                      on_poweroff="preserve", on_reboot="destroy", on_crash="coredump-restart"),
        DomainConfig(name="nics", vifs=(VifSpec(), VifSpec(model="virtio"), VifSpec(mac="00:16:3e:00:00:09"))),
    ],
    ids=lambda c: c.name,
)
@pytest.mark.parametrize("writer", list(WRITERS))
def test_device_kinds_round_trip(cfg: DomainConfig, writer: str) -> None:
    again = reread(WRITERS[writer](cfg))
    assert again.config == cfg
    assert again.warnings == ()


def test_usbdevice_is_a_string_in_xm_when_there_is_one() -> None:
    text = write_xm(DomainConfig(name="u", usbdevices=("tablet",)))
    assert 'usbdevice = "tablet"' in text
