"""Watching a guest's swtpm as the daemon watches its QEMU.

swtpm runs daemonised (it outlives a daemon restart, so it is no child to wait for): its
pid is polled. When it dies under a running guest the guest has lost its TPM mid-flight
(Windows BitLocker, measured boot...). Like libvirt, the guest is stopped: its QEMU is
killed, and the supervisor's usual path takes over -- an unexpected exit, a crash, the
profile's ``on_crash`` decides (restart brings it back with a new swtpm on the same state).
The cause is logged first, so ``xm log`` and the daemon log say why."""

from __future__ import annotations

import asyncio
import logging
from pathlib import Path
from typing import TYPE_CHECKING

from hvmctl.daemon import vtpm
from hvmctl.daemon.state import DomainState

if TYPE_CHECKING:
    from hvmctl.daemon.domain import Domain

log = logging.getLogger(__name__)

#: seconds between two looks at the swtpm's pid
INTERVAL = 1.0


async def watch(dom: "Domain", run_dir: Path, domid: int, interval: float | None = None) -> str | None:
    """Until this incarnation ends; the reason it stopped the guest, or None."""
    interval = INTERVAL if interval is None else interval
    while dom.domid == domid and dom.process is not None and dom.process.alive:
        if dom.state in (DomainState.RUNNING, DomainState.PAUSED) and not dom.exit_expected:
            pid = await asyncio.to_thread(vtpm.running_pid, run_dir)
            proc = dom.process
            if pid is None and dom.domid == domid and not dom.exit_expected and proc is not None and proc.alive:
                why = f"domain {dom.name} (ID {domid}): its swtpm (TPM 2.0) died; stopping the guest, on_crash applies"
                log.error("%s", why)
                dom.last_event = "SWTPM_DIED"
                proc.kill()  # the supervisor sees QEMU exit: a crash, as any unexpected end
                return why
        await asyncio.sleep(interval)
    return None
