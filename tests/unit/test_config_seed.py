"""The seed's eight profiles (S1): each parses to the DomainConfig the seed describes."""

from __future__ import annotations

from pathlib import Path

import pytest

from hvmctl.config import LoadedProfile, load_profile
from hvmctl.config.model import DiskSpec, VfbSpec, VifSpec
from tests.fixtures.seedfiles import SEED_PROFILES

SEED = SEED_PROFILES
SEED_PROFILES = [
    "SL50_64", "SL50_64.install", "lists", "lists.phy", "lists.pv",
    "vista-enterprise", "vista-enterprise.install", "winsrv2003",
]  # fmt: skip
VNC_UNUSED = VfbSpec(type="vnc", vncunused=True, vncdisplay=None, vnclisten="127.0.0.1")


def load(name: str) -> LoadedProfile:
    return load_profile(name, search_dirs=[SEED])


@pytest.mark.parametrize("name", SEED_PROFILES)
def test_every_seed_profile_parses_cleanly(name: str) -> None:
    loaded = load(name)
    assert loaded.path == str(SEED / name)
    assert loaded.config.source == str(SEED / name)
    assert loaded.warnings == ()
    assert loaded.config.vcpus == 1
    assert loaded.config.vfb == VNC_UNUSED
    assert loaded.config.on_reboot == "restart" and loaded.config.on_crash == "restart"
    assert loaded.config.on_poweroff == "destroy"


def test_sl50_64_installed_system() -> None:
    cfg = load("SL50_64").config
    assert cfg.name == "SL50_64" and cfg.builder == "hvm" and cfg.is_hvm
    assert cfg.memory == 1024  # given as the string "1024"
    assert cfg.disks == (DiskSpec("/xen/domU/SL50_64", "hda", "w", "disk", "file", None),)
    assert cfg.vifs == (VifSpec(mac="00:16:3e:3f:a9:06", bridge="xenbr0"),)
    assert cfg.vifs[0].nic_model == "rtl8139"
    assert cfg.uuid == "ffc68565-354a-32da-7302-72a1bd5ff1bf"
    assert cfg.kernel is None  # the seed's typo 'hvmlloader' is still hvmloader
    assert cfg.device_model == "/usr/lib64/xen/bin/qemu-dm"
    assert cfg.boot == "c"
    assert cfg.on_poweroff == "destroy"  # from on_shutdown
    assert cfg.line_of("on_shutdown") == 14 and cfg.line_of("on_poweroff") == 14
    assert cfg.line_of("disk") == 5 and cfg.line_of("disks") == 5


def test_sl50_64_install_boots_the_iso() -> None:
    cfg = load("SL50_64.install").config
    assert cfg.name == "SL50_64"  # the name key wins over the file name
    assert cfg.boot == "d"
    iso, disk = cfg.disks
    assert iso == DiskSpec("/xen/domU/boot.iso", "hdc", "r", "cdrom", "file", None)
    assert iso.readonly and not iso.empty and iso.bus == "ide"
    assert disk.vdev == "hda" and disk.mode == "w" and disk.devtype == "disk"
    assert cfg.kernel is None  # the correctly spelt hvmloader


def test_lists_hvm_port() -> None:
    cfg = load("lists").config
    assert (cfg.name, cfg.builder, cfg.memory) == ("lists", "hvm", 1024)
    assert cfg.disks == (DiskSpec("/xen/domU/lists.img", "hda", "w", "disk", "file", None),)
    assert cfg.vifs == (VifSpec(mac="00:16:3e:3f:a9:f5", bridge="xenbr1"),)
    assert cfg.uuid == "ffc68565-354a-32da-7302-72a1bd5ff1af"


def test_lists_phy_partition_and_two_nics() -> None:
    cfg = load("lists.phy").config
    assert cfg.name == "lists"
    image, partition = cfg.disks
    assert image.target == "/xen/domU/lists.img" and image.vdev == "hda"
    assert partition == DiskSpec("/dev/sdb2", "hdb", "w", "disk", "phy", "raw")
    # the second vif string is continued with a backslash onto the next line
    assert cfg.vifs == (
        VifSpec(mac="00:16:3e:5f:77:fd", bridge="xenbr0"),
        VifSpec(mac="00:16:3e:5f:77:fc", bridge="xenbr1"),
    )
    assert cfg.uuid is None  # left to the toolstack
    assert cfg.line_of("vfb") == 8  # the continuation line counts


def test_lists_pv_profile_stays_pv() -> None:
    cfg = load("lists.pv").config
    assert cfg.builder == "linux" and not cfg.is_hvm
    assert cfg.bootloader == "/usr/bin/pygrub"
    assert cfg.kernel is None
    assert cfg.disks == (DiskSpec("/xen/domU/lists.img", "xvda", "w", "disk", "tap:aio", "raw"),)
    assert cfg.disks[0].bus == "virtio"
    assert cfg.vifs == (VifSpec(mac="00:16:3e:3f:a9:f5", bridge="xenbr1"),)
    assert cfg.uuid == "ffc68565-354a-32da-7302-72a1bd5ff1af"  # same identity as the HVM port


def test_vista_enterprise_ne2k_and_driver_cd() -> None:
    cfg = load("vista-enterprise").config
    assert cfg.memory == 2048 and cfg.boot == "c"
    assert cfg.disks[0] == DiskSpec("/xen/domU/drivercd.iso", "hdc", "r", "cdrom", "file", None)
    assert cfg.disks[1] == DiskSpec("/xen/domU/vista-enterprise.img", "hda", "w", "disk", "file", None)
    assert cfg.vifs == (VifSpec(mac="00:16:3e:4f:a9:17", bridge="xenbr1", model="ne2k_pci"),)
    assert cfg.vifs[0].nic_model == "ne2k_pci"
    assert cfg.kernel is None


def test_vista_enterprise_install() -> None:
    cfg = load("vista-enterprise.install").config
    assert cfg.name == "vista-enterprise" and cfg.memory == 2048 and cfg.boot == "d"
    assert [(d.vdev, d.mode, d.devtype) for d in cfg.disks] == [("hdc", "r", "cdrom"), ("hda", "w", "disk")]
    assert cfg.vifs == (VifSpec(mac="00:16:3e:4f:b9:17", bridge="xenbr1"),)


def test_winsrv2003_install() -> None:
    cfg = load("winsrv2003").config
    assert cfg.name == "winsrv2003" and cfg.memory == 1024 and cfg.boot == "d"
    assert [d.target for d in cfg.disks] == ["/xen/domU/winsrv2003.iso", "/xen/domU/winsrv2003.img"]
    assert [(d.vdev, d.mode, d.devtype) for d in cfg.disks] == [("hdc", "r", "cdrom"), ("hda", "w", "disk")]
    assert cfg.vifs == (VifSpec(mac="00:16:3e:3f:a9:16", bridge="xenbr0"),)


def test_installed_and_install_profiles_share_identity() -> None:
    installed, install = load("SL50_64").config, load("SL50_64.install").config
    assert installed.uuid == install.uuid
    assert installed.vifs == install.vifs
    assert installed.disks == install.disks[1:]


def test_seed_config_survives_the_runtime_record() -> None:
    cfg = load("lists.phy").config
    assert type(cfg).from_dict(cfg.to_dict()) == cfg
