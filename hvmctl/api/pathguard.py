"""The API's one gate for host paths a request hands a guest (``storage/pools.py`` has the
rule): every handler where a profile, a disk, a medium, a save file or a bundle comes in
calls ``guard_config`` or ``guard_path`` with its request, so who is asking decides."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from hvmctl.api.auth import Principal, principal_of
from hvmctl.storage import pools

if TYPE_CHECKING:
    from hvmctl.config.model import DomainConfig
    from hvmctl.daemon.service import Daemon

#: a connection nobody vouched for is treated as the strictest caller (the listener refuses
#: it before a handler runs; this is the belt to those braces)
NOBODY = Principal("nobody", "viewer", "token")


def caller(request: Any) -> Principal:
    return principal_of(request) or NOBODY


def guard_config(request: Any, daemon: "Daemon", cfg: "DomainConfig", *, allow_any_path: bool = False,
                 remote_only: bool = False) -> None:
    """``remote_only``: what the daemon itself wrote (a save file's record) binds remote
    callers only; local root restores what it saved, --allow-any-path or not."""
    if remote_only and caller(request).via == "unix":
        return
    pools.check_paths(cfg, caller(request), pools.pools_from_env(), allow_any_path=allow_any_path,
                      state_dir=str(daemon.paths.state_dir))


def guard_path(request: Any, daemon: "Daemon", path: str, what: str, *, write: bool,
               allow_any_path: bool = False, remote_only: bool = False) -> None:
    """``remote_only``: a file the daemon reads itself and never hands a guest (a save file
    to restore: xendomains' saves in the state dir included) binds remote callers only."""
    if remote_only and caller(request).via == "unix":
        return
    pools.check_path(path, what, caller(request), pools.pools_from_env(), write=write,
                     allow_any_path=allow_any_path, state_dir=str(daemon.paths.state_dir))


def guard_use(request: Any, daemon: "Daemon", use: pools.PathUse, *, allow_any_path: bool = False) -> None:
    pools.check_use(use, caller(request), pools.pools_from_env(), allow_any_path=allow_any_path,
                    state_dir=str(daemon.paths.state_dir))
