"""The QEMU argv builder: pure, golden-tested per seed profile, and per device class."""

from __future__ import annotations

import os
from pathlib import Path, PurePath

import pytest

from hvmctl.config import parse_profile
from hvmctl.config.model import DiskSpec, DomainConfig, VfbSpec, VifSpec
from hvmctl.qemu.argv import (
    HostFacts,
    KernelBoot,
    LaunchPlan,
    NicPlan,
    boot_indexes,
    build_argv,
    disk_args,
    nic_args,
    serial_args,
    vnc_args,
)
from tests.fixtures.seedfiles import SEED_PROFILES as SEED

GOLDEN = Path(__file__).parent / "golden" / "argv"
SEED_PROFILES = [
    "SL50_64", "SL50_64.install", "lists", "lists.phy", "lists.pv",
    "vista-enterprise", "vista-enterprise.install", "winsrv2003",
]
FACTS = HostFacts(accel="tcg", qemu_binary="qemu-system-x86_64")


def plan_for(cfg: DomainConfig, domid: int = 7) -> LaunchPlan:
    nics = tuple(
        NicPlan(i, v.mac or f"00:16:3e:00:00:{i:02x}", v.nic_model, "bridge", f"vif{domid}.{i}")
        for i, v in enumerate(cfg.vifs)
    )
    return LaunchPlan(domid=domid, run_dir=PurePath("/run/hvmctl/dom/ffc68565"), nics=nics,
                      log_dir=PurePath("/var/log/hvmctl"), name=cfg.name)


@pytest.mark.parametrize("name", SEED_PROFILES)
def test_seed_profile_golden_argv(name: str) -> None:
    loaded = parse_profile((SEED / name).read_text(), filename=f"/etc/xen/{name}", default_name=name)
    argv = build_argv(loaded.config, FACTS, plan_for(loaded.config))
    golden = GOLDEN / f"{name}.txt"
    text = "\n".join(argv) + "\n"
    if os.environ.get("HVMCTL_UPDATE_GOLDEN"):
        golden.write_text(text)
    assert text == golden.read_text(), f"argv for {name} changed; HVMCTL_UPDATE_GOLDEN=1 to accept"


def test_ide_disks_land_on_the_right_bus_and_unit() -> None:
    cfg = DomainConfig(name="x", disks=(
        DiskSpec("/a", "hda"), DiskSpec("/b", "hdb"), DiskSpec("/c.iso", "hdc", "r", "cdrom"), DiskSpec("/d", "hdd"),
    ))
    args = " ".join(disk_args(cfg, plan_for(cfg)))
    assert "ide-hd,drive=drive-hda,id=hda,bus=ide.0,unit=0,bootindex=1" in args
    assert "ide-hd,drive=drive-hdb,id=hdb,bus=ide.0,unit=1,bootindex=2" in args
    assert "ide-cd,drive=drive-hdc,id=hdc,bus=ide.1,unit=0" in args
    assert "ide-hd,drive=drive-hdd,id=hdd,bus=ide.1,unit=1" in args
    assert "file=/c.iso,if=none,id=drive-hdc,media=cdrom,format=raw,readonly=on" in args


def test_xvd_is_virtio_and_sd_is_scsi() -> None:
    cfg = DomainConfig(name="x", disks=(DiskSpec("/a", "xvda"), DiskSpec("/b", "sda", "r")))
    args = disk_args(cfg, plan_for(cfg))
    # every PCI device has its address; SCSI disks their target from the name (sda = 0)
    assert "virtio-scsi-pci,id=scsi0,bus=pci.0,addr=0x3" in args
    assert "virtio-blk-pci,drive=drive-xvda,id=xvda,bus=pci.0,addr=0x4,bootindex=1" in args
    assert "scsi-hd,drive=drive-sda,id=sda,bus=scsi0.0,scsi-id=0,lun=0,bootindex=2" in args
    assert any("readonly=on" in a and "drive-sda" in a for a in args)


def test_empty_cdrom_and_shared_disk() -> None:
    cfg = DomainConfig(name="x", disks=(DiskSpec("", "hdc", "r", "cdrom"), DiskSpec("/s", "hda", "w!")))
    args = disk_args(cfg, plan_for(cfg))
    assert "if=none,id=drive-hdc,media=cdrom" in args
    assert any("file.locking=off" in a for a in args)


def test_comma_in_path_is_escaped() -> None:
    cfg = DomainConfig(name="x", disks=(DiskSpec("/a,b.img", "hda"),))
    assert any(a.startswith("file=/a,,b.img,") for a in disk_args(cfg, plan_for(cfg)))


@pytest.mark.parametrize(
    "boot,expected",
    [
        ("c", {"hda": 1}),
        ("d", {"hdc": 1}),
        ("dc", {"hdc": 1, "hda": 2}),
        ("cd", {"hda": 1, "hdc": 2}),
        ("n", {"nic0": 1}),
        ("cdn", {"hda": 1, "hdc": 2, "nic0": 3}),
    ],
)
def test_boot_letters_become_bootindex(boot: str, expected: dict[str, int]) -> None:
    cfg = DomainConfig(name="x", boot=boot, disks=(DiskSpec("/a", "hda"), DiskSpec("/c", "hdc", "r", "cdrom")))
    assert boot_indexes(cfg, 1) == expected


def test_nic_models_and_pxe_rom_only_for_network_boot() -> None:
    cfg = DomainConfig(name="x", boot="c", vifs=(VifSpec(model="ne2k_pci"), VifSpec(model="e1000"), VifSpec()))
    plan = LaunchPlan(domid=3, run_dir=PurePath("/r"), nics=(
        NicPlan(0, "00:16:3e:00:00:01", "ne2k_pci", "bridge", "vif3.0"),
        NicPlan(1, "00:16:3e:00:00:02", "e1000", "user", hostfwd=("tcp:127.0.0.1:2222-:22",)),
        NicPlan(2, "00:16:3e:00:00:03", "virtio", "user"),
    ))
    args = nic_args(cfg, plan)
    assert "tap,id=net0,ifname=vif3.0,script=no,downscript=no" in args
    assert "ne2k_pci,netdev=net0,mac=00:16:3e:00:00:01,id=nic0,bus=pci.0,addr=0x3,romfile=" in args
    assert "user,id=net1,hostfwd=tcp:127.0.0.1:2222-:22" in args
    assert "virtio-net-pci,netdev=net2,mac=00:16:3e:00:00:03,id=nic2,bus=pci.0,addr=0x5,romfile=" in args
    netboot = DomainConfig(name="x", boot="n", vifs=(VifSpec(),))
    assert "rtl8139,netdev=net0,mac=00:16:3e:00:00:01,id=nic0,bus=pci.0,addr=0x3,bootindex=1" in nic_args(
        netboot, LaunchPlan(domid=3, run_dir=PurePath("/r"), nics=(NicPlan(0, "00:16:3e:00:00:01", "rtl8139"),))
    )


@pytest.mark.parametrize(
    "serial,expected",
    [
        ("pty", "socket,id=serial0,path=/r/serial.sock,server=on,wait=off,logfile=/r/guest.console.log,logappend=on"),
        ("file:/var/log/g.log", "file,id=serial0,path=/var/log/g.log,logfile=/r/guest.console.log,logappend=on"),
        # qemu-dm's -serial syntax, which xend and xl passed on: no 'server' means connect
        ("unix:/tmp/s", "socket,id=serial0,path=/tmp/s,server=off,logfile=/r/guest.console.log,logappend=on"),
        ("unix:/run/s,server,nowait",
         "socket,id=serial0,path=/run/s,server=on,wait=off,logfile=/r/guest.console.log,logappend=on"),
        ("tcp:127.0.0.1:4555",
         "socket,id=serial0,host=127.0.0.1,port=4555,server=off,telnet=off,logfile=/r/guest.console.log,logappend=on"),
        ("tcp::4555,server,nowait,nodelay", "socket,id=serial0,host=127.0.0.1,port=4555,server=on,nodelay=on,"
         "telnet=off,wait=off,logfile=/r/guest.console.log,logappend=on"),
        ("telnet:0.0.0.0:4444,server,nowait",
         "socket,id=serial0,host=0.0.0.0,port=4444,server=on,telnet=on,wait=off,logfile=/r/guest.console.log,logappend=on"),
        ("udp:192.0.2.1:4555@:4556", "udp,id=serial0,host=192.0.2.1,port=4555,localaddr=0.0.0.0,localport=4556,"
         "logfile=/r/guest.console.log,logappend=on"),
        ("udp::4555", "udp,id=serial0,host=127.0.0.1,port=4555,logfile=/r/guest.console.log,logappend=on"),
        ("pipe:/run/g", "pipe,id=serial0,path=/run/g,logfile=/r/guest.console.log,logappend=on"),
        ("/dev/ttyS1", "serial,id=serial0,path=/dev/ttyS1,logfile=/r/guest.console.log,logappend=on"),
        ("vc", "socket,id=serial0,path=/r/serial.sock,server=on,wait=off,logfile=/r/guest.console.log,logappend=on"),
        ("stdio", "socket,id=serial0,path=/r/serial.sock,server=on,wait=off,logfile=/r/guest.console.log,logappend=on"),
        ("null", "null,id=serial0,logfile=/r/guest.console.log,logappend=on"),
    ],
)
def test_serial_backends(serial: str, expected: str) -> None:
    cfg = DomainConfig(name="x", serial=serial)
    assert serial_args(cfg, LaunchPlan(domid=1, run_dir=PurePath("/r"))) == [
        "-chardev", expected, "-serial", "chardev:serial0"
    ]


def test_serial_none_gives_no_port() -> None:
    assert serial_args(DomainConfig(name="x", serial="none"), LaunchPlan(domid=1, run_dir=PurePath("/r"))) == []


def test_xl_serial_list_gives_several_ports() -> None:
    cfg = parse_profile('builder = "hvm"\nserial = ["pty", "file:/var/log/s1", "pty"]\n',
                        filename="/etc/xen/x", default_name="x").config
    assert (cfg.serial, cfg.more_serials) == ("pty", ("file:/var/log/s1", "pty"))
    assert serial_args(cfg, LaunchPlan(domid=1, run_dir=PurePath("/r"))) == [
        "-chardev", "socket,id=serial0,path=/r/serial.sock,server=on,wait=off,logfile=/r/guest.console.log,logappend=on",
        "-serial", "chardev:serial0",
        "-chardev", "file,id=serial1,path=/var/log/s1", "-serial", "chardev:serial1",
        "-chardev", "socket,id=serial2,path=/r/serial2.sock,server=on,wait=off", "-serial", "chardev:serial2",
    ]
    assert DomainConfig.from_dict(cfg.to_dict()) == cfg


def test_vnc_listens_nowhere_the_daemon_binds_the_display() -> None:
    # whatever the display settings: QEMU opens no port (hvmctl.daemon.vncserve binds it)
    plan = LaunchPlan(domid=4, run_dir=PurePath("/r"), vnc_display=3)
    assert vnc_args(VfbSpec(), plan, None) == ["-vnc", "none"]
    assert vnc_args(VfbSpec(vncunused=False, vncdisplay=7), plan, None) == ["-vnc", "none"]
    assert vnc_args(VfbSpec(vnclisten="::1", vncunused=False, vncdisplay=1), plan, "de") == [
        "-vnc", "none", "-k", "de"
    ]
    secret = vnc_args(VfbSpec(vncpasswd="s3cret"), plan, None)
    assert secret == ["-object", "secret,id=vncpass,file=/r/vnc.secret", "-vnc", "none,password-secret=vncpass"]
    assert "s3cret" not in " ".join(secret)  # never on the command line (ps shows it)


def test_direct_kernel_boot_uses_root_and_extra() -> None:
    cfg = DomainConfig(name="x", builder="linux", kernel="/boot/vmlinuz", ramdisk="/boot/initrd", root="/dev/xvda1 ro",
                       extra="console=ttyS0")
    args = build_argv(cfg, FACTS, LaunchPlan(domid=1, run_dir=PurePath("/r")))
    i = args.index("-kernel")
    assert args[i:i + 6] == ["-kernel", "/boot/vmlinuz", "-initrd", "/boot/initrd", "-append",
                             "root=/dev/xvda1 ro console=ttyS0"]
    resolved = build_argv(cfg, FACTS, LaunchPlan(domid=1, run_dir=PurePath("/r"),
                                                 kernel_boot=KernelBoot("/tmp/k", None, "quiet")))
    assert "/tmp/k" in resolved and "/boot/vmlinuz" not in resolved


def test_toolstack_handles_are_always_there() -> None:
    args = build_argv(DomainConfig(name="x"), FACTS, LaunchPlan(domid=1, run_dir=PurePath("/r")))
    joined = " ".join(args)
    assert "-mon chardev=qmp,mode=control" in joined
    assert "-pidfile /r/qemu.pid" in joined
    assert "-device pvpanic" in joined
    assert "-action reboot=shutdown,shutdown=pause,panic=pause" in joined
    assert "-sandbox on," in joined
    assert "-accel tcg" in joined


def test_hvm_keys_take_effect() -> None:
    cfg = DomainConfig(name="x", localtime=True, stdvga=True, usb=True, usbdevices=("tablet",), acpi=False,
                       soundhw="es1370", maxmem=512, memory=256)
    joined = " ".join(build_argv(cfg, FACTS, LaunchPlan(domid=1, run_dir=PurePath("/r"))))
    for part in ("-rtc base=localtime", "-vga std", "usb-tablet,bus=usb.0", "-machine pc,acpi=off",
                 "ES1370,id=sound0,audiodev=snd0,bus=pci.0", "virtio-balloon-pci,id=balloon0,bus=pci.0",
                 "-m 512M"):  # maxmem: the balloon holds the guest at memory (currentMemory)
        assert part in joined
