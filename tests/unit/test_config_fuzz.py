"""Property tests: any text gives a LoadedProfile or a ConfigError (never another exception,
never executed code), and every config the reader can produce survives both writers."""

from __future__ import annotations

from dataclasses import replace
import builtins
import os
import subprocess
from contextlib import contextmanager
from itertools import permutations
from pathlib import Path
from typing import Any, Iterator
from unittest import mock

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from hvmctl.config import LoadedProfile, parse_profile, write_xl, write_xm
from hvmctl.config.model import LIFECYCLE_ACTIONS, NIC_MODELS, DiskSpec, DomainConfig, VfbSpec, VifSpec
from hvmctl.config.specs import TAP_TYPE_OF
from hvmctl.errors import ConfigError

FUZZ = settings(max_examples=200, deadline=None, database=None, suppress_health_check=[HealthCheck.too_slow])
SENTINEL = Path("/tmp/hvmctl-config-fuzz-sentinel")


class Executed(Exception):
    """Raised by the traps: a profile made the reader run something."""


@contextmanager
def traps() -> Iterator[list[str]]:
    """Fail loudly if anything opens a file, runs a command or imports a dangerous module."""
    calls: list[str] = []
    real_import = builtins.__import__

    def trap(name: str) -> Any:
        def fail(*args: object, **kwargs: object) -> None:
            calls.append(name)
            raise Executed(name)

        return fail

    def guarded_import(name: str, *args: Any, **kwargs: Any) -> Any:
        if name.split(".")[0] in {"subprocess", "socket", "ctypes", "shutil", "pty", "sys"}:
            calls.append(f"import {name}")
            raise Executed(name)
        return real_import(name, *args, **kwargs)

    with mock.patch.object(builtins, "open", trap("open")), mock.patch.object(
        os, "system", trap("os.system")
    ), mock.patch.object(os, "popen", trap("os.popen")), mock.patch.object(
        subprocess, "Popen", trap("Popen")
    ), mock.patch.object(builtins, "__import__", guarded_import):
        yield calls


def parse_or_refuse(text: str) -> None:
    """The property: a LoadedProfile or a one-line ConfigError, and nothing executed."""
    with traps() as calls:
        try:
            loaded = parse_profile(text, filename="/etc/xen/fuzz", default_name="fuzz")
        except ConfigError as exc:
            assert "\n" not in str(exc)
        else:
            assert isinstance(loaded, LoadedProfile)
    assert calls == []
    assert not SENTINEL.exists()


# ---------------------------------------------------------------------------------------------
# hostile and random text

TOKENS = [
    "name", "memory", "disk", "vif", "vfb", "boot", "builder", "kernel", "x", "y", "=", "==", "+",
    "-", "*", "%", "**", "/", "(", ")", "[", "]", "{", "}", ",", ":", ".", "\n", "\n    ", " ",
    "if", "else:", "elif", "import", "os", "re", "lambda", "for", "in", "not", "and", "or", "is",
    "def", "class", "return", "open", "exec", "eval", "__import__", "__class__", "__subclasses__",
    "__builtins__", "os.uname()", "os.system", "re.search", "xm_vars", "var", "check", "str", "int",
    "len", ".join", ".split", ".upper()", "[0]", "[4]", "'file:/x,hda,w'", "'phy:sdb2,hdb,w'",
    "'mac=00:16:3e:00:00:01, bridge=xenbr0'", "'type=vnc,vncunused=1'", "'hvm'", "'d'",
    f"'touch {SENTINEL}'", f"'{SENTINEL}'", "1", "0", "1024", "10", "9999999999", "'a'", "'%s'",
    "'%*s'", "True", "None", ";", "\\\n", "#", "'", '"', "f'", "b'", "...", "@", ":=",
]  # fmt: skip


@FUZZ
@given(st.text(max_size=300))
def test_random_text(text: str) -> None:
    parse_or_refuse(text)


@FUZZ
@given(st.lists(st.sampled_from(TOKENS), max_size=60).map(" ".join))
def test_token_soup(text: str) -> None:
    parse_or_refuse(text)


def expressions() -> st.SearchStrategy[str]:
    leaves = st.one_of(
        st.integers(-(2**70), 2**70).map(str),
        st.text(max_size=8).map(repr),
        st.sampled_from(["x", "os", "re", "xm_vars", "None", "True", "__builtins__", "open",
                         "os.uname()", "os.uname().machine", "os.uname()[4]", "()", "[]", "{}"]),
    )  # fmt: skip

    def grow(inner: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
        pair = st.tuples(inner, inner)
        return st.one_of(
            pair.map(lambda p: f"({p[0]} + {p[1]})"),
            pair.map(lambda p: f"({p[0]} * {p[1]})"),
            pair.map(lambda p: f"({p[0]} % {p[1]})"),
            pair.map(lambda p: f"({p[0]} - {p[1]})"),
            pair.map(lambda p: f"[{p[0]}, {p[1]}]"),
            pair.map(lambda p: f"{{{p[0]}: {p[1]}}}"),
            pair.map(lambda p: f"{p[0]}[{p[1]}]"),
            pair.map(lambda p: f"({p[0]} if {p[1]} else {p[0]})"),
            pair.map(lambda p: f"({p[0]} == {p[1]} and not {p[1]} in {p[0]})"),
            st.tuples(st.sampled_from(["str", "int", "len", "open", "exec", "eval", "getattr",
                                       "os.system", "os.popen", "__import__", "re.search", "re.match",
                                       "xm_vars.var", "vars", "globals"]), inner)
            .map(lambda p: f"{p[0]}({p[1]})"),  # fmt: skip
            st.tuples(inner, st.sampled_from(["upper()", "strip()", "split()", "join(x)", "__class__",
                                              "__dict__", "machine", "format(1)", "replace('a', x)"]))
            .map(lambda p: f"{p[0]}.{p[1]}"),  # fmt: skip
            inner.map(lambda e: f"(lambda: {e})"),
            inner.map(lambda e: f"[{e} for _ in x]"),
        )

    return st.recursive(leaves, grow, max_leaves=12)


@FUZZ
@given(st.lists(st.tuples(st.sampled_from(["x", "name", "memory", "disk", "y", "kernel"]), expressions()), max_size=6))
def test_random_expressions(assignments: list[tuple[str, str]]) -> None:
    body = "import os, re\nx = 'ab'\n"
    for i, (target, expr) in enumerate(assignments):
        body += f"{target} = {expr}\n" if i % 2 == 0 else f"if {expr}:\n    {target} = {expr}\n"
    parse_or_refuse(body)


def test_hostile_profiles_run_nothing() -> None:
    for text in [
        f"__import__('os').system('touch {SENTINEL}')",
        f"import os\nos.system('touch {SENTINEL}')",
        f"open('{SENTINEL}', 'w')",
        f"exec(\"open('{SENTINEL}', 'w')\")",
        f"x = [c for c in ().__class__.__base__.__subclasses__() if c.__name__ == 'Popen'][0](['touch', '{SENTINEL}'])",
        f"def vmid_check(v, x):\n    open('{SENTINEL}', 'w')\nxm_vars.var('vmid', check=vmid_check)\nxm_vars.check()",
    ]:
        parse_or_refuse(text)


# ---------------------------------------------------------------------------------------------
# round trip: configs the reader can produce

SEGMENT = st.text("abcXYZ019._+@~:-", min_size=1, max_size=8)
PATHS = st.lists(SEGMENT, min_size=1, max_size=4).map(lambda parts: "/" + "/".join(parts))
IFNAMES = st.text("abxyzAZ019_.-", min_size=1, max_size=15).filter(lambda n: n not in (".", ".."))
TEXT = st.text(st.characters(blacklist_categories=["Cs"]).filter(str.isprintable), min_size=1, max_size=20)
KEYMAPS = ["it", "en-us", "de-ch", "fr", "pt-br"]
HVM_VDEVS = [f"hd{c}" for c in "abcd"] + [f"sd{c}" for c in "abc"] + [f"xvd{c}" for c in "abcz"] + ["vda", "vdb", "xvdaa"]


@st.composite
def disks(draw: st.DrawFn) -> tuple[DiskSpec, ...]:
    vdevs = draw(st.lists(st.sampled_from(HVM_VDEVS), unique=True, max_size=6))
    result = []
    for vdev in vdevs:
        cdrom = vdev[:2] in ("hd", "sd") and draw(st.booleans())
        if cdrom and draw(st.booleans()):
            result.append(DiskSpec("", vdev, "r", "cdrom", "file", None))
            continue
        backend = draw(st.sampled_from(["file", "phy", *(f"tap:{t}" for t in TAP_TYPE_OF.values())]))
        fmt: str | None
        if backend == "file":
            fmt = draw(st.sampled_from([None, *TAP_TYPE_OF]))
        elif backend == "phy":
            fmt = "raw"
        else:
            fmt = {v: k for k, v in TAP_TYPE_OF.items()}[backend[4:]]
        mode = "r" if cdrom else draw(st.sampled_from(["r", "w", "w!"]))
        result.append(DiskSpec(draw(PATHS), vdev, mode, "cdrom" if cdrom else "disk", backend, fmt))  # type: ignore[arg-type]
    return tuple(result)


MACS = st.tuples(st.integers(0, 127).map(lambda b: b * 2), st.binary(min_size=5, max_size=5)).map(
    lambda t: ":".join(f"{b:02x}" for b in bytes([t[0]]) + t[1])
).filter(lambda m: m != "00:00:00:00:00:00")


@st.composite
def vifs(draw: st.DrawFn) -> tuple[VifSpec, ...]:
    macs = draw(st.lists(MACS, unique=True, max_size=4))
    vifnames = draw(st.lists(IFNAMES, unique=True, min_size=4, max_size=4))
    out = []
    for i in range(draw(st.integers(0, 4))):
        kind = draw(st.none() | st.sampled_from(["ioemu", "netfront", "vif"]))
        out.append(
            VifSpec(
                mac=macs[i] if i < len(macs) else None,
                bridge=draw(st.none() | IFNAMES | st.sampled_from(["ovsbr0.10:20:30", "ovsbr0:42:43"])),
                # a paravirtual-only NIC has no model (the reader drops it, with a note)
                model=None if kind in ("netfront", "vif") else draw(st.none() | st.sampled_from(NIC_MODELS)),
                ip=draw(st.none() | st.sampled_from(["10.0.0.2", "10.0.0.2 10.0.0.3/24", "fe80::1/64"])),
                script=draw(st.none() | st.sampled_from(["vif-bridge", "/etc/xen/scripts/vif-route"])),
                type=kind,
                vifname=draw(st.none() | st.just(vifnames[i])),
                rate=draw(st.none() | st.sampled_from(["10Mb/s", "5MB/s@20ms", "1GB/s@500us"])),
                backend=draw(st.none() | st.sampled_from(["0", "Domain-0"])),
            )
        )
    return tuple(out)


@st.composite
def consoles(draw: st.DrawFn, keymap: str | None) -> VfbSpec | None:
    """A console in the reader's normal form: its keymap is the profile's unless it says another."""
    kind = draw(st.sampled_from([None, "vnc", "sdl"]))
    if kind is None:
        return None
    own = draw(st.sampled_from([keymap, *KEYMAPS])) if keymap is not None else draw(st.none() | st.sampled_from(KEYMAPS))
    if kind == "sdl":
        return VfbSpec(type="sdl", keymap=own)
    return VfbSpec(
        type="vnc",
        vncunused=draw(st.booleans()),
        vncdisplay=draw(st.none() | st.integers(0, 59635)),
        vnclisten=draw(st.sampled_from(["127.0.0.1", "0.0.0.0", "::1", "localhost", "10.1.2.3"])),
        vncpasswd=draw(st.none() | TEXT),
        keymap=own,
    )


@st.composite
def configs(draw: st.DrawFn) -> DomainConfig:
    builder = draw(st.sampled_from(["hvm", "hvm", "linux", "generic", "pvh"]))
    memory = draw(st.integers(1, 65536))
    vcpus = draw(st.integers(1, 64))
    keymap = draw(st.none() | st.sampled_from(KEYMAPS))
    kernel = draw(st.none() | PATHS.map(lambda p: p + "/vmlinuz"))
    bootloader = draw(st.none() | st.sampled_from(["/usr/bin/pygrub", "pygrub"]))
    if builder != "hvm" and kernel is None and bootloader is None:
        kernel = "/boot/vmlinuz-xen"
    letters = draw(st.lists(st.sampled_from("acdn"), unique=True, min_size=1, max_size=4))
    return DomainConfig(
        name=draw(st.text("abcXYZ019_.-,", min_size=1, max_size=20).filter(lambda n: n not in (".", ".."))),
        builder=builder,
        uuid=draw(st.none() | st.uuids().map(str)),
        memory=memory,
        maxmem=draw(st.none() | st.integers(memory, memory * 4)),
        vcpus=vcpus,
        maxvcpus=draw(st.none() | st.integers(vcpus, 128)),
        cpus=draw(st.none() | st.sampled_from(["0", "0-3", "0,2", "0-3,^1", "all"])),
        disks=draw(disks()),
        vifs=draw(vifs()),
        vfb=draw(consoles(keymap)),
        boot="".join(letters),
        kernel=kernel,
        ramdisk=draw(st.none() | PATHS),
        extra=draw(st.none() | TEXT),
        root=draw(st.none() | TEXT),
        bootloader=bootloader,
        bootargs=draw(st.none() | TEXT),
        serial=draw(st.sampled_from(["pty", "null", "none", "file:/var/log/s", "unix:/run/s", "tcp::4555"])),
        on_poweroff=draw(st.sampled_from(LIFECYCLE_ACTIONS)),
        on_reboot=draw(st.sampled_from(LIFECYCLE_ACTIONS)),
        on_crash=draw(st.sampled_from(LIFECYCLE_ACTIONS)),
        acpi=draw(st.booleans()),
        apic=draw(st.booleans()),
        pae=draw(st.booleans()),
        localtime=draw(st.booleans()),
        rtc_timeoffset=draw(st.integers(-(10**6), 10**6)),
        usb=draw(st.booleans()),
        usbdevices=tuple(draw(st.lists(st.sampled_from(["tablet", "mouse", "host:1.2", "host:046d:c52b"]), max_size=3))),
        stdvga=draw(st.booleans()),
        soundhw=draw(st.none() | st.sampled_from(["ac97", "sb16,es1370", "hda", "all"])),
        keymap=keymap,
        device_model=draw(st.none() | PATHS),
        accel=draw(st.sampled_from([None, "kvm", "tcg"])),
    )


@FUZZ
@given(configs())
def test_round_trip_xm(cfg: DomainConfig) -> None:
    loaded = parse_profile(write_xm(cfg), filename="/etc/xen/rt", default_name="rt")
    assert loaded.config == cfg
    assert loaded.warnings == ()
    assert DomainConfig.from_dict(loaded.config.to_dict()) == cfg  # and the runtime record


@FUZZ
@given(configs())
def test_round_trip_xl(cfg: DomainConfig) -> None:
    loaded = parse_profile(write_xl(cfg), filename="/etc/xen/rt.cfg", default_name="rt")
    # xl spells xm's paravirtual-only type=netfront type=vif: the same NIC
    pv = tuple(replace(v, type="vif") if v.type == "netfront" else v for v in cfg.vifs)
    assert loaded.config == replace(cfg, vifs=pv)
    assert loaded.warnings == ()


def test_boot_orders_are_all_accepted() -> None:
    for n in range(1, 5):
        for order in permutations("acdn", n):
            assert parse_profile(f"builder='hvm'\nboot='{''.join(order)}'\n", filename="/b").config.boot == "".join(order)
