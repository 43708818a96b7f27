"""From what a profile assigned to a validated :class:`DomainConfig`: syntax checks, no I/O.

Every wrong value becomes one ``ConfigError`` line ``FILE:LINE: KEY: expected WHAT; got REPR``;
every key that is accepted but does nothing, or is unknown, becomes a :class:`ConfigWarning`.
Host checks (files exist, bridges exist, images not in use) come later, elsewhere.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from typing import Sequence

from hvmctl.config.evaluator import Evaluated, evaluate_literal
from hvmctl.config.keys import (
    KEYS,
    XL_ONLY_KEYS,
    Mismatch,
    show,
    suggest,
    to_bool,
    to_name,
)
from hvmctl.config.model import DiskSpec, DomainConfig, VfbSpec, VifSpec
from hvmctl.config.specs import VfbParts, check_listen, combine_vfb, parse_disk, parse_vfb, parse_vif
from hvmctl.errors import ConfigError

COMMAND_LINE = "<command line>"

#: profile keys → the DomainConfig field they fill, when the names differ (for key_lines)
FIELD_OF = {
    "disk": "disks",
    "cdrom": "disks",
    "vif": "vifs",
    "nics": "vifs",
    "usbdevice": "usbdevices",
    "usbdev": "usbdevices",
    "type": "builder",
    "on_shutdown": "on_poweroff",
    "device_model_override": "device_model",
    "cmdline": "extra",
    "bootloader_args": "bootargs",
    "vga": "stdvga",
    "vnc": "vfb",
    "sdl": "vfb",
    "nographic": "vfb",
}


@dataclass(frozen=True)
class ConfigWarning:
    """Something a profile says that hvmctl accepts but ignores, or does not know."""

    file: str
    line: int | None
    key: str | None
    message: str
    kind: str = "warning"  # or "note": what hvmctl decided, said once (a name it took)

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}" if self.line is not None else self.file
        what = f"{self.key}: " if self.key else ""
        return f"{where}: {self.kind}: {what}{self.message}"


@dataclass(frozen=True)
class Entry:
    """One assigned key: its value and where it was set (file or the command line)."""

    value: object
    file: str
    line: int | None
    item_lines: tuple[int, ...] = ()

    def item_line(self, index: int) -> int | None:
        """The line of the index-th list element when the list was written as a literal."""
        return self.item_lines[index] if index < len(self.item_lines) else self.line


def parse_overrides(overrides: Sequence[str]) -> list[tuple[str, object]]:
    """``xm create FILE key=value ...``: a Python literal when it is one, else a bare string."""
    parsed: list[tuple[str, object]] = []
    for arg in overrides:
        key, sep, text = arg.partition("=")
        key = key.strip()
        if not sep or not key.isidentifier() or key.startswith("__"):
            raise ConfigError(f"expected KEY=VALUE; got {show(arg)}", file=COMMAND_LINE)
        ok, value = evaluate_literal(text.strip())
        parsed.append((key, value if ok else text.strip()))
    return parsed


def build_config(
    evaluated: Evaluated,
    *,
    filename: str,
    overrides: Sequence[tuple[str, object]] = (),
    default_name: str | None = None,
) -> tuple[DomainConfig, tuple[ConfigWarning, ...]]:
    """The DomainConfig a profile describes, and the warnings it deserves."""
    return _Builder(evaluated, filename, overrides, default_name).build()


class _Builder:
    def __init__(
        self,
        evaluated: Evaluated,
        filename: str,
        overrides: Sequence[tuple[str, object]],
        default_name: str | None,
    ) -> None:
        self.filename = filename
        self.default_name = default_name
        self.referenced = evaluated.referenced | set(evaluated.declared)
        self.entries: dict[str, Entry] = {
            key: Entry(value, filename, line, evaluated.item_lines.get(key, ()))
            for key, (value, line) in evaluated.values.items()
        }
        self.cli_vars: list[str] = []
        for key, value in overrides:
            if key in KEYS:
                self.entries[key] = Entry(value, COMMAND_LINE, None)
            else:
                self.cli_vars.append(key)
        self.warnings: list[ConfigWarning] = []
        for key, lines in evaluated.repeated.items():
            if key in KEYS and key in evaluated.values:
                earlier = ", ".join(f"{filename}:{n}" for n in lines[:-1])
                self.warnings.append(ConfigWarning(filename, lines[-1], key, f"set again (also at {earlier}); "
                                                   "the last one wins, as under xm"))

    # -- helpers

    def error(self, key: str, message: str, line: int | None = None) -> ConfigError:
        entry = self.entries.get(key)
        file = entry.file if entry else self.filename
        where = line if line is not None else (entry.line if entry else None)
        return ConfigError(message, file=file, line=where, key=key)

    def warn(self, key: str | None, message: str, line: int | None = None) -> None:
        entry = self.entries.get(key) if key else None
        file = entry.file if entry else self.filename
        where = line if line is not None else (entry.line if entry else None)
        self.warnings.append(ConfigWarning(file, where, key, message))

    def get(self, key: str) -> object:
        """The converted value of a key, or None when the profile does not set it."""
        entry = self.entries.get(key)
        if entry is None:
            return None
        try:
            return KEYS[key].convert(entry.value)
        except Mismatch as exc:
            raise self.error(key, exc.describe()) from None

    def either(self, key: str, alias: str) -> tuple[object, str]:
        """A key that has two spellings (on_poweroff/on_shutdown): both must agree."""
        a, b = self.get(key), self.get(alias)
        if a is not None and b is not None and a != b:
            line = self.entries[key].line
            at = f" (line {line})" if line is not None else ""
            got = show(self.entries[alias].value)
            raise self.error(alias, f"expected the same value as {key}{at}; got {got}")
        return (a, key) if a is not None else (b, alias)

    # -- the whole profile

    def build(self) -> tuple[DomainConfig, tuple[ConfigWarning, ...]]:
        self._check_keys()
        builder = self._builder()
        hvm = builder == "hvm"
        memory = self.get("memory")
        vcpus = self.get("vcpus")
        cfg = DomainConfig(
            name=self._name(),
            builder=builder,
            uuid=self.get("uuid"),  # type: ignore[arg-type]
            memory=memory if isinstance(memory, int) else 128,
            maxmem=self._at_least("maxmem", "memory", memory),
            vcpus=vcpus if isinstance(vcpus, int) else 1,
            maxvcpus=self._at_least("maxvcpus", "vcpus", vcpus),
            cpus=self.get("cpus"),  # type: ignore[arg-type]
            cpu_weight=self.either("cpu_weight", "weight")[0],  # type: ignore[arg-type]
            cpu_cap=self.either("cpu_cap", "cap")[0],  # type: ignore[arg-type]
            disks=self._disks(hvm),
            vifs=self._vifs(),
            vfb=self._vfb(hvm),
            boot=self.get("boot") or "c",  # type: ignore[arg-type]
            on_poweroff=self.either("on_poweroff", "on_shutdown")[0] or "destroy",  # type: ignore[arg-type]
            on_reboot=self.get("on_reboot") or "restart",  # type: ignore[arg-type]
            on_crash=self.get("on_crash") or "restart",  # type: ignore[arg-type]
            acpi=self._bool("acpi", True),
            apic=self._bool("apic", True),
            pae=self._bool("pae", True),
            localtime=self._bool("localtime", False),
            rtc_timeoffset=self.get("rtc_timeoffset") or 0,  # type: ignore[arg-type]
            usb=self._bool("usb", False),
            usbdevices=tuple(self.get("usbdevice") or ()) + tuple(self.get("usbdev") or ()),  # type: ignore[arg-type]
            stdvga=self._stdvga(),
            soundhw=self.get("soundhw"),  # type: ignore[arg-type]
            keymap=self.get("keymap"),  # type: ignore[arg-type]
            device_model=self.either("device_model", "device_model_override")[0],  # type: ignore[arg-type]
            accel=self.get("accel"),  # type: ignore[arg-type]
            ha=self._bool("ha", False),
            host_tags=tuple(self.get("host_tags") or ()),  # type: ignore[arg-type]
            bios=self._bios(),
            secure_boot=self._bool("secure_boot", False),
            vtpm=self.get("vtpm"),  # type: ignore[arg-type]
            cpuid=self._cpuid(),
            pci=self._pci(),
            viridian=self.get("viridian") or (),  # type: ignore[arg-type]
            nestedhvm=self._bool("nestedhvm", False),
            source=self.filename,
            key_lines=self._key_lines(),
            **self._serials(),  # type: ignore[arg-type]
            **self._boot_fields(hvm),  # type: ignore[arg-type]
        )
        return cfg, tuple(self.warnings)

    def _check_keys(self) -> None:
        """Warn about unknown keys (not helper variables) and unsupported ones."""
        for key, entry in self.entries.items():
            spec = KEYS.get(key)
            if spec is None:
                if key in self.referenced or key.startswith("_"):
                    continue  # a helper variable another assignment uses
                hint = suggest(key)
                self.warn(key, f"unknown key; did you mean {hint!r}?" if hint else "unknown key; ignored")
            elif spec.effect == "unsupported":
                self.warn(key, f"{spec.doc} is not supported by hvmctl; ignored")
        for key in self.cli_vars:
            if key not in self.referenced:
                hint = suggest(key)
                tail = f"; did you mean {hint!r}?" if hint else "; ignored"
                self.warnings.append(ConfigWarning(COMMAND_LINE, None, key, "unknown key or variable" + tail))

    def _name(self) -> str:
        value = self.get("name")
        if value is not None:
            return value  # type: ignore[return-value]
        fallback = self.default_name
        if fallback is None and not self.filename.startswith("<"):
            fallback = os.path.basename(self.filename)
        if fallback is None:
            raise ConfigError("expected a domain name; got nothing", file=self.filename, key="name")
        try:
            name: str = to_name(fallback)  # type: ignore[assignment]
        except Mismatch as exc:
            raise ConfigError(exc.describe() + " (the file name)", file=self.filename, key="name") from None
        whence = "after its file name" if fallback == os.path.basename(self.filename) else "as its caller asked"
        self.warnings.append(ConfigWarning(self.filename, None, "name", f"no name in the profile; the domain "
                                           f"is named {name!r}, {whence}", kind="note"))
        return name

    def _builder(self) -> str:
        value, _ = self.either("builder", "type")
        return value if isinstance(value, str) else "linux"  # xm's default builder is PV

    def _at_least(self, key: str, base: str, base_value: object) -> int | None:
        value = self.get(key)
        if value is None:
            return None
        assert isinstance(value, int)
        floor = base_value if isinstance(base_value, int) else 1
        if value < floor:
            raise self.error(key, f"expected at least {base} ({floor}); got {show(self.entries[key].value)}")
        return value

    def _bool(self, key: str, default: bool) -> bool:
        value = self.get(key)
        return default if value is None else bool(value)

    # -- devices

    def _dialect_xl(self) -> bool:
        """An xl.cfg (it sets a key only xl knows); otherwise the profile is read as xm's."""
        return any(k in self.entries for k in XL_ONLY_KEYS)

    def _disks(self, hvm: bool) -> tuple[DiskSpec, ...]:
        entries = self._device_list("disk", "'file:/path/guest.img,hda,w'")
        disks: list[DiskSpec] = []
        seen: dict[str, int] = {}
        xm = not self._dialect_xl()
        for i, text in enumerate(entries):
            line = self.entries["disk"].item_line(i)
            try:
                disk, notes = parse_disk(text, hvm=hvm, xm=xm)
            except Mismatch as exc:
                raise self.error("disk", exc.describe(), line) from None
            if disk.vdev in seen:
                again = f"got {disk.vdev!r} again in {show(text)}"
                raise self.error("disk", f"expected each guest device once; {again}", line)
            seen[disk.vdev] = i
            for note in notes:
                self.warn("disk", note, line)
            disks.append(disk)
        cdrom = self._cdrom_key(hvm)
        if cdrom is not None:
            if cdrom.vdev in seen:
                raise self.error("cdrom", "expected hdc free for the cdrom; got a disk on hdc")
            disks.append(cdrom)
        return tuple(disks)

    def _cdrom_key(self, hvm: bool) -> DiskSpec | None:
        """Xen 3.0's ``cdrom = '/dev/cdrom'``: the cdrom drive on hdc."""
        path = self.get("cdrom")
        if not path:
            return None
        assert isinstance(path, str)
        uname = ("phy:" if path.startswith("/dev/") else "file:") + path
        try:
            return parse_disk(f"{uname},hdc:cdrom,r", hvm=hvm)[0]
        except Mismatch as exc:
            raise self.error("cdrom", f"expected an absolute path; got {show(exc.got)}") from None

    def _device_list(self, key: str, example: str) -> list[str]:
        """``disk``/``vif`` as a list. In a file a single string is refused: xm iterated it
        character by character (``'b' should be a pair``), xl warns and ignores the key; on
        the command line it is one entry (xm's ``append_value``)."""
        entry = self.entries.get(key)
        if entry is not None and entry.file != COMMAND_LINE and isinstance(entry.value, str):
            if not entry.value.strip():
                self.warn(key, "an empty string gives no devices (xm and xl read it so)")
                return []
            raise self.error(key, f"expected a list, {key} = [{example}]; got a single string "
                                  f"{show(entry.value)} (xm fails on it, xl ignores it)")
        entries = self.get(key) or []
        assert isinstance(entries, list)
        return entries

    def _vifs(self) -> tuple[VifSpec, ...]:
        entries = self._device_list("vif", "'bridge=xenbr0'")
        vifs: list[VifSpec] = []
        macs: set[str] = set()
        vifnames: set[str] = set()
        xl = self._dialect_xl()
        for i, text in enumerate(entries):
            line = self.entries["vif"].item_line(i)
            try:
                vif, notes = parse_vif(text)
            except Mismatch as exc:
                raise self.error("vif", exc.describe(), line) from None
            if xl and vif.type == "netfront":
                raise self.error("vif", "expected type=ioemu or type=vif (xl's types; netfront is xm's); "
                                        "got type=netfront", line)
            if vif.mac is not None:
                if vif.mac in macs:
                    raise self.error("vif", f"expected each MAC address once; got {vif.mac!r} again", line)
                macs.add(vif.mac)
            if vif.vifname is not None:
                if vif.vifname in vifnames:
                    raise self.error("vif", f"expected each vifname once; got {vif.vifname!r} again", line)
                vifnames.add(vif.vifname)
            for note in notes:
                self.warn("vif", note, line)
            vifs.append(vif)
        nics = self.get("nics")
        if isinstance(nics, int) and nics > len(vifs):
            vifs.extend(VifSpec() for _ in range(nics - len(vifs)))
        return tuple(vifs)

    def _vfb(self, hvm: bool) -> VfbSpec | None:
        entries = self.get("vfb") or []
        assert isinstance(entries, list)
        if self._bool("nographic", False):
            if entries or self._bool("vnc", False) or self._bool("sdl", False):
                self.warn("nographic", "no graphical console: vfb, vnc and sdl are ignored")
            return None
        first: VfbParts | None = None
        if entries:
            line = self.entries["vfb"].item_line(0)
            try:
                first, notes = parse_vfb(entries[0])
            except Mismatch as exc:
                raise self.error("vfb", exc.describe(), line) from None
            for note in notes:
                self.warn("vfb", note, line)
            if len(entries) > 1:
                self.warn("vfb", "only the first vfb is used", self.entries["vfb"].item_line(1))
        dialect_xl = self._dialect_xl()
        vfb, notes = combine_vfb(first, self._top_vfb(), default_vnc=hvm and dialect_xl)
        for note in notes:
            self.warn("vfb" if "vfb" in self.entries else "vnc", note)
        return vfb

    def _top_vfb(self) -> VfbParts:
        """The HVM console keys given at the top level (vnc=1, vncunused=1, ...)."""
        listen, display = None, None
        raw_listen = self.get("vnclisten")
        if raw_listen is not None:
            try:
                listen, display = check_listen(raw_listen)  # type: ignore[arg-type]
            except Mismatch as exc:
                raise self.error("vnclisten", exc.describe()) from None
        vncdisplay = self.get("vncdisplay")
        return VfbParts(
            vnc=self.get("vnc"),  # type: ignore[arg-type]
            sdl=self.get("sdl"),  # type: ignore[arg-type]
            vncunused=self.get("vncunused"),  # type: ignore[arg-type]
            vncdisplay=vncdisplay if vncdisplay is not None else display,  # type: ignore[arg-type]
            vnclisten=listen,
            vncpasswd=self.get("vncpasswd"),  # type: ignore[arg-type]
            keymap=self.get("keymap"),  # type: ignore[arg-type]
        )

    def _serials(self) -> dict[str, object]:
        """serial (the first port) and more_serials (xl's list form: every further port)."""
        from hvmctl.config.serial import parse_serial

        ports = self.get("serial")
        if not isinstance(ports, tuple):
            return {"serial": "pty", "more_serials": ()}
        for text in ports:
            port = parse_serial(text)
            if port is not None and port.server and port.wait:
                self.warn("serial", f"{text!r}: the guest starts without waiting for a client "
                          "(qemu-dm waited); add ',nowait' to say so")
        return {"serial": ports[0], "more_serials": tuple(ports[1:])}

    def _bios(self) -> str:
        """seabios by default; Secure Boot is UEFI's, so it means OVMF (and refuses SeaBIOS)."""
        bios = self.get("bios")
        if self._bool("secure_boot", False):
            if bios == "seabios":
                raise self.error("bios", "expected 'ovmf' with secure_boot = 1 (Secure Boot is UEFI's); got 'seabios'")
            return "ovmf"
        return bios if isinstance(bios, str) else "seabios"

    def _pci(self) -> tuple[str, ...]:
        value = self.get("pci")
        if value is None:
            return ()
        assert isinstance(value, tuple)
        found: tuple[str, ...] = value[0]
        for note in value[1]:
            self.warn("pci", note)
        return found

    def _cpuid(self) -> tuple[str, ...]:
        value = self.get("cpuid")
        if value is None:
            return ()
        assert isinstance(value, tuple)
        flags: tuple[str, ...] = value[0]
        for note in value[1]:
            self.warn("cpuid", note)
        return flags

    def _stdvga(self) -> bool:
        vga = self.get("vga")
        stdvga = self.get("stdvga")
        if vga is None:
            return bool(stdvga)
        if vga not in ("stdvga", "cirrus"):
            self.warn("vga", f"video card {vga!r} is not supported; the Cirrus card is used")
        as_std = vga == "stdvga"
        if stdvga is not None and bool(stdvga) != as_std:
            got = show(self.entries["vga"].value)
            raise self.error("vga", f"expected a card that agrees with stdvga; got {got}")
        return as_std

    # -- boot

    def _boot_fields(self, hvm: bool) -> dict[str, object]:
        """kernel (None for hvmloader), ramdisk, command line, boot loader."""
        kernel = self.get("kernel")
        if isinstance(kernel, str) and _is_hvmloader(kernel):
            kernel = None
        loader = self.get("loader")
        if isinstance(loader, str) and not _is_hvmloader(loader):
            self.warn("loader", "custom HVM firmware is not supported; SeaBIOS is used")
        extra, root = self.get("extra"), self.get("root")
        cmdline = self.get("cmdline")
        if cmdline is not None:
            if extra is not None or root is not None:
                self.warn("cmdline", "root and extra are ignored in favour of cmdline")
            extra, root = cmdline, None
        bootloader = self.get("bootloader")
        bootargs = self._bootargs()
        if not hvm and kernel is None and bootloader is None:
            hint = "" if "builder" in self.entries or "type" in self.entries else (
                " (or builder = 'hvm' for a full virtual machine)"
            )
            raise self.error("kernel", f"expected a kernel or a bootloader for a PV guest{hint}; got nothing")
        return {
            "kernel": kernel,
            "ramdisk": self.get("ramdisk"),
            "extra": extra,
            "root": root,
            "bootloader": bootloader,
            "bootargs": bootargs,
        }

    def _bootargs(self) -> str | None:
        args = self.get("bootargs")
        listed = self.get("bootloader_args")
        if listed is not None:
            assert isinstance(listed, list)
            joined = " ".join(listed) or None
            if args is not None and args != joined:
                got = show(self.entries["bootloader_args"].value)
                raise self.error("bootloader_args", f"expected the same as bootargs; got {got}")
            return joined
        return args if isinstance(args, str) else None

    def _key_lines(self) -> dict[str, int]:
        lines: dict[str, int] = {}
        for key, entry in self.entries.items():
            if entry.line is None or (key not in KEYS):
                continue
            lines[key] = entry.line
            field = FIELD_OF.get(key) or (KEYS[key].alias_of if KEYS[key].alias_of else None)
            if field is not None:
                lines.setdefault(field, entry.line)
            if key.startswith("vnc"):
                lines.setdefault("vfb", entry.line)
        return lines


def _is_hvmloader(path: str) -> bool:
    """hvmloader in any directory, also misspelt as in the seed ('hvmlloader')."""
    return re.match(r"hvml+o", os.path.basename(path)) is not None
