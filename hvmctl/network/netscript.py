"""Xen's ``network-script``: understood, never executed.

xend ran ``(network-script NAME ARGS)`` from xend-config.sxp at start (``NAME start ARGS``)
and at stop. The seed's ``my-network-script`` only calls ``network-bridge`` twice::

    dir=$(dirname "$0")
    "$dir/network-bridge" "$@" vifnum=0
    "$dir/network-bridge" "$@" vifnum=1

We read such a script as data: each line must be a call of network-bridge (``"$@"`` stands
for the command and arguments the script was given), a comment, a blank line, or the
``dir=$(dirname "$0")`` idiom. Anything else is refused with its line, never run by a shell.
"""

from __future__ import annotations

import re
import shlex
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from hvmctl.errors import ConfigError, HvmctlError, NotFoundError

from . import XEN_SCRIPTS_DIR
from .netbridge import NetBridgeArgs, NetBridgeResult, network_bridge, parse_netbridge_args

#: scripts that mean "do nothing" (xend-config's way to switch host networking off)
NOOP_SCRIPTS = frozenset({"true", "/bin/true", "/usr/bin/true"})
_DIR_IDIOMS = {
    'dir=$(dirname "$0")',
    "dir=$(dirname $0)",
    'dir="$(dirname "$0")"',
    'dir=`dirname "$0"`',
    "dir=`dirname $0`",
}
_SXP_RE = re.compile(r"^\(\s*network-script\s+(.*?)\s*\)$", re.DOTALL)
_KEY_VALUE_RE = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*=[A-Za-z0-9_.:@/+-]*$")
_SHELL_META = re.compile(r"[;&|<>`$(){}*?\[\]~!\\]")


@dataclass(frozen=True)
class ScriptCall:
    """One network-bridge call found in a script, with where it came from."""

    args: NetBridgeArgs
    source: str
    line: int


def parse_xend_setting(text: str) -> str:
    """``(network-script 'network-bridge netdev=eth1')`` → ``network-bridge netdev=eth1``.

    A plain ``network-bridge netdev=eth1`` (the setting without its sxp wrapper) is
    returned as it is.
    """
    stripped = text.strip()
    m = _SXP_RE.match(stripped)
    if not m:
        if stripped.startswith("("):
            raise ConfigError(f"not a (network-script ...) setting: {text!r}", key="network-script")
        return stripped
    value = m.group(1).strip()
    if len(value) >= 2 and value[0] == value[-1] and value[0] in "'\"":
        return value[1:-1].strip()
    return value


def _resolve(name: str, scripts_dir: Path) -> Path:
    path = Path(name)
    return path if path.is_absolute() else Path(scripts_dir) / path


def _is_network_bridge(word: str) -> bool:
    """``network-bridge``, ``$dir/network-bridge``, ``${dir}/...``, ``/etc/xen/scripts/...``."""
    head, _, base = word.rpartition("/")
    if base != "network-bridge":
        return False
    if head in ("", "$dir", "${dir}"):
        return True
    return head.startswith("/") and not _SHELL_META.search(head)


def parse_script_text(
    text: str, argv: Sequence[str], *, source: str = "<script>"
) -> list[ScriptCall]:
    """The network-bridge calls a script makes when run with ``argv`` (``["start", ...]``)."""
    calls: list[ScriptCall] = []
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        if not line or line.startswith("#") or line in _DIR_IDIOMS:
            continue

        def refuse(why: str) -> ConfigError:
            return ConfigError(
                f"{why}: {line!r} (only network-bridge calls are understood; "
                "network scripts are read, never run)",
                file=source,
                line=number,
            )

        try:
            words = shlex.split(line, comments=True)
        except ValueError as e:
            raise refuse(f"cannot parse ({e})") from e
        if not words or not _is_network_bridge(words[0]):
            raise refuse("not a network-bridge call")
        args: list[str] = []
        for word in words[1:]:
            if word == "$@":
                args.extend(argv)
            elif word in ("start", "stop", "status") or _KEY_VALUE_RE.match(word):
                args.append(word)
            else:
                raise refuse(f"unsupported argument {word!r}")
        # the unquoted line must hold no shell operators that shlex folded into words
        if re.search(r"[;&|<>`]|\$\(", line):
            raise refuse("shell operators are not allowed")
        try:
            parsed = parse_netbridge_args(args)
        except HvmctlError as e:
            raise refuse(e.message) from e
        calls.append(ScriptCall(parsed, source, number))
    return calls


def plan_network_script(
    spec: str, command: str = "start", *, scripts_dir: Path = XEN_SCRIPTS_DIR
) -> list[ScriptCall]:
    """The network-bridge calls that ``spec`` (a script name with arguments, or the
    xend-config.sxp line) stands for when xend would have run it with ``command``."""
    if command not in ("start", "stop", "status"):
        raise HvmctlError(f"network-script: unknown command {command!r} (start, stop, status)")
    setting = parse_xend_setting(spec)
    try:
        words = shlex.split(setting)
    except ValueError as e:
        raise ConfigError(f"cannot parse {setting!r}: {e}", key="network-script") from e
    if not words or words[0] in NOOP_SCRIPTS:
        return []
    name, extra = words[0], [command, *words[1:]]
    if Path(name).name == "network-bridge":  # built in: Xen's own script is not needed
        try:
            return [ScriptCall(parse_netbridge_args(extra), setting, 0)]
        except HvmctlError as e:
            raise ConfigError(e.message, key="network-script") from e
    path = _resolve(name, scripts_dir)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError as e:
        raise NotFoundError(f"network-script {name}: {path} not found", cause=e) from e
    except OSError as e:
        raise ConfigError(f"network-script {name}: cannot read {path}: {e.strerror}") from e
    return parse_script_text(text, extra, source=str(path))


def run_network_script(
    spec: str,
    command: str = "start",
    *,
    state_dir: Path,
    scripts_dir: Path = XEN_SCRIPTS_DIR,
    netns: str | None = None,
    force: bool = False,
) -> list[NetBridgeResult]:
    """Do what the network script would have done; every line is checked before any runs."""
    calls = plan_network_script(spec, command, scripts_dir=scripts_dir)
    return [
        network_bridge(call.args, state_dir=state_dir, netns=netns, force=force) for call in calls
    ]
