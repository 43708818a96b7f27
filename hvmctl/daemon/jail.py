"""Whether guests' QEMU get a mount namespace of their own, and the argv that gives it.

On (``qemu_mount_namespace = yes``, the default) where it can be: QEMU runs as a uid of
its own (not ``qemu_user = root``), the daemon has CAP_SYS_ADMIN and the kernel lets a
probe unshare, mount a tmpfs and a private proc. Else QEMU starts as before, and the host
report says why once (``mount namespace: off (...)``). The exec helper
(hvmctl/daemon/jailexec.py) does the work between the fork and QEMU's exec; the tree is
hvmctl/qemu/jailplan.py's.
"""

from __future__ import annotations

import logging
import os
import shutil
import subprocess
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from hvmctl.qemu import jailplan
from hvmctl.qemu.hostpaths import HostPath

log = logging.getLogger("hvmctl.jail")

ENV = "HVMCTL_QEMU_MOUNT_NAMESPACE"
HELPER = str(Path(__file__).with_name("jailexec.py"))
CAP_SYS_ADMIN = 21
PROBE_TIMEOUT = 10.0
ENTER_TIMEOUT = 10.0


def python() -> str:
    """The interpreter for the helper: the daemon's own, resolved (a pyenv or venv shim
    is a script that costs tens of ms)."""
    return os.path.realpath(sys.executable)


def helper_argv() -> list[str]:
    return [python(), "-S", "-E", "-s", HELPER]


@dataclass(frozen=True)
class Jail:
    """``on`` and the ``root`` to build on, or off and why."""

    on: bool
    reason: str
    root: str = ""
    layout: jailplan.Layout | None = None

    @property
    def summary(self) -> str:
        return "on" if self.on else f"off ({self.reason})"


def wanted(env: dict[str, str] | None = None) -> bool:
    from hvmctl.errors import ConfigError

    value = (os.environ if env is None else env).get(ENV, "").strip().lower()
    if value in ("", "yes", "on", "1", "true"):
        return True
    if value in ("no", "off", "0", "false"):
        return False
    raise ConfigError(f"{ENV}={value!r}: expected yes or no")


def has_cap_sys_admin(status: str = "/proc/self/status") -> bool:
    try:
        for line in Path(status).read_text().splitlines():
            if line.startswith("CapEff:"):
                return bool(int(line.split()[1], 16) >> CAP_SYS_ADMIN & 1)
    except (OSError, ValueError):
        pass
    return False


def _probe(root: str) -> str | None:
    """None when the kernel builds a jail here (an empty one, exec'ing ``true``)."""
    true = shutil.which("true") or "/usr/bin/true"
    layout = jailplan.probe()
    mounts = jailplan.flat([jailplan.Mount("ro", "/usr", "/usr"), jailplan.Mount("proc", "proc", "/proc")]
                           + [jailplan.Mount("link", d, t) for t, d in layout.links]
                           + [jailplan.Mount("ro", d, d) for d in layout.dirs])
    try:
        done = subprocess.run([*helper_argv(), "65534", "65534", root, os.path.realpath(true), *mounts, true],
                              stdin=subprocess.DEVNULL, capture_output=True, text=True,
                              timeout=PROBE_TIMEOUT, check=False)
    except (OSError, subprocess.TimeoutExpired) as exc:
        return f"the probe did not run: {exc}"
    if done.returncode != 0:
        why = (done.stderr.strip().splitlines() or [f"exit {done.returncode}"])[-1]
        return f"the kernel refuses: {why.removeprefix('hvmctl jail: ')}"
    return None


def decide(run_dir: Path, *, qemu_as_root: bool, fake: bool, env: dict[str, str] | None = None) -> Jail:
    """At the daemon's start: on, or off with the reason (said once)."""
    if not wanted(env):
        why = f"{ENV}=no" if (os.environ if env is None else env).get(ENV) else "qemu_mount_namespace = no"
        return _off(why)
    if fake:
        return _off("the fake backend")
    if qemu_as_root:
        return _off("QEMU runs as root")
    if not has_cap_sys_admin():
        return _off("no CAP_SYS_ADMIN")
    root = run_dir / "jail"
    try:
        root.mkdir(mode=0o700, parents=True, exist_ok=True)
    except OSError as exc:
        return _off(f"{root}: {exc.strerror}")
    problem = _probe(str(root))
    if problem is not None:
        return _off(problem)
    log.info("QEMU runs in a mount namespace of its own per guest")
    return Jail(True, "", str(root), jailplan.probe())


def _off(reason: str) -> Jail:
    log.warning("mount namespace: off (%s): each QEMU sees the host's whole file tree", reason)
    return Jail(False, reason)


def prefix(jail: Jail, uid: int, gid: int, exe: str, mounts: Sequence[jailplan.Mount]) -> list[str]:
    """What goes before QEMU's argv: the helper that jails it, then execs ``exe``."""
    return [*helper_argv(), str(uid), str(gid), jail.root, exe, *jailplan.flat(mounts)]


def own_namespace(pid: int) -> bool:
    """True when ``pid`` lives in a mount namespace other than the daemon's."""
    try:
        return os.readlink(f"/proc/{pid}/ns/mnt") != os.readlink("/proc/self/ns/mnt")
    except OSError:
        return False


def bind_into(pid: int, run_dir: str, items: Sequence[HostPath]) -> None:
    """Paths granted to a running, jailed QEMU (a host CD drive, TLS credentials outside its
    run dir), bound into its namespace at the same paths. Nothing for a QEMU without one."""
    if not own_namespace(pid):
        return
    mounts = [jailplan.Mount("ro" if i.access == "r" else "rw", os.path.realpath(i.path), os.path.abspath(i.path))
              for i in items if os.path.exists(i.path) and not _in(os.path.abspath(i.path), run_dir)
              and not os.path.exists(f"/proc/{pid}/root{os.path.abspath(i.path)}")]
    if not mounts:
        return
    from hvmctl.errors import HostError

    try:
        done = subprocess.run([*helper_argv(), "--enter", str(pid), *jailplan.flat(mounts)],
                              stdin=subprocess.DEVNULL, capture_output=True, text=True,
                              timeout=ENTER_TIMEOUT, check=False)
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise HostError(f"cannot bind {mounts[0].target} into QEMU {pid}'s mount namespace: {exc}") from exc
    if done.returncode != 0:
        why = (done.stderr.strip().splitlines() or [f"exit {done.returncode}"])[-1]
        raise HostError(f"cannot bind {mounts[0].target} into QEMU {pid}'s mount namespace: {why}")


def _in(path: str, top: str) -> bool:
    return path == top or path.startswith(top.rstrip("/") + "/")
