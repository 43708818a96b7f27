"""What pygrub did for PV guests, offline: find the boot loader's menu in the guest's image,
pick the entry, and copy its kernel and initrd out so QEMU boots them directly.

The search follows pygrub: each partition in order (or the whole disk when it has no
partition table), the first filesystem holding one of its config files wins; GRUB 2
``grub.cfg``, extlinux, then GRUB legacy ``menu.lst``/``grub.conf``. The profile's
``bootargs`` take pygrub's ``--entry=N`` (or a title), ``--kernel``, ``--ramdisk``, ``--args``.

Xen's PV disks (``xvdX``) become virtio disks (``vdX``): ``root=/dev/xvda1`` in the command
line is rewritten so the guest finds its root filesystem.
"""

from __future__ import annotations

import re
import shlex
from dataclasses import dataclass, field
from pathlib import Path

from hvmctl.config.model import DiskSpec, DomainConfig
from hvmctl.atomic import write_bytes_atomic
from hvmctl.errors import ConfigError
from hvmctl.qemu.argv import KernelBoot
from hvmctl.storage.blockio import ImageError, Reader, Slice, open_image, partitions
from hvmctl.storage.fs import Filesystem, FsNotFound, open_fs

GRUB2_FILES = ("/boot/grub/grub.cfg", "/grub/grub.cfg", "/boot/grub2/grub.cfg", "/grub2/grub.cfg")
EXTLINUX_FILES = ("/boot/isolinux/isolinux.cfg", "/boot/extlinux/extlinux.conf", "/boot/extlinux.conf",
                  "/extlinux/extlinux.conf", "/extlinux.conf")
GRUB1_FILES = ("/boot/grub/menu.lst", "/boot/grub/grub.conf", "/grub/menu.lst", "/grub/grub.conf")
SYSLINUX_FILES = ("/syslinux.cfg", "/syslinux/syslinux.cfg", "/boot/syslinux/syslinux.cfg")
MAX_CONFIG = 1024 * 1024


@dataclass
class Entry:
    title: str
    kernel: str = ""
    initrd: str | None = None
    args: str = ""


@dataclass
class Menu:
    """A parsed boot menu: its entries and which one is the default."""

    path: str
    kind: str
    entries: list[Entry] = field(default_factory=list)
    default: int = 0


# ---------------------------------------------------------------------------------------------
# config parsers


def _strip_device(path: str) -> str:
    """``(hd0,0)/vmlinuz`` -> ``/vmlinuz``: the file is on the filesystem the menu came from."""
    return re.sub(r"^\([^)]*\)", "", path) or "/"


def parse_grub_legacy(text: str, path: str = "menu.lst") -> Menu:
    menu = Menu(path, "grub")
    default_text = "0"
    current: Entry | None = None
    for raw in text.splitlines():
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        key, _, rest = _kv(line)
        if key == "title":
            current = Entry(rest.strip())
            menu.entries.append(current)
        elif key == "default" and current is None:
            default_text = rest.strip()
        elif current is not None and key == "kernel":
            kernel, _, args = rest.strip().partition(" ")
            current.kernel, current.args = _strip_device(kernel), args.strip()
        elif current is not None and key == "initrd":
            current.initrd = _strip_device(rest.strip().split()[0]) if rest.strip() else None
    menu.default = int(default_text) if default_text.isdigit() else 0
    return menu


def _kv(line: str) -> tuple[str, str, str]:
    m = re.match(r"(\S+?)(?:\s*=\s*|\s+|$)(.*)", line)
    assert m is not None
    return m.group(1).lower(), "", m.group(2)


def parse_grub2(text: str, path: str = "grub.cfg") -> Menu:
    """GRUB 2's grub.cfg: menuentry blocks (submenus flattened), ``set default``."""
    menu = Menu(path, "grub2")
    default_text = "0"
    current: Entry | None = None
    for raw in text.splitlines():
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        m = re.match(r"set\s+default\s*=\s*[\"']?([^\"']*)[\"']?", line)
        if m and current is None:
            default_text = m.group(1)
            continue
        if line.startswith("menuentry"):
            try:
                words = shlex.split(line.rstrip("{").strip())
            except ValueError:
                words = line.split()
            current = Entry(words[1] if len(words) > 1 else f"entry {len(menu.entries)}")
            menu.entries.append(current)
            continue
        if current is None:
            continue
        words = line.split(None, 1)
        if words[0] in ("linux", "linux16", "linuxefi", "kernel"):
            kernel, _, args = (words[1] if len(words) > 1 else "").partition(" ")
            current.kernel, current.args = _strip_device(kernel), args.strip()
        elif words[0] in ("initrd", "initrd16", "initrdefi") and len(words) > 1:
            current.initrd = _strip_device(words[1].split()[0])
        elif line == "}":
            current = None
    menu.default = _pick_default(menu, default_text)
    return menu


def parse_extlinux(text: str, path: str = "extlinux.conf") -> Menu:
    menu = Menu(path, "extlinux")
    default_label = ""
    current: Entry | None = None
    for raw in text.splitlines():
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        key, _, rest = line.partition(" ")
        key, rest = key.lower(), rest.strip()
        if key == "default":
            default_label = rest
        elif key == "label":
            current = Entry(rest)
            menu.entries.append(current)
        elif current is not None and key in ("kernel", "linux"):
            current.kernel = rest
        elif current is not None and key == "initrd":
            current.initrd = rest.split(",")[0]
        elif current is not None and key == "append":
            args = []
            for word in rest.split():
                if word.startswith("initrd="):
                    current.initrd = word[7:].split(",")[0]
                else:
                    args.append(word)
            current.args = " ".join(args)
    menu.default = next((i for i, e in enumerate(menu.entries) if e.title == default_label), 0)
    return menu


def _pick_default(menu: Menu, text: str) -> int:
    if text.isdigit():
        return int(text)
    return next((i for i, e in enumerate(menu.entries) if e.title == text), 0)


PARSERS = {"grub2": parse_grub2, "extlinux": parse_extlinux, "grub": parse_grub_legacy}


# ---------------------------------------------------------------------------------------------
# finding the menu


@dataclass
class Found:
    menu: Menu
    fs: Filesystem
    partition: int  # 0: the whole disk


def filesystems(disk: Reader) -> list[tuple[int, Filesystem]]:
    """Every filesystem this module reads on the disk, by partition number (0 = whole disk)."""
    parts = partitions(disk)
    out: list[tuple[int, Filesystem]] = []
    for part in parts:
        fs = open_fs(Slice(disk, part.start, part.size))
        if fs is not None:
            out.append((part.number, fs))
    if not parts:
        fs = open_fs(disk)
        if fs is not None:
            out.append((0, fs))
    return out


def find_menu(disk: Reader, kinds: tuple[str, ...] = ("grub2", "extlinux", "grub")) -> Found | None:
    lists = {"grub2": GRUB2_FILES, "extlinux": EXTLINUX_FILES, "grub": GRUB1_FILES, "syslinux": SYSLINUX_FILES}
    for number, fs in filesystems(disk):
        for kind in kinds:
            for path in lists[kind]:
                try:
                    raw = fs.read_file(path)
                except FsNotFound:
                    continue
                text = raw[:MAX_CONFIG].decode("utf-8", "replace")
                parser = PARSERS.get(kind, parse_extlinux)
                return Found(parser(text, path), fs, number)
    return None


# ---------------------------------------------------------------------------------------------
# the root device


def guest_disk_names(cfg: DomainConfig) -> dict[str, str]:
    """Profile vdev -> the name the guest's kernel gives it: xvdX become virtio (vda, vdb...
    in the order QEMU adds them); sdX stay (virtio-scsi); hdX are sdX to a libata kernel."""
    names: dict[str, str] = {}
    virtio = sorted((d.vdev for d in cfg.disks if d.bus == "virtio" and d.vdev.startswith("xvd")), key=_vdev_key)
    for i, vdev in enumerate(virtio):
        names[vdev] = "vd" + _letters(i)
    return names


def _vdev_key(vdev: str) -> tuple[int, str]:
    return (len(vdev), vdev)


def _letters(i: int) -> str:
    out = ""
    i += 1
    while i:
        i, r = divmod(i - 1, 26)
        out = chr(ord("a") + r) + out
    return out


def adjust_root(cmdline: str, cfg: DomainConfig) -> str:
    """``root=/dev/xvda1`` -> ``root=/dev/vda1`` (and ``/dev/xvdb`` wherever a word names one)."""
    names = guest_disk_names(cfg)

    def fix(m: re.Match[str]) -> str:
        dev, part = m.group(1), m.group(2)
        return f"/dev/{names.get(dev, 'v' + dev[2:] if dev.startswith('xvd') else dev)}{part}"

    return re.sub(r"/dev/(xvd[a-z]+)(p?[0-9]*)\b", fix, cmdline)


# ---------------------------------------------------------------------------------------------
# pygrub


@dataclass(frozen=True)
class BootFiles:
    kernel: str
    initrd: str | None
    cmdline: str
    title: str
    menu: str


def _bootargs(text: str | None) -> dict[str, str]:
    """pygrub's options from the profile's ``bootargs``: --entry, --kernel, --ramdisk, --args."""
    out: dict[str, str] = {}
    words = shlex.split(text or "")
    i = 0
    while i < len(words):
        word = words[i]
        key, eq, value = word.partition("=")
        if key in ("--entry", "--kernel", "--ramdisk", "--args", "-q", "--quiet", "-n", "--not-really"):
            if not eq and key in ("--entry", "--kernel", "--ramdisk", "--args") and i + 1 < len(words):
                value = words[i + 1]
                i += 1
            out[key.lstrip("-")] = value
        i += 1
    return out


def boot_disk(cfg: DomainConfig) -> DiskSpec:
    """The disk pygrub reads: the first non-cdrom disk (Xen passed the first disk)."""
    for disk in sorted(cfg.disks, key=lambda d: (d.devtype != "disk", _vdev_key(d.vdev.rstrip("0123456789")))):
        if not disk.empty and disk.devtype == "disk":
            return disk
    raise ConfigError("bootloader: the profile has no disk to boot from", file=cfg.source,
                      line=cfg.line_of("bootloader"), key="bootloader")


def extract_boot_files(cfg: DomainConfig, out_dir: Path, fmt: str | None = None) -> BootFiles:
    """Read the menu in the guest's boot disk, copy the chosen kernel/initrd into ``out_dir``."""
    disk = boot_disk(cfg)
    opts = _bootargs(cfg.bootargs)
    where = dict(file=cfg.source, line=cfg.line_of("bootloader"), key="bootloader")
    try:
        image = open_image(disk.target, fmt if disk.backend != "phy" else "raw")
    except ImageError as exc:
        raise ConfigError(f"{disk.vdev}: {exc}", **where) from exc  # type: ignore[arg-type]
    try:
        found = find_menu(image)
        if found is None:
            raise ConfigError(f"{disk.vdev}: {disk.target}: no GRUB menu (menu.lst, grub.conf, grub.cfg) or "
                              "extlinux.conf found on any partition", **where)  # type: ignore[arg-type]
        entries = found.menu.entries
        if not entries and "kernel" not in opts:
            raise ConfigError(f"{disk.vdev}: {found.menu.path} has no boot entries", **where)  # type: ignore[arg-type]
        index = found.menu.default
        if "entry" in opts:
            choice = opts["entry"]
            index = int(choice) if choice.isdigit() else next(
                (i for i, e in enumerate(entries) if e.title == choice), -1)
            if not 0 <= index < len(entries):
                raise ConfigError(f"bootargs: no entry {choice!r} in {found.menu.path}", file=cfg.source,
                                  line=cfg.line_of("bootargs"), key="bootargs")
        entry = entries[index] if 0 <= index < len(entries) else (entries[0] if entries else Entry("custom"))
        kernel_path = opts.get("kernel") or entry.kernel
        initrd_path = opts.get("ramdisk") or entry.initrd
        args = opts.get("args") or entry.args
        if not kernel_path:
            raise ConfigError(f"entry {entry.title!r} in {found.menu.path} names no kernel", **where)  # type: ignore[arg-type]
        kernel = _copy_out(found.fs, kernel_path, out_dir / "kernel")
        initrd = _copy_out(found.fs, initrd_path, out_dir / "initrd") if initrd_path else None
    except ImageError as exc:
        if isinstance(exc, ConfigError):
            raise
        raise ConfigError(f"{disk.vdev}: {disk.target}: {exc}", **where) from exc  # type: ignore[arg-type]
    finally:
        image.close()
    extra = " ".join(p for p in (f"root={cfg.root}" if cfg.root else "", cfg.extra or "") if p)
    cmdline = adjust_root(" ".join(p for p in (args, extra) if p), cfg)
    return BootFiles(kernel, initrd, cmdline, entry.title, f"partition {found.partition}: {found.menu.path}")


def _copy_out(fs: Filesystem, path: str, dest: Path) -> str:
    """One file out of the guest's filesystem into ``dest`` (temp + rename)."""
    candidates = [path]
    if path.startswith("/boot/"):
        candidates.append(path[5:])  # a separate /boot partition: grub names files from its root
    for candidate in candidates:
        try:
            data = fs.read_file(candidate)
            break
        except FsNotFound:
            continue
    else:
        raise ImageError(f"{path}: not found in the guest's filesystem")
    write_bytes_atomic(dest, data, 0o644)
    return str(dest)


# ---------------------------------------------------------------------------------------------
# HVM bootability (convert)


def hvm_boot_problems(path: str, fmt: str | None = None) -> list[str]:
    """Why a disk would not boot under a BIOS: no boot sector, or no boot loader config.
    Empty when it looks bootable."""
    try:
        image = open_image(path, fmt)
    except ImageError as exc:
        return [f"cannot read {path}: {exc}"]
    try:
        problems = []
        head = image.pread(512, 0)
        if head[510:512] != b"\x55\xaa" or not any(head[:440]):
            problems.append(f"{path} has no boot sector (MBR): a BIOS cannot boot it")
        if find_menu(image, ("grub2", "extlinux", "grub", "syslinux")) is None:
            problems.append(f"{path} holds no boot loader config (grub.cfg, menu.lst, extlinux.conf, syslinux.cfg)")
        return problems
    except ImageError as exc:
        return [f"cannot read {path}: {exc}"]
    finally:
        image.close()


# ---------------------------------------------------------------------------------------------
# the daemon's entry point


def kernel_boot_for(cfg: DomainConfig, run_dir: Path, formats: dict[str, str]) -> KernelBoot | None:
    """How a PV profile boots under QEMU: its own ``kernel=`` (root device adjusted), or what
    pygrub would have found in the image (copied into the run dir at every start, as pygrub
    read it at every start). HVM profiles boot their own way (None)."""
    if cfg.is_hvm:
        return None
    if cfg.kernel:
        cmdline = " ".join(p for p in (f"root={cfg.root}" if cfg.root else "", cfg.extra or "") if p)
        return KernelBoot(cfg.kernel, cfg.ramdisk, adjust_root(cmdline, cfg))
    if cfg.bootloader:
        disk = boot_disk(cfg)
        files = extract_boot_files(cfg, run_dir / "boot", formats.get(disk.vdev))
        return KernelBoot(files.kernel, files.initrd, files.cmdline)
    return None
