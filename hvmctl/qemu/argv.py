"""A pure function from the domain model to QEMU's command line.

``build_argv(config, facts, plan)`` touches nothing on the host: every host-dependent
choice (accelerator, VNC display, tap names, image formats, file paths) arrives in
``HostFacts`` and ``LaunchPlan``, decided beforehand by the daemon. One small function per
device class, each tested against golden files (tests/unit/golden/argv/); the devices a
guest can have hot-plugged are described in ``hvmctl.devices`` (one description for the
argv and for QMP ``device_add``), with the PCI slots and machine type the live definition
recorded (``DomainConfig.slots``/``machine``; what is missing is allocated the same way the
daemon pins it at first start).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import PurePath

from hvmctl.config.model import DomainConfig, VfbSpec
from hvmctl.devices import cpu, disk, escape, firmware, memory, nic, pci, render, serial, tpm
from hvmctl.devices.layout import SOUND_DEVICES, USB_ID, hostdev_id, slots_for, sound_cards
from hvmctl.devices.nic import NIC_DEVICES

__all__ = ["NIC_DEVICES", "SOUND_DEVICES", "build_argv"]

USB_DEVICES: dict[str, str] = {"tablet": "usb-tablet", "mouse": "usb-mouse", "keyboard": "usb-kbd"}


@dataclass(frozen=True)
class HostFacts:
    """What the host offers, probed once (accelerator) or configured."""

    accel: str = "tcg"  # "kvm" or "tcg"
    qemu_binary: str = "qemu-system-x86_64"
    machine: str = "pc"  # i440fx + PIIX: IDE where an HVM guest expects it, like Xen's qemu-dm
    firmware_dir: str = firmware.OVMF_DIR  # where OVMF's code and variable templates are
    nested: str | None = None  # "vmx" | "svm": what the host's KVM lets a guest nest; None: nothing


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
class FdSet:
    """One ``-add-fd`` group: files the daemon opened for QEMU (``hvmctl.daemon.fdtable``),
    which QEMU reaches as ``/dev/fdset/ID`` (one fd each, in the access mode QEMU uses)."""

    set_id: int
    key: str  # what it is for: "disk:hda", "nvram", "console-log"
    fds: tuple[int, ...]
    opaque: str = ""  # shown by query-fdsets (the daemon puts the key and the path there)
    block: bool = False  # a block device: QEMU cannot tell from /dev/fdset/N, the argv says so

    @property
    def path(self) -> str:
        return f"/dev/fdset/{self.set_id}"


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
    nvram: PurePath | None = None  # an OVMF guest's own variable store (kept with the domain)
    # fds the daemon opened and passes (empty: QEMU opens the paths itself, as in dry runs)
    fdsets: tuple[FdSet, ...] = ()
    tap_fds: dict[int, int] = field(default_factory=dict)  # NIC index -> open tap fd
    socket_fds: dict[str, int] = field(default_factory=dict)  # "qmp", "serialN" -> the listening socket

    def fdset_path(self, key: str) -> str | None:
        """``/dev/fdset/ID`` of the fds passed for ``key``, None when QEMU opens the path."""
        return next((s.path for s in self.fdsets if s.key == key), None)

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
    slots = slots_for(cfg, [n.index for n in plan.nics])
    return [
        facts.qemu_binary,
        *machine_args(cfg, facts),
        *identity_args(cfg, plan),
        *cpu_memory_args(cfg, facts),
        *control_args(plan),
        *lifecycle_args(),
        *sandbox_args(),
        *add_fd_args(plan),
        *firmware.pflash_args(cfg, _nvram(plan), facts.firmware_dir),
        *firmware_args(cfg, plan),
        *disk_args(cfg, plan, slots, ahci=firmware.is_q35(machine_type(cfg, facts))),
        *nic_args(cfg, plan, slots),
        *serial_args(cfg, plan),
        *display_args(cfg, plan),
        *usb_args(cfg, slots),
        *sound_args(cfg, slots),
        *misc_device_args(cfg, slots),
        *tpm.tpm_args(cfg, plan.run_dir),
        *passthrough_args(cfg, slots),
        *cpu.plug_args(cfg),
        *incoming_args(plan),
    ]


def machine_type(cfg: DomainConfig, facts: HostFacts) -> str:
    """Pinned at first start (live definition); before that, what the firmware needs."""
    return cfg.machine or firmware.machine_alias(cfg, facts.machine)


def machine_args(cfg: DomainConfig, facts: HostFacts) -> list[str]:
    machine = escape(machine_type(cfg, facts))
    if cfg.secure_boot:
        machine += ",smm=on"
    if not cfg.acpi:
        machine += ",acpi=off"
    return ["-machine", machine, "-accel", facts.accel, "-nodefaults", "-no-user-config",
            *firmware.q35_args(machine_type(cfg, facts))]


def identity_args(cfg: DomainConfig, plan: LaunchPlan) -> list[str]:
    args = ["-name", f"guest={escape(cfg.name)},debug-threads=on"]
    if cfg.uuid:
        args += ["-uuid", cfg.uuid]
    return args


def cpu_memory_args(cfg: DomainConfig, facts: HostFacts | None = None) -> list[str]:
    facts = facts or HostFacts()
    smp = cpu.smp_args(cfg, facts.accel, facts.nested)
    return [*smp[:2], *memory.memory_args(cfg), *smp[2:]]


def control_args(plan: LaunchPlan) -> list[str]:
    """The toolstack's handles on the process: QMP socket and pidfile."""
    qmp = plan.socket_fds.get("qmp")
    where = f"fd={qmp}" if qmp is not None else f"path={escape(str(plan.qmp_socket))}"
    return [
        "-chardev", f"socket,id=qmp,{where},server=on,wait=off",
        "-mon", "chardev=qmp,mode=control",
        "-pidfile", str(plan.pidfile),
    ]


def lifecycle_args() -> list[str]:
    """QEMU never decides a guest's fate: poweroff, reboot and panic all stop and report,
    and the daemon applies on_poweroff/on_reboot/on_crash (S9)."""
    return ["-action", "reboot=shutdown,shutdown=pause,panic=pause", "-device", "pvpanic"]


def sandbox_args() -> list[str]:
    return ["-sandbox", "on,obsolete=deny,elevateprivileges=deny,spawn=deny,resourcecontrol=deny"]


def add_fd_args(plan: LaunchPlan) -> list[str]:
    """The fd sets the daemon passes: each fd is inherited under the same number."""
    args: list[str] = []
    for fdset in plan.fdsets:
        for fd in fdset.fds:
            opaque = f",opaque={escape(fdset.opaque)}" if fdset.opaque else ""
            args += ["-add-fd", f"fd={fd},set={fdset.set_id}{opaque}"]
    return args


def _nvram(plan: LaunchPlan) -> PurePath | None:
    passed = plan.fdset_path("nvram")
    return PurePath(passed) if passed is not None else plan.nvram


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


def disk_args(cfg: DomainConfig, plan: LaunchPlan, slots: dict[str, int] | None = None, *,
              ahci: bool = False) -> list[str]:
    boot = boot_indexes(cfg, len(plan.nics)) if plan.kernel_boot is None and not cfg.kernel else {}
    if slots is None:
        slots = slots_for(cfg, [n.index for n in plan.nics])
    files = {s.key[5:]: (s.path, s.block) for s in plan.fdsets if s.key.startswith("disk:")}
    return disk.disk_args(cfg, slots, plan.disk_formats, boot, ahci=ahci, files=files)


def _escape(value: str) -> str:
    """QEMU option values double their commas (kept for callers; see hvmctl.devices)."""
    return escape(value)


def nic_args(cfg: DomainConfig, plan: LaunchPlan, slots: dict[str, int] | None = None) -> list[str]:
    args: list[str] = []
    boot = boot_indexes(cfg, len(plan.nics)) if plan.kernel_boot is None and not cfg.kernel else {}
    if slots is None:
        slots = slots_for(cfg, [n.index for n in plan.nics])
    for n in plan.nics:
        backend = nic.netdev_opts(nic.netdev_props(n.index, n.kind, n.tap, n.hostfwd, fd=plan.tap_fds.get(n.index)))
        device = nic.device_props(n.index, n.model, n.mac, slots, boot.get(nic.device_id(n.index)))
        args += ["-netdev", backend, "-device", render(device)]
    return args


def serial_args(cfg: DomainConfig, plan: LaunchPlan) -> list[str]:
    """Every serial port of the profile (see hvmctl.devices.serial): the first one logs to
    console.log, and ``pty`` (the default) becomes the socket the daemon hands to ``xm console``."""
    passed = plan.fdset_path("console-log")
    log_file = PurePath(passed) if passed is not None else plan.console_log
    sockets = {int(k[6:]): fd for k, fd in plan.socket_fds.items() if k.startswith("serial")}
    return serial.serial_args([cfg.serial, *cfg.more_serials], plan.run_dir, log_file, sockets)


def display_args(cfg: DomainConfig, plan: LaunchPlan) -> list[str]:
    args = ["-vga", "std" if cfg.stdvga else "cirrus"]
    vfb = cfg.vfb
    if vfb is None:
        return args + ["-display", "none"]
    if vfb.type == "sdl":
        return args + ["-display", "sdl"]
    return args + ["-display", "none", *vnc_args(vfb, plan, cfg.keymap)]


def vnc_args(vfb: VfbSpec, plan: LaunchPlan, keymap: str | None) -> list[str]:
    """A VNC display that listens on nothing (``none``): the daemon binds HOST:5900+N
    itself and hands each connection to QEMU (hvmctl.daemon.vncserve), which still does
    the RFB handshake, the password (``password-secret``) and the keymap."""
    opts = "none"
    args: list[str] = []
    if vfb.vncpasswd:
        args += ["-object", f"secret,id=vncpass,file={escape(str(plan.vnc_secret_file))}"]
        opts += ",password-secret=vncpass"
    args += ["-vnc", opts]
    if vfb.keymap or keymap:
        args += ["-k", vfb.keymap or keymap or ""]
    return args


def usb_args(cfg: DomainConfig, slots: dict[str, int] | None = None) -> list[str]:
    if not (cfg.usb or cfg.usbdevices):
        return []
    slots = slots if slots is not None else slots_for(cfg, [])
    args = ["-device", render({"driver": "piix3-usb-uhci", "id": USB_ID, **pci.bus_props(slots, USB_ID)})]
    for name in cfg.usbdevices:
        if name.startswith("host:") and "." in name:  # host:BUS.ADDR
            bus, _, addr = name[5:].partition(".")
            args += ["-device", f"usb-host,bus=usb.0,hostbus={escape(bus)},hostaddr={escape(addr)}"]
        elif name.startswith("host:"):
            vendor, _, product = name[5:].partition(":")
            args += ["-device", f"usb-host,bus=usb.0,vendorid=0x{escape(vendor)},productid=0x{escape(product)}"]
        else:
            args += ["-device", f"{escape(USB_DEVICES.get(name, name))},bus=usb.0"]
    return args


def sound_args(cfg: DomainConfig, slots: dict[str, int] | None = None) -> list[str]:
    cards = sound_cards(cfg)
    if not cards:
        return []
    slots = slots if slots is not None else slots_for(cfg, [])
    args = ["-audiodev", "none,id=snd0"]
    for sound_id, devs in cards:
        for i, dev in enumerate(devs):
            if dev == "intel-hda":
                props: dict[str, str | int | bool] = {"driver": dev, "id": sound_id}
            elif i == 0:
                props = {"driver": dev, "id": sound_id, "audiodev": "snd0"}
            else:  # a codec on the controller of the same card
                props = {"driver": dev, "bus": f"{sound_id}.0", "audiodev": "snd0"}
            if i == 0:
                props.update(pci.bus_props(slots, sound_id))
            args += ["-device", render(props)]
    return args


def misc_device_args(cfg: DomainConfig, slots: dict[str, int] | None = None) -> list[str]:
    args = ["-rtc", "base=localtime" if cfg.localtime else "base=utc"]
    slots = slots if slots is not None else slots_for(cfg, [])
    return args + memory.balloon_args(cfg, slots)


def passthrough_args(cfg: DomainConfig, slots: dict[str, int]) -> list[str]:
    """Host PCI functions, each on vfio-pci at its pinned slot."""
    args: list[str] = []
    for bdf in cfg.pci:
        args += ["-device", render({"driver": "vfio-pci", "host": bdf, "id": hostdev_id(bdf),
                                    **pci.bus_props(slots, hostdev_id(bdf))})]
    return args


def incoming_args(plan: LaunchPlan) -> list[str]:
    return ["-incoming", plan.incoming] if plan.incoming else []
