"""The keys a profile may set: xm's xmdomain.cfg(5) and xl's xl.cfg(5), as they apply to QEMU.

Each key has a converter (what a valid value looks like, and the words used when it is
wrong), a one-line doc, and an effect:

* ``used``: it shapes the :class:`~hvmctl.config.model.DomainConfig`;
* ``ignored``: Xen needs it, QEMU has no use for it (shadow memory, HAP, the Xen platform
  PCI device...): accepted silently, so profiles copied from a Xen host keep working;
* ``unsupported``: it would change the guest, but hvmctl does not do it (PCI passthrough,
  raw device-model arguments...): accepted with a warning, never an error.

A key that is none of these gets a warning with the closest known name.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Callable, Literal

from hvmctl.config.model import LIFECYCLE_ACTIONS, NAME_RULE, valid_name

Effect = Literal["used", "ignored", "unsupported"]
Converter = Callable[[object], object]


class Mismatch(Exception):
    """A value is not what a key expects; the builder adds file, line and key."""

    def __init__(self, expected: str, got: object, context: object = None) -> None:
        super().__init__(expected)
        self.expected = expected
        self.got = got
        self.context = context

    def describe(self) -> str:
        """``expected WHAT; got REPR`` (with the whole entry when only a part was wrong)."""
        text = f"expected {self.expected}; got {show(self.got)}"
        if self.context is not None and self.context != self.got:
            text += f" in {show(self.context)}"
        return text


def show(value: object) -> str:
    """repr() of a value for an error message: one line, at most 80 characters."""
    text = repr(value)
    return text if len(text) <= 80 else text[:77] + "..."


# ---------------------------------------------------------------------------------------------
# converters

_TRUE = frozenset({"1", "y", "yes", "on", "true"})
_FALSE = frozenset({"0", "n", "no", "off", "false"})
BOOL_WORDS = "a boolean (1/0, yes/no, on/off, true/false)"


def to_bool(value: object) -> object:
    """1/0, True/False and the words xm and xl accept (in any case)."""
    if isinstance(value, bool):
        return value
    if isinstance(value, int) and value in (0, 1):
        return bool(value)
    if isinstance(value, str):
        word = value.strip().lower()
        if word in _TRUE:
            return True
        if word in _FALSE:
            return False
    raise Mismatch(BOOL_WORDS, value)


def _int_of(value: object) -> int | None:
    """An int from an int or a string of digits (``memory = "1024"``), else None."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, str) and re.fullmatch(r"\s*[-+]?\d{1,19}\s*", value):
        return int(value)
    return None


def integer(what: str, lo: int, hi: int) -> Converter:
    """A converter for an integer in [lo, hi], given as a number or a string of digits."""

    def convert(value: object) -> object:
        n = _int_of(value)
        if n is None or not lo <= n <= hi:
            raise Mismatch(what, value)
        return n

    return convert


#: QEMU's pc machine with the qemu64 CPU has 40-bit guest physical addresses; RAM above 4 GiB
#: must also leave room for the 64-bit PCI hole and AMD's HyperTransport hole below 1 TiB.
#: Measured on QEMU 7.2: ``-m 1009G`` starts, ``-m 1010G`` fails ("phys-bits too low (40)"),
#: and ``maxmem=`` costs another GiB; 1000 GiB keeps clear of it whatever the host has.
MAX_MEMORY_MIB = 1000 * 1024
#: the pc (i440fx) machine's limit: "The max CPUs supported by machine 'pc-i440fx-7.2' is 255"
MAX_VCPUS = 255

to_size = integer(f"a size in MiB from 1 to {MAX_MEMORY_MIB} (integer)", 1, MAX_MEMORY_MIB)
to_vcpus = integer(f"a number of vCPUs from 1 to {MAX_VCPUS} (integer)", 1, MAX_VCPUS)
to_weight = integer("a credit-scheduler weight from 1 to 65535 (integer; 256 is the default)", 1, 65535)
to_cap = integer("a CPU cap in percent of one host CPU from 0 to 12800 (0: no cap)", 0, 12800)
to_offset = integer("an offset in seconds (integer)", -(10**10), 10**10)
to_count = integer("a count from 0 to 64 (integer)", 0, 64)


def has_control(text: str, allowed: str = "") -> bool:
    """True when ``text`` holds a character that is not printable (a control character, a
    Unicode format or surrogate code point, an exotic space) other than those in ``allowed``:
    a NUL cannot go into an argv, and the others would reach QEMU, the guest's kernel or a
    log line unseen."""
    return any(not c.isprintable() for c in text if c not in allowed)


def to_str(value: object) -> object:
    """A string without control characters; '' means 'not set' for optional keys."""
    if isinstance(value, str) and not has_control(value):
        return value or None
    raise Mismatch("a string without control characters" if isinstance(value, str) else "a string", value)


def to_text(value: object) -> object:
    """Kernel command-line text (extra, root, cmdline, bootargs): tabs and newlines are
    whitespace to the kernel; any other control character is refused."""
    if isinstance(value, str) and not has_control(value, allowed="\t\n"):
        return value or None
    if isinstance(value, str):
        raise Mismatch("text without control characters (tab and newline are allowed)", value)
    raise Mismatch("a string", value)


def to_path(value: object) -> object:
    """A file path: a string without control characters (a NUL cannot reach open())."""
    if isinstance(value, str) and not has_control(value):
        return value or None
    raise Mismatch("a path (string without control characters)", value)


def to_action(value: object) -> object:
    if isinstance(value, str) and value.strip() in LIFECYCLE_ACTIONS:
        return value.strip()
    raise Mismatch("one of " + ", ".join(LIFECYCLE_ACTIONS), value)


def to_list(value: object) -> object:
    """A list of strings; a single string counts as a list of one (``xm create FILE disk=...``)."""
    if isinstance(value, str):
        return [value]
    if isinstance(value, (list, tuple)) and all(isinstance(v, str) for v in value):
        return list(value)
    raise Mismatch("a list of strings", value)


def to_host_tags(value: object) -> object:
    """Tags: a list of words, or one string of words separated by commas or blanks."""
    words = value.replace(",", " ").split() if isinstance(value, str) else to_list(value)
    if not isinstance(words, list) or not all(re.fullmatch(r"[A-Za-z0-9_.:-]{1,64}", w) for w in words):
        raise Mismatch("tags of letters, digits and _.:- ('ssd, rack1')", value)
    return sorted(set(words))


def to_text_or_list(value: object) -> object:
    """xl lets some keys be a string or a list of strings (``bootloader_args``)."""
    items = to_list(value)
    assert isinstance(items, list)
    for item in items:
        if has_control(item, allowed="\t\n"):
            raise Mismatch("text without control characters (tab and newline are allowed)", item, value)
    return items


def to_name(value: object) -> object:
    if valid_name(value):
        return value
    raise Mismatch(NAME_RULE, value)


_UUID = re.compile(r"[0-9a-f]{8}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{12}", re.I)


def to_uuid(value: object) -> object:
    """A UUID, normalised to lower-case with dashes; the all-zero one is Domain-0's."""
    if isinstance(value, str) and _UUID.fullmatch(value.strip()):
        h = value.strip().replace("-", "").lower()
        if h != "0" * 32:
            return f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:]}"
    raise Mismatch("a UUID like 'ffc68565-354a-32da-7302-72a1bd5ff1bf' (not all zeros)", value)


def to_boot(value: object) -> object:
    """Boot order: letters a (floppy), c (disk), d (cdrom), n (network), each at most once."""
    if isinstance(value, str) and re.fullmatch(r"[acdn]{1,4}", value) and len(set(value)) == len(value):
        return value
    raise Mismatch("boot devices: letters a, c, d, n, each at most once (e.g. 'dc')", value)


_CPUS = re.compile(r"all|nodes:\S+|\^?\d{1,4}(-\d{1,4})?(,\s*\^?\d{1,4}(-\d{1,4})?)*")


def to_cpus(value: object) -> object:
    """Host CPUs the guest may use: '0-3', '0,2,^1', 'all' (xl's list form is joined)."""
    if isinstance(value, bool):
        raise Mismatch("host CPUs like '0-3' or '0,2'", value)
    if isinstance(value, int) and 0 <= value < 10000:
        return str(value)
    if isinstance(value, (list, tuple)) and value and all(isinstance(v, (str, int)) for v in value):
        return to_cpus(",".join(str(v) for v in value))
    if isinstance(value, str) and _CPUS.fullmatch(value.strip()) and not has_control(value.strip()):
        return value.strip()
    raise Mismatch("host CPUs like '0-3' or '0,2'", value)


def to_serial(value: object) -> object:
    """The guest's serial ports (a tuple): one string, or xl's list form for several ports.
    Each is a qemu-dm ``-serial`` form (see hvmctl.config.serial); 'none' is no port."""
    from hvmctl.config.serial import SERIAL_WHAT, parse_serial

    items = list(value) if isinstance(value, (list, tuple)) else [value]
    if not items:
        return ("none",)
    ports: list[str] = []
    for item in items:
        if not isinstance(item, str):
            raise Mismatch(SERIAL_WHAT, item, value if item is not value else None)
        try:
            port = parse_serial(item)
        except Mismatch as exc:
            if item is value:
                raise
            raise Mismatch(exc.expected, exc.got, value) from None
        if port is None and len(items) > 1:
            raise Mismatch("a serial port other than 'none' in a list of several", item, value)
        ports.append(item.strip() or "none")
    return tuple(ports)


_USBDEV = re.compile(r"tablet|mouse|keyboard|host:\d{1,3}\.\d{1,3}|host:[0-9a-fA-F]{4}:[0-9a-fA-F]{4}")


def to_usbdevices(value: object) -> object:
    """USB devices: tablet, mouse, keyboard, host:BUS.ADDR or host:VENDOR:PRODUCT."""
    items = to_list(value)
    assert isinstance(items, list)
    for item in items:
        if not _USBDEV.fullmatch(item):
            raise Mismatch(
                "a USB device (tablet, mouse, keyboard, host:BUS.ADDR, host:VID:PID)", item, value
            )
    return tuple(items)


_USB_NUM = re.compile(r"\d{1,3}")
_USB_ID = re.compile(r"(?:0x)?([0-9a-fA-F]{1,4})")


def to_usbdev(value: object) -> object:
    """xl's ``usbdev = ["hostbus=1,hostaddr=2", "vendorid=0x046d,productid=0xc52b"]``: host USB
    devices, in usbdevice's own forms (``host:1.2``, ``host:046d:c52b``)."""
    items = to_list(value)
    assert isinstance(items, list)
    out = []
    for item in items:
        kv: dict[str, str] = {}
        for word in (w.strip() for w in item.split(",") if w.strip()):
            key, eq, val = word.partition("=")
            if not eq or key.strip() not in ("type", "hostbus", "hostaddr", "vendorid", "productid", "controller",
                                               "port") or key.strip() in kv:
                raise Mismatch("type=hostdev, hostbus=N,hostaddr=N or vendorid=0xVVVV,productid=0xPPPP",
                               word, item)
            kv[key.strip()] = val.strip()
        if kv.pop("type", "hostdev") != "hostdev":
            raise Mismatch("type=hostdev", item)
        kv.pop("controller", None)
        kv.pop("port", None)
        if set(kv) == {"hostbus", "hostaddr"} and all(_USB_NUM.fullmatch(v) for v in kv.values()):
            out.append(f"host:{int(kv['hostbus'])}.{int(kv['hostaddr'])}")
        elif set(kv) == {"vendorid", "productid"}:
            ids = [_USB_ID.fullmatch(kv[k]) for k in ("vendorid", "productid")]
            if not all(ids):
                raise Mismatch("USB IDs in hex (0x046d)", item)
            out.append("host:" + ":".join(m.group(1).lower().zfill(4) for m in ids if m))
        else:
            raise Mismatch("hostbus=N,hostaddr=N or vendorid=0xVVVV,productid=0xPPPP", item)
    return tuple(out)


SOUND_CARDS = ("sb16", "es1370", "ac97", "hda", "adlib", "gus", "cs4231a", "pcspk", "all")


def to_soundhw(value: object) -> object:
    what = "sound cards among " + ", ".join(SOUND_CARDS) + " (comma-separated)"
    if isinstance(value, str):
        cards = [c.strip() for c in value.split(",")]
        if value.strip() == "":
            return None
        if all(c in SOUND_CARDS for c in cards):
            return ",".join(cards)
    raise Mismatch(what, value)


_KEYMAP = re.compile(r"[a-z]{2,4}(-[a-z]{2,3})?")


def to_keymap(value: object) -> object:
    if isinstance(value, str) and (value == "" or _KEYMAP.fullmatch(value)):
        return value or None
    raise Mismatch("a keyboard layout like 'en-us', 'it' or 'de-ch'", value)


def to_accel(value: object) -> object:
    if value is None or value == "":
        return None
    if isinstance(value, str) and value.strip().lower() in ("kvm", "tcg"):
        return value.strip().lower()
    raise Mismatch("'kvm' or 'tcg' (or leave it out to probe the host)", value)


def to_builder(value: object) -> object:
    """xm's builder: 'hvm' (Xen 3.0's 'vmx' is the same), 'linux'/'generic' for PV, 'pvh'."""
    if isinstance(value, str) and value.strip() in ("hvm", "vmx", "linux", "generic", "pvh"):
        return "hvm" if value.strip() == "vmx" else value.strip()
    raise Mismatch("'hvm', 'linux', 'generic' or 'pvh'", value)


def to_type(value: object) -> object:
    """xl's type: 'hvm', 'pv' (builder 'linux') or 'pvh'."""
    if isinstance(value, str) and value.strip() in ("hvm", "pv", "pvh"):
        return {"hvm": "hvm", "pv": "linux", "pvh": "pvh"}[value.strip()]
    raise Mismatch("'hvm', 'pv' or 'pvh'", value)


def to_vga(value: object) -> object:
    """xl's vga: stdvga or cirrus (qxl, virtio and none are not supported; cirrus is used)."""
    if isinstance(value, str) and value.strip() in ("stdvga", "cirrus", "none", "qxl", "virtio", "vmware"):
        return value.strip()
    raise Mismatch("'stdvga', 'cirrus', 'qxl', 'virtio', 'vmware' or 'none'", value)


def to_vncdisplay(value: object) -> object:
    n = _int_of(value)
    if n is None or not 0 <= n <= 59635:
        raise Mismatch("a VNC display number from 0 to 59635", value)
    return n


def to_bios(value: object) -> object:
    """xl's bios: the HVM firmware, SeaBIOS (the default) or OVMF (UEFI)."""
    if isinstance(value, str) and value.strip().lower() in ("seabios", "ovmf"):
        return value.strip().lower()
    raise Mismatch("'seabios' or 'ovmf'", value)


#: a vtpm entry's keys: Xen's plumbing (which backend domain, which instance) means nothing
#: here and is accepted; ``model`` is hvmctl's: the guest's interface, CRB (default) or TIS
VTPM_KEYS = frozenset({"backend", "instance", "uuid", "backend_type", "model"})
VTPM_MODELS = ("crb", "tis")


def to_vtpm(value: object) -> object:
    """``vtpm = ["backend=0"]``: one emulated TPM 2.0 (swtpm); the model it shows, or None."""
    entries = to_list(value)
    assert isinstance(entries, list)
    if not entries:
        return None
    if len(entries) > 1:
        raise Mismatch("one vtpm entry (a guest has one TPM)", value)
    model = "crb"
    for part in (p.strip() for p in entries[0].split(",")):
        if not part:
            continue
        key, sep, val = part.partition("=")
        key = key.strip()
        if not sep or key not in VTPM_KEYS:
            raise Mismatch("vtpm settings key=value with keys " + ", ".join(sorted(VTPM_KEYS)), part, entries[0])
        if key == "model":
            if val.strip() not in VTPM_MODELS:
                raise Mismatch("model=crb or model=tis", part, entries[0])
            model = val.strip()
    return model


def to_viridian(value: object) -> object:
    from hvmctl.config.cpuflags import parse_viridian

    return parse_viridian(value)


def to_cpuid(value: object) -> object:
    """(QEMU flags, notes): see hvmctl.config.cpuflags."""
    from hvmctl.config.cpuflags import parse_cpuid

    return parse_cpuid(value)


def to_pci(value: object) -> object:
    """(addresses, notes): see hvmctl.config.pcispec."""
    from hvmctl.config.pcispec import parse_pci

    entries = to_list(value)
    assert isinstance(entries, list)
    return parse_pci(entries)


def anything(value: object) -> object:
    return value


# ---------------------------------------------------------------------------------------------
# the table


@dataclass(frozen=True)
class KeySpec:
    """One key: its converter, what it does, and how hvmctl treats it."""

    name: str
    convert: Converter
    doc: str
    effect: Effect = "used"
    #: the canonical key this one is another spelling of (xl's 'type' for 'builder'...)
    alias_of: str | None = None


def _k(
    name: str, convert: Converter, doc: str, effect: Effect = "used", alias_of: str | None = None
) -> KeySpec:
    return KeySpec(name, convert, doc, effect, alias_of)


_USED = [
    _k("name", to_name, "domain name; defaults to the profile's file name"),
    _k("builder", to_builder, "xm: 'hvm' for a full virtual machine, 'linux' for a PV guest"),
    _k("type", to_type, "xl: 'hvm', 'pv' or 'pvh' (replaces builder)", alias_of="builder"),
    _k("uuid", to_uuid, "the guest's identity; keep it when moving the guest"),
    _k("memory", to_size, "memory at boot, in MiB"),
    _k("maxmem", to_size, "memory the guest may balloon up to, in MiB"),
    _k("vcpus", to_vcpus, "virtual CPUs at boot"),
    _k("maxvcpus", to_vcpus, "xl: virtual CPUs the guest may hot-plug up to"),
    _k("cpus", to_cpus, "host CPUs the guest's vCPUs may run on ('0-3', '0,2')"),
    _k("cpu_weight", to_weight, "xm: CPU weight (credit scheduler; a cgroup's cpu weight here)"),
    _k("weight", to_weight, "xl: CPU weight (credit scheduler)", alias_of="cpu_weight"),
    _k("cpu_cap", to_cap, "xm: CPU cap, percent of one host CPU (a cgroup's CPU quota here)"),
    _k("cap", to_cap, "xl: CPU cap, percent of one host CPU", alias_of="cpu_cap"),
    _k("disk", to_list, "disks: 'file:/path,hda,w', 'phy:/dev/sdb2,hdb,w', xl key=value specs"),
    _k("vif", to_list, "network interfaces: 'mac=00:16:3e:..., bridge=xenbr0, model=e1000'"),
    _k("vfb", to_list, "graphical console: 'type=vnc,vncunused=1' or 'type=sdl'"),
    _k("nics", to_count, "xm (deprecated): number of network interfaces"),
    _k("cdrom", to_path, "xm (Xen 3.0): an ISO or device as the cdrom on hdc"),
    _k("boot", to_boot, "boot order: c disk, d cdrom, n network, a floppy ('dc')"),
    _k("kernel", to_path, "hvmloader (firmware boot) for HVM; the Linux kernel for PV"),
    _k("loader", to_path, "xm: HVM firmware (hvmloader)"),
    _k("ramdisk", to_path, "initial ramdisk for a kernel booted directly"),
    _k("extra", to_text, "extra kernel command line"),
    _k("root", to_text, "root= on the kernel command line"),
    _k("cmdline", to_text, "xl: the whole kernel command line (replaces root and extra)"),
    _k("bootloader", to_path, "PV boot loader run on the first disk (pygrub)"),
    _k("bootargs", to_text, "arguments for the boot loader"),
    _k("bootloader_args", to_text_or_list, "xl: arguments for the boot loader", alias_of="bootargs"),
    _k("serial", to_serial, "serial ports: pty, null, none, file:, pipe:, unix:, tcp:, telnet:, udp:, or a list"),
    _k("on_poweroff", to_action, "what to do when the guest powers off"),
    _k("on_shutdown", to_action, "xm spelling of on_poweroff", alias_of="on_poweroff"),
    _k("on_reboot", to_action, "what to do when the guest reboots"),
    _k("on_crash", to_action, "what to do when the guest crashes"),
    _k("acpi", to_bool, "ACPI firmware tables"),
    _k("apic", to_bool, "local APIC"),
    _k("pae", to_bool, "PAE (needed by 64-bit and most 32-bit guests)"),
    _k("localtime", to_bool, "the RTC keeps local time instead of UTC (Windows)"),
    _k("rtc_timeoffset", to_offset, "RTC offset from the host clock, in seconds"),
    _k("usb", to_bool, "emulated USB controller"),
    _k("usbdevice", to_usbdevices, "USB devices: 'tablet' (absolute pointer for VNC), 'mouse'"),
    _k("stdvga", to_bool, "standard VGA (VBE) instead of the Cirrus card"),
    _k("vga", to_vga, "xl: emulated video card (stdvga, cirrus)", alias_of="stdvga"),
    _k("soundhw", to_soundhw, "emulated sound cards ('ac97', 'hda', 'sb16,es1370')"),
    _k("keymap", to_keymap, "keyboard layout of the graphical console ('it', 'en-us')"),
    _k("device_model", to_path, "xm: the device model (qemu-dm); kept, QEMU is used"),
    _k("device_model_override", to_path, "xl: the device model binary", alias_of="device_model"),
    _k("vnc", to_bool, "HVM: console over VNC"),
    _k("vncunused", to_bool, "VNC: take the first free display"),
    _k("vncdisplay", to_vncdisplay, "VNC: display number (port 5900+N)"),
    _k("vnclisten", to_str, "VNC: address to listen on (default 127.0.0.1)"),
    _k("vncpasswd", to_str, "VNC: password"),
    _k("sdl", to_bool, "HVM: console in an SDL window"),
    _k("nographic", to_bool, "no graphical console at all"),
    _k("accel", to_accel, "hvmctl: 'kvm' or 'tcg'; absent, the host is probed"),
    _k("ha", to_bool, "hvmctl pool: restart the guest on another member when its host fails"),
    _k("host_tags", to_host_tags, "hvmctl pool: tags a member must have to run the guest ('ssd, rack1')"),
    _k("viridian", to_viridian, "xl: Hyper-V enlightenments, 1 or groups ['base', 'freq', 'stimer', ...] (KVM)"),
    _k("cpuid", to_cpuid, "CPU features: xl 'host,aes=0,...' or xm ['0x1:ecx=xxxx...0'] (QEMU -cpu flags)"),
    _k("nestedhvm", to_bool, "xl: expose VMX/SVM to the guest (KVM with nesting on)"),
    _k("usbdev", to_usbdev, "xl: host USB devices for usb-host: ['hostbus=1,hostaddr=2', "
                            "'vendorid=0x046d,productid=0xc52b']"),
    _k("pci", to_pci, "host PCI functions passed through with vfio-pci: ['0000:01:00.0']"),
    _k("vtpm", to_vtpm, "an emulated TPM 2.0 (swtpm): ['backend=0'], 'model=tis' for the TIS interface"),
    _k("secure_boot", to_bool, "hvmctl: UEFI Secure Boot with Microsoft's keys enrolled (OVMF; q35 + SMM)"),
    _k("bios", to_bios, "xl: HVM firmware, 'seabios' (default) or 'ovmf' (UEFI, variables kept per domain)"),
]

_IGNORED_DOCS = {
    "device_model_version": "xl: qemu-xen or qemu-xen-traditional; QEMU itself is used",
    "device_model_stubdomain_override": "xl: device model in a stub domain",
    "shadow_memory": "Xen shadow page-table memory",
    "hap": "Xen hardware-assisted paging",
    "oos": "Xen out-of-sync shadow page tables",
    "xen_platform_pci": "Xen platform PCI device for PV drivers",
    "timer_mode": "Xen virtual timer mode",
    "tsc_mode": "Xen TSC mode",
    "vpt_align": "Xen periodic timer alignment",
    "hpet": "high-precision event timer (QEMU provides one)",
    "videoram": "video memory in MiB",
    "on_xend_start": "xend: start the domain when xend starts",
    "on_xend_stop": "xend: what to do when xend stops",
    "ip": "PV kernel IP configuration",
    "dhcp": "PV kernel DHCP configuration",
    "netmask": "PV kernel IP configuration",
    "gateway": "PV kernel IP configuration",
    "hostname": "PV kernel IP configuration",
    "interface": "PV kernel IP configuration",
    "nfs_server": "PV kernel NFS root",
    "nfs_root": "PV kernel NFS root",
    "ssidref": "Xen security label",
    "security": "Xen security label",
    "access_control": "Xen security label",
    "seclabel": "xl: XSM security label",
    "init_seclabel": "xl: XSM security label",
    "nomigrate": "Xen migration switch",
    "vhpt": "IA64 VHPT size",
    "machine_address_size": "Xen machine address size",
    "superpages": "Xen superpage allocation",
    "s3_integrity": "tboot S3 memory integrity",
    "pci_msitranslate": "Xen PCI MSI translation",
    "pci_power_mgmt": "Xen PCI power management",
    "blkif": "xm: make the domain a block backend",
    "netif": "xm: make the domain a network backend",
    "tpmif": "xm: make the domain a TPM backend",
    "restart": "xm (deprecated): replaced by on_poweroff/on_reboot/on_crash",
    "guest_os_type": "xm: guest OS hint",
    "description": "xm: free text",
    "display": "SDL: X display (the caller's is used)",
    "xauthority": "SDL: X authority file",
    "opengl": "SDL: OpenGL",
    "vncconsole": "xm: start a viewer after create",
    "vncviewer": "xm: start a viewer after create",
    "monitor": "device model monitor",
    "isa": "ISA-only machine",
    "features": "Xen PV kernel features",
    "memmap": "xm: memory map file",
    "cpu": "xm: the CPU for vCPU 0",
    "vcpu_avail": "xm: bitmask of online vCPUs",
    "pool": "Xen CPU pool",
    "max_grant_frames": "Xen grant table size",
    "max_maptrack_frames": "Xen maptrack size",
    "max_event_channels": "Xen event channels",
    "claim_mode": "Xen memory claim",
    "driver_domain": "Xen driver domain",
    "e820_host": "Xen PV host E820 map",
    "xen_extended_power_mgmt": "Xen power management",
    "suppress_spurious_page_faults": "Xen PV page faults",
    "target": "xm: domain target",
    "vkb_device": "xl: PV keyboard",
    "vendor_device": "xl: Xen vendor device",
    "pvh": "xl (deprecated): PVH mode flag",
    "dm_restrict": "xl: device model privilege restriction (QEMU is sandboxed anyway)",
    "device_model_user": "xl: device model user",
    "stubdomain_memory": "xl: stub domain memory",
    "stubdomain_kernel": "xl: stub domain kernel",
}

_UNSUPPORTED_DOCS = {
    "pci_permissive": "PCI passthrough",
    "pci_seize": "PCI passthrough",
    "gfx_passthru": "graphics passthrough",
    "ioports": "I/O port passthrough",
    "iomem": "memory passthrough",
    "irq": "IRQ passthrough",
    "irqs": "IRQ passthrough",
    "vscsi": "PV SCSI",
    "vusb": "PV USB",
    "usbctrl": "PV USB",
    "usbversion": "USB controller version",
    "vif2": "netchannel2 interfaces",
    "channel": "PV channels",
    "p9": "9pfs shares",
    "pvcalls": "PV calls",
    "vdispl": "PV display",
    "vsnd": "PV sound",
    "vkb": "PV keyboard",
    "dtdev": "device tree passthrough",
    "rdm": "reserved device memory",
    "rdm_mem_boundary": "reserved device memory",
    "altp2m": "alternate p2m",
    "altp2mhvm": "alternate p2m",
    "nx": "NX flag control",
    "acpi_s3": "ACPI S3 control",
    "acpi_s4": "ACPI S4 control",
    "acpi_laptop_slate": "ACPI laptop/slate switch",
    "mmio_hole": "MMIO hole size",
    "cpuid_check": "CPUID masking",
    "cpus_soft": "soft CPU affinity",
    "vnuma": "virtual NUMA",
    "firmware": "firmware choice (SeaBIOS is used)",
    "bios_path_override": "firmware path",
    "smbios": "SMBIOS strings",
    "ms_vm_genid": "VM generation ID",
    "device_model_args": "raw device model arguments",
    "device_model_args_hvm": "raw device model arguments",
    "device_model_args_pv": "raw device model arguments",
    "spice": "SPICE console",
    "spicehost": "SPICE console",
    "spiceport": "SPICE console",
    "spicetls_port": "SPICE console",
    "spicedisable_ticketing": "SPICE console",
    "spicepasswd": "SPICE console",
    "spiceagent_mouse": "SPICE console",
    "spicevdagent": "SPICE console",
    "spice_clipboard_sharing": "SPICE console",
    "spiceusbredirection": "SPICE console",
    "on_watchdog": "watchdog action",
    "on_soft_reset": "soft reset action",
    "vuart": "virtual UART",
    "tee": "TEE mediator",
    "passthrough": "passthrough setup",
    "fda": "floppy drives",
    "fdb": "floppy drives",
    "bootentry": "boot loader entry (use bootargs)",
    "macaddr": "xm (Xen 3.0): MAC of the first NIC (use vif)",
    "vcpu_hard_affinity": "per-vCPU affinity",
    "vcpu_soft_affinity": "per-vCPU affinity",
    "max_grant_version": "Xen grant tables",
    "trap_unmapped_accesses": "Xen MMIO trapping",
    "gic_version": "ARM GIC version",
}

KEYS: dict[str, KeySpec] = {spec.name: spec for spec in _USED}
KEYS.update({n: _k(n, anything, d, "ignored") for n, d in _IGNORED_DOCS.items()})
KEYS.update({n: _k(n, anything, d, "unsupported") for n, d in _UNSUPPORTED_DOCS.items()})

#: keys only xl knows; their presence makes a profile follow xl's defaults (VNC on for HVM)
XL_ONLY_KEYS = frozenset(
    {"type", "device_model_version", "device_model_override", "on_watchdog", "on_soft_reset",
     "cmdline", "vga", "bootloader_args", "firmware", "bios"}
)  # fmt: skip

#: aliases grouped by the canonical key they spell
ALIASES: dict[str, tuple[str, ...]] = {}
for _spec in KEYS.values():
    if _spec.alias_of:
        ALIASES[_spec.alias_of] = ALIASES.get(_spec.alias_of, ()) + (_spec.name,)


def known(name: str) -> bool:
    return name in KEYS


def suggest(name: str) -> str | None:
    """The closest known key to a misspelt one (``vcpu`` → ``vcpus``), if any is close."""
    import difflib

    matches = difflib.get_close_matches(name, list(KEYS), n=1, cutoff=0.7)
    return matches[0] if matches else None
