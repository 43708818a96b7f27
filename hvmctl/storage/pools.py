"""Storage pools, and the one check of the host paths a caller may hand a guest.

A pool is a named directory where guest images and media may live: by default
``/var/lib/hvmctl/images`` and Xen's ``/var/lib/xen/images`` and ``/xen`` (as the seed's
profiles use them), more in ``HVMCTL_STORAGE_POOLS`` (colon-separated, ``name=path`` or
just ``path``; ``storage_pools`` in the daemon's config file).

Why two rules: the Unix socket is root, and root keeps xm's freedom (any path, ``phy:``
devices) except the obvious foot-guns -- a file under a system directory that is not
world-readable, or any system file opened for writing (``disk = ['file:/etc/shadow,...']``,
``serial = 'file:/etc/shadow'`` which QEMU opens for writing as root); ``--allow-any-path``
passes those. A caller of the remote API (a token or a web session, perhaps only an
operator) may name disks, cdroms, serial files, save files and bundles only inside a pool,
kernel and ramdisk also outside if world-readable, never a ``phy:`` device, and has no
override: otherwise a token would be a way to read or write any host file as root.

Paths are compared after resolving symlinks and ``..`` (``os.path.realpath``), so a link
inside a pool pointing out of it is outside.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING

from hvmctl.errors import ConfigError

if TYPE_CHECKING:  # no import of the API from storage at run time
    from hvmctl.api.auth import Principal
    from hvmctl.config.model import DomainConfig

POOLS_ENV = "HVMCTL_STORAGE_POOLS"
DEFAULT_POOLS = (("images", "/var/lib/hvmctl/images"), ("xen-images", "/var/lib/xen/images"), ("xen", "/xen"))
#: where a guest has no business unless the file is world-readable and opened read-only
SYSTEM_DIRS = ("/etc", "/boot", "/root", "/usr", "/proc", "/sys")
ALLOW_FLAG = "--allow-any-path"
#: callers held to the local-root rule: root on the Unix socket, and a peer host that holds this
#: host's migration token (it can already start any guest here, so it is trusted as root is;
#: phy: devices on shared storage migrate as they always did)
HOST_VIAS = frozenset({"unix", "peer"})


class PathRefusedError(ConfigError):
    """A host path the caller may not hand a guest; names the profile's file:line (or the
    action) and the path."""

    http_status = 403


@dataclass(frozen=True)
class Pool:
    name: str
    path: str


@dataclass(frozen=True)
class PathUse:
    """One host path a request hands a guest: what it is for (``xvdb``, ``kernel``...),
    the profile key it came from ('' for a path an action names), and how it is opened."""

    path: str
    what: str
    key: str
    write: bool
    boot: bool = False  # kernel/ramdisk: remotely also outside a pool, if world-readable
    device: bool = False  # phy: a host block device (never remotely)


def pools_from_env(env: Mapping[str, str] | None = None) -> tuple[Pool, ...]:
    """The default pools, then those of ``HVMCTL_STORAGE_POOLS``."""
    env = os.environ if env is None else env
    pools = [Pool(n, p) for n, p in DEFAULT_POOLS]
    for item in env.get(POOLS_ENV, "").split(":"):
        item = item.strip()
        if not item:
            continue
        name, sep, path = item.partition("=")
        if not sep:
            name, path = os.path.basename(item.rstrip("/")) or item, item
        if not os.path.isabs(path):
            raise ConfigError(f"{POOLS_ENV}: {item}: a pool's path must be absolute")
        pools.append(Pool(name, path))
    return tuple(pools)


def uses_of(cfg: "DomainConfig") -> list[PathUse]:
    """Every host path a profile hands its guest: disks and cdroms, kernel and ramdisk,
    serial ports that are files."""
    uses = [PathUse(d.target, d.vdev, "disk", write=not d.readonly and d.devtype != "cdrom",
                    device=d.backend == "phy")
            for d in cfg.disks if not d.empty]
    for key in ("kernel", "ramdisk"):
        value = getattr(cfg, key)
        if value:
            uses.append(PathUse(value, key, key, write=False, boot=True))
    for port in (cfg.serial, *cfg.more_serials):
        kind, sep, rest = port.strip().partition(":")
        if sep and kind in ("file", "pipe") and rest:
            uses.append(PathUse(rest, "serial", "serial", write=True))
    return uses


def check_paths(cfg: "DomainConfig", principal: "Principal", pools: Iterable[Pool], *,
                allow_any_path: bool = False, state_dir: str | None = None) -> None:
    """Refuse (PathRefusedError, naming file:line) a profile whose host paths this caller
    may not hand a guest."""
    for use in uses_of(cfg):
        check_use(use, principal, pools, allow_any_path=allow_any_path, state_dir=state_dir,
                  file=cfg.source, line=cfg.line_of(use.key))


def check_use(use: PathUse, principal: "Principal", pools: Iterable[Pool], *, allow_any_path: bool = False,
              state_dir: str | None = None, file: str | None = None, line: int | None = None) -> None:
    """The rule for one path (see the module's docstring)."""
    real = os.path.realpath(use.path)
    shown = use.path if real == use.path else f"{use.path} (resolves to {real})"

    def refuse(why: str) -> PathRefusedError:
        what = "" if use.what == use.key else f"{use.what}: "  # "serial: serial: ..." says nothing twice
        return PathRefusedError(f"{what}{shown} {why}", file=file, line=line, key=use.key or None)

    if principal.via not in HOST_VIAS:
        if use.device:
            raise refuse("is a host device; the remote API may not hand a guest phy: devices")
        pool = pool_of(real, pools)
        if pool is not None:
            return
        if use.boot and not use.write and _world_readable(real):
            return
        names = ", ".join(f"{p.name}={p.path}" for p in pools) or "none"
        raise refuse(f"is outside the storage pools ({names}); over the remote API a guest may only use "
                     f"files inside a pool")
    if allow_any_path:
        return
    if _under(real, system_dirs(state_dir)) and (use.write or not _world_readable(real)):
        how = "opened for writing" if use.write else "not world-readable"
        raise refuse(f"is a system file ({how}); pass {ALLOW_FLAG} to use it anyway")


def check_path(path: str, what: str, principal: "Principal", pools: Iterable[Pool], *, write: bool,
               allow_any_path: bool = False, state_dir: str | None = None) -> None:
    """The same rule for a path an action names (a save file, a bundle, a medium): the
    error names the action, as a request has no file:line."""
    check_use(PathUse(path, what, "", write=write), principal, pools, allow_any_path=allow_any_path,
              state_dir=state_dir)


def system_dirs(state_dir: str | None = None) -> tuple[str, ...]:
    if state_dir is None:
        from hvmctl.locations import Locations

        state_dir = Locations().state_dir
    return (*SYSTEM_DIRS, os.path.realpath(state_dir))


def pool_of(real: str, pools: Iterable[Pool]) -> Pool | None:
    """The pool a resolved path is inside (strictly: a pool's own directory is no image)."""
    for pool in pools:
        root = os.path.realpath(pool.path)
        if real != root and _under(real, (root,)):
            return pool
    return None


def _under(real: str, dirs: Iterable[str]) -> bool:
    for d in dirs:
        d = d.rstrip("/") or "/"
        if real == d or real.startswith(d + "/") or d == "/":
            return True
    return False


def _world_readable(real: str) -> bool:
    try:
        st = os.stat(real)
    except OSError:
        return False
    return bool(st.st_mode & stat.S_IROTH)
