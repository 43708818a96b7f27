"""Where hvmctl keeps things, as plain strings: the one place that reads the HVMCTL_*
variables and picks the defaults (listed in hvmctl.paths, which wraps these in Path objects).

The CLI reads this module directly: pathlib and typing together cost more start-up time
than the whole of `xm list` may take.
"""

from __future__ import annotations

import os


class Locations:
    """The locations of one installation (or test environment), each a str."""

    __slots__ = ("state_dir", "run_dir", "socket", "log_dir", "profile_dir", "qemu")

    def __init__(self, env: dict[str, str] | None = None) -> None:
        env = dict(os.environ) if env is None else env
        root = os.geteuid() == 0
        if root:
            state, run = "/var/lib/hvmctl", "/run/hvmctl"
        else:
            runtime = env.get("XDG_RUNTIME_DIR") or f"/tmp/hvmctl-{os.getuid()}"
            home_state = env.get("XDG_STATE_HOME") or os.path.join(os.path.expanduser("~"), ".local/state")
            state, run = os.path.join(home_state, "hvmctl"), os.path.join(runtime, "hvmctl")
        self.state_dir: str = env.get("HVMCTL_STATE_DIR", state)
        self.run_dir: str = env.get("HVMCTL_RUN_DIR", run)
        self.socket: str = env.get("HVMCTL_SOCKET", os.path.join(self.run_dir, "hvmctl.sock"))
        default_log = "/var/log/hvmctl" if root and "HVMCTL_STATE_DIR" not in env else os.path.join(
            self.state_dir, "log")
        self.log_dir: str = env.get("HVMCTL_LOG_DIR", default_log)
        self.profile_dir: str = env.get("HVMCTL_PROFILE_DIR", "/etc/xen")
        self.qemu: str = env.get("HVMCTL_QEMU", "qemu-system-x86_64")
