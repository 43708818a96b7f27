"""Where hvmctl keeps things; every location can be overridden by an environment variable
so tests run side by side in their own directories.

HVMCTL_STATE_DIR   persistent state (domain records, MAC registry, accel cache)
HVMCTL_RUN_DIR     runtime files (API socket, QMP/serial sockets, pidfiles, logs)
HVMCTL_SOCKET      the daemon's API socket (default RUN_DIR/hvmctl.sock)
HVMCTL_LOG_DIR     guests' console and QEMU logs (kept after the guest is gone)
HVMCTL_PROFILE_DIR where `xm create NAME` looks for profiles (default /etc/xen)
HVMCTL_QEMU        the qemu-system binary
"""

from __future__ import annotations

from pathlib import Path
from typing import NamedTuple

from hvmctl.locations import Locations


class Paths(NamedTuple):
    """Immutable set of locations, as Paths (a NamedTuple, not a dataclass: dataclasses costs
    ~8 ms of import; the CLI's start path uses hvmctl.locations instead)."""

    state_dir: Path
    run_dir: Path
    socket: Path
    log_dir: Path
    profile_dir: Path
    qemu: str

    @classmethod
    def from_env(cls) -> "Paths":
        loc = Locations()
        return cls(state_dir=Path(loc.state_dir), run_dir=Path(loc.run_dir), socket=Path(loc.socket),
                   log_dir=Path(loc.log_dir), profile_dir=Path(loc.profile_dir), qemu=loc.qemu)

    @property
    def domains_dir(self) -> Path:
        """One JSON record per known domain."""
        return self.state_dir / "domains"

    def domain_run_dir(self, uuid: str) -> Path:
        """Sockets, pidfile and logs of one running guest (short: socket paths max 107 bytes)."""
        return self.run_dir / "dom" / uuid[:8]
