"""The tree a guest's QEMU sees: its own mount namespace, a tmpfs root holding only this.

One pure function of (config, plan, host paths, host layout) -> mounts, run by the exec
helper (hvmctl/daemon/jailexec.py) before QEMU starts. What is in it: the system QEMU
and its loader read (/usr read-only, the merged-/usr links, the few /etc files found by
tracing a real start), a minimal /dev, a private /proc showing QEMU only itself, /sys
read-only for PCI passthrough (vfio walks it), the guest's run dir read-write, and every
path QEMU still opens by name (qemu/hostpaths.py) at its own path with its access. Files
the daemon opened and passed as fds need no place in it. A path is what QEMU sees, so
each is mounted at the path the argv names; the bind's source is the path resolved.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from hvmctl.config.model import DomainConfig
from hvmctl.qemu.argv import LaunchPlan
from hvmctl.qemu.hostpaths import HostPath

TOP_LINKS = ("/bin", "/sbin", "/lib", "/lib32", "/lib64", "/libx32")  # merged /usr: links
DEVICES = ("/dev/null", "/dev/zero", "/dev/full", "/dev/random", "/dev/urandom")
# what QEMU and its libraries read in /etc (strace -f -e trace=%file of a start; each if present)
ETC_FILES = ("/etc/ld.so.cache", "/etc/localtime", "/etc/gnutls/config", "/etc/libnl/classid")
NAT_ETC_FILES = ("/etc/resolv.conf", "/etc/hosts")  # user networking forwards the guest's DNS


@dataclass(frozen=True)
class Mount:
    """``kind``: ro/rw (a bind), link (a symlink to
    ``source``), proc (a new proc mount). ``target``: the path inside."""

    kind: str
    source: str
    target: str

    def words(self) -> list[str]:
        return [self.kind, self.source, self.target]


@dataclass(frozen=True)
class Layout:
    """What the plan needs to know of the host, probed once (:func:`probe`)."""

    links: tuple[tuple[str, str], ...]  # ("/lib", "usr/lib"): top-level links into /usr
    dirs: tuple[str, ...]  # top-level system directories that are not links (split /usr)
    etc: tuple[str, ...]  # the ETC_FILES and NAT_ETC_FILES this host has


def probe() -> Layout:
    links, dirs = [], []
    for top in TOP_LINKS:
        if os.path.islink(top):
            links.append((top, os.readlink(top)))
        elif os.path.isdir(top):
            dirs.append(top)
    return Layout(tuple(links), tuple(dirs), tuple(p for p in ETC_FILES + NAT_ETC_FILES if os.path.exists(p)))


def _under(path: str, top: str) -> bool:
    return path == top or path.startswith(top.rstrip("/") + "/")


def jail_mounts(cfg: DomainConfig, plan: LaunchPlan, items: Sequence[HostPath], *, exe: str,
                layout: Layout, resolve: Callable[[str], str] = os.path.realpath) -> list[Mount]:
    """The mounts, parents before children. ``items``: qemu/hostpaths.host_paths of the
    same launch (the run dir among them); ``exe``: the QEMU binary, resolved."""
    run_dir = os.path.abspath(str(plan.run_dir))
    out = [Mount("ro", "/usr", "/usr")]
    out += [Mount("link", dest, top) for top, dest in layout.links]
    out += [Mount("ro", top, top) for top in layout.dirs]
    if not _under(exe, "/usr") and not any(_under(exe, d) for d in layout.dirs):
        out.append(Mount("ro", exe, exe))
    nat = any(n.kind != "bridge" for n in plan.nics)
    out += [Mount("ro", resolve(p), p) for p in layout.etc if p in ETC_FILES or nat]
    out += [Mount("rw", d, d) for d in DEVICES]
    out.append(Mount("proc", "proc", "/proc"))
    if cfg.pci:
        out.append(Mount("ro", "/sys", "/sys"))  # sysfs alone: its submounts stay out
        out.append(Mount("rw", "/dev/vfio/vfio", "/dev/vfio/vfio"))
    out.append(Mount("rw", run_dir, run_dir))
    seen = {m.target for m in out}
    for item in items:
        path = os.path.abspath(item.path)
        if path in seen or _under(path, run_dir):
            continue
        seen.add(path)
        if item.access == "r" and _under(path, "/usr"):
            continue  # there already, read-only
        out.append(Mount("ro" if item.access == "r" else "rw", resolve(path), path))
    return out


def flat(mounts: Sequence[Mount]) -> list[str]:
    """The helper's argv words: ``N kind source target ...``."""
    return [str(len(mounts))] + [w for m in mounts for w in m.words()]
