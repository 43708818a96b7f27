"""hvmctl profile --format xm|xl|libvirt: golden files for a live definition with every
device kind, the xl.cfg reading back (hvmctl's own reader) to the same definition, and the
libvirt XML escaping what it holds."""

from __future__ import annotations

import os
import xml.etree.ElementTree as ET
from dataclasses import replace
from pathlib import Path

import pytest

from hvmctl.config import parse_profile
from hvmctl.config.libvirt import write_libvirt
from hvmctl.config.model import CpuPlug, DiskSpec, DomainConfig, VfbSpec, VifSpec
from hvmctl.config.writer import write_live_xl, write_live_xm

GOLDEN = Path(__file__).parent / "golden" / "interop"
WRITERS = {"xm": write_live_xm, "xl": write_live_xl, "libvirt": write_libvirt}
SUFFIX = {"xm": ".xm", "xl": ".xl.cfg", "libvirt": ".xml"}

LIVE = DomainConfig(
    name="web<1>&co", uuid="3f2a0c5e-8d7b-4c1e-9a6f-0b1c2d3e4f50", memory=256, maxmem=512, vcpus=1, maxvcpus=4,
    disks=(DiskSpec("/srv/web.qcow2", "xvda", "w", "disk", "file", "qcow2"),
           DiskSpec("/dev/vg0/data", "sdb", "w", "disk", "phy", "raw"),
           DiskSpec("/srv/iso/tools.iso", "hdc", "r", "cdrom", "file", None),
           DiskSpec("/srv/ro.img", "hdb", "r", "disk", "file", "raw")),
    vifs=(VifSpec(mac="00:16:3e:00:00:01", bridge="xenbr0", model="virtio"), VifSpec(mac="00:16:3e:00:00:02")),
    vfb=VfbSpec(vncunused=False, vncdisplay=3, vnclisten="0.0.0.0"),
    boot="dc", kernel="/boot/vmlinuz", ramdisk="/boot/initrd", root="/dev/vda1", extra="console=ttyS0 quiet",
    on_poweroff="destroy", on_reboot="restart", on_crash="coredump-restart", localtime=True,
    machine="pc-i440fx-7.2", cpu_plugs=(CpuPlug("cpu1", "qemu64-x86_64-cpu", (("socket-id", 1),)),),
    slots={"xvda": 4},
)


@pytest.mark.parametrize("fmt", list(WRITERS))
def test_golden(fmt: str) -> None:
    text = WRITERS[fmt](LIVE)
    golden = GOLDEN / f"live{SUFFIX[fmt]}"
    if os.environ.get("HVMCTL_UPDATE_GOLDEN"):
        golden.write_text(text)
    assert text == golden.read_text(), f"{fmt} output changed; HVMCTL_UPDATE_GOLDEN=1 to accept"


def test_xl_reads_back_to_the_same_definition() -> None:
    cfg = replace(LIVE, name="web1")  # an xl name has no '<'
    again = parse_profile(write_live_xl(cfg), filename="/etc/xen/web1.cfg", default_name="web1").config
    # the vCPU online is a plain vCPU in a profile; what only QEMU needs (slots, machine) is not in it
    want = replace(cfg, vcpus=2, cpu_plugs=(), slots={}, machine=None)
    assert again == want


def test_libvirt_xml_escapes_and_maps() -> None:
    dom = ET.fromstring(write_libvirt(LIVE))
    assert dom.get("type") == "qemu" and dom.findtext("name") == "web<1>&co"
    assert dom.findtext("uuid") == LIVE.uuid
    assert dom.find("memory").text == "512" and dom.find("currentMemory").text == "256"  # type: ignore[union-attr]
    vcpu = dom.find("vcpu")
    assert vcpu is not None and vcpu.text == "4" and vcpu.get("current") == "2"
    assert [b.get("dev") for b in dom.iterfind("os/boot")] == ["cdrom", "hd"]
    assert dom.findtext("os/cmdline") == "root=/dev/vda1 console=ttyS0 quiet"
    targets = {d.find("target").get("dev"): d for d in dom.iterfind("devices/disk")}  # type: ignore[union-attr]
    assert set(targets) == {"vda", "sdb", "hdc", "hdb"}
    assert targets["sdb"].get("type") == "block" and targets["sdb"].find("source").get("dev") == "/dev/vg0/data"  # type: ignore[union-attr]
    assert targets["hdc"].get("device") == "cdrom" and targets["hdc"].find("readonly") is not None
    assert targets["vda"].find("driver").get("type") == "qcow2"  # type: ignore[union-attr]
    kinds = [(i.get("type"), i.find("mac").get("address")) for i in dom.iterfind("devices/interface")]  # type: ignore[union-attr]
    assert kinds == [("bridge", "00:16:3e:00:00:01"), ("user", "00:16:3e:00:00:02")]
    graphics = dom.find("devices/graphics")
    assert graphics is not None and graphics.get("port") == "5903" and graphics.get("autoport") == "no"
    assert dom.findtext("on_crash") == "coredump-restart" and dom.find("clock").get("offset") == "localtime"  # type: ignore[union-attr]
