"""xl's ``pci = ["[DDDD:]BB:DD.F[@VSLOT][,KEY=VALUE...]", ...]``: host PCI functions to pass
through. Syntax only; the host checks are hvmctl.daemon.passthrough's."""

from __future__ import annotations

import re

from hvmctl.config.keys import Mismatch

_BDF = re.compile(r"(?:([0-9a-fA-F]{4}):)?([0-9a-fA-F]{2}):([0-1][0-9a-fA-F])\.([0-7])(?:@[0-9a-fA-F]{1,2})?")
#: xl's per-device options: none changes what QEMU is asked for here (noted, accepted)
PCI_OPTIONS = frozenset({"permissive", "msitranslate", "seize", "power_mgmt", "rdm_policy", "vslot"})


def parse_pci(entries: list[str]) -> tuple[tuple[str, ...], list[str]]:
    """Normalised addresses (``0000:01:00.0``), in order, and notes on ignored options."""
    out: list[str] = []
    notes: list[str] = []
    for entry in entries:
        head, *opts = [p.strip() for p in entry.split(",")]
        m = _BDF.fullmatch(head)
        if m is None:
            raise Mismatch("a PCI address [DDDD:]BB:DD.F (e.g. '0000:01:00.0')", head, entry)
        bdf = f"{(m.group(1) or '0000').lower()}:{m.group(2).lower()}:{m.group(3).lower()}.{m.group(4)}"
        if bdf in out:
            raise Mismatch("each PCI device once", entry)
        for opt in opts:
            key = opt.partition("=")[0].strip()
            if key not in PCI_OPTIONS:
                raise Mismatch("options " + ", ".join(sorted(PCI_OPTIONS)), opt, entry)
            notes.append(f"{bdf}: {key} has no effect with vfio-pci; ignored")
        out.append(bdf)
    return tuple(out), notes
