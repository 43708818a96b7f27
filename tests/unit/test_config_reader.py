"""The profile reader: the evaluator's Python subset, value conversion, xm and xl syntaxes,
overrides from the command line, profile lookup, and warnings."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from hvmctl.config import ConfigWarning, find_profile, load_profile, parse_profile
from hvmctl.config.evaluator import Uname, evaluate
from hvmctl.config.keys import KEYS, suggest
from hvmctl.config.model import DiskSpec, DomainConfig, VfbSpec, VifSpec
from hvmctl.config.specs import parse_disk, parse_vif
from hvmctl.errors import ConfigError, NotFoundError

HVM = 'builder = "hvm"\n'


def cfg_of(text: str, *overrides: str, name: str = "vm") -> DomainConfig:
    return parse_profile(text, filename=f"/etc/xen/{name}", overrides=overrides, default_name=name).config


def warnings_of(text: str, *overrides: str) -> list[str]:
    loaded = parse_profile(text, filename="/etc/xen/vm", overrides=overrides, default_name="vm")
    return [str(w) for w in loaded.warnings if w.kind == "warning"]  # not the name note


def values(text: str, **variables: object) -> dict[str, object]:
    ev = evaluate(text, filename="p", variables=variables, uname=Uname("Linux", "h", "6.1", "#1", "x86_64"))
    return {k: v for k, (v, _line) in ev.values.items()}


# ---------------------------------------------------------------------------------------------
# the evaluator


def test_variables_and_string_arithmetic() -> None:
    got = values(
        'base = "/xen/domU/"\n'
        "img = base + 'lists' + '.img'\n"
        "disk = ['file:' + img + ',hda,w'] + ['file:%s%s,hdc:cdrom,r' % (base, 'boot.iso')]\n"
        "name = 'VM-%(id)03d' % {'id': 7}\n"
        "mem = 256 * 4 - 24 + 1024 % 1000\n"
    )
    assert got["disk"] == ["file:/xen/domU/lists.img,hda,w", "file:/xen/domU/boot.iso,hdc:cdrom,r"]
    assert got["name"] == "VM-007"
    assert got["mem"] == 1024


def test_string_methods_and_safe_functions() -> None:
    got = values(
        "s = '  Web-1 '\n"
        "a = s.strip().lower().replace('-', '_')\n"
        "b = ','.join(['x', 'y']).upper()\n"
        "c = 'a b  c'.split()\n"
        "d = len(c) + int('40') + int(' 2 ')\n"
        "e = str(42) + str(1.5)\n"
        "f = 'hvmloader'.startswith(('hvm', 'x')) and 'x.img'.endswith('.img')\n"
        "g = 'abcdef'[1:3] + 'abc'[-1]\n"
    )
    assert got == {"s": "  Web-1 ", "a": "web_1", "b": "X,Y", "c": ["a", "b", "c"], "d": 45,
                   "e": "421.5", "f": True, "g": "bcc"}  # fmt: skip


def test_arch_detection_with_os_and_re() -> None:
    text = (
        "import os, re\n"
        "arch = os.uname()[4]\n"
        "if re.search('64', arch):\n"
        "    arch_libdir = 'lib64'\n"
        "elif re.match('^i.86$', arch):\n"
        "    arch_libdir = 'lib'\n"
        "else:\n"
        "    arch_libdir = 'lib'\n"
        "device_model = '/usr/' + arch_libdir + '/xen/bin/qemu-dm'\n"
        "machine = os.uname().machine\n"
    )
    got = values(text)
    assert got["device_model"] == "/usr/lib64/xen/bin/qemu-dm"
    assert got["machine"] == "x86_64"
    ev = evaluate(text, uname=Uname("Linux", "h", "2.6", "#1", "i686"))
    assert ev.values["device_model"][0] == "/usr/lib/xen/bin/qemu-dm"


def test_comparisons_and_boolean_logic() -> None:
    got = values(
        "a = 3\n"
        "if a == 3 and not a != 3 and a in [1, 3] and 5 not in (1, 2) and 'x' in 'xyz':\n"
        "    ok = 1\n"
        "b = None\n"
        "c = b is None or 7\n"
        "d = 'big' if a > 2 else 'small'\n"
        "e = 0 or '' or 'last'\n"
    )
    assert got["ok"] == 1 and got["c"] is True and got["d"] == "big" and got["e"] == "last"


def test_dead_branches_are_checked_but_not_run() -> None:
    with pytest.raises(ConfigError, match=r"p:2: function call 'open\(\)'"):
        evaluate("if 0:\n    x = open('/etc/shadow')\n", filename="p")
    assert values("if 0:\n    memory = 1\nelse:\n    memory = 2\n") == {"memory": 2}


def test_values_keep_order_and_last_line() -> None:
    ev = evaluate("a = 1\nb = 2\na = 3\n", filename="p")
    assert list(ev.values) == ["b", "a"]
    assert ev.values["a"] == (3, 3)


def test_item_lines_follow_a_multi_line_list() -> None:
    ev = evaluate("disk = [\n  'a',\n\n  'b',\n]\ndisk += ['c']\n", filename="p")
    assert ev.item_lines["disk"] == (2, 4, 6)


def test_referenced_helper_names() -> None:
    ev = evaluate("arch = 'x86_64'\nkernel = '/boot/vmlinuz-' + arch\n", filename="p")
    assert "arch" in ev.referenced and "kernel" not in ev.referenced


def test_xm_vars_from_the_command_line() -> None:
    text = (
        "def vmid_check(var, val):\n"
        "    val = int(val)\n"
        "    if val <= 0:\n"
        "        raise ValueError\n"
        "    return val\n"
        "xm_vars.var('vmid', use='Virtual machine id. Integer greater than zero.', check=vmid_check)\n"
        "xm_vars.check()\n"
        'kernel = "/boot/vmlinuz-2.6-xenU"\n'
        'name = "VM%d" % vmid\n'
        "vif = ['ip=192.168.%d.1/24' % (vmid)]\n"
        "disk = ['phy:sda%d,sda1,w' % (7 + vmid), 'phy:sda6,sda6,r']\n"
        'root = "/dev/sda1 ro"\n'
    )
    cfg = cfg_of(text, "vmid=3")
    assert cfg.name == "VM3" and cfg.builder == "linux"
    assert cfg.vifs == (VifSpec(ip="192.168.3.1/24"),)
    assert [(d.target, d.vdev, d.mode) for d in cfg.disks] == [("/dev/sda10", "sda1", "w"), ("/dev/sda6", "sda6", "r")]
    assert warnings_of(text, "vmid=3") == []  # a declared variable is not an unknown key
    with pytest.raises(ConfigError, match=r"/etc/xen/vm:6: variable 'vmid' is declared"):
        cfg_of(text)


def test_xm_file_is_known_to_the_profile() -> None:
    assert values("me = xm_file\n")["me"] == "p"


# ---------------------------------------------------------------------------------------------
# values


@pytest.mark.parametrize(
    ("given", "expected"),
    [("1", True), ("0", False), ("True", True), ("False", False), ("'y'", True), ("'yes'", True),
     ("'n'", False), ("'no'", False), ("'on'", True), ("'off'", False), ("'true'", True),
     ("'FALSE'", False), ("'1'", True), ("'0'", False)],
)  # fmt: skip
def test_booleans(given: str, expected: bool) -> None:
    cfg = cfg_of(HVM + f"acpi = {given}\nlocaltime = {given}\n")
    assert cfg.acpi is expected and cfg.localtime is expected


@pytest.mark.parametrize("given", ['"1024"', "1024", "' 1024 '"])
def test_integers_given_as_strings(given: str) -> None:
    cfg = cfg_of(HVM + f"memory = {given}\nmaxmem = '2048'\nvcpus = '2'\nmaxvcpus = 4\n")
    assert (cfg.memory, cfg.maxmem, cfg.vcpus, cfg.maxvcpus) == (1024, 2048, 2, 4)


def test_defaults_follow_xm() -> None:
    cfg = cfg_of(HVM)
    assert cfg.name == "vm"  # the file's basename
    assert (cfg.memory, cfg.vcpus, cfg.boot, cfg.serial) == (128, 1, "c", "pty")
    assert (cfg.on_poweroff, cfg.on_reboot, cfg.on_crash) == ("destroy", "restart", "restart")
    assert cfg.acpi and cfg.apic and cfg.pae and not cfg.localtime and not cfg.usb and not cfg.stdvga
    assert cfg.vfb is None  # xm: vnc=0 and sdl=0 unless asked
    assert cfg.kernel is None and cfg.accel is None


def test_name_falls_back_to_the_file_name() -> None:
    loaded = parse_profile(HVM, filename="/etc/xen/web01")
    assert loaded.config.name == "web01"
    with pytest.raises(ConfigError, match=r"^<profile>: name: expected a domain name; got nothing$"):
        parse_profile(HVM)
    with pytest.raises(ConfigError, match=r"name: expected a domain name .*; got 'my vm' \(the file name\)"):
        parse_profile(HVM, filename="/etc/xen/my vm")


def test_uuid_is_normalised() -> None:
    cfg = cfg_of(HVM + "uuid = 'FFC68565354A32DA730272A1BD5FF1BF'\n")
    assert cfg.uuid == "ffc68565-354a-32da-7302-72a1bd5ff1bf"


@pytest.mark.parametrize("boot", ["c", "d", "n", "dc", "cdn", "ndca"])
def test_boot_orders(boot: str) -> None:
    assert cfg_of(HVM + f"boot = '{boot}'\n").boot == boot


@pytest.mark.parametrize(
    "kernel", ["/usr/lib/xen/boot/hvmloader", "/usr/lib/xen/boot/hvmlloader", "hvmloader", "/opt/xen/hvmloader.gz"]
)
def test_hvmloader_means_firmware_boot(kernel: str) -> None:
    assert cfg_of(HVM + f"kernel = '{kernel}'\n").kernel is None


def test_hvm_direct_kernel_boot_is_kept() -> None:
    cfg = cfg_of(HVM + "kernel = '/boot/vmlinuz'\nramdisk = '/boot/initrd'\nextra = 'console=ttyS0'\n")
    assert (cfg.kernel, cfg.ramdisk, cfg.extra) == ("/boot/vmlinuz", "/boot/initrd", "console=ttyS0")


def test_pv_profile_keeps_its_boot_keys() -> None:
    cfg = cfg_of("kernel = '/boot/vmlinuz-xen'\nramdisk = '/boot/initrd-xen'\nroot = '/dev/xvda1 ro'\n"
                 "extra = 'xencons=tty'\nbuilder = 'linux'\n")  # fmt: skip
    assert (cfg.builder, cfg.kernel, cfg.ramdisk, cfg.root, cfg.extra) == (
        "linux", "/boot/vmlinuz-xen", "/boot/initrd-xen", "/dev/xvda1 ro", "xencons=tty")  # fmt: skip
    assert cfg_of("bootloader = 'pygrub'\nbuilder = 'generic'\n").builder == "generic"


def test_xen30_vmx_builder_is_hvm() -> None:
    assert cfg_of("builder = 'vmx'\n").builder == "hvm"


def test_lifecycle_actions() -> None:
    cfg = cfg_of(HVM + "on_shutdown = 'preserve'\non_reboot = 'rename-restart'\non_crash = 'coredump-destroy'\n")
    assert (cfg.on_poweroff, cfg.on_reboot, cfg.on_crash) == ("preserve", "rename-restart", "coredump-destroy")
    assert cfg_of(HVM + "on_poweroff = 'restart'\non_shutdown = 'restart'\n").on_poweroff == "restart"


def test_hardware_keys() -> None:
    cfg = cfg_of(
        HVM + "serial = 'tcp::4555'\nusb = 1\nusbdevice = 'tablet'\nstdvga = 1\nsoundhw = 'ac97,sb16'\n"
        "keymap = 'it'\nrtc_timeoffset = -3600\ncpus = '0-3,^1'\naccel = 'TCG'\npae = 'no'\n"
    )
    assert cfg.serial == "tcp::4555" and cfg.usb and cfg.usbdevices == ("tablet",)
    assert cfg.stdvga and cfg.soundhw == "ac97,sb16" and cfg.keymap == "it"
    assert cfg.rtc_timeoffset == -3600 and cfg.cpus == "0-3,^1" and cfg.accel == "tcg" and not cfg.pae


def test_cdrom_key_of_xen_30() -> None:
    cfg = cfg_of(HVM + "disk = ['file:/img/a,hda,w']\ncdrom = '/dev/cdrom'\n")
    assert cfg.disks[1] == DiskSpec("/dev/cdrom", "hdc", "r", "cdrom", "phy", "raw")


def test_nics_adds_default_vifs() -> None:
    assert cfg_of(HVM + "vif = ['bridge=xenbr1']\nnics = 3\n").vifs == (
        VifSpec(bridge="xenbr1"), VifSpec(), VifSpec())


# ---------------------------------------------------------------------------------------------
# the console


def test_top_level_vnc_keys_make_one_vfb() -> None:
    cfg = cfg_of(HVM + "vnc = 1\nvncdisplay = 3\nvnclisten = '0.0.0.0'\nvncpasswd = 'pw'\nkeymap = 'de'\n")
    assert cfg.vfb == VfbSpec("vnc", vncunused=False, vncdisplay=3, vnclisten="0.0.0.0", vncpasswd="pw", keymap="de")
    assert cfg_of(HVM + "vnc = 1\nvncunused = 1\nvncdisplay = 3\n").vfb == VfbSpec(vncunused=True, vncdisplay=3)


def test_sdl_and_nographic() -> None:
    assert cfg_of(HVM + "sdl = 1\n").vfb == VfbSpec(type="sdl")
    assert cfg_of(HVM + "vfb = ['type=sdl']\n").vfb == VfbSpec(type="sdl")
    loaded = parse_profile(HVM + "vfb = ['type=vnc']\nnographic = 1\n", filename="/etc/xen/vm")
    assert loaded.config.vfb is None
    assert [str(w) for w in loaded.warnings if w.kind == "warning"] == [
        "/etc/xen/vm:3: warning: nographic: no graphical console: vfb, vnc and sdl are ignored"
    ]


def test_vfb_entry_wins_and_top_level_fills_in() -> None:
    cfg = cfg_of(HVM + "vfb = ['vnc=1,vnclisten=10.0.0.1:2']\nvncpasswd = 'pw'\nkeymap = 'fr'\n")
    assert cfg.vfb == VfbSpec("vnc", vncunused=False, vncdisplay=2, vnclisten="10.0.0.1", vncpasswd="pw", keymap="fr")


def test_xl_profiles_get_vnc_by_default() -> None:
    assert cfg_of('type = "hvm"\n').vfb == VfbSpec()
    assert cfg_of('type = "hvm"\nvnc = 0\n').vfb is None
    assert cfg_of('builder = "hvm"\n').vfb is None  # xm's default
    assert cfg_of('type = "pv"\nkernel = "/k"\n').vfb is None


# ---------------------------------------------------------------------------------------------
# disks


XM_DISKS = [
    ("file:/xen/domU/a.img,hda,w", DiskSpec("/xen/domU/a.img", "hda", "w", "disk", "file", None)),
    ("phy:sdb2,hdb,w", DiskSpec("/dev/sdb2", "hdb", "w", "disk", "phy", "raw")),
    ("phy:/dev/vg/x,xvda,w!", DiskSpec("/dev/vg/x", "xvda", "w!", "disk", "phy", "raw")),
    ("tap:aio:/img/a,xvda,w", DiskSpec("/img/a", "xvda", "w", "disk", "tap:aio", "raw")),
    ("tap:sync:/img/a,xvda,w", DiskSpec("/img/a", "xvda", "w", "disk", "tap:aio", "raw")),
    ("tap:qcow:/img/a,hda,w", DiskSpec("/img/a", "hda", "w", "disk", "tap:qcow", "qcow")),
    ("tap:qcow2:/img/a,hda,w", DiskSpec("/img/a", "hda", "w", "disk", "tap:qcow2", "qcow2")),
    ("tap:vhd:/img/a.vhd,sda,w", DiskSpec("/img/a.vhd", "sda", "w", "disk", "tap:vhd", "vhd")),
    ("tap:tapdisk:aio:/img/a,hda,w", DiskSpec("/img/a", "hda", "w", "disk", "tap:aio", "raw")),
    ("tap2:tapdisk:vhd:/img/a,hda,r", DiskSpec("/img/a", "hda", "r", "disk", "tap:vhd", "vhd")),
    ("file:/iso/x.iso,ioemu:hdc:cdrom,r", DiskSpec("/iso/x.iso", "hdc", "r", "cdrom", "file", None)),
    ("file:/img/a,hdb:disk,w", DiskSpec("/img/a", "hdb", "w", "disk", "file", None)),
    (",hdc:cdrom,r", DiskSpec("", "hdc", "r", "cdrom", "file", None)),
    ("file:,hdd:cdrom,r", DiskSpec("", "hdd", "r", "cdrom", "file", None)),
    ("file:/img/a,hda,w,0", DiskSpec("/img/a", "hda", "w", "disk", "file", None)),
    ("file:/img/a,hda,w,Domain-0,x86_32-abi", DiskSpec("/img/a", "hda", "w", "disk", "file", None)),
    ("qcow2:/img/a.qcow2,vda,w", DiskSpec("/img/a.qcow2", "vda", "w", "disk", "file", "qcow2")),
    ("raw:/root/image.iso,hdc:cdrom,ro", DiskSpec("/root/image.iso", "hdc", "r", "cdrom", "file", "raw")),
    (" file:/img/a , hda , w ", DiskSpec("/img/a", "hda", "w", "disk", "file", None)),
]
XL_DISKS = [
    ("/dev/vg/guest-volume,raw,xvda,rw", DiskSpec("/dev/vg/guest-volume", "xvda", "w", "disk", "file", "raw")),
    ("/dev/vg/guest-volume,,hda", DiskSpec("/dev/vg/guest-volume", "hda", "w", "disk", "file", "raw")),
    ("format=raw, vdev=hda, access=rw, target=/dev/vg/guest-volume",
     DiskSpec("/dev/vg/guest-volume", "hda", "w", "disk", "file", "raw")),
    ("/root/image.iso,,hdc,cdrom", DiskSpec("/root/image.iso", "hdc", "r", "cdrom", "file", "raw")),
    ("/root/image.iso,,hdc,,cdrom", DiskSpec("/root/image.iso", "hdc", "r", "cdrom", "file", "raw")),
    ("/root/image.iso,raw,hdc,devtype=cdrom", DiskSpec("/root/image.iso", "hdc", "r", "cdrom", "file", "raw")),
    ("format=raw, vdev=hdc, access=ro, devtype=cdrom, target=/root/image.iso",
     DiskSpec("/root/image.iso", "hdc", "r", "cdrom", "file", "raw")),
    (",raw,hdc,ro,devtype=cdrom", DiskSpec("", "hdc", "r", "cdrom", "file", None)),
    ("vdev=hdc, access=ro, devtype=cdrom", DiskSpec("", "hdc", "r", "cdrom", "file", None)),
    ("vdev=hdc, format=empty, cdrom", DiskSpec("", "hdc", "r", "cdrom", "file", None)),
    ("format=qcow2, vdev=xvda, target=/var/lib/xen/a,b.qcow2", DiskSpec("/var/lib/xen/a,b.qcow2", "xvda", "w", "disk", "file", "qcow2")),
    ("/img/a.qcow2,qcow2,vda,w", DiskSpec("/img/a.qcow2", "vda", "w", "disk", "file", "qcow2")),
    ("vg/guest,raw,xvdb,r", DiskSpec("/dev/vg/guest", "xvdb", "r", "disk", "file", "raw")),
    ("format=raw, vdev=xvdb, backendtype=phy, target=/dev/sdb", DiskSpec("/dev/sdb", "xvdb", "w", "disk", "phy", "raw")),
    ("format=qcow2, vdev=xvdc, backendtype=tap, target=/img/q", DiskSpec("/img/q", "xvdc", "w", "disk", "tap:qcow2", "qcow2")),
    ("backendtype=qdisk, vdev=xvdd, access=w!, target=/img/s", DiskSpec("/img/s", "xvdd", "w!", "disk", "file", None)),
    ("tap:aio:/img/a,xvda", DiskSpec("/img/a", "xvda", "w", "disk", "tap:aio", "raw")),
    ("phy:/dev/sdc,xvde,r,discard", DiskSpec("/dev/sdc", "xvde", "r", "disk", "phy", "raw")),
    ("target=/img/with space ", DiskSpec("/img/with space ", "xvda", "w", "disk", "file", None)),
]


@pytest.mark.parametrize(("entry", "expected"), XM_DISKS, ids=[e for e, _ in XM_DISKS])
def test_xm_disk_syntax(entry: str, expected: DiskSpec) -> None:
    assert parse_disk(entry)[0] == expected


@pytest.mark.parametrize(("entry", "expected"), XL_DISKS, ids=[e for e, _ in XL_DISKS])
def test_xl_disk_syntax(entry: str, expected: DiskSpec) -> None:
    if entry.startswith("target="):
        entry = "vdev=xvda, " + entry
    assert parse_disk(entry)[0] == expected


def test_disk_notes_for_ignored_parts() -> None:
    assert parse_disk("file:/img/a,hda,w,driverdom")[1] == [
        "disk hda: backend domain 'driverdom' ignored; the host serves every disk"
    ]
    spec, notes = parse_disk("file:/iso/a.iso,hdc:cdrom,w")
    assert spec.mode == "r" and notes == ["disk hdc: a cdrom is read-only; mode 'w' taken as 'r'"]


def test_pv_disks_may_name_partitions() -> None:
    assert parse_disk("phy:/dev/vg/root,sda1,w", hvm=False)[0].vdev == "sda1"
    assert parse_disk("file:/iso/a.iso,xvdc:cdrom,r", hvm=False)[0].devtype == "cdrom"


# ---------------------------------------------------------------------------------------------
# vifs


@pytest.mark.parametrize(
    ("entry", "expected"),
    [
        ("", VifSpec()),
        ("mac=00:16:3e:3f:a9:06, bridge=xenbr0", VifSpec(mac="00:16:3e:3f:a9:06", bridge="xenbr0")),
        ("mac=00:16:3E:3F:A9:06,bridge=xenbr0,model=e1000", VifSpec(mac="00:16:3e:3f:a9:06", bridge="xenbr0", model="e1000")),
        ("type=ioemu, bridge=xenbr0", VifSpec(type="ioemu", bridge="xenbr0")),
        ("model=virtio-net", VifSpec(model="virtio")),
        ("model=ne2k", VifSpec(model="ne2k_pci")),
        ("ip=10.0.0.2  10.0.0.3/24, script=vif-route", VifSpec(ip="10.0.0.2 10.0.0.3/24", script="vif-route")),
        ("vifname=web0, rate=10Mb/s@20ms, backend=0", VifSpec(vifname="web0", rate="10Mb/s@20ms", backend="0")),
        ("bridge=xenbr0,", VifSpec(bridge="xenbr0")),
        ("mac=, bridge=xenbr1", VifSpec(bridge="xenbr1")),
    ],
)
def test_vif_syntax(entry: str, expected: VifSpec) -> None:
    assert parse_vif(entry)[0] == expected


def test_vif_ignored_options_are_noted() -> None:
    spec, notes = parse_vif("bridge=xenbr0, accel=netfront, gatewaydev=eth0")
    assert spec == VifSpec(bridge="xenbr0")
    assert notes == ["vif option 'accel' ignored", "vif option 'gatewaydev' ignored"]


# ---------------------------------------------------------------------------------------------
# xl files


XL_HVM = """\
# =====================================================================
# Example HVM guest configuration (xl.cfg(5))
# =====================================================================
type = "hvm"
name = "example.hvm"
uuid = "3c7a5ab6-2b6c-4d1e-9f55-0d4bcb5c7a10"
maxmem = 512
memory = 128
vcpus = 2
maxvcpus = 4
vif = [ '' , 'mac=00:16:3e:00:00:02,bridge=xenbr1,model=e1000' ]
disk = [ '/dev/vg/guest-volume,raw,xvda,rw',
         'format=raw, vdev=hdc, access=ro, devtype=cdrom, target=/iso/install.iso' ]
sdl = 0
vnclisten = "0.0.0.0"
serial = [ "pty" ]
usb = 1
usbdevice = [ "tablet" ]
vga = "stdvga"
boot = "dc"
device_model_version = "qemu-xen"
device_model_override = "/usr/bin/qemu-system-x86_64"
on_poweroff = "destroy"; on_reboot = "restart"
on_crash = "coredump-restart"
"""

XL_PV = """\
name = "example.pvlinux"
type = "pv"
kernel = "/boot/vmlinuz"
ramdisk = "/boot/initrd.gz"
root = "/dev/xvda1"
cmdline = "root=/dev/xvda1 console=hvc0"
memory = 128
vcpus = 2
vif = [ 'bridge=xenbr0' ]
disk = [ 'format=qcow2, vdev=xvda, access=rw, target=/var/lib/xen/images/pv.qcow2' ]
vfb = [ 'vnc=1,vnclisten=127.0.0.1:1' ]
"""

XL_PYGRUB = """\
    name = "indented"
    type = "pv"
    bootloader = "pygrub"
    bootloader_args = [ "--kernel=/vmlinuz", "--ramdisk=/initrd.img" ]
    memory = 512
    disk = [ 'phy:/dev/vg/root,xvda,w' ]
"""


def test_xl_hvm_file() -> None:
    loaded = parse_profile(XL_HVM, filename="/etc/xen/example.hvm.cfg")
    cfg = loaded.config
    assert (cfg.name, cfg.builder, cfg.memory, cfg.maxmem, cfg.vcpus, cfg.maxvcpus) == (
        "example.hvm", "hvm", 128, 512, 2, 4)  # fmt: skip
    assert cfg.vifs == (VifSpec(), VifSpec(mac="00:16:3e:00:00:02", bridge="xenbr1", model="e1000"))
    assert cfg.disks == (
        DiskSpec("/dev/vg/guest-volume", "xvda", "w", "disk", "file", "raw"),
        DiskSpec("/iso/install.iso", "hdc", "r", "cdrom", "file", "raw"),
    )
    assert cfg.vfb == VfbSpec(vnclisten="0.0.0.0")  # xl: VNC on by default for HVM
    assert cfg.serial == "pty" and cfg.usb and cfg.usbdevices == ("tablet",) and cfg.stdvga
    assert cfg.boot == "dc" and cfg.on_crash == "coredump-restart"
    assert cfg.device_model == "/usr/bin/qemu-system-x86_64"
    assert cfg.line_of("builder") == 4 and cfg.line_of("type") == 4
    assert loaded.warnings == ()


def test_xl_pv_file_with_cmdline() -> None:
    loaded = parse_profile(XL_PV, filename="/etc/xen/pv.cfg")
    cfg = loaded.config
    assert cfg.builder == "linux" and cfg.extra == "root=/dev/xvda1 console=hvc0" and cfg.root is None
    assert cfg.disks[0].format == "qcow2"
    assert cfg.vfb == VfbSpec(vncunused=False, vncdisplay=1)
    assert [str(w) for w in loaded.warnings] == [
        "/etc/xen/pv.cfg:6: warning: cmdline: root and extra are ignored in favour of cmdline"
    ]


def test_xl_indented_keys_and_bootloader_args() -> None:
    cfg = cfg_of(XL_PYGRUB)
    assert cfg.bootloader == "pygrub" and cfg.bootargs == "--kernel=/vmlinuz --ramdisk=/initrd.img"
    assert cfg.disks == (DiskSpec("/dev/vg/root", "xvda", "w", "disk", "phy", "raw"),)


def test_xl_append_with_plus_equals() -> None:
    cfg = cfg_of(HVM + "disk = ['file:/a,hda,w']\ndisk += ['file:/b,hdb,w']\n")
    assert [d.vdev for d in cfg.disks] == ["hda", "hdb"]


# ---------------------------------------------------------------------------------------------
# overrides (xm create FILE key=value ...)


def test_overrides_replace_profile_keys() -> None:
    text = HVM + "memory = 1024\nvcpus = 1\ndisk = ['file:/a,hda,w', 'file:/b,hdb,w']\n"
    cfg = cfg_of(text, "memory=512", "vcpus=2", "name=web1", "disk=file:/c.iso,hdc:cdrom,r", "boot=d")
    assert (cfg.memory, cfg.vcpus, cfg.name, cfg.boot) == (512, 2, "web1", "d")
    assert cfg.disks == (DiskSpec("/c.iso", "hdc", "r", "cdrom", "file", None),)
    assert "memory" not in cfg.key_lines  # it comes from the command line now


def test_override_values_are_literals_or_strings() -> None:
    cfg = cfg_of(HVM, "disk=['file:/a,hda,w', 'file:/b,hdb,w']", "uuid=12345678-1234-1234-1234-123456789012",
                 "kernel=/usr/lib/xen/boot/hvmloader", "acpi=False", "vif=")  # fmt: skip
    assert len(cfg.disks) == 2 and cfg.uuid == "12345678-1234-1234-1234-123456789012"
    assert cfg.kernel is None and cfg.acpi is False and cfg.vifs == (VifSpec(),)


def test_override_errors_name_the_command_line() -> None:
    with pytest.raises(ConfigError, match=r"^<command line>: vcpus: expected a number of vCPUs"):
        cfg_of(HVM, "vcpus=many")
    with pytest.raises(ConfigError, match=r"^<command line>: expected KEY=VALUE; got '=3'$"):
        cfg_of(HVM, "=3")


def test_unknown_command_line_variable_warns() -> None:
    assert warnings_of(HVM, "vmdi=3") == ["<command line>: warning: vmdi: unknown key or variable; ignored"]


# ---------------------------------------------------------------------------------------------
# warnings


def test_unknown_key_suggests_the_closest() -> None:
    assert warnings_of(HVM + "vcpu = 2\nmemroy = 512\nfrobnicate = 1\n") == [
        "/etc/xen/vm:2: warning: vcpu: unknown key; did you mean 'vcpus'?",
        "/etc/xen/vm:3: warning: memroy: unknown key; did you mean 'memory'?",
        "/etc/xen/vm:4: warning: frobnicate: unknown key; ignored",
    ]


def test_helper_variables_are_not_warned_about() -> None:
    text = HVM + "arch = 'x86_64'\nlibdir = 'lib64'\nkernel = '/boot/vmlinuz-' + arch\ndevice_model = '/usr/' + libdir\n"
    assert warnings_of(text) == []


def test_xen_only_keys_are_silent_and_unsupported_ones_warn() -> None:
    text = HVM + "shadow_memory = 8\nhap = 1\nxen_platform_pci = 1\ntimer_mode = 1\nvscsi = ['/dev/sdb,0:0:0:0']\ngfx_passthru = 1\n"
    assert warnings_of(text) == [
        "/etc/xen/vm:6: warning: vscsi: PV SCSI is not supported by hvmctl; ignored",
        "/etc/xen/vm:7: warning: gfx_passthru: graphics passthrough is not supported by hvmctl; ignored",
    ]


def test_config_warning_str() -> None:
    assert str(ConfigWarning("f", 3, "vcpu", "unknown key")) == "f:3: warning: vcpu: unknown key"
    assert str(ConfigWarning("f", None, None, "m")) == "f: warning: m"


def test_keys_table_covers_the_scenario_keys() -> None:
    s1 = ("name builder memory disk boot vif vfb uuid device_model kernel bootloader vcpus on_reboot "
          "on_crash on_shutdown ramdisk extra root vnc vnclisten vncdisplay vncpasswd sdl serial acpi "
          "apic pae localtime usb usbdevice stdvga maxmem cpus keymap soundhw accel type "
          "device_model_override device_model_version maxvcpus bootargs on_watchdog on_soft_reset "
          "rtc_timeoffset hap nestedhvm viridian hpet timer_mode shadow_memory videoram vga nographic "
          "xen_platform_pci pci dhcp netmask gateway ip hostname cpu_weight cpu_cap vtpm on_xend_start "
          "on_xend_stop vncunused on_poweroff")  # fmt: skip
    assert [k for k in s1.split() if k not in KEYS] == []
    assert all(spec.doc and "\n" not in spec.doc for spec in KEYS.values())
    assert suggest("vncdisply") == "vncdisplay" and suggest("zzzz") is None


# ---------------------------------------------------------------------------------------------
# finding and loading profiles


def test_find_profile_order(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    etc, other, cwd = tmp_path / "etc", tmp_path / "other", tmp_path / "cwd"
    for d in (etc, other, cwd):
        d.mkdir()
    (etc / "web").write_text(HVM)
    (other / "web").write_text(HVM)
    monkeypatch.chdir(cwd)
    assert find_profile("web", search_dirs=[etc, other]) == etc / "web"
    assert find_profile("web", search_dirs=[other, etc]) == other / "web"
    (cwd / "web").write_text(HVM)
    assert find_profile("web", search_dirs=[etc]) == Path("web")  # the current directory first
    assert find_profile(str(etc / "web"), search_dirs=[other]) == etc / "web"
    (etc / "dir").mkdir()
    with pytest.raises(NotFoundError) as info:
        find_profile("dir", search_dirs=[etc])
    assert str(info.value) == f"profile 'dir' not found; looked in: dir, {cwd / 'dir'}, {etc / 'dir'}"


def test_load_profile_names_the_domain_after_the_file(tmp_path: Path) -> None:
    (tmp_path / "db01").write_text(HVM + "memory = 256\n")
    loaded = load_profile("db01", search_dirs=[tmp_path], overrides=["vcpus=2"])
    assert loaded.config.name == "db01" and loaded.config.vcpus == 2
    assert loaded.path == str(tmp_path / "db01") and loaded.config.source == loaded.path


def test_load_profile_reports_unreadable_files(tmp_path: Path) -> None:
    path = tmp_path / "secret"
    path.write_text(HVM)
    path.chmod(0)
    if os.access(path, os.R_OK):
        pytest.skip("running as root: every file is readable")
    with pytest.raises(ConfigError, match=rf"^{path}: cannot read profile: Permission denied$"):
        load_profile(str(path), search_dirs=[])


def test_load_profile_accepts_latin1_comments(tmp_path: Path) -> None:
    (tmp_path / "vecchio").write_bytes(b"# profilo per l'installazione \xe8 qui\nbuilder = 'hvm'\n")
    assert load_profile("vecchio", search_dirs=[tmp_path]).config.name == "vecchio"


def test_reading_a_directory_is_a_config_error(tmp_path: Path) -> None:
    from hvmctl.config import read_profile_text

    with pytest.raises(ConfigError, match=rf"^{tmp_path}: cannot read profile: Is a directory$"):
        read_profile_text(tmp_path)
