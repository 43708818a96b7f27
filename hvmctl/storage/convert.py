"""Port a PV profile to HVM (seed 2.3.2): ``builder = "hvm"``, ``tap:aio:`` disks become
``file:``, ``xvdX`` become ``hdX``, the boot loader (pygrub) and PV kernel keys go, and
``device_model``/``kernel = hvmloader`` come in. Name, memory, MACs, UUID and VNC stay.

The profile is edited as text (positions from Python's ``ast``), so the user's comments and
layout survive and ``--dry-run`` shows a small diff; the result is parsed again and
compared with what was meant before anything is written.
"""

from __future__ import annotations

import ast
import difflib
import os
from dataclasses import dataclass, field, replace
from pathlib import Path

from hvmctl.config import parse_profile
from hvmctl.config.model import DiskSpec, DomainConfig
from hvmctl.config.writer import quote, xl_disk, xm_disk
from hvmctl.errors import ConfigError, ConflictError

HVM_DEVICE_MODEL = "/usr/lib64/xen/bin/qemu-dm"
HVMLOADER = "/usr/lib/xen/boot/hvmloader"
PV_BOOT_KEYS = ("bootloader", "bootargs", "kernel", "ramdisk", "extra", "root")


@dataclass
class Conversion:
    old_text: str
    new_text: str
    config: DomainConfig
    notes: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    def diff(self, path: str) -> str:
        return "".join(difflib.unified_diff(self.old_text.splitlines(True), self.new_text.splitlines(True),
                                            fromfile=f"{path} (PV)", tofile=f"{path} (HVM)"))


def hvm_disk(disk: DiskSpec, taken: set[str]) -> DiskSpec:
    """One PV disk as the HVM guest's IDE disk: xvda -> hda, tap:* -> file (format detected)."""
    vdev = disk.vdev
    if vdev.startswith(("xvd", "vd")):
        letters = vdev[3:] if vdev.startswith("xvd") else vdev[2:]
        if not letters.isalpha():
            raise ConfigError(f"disk {vdev}: a partition given as a disk; an HVM guest needs whole disks")
        if len(letters) != 1 or letters > "d":
            raise ConfigError(f"disk {vdev}: an HVM guest has 4 IDE disks (hda-hdd); {vdev} has no place")
        vdev = "hd" + letters
    elif vdev.startswith("hd") and not vdev[2:].isalpha():
        raise ConfigError(f"disk {vdev}: a partition given as a disk; an HVM guest needs whole disks")
    if vdev in taken:
        raise ConfigError(f"disk {disk.vdev}: would become {vdev}, which another disk already uses")
    taken.add(vdev)
    backend = disk.backend
    fmt = disk.format
    if backend.startswith("tap:"):
        backend = "file"
        fmt = None if fmt == "raw" else fmt  # tap:aio: is a raw file: 'file:' says the same
    return replace(disk, vdev=vdev, backend=backend, format=fmt)


def _entry_text(old_entry: str, disk: DiskSpec) -> str:
    return xl_disk(disk) if "=" in old_entry else xm_disk(disk)


def _literal(original_src: str, value: str) -> str:
    q = original_src[:1]
    if q in ("'", '"') and q not in value and "\\" not in value and "\n" not in value \
            and not original_src.startswith(q * 3):
        return f"{q}{value}{q}"
    return quote(value)


def convert_to_hvm(text: str, *, filename: str = "<profile>") -> Conversion:
    """The HVM version of a PV profile's text (nothing is written here)."""
    loaded = parse_profile(text, filename=filename)
    cfg = loaded.config
    if cfg.is_hvm:
        raise ConfigError("already an HVM profile (builder = 'hvm'); nothing to convert", file=filename)
    taken = {d.vdev for d in cfg.disks if not d.vdev.startswith(("xvd", "vd"))}
    new_disks = []
    for disk in cfg.disks:
        new_disks.append(disk if disk.vdev in taken and disk.vdev.startswith(("hd", "sd"))
                         else hvm_disk(disk, taken))
    try:
        tree = ast.parse(text, filename)
    except SyntaxError as exc:
        raise ConfigError(f"cannot edit this profile as text ({exc.msg}); write it anew with the xm writer",
                          file=filename, line=exc.lineno) from exc
    assigns: dict[str, ast.Assign] = {}
    for node in tree.body:
        if isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(node.targets[0], ast.Name):
            assigns[node.targets[0].id] = node
    lines = text.splitlines(True)
    if lines and not lines[-1].endswith("\n"):
        lines[-1] += "\n"
    # character-level edits inside lines first (disk literals), bottom-up so offsets stay valid
    edits: list[tuple[int, int, int, int, str]] = []
    disk_node = assigns.get("disk")
    notes: list[str] = []
    if disk_node is not None:
        elements = disk_node.value.elts if isinstance(disk_node.value, (ast.List, ast.Tuple)) else [disk_node.value]
        consts = [e for e in elements if isinstance(e, ast.Constant) and isinstance(e.value, str)]
        if len(consts) != len(cfg.disks):
            raise ConfigError("disk: computed entries cannot be rewritten as text", file=filename,
                              line=disk_node.lineno, key="disk")
        for const, old, new in zip(consts, cfg.disks, new_disks):
            if old == new:
                continue
            src = ast.get_source_segment(text, const) or ""
            entry = _entry_text(str(const.value), new)
            assert const.end_lineno is not None and const.end_col_offset is not None
            edits.append((const.lineno, const.col_offset, const.end_lineno, const.end_col_offset,
                          _literal(src, entry)))
            notes.append(f"disk: {const.value!r} -> {entry!r}")
    for l1, c1, l2, c2, new_src in sorted(edits, reverse=True):
        head = lines[l1 - 1][:c1]
        tail = lines[l2 - 1][c2:]
        lines[l1 - 1 : l2] = [head + new_src + tail]
    # whole-line removals and insertions
    drop: set[int] = set()
    boot_at: int | None = None
    for key in PV_BOOT_KEYS + ("builder", "type", "device_model"):
        found = assigns.get(key)
        if found is None or (key == "type" and _const(found) not in ("pv", "PV", "linux")):
            continue
        if key == "builder" and _const(found) == "hvm":
            continue
        assert found.end_lineno is not None
        drop.update(range(found.lineno, found.end_lineno + 1))
        if key in PV_BOOT_KEYS or key == "device_model":
            boot_at = found.lineno if boot_at is None else min(boot_at, found.lineno)
        if key in ("bootloader", "kernel", "ramdisk", "extra", "root", "bootargs"):
            notes.append(f"{key}: dropped (an HVM guest boots from its disk through the BIOS)")
    name_node = assigns.get("name")
    builder_after = name_node.end_lineno if name_node is not None and name_node.end_lineno else 0
    boot_lines = [f"device_model = {quote(HVM_DEVICE_MODEL)}\n", f"kernel = {quote(HVMLOADER)}\n"]
    out: list[str] = []
    if builder_after == 0:
        out.append('builder = "hvm"\n')
    for number, line in enumerate(lines, start=1):
        if number == boot_at:
            out += boot_lines
        if number not in drop:
            out.append(line)
        if number == builder_after:
            out.append('builder = "hvm"\n')
    if boot_at is None:
        out += boot_lines
    new_text = "".join(out)
    notes.insert(0, 'builder = "hvm"; device_model and kernel = hvmloader set')
    converted = parse_profile(new_text, filename=filename).config
    _check_same_guest(cfg, converted, new_disks, filename)
    return Conversion(text, new_text, converted, notes)


def _const(node: ast.Assign) -> object:
    return node.value.value if isinstance(node.value, ast.Constant) else None


def _check_same_guest(old: DomainConfig, new: DomainConfig, disks: list[DiskSpec], filename: str) -> None:
    """The converted profile reads back as the same guest, now HVM, with the planned disks."""
    problems = []
    if not new.is_hvm:
        problems.append("it is not HVM")
    for attr in ("name", "uuid", "memory", "vcpus", "vifs", "vfb", "on_poweroff", "on_reboot", "on_crash"):
        if getattr(old, attr) != getattr(new, attr):
            problems.append(f"{attr} changed")
    if tuple(new.disks) != tuple(disks):
        problems.append(f"disks read back as {[xm_disk(d) for d in new.disks]}")
    if problems:
        raise ConfigError(f"the converted profile does not read back as intended: {'; '.join(problems)}",
                          file=filename)


def check_image(conv: Conversion) -> list[str]:
    """Warnings about the boot disk: will a BIOS boot it, and does its grub menu still name
    Xen's PV disks (xvdX), which the HVM guest sees as IDE disks?"""
    from hvmctl.storage.blockio import ImageError, open_image
    from hvmctl.storage.bootloader import find_menu, hvm_boot_problems

    disks = [d for d in conv.config.disks if d.devtype == "disk" and not d.empty]
    if not disks:
        return ["the profile has no disk to boot from"]
    first = sorted(disks, key=lambda d: d.vdev)[0]
    if not os.path.exists(first.target):
        return [f"{first.target}: no such image here; cannot check that it boots as HVM"]
    warnings = [f"{p}; the converted guest may not boot" for p in hvm_boot_problems(first.target, first.format)]
    try:
        image = open_image(first.target, first.format)
        try:
            found = find_menu(image)
        finally:
            image.close()
    except ImageError:
        found = None
    if found is not None and any("/dev/xvd" in e.args for e in found.menu.entries):
        warnings.append(f"{found.menu.path} in {first.target} names /dev/xvd* (Xen PV disks); as HVM the "
                        f"guest sees {first.vdev} as an IDE disk (/dev/hda or /dev/sda): update root= and fstab")
    return warnings


def write_converted(path: str, text: str, *, output: str | None, force: bool = False) -> dict[str, str]:
    """Write the HVM profile to ``output``, or in place keeping the PV one as ``PATH.bak``
    (never replacing an earlier backup): temp file + rename, so no half-written profile."""
    target = Path(output or path)
    result: dict[str, str] = {"profile": str(target)}
    if output is not None and target.exists() and not force:
        raise ConflictError(f"{target}: already exists; use --force to replace it")
    from hvmctl.atomic import write_bytes_atomic

    mode = os.stat(path).st_mode & 0o777
    backup: Path | None = None
    if output is None:
        backup = Path(f"{path}.bak")
        n = 1
        while backup.exists():
            backup = Path(f"{path}.bak.{n}")
            n += 1
        os.link(path, backup)
        result["backup"] = str(backup)
    try:
        write_bytes_atomic(target, text.encode(), mode)
    except BaseException:
        if backup is not None:
            backup.unlink(missing_ok=True)  # the profile is untouched: no backup of nothing
        raise
    return result
