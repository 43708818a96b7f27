"""The versioned machine type behind QEMU's ``pc`` alias (``pc`` -> ``pc-i440fx-7.2``).

A guest is pinned to it at first start and keeps it in its live definition: a QEMU
upgraded meanwhile, or the migration target's newer QEMU, then still builds the machine the
guest's state was made on. Asked once per QEMU binary (``-machine help``, ~50 ms) and cached
in STATE_DIR by the binary's path, size and mtime.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
from pathlib import Path

from hvmctl.atomic import write_json_atomic

PROBE_TIMEOUT = 10.0
_ALIAS = re.compile(r"^(\S+)\s.*\(alias of (\S+)\)\s*$")


def parse_aliases(text: str) -> dict[str, str]:
    """``qemu -machine help`` -> {alias: versioned machine}."""
    out = {}
    for line in text.splitlines():
        m = _ALIAS.match(line.strip())
        if m:
            out[m.group(1)] = m.group(2)
    return out


def _key(qemu: str) -> str:
    path = shutil.which(qemu) or qemu
    try:
        st = os.stat(path)
    except OSError:
        return path
    return f"{os.path.realpath(path)}|{st.st_size}|{st.st_mtime_ns}"


def resolve(qemu: str, machine: str, cache: Path | None) -> str:
    """The versioned machine ``machine`` stands for; ``machine`` itself when QEMU cannot
    say (an old QEMU, or the name is already versioned)."""
    key = _key(qemu)
    if cache is not None:
        try:
            data = json.loads(cache.read_text())
            if data.get("key") == key:
                return str(data["aliases"].get(machine, machine))
        except (OSError, ValueError, KeyError, AttributeError):
            pass
    try:
        proc = subprocess.run([qemu, "-machine", "help"], capture_output=True, text=True, timeout=PROBE_TIMEOUT,
                              check=False)
    except (OSError, subprocess.TimeoutExpired):
        return machine
    aliases = parse_aliases(proc.stdout)
    if cache is not None and aliases:
        try:
            write_json_atomic(cache, {"key": key, "aliases": aliases})
        except OSError:
            pass
    return aliases.get(machine, machine)
