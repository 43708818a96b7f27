"""Write a DomainConfig back as a profile, in xm or in xl syntax.

What is written reads back to an equal config (``parse(write_xm(cfg)) == cfg``) for every
config the reader can produce. Both outputs are plain ``key = value`` lines that xm, xl and
hvmctl all read; defaults are written out so that no reader's own defaults matter.
"""

from __future__ import annotations

from dataclasses import replace

from hvmctl.config.model import DiskSpec, DomainConfig, VfbSpec, VifSpec
from hvmctl.errors import ConfigError

HVMLOADER = "/usr/lib/xen/boot/hvmloader"
_XL_TYPE = {"hvm": "hvm", "linux": "pv", "pvh": "pvh"}


def quote(text: str) -> str:
    """A double-quoted string literal both Python and xl's parser read back exactly."""
    out = ['"']
    for ch in text:
        if ch in '"\\':
            out.append("\\" + ch)
        elif ch == "\n":
            out.append("\\n")
        elif ch == "\t":
            out.append("\\t")
        elif ch == "\r":
            out.append("\\r")
        elif ord(ch) < 0x20 or ord(ch) == 0x7F:
            out.append(f"\\x{ord(ch):02x}")
        else:
            out.append(ch)
    out.append('"')
    return "".join(out)


def _list(key: str, items: list[str]) -> str:
    if not items:
        return f"{key} = []"
    body = "".join(f"    {quote(i)},\n" for i in items)
    return f"{key} = [\n{body}]"


def _flag(value: bool) -> str:
    return "1" if value else "0"


def write_xm(cfg: DomainConfig) -> str:
    """The config as an xm profile (/etc/xen/NAME), xend's disk syntax, console in ``vfb``."""
    lines = [f"# {cfg.name}: xm domain profile written by hvmctl", f"name = {quote(cfg.name)}"]
    lines.append(f"builder = {quote(cfg.builder)}")
    lines += _identity_and_size(cfg)
    kernel = cfg.kernel if cfg.kernel is not None or not cfg.is_hvm else HVMLOADER
    lines += _boot(cfg, kernel)
    if cfg.device_model is not None:
        lines.append(f"device_model = {quote(cfg.device_model)}")
    if cfg.disks:
        lines.append(_list("disk", [xm_disk(d) for d in cfg.disks]))
    if cfg.vifs:
        lines.append(_list("vif", [vif_entry(v) for v in cfg.vifs]))
    if cfg.vfb is not None:
        entry, top = _vfb_entry(cfg.vfb, cfg.keymap)
        lines.append(_list("vfb", [entry]))
        lines += top
    lines += _hardware(cfg)
    if len(cfg.usbdevices) == 1:
        lines.append(f"usbdevice = {quote(cfg.usbdevices[0])}")
    elif cfg.usbdevices:
        lines.append(_list("usbdevice", list(cfg.usbdevices)))
    lines += _lifecycle(cfg)
    return "\n".join(lines) + "\n"


def write_live_xm(cfg: DomainConfig) -> str:
    """A live definition as an xm profile, as ``xm list -l`` gave it: the guest as it is
    now (disks and NICs hot-plugged or gone, the medium in each drive, the memory target,
    the vCPUs online), what only QEMU needs (machine type, PCI slots) as comments."""
    online = cfg.vcpus + len(cfg.cpu_plugs)
    text = write_xm(replace(cfg, vcpus=online, cpu_plugs=()))
    head, _, rest = text.partition("\n")
    notes = [f"# live definition: machine {cfg.machine or 'pc (not started yet)'}"]
    if cfg.slots:
        notes.append("# PCI slots: " + ", ".join(f"{k}={v:#x}" for k, v in sorted(cfg.slots.items(), key=lambda i: i[1])))
    return "\n".join([head, *notes, rest])


def write_xl(cfg: DomainConfig) -> str:
    """The config as an xl.cfg(5) file: ``type``, key=value disks, HVM console as top keys."""
    lines = [f"# {cfg.name}: xl domain configuration written by hvmctl", f"name = {quote(cfg.name)}"]
    if cfg.builder in _XL_TYPE:
        lines.append(f"type = {quote(_XL_TYPE[cfg.builder])}")
    else:
        lines.append(f"builder = {quote(cfg.builder)}")
    lines += _identity_and_size(cfg)
    lines += _boot(cfg, cfg.kernel)
    if cfg.device_model is not None:
        lines.append(f"device_model_override = {quote(cfg.device_model)}")
    if cfg.disks:
        lines.append(_list("disk", [xl_disk(d) for d in cfg.disks]))
    if cfg.vifs:
        lines.append(_list("vif", [vif_entry(v, xl=True) for v in cfg.vifs]))
    lines += _xl_console(cfg)
    lines += _hardware(cfg)
    if cfg.usbdevices:
        lines.append(_list("usbdevice", list(cfg.usbdevices)))
    lines += _lifecycle(cfg)
    return "\n".join(lines) + "\n"


def _identity_and_size(cfg: DomainConfig) -> list[str]:
    lines = []
    if cfg.uuid is not None:
        lines.append(f"uuid = {quote(cfg.uuid)}")
    lines.append(f"memory = {cfg.memory}")
    if cfg.maxmem is not None:
        lines.append(f"maxmem = {cfg.maxmem}")
    lines.append(f"vcpus = {cfg.vcpus}")
    if cfg.maxvcpus is not None:
        lines.append(f"maxvcpus = {cfg.maxvcpus}")
    if cfg.cpus is not None:
        lines.append(f"cpus = {quote(cfg.cpus)}")
    if cfg.accel is not None:
        lines.append(f"accel = {quote(cfg.accel)}")
    if cfg.ha:
        lines.append("ha = 1")
    if cfg.host_tags:
        lines.append(f"host_tags = {quote(', '.join(cfg.host_tags))}")
    return lines


def _boot(cfg: DomainConfig, kernel: str | None) -> list[str]:
    lines = []
    for key, value in (
        ("kernel", kernel),
        ("ramdisk", cfg.ramdisk),
        ("root", cfg.root),
        ("extra", cfg.extra),
        ("bootloader", cfg.bootloader),
        ("bootargs", cfg.bootargs),
    ):
        if value is not None:
            lines.append(f"{key} = {quote(value)}")
    lines.append(f"boot = {quote(cfg.boot)}")
    return lines


def _hardware(cfg: DomainConfig) -> list[str]:
    if cfg.more_serials:
        lines = ["serial = [" + ", ".join(quote(s) for s in (cfg.serial, *cfg.more_serials)) + "]"]
    else:
        lines = [f"serial = {quote(cfg.serial)}"]
    for key in ("acpi", "apic", "pae", "localtime", "usb", "stdvga"):
        lines.append(f"{key} = {_flag(getattr(cfg, key))}")
    if cfg.rtc_timeoffset:
        lines.append(f"rtc_timeoffset = {cfg.rtc_timeoffset}")
    if cfg.soundhw is not None:
        lines.append(f"soundhw = {quote(cfg.soundhw)}")
    if cfg.keymap is not None:
        lines.append(f"keymap = {quote(cfg.keymap)}")
    if cfg.cpuid:
        lines.append("cpuid = " + quote(",".join(["host", *(f"{f[1:]}={1 if f[0] == '+' else 0}" for f in cfg.cpuid)])))
    if cfg.viridian:
        lines.append(_list("viridian", list(cfg.viridian)))
    if cfg.nestedhvm:
        lines.append("nestedhvm = 1")
    if cfg.pci:
        lines.append(_list("pci", list(cfg.pci)))
    if cfg.vtpm is not None:
        lines.append(_list("vtpm", [f"model={cfg.vtpm}"]))
    if cfg.secure_boot:
        lines.append("secure_boot = 1")
    if cfg.bios != "seabios":
        lines.append(f"bios = {quote(cfg.bios)}")
        if cfg.vfb is None:  # bios is an xl key, and xl turns VNC on by default
            lines.append("nographic = 1")
    return lines


def _lifecycle(cfg: DomainConfig) -> list[str]:
    return [
        f"on_poweroff = {quote(cfg.on_poweroff)}",
        f"on_reboot = {quote(cfg.on_reboot)}",
        f"on_crash = {quote(cfg.on_crash)}",
    ]


# -- devices


def _no_comma(text: str, what: str) -> str:
    if "," in text:
        raise ConfigError(f"{what} {text!r} contains a comma and cannot be written in xm syntax")
    return text


def xm_disk(disk: DiskSpec) -> str:
    """xend syntax: ``file:/path,hda,w``, ``phy:/dev/sdb2,hdb,w``, ``,hdc:cdrom,r``."""
    dev = disk.vdev + (":cdrom" if disk.devtype == "cdrom" else "")
    if disk.empty:
        return f",{dev},{disk.mode}"
    path = _no_comma(disk.target, "disk path")
    if disk.backend == "phy":
        uname = f"phy:{path}"
    elif disk.backend.startswith("tap:"):
        uname = f"{disk.backend}:{path}"
    elif disk.format is None:
        uname = f"file:{path}"  # the format is detected when the guest starts
    else:
        uname = f"{disk.format}:{path}"  # xl's format prefix ('raw:', 'qcow2:'); file: has none
    return f"{uname},{dev},{disk.mode}"


def xl_disk(disk: DiskSpec) -> str:
    """xl-disk-configuration(5) key=value syntax, ``target=`` last so any path fits."""
    access = {"r": "ro", "w": "rw"}.get(disk.mode, disk.mode)
    parts = []
    if not disk.empty and disk.format is not None:
        parts.append(f"format={disk.format}")
    parts += [f"vdev={disk.vdev}", f"access={access}"]
    if disk.devtype == "cdrom":
        parts.append("devtype=cdrom")
    if disk.backend == "phy":
        parts.append("backendtype=phy")
    elif disk.backend.startswith("tap:"):
        parts.append("backendtype=tap")
    if not disk.empty:
        parts.append(f"target={disk.target}")
    return ", ".join(parts)


def vif_entry(vif: VifSpec, *, xl: bool = False) -> str:
    """``mac=..., bridge=..., model=...``; '' for a vif with every default. xl spells xm's
    paravirtual-only ``type=netfront`` as ``type=vif``."""
    if xl and vif.type == "netfront":
        vif = replace(vif, type="vif")
    keys = ("mac", "bridge", "model", "ip", "script", "type", "vifname", "rate", "backend")
    return ", ".join(f"{k}={getattr(vif, k)}" for k in keys if getattr(vif, k) is not None)


def _vfb_entry(vfb: VfbSpec, keymap: str | None) -> tuple[str, list[str]]:
    """The vfb string, and top-level lines for what a vfb string cannot hold."""
    top: list[str] = []
    parts = [f"type={vfb.type}"]
    if vfb.type == "vnc":
        parts.append(f"vncunused={_flag(vfb.vncunused)}")
        if vfb.vncdisplay is not None:
            parts.append(f"vncdisplay={vfb.vncdisplay}")
        parts.append(f"vnclisten={vfb.vnclisten}")
        if vfb.vncpasswd is not None:
            if "," in vfb.vncpasswd or vfb.vncpasswd != vfb.vncpasswd.strip():
                top.append(f"vncpasswd = {quote(vfb.vncpasswd)}")
            else:
                parts.append(f"vncpasswd={vfb.vncpasswd}")
    if vfb.keymap is not None and vfb.keymap != keymap:
        parts.append(f"keymap={vfb.keymap}")
    return ",".join(parts), top


def _xl_console(cfg: DomainConfig) -> list[str]:
    """xl: an HVM console is top-level keys; a PV one (or an odd keymap) is a vfb entry."""
    vfb = cfg.vfb
    if vfb is None:
        return ["vnc = 0", "sdl = 0"] if cfg.is_hvm else []
    if not cfg.is_hvm or vfb.keymap != cfg.keymap:
        entry, top = _vfb_entry(vfb, cfg.keymap)
        return [_list("vfb", [entry])] + top
    if vfb.type == "sdl":
        return ["vnc = 0", "sdl = 1"]
    lines = ["vnc = 1", f"vncunused = {_flag(vfb.vncunused)}"]
    if vfb.vncdisplay is not None:
        lines.append(f"vncdisplay = {vfb.vncdisplay}")
    lines.append(f"vnclisten = {quote(vfb.vnclisten)}")
    if vfb.vncpasswd is not None:
        lines.append(f"vncpasswd = {quote(vfb.vncpasswd)}")
    return lines


def write_live_xl(cfg: DomainConfig) -> str:
    """A live definition as an xl.cfg (the vCPUs online as ``vcpus``), for a guest moved to xl."""
    return write_xl(replace(cfg, vcpus=cfg.vcpus + len(cfg.cpu_plugs), cpu_plugs=()))
