"""A pure function from the domain model to QEMU's command line.

``build_argv(config, facts, plan)`` touches nothing on the host: every host-dependent
choice (accelerator, VNC display, tap names, image formats, file paths) arrives in
``HostFacts`` and ``LaunchPlan``, decided beforehand by the daemon. One small function per
device class, each tested against golden files (tests/unit/golden/argv/).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import PurePath

from hvmctl.config.model import DiskSpec, DomainConfig, VfbSpec

# profile NIC model -> QEMU device
NIC_DEVICES: dict[str, str] = {
    "rtl8139": "rtl8139",
    "e1000": "e1000",
    "ne2k_pci": "ne2k_pci",
    "virtio": "virtio-net-pci",
    "pcnet": "pcnet",
    "i82559er": "i82559er",
    "vmxnet3": "vmxnet3",
}
SOUND_DEVICES: dict[str, list[str]] = {
    "ac97": ["AC97"],
    "es1370": ["ES1370"],
    "sb16": ["sb16"],
    "hda": ["intel-hda", "hda-duplex"],
}
USB_DEVICES: dict[str, str] = {"tablet": "usb-tablet", "mouse": "usb-mouse", "keyboard": "usb-kbd"}


@dataclass(frozen=True)
class HostFacts:
    """What the host offers, probed once (accelerator) or configured."""

    accel: str = "tcg"  # "kvm" or "tcg"
    qemu_binary: str = "qemu-system-x86_64"
    machine: str = "pc"  # i440fx + PIIX: IDE where an HVM guest expects it, like Xen's qemu-dm


@dataclass(frozen=True)
class NicPlan:
    """How one vif reaches the host: a tap on a bridge, or QEMU's user-mode NAT."""

    index: int
    mac: str
    model: str
    kind: str = "user"  # "bridge" | "user"
    tap: str | None = None
    hostfwd: tuple[str, ...] = ()  # user-mode forwards, e.g. "tcp:127.0.0.1:2222-:22"


@dataclass(frozen=True)
class KernelBoot:
    """A kernel booted directly (PV profiles, or what pygrub found in the image)."""

    kernel: str
    initrd: str | None = None
    cmdline: str = ""


@dataclass(frozen=True)
class LaunchPlan:
    """The host resources chosen for one start of one domain."""

    domid: int
    run_dir: PurePath
    nics: tuple[NicPlan, ...] = ()
    vnc_display: int | None = None  # a fixed display (restore/migration keep the old one)
    disk_formats: dict[str, str] = field(default_factory=dict)  # vdev -> raw/qcow2/...
    kernel_boot: KernelBoot | None = None
    incoming: str | None = None  # "defer" for restore/migration targets
    log_dir: PurePath | None = None  # where console logs outlive the run dir
    name: str = "guest"

    @property
    def qmp_socket(self) -> PurePath:
        return self.run_dir / "qmp.sock"

    @property
    def serial_socket(self) -> PurePath:
        return self.run_dir / "serial.sock"

    @property
    def console_log(self) -> PurePath:
        """Everything the guest wrote on its serial port; kept after the guest is gone."""
        return (self.log_dir or self.run_dir) / f"{self.name}.console.log"

    @property
    def pidfile(self) -> PurePath:
        return self.run_dir / "qemu.pid"

    @property
    def vnc_secret_file(self) -> PurePath:
        return self.run_dir / "vnc.secret"


def build_argv(cfg: DomainConfig, facts: HostFacts, plan: LaunchPlan) -> list[str]:
    """The complete QEMU command line for one start of ``cfg``."""
    return [
        facts.qemu_binary,
        *machine_args(cfg, facts),
        *identity_args(cfg, plan),
        *cpu_memory_args(cfg),
        *control_args(plan),
        *lifecycle_args(),
        *sandbox_args(),
        *firmware_args(cfg, plan),
        *disk_args(cfg, plan),
        *nic_args(cfg, plan),
        *serial_args(cfg, plan),
        *display_args(cfg, plan),
        *usb_args(cfg),
        *sound_args(cfg),
        *misc_device_args(cfg),
        *incoming_args(plan),
    ]


def machine_args(cfg: DomainConfig, facts: HostFacts) -> list[str]:
    machine = facts.machine
    if not cfg.acpi:
        machine += ",acpi=off"
    return ["-machine", machine, "-accel", facts.accel, "-nodefaults", "-no-user-config"]


def identity_args(cfg: DomainConfig, plan: LaunchPlan) -> list[str]:
    args = ["-name", f"guest={cfg.name},debug-threads=on"]
    if cfg.uuid:
        args += ["-uuid", cfg.uuid]
    return args


def cpu_memory_args(cfg: DomainConfig) -> list[str]:
    cpu = "qemu64" if cfg.pae else "qemu64,-pae"
    smp = str(cfg.vcpus)
    if cfg.maxvcpus and cfg.maxvcpus > cfg.vcpus:
        smp += f",maxcpus={cfg.maxvcpus}"
    return ["-cpu", cpu, "-m", f"{cfg.memory}M", "-smp", smp]


def control_args(plan: LaunchPlan) -> list[str]:
    """The toolstack's handles on the process: QMP socket and pidfile."""
    return [
        "-chardev", f"socket,id=qmp,path={plan.qmp_socket},server=on,wait=off",
        "-mon", "chardev=qmp,mode=control",
        "-pidfile", str(plan.pidfile),
    ]


def lifecycle_args() -> list[str]:
    """QEMU never decides a guest's fate: poweroff, reboot and panic all stop and report,
    and the daemon applies on_poweroff/on_reboot/on_crash (S9)."""
    return ["-action", "reboot=shutdown,shutdown=pause,panic=pause", "-device", "pvpanic"]


def sandbox_args() -> list[str]:
    return ["-sandbox", "on,obsolete=deny,elevateprivileges=deny,spawn=deny,resourcecontrol=deny"]


def firmware_args(cfg: DomainConfig, plan: LaunchPlan) -> list[str]:
    """Direct kernel boot, or SeaBIOS with the profile's boot order (see bootindex)."""
    boot = plan.kernel_boot
    if boot is None and cfg.kernel:
        cmdline = " ".join(p for p in (f"root={cfg.root}" if cfg.root else "", cfg.extra or "") if p)
        boot = KernelBoot(cfg.kernel, cfg.ramdisk, cmdline)
    if boot is None:
        return ["-boot", "menu=off,reboot-timeout=5000"]
    args = ["-kernel", boot.kernel]
    if boot.initrd:
        args += ["-initrd", boot.initrd]
    if boot.cmdline:
        args += ["-append", boot.cmdline]
    return args


def boot_indexes(cfg: DomainConfig, nic_count: int) -> dict[str, int]:
    """Device id -> bootindex from the ``boot`` letters: c = hard disks, d = cdroms,
    n = NICs, in the order given. Devices of a class not named get no index; SeaBIOS
    still tries them after the named ones, so an empty first choice falls through."""
    order: dict[str, int] = {}
    nxt = 1
    for letter in cfg.boot:
        if letter == "c":
            ids = [d.vdev for d in cfg.disks if d.devtype == "disk"]
        elif letter == "d":
            ids = [d.vdev for d in cfg.disks if d.devtype == "cdrom"]
        elif letter == "n":
            ids = [f"nic{i}" for i in range(nic_count)]
        else:  # 'a': no floppy emulation; accepted for old profiles
            ids = []
        for dev_id in ids:
            order[dev_id] = nxt
            nxt += 1
    return order


def _ide_address(vdev: str) -> str:
    index = ord(vdev[2]) - ord("a")  # hda=0 .. hdd=3
    return f"bus=ide.{index // 2},unit={index % 2}"


def disk_args(cfg: DomainConfig, plan: LaunchPlan) -> list[str]:
    args: list[str] = []
    boot = boot_indexes(cfg, len(plan.nics)) if plan.kernel_boot is None and not cfg.kernel else {}
    if any(d.bus == "scsi" for d in cfg.disks):
        args += ["-device", "virtio-scsi-pci,id=scsi0"]
    for disk in sorted(cfg.disks, key=lambda d: d.vdev):
        args += ["-drive", _drive_opts(disk, plan), "-device", _disk_device(disk, boot.get(disk.vdev))]
    return args


def _drive_opts(disk: DiskSpec, plan: LaunchPlan) -> str:
    opts = [f"if=none,id=drive-{disk.vdev}"]
    if disk.devtype == "cdrom":
        opts.append("media=cdrom")
    if not disk.empty:
        fmt = plan.disk_formats.get(disk.vdev) or disk.format or "raw"
        opts.insert(0, f"file={_escape(disk.target)}")
        opts.append(f"format={fmt}")
        if disk.readonly or disk.devtype == "cdrom":
            opts.append("readonly=on")
        if disk.shared:
            opts.append("file.locking=off")  # w!: the user allows sharing, as xm did
        if disk.backend == "phy":
            opts.append("cache=none,aio=native")
    return ",".join(opts)


def _disk_device(disk: DiskSpec, bootindex: int | None) -> str:
    if disk.bus == "ide":
        kind = "ide-cd" if disk.devtype == "cdrom" else "ide-hd"
        dev = f"{kind},drive=drive-{disk.vdev},id={disk.vdev},{_ide_address(disk.vdev)}"
    elif disk.bus == "scsi":
        kind = "scsi-cd" if disk.devtype == "cdrom" else "scsi-hd"
        dev = f"{kind},drive=drive-{disk.vdev},id={disk.vdev},bus=scsi0.0"
    else:
        dev = f"virtio-blk-pci,drive=drive-{disk.vdev},id={disk.vdev}"
    if bootindex is not None:
        dev += f",bootindex={bootindex}"
    return dev


def _escape(value: str) -> str:
    """QEMU option values double their commas."""
    return value.replace(",", ",,")


def nic_args(cfg: DomainConfig, plan: LaunchPlan) -> list[str]:
    args: list[str] = []
    boot = boot_indexes(cfg, len(plan.nics)) if plan.kernel_boot is None and not cfg.kernel else {}
    for nic in plan.nics:
        netdev = f"net{nic.index}"
        if nic.kind == "bridge":
            backend = f"tap,id={netdev},ifname={nic.tap},script=no,downscript=no"
        else:
            backend = f"user,id={netdev}" + "".join(f",hostfwd={f}" for f in nic.hostfwd)
        device = f"{NIC_DEVICES[nic.model]},netdev={netdev},mac={nic.mac},id=nic{nic.index}"
        index = boot.get(f"nic{nic.index}")
        if index is not None:
            device += f",bootindex={index}"
        else:
            device += ",romfile="  # no PXE ROM unless network boot is asked for
        args += ["-netdev", backend, "-device", device]
    return args


def serial_args(cfg: DomainConfig, plan: LaunchPlan) -> list[str]:
    """The first serial port. Whatever the backend, a log of everything the guest wrote is
    kept in console.log (``xm log``/``dmesg``), and ``pty`` (the default) becomes a Unix
    socket the daemon hands to ``xm console``."""
    serial = cfg.serial
    log = f"logfile={plan.console_log},logappend=on"
    if serial in ("none", ""):
        return []
    if serial == "null":
        backend = "null,id=serial0"
    elif serial.startswith("file:"):
        backend = f"file,id=serial0,path={_escape(serial[5:])}"
    elif serial.startswith("unix:"):
        backend = f"socket,id=serial0,path={_escape(serial[5:])},server=on,wait=off"
    elif serial.startswith("tcp:"):
        host, _, port = serial[4:].rpartition(":")
        backend = f"socket,id=serial0,host={host or '127.0.0.1'},port={port},server=on,wait=off,telnet=off"
    else:  # pty, vc, stdio...: our console socket
        backend = f"socket,id=serial0,path={plan.serial_socket},server=on,wait=off"
    return ["-chardev", f"{backend},{log}", "-serial", "chardev:serial0"]


def display_args(cfg: DomainConfig, plan: LaunchPlan) -> list[str]:
    args = ["-vga", "std" if cfg.stdvga else "cirrus"]
    vfb = cfg.vfb
    if vfb is None:
        return args + ["-display", "none"]
    if vfb.type == "sdl":
        return args + ["-display", "sdl"]
    return args + ["-display", "none", *vnc_args(vfb, plan, cfg.keymap)]


def vnc_args(vfb: VfbSpec, plan: LaunchPlan, keymap: str | None) -> list[str]:
    """VNC on 127.0.0.1 unless ``vnclisten`` says otherwise. ``vncunused`` lets QEMU take
    the first free display from ``vncdisplay`` (or 0) upwards with ``to=`` -- no race with
    other guests or programs; otherwise the display is ``vncdisplay``, or the domain ID as
    in Xen. The daemon reads the display QEMU took back with ``query-vnc``."""
    host = vfb.vnclisten
    if ":" in host and not host.startswith("["):
        host = f"[{host}]"
    if plan.vnc_display is not None:
        opts = f"{host}:{plan.vnc_display}"
    elif vfb.vncunused:
        opts = f"{host}:{vfb.vncdisplay or 0},to=99"
    else:
        opts = f"{host}:{vfb.vncdisplay if vfb.vncdisplay is not None else plan.domid}"
    args: list[str] = []
    if vfb.vncpasswd:
        args += ["-object", f"secret,id=vncpass,file={plan.vnc_secret_file}"]
        opts += ",password-secret=vncpass"
    args += ["-vnc", opts]
    if vfb.keymap or keymap:
        args += ["-k", vfb.keymap or keymap or ""]
    return args


def usb_args(cfg: DomainConfig) -> list[str]:
    if not (cfg.usb or cfg.usbdevices):
        return []
    args = ["-device", "piix3-usb-uhci,id=usb"]
    for name in cfg.usbdevices:
        if name.startswith("host:"):
            vendor, _, product = name[5:].partition(":")
            args += ["-device", f"usb-host,bus=usb.0,vendorid=0x{vendor},productid=0x{product}"]
        else:
            args += ["-device", f"{USB_DEVICES.get(name, name)},bus=usb.0"]
    return args


def sound_args(cfg: DomainConfig) -> list[str]:
    if not cfg.soundhw:
        return []
    args = ["-audiodev", "none,id=snd0"]
    for card in cfg.soundhw.split(","):
        for dev in SOUND_DEVICES.get(card.strip(), [card.strip()]):
            args += ["-device", f"{dev},audiodev=snd0" if dev != "intel-hda" else dev]
    return args


def misc_device_args(cfg: DomainConfig) -> list[str]:
    args = ["-rtc", "base=localtime" if cfg.localtime else "base=utc"]
    if cfg.maxmem and cfg.maxmem > cfg.memory:
        args += ["-device", "virtio-balloon-pci,id=balloon0"]
    return args


def incoming_args(plan: LaunchPlan) -> list[str]:
    return ["-incoming", plan.incoming] if plan.incoming else []
