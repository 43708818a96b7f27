"""What the migration area does when the daemon starts and stops."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from hvmctl.api.remote import RemoteEndpoint
    from hvmctl.daemon.backend import Backend
    from hvmctl.daemon.service import Daemon
    from hvmctl.paths import Paths


def before_daemon_start(paths: "Paths", backend: "Backend | None" = None) -> None:
    """Settle incoming migrations a killed daemon left, and drop the credentials of outgoing
    ones already settled, before its records are loaded."""
    from hvmctl.migration import handover
    from hvmctl.migration.target import cleanup_stale

    cleanup_stale(paths, backend)
    handover.sweep(paths)


class Started:
    def __init__(self, remote: "RemoteEndpoint") -> None:
        self.remote = remote

    async def close(self) -> None:
        await self.remote.close()


async def on_daemon_start(daemon: "Daemon") -> Started:
    """Open the remote endpoint, then run host start (xendomains) in the background."""
    from hvmctl.api.remote import start_remote
    from hvmctl.migration import hoststart

    remote = await start_remote(daemon)
    await hoststart.on_daemon_start(daemon)
    return Started(remote)
