"""Write a live definition as libvirt domain XML (``virsh define`` reads it), for a guest
that moves from hvmctl to libvirt. Built with xml.etree, so every value is escaped.

The mapping is what QEMU runs here: disks by their guest bus (hdX ide, sdX scsi, xvdX/vdX
virtio), bridged NICs as ``<interface type='bridge'>``, the others as user-mode NAT, the
serial console as a pty, VNC as ``<graphics type='vnc'>``, the machine type QEMU resolved.
What libvirt has no element for (PCI slots, hvmctl's vif scripts) is left out.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET

from hvmctl.config.model import DiskSpec, DomainConfig, VifSpec

_BOOT = {"a": "fd", "c": "hd", "d": "cdrom", "n": "network"}
_BUS = {"ide": "ide", "scsi": "scsi", "virtio": "virtio"}
_NIC_MODEL = {"virtio": "virtio", "e1000": "e1000", "rtl8139": "rtl8139", "ne2k_pci": "ne2k_pci",
              "pcnet": "pcnet", "i82559er": "i82559er", "vmxnet3": "vmxnet3"}
_ON_CRASH_ONLY = {"coredump-destroy", "coredump-restart"}


def _sub(parent: ET.Element, tag: str, text: str | None = None, **attrs: str) -> ET.Element:
    el = ET.SubElement(parent, tag, attrs)
    if text is not None:
        el.text = text
    return el


def _target_dev(disk: DiskSpec) -> str:
    """libvirt names a virtio disk vdX; Xen's xvdX is the same disk."""
    return "v" + disk.vdev[2:] if disk.vdev.startswith("xvd") else disk.vdev


def _disk(devices: ET.Element, disk: DiskSpec) -> None:
    kind = "block" if disk.backend == "phy" else "file"
    el = _sub(devices, "disk", type=kind, device="cdrom" if disk.devtype == "cdrom" else "disk")
    fmt = disk.format or (disk.backend.split(":", 1)[1] if disk.backend.startswith("tap:") else None)
    if fmt not in ("raw", "qcow2", "qcow", "vmdk", "vpc", "vdi", "qed"):
        fmt = "raw"
    _sub(el, "driver", name="qemu", type=fmt)
    if not disk.empty:
        _sub(el, "source", **({"dev": disk.target} if kind == "block" else {"file": disk.target}))
    _sub(el, "target", dev=_target_dev(disk), bus=_BUS[disk.bus])
    if disk.readonly or disk.devtype == "cdrom":
        _sub(el, "readonly")
    elif disk.shared:
        _sub(el, "shareable")


def _interface(devices: ET.Element, vif: VifSpec) -> None:
    el = _sub(devices, "interface", type="bridge" if vif.bridge else "user")
    if vif.mac:
        _sub(el, "mac", address=vif.mac)
    if vif.bridge:
        _sub(el, "source", bridge=vif.bridge)
    _sub(el, "model", type=_NIC_MODEL.get(vif.nic_model, vif.nic_model))


def _lifecycle(root: ET.Element, tag: str, action: str, *, crash: bool = False) -> None:
    if action in _ON_CRASH_ONLY and not crash:
        action = "destroy"
    if action == "soft-reset":
        action = "restart"
    _sub(root, tag, action)


def write_libvirt(cfg: DomainConfig) -> str:
    """The live definition as a libvirt ``<domain>`` document."""
    root = ET.Element("domain", {"type": "kvm" if cfg.accel == "kvm" else "qemu"})
    _sub(root, "name", cfg.name)
    if cfg.uuid:
        _sub(root, "uuid", cfg.uuid)
    _sub(root, "memory", str(max(cfg.maxmem or 0, cfg.memory)), unit="MiB")
    _sub(root, "currentMemory", str(cfg.memory), unit="MiB")
    online = cfg.vcpus + len(cfg.cpu_plugs)
    vcpu_attrs = {"placement": "static"}
    top = max(cfg.maxvcpus or 0, online)
    if top > online:
        vcpu_attrs["current"] = str(online)
    if cfg.cpus:
        vcpu_attrs["cpuset"] = cfg.cpus
    _sub(root, "vcpu", str(top), **vcpu_attrs)

    os_el = _sub(root, "os")
    type_attrs = {"arch": "x86_64"}
    if cfg.machine:
        type_attrs["machine"] = cfg.machine
    _sub(os_el, "type", "hvm", **type_attrs)
    if cfg.kernel:
        _sub(os_el, "kernel", cfg.kernel)
        if cfg.ramdisk:
            _sub(os_el, "initrd", cfg.ramdisk)
        cmdline = " ".join(p for p in (f"root={cfg.root}" if cfg.root else "", cfg.extra or "") if p)
        if cmdline:
            _sub(os_el, "cmdline", cmdline)
    for letter in dict.fromkeys(cfg.boot):
        if letter in _BOOT:
            _sub(os_el, "boot", dev=_BOOT[letter])

    features = _sub(root, "features")
    for flag in ("acpi", "apic", "pae"):
        if getattr(cfg, flag):
            _sub(features, flag)
    if cfg.rtc_timeoffset:
        _sub(root, "clock", offset="variable", adjustment=str(cfg.rtc_timeoffset),
             basis="localtime" if cfg.localtime else "utc")
    else:
        _sub(root, "clock", offset="localtime" if cfg.localtime else "utc")
    _lifecycle(root, "on_poweroff", cfg.on_poweroff)
    _lifecycle(root, "on_reboot", cfg.on_reboot)
    _lifecycle(root, "on_crash", cfg.on_crash, crash=True)

    devices = _sub(root, "devices")
    for disk in sorted(cfg.disks, key=lambda d: d.vdev):
        _disk(devices, disk)
    if any(d.bus == "scsi" for d in cfg.disks):
        _sub(devices, "controller", type="scsi", model="lsilogic")
    for vif in cfg.vifs:
        _interface(devices, vif)
    if cfg.serial not in ("none", "null", ""):
        serial = _sub(devices, "serial", type="pty")
        _sub(serial, "target", port="0")
        console = _sub(devices, "console", type="pty")
        _sub(console, "target", type="serial", port="0")
    if cfg.vfb is not None and cfg.vfb.type == "vnc":
        attrs = {"listen": cfg.vfb.vnclisten}
        if cfg.vfb.vncunused or cfg.vfb.vncdisplay is None:
            attrs["autoport"] = "yes"
        else:
            attrs |= {"autoport": "no", "port": str(5900 + cfg.vfb.vncdisplay)}
        if cfg.vfb.keymap or cfg.keymap:
            attrs["keymap"] = str(cfg.vfb.keymap or cfg.keymap)
        if cfg.vfb.vncpasswd:
            attrs["passwd"] = cfg.vfb.vncpasswd
        _sub(devices, "graphics", type="vnc", **attrs)
    elif cfg.vfb is not None:
        _sub(devices, "graphics", type="sdl")
    if cfg.vfb is not None:
        video = _sub(devices, "video")
        _sub(video, "model", type="vga" if cfg.stdvga else "cirrus")
    ET.indent(root)
    return ET.tostring(root, encoding="unicode") + "\n"
