"""The typed domain model: frozen dataclasses built by the profile readers.

Everything downstream (QEMU argv, daemon, writers) works on these objects, never on the
raw dict a profile evaluates to. They serialise to plain JSON-able dicts (``to_dict``) and
back (``from_dict``) for the runtime record a running guest leaves on disk.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field, fields
from typing import Any, Literal

from hvmctl.errors import ConfigError

DiskMode = Literal["r", "w", "w!"]
DevType = Literal["disk", "cdrom"]
LifecycleAction = Literal[
    "destroy",
    "restart",
    "preserve",
    "rename-restart",
    "coredump-destroy",
    "coredump-restart",
    "soft-reset",
]
LIFECYCLE_ACTIONS: tuple[str, ...] = (
    "destroy",
    "restart",
    "preserve",
    "rename-restart",
    "coredump-destroy",
    "coredump-restart",
    "soft-reset",
)
NAME_RULE = "a domain name (1-64 characters, no '/', spaces or control characters, not '.', '..' or 'Domain-0')"


def valid_name(value: object) -> bool:
    """A domain name is a file name under the run and state dirs, a QEMU ``-name`` and a line
    in ``xm list``: no '/' or '\\', no spaces, no control characters, not '.' or '..'.
    Commas are fine: every QEMU option value is escaped (',' → ',,')."""
    return (
        isinstance(value, str)
        and 1 <= len(value) <= 64
        and value not in (".", "..", "Domain-0")
        and all(c.isprintable() and not c.isspace() and c not in "/\\" for c in value)
    )


class RecordError(ConfigError, ValueError):
    """A record (from a save file, a migration source or the state dir) that is not a valid
    config. Also a ValueError: the daemon sets an unreadable record aside and starts."""


def _holds_control(value: object) -> bool:
    """True when a string anywhere in ``value`` holds a control character other than tab and
    newline (which kernel command lines may hold)."""
    stack = [value]
    while stack:
        v = stack.pop()
        if isinstance(v, str):
            if any(not c.isprintable() and c not in "\t\n" for c in v):
                return True
        elif isinstance(v, (list, tuple)):
            stack.extend(v)
        elif isinstance(v, dict):
            stack.extend(v.keys())
            stack.extend(v.values())
    return False


NIC_MODELS: tuple[str, ...] = ("rtl8139", "e1000", "ne2k_pci", "virtio", "pcnet", "i82559er", "vmxnet3")
DEFAULT_NIC_MODEL = "rtl8139"  # Xen 3's default for HVM guests


@dataclass(frozen=True)
class DiskSpec:
    """One entry of ``disk = [...]``.

    ``target`` is the host path ('' for an empty cdrom drive). ``backend`` keeps what the
    profile said (``file``, ``phy``, ``tap:aio``, ``tap:qcow``, ``tap:qcow2``, ``tap:vhd``)
    so writers can give it back; ``format`` is the image format when known
    (``raw``/``qcow2``/...), None to detect it at start.
    """

    target: str
    vdev: str
    mode: DiskMode = "w"
    devtype: DevType = "disk"
    backend: str = "file"
    format: str | None = None

    @property
    def readonly(self) -> bool:
        return self.mode == "r"

    @property
    def shared(self) -> bool:
        """``w!``: writable and explicitly allowed in several guests at once."""
        return self.mode == "w!"

    @property
    def bus(self) -> Literal["ide", "virtio", "scsi"]:
        """Guest bus from the device name, as an HVM guest expects it."""
        if self.vdev.startswith("hd"):
            return "ide"
        if self.vdev.startswith("sd"):
            return "scsi"
        return "virtio"  # xvdX and vdX: Xen's paravirtual disk → virtio-blk

    @property
    def empty(self) -> bool:
        return self.target == ""


@dataclass(frozen=True)
class VifSpec:
    """One entry of ``vif = [...]``; None means 'not given' (defaults decided later)."""

    mac: str | None = None
    bridge: str | None = None
    model: str | None = None
    ip: str | None = None
    script: str | None = None
    type: str | None = None
    vifname: str | None = None
    rate: str | None = None
    backend: str | None = None
    # the NIC's device number (QEMU ids netN/nicN, tap vifD.N) once it is not simply the
    # vif's position: a NIC hot-plugged, or one kept while an earlier one was detached
    devid: int | None = None

    @property
    def nic_model(self) -> str:
        """The QEMU NIC: a paravirtual-only vif (xend's type=netfront, xl's type=vif) is
        virtio-net, QEMU's paravirtual NIC; otherwise model=, else Xen 3's rtl8139."""
        if self.type in ("netfront", "vif"):
            return "virtio"
        return self.model or DEFAULT_NIC_MODEL


@dataclass(frozen=True)
class VfbSpec:
    """The graphical console: ``vfb = [...]`` or the HVM keys ``vnc``, ``vncunused``, ``sdl``..."""

    type: Literal["vnc", "sdl"] = "vnc"
    vncunused: bool = True
    vncdisplay: int | None = None
    vnclisten: str = "127.0.0.1"
    vncpasswd: str | None = None
    keymap: str | None = None


@dataclass(frozen=True)
class CpuPlug:
    """A vCPU hot-plugged into a running guest: its QEMU device id, driver and topology
    properties (socket-id, core-id, thread-id...), as ``query-hotpluggable-cpus`` gave them."""

    id: str
    driver: str
    props: tuple[tuple[str, int], ...] = ()


@dataclass(frozen=True)
class DomainConfig:
    """A validated domain profile."""

    name: str
    builder: str = "hvm"  # "hvm", or "linux"/"generic" for a PV profile
    uuid: str | None = None
    memory: int = 128  # MiB
    maxmem: int | None = None
    vcpus: int = 1
    maxvcpus: int | None = None
    cpus: str | None = None
    cpu_weight: int | None = None  # xm's credit-scheduler weight (cgroup cpu weight), None: default
    cpu_cap: int | None = None  # percent of one host CPU, 0 or None: no cap
    disks: tuple[DiskSpec, ...] = ()
    vifs: tuple[VifSpec, ...] = ()
    vfb: VfbSpec | None = None
    boot: str = "c"  # letters a, c, d, n in order of preference
    kernel: str | None = None  # None when hvmloader (firmware boot)
    ramdisk: str | None = None
    extra: str | None = None
    root: str | None = None
    bootloader: str | None = None  # e.g. /usr/bin/pygrub
    bootargs: str | None = None
    serial: str = "pty"  # the first port: pty | file:PATH | unix:PATH[,server] | tcp:HOST:PORT ... | none
    more_serials: tuple[str, ...] = ()  # xl's list form: the second port on (ttyS1, ttyS2, ...)
    on_poweroff: str = "destroy"
    on_reboot: str = "restart"
    on_crash: str = "restart"
    acpi: bool = True
    apic: bool = True
    pae: bool = True
    localtime: bool = False
    rtc_timeoffset: int = 0
    usb: bool = False
    usbdevices: tuple[str, ...] = ()  # "tablet", "mouse", "host:1234:5678", ...
    stdvga: bool = False
    soundhw: str | None = None
    keymap: str | None = None
    device_model: str | None = None  # accepted as Xen's own default, not used
    accel: str | None = None  # hvmctl extension: "kvm" | "tcg" | None (probe)
    ha: bool = False  # hvmctl pool: restarted on another member when its host fails
    host_tags: tuple[str, ...] = ()  # hvmctl pool: tags a member must have to run it
    bios: str = "seabios"  # xl: "seabios" | "ovmf" (UEFI; its variable store is kept per domain)
    secure_boot: bool = False  # OVMF's Secure Boot build, Microsoft keys enrolled, on q35 with SMM
    cpuid: tuple[str, ...] = ()  # QEMU -cpu flags from cpuid ("+aes", "-pni")
    viridian: tuple[str, ...] = ()  # xl's Hyper-V enlightenment groups ("base", "freq", ...)
    nestedhvm: bool = False  # VMX/SVM for the guest (KVM only)
    pci: tuple[str, ...] = ()  # host PCI functions passed through (vfio-pci), "0000:01:00.0"
    vtpm: str | None = None  # an emulated TPM 2.0 (swtpm): its interface, "crb" | "tis"; None: no TPM
    # ---- the live definition: what a running guest *is now* beyond its profile ----------
    # versioned machine type pinned at first start (``pc`` -> ``pc-i440fx-7.2``)
    machine: str | None = None
    # PCI slot on pci.0 of every PCI device, by QEMU device id, allocated once
    slots: dict[str, int] = field(default_factory=dict, hash=False)
    # vCPUs hot-plugged above ``vcpus`` (which stays the boot count)
    cpu_plugs: tuple[CpuPlug, ...] = ()
    # host CPUs of single vCPUs pinned by `vcpu-pin` (vCPU -> "0-1,3"), over ``cpus``
    vcpu_pins: tuple[tuple[int, str], ...] = ()
    # where each key came from (for host-check errors: file:line); not part of identity
    source: str | None = field(default=None, compare=False)
    key_lines: dict[str, int] = field(default_factory=dict, compare=False, hash=False)

    @property
    def is_hvm(self) -> bool:
        return self.builder == "hvm"

    def line_of(self, key: str) -> int | None:
        return self.key_lines.get(key)

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON-able dict (lists for tuples) for runtime records and the API."""
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> "DomainConfig":
        """Inverse of :meth:`to_dict`; unknown keys are ignored (newer records).

        A record can come from another host (migration) or a save file: its name is checked
        as a profile's is, since it becomes a path and a QEMU option.
        """
        if not valid_name(data.get("name")):
            got = repr(data.get("name"))
            raise RecordError(
                f"expected {NAME_RULE}; got {got if len(got) <= 80 else got[:77] + '...'}",
                file="<record>", key="name",
            )
        known = {f.name for f in fields(cls)}
        for key in known & data.keys():
            if _holds_control(data[key]):
                raise RecordError("expected no control characters (a NUL cannot reach QEMU's argv)",
                                  file="<record>", key=key)
        kw = {k: v for k, v in data.items() if k in known}
        kw["disks"] = tuple(DiskSpec(**d) for d in kw.get("disks", ()))
        kw["vifs"] = tuple(VifSpec(**v) for v in kw.get("vifs", ()))
        if kw.get("vfb") is not None:
            kw["vfb"] = VfbSpec(**kw["vfb"])
        kw["usbdevices"] = tuple(kw.get("usbdevices", ()))
        kw["host_tags"] = tuple(str(t) for t in kw.get("host_tags", ()))
        kw["cpuid"] = tuple(str(f) for f in kw.get("cpuid", ()))
        kw["pci"] = tuple(str(p) for p in kw.get("pci", ()))
        kw["viridian"] = tuple(str(g) for g in kw.get("viridian", ()))
        kw["more_serials"] = tuple(str(s) for s in kw.get("more_serials", ()))
        kw["slots"] = {str(k): int(v) for k, v in dict(kw.get("slots") or {}).items()}
        kw["cpu_plugs"] = tuple(
            CpuPlug(str(c["id"]), str(c["driver"]), tuple((str(k), int(v)) for k, v in c.get("props", ())))
            for c in kw.get("cpu_plugs", ())
        )
        kw["vcpu_pins"] = tuple((int(v), str(c)) for v, c in kw.get("vcpu_pins", ()))
        kw["key_lines"] = dict(kw.get("key_lines", {}))
        return cls(**kw)
