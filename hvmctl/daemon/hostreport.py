"""What a user checks first on a new host, for ``xm info``: CPU virtualisation flags, whether
KVM really works (the accelerator probe's verdict and why), QEMU's version and machine types,
bridges, taps, cgroup v2 -- and, for each feature, what is missing to use it.

Why its own module: ``host_info`` answers ``xm list`` too, so every fact here is cheap
(stats and file reads; QEMU is asked once per binary and remembered) and nothing here may
start a probe or block: the accelerator verdict is read from the probe's cache file.
"""

from __future__ import annotations

import functools
import json
import os
import re
import shutil
import subprocess
import threading
import time
from pathlib import Path
from typing import TYPE_CHECKING, Any

from hvmctl.qemu import accel

if TYPE_CHECKING:
    from hvmctl.daemon.service import Daemon

QEMU_TIMEOUT = 20.0
TOOLS_TTL = 5.0  # PATH lookups are most of the report's cost, and installs are rare
PENDING = "being asked (run xm info again in a moment)"
SYS_NET = Path("/sys/class/net")
CGROUP = Path("/sys/fs/cgroup")
SEABIOS = Path("/usr/share/seabios/bios-256k.bin")
IPXE_DIR = Path("/usr/lib/ipxe/qemu")


def report(daemon: "Daemon") -> dict[str, Any]:
    """The extra ``xm info`` keys (xm's style: flat, lower_case), ``missing`` last."""
    qemu = daemon.paths.qemu
    found = tools_on_path((qemu, "qemu-img", "ssh", "vncviewer"))
    qemu_path = found[qemu]
    flags = virt_flags()
    kvm_dev = device_state("/dev/kvm")
    verdict = cached_verdict(daemon.paths.state_dir / "accel.json", qemu)
    forced = os.environ.get("HVMCTL_ACCEL") or None
    version, machines = qemu_facts(qemu_path) if qemu_path else ("not found", [])
    shown_machines = machine_summary(machines) if version != PENDING else PENDING
    bridges = host_bridges()
    facts: dict[str, Any] = {
        "virt_caps": " ".join(flags) or "none",
        "kvm_device": kvm_dev,
        "kvm_works": kvm_works(verdict, forced),
        "qemu_version": version,
        "qemu_machines": shown_machines,
        "bridges": " ".join(bridges) or "none",
        "tun_device": device_state("/dev/net/tun"),
        "cgroup": cgroup_mode(CGROUP),
        "mount_namespace": daemon.jail.summary,  # each QEMU's own tree (daemon/jail.py)
    }
    facts["missing"] = missing_features(
        flags=flags, kvm_dev=kvm_dev, verdict=verdict, forced=forced, qemu=qemu, qemu_path=qemu_path,
        bridges=bridges, tun=facts["tun_device"], tools={t: p is not None for t, p in found.items()},
        seabios=SEABIOS.is_file(), ipxe=IPXE_DIR.is_dir())
    return facts


# ---- facts --------------------------------------------------------------------------------

@functools.lru_cache(maxsize=1)
def virt_flags(cpuinfo: str = "/proc/cpuinfo") -> tuple[str, ...]:
    """``vmx`` (Intel VT-x) and/or ``svm`` (AMD-V) as the CPU shows them to this kernel."""
    try:
        with open(cpuinfo) as fh:
            for line in fh:
                if line.startswith("flags"):
                    words = set(line.split(":", 1)[-1].split())
                    return tuple(f for f in ("vmx", "svm") if f in words)
    except OSError:
        pass
    return ()


def device_state(path: str) -> str:
    if not os.path.exists(path):
        return "missing"
    return "rw" if os.access(path, os.R_OK | os.W_OK) else "no access"


def cached_verdict(cache_file: Path, qemu: str) -> dict[str, Any] | None:
    """The probe's last verdict if it still holds for this kernel, QEMU and /dev/kvm (the
    daemon writes it at the first guest start; ``xm info`` never waits for a probe)."""
    try:
        data = json.loads(cache_file.read_text())
    except (OSError, ValueError):
        return None
    if not isinstance(data, dict) or data.get("key") != accel._cache_key(qemu):  # the probe's own key
        return None
    if time.time() - float(data.get("checked_at", 0)) > accel.CACHE_TTL:
        return None
    return data


def kvm_works(verdict: dict[str, Any] | None, forced: str | None) -> str:
    if verdict is None:
        probe = "not probed yet (the first guest start runs the probe)"
    else:
        probe = ("yes" if verdict.get("accel") == "kvm" else "no") + f": {verdict.get('reason', '?')}"
    return f"{probe}; forced to {forced} by HVMCTL_ACCEL" if forced else probe


_tools: tuple[float, dict[str, str | None]] = (0.0, {})


def tools_on_path(names: tuple[str, ...]) -> dict[str, str | None]:
    """``shutil.which`` for each name, remembered for TOOLS_TTL seconds."""
    global _tools
    at, known = _tools
    if time.monotonic() - at > TOOLS_TTL or any(n not in known for n in names):
        known = {n: shutil.which(n) for n in names}
        _tools = (time.monotonic(), known)
    return {n: known[n] for n in names}


_qemu_lock = threading.Lock()
_qemu_cache: dict[tuple[str, float], tuple[str, list[str]]] = {}
_qemu_asking: set[tuple[str, float]] = set()


def qemu_facts(binary: str, *, wait: bool = False) -> tuple[str, list[str]]:
    """QEMU's version and machine types, asked once per binary file (a package upgrade
    replaces the file, so its mtime is part of the key). Asking takes ~0.1 s, too long for
    the daemon's event loop (``xm list`` reads this too): a thread asks, and until it has
    the answer the version reads as PENDING."""
    try:
        key = (binary, os.stat(binary).st_mtime)
    except OSError:
        return "not found", []
    with _qemu_lock:
        if key in _qemu_cache:
            return _qemu_cache[key]
        asking = key in _qemu_asking
        _qemu_asking.add(key)
    if wait:
        _remember(key)
        return _qemu_cache[key]
    if not asking:
        threading.Thread(target=_remember, args=(key,), name="hostreport-qemu", daemon=True).start()
    return PENDING, []


def _remember(key: tuple[str, float]) -> None:
    facts = _ask_qemu_facts(key[0])
    with _qemu_lock:
        _qemu_cache[key] = facts
        _qemu_asking.discard(key)


def _ask_qemu_facts(binary: str) -> tuple[str, list[str]]:
    # one QEMU probe for the whole tree where it exists (hvmctl/qemu/version.py, being merged):
    # the ignore covers trees without it, and is unused (allowed) in trees with it
    try:
        from hvmctl.qemu import version as qv  # type: ignore[attr-defined,unused-ignore]
    except ImportError:
        return _ask_qemu(binary, ["-version"], _parse_version), _ask_qemu(binary, ["-machine", "help"], parse_machines)
    return str(qv.binary_version(binary)), sorted(str(m) for m in qv.binary_machines(binary))


def _ask_qemu(binary: str, args: list[str], parse: Any) -> Any:
    try:
        out = subprocess.run([binary, *args], capture_output=True, text=True, timeout=QEMU_TIMEOUT,
                             stdin=subprocess.DEVNULL, check=False).stdout
    except (OSError, subprocess.SubprocessError):
        out = ""
    return parse(out)


def _parse_version(out: str) -> str:
    match = re.search(r"version (\d+\.\d+\.\d+)", out)
    return match.group(1) if match else "unknown"


def parse_machines(out: str) -> list[str]:
    """Machine names from ``qemu -machine help`` (first line is a title)."""
    return sorted(line.split()[0] for line in out.splitlines()[1:] if line.strip())


def machine_summary(machines: list[str]) -> str:
    """The names a profile uses (pc, q35, microvm...) and how many versioned ones there are
    (pc-i440fx-7.2...): the whole list would not fit xm's one line per key."""
    if not machines:
        return "none"
    plain = [m for m in machines if not re.search(r"-\d+\.\d+(\.\d+)?$", m)]
    return f"{' '.join(plain)} (+{len(machines) - len(plain)} versioned)"


def host_bridges(sys_net: Path = SYS_NET) -> list[str]:
    try:
        return sorted(p.name for p in sys_net.iterdir() if (p / "bridge").is_dir())
    except OSError:
        return []


def cgroup_mode(root: Path) -> str:
    if (root / "cgroup.controllers").is_file():
        return "v2 (unified)"
    if (root / "unified" / "cgroup.controllers").is_file():
        return "hybrid (v1, with v2 at /sys/fs/cgroup/unified)"
    return "v1" if root.is_dir() and any(root.iterdir()) else "none"


# ---- what is missing for which feature ------------------------------------------------------

def missing_features(*, flags: tuple[str, ...], kvm_dev: str, verdict: dict[str, Any] | None,
                     forced: str | None, qemu: str, qemu_path: str | None, bridges: list[str], tun: str,
                     tools: dict[str, bool], seabios: bool, ipxe: bool) -> list[str]:
    """One line per feature that cannot work as things are: ``feature: what is missing``."""
    out = []
    if qemu_path is None:
        out.append(f"guests: QEMU binary {qemu} not found (apt install qemu-system-x86, or set HVMCTL_QEMU)")
    if not seabios:
        out.append(f"guests: SeaBIOS firmware {SEABIOS} missing (apt install seabios)")
    if not flags:
        out.append("kvm: the CPU shows no vmx/svm flag (off in the firmware, or a VM without nested "
                   "virtualisation): guests run under TCG emulation")
    elif kvm_dev != "rw":
        out.append(f"kvm: /dev/kvm {kvm_dev} (modprobe kvm_intel or kvm_amd): guests run under TCG emulation")
    if verdict is not None and verdict.get("accel") != "kvm" and forced != "kvm" and (flags and kvm_dev == "rw"):
        out.append(f"kvm: the probe found KVM unusable ({verdict.get('reason')}): guests run under TCG emulation")
    if tun != "rw":
        out.append(f"bridged and tap networking: /dev/net/tun {tun}: vifs get user-mode NAT")
    if not bridges:
        out.append("bridged networking: no bridge on the host (hvmctl network-bridge start, or "
                   "HVMCTL_NETWORK_SCRIPT): vifs get user-mode NAT")
    if not ipxe:
        out.append(f"network boot (boot=n) and NIC option ROMs: {IPXE_DIR} missing (apt install ipxe-qemu)")
    if not tools.get("qemu-img"):
        out.append("qcow2 images (image create --format qcow2, image info): qemu-img missing (apt install qemu-utils)")
    if not tools.get("ssh"):
        out.append("migration over ssh (xm migrate): ssh missing (apt install openssh-client)")
    if not tools.get("vncviewer"):
        out.append("xm vncviewer opening a viewer: no vncviewer on PATH (it prints the address instead)")
    return out
