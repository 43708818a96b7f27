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

import os
from pathlib import Path
from typing import NamedTuple


def _default_dirs() -> tuple[Path, Path]:
    if os.geteuid() == 0:
        return Path("/var/lib/hvmctl"), Path("/run/hvmctl")
    runtime = os.environ.get("XDG_RUNTIME_DIR") or f"/tmp/hvmctl-{os.getuid()}"
    state = os.environ.get("XDG_STATE_HOME") or str(Path.home() / ".local/state")
    return Path(state) / "hvmctl", Path(runtime) / "hvmctl"


class Paths(NamedTuple):
    """Immutable set of locations (a NamedTuple, not a dataclass: the CLI imports this on
    every run and dataclasses costs ~8 ms of import)."""

    state_dir: Path
    run_dir: Path
    socket: Path
    log_dir: Path
    profile_dir: Path
    qemu: str

    @classmethod
    def from_env(cls) -> "Paths":
        state, run = _default_dirs()
        state = Path(os.environ.get("HVMCTL_STATE_DIR", state))
        run = Path(os.environ.get("HVMCTL_RUN_DIR", run))
        return cls(
            state_dir=state,
            run_dir=run,
            socket=Path(os.environ.get("HVMCTL_SOCKET", run / "hvmctl.sock")),
            log_dir=Path(os.environ.get("HVMCTL_LOG_DIR", "/var/log/hvmctl" if os.geteuid() == 0 and
                                        "HVMCTL_STATE_DIR" not in os.environ else state / "log")),
            profile_dir=Path(os.environ.get("HVMCTL_PROFILE_DIR", "/etc/xen")),
            qemu=os.environ.get("HVMCTL_QEMU", "qemu-system-x86_64"),
        )

    @property
    def domains_dir(self) -> Path:
        """One JSON record per known domain."""
        return self.state_dir / "domains"

    def domain_run_dir(self, uuid: str) -> Path:
        """Sockets, pidfile and logs of one running guest (short: socket paths max 107 bytes)."""
        return self.run_dir / "dom" / uuid[:8]
