"""xm/xl CPU keys as QEMU sees them: ``cpuid`` (feature masks) and ``viridian`` (Hyper-V
enlightenment groups). Syntax only; which flags reach the argv under which accelerator is
``hvmctl.devices.cpu``'s business.

``cpuid`` comes in two forms:
* xl's string: ``"host,aes=0,sse4.1=1"`` -- the host policy, then feature=value (1 on, 0 off;
  x, k, s keep the default) with libxl's feature names;
* xm's list: ``["0x00000001:ecx=xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx0", ...]`` -- per leaf and
  register, 32 characters from bit 31 down (1 set, 0 clear, x/k/s default). Bits are named
  for the leaves QEMU's flags cover (1 and 0x80000001); any other forced bit is a note.
The result is QEMU flags ("+aes", "-pni"), in the order given, last word wins.
"""

from __future__ import annotations

import re

from hvmctl.config.keys import Mismatch

# CPUID bit names (QEMU's spelling), bit 0 first; "" where QEMU has no flag
_LEAF1_EDX = ("fpu vme de pse tsc msr pae mce cx8 apic - sep mtrr pge mca cmov pat pse36 pn clflush - ds acpi "
              "mmx fxsr sse sse2 ss ht tm ia64 pbe").split()
_LEAF1_ECX = ("pni pclmulqdq dtes64 monitor ds-cpl vmx smx est tm2 ssse3 cid - fma cx16 xtpr pdcm - pcid dca "
              "sse4.1 sse4.2 x2apic movbe popcnt tsc-deadline aes xsave osxsave avx f16c rdrand hypervisor").split()
_EXT_EDX = ("- - - - - - - - - - - syscall - - - - - - - - nx - mmxext - - fxsr-opt pdpe1gb rdtscp - lm "
            "3dnowext 3dnow").split()
_EXT_ECX = ("lahf-lm cmp-legacy svm extapic cr8legacy abm sse4a misalignsse 3dnowprefetch osvw ibs xop skinit "
            "wdt - lwp fma4 tce - nodeid-msr - tbm topoext").split()
BITS: dict[tuple[int, str], list[str]] = {
    (0x1, "edx"): _LEAF1_EDX, (0x1, "ecx"): _LEAF1_ECX,
    (0x80000001, "edx"): _EXT_EDX, (0x80000001, "ecx"): _EXT_ECX,
}
#: libxl's feature names where QEMU spells them otherwise
XL_NAMES = {
    "sse3": "pni", "sse4_1": "sse4.1", "sse4_2": "sse4.2", "lahfsahf": "lahf-lm", "cmplegacy": "cmp-legacy",
    "altmovcr8": "cr8legacy", "dscpl": "ds-cpl", "tscdeadline": "tsc-deadline", "page1gb": "pdpe1gb",
    "pclmulqd": "pclmulqdq", "ffxsr": "fxsr-opt", "nodeid": "nodeid-msr", "3dnowpf": "3dnowprefetch",
    "cntxid": "cid", "sse4a": "sse4a",
}
_FEATURE = re.compile(r"[a-z0-9][a-z0-9._-]{0,31}")
_LIST_ENTRY = re.compile(r"(0x[0-9a-fA-F]{1,8})(?:,0x[0-9a-fA-F]{1,8})?:(.*)")

#: xl's viridian groups -> QEMU's hv-* flags (what each needs comes with it)
VIRIDIAN_GROUPS: dict[str, tuple[str, ...]] = {
    "base": ("hv-relaxed", "hv-vapic", "hv-spinlocks=0x1fff"),
    "freq": ("hv-frequencies",),
    "time_ref_count": ("hv-time",),
    "reference_tsc": ("hv-time",),
    "hcall_remote_tlb_flush": ("hv-vpindex", "hv-tlbflush"),
    "apic_assist": ("hv-vapic",),
    "crash_ctl": ("hv-crash",),
    "synic": ("hv-vpindex", "hv-synic"),
    "stimer": ("hv-vpindex", "hv-synic", "hv-time", "hv-stimer"),
    "hcall_ipi": ("hv-vpindex", "hv-ipi"),
    "ex_processor_masks": (),
    "no_vp_limit": (),
    "cpu_hotplug": (),
}
VIRIDIAN_DEFAULTS = ("base", "freq", "time_ref_count", "apic_assist", "crash_ctl")


def parse_cpuid(value: object) -> tuple[tuple[str, ...], list[str]]:
    """QEMU flags for a ``cpuid`` value, and notes on what had no flag."""
    if isinstance(value, str):
        return _xl_string(value)
    if isinstance(value, (list, tuple)) and all(isinstance(v, str) for v in value):
        flags: list[str] = []
        notes: list[str] = []
        for entry in value:
            more, why = _xm_entry(entry)
            flags += more
            notes += why
        return _last_wins(flags), notes
    raise Mismatch("xl's 'host,FEATURE=0|1,...' or xm's ['LEAF:REG=32 bits of 0/1/x', ...]", value)


def _xl_string(text: str) -> tuple[tuple[str, ...], list[str]]:
    parts = [p.strip() for p in text.split(",") if p.strip()]
    if parts and parts[0] == "host":
        parts = parts[1:]
    flags: list[str] = []
    notes: list[str] = []
    for part in parts:
        name, sep, val = part.partition("=")
        name = XL_NAMES.get(name.strip().lower(), name.strip().lower())
        val = val.strip().lower()
        if not sep or not _FEATURE.fullmatch(name) or val not in ("0", "1", "x", "k", "s", "true", "false"):
            raise Mismatch("FEATURE=0|1 (or x, k, s)", part, text)
        if val in ("1", "true"):
            flags.append(f"+{name}")
        elif val in ("0", "false"):
            flags.append(f"-{name}")
        else:
            notes.append(f"{name}={val}: QEMU's default kept (no per-bit policy)")
    return _last_wins(flags), notes


def _xm_entry(entry: str) -> tuple[list[str], list[str]]:
    m = _LIST_ENTRY.fullmatch(entry.strip())
    if m is None:
        raise Mismatch("'LEAF:REG=BITS' (e.g. '0x00000001:ecx=xxxx...x0')", entry)
    leaf = int(m.group(1), 16)
    flags: list[str] = []
    notes: list[str] = []
    for assignment in m.group(2).split(","):
        reg, sep, bits = assignment.strip().partition("=")
        reg = reg.strip().lower()
        if not sep or reg not in ("eax", "ebx", "ecx", "edx") or not re.fullmatch(r"[01xks]{32}", bits.strip()):
            raise Mismatch("REG=32 characters of 0, 1, x, k, s (eax, ebx, ecx, edx)", assignment, entry)
        names = BITS.get((leaf, reg))
        for i, char in enumerate(reversed(bits.strip())):
            if char not in "01":
                continue
            name = names[i] if names is not None else "-"
            if name == "-":
                notes.append(f"{leaf:#x}:{reg} bit {i}: no QEMU flag; left out")
                continue
            flags.append(("+" if char == "1" else "-") + name)
    return flags, notes


def _last_wins(flags: list[str]) -> tuple[str, ...]:
    """One flag per feature, as the last word said, in first-mention order."""
    last: dict[str, str] = {}
    for flag in flags:
        last[flag[1:]] = flag
    return tuple(last.values())


def parse_viridian(value: object) -> tuple[str, ...]:
    """``viridian = 1`` (xl's defaults), 0, or a list of group names (``!name`` removes one,
    ``defaults`` and ``all`` stand for those sets): the groups, in a fixed order."""
    if isinstance(value, bool) or (isinstance(value, int) and value in (0, 1)):
        return VIRIDIAN_DEFAULTS if value else ()
    if isinstance(value, str):
        value = [value]
    if not (isinstance(value, (list, tuple)) and all(isinstance(v, str) for v in value)):
        raise Mismatch("1, 0 or a list of viridian groups (" + ", ".join(VIRIDIAN_GROUPS) + ")", value)
    chosen: set[str] = set()
    for word in (w.strip() for w in value):
        drop = word.startswith("!")
        name = word[1:] if drop else word
        group = {"defaults": VIRIDIAN_DEFAULTS, "all": tuple(VIRIDIAN_GROUPS)}.get(name, (name,))
        if name not in VIRIDIAN_GROUPS and name not in ("defaults", "all"):
            raise Mismatch("viridian groups: defaults, all, " + ", ".join(VIRIDIAN_GROUPS), word, value)
        chosen = chosen - set(group) if drop else chosen | set(group)
    return tuple(g for g in VIRIDIAN_GROUPS if g in chosen)


def hv_flags(groups: tuple[str, ...]) -> tuple[str, ...]:
    """QEMU's hv-* flags for viridian groups (each once, in QEMU's dependency order)."""
    out: list[str] = []
    for group in groups:
        for flag in VIRIDIAN_GROUPS.get(group, ()):
            if flag not in out:
                out.append(flag)
    return tuple(out)
