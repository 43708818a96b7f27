"""xl's usbdev = [...]: host USB devices by bus/address or vendor/product, as usb-host on the
guest's UHCI controller (argv golden); mistakes refused with the entry named."""

from __future__ import annotations

import os
from pathlib import Path, PurePath

import pytest

from hvmctl.config import parse_profile
from hvmctl.config.writer import write_xm
from hvmctl.errors import ConfigError
from hvmctl.qemu.argv import HostFacts, LaunchPlan, build_argv

GOLDEN = Path(__file__).parent / "golden" / "argv"
PROFILE = ('name = "usb"\nuuid = "6f1c2a3b-0000-4000-8000-00000000eeee"\nbuilder = "hvm"\nmemory = 512\n'
           'disk = ["file:/srv/usb.img,hda,w"]\nusbdevice = "tablet"\n'
           'usbdev = ["hostbus=1,hostaddr=2", "type=hostdev,vendorid=0x046D,productid=0xc52b"]\n')


def test_usbdev_golden_argv() -> None:
    cfg = parse_profile(PROFILE, filename="/etc/xen/usb").config
    assert cfg.usbdevices == ("tablet", "host:1.2", "host:046d:c52b")
    argv = build_argv(cfg, HostFacts(), LaunchPlan(domid=3, run_dir=PurePath("/run/hvmctl/dom/6f1c2a3b"),
                                                    log_dir=PurePath("/var/log/hvmctl"), name=cfg.name))
    assert "usb-host,bus=usb.0,hostbus=1,hostaddr=2" in argv
    assert "usb-host,bus=usb.0,vendorid=0x046d,productid=0xc52b" in argv
    golden = GOLDEN / "usbdev.txt"
    if os.environ.get("HVMCTL_UPDATE_GOLDEN"):
        golden.write_text("\n".join(argv) + "\n")
    assert "\n".join(argv) + "\n" == golden.read_text()
    # the written profile says the same in usbdevice's forms
    assert parse_profile(write_xm(cfg), filename="/etc/xen/usb").config.usbdevices == cfg.usbdevices


@pytest.mark.parametrize("value,message", [
    ('["hostbus=1"]', "expected hostbus=N,hostaddr=N or vendorid"),
    ('["hostbus=1,hostaddr=2,colour=red"]', "expected type=hostdev, hostbus"),
    ('["type=pv,hostbus=1,hostaddr=2"]', "expected type=hostdev"),
    ('["vendorid=0xzz,productid=0x1"]', r"expected USB IDs in hex"),
])
def test_usbdev_mistakes(value: str, message: str) -> None:
    with pytest.raises(ConfigError, match=message):
        parse_profile(PROFILE.replace('["hostbus=1,hostaddr=2", "type=hostdev,vendorid=0x046D,productid=0xc52b"]',
                                      value), filename="/etc/xen/usb")
