"""The vif ``script=`` hook, called the way Xen's hotplug called vif-bridge.

Xen ran ``SCRIPT online`` when a guest's vif appeared and ``SCRIPT offline`` when it went
(``add``/``remove`` for tap-type vifs), with ``vif=<interface>`` and ``XENBUS_PATH`` in the
environment; the stock scripts read bridge, mac and ip from xenstore under that path. There
is no xenstore here, so those values come in the environment too.

The stock ``vif-bridge`` and ``vif-openvswitch`` are what hvmctl itself does (tap joined to
its bridge, or made a port of an Open vSwitch bridge), so naming them runs nothing. Any other script runs from an argv list (no shell), with a clean environment
and a timeout; a failure names the script, its exit code and the last line of its stderr.
"""

from __future__ import annotations

import os
import subprocess
from dataclasses import dataclass
from pathlib import Path

from hvmctl.errors import HostError, HvmctlError, NotFoundError, TimeoutError_

from . import XEN_SCRIPTS_DIR
from .netns import netns_preexec

ACTIONS = ("online", "offline", "add", "remove")
#: scripts whose work hvmctl does itself
BUILTIN_SCRIPTS = frozenset({"vif-bridge", "vif-openvswitch"})  # see hvmctl.network.ovs
SAFE_PATH = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"
DEFAULT_TIMEOUT = 30.0


@dataclass(frozen=True)
class VifScriptResult:
    """A script that ran and succeeded."""

    script: str
    action: str
    returncode: int
    stdout: str
    stderr: str


def resolve_vif_script(script: str, scripts_dir: Path = XEN_SCRIPTS_DIR) -> Path | None:
    """The script's path (relative names live in ``scripts_dir``); None for built-ins."""
    if not script or Path(script).name in BUILTIN_SCRIPTS:  # also /etc/xen/scripts/vif-bridge
        return None
    path = Path(script)
    return path if path.is_absolute() else Path(scripts_dir) / path


def vif_script_env(
    *,
    vif: str,
    bridge: str | None = None,
    mac: str | None = None,
    ip: str | None = None,
    domid: int | None = None,
    devid: int | None = None,
    script: str | None = None,
) -> dict[str, str]:
    """Xen's hotplug environment, plus the values its scripts read from xenstore."""
    env = {"PATH": SAFE_PATH, "vif": vif, "dev": vif, "type_if": "vif", "XENBUS_TYPE": "vif"}
    if domid is not None and devid is not None:
        env["XENBUS_PATH"] = f"backend/vif/{domid}/{devid}"
        env["XENBUS_BASE_PATH"] = "backend"
        env["domid"] = str(domid)
        env["devid"] = str(devid)
    for key, value in (("bridge", bridge), ("mac", mac), ("ip", ip), ("script", script)):
        if value is not None:
            env[key] = value
    return env


def run_vif_script(
    script: str | None,
    action: str,
    *,
    vif: str,
    bridge: str | None = None,
    mac: str | None = None,
    ip: str | None = None,
    domid: int | None = None,
    devid: int | None = None,
    scripts_dir: Path = XEN_SCRIPTS_DIR,
    timeout: float = DEFAULT_TIMEOUT,
    netns: str | None = None,
) -> VifScriptResult | None:
    """Run ``script action`` for interface ``vif``; None when there was nothing to run."""
    if action not in ACTIONS:
        raise HvmctlError(f"vif script action must be one of {', '.join(ACTIONS)}, got {action!r}")
    if script is None:
        return None
    path = resolve_vif_script(script, scripts_dir)
    if path is None:
        return None
    if not path.is_file():
        raise NotFoundError(f"vif script {script}: {path} not found")
    if not os.access(path, os.X_OK):
        raise HostError(f"vif script {script}: {path} is not executable")
    env = vif_script_env(
        vif=vif, bridge=bridge, mac=mac, ip=ip, domid=domid, devid=devid, script=str(path)
    )
    preexec = netns_preexec(netns) if netns is not None else None
    try:
        proc = subprocess.run(
            [str(path), action],
            env=env,
            stdin=subprocess.DEVNULL,
            capture_output=True,
            text=True,
            errors="replace",
            timeout=timeout,
            cwd="/",
            preexec_fn=preexec,
        )
    except subprocess.TimeoutExpired as e:
        raise TimeoutError_(
            f"vif script {path} {action} ({vif}) did not finish in {timeout:g} s", cause=e
        ) from e
    except (OSError, subprocess.SubprocessError) as e:
        raise HostError(f"vif script {path} {action} ({vif}) could not run: {e}", cause=e) from e
    finally:
        if preexec is not None:
            preexec.close()
    if proc.returncode != 0:
        lines = [ln for ln in proc.stderr.splitlines() if ln.strip()]
        last = lines[-1].strip() if lines else "(no stderr)"
        raise HostError(
            f"vif script {path} {action} ({vif}) failed with exit code {proc.returncode}: {last}"
        )
    return VifScriptResult(str(path), action, proc.returncode, proc.stdout, proc.stderr)
