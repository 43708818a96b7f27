"""Parsers for the entries of ``disk``, ``vif`` and ``vfb``: strings in, typed specs out.

Disks follow xend's semantics for the xm syntax (``uname,dev,mode[,backend-domain[,protocol]]``
with ``file:``, ``phy:``, ``tap:TYPE:`` unames, see xend's ``blkif.parse_uname``) and libxl's
for the xl syntax (``key=value`` parameters and the positional ``target,format,vdev,access``,
see xl-disk-configuration(5)). Each parser raises :class:`~hvmctl.config.keys.Mismatch` for a
wrong entry and returns notes (one line each) for things it accepted but ignores; the builder
turns both into messages with file, line and key. No I/O happens here.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from hvmctl.config.keys import Mismatch, has_control, to_bool, to_keymap, to_vncdisplay
from hvmctl.config.model import NIC_MODELS, DiskSpec, VfbSpec, VifSpec

# ---------------------------------------------------------------------------------------------
# disks

DISK_FORMATS = ("raw", "qcow", "qcow2", "vhd", "qed", "vmdk")
#: blktap types → image format (aio and sync are raw files)
TAP_FORMATS = {
    "aio": "raw", "sync": "raw", "qcow": "qcow", "qcow2": "qcow2", "vhd": "vhd", "vmdk": "vmdk", "qed": "qed"
}  # fmt: skip
#: image format → the tap type that serves it (the inverse of TAP_FORMATS, aio for raw)
TAP_TYPE_OF = {"raw": "aio", "qcow": "qcow", "qcow2": "qcow2", "vhd": "vhd", "vmdk": "vmdk", "qed": "qed"}
BACKENDS = ("file", "phy") + tuple(f"tap:{t}" for t in TAP_TYPE_OF.values())

VDEV_WHAT = "a guest device hda-hdd, sda-sdz, xvdX or vdX"
_VDEV = re.compile(r"hd[a-d]|sd[a-z]|xvd[a-z]{1,3}|vd[a-z]{1,3}")
_VDEV_PV = re.compile(r"(hd[a-t]|sd[a-z]|xvd[a-z]{1,3}|vd[a-z]{1,3})([1-9]|1[0-5])?")
_XL_FLAGS = frozenset(
    {"cdrom", "direct-io-safe", "discard", "no-discard", "trusted", "untrusted", "colo", "no-colo"}
)
_XL_IGNORED_PARAMS = frozenset(
    {"specification", "colo-host", "colo-port", "colo-export", "active-disk", "hidden-disk",
     "grant_usage"}
)  # fmt: skip
_NETWORK_TARGET = re.compile(r"(rbd|nbd|iscsi|json|sheepdog|gluster|http|https|ftp|ssh|nfs|vxhs):")
_MODES = {"r": "r", "ro": "r", "w": "w", "rw": "w", "w!": "w!"}
_HOST_DOMAINS = ("", "0", "dom0", "Domain-0")


def parse_disk(entry: str, *, hvm: bool = True, xm: bool = False) -> tuple[DiskSpec, list[str]]:
    """One ``disk`` entry in xm or xl syntax → DiskSpec, plus notes about ignored parts.

    ``xm``: the profile is an xm one. ``uname,dev`` with no mode is then refused, as xm's
    ``preprocess_disk`` refused it (3 to 5 fields); xl reads the same entry as ``rw``
    (its access default), and so does an xl.cfg here."""
    if not isinstance(entry, str) or not entry.strip():
        raise Mismatch("a disk like 'file:/xen/domU/guest.img,hda,w'", entry)
    head, named_target = _split_target(entry)
    parts = [p.strip() for p in head.split(",")] if head.strip() else []
    if head.rstrip().endswith(",") and parts and parts[-1] == "":
        parts.pop()  # a trailing comma ends the last parameter, it is not an empty one
    if xm and named_target is None and len(parts) == 2 and not any("=" in p for p in parts):
        raise Mismatch("a mode after the device, 'uname,dev,mode' (r, w or w!): xm refuses a disk without "
                       "one, xl would take it as rw", entry)
    if named_target is None and _looks_xm(parts):
        return _parse_xm(parts, entry, hvm)
    return _parse_xl(parts, named_target, entry, hvm)


def _split_target(entry: str) -> tuple[str, str | None]:
    """xl's ``target=`` takes the rest of the entry, commas included."""
    m = re.search(r"(^|,)\s*target=", entry)
    if m is None:
        return entry, None
    return entry[: m.start()], entry[m.end() :]


def _looks_xm(parts: list[str]) -> bool:
    if not 3 <= len(parts) <= 5 or any("=" in p for p in parts):
        return False
    dev = parts[1]
    bare = dev.removeprefix("ioemu:").split(":")[0]
    if parts[2] not in _MODES and len(parts) > 3:
        return False  # 'target,format,vdev,access' with an unknown format
    return bare != "" and bare not in DISK_FORMATS and bare != "empty" and dev not in _XL_FLAGS


def _parse_xm(parts: list[str], entry: str, hvm: bool) -> tuple[DiskSpec, list[str]]:
    notes: list[str] = []
    target, backend, fmt = _parse_uname(parts[0], entry)
    vdev, devtype = _parse_dev(parts[1], entry, hvm)
    mode = _parse_mode(parts[2], entry)
    if len(parts) > 3 and parts[3] not in _HOST_DOMAINS:
        notes.append(f"disk {vdev}: backend domain {parts[3]!r} ignored; the host serves every disk")
    return _finish(target, vdev, mode, devtype, backend, fmt, entry, hvm, notes)


def _parse_uname(uname: str, entry: str) -> tuple[str, str, str | None]:
    """xend's uname: ``file:PATH``, ``phy:DEV`` (``/dev/`` added), ``tap:TYPE:PATH``."""
    if uname == "":
        return "", "file", None
    if ":" not in uname:
        return _abs_path(uname, entry), "file", None
    kind, rest = uname.split(":", 1)
    if kind == "file":  # the format is detected from the image at start (raw or qcow2)
        return _abs_path(rest, entry), "file", None
    if kind == "phy":
        return _dev_path(rest, entry), "phy", "raw"
    if kind in ("tap", "tap2"):
        return _parse_tap(rest, entry)
    if kind in DISK_FORMATS:  # xl's deprecated 'qcow2:/path' prefix
        return _abs_path(rest, entry), "file", kind
    raise Mismatch("a disk type file:, phy: or tap:aio:/tap:qcow2:/tap:vhd:", uname, entry)


def _parse_tap(rest: str, entry: str) -> tuple[str, str, str | None]:
    what = "a tap disk like tap:aio:PATH or tap:qcow2:PATH"
    if ":" not in rest:
        raise Mismatch(what, "tap:" + rest, entry)
    taptype, path = rest.split(":", 1)
    if taptype in ("tapdisk", "ioemu"):
        if ":" not in path:
            raise Mismatch(what, "tap:" + rest, entry)
        taptype, path = path.split(":", 1)
    fmt = TAP_FORMATS.get(taptype)
    if fmt is None:
        raise Mismatch("a tap type among " + ", ".join(TAP_FORMATS), taptype, entry)
    return _abs_path(path, entry), f"tap:{TAP_TYPE_OF[fmt]}", fmt


def _abs_path(path: str, entry: str) -> str:
    if path and (not path.startswith("/") or has_control(path)):
        raise Mismatch("an absolute path", path, entry)
    return path


def _dev_path(path: str, entry: str) -> str:
    """``phy:sdb2`` means ``/dev/sdb2`` (xend's expand_dev_name)."""
    path = path.strip()
    if path and not path.startswith("/"):
        path = "/dev/" + path
    return _abs_path(path, entry)


def _parse_dev(dev: str, entry: str, hvm: bool) -> tuple[str, str]:
    """``[ioemu:]VDEV[:cdrom|:disk]``."""
    dev = dev.removeprefix("ioemu:")
    devtype = "disk"
    if ":" in dev:
        dev, devtype = dev.rsplit(":", 1)
        if devtype not in ("cdrom", "disk"):
            raise Mismatch("':cdrom' or ':disk' after the device", ":" + devtype, entry)
    return check_vdev(dev, entry, hvm), devtype


def check_vdev(vdev: str, entry: str, hvm: bool) -> str:
    """A guest device name (PV guests may also name a partition: sda1)."""
    pattern = _VDEV if hvm else _VDEV_PV
    if not pattern.fullmatch(vdev):
        raise Mismatch(VDEV_WHAT, vdev, entry)
    return vdev


def _parse_mode(mode: str, entry: str) -> str:
    if mode not in _MODES:
        raise Mismatch("an access mode r, w or w!", mode, entry)
    return _MODES[mode]


@dataclass
class _XlDisk:
    """What an xl disk spec said so far."""

    target: str | None = None
    fmt: str | None = None
    format_slot_used: bool = False
    vdev: str | None = None
    devtype: str | None = None
    access: str | None = None
    backendtype: str | None = None
    prefix_backend: str | None = None


def _parse_xl(
    parts: list[str], named_target: str | None, entry: str, hvm: bool
) -> tuple[DiskSpec, list[str]]:
    d = _XlDisk()
    notes: list[str] = []
    for part in parts:
        if "=" in part:
            _xl_param(d, part, entry, notes)
        elif part in _XL_FLAGS:
            if part == "cdrom":
                d.devtype = "cdrom"
        else:
            _xl_positional(d, part, entry, hvm)
    if named_target is not None:
        if d.target:
            raise Mismatch("the target given once", "target=" + named_target, entry)
        d.target = named_target  # xl: target= takes the rest verbatim
    return _xl_finish(d, entry, hvm, notes)


def _xl_param(d: _XlDisk, part: str, entry: str, notes: list[str]) -> None:
    key, value = (s.strip() for s in part.split("=", 1))
    if key == "format":
        _set_format(d, value, entry)
    elif key == "vdev":
        _once(d.vdev, part, entry)
        d.vdev = value
    elif key == "access":
        _once(d.access, part, entry)
        d.access = value
    elif key == "devtype":
        if value not in ("cdrom", "disk"):
            raise Mismatch("devtype=cdrom or devtype=disk", part, entry)
        d.devtype = value
    elif key == "backendtype":
        if value not in ("phy", "tap", "qdisk", "standalone"):
            raise Mismatch("backendtype phy, tap, qdisk or standalone", part, entry)
        d.backendtype = value
    elif key == "backend":
        if value not in _HOST_DOMAINS:
            notes.append(f"disk: backend domain {value!r} ignored; the host serves every disk")
    elif key == "script":
        raise Mismatch("a disk without script= (block scripts are not supported)", part, entry)
    elif key in _XL_IGNORED_PARAMS:
        notes.append(f"disk: parameter {key!r} ignored")
    else:
        raise Mismatch(
            "a disk parameter target=, format=, vdev=, access=, devtype=, backendtype=", part, entry
        )


def _once(current: object, part: str, entry: str) -> None:
    if current is not None:
        raise Mismatch("each disk parameter given once", part, entry)


def _set_format(d: _XlDisk, value: str, entry: str) -> None:
    value = value or "raw"
    if value not in DISK_FORMATS and value != "empty":
        raise Mismatch("an image format among " + ", ".join(DISK_FORMATS), value, entry)
    if d.fmt is not None and d.fmt != value:
        raise Mismatch("the format given once", value, entry)
    d.fmt = value


_DEPRECATED_PREFIX = re.compile(r"([a-z][a-z0-9]*):(.*)", re.S)


def _xl_positional(d: _XlDisk, part: str, entry: str, hvm: bool) -> None:
    """Fill target, format, vdev, access in order, as libxl's disk lexer does."""
    if d.target is None:
        d.target = _strip_prefixes(d, part, entry)
    elif not d.prefix_backend and not d.format_slot_used and d.fmt is None:
        d.format_slot_used = True
        if d.target == "" and ":" in part:  # ',hdc:cdrom,r': the xend empty cdrom
            d.vdev, d.devtype = _parse_dev(part, entry, hvm)
        else:
            _set_format(d, part, entry)
    elif d.vdev is None:
        d.vdev, devtype = _parse_dev(part, entry, hvm) if ":" in part else (part, None)
        d.devtype = devtype or d.devtype
    elif d.access is None:
        d.access = part
    else:
        raise Mismatch("at most target, format, vdev and access as positional fields", part, entry)


def _strip_prefixes(d: _XlDisk, target: str, entry: str) -> str:
    """Drop xend-era prefixes (``tap:aio:``, ``file:``, ``phy:``, ``qcow2:``) from a target."""
    while True:
        m = _DEPRECATED_PREFIX.fullmatch(target)
        if m is None:
            return target
        prefix, rest = m.groups()
        if prefix in ("tap", "tap2", "tapdisk"):
            d.prefix_backend = "tap"
        elif prefix == "phy":
            d.prefix_backend = "phy"
        elif prefix in ("aio", "ioemu", "file"):
            d.prefix_backend = d.prefix_backend or "file"
        elif prefix in DISK_FORMATS:
            d.prefix_backend = d.prefix_backend or "file"
            _set_format(d, prefix, entry)
        elif prefix in ("sync",) and d.prefix_backend == "tap":
            pass
        elif prefix in ("iscsi", "nbd", "enbd", "drbd"):
            raise Mismatch("a disk without a block script (iscsi:, nbd:, drbd:)", prefix + ":", entry)
        elif rest[:1].isalnum():
            return target  # not a prefix: a relative target with a colon in it
        else:
            raise Mismatch("a known disk prefix (file:, phy:, tap:aio:, qcow2:)", prefix + ":", entry)
        target = rest


def _xl_finish(d: _XlDisk, entry: str, hvm: bool, notes: list[str]) -> tuple[DiskSpec, list[str]]:
    if d.vdev is None:
        raise Mismatch("a guest device (vdev=hda, xvda...)", entry)
    vdev = check_vdev(d.vdev, entry, hvm)
    devtype = d.devtype or "disk"
    access = d.access if d.access else ("r" if devtype == "cdrom" else "w")
    mode = _parse_mode(access, entry)
    target = d.target or ""
    if _NETWORK_TARGET.match(target):  # never /dev/rbd:pool/image
        raise Mismatch("a local image or device (network targets rbd:, nbd:, iscsi:, json:... "
                       "are not supported: attach them on the host and give the device path)", target, entry)
    if target and not target.startswith("/"):
        target = "/dev/" + target  # xl: a target that is not absolute names a device
    target = _abs_path(target, entry)
    fmt = d.fmt  # None: detected from the image at start
    if fmt == "empty":
        if target:
            raise Mismatch("no target with format=empty", target, entry)
    backend = "file"
    kind = d.backendtype or d.prefix_backend
    if kind == "phy":
        if fmt not in (None, "raw", "empty"):
            raise Mismatch("format raw for a phy disk", fmt, entry)
        backend, fmt = "phy", fmt or "raw"
    elif kind == "tap" and fmt != "empty":
        fmt = fmt or "raw"  # blktap's default type is aio: a raw file
        backend = f"tap:{TAP_TYPE_OF[fmt]}"
    return _finish(target, vdev, mode, devtype, backend, fmt, entry, hvm, notes)


def _finish(
    target: str,
    vdev: str,
    mode: str,
    devtype: str,
    backend: str,
    fmt: str | None,
    entry: str,
    hvm: bool,
    notes: list[str],
) -> tuple[DiskSpec, list[str]]:
    """Common rules: only a cdrom may be empty, a cdrom is read-only and not on virtio."""
    if devtype == "cdrom":
        if hvm and not (vdev.startswith("hd") or vdev.startswith("sd")):
            raise Mismatch("a cdrom on hdX or sdX (virtio has no cdrom)", vdev, entry)
        if mode != "r":
            notes.append(f"disk {vdev}: a cdrom is read-only; mode {mode!r} taken as 'r'")
            mode = "r"
    if not target:
        if devtype != "cdrom":
            raise Mismatch("a target path (only a cdrom drive may be empty)", entry)
        backend, fmt = "file", None
    spec = DiskSpec(
        target=target,
        vdev=vdev,
        mode=mode,  # type: ignore[arg-type]
        devtype=devtype,  # type: ignore[arg-type]
        backend=backend,
        format=fmt,
    )
    return spec, notes


# ---------------------------------------------------------------------------------------------
# network interfaces

NIC_ALIASES = {
    "virtio-net": "virtio",
    "virtio-net-pci": "virtio",
    "ne2k": "ne2k_pci",
    "ne2k-pci": "ne2k_pci",
    "pcnet32": "pcnet",
    "rtl-8139": "rtl8139",
    "e1000-82540em": "e1000",
}
VIF_KEYS = ("mac", "bridge", "model", "ip", "script", "type", "vifname", "rate", "backend")
_VIF_IGNORED = frozenset(
    {"accel", "gatewaydev", "devid", "mtu", "policy", "label", "be_mac", "forwarddev",
     "trusted", "untrusted", "backend_mac", "vid"}
)  # fmt: skip
_MAC = re.compile(r"[0-9a-fA-F]{2}(:[0-9a-fA-F]{2}){5}")
_IFNAME = re.compile(r"[A-Za-z0-9_.\-]{1,15}")
#: xl's vif-openvswitch form: BRIDGE[.TAG][:TRUNK[:TRUNK...]]
_OVS_BRIDGE = re.compile(r"([^.:]+)(?:\.([0-9]+))?(?::([0-9]+(?::[0-9]+)*))?")
#: the names hvmctl gives taps itself (vifDOMID.N): a vifname may not take one
_AUTO_TAP = re.compile(r"vif[0-9]+\.[0-9]+")
#: types that give a paravirtual NIC only (xend: anything but ioemu; xl: vif)
PV_ONLY_TYPES = ("netfront", "vif")
#: backend domains: only this host (domain 0) serves a NIC here
LOCAL_BACKENDS = ("0", "Domain-0")
_RATE = re.compile(r"([0-9]+)[GMK]?[Bb]/s(@([0-9]+)[mu]?s?)?")


def parse_vif(entry: str) -> tuple[VifSpec, list[str]]:
    """``'mac=00:16:3e:3f:a9:06, bridge=xenbr0, model=e1000'`` → VifSpec ('' = all defaults)."""
    if not isinstance(entry, str):
        raise Mismatch("a vif like 'mac=00:16:3e:3f:a9:06, bridge=xenbr0'", entry)
    fields: dict[str, str | None] = {}
    notes: list[str] = []
    for part in entry.split(","):
        part = part.strip()
        if not part:
            continue
        if "=" not in part:
            if part in _VIF_IGNORED:
                notes.append(f"vif option {part!r} ignored")
                continue
            raise Mismatch("key=value pairs (mac=..., bridge=..., model=...)", part, entry)
        key, value = (s.strip() for s in part.split("=", 1))
        if key in fields:
            raise Mismatch(f"{key}= given once", part, entry)
        if key in _VIF_IGNORED:
            notes.append(f"vif option {key!r} ignored")
            continue
        if key not in VIF_KEYS:
            raise Mismatch("a vif option among " + ", ".join(VIF_KEYS), key, entry)
        fields[key] = _vif_value(key, value, entry) if value else None
    if fields.get("type") in PV_ONLY_TYPES and fields.get("model"):
        # xend built an emulated NIC only for type=ioemu (image.py), xl uses model= only
        # with ioemu too: a paravirtual-only NIC is virtio-net here, whatever model= says
        notes.append(f"vif option model={fields['model']!r} ignored: type={fields['type']} is a "
                     "paravirtual-only NIC (virtio-net under QEMU)")
        fields["model"] = None
    return VifSpec(**fields, devid=None), notes  # devid is the daemon's, never a profile key


def ovs_bridge(bridge: str) -> tuple[str, int | None, tuple[int, ...]] | None:
    """``ovsbr0.10:20:30`` -> ('ovsbr0', 10, (20, 30)), as xl's vif-openvswitch splits it;
    None when the name has neither a VLAN tag nor trunks."""
    m = _OVS_BRIDGE.fullmatch(bridge)
    if m is None or (m.group(2) is None and m.group(3) is None):
        return None
    trunks = tuple(int(t) for t in m.group(3).split(":")) if m.group(3) else ()
    return m.group(1), int(m.group(2)) if m.group(2) is not None else None, trunks


def _vif_value(key: str, value: str, entry: str) -> str:
    if key == "mac":
        return check_mac(value, entry)
    if key == "model":
        model = NIC_ALIASES.get(value.lower(), value.lower())
        if model not in NIC_MODELS:
            raise Mismatch("a NIC model among " + ", ".join(NIC_MODELS), value, entry)
        return model
    if key == "bridge":
        return _check_bridge(value, entry)
    if key == "vifname":
        if not _IFNAME.fullmatch(value) or value in (".", ".."):
            raise Mismatch("a vifname (the host tap's name: 1-15 letters, digits, '.', '-', '_')", value, entry)
        if _AUTO_TAP.fullmatch(value):
            raise Mismatch("a vifname not of the form vifDOMID.N (hvmctl names its own taps so)", value, entry)
        return value
    if key == "backend":
        if value not in LOCAL_BACKENDS:
            raise Mismatch("backend=0 or Domain-0 (only this host, domain 0, serves a NIC; "
                           "driver domains do not exist under QEMU)", value, entry)
        return value
    if key == "ip":
        return _check_ips(value, entry)
    if key == "rate":
        m = _RATE.fullmatch(value)
        if m is None or int(m.group(1)) == 0 or (m.group(3) is not None and int(m.group(3)) == 0):
            raise Mismatch("a rate like '10Mb/s' or '10MB/s@20ms'", value, entry)
        return value
    if key == "type":
        if value not in ("ioemu", "netfront", "vif"):
            raise Mismatch("type ioemu, netfront or vif", value, entry)
        return value
    if any(c.isspace() for c in value) or has_control(value):
        raise Mismatch(f"a {key} without spaces or control characters", value, entry)
    return value  # script, backend


def _check_bridge(value: str, entry: str) -> str:
    """A bridge name, or an Open vSwitch bridge with a VLAN tag and trunks (ovsbr0.10:20:30)."""
    what = "a bridge name (1-15 letters, digits, '.', '-', '_'), or BRIDGE.TAG:TRUNK:... for Open vSwitch"
    if _IFNAME.fullmatch(value) and value not in (".", ".."):
        return value  # ovsbr0.10 is also a valid interface name: decided at start
    parts = ovs_bridge(value)
    if parts is None or not _IFNAME.fullmatch(parts[0]):
        raise Mismatch(what, value, entry)
    for vlan in ([parts[1]] if parts[1] is not None else []) + list(parts[2]):
        if not 0 <= vlan <= 4095 or (vlan == parts[1] and vlan == 0):
            raise Mismatch("VLAN numbers 1-4095 (trunks 0-4095)", value, entry)
    return value


def check_mac(value: str, entry: object = None) -> str:
    """A unicast, non-zero MAC address, lower-cased."""
    if not _MAC.fullmatch(value):
        raise Mismatch("a MAC address like 00:16:3e:3f:a9:06", value, entry)
    mac = value.lower()
    if int(mac[:2], 16) & 1:
        raise Mismatch("a unicast MAC address (a multicast one has an odd first byte)", value, entry)
    if mac == "00:00:00:00:00:00":
        raise Mismatch("a MAC address other than all zeros", value, entry)
    return mac


def _check_ips(value: str, entry: str) -> str:
    import ipaddress

    for addr in value.split():
        try:
            ipaddress.ip_interface(addr)
        except ValueError:
            raise Mismatch("IP addresses separated by spaces", addr, entry) from None
    return " ".join(value.split())


# ---------------------------------------------------------------------------------------------
# graphical console


@dataclass
class VfbParts:
    """Console settings from one ``vfb`` entry or from the top-level keys; None = not given."""

    kind: str | None = None  # "vnc" or "sdl" (vfb's type=)
    vnc: bool | None = None
    sdl: bool | None = None
    vncunused: bool | None = None
    vncdisplay: int | None = None
    vnclisten: str | None = None
    vncpasswd: str | None = None
    keymap: str | None = None


VFB_KEYS = ("type", "vnc", "sdl", "vncunused", "vncdisplay", "vnclisten", "vncpasswd", "keymap")
_VFB_IGNORED = frozenset({"display", "xauthority", "opengl", "videoram", "serial", "monitor"})


def parse_vfb(entry: str) -> tuple[VfbParts, list[str]]:
    """``'type=vnc,vncunused=1'`` (xm) or ``'vnc=1,vnclisten=0.0.0.0'`` (xl) → VfbParts."""
    if not isinstance(entry, str):
        raise Mismatch("a vfb like 'type=vnc,vncunused=1'", entry)
    parts = VfbParts()
    notes: list[str] = []
    seen: set[str] = set()
    for item in entry.split(","):
        item = item.strip()
        if not item:
            continue
        if "=" not in item:
            raise Mismatch("key=value pairs (type=vnc, vncunused=1...)", item, entry)
        key, value = (s.strip() for s in item.split("=", 1))
        if key in seen:
            raise Mismatch(f"{key}= given once", item, entry)
        seen.add(key)
        if key in _VFB_IGNORED:
            notes.append(f"vfb option {key!r} ignored")
        elif key in VFB_KEYS:
            _vfb_value(parts, key, value, entry)
        else:
            raise Mismatch("a vfb option among " + ", ".join(VFB_KEYS), key, entry)
    return parts, notes


def _vfb_value(parts: VfbParts, key: str, value: str, entry: str) -> None:
    try:
        if key == "type":
            if value not in ("vnc", "sdl"):
                raise Mismatch("type=vnc or type=sdl", value, entry)
            parts.kind = value
        elif key in ("vnc", "sdl", "vncunused"):
            setattr(parts, key, to_bool(value))
        elif key == "vncdisplay":
            parts.vncdisplay = to_vncdisplay(value)  # type: ignore[assignment]
        elif key == "vnclisten":
            parts.vnclisten, display = check_listen(value)
            if display is not None:
                parts.vncdisplay = display
        elif key == "vncpasswd":
            if has_control(value):
                raise Mismatch("a password without control characters", value, entry)
            parts.vncpasswd = value or None
        else:
            parts.keymap = to_keymap(value)  # type: ignore[assignment]
    except Mismatch as exc:
        raise Mismatch(exc.expected, value, entry) from None


_HOSTNAME = re.compile(r"[A-Za-z0-9]([A-Za-z0-9.\-]{0,251}[A-Za-z0-9])?")


def check_listen(value: str) -> tuple[str, int | None]:
    """An address for VNC to listen on; xl's ``ADDRESS:DISPLAY`` form splits off the display."""
    import ipaddress

    text = value.strip()
    display: int | None = None
    if text.count(":") == 1:
        text, _, tail = text.partition(":")
        display = to_vncdisplay(tail)  # type: ignore[assignment]
    try:
        ipaddress.ip_address(text.strip("[]"))
        return text, display
    except ValueError:
        if _HOSTNAME.fullmatch(text):
            return text, display
    raise Mismatch("an address to listen on (IP address or host name)", value)


def combine_vfb(
    entry: VfbParts | None, top: VfbParts, *, default_vnc: bool
) -> tuple[VfbSpec | None, list[str]]:
    """One console from a vfb entry and the top-level HVM keys (the entry wins).

    With neither, the console is VNC when ``default_vnc`` (xl's HVM default) and none
    otherwise (xm's default: vnc=0, sdl=0).
    """
    notes: list[str] = []
    if entry is not None:
        merged = _merge(entry, top)
        sdl_on = merged.kind == "sdl" or bool(entry.sdl)
        vnc_on = merged.kind == "vnc" or bool(entry.vnc) or (entry.vnc is None and not sdl_on)
    else:
        merged = top
        sdl_on = bool(top.sdl)
        vnc_on = bool(top.vnc) or (top.vnc is None and default_vnc and not sdl_on)
    if not (vnc_on or sdl_on):
        return None, notes
    if vnc_on and sdl_on:
        notes.append("both VNC and SDL asked for; the VNC console is used")
    wants_sdl = sdl_on and not vnc_on
    if wants_sdl:
        return VfbSpec(type="sdl", keymap=merged.keymap), notes
    unused = merged.vncunused if merged.vncunused is not None else merged.vncdisplay is None
    spec = VfbSpec(
        type="vnc",
        vncunused=unused,
        vncdisplay=merged.vncdisplay,
        vnclisten=merged.vnclisten or "127.0.0.1",
        vncpasswd=merged.vncpasswd or None,
        keymap=merged.keymap,
    )
    return spec, notes


def _merge(entry: VfbParts, top: VfbParts) -> VfbParts:
    return VfbParts(
        kind=entry.kind,
        vnc=entry.vnc,
        sdl=entry.sdl,
        vncunused=entry.vncunused if entry.vncunused is not None else top.vncunused,
        vncdisplay=entry.vncdisplay if entry.vncdisplay is not None else top.vncdisplay,
        vnclisten=entry.vnclisten or top.vnclisten,
        vncpasswd=entry.vncpasswd or top.vncpasswd,
        keymap=entry.keymap or top.keymap,
    )
