"""The daemon's config file (``HVMCTL_CONFIG``, default /etc/hvmctl/hvmctl.conf).

``key = value`` lines, ``#`` comments; each key is one of the daemon's ``HVMCTL_*``
settings in lower case without the prefix. Applied once at the daemon's start, before
anything reads the environment, by filling in the variables the environment does not set:
so the environment always wins, and every module keeps reading ``os.environ`` as before.
A missing file is no configuration; a bad line stops the start (a daemon half-configured
would join the wrong pool or listen where nobody expects it).
"""

from __future__ import annotations

import os

from hvmctl.errors import HvmctlError

DEFAULT_PATH = "/etc/hvmctl/hvmctl.conf"

# what the daemon reads (the CLI-only HVMCTL_CONNECT/CA/TOKEN_FILE/... are not here)
KEYS = frozenset({  # one per line: branches that add keys do not conflict
    "accel",
    "api_body_limit",
    "fence_agent",
    "group",
    "host_name",
    "host_tags",
    "listen",
    "listen_per_ip",
    "log_dir",
    "migration_address",
    "network_script",
    "pool_etcd",
    "pool_etcd_ca",
    "pool_etcd_cert",
    "pool_etcd_key",
    "pool_fence_margin",
    "pool_grace",
    "pool_prefix",
    "pool_ttl",
    "profile_dir",
    "qemu",
    "qemu_mount_namespace",
    "qemu_uids",
    "qemu_user",
    "remote_listen",
    "run_dir",
    "scripts_dir",
    "session_ttl",
    "socket",
    "state_dir",
    "storage_pools",
    "tls_cert",
    "tls_key",
    "ws_max_frame",
    "xendomains",
})
ALIASES = {"pool": "pool_etcd"}


class ConfigFileError(HvmctlError):
    """A line of the daemon's config file the daemon cannot take."""

    kind = "config"


def parse(text: str, where: str) -> dict[str, str]:
    """The file's settings as ``HVMCTL_*`` variables; ConfigFileError names file:line."""
    out: dict[str, str] = {}
    for number, raw in enumerate(text.splitlines(), 1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        key, eq, value = line.partition("=")
        key = key.strip().lower()
        if not eq or not key:
            raise ConfigFileError(f"{where}:{number}: expected 'key = value', got {line!r}")
        key = ALIASES.get(key, key)
        if key not in KEYS:
            raise ConfigFileError(f"{where}:{number}: unknown key '{key}' (known: {', '.join(sorted(KEYS))})")
        value = value.strip()
        if len(value) >= 2 and value[0] == value[-1] and value[0] in "\"'":
            value = value[1:-1]
        name = "HVMCTL_" + key.upper()
        if name in out:
            raise ConfigFileError(f"{where}:{number}: '{key}' is set twice")
        out[name] = value
    return out


def load(env: dict[str, str] | None = None) -> dict[str, str]:
    """Read the file named by HVMCTL_CONFIG (or the default) and fill in what ``env``
    (``os.environ`` by default) lacks. Returns what was applied."""
    target = os.environ if env is None else env
    path = target.get("HVMCTL_CONFIG") or DEFAULT_PATH
    try:
        with open(path, encoding="utf-8") as f:
            text = f.read()
    except FileNotFoundError:
        if target.get("HVMCTL_CONFIG"):
            raise ConfigFileError(f"{path}: no such file (HVMCTL_CONFIG)") from None
        return {}
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigFileError(f"{path}: cannot read: {exc}") from None
    applied = {k: v for k, v in parse(text, path).items() if k not in target}
    target.update(applied)
    return applied
